"""Operations as SQL: PostgreSQL statements per operation, and SQLite table rebuilds per step.

PostgreSQL: each operation renders to its own statements, reusing `dialects/postgres.py` for
every piece a schema file also has (column definitions, defaults, foreign keys, indexes,
triggers, policies, quoting), so a migration and a fresh schema never spell a thing two ways.

SQLite: ALTER TABLE does little (rename, add a plain column, drop an unreferenced one), so a
step is rendered per table: what ALTER can do is done with ALTER, everything else with SQLite's
12-step rebuild (foreign keys off, new table, copy, drop, rename, indexes and triggers again,
`foreign_key_check` before COMMIT), reusing `dialects/sqlite.py` for the table definitions.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from ..dialects import postgres
from ..dialects import sqlite as sqlite_dialect
from ..errors import Problem, SchemaError
from ..model import naming
from ..model.document import (
    CheckConstraint,
    Column,
    Default,
    Design,
    ForeignKey,
    Index,
    Policy,
    Table,
    Trigger,
    UniqueConstraint,
)
from ..model.types import PortableType
from . import operations as ops

q = postgres.quote_identifier
literal = postgres.quote_literal

#: Rows per batch when a backfill walks the primary key; pages per batch when it walks ctid.
BATCH_ROWS = 5000
BATCH_PAGES = 100
#: The setting dual-write triggers read to stand aside while a backfill copies values.
BACKFILL_GUARD = "schemasmith.backfill"


class PgContext:
    """What rendering needs beyond an operation: both designs' renderers and the target version."""

    def __init__(self, old: Design, new: Design, version: int):
        self.version = version
        self.style = new.conventions.enum_style
        self._renderers = {"old": postgres.PostgresRenderer(old, version), "new": postgres.PostgresRenderer(new, version)}
        self.designs = {"old": old, "new": new}

    def renderer(self, side: str) -> postgres.PostgresRenderer:
        return self._renderers[side]

    def column_sql(self, table: str, name: str, column: Column, is_key: bool, side: str = "new") -> str:
        return self.renderer(side).column_sql(table, name, column, is_key)

    def default_sql(self, table: str, name: str, column: Column, is_key: bool, side: str = "new") -> str | None:
        if column.default is None:
            return None
        return self.renderer(side).default_sql(f"{table}.{name}", column.portable_type, column.default, is_key)

    def type_sql(self, portable: PortableType) -> str:
        return postgres.column_type(portable, self.style)

    def foreign_key_sql(self, table: str, foreign_key: ForeignKey) -> str:
        stub = Table(columns={}, foreign_keys=[foreign_key])
        return self.renderer("new").foreign_key_sql(table, stub, 0)

    def index_sql(self, table: str, definition: Table, name: str, index: Index, side: str = "new") -> str:
        return self.renderer(side).index_sql(table, definition, name, index)

    def check_sql(self, table: str, name: str, expression: str) -> str:
        return postgres.checked_expression(expression, f"{table}.{name}", "check")


# --- PostgreSQL ------------------------------------------------------------------------------


@functools.singledispatch
def pg_statements(operation: ops.Operation, ctx: PgContext) -> list[str]:
    raise NotImplementedError(type(operation).__name__)


def _alter(table: str, action: str) -> str:
    return f"ALTER TABLE {q(table)} {action};"


@pg_statements.register
def _(op: ops.CreateEnum, ctx: PgContext) -> list[str]:
    if ctx.style == "check":
        return []
    return [ctx.renderer("new").enum_sql(op.name, op.values)]


@pg_statements.register
def _(op: ops.DropEnum, ctx: PgContext) -> list[str]:
    if ctx.style == "check":
        return []
    return [f"DROP TYPE {q(op.name)};"]


@pg_statements.register
def _(op: ops.AddEnumValues, ctx: PgContext) -> list[str]:
    statements = []
    for value, position, anchor in op.additions:
        text = f"ALTER TYPE {q(op.enum)} ADD VALUE IF NOT EXISTS {literal(value)}"
        if position and anchor is not None:
            text += f" {position} {literal(anchor)}"
        statements.append(text + ";")
    return statements


