"""Renames between two designs: declared ones (`renamed_from`) and the ones only suggested.

A declared rename moves a table or column (data included). A pair of one dropped and one added
table or column that look the same is only *suggested*: the diff still drops and adds, and the
report says so and how to declare the rename instead. Also here: rewriting column names inside
SQL expressions (`WHERE assignee_id IS NOT NULL` after a rename), and reading which columns an
expression mentions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..errors import Problem, SchemaError
from ..model.document import Column, Design, Table


@dataclass
class Suggestion:
    """A drop + add that may be a rename; the diff does not apply it as one."""

    kind: str  # "table" or "column"
    table: str  # the (new) table; for a table suggestion the added table
    old: str
    new: str
    hint: str

    def text(self) -> str:
        if self.kind == "table":
            return (
                f"table {self.old} is dropped and {self.new} added with the same columns: if this is a rename,"
                f" write `renamed_from: {self.old}` on table {self.new} in NEW — as it stands the rows of {self.old} are lost"
            )
        return (
            f"{self.table}.{self.old} is dropped and {self.table}.{self.new} added with the same type and constraints:"
            f" if this is a rename, write `renamed_from: {self.old}` on column {self.new} in NEW — as it stands its values are lost"
        )


@dataclass
class Renames:
    tables: dict[str, str] = field(default_factory=dict)  # old name -> new name
    columns: dict[str, dict[str, str]] = field(default_factory=dict)  # new table -> {old column -> new column}
    suggestions: list[Suggestion] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def new_table(self, old: str) -> str:
        return self.tables.get(old, old)

    def old_table(self, new: str) -> str:
        for old, renamed in self.tables.items():
            if renamed == new:
                return old
        return new

    def column_map(self, new_table: str) -> dict[str, str]:
        return self.columns.get(new_table, {})

    def new_column(self, new_table: str, old_column: str) -> str:
        return self.columns.get(new_table, {}).get(old_column, old_column)

    def old_column(self, new_table: str, new_column: str) -> str:
        for old, renamed in self.columns.get(new_table, {}).items():
            if renamed == new_column:
                return old
        return new_column

    def inverse(self) -> Renames:
        tables = {new: old for old, new in self.tables.items()}
        columns = {
            self.old_table(table): {new: old for old, new in mapping.items()} for table, mapping in self.columns.items()
        }
        return Renames(tables, columns)

    def __bool__(self) -> bool:
        return bool(self.tables or any(self.columns.values()))


def declared_renames(old: Design, new: Design) -> Renames:
    """The renames NEW declares with `renamed_from`, checked against OLD.

    A `renamed_from` whose new name already exists in OLD was applied by an earlier migration
    and is ignored; one naming nothing in OLD is reported as a note (the table or column is
    then simply added).
    """
    renames = Renames()
    problems: list[Problem] = []
    claimed: dict[str, str] = {}
    for name, table in new.tables.items():
        source = table.renamed_from
        if not source or source == name:
            continue
        if name in old.tables:
            continue  # already renamed (the document keeps renamed_from after the migration)
        if source not in old.tables:
            renames.notes.append(f"{name}: renamed_from {source} names no table of OLD; {name} is created as a new table")
            continue
        if source in new.tables:
            problems.append(Problem(f"renamed_from {source}, but NEW still has a table {source}", where=name))
            continue
        if source in claimed:
            problems.append(Problem(f"renamed_from {source}, which {claimed[source]} is renamed from too", where=name))
            continue
        claimed[source] = name
        renames.tables[source] = name
    for name, table in new.tables.items():
        old_table = old.tables.get(renames.old_table(name))
        if old_table is None:
            continue
        mapping: dict[str, str] = {}
        taken: dict[str, str] = {}
        for column_name, column in table.columns.items():
            source = column.renamed_from
            if not source or source == column_name:
                continue
            if column_name in old_table.columns:
                continue
            if source not in old_table.columns:
                renames.notes.append(
                    f"{name}.{column_name}: renamed_from {source} names no column of OLD's {renames.old_table(name)}; it is added as a new column"
                )
                continue
            if source in table.columns:
                problems.append(Problem(f"renamed_from {source}, but the table still has a column {source}", where=f"{name}.{column_name}"))
                continue
            if source in taken:
                problems.append(Problem(f"renamed_from {source}, which {taken[source]} is renamed from too", where=f"{name}.{column_name}"))
                continue
            taken[source] = column_name
            mapping[source] = column_name
        if mapping:
            renames.columns[name] = mapping
    if problems:
        raise SchemaError("NEW declares renames that cannot be applied", problems)
    return renames


def _column_signature(column: Column) -> tuple:
    default = None
    if column.default is not None:
        default = (column.default.is_expression, str(column.default.value))
    return (column.type, column.nullable, default, column.identity, column.generated)


def _table_signature(table: Table) -> tuple:
    return tuple(sorted((name, _column_signature(column)) for name, column in table.columns.items()))


def suggest_renames(old: Design, new: Design, renames: Renames) -> list[Suggestion]:
    """Dropped + added pairs that look like renames (same columns; same type and constraints)."""
    suggestions: list[Suggestion] = []
    kept_old = {renames.old_table(name) for name in new.tables if renames.old_table(name) in old.tables}
    dropped = [name for name in old.tables if name not in kept_old]
    added = [name for name in new.tables if renames.old_table(name) not in old.tables]
    by_signature: dict[tuple, list[str]] = {}
    for name in added:
        by_signature.setdefault(_table_signature(new.tables[name]), []).append(name)
    for name in dropped:
        matches = by_signature.get(_table_signature(old.tables[name]), [])
        if len(matches) == 1:
            suggestions.append(Suggestion("table", matches[0], name, matches[0], f"renamed_from: {name}"))
    for name, table in new.tables.items():
        old_name = renames.old_table(name)
        old_table = old.tables.get(old_name)
        if old_table is None:
            continue
        mapping = renames.column_map(name)
        kept = set(mapping) | {column for column in table.columns if column in old_table.columns}
        gone = [column for column in old_table.columns if column not in kept]
        new_columns = [column for column in table.columns if column not in old_table.columns and column not in mapping.values()]
        for column in gone:
            signature = _column_signature(old_table.columns[column])
            candidates = [other for other in new_columns if _column_signature(table.columns[other]) == signature]
            if len(candidates) != 1:
                continue
            reverse = [other for other in gone if _column_signature(old_table.columns[other]) == _column_signature(table.columns[candidates[0]])]
            if len(reverse) == 1:
                suggestions.append(Suggestion("column", name, column, candidates[0], f"renamed_from: {column}"))
    return suggestions


# --- expressions -------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _parsed(text: str):
    try:
        from pglast import parse_sql

        return parse_sql("SELECT " + text)[0].stmt.targetList[0].val
    except Exception:  # noqa: BLE001 - not PostgreSQL-readable: callers fall back to words
        return None


def walk_nodes(node, visit) -> None:
    from pglast import ast

    if isinstance(node, tuple):
        for item in node:
            walk_nodes(item, visit)
        return
    if not isinstance(node, ast.Node):
        return
    visit(node)
    for name in node.__slots__:
        value = getattr(node, name, None)
        if isinstance(value, (ast.Node, tuple)):
            walk_nodes(value, visit)


def expression_columns(text: str | None) -> set[str]:
    """The column names an expression mentions (unqualified last parts of column references)."""
    if not text:
        return set()
    node = _parsed(text)
    if node is None:
        return set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text))
    from pglast import ast

    found: set[str] = set()

    def visit(item) -> None:
        if isinstance(item, ast.ColumnRef) and item.fields:
            last = item.fields[-1]
            if isinstance(last, ast.String):
                found.add(last.sval)

    walk_nodes(node, visit)
    return found


def rename_in_expression(text: str, mapping: dict[str, str]) -> str:
    """`text` with column references renamed by `mapping` (old → new)."""
    if not mapping or not (expression_columns(text) & set(mapping)):
        return text
    node = _parsed(text)
    if node is None:
        pattern = re.compile(r"(?<![A-Za-z0-9_.'\"])(" + "|".join(re.escape(name) for name in mapping) + r")(?![A-Za-z0-9_'\"])")
        return pattern.sub(lambda match: mapping[match[1]], text)
    import copy

    from pglast import ast
    from pglast.stream import RawStream

    node = copy.deepcopy(node)

    def visit(item) -> None:
        if isinstance(item, ast.ColumnRef) and item.fields:
            last = item.fields[-1]
            if isinstance(last, ast.String) and last.sval in mapping:
                item.fields = item.fields[:-1] + (ast.String(sval=mapping[last.sval]),)

    walk_nodes(node, visit)
    return RawStream()(node)
