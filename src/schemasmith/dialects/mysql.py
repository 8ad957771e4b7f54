"""MySQL 8 / MariaDB 10.11+ DDL from a design document (InnoDB, utf8mb4).

`render` writes one `schema.sql` that applies with the `mysql`/`mariadb` client
(`mysql -u root DB < schema.sql`): tables in foreign-key order (cycles closed with ALTER TABLE
at the end), indexes, then the `max_depth` triggers (between `DELIMITER` lines, which the client
understands). Every identifier goes through SQLAlchemy's MySQL quoting (backticks) and every
piece of user text through `quote_literal`. SQL expressions in the design are PostgreSQL; each
is first checked to be exactly one expression (as the PostgreSQL dialect does) and then
translated with sqlglot, so a design cannot smuggle a statement into the DDL.

Choices, where MySQL differs from PostgreSQL:

- One file serves MySQL 8.0.16+ and MariaDB 10.11+, so only features both have are used:
  expression defaults `DEFAULT (expr)` (uuid keys get `DEFAULT (UUID())`), CHECK constraints,
  descending index keys. Expression indexes become an indexed VIRTUAL generated column, because
  MariaDB has no functional key parts.
- Tables use `utf8mb4_bin`: PostgreSQL compares text case-sensitively, and a case-insensitive
  collation would make `UNIQUE (email)` or `CHECK (name = lower(name))` mean something else.
- `timestamptz` is `DATETIME(6)`, not `TIMESTAMP`: TIMESTAMP ends in 2038 and silently shifts
  values by the session time zone. Neither keeps a time zone, so the build warns: store UTC.
- TEXT cannot be a key without a prefix length, so a text column used in a primary key, unique
  constraint, index or foreign key is `VARCHAR(255)` (with a warning).
- `updated_at` is the column attribute `ON UPDATE CURRENT_TIMESTAMP(6)`, not a trigger.
- MySQL DDL is not transactional (each statement commits): the header says so.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache

from ..errors import Problem, SchemaError
from ..model import naming
from ..model.document import Column, Default, Design, ForeignKey, Index, IndexKey, Table
from ..model.implied import with_implied
from ..model.types import INTEGER_KINDS, PortableType
from ..text.statements import split_mysql_script
from .base import DdlOutput, Dialect
from .common import (
    SpecialNumber,
    boolean_value,
    fitting_text,
    function_name,
    number_text,
    parse_expression,
    plan_tables,
    without_columnless_tables,
)

#: MySQL's identifier limit, in characters.
MAX_IDENTIFIER = 64
#: Longest comments MySQL stores (strict mode refuses longer ones).
MAX_TABLE_COMMENT = 2048
MAX_COLUMN_COMMENT = 1024
#: SIGNAL's MESSAGE_TEXT is at most 128 characters.
MAX_MESSAGE = 128
#: The VARCHAR a text column becomes where it is part of a key.
KEY_TEXT_LENGTH = 255
#: Longest VARCHAR that fits a utf8mb4 row (65,535 bytes / 4).
MAX_VARCHAR = 16383

_TYPE_NAMES = {
    "uuid": "CHAR(36)",
    "text": "TEXT",
    "smallint": "SMALLINT",
    "integer": "INT",
    "bigint": "BIGINT",
    "real": "FLOAT",
    "double": "DOUBLE",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "time": "TIME(6)",
    "timestamp": "DATETIME(6)",
    "timestamptz": "DATETIME(6)",
    "interval": "VARCHAR(64)",
    "json": "JSON",
    "bytes": "LONGBLOB",
}

_ACTIONS = {
    "cascade": "CASCADE",
    "set null": "SET NULL",
    "restrict": "RESTRICT",
    "no action": "NO ACTION",
}

#: Types a MySQL column can only default through an expression `DEFAULT (…)`.
_EXPRESSION_DEFAULT_TYPES = ("TEXT", "JSON", "LONGBLOB")

_TABLE_OPTIONS = "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"


# --- quoting ---------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def identifier_preparers():
    """SQLAlchemy's MySQL and MariaDB identifier preparers (their reserved words differ)."""
    from sqlalchemy.dialects import mysql

    mariadb = mysql.dialect(is_mariadb=True)
    return mysql.dialect().identifier_preparer, mariadb.identifier_preparer