@pg_statements.register
def _(op: ops.RenameEnumValue, ctx: PgContext) -> list[str]:
    return [f"ALTER TYPE {q(op.enum)} RENAME VALUE {literal(op.old)} TO {literal(op.new)};"]


def old_enum_name(enum: str) -> str:
    return naming.fit(f"{enum}_schemasmith_old")


def _removed_values_check(op: ops.EnumSwap) -> list[str]:
    """A DO block that stops with a clear message when rows still hold a value being removed."""
    removed = op.removed
    if not removed:
        return []
    values = ", ".join(literal(value) for value in removed)
    lines = ["DO $schemasmith$", "BEGIN"]
    for column in op.columns:
        reference = f"{q(column.table)}.{q(column.column)}"
        test = (
            f"{q(column.column)}::text[] && ARRAY[{values}]::text[]" if column.array else f"{q(column.column)}::text IN ({values})"
        )
        message = literal(f"{column.table}.{column.column} still holds value(s) removed from {op.enum} ({', '.join(removed)}); change those rows first")
        lines.append(f"    IF EXISTS (SELECT 1 FROM {q(column.table)} WHERE {test}) THEN")
        lines.append(f"        RAISE EXCEPTION USING ERRCODE = 'check_violation', MESSAGE = {message};")
        lines.append("    END IF;")
        del reference
    lines += ["END", "$schemasmith$;"]
    return ["\n".join(lines)]


@pg_statements.register
def _(op: ops.EnumSwap, ctx: PgContext) -> list[str]:
    if op.check_style:
        return _check_style_swap(op)
    statements = [dependent.drop_sql for dependent in op.dependents]
    statements += _removed_values_check(op)
    aside = old_enum_name(op.enum)
    statements.append(f"ALTER TYPE {q(op.enum)} RENAME TO {q(aside)};")
    statements.append(f"CREATE TYPE {q(op.enum)} AS ENUM ({', '.join(literal(value) for value in op.new_values)});")
    by_table: dict[str, list[ops.EnumColumn]] = {}
    for column in op.columns:
        by_table.setdefault(column.table, []).append(column)
    for table, columns in by_table.items():
        actions = []
        for column in columns:
            c = q(column.column)
            suffix = "[]" if column.array else ""
            if column.default_before is not None:
                actions.append(f"ALTER COLUMN {c} DROP DEFAULT")
            actions.append(f"ALTER COLUMN {c} TYPE {q(op.enum)}{suffix} USING {c}::text{suffix}::{q(op.enum)}{suffix}")
            if column.default_after is not None:
                actions.append(f"ALTER COLUMN {c} SET DEFAULT {column.default_after}")
        statements.append(f"ALTER TABLE {q(table)}\n    " + ",\n    ".join(actions) + ";")
    statements.append(f"DROP TYPE {q(aside)};")
    statements += [dependent.create_sql for dependent in op.dependents]
    return statements


def _check_style_swap(op: ops.EnumSwap) -> list[str]:
    """enum_style check: the enum is a CHECK on each column; replace it (renamed values updated)."""
    statements = []
    renamed = dict(zip(op.old_values, op.new_values)) if len(op.old_values) == len(op.new_values) else {}
    renamed = {old: new for old, new in renamed.items() if old != new and old not in op.new_values and new not in op.old_values}
    for column in op.columns:
        if column.array:
            continue
        name = naming.enum_check_name(column.table, column.column, op.enum)
        values = ", ".join(literal(value) for value in op.new_values)
        statements.append(_alter(column.table, f"DROP CONSTRAINT {q(name)}"))
        for old, new in renamed.items():
            statements.append(f"UPDATE {q(column.table)} SET {q(column.column)} = {literal(new)} WHERE {q(column.column)} = {literal(old)};")
        statements.append(_alter(column.table, f"ADD CONSTRAINT {q(name)} CHECK ({q(column.column)} IN ({values}))"))
    return statements


