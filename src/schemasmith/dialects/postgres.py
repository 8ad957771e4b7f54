"""PostgreSQL DDL from a design document, and what of a design a PostgreSQL database can hold.

`render` writes one `schema.sql` that applies with `psql -v ON_ERROR_STOP=1 -f schema.sql` inside
one transaction: enum types, tables in foreign-key order (cycles closed with ALTER TABLE at the
end), comments, indexes, the built-in triggers as plpgsql, row-level security. Every identifier
goes through SQLAlchemy's PostgreSQL quoting and every piece of user text through
`quote_literal`; SQL expressions from the design are checked to be one expression each before
they are written, so a design cannot smuggle a statement into the DDL.

`project` is the design as the database will give it back (see importers/postgres.py), the
reference for round-trip comparisons.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..errors import Problem, SchemaError
from ..model import naming
from ..model.conventions import key_convention
from ..model.conventions import observed as observed_conventions
from ..model.document import (
    Column,
    Conventions,
    Default,
    Design,
    ForeignKey,
    Index,
    IndexKey,
    Table,
)
from ..model.implied import UUID_DEFAULT, with_implied
from ..model.types import INTEGER_KINDS, PortableType, parse_type
from .base import DdlOutput, Dialect, strip_documentation
from .common import (
    BOOLEAN_WORDS,
    checked_expression,
    function_name,
    literal_text,
    number_from_text,
    parse_expression,
    plan_tables,
)
from .pg_definitions import parse_one
from .pg_objects import ObjectRenderer, Spelling

#: The one shared trigger function behind every `updated_at` trigger (column in TG_ARGV[0]).
UPDATED_AT_FUNCTION = "schemasmith_set_updated_at"
#: Per-table `max_depth` functions start with this; the importer recognizes them by it.
MAX_DEPTH_FUNCTION_PREFIX = "schemasmith_max_depth_"
#: Functions PostgreSQL offers for generated uuids; `uuidv7()` exists from PostgreSQL 18 on.
UUIDV7_VERSION = 18
#: Comment on an enum's CHECK whose conventional name had to be shortened: it names the enum.
ENUM_CHECK_COMMENT = "schemasmith enum: "
NULLS_NOT_DISTINCT_VERSION = 15

_TYPE_NAMES = {
    "uuid": "uuid",
    "text": "text",
    "smallint": "smallint",
    "integer": "integer",
    "bigint": "bigint",
    "real": "real",
    "double": "double precision",
    "boolean": "boolean",
    "date": "date",
    "time": "time",
    "timestamp": "timestamp",
    "timestamptz": "timestamptz",
    "interval": "interval",
    "json": "jsonb",
    "bytes": "bytea",
}

_ACTIONS = {
    "cascade": "CASCADE",
    "set null": "SET NULL",
    "set default": "SET DEFAULT",
    "restrict": "RESTRICT",
    "no action": "NO ACTION",
}

_ROLE_KEYWORDS = {"public": "PUBLIC", "current_user": "CURRENT_USER", "session_user": "SESSION_USER", "current_role": "CURRENT_ROLE"}


# --- quoting ---------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def identifier_preparer():
    """SQLAlchemy's PostgreSQL identifier preparer (reserved words, quoting rules)."""
    from sqlalchemy.dialects import postgresql

    return postgresql.dialect().identifier_preparer


def quote_identifier(name: str) -> str:
    """`name` as a PostgreSQL identifier: quoted when it is reserved, mixed case or not plain."""
    return DIALECT.quote_identifier(name)


def quote_literal(text: str) -> str:
    """`text` as a PostgreSQL string literal, whatever `standard_conforming_strings` says."""
    return DIALECT.quote_literal(text)


def _qualified(*names: str) -> str:
    return ".".join(quote_identifier(name) for name in names)


def unique_options(unique) -> str:
    """What follows a UNIQUE (columns): INCLUDE and DEFERRABLE."""
    text = f" INCLUDE ({_columns(unique.include)})" if unique.include else ""
    if unique.deferrable or unique.initially_deferred:
        text += " DEFERRABLE" + (" INITIALLY DEFERRED" if unique.initially_deferred else "")
    return text


def primary_key_options(table: Table) -> str:
    """What follows PRIMARY KEY (columns): INCLUDE and DEFERRABLE."""
    text = f" INCLUDE ({_columns(table.primary_key_include)})" if table.primary_key_include else ""
    if table.primary_key_deferrable:
        text += f" DEFERRABLE INITIALLY {table.primary_key_deferrable.upper()}"
    return text


def storage_sql(options: dict) -> str:
    """`fillfactor=70, autovacuum_enabled=false`: parameter names are identifiers, values literals."""
    parts = []
    for key, value in options.items():
        if not re.fullmatch(r"[a-z_][a-z0-9_.]*", str(key)):
            raise SchemaError("a storage parameter is not a name", [Problem(f"storage parameter {key!r}")])
        text = str(value).lower() if isinstance(value, bool) else str(value)
        parts.append(f"{key}={text if re.fullmatch(r'[A-Za-z0-9_.-]+', text) else quote_literal(text)}")
    return ", ".join(parts)


def checked_statement(text: str, where: str, what: str) -> str:
    """SQL kept verbatim from the catalog (an index or exclusion definition, a partition bound):
    refused when it holds a statement separator outside quotes, so it cannot smuggle a second one."""
    from ..text.statements import split_psql_script

    pieces = split_psql_script(text.strip().rstrip(";") + ";")
    if len(pieces) != 1 or pieces[0][0] != "statement":
        raise SchemaError("SQL in the design is not one clause", [Problem(f"{what} {text[:80]!r} holds more than one statement", where=where)])
    return text.strip().rstrip(";")


def _columns(names: list[str]) -> str:
    return ", ".join(quote_identifier(name) for name in names)


# --- expressions -----------------------------------------------------------------------------


def _default_expression(text: str, where: str) -> str:
    """A default expression; parenthesized unless it is a call, keyword, constant or cast."""
    stripped = checked_expression(text, where, "default")
    node = parse_expression(stripped)
    if type(node).__name__ in ("FuncCall", "SQLValueFunction", "A_Const", "TypeCast", "ColumnRef"):
        return stripped
    return f"({stripped})"


# --- types and literals ----------------------------------------------------------------------


