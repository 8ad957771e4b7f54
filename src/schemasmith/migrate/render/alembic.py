"""Operations as an Alembic revision: `op.*` calls where Alembic has them, `op.execute` for the rest.

One revision per step, chained by `down_revision` in step order. A no-transaction step runs its
statements inside `op.get_context().autocommit_block()`. Enum types, triggers, policies, row-level
security, batched backfills, VALIDATE and the other statements Alembic has no operation for are
the very SQL `render.postgres` writes, passed to `op.execute` (colons escaped for `sa.text`).
"""

from __future__ import annotations

import functools
from typing import Protocol

from ...emit.alembic import escape_colons
from ...emit.py_common import scalar_type_text
from ...model import naming
from ...model.document import (
    CheckConstraint,
    Column,
    ForeignKey,
    IndexKey,
    UniqueConstraint,
)
from ...model.types import PortableType
from .. import operations as ops
from ..context import PgContext
from .postgres import LOCK_TIMEOUT, STATEMENT_TIMEOUT, pg_statements, q

#: alembic_version.version_num is VARCHAR(32).
REVISION_LIMIT = 32

#: The PostgreSQL-only spellings; every other plain type is py_common.scalar_type_text's.
_POSTGRES_TYPES = {"uuid": "sa.Uuid()", "json": "postgresql.JSONB()"}
_ACTIONS = {"cascade": "CASCADE", "set null": "SET NULL", "set default": "SET DEFAULT", "restrict": "RESTRICT", "no action": "NO ACTION"}


def revision_id(ident: str) -> str:
    return ident[:REVISION_LIMIT].rstrip("_")


def sa_type(portable: PortableType, style: str) -> str:
    if portable.is_array:
        return f"postgresql.ARRAY({sa_type(portable.element, style)})"  # type: ignore[arg-type]
    if portable.is_enum:
        return "sa.Text()" if style == "check" else f"postgresql.ENUM(name={portable.enum!r}, create_type=False)"
    if portable.kind in _POSTGRES_TYPES:
        return _POSTGRES_TYPES[portable.kind]
    return scalar_type_text(portable)


def _text(sql: str) -> str:
    return f"sa.text({escape_colons(sql)!r})"


def _column(ctx: PgContext, table: str, name: str, column: Column, is_key: bool, side: str) -> str:
    parts = [repr(name), sa_type(column.portable_type, ctx.style)]
    if column.identity:
        parts.append(f"sa.Identity(always={column.identity == 'always'})")
    if column.generated:
        parts.append(f"sa.Computed({_text(column.generated)}, persisted=True)")
    default = ctx.default_sql(table, name, column, is_key, side)
    if default is not None and not column.generated:
        parts.append(f"server_default={_text(default)}")
    parts.append(f"nullable={column.nullable and not column.identity}")
    return f"sa.Column({', '.join(parts)})"


def _fk_options(fk: ForeignKey) -> list[str]:
    options = []
    if fk.on_delete:
        options.append(f"ondelete={_ACTIONS[fk.on_delete]!r}")
    if fk.on_update:
        options.append(f"onupdate={_ACTIONS[fk.on_update]!r}")
    if fk.deferrable or fk.initially_deferred:
        options.append("deferrable=True")
        if fk.initially_deferred:
            options.append("initially='DEFERRED'")
    return options


def _execute(ctx: PgContext, operation: ops.Operation) -> list[str]:
    return [f"op.execute({_text(statement.rstrip().rstrip(';'))})" for statement in pg_statements(operation, ctx)]


@functools.singledispatch
def alembic_lines(operation: ops.Operation, ctx: PgContext) -> list[str]:
    """Python statements (no indentation) for one operation."""
    return _execute(ctx, operation)


@alembic_lines.register
def _(op: ops.CreateTable, ctx: PgContext) -> list[str]:
    table = op.definition
    single_key = table.primary_key[0] if len(table.primary_key) == 1 else None
    items = [_column(ctx, op.table, name, column, name == single_key, op.side) for name, column in table.columns.items()]
    if table.primary_key:
        items.append(f"sa.PrimaryKeyConstraint({', '.join(map(repr, table.primary_key))}, name={naming.table_primary_key_name(op.table, table)!r})")
    for unique in table.unique:
        extra = ", postgresql_nulls_not_distinct=True" if unique.nulls_not_distinct else ""
        items.append(f"sa.UniqueConstraint({', '.join(map(repr, unique.columns))}, name={(unique.name or naming.unique_name(op.table, unique.columns))!r}{extra})")
    for position, check in enumerate(table.checks):
        name = check.name or naming.check_name(op.table, position)
        items.append(f"sa.CheckConstraint({_text(ctx.check_sql(op.table, name, check.expression))}, name={name!r})")
    if ctx.style == "check":
        for column_name, column in table.columns.items():
            portable = column.portable_type
            if portable.is_enum:
                values = ctx.designs[op.side].enums.get(portable.enum or "", [])
                name = naming.enum_check_name(op.table, column_name, portable.enum or "")
                condition = f"{q(column_name)} IN ({', '.join(_literal(v) for v in values)})"
                items.append(f"sa.CheckConstraint({_text(condition)}, name={name!r})")
    for position, fk in enumerate(table.foreign_keys):
        if position in op.deferred:
            continue
        name = fk.name or naming.foreign_key_name(op.table, fk.columns)
        referred = [f"{fk.references.table}.{column}" for column in fk.references.columns]
        options = "".join(f", {option}" for option in _fk_options(fk))
        items.append(f"sa.ForeignKeyConstraint({fk.columns!r}, {referred!r}, name={name!r}{options})")
    comment = f", comment={table.comment!r}" if table.comment is not None else ""
    lines = ["op.create_table(", f"    {op.table!r},"] + [f"    {item}," for item in items] + [f"    {comment[2:]}," if comment else "", ")"]
    lines = [line for line in lines if line]
    for name, column in table.columns.items():
        if column.comment is not None:
            lines.append(f"op.alter_column({op.table!r}, {name!r}, comment={column.comment!r}, existing_type={sa_type(column.portable_type, ctx.style)})")
    for index_name, index in zip(naming.index_names(op.table, table), table.indexes):
        lines += _create_index(ctx, op.table, table, index_name, index, concurrently=False)
    return lines


