"""The design as the Python views see it: identifiers, types, defaults, keys and relationships.

One analysis shared by the SQLAlchemy, SQLModel and Alembic targets, so the three agree on every
name, every default and every constraint — and all of them agree with the DDL, whose SQL they
take from the dialect modules (see `py_ddl`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from ..dialects import postgres, sqlite
from ..model import naming
from ..model.document import Column, Design, ForeignKey, Index, IndexKey, Table
from ..model.expressions import normalize_expression
from ..model.implied import with_implied
from ..model.keys import is_unique, no_index
from ..model.types import PortableType
from . import py_names
from .py_ddl import PostgresParts, check_expression, postgres_parts, sqlite_plans
from .relation_names import RelationNames, fallback

#: Python type of each simple portable kind (as written in annotations).
PYTHON_TYPES = {
    "uuid": "uuid.UUID",
    "text": "str",
    "varchar": "str",
    "smallint": "int",
    "integer": "int",
    "bigint": "int",
    "numeric": "decimal.Decimal",
    "real": "float",
    "double": "float",
    "boolean": "bool",
    "date": "datetime.date",
    "time": "datetime.time",
    "timestamp": "datetime.datetime",
    "timestamptz": "datetime.datetime",
    "interval": "datetime.timedelta",
    "json": "Any",
    "bytes": "bytes",
}


@dataclass
class DefaultView:
    """A server default, in the form the Python code writes it.

    kind: `string` (a text literal, `value` the text), `sql` (same SQL on both dialects),
    `func` (a zero-argument SQL function SQLAlchemy spells right everywhere, `value` its name),
    `dialect` (PostgreSQL and SQLite spell it apart: `postgresql`, `sqlite`).
    """

    kind: str
    value: str
    postgresql: str
    sqlite: str | None


@dataclass
class ColumnView:
    name: str
    attr: str
    column: Column
    portable: PortableType
    nullable: bool
    primary_key: bool
    default: DefaultView | None
    literal_default: object | None  # the Python value of a literal default (for API schemas)
    generated_postgresql: str | None
    generated_sqlite: str | None
    rowid_identity: bool  # SQLite: INTEGER PRIMARY KEY AUTOINCREMENT
    updated_by_trigger: bool
    sqlite_checks: list[str] = field(default_factory=list)  # unnamed CHECKs the SQLite DDL adds

    @property
    def server_generated(self) -> bool:
        """Filled in by the database: identity, generated, or a default expression."""
        return bool(
            self.column.identity
            or self.column.generated
            or (self.column.default is not None and self.column.default.is_expression)
        )


@dataclass
class CheckView:
    name: str
    postgresql: str | None  # None: not on PostgreSQL
    sqlite: str | None  # None: not on SQLite


@dataclass
class ForeignKeyView:
    name: str
    foreign_key: ForeignKey
    columns: list[str]
    target: str
    target_columns: list[str]
    deferred: bool  # created after all tables (a cycle) on PostgreSQL


@dataclass
class IndexKeyView:
    column: str | None  # a column name, or None for an expression
    expression: str | None
    descending: bool
    nulls: str | None


@dataclass
class IndexView:
    name: str
    index: Index
    keys: list[IndexKeyView]
    where_postgresql: str | None
    sqlite_built: bool
    sqlite_keys: list[str]  # the SQLite DDL's key SQL
    sqlite_where: str | None
    sqlite_same_keys: bool  # SQLite builds the same keys as PostgreSQL (no NULLS, same expressions)


@dataclass
class RelationshipView:
    attr: str
    target_table: str
    target_class: str
    collection: bool
    back_populates: str
    foreign_key: ForeignKeyView
    owner_side: bool  # True: the side holding the foreign key (many-to-one)
    foreign_keys: list[str] | None  # "Class.attr" strings when the join is ambiguous
    remote_side: list[str] | None
    optional: bool
    passive_deletes: bool
    post_update: bool


@dataclass
class TableView:
    name: str
    table: Table
    class_name: str
    columns: list[ColumnView]
    primary_key_name: str | None
    uniques: list[tuple[str, list[str], bool]]  # name, columns, nulls not distinct
    checks: list[CheckView]
    foreign_keys: list[ForeignKeyView]
    indexes: list[IndexView]
    relationships: list[RelationshipView] = field(default_factory=list)
    uses_mixin: bool = False

    def column(self, name: str) -> ColumnView:
        return next(column for column in self.columns if column.name == name)

    @property
    def sqlite_autoincrement(self) -> bool:
        return any(column.rowid_identity for column in self.columns)


@dataclass
class EnumView:
    name: str
    values: list[str]
    alias: str  # the Literal type alias
    variable: str  # the sqlalchemy Enum object (native style)


@dataclass
class SchemaView:
    design: Design
    tables: list[TableView]  # design order
    order: list[str]  # PostgreSQL creation order
    enums: list[EnumView]
    native_enums: bool
    postgres: PostgresParts
    sqlite_plans: dict[str, object]
    warnings: list[str]
    mixin_columns: list[ColumnView] = field(default_factory=list)

    def table(self, name: str) -> TableView:
        return next(table for table in self.tables if table.name == name)

    def enum(self, name: str | None) -> EnumView | None:
        return next((enum for enum in self.enums if enum.name == name), None)


# --- defaults --------------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _func_spellings(name: str) -> tuple[str, str]:
    """How SQLAlchemy writes `func.<name>()` on PostgreSQL and on SQLite."""
    import sqlalchemy as sa
    from sqlalchemy.dialects import postgresql as pg_dialect
    from sqlalchemy.dialects import sqlite as sqlite_dialect

    element = getattr(sa.func, name)()
    return (
        str(element.compile(dialect=pg_dialect.dialect())),
        str(element.compile(dialect=sqlite_dialect.dialect())),
    )


_FUNCTION_NAMES = ("now", "current_timestamp", "current_date", "current_time", "localtimestamp", "localtime")


def _default_view(postgresql_sql: str, sqlite_sql: str | None, column: Column) -> DefaultView:
    default = column.default
    assert default is not None
    if not default.is_expression and isinstance(default.value, str) and sqlite_sql is not None:
        text = default.value
        if postgresql_sql == postgres.quote_literal(text) and sqlite_sql == sqlite.quote_literal(text):
            return DefaultView("string", text, postgresql_sql, sqlite_sql)
    if default.is_expression:
        for name in _FUNCTION_NAMES:
            on_postgresql, on_sqlite = _func_spellings(name)
            if (
                normalize_expression(on_postgresql) == normalize_expression(postgresql_sql)
                and sqlite_sql is not None
                and on_sqlite.lower() == sqlite_sql.lower()
            ):
                return DefaultView("func", name, postgresql_sql, sqlite_sql)
    if sqlite_sql is not None and postgresql_sql.lower() == sqlite_sql.lower():
        return DefaultView("sql", postgresql_sql, postgresql_sql, sqlite_sql)
    return DefaultView("dialect", postgresql_sql, postgresql_sql, sqlite_sql)


def _literal_value(column: Column) -> object | None:
    """The Python value of a literal default, typed by the column (for API schema defaults)."""
    default = column.default
    if default is None or default.is_expression:
        return None
    portable = column.portable_type
    value = postgres.canonical_literal(portable, default.value)
    if portable.is_array or portable.kind in ("json", "bytes", "uuid", "date", "time", "timestamp", "timestamptz", "interval", "numeric"):
        return None  # no plain Python literal of these is obvious; the API leaves them out
    if portable.kind in ("real", "double") and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return value


# --- building the view -----------------------------------------------------------------------


def build(design: Design, reserved_attributes: frozenset[str]) -> SchemaView:
    """The shared view of `design`; `reserved_attributes` are names a class may not use."""
    implied = with_implied(design)
    parts = postgres_parts(implied)
    plans, sqlite_warnings = sqlite_plans(implied)
    native = implied.conventions.enum_types == "native"

    module = py_names.Namespace(
        reserved={
            "Base",
            "TimestampMixin",
            "Mapped",
            "DeclarativeBase",
            "Any",
            "Literal",
            "Field",
            "Relationship",
            "SQLModel",
            "PortableUuid",
            "PortableJson",
            "DialectSQL",
            "TypeDecorator",
            "ColumnElement",
            "Dialect",
            "TypeEngine",
            "Compiled",
            "NEW_UUID",
            "annotations",
            "sa",
            "uuid",
            "datetime",
            "decimal",
            "json",
            "postgresql",
            "mapped_column",
            "relationship",
            "compiles",
            "metadata",
            "registry",
            "op",
            "revision",
            "down_revision",
            "branch_labels",
            "depends_on",
            "upgrade",
            "downgrade",
            "sqlite_only",
            "postgresql_only",
            "by_dialect",
            "on_sqlite",
        }
    )
    tables: list[TableView] = []
    class_names: dict[str, str] = {}
    for table_name in implied.tables:
        wanted = py_names.class_name(table_name)
        class_names[table_name] = module.claim(wanted, max_length=30)
    enums = []
    for enum_name, values in implied.enums.items():
        alias = module.claim(_enum_alias(enum_name), max_length=48)
        variable = module.claim(py_names.snake(enum_name, "enum") + "_enum", max_length=48)
        enums.append(EnumView(enum_name, list(values), alias, variable))

    for table_name, table in implied.tables.items():
        aliases = {enum.name: enum.alias for enum in enums}
        tables.append(
            _table_view(implied, table_name, table, class_names[table_name], parts, plans, reserved_attributes, aliases)
        )

    view = SchemaView(implied, tables, parts.order, enums, native, parts, plans, [])
    _relationships(view, reserved_attributes)
    _mixin(view)
    return view


def _enum_alias(enum_name: str) -> str:
    words = py_names.ascii_words(enum_name)
    text = "".join(word[:1].upper() + word[1:].lower() for word in words) or "Enum"
    return "Enum" + text if text[0].isdigit() else text


def _table_view(
    design: Design,
    table_name: str,
    table: Table,
    class_name: str,
    parts: PostgresParts,
    plans: dict[str, object],
    reserved: frozenset[str],
    aliases: dict[str, str],
) -> TableView:
    """One table as both emitters see it: the PostgreSQL text computed here, the SQLite text from
    its plan. Parts are built in table order (columns, checks, keys, indexes), so the first
    expression that cannot be rendered is the one reported."""
    plan = plans[table_name]
    columns = _column_views(table_name, table, plan, parts, reserved, aliases)
    checks = _check_views(design, table_name, plan)
    foreign_keys = _foreign_key_views(table_name, table, parts)
    indexes = _index_views(table_name, table, plan)
    uniques = [
        (unique.name or naming.unique_name(table_name, unique.columns), list(unique.columns), unique.nulls_not_distinct)
        for unique in table.unique
    ]
    return TableView(
        name=table_name,
        table=table,
        class_name=class_name,
        columns=columns,
        primary_key_name=naming.primary_key_name(table_name) if table.primary_key else None,
        uniques=uniques,
        checks=checks,
        foreign_keys=foreign_keys,
        indexes=indexes,
    )


def _column_views(
    table_name: str, table: Table, plan, parts: PostgresParts, reserved: frozenset[str], aliases: dict[str, str]
) -> list[ColumnView]:
    """The columns in table order, each with an attribute name claimed in that order (so clashes
    resolve the same way every time), its default and generated expressions for both dialects."""
    column_plans = {item.name: item for item in plan.columns}  # type: ignore[attr-defined]
    attributes = py_names.Namespace(reserved=reserved)
    trigger_columns = {trigger.column for trigger in table.triggers if trigger.kind == "updated_at"}
    columns = []
    for column_name, column in table.columns.items():
        where = f"{table_name}.{column_name}"
        portable = column.portable_type
        item = column_plans[column_name]
        attr = attributes.claim(py_names.snake(column_name), max_length=_attribute_room(column, portable, aliases))
        default = None
        if column.default is not None:
            is_key = table.primary_key == [column_name]
            postgresql_sql = parts.default_sql(where, portable, column.default, is_key)
            default = _default_view(postgresql_sql, item.default_sql, column)
        generated_postgresql = None
        if column.generated:
            generated_postgresql = check_expression(column.generated, where, "generated expression")
        columns.append(
            ColumnView(
                name=column_name,
                attr=attr,
                column=column,
                portable=portable,
                nullable=column.nullable and column_name not in table.primary_key and not column.identity,
                primary_key=column_name in table.primary_key,
                default=default,
                literal_default=_literal_value(column),
                generated_postgresql=generated_postgresql,
                generated_sqlite=item.generated_sql,
                rowid_identity=item.rowid_identity,
                updated_by_trigger=column_name in trigger_columns,
                sqlite_checks=list(item.checks),
            )
        )
    return columns


def _check_views(design: Design, table_name: str, plan) -> list[CheckView]:
    """The table's CHECKs, then the enum CHECKs SQLite needs; PostgreSQL shares an enum CHECK
    only when the design writes enums as checks (otherwise it has a native enum type)."""
    checks: list[CheckView] = []
    for position, (name, check, sqlite_sql) in enumerate(plan.checks):  # type: ignore[attr-defined]
        name = name or naming.check_name(table_name, position)  # unnamed in SQLite: the models need a name
        postgresql_sql = check_expression(check.expression, f"{table_name}.{name}", "check")
        checks.append(CheckView(name, postgresql_sql, sqlite_sql))
    for item in plan.columns:  # type: ignore[attr-defined]
        if item.enum_check is None:
            continue
        name, sqlite_sql = item.enum_check
        if design.conventions.enum_style == "check":
            values = ", ".join(postgres.quote_literal(value) for value in design.enums[item.portable.enum])
            postgresql_sql = f"{postgres.quote_identifier(item.name)} IN ({values})"
            checks.append(CheckView(name, postgresql_sql, sqlite_sql))
        else:
            checks.append(CheckView(name, None, sqlite_sql))
    return checks


def _foreign_key_views(table_name: str, table: Table, parts: PostgresParts) -> list[ForeignKeyView]:
    """The foreign keys with their names, marked when PostgreSQL adds them after the tables (cycles)."""
    foreign_keys = []
    for position, foreign_key in enumerate(table.foreign_keys):
        name = foreign_key.name or naming.foreign_key_name(table_name, foreign_key.columns)
        foreign_keys.append(
            ForeignKeyView(
                name,
                foreign_key,
                list(foreign_key.columns),
                foreign_key.references.table,
                list(foreign_key.references.columns),
                (table_name, position) in parts.deferred,
            )
        )
    return foreign_keys


def _index_views(table_name: str, table: Table, plan) -> list[IndexView]:
    """The indexes with their names, keys and predicate for PostgreSQL, beside SQLite's plan."""
    indexes = []
    known = set(table.columns)
    for index_plan, index_name, index in zip(plan.indexes, naming.index_names(table_name, table), table.indexes):  # type: ignore[attr-defined]
        keys = [IndexKeyView(key.column, None, key.descending, key.nulls) for key in index.keys(known)]
        for expression in index.expressions:
            key = IndexKey.parse(expression)
            body = check_expression(key.column, f"{table_name}.{index_name}", "index expression")
            keys.append(IndexKeyView(None, body, key.descending, key.nulls))
        where_postgresql = None
        if index.where:
            where_postgresql = check_expression(index.where, f"{table_name}.{index_name}", "index predicate")
        same = index_plan.built and not any(key.nulls for key in keys) and _sqlite_keys_match(keys, index_plan)
        indexes.append(
            IndexView(
                index_name,
                index,
                keys,
                where_postgresql,
                index_plan.built,
                list(index_plan.keys),
                index_plan.where_sql,
                same,
            )
        )
    return indexes


