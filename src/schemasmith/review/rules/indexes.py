"""Indexes: ones another index (or key) already provides, and ones on columns of few values."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...model import naming
from ...model.document import Index, Table
from ...model.expressions import normalize_expression, same_expression
from ..context import Context
from ..definition import rule
from ..finding import Violation
from ..words import regex


@dataclass
class _Entry:
    label: str  # index name, or the constraint that makes the index
    keys: list[tuple[str, bool]]  # (column or normalized expression, descending)
    unique: bool
    method: str
    where: str | None
    include: set[str]
    position: int | None  # position in table.indexes; None for a key constraint
    index: Index | None


def _entries(name: str, table: Table) -> list[_Entry]:
    entries = []
    if table.primary_key:
        entries.append(_Entry(f"primary key {naming.primary_key_name(name)}", [(c, False) for c in table.primary_key], True, "btree", None, set(), None, None))
    for unique in table.unique:
        label = f"unique constraint {unique.name or naming.unique_name(name, unique.columns)}"
        entries.append(_Entry(label, [(c, False) for c in unique.columns], True, "btree", None, set(), None, None))
    known = set(table.columns)
    for position, (index_name, index) in enumerate(zip(naming.index_names(name, table), table.indexes)):
        keys = [(key.column, key.descending) for key in index.keys(known)]
        keys += [("expr:" + normalize_expression(expression), False) for expression in index.expressions]
        entries.append(_Entry(index_name, keys, index.unique, index.method, index.where, set(index.include), position, index))
    return entries


def _prefix(short: list[tuple[str, bool]], long: list[tuple[str, bool]]) -> bool:
    """`short` is a leading part of `long`, in the same directions or all reversed (btree scans both ways)."""
    if len(short) > len(long) or [c for c, _ in short] != [c for c, _ in long[: len(short)]]:
        return False
    if len(short) == 1:
        return True
    same = all(a == b for (_, a), (_, b) in zip(short, long))
    reversed_ = all(a != b for (_, a), (_, b) in zip(short, long))
    return same or reversed_


def _redundant_with(entry: _Entry, other: _Entry) -> bool:
    if entry.method != other.method or not same_expression(entry.where, other.where):
        return False
    if entry.include - {c for c, _ in other.keys} - other.include:
        return False  # it covers columns the other cannot return from the index
    if entry.method != "btree":
        return entry.keys == other.keys and (other.unique or not entry.unique)
    if entry.unique:
        # A unique index on fewer columns enforces more than a longer one; only a twin replaces it.
        return other.unique and {c for c, _ in entry.keys} == {c for c, _ in other.keys} and len(entry.keys) == len(other.keys)
    return _prefix(entry.keys, other.keys)


@rule("SS304", "redundant-index", "warning", "operations")
def redundant_index(ctx: Context):
    """
    ## What it does
    Finds indexes that another index or key of the same table already provides: an exact
    duplicate, or a btree index whose columns lead another with the same method and the same
    WHERE. The primary key and unique constraints count as indexes. Unique indexes are only
    redundant with a twin, since they enforce more than a longer one.

    ## Why is this bad?
    Every index is written on every insert and on updates of its columns, takes disk and cache,
    and adds a plan for the planner to weigh, while the longer index answers the same lookups.
    Duplicates usually come from a key and a "foreign-key index" on the same columns, or from
    two people adding the index their query needed.

    ## Example
    ```yaml
    tables:
      orders:
        columns:
          id: {type: uuid}
          customer_id: {type: uuid}
          created_at: {type: timestamptz}
        primary_key: [id]
        indexes:
          - {columns: [customer_id]}
          - {columns: [customer_id, created_at]}
    ```

    ## Use instead
    ```yaml
    tables:
      orders:
        columns:
          id: {type: uuid}
          customer_id: {type: uuid}
          created_at: {type: timestamptz}
        primary_key: [id]
        indexes:
          - {columns: [customer_id, created_at]}
    ```
    """
    for name, table in ctx.design.tables.items():
        if not table.indexes:
            continue
        entries = _entries(name, table)
        for entry in entries:
            if entry.index is None:
                continue
            for other in entries:
                if other is entry:
                    continue
                if not _redundant_with(entry, other):
                    continue
                twins = _redundant_with(other, entry)
                if twins and other.position is not None and other.position > entry.position:  # type: ignore[operator]
                    continue  # exact twins: report the later one only
                index = entry.index
                item = index.model_dump(mode="json", exclude_defaults=True)
                moved = f"; move its serves ({', '.join(index.serves)}) to {other.label}" if index.serves else ""
                kind = "duplicates" if twins else "is a leading part of"
                design = None
                if ctx.from_design:
                    from ..fixes import flow

                    design = f"tables:\n  {flow(name)}:\n    indexes:\n      # remove this item:\n      - {flow(item)}"
                yield Violation(
                    table=name,
                    constraint=entry.label,
                    message=f"index {entry.label} {kind} {other.label}",
                    reason=f"{other.label} answers the same lookups; the extra index only costs writes, disk and cache{moved}.",
                    sql=ctx.sql.drop_index(entry.label),
                    design=design,
                    path=("tables", name, "indexes", entry.position),
                )
                break


_EQUALS_LITERAL = r"\s*(?:=|IS)\s*('(?:[^']|'')*'|true|false)"


@rule("SS305", "low-cardinality-index", "info", "operations")
def low_cardinality_index(ctx: Context):
    """
    ## What it does
    Finds plain single-column btree indexes on a boolean or enum column (or text limited by a
    CHECK to a few values).

    ## Why is this bad?
    A column with a handful of values splits the table into a few huge groups; the planner
    reads the common values with a sequential scan anyway, so the index is used (if at all) only
    for the rare value, while every write pays for all of them. A partial index on the rare
    value (`WHERE status = 'failed'`, `WHERE NOT archived`) serves that lookup at a fraction of
    the size, or the column belongs behind a more selective one in a composite index.

    ## Example
    ```yaml
    tables:
      jobs:
        columns:
          id: {type: uuid}
          failed: {type: boolean, default: false}
        primary_key: [id]
        indexes:
          - {columns: [failed]}
    ```

    ## Use instead
    ```yaml
    tables:
      jobs:
        columns:
          id: {type: uuid}
          failed: {type: boolean, default: false}
        primary_key: [id]
        indexes:
          - {columns: [id], where: failed}
    ```
    """
    for name, table in ctx.design.tables.items():
        checked = None
        for position, (index_name, index) in enumerate(zip(naming.index_names(name, table), table.indexes)):
            if index.unique or index.where or index.expressions or index.method != "btree" or len(index.columns) != 1:
                continue
            column_name = index.keys(set(table.columns))[0].column
            column = table.columns.get(column_name)
            if column is None:
                continue
            portable = column.portable_type
            low = portable.kind == "boolean" or portable.is_enum
            if not low and portable.is_textual:
                if checked is None:
                    checked = _in_list_columns(table)
                low = column_name in checked
            if not low:
                continue
            value = _looked_up_value(ctx, name, column_name, index.serves)
            if portable.kind == "boolean":
                where = column_name if value in (None, "true") else f"NOT {column_name}"
            else:
                where = f"{column_name} = {value or chr(39) + '…' + chr(39)}"
            key = table.primary_key[0] if len(table.primary_key) == 1 else column_name
            partial = Index(columns=[key], where=where, serves=list(index.serves))
            item = {"columns": [key], "where": where}
            if index.serves:
                item["serves"] = list(index.serves)
            design = None
            if ctx.from_design:
                from ..fixes import flow

                old = index.model_dump(mode="json", exclude_defaults=True)
                design = (f"tables:\n  {flow(name)}:\n    indexes:\n      # remove this item:\n      - {flow(old)}"
                          f"\n      # add:\n      - {flow(item)}")
            yield Violation(
                table=name,
                column=column_name,
                constraint=index_name,
                message=f"index {index_name} is on {column_name}, a {portable} with few values",
                reason=f"Lookups of a common value read most of {name} anyway; only the rare value uses the index, and every"
                f" write pays for all. A partial index WHERE {where} serves that lookup at a fraction of the size.",
                sql=ctx.sql.drop_index(index_name) + "\n" + ctx.sql.create_index(name, table, partial),
                design=design,
                path=("tables", name, "indexes", position),
            )


def _in_list_columns(table: Table) -> set[str]:
    found = set()
    for check in table.checks:
        for match in re.finditer(r"([A-Za-z_][A-Za-z0-9_]*)\"?\s+IN\s*\(", check.expression, re.IGNORECASE):
            found.add(match.group(1))
    return found


def _looked_up_value(ctx: Context, table: str, column: str, serves: list[str]) -> str | None:
    pattern = regex(rf"(?<![A-Za-z0-9_]){re.escape(column)}{_EQUALS_LITERAL}", re.IGNORECASE)
    queries = [query for query in ctx.design.queries if query.id in serves] or ctx.queries_about(table)
    for query in queries:
        match = pattern.search(query.sql)
        if match:
            return match.group(1).lower() if match.group(1).lower() in ("true", "false") else match.group(1)
    return None