def column_type(portable: PortableType, enum_style: str) -> str:
    """The PostgreSQL spelling of a portable type (enums: the type, or text under CHECK style)."""
    if portable.is_array:
        return column_type(portable.element, enum_style) + "[]"  # type: ignore[arg-type]
    if portable.native is not None:
        return native_type_sql(portable.native)
    if portable.is_enum:
        return quote_qualified(portable.enum) if enum_style == "native" else "text"  # type: ignore[arg-type]
    if portable.kind in ("varchar", "numeric"):
        return str(portable)  # the portable spelling is PostgreSQL's: varchar(64), numeric(10,2)
    return _TYPE_NAMES[portable.kind]


def native_type_sql(native: str) -> str:
    """A PostgreSQL type kept exactly: `domain:`/`type:` names are quoted, a spelling is PostgreSQL's own."""
    for prefix in ("domain:", "type:"):
        if native.startswith(prefix):
            return quote_qualified(native[len(prefix):])
    return native


def quote_qualified(name: str) -> str:
    """`schema.name` quoted part by part; a name without a dot quoted as one identifier."""
    schema, dot, rest = name.partition(".")
    if dot and schema and rest:
        return f"{quote_identifier(schema)}.{quote_identifier(rest)}"
    return quote_identifier(name)


def literal_sql(portable: PortableType, value, where: str) -> str:
    """A literal default as typed, escaped SQL."""
    return DIALECT.literal_sql(portable, value, where)


def _number_text(value, where: str, integer: bool) -> str:
    return DIALECT.number_sql(value, where, integer)


def canonical_literal(portable: PortableType, value):
    """The value a literal default comes back as from the catalog (numbers as numbers, …)."""
    kind = portable.kind
    if kind in INTEGER_KINDS:
        if isinstance(value, bool):
            return value
        try:
            return int(_number_text(value, "", integer=True))
        except SchemaError:
            return value
    if kind in ("numeric", "real", "double"):
        try:
            text = _number_text(value, "", integer=False)
        except SchemaError:
            return value
        return number_from_text(text.strip("'"))
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        return BOOLEAN_WORDS.get(str(value).strip().lower(), value)
    return literal_text(value)


# --- expressions as the catalog gives them back ------------------------------------------------

_STRING_CAST_TYPES = {"text", "varchar", "bpchar", "char", "name", "regconfig", "unknown"}
_TEXT_CAST_TYPES = {"text", "varchar"}
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")


def _type_name(type_name) -> tuple[str, bool]:
    """(last name component, is array) of a pglast TypeName."""
    names = [getattr(part, "sval", "") for part in (type_name.names or ())]
    return (names[-1] if names else ""), bool(getattr(type_name, "arrayBounds", None))


def parse_statement(text: str):
    try:
        from pglast import parse_sql

        statement = parse_sql(f"SELECT {text}")[0].stmt
        return statement.targetList[0].val
    except Exception:  # noqa: BLE001 - text pglast cannot read is kept as it is
        return None


_NUMBER_TYPES = {(name, False) for name in ("int2", "int4", "int8", "float4", "float8", "numeric", "smallint", "integer", "bigint", "real")}
_LIKE_OPERATORS = {"~~": "AEXPR_LIKE", "!~~": "AEXPR_LIKE", "~~*": "AEXPR_ILIKE", "!~~*": "AEXPR_ILIKE"}


def clean_node(node, textual_columns: set[str], enum_types: set[str], expand_between: bool = False):
    """The expression tree as a person would write it, from how PostgreSQL prints it back.

    Drops the casts PostgreSQL adds (string literals to text/varchar/enum/regconfig, `0::numeric`,
    varchar columns to text, integer columns to numeric beside a decimal constant) and turns
    `= ANY (ARRAY[…])` back into IN and `~~` into LIKE. With `expand_between`, rewrites
    BETWEEN the way PostgreSQL stores it (`a >= x AND a <= y`), for comparing with the catalog.
    """
    return _ExpressionCleaner(textual_columns, enum_types, expand_between).transform(node)