def _sqlite_keys_match(keys: list[IndexKeyView], index_plan) -> bool:
    """Whether SQLite's index keys say the same as the PostgreSQL ones (one index definition
    serves both), compared as normalized SQL; a descending expression key never matches."""
    expected = [
        (sqlite.quote_identifier(key.column) + (" DESC" if key.descending else ""))
        if key.column is not None
        else key.expression
        for key in keys
    ]
    return [normalize_expression(text) for text in expected] == [
        normalize_expression(text) for text in index_plan.keys
    ] and all(key.column is not None or not key.descending for key in keys)


def _attribute_room(column: Column, portable: PortableType, aliases: dict[str, str]) -> int:
    """The longest attribute name that keeps `    name: Mapped[T | None] = mapped_column(` in 88."""
    annotation = python_type(portable, aliases) + " | None"
    return 88 - len("    ") - len(": Mapped[") - len(annotation) - len("] = mapped_column(")


def index_expression_sql(expression: str) -> str:
    """An index key expression as both dialects take it: bare when a function call, else in parentheses."""
    node = postgres.parse_expression(expression)
    if type(node).__name__ in ("FuncCall", "ColumnRef"):
        return expression
    return f"({expression})"


def python_type(portable: PortableType, enums: dict[str, str] | None) -> str:
    """The annotation of a value of `portable` (enums by their Literal alias when known)."""
    if portable.is_array:
        return f"list[{python_type(portable.element, enums)}]"  # type: ignore[arg-type]
    if portable.is_enum:
        if enums and portable.enum in enums:
            return enums[portable.enum]  # type: ignore[index]
        return "str"
    return PYTHON_TYPES[portable.kind]


