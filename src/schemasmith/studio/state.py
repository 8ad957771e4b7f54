"""The studio's view of the design: loaded once, reloaded when the file changes on disk.

Every request asks `current()`; a change of the file's modification time or size (one `stat`)
reloads it and drops what was computed from the old text, so the diagram, findings and artifacts
follow the editor without a restart. A file that stops loading mid-edit keeps the last good
design on screen with the error beside it, instead of an empty page.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import SchemasmithError
from ..model.document import Design
from ..sources import load_source


@dataclass
class Snapshot:
    version: int
    design: Design | None
    error: str | None
    warnings: list[str] = field(default_factory=list)


class Studio:
    """One schema source served by the studio, with what was computed from its current text."""

    def __init__(self, schema: str, db: str | None = None):
        self.schema = schema
        self.db = db
        self.path = Path(schema) if "://" not in schema else None
        self._lock = threading.RLock()
        self._fingerprint: object = object()  # matches no stat result, so the first call loads
        self._snapshot = Snapshot(0, None, None)
        self._cache: dict[str, Any] = {}
        self.current()
        if self._snapshot.design is None:
            raise SchemasmithError(self._snapshot.error or f"{schema}: could not be read")

    def _stat(self) -> tuple | None:
        if self.path is None:
            return ("url",)
        try:
            status = self.path.stat()
        except OSError:
            return None
        return (status.st_mtime_ns, status.st_size)

    def current(self) -> Snapshot:
        """The design as the file holds it now (reloaded if it changed since the last call)."""
        with self._lock:
            fingerprint = self._stat()
            if fingerprint == self._fingerprint:
                return self._snapshot
            self._fingerprint = fingerprint
            version = self._snapshot.version + 1
            try:
                source = load_source(self.schema)
            except SchemasmithError as error:
                self._snapshot = Snapshot(version, self._snapshot.design, str(error), self._snapshot.warnings)
            else:
                self._snapshot = Snapshot(version, source.design, None, list(source.warnings))
            self._cache.clear()
            return self._snapshot

    def cached(self, key: str, compute: Callable[[Design], Any]) -> Any:
        """`compute(design)` once per version of the file."""
        snapshot = self.current()
        with self._lock:
            if key not in self._cache:
                self._cache[key] = compute(snapshot.design)
            return self._cache[key]