class _ExpressionCleaner:
    """The rewrites of `clean_node`, applied bottom-up to a pglast tree (one method per rewrite)."""

    def __init__(self, textual_columns: set[str], enum_types: set[str], expand_between: bool):
        from pglast import ast
        from pglast.enums import A_Expr_Kind, BoolExprType

        self.ast, self.kinds, self.bool_types = ast, A_Expr_Kind, BoolExprType
        self.textual_columns, self.enum_types, self.expand_between = textual_columns, enum_types, expand_between

    def transform(self, value):
        if isinstance(value, tuple):
            return tuple(self.transform(item) for item in value)
        if not isinstance(value, self.ast.Node):
            return value
        for attribute in value.__slots__:
            current = getattr(value, attribute, None)
            if isinstance(current, (self.ast.Node, tuple)):
                setattr(value, attribute, self.transform(current))
        return self.rewrite(value)

    def rewrite(self, value):
        ast, kinds = self.ast, self.kinds
        if isinstance(value, ast.TypeCast) and value.typeName is not None:
            uncast = self.without_cast(value)
            if uncast is not None:
                return uncast
        if isinstance(value, ast.A_Expr):
            if value.kind in (kinds.AEXPR_OP_ANY, kinds.AEXPR_OP_ALL):
                as_in = self.array_comparison_as_in(value)
                if as_in is not None:
                    return as_in
            if value.kind == kinds.AEXPR_OP and value.name:
                like = self.operator_cleaned(value)
                if like is not None:
                    return like
            if self.expand_between and value.kind in (kinds.AEXPR_BETWEEN, kinds.AEXPR_NOT_BETWEEN):
                return self.between_expanded(value)
        return value

    def without_cast(self, value):
        """The cast's argument (or a plain constant) when the cast is one PostgreSQL added; else None."""
        ast = self.ast
        name, is_array = _type_name(value.typeName)
        argument = value.arg
        if isinstance(argument, ast.A_Const) and not is_array and not argument.isnull:
            return self.constant_without_cast(name, argument)
        if (
            isinstance(argument, ast.ColumnRef)
            and not is_array
            and name in _TEXT_CAST_TYPES
            and len(argument.fields) == 1
            and getattr(argument.fields[0], "sval", None) in self.textual_columns
        ):
            return argument
        if isinstance(argument, ast.A_ArrayExpr) and is_array and (name in _STRING_CAST_TYPES or name in self.enum_types):
            return argument
        return None

    def constant_without_cast(self, name: str, argument):
        ast = self.ast
        constant = argument.val
        if isinstance(constant, ast.String) and (name in _STRING_CAST_TYPES or name in self.enum_types):
            return argument
        if isinstance(constant, (ast.Integer, ast.Float)) and name == "numeric":
            return argument
        if (
            isinstance(constant, ast.String)
            and name in ("int4", "integer")
            and re.fullmatch(r"-?\d+", constant.sval)
            and abs(int(constant.sval)) < 2**31
        ):
            return ast.A_Const(val=ast.Integer(ival=int(constant.sval)))
        if isinstance(constant, ast.String) and name == "numeric" and _NUMBER.match(constant.sval):
            # PostgreSQL keeps a negative number as the string '-1000'::numeric
            number = number_from_text(constant.sval)
            if isinstance(number, int) and abs(number) < 2**31:
                return ast.A_Const(val=ast.Integer(ival=number))
            return ast.A_Const(val=ast.Float(fval=constant.sval))
        return None

    def array_comparison_as_in(self, value):
        """`x = ANY (ARRAY[…])` as `x IN (…)` (and `<> ALL` as NOT IN); None for other forms."""
        ast, kinds = self.ast, self.kinds
        if not (isinstance(value.rexpr, ast.A_ArrayExpr) and value.rexpr.elements):
            return None
        operator = value.name[-1].sval if value.name else ""
        if (value.kind == kinds.AEXPR_OP_ANY and operator == "=") or (value.kind == kinds.AEXPR_OP_ALL and operator == "<>"):
            return ast.A_Expr(kind=kinds.AEXPR_IN, name=(ast.String(sval=operator),), lexpr=value.lexpr, rexpr=tuple(value.rexpr.elements))
        return None

    def operator_cleaned(self, value):
        """`~~` as LIKE (a new node); numeric casts beside constants dropped in place (None)."""
        operator = value.name[-1].sval
        if operator in _LIKE_OPERATORS and len(value.name) == 1:
            kind = getattr(self.kinds, _LIKE_OPERATORS[operator])
            return self.ast.A_Expr(kind=kind, name=value.name, lexpr=value.lexpr, rexpr=value.rexpr)
        if operator in ("+", "-", "*", "/", "<", "<=", "=", ">=", ">", "<>"):
            # `CAST(length AS numeric) / 60.0`: the decimal constant makes it numeric anyway.
            left, right = value.lexpr, value.rexpr
            if self.is_decimal_constant(right) and self.is_numeric_column_cast(left):
                value.lexpr = left.arg
            elif self.is_decimal_constant(left) and self.is_numeric_column_cast(right):
                value.rexpr = right.arg
            if operator in ("<", "<=", "=", ">=", ">", "<>"):
                # `latitude >= '-90'::integer::double precision`: the other side decides the type.
                if self.is_number_cast(value.lexpr):
                    value.lexpr = value.lexpr.arg
                if self.is_number_cast(value.rexpr):
                    value.rexpr = value.rexpr.arg
        return None

    def between_expanded(self, value):
        """`a BETWEEN x AND y` as `a >= x AND a <= y` (NOT BETWEEN: `a < x OR a > y`)."""
        ast, kinds = self.ast, self.kinds
        low, high = value.rexpr
        inside = value.kind == kinds.AEXPR_BETWEEN
        first = ast.A_Expr(kind=kinds.AEXPR_OP, name=(ast.String(sval=">=" if inside else "<"),), lexpr=value.lexpr, rexpr=low)
        second = ast.A_Expr(kind=kinds.AEXPR_OP, name=(ast.String(sval="<=" if inside else ">"),), lexpr=value.lexpr, rexpr=high)
        return ast.BoolExpr(boolop=self.bool_types.AND_EXPR if inside else self.bool_types.OR_EXPR, args=(first, second))

    def is_number_cast(self, value) -> bool:
        ast = self.ast
        return (
            isinstance(value, ast.TypeCast)
            and isinstance(value.arg, ast.A_Const)
            and isinstance(value.arg.val, (ast.Integer, ast.Float))
            and _type_name(value.typeName) in _NUMBER_TYPES
        )

    def is_decimal_constant(self, value) -> bool:
        return isinstance(value, self.ast.A_Const) and isinstance(value.val, self.ast.Float)

    def is_numeric_column_cast(self, value) -> bool:
        return (
            isinstance(value, self.ast.TypeCast)
            and isinstance(value.arg, self.ast.ColumnRef)
            and _type_name(value.typeName) == ("numeric", False)
            and value.typeName.typmods is None
        )


def clean_expression(
    text: str,
    textual_columns: set[str] = frozenset(),
    enum_types: set[str] = frozenset(),
    *,
    expand_between: bool = False,
) -> str:
    """An expression from the catalog as a person would write it.

    `(("Mixed Case")::text <> 'x''y'::text)` → `"Mixed Case" <> 'x''y'`,
    `(status = ANY (ARRAY['a'::text, 'b'::text]))` → `status IN ('a', 'b')`.
    Text pglast cannot read comes back as it was, without outer parentheses.
    """
    node = parse_statement(text)
    if node is None:
        return strip_outer_parentheses(text.strip())
    from pglast.stream import RawStream

    try:
        printed = RawStream()(clean_node(node, set(textual_columns), set(enum_types), expand_between))
    except Exception:  # noqa: BLE001 - printing failures keep the catalog's own text
        return strip_outer_parentheses(text.strip())
    return lowercase_function_keywords(printed)


_QUOTED = re.compile(r"('(?:[^']|'')*'|\"(?:[^\"]|\"\")*\")")
_FUNCTION_KEYWORDS = re.compile(r"\b(COALESCE|GREATEST|LEAST|NULLIF)\(")


def lowercase_function_keywords(text: str) -> str:
    """`coalesce(…)` as people write it (pglast prints these function-like keywords in capitals)."""
    parts = _QUOTED.split(text)
    return "".join(part if index % 2 else _FUNCTION_KEYWORDS.sub(lambda m: m[1].lower() + "(", part) for index, part in enumerate(parts))


def strip_outer_parentheses(text: str) -> str:
    """`((a > 0))` → `a > 0`: the parentheses the catalog wraps around a whole expression."""
    while text.startswith("(") and text.endswith(")"):
        depth = 0
        for position, character in enumerate(text):
            depth += character == "("
            depth -= character == ")"
            if depth == 0 and position < len(text) - 1:
                return text
        text = text[1:-1].strip()
    return text


