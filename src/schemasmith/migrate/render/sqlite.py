"""Operations as SQLite statements, rendered per step and per table.

SQLite's ALTER TABLE does little (rename, add a plain column, drop an unreferenced one), so each
table a step touches is either altered in place or rebuilt with SQLite's 12-step procedure
(foreign keys off, new table, copy, drop, rename, indexes and triggers again, `foreign_key_check`
before COMMIT), reusing `dialects/sqlite.py` for the table definitions.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from ...dialects import sqlite as sqlite_dialect
from ...errors import Problem, SchemaError
from ...model import naming
from ...model.document import Default, Design, Trigger
from ...model.types import PortableType
from .. import operations as ops
from .common import FileText, comment_lines, copy_rows
from .sqlite_views import ObjectChanges, closing_statements, opening_statements

sq = sqlite_dialect.quote_identifier

#: Operation kinds SQLite's ALTER TABLE (or CREATE/DROP INDEX/TRIGGER) does without a rebuild.
SQLITE_ALTERABLE = {
    "create_index",
    "create_index_concurrently",
    "drop_index",
    "drop_index_concurrently",
    "rename_index",
    "create_trigger",
    "drop_trigger",
    "rename_trigger",
    "add_column",
    "add_column_default",
    "drop_column",
    "rename_table",
    "rename_column",
    "noop",
    "validate_constraint",
}


@dataclass
class SqliteRender:
    statements: list[str] = field(default_factory=list)
    rebuilt: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _sqlite_plan(design: Design, name: str) -> sqlite_dialect.TablePlan:
    return sqlite_dialect.table_plan(design, name, design.tables[name], [])


def _sqlite_table_statements(design: Design, name: str, create_name: str | None = None) -> tuple[str, list[str], list[str]]:
    """(CREATE TABLE, its CREATE INDEXes, its triggers) for one table of `design`."""
    plan = _sqlite_plan(design, name)
    create = sqlite_dialect.create_table_statement(plan)
    if create_name is not None:
        head = f"CREATE TABLE {sq(name)} ("
        assert create.startswith(head)
        create = f"CREATE TABLE {sq(create_name)} (" + create[len(head):]
    indexes = [sqlite_dialect.index_statement(name, item) for item in plan.indexes if item.built]
    triggers = sqlite_dialect.trigger_statements(plan)
    return create, indexes, triggers


def _sqlite_trigger(design: Design, name: str, trigger: Trigger) -> list[str]:
    table = design.tables[name].model_copy(update={"triggers": [trigger]})
    plan = sqlite_dialect.table_plan(design, name, table, [])
    return sqlite_dialect.trigger_statements(plan)


def _sqlite_trigger_names(name: str, trigger: Trigger) -> list[str]:
    if trigger.definition is not None:
        return [trigger.name or ""]
    if trigger.kind == "updated_at":
        return [naming.trigger_name(name, "updated_at", trigger.column)]
    return [sqlite_dialect.max_depth_trigger_name(name, trigger.column or "", event) for event in ("insert", "update")]


def _sqlite_index(design: Design, name: str, index_name: str) -> list[str]:
    plan = _sqlite_plan(design, name)
    return [sqlite_dialect.index_statement(name, item) for item in plan.indexes if item.built and item.name == index_name]


def sqlite_value(sql: str, design: Design, table: str) -> str:
    """A backfill value (PostgreSQL-flavoured SQL) as SQLite evaluates it for a row of `table`."""
    keyword = sqlite_dialect.render_default(Default(value=sql, is_expression=True), PortableType("text"), table)
    if keyword is not None:
        return keyword
    columns = tuple((name, sqlite_dialect.declared_type(column.portable_type)) for name, column in design.tables[table].columns.items())
    for candidate in sqlite_dialect.sqlite_candidates(sql):
        probe = (sqlite_dialect.probe_table_sql(table, columns), f"SELECT ({candidate}) FROM {sq(table)}")
        if sqlite_dialect.is_self_contained(candidate) and sqlite_dialect.sqlite_accepts(probe):
            return f"({candidate})"
    raise SchemaError("a backfill value has no SQLite equivalent", [Problem(f"SQLite cannot evaluate {sql!r}", where=table)])


@dataclass
class StepOperations:
    """One step's operations sorted by what SQLite does with them: per table, created, dropped, copied."""

    tables_of: dict[str, list[ops.Operation]] = field(default_factory=dict)
    enum_tables: set[str] = field(default_factory=set)
    value_renames: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)
    backfills: dict[tuple[str, str], str] = field(default_factory=dict)
    created: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    copies: list[ops.CopyRows] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # PostgreSQL objects (views, routines, …) SQLite does not take
    objects: ObjectChanges = field(default_factory=ObjectChanges)  # views and virtual tables

    def add_to_table(self, op: ops.Operation, after: Design, table_renames: dict[str, str]) -> None:
        for name in op.tables[:1]:
            # operations before the renames name a table by its old name
            key = name if name in after.tables and name not in table_renames else table_renames.get(name, name)
            self.tables_of.setdefault(key, []).append(op)


