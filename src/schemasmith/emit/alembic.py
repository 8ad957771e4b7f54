"""A ready Alembic environment for a design: `alembic upgrade head` builds what our DDL builds.

Files: `alembic.ini`, `migrations/env.py` (the database from DATABASE_URL; batch mode on
SQLite), `migrations/script.py.mako`, the initial revision `migrations/versions/0001_initial.py`
and `models.py` (the SQLAlchemy target's models, so `alembic check` and autogenerate work at once).

The initial revision creates enum types, tables in foreign-key order with the DDL's constraint
names, indexes, foreign keys that close a cycle (after all tables, on PostgreSQL), the built-in
triggers and row-level security — the trigger and policy SQL taken from `dialects/postgres.py` and
`dialects/sqlite.py`, never written twice. `downgrade()` removes it all in reverse order.
"""

from __future__ import annotations

import re

from ..dialects import postgres
from ..dialects.base import DdlOutput
from ..model.document import Design
from . import py_code, py_common
from . import sqlalchemy as sqlalchemy_target
from .py_code import Call, Expr, Imports, Raw, Str, list_
from .py_ddl import sqlite_trigger_statements
from .py_names import SQLALCHEMY_RESERVED
from .py_schema import ColumnView, DefaultView, SchemaView, TableView, build, index_expression_sql

REVISION = "0001"
VERSION_FILE = f"migrations/versions/{REVISION}_initial.py"
_ACTIONS = {"cascade": "CASCADE", "set null": "SET NULL", "set default": "SET DEFAULT", "restrict": "RESTRICT", "no action": "NO ACTION"}


def render(design: Design) -> DdlOutput:
    """The Alembic environment's files for `design`, and what it cannot express."""
    view = build(design, SQLALCHEMY_RESERVED)
    files = {
        "alembic.ini": _alembic_ini(view),
        "migrations/env.py": _env_py(view),
        "migrations/script.py.mako": _SCRIPT_MAKO,
        VERSION_FILE: _migration(view),
        "models.py": sqlalchemy_target.render_module(view),
    }
    warnings = []
    for table in view.tables:
        if table.table.row_level_security or table.table.policies:
            warnings.append(f"{table.name}: row-level security and policies are created on PostgreSQL only")
    return DdlOutput(files=files, warnings=warnings + _sqlite_warnings(view))


def _sqlite_warnings(view: SchemaView) -> list[str]:
    warnings = []
    for table in view.tables:
        for index in table.indexes:
            if not index.sqlite_built:
                warnings.append(f"{table.name}: index {index.name} is created on PostgreSQL only (as in the SQLite DDL)")
    return warnings


# --- the revision --------------------------------------------------------------------------------


class _Module:
    """The migration module being written: imports, top-level definitions, statement bodies."""

    def __init__(self, view: SchemaView):
        self.view = view
        self.imports = Imports()
        self.imports.add("alembic", "op")
        self.imports.add("sqlalchemy", None)
        self.definitions: list[tuple[str, list[str]]] = []
        self.helpers: set[str] = set()


