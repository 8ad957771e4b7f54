"""Operations as PostgreSQL statements: one handler per operation, and the step files.

Each operation renders to its own statements, reusing `dialects/postgres.py` for every piece a
schema file also has (column definitions, defaults, foreign keys, indexes, triggers, policies,
quoting), so a migration and a fresh schema never spell a thing two ways.
"""

from __future__ import annotations

import functools

from ...dialects import postgres
from ...model import naming
from ...model.document import (
    CheckConstraint,
    Exclusion,
    ForeignKey,
    Policy,
    UniqueConstraint,
)
from ...model.types import PortableType
from .. import operations as ops
from ..context import PgContext
from .common import FileText, comment_lines, copy_rows

q = postgres.quote_identifier
qt = postgres.quote_qualified  # tables and types: `schema.name` quoted part by part
literal = postgres.quote_literal

#: Rows per batch when a backfill walks the primary key; pages per batch when it walks ctid.
BATCH_ROWS = 5000
BATCH_PAGES = 100
#: The setting dual-write triggers read to stand aside while a backfill copies values.
BACKFILL_GUARD = "schemasmith.backfill"


# --- PostgreSQL ------------------------------------------------------------------------------


@functools.singledispatch
def pg_statements(operation: ops.Operation, ctx: PgContext) -> list[str]:
    raise NotImplementedError(type(operation).__name__)


def _alter(table: str, action: str) -> str:
    return f"ALTER TABLE {qt(table)} {action};"


@pg_statements.register
def _(op: ops.CreateEnum, ctx: PgContext) -> list[str]:
    if ctx.style == "check":
        return []
    return [ctx.renderer("new").enum_sql(op.name, op.values)]


@pg_statements.register
def _(op: ops.DropEnum, ctx: PgContext) -> list[str]:
    if ctx.style == "check":
        return []
    return [f"DROP TYPE {qt(op.name)};"]


@pg_statements.register
def _(op: ops.AddEnumValues, ctx: PgContext) -> list[str]:
    statements = []
    for value, position, anchor in op.additions:
        text = f"ALTER TYPE {qt(op.enum)} ADD VALUE IF NOT EXISTS {literal(value)}"
        if position and anchor is not None:
            text += f" {position} {literal(anchor)}"
        statements.append(text + ";")
    return statements


@pg_statements.register
def _(op: ops.RenameEnumValue, ctx: PgContext) -> list[str]:
    return [f"ALTER TYPE {qt(op.enum)} RENAME VALUE {literal(op.old)} TO {literal(op.new)};"]


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
        reference = f"{qt(column.table)}.{q(column.column)}"
        test = (
            f"{q(column.column)}::text[] && ARRAY[{values}]::text[]" if column.array else f"{q(column.column)}::text IN ({values})"
        )
        message = literal(f"{column.table}.{column.column} still holds value(s) removed from {op.enum} ({', '.join(removed)}); change those rows first")
        lines.append(f"    IF EXISTS (SELECT 1 FROM {qt(column.table)} WHERE {test}) THEN")
        lines.append(f"        RAISE EXCEPTION USING ERRCODE = 'check_violation', MESSAGE = {message};")
        lines.append("    END IF;")
        del reference
    lines += ["END", "$schemasmith$;"]
    return ["\n".join(lines)]


@pg_statements.register
def _(op: ops.EnumSwap, ctx: PgContext) -> list[str]:
    if op.check_style:
        return _check_style_swap(op)
    statements = [dependent_drop_sql(dependent) for dependent in op.dependents]
    statements += _removed_values_check(op)
    aside = old_enum_name(op.enum)
    statements.append(f"ALTER TYPE {qt(op.enum)} RENAME TO {q(naming.base_name(aside))};")
    statements.append(f"CREATE TYPE {qt(op.enum)} AS ENUM ({', '.join(literal(value) for value in op.new_values)});")
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
            actions.append(f"ALTER COLUMN {c} TYPE {qt(op.enum)}{suffix} USING {c}::text{suffix}::{qt(op.enum)}{suffix}")
            if column.default_after is not None:
                actions.append(f"ALTER COLUMN {c} SET DEFAULT {column.default_after}")
        statements.append(f"ALTER TABLE {qt(table)}\n    " + ",\n    ".join(actions) + ";")
    statements.append(f"DROP TYPE {qt(aside)};")
    statements += [dependent_create_sql(dependent, ctx) for dependent in op.dependents]
    return statements