@functools.singledispatch
def sort_operation(op: ops.Operation, step: StepOperations, after: Design, table_renames: dict[str, str]) -> None:
    """Put one operation where the step renderer looks for it (by default: with its table)."""
    step.add_to_table(op, after, table_renames)


@sort_operation.register
def _(op: ops.ObjectOperation, step: StepOperations, after: Design, table_renames: dict[str, str]) -> None:
    step.skipped.append(op.describe())


@sort_operation.register
def _(op: ops.EnumSwap, step: StepOperations, after: Design, table_renames: dict[str, str]) -> None:
    for column in op.columns:
        step.enum_tables.add(column.table)
        renamed = {o: n for o, n in zip(op.old_values, op.new_values) if o != n and o not in op.new_values and n not in op.old_values} if len(op.old_values) == len(op.new_values) else {}
        if renamed:
            step.value_renames.setdefault((column.table, column.column), {}).update(renamed)


@sort_operation.register
def _(op: ops.RenameEnumValue, step: StepOperations, after: Design, table_renames: dict[str, str]) -> None:
    for column in op.columns:
        step.enum_tables.add(column.table)
        step.value_renames.setdefault((column.table, column.column), {})[op.old] = op.new


@sort_operation.register
def _(op: ops.Backfill, step: StepOperations, after: Design, table_renames: dict[str, str]) -> None:
    step.backfills[(op.table, op.column)] = op.value_sql
    step.add_to_table(op, after, table_renames)


@sort_operation.register
def _(op: ops.CreateTable, step: StepOperations, after: Design, table_renames: dict[str, str]) -> None:
    step.created.append(op.table)


@sort_operation.register
def _(op: ops.DropTable, step: StepOperations, after: Design, table_renames: dict[str, str]) -> None:
    step.dropped.append(op.table)


@sort_operation.register
def _(op: ops.CopyRows, step: StepOperations, after: Design, table_renames: dict[str, str]) -> None:
    step.copies.append(op)


@sort_operation.register(ops.CreateEnum)
@sort_operation.register(ops.DropEnum)
@sort_operation.register(ops.Noop)
def _(op: ops.Operation, step: StepOperations, after: Design, table_renames: dict[str, str]) -> None:
    """Enum types are CHECKs in SQLite (their tables are rebuilt by the swap); a no-op does nothing."""


@sort_operation.register
def _(op: ops.DropView, step: StepOperations, after: Design, table_renames: dict[str, str]) -> None:
    step.objects.views_dropped[op.name] = op


@sort_operation.register
def _(op: ops.CreateView, step: StepOperations, after: Design, table_renames: dict[str, str]) -> None:
    step.objects.views_created[op.name] = op


@sort_operation.register
def _(op: ops.DropVirtualTable, step: StepOperations, after: Design, table_renames: dict[str, str]) -> None:
    step.objects.virtual_dropped.append(op)


@sort_operation.register
def _(op: ops.CreateVirtualTable, step: StepOperations, after: Design, table_renames: dict[str, str]) -> None:
    step.objects.virtual_created.append(op)