def quote_identifier(name: str) -> str:
    """`name` as a MySQL identifier: backticked when reserved or not plain (backticks doubled)."""
    return DIALECT.quote_identifier(name)


def quote_literal(text: str) -> str:
    """`text` as a MySQL string literal (quotes doubled, backslashes escaped).

    The file switches NO_BACKSLASH_ESCAPES off first, so `\\\\` always means one backslash.
    """
    return DIALECT.quote_literal(text)


def fit(name: str) -> str:
    """`name` if it fits MySQL's 64 characters, else a prefix plus an 8-hex hash of the whole."""
    if len(name) <= MAX_IDENTIFIER and not name.endswith(" "):
        return name
    digest = hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]
    return f"{name[: MAX_IDENTIFIER - 9].rstrip()}_{digest}"


def _comment_line(text: str) -> str:
    return "".join(" " if ord(character) < 32 or character == "\x7f" else character for character in text)


# --- expressions -----------------------------------------------------------------------------


def translate_expression(text: str) -> str | None:
    """A PostgreSQL expression as MySQL SQL (every identifier backticked), or None if it has none.

    The text must be exactly one PostgreSQL expression (pglast) and the translation exactly one
    MySQL expression (sqlglot), so nothing but an expression can reach the DDL.
    """
    stripped = text.strip()
    if not stripped or parse_expression(stripped) is None:
        return None
    import sqlglot
    from sqlglot import exp

    try:
        tree = sqlglot.parse_one(stripped, read="postgres")
        if any(isinstance(node, (exp.Subquery, exp.Select, exp.Command)) for node in tree.walk()):
            return None
        sql = tree.sql(dialect="mysql", identify=True)
        again = sqlglot.parse(f"SELECT {sql}", read="mysql")
    except Exception:  # noqa: BLE001 - anything sqlglot cannot read or write has no MySQL form here
        return None
    if len(again) != 1 or not isinstance(again[0], exp.Select) or len(again[0].expressions) != 1:
        return None
    if re.search(r"\b(?:TO_TSVECTOR|PLAINTO_TSQUERY|TO_TSQUERY|GEN_RANDOM_UUID|UUIDV7|ARRAY)\s*\(", sql, re.IGNORECASE):
        return None
    return sql


def _checked(text: str, where: str, what: str) -> None:
    """SchemaError unless `text` is one PostgreSQL expression (the design's own language)."""
    if not text.strip() or parse_expression(text.strip()) is None:
        raise SchemaError(
            "the design holds SQL that is not a single expression",
            [Problem(f"{what} {text!r} is not one SQL expression PostgreSQL can parse", where=where)],
        )


def _columns_in(text: str) -> set[str]:
    import sqlglot
    from sqlglot import exp

    try:
        return {column.name for column in sqlglot.parse_one(text, read="postgres").find_all(exp.Column)}
    except Exception:  # noqa: BLE001
        return set()


def _array_literal(text: str) -> list[str] | None:
    """`{a,b}` (PostgreSQL array text) as a list of strings; None when it is not that simple."""
    text = text.strip()
    if not (text.startswith("{") and text.endswith("}")):
        return None
    inner = text[1:-1].strip()
    if not inner:
        return []
    if any(character in inner for character in '"\\{}'):
        return None
    return [item.strip() for item in inner.split(",")]


# --- rendering -------------------------------------------------------------------------------


def render(design: Design) -> DdlOutput:
    """MySQL/MariaDB DDL for `design` as one `schema.sql`, and what MySQL cannot hold."""
    kept, warnings = without_columnless_tables(with_implied(design), "MySQL")
    output = _Renderer(kept).render()
    output.warnings[:0] = warnings
    return output


