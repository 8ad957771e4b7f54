"""Validation level 1 (formal): the generated DDL applies cleanly to real databases.

Each dialect's DDL is written to a temporary file and applied with the same tool a user would
use (psql for PostgreSQL, SQLite's own engine for SQLite); a failure is reported with the
database's message and the line of the generated file.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from .db.apply import apply_postgres_file, apply_sqlite_file
from .db.embedded import default_server_label, redact, scratch_database
from .dialects.base import Dialect
from .dialects.registry import canonical_name, dialect_names, get_dialect
from .errors import SourceError
from .model.document import Design


@dataclass
class FormalCheck:
    """One dialect's result: did the DDL apply, where, how long it took, what it warned."""

    dialect: str
    database: str
    applied: bool
    seconds: float
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the proof did differently (a built-in for an extension)


def check_formal(design: Design, *, postgres_url: str | None = None, dialects=("postgres", "sqlite")) -> list[FormalCheck]:
    """Apply the design's DDL for each dialect to a fresh real database.

    Dialects run in the registry's order; those with neither scratch databases on a server nor
    a file database (no way to try the DDL here) are skipped.
    """
    chosen = {canonical_name(name) for name in dialects}
    results = []
    with tempfile.TemporaryDirectory(prefix="schemasmith-validate-") as folder:
        work = Path(folder)
        for name in dialect_names():
            dialect = get_dialect(name)
            if name in chosen and (dialect.scratch_databases or dialect.file_database):
                results.append(_check_dialect(dialect, design, work, postgres_url))
    return results


def _check_dialect(dialect: Dialect, design: Design, work: Path, server_url: str | None) -> FormalCheck:
    """Render the design for `dialect`, apply it to a fresh database, and say how that went."""
    output = dialect.render(design)
    path = work / f"{dialect.name}.sql"
    path.write_text(output.files["schema.sql"], encoding="utf-8")
    started = time.perf_counter()
    if dialect.scratch_databases:
        where = redact(server_url) if server_url else default_server_label()
    else:
        where = f"{dialect.label} (file)"
    notes: list[str] = []
    try:
        if dialect.scratch_databases:
            with scratch_database(server_url, prefix="validate") as url:
                notes = apply_postgres_file(url, path, proof=True).notes
        else:
            apply_sqlite_file(work / "validate.db", path)
    except SourceError as error:
        return FormalCheck(dialect.name, where, False, time.perf_counter() - started, str(error), output.warnings)
    return FormalCheck(dialect.name, where, True, time.perf_counter() - started, None, output.warnings, notes)