# --- table order -----------------------------------------------------------------------------


# --- rendering -------------------------------------------------------------------------------


def render(design: Design, *, postgres_version: int | None = None) -> DdlOutput:
    """PostgreSQL DDL for `design`, as one file that applies completely or not at all."""
    version = postgres_version if postgres_version is not None else design.conventions.postgres_version
    return PostgresRenderer(with_implied(design), version).render()


class PostgresRenderer:
    def __init__(self, design: Design, version: int):
        self.design = design
        self.version = version
        self.style = design.conventions.enum_types
        self.warnings: list[str] = []

    # Each section is a list of statements; sections are joined with blank lines.
    def render(self) -> DdlOutput:
        design = self.design
        order, deferred = plan_tables(design)
        deferred |= {  # a NOT VALID foreign key is added after its table, as ALTER TABLE … NOT VALID
            (name, position)
            for name, table in design.tables.items()
            for position, foreign_key in enumerate(table.foreign_keys)
            if foreign_key.not_valid
        }
        objects = ObjectRenderer(design, self, Spelling(DIALECT, quote_qualified, role_sql))
        sections: list[list[str]] = objects.opening_sections()
        if self.style == "native" and design.enums:
            sections.append([self.enum_sql(name, values) for name, values in design.enums.items()])
        sections += objects.type_sections()
        for name in order:
            sections.append(self.table_statements(name, design.tables[name], deferred))
        late_keys = [
            f"ALTER TABLE {quote_qualified(name)}\n    ADD {self.foreign_key_sql(name, design.tables[name], position)}"
            + (" NOT VALID;" if design.tables[name].foreign_keys[position].not_valid else ";")
            for name in order
            for position in range(len(design.tables[name].foreign_keys))
            if (name, position) in deferred
        ]
        if late_keys:
            sections.append(late_keys)
        sections += objects.after_table_sections()
        triggers = self.trigger_statements(order)
        if triggers:
            sections.append(triggers)
        security = self.security_statements(order)
        if security:
            sections.append(security)
        sections += objects.privilege_sections()
        self.foreign_objects_warnings()
        header = [
            f"-- {_comment_line(design.name)}: PostgreSQL schema generated by schemasmith from the design document.",
            f"-- Target: PostgreSQL {self.version} or later. Apply with: psql -v ON_ERROR_STOP=1 -f schema.sql",
            "-- One transaction: it applies completely or not at all.",
        ]
        body = "\n\n".join("\n".join(section) if _all_one_line(section) else "\n\n".join(section) for section in sections)
        text = "\n".join(header) + "\n\nBEGIN;\n\n" + body + ("\n\n" if body else "") + "COMMIT;\n"
        return DdlOutput(files={"schema.sql": text}, warnings=self.warnings)

    def enum_sql(self, name: str, values: list[str]) -> str:
        return f"CREATE TYPE {quote_qualified(name)} AS ENUM ({', '.join(quote_literal(value) for value in values)});"

    def table_statements(self, name: str, table: Table, deferred: set[tuple[str, int]]) -> list[str]:
        single_key = table.primary_key[0] if len(table.primary_key) == 1 else None
        lines = [
            self.column_sql(name, column_name, column, column_name == single_key)
            for column_name, column in table.columns.items()
        ]
        if table.primary_key:
            key = f"CONSTRAINT {quote_identifier(naming.table_primary_key_name(name, table))} PRIMARY KEY ({_columns(table.primary_key)})"
            lines.append(key + primary_key_options(table))
        for unique in table.unique:
            constraint = unique.name or naming.unique_name(name, unique.columns)
            nulls = ""
            if unique.nulls_not_distinct:
                if self.version < NULLS_NOT_DISTINCT_VERSION:
                    raise SchemaError(
                        "the design needs a newer PostgreSQL than it targets",
                        [Problem(
                            f"UNIQUE NULLS NOT DISTINCT needs PostgreSQL {NULLS_NOT_DISTINCT_VERSION} or later, the target is"
                            f" {self.version}; set conventions.postgres_version: {NULLS_NOT_DISTINCT_VERSION}",
                            where=f"{name}.{constraint}",
                        )],
                    )
                nulls = " NULLS NOT DISTINCT"
            lines.append(f"CONSTRAINT {quote_identifier(constraint)} UNIQUE{nulls} ({_columns(unique.columns)})" + unique_options(unique))
        for position, check in enumerate(table.checks):
            if not check.not_valid:
                lines.append(self.check_sql(name, position, check))
        for exclusion in table.exclusions:
            body = checked_statement(exclusion.definition, f"{name}.{exclusion.name}", "EXCLUDE")
            lines.append(f"CONSTRAINT {quote_identifier(exclusion.name)} {body}" if exclusion.name else body)
        shortened_enum_checks = []
        if self.style == "check":
            for column_name, column in table.columns.items():
                portable = column.portable_type
                if portable.is_enum and portable.enum in self.design.enums:
                    values = ", ".join(quote_literal(value) for value in self.design.enums[portable.enum])
                    constraint = naming.enum_check_name(name, column_name, portable.enum)  # type: ignore[arg-type]
                    lines.append(f"CONSTRAINT {quote_identifier(constraint)} CHECK ({quote_identifier(column_name)} IN ({values}))")
                    if naming.enum_from_check_name(name, column_name, constraint) != portable.enum:
                        # The name was shortened to fit 63 bytes; the enum's name is kept in a comment.
                        shortened_enum_checks.append((constraint, portable.enum))
        for position in range(len(table.foreign_keys)):
            if (name, position) not in deferred:
                lines.append(self.foreign_key_sql(name, table, position))
        statements = [self.create_table_sql(name, table, lines)]
        statements.extend(self.late_constraints(name, table))
        if table.comment is not None:
            statements.append(f"COMMENT ON TABLE {quote_qualified(name)} IS {quote_literal(table.comment)};")
        for column_name, column in table.columns.items():
            if column.comment is not None:
                statements.append(f"COMMENT ON COLUMN {_qualified(name, column_name)} IS {quote_literal(column.comment)};")
        for constraint, enum in shortened_enum_checks:
            statements.append(
                f"COMMENT ON CONSTRAINT {quote_identifier(constraint)} ON {quote_qualified(name)}"
                f" IS {quote_literal(ENUM_CHECK_COMMENT + enum)};"
            )
        for index_name, index in zip(naming.index_names(name, table), table.indexes):
            statements.append(self.index_sql(name, table, index_name, index))
        return ["\n".join(statements)]

    def check_sql(self, table_name: str, position: int, check) -> str:
        constraint = check.name or naming.check_name(table_name, position)
        expression = checked_expression(check.expression, f"{table_name}.{constraint}", "check")
        return f"CONSTRAINT {quote_identifier(constraint)} CHECK ({expression})" + (" NO INHERIT" if check.no_inherit else "")

    def create_table_sql(self, name: str, table: Table, lines: list[str]) -> str:
        """CREATE TABLE with its options: UNLOGGED, PARTITION OF / BY, INHERITS, storage parameters."""
        head = "CREATE UNLOGGED TABLE" if table.unlogged else "CREATE TABLE"
        if table.partition_of is not None:
            own = [line for line in lines if line.startswith("CONSTRAINT ")]
            text = f"{head} {quote_qualified(name)} PARTITION OF {quote_qualified(table.partition_of)}"
            if own:
                text += " (\n    " + ",\n    ".join(own) + "\n)"
            text += f"\n    {checked_statement(table.partition_bound or 'DEFAULT', name, 'partition bound')}"
        else:
            text = f"{head} {quote_qualified(name)} (\n    " + ",\n    ".join(lines) + "\n)"
            if table.inherits:
                text += f" INHERITS ({', '.join(quote_qualified(parent) for parent in table.inherits)})"
        if table.partition_by:
            text += f" PARTITION BY {checked_statement(table.partition_by, name, 'partition key')}"
        if table.storage:
            text += f" WITH ({storage_sql(table.storage)})"
        return text + ";"

    def late_constraints(self, name: str, table: Table) -> list[str]:
        """Constraints added NOT VALID: existing rows were never checked, so the design says so too."""
        return [
            f"ALTER TABLE {quote_qualified(name)} ADD {self.check_sql(name, position, check)} NOT VALID;"
            for position, check in enumerate(table.checks)
            if check.not_valid
        ]

    def column_sql(self, table_name: str, name: str, column: Column, is_key: bool) -> str:
        where = f"{table_name}.{name}"
        portable = column.portable_type
        if portable.is_array and portable.element.is_enum and self.style == "check":  # type: ignore[union-attr]
            self.warnings.append(
                f"{where}: an array of enum {portable.element.enum} is text[] under enum_style check;"  # type: ignore[union-attr]
                " its values are not checked (use enum_style native to keep them)"
            )
        parts = [quote_identifier(name), column_type(portable, self.style)]
        if column.collation:
            parts.append(f"COLLATE {quote_qualified(column.collation)}")
        if column.identity:
            parts.append(f"GENERATED {column.identity.upper()} AS IDENTITY")
        if column.generated:
            kind = "VIRTUAL" if column.virtual else "STORED"
            parts.append(f"GENERATED ALWAYS AS ({checked_expression(column.generated, where, 'generated expression')}) {kind}")
        if column.default is not None:
            parts.append("DEFAULT " + self.default_sql(where, portable, column.default, is_key))
        if not column.nullable:
            parts.append("NOT NULL")
        return " ".join(parts)

    def default_sql(self, where: str, portable: PortableType, default: Default, is_key: bool) -> str:
        if not default.is_expression:
            return literal_sql(portable, default.value, where)
        text = str(default.value)
        function = function_name(text)
        if is_key and portable.kind == "uuid" and function == "gen_random_uuid" and text.strip().lower() == UUID_DEFAULT:
            # The portable spelling of a generated key: time-ordered where PostgreSQL has uuidv7().
            return "uuidv7()" if self.version >= UUIDV7_VERSION else "gen_random_uuid()"
        if function == "uuidv7" and self.version < UUIDV7_VERSION:
            self.warnings.append(
                f"{where}: uuidv7() needs PostgreSQL {UUIDV7_VERSION}; gen_random_uuid() (random, not time-ordered) is used"
                f" for the target PostgreSQL {self.version}"
            )
            return "gen_random_uuid()"
        return _default_expression(text, where)

    def foreign_key_sql(self, table_name: str, table: Table, position: int) -> str:
        foreign_key = table.foreign_keys[position]
        name = foreign_key.name or naming.foreign_key_name(table_name, foreign_key.columns)
        text = (
            f"CONSTRAINT {quote_identifier(name)} FOREIGN KEY ({_columns(foreign_key.columns)})"
            f" REFERENCES {quote_qualified(foreign_key.references.table)} ({_columns(foreign_key.references.columns)})"
        )
        if foreign_key.match_full:
            text += " MATCH FULL"
        if foreign_key.on_delete:
            text += f" ON DELETE {_ACTIONS[foreign_key.on_delete]}"
        if foreign_key.on_update:
            text += f" ON UPDATE {_ACTIONS[foreign_key.on_update]}"
        if foreign_key.deferrable or foreign_key.initially_deferred:
            text += " DEFERRABLE"
            if foreign_key.initially_deferred:
                text += " INITIALLY DEFERRED"
        return text

    def index_sql(self, table_name: str, table: Table, index_name: str, index: Index) -> str:
        where = f"{table_name}.{index_name}"
        if index.definition is not None:
            text = index.definition.strip().rstrip(";").rstrip()
            parse_one(text, ("IndexStmt",), where, "an index definition")  # one CREATE INDEX, nothing smuggled after it
            return text + ";"
        keys = [index_key_sql(key) for key in index.keys(set(table.columns))]
        for expression in index.expressions:
            key = IndexKey.parse(expression)
            body = checked_expression(key.column, where, "index expression")
            keys.append(index_key_sql(key, f"({body})"))
        text = "CREATE UNIQUE INDEX" if index.unique else "CREATE INDEX"
        text += f" {quote_identifier(index_name)} ON {quote_qualified(table_name)} USING {index.method} ({', '.join(keys)})"
        if index.include:
            text += f" INCLUDE ({_columns(index.include)})"
        if index.nulls_not_distinct:
            text += " NULLS NOT DISTINCT"
        if index.storage:
            text += f" WITH ({storage_sql(index.storage)})"
        if index.where:
            text += f" WHERE {checked_expression(index.where, where, 'index predicate')}"
        return text + ";"

    def trigger_statements(self, order: list[str]) -> list[str]:
        statements: list[str] = []
        uses_updated_at = any(
            trigger.kind == "updated_at" for table in self.design.tables.values() for trigger in table.triggers
        )
        if uses_updated_at:
            statements.append(updated_at_function_sql())
        for name in order:
            table = self.design.tables[name]
            for trigger in table.triggers:
                if trigger.definition is not None:
                    statements.extend(self.general_trigger_statements(name, trigger))
                    continue
                trigger_name = quote_identifier(naming.trigger_name(name, trigger.kind, trigger.column))
                if trigger.kind == "updated_at":
                    statements.append(
                        f"CREATE TRIGGER {trigger_name} BEFORE UPDATE ON {quote_qualified(name)}\n"
                        f"    FOR EACH ROW EXECUTE FUNCTION {UPDATED_AT_FUNCTION}({quote_literal(trigger.column or 'updated_at')});"
                    )
                else:
                    function = max_depth_function_name(name, trigger.column or "")
                    statements.append(max_depth_function_sql(name, table, trigger.column or "", function))
                    statements.append(
                        f"CREATE TRIGGER {trigger_name} BEFORE INSERT OR UPDATE ON {quote_qualified(name)}\n"
                        f"    FOR EACH ROW EXECUTE FUNCTION {quote_identifier(function)}"
                        f"({quote_literal(trigger.column or '')}, {quote_literal(str(trigger.depth))});"
                    )
        return statements

    def foreign_objects_warnings(self) -> None:
        """Virtual tables are SQLite's: not built here, and said so (views of another dialect: ObjectRenderer)."""
        for name, virtual in self.design.virtual_tables.items():
            self.warnings.append(f"virtual table {name} ({virtual.using.split('(', 1)[0]}) is SQLite's; not built for PostgreSQL")

    def general_trigger_statements(self, table_name: str, trigger) -> list[str]:
        """A trigger kept as its definition: as written when it is PostgreSQL's, else a warning."""
        if trigger.dialect != DIALECT.name:
            self.warnings.append(f"{table_name}: trigger {trigger.name} is written for {trigger.dialect}; not built for PostgreSQL")
            return []
        statements = [trigger.definition.strip().rstrip(";") + ";"]
        if trigger.enabled != "origin":
            state = {"always": "ENABLE ALWAYS", "replica": "ENABLE REPLICA", "disabled": "DISABLE"}[trigger.enabled]
            statements.append(f"ALTER TABLE {quote_qualified(table_name)} {state} TRIGGER {quote_identifier(trigger.name)};")
        return statements

    def security_statements(self, order: list[str]) -> list[str]:
        statements = []
        for name in order:
            table = self.design.tables[name]
            if table.row_level_security:
                statements.append(f"ALTER TABLE {quote_qualified(name)} ENABLE ROW LEVEL SECURITY;")
                if table.force_row_level_security:
                    statements.append(f"ALTER TABLE {quote_qualified(name)} FORCE ROW LEVEL SECURITY;")
            elif table.policies:
                self.warnings.append(
                    f"{name}: has policies but row_level_security is off, so PostgreSQL does not apply them"
                )
            for policy in table.policies:
                where = f"{name}.{policy.name}"
                text = f"CREATE POLICY {quote_identifier(policy.name)} ON {quote_qualified(name)}"
                if not policy.permissive:
                    text += " AS RESTRICTIVE"
                text += f" FOR {policy.command.upper()}"
                if policy.roles:
                    text += " TO " + ", ".join(role_sql(role) for role in policy.roles)
                if policy.using:
                    text += f" USING ({checked_expression(policy.using, where, 'policy USING')})"
                if policy.with_check:
                    text += f" WITH CHECK ({checked_expression(policy.with_check, where, 'policy WITH CHECK')})"
                statements.append(text + ";")
        return statements