# --- relationships ---------------------------------------------------------------------------


def _relationships(view: SchemaView, reserved: frozenset[str]) -> None:
    """Both sides of every foreign key, named by `relation_names` as the Prisma target names them.

    `rental.customer` / `customer.rentals`, `film.original_language` / `language.original_language_films`,
    `employee.manager` / `employee.reports`. The sides holding the keys are named first, table by
    table, then the other sides; a name a column (or an earlier relationship) already has becomes
    `…_record` / `…_records`, then numbered; keywords and the base classes' names get a `_`.
    """
    by_name = {table.name: table for table in view.tables}
    names = RelationNames(view.design, py_names.ascii_words)
    namespaces = {}
    for table in view.tables:
        namespace = py_names.Namespace(reserved=reserved)
        for column in table.columns:
            namespace.take(column.attr)
        namespaces[table.name] = namespace

    pending = []
    for table in view.tables:
        for foreign_key in table.foreign_keys:
            target = by_name.get(foreign_key.target)
            if target is None:
                continue
            role = names.role(table.name, foreign_key.foreign_key)
            room = _relationship_room(target.class_name)
            owner_attr = _claim_relationship(namespaces[table.name], role, many=False, prefix="column", room=room)
            pending.append((table, foreign_key, target, owner_attr))
    for table, foreign_key, target, owner_attr in pending:
        self_reference = target.name == table.name
        ambiguous = names.ambiguous(table.name, foreign_key.foreign_key)
        unique_reverse = is_unique(table.table, foreign_key.columns, no_index)
        inverse = names.inverse(table.name, foreign_key.foreign_key, one_to_one=unique_reverse)
        reverse_attr = _claim_relationship(
            namespaces[target.name], inverse, many=not unique_reverse, prefix="table", room=_relationship_room(table.class_name)
        )
        owner_attrs = [table.column(name).attr for name in foreign_key.columns]
        fk_strings = [f"{table.class_name}.{attr}" for attr in owner_attrs]
        remote = None
        if self_reference:
            remote = [f"{target.class_name}.{target.column(name).attr}" for name in foreign_key.target_columns]
        optional = any(table.column(name).nullable for name in foreign_key.columns)
        on_delete = foreign_key.foreign_key.on_delete
        table.relationships.append(
            RelationshipView(
                attr=owner_attr,
                target_table=target.name,
                target_class=target.class_name,
                collection=False,
                back_populates=reverse_attr,
                foreign_key=foreign_key,
                owner_side=True,
                foreign_keys=fk_strings if ambiguous else None,
                remote_side=remote,
                optional=optional,
                passive_deletes=False,
                post_update=foreign_key.deferred,
            )
        )
        target.relationships.append(
            RelationshipView(
                attr=reverse_attr,
                target_table=table.name,
                target_class=table.class_name,
                collection=not unique_reverse,
                back_populates=owner_attr,
                foreign_key=foreign_key,
                owner_side=False,
                foreign_keys=fk_strings if ambiguous else None,
                remote_side=None,
                optional=True,
                passive_deletes=on_delete in ("cascade", "set null", "set default"),
                post_update=False,
            )
        )