@pg_statements.register
def _(op: ops.CreateTable, ctx: PgContext) -> list[str]:
    deferred = {(op.table, position) for position in op.deferred}
    return ctx.renderer(op.side).table_statements(op.table, op.definition, deferred)


@pg_statements.register
def _(op: ops.DropTable, ctx: PgContext) -> list[str]:
    return [f"DROP TABLE {q(op.table)};"]


@pg_statements.register
def _(op: ops.RenameTable, ctx: PgContext) -> list[str]:
    return [_alter(op.old, f"RENAME TO {q(op.new)}")]


def placeholder_sql(portable: PortableType, ctx: PgContext, side: str) -> str:
    """A value of the column's type for rows that must get *something* (a restored NOT NULL column)."""
    if portable.is_array:
        return "'{}'"
    kind = portable.kind
    if portable.is_enum:
        values = ctx.designs[side].enums.get(portable.enum or "", [])
        return literal(values[0]) if values else "''"
    return {
        "uuid": "'00000000-0000-0000-0000-000000000000'",
        "boolean": "false",
        "date": "'1970-01-01'",
        "time": "'00:00'",
        "timestamp": "'1970-01-01 00:00'",
        "timestamptz": "'1970-01-01 00:00+00'",
        "interval": "'0'",
        "json": "'{}'",
        "bytes": "''",
    }.get(kind, "0" if kind in ("smallint", "integer", "bigint", "numeric", "real", "double") else "''")


@pg_statements.register
def _(op: ops.AddColumn, ctx: PgContext) -> list[str]:
    column = op.definition
    needs_placeholder = (
        op.restores is not None and not column.nullable and column.default is None and not column.identity and not column.generated
    )
    definition = ctx.column_sql(op.table, op.column, column, op.is_key, op.side)
    statements = []
    if needs_placeholder:
        value = placeholder_sql(column.portable_type, ctx, op.side)
        definition = definition.replace(" NOT NULL", f" DEFAULT {value} NOT NULL", 1) if definition.endswith(" NOT NULL") else definition
        statements.append(_alter(op.table, f"ADD COLUMN {definition}"))
        statements.append(_alter(op.table, f"ALTER COLUMN {q(op.column)} DROP DEFAULT"))
    else:
        statements.append(_alter(op.table, f"ADD COLUMN {definition}"))
    if ctx.style == "check" and column.portable_type.is_enum:
        enum = column.portable_type.enum or ""
        values = ctx.designs[op.side].enums.get(enum, [])
        name = naming.enum_check_name(op.table, op.column, enum)
        statements.append(
            _alter(op.table, f"ADD CONSTRAINT {q(name)} CHECK ({q(op.column)} IN ({', '.join(literal(v) for v in values)}))")
        )
    return statements


@pg_statements.register
def _(op: ops.DropColumn, ctx: PgContext) -> list[str]:
    return [_alter(op.table, f"DROP COLUMN {q(op.column)}")]


@pg_statements.register
def _(op: ops.RenameColumn, ctx: PgContext) -> list[str]:
    return [_alter(op.table, f"RENAME COLUMN {q(op.old)} TO {q(op.new)}")]


@pg_statements.register
def _(op: ops.AlterColumnType, ctx: PgContext) -> list[str]:
    text = f"ALTER COLUMN {q(op.column)} TYPE {ctx.type_sql(op.new.portable_type)}"
    if op.using:
        text += f" USING {op.using}"
    return [_alter(op.table, text)]


@pg_statements.register
def _(op: ops.DropExpression, ctx: PgContext) -> list[str]:
    return [_alter(op.table, f"ALTER COLUMN {q(op.column)} DROP EXPRESSION")]


@pg_statements.register
def _(op: ops.SetNotNull, ctx: PgContext) -> list[str]:
    return [_alter(op.table, f"ALTER COLUMN {q(op.column)} SET NOT NULL")]