def dependent_drop_sql(dependent: ops.Dependent) -> str:
    """DROP of an index, check or policy that a type swap recreates."""
    table = qt(dependent.table)
    if dependent.kind == "index":
        return f"DROP INDEX {q(dependent.name)};"
    if dependent.kind == "check":
        return f"ALTER TABLE {table} DROP CONSTRAINT {q(dependent.name)};"
    return f"DROP POLICY {q(dependent.name)} ON {table};"


def dependent_create_sql(dependent: ops.Dependent, ctx: PgContext) -> str:
    """The index, check or policy again, as its side of the migration defines it."""
    if dependent.kind == "index":
        return ctx.index_sql(dependent.table, dependent.table_definition, dependent.name, dependent.definition, dependent.side)
    if dependent.kind == "check":
        add = ops.AddConstraint(dependent.table, dependent.name, "check", dependent.definition)
        return f"ALTER TABLE {qt(dependent.table)} ADD {constraint_body(add, ctx)};"
    return policy_sql(dependent.table, dependent.definition)


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
            statements.append(f"UPDATE {qt(column.table)} SET {q(column.column)} = {literal(new)} WHERE {q(column.column)} = {literal(old)};")
        statements.append(_alter(column.table, f"ADD CONSTRAINT {q(name)} CHECK ({q(column.column)} IN ({values}))"))
    return statements


@pg_statements.register
def _(op: ops.CreateTable, ctx: PgContext) -> list[str]:
    deferred = {(op.table, position) for position in op.deferred}
    return ctx.renderer(op.side).table_statements(op.table, op.definition, deferred)


@pg_statements.register
def _(op: ops.DropTable, ctx: PgContext) -> list[str]:
    return [f"DROP TABLE {qt(op.table)};"]


@pg_statements.register
def _(op: ops.RenameTable, ctx: PgContext) -> list[str]:
    return [_alter(op.old, f"RENAME TO {q(naming.base_name(op.new))}")]


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
    if op.new.collation:
        text += f" COLLATE {qt(op.new.collation)}"
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
    sequence = f"pg_get_serial_sequence({literal(qt(op.table))}, {literal(op.column)})"
    return [
        _alter(op.table, f"ALTER COLUMN {c} ADD GENERATED {op.new.upper()} AS IDENTITY"),
        # The identity starts after the values already in the column, so new rows do not collide.
        f"SELECT setval({sequence}, coalesce(max({c}), 0) + 1, false) FROM {qt(op.table)};",
    ]


@pg_statements.register
def _(op: ops.SetComment, ctx: PgContext) -> list[str]:
    value = "NULL" if op.new is None else literal(op.new)
    if op.column is None:
        return [f"COMMENT ON TABLE {qt(op.table)} IS {value};"]
    return [f"COMMENT ON COLUMN {qt(op.table)}.{q(op.column)} IS {value};"]


def constraint_body(op: ops.AddConstraint, ctx: PgContext) -> str:
    """What follows `ADD` for a constraint."""
    definition = op.definition
    name = q(op.name)
    if op.constraint == "primary key":
        if op.using_index:
            return f"CONSTRAINT {name} PRIMARY KEY USING INDEX {name}"
        return f"CONSTRAINT {name} PRIMARY KEY ({', '.join(q(c) for c in definition)})" + op.options  # type: ignore[union-attr]
    if op.constraint == "unique":
        assert isinstance(definition, UniqueConstraint)
        if op.using_index:
            return f"CONSTRAINT {name} UNIQUE USING INDEX {name}"
        nulls = " NULLS NOT DISTINCT" if definition.nulls_not_distinct else ""
        return f"CONSTRAINT {name} UNIQUE{nulls} ({', '.join(q(c) for c in definition.columns)})" + postgres.unique_options(definition)
    if op.constraint == "check":
        assert isinstance(definition, CheckConstraint)
        no_inherit = " NO INHERIT" if definition.no_inherit else ""
        return f"CONSTRAINT {name} CHECK ({ctx.check_sql(op.table, op.name, definition.expression)}){no_inherit}" + (
            " NOT VALID" if op.not_valid else "")
    if op.constraint == "exclusion":
        assert isinstance(definition, Exclusion)
        return f"CONSTRAINT {name} {postgres.checked_statement(definition.definition, op.table, 'EXCLUDE')}"
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
        f"DROP INDEX CONCURRENTLY IF EXISTS {index_name(op.table, op.name)};",
        head + "CONCURRENTLY IF NOT EXISTS " + text[len(head):],
    ]


@pg_statements.register
def _(op: ops.DropIndex, ctx: PgContext) -> list[str]:
    return [f"DROP INDEX {'CONCURRENTLY ' if op.concurrently else ''}{'IF EXISTS ' if op.if_exists else ''}{index_name(op.table, op.name)};"]