def _relationship_room(class_name: str) -> int:
    """The longest attribute name that keeps `    name: Mapped[list[Class]] = relationship(` in 88."""
    return 88 - len("    ") - len(": Mapped[list[") - len(class_name) - len("]] = relationship(")


def _relationship_attr(words: list[str], prefix: str) -> str:
    """Relation words as a snake_case attribute; `prefix` starts one that would start with a digit."""
    text = "_".join(words)
    return f"{prefix}_{text}" if text[:1].isdigit() else text


def _claim_relationship(namespace: py_names.Namespace, words: list[str], *, many: bool, prefix: str, room: int) -> str:
    """The relationship's own name if the class has no attribute so called, else its `…_record(s)` form."""
    wanted = _relationship_attr(words, prefix)
    if not namespace.holds(wanted, max_length=room):
        return namespace.claim(wanted, max_length=room)
    return namespace.claim(_relationship_attr(fallback(words, many=many), prefix), max_length=room)


# --- the timestamp mixin ---------------------------------------------------------------------


def _audit_signature(column: ColumnView) -> tuple:
    c = column.column
    return (
        column.name,
        column.attr,
        c.type,
        c.nullable,
        None if c.default is None else (c.default.value, c.default.is_expression),
        c.identity,
        c.generated,
        c.comment,
        column.updated_by_trigger,
    )


def _mixin(view: SchemaView) -> None:
    """Share the audit fields through `TimestampMixin` where tables end with them, identically."""
    audit = list(view.design.conventions.audit_fields)
    if not audit:
        return
    signatures: dict[tuple, int] = {}
    candidates = []
    for table in view.tables:
        tail = table.columns[-len(audit):]
        if len(table.columns) <= len(audit) or [column.name for column in tail] != audit:
            continue
        if any(column.primary_key or column.default is None for column in tail):
            continue
        signature = tuple(_audit_signature(column) for column in tail)
        signatures[signature] = signatures.get(signature, 0) + 1
        candidates.append((table, signature))
    if not signatures:
        return
    best = max(signatures.items(), key=lambda item: (item[1], repr(item[0])))[0]
    if signatures[best] < 2:
        return
    for table, signature in candidates:
        if signature == best:
            table.uses_mixin = True
            if not view.mixin_columns:
                view.mixin_columns = table.columns[-len(audit):]