@pg_statements.register
def _(op: ops.DropNotNull, ctx: PgContext) -> list[str]:
    return [_alter(op.table, f"ALTER COLUMN {q(op.column)} DROP NOT NULL")]


@pg_statements.register
def _(op: ops.SetDefault, ctx: PgContext) -> list[str]:
    if op.new_sql is None:
        return [_alter(op.table, f"ALTER COLUMN {q(op.column)} DROP DEFAULT")]
    return [_alter(op.table, f"ALTER COLUMN {q(op.column)} SET DEFAULT {op.new_sql}")]


@pg_statements.register
def _(op: ops.SetIdentity, ctx: PgContext) -> list[str]:
    c = q(op.column)
    if op.new is None:
        return [_alter(op.table, f"ALTER COLUMN {c} DROP IDENTITY")]
    if op.old is not None:
        return [_alter(op.table, f"ALTER COLUMN {c} SET GENERATED {op.new.upper()}")]
    sequence = f"pg_get_serial_sequence({literal(q(op.table))}, {literal(op.column)})"
    return [
        _alter(op.table, f"ALTER COLUMN {c} ADD GENERATED {op.new.upper()} AS IDENTITY"),
        # The identity starts after the values already in the column, so new rows do not collide.
        f"SELECT setval({sequence}, coalesce(max({c}), 0) + 1, false) FROM {q(op.table)};",
    ]


@pg_statements.register
def _(op: ops.SetComment, ctx: PgContext) -> list[str]:
    value = "NULL" if op.new is None else literal(op.new)
    if op.column is None:
        return [f"COMMENT ON TABLE {q(op.table)} IS {value};"]
    return [f"COMMENT ON COLUMN {q(op.table)}.{q(op.column)} IS {value};"]


def constraint_body(op: ops.AddConstraint, ctx: PgContext) -> str:
    """What follows `ADD` for a constraint."""
    definition = op.definition
    name = q(op.name)
    if op.constraint == "primary key":
        if op.using_index:
            return f"CONSTRAINT {name} PRIMARY KEY USING INDEX {name}"
        return f"CONSTRAINT {name} PRIMARY KEY ({', '.join(q(c) for c in definition)})"  # type: ignore[union-attr]
    if op.constraint == "unique":
        assert isinstance(definition, UniqueConstraint)
        if op.using_index:
            return f"CONSTRAINT {name} UNIQUE USING INDEX {name}"
        nulls = " NULLS NOT DISTINCT" if definition.nulls_not_distinct else ""
        return f"CONSTRAINT {name} UNIQUE{nulls} ({', '.join(q(c) for c in definition.columns)})"
    if op.constraint == "check":
        assert isinstance(definition, CheckConstraint)
        return f"CONSTRAINT {name} CHECK ({ctx.check_sql(op.table, op.name, definition.expression)})" + (" NOT VALID" if op.not_valid else "")
    assert isinstance(definition, ForeignKey)
    named = definition.model_copy(update={"name": op.name})
    return ctx.foreign_key_sql(op.table, named) + (" NOT VALID" if op.not_valid else "")


@pg_statements.register
def _(op: ops.AddConstraint, ctx: PgContext) -> list[str]:
    return [_alter(op.table, "ADD " + constraint_body(op, ctx))]


@pg_statements.register
def _(op: ops.DropConstraint, ctx: PgContext) -> list[str]:
    return [_alter(op.table, f"DROP CONSTRAINT {q(op.name)}")]


@pg_statements.register
def _(op: ops.ValidateConstraint, ctx: PgContext) -> list[str]:
    return [_alter(op.table, f"VALIDATE CONSTRAINT {q(op.name)}")]


@pg_statements.register
def _(op: ops.RenameConstraint, ctx: PgContext) -> list[str]:
    return [_alter(op.table, f"RENAME CONSTRAINT {q(op.old)} TO {q(op.new)}")]