def _literal(value: str) -> str:
    from ...dialects.postgres import quote_literal

    return quote_literal(value)


def _create_index(ctx: PgContext, table_name: str, table, index_name: str, index, *, concurrently: bool) -> list[str]:
    from ...dialects.postgres import checked_expression, index_key_sql

    keys = [index_key_sql(key) for key in index.keys(set(table.columns))]
    for expression in index.expressions:
        key = IndexKey.parse(expression)
        keys.append(index_key_sql(key, f"({checked_expression(key.column, table_name, 'index expression')})"))
    elements = ", ".join(_text(key) for key in keys)
    options = [f"unique={index.unique}", f"postgresql_using={index.method!r}"]
    if index.where:
        options.append(f"postgresql_where={_text(index.where)}")
    if index.include:
        options.append(f"postgresql_include={index.include!r}")
    if concurrently:
        options += ["postgresql_concurrently=True", "if_not_exists=True"]
    lines = []
    if concurrently:
        lines.append(f"op.drop_index({index_name!r}, table_name={table_name!r}, postgresql_concurrently=True, if_exists=True)")
    lines.append(f"op.create_index({index_name!r}, {table_name!r}, [{elements}], {', '.join(options)})")
    return lines


@alembic_lines.register
def _(op: ops.DropTable, ctx: PgContext) -> list[str]:
    return [f"op.drop_table({op.table!r})"]


@alembic_lines.register
def _(op: ops.RenameTable, ctx: PgContext) -> list[str]:
    return [f"op.rename_table({op.old!r}, {op.new!r})"]


@alembic_lines.register
def _(op: ops.AddColumn, ctx: PgContext) -> list[str]:
    if op.restores is not None and not op.definition.nullable and op.definition.default is None:
        return _execute(ctx, op)  # a placeholder default, then dropped: written as SQL
    lines = [f"op.add_column({op.table!r}, {_column(ctx, op.table, op.column, op.definition, op.is_key, op.side)})"]
    if ctx.style == "check" and op.definition.portable_type.is_enum:
        lines += _execute(ctx, op)[1:]
    return lines


@alembic_lines.register
def _(op: ops.DropColumn, ctx: PgContext) -> list[str]:
    return [f"op.drop_column({op.table!r}, {op.column!r})"]


@alembic_lines.register
def _(op: ops.RenameColumn, ctx: PgContext) -> list[str]:
    return [f"op.alter_column({op.table!r}, {op.old!r}, new_column_name={op.new!r})"]


@alembic_lines.register
def _(op: ops.AlterColumnType, ctx: PgContext) -> list[str]:
    using = f", postgresql_using={escape_colons(op.using)!r}" if op.using else ""
    return [
        (f"op.alter_column({op.table!r}, {op.column!r}, type_={sa_type(op.new.portable_type, ctx.style)},"
        f" existing_type={sa_type(op.old.portable_type, ctx.style)}{using})")
    ]


@alembic_lines.register
def _(op: ops.SetNotNull, ctx: PgContext) -> list[str]:
    return [f"op.alter_column({op.table!r}, {op.column!r}, nullable=False)"]


@alembic_lines.register
def _(op: ops.DropNotNull, ctx: PgContext) -> list[str]:
    return [f"op.alter_column({op.table!r}, {op.column!r}, nullable=True)"]


@alembic_lines.register
def _(op: ops.SetDefault, ctx: PgContext) -> list[str]:
    value = "None" if op.new_sql is None else _text(op.new_sql)
    return [f"op.alter_column({op.table!r}, {op.column!r}, server_default={value})"]


