"""Migration preview: the design's last committed version (or a live database) → the file on disk.

Runs `migrate.command.run_diff`, the code behind `schemasmith diff`, into a temporary folder and
reads the step files back, so the preview is exactly the migration `diff` would write.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path
from typing import Any

from ..errors import SchemasmithError
from ..migrate.command import run_diff


def committed_text(path: Path) -> tuple[str | None, str]:
    """The file's text at git HEAD, or None with the reason there is none."""
    folder = path.resolve().parent
    try:
        top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=folder, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired) as error:
        return None, f"git is not available: {error}"
    if top.returncode != 0:
        return None, f"{path.name} is not in a git repository"
    relative = path.resolve().relative_to(Path(top.stdout.strip()).resolve()).as_posix()
    shown = subprocess.run(["git", "show", f"HEAD:{relative}"], cwd=folder, capture_output=True, text=True, timeout=10)
    if shown.returncode != 0:
        return None, f"{relative} has no committed version at HEAD"
    return shown.stdout, f"HEAD:{relative}"


def _read_steps(report, folder: Path) -> list[dict[str, Any]]:
    steps = []
    for step in report.steps:
        item = step.as_dict()
        item["up_sql"] = (folder / step.up).read_text(encoding="utf-8")
        item["down_sql"] = (folder / step.down).read_text(encoding="utf-8")
        steps.append(item)
    return steps


def preview(schema: str, against: str | None = None) -> dict[str, Any]:
    """The migration from `against` (a database URL) or from git HEAD to SCHEMA on disk.

    Never raises for a design that cannot be diffed: the page shows the reason instead.
    """
    path = Path(schema)
    with tempfile.TemporaryDirectory(prefix="schemasmith-studio-") as temporary:
        folder = Path(temporary)
        if against is not None:
            old, label = against, "the live database"
        else:
            if not path.is_file():
                return {"available": False, "reason": "the schema is not a file, so it has no committed version"}
            text, label = committed_text(path)
            if text is None:
                return {"available": False, "reason": label}
            old_file = folder / f"committed{path.suffix}"
            old_file.write_text(text, encoding="utf-8")
            old = str(old_file)
        output = folder / "migration"
        try:
            report = run_diff(old, schema, dialect=None, format="sql", output=str(output), backfill=[], safe=None)
        except SchemasmithError as error:
            return {"available": False, "reason": f"{label} → {path.name}: {error}", "old": label}
        data = report.as_dict()
        data["old"], data["new"] = label, path.name
        data["available"] = True
        data["steps"] = _read_steps(report, output) if report.steps else []
        data["report_markdown"] = report.to_markdown() if report.steps else ""
        return data