def _migration(view: SchemaView) -> str:
    module = _Module(view)
    upgrade: list[str] = ["    sqlite = on_sqlite()"]
    downgrade: list[str] = ["    sqlite = on_sqlite()"]

    if view.native_enums and view.enums:
        module.imports.add("sqlalchemy.dialects", "postgresql")
        upgrade += ["    if not sqlite:"]
        for enum in view.enums:
            call = Call(
                "postgresql.ENUM",
                [Str(value) for value in enum.values],
                [("name", Str(enum.name)), ("create_type", Raw("False"))],
            )
            module.definitions.append(("assign", py_code.lines(call, 0, f"{enum.variable} = ")))
            upgrade += [f"        {enum.variable}.create(op.get_bind())"]

    by_name = {table.name: table for table in view.tables}
    for name in view.order:
        table = by_name[name]
        upgrade += [""] + _create_table(module, table)
        upgrade += _create_indexes(module, table)

    deferred = [(table, fk) for table in (by_name[name] for name in view.order) for fk in table.foreign_keys if fk.deferred]
    if deferred:
        upgrade += ["", "    # SQLite has these inline: it checks references only when rows are written", "    if not sqlite:"]
        for table, foreign_key in deferred:
            upgrade += py_code.lines(_create_foreign_key(table, foreign_key), 8)

    postgres_statements = view.postgres.trigger_statements + view.postgres.security_statements
    sqlite_statements = [
        statement for name in view.order for statement in sqlite_trigger_statements(view.sqlite_plans[name])
    ]
    if postgres_statements or sqlite_statements:
        upgrade += [""]
        if sqlite_statements:
            module.definitions.append(("assign", _sql_tuple("SQLITE_TRIGGERS", sqlite_statements)))
        if postgres_statements:
            module.definitions.append(("assign", _sql_tuple("POSTGRESQL_TRIGGERS", postgres_statements)))
        if sqlite_statements and postgres_statements:
            upgrade += ["    for statement in SQLITE_TRIGGERS if sqlite else POSTGRESQL_TRIGGERS:", "        op.execute(statement)"]
        elif sqlite_statements:
            upgrade += ["    if sqlite:", "        for statement in SQLITE_TRIGGERS:", "            op.execute(statement)"]
        else:
            upgrade += ["    if not sqlite:", "        for statement in POSTGRESQL_TRIGGERS:", "            op.execute(statement)"]

    # downgrade: functions (their triggers go with the tables), cycle keys, tables, enum types
    functions = _trigger_functions(view)
    if functions or deferred:
        downgrade += ["    if not sqlite:"]
        for function in functions:
            downgrade += py_code.lines(Call("op.execute", [Str(f"DROP FUNCTION {function}() CASCADE")]), 8)
        for table, foreign_key in reversed(deferred):
            call = Call("op.drop_constraint", [Str(foreign_key.name), Str(table.name)], [("type_", Str("foreignkey"))])
            downgrade += py_code.lines(call, 8)
    for name in reversed(view.order):
        downgrade += py_code.lines(Call("op.drop_table", [Str(name)]), 4)
    if view.native_enums and view.enums:
        downgrade += ["    if not sqlite:"]
        for enum in reversed(view.enums):
            downgrade += [f"        {enum.variable}.drop(op.get_bind())"]

    module.definitions = _helper_definitions(module) + module.definitions
    header = _revision_header(view)
    body: list[tuple[str, list[str]]] = []
    body.append(
        (
            "assign",
            [
                f'revision: str = "{REVISION}"',
                "down_revision: str | None = None",
                "branch_labels: str | Sequence[str] | None = None",
                "depends_on: str | Sequence[str] | None = None",
            ],
        )
    )
    module.imports.add("collections.abc", "Sequence")
    body += module.definitions
    body.append(("def", ["def upgrade() -> None:", '    """Create the schema."""'] + _trim(upgrade)))
    body.append(("def", ["def downgrade() -> None:", '    """Remove everything upgrade() created, in reverse order."""'] + _trim(downgrade)))
    imports = ["import sqlalchemy as sa" if line == "import sqlalchemy" else line for line in module.imports.render()]
    return py_code.join_blocks(header + [""] + imports, body)


def _trim(lines: list[str]) -> list[str]:
    out = []
    for line in lines:
        if line == "" and (not out or out[-1] == ""):
            continue
        out.append(line)
    while out and out[-1] == "":
        out.pop()
    return out


def _revision_header(view: SchemaView) -> list[str]:
    lines = [f'"""Initial schema of {_one_line(view.design.name)}, as the schemasmith DDL creates it.', ""]
    lines += [f"Revision ID: {REVISION}", "Revises:", '"""']
    if len(lines[0]) > py_code.LINE_LENGTH:
        lines[0] = '"""Initial schema, as the schemasmith DDL creates it.'
    return lines


def _one_line(text: str) -> str:
    return " ".join(text.replace('"""', "'''").replace("\\", "/").split())


