"""`schemasmith build`: compute each target's files from the design and write them all at once."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .errors import SchemasmithError
from .fileio import write_files_atomic
from .model.document import Design

#: Every target of the contract, mapped to the module that renders it (None: not built yet).
#: Each module offers `render(design, ...) -> DdlOutput`; those that depend on the PostgreSQL
#: version (uuidv7 defaults) take `postgres_version`.
TARGET_MODULES: dict[str, str | None] = {
    "postgres": "schemasmith.dialects.postgres",
    "sqlite": "schemasmith.dialects.sqlite",
    "mysql": "schemasmith.dialects.mysql",
    "sqlmodel": "schemasmith.emit.sqlmodel",
    "sqlalchemy": "schemasmith.emit.sqlalchemy",
    "alembic": "schemasmith.emit.alembic",
    "prisma": "schemasmith.emit.prisma",
    "kysely": "schemasmith.emit.kysely",
    "mermaid": "schemasmith.emit.mermaid",
    "dbml": "schemasmith.emit.dbml",
    "markdown": "schemasmith.emit.markdown",
}
KNOWN = tuple(TARGET_MODULES)
BUILT = tuple(target for target, module in TARGET_MODULES.items() if module)
_TAKES_VERSION = {"postgres", "prisma", "kysely", "mermaid", "dbml", "markdown"}


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
    """One target's files and warnings, computed from the design (nothing written)."""
    import importlib

    module_name = TARGET_MODULES.get(target)
    if module_name is None:
        raise SchemasmithError(f"target {target} is not built yet")
    module = importlib.import_module(module_name)
    if target in _TAKES_VERSION:
        return module.render(design, postgres_version=pg_version)
    return module.render(design)


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