@sort_operation.register
def _(op: ops.RenameTable, step: StepOperations, after: Design, table_renames: dict[str, str]) -> None:
    step.tables_of.setdefault(op.new, []).append(op)


@dataclass
class TableStep:
    """One kept table in a SQLite step: its operations and whether it is altered or rebuilt."""

    name: str
    old_name: str
    operations: list[ops.Operation]
    before: Design
    after: Design
    rebuild: bool = False

    @property
    def renamed(self) -> bool:
        """Renamed, or a column of it: its triggers are dropped and written again under the new names."""
        return self.old_name != self.name or any(isinstance(op, (ops.RenameColumn, ops.RenameTable)) for op in self.operations)


@functools.singledispatch
def alter_refused(op: ops.Operation, table: TableStep) -> bool:
    """Whether this operation, though of an ALTER-able kind, needs the table rebuilt."""
    return False


@alter_refused.register
def _(op: ops.AddColumn, table: TableStep) -> bool:
    column = op.definition
    if column.default is not None and column.default.is_expression or column.identity or column.generated or op.is_key:
        return True
    return not column.nullable and column.default is None


@alter_refused.register
def _(op: ops.DropColumn, table: TableStep) -> bool:
    return _sqlite_column_referenced(table.before, table.old_name, op.column)


def needs_rebuild(table: TableStep, step: StepOperations, kept_names: set[str]) -> bool:
    """The decision per table: SQLite's ALTER TABLE can make these changes, or the 12-step rebuild must."""
    if table.name in step.enum_tables or table.name not in kept_names:
        return True
    after_columns = list(table.after.tables[table.name].columns)
    added = [op.column for op in table.operations if isinstance(op, ops.AddColumn)]
    if added and after_columns[-len(added):] != added:
        return True
    return any(op.kind not in SQLITE_ALTERABLE or alter_refused(op, table) for op in table.operations)


@functools.singledispatch
def before_renames(op: ops.Operation, table: TableStep) -> list[str]:
    """What an altered table drops before the renames run: indexes and triggers dropped or replaced."""
    return []


@before_renames.register
def _(op: ops.DropIndex, table: TableStep) -> list[str]:
    return [f"DROP INDEX IF EXISTS {sq(op.name)};"]


@before_renames.register
def _(op: ops.RenameIndex, table: TableStep) -> list[str]:
    return [f"DROP INDEX IF EXISTS {sq(op.old)};"]


@before_renames.register
def _(op: ops.DropTrigger, table: TableStep) -> list[str]:
    if table.renamed:
        return []  # every trigger of the table is dropped below
    return [f"DROP TRIGGER IF EXISTS {sq(trigger)};" for trigger in _sqlite_trigger_names(table.name, op.trigger)]


@functools.singledispatch
def alter_statements(op: ops.Operation, table: TableStep) -> list[str]:
    """The ALTER TABLE of an operation on an altered table (columns first)."""
    return []


@alter_statements.register
def _(op: ops.AddColumn, table: TableStep) -> list[str]:
    item = next(c for c in _sqlite_plan(table.after, table.name).columns if c.name == op.column)
    definition = sqlite_dialect.column_definition(table.name, item, table.after.tables[table.name])
    return [f"ALTER TABLE {sq(table.name)} ADD COLUMN {definition};"]


@alter_statements.register
def _(op: ops.DropColumn, table: TableStep) -> list[str]:
    return [f"ALTER TABLE {sq(table.name)} DROP COLUMN {sq(op.column)};"]


@functools.singledispatch
def after_alter(op: ops.Operation, table: TableStep) -> list[str]:
    """What an altered table creates once its columns are in place: indexes and triggers."""
    return []


@after_alter.register
def _(op: ops.CreateIndex, table: TableStep) -> list[str]:
    return _sqlite_index(table.after, table.name, op.name)


@after_alter.register
def _(op: ops.RenameIndex, table: TableStep) -> list[str]:
    return _sqlite_index(table.after, table.name, op.new)