@pg_statements.register
def _(op: ops.CreateIndex, ctx: PgContext) -> list[str]:
    text = ctx.index_sql(op.table, op.definition, op.name, op.index, op.side)
    if not op.concurrently:
        return [text]
    head = "CREATE UNIQUE INDEX " if op.index.unique else "CREATE INDEX "
    assert text.startswith(head)
    # A failed concurrent build leaves an INVALID index behind: dropping it first makes the
    # file safe to apply again.
    return [
        f"DROP INDEX CONCURRENTLY IF EXISTS {q(op.name)};",
        head + "CONCURRENTLY IF NOT EXISTS " + text[len(head):],
    ]


@pg_statements.register
def _(op: ops.DropIndex, ctx: PgContext) -> list[str]:
    return [f"DROP INDEX {'CONCURRENTLY ' if op.concurrently else ''}{'IF EXISTS ' if op.if_exists else ''}{q(op.name)};"]


@pg_statements.register
def _(op: ops.RenameIndex, ctx: PgContext) -> list[str]:
    return [f"ALTER INDEX {q(op.old)} RENAME TO {q(op.new)};"]


def trigger_name(table: str, trigger: Trigger) -> str:
    return naming.trigger_name(table, trigger.kind, trigger.column)


@pg_statements.register
def _(op: ops.CreateTrigger, ctx: PgContext) -> list[str]:
    trigger, name = op.trigger, q(trigger_name(op.table, op.trigger))
    if trigger.kind == "updated_at":
        return [
            (f"CREATE TRIGGER {name} BEFORE UPDATE ON {q(op.table)}\n"
            f"    FOR EACH ROW EXECUTE FUNCTION {postgres.UPDATED_AT_FUNCTION}({literal(trigger.column or 'updated_at')});")
        ]
    function = postgres.max_depth_function_name(op.table, trigger.column or "")
    return [
        postgres.max_depth_function_sql(op.table, op.definition, trigger.column or "", function),
        (f"CREATE TRIGGER {name} BEFORE INSERT OR UPDATE ON {q(op.table)}\n"
        f"    FOR EACH ROW EXECUTE FUNCTION {q(function)}({literal(trigger.column or '')}, {literal(str(trigger.depth))});"),
    ]


@pg_statements.register
def _(op: ops.DropTrigger, ctx: PgContext) -> list[str]:
    statements = [f"DROP TRIGGER {q(trigger_name(op.table, op.trigger))} ON {q(op.table)};"]
    if op.trigger.kind == "max_depth":
        statements.append(f"DROP FUNCTION {q(postgres.max_depth_function_name(op.table, op.trigger.column or ''))}();")
    return statements


@pg_statements.register
def _(op: ops.RenameTrigger, ctx: PgContext) -> list[str]:
    return [f"ALTER TRIGGER {q(op.old)} ON {q(op.table)} RENAME TO {q(op.new)};"]


@pg_statements.register
def _(op: ops.CreateUpdatedAtFunction, ctx: PgContext) -> list[str]:
    return [postgres.updated_at_function_sql()]


@pg_statements.register
def _(op: ops.DropUpdatedAtFunction, ctx: PgContext) -> list[str]:
    return [f"DROP FUNCTION {postgres.UPDATED_AT_FUNCTION}();"]


@pg_statements.register
def _(op: ops.SetRowLevelSecurity, ctx: PgContext) -> list[str]:
    return [_alter(op.table, f"{'ENABLE' if op.enabled else 'DISABLE'} ROW LEVEL SECURITY")]


def policy_sql(table: str, policy: Policy) -> str:
    where = f"{table}.{policy.name}"
    text = f"CREATE POLICY {q(policy.name)} ON {q(table)}"
    if not policy.permissive:
        text += " AS RESTRICTIVE"
    text += f" FOR {policy.command.upper()}"
    if policy.roles:
        text += " TO " + ", ".join(postgres.role_sql(role) for role in policy.roles)
    if policy.using:
        text += f" USING ({postgres.checked_expression(policy.using, where, 'policy USING')})"
    if policy.with_check:
        text += f" WITH CHECK ({postgres.checked_expression(policy.with_check, where, 'policy WITH CHECK')})"
    return text + ";"


