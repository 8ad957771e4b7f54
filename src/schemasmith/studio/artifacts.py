"""Every build target's files, computed in memory from the design for viewing and download.

Rendered with `build.render_target`, the function `schemasmith build` writes from, so what the
page shows is byte for byte what the command would write. A target that cannot be built from
this design reports its error instead of hiding the other targets.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from ..build import BUILT, render_target
from ..errors import SchemasmithError
from ..model.document import Design


def render_all(design: Design) -> dict[str, dict[str, Any]]:
    """target → {"files": {name: text}, "warnings": [...], "error": str | None}, in BUILT order."""
    targets: dict[str, dict[str, Any]] = {}
    for target in BUILT:
        try:
            rendered = render_target(design, target, pg_version=design.conventions.postgres_version)
        except SchemasmithError as error:
            targets[target] = {"files": {}, "warnings": [], "error": str(error)}
            continue
        targets[target] = {"files": dict(sorted(rendered.files.items())), "warnings": list(rendered.warnings), "error": None}
    return targets


def zip_all(targets: dict[str, dict[str, Any]]) -> bytes:
    """All files as one zip, laid out as `schemasmith build --target all -o DIR` writes them."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for target, result in targets.items():
            for name, text in result["files"].items():
                # A fixed timestamp keeps the archive identical for an identical design.
                info = zipfile.ZipInfo(f"{target}/{name}", date_time=(1980, 1, 1, 0, 0, 0))
                archive.writestr(info, text)
    return buffer.getvalue()