def _helper_definitions(module: _Module) -> list[tuple[str, list[str]]]:
    definitions: list[tuple[str, list[str]]] = [
        (
            "def",
            [
                "def on_sqlite() -> bool:",
                '    return op.get_context().dialect.name == "sqlite"',
            ],
        ),
    ]
    if "by_dialect" in module.helpers:
        definitions.append(
            (
                "def",
                [
                    "def by_dialect(on_postgresql: str, on_sqlite: str | None) -> sa.TextClause | None:",
                    '    """SQL that PostgreSQL and SQLite spell differently (None: SQLite has none)."""',
                    '    sql = on_sqlite if op.get_context().dialect.name == "sqlite" else on_postgresql',
                    "    return sa.text(sql) if sql is not None else None",
                ],
            )
        )
    if "sqlite_only" in module.helpers:
        definitions.append(
            (
                "def",
                [
                    "def sqlite_only(*items: sa.schema.SchemaItem) -> tuple[sa.schema.SchemaItem, ...]:",
                    '    """What the SQLite DDL adds: CHECKs its types lack, cycle keys inline."""',
                    "    return items if on_sqlite() else ()",
                ],
            )
        )
    if "postgresql_only" in module.helpers:
        definitions.append(
            (
                "def",
                [
                    "def postgresql_only(*items: sa.schema.SchemaItem) -> tuple[sa.schema.SchemaItem, ...]:",
                    "    return () if on_sqlite() else items",
                ],
            )
        )
    return definitions


def _sql_tuple(name: str, statements: list[str]) -> list[str]:
    """`NAME = (...)` of SQL statements, each an implicit concatenation of its lines."""
    lines = [f"{name} = ("]
    for statement in statements:
        text = escape_colons(statement.rstrip().rstrip(";"))
        lines += py_code.lines(Str(text), 4, "", ",")
    lines.append(")")
    return lines


def escape_colons(sql: str) -> str:
    """`:name` would read as a bind parameter to sa.text(); `\\:` is a literal colon there."""
    return re.sub(r"(?<![:\w\\]):(?=\w)", r"\\:", sql)


def _trigger_functions(view: SchemaView) -> list[str]:
    functions = []
    for name in view.order:
        table = view.table(name).table
        for trigger in table.triggers:
            if trigger.kind == "updated_at":
                function = postgres.UPDATED_AT_FUNCTION
            else:
                function = postgres.quote_identifier(postgres.max_depth_function_name(name, trigger.column or ""))
            if function not in functions:
                functions.append(function)
    return functions


# --- tables --------------------------------------------------------------------------------------


def _create_table(module: _Module, table: TableView) -> list[str]:
    args: list[Expr] = [Str(table.name)]
    args += [_column(module, column) for column in table.columns]
    if table.primary_key_name:
        args.append(Call("sa.PrimaryKeyConstraint", [Str(name) for name in table.table.primary_key], [("name", Str(table.primary_key_name))]))
    for name, columns, nulls_not_distinct in table.uniques:
        kwargs: list[tuple[str, Expr]] = [("name", Str(name))]
        if nulls_not_distinct:
            kwargs.append(("postgresql_nulls_not_distinct", Raw("True")))
        args.append(Call("sa.UniqueConstraint", [Str(column) for column in columns], kwargs))
    sqlite_items: list[Expr] = []
    postgres_items: list[Expr] = []
    for check in table.checks:
        if check.postgresql is not None and check.postgresql == check.sqlite:
            args.append(_check(check.postgresql, check.name))
            continue
        if check.postgresql is not None:
            postgres_items.append(_check(check.postgresql, check.name))
        if check.sqlite is not None:
            sqlite_items.append(_check(check.sqlite, check.name))
    for column in table.columns:
        for sql in column.sqlite_checks:
            sqlite_items.append(_check(sql, None))
    for foreign_key in table.foreign_keys:
        call = _foreign_key(foreign_key)
        if foreign_key.deferred:
            sqlite_items.append(call)
        else:
            args.append(call)
    if postgres_items:
        module.helpers.add("postgresql_only")
        args.append(_Star("postgresql_only", postgres_items))
    if sqlite_items:
        module.helpers.add("sqlite_only")
        args.append(_Star("sqlite_only", sqlite_items))
    kwargs: list[tuple[str, Expr]] = []
    if table.table.comment is not None:
        kwargs.append(("comment", Str(table.table.comment)))
    if table.sqlite_autoincrement:
        kwargs.append(("sqlite_autoincrement", Raw("True")))
    return py_code.lines(Call("op.create_table", args, kwargs), 4)