def _all_one_line(section: list[str]) -> bool:
    return all("\n" not in statement for statement in section)


def _comment_line(text: str) -> str:
    """Text safe inside a `--` comment: one line, no control characters."""
    return "".join(" " if ord(character) < 32 or character == "\x7f" else character for character in text)


def index_key_sql(key: IndexKey, body: str | None = None) -> str:
    text = body if body is not None else quote_identifier(key.column)
    if key.descending:
        text += " DESC"
    if key.nulls:
        text += f" NULLS {key.nulls.upper()}"
    return text


def role_sql(role: str) -> str:
    return _ROLE_KEYWORDS.get(role.lower()) or quote_identifier(role)


def max_depth_function_name(table: str, column: str) -> str:
    return naming.fit(f"{MAX_DEPTH_FUNCTION_PREFIX}{table}_{column}")


def dollar_quoted(body: str) -> str:
    """`body` between dollar quotes whose tag does not occur in it."""
    tag, number = "$schemasmith$", 0
    while tag in body:
        number += 1
        tag = f"$schemasmith{number}$"
    return f"{tag}\n{body}\n{tag}"


def updated_at_function_sql() -> str:
    body = "\n".join(
        [
            "BEGIN",
            "    -- TG_ARGV[0] names the column to keep current; jsonb_populate_record sets it by name.",
            "    NEW := jsonb_populate_record(NEW, jsonb_build_object(TG_ARGV[0], now()));",
            "    RETURN NEW;",
            "END",
        ]
    )
    return (
        f"CREATE OR REPLACE FUNCTION {UPDATED_AT_FUNCTION}() RETURNS trigger\n"
        f"LANGUAGE plpgsql AS {dollar_quoted(body)};"
    )


