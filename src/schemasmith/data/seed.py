"""Seeding: plan, then generate and write every table in chunks, in one transaction.

Into an empty database the schema is created first from the design (the dialect's own DDL,
applied as a user would). Into a database that has tables, the schema is imported and compared
with what the design builds; only a match is seeded, and rows are appended after the existing
ones (integer keys after the largest, unique values after the existing row count, uuids from
another stream).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from ..dialects.registry import get_dialect
from ..errors import Problem
from ..model.document import Design
from ..model.implied import with_implied
from .load import LoadError, Target
from .plan import SeedError, SeedPlan, build_plan, row_counts
from .progress import TableProgress
from .rows import SeedModel, chunk_ranges

#: Values per chunk (rows × columns): bounds memory whatever the row count.
CHUNK_VALUES = 200_000


@dataclass
class TableResult:
    name: str
    rows: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0


@dataclass
class SeedResult:
    target: str
    dialect: str
    created_schema: bool
    appended: bool
    tables: list[TableResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return sum(table.rows for table in self.tables)


def chunk_size(columns: int) -> int:
    return max(1000, min(40_000, CHUNK_VALUES // max(columns, 1)))


def check_schema(design: Design, target: Target) -> None:
    """Raise SeedError when the database's tables are not what the design builds."""
    from ..model.compare import design_differences

    expected = get_dialect(target.dialect).project(design)
    actual = target.import_design(design.name)
    differences = design_differences(expected, actual)
    if differences:
        shown = [Problem(difference) for difference in differences[:12]]
        more = f" (and {len(differences) - 12} more)" if len(differences) > 12 else ""
        raise SeedError(
            f"{target.label}: the database's schema does not match the design {design.name!r}{more};"
            " seed an empty database, or one built from this design",
            shown,
        )


def integer_key(design: Design, table: str) -> str | None:
    spec = design.tables[table]
    if len(spec.primary_key) == 1 and spec.columns[spec.primary_key[0]].portable_type.is_integer:
        return spec.primary_key[0]
    return None


def prepare(design: Design, target: Target, *, rows: int | None, scale: dict[str, int] | None, seed: int,
            null_rate: float, scale_name: str = "scale file") -> tuple[SeedPlan, bool, bool, list[str]]:
    """Create or check the schema and decide the plan: (plan, created, appended, warnings)."""
    counts = row_counts(design, rows, scale, scale_name)
    present = target.tables()
    warnings: list[str] = []
    offsets: dict[str, tuple[int, int]] = {}
    created = appended = False
    if not present:
        warnings = target.create_schema(design)
        created = True
    else:
        check_schema(design, target)
        for name in design.tables:
            offsets[name] = target.existing(name, integer_key(design, name))
        appended = any(count for count, _ in offsets.values())
    # SQLite checks every foreign key at COMMIT; a fresh PostgreSQL schema adds its foreign
    # keys after the load. Otherwise only DEFERRABLE keys may point at rows loaded later.
    defer_all = target.defers_every_foreign_key or created
    plan = build_plan(design, counts, seed=seed, null_rate=null_rate, offsets=offsets, defer_all=defer_all)
    return plan, created, appended, warnings