def _check(sql: str, name: str | None) -> Call:
    return Call("sa.CheckConstraint", [Str(sql)], [("name", Str(name))] if name else [])


class _Star(Call):
    """`*helper(a, b)` as a positional argument."""

    def __init__(self, helper: str, items: list[Expr]):
        super().__init__("*" + helper, items)


def _column(module: _Module, column: ColumnView) -> Call:
    args: list[Expr] = [Str(column.name), _type(module, column)]
    if column.column.identity:
        args.append(Raw("sa.Identity(always=True)" if column.column.identity == "always" else "sa.Identity()"))
    if column.generated_postgresql is not None:
        if column.generated_sqlite == column.generated_postgresql:
            args.append(Call("sa.Computed", [Str(column.generated_postgresql)], [("persisted", Raw("True"))]))
        else:
            module.helpers.add("postgresql_only")
            args.append(_Star("postgresql_only", [Call("sa.Computed", [Str(column.generated_postgresql)], [("persisted", Raw("True"))])]))
    kwargs: list[tuple[str, Expr]] = []
    if column.default is not None and not column.column.generated:
        kwargs.append(("server_default", _default(module, column.default)))
    kwargs.append(("nullable", Raw("True" if column.nullable else "False")))
    if column.column.comment is not None:
        kwargs.append(("comment", Str(column.column.comment)))
    return Call("sa.Column", args, kwargs)


def _default(module: _Module, default: DefaultView) -> Expr:
    if default.kind == "string":
        return Str(default.value)
    if default.kind == "func":
        return Raw(f"sa.func.{default.value}()")
    if default.kind == "sql":
        return Call("sa.text", [Str(escape_colons(default.value))])
    module.helpers.add("by_dialect")
    sqlite_sql = Str(escape_colons(default.sqlite)) if default.sqlite is not None else Raw("None")
    return Call("by_dialect", [Str(escape_colons(default.postgresql)), sqlite_sql])


def _type(module: _Module, column: ColumnView, portable=None) -> Expr:
    portable = portable or column.portable
    view = module.view
    if portable.is_array:
        module.imports.add("sqlalchemy.dialects", "postgresql")
        element = _type(module, column, portable.element)
        return Call(f"postgresql.ARRAY({element.flat()}).with_variant", [Raw("sa.Text()"), Str("sqlite")])
    if portable.is_enum:
        enum = view.enum(portable.enum)
        if view.native_enums and enum is not None:
            return Raw(enum.variable)
        return Raw("sa.Text()")
    kind = portable.kind
    if kind == "json":
        module.imports.add("sqlalchemy.dialects", "postgresql")
        return Call("postgresql.JSONB().with_variant", [Raw("sa.Text()"), Str("sqlite")])
    if kind == "uuid":
        return Raw("sa.Uuid()")
    text = py_common.scalar_type_text(portable)
    if column.rowid_identity and kind != "integer" and portable is column.portable:
        return Call(text + ".with_variant", [Raw("sa.Integer()"), Str("sqlite")])
    return Raw(text)


def _foreign_key(foreign_key) -> Call:
    kwargs: list[tuple[str, Expr]] = [("name", Str(foreign_key.name))]
    kwargs += _foreign_key_options(foreign_key)
    return Call(
        "sa.ForeignKeyConstraint",
        [
            list_([Str(column) for column in foreign_key.columns]),
            list_([Str(f"{foreign_key.target}.{column}") for column in foreign_key.target_columns]),
        ],
        kwargs,
    )


def _foreign_key_options(foreign_key) -> list[tuple[str, Expr]]:
    fk = foreign_key.foreign_key
    kwargs: list[tuple[str, Expr]] = []
    if fk.on_delete:
        kwargs.append(("ondelete", Str(_ACTIONS[fk.on_delete])))
    if fk.on_update:
        kwargs.append(("onupdate", Str(_ACTIONS[fk.on_update])))
    if fk.deferrable or fk.initially_deferred:
        kwargs.append(("deferrable", Raw("True")))
        if fk.initially_deferred:
            kwargs.append(("initially", Str("DEFERRED")))
    return kwargs


