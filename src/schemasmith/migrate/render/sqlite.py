"""Operations as SQLite statements, rendered per step and per table.

SQLite's ALTER TABLE does little (rename, add a plain column, drop an unreferenced one), so each
table a step touches is either altered in place or rebuilt with SQLite's 12-step procedure
(foreign keys off, new table, copy, drop, rename, indexes and triggers again, `foreign_key_check`
before COMMIT), reusing `dialects/sqlite.py` for the table definitions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ...dialects import sqlite as sqlite_dialect
from ...errors import Problem, SchemaError
from ...model import naming
from ...model.document import Default, Design, Trigger
from ...model.types import PortableType
from .. import operations as ops
from .common import FileText, copy_rows

sq = sqlite_dialect.quote_identifier

#: Operation kinds SQLite's ALTER TABLE (or CREATE/DROP INDEX/TRIGGER) does without a rebuild.
_SQLITE_ALTERABLE = {
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


def sqlite_step(operations: list[ops.Operation], before: Design, after: Design, table_renames: dict[str, str], column_renames: dict[str, dict[str, str]]) -> SqliteRender:
    """The statements of one SQLite step from `before` to `after` (both as SQLite holds them)."""
    result = SqliteRender()
    tables_of: dict[str, list[ops.Operation]] = {}
    enum_tables: set[str] = set()
    value_renames: dict[tuple[str, str], dict[str, str]] = {}
    backfills: dict[tuple[str, str], str] = {}
    created = [op.table for op in operations if isinstance(op, ops.CreateTable)]
    dropped = [op.table for op in operations if isinstance(op, ops.DropTable)]
    copies = [op for op in operations if isinstance(op, ops.CopyRows)]
    for op in operations:
        if isinstance(op, ops.EnumSwap):
            for column in op.columns:
                enum_tables.add(column.table)
                renamed = {o: n for o, n in zip(op.old_values, op.new_values) if o != n and o not in op.new_values and n not in op.old_values} if len(op.old_values) == len(op.new_values) else {}
                if renamed:
                    value_renames.setdefault((column.table, column.column), {}).update(renamed)
            continue
        if isinstance(op, ops.RenameEnumValue):
            for column in op.columns:
                enum_tables.add(column.table)
                value_renames.setdefault((column.table, column.column), {})[op.old] = op.new
            continue
        if isinstance(op, ops.Backfill):
            backfills[(op.table, op.column)] = op.value_sql
        if isinstance(op, (ops.CreateTable, ops.DropTable, ops.CopyRows, ops.CreateEnum, ops.DropEnum, ops.Noop)):
            continue
        if isinstance(op, ops.RenameTable):
            tables_of.setdefault(op.new, []).append(op)
            continue
        for name in op.tables[:1]:
            # operations before the renames name a table by its old name
            key = name if name in after.tables and name not in table_renames else table_renames.get(name, name)
            tables_of.setdefault(key, []).append(op)

    def alterable(name: str, table_ops: list[ops.Operation]) -> bool:
        if name in enum_tables or name not in before_names_after:
            return False
        after_columns = list(after.tables[name].columns)
        added = [op.column for op in table_ops if isinstance(op, ops.AddColumn)]
        if added and after_columns[-len(added):] != added:
            return False
        for op in table_ops:
            if op.kind not in _SQLITE_ALTERABLE:
                return False
            if isinstance(op, ops.AddColumn):
                column = op.definition
                if column.default is not None and column.default.is_expression or column.identity or column.generated or op.is_key:
                    return False
                if not column.nullable and column.default is None:
                    return False
            if isinstance(op, ops.DropColumn) and _sqlite_column_referenced(before, name_before[name], op.column):
                return False
        return True

    name_before = {table_renames.get(old, old): old for old in before.tables}
    before_names_after = set(name_before)
    statements = result.statements

    plans: dict[str, str] = {}
    for name, table_ops in tables_of.items():
        if name in created or name in dropped:
            continue
        plans[name] = "alter" if alterable(name, table_ops) else "rebuild"
    for name in enum_tables:
        if name not in created and name not in dropped:
            plans[name] = "rebuild"

    # 1. What goes before renames: indexes and triggers that are dropped or replaced.
    for name, plan in plans.items():
        if plan != "alter":
            continue
        old_name = name_before[name]
        renamed = old_name != name or any(isinstance(op, (ops.RenameColumn, ops.RenameTable)) for op in tables_of[name])
        for op in tables_of[name]:
            if isinstance(op, ops.DropIndex):
                statements.append(f"DROP INDEX IF EXISTS {sq(op.name)};")
            elif isinstance(op, ops.RenameIndex):
                statements.append(f"DROP INDEX IF EXISTS {sq(op.old)};")
            elif isinstance(op, ops.DropTrigger) and not renamed:
                statements += [f"DROP TRIGGER IF EXISTS {sq(trigger)};" for trigger in _sqlite_trigger_names(name, op.trigger)]
        if renamed:
            for trigger in before.tables[old_name].triggers:
                statements += [f"DROP TRIGGER IF EXISTS {sq(t)};" for t in _sqlite_trigger_names(old_name, trigger)]
    # 2. Renames: ALTER TABLE rewrites the references in other tables too.
    for old, new in table_renames.items():
        if old in before.tables:
            statements.append(f"ALTER TABLE {sq(old)} RENAME TO {sq(new)};")
    for table, mapping in column_renames.items():
        for old, new in mapping.items():
            statements.append(f"ALTER TABLE {sq(table)} RENAME COLUMN {sq(old)} TO {sq(new)};")
    # 3. New tables.
    for name in created:
        create, indexes, triggers = _sqlite_table_statements(after, name)
        statements += [create] + indexes + triggers
    # 4. Values moved into new tables, while their old columns still exist.
    for op in copies:
        if not op.back:
            statements += copy_rows(op, sq)
    # 5. ALTER where it can, the 12-step rebuild where it cannot.
    for name, plan in plans.items():
        old_name = name_before.get(name, name)
        if plan == "alter":
            renamed = old_name != name or any(isinstance(op, (ops.RenameColumn, ops.RenameTable)) for op in tables_of[name])
            for op in tables_of[name]:
                if isinstance(op, ops.AddColumn):
                    item = next(c for c in _sqlite_plan(after, name).columns if c.name == op.column)
                    statements.append(f"ALTER TABLE {sq(name)} ADD COLUMN {sqlite_dialect.column_definition(name, item, after.tables[name])};")
                elif isinstance(op, ops.DropColumn):
                    statements.append(f"ALTER TABLE {sq(name)} DROP COLUMN {sq(op.column)};")
            for op in tables_of[name]:
                if isinstance(op, ops.CreateIndex):
                    statements += _sqlite_index(after, name, op.name)
                elif isinstance(op, ops.RenameIndex):
                    statements += _sqlite_index(after, name, op.new)
                elif isinstance(op, ops.CreateTrigger) and not renamed:
                    statements += _sqlite_trigger(after, name, op.trigger)
            if renamed:
                for trigger in after.tables[name].triggers:
                    statements += _sqlite_trigger(after, name, trigger)
            continue
        result.rebuilt.append(name)
        statements += _sqlite_rebuild(name, before, after, old_name, column_renames.get(name, {}), backfills, value_renames)
    # 6. Values copied back out of a table about to be dropped.
    for op in copies:
        if op.back:
            statements += copy_rows(op, sq)
    for name in dropped:
        statements.append(f"DROP TABLE {sq(name)};")
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