class _Renderer:
    def __init__(self, design: Design):
        self.design = design
        self.warnings: list[str] = []
        self.zoneless: list[str] = []
        self.key_text: dict[str, set[str]] = {}

    def warn(self, text: str) -> None:
        self.warnings.append(text)

    def name(self, name: str, what: str) -> str:
        fitted = fit(name)
        if fitted != name:
            self.warn(f"{what} {name!r} is longer than MySQL's {MAX_IDENTIFIER} characters (or ends in a space); it is {fitted!r}")
        return fitted

    def ident(self, name: str, what: str) -> str:
        return quote_identifier(self.name(name, what))

    # -- the file --------------------------------------------------------------------------

    def render(self) -> DdlOutput:
        design = self.design
        order, deferred = plan_tables(design)
        self.key_text = {name: self._key_columns(name, table) for name, table in design.tables.items()}
        sections: list[str] = []
        for name in order:
            sections.append(self._table(name, design.tables[name], deferred))
        late = []
        for name in order:
            table = design.tables[name]
            for position in range(len(table.foreign_keys)):
                if (name, position) in deferred:
                    late.append(f"ALTER TABLE {self.ident(name, 'table')}\n    ADD {self.foreign_key_sql(name, table, position)};")
        if late:
            sections.append("\n".join(late))
        triggers = self.triggers(order)
        if triggers:
            sections.append(triggers)
        for name in order:
            table = design.tables[name]
            if table.row_level_security or table.policies:
                what = ", ".join(policy.name for policy in table.policies) or "row-level security"
                self.warn(f"{name}: MySQL has no row-level security; {what} not applied (enforce it in the application)")
        for where in dict.fromkeys(self.zoneless):  # one per column; `build` groups them into one line
            self.warn(f"{where}: MySQL keeps no time zone; timestamptz is DATETIME(6) (store UTC)")
        header = [
            f"-- {_comment_line(design.name)}: MySQL schema generated by schemasmith from the design document.",
            "-- Target: MySQL 8.0.16 or later, or MariaDB 10.11 or later (InnoDB, utf8mb4).",
            "-- Apply to an empty database with: mysql -u USER DATABASE < schema.sql",
            "-- MySQL DDL is not transactional: every statement commits on its own, so a failure leaves the",
            "-- statements before it applied. Apply to a new database and drop it if anything fails.",
            "",
            "SET NAMES utf8mb4;",
            "SET SESSION sql_mode = TRIM(BOTH ',' FROM REPLACE(CONCAT(',', @@SESSION.sql_mode, ','), ',NO_BACKSLASH_ESCAPES,', ','));",
        ]
        text = "\n".join(header) + "\n\n" + "\n\n".join(sections) + "\n"
        return DdlOutput(files={"schema.sql": text}, warnings=self.warnings)

    # -- tables ----------------------------------------------------------------------------

    def _key_columns(self, name: str, table: Table) -> set[str]:
        """Text columns of `table` that are part of a key (and so must be VARCHAR)."""
        used = set(table.primary_key)
        for unique in table.unique:
            used.update(unique.columns)
        for foreign_key in table.foreign_keys:
            used.update(foreign_key.columns)
        for index in table.indexes:
            if index.method != "gin":
                used.update(key.column for key in index.keys(set(table.columns)))
        for other in self.design.tables.values():
            for foreign_key in other.foreign_keys:
                if foreign_key.references.table == name:
                    used.update(foreign_key.references.columns)
        return {
            column for column in used
            if column in table.columns and table.columns[column].portable_type.kind == "text"
        }

    def column_type(self, table_name: str, column_name: str, portable: PortableType) -> str:
        where = f"{table_name}.{column_name}"
        if portable.is_array:
            self.warn(f"{where}: MySQL has no arrays; {portable} is stored as JSON (element type not enforced)")
            return "JSON"
        if portable.is_enum:
            values = self.design.enums.get(portable.enum or "")
            if not values:
                raise SchemaError("an enum is not defined", [Problem(f"enum {portable.enum} has no values", where=where)])
            for value in values:
                if value != value.rstrip(" "):
                    self.warn(f"{where}: MySQL strips trailing spaces from ENUM value {value!r}")
            return "ENUM(" + ", ".join(quote_literal(value) for value in values) + ")"
        kind = portable.kind
        if kind == "text" and column_name in self.key_text.get(table_name, ()):
            self.warn(f"{where}: MySQL cannot index TEXT without a prefix; this key column is VARCHAR({KEY_TEXT_LENGTH})")
            return f"VARCHAR({KEY_TEXT_LENGTH})"
        if kind == "varchar":
            length = portable.length or KEY_TEXT_LENGTH
            if length > MAX_VARCHAR:
                self.warn(f"{where}: varchar({length}) does not fit a utf8mb4 MySQL row; it is TEXT")
                return "TEXT"
            return f"VARCHAR({length})"
        if kind == "numeric":
            if portable.precision is None:
                self.warn(f"{where}: MySQL has no unbounded numeric; it is DECIMAL(65,30)")
                return "DECIMAL(65,30)"
            precision, scale = portable.precision, portable.scale or 0
            if precision > 65 or scale > 30:
                self.warn(f"{where}: numeric({precision},{scale}) exceeds MySQL's DECIMAL(65,30); it is capped")
                precision, scale = min(precision, 65), min(scale, 30)
            return f"DECIMAL({precision},{scale})"
        if kind == "timestamptz":
            self.zoneless.append(where)
        if kind == "interval":
            self.warn(f"{where}: MySQL has no interval type; it is VARCHAR(64) text")
        return _TYPE_NAMES[kind]

    def _table(self, name: str, table: Table, deferred: set[tuple[str, int]]) -> str:
        table_sql = self.ident(name, "table")
        lines = []
        types: dict[str, str] = {}
        update_columns = {trigger.column or "updated_at" for trigger in table.triggers if trigger.kind == "updated_at"}
        for column_name, column in table.columns.items():
            sql, types[column_name] = self._column(name, table, column_name, column, column_name in update_columns)
            lines.append(sql)
        index_names = naming.index_names(name, table)
        indexes = []
        for index_name, index in zip(index_names, table.indexes):
            column_lines, statement = self._index(name, table, types, index_name, index)
            lines.extend(column_lines)
            if statement:
                indexes.append(statement)
        if table.primary_key:
            lines.append(f"PRIMARY KEY ({self._columns(table.primary_key)})")
        for unique in table.unique:
            constraint = self.name(unique.name or naming.unique_name(name, unique.columns), "constraint")
            if unique.nulls_not_distinct:
                self.warn(f"{name}: unique constraint {constraint}: MySQL has no NULLS NOT DISTINCT; NULLs stay distinct")
            lines.append(f"CONSTRAINT {quote_identifier(constraint)} UNIQUE ({self._columns(unique.columns)})")
        cascading = {
            column
            for foreign_key in table.foreign_keys
            if foreign_key.on_delete in ("cascade", "set null", "set default")
            or foreign_key.on_update in ("cascade", "set null", "set default")
            for column in foreign_key.columns
        }
        auto = {column_name for column_name, column in table.columns.items() if column.identity}
        for position, check in enumerate(table.checks):
            constraint = self.name(check.name or naming.check_name(name, position), "constraint")
            where = f"{name}.{constraint}"
            _checked(check.expression, where, "check")
            translated = translate_expression(check.expression)
            if translated is None:
                self.warn(f"{where}: check ({check.expression}) has no MySQL equivalent; not created")
                continue
            columns = _columns_in(check.expression)
            if columns & auto:
                self.warn(f"{where}: MySQL checks cannot use AUTO_INCREMENT columns; check ({check.expression}) not created")
                continue
            if columns & cascading:
                self.warn(
                    f"{where}: check ({check.expression}) uses a column a foreign key action changes; MySQL 8 refuses"
                    " such a check (MariaDB accepts it)"
                )
            lines.append(f"CONSTRAINT {quote_identifier(constraint)} CHECK ({translated})")
        for position in range(len(table.foreign_keys)):
            if (name, position) not in deferred:
                lines.append(self.foreign_key_sql(name, table, position))
        options = _TABLE_OPTIONS
        if table.comment:
            options += " COMMENT=" + quote_literal(self._comment(table.comment, MAX_TABLE_COMMENT, name))
        statements = [f"CREATE TABLE {table_sql} (\n    " + ",\n    ".join(lines) + f"\n) {options};"]
        statements.extend(indexes)
        return "\n".join(statements)

    def _comment(self, text: str, limit: int, where: str) -> str:
        if len(text) > limit:
            self.warn(f"{where}: the comment is longer than MySQL's {limit} characters; it is cut there")
            return text[:limit]
        return text

    def _columns(self, names: list[str]) -> str:
        return ", ".join(self.ident(name, "column") for name in names)

    def _column(self, table_name: str, table: Table, name: str, column: Column, on_update: bool) -> tuple[str, str]:
        where = f"{table_name}.{name}"
        portable = column.portable_type
        sql_type = self.column_type(table_name, name, portable)
        parts = [self.ident(name, "column"), sql_type]
        if column.generated:
            _checked(column.generated, where, "generated expression")
            translated = translate_expression(column.generated)
            if translated is None:
                self.warn(f"{where}: generated expression {column.generated} has no MySQL equivalent; it is a plain column")
            else:
                parts.append(f"GENERATED ALWAYS AS ({translated}) STORED")
        nullable = column.nullable and name not in table.primary_key and not column.identity
        parts.append("NULL" if nullable else "NOT NULL")
        if column.identity:
            if not portable.is_integer:
                raise SchemaError("identity needs an integer column", [Problem(f"{portable} cannot be AUTO_INCREMENT", where=where)])
            if column.identity == "always":
                self.warn(f"{where}: MySQL has no GENERATED ALWAYS identity; AUTO_INCREMENT accepts explicit values")
            parts.append("AUTO_INCREMENT")
        elif column.default is not None and not column.generated:
            default = self._default(where, portable, sql_type, column.default, name in table.primary_key)
            if default:
                parts.append("DEFAULT " + default)
        if on_update:
            if portable.kind in ("timestamp", "timestamptz"):
                parts.append("ON UPDATE CURRENT_TIMESTAMP(6)")
            else:
                self.warn(f"{where}: updated_at needs a timestamp column; not kept current")
        if column.comment:
            parts.append("COMMENT " + quote_literal(self._comment(column.comment, MAX_COLUMN_COMMENT, where)))
        return " ".join(parts), sql_type

    def _default(self, where: str, portable: PortableType, sql_type: str, default: Default, is_key: bool) -> str | None:
        if not default.is_expression:
            if portable.is_array:
                items = _array_literal(str(default.value))
                if items is None:
                    self.warn(f"{where}: array default {default.value!r} has no JSON form here; the column has no default")
                    return None
                return "(" + quote_literal(json.dumps(items, ensure_ascii=False)) + ")"
            if portable.kind in INTEGER_KINDS or portable.kind in ("numeric", "real", "double"):
                text = number_text(default.value, where, integer=portable.kind in INTEGER_KINDS)
                if isinstance(text, SpecialNumber):
                    self.warn(f"{where}: MySQL numbers have no {default.value}; the column has no default")
                    return None
                return text
            if portable.kind == "boolean":
                return "TRUE" if boolean_value(default.value, where) else "FALSE"
            text = fitting_text(portable, default.value, where)
            literal = quote_literal(text)
            return f"({literal})" if sql_type in _EXPRESSION_DEFAULT_TYPES else literal
        text = str(default.value)
        _checked(text, where, "default")
        function = function_name(text)
        if portable.kind == "uuid" and function in ("gen_random_uuid", "uuidv7"):
            if function == "uuidv7":
                self.warn(f"{where}: MySQL has no uuidv7(); UUID() is used")
            return "(UUID())"
        now_functions = ("now", "current_timestamp", "transaction_timestamp", "statement_timestamp", "clock_timestamp", "localtimestamp")
        is_now = function in now_functions or text.strip().lower() in ("current_timestamp", "localtimestamp")
        if is_now and portable.kind in ("timestamp", "timestamptz"):
            return "CURRENT_TIMESTAMP(6)"
        translated = translate_expression(text)
        if translated is None:
            self.warn(f"{where}: default {text} has no MySQL equivalent; the column has no default")
            return None
        return f"({translated})"

    def foreign_key_sql(self, table_name: str, table: Table, position: int) -> str:
        foreign_key: ForeignKey = table.foreign_keys[position]
        name = self.name(foreign_key.name or naming.foreign_key_name(table_name, foreign_key.columns), "constraint")
        text = (
            f"CONSTRAINT {quote_identifier(name)} FOREIGN KEY ({self._columns(foreign_key.columns)})"
            f" REFERENCES {self.ident(foreign_key.references.table, 'table')} ({self._columns(foreign_key.references.columns)})"
        )
        for event, action in (("DELETE", foreign_key.on_delete), ("UPDATE", foreign_key.on_update)):
            if action == "set default":
                self.warn(f"{table_name}.{name}: InnoDB has no ON {event} SET DEFAULT; it is NO ACTION (rows are refused, not reset)")
                action = "no action"
            if action:
                text += f" ON {event} {_ACTIONS[action]}"
        if foreign_key.deferrable or foreign_key.initially_deferred:
            self.warn(f"{table_name}.{name}: MySQL has no deferrable foreign keys; it is checked at once on every statement")
        return text

    def _index(self, table_name: str, table: Table, types: dict[str, str], index_name: str, index: Index) -> tuple[list[str], str | None]:
        """(generated columns the index needs, the CREATE INDEX statement or None)."""
        index_name = self.name(index_name, "index")
        where = f"{table_name}.{index_name}"
        known = set(table.columns)
        if index.where:
            _checked(index.where, where, "index predicate")
            if index.unique:
                self.warn(
                    f"{where}: MySQL has no partial indexes; unique index WHERE {index.where} is not built"
                    " (a full unique index would refuse rows the design allows)"
                )
                return [], None
            self.warn(f"{where}: MySQL has no partial indexes; built over all rows (WHERE {index.where} dropped)")
        if index.include:
            self.warn(f"{where}: MySQL has no INCLUDE ({', '.join(index.include)}); built without it")
        if index.method == "gin":
            return self._fulltext(table_name, table, index_name, index)
        if index.method not in ("btree", "hash"):
            self.warn(f"{where}: MySQL has no {index.method} indexes; built as a B-tree")
        keys: list[str] = []
        generated: list[str] = []
        for key in index.keys(known):
            if key.column in table.columns and types.get(key.column) in ("TEXT", "JSON", "LONGBLOB"):
                self.warn(f"{where}: MySQL cannot index {types[key.column]} column {key.column}; index not built")
                return [], None
            keys.append(self._key(key, self.ident(key.column, "column"), where))
        for number, expression in enumerate(index.expressions):
            key = IndexKey.parse(expression)
            _checked(key.column, where, "index expression")
            column = self._expression_column(table_name, table, types, index_name, number, key.column)
            if column is None:
                self.warn(f"{where}: MySQL cannot index expression {key.column}; index not built")
                return [], None
            generated.append(column[1])
            keys.append(self._key(key, quote_identifier(column[0]), where))
        kind = "CREATE UNIQUE INDEX" if index.unique else "CREATE INDEX"
        return generated, f"{kind} {quote_identifier(index_name)} ON {self.ident(table_name, 'table')} ({', '.join(keys)});"

    def _key(self, key: IndexKey, body: str, where: str) -> str:
        if key.nulls:
            self.warn(f"{where}: MySQL indexes have no NULLS {key.nulls.upper()}; built without it")
        return body + (" DESC" if key.descending else "")

    def _expression_column(self, table_name, table, types, index_name, number, expression):
        """(name, definition) of a VIRTUAL generated column holding an index expression.

        MariaDB has no functional key parts, so the expression is a hidden-by-convention column
        (named after the index) that both servers can index. Its type is the source column's
        when the expression is lower/upper/trim of one column; otherwise it is not built.
        """
        translated = translate_expression(expression)
        if translated is None:
            return None
        columns = _columns_in(expression)
        match = re.fullmatch(r"\s*(?:lower|upper|trim|btrim)\s*\(\s*(\"(?:[^\"]|\"\")+\"|[A-Za-z_][A-Za-z0-9_$]*)\s*\)\s*", expression, re.IGNORECASE)
        if match is None or len(columns) != 1:
            return None
        source = next(iter(columns))
        source_type = types.get(source, "")
        if not source_type.startswith("VARCHAR") and not source_type.startswith("CHAR"):
            return None
        name = fit(f"{index_name}_expr" if number == 0 else f"{index_name}_expr{number}")
        self.warn(
            f"{table_name}.{index_name}: MariaDB has no expression indexes; {expression} is the VIRTUAL generated column"
            f" {name} (it shows in SELECT *), indexed"
        )
        return name, f"{quote_identifier(name)} {source_type} GENERATED ALWAYS AS ({translated}) VIRTUAL"

    def _fulltext(self, table_name: str, table: Table, index_name: str, index: Index) -> tuple[list[str], str | None]:
        where = f"{table_name}.{index_name}"
        columns: list[str] = []
        if index.expressions and not index.columns and len(index.expressions) == 1:
            match = re.fullmatch(
                r"\s*to_tsvector\s*\(\s*(?:'[^']*'(?:::regconfig)?\s*,\s*)?(\"(?:[^\"]|\"\")+\"|[A-Za-z_][A-Za-z0-9_$]*)\s*\)\s*",
                index.expressions[0],
                re.IGNORECASE,
            )
            if match:
                word = match[1]
                columns = [word[1:-1].replace('""', '"') if word.startswith('"') else word.lower()]
        if columns and all(
            column in table.columns and table.columns[column].portable_type.kind in ("text", "varchar") for column in columns
        ):
            self.warn(f"{where}: GIN full-text index on {index.expressions[0]} is a FULLTEXT index on {columns[0]} (MATCH … AGAINST, not @@)")
            return [], (
                f"ALTER TABLE {self.ident(table_name, 'table')} ADD FULLTEXT INDEX {quote_identifier(index_name)}"
                f" ({self._columns(columns)});"
            )
        described = ", ".join(index.columns + index.expressions)
        self.warn(f"{where}: MySQL has no GIN indexes; index on {described} is not built")
        return [], None

    # -- triggers --------------------------------------------------------------------------

    def triggers(self, order: list[str]) -> str:
        bodies: list[str] = []
        for name in order:
            table = self.design.tables[name]
            for trigger in table.triggers:
                if trigger.kind != "max_depth":
                    continue
                column = trigger.column or ""
                if column not in table.columns:
                    raise SchemaError("a trigger names a missing column", [Problem(f"max_depth column {column!r}", where=name)])
                base = naming.trigger_name(name, "max_depth", column)
                for event in ("INSERT", "UPDATE"):
                    trigger_name = self.name(fit(f"{base}_{event.lower()}"), "trigger")
                    bodies.append(self._max_depth(name, table, column, int(trigger.depth or 1), event, trigger_name))
        if not bodies:
            return ""
        delimiter = next(d for d in ("//", "$$", "@@@", ";;;", "||||") if all(d not in body for body in bodies))
        return "\n\n".join([f"DELIMITER {delimiter}"] + [body + f" {delimiter}" for body in bodies] + ["DELIMITER ;"])

    def _max_depth(self, table_name: str, table: Table, column: str, depth: int, event: str, trigger_name: str) -> str:
        key = next(
            (
                fk.references.columns[0]
                for fk in table.foreign_keys
                if fk.references.table == table_name and fk.columns == [column]
            ),
            table.primary_key[0] if table.primary_key else "id",
        )
        t, p, k = quote_identifier(table_name), quote_identifier(column), quote_identifier(key)
        node_type = self._plain_type(table.columns[column].portable_type)
        deep = quote_literal(f"{table_name}.{column}: rows may be at most {depth} level(s) below a root"[:MAX_MESSAGE])
        cycle = quote_literal(f"{table_name}.{column}: a row cannot be its own ancestor"[:MAX_MESSAGE])
        lines = [
            f"CREATE TRIGGER {quote_identifier(trigger_name)} BEFORE {event} ON {t}",
            "FOR EACH ROW",
            "BEGIN",
            "    DECLARE v_schemasmith_above INT DEFAULT 0;",
            "    DECLARE v_schemasmith_below INT DEFAULT 0;",
            f"    DECLARE v_schemasmith_node {node_type} DEFAULT NEW.{p};",
        ]
        inner = [
            "    -- Levels above the row: walk up its ancestors (a cycle would never end).",
            f"    WHILE v_schemasmith_node IS NOT NULL AND v_schemasmith_above <= {depth} DO",
            f"        IF v_schemasmith_node = NEW.{k} THEN",
            f"            SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = {cycle};",
            "        END IF;",
            "        SET v_schemasmith_above = v_schemasmith_above + 1;",
            (
                f"        SET v_schemasmith_node = (SELECT schemasmith_parent.{p} FROM {t} AS schemasmith_parent"
                f" WHERE schemasmith_parent.{k} = v_schemasmith_node);"
            ),
            "    END WHILE;",
        ]
        if event == "UPDATE":
            inner += [
                "    -- Levels below the row: the subtree that moves with it.",
                f"    IF v_schemasmith_above <= {depth} THEN",
                "        SET v_schemasmith_below = (",
                "            WITH RECURSIVE schemasmith_subtree (node, level) AS (",
                f"                SELECT schemasmith_child.{k}, 1 FROM {t} AS schemasmith_child WHERE schemasmith_child.{p} = NEW.{k}",
                "                UNION ALL",
                f"                SELECT schemasmith_child.{k}, schemasmith_subtree.level + 1 FROM {t} AS schemasmith_child",
                f"                JOIN schemasmith_subtree ON schemasmith_child.{p} = schemasmith_subtree.node",
                f"                WHERE schemasmith_subtree.level <= {depth}",
                "            )",
                "            SELECT COALESCE(MAX(schemasmith_subtree.level), 0) FROM schemasmith_subtree",
                "        );",
                "    END IF;",
            ]
        inner += [
            f"    IF v_schemasmith_above + v_schemasmith_below > {depth} THEN",
            f"        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = {deep};",
            "    END IF;",
        ]
        if event == "UPDATE":
            lines.append(f"    IF NOT (NEW.{p} <=> OLD.{p} AND NEW.{k} <=> OLD.{k}) THEN")
            lines += ["    " + line for line in inner]
            lines.append("    END IF;")
        else:
            lines += inner
        lines.append("END")
        return "\n".join(lines)

    def _plain_type(self, portable: PortableType) -> str:
        if portable.kind == "text":
            return f"VARCHAR({KEY_TEXT_LENGTH})"
        if portable.kind == "varchar":
            return f"VARCHAR({portable.length or KEY_TEXT_LENGTH})"
        if portable.kind == "numeric":
            return f"DECIMAL({min(portable.precision or 65, 65)},{min(portable.scale or 0, 30)})"
        return _TYPE_NAMES.get(portable.kind, "VARCHAR(255)")