def _create_foreign_key(table: TableView, foreign_key) -> Call:
    return Call(
        "op.create_foreign_key",
        [
            Str(foreign_key.name),
            Str(table.name),
            Str(foreign_key.target),
            list_([Str(column) for column in foreign_key.columns]),
            list_([Str(column) for column in foreign_key.target_columns]),
        ],
        _foreign_key_options(foreign_key),
    )


# --- indexes -------------------------------------------------------------------------------------


def _create_indexes(module: _Module, table: TableView) -> list[str]:
    common: list[str] = []
    postgres_only: list[str] = []
    sqlite_only: list[str] = []
    for index in table.indexes:
        postgresql_call = _index_call(table, index, [_postgres_key(key) for key in index.keys], postgresql=True)
        if not index.sqlite_built:
            postgres_only += py_code.lines(postgresql_call, 8)
        elif index.sqlite_same_keys and index.index.method in ("btree", "hash"):
            call = postgresql_call
            if index.sqlite_where is not None:
                call.kwargs.append(("sqlite_where", Call("sa.text", [Str(escape_colons(index.sqlite_where))])))
            common += py_code.lines(call, 4)
        else:
            postgres_only += py_code.lines(postgresql_call, 8)
            keys = [
                _postgres_key(key.__class__(key.column, None, key.descending, None))
                if key.column is not None
                else Call("sa.text", [Str(escape_colons(sql))])
                for key, sql in zip(index.keys, index.sqlite_keys)
            ]
            sqlite_call = _index_call(table, index, keys, postgresql=False)
            sqlite_only += py_code.lines(sqlite_call, 8)
    lines = common
    if sqlite_only:
        lines += ["    if sqlite:"] + sqlite_only + (["    else:"] + postgres_only if postgres_only else [])
    elif postgres_only:
        lines += ["    if not sqlite:"] + postgres_only
    return lines


def _postgres_key(key) -> Expr:
    if key.column is not None and not key.descending and not key.nulls:
        return Str(key.column)
    text = postgres.quote_identifier(key.column) if key.column is not None else index_expression_sql(key.expression)
    if key.descending:
        text += " DESC"
    if key.nulls:
        text += f" NULLS {key.nulls.upper()}"
    return Call("sa.text", [Str(escape_colons(text))])


def _index_call(table: TableView, index, keys: list[Expr], *, postgresql: bool) -> Call:
    kwargs: list[tuple[str, Expr]] = []
    if index.index.unique:
        kwargs.append(("unique", Raw("True")))
    if postgresql:
        if index.index.method != "btree":
            kwargs.append(("postgresql_using", Str(index.index.method)))
        if index.index.include:
            kwargs.append(("postgresql_include", list_([Str(column) for column in index.index.include])))
        if index.where_postgresql is not None:
            kwargs.append(("postgresql_where", Call("sa.text", [Str(escape_colons(index.where_postgresql))])))
    elif index.sqlite_where is not None:
        kwargs.append(("sqlite_where", Call("sa.text", [Str(escape_colons(index.sqlite_where))])))
    return Call("op.create_index", [Str(index.name), Str(table.name), list_(keys)], kwargs)


# --- the environment -----------------------------------------------------------------------------


def _alembic_ini(view: SchemaView) -> str:
    return f"""# Alembic configuration for {_one_line(view.design.name)}, generated by schemasmith.
# The database comes from the DATABASE_URL environment variable (see migrations/env.py), e.g.
#   DATABASE_URL=postgresql://user@localhost/app alembic upgrade head
#   DATABASE_URL=sqlite:///app.db alembic upgrade head

[alembic]
script_location = %(here)s/migrations
prepend_sys_path = %(here)s
path_separator = os
file_template = %%(rev)s_%%(slug)s

[loggers]
keys = root,sqlalchemy,alembic

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARNING
handlers = console
qualname =

[logger_sqlalchemy]
level = WARNING
handlers =
qualname = sqlalchemy.engine

[logger_alembic]
level = INFO
handlers =
qualname = alembic

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %(levelname)-5.5s [%(name)s] %(message)s
datefmt = %H:%M:%S
"""