@pg_statements.register
def _(op: ops.RenameIndex, ctx: PgContext) -> list[str]:
    return [f"ALTER INDEX {index_name(op.table, op.old)} RENAME TO {q(op.new)};"]


def index_name(table: str, name: str) -> str:
    """An index lives in its table's schema: `schema.index` when the table is `schema.table`."""
    base = naming.base_name(table)
    return f"{q(table[: -len(base) - 1])}.{q(name)}" if base != table else q(name)


@pg_statements.register
def _(op: ops.CreateTrigger, ctx: PgContext) -> list[str]:
    trigger, name = op.trigger, q(naming.name_of_trigger(op.table, op.trigger))
    if trigger.definition is not None:
        return ctx.renderer("new").general_trigger_statements(op.table, trigger)
    if trigger.kind == "updated_at":
        return [
            (f"CREATE TRIGGER {name} BEFORE UPDATE ON {qt(op.table)}\n"
            f"    FOR EACH ROW EXECUTE FUNCTION {postgres.UPDATED_AT_FUNCTION}({literal(trigger.column or 'updated_at')});")
        ]
    function = postgres.max_depth_function_name(op.table, trigger.column or "")
    return [
        postgres.max_depth_function_sql(op.table, op.definition, trigger.column or "", function),
        (f"CREATE TRIGGER {name} BEFORE INSERT OR UPDATE ON {qt(op.table)}\n"
        f"    FOR EACH ROW EXECUTE FUNCTION {q(function)}({literal(trigger.column or '')}, {literal(str(trigger.depth))});"),
    ]


@pg_statements.register
def _(op: ops.DropTrigger, ctx: PgContext) -> list[str]:
    statements = [f"DROP TRIGGER {q(naming.name_of_trigger(op.table, op.trigger))} ON {qt(op.table)};"]
    if op.trigger.kind == "max_depth":
        statements.append(f"DROP FUNCTION {q(postgres.max_depth_function_name(op.table, op.trigger.column or ''))}();")
    return statements


@pg_statements.register
def _(op: ops.RenameTrigger, ctx: PgContext) -> list[str]:
    return [f"ALTER TRIGGER {q(op.old)} ON {qt(op.table)} RENAME TO {q(op.new)};"]


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
    text = f"CREATE POLICY {q(policy.name)} ON {qt(table)}"
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
    return [f"DROP POLICY {q(op.policy.name)} ON {qt(op.table)};"]


@pg_statements.register
def _(op: ops.RenamePolicy, ctx: PgContext) -> list[str]:
    return [f"ALTER POLICY {q(op.old)} ON {qt(op.table)} RENAME TO {q(op.new)};"]


@pg_statements.register
def _(op: ops.Backfill, ctx: PgContext) -> list[str]:
    table, column = qt(op.table), q(op.column)
    assignment = f"{column} = ({op.value_sql})"
    if not op.batched:
        return [f"UPDATE {table} SET {assignment} WHERE {op.pending_sql};"]
    return [_batched_backfill(op)]


def _batched_backfill(op: ops.Backfill) -> str:
    """A DO block that updates in batches, committing each (so no long lock or transaction)."""
    table = qt(op.table)
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
            f"    v_pages := pg_relation_size({literal(qt(op.table))}) / current_setting('block_size')::bigint;",
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


@pg_statements.register
def _(op: ops.CopyRows, ctx: PgContext) -> list[str]:
    return copy_rows(op, q)


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



# --- objects beside tables ---------------------------------------------------------------------

#: The ObjectRenderer methods that create and drop each object class.
CREATE_METHODS = {
    "schema": "create_schema", "extension": "create_extension", "collation": "create_collation", "domain": "create_domain",
    "type": "create_type", "sequence": "create_sequence", "routine": "create_routine", "view": "create_view",
}


@pg_statements.register
def _(op: ops.CreateObject, ctx: PgContext) -> list[str]:
    objects = ctx.objects(op.side)
    statements = getattr(objects, CREATE_METHODS[op.object])(op.name, op.definition)
    if op.object == "routine":
        # As in schema.sql: the body may read tables this migration creates later.
        statements = ["SET LOCAL check_function_bodies = false;", *statements]
    return statements


@pg_statements.register
def _(op: ops.DropObject, ctx: PgContext) -> list[str]:
    objects = ctx.objects(op.side)
    if op.object in ("routine", "view", "sequence"):  # their DROP depends on the definition
        return getattr(objects, f"drop_{op.object}")(op.name, op.definition)
    return getattr(objects, f"drop_{op.object}")(op.name)