def split_statements(text: str) -> list[str]:
    """The statements of a rendered file as the `mysql` client sends them (DELIMITER honoured)."""
    return split_mysql_script(text)


__all__ = ["DdlOutput", "fit", "quote_identifier", "quote_literal", "render", "split_statements", "translate_expression"]


class MysqlDialect(Dialect):
    """MySQL/MariaDB: the flags and spellings that differ from the base dialect."""

    name = "mysql"
    label = "MySQL/MariaDB"
    sqlalchemy_scheme = "mysql+pymysql"
    transactional_ddl = False
    partial_indexes = False
    native_enums = True
    backslashes = "escaped"
    nul_identifier_refusal = "which MySQL cannot store"
    nul_text_refusal = "which MySQL DDL cannot carry"

    def identifier_preparers(self) -> tuple:
        return identifier_preparers()

    def number_sql(self, value, where: str, integer: bool) -> str:
        text = number_text(value, where, integer)
        if isinstance(text, SpecialNumber):
            raise SchemaError("a default does not fit its column", [Problem(f"MySQL numbers have no {value}", where=where)])
        return text

    def boolean_sql(self, value: bool) -> str:
        return "TRUE" if value else "FALSE"

    def column_type(self, portable: PortableType, *, design: Design | None = None) -> str:
        return _Renderer(with_implied(design or Design(name="column"))).column_type("", "", portable)

    def default_sql(self, default: Default, portable: PortableType, where: str, *, design: Design | None = None, is_key: bool = False) -> str | None:
        renderer = _Renderer(with_implied(design or Design(name="default")))
        return renderer._default(where, portable, renderer.column_type("", "", portable), default, is_key)

    def constraint_sql(self, table_name: str, table: Table, position: int) -> str:
        return _Renderer(Design(name=table_name)).foreign_key_sql(table_name, table, position)

    def trigger_statements(self, design: Design) -> list[str]:
        implied = with_implied(design)
        text = _Renderer(implied).triggers(plan_tables(implied)[0])
        return split_statements(text) if text else []

    def render(self, design: Design, **options) -> DdlOutput:
        return render(design)


#: The MySQL dialect object the module-level functions above speak for.
DIALECT = MysqlDialect()
