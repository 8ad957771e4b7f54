"""Pieces of generated Python shared by the SQLAlchemy and SQLModel targets.

Column types, server defaults, table arguments (keys, constraints and indexes with the DDL's
names) and the small helpers a module needs when PostgreSQL and SQLite store or spell a value
differently. Every function returns `py_code` expressions; the targets lay them out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .py_code import Call, Dict, Expr, Imports, Raw, Str, list_, r, s, string
from .py_schema import ColumnView, DefaultView, IndexView, SchemaView, TableView, index_expression_sql

_ACTIONS = {"cascade": "CASCADE", "set null": "SET NULL", "set default": "SET DEFAULT", "restrict": "RESTRICT", "no action": "NO ACTION"}


@dataclass
class Needs:
    """What a generated module uses, so it imports and defines exactly that."""

    imports: Imports = field(default_factory=Imports)
    portable_uuid: bool = False
    portable_json: bool = False
    dialect_sql: bool = False
    constants: dict[str, Expr] = field(default_factory=dict)  # module-level names → value


# --- types -----------------------------------------------------------------------------------


_SIMPLE_TYPES = {
    "text": "sa.Text()",
    "smallint": "sa.SmallInteger()",
    "integer": "sa.Integer()",
    "bigint": "sa.BigInteger()",
    "real": "sa.REAL()",
    "double": "sa.Double()",
    "boolean": "sa.Boolean()",
    "date": "sa.Date()",
    "time": "sa.Time()",
    "timestamp": "sa.DateTime()",
    "timestamptz": "sa.DateTime(timezone=True)",
    "interval": "sa.Interval()",
    "bytes": "sa.LargeBinary()",
}


def scalar_type_text(portable) -> str:
    """`sa.String(64)`, `sa.Numeric(10, 2)`, `sa.Text()`: the SQLAlchemy spelling of a plain type.

    Shared by the models and the Alembic revision, so both always agree on every column's type.
    """
    kind = portable.kind
    if kind == "varchar":
        return f"sa.String({portable.length})" if portable.length is not None else "sa.String()"
    if kind == "numeric":
        if portable.precision is None:
            return "sa.Numeric()"
        if portable.scale is None:
            return f"sa.Numeric({portable.precision})"
        return f"sa.Numeric({portable.precision}, {portable.scale})"
    return _SIMPLE_TYPES[kind]


def sa_type(view: SchemaView, column: ColumnView, needs: Needs, *, portable=None) -> Expr:
    """The SQLAlchemy type object of a column (SQLite storage handled by the portable types)."""
    portable = portable or column.portable
    if portable.is_array:
        needs.imports.add("sqlalchemy.dialects", "postgresql")
        needs.portable_json = True
        element = sa_type(view, column, needs, portable=portable.element)
        return Call("postgresql.ARRAY(" + element.flat() + ").with_variant", [r("PortableJson()"), s("sqlite")])
    kind = portable.kind
    if portable.is_enum:
        enum = view.enum(portable.enum)
        if view.native_enums and enum is not None:
            return r(enum.variable)
        return r("sa.Text()")
    if kind == "uuid":
        needs.portable_uuid = True
        return r("PortableUuid()")
    if kind == "json":
        needs.portable_json = True
        return r("PortableJson()")
    text = scalar_type_text(portable)
    if column.rowid_identity and kind != "integer" and portable is column.portable:
        # SQLite generates values only for a column declared exactly INTEGER PRIMARY KEY
        return Call(text + ".with_variant", [r("sa.Integer()"), s("sqlite")])
    return r(text)


def annotation(view: SchemaView, column: ColumnView, needs: Needs) -> str:
    from .py_schema import python_type

    aliases = {enum.name: enum.alias for enum in view.enums}
    text = python_type(column.portable, aliases)
    _note_type_imports(text, needs)
    if column.nullable and text != "Any":
        text += " | None"
    return text


def _note_type_imports(text: str, needs: Needs) -> None:
    for module in ("uuid", "datetime", "decimal"):
        if f"{module}." in text:
            needs.imports.add(module)
    if re.search(r"\bAny\b", text):
        needs.imports.add("typing", "Any")


# --- defaults --------------------------------------------------------------------------------


def server_default(default: DefaultView, column: ColumnView, needs: Needs) -> Expr:
    if default.kind == "string":
        return Str(default.value)
    if default.kind == "func":
        return r(f"sa.func.{default.value}()")
    if default.kind == "sql":
        return sql_text(default.value)
    needs.dialect_sql = True
    call = Call("DialectSQL", [Str(default.postgresql), Str(default.sqlite) if default.sqlite is not None else r("None")])
    if default.postgresql.strip().lower() in ("gen_random_uuid()", "uuidv7()"):
        needs.constants.setdefault("NEW_UUID", call)
        existing = needs.constants["NEW_UUID"]
        if existing.flat() == call.flat():
            return r("NEW_UUID")
    return call


def sql_text(sql: str) -> Expr:
    """`sa.text(...)` for SQL, or `sa.literal_column(...)` when a colon would read as a parameter."""
    if re.search(r"(?<![:\w\\]):\w", sql):
        return Call("sa.literal_column", [Str(sql)])
    return Call("sa.text", [Str(sql)])


# --- table arguments -------------------------------------------------------------------------


def table_args(view: SchemaView, table: TableView, needs: Needs) -> list[Expr]:
    """Primary key, unique, check and foreign-key constraints and indexes, named as in the DDL."""
    items: list[Expr] = []
    if table.primary_key_name:
        items.append(
            Call("sa.PrimaryKeyConstraint", [Str(name) for name in table.table.primary_key], [("name", Str(table.primary_key_name))])
        )
    for name, columns, nulls_not_distinct in table.uniques:
        kwargs: list[tuple[str, Expr]] = [("name", Str(name))]
        if nulls_not_distinct:
            kwargs.append(("postgresql_nulls_not_distinct", r("True")))
        items.append(Call("sa.UniqueConstraint", [Str(column) for column in columns], kwargs))
    for check in table.checks:
        if check.postgresql is not None and check.sqlite is not None and check.postgresql == check.sqlite:
            items.append(Call("sa.CheckConstraint", [Str(check.postgresql)], [("name", Str(check.name))]))
            continue
        if check.postgresql is not None:
            items.append(_only(Call("sa.CheckConstraint", [Str(check.postgresql)], [("name", Str(check.name))]), "postgresql"))
        if check.sqlite is not None:
            items.append(_only(Call("sa.CheckConstraint", [Str(check.sqlite)], [("name", Str(check.name))]), "sqlite"))
    for foreign_key in table.foreign_keys:
        items.append(foreign_key_constraint(foreign_key, use_alter=foreign_key.deferred))
    for index in table.indexes:
        items.extend(index_items(table, index))
    return items


def foreign_key_constraint(foreign_key, *, use_alter: bool = False) -> Call:
    kwargs: list[tuple[str, Expr]] = [("name", Str(foreign_key.name))]
    fk = foreign_key.foreign_key
    if fk.on_delete:
        kwargs.append(("ondelete", Str(_ACTIONS[fk.on_delete])))
    if fk.on_update:
        kwargs.append(("onupdate", Str(_ACTIONS[fk.on_update])))
    if fk.deferrable or fk.initially_deferred:
        kwargs.append(("deferrable", r("True")))
        if fk.initially_deferred:
            kwargs.append(("initially", Str("DEFERRED")))
    if use_alter:
        kwargs.append(("use_alter", r("True")))
    return Call(
        "sa.ForeignKeyConstraint",
        [
            list_([Str(column) for column in foreign_key.columns]),
            list_([Str(f"{foreign_key.target}.{column}") for column in foreign_key.target_columns]),
        ],
        kwargs,
    )


def _only(call: Call, dialect: str) -> Call:
    """`<constraint>.ddl_if(dialect=...)`: created on that dialect only."""
    return Call(call.func, call.args, call.kwargs, tail=f".ddl_if(dialect={string(dialect)})")


def index_items(table: TableView, index: IndexView) -> list[Expr]:
    """One `sa.Index`, or one per dialect when PostgreSQL and SQLite build it differently."""
    postgresql_keys = [_postgres_key(key) for key in index.keys]
    kwargs: list[tuple[str, Expr]] = []
    if index.index.unique:
        kwargs.append(("unique", r("True")))
    if index.index.method != "btree":
        kwargs.append(("postgresql_using", Str(index.index.method)))
    if index.index.include:
        kwargs.append(("postgresql_include", list_([Str(column) for column in index.index.include])))
    if index.where_postgresql is not None:
        kwargs.append(("postgresql_where", sql_text(index.where_postgresql)))
    if not index.sqlite_built:
        return [_only(Call("sa.Index", [Str(index.name)] + postgresql_keys, kwargs), "postgresql")]
    if index.sqlite_same_keys and index.index.method in ("btree", "hash"):
        if index.sqlite_where is not None:
            kwargs.append(("sqlite_where", sql_text(index.sqlite_where)))
        return [Call("sa.Index", [Str(index.name)] + postgresql_keys, kwargs)]
    sqlite_kwargs: list[tuple[str, Expr]] = [("unique", r("True"))] if index.index.unique else []
    if index.sqlite_where is not None:
        sqlite_kwargs.append(("sqlite_where", sql_text(index.sqlite_where)))
    sqlite_keys = [
        _postgres_key(key.__class__(key.column, None, key.descending, None)) if key.column is not None else sql_text(sql)
        for key, sql in zip(index.keys, index.sqlite_keys)
    ]
    return [
        _only(Call("sa.Index", [Str(index.name)] + postgresql_keys, kwargs), "postgresql"),
        _only(Call("sa.Index", [Str(index.name)] + sqlite_keys, sqlite_kwargs), "sqlite"),
    ]


def _postgres_key(key) -> Expr:
    if key.column is not None:
        if not key.descending and not key.nulls:
            return Str(key.column)
        text = f"sa.column({string(key.column)})"
    else:
        text = f"sa.text({string(index_expression_sql(key.expression))})"
        if not key.descending and not key.nulls:
            return Raw(text)
    if key.descending:
        text += ".desc()"
    if key.nulls:
        text = f"sa.nulls_{key.nulls}({text})"
    return Raw(text)


def table_options(table: TableView) -> list[tuple[Expr, Expr]]:
    options: list[tuple[Expr, Expr]] = []
    if table.table.comment is not None:
        options.append((Str("comment"), Str(table.table.comment)))
    if table.sqlite_autoincrement:
        options.append((Str("sqlite_autoincrement"), r("True")))
    return options


def table_args_expr(view: SchemaView, table: TableView, needs: Needs) -> Expr | None:
    from .py_code import tuple_

    items = table_args(view, table, needs)
    options = table_options(table)
    if options:
        items.append(Dict(options))
    if not items:
        return None
    return tuple_(items)


# --- helper definitions emitted into the module ------------------------------------------------


def helper_lines(needs: Needs) -> list[list[str]]:
    """Top-level definitions (each a block of lines) for the helpers the module uses."""
    blocks: list[list[str]] = []
    if needs.portable_uuid:
        needs.imports.add("uuid")
        needs.imports.add("typing", "Any")
        blocks.append(
            [
                "class PortableUuid(sa.TypeDecorator[uuid.UUID]):",
                '    """A uuid: native on PostgreSQL, 36-character text on SQLite (as the DDL has it)."""',
                "",
                "    impl = sa.Uuid",
                "    cache_ok = True",
                "",
                "    def load_dialect_impl(self, dialect: sa.Dialect) -> sa.types.TypeEngine[Any]:",
                '        if dialect.name == "sqlite":',
                "            return dialect.type_descriptor(sa.Text())",
                "        return dialect.type_descriptor(sa.Uuid())",
                "",
                "    def process_bind_param(self, value: Any, dialect: sa.Dialect) -> Any:",
                '        if value is not None and dialect.name == "sqlite":',
                "            return str(value)",
                "        return value",
                "",
                "    def process_result_value(self, value: Any, dialect: sa.Dialect) -> Any:",
                '        if value is not None and dialect.name == "sqlite":',
                "            return uuid.UUID(str(value))",
                "        return value",
            ]
        )
    if needs.portable_json:
        needs.imports.add("json")
        needs.imports.add("typing", "Any")
        needs.imports.add("sqlalchemy.dialects", "postgresql")
        blocks.append(
            [
                "class PortableJson(sa.TypeDecorator[Any]):",
                '    """JSON: jsonb on PostgreSQL; text on SQLite (TEXT affinity keeps `1` text)."""',
                "",
                "    impl = sa.JSON",
                "    cache_ok = True",
                "",
                "    def load_dialect_impl(self, dialect: sa.Dialect) -> sa.types.TypeEngine[Any]:",
                '        if dialect.name == "postgresql":',
                "            return dialect.type_descriptor(postgresql.JSONB(none_as_null=True))",
                '        if dialect.name == "sqlite":',
                "            return dialect.type_descriptor(sa.Text())",
                "        return dialect.type_descriptor(sa.JSON(none_as_null=True))",
                "",
                "    def process_bind_param(self, value: Any, dialect: sa.Dialect) -> Any:",
                '        if value is not None and dialect.name == "sqlite":',
                "            return json.dumps(value)",
                "        return value",
                "",
                "    def process_result_value(self, value: Any, dialect: sa.Dialect) -> Any:",
                '        if value is not None and dialect.name == "sqlite":',
                "            return json.loads(value)",
                "        return value",
            ]
        )
    if needs.dialect_sql:
        needs.imports.add("typing", "Any")
        needs.imports.add("sqlalchemy.ext.compiler", "compiles")
        blocks.append(
            [
                "class DialectSQL(sa.sql.expression.ColumnElement[Any]):",
                '    """SQL that PostgreSQL and SQLite spell differently (None: SQLite has none)."""',
                "",
                "    inherit_cache = False",
                "",
                "    def __init__(self, on_postgresql: str, on_sqlite: str | None) -> None:",
                "        self.on_postgresql = on_postgresql",
                "        self.on_sqlite = on_sqlite",
            ]
        )
        blocks.append(
            [
                "@compiles(DialectSQL)",
                "def _compile_dialect_sql(element: DialectSQL, compiler: Any, **kw: Any) -> str:",
                '    if compiler.dialect.name == "sqlite":',
                '        return element.on_sqlite if element.on_sqlite is not None else "NULL"',
                "    return element.on_postgresql",
            ]
        )
    return blocks


def enum_lines(view: SchemaView, needs: Needs, *, metadata: str) -> list[list[str]]:
    """The Literal alias of every enum, and (native style) its `sa.Enum` type object."""
    from .py_code import lines as layout

    blocks: list[list[str]] = []
    for enum in view.enums:
        needs.imports.add("typing", "Literal")
        block = layout(Call("Literal", [Str(value) for value in enum.values]), 0, f"{enum.alias} = ")
        # Literal[...] is a subscription, not a call
        block = [line.replace("Literal(", "Literal[", 1) if index == 0 else line for index, line in enumerate(block)]
        if block[-1].endswith(")"):
            block[-1] = block[-1][:-1] + "]"
        blocks.append(block)
        if view.native_enums:
            call = Call(
                "sa.Enum",
                [Str(value) for value in enum.values],
                [("name", Str(enum.name)), ("metadata", Raw(metadata))],
            )
            blocks.append(layout(call, 0, f"{enum.variable} = "))
    return blocks


def column_kwargs_common(column: ColumnView, needs: Needs) -> list[tuple[str, Expr]]:
    """server_default, onupdate and comment of a column."""
    kwargs: list[tuple[str, Expr]] = []
    if column.default is not None and not column.column.generated:
        kwargs.append(("server_default", server_default(column.default, column, needs)))
    if column.updated_by_trigger:
        kwargs.append(("onupdate", r("sa.func.now()")))
    if column.column.comment is not None:
        kwargs.append(("comment", Str(column.column.comment)))
    return kwargs


def column_args_common(column: ColumnView) -> list[Expr]:
    """Identity and Computed of a column."""
    args: list[Expr] = []
    if column.column.identity:
        args.append(r("sa.Identity(always=True)" if column.column.identity == "always" else "sa.Identity()"))
    if column.generated_postgresql is not None:
        args.append(Call("sa.Computed", [Str(column.generated_postgresql)], [("persisted", r("True"))]))
    return args


def module_warnings(view: SchemaView, target: str) -> list[str]:
    """What the ORM models do not hold of the design."""
    warnings = []
    for table in view.tables:
        for trigger in table.table.triggers:
            if trigger.kind == "updated_at":
                warnings.append(
                    f"{table.name}: the updated_at trigger on {trigger.column} is not part of the {target} models"
                    " (onupdate=func.now() keeps it current for ORM updates; the alembic target creates the trigger)"
                )
            elif trigger.definition is not None:
                warnings.append(
                    f"{table.name}: trigger {trigger.name} (kept as {trigger.dialect} SQL) is not part of the {target} models"
                )
            else:
                warnings.append(
                    f"{table.name}: the max_depth trigger on {trigger.column} (depth {trigger.depth}) is not part of the"
                    f" {target} models; the alembic target creates it"
                )
        if table.table.row_level_security or table.table.policies:
            warnings.append(f"{table.name}: row-level security and policies are not part of the {target} models")
        for column in table.columns:
            if column.generated_postgresql is not None and column.generated_sqlite != column.generated_postgresql:
                warnings.append(
                    f"{table.name}.{column.name}: the generated expression is written for PostgreSQL;"
                    " SQLite spells it differently, so create the SQLite database from the SQLite DDL"
                )
            if column.sqlite_checks:
                warnings.append(
                    f"{table.name}.{column.name}: the SQLite DDL adds CHECK ({'; '.join(column.sqlite_checks)}),"
                    f" which the {target} models leave to the column type"
                )
    return warnings


def docstring_text(table: TableView) -> str | None:
    parts = [text for text in (table.table.comment, table.table.rationale) if text]
    return "\n\n".join(parts) if parts else None