@alembic_lines.register
def _(op: ops.SetComment, ctx: PgContext) -> list[str]:
    if op.column is None:
        if op.new is None:
            return [f"op.drop_table_comment({op.table!r}, existing_comment={op.old!r})"]
        return [f"op.create_table_comment({op.table!r}, {op.new!r}, existing_comment={op.old!r})"]
    return _execute(ctx, op)


@alembic_lines.register
def _(op: ops.AddConstraint, ctx: PgContext) -> list[str]:
    definition = op.definition
    if op.using_index:
        return _execute(ctx, op)
    if op.constraint == "primary key":
        return [f"op.create_primary_key({op.name!r}, {op.table!r}, {list(definition)!r})"]  # type: ignore[arg-type]
    if op.constraint == "unique":
        assert isinstance(definition, UniqueConstraint)
        extra = ", postgresql_nulls_not_distinct=True" if definition.nulls_not_distinct else ""
        return [f"op.create_unique_constraint({op.name!r}, {op.table!r}, {definition.columns!r}{extra})"]
    if op.constraint == "check":
        assert isinstance(definition, CheckConstraint)
        extra = ", postgresql_not_valid=True" if op.not_valid else ""
        return [f"op.create_check_constraint({op.name!r}, {op.table!r}, {_text(ctx.check_sql(op.table, op.name, definition.expression))}{extra})"]
    assert isinstance(definition, ForeignKey)
    options = _fk_options(definition) + (["postgresql_not_valid=True"] if op.not_valid else [])
    return [
        (f"op.create_foreign_key({op.name!r}, {op.table!r}, {definition.references.table!r}, {definition.columns!r},"
        f" {definition.references.columns!r}{''.join(', ' + o for o in options)})")
    ]


@alembic_lines.register
def _(op: ops.DropConstraint, ctx: PgContext) -> list[str]:
    kind = {"primary key": "primary", "unique": "unique", "check": "check", "foreign key": "foreignkey"}[op.constraint]
    return [f"op.drop_constraint({op.name!r}, {op.table!r}, type_={kind!r})"]


@alembic_lines.register
def _(op: ops.CreateIndex, ctx: PgContext) -> list[str]:
    return _create_index(ctx, op.table, op.definition, op.name, op.index, concurrently=op.concurrently)


@alembic_lines.register
def _(op: ops.DropIndex, ctx: PgContext) -> list[str]:
    options = ""
    if op.concurrently:
        options += ", postgresql_concurrently=True"
    if op.if_exists:
        options += ", if_exists=True"
    return [f"op.drop_index({op.name!r}, table_name={op.table!r}{options})"]


@alembic_lines.register
def _(op: ops.Composite, ctx: PgContext) -> list[str]:
    return [line for part in op.parts for line in alembic_lines(part, ctx)]


@alembic_lines.register
def _(op: ops.Noop, ctx: PgContext) -> list[str]:
    return [f"# {op.description}"] if op.description else []


def _body(operations: list[ops.Operation], ctx: PgContext, transactional: bool, long_running: bool) -> list[str]:
    timeout = "0" if long_running else f"'{STATEMENT_TIMEOUT}'"
    lines = []
    if transactional:
        lines.append(f"op.execute(\"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'\")")
        lines.append(f'op.execute("SET LOCAL statement_timeout = {timeout}")')
    else:
        lines.append(f"op.execute(\"SET lock_timeout = '{LOCK_TIMEOUT}'\")")
        lines.append(f'op.execute("SET statement_timeout = {timeout}")')
    for operation in operations:
        lines.append(f"# {operation.describe()}")
        lines += alembic_lines(operation, ctx)
    if not transactional:
        return ["with op.get_context().autocommit_block():"] + ["    " + line for line in lines]
    return lines


class RevisionStep(Protocol):
    """What a revision needs of a planned step (the planner's `Step` has it)."""

    title: str
    operations: list[ops.Operation]
    transactional: bool
    long_running: bool
    after_deploy: list[str]


def revision_file(step: RevisionStep, ident: str, ctx: PgContext, down_ops: list[ops.Operation], previous: str | None = None) -> str:
    """The Python module of one revision."""
    down_transactional = all(operation.transactional for operation in down_ops) if down_ops else step.transactional
    upgrade = _body(step.operations, ctx, step.transactional, step.long_running)
    downgrade = _body(down_ops, ctx, down_transactional, step.long_running)
    notes = [f"Before upgrading, the application must: {text}" for text in step.after_deploy]
    lines = [
        f'"""{step.title} — generated by schemasmith diff.',
        "",
        f"Revision ID: {revision_id(ident)}",
        f"Revises: {previous or ''}",
        *notes,
        '"""',
        "",
        "import sqlalchemy as sa",
        "from alembic import op",
        "from sqlalchemy.dialects import postgresql",
        "",
        f"revision = {revision_id(ident)!r}",
        f"down_revision = {previous!r}",
        "branch_labels = None",
        "depends_on = None",
        "",
        "",
        "def upgrade() -> None:",
        *["    " + line for line in upgrade],
        "",
        "",
        "def downgrade() -> None:",
        *["    " + line for line in downgrade],
        "",
    ]
    return "\n".join(lines)