@pg_statements.register
def _(op: ops.ReplaceObject, ctx: PgContext) -> list[str]:
    objects = ctx.objects("new")
    if op.object == "routine":
        return ["SET LOCAL check_function_bodies = false;", *objects.create_routine(op.name, op.new, replace=True)[:1]]
    return objects.create_view(op.name, op.new, replace=True)[:1]


@pg_statements.register
def _(op: ops.AlterObject, ctx: PgContext) -> list[str]:
    objects = ctx.objects("new")
    old, new = op.old, op.new
    if op.object == "extension":
        statements = objects.update_extension(op.name, new.version) if old.version != new.version else []
        if old.in_schema != new.in_schema:
            statements += objects.move_extension(op.name, new.in_schema)
        return statements
    if op.object == "sequence":
        return objects.alter_sequence(op.name, new)
    if op.object == "type":
        return objects.alter_type_attributes(op.name, old, new)
    return domain_changes(op, objects)


def domain_changes(op: ops.AlterObject, objects) -> list[str]:
    """ALTER DOMAIN for a changed default, NOT NULL and checks (matched by name and expression)."""
    old, new, target = op.old, op.new, objects.qq(op.name)
    statements = []
    old_default, new_default = objects.domain_default_sql(op.name, old), objects.domain_default_sql(op.name, new)
    if old_default != new_default:
        statements.append(f"ALTER DOMAIN {target} " + ("DROP DEFAULT;" if new_default is None else f"SET DEFAULT {new_default};"))
    if old.nullable != new.nullable:
        statements.append(f"ALTER DOMAIN {target} {'DROP' if new.nullable else 'SET'} NOT NULL;")
    old_checks = {(objects.domain_check_name(op.name, old, i), check.expression): i for i, check in enumerate(old.checks)}
    new_checks = {(objects.domain_check_name(op.name, new, i), check.expression): i for i, check in enumerate(new.checks)}
    for key in old_checks:
        if key not in new_checks:
            statements.append(f"ALTER DOMAIN {target} DROP CONSTRAINT {q(key[0])};")
    for key, position in new_checks.items():
        if key not in old_checks:
            not_valid = " NOT VALID" if new.checks[position].not_valid else ""
            statements.append(f"ALTER DOMAIN {target} ADD {objects.domain_check_sql(op.name, new, position)}{not_valid};")
    return statements


@pg_statements.register
def _(op: ops.SetSequenceOwner, ctx: PgContext) -> list[str]:
    return ctx.objects("new").owned_by(op.name, op.new)


#: COMMENT ON spellings of each object class (routines and views look at their definition).
COMMENT_KINDS = {"schema": "SCHEMA", "extension": "EXTENSION", "collation": "COLLATION", "domain": "DOMAIN", "type": "TYPE", "sequence": "SEQUENCE"}


@pg_statements.register
def _(op: ops.SetObjectComment, ctx: PgContext) -> list[str]:
    objects = ctx.objects("new")
    if op.object == "routine":
        return [objects.set_comment(objects.routine_kind(op.name, op.definition), objects.signature_sql(op.name), op.new)]
    if op.object == "view":
        if op.column is not None:
            return [objects.set_comment("COLUMN", f"{objects.qq(op.name)}.{q(op.column)}", op.new)]
        return [objects.set_comment(objects.view_kind(op.definition), objects.qq(op.name), op.new)]
    target = q(op.name) if op.object in ("schema", "extension") else objects.qq(op.name)
    return [objects.set_comment(COMMENT_KINDS[op.object], target, op.new)]


@pg_statements.register
def _(op: ops.ViewIndex, ctx: PgContext) -> list[str]:
    objects = ctx.objects("new")
    if op.create:
        return [objects.view_index_sql(op.view, op.name, op.index)]
    schema = op.view.partition(".")[0] if "." in op.view else None
    return [f"DROP INDEX {objects.qq(f'{schema}.{op.name}') if schema else q(op.name)};"]


@pg_statements.register
def _(op: ops.RefreshView, ctx: PgContext) -> list[str]:
    return ctx.objects("new").refresh_view(op.name, op.with_data)


@pg_statements.register
def _(op: ops.GrantPrivileges, ctx: PgContext) -> list[str]:
    objects = ctx.objects("new")
    if op.default:
        return [objects.default_privilege_sql(op.grant, revoke=op.revoke)]
    return [objects.grant_sql(op.grant, revoke=op.revoke)]