def max_depth_function_sql(table_name: str, table: Table, column: str, function: str) -> str:
    """A trigger function that keeps every row at most TG_ARGV[1] levels below a root.

    It counts the new row's ancestors (refusing a cycle) and, on an update that moves a row,
    the height of the subtree that moves with it.
    """
    key = next(
        (
            fk.references.columns[0]
            for fk in table.foreign_keys
            if fk.references.table == table_name and fk.columns == [column]
        ),
        table.primary_key[0] if table.primary_key else "id",
    )
    t, p, k = quote_identifier(table_name), quote_identifier(column), quote_identifier(key)
    label = quote_literal(f"{table_name}.{column}")
    body = "\n".join(
        [
            "DECLARE",
            "    v_schemasmith_limit integer := TG_ARGV[1]::integer;",
            "    v_schemasmith_above integer := 0;",
            "    v_schemasmith_below integer := 0;",
            f"    v_schemasmith_node {t}.{p}%TYPE;",
            "BEGIN",
            f"    IF TG_OP = 'UPDATE' AND NEW.{p} IS NOT DISTINCT FROM OLD.{p} AND NEW.{k} IS NOT DISTINCT FROM OLD.{k} THEN",
            "        RETURN NEW;",
            "    END IF;",
            "    -- Levels above the row: walk up its ancestors (a cycle would never end).",
            f"    v_schemasmith_node := NEW.{p};",
            "    WHILE v_schemasmith_node IS NOT NULL LOOP",
            f"        IF v_schemasmith_node = NEW.{k} THEN",
            "            RAISE EXCEPTION USING ERRCODE = 'check_violation',",
            f"                MESSAGE = format('%s: a row cannot be its own ancestor', {label});",
            "        END IF;",
            "        v_schemasmith_above := v_schemasmith_above + 1;",
            "        EXIT WHEN v_schemasmith_above > v_schemasmith_limit;",
            f"        SELECT schemasmith_parent.{p} INTO v_schemasmith_node FROM {t} AS schemasmith_parent",
            f"            WHERE schemasmith_parent.{k} = v_schemasmith_node;",
            "    END LOOP;",
            "    -- Levels below the row: the subtree that moves with it.",
            "    IF TG_OP = 'UPDATE' AND v_schemasmith_above <= v_schemasmith_limit THEN",
            "        WITH RECURSIVE schemasmith_subtree(node, level) AS (",
            f"            SELECT schemasmith_child.{k}, 1 FROM {t} AS schemasmith_child WHERE schemasmith_child.{p} = NEW.{k}",
            "            UNION ALL",
            f"            SELECT schemasmith_child.{k}, schemasmith_subtree.level + 1 FROM {t} AS schemasmith_child",
            f"            JOIN schemasmith_subtree ON schemasmith_child.{p} = schemasmith_subtree.node",
            "            WHERE schemasmith_subtree.level <= v_schemasmith_limit",
            "        )",
            "        SELECT coalesce(max(schemasmith_subtree.level), 0) INTO v_schemasmith_below FROM schemasmith_subtree;",
            "    END IF;",
            "    IF v_schemasmith_above + v_schemasmith_below > v_schemasmith_limit THEN",
            "        RAISE EXCEPTION USING ERRCODE = 'check_violation',",
            "            MESSAGE = format('%s: rows may be at most %s level(s) below a root; this change would make %s',",
            f"                {label}, v_schemasmith_limit, v_schemasmith_above + v_schemasmith_below),",
            "            HINT = 'Attach the row higher up the tree, or raise the design''s max_depth.';",
            "    END IF;",
            "    RETURN NEW;",
            "END",
        ]
    )
    return (
        f"CREATE OR REPLACE FUNCTION {quote_identifier(function)}() RETURNS trigger\n"
        f"LANGUAGE plpgsql AS {dollar_quoted(body)};"
    )