@after_alter.register
def _(op: ops.CreateTrigger, table: TableStep) -> list[str]:
    if table.renamed:
        return []  # every trigger of the table is written below
    return _sqlite_trigger(table.after, table.name, op.trigger)


def _drops_before_renames(table: TableStep) -> list[str]:
    statements = [statement for op in table.operations for statement in before_renames(op, table)]
    if table.renamed:
        for trigger in table.before.tables[table.old_name].triggers:
            statements += [f"DROP TRIGGER IF EXISTS {sq(t)};" for t in _sqlite_trigger_names(table.old_name, trigger)]
    return statements


def _altered(table: TableStep) -> list[str]:
    statements = [statement for op in table.operations for statement in alter_statements(op, table)]
    statements += [statement for op in table.operations for statement in after_alter(op, table)]
    if table.renamed:
        for trigger in table.after.tables[table.name].triggers:
            statements += _sqlite_trigger(table.after, table.name, trigger)
    return statements


def _rename_statements(before: Design, table_renames: dict[str, str], column_renames: dict[str, dict[str, str]]) -> list[str]:
    """Renames run as ALTER TABLE first: SQLite rewrites the references in other tables too."""
    statements = [f"ALTER TABLE {sq(old)} RENAME TO {sq(new)};" for old, new in table_renames.items() if old in before.tables]
    for table, mapping in column_renames.items():
        statements += [f"ALTER TABLE {sq(table)} RENAME COLUMN {sq(old)} TO {sq(new)};" for old, new in mapping.items()]
    return statements


def _table_steps(step: StepOperations, before: Design, after: Design, table_renames: dict[str, str]) -> dict[str, TableStep]:
    name_before = {table_renames.get(old, old): old for old in before.tables}
    kept_names = set(name_before)
    tables: dict[str, TableStep] = {}
    for name, table_ops in step.tables_of.items():
        if name in step.created or name in step.dropped:
            continue
        table = TableStep(name, name_before.get(name, name), table_ops, before, after)
        table.rebuild = needs_rebuild(table, step, kept_names)
        tables[name] = table
    for name in step.enum_tables:
        if name not in step.created and name not in step.dropped:
            table = tables.setdefault(name, TableStep(name, name_before.get(name, name), [], before, after))
            table.rebuild = True
    return tables


def sqlite_step(operations: list[ops.Operation], before: Design, after: Design, table_renames: dict[str, str], column_renames: dict[str, dict[str, str]]) -> SqliteRender:
    """The statements of one SQLite step from `before` to `after` (both as SQLite holds them)."""
    step = StepOperations()
    for op in operations:
        sort_operation(op, step, after, table_renames)
    tables = _table_steps(step, before, after, table_renames)
    result = SqliteRender()
    statements = result.statements
    if step.skipped:
        result.notes += [f"not migrated for SQLite (a PostgreSQL object): {text}" for text in step.skipped]
        statements.append("\n".join(comment_lines("Not migrated for SQLite, which has no such objects: " + "; ".join(step.skipped))))
    touched_before = {table.old_name for table in tables.values()} | set(step.dropped)
    touched_after = {table.name for table in tables.values()}
    statements += opening_statements(step.objects, before, touched_before)
    for table in tables.values():
        if not table.rebuild:
            statements += _drops_before_renames(table)
    statements += _rename_statements(before, table_renames, column_renames)
    for name in step.created:
        create, indexes, triggers = _sqlite_table_statements(after, name)
        statements += [create, *indexes, *triggers]
    # Values moved into new tables, while their old columns still exist.
    statements += [statement for op in step.copies if not op.back for statement in copy_rows(op, sq)]
    for table in tables.values():
        if not table.rebuild:
            statements += _altered(table)
            continue
        result.rebuilt.append(table.name)
        statements += _sqlite_rebuild(table.name, before, after, table.old_name, column_renames.get(table.name, {}),
                                      step.backfills, step.value_renames)
    # Values copied back out of a table about to be dropped.
    statements += [statement for op in step.copies if op.back for statement in copy_rows(op, sq)]
    statements += [f"DROP TABLE {sq(name)};" for name in step.dropped]
    statements += closing_statements(step.objects, after, touched_after)
    return result