@pg_statements.register
def _(op: ops.CreatePolicy, ctx: PgContext) -> list[str]:
    return [policy_sql(op.table, op.policy)]


@pg_statements.register
def _(op: ops.DropPolicy, ctx: PgContext) -> list[str]:
    return [f"DROP POLICY {q(op.policy.name)} ON {q(op.table)};"]


@pg_statements.register
def _(op: ops.RenamePolicy, ctx: PgContext) -> list[str]:
    return [f"ALTER POLICY {q(op.old)} ON {q(op.table)} RENAME TO {q(op.new)};"]


@pg_statements.register
def _(op: ops.Backfill, ctx: PgContext) -> list[str]:
    table, column = q(op.table), q(op.column)
    assignment = f"{column} = ({op.value_sql})"
    if not op.batched:
        return [f"UPDATE {table} SET {assignment} WHERE {op.pending_sql};"]
    return [_batched_backfill(op)]


def _batched_backfill(op: ops.Backfill) -> str:
    """A DO block that updates in batches, committing each (so no long lock or transaction)."""
    table = q(op.table)
    assignment = f"{q(op.column)} = ({op.value_sql})"
    lines = ["DO $schemasmith$", "DECLARE"]
    guard_on = [f"    PERFORM set_config({literal(BACKFILL_GUARD)}, 'on', false);"] if op.guard else []
    guard_off = [f"    PERFORM set_config({literal(BACKFILL_GUARD)}, 'off', false);"] if op.guard else []
    if len(op.key) == 1:
        key = q(op.key[0])
        lines += [
            f"    v_last {table}.{key}%TYPE;",
            f"    v_next {table}.{key}%TYPE;",
            "BEGIN",
            *guard_on,
            f"    -- Walk the primary key {BATCH_ROWS} rows at a time; each batch commits on its own.",
            f"    SELECT {key} INTO v_next FROM {table} ORDER BY {key} OFFSET {BATCH_ROWS - 1} LIMIT 1;",
            "    IF v_next IS NULL THEN",
            f"        UPDATE {table} SET {assignment} WHERE {op.pending_sql};",
            "    ELSE",
            f"        UPDATE {table} SET {assignment} WHERE {key} <= v_next AND ({op.pending_sql});",
            "        COMMIT;",
            "        LOOP",
            "            v_last := v_next;",
            f"            SELECT {key} INTO v_next FROM {table} WHERE {key} > v_last ORDER BY {key} OFFSET {BATCH_ROWS - 1} LIMIT 1;",
            "            IF v_next IS NULL THEN",
            f"                UPDATE {table} SET {assignment} WHERE {key} > v_last AND ({op.pending_sql});",
            "                COMMIT;",
            "                EXIT;",
            "            END IF;",
            f"            UPDATE {table} SET {assignment} WHERE {key} > v_last AND {key} <= v_next AND ({op.pending_sql});",
            "            COMMIT;",
            "        END LOOP;",
            "    END IF;",
        ]
    else:
        lines += [
            "    v_page bigint := 0;",
            "    v_pages bigint;",
            "BEGIN",
            *guard_on,
            f"    -- No single-column primary key: walk the table's pages, {BATCH_PAGES} at a time.",
            f"    v_pages := pg_relation_size({literal(q(op.table))}) / current_setting('block_size')::bigint;",
            "    WHILE v_page <= v_pages LOOP",
            f"        UPDATE {table} SET {assignment}",
            f"            WHERE ctid >= format('(%s,0)', v_page)::tid AND ctid < format('(%s,0)', v_page + {BATCH_PAGES})::tid",
            f"            AND ({op.pending_sql});",
            "        COMMIT;",
            f"        v_page := v_page + {BATCH_PAGES};",
            "    END LOOP;",
        ]
    lines += [
        "    -- Rows written or moved while the batches ran.",
        f"    UPDATE {table} SET {assignment} WHERE {op.pending_sql};",
        *guard_off,
        "END",
        "$schemasmith$;",
    ]
    return "\n".join(lines)