# --- what the database keeps -----------------------------------------------------------------


def normalize_key(text: str, known_columns: set[str]) -> str:
    """An index key as the catalog gives it back: default NULLS placement left out."""
    key = IndexKey.parse(text, known_columns)
    if key.nulls == ("first" if key.descending else "last"):
        key.nulls = None
    return str(key)


def minimal_index_names(table_name: str, table: Table, actual: list[str]) -> list[str | None]:
    """For indexes named `actual`, the names a design must spell out (None where conventional)."""
    return minimal_names_of_indexes(table_name, table.indexes, set(table.columns), actual)


def minimal_names_of_indexes(table_name: str, indexes: list, known_columns: set[str], actual: list[str]) -> list[str | None]:
    """`minimal_index_names` from the table's parts (its indexes and column names), so an importer
    can name the indexes before it builds the table."""
    bases = naming.index_bases(table_name, indexes, known_columns)
    conventional = naming.index_names_given(table_name, indexes, [None] * len(indexes), known_columns, bases)
    names: list[str | None] = [None if name == conventional[i] else name for i, name in enumerate(actual)]
    # Named indexes do not take part in the numbering of unnamed ones: repeat until stable.
    for _ in range(len(actual) + 1):
        rendered = naming.index_names_given(table_name, indexes, names, known_columns, bases)
        wrong = [i for i, name in enumerate(rendered) if name != actual[i]]
        if not wrong:
            break
        for i in wrong:
            names[i] = actual[i]
    return names


def infer_conventions(design: Design, enum_style: str) -> Conventions:
    """The conventions a database shows (`model.conventions.observed`), version from the features used.

    `primary_key: identity` implies an identity for every integer key without one; when some
    integer keys of an identity schema are plain, the conventions say `implied: false` so that
    nothing is added to them.
    """
    implied = with_implied(design)
    found = observed_conventions(implied, enum_style)
    _, _, plain_keys_left = key_convention(implied)
    version = 14
    for table in design.tables.values():
        if any(unique.nulls_not_distinct for unique in table.unique):
            version = max(version, NULLS_NOT_DISTINCT_VERSION)
        for column in table.columns.values():
            if column.default is not None and column.default.is_expression and function_name(str(column.default.value)) == "uuidv7":
                version = max(version, UUIDV7_VERSION)
    return Conventions(**found, postgres_version=version, implied=not plain_keys_left)


def project(design: Design) -> Design:
    """What a PostgreSQL database built from `design` holds, as a design (round-trip reference)."""
    design = strip_documentation(design)
    check_style = design.conventions.enum_style == "check"
    enums = dict(design.enums)
    if check_style:
        used = {
            column.portable_type.enum
            for table in design.tables.values()
            for column in table.columns.values()
            if column.portable_type.is_enum
        }
        enums = {name: values for name, values in enums.items() if name in used}
    _, deferred = plan_tables(design)
    enum_types = set(enums) if not check_style else set()
    tables = {}
    for name, table in design.tables.items():
        tables[name] = _project_table(name, table, deferred, check_style, enum_types, design.conventions.implied)
    projected = design.model_copy(update={"enums": enums, "tables": tables})
    style = "check" if check_style and enums else "native"
    conventions = infer_conventions(projected, style).model_copy(update={"implied": design.conventions.implied})
    return projected.model_copy(update={"conventions": conventions})


