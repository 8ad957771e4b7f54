"""What an impact analysis finds: the dependents of a table or column, compatibility views, the target."""

from __future__ import annotations

import difflib
from dataclasses import asdict, dataclass, field

from ..errors import SchemasmithError
from ..model.document import Design

COMPAT_SCHEMA = "compat"
BASE_SCHEMA = "public"


class ImpactError(SchemasmithError):
    """An impact question that cannot be answered: unknown table or column, bad option."""


@dataclass
class Dependent:
    """One object that depends on the target."""

    kind: str  # primary_key, foreign_key, unique, check, index, trigger, policy, generated_column, query, view, function
    name: str
    table: str | None
    detail: str
    direction: str | None = None  # foreign keys: outgoing (the target references) / incoming (references the target)
    columns: list[str] = field(default_factory=list)  # the target's columns it uses
    clauses: list[str] = field(default_factory=list)  # queries: where the target appears (where, join, order by, …)


@dataclass
class Compat:
    """A compatibility view and how to use it."""

    kind: str  # rename-column, rename-table, split
    view: str  # the view's qualified name
    sql: str
    writes: str  # how writes reach the new tables
    assumes: str  # the new shape the SQL expects


@dataclass
class Impact:
    source: str
    table: str
    column: str | None
    dependents: list[Dependent]
    compat: Compat | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def target(self) -> str:
        return f"{self.table}.{self.column}" if self.column else self.table

    def to_data(self) -> dict:
        return {
            "source": self.source,
            "target": {"table": self.table, "column": self.column},
            "dependents": [asdict(dependent) for dependent in self.dependents],
            "compat": asdict(self.compat) if self.compat else None,
            "warnings": self.warnings,
        }


def did_you_mean(name: str, candidates) -> str:
    options = list(candidates)
    close = difflib.get_close_matches(name, options, n=3, cutoff=0.6)
    if not close:
        close = [option for option in options if option.lower() == name.lower()]
    if not close:
        return ""
    return "; did you mean " + " or ".join(repr(option) for option in close) + "?"


def find_name(name: str, names) -> str | None:
    names = list(names)
    if name in names:
        return name
    lowered = [candidate for candidate in names if candidate.lower() == name.lower()]
    return lowered[0] if len(lowered) == 1 else None


def resolve_target(design: Design, target: str, source: str = "") -> tuple[str, str | None]:
    """`table` or `table.column` (optionally `schema.table[.column]`) → names in the design."""
    text = target.strip()
    if not text:
        raise ImpactError("no target: give TABLE or TABLE.COLUMN")
    parts = [part.strip().strip('"') for part in text.split(".")]
    if any(not part for part in parts) or len(parts) > 3:
        raise ImpactError(f"{target!r}: expected TABLE or TABLE.COLUMN")
    if len(parts) == 3:
        parts = parts[1:]
    if len(parts) == 2 and find_name(parts[0], design.tables) is None and find_name(parts[1], design.tables) is not None:
        parts = parts[1:]  # schema.table
    where = f" in {source}" if source else ""
    table = find_name(parts[0], design.tables)
    if table is None:
        raise ImpactError(f"no table {parts[0]!r}{where}{did_you_mean(parts[0], design.tables)}")
    if len(parts) == 1:
        return table, None
    column = find_name(parts[1], design.tables[table].columns)
    if column is None:
        raise ImpactError(f"no column {table}.{parts[1]}{where}{did_you_mean(parts[1], design.tables[table].columns)}")
    return table, column


# --- expressions --------------------------------------------------------------------------


def one_line(sql: str) -> str:
    return " ".join(sql.split())