def _sqlite_column_referenced(design: Design, table_name: str, column: str) -> bool:
    """Whether SQLite's DROP COLUMN would refuse: the column is in a key, index, check or foreign key."""
    table = design.tables[table_name]
    if column in table.primary_key or any(column in unique.columns for unique in table.unique):
        return True
    if any(column in fk.columns for fk in table.foreign_keys):
        return True
    from ..renames import expression_columns

    if any(column in expression_columns(check.expression) for check in table.checks):
        return True
    for index in table.indexes:
        if column in [key.column for key in index.keys(set(table.columns))] or any(column in expression_columns(e) for e in index.expressions):
            return True
        if column in expression_columns(index.where):
            return True
    for other in design.tables.values():
        if any(fk.references.table == table_name and column in fk.references.columns for fk in other.foreign_keys):
            return True
    for trigger in table.triggers:
        if column in (trigger.column,) or column in sqlite_dialect.row_match_columns(table):
            return True
    return False


def _sqlite_rebuild(
    name: str,
    before: Design,
    after: Design,
    old_name: str,
    column_renames: dict[str, str],
    backfills: dict[tuple[str, str], str],
    value_renames: dict[tuple[str, str], dict[str, str]],
) -> list[str]:
    """SQLite's 12-step rebuild of one table into its `after` definition, keeping every row."""
    temporary = naming.fit(f"schemasmith_new_{name}")
    create, indexes, triggers = _sqlite_table_statements(after, name, temporary)
    before_table = before.tables[old_name]
    existing = {column_renames.get(column, column) for column in before_table.columns}
    target, source = [], []
    for column_name, column in after.tables[name].columns.items():
        if column.generated:
            continue
        value = None
        if column_name in existing:
            value = sq(column_name)
            mapping = value_renames.get((name, column_name))
            if mapping:
                cases = " ".join(f"WHEN {sqlite_dialect.quote_literal(o)} THEN {sqlite_dialect.quote_literal(n)}" for o, n in mapping.items())
                value = f"CASE {value} {cases} ELSE {value} END"
            if (name, column_name) in backfills:
                value = f"coalesce({value}, {sqlite_value(backfills[(name, column_name)], after, name)})"
        elif (name, column_name) in backfills:
            value = sqlite_value(backfills[(name, column_name)], after, name)
        if value is None:
            continue  # a new column: its default (or NULL) fills it
        target.append(sq(column_name))
        source.append(value)
    statements = [
        f"-- Rebuild {name} (SQLite's ALTER TABLE cannot make this change): new table, copy, drop, rename.",
        create,
        f"INSERT INTO {sq(temporary)} ({', '.join(target)})\nSELECT {', '.join(source)} FROM {sq(name)};",
        f"DROP TABLE {sq(name)};",
        f"ALTER TABLE {sq(temporary)} RENAME TO {sq(name)};",
    ]
    statements += indexes + triggers
    return statements


SQLITE_FOREIGN_KEY_GUARD = [
    "-- Every foreign key must still hold after the rebuilds (PRAGMA foreign_key_check); if not, this fails and nothing is applied.",
    "CREATE TEMP TABLE schemasmith_foreign_key_check (violations INTEGER NOT NULL CONSTRAINT foreign_keys_hold CHECK (violations = 0));",
    "INSERT INTO schemasmith_foreign_key_check SELECT count(*) FROM pragma_foreign_key_check;",
    "DROP TABLE schemasmith_foreign_key_check;",
]


def sqlite_file(statements: list[str], header: list[str], directives: list[str]) -> FileText:
    lines = list(directives) + header
    body = "\n\n".join(statements)
    text = (
        "\n".join(lines)
        + "\n\nPRAGMA foreign_keys = OFF;\nPRAGMA busy_timeout = 5000;\nBEGIN;\n\n"
        + (body + "\n\n" if body else "")
        + "\n".join(SQLITE_FOREIGN_KEY_GUARD)
        + "\n\nCOMMIT;\nPRAGMA foreign_keys = ON;\n"
    )
    return FileText(text, len(statements))