def _project_table(name: str, table: Table, deferred: set[tuple[str, int]], check_style: bool, enum_types: set[str],
                   implied: bool = True) -> Table:
    """One table as the catalog gives it back (see `project`)."""
    textual = {column_name for column_name, column in table.columns.items() if column.portable_type.is_textual}

    def expression(text: str | None) -> str | None:
        # The catalog's spelling: BETWEEN expanded, casts and parentheses as the importer leaves them.
        return None if text is None else clean_expression(text, textual, enum_types, expand_between=True)

    rendered_index_names = naming.index_names(name, table)
    columns = {}
    single_key = table.primary_key[0] if len(table.primary_key) == 1 else None
    for column_name, column in table.columns.items():
        portable = column.portable_type
        update: dict = {}
        if check_style and portable.is_array and portable.element.is_enum:  # type: ignore[union-attr]
            update["type"] = "text[]"
        if portable.kind == "numeric" and portable.precision is not None and portable.scale is None:
            update["type"] = f"numeric({portable.precision},0)"
        if column_name in table.primary_key or column.identity:
            update["nullable"] = False
        if column.comment == "":
            update["comment"] = None
        if column.generated:
            update["generated"] = expression(column.generated)
        default = column.default
        if default is not None:
            if default.is_expression:
                if (
                    implied
                    and column_name == single_key
                    and portable.kind == "uuid"
                    and function_name(str(default.value)) in ("gen_random_uuid", "uuidv7")
                ):
                    update["default"] = None
                else:
                    update["default"] = Default(value=expression(str(default.value)), is_expression=True)
            else:
                element = portable.element if portable.is_array else portable
                value = canonical_literal(portable, default.value) if not portable.is_array else literal_text(default.value)
                if element is not None and element.is_enum:
                    value = literal_text(default.value)
                update["default"] = Default(value=value, is_expression=False)
        columns[column_name] = column.model_copy(update=update) if update else column
    unique = [
        item.model_copy(update={"name": None}) if item.name == naming.unique_name(name, item.columns) else item
        for item in table.unique
    ]
    checks = [
        item.model_copy(
            update={
                "name": None if item.name == naming.check_name(name, position) else item.name,
                "expression": expression(item.expression),
            }
        )
        for position, item in enumerate(table.checks)
    ]
    inline, late = [], []
    for position, foreign_key in enumerate(table.foreign_keys):
        projected = _project_foreign_key(name, foreign_key)
        (late if (name, position) in deferred else inline).append(projected)
    known = set(table.columns)
    indexes = [
        index.model_copy(
            update={
                "columns": [normalize_key(text, known) for text in index.columns],
                "expressions": [_project_index_expression(text, expression) for text in index.expressions],
                "where": expression(index.where),
            }
        )
        for index in table.indexes
    ]
    table = table.model_copy(update={"indexes": indexes})
    names = minimal_index_names(name, table, rendered_index_names)
    indexes = [index.model_copy(update={"name": index_name}) for index, index_name in zip(indexes, names)]
    policies = [
        policy.model_copy(
            update={
                "roles": [role for role in policy.roles if role.lower() != "public"],
                "using": expression(policy.using),
                "with_check": expression(policy.with_check),
            }
        )
        for policy in table.policies
    ]
    return table.model_copy(
        update={
            "comment": None if table.comment == "" else table.comment,
            "columns": columns,
            "unique": unique,
            "checks": checks,
            "foreign_keys": inline + late,
            "indexes": indexes,
            "policies": policies,
        }
    )


def _project_index_expression(text: str, expression) -> str:
    key = IndexKey.parse(text)
    if key.nulls == ("first" if key.descending else "last"):
        key.nulls = None
    key.column = expression(key.column)
    return str(key)


def _project_foreign_key(table_name: str, foreign_key: ForeignKey) -> ForeignKey:
    update: dict = {}
    if foreign_key.name == naming.foreign_key_name(table_name, foreign_key.columns):
        update["name"] = None
    if foreign_key.on_delete == "no action":
        update["on_delete"] = None
    if foreign_key.on_update == "no action":
        update["on_update"] = None
    if foreign_key.initially_deferred:
        update["deferrable"] = True
    return foreign_key.model_copy(update=update) if update else foreign_key


__all__ = [
    "DdlOutput",
    "column_type",
    "infer_conventions",
    "minimal_index_names",
    "minimal_names_of_indexes",
    "parse_type",
    "plan_tables",
    "project",
    "quote_identifier",
    "quote_literal",
    "render",
]


class PostgresDialect(Dialect):
    """PostgreSQL: the flags and spellings that differ from the base dialect."""

    name = "postgres"
    label = "PostgreSQL"
    sqlalchemy_scheme = "postgresql+psycopg"
    keeps_url_driver = False
    native_enums = True
    row_level_security = True
    concurrent_index_builds = True
    trigger_functions = True
    index_methods = True
    identity_sequences = True
    schema_namespaces = True
    bulk_copy = True
    scratch_databases = True
    backslashes = "e-string"
    nul_identifier_refusal = "which PostgreSQL cannot store"
    nul_text_refusal = "which PostgreSQL cannot store"

    def identifier_preparers(self) -> tuple:
        return (identifier_preparer(),)

    def driverless_url(self, url: str) -> str:
        return f"postgresql://{url.split('://', 1)[1]}"

    def clean_expression(self, text: str, **context) -> str:
        return clean_expression(text, **context)

    def column_type(self, portable: PortableType, enum_style: str = "native") -> str:
        return column_type(portable, enum_style)

    def renderer(self, design: Design, postgres_version: int | None = None) -> PostgresRenderer:
        """The renderer for `design` (with its implied parts), for the single pieces below."""
        version = postgres_version if postgres_version is not None else design.conventions.postgres_version
        return PostgresRenderer(with_implied(design), version)

    def default_sql(self, default: Default, portable: PortableType, where: str, *, design: Design | None = None, is_key: bool = False) -> str | None:
        renderer = self.renderer(design or Design(name="default"))
        return renderer.default_sql(where, portable, default, is_key)

    def constraint_sql(self, table_name: str, table: Table, position: int) -> str:
        return self.renderer(Design(name=table_name)).foreign_key_sql(table_name, table, position)

    def index_sql(self, table_name: str, table: Table, index_name: str, index: Index) -> str:
        return self.renderer(Design(name=table_name)).index_sql(table_name, table, index_name, index)

    def trigger_statements(self, design: Design) -> list[str]:
        renderer = self.renderer(design)
        return renderer.trigger_statements(plan_tables(renderer.design)[0])

    def project(self, design: Design) -> Design:
        return project(design)

    def render(self, design: Design, **options) -> DdlOutput:
        return render(design, **options)


#: The PostgreSQL dialect object the module-level functions above speak for.
DIALECT = PostgresDialect()