def _copy_rows(op: ops.CopyRows, quote) -> list[str]:
    source, target = quote(op.source), quote(op.target)
    if not op.back:
        target_columns = [quote(t) for t, _ in op.link] + [quote(t) for _, t in op.columns]
        source_columns = [f"{source}.{quote(s)}" for _, s in op.link] + [f"{source}.{quote(s)}" for s, _ in op.columns]
        any_value = " OR ".join(f"{source}.{quote(s)} IS NOT NULL" for s, _ in op.columns)
        return [
            (f"INSERT INTO {target} ({', '.join(target_columns)})\n"
            f"SELECT {', '.join(source_columns)} FROM {source}\nWHERE {any_value};")
        ]
    match = " AND ".join(f"{target}.{quote(t)} = {source}.{quote(s)}" for t, s in op.link)
    assignments = ",\n    ".join(f"{quote(s)} = (SELECT {target}.{quote(t)} FROM {target} WHERE {match})" for s, t in op.columns)
    return [f"UPDATE {source} SET\n    {assignments}\nWHERE EXISTS (SELECT 1 FROM {target} WHERE {match});"]


@pg_statements.register
def _(op: ops.CopyRows, ctx: PgContext) -> list[str]:
    return _copy_rows(op, q)


@pg_statements.register
def _(op: ops.Sql, ctx: PgContext) -> list[str]:
    return list(op.up)


@pg_statements.register
def _(op: ops.Composite, ctx: PgContext) -> list[str]:
    return [statement for part in op.parts for statement in pg_statements(part, ctx)]


@pg_statements.register
def _(op: ops.Noop, ctx: PgContext) -> list[str]:
    return []


# --- PostgreSQL files ---------------------------------------------------------------------------

LOCK_TIMEOUT = "5s"
STATEMENT_TIMEOUT = "1min"


def comment_lines(text: str) -> list[str]:
    return sqlite_dialect.comment_lines(text)


@dataclass
class FileText:
    """One rendered file and the facts its header declares."""

    text: str
    statements: int = 0


def postgres_file(
    operations: list[ops.Operation],
    ctx: PgContext,
    *,
    transactional: bool,
    header: list[str],
    directives: list[str],
    long_running: bool,
) -> FileText:
    """A PostgreSQL migration file: directives, comments, timeouts, the statements."""
    lines = list(directives) + header
    body: list[str] = []
    count = 0
    for operation in operations:
        statements = pg_statements(operation, ctx)
        if not statements and isinstance(operation, ops.Noop):
            if operation.description:
                body += comment_lines(operation.description)
            continue
        body += comment_lines(operation.describe())
        for statement in statements:
            body.append(statement)
            count += 1
        body.append("")
    timeout = "0" if long_running else f"'{STATEMENT_TIMEOUT}'"
    if transactional:
        prelude = ["BEGIN;", f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}';", f"SET LOCAL statement_timeout = {timeout};"]
        if long_running:
            prelude.insert(1, "-- statement_timeout 0: this step reads whole tables; lock_timeout still bounds every wait for a lock.")
        text = "\n".join(lines) + "\n\n" + "\n".join(prelude) + "\n\n" + "\n".join(body).rstrip() + ("\n\n" if body else "\n") + "COMMIT;\n"
    else:
        prelude = [f"SET lock_timeout = '{LOCK_TIMEOUT}';", f"SET statement_timeout = {timeout};"]
        if long_running:
            prelude.insert(0, "-- statement_timeout 0: this step runs long by design and blocks no reads or writes.")
        text = "\n".join(lines) + "\n\n" + "\n".join(prelude) + "\n\n" + "\n".join(body).rstrip() + "\n"
    return FileText(text, count)


# --- SQLite ----------------------------------------------------------------------------------

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
            statements += _copy_rows(op, sq)
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
            statements += _copy_rows(op, sq)
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
    from .renames import expression_columns

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
