"""The impact analysis: load SCHEMA, resolve TABLE[.COLUMN], gather its dependents, and show them."""

from __future__ import annotations

from ..dialects.registry import POSTGRES, dialect_for_url
from ..text.redaction import redact_url
from .database import database_dependents
from .design import design_dependents
from .model import Impact, ImpactError, resolve_target
from .views import rename_view, split_view

#: What a live database adds to the design's dependents, per dialect (views and functions from its catalogs).
LIVE_DEPENDENTS = {POSTGRES: database_dependents}


def analyze(source: str, target: str, *, split_to: str | None = None, rename_to: str | None = None) -> Impact:
    """Load SCHEMA, resolve TABLE[.COLUMN], list its dependents, and write a compatibility view."""
    from ..db.urls import is_database_url
    from ..sources import load_source

    if split_to is not None and rename_to is not None:
        raise ImpactError("use --split-to or --rename-to, not both")
    loaded = load_source(source)
    design = loaded.design
    shown = source if not is_database_url(source) else redact_url(source)
    table, column = resolve_target(design, target, shown)
    if split_to is not None and column is not None:
        raise ImpactError(f"--split-to splits a table: give TABLE ({table}), not TABLE.COLUMN")
    dependents, warnings = design_dependents(design, table, column)
    live = dialect_for_url(source) if is_database_url(source) else None
    if live is not None and live.name in LIVE_DEPENDENTS:
        dependents += LIVE_DEPENDENTS[live.name](source, table, column)
    compat = None
    if split_to is not None:
        compat = split_view(design, table, split_to)
    elif rename_to is not None:
        compat = rename_view(design, table, column, rename_to)
    return Impact(shown, table, column, dependents, compat, list(loaded.warnings) + warnings)


_KIND_TITLES = {
    "primary_key": "primary key",
    "foreign_key": "foreign keys",
    "unique": "unique constraints",
    "check": "check constraints",
    "index": "indexes",
    "trigger": "triggers",
    "policy": "row-level-security policies",
    "generated_column": "generated columns",
    "query": "workload queries",
    "view": "views",
    "function": "functions",
}


def render_text(impact: Impact) -> str:
    lines = [f"impact of {impact.target} ({impact.source}): {len(impact.dependents)} dependent(s)"]
    for kind, title in _KIND_TITLES.items():
        items = [d for d in impact.dependents if d.kind == kind]
        if not items:
            continue
        lines.append("")
        lines.append(f"{title}:")
        for item in items:
            extra = ""
            if item.direction:
                extra = f" [{item.direction}]"
            if kind == "query":
                used = f"{', '.join(item.columns)} in " if item.columns else "in "
                lines.append(f"  {item.name}: {used}{', '.join(item.clauses)}")
                lines.append(f"      {item.detail}")
            else:
                lines.append(f"  {item.name}{extra}: {item.detail}")
    if not impact.dependents:
        lines.append("nothing in the design depends on it")
    if impact.compat is not None:
        lines.append("")
        lines.append(f"compatibility view {impact.compat.view} (PostgreSQL; apply after the change):")
        lines.append("")
        lines.append(impact.compat.sql.rstrip("\n"))
    return "\n".join(lines) + "\n"