def seed_database(design: Design, target: Target, *, rows: int | None = None, scale: dict[str, int] | None = None,
                  seed: int = 42, null_rate: float = 0.1, quiet: bool = True, scale_name: str = "scale file",
                  progress: TableProgress | None = None) -> SeedResult:
    started = time.perf_counter()
    try:
        plan, created, appended, warnings = prepare(design, target, rows=rows, scale=scale, seed=seed, null_rate=null_rate,
                                                    scale_name=scale_name)
    except BaseException:
        target.rollback()
        raise
    result = SeedResult(target.label, target.dialect, created, appended, warnings=warnings)
    model = SeedModel(plan, judge=getattr(target, "judge", None), fetch_keys=getattr(target, "fetch_keys", None))
    progress = progress or TableProgress(quiet)
    implied = with_implied(design)
    target.begin()
    # SQLite cannot hold a table without columns (its DDL leaves it out); PostgreSQL can.
    columnless = [name for name in plan.order if not plan.tables[name].columns]
    keeps = getattr(target, "keeps_columnless_tables", True)
    existing_tables = set(columnless) if keeps or not columnless else set(target.tables())
    current = ""
    try:
        with progress:
            for name in plan.order:
                current = name
                table_plan = plan.tables[name]
                table_model = model.tables[name]
                nulled = {column for fk in table_plan.fks if fk.deferred_load for column in fk.columns}
                task = progress.table(name, table_plan.rows)
                table_started = time.perf_counter()
                size = chunk_size(len(table_plan.columns))
                if not table_plan.columns:
                    if name not in existing_tables:
                        plan.notes.append(f"{name}: no rows: it has no columns, and {target.dialect} has no such table")
                        continue
                    target.insert_empty_rows(name, table_plan.rows)  # type: ignore[attr-defined]
                    progress.advance(task, table_plan.rows)
                    result.tables.append(TableResult(name, table_plan.rows, time.perf_counter() - table_started))
                    continue
                with target.writer(name, table_plan.columns, nulled) as write:
                    for start, end in chunk_ranges(table_plan.rows, size):
                        values = table_model.rows(np.arange(start, end, dtype=np.int64))
                        write(values)
                        progress.advance(task, end - start)
                result.tables.append(TableResult(name, table_plan.rows, time.perf_counter() - table_started))
            _close_references(plan, model, target, implied)
            current = ""
            target.finish()
            if get_dialect(target.dialect).identity_sequences:
                for name in plan.order:
                    for column_name, column in implied.tables[name].columns.items():
                        if column.identity is not None or _is_serial(column):
                            target.reset_identity(name, column_name)  # type: ignore[attr-defined]
        target.commit()
    except BaseException as error:
        target.rollback()
        if _is_database_error(error):
            raise _load_error(error, current) from None
        raise
    result.notes = list(dict.fromkeys(plan.notes + model.notes))
    result.seconds = time.perf_counter() - started
    return result


def _is_serial(column) -> bool:
    """A serial column (or any default drawing from a sequence): its sequence continues after the rows."""
    default = column.default
    return default is not None and default.is_expression and "nextval" in str(default.value).lower()


def _close_references(plan: SeedPlan, model: SeedModel, target: Target, design: Design) -> None:
    """Second pass: set references to tables filled later (cycles) that were written NULL."""
    for name in plan.order:
        table_plan = plan.tables[name]
        deferred = [fk for fk in table_plan.fks if fk.deferred_load]
        if not deferred:
            continue
        key = list(table_plan.table.primary_key)
        if not key:
            raise SeedError(f"{name}: a reference to a table filled later needs a primary key to be set afterwards")
        columns = [column for fk in deferred for column in fk.columns]
        table_model = model.tables[name]
        size = chunk_size(len(key) + len(columns))

        def chunks(table_model=table_model, rows=table_plan.rows, size=size, every=key + columns):
            for start, end in chunk_ranges(rows, size):
                batch_values = table_model.key_values(every, np.arange(start, end, dtype=np.int64))
                yield dict(zip(every, batch_values))

        updated_at = next((trigger.column for trigger in design.tables[name].triggers if trigger.kind == "updated_at"), None)
        target.close_references(name, key, columns, chunks(), updated_at)  # type: ignore[attr-defined]


def _is_database_error(error: BaseException) -> bool:
    import sqlite3

    try:
        import psycopg

        if isinstance(error, psycopg.Error):
            return True
    except ImportError:  # pragma: no cover
        pass
    return isinstance(error, sqlite3.Error)


def _load_error(error: BaseException, table: str) -> BaseException:
    if not _is_database_error(error):
        return error
    diag = getattr(error, "diag", None)
    message = (getattr(diag, "message_primary", None) or str(error)).strip().splitlines()[0]
    detail = getattr(diag, "message_detail", None)
    where = table or getattr(diag, "table_name", None) or "the seed"
    text = f"{where}: the database refused the generated rows: {message}"
    if detail:
        text += f" ({detail})"
    context = (getattr(diag, "context", None) or "").strip().splitlines()
    function = next((line for line in context if "function" in line), None)
    if function:
        # A trigger or a function in a CHECK raised it: say which, it is the schema's own code.
        text += f" (raised by {function.strip()})"
    return LoadError(text + "; nothing was written")
