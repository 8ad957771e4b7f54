"""`schemasmith build`: compute each target's files from the design and write them all at once."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .errors import SchemasmithError
from .fileio import write_files_atomic
from .model.document import Design

#: Targets this version can build, each with the function that renders it.
BUILT = ("postgres", "sqlite")
KNOWN = ("postgres", "sqlite", "mysql", "sqlmodel", "sqlalchemy", "alembic", "prisma", "kysely", "mermaid", "dbml", "markdown")


@dataclass
class BuildResult:
    files: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def parse_targets(text: str) -> tuple[list[str], list[str]]:
    """(targets to build, known targets not built yet) from `postgres,sqlite` or `all`."""
    names = [part.strip().lower() for part in text.split(",") if part.strip()]
    if not names:
        raise SchemasmithError("--target needs at least one target")
    if names == ["all"]:
        return list(BUILT), [name for name in KNOWN if name not in BUILT]
    unknown = [name for name in names if name not in KNOWN]
    if unknown:
        raise SchemasmithError(f"unknown target(s) {', '.join(unknown)}; targets are {', '.join(KNOWN)} or all")
    names = list(dict.fromkeys(names))
    return [name for name in names if name in BUILT], [name for name in names if name not in BUILT]


def render_target(design: Design, target: str, *, pg_version: int | None = None):
    if target == "postgres":
        from .dialects import postgres

        return postgres.render(design, postgres_version=pg_version)
    if target == "sqlite":
        from .dialects import sqlite

        return sqlite.render(design)
    raise SchemasmithError(f"target {target} is not built yet")


def build_targets(design: Design, targets: list[str], output: Path, *, pg_version: int | None = None) -> BuildResult:
    """Render every target first, then write all files together: an error leaves nothing behind."""
    result = BuildResult()
    files: dict[str, str] = {}
    for target in targets:
        rendered = render_target(design, target, pg_version=pg_version)
        result.warnings.extend(f"{target}: {warning}" for warning in rendered.warnings)
        for name, text in rendered.files.items():
            files[f"{target}/{name}"] = text
    if output.exists() and not output.is_dir():
        raise SchemasmithError(f"{output}: exists and is not a folder")
    result.files = write_files_atomic(output, files)
    return result
