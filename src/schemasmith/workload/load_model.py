"""Validation level 3, the load model: rows per table at 3, 12 and 36 months, bytes per row from
the column types, table and index sizes, and the thresholds that call for partitioning or a
bigint key.

Rows at the horizon (`growth.horizon_months`, 12 by default) come from `expected_rows`, else from
`growth.drivers`: a driver named like the table (`organizations: 500`) or `X_per_Y`
(`tasks_per_project: 300` → rows(tasks) = 300 × rows(projects)). Growth is taken as linear in
time (rows at month m = rows at the horizon × m / horizon): a stated, simple assumption.

Sizes follow PostgreSQL's storage: a 24-byte tuple header plus a 4-byte line pointer per row,
8 kB pages, B-tree entries of 8 bytes plus the key aligned to 8, leaf pages 90 % full.
Variable-width values use average sizes (below); a figure is an estimate, not a promise.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

from ..model.document import Design, Index, Table
from ..model.types import parse_type
from ..text.words import singular

MONTHS = (3, 12, 36)
PAGE = 8192
PAGE_USABLE = 8192 - 24
TUPLE_OVERHEAD = 24 + 4
PARTITION_ROWS = 100_000_000
PARTITION_BYTES = 100 * 1024**3
INT_KEY_LIMIT = {"integer": 2**31 // 2, "smallint": 2**15 // 2}

#: Average stored bytes of a value (1-byte varlena header included for variable widths).
FIXED_WIDTH = {
    "uuid": 16, "smallint": 2, "integer": 4, "bigint": 8, "real": 4, "double": 8, "boolean": 1,
    "date": 4, "time": 8, "timestamp": 8, "timestamptz": 8, "interval": 16, "enum": 4,
}
AVERAGE_WIDTH = {"text": 40, "json": 160, "bytes": 64, "numeric": 10, "array": 48}


def value_bytes(type_text: str) -> int:
    portable = parse_type(type_text)
    if portable.kind in FIXED_WIDTH:
        return FIXED_WIDTH[portable.kind]
    if portable.kind == "varchar":
        return 1 + min(max((portable.length or 80) // 3, 8), 60)
    return AVERAGE_WIDTH.get(portable.kind, 32)


def row_bytes(table: Table) -> int:
    data = sum(value_bytes(column.type) for column in table.columns.values())
    return TUPLE_OVERHEAD + 8 * math.ceil(data / 8)


def table_bytes(table: Table, rows: float) -> int:
    per_page = max(1, PAGE_USABLE // row_bytes(table))
    return int(math.ceil(rows / per_page) * PAGE)


def index_bytes(table: Table, index: Index, rows: float) -> int:
    if index.method == "gin":
        entry = 40  # a few lexemes / keys per row, posting lists compressed
    else:
        keys = 0
        for key in index.keys(set(table.columns)):
            column = table.columns.get(key.column)
            keys += value_bytes(column.type) if column else 16
        keys += 16 * len(index.expressions)
        keys += sum(value_bytes(table.columns[c].type) for c in index.include if c in table.columns)
        entry = 8 + 8 * math.ceil(keys / 8) + 4
    share = 0.5 if index.where else 1.0
    return int(rows * share * entry / 0.9 * 1.01) + PAGE


def table_indexes(table: Table) -> list[tuple[str, Index]]:
    """Every index the table will have: primary key, unique constraints, declared indexes."""
    found = []
    if table.primary_key:
        found.append(("primary key", Index(columns=table.primary_key, unique=True)))
    for unique in table.unique:
        found.append((unique.name or f"unique ({', '.join(unique.columns)})", Index(columns=unique.columns, unique=True)))
    for index in table.indexes:
        label = index.name or f"({', '.join(index.columns + index.expressions)})"
        found.append((label, index))
    return found


def _table_named(design: Design, word: str) -> str | None:
    for name in design.tables:
        if word in (name, singular(name)) or singular(word) == singular(name):
            return name
    return None


def horizon_rows(design: Design) -> dict[str, float | None]:
    """Rows per table at the growth horizon."""
    rows: dict[str, float | None] = {name: (float(t.expected_rows) if t.expected_rows is not None else None) for name, t in design.tables.items()}
    drivers = design.growth.drivers if design.growth else {}
    for _ in range(len(design.tables) + 1):  # resolve chains of X_per_Y
        for key, value in drivers.items():
            if "_per_" in key:
                child_word, parent_word = key.split("_per_", 1)
                child, parent = _table_named(design, child_word), _table_named(design, parent_word)
                if child and parent and rows.get(child) is None and rows.get(parent) is not None:
                    rows[child] = float(value) * rows[parent]
            else:
                table = _table_named(design, key)
                if table and rows.get(table) is None:
                    rows[table] = float(value)
    return rows


def rows_at(design: Design, months: float) -> dict[str, float | None]:
    horizon = design.growth.horizon_months if design.growth else 12
    return {name: (None if value is None else value * months / horizon) for name, value in horizon_rows(design).items()}


@dataclass
class TableLoad:
    table: str
    row_bytes: int
    rows: dict[int, float | None]
    table_bytes: dict[int, int | None]
    index_bytes: dict[int, int | None]
    indexes: int
    advice: list[str] = field(default_factory=list)


def load_model(design: Design, months: tuple[int, ...] = MONTHS) -> dict[str, Any]:
    tables: list[TableLoad] = []
    projections = {m: rows_at(design, m) for m in months}
    for name, table in design.tables.items():
        rows = {m: projections[m][name] for m in months}
        sizes = {m: (table_bytes(table, r) if r is not None else None) for m, r in rows.items()}
        indexes = table_indexes(table)
        index_sizes = {m: (sum(index_bytes(table, index, r) for _, index in indexes) if r is not None else None) for m, r in rows.items()}
        load = TableLoad(name, row_bytes(table), rows, sizes, index_sizes, len(indexes))
        if all(r is None for r in rows.values()):
            load.advice.append("no expected_rows and no growth driver: the load model cannot size this table")
        for m in months:
            r, size = rows[m], sizes[m]
            if r is None:
                continue
            if r > PARTITION_ROWS or (size or 0) > PARTITION_BYTES:
                load.advice.append(
                    f"partition by month {m}: {r:,.0f} rows / {human_bytes(size)} (thresholds {PARTITION_ROWS:,} rows, "
                    f"{human_bytes(PARTITION_BYTES)}); range-partition on a time column (e.g. created_at) so old data detaches cheaply"
                )
                break
        if len(table.primary_key) == 1:
            column = table.columns.get(table.primary_key[0])
            kind = parse_type(column.type).kind if column else None
            if kind in INT_KEY_LIMIT:
                for m in months:
                    if rows[m] is not None and rows[m] > INT_KEY_LIMIT[kind]:
                        load.advice.append(
                            f"bigint key by month {m}: {table.primary_key[0]} is {kind} and {rows[m]:,.0f} rows pass half its range "
                            f"({INT_KEY_LIMIT[kind]:,}); deletes and sequence gaps use the rest; change it while the table is small"
                        )
                        break
        tables.append(load)
    totals = {m: sum((t.table_bytes[m] or 0) + (t.index_bytes[m] or 0) for t in tables) for m in months}
    return {
        "months": list(months),
        "horizon_months": design.growth.horizon_months if design.growth else 12,
        "assumption": "linear growth to the horizon's row counts; average value sizes for variable-width types",
        "tables": [asdict(t) for t in tables],
        "total_bytes": totals,
        "advice": [f"{t.table}: {a}" for t in tables for a in t.advice],
    }


def human_bytes(value: float | None) -> str:
    if value is None:
        return "?"
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if abs(value) < 1024 or unit == "TB":
            return f"{value:,.0f} {unit}" if unit == "B" else f"{value:,.1f} {unit}"
        value /= 1024
    return str(value)


def human_rows(value: float | None) -> str:
    if value is None:
        return "?"
    for limit, suffix in ((1e9, " G"), (1e6, " M"), (1e3, " k")):
        if value >= limit:
            return f"{value / limit:,.1f}{suffix}"
    return f"{value:,.0f}"