#: env.py, part 1: the docstring, imports, logging, the models' metadata and SQLite's affinity table.
_ENV_PY_SETUP = '''"""Alembic environment: the database from DATABASE_URL, the models from models.py.

PostgreSQL URLs (postgresql://, postgres://) use psycopg 3; SQLite gets batch mode,
so later migrations can alter its tables by rebuilding them.
"""

import os
from logging.config import fileConfig
from typing import Any

import sqlalchemy as sa
from alembic import context

import models

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name)

target_metadata = models.Base.metadata

#: SQLite's type affinities (section 3.1 of its datatype documentation), in rule order.
AFFINITIES = (
    ("INTEGER", ("INT",)),
    ("TEXT", ("CHAR", "CLOB", "TEXT")),
    ("BLOB", ("BLOB",)),
    ("REAL", ("REAL", "FLOA", "DOUB")),
)
'''


#: env.py, part 2: which database (DATABASE_URL, with psycopg 3 for PostgreSQL) and which objects it compares.
_ENV_PY_TARGET = '''def database_url() -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        raise SystemExit(
            "DATABASE_URL is not set (e.g. postgresql://user@localhost/app or sqlite:///app.db)"
        )
    scheme, _, rest = url.partition("://")
    if scheme in ("postgres", "postgresql"):
        return f"postgresql+psycopg://{rest}"
    return url


def include_object(
    obj: Any, name: Any, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Leave out what the models create on another dialect only (`ddl_if`)."""
    condition = getattr(obj, "_ddl_if", None)
    if reflected or condition is None or condition.dialect is None:
        return True
    return condition.dialect == context.get_context().dialect.name
'''


#: env.py, part 3: type comparison: on SQLite by affinity, elsewhere Alembic's own.
_ENV_PY_TYPES = '''def affinity(declared: str) -> str:
    upper = declared.upper()
    for name, markers in AFFINITIES:
        if any(marker in upper for marker in markers) or (name == "BLOB" and not upper):
            return name
    return "NUMERIC"


def compare_type(
    ctx: Any, inspected: Any, metadata: Any, inspected_type: Any, metadata_type: Any
) -> Any:
    """On SQLite a declared type means its affinity: UUID_TEXT and TEXT are one type."""
    if ctx.dialect.name != "sqlite":
        return None  # Alembic's own comparison
    left = inspected_type.compile(dialect=ctx.dialect)
    right = metadata_type.compile(dialect=ctx.dialect)
    return affinity(left) != affinity(right)
'''


#: env.py, part 4: running the migrations, offline (SQL only) or against the database.
_ENV_PY_RUN = '''def options(url: str) -> dict[str, Any]:
    return {
        "target_metadata": target_metadata,
        "render_as_batch": url.startswith("sqlite"),
        "compare_type": compare_type,
        "include_object": include_object,
    }


def run_migrations_offline() -> None:
    """Write the SQL instead of running it (alembic upgrade head --sql)."""
    url = database_url()
    context.configure(url=url, literal_binds=True, **options(url))
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    url = database_url()
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, **options(url))
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
'''


def _env_py(view: SchemaView) -> str:
    """migrations/env.py: the same for every schema (the view is not consulted), written as its
    parts in order — setup, what it connects to and compares, type comparison, running."""
    return "\n\n".join((_ENV_PY_SETUP, _ENV_PY_TARGET, _ENV_PY_TYPES, _ENV_PY_RUN))


_SCRIPT_MAKO = '''"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
${imports if imports else ""}

# revision identifiers, used by Alembic.
revision: str = ${repr(up_revision)}
down_revision: str | Sequence[str] | None = ${repr(down_revision)}
branch_labels: str | Sequence[str] | None = ${repr(branch_labels)}
depends_on: str | Sequence[str] | None = ${repr(depends_on)}


def upgrade() -> None:
    ${upgrades if upgrades else "pass"}


def downgrade() -> None:
    ${downgrades if downgrades else "pass"}
'''
