"""SQLite: a design as one DDL file the `sqlite3` tool applies all-or-nothing, and what SQLite keeps.

`render` writes `schema.sql`; `project` says which design an import of the applied file gives
back (comments, row-level security, GIN indexes and other PostgreSQL-only parts removed, arrays
as json, identity as `INTEGER PRIMARY KEY AUTOINCREMENT`). The mapping helpers (declared types,
defaults, expressions, the trigger SQL) are shared with `importers/sqlite.py`, so what is written
and what is read back are decided in one place.

Declared types are chosen for SQLite's affinity rules as much as for readability: uuid and json
values are text that SQLite would turn into numbers under NUMERIC affinity (a 32-digit hex uuid,
a JSON document `123`), so they are declared `UUID_TEXT` and `JSON_TEXT` (TEXT affinity, names an
importer recognizes). Dates and times keep their usual names (NUMERIC affinity leaves ISO-8601
text unchanged). What SQLite does not enforce by type gets a CHECK: varchar length, boolean 0/1,
json validity, and enum values (named with `naming.enum_check_name` so the enum comes back).
"""

from __future__ import annotations

import math
import re
import sqlite3
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from ..model import naming
from ..model.conventions import key_convention
from ..model.conventions import observed as observed_conventions
from ..model.document import (
    CheckConstraint,
    Column,
    Conventions,
    Default,
    Design,
    ForeignKey,
    Index,
    IndexKey,
    Table,
    Trigger,
    UniqueConstraint,
)
from ..model.expressions import normalize_expression
from ..model.implied import UUID_DEFAULT, with_implied
from ..model.types import PortableType, parse_type
from .base import DdlOutput, Dialect, strip_documentation
from .common import without_columnless_tables

FILE_NAME = "schema.sql"

#: Declared SQLite type of each simple portable kind (see the module docstring for the choice).
DECLARED_TYPES = {
    "uuid": "UUID_TEXT",
    "text": "TEXT",
    "smallint": "SMALLINT",
    "integer": "INTEGER",
    "bigint": "BIGINT",
    "real": "REAL",
    "double": "DOUBLE",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "time": "TIME",
    "timestamp": "TIMESTAMP",
    "timestamptz": "TIMESTAMPTZ",
    # Not INTERVAL: any declared name containing "INT" gets integer affinity, and '10' would
    # then be stored as the number 10. DURATION_TEXT has text affinity.
    "interval": "DURATION_TEXT",
    "json": "JSON_TEXT",
    "bytes": "BLOB",
}

#: Declared type names (upper case, spaces collapsed) read back as portable kinds; includes the
#: spellings hand-written SQLite schemas use (Chinook's NVARCHAR, DATETIME, …).
_KNOWN_DECLARED = {
    "UUID_TEXT": "uuid",
    "UUID": "uuid",
    "UNIQUEIDENTIFIER": "uuid",
    "GUID": "uuid",
    "TEXT": "text",
    "CLOB": "text",
    "NTEXT": "text",
    "TINYTEXT": "text",
    "MEDIUMTEXT": "text",
    "LONGTEXT": "text",
    "STRING": "text",
    "CITEXT": "text",
    "INTEGER": "integer",
    "INT": "integer",
    "INT4": "integer",
    "MEDIUMINT": "integer",
    "TINYINT": "smallint",
    "SMALLINT": "smallint",
    "INT2": "smallint",
    "BIGINT": "bigint",
    "INT8": "bigint",
    "UNSIGNED BIG INT": "bigint",
    "REAL": "real",
    "FLOAT4": "real",
    "DOUBLE": "double",
    "DOUBLE PRECISION": "double",
    "FLOAT": "double",
    "FLOAT8": "double",
    "BOOLEAN": "boolean",
    "BOOL": "boolean",
    "DATE": "date",
    "DATE_CHAR": "date",
    "TIME": "time",
    "TIME_CHAR": "time",
    "DATETIME": "timestamp",
    "DATETIME_CHAR": "timestamp",
    "TIMESTAMP": "timestamp",
    "TIMESTAMP WITHOUT TIME ZONE": "timestamp",
    "TIMESTAMPTZ": "timestamptz",
    "TIMESTAMP WITH TIME ZONE": "timestamptz",
    "INTERVAL": "interval",
    "DURATION_TEXT": "interval",
    "JSON_TEXT": "json",
    "JSON": "json",
    "JSONB": "json",
    "BLOB": "bytes",
    "BYTEA": "bytes",
    "BINARY": "bytes",
    "VARBINARY": "bytes",
}
_VARCHAR_DECLARED = {
    "VARCHAR",
    "NVARCHAR",
    "CHAR",
    "NCHAR",
    "CHARACTER",
    "CHARACTER VARYING",
    "VARYING CHARACTER",
    "NATIVE CHARACTER",
    "NATIONAL CHARACTER",
    "NATIONAL CHARACTER VARYING",
}
_NUMERIC_DECLARED = {"NUMERIC", "DECIMAL"}
_DECLARED_SHAPE = re.compile(r"^(?P<base>[A-Z_][A-Z0-9_ ]*?)\s*(?:\(\s*(?P<a>[+-]?\d+)\s*(?:,\s*(?P<b>[+-]?\d+)\s*)?\))?$")

#: A version-4 uuid from SQLite's own functions, the rendering of `gen_random_uuid()`.
#: `random() & 3` rather than `abs(random()) % 4`: abs() of the smallest integer overflows.
UUID_V4_SQL = (
    "lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || "
    "substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + (random() & 3), 1) || "
    "substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6)))"
)

_NOW = "now()"
#: Portable default expressions with a fixed SQLite spelling, keyed by their normalized form.
_DEFAULT_KEYWORDS = {
    "now()": "CURRENT_TIMESTAMP",
    "current_timestamp": "CURRENT_TIMESTAMP",
    "localtimestamp": "CURRENT_TIMESTAMP",
    "current_date": "CURRENT_DATE",
    "current_time": "CURRENT_TIME",
    "localtime": "CURRENT_TIME",
}
#: SQLite's keyword defaults read back as portable expressions.
_KEYWORD_DEFAULTS = {"CURRENT_TIMESTAMP": _NOW, "CURRENT_DATE": "current_date", "CURRENT_TIME": "current_time"}

#: Index methods SQLite builds (as its one kind, a b-tree); the others are PostgreSQL-only.
_BUILDABLE_METHODS = ("btree", "hash")
_COLLATIONS = ("BINARY", "NOCASE", "RTRIM")  # SQLite's built-in collations

#: SQLite's keywords: quoted even where SQLAlchemy's preparer would leave them bare.
_SQLITE_KEYWORDS = frozenset(
    """ABORT ACTION ADD AFTER ALL ALTER ALWAYS ANALYZE AND AS ASC ATTACH AUTOINCREMENT BEFORE BEGIN
    BETWEEN BY CASCADE CASE CAST CHECK COLLATE COLUMN COMMIT CONFLICT CONSTRAINT CREATE CROSS CURRENT
    CURRENT_DATE CURRENT_TIME CURRENT_TIMESTAMP DATABASE DEFAULT DEFERRABLE DEFERRED DELETE DESC
    DETACH DISTINCT DO DROP EACH ELSE END ESCAPE EXCEPT EXCLUDE EXCLUSIVE EXISTS EXPLAIN FAIL FILTER
    FIRST FOLLOWING FOR FOREIGN FROM FULL GENERATED GLOB GROUP GROUPS HAVING IF IGNORE IMMEDIATE IN
    INDEX INDEXED INITIALLY INNER INSERT INSTEAD INTERSECT INTO IS ISNULL JOIN KEY LAST LEFT LIKE
    LIMIT MATCH MATERIALIZED NATURAL NO NOT NOTHING NOTNULL NULL NULLS OF OFFSET ON OR ORDER OTHERS
    OUTER OVER PARTITION PLAN PRAGMA PRECEDING PRIMARY QUERY RAISE RANGE RECURSIVE REFERENCES REGEXP
    REINDEX RELEASE RENAME REPLACE RESTRICT RETURNING RIGHT ROLLBACK ROW ROWS SAVEPOINT SELECT SET
    TABLE TEMP TEMPORARY THEN TIES TO TRANSACTION TRIGGER UNBOUNDED UNION UNIQUE UPDATE USING VACUUM
    VALUES VIEW VIRTUAL WHEN WHERE WINDOW WITH WITHOUT""".split()
)


# --- quoting -------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def identifier_preparer():
    """SQLAlchemy's SQLite identifier preparer."""
    from sqlalchemy.dialects import sqlite as sqlalchemy_sqlite

    return sqlalchemy_sqlite.dialect().identifier_preparer


def quote_identifier(name: str) -> str:
    """`name` as a SQLite identifier: bare when that is safe, else double-quoted with `""`."""
    return DIALECT.quote_identifier(name)


def quote_literal(text: str) -> str:
    """`text` as a SQL string literal (single quotes doubled)."""
    return DIALECT.quote_literal(text)


def _string_sql(text: str) -> str:
    """A string literal, or an expression for text SQLite cannot hold in one (a NUL character)."""
    if "\x00" not in text:
        return quote_literal(text)
    parts = [quote_literal(part) if part else None for part in text.split("\x00")]
    pieces = []
    for position, part in enumerate(parts):
        if position:
            pieces.append("char(0)")
        if part:
            pieces.append(part)
    return "(" + " || ".join(pieces) + ")"


def comment_lines(text: str) -> list[str]:
    """`text` as `--` comment lines: every line prefixed, nothing can end the comment early."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = []
    for line in text.split("\n"):
        cleaned = "".join(ch if ch == "\t" or ord(ch) >= 32 else " " for ch in line).rstrip()
        lines.append(f"-- {cleaned}" if cleaned else "--")
    return lines


# --- lexing (shared with the importer) -------------------------------------------------------


class Token(NamedTuple):
    kind: str  # word, quoted, string, blob, number, op
    text: str
    start: int
    end: int

    @property
    def value(self) -> str:
        """The identifier a word or quoted token names (quotes removed, doubled quotes undone)."""
        if self.kind == "quoted":
            body = self.text[1:-1]
            if self.text[0] == '"':
                return body.replace('""', '"')
            if self.text[0] == "`":
                return body.replace("``", "`")
            return body
        if self.kind == "string":
            return self.text[1:-1].replace("''", "'")
        return self.text

    def is_word(self, *words: str) -> bool:
        return self.kind == "word" and self.text.upper() in words


_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<comment>--[^\n]*|/\*.*?(?:\*/|\Z))
  | (?P<blob>[xX]'[^']*'?)
  | (?P<string>'(?:[^']|'')*'?)
  | (?P<quoted>"(?:[^"]|"")*"?|`(?:[^`]|``)*`?|\[[^\]]*\]?)
  | (?P<number>0[xX][0-9A-Fa-f]+|(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<word>[A-Za-z_\u0080-\U0010FFFF][A-Za-z0-9_$\u0080-\U0010FFFF]*)
  | (?P<op>->>|->|\|\||<<|>>|<=|>=|==|!=|<>|.)
    """,
    re.X | re.S,
)


def tokenize(sql: str) -> list[Token]:
    """SQLite tokens of `sql`, without spaces and comments, each with its place in the text."""
    tokens = []
    for match in _TOKEN.finditer(sql):
        kind = match.lastgroup
        if kind in ("space", "comment"):
            continue
        tokens.append(Token(kind, match.group(), match.start(), match.end()))  # type: ignore[arg-type]
    return tokens


def _terminated(token: Token) -> bool:
    if token.kind in ("string", "blob"):
        return len(token.text) >= 2 + (token.kind == "blob") and token.text.endswith("'")
    if token.kind == "quoted":
        closing = {"[": "]", '"': '"', "`": "`"}[token.text[0]]
        return len(token.text) >= 2 and token.text.endswith(closing)
    return True


def is_self_contained(expression: str) -> bool:
    """True when `expression` cannot reach outside the parentheses it is written into.

    Balanced parentheses that never close more than they opened, no `;`, every quote closed and
    no comment: `1) OR (1`, `0); DROP TABLE x; --` or `a -- )` are no expressions.
    """
    if "\x00" in expression or not expression.strip():
        return False
    depth = 0
    for match in _TOKEN.finditer(expression):
        kind, text = match.lastgroup, match.group()
        if kind == "space":
            continue
        if kind == "comment":  # a comment could swallow the closing parenthesis, or hide one
            return False
        token = Token(kind, text, match.start(), match.end())  # type: ignore[arg-type]
        if not _terminated(token):
            return False
        if kind == "op":
            if text == ";":
                return False
            if text == "(":
                depth += 1
            elif text == ")":
                depth -= 1
                if depth < 0:
                    return False
    return depth == 0


# --- types ----------------------------------------------------------------------------------


def declared_type(portable: PortableType) -> str:
    """The declared SQLite type of a portable type (arrays become JSON text)."""
    if portable.is_array:
        return DECLARED_TYPES["json"]
    if portable.is_enum:
        return "TEXT"
    if portable.kind in ("varchar", "numeric"):
        return str(portable.nearest).upper()  # VARCHAR(64), NUMERIC(10,2): SQLite keeps the declared text
    return DECLARED_TYPES[portable.kind]


def affinity(declared: str) -> str:
    """SQLite's type affinity of a declared type (section 3.1 of its datatype documentation)."""
    upper = declared.upper()
    if "INT" in upper:
        return "INTEGER"
    if "CHAR" in upper or "CLOB" in upper or "TEXT" in upper:
        return "TEXT"
    if "BLOB" in upper or not upper.strip():
        return "BLOB"
    if "REAL" in upper or "FLOA" in upper or "DOUB" in upper:
        return "REAL"
    return "NUMERIC"


def portable_from_declared(declared: str) -> tuple[str, str | None]:
    """The portable type of a declared SQLite type, and a problem when it had to be guessed."""
    text = " ".join(declared.upper().split())
    if not text:
        return "text", "has no declared type; imported as text"
    match = _DECLARED_SHAPE.match(text)
    if match:
        base = " ".join(match["base"].split())
        first = int(match["a"]) if match["a"] is not None else None
        second = int(match["b"]) if match["b"] is not None else None
        if base in _VARCHAR_DECLARED:
            if first is not None and first >= 1 and second is None:
                return f"varchar({first})", None
            return ("text", None) if first is None else ("text", f"declared type {declared} has no usable length; imported as text")
        if base in _NUMERIC_DECLARED:
            if first is None:
                return "numeric", None
            if first >= 1 and second is None:
                return f"numeric({first})", None
            if first >= 1 and second is not None and 0 <= second <= first:
                return f"numeric({first},{second})", None
            return "numeric", f"declared type {declared} has an impossible precision; imported as numeric"
        if base in _KNOWN_DECLARED:
            return _KNOWN_DECLARED[base], None
    by_affinity = {"INTEGER": "integer", "REAL": "double", "BLOB": "bytes"}.get(affinity(text))
    if affinity(text) == "TEXT":
        by_affinity = "text"
    if by_affinity:
        return by_affinity, f"unknown declared type {declared}; imported as {by_affinity} (its SQLite affinity)"
    return "text", f"unknown declared type {declared}; imported as text"


# --- expressions ----------------------------------------------------------------------------


def sqlite_accepts(statements: tuple[str, ...]) -> bool:
    """Whether a fresh in-memory SQLite runs `statements` (to learn if it can evaluate something)."""
    connection = sqlite3.connect(":memory:")
    try:
        for statement in statements:
            connection.execute(statement)
        return True
    except Exception:  # noqa: BLE001 - sqlite3.Warning (several statements) is no sqlite3.Error
        return False
    finally:
        connection.close()


def probe_table_sql(table: str, columns: tuple[tuple[str, str], ...], extra: str = "") -> str:
    body = ", ".join(f"{quote_identifier(name)} {declared}" for name, declared in columns) or '"_"'
    return f"CREATE TABLE {quote_identifier(table)} ({body}{extra})"


@lru_cache(maxsize=4096)
def _accepted(role: str, sql: str, table: str, columns: tuple[tuple[str, str], ...]) -> bool:
    if not is_self_contained(sql):
        return False
    t = quote_identifier(table)
    if role == "default":
        return sqlite_accepts((f"CREATE TABLE t (x DEFAULT ({sql}))", "INSERT INTO t DEFAULT VALUES"))
    if role == "check":
        return sqlite_accepts((probe_table_sql(table, columns, f", CHECK ({sql})"), f"SELECT ({sql}) FROM {t}"))
    if role == "generated":
        taken = {name for name, _ in columns}
        name = next(f"g{n}" for n in range(len(taken) + 1) if f"g{n}" not in taken)
        extra = f", {name} GENERATED ALWAYS AS ({sql}) STORED"
        return sqlite_accepts((probe_table_sql(table, columns, extra), f"SELECT ({sql}) FROM {t}"))
    key = quote_identifier(columns[0][0]) if columns else '"_"'
    if role == "where":
        return sqlite_accepts((probe_table_sql(table, columns), f"CREATE INDEX probe ON {t} ({key}) WHERE {sql}", f"SELECT 1 FROM {t} WHERE {sql}"))
    if role == "index":
        return sqlite_accepts((probe_table_sql(table, columns), f"CREATE INDEX probe ON {t} ({sql})", f"SELECT ({sql}) FROM {t}"))
    raise ValueError(role)


def _literal_casts_removed(tree):
    """PostgreSQL casts made safe for SQLite: `'{}'::jsonb` is the text `'{}'`, not CAST(… AS JSONB).

    SQLite casts to a type name by its affinity, so CAST('2024-01-01' AS DATE) is the number 2024.
    Casts of literals keep the literal; casts to text-like portable types cast to TEXT.
    """
    from sqlglot import exp

    text_like = {
        exp.DataType.Type.DATE,
        exp.DataType.Type.TIME,
        exp.DataType.Type.TIMETZ,
        exp.DataType.Type.TIMESTAMP,
        exp.DataType.Type.TIMESTAMPTZ,
        exp.DataType.Type.INTERVAL,
        exp.DataType.Type.UUID,
        exp.DataType.Type.JSON,
        exp.DataType.Type.JSONB,
        exp.DataType.Type.USERDEFINED,
    }

    def transform(node):
        if isinstance(node, exp.Cast) and isinstance(node.to, exp.DataType):
            kind = node.to.this
            if isinstance(node.this, exp.Literal):
                if kind == exp.DataType.Type.BOOLEAN and node.this.is_string:
                    word = node.this.this.strip().lower()
                    if word in ("t", "true", "y", "yes", "on", "1"):
                        return exp.true()
                    if word in ("f", "false", "n", "no", "off", "0"):
                        return exp.false()
                    return node
                return node.this
            if kind in text_like:
                return exp.Cast(this=node.this, to=exp.DataType.build("text"))
        return node

    return tree.transform(transform)


@lru_cache(maxsize=4096)
def sqlite_candidates(expression: str) -> tuple[str, ...]:
    """Spellings to try for a PostgreSQL-flavoured expression: as written, then sqlglot's.

    Comments are dropped first (they mean nothing, and one could swallow a parenthesis).
    """
    expression = "".join(" " if match.lastgroup == "comment" else match.group() for match in _TOKEN.finditer(expression))
    expression = expression.strip()
    candidates = []
    try:
        import sqlglot
        from sqlglot import exp

        tree = sqlglot.parse_one(expression, read="postgres")
        has_cast = any(True for _ in tree.find_all(exp.Cast))
        translated = _literal_casts_removed(tree).sql(dialect="sqlite")
    except Exception:  # noqa: BLE001 - sqlglot cannot read it: only the text as written is left
        has_cast, translated = False, None
    if not has_cast:
        candidates.append(expression.strip())
    if translated and translated not in candidates:
        candidates.append(translated)
    return tuple(candidates)


def sqlite_expression(expression: str, role: str, table: str = "t", columns: tuple[tuple[str, str], ...] = ()) -> str | None:
    """A design (PostgreSQL-flavoured) expression as SQLite evaluates it, or None if it cannot.

    `role` is where it goes (check, where, index, generated, default): each is tried in a
    scratch in-memory database with the table's columns, so what is written is known to apply.
    """
    for candidate in sqlite_candidates(expression):
        if _accepted(role, candidate, table, columns):
            return candidate
    return None


@lru_cache(maxsize=4096)
def design_expression(sql: str) -> str:
    """A SQLite expression in the design's PostgreSQL flavour: as written when it means the same."""
    text = sql.strip()
    try:
        import sqlglot
        from sqlglot import exp

        def is_not(node):
            # sqlglot reads SQLite's `x IS NOT NULL` as NOT (x IS NULL); keep PostgreSQL's spelling
            if isinstance(node, exp.Not) and isinstance(node.this, exp.Is) and isinstance(node.this.expression, (exp.Null, exp.Boolean)):
                return exp.Is(this=node.this.this, expression=node.this.expression, negate=True)
            if isinstance(node, exp.Div) and _nonzero_number(node.expression):
                # SQLite's x / 0 is NULL, hence sqlglot's NULLIF(d, 0); a non-zero constant needs no guard
                node.set("safe", False)
            return node

        translated = sqlglot.parse_one(text, read="sqlite").transform(is_not).sql(dialect="postgres")
    except Exception:  # noqa: BLE001 - keep what sqlglot cannot read
        return text
    if translated == text or normalize_expression(translated) == normalize_expression(text):
        return text
    return translated


def _nonzero_number(node) -> bool:
    from sqlglot import exp

    if not isinstance(node, exp.Literal) or node.is_string:
        return False
    try:
        return float(node.this) != 0
    except ValueError:
        return False


def strip_parentheses(text: str) -> str:
    text = text.strip()
    while text.startswith("(") and text.endswith(")") and is_self_contained(text[1:-1]):
        # only when the outer pair encloses everything: "(a) + (b)" keeps its parentheses
        depth = 0
        for position, token in enumerate(tokenize(text)):
            if token.kind == "op" and token.text == "(":
                depth += 1
            elif token.kind == "op" and token.text == ")":
                depth -= 1
                if depth == 0 and token.end != len(text):
                    return text
        text = text[1:-1].strip()
    return text


def _squash(text: str) -> str:
    return " ".join(text.split()).lower()


_INTEGER = re.compile(r"^[+-]?\d+$")
_HEX = re.compile(r"^[+-]?0[xX][0-9A-Fa-f]+$")
_FLOAT = re.compile(r"^[+-]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?$")
_STRING = re.compile(r"^'(?:[^']|'')*'$", re.S)
_NOW_CALL = re.compile(r"^(?:datetime|strftime\s*\(\s*'%Y-%m-%d %H:%M:%S'\s*,)\s*\(?\s*'now'\s*\)$", re.I)


def render_default(default: Default, portable: PortableType, table: str = "t") -> str | None:
    """The SQL after DEFAULT, or None when SQLite cannot compute the default."""
    if not default.is_expression:
        value = default.value
        if isinstance(value, bool):
            return "TRUE" if value else "FALSE"
        if isinstance(value, int):
            return str(value)
        if isinstance(value, float):
            return repr(value) if math.isfinite(value) else quote_literal(repr(value))
        return _string_sql(str(value))
    expression = str(default.value)
    normalized = normalize_expression(expression)
    for portable_spelling, sqlite_spelling in _DEFAULT_KEYWORDS.items():
        if normalized == normalize_expression(portable_spelling):
            return sqlite_spelling
    if normalized == normalize_expression(UUID_DEFAULT):
        return f"({UUID_V4_SQL})"
    translated = sqlite_expression(expression, "default", table)
    return f"({translated})" if translated is not None else None


def design_default(sql: str | None, portable: PortableType) -> Default | None:
    """A SQLite default (as `PRAGMA table_info` gives it) as a design default."""
    if sql is None:
        return None
    text = strip_parentheses(sql)
    upper = text.upper()
    if not text or upper == "NULL":
        return None
    if upper in _KEYWORD_DEFAULTS:
        return Default(value=_KEYWORD_DEFAULTS[upper], is_expression=True)
    if _squash(text) == _squash(UUID_V4_SQL):
        return Default(value=UUID_DEFAULT, is_expression=True)
    if _STRING.match(text):
        return Default(value=text[1:-1].replace("''", "'"))
    if upper in ("TRUE", "FALSE"):
        return Default(value=upper == "TRUE")
    if _INTEGER.match(text) or _HEX.match(text):
        if _HEX.match(text):
            number = int(text.lstrip("+-"), 16) * (-1 if text.startswith("-") else 1)
        else:
            number = int(text)
        if portable.kind == "boolean" and number in (0, 1):
            return Default(value=bool(number))
        return Default(value=number)
    if _FLOAT.match(text):
        return Default(value=float(text))
    if _NOW_CALL.match(text):
        return Default(value=_NOW, is_expression=True)
    return Default(value=design_expression(text), is_expression=True)


# --- triggers -------------------------------------------------------------------------------


def updated_at_trigger_sql(table: str, column: str, match_columns: list[str]) -> str:
    """AFTER UPDATE trigger that sets `column` to CURRENT_TIMESTAMP unless the update set it.

    The WHEN clause stops it from firing again for its own UPDATE, also with recursive_triggers
    on (the second firing sees the column already at CURRENT_TIMESTAMP, stable within a step).
    """
    t, c = quote_identifier(table), quote_identifier(column)
    match = " AND ".join(f"{quote_identifier(name)} = NEW.{quote_identifier(name)}" for name in match_columns)
    return (
        f"CREATE TRIGGER {quote_identifier(naming.trigger_name(table, 'updated_at', column))}\n"
        f"AFTER UPDATE ON {t}\n"
        "FOR EACH ROW\n"
        f"WHEN NEW.{c} IS OLD.{c} AND NEW.{c} IS NOT CURRENT_TIMESTAMP\n"
        "BEGIN\n"
        f"  UPDATE {t} SET {c} = CURRENT_TIMESTAMP WHERE {match};\n"
        "END"
    )


def max_depth_trigger_name(table: str, column: str, event: str) -> str:
    return naming.fit(f"{naming.trigger_name(table, 'max_depth', column)}_{event}")


def max_depth_message(table: str, column: str, depth: int) -> str:
    return f"{table}.{column}: a row may sit at most {depth} level(s) below a root, and never below itself"


def max_depth_trigger_sql(table: str, column: str, key: str, depth: int, event: str) -> str:
    """BEFORE INSERT / BEFORE UPDATE OF `column` trigger bounding the depth of a tree.

    A recursive CTE walks up from the new parent (`ancestors`, level 1 is the parent) and, on
    re-parenting, down from the row (`descendants`, its existing subtree); both stop one level
    past the limit, so a cycle cannot make them run forever. A new parent that is the row
    itself or one of its descendants is a cycle and refused.
    """
    t, p, k = quote_identifier(table), quote_identifier(column), quote_identifier(key)
    lowered = table.lower()
    up = "ancestors" if lowered != "ancestors" else "ancestors_"
    down = "descendants" if lowered != "descendants" else "descendants_"
    message = quote_literal(max_depth_message(table, column, depth))
    walk_up = (
        f"    {up}(node, level) AS (\n"
        f"      SELECT NEW.{p}, 1\n"
        "      UNION ALL\n"
        f"      SELECT {t}.{p}, {up}.level + 1 FROM {t} JOIN {up} ON {t}.{k} = {up}.node\n"
        f"      WHERE {t}.{p} IS NOT NULL AND {up}.level <= {depth}\n"
        "    )"
    )
    if event == "insert":
        head = f"BEFORE INSERT ON {t}"
        body = (
            f"  SELECT RAISE(ABORT, {message})\n"
            "  FROM (\n"
            "    WITH RECURSIVE\n"
            f"{walk_up}\n"
            f"    SELECT max(level) AS depth FROM {up}\n"
            "  )\n"
            f"  WHERE depth > {depth} OR NEW.{p} = NEW.{k};\n"
        )
    else:
        head = f"BEFORE UPDATE OF {p} ON {t}"
        walk_down = (
            f"    {down}(node, level) AS (\n"
            f"      SELECT {t}.{k}, 1 FROM {t} WHERE {t}.{p} = OLD.{k}\n"
            "      UNION ALL\n"
            f"      SELECT {t}.{k}, {down}.level + 1 FROM {t} JOIN {down} ON {t}.{p} = {down}.node\n"
            f"      WHERE {down}.level <= {depth}\n"
            "    )"
        )
        body = (
            f"  SELECT RAISE(ABORT, {message})\n"
            "  FROM (\n"
            "    WITH RECURSIVE\n"
            f"{walk_up},\n"
            f"{walk_down}\n"
            f"    SELECT (SELECT max(level) FROM {up}) + coalesce((SELECT max(level) FROM {down}), 0) AS depth,\n"
            f"      EXISTS (SELECT 1 FROM {up} WHERE node = OLD.{k}) OR NEW.{p} = NEW.{k} AS cycle\n"
            "  )\n"
            f"  WHERE depth > {depth} OR cycle;\n"
        )
    return (
        f"CREATE TRIGGER {quote_identifier(max_depth_trigger_name(table, column, event))}\n"
        f"{head}\n"
        "FOR EACH ROW\n"
        f"WHEN NEW.{p} IS NOT NULL\n"
        "BEGIN\n"
        f"{body}"
        "END"
    )


def row_match_columns(table: Table) -> list[str]:
    """Columns that find one row again: the primary key, else a rowid alias no column hides."""
    if table.primary_key:
        return list(table.primary_key)
    for alias in ("rowid", "_rowid_", "oid"):
        if not any(name.lower() == alias for name in table.columns):
            return [alias]
    return list(table.columns)  # every rowid alias is a column name: match on all of them


def max_depth_key(table_name: str, table: Table, column: str) -> str | None:
    """The referenced column of the self-reference a max_depth trigger walks."""
    for foreign_key in table.foreign_keys:
        if foreign_key.references.table == table_name and foreign_key.columns == [column]:
            return foreign_key.references.columns[0]
    return None


# --- what SQLite holds of a design ----------------------------------------------------------


def is_rowid_identity(table: Table, column_name: str) -> bool:
    """Identity SQLite can keep: the one integer primary-key column, as INTEGER PRIMARY KEY AUTOINCREMENT."""
    column = table.columns[column_name]
    return column.identity is not None and table.primary_key == [column_name] and column.portable_type.is_integer


def _probe_columns(table: Table) -> tuple[tuple[str, str], ...]:
    return tuple((name, declared_type(column.portable_type)) for name, column in table.columns.items())


def implied_checks(column_name: str, portable: PortableType) -> list[str]:
    """Unnamed column CHECKs standing in for what a type means but SQLite does not enforce."""
    c = quote_identifier(column_name)
    if portable.kind == "varchar" and portable.length is not None:
        return [f"length({c}) <= {portable.length}"]
    if portable.kind == "boolean":
        return [f"{c} IN (0, 1)"]
    if portable.kind == "json" or portable.is_array:
        return [f"{c} IS NULL OR json_valid({c})"]  # json_valid(NULL) is 0 before SQLite 3.45
    return []


def enum_check_sql(column_name: str, values: list[str]) -> str:
    return f"{quote_identifier(column_name)} IN ({', '.join(_string_sql(value) for value in values)})"


def enum_recoverable(table: str, column: str, enum: str) -> bool:
    """Whether the enum's name survives in its check's name (long names are shortened by a hash)."""
    return naming.enum_from_check_name(table, column, naming.enum_check_name(table, column, enum)) == enum


@dataclass
class ColumnPlan:
    name: str
    column: Column
    portable: PortableType
    declared: str
    rowid_identity: bool = False
    default_sql: str | None = None
    generated_sql: str | None = None
    checks: list[str] = field(default_factory=list)
    enum_check: tuple[str, str] | None = None  # (constraint name, expression)


@dataclass
class IndexPlan:
    index: Index
    name: str
    keys: list[str] = field(default_factory=list)  # SQL of each key
    where_sql: str | None = None
    built: bool = True


@dataclass
class TablePlan:
    name: str
    table: Table
    columns: list[ColumnPlan] = field(default_factory=list)
    checks: list[tuple[str, CheckConstraint, str | None]] = field(default_factory=list)
    indexes: list[IndexPlan] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # -- lines in the file: what is not built


def _dependency_order(design: Design) -> list[str]:
    """Tables so that referenced ones come first; design order breaks ties and cycles."""
    from ..model.ordering import creation_order

    return creation_order(design)


def table_plans(design: Design, warnings: list[str]) -> list[TablePlan]:
    plans = []
    for table_name in _dependency_order(design):
        plans.append(table_plan(design, table_name, design.tables[table_name], warnings))
    return plans


def table_plan(design: Design, table_name: str, table: Table, warnings: list[str]) -> TablePlan:
    """How one table is built in SQLite: each column, check and index as SQL, and what is not kept."""
    plan = TablePlan(table_name, table)
    if table_name.lower().startswith("sqlite_"):
        warnings.append(f"{table_name}: SQLite reserves names starting with sqlite_ for itself; this DDL will not apply until the table is renamed")
    columns = _probe_columns(table)
    for column_name, column in table.columns.items():
        plan.columns.append(_column_plan(design, plan, column_name, column, columns, warnings))

    for unique in table.unique:
        if unique.nulls_not_distinct:
            name = unique.name or naming.unique_name(table_name, unique.columns)
            warnings.append(f"{table_name}: unique constraint {name}: SQLite has no NULLS NOT DISTINCT; NULLs stay distinct")

    for position, check in enumerate(table.checks):
        name = check.name if table.unnamed_constraints else check.name or naming.check_name(table_name, position)
        sql = sqlite_expression(check.expression, "check", table_name, columns)
        if sql is None:
            warnings.append(f"{table_name}: check {name} ({check.expression}) has no SQLite equivalent; not created")
            plan.notes.append(f"Not created: check {name} ({check.expression}): SQLite cannot evaluate it.")
        plan.checks.append((name, check, sql))

    known = set(table.columns)
    for index, name in zip(table.indexes, naming.index_names(table_name, table)):
        plan.indexes.append(_index_plan(plan, index, name, known, columns, warnings))
    for trigger in table.triggers:
        if trigger.definition is not None and trigger.dialect != DIALECT.name:
            warnings.append(f"{table_name}: trigger {trigger.name} is written for {trigger.dialect}; not built for SQLite")

    if table.row_level_security or table.policies:
        policies = ", ".join(policy.name for policy in table.policies)
        what = "row-level security" + (f" and policies {policies}" if policies else "")
        warnings.append(f"{table_name}: SQLite has no row-level security; {what} not applied")
        plan.notes.append(f"Not applied: {what} on {table_name}: SQLite has no row-level security.")
    return plan


def _column_plan(design: Design, plan: TablePlan, column_name: str, column: Column, columns, warnings: list[str]) -> ColumnPlan:
    """One column's declared type, identity, default or generated SQL and implied checks."""
    table_name, table = plan.name, plan.table
    where = f"{table_name}.{column_name}"
    portable = column.portable_type
    item = ColumnPlan(column_name, column, portable, declared_type(portable))
    if column.identity is not None:
        if is_rowid_identity(table, column_name):
            item.rowid_identity = True
            item.declared = "INTEGER"
            if column.identity == "always":
                warnings.append(
                    f"{where}: identity always becomes INTEGER PRIMARY KEY AUTOINCREMENT,"
                    " which also accepts ids given explicitly"
                )
        else:
            warnings.append(
                f"{where}: SQLite generates values only for a single-column INTEGER PRIMARY KEY;"
                " this identity is not kept and the column gets no generated values"
            )
            plan.notes.append(f"Not kept: identity of {where} (SQLite generates only INTEGER PRIMARY KEY values).")
    if portable.is_array:
        warnings.append(f"{where}: SQLite has no arrays; {column.type} is stored as JSON text (JSON_TEXT), element type not enforced")
    elif portable.kind == "json":
        warnings.append(f"{where}: json is stored as text in SQLite (JSON_TEXT, checked with json_valid()); no jsonb operators or GIN indexes")
    if column.generated is not None:
        item.generated_sql = sqlite_expression(column.generated, "generated", table_name, columns)
        if item.generated_sql is None:
            warnings.append(f"{where}: generated expression {column.generated} has no SQLite equivalent; it is a plain column there")
            plan.notes.append(f"Not kept: {where} GENERATED ALWAYS AS ({column.generated}): SQLite cannot evaluate it.")
    elif column.default is not None and not item.rowid_identity:
        item.default_sql = render_default(column.default, portable, table_name)
        if item.default_sql is None:
            warnings.append(f"{where}: default {column.default.value} has no SQLite equivalent; the column has no default there")
            plan.notes.append(f"Not kept: default {column.default.value} of {where}: SQLite cannot evaluate it.")
    item.checks = implied_checks(column_name, portable)
    if column.declared_type is not None:  # kept exactly as a SQLite database declared it
        item.declared, item.checks = column.declared_type, []
    if column.collation is not None and column.collation.upper() not in _COLLATIONS:
        warnings.append(f"{where}: SQLite has no collation {column.collation} (only BINARY, NOCASE, RTRIM); built without it")
    if portable.is_enum and portable.enum in design.enums:
        item.enum_check = (
            naming.enum_check_name(table_name, column_name, portable.enum),  # type: ignore[arg-type]
            enum_check_sql(column_name, design.enums[portable.enum]),  # type: ignore[index]
        )
    return item


def _index_plan(plan: TablePlan, index: Index, name: str, known: set[str], columns, warnings: list[str]) -> IndexPlan:
    """One index's key SQL and predicate, or why it is not built."""
    table_name = plan.name
    item = IndexPlan(index, name)
    described = ", ".join(index.columns + index.expressions)
    if index.method not in _BUILDABLE_METHODS:
        item.built = False
        warnings.append(f"{table_name}: index {name} ({index.method} on {described}) is not built: SQLite has no {index.method} indexes")
        plan.notes.append(f"Not built: index {name} ({index.method} on {described}): SQLite has no {index.method} indexes.")
        return item
    keys = []
    for key in index.keys(known):
        keys.append(quote_identifier(key.column) + (" DESC" if key.descending else ""))
    if any(key.nulls for key in index.keys(known)):
        warnings.append(f"{table_name}: index {name}: SQLite indexes have no NULLS FIRST/LAST; built without it")
    for expression in index.expressions:
        sql = sqlite_expression(expression, "index", table_name, columns)
        if sql is None:
            item.built = False
            warnings.append(f"{table_name}: index {name} is not built: SQLite cannot evaluate {expression}")
            plan.notes.append(f"Not built: index {name} on {expression}: SQLite cannot evaluate it.")
            break
        keys.append(sql)
    if item.built and index.where is not None:
        item.where_sql = sqlite_expression(index.where, "where", table_name, columns)
        if item.where_sql is None:
            item.built = False
            warnings.append(f"{table_name}: index {name} is not built: SQLite cannot evaluate its WHERE {index.where}")
            plan.notes.append(f"Not built: index {name} WHERE {index.where}: SQLite cannot evaluate it.")
    if item.built and index.include:
        warnings.append(f"{table_name}: index {name}: SQLite has no INCLUDE ({', '.join(index.include)}); built without it")
    item.keys = keys
    return item


# --- render ---------------------------------------------------------------------------------


def _constraint_prefix(name: str | None) -> str:
    return f"CONSTRAINT {quote_identifier(name)} " if name is not None else ""


def primary_key_constraint_name(table_name: str, table: Table) -> str | None:
    """The primary key's name as built; None when the table keeps its constraints unnamed."""
    if table.unnamed_constraints:
        return table.primary_key_name
    return naming.table_primary_key_name(table_name, table)


def declared_default_sql(text: str) -> str:
    """A default as PRAGMA table_info gives it, as DEFAULT can take it: an expression in parentheses."""
    bare = text.strip()
    if _INTEGER.match(bare) or _HEX.match(bare) or _FLOAT.match(bare) or _STRING.match(bare) or bare.upper() in _LITERAL_WORDS:
        return bare
    return f"({bare})"


_LITERAL_WORDS = {"NULL", "TRUE", "FALSE", "CURRENT_TIMESTAMP", "CURRENT_DATE", "CURRENT_TIME"}


def column_definition(table_name: str, item: ColumnPlan, table: Table) -> str:
    parts = [quote_identifier(item.name)] + ([item.declared] if item.declared else [])
    if item.rowid_identity:
        parts.append(f"{_constraint_prefix(primary_key_constraint_name(table_name, table))}PRIMARY KEY AUTOINCREMENT")
    elif not item.column.nullable and not item.column.key_without_not_null:
        parts.append("NOT NULL")
    if item.column.collation is not None and item.column.collation.upper() in _COLLATIONS:
        parts.append(f"COLLATE {item.column.collation}")
    if item.generated_sql is not None:
        parts.append(f"GENERATED ALWAYS AS ({item.generated_sql}) {'VIRTUAL' if item.column.virtual else 'STORED'}")
    elif item.column.declared_default is not None:
        parts.append(f"DEFAULT {declared_default_sql(item.column.declared_default)}")
    elif item.default_sql is not None:
        parts.append(f"DEFAULT {item.default_sql}")
    for check in item.checks:
        parts.append(f"CHECK ({check})")
    if item.enum_check is not None:
        parts.append(f"CONSTRAINT {quote_identifier(item.enum_check[0])} CHECK ({item.enum_check[1]})")
    return " ".join(parts)


def _columns_list(names: list[str]) -> str:
    return ", ".join(quote_identifier(name) for name in names)


def _foreign_key_sql(table_name: str, foreign_key: ForeignKey, unnamed: bool = False) -> str:
    name = foreign_key.name if unnamed else foreign_key.name or naming.foreign_key_name(table_name, foreign_key.columns)
    text = (
        f"{_constraint_prefix(name)}FOREIGN KEY ({_columns_list(foreign_key.columns)})"
        f" REFERENCES {quote_identifier(foreign_key.references.table)} ({_columns_list(foreign_key.references.columns)})"
    )
    if foreign_key.on_delete not in (None, "no action"):
        text += f" ON DELETE {foreign_key.on_delete.upper()}"
    if foreign_key.on_update not in (None, "no action"):
        text += f" ON UPDATE {foreign_key.on_update.upper()}"
    if foreign_key.deferrable:
        text += " DEFERRABLE INITIALLY " + ("DEFERRED" if foreign_key.initially_deferred else "IMMEDIATE")
    return text


def create_table_statement(plan: TablePlan) -> str:
    table, name = plan.table, plan.name
    lines = [column_definition(name, item, table) for item in plan.columns]
    if table.primary_key and not any(item.rowid_identity for item in plan.columns):
        lines.append(f"{_constraint_prefix(primary_key_constraint_name(name, table))}PRIMARY KEY ({_columns_list(table.primary_key)})")
    for unique in table.unique:
        unique_name = unique.name if table.unnamed_constraints else unique.name or naming.unique_name(name, unique.columns)
        lines.append(f"{_constraint_prefix(unique_name)}UNIQUE ({_columns_list(unique.columns)})")
    for check_name, _check, sql in plan.checks:
        if sql is not None:
            lines.append(f"{_constraint_prefix(check_name)}CHECK ({sql})")
    for foreign_key in table.foreign_keys:
        lines.append(_foreign_key_sql(name, foreign_key, table.unnamed_constraints))
    options = [text for text, wanted in (("WITHOUT ROWID", table.without_rowid), ("STRICT", table.strict)) if wanted]
    return f"CREATE TABLE {quote_identifier(name)} (\n  " + ",\n  ".join(lines) + "\n)" + (" " + ", ".join(options) if options else "") + ";"


def index_statement(table_name: str, item: IndexPlan) -> str:
    text = "CREATE UNIQUE INDEX" if item.index.unique else "CREATE INDEX"
    text += f" {quote_identifier(item.name)} ON {quote_identifier(table_name)} ({', '.join(item.keys)})"
    if item.where_sql is not None:
        text += f" WHERE {item.where_sql}"
    return text + ";"


def trigger_statements(plan: TablePlan) -> list[str]:
    statements = []
    for trigger in plan.table.triggers:
        if trigger.definition is not None:
            if trigger.dialect == DIALECT.name:
                statements.append(definition_statement(trigger.definition))
            continue  # written for another dialect: not built here
        if trigger.kind == "updated_at":
            statements.append(updated_at_trigger_sql(plan.name, trigger.column or "updated_at", row_match_columns(plan.table)) + ";")
        else:
            key = max_depth_key(plan.name, plan.table, trigger.column or "")
            if key is None:  # the invariants forbid this; say so rather than write a broken trigger
                continue
            for event in ("insert", "update"):
                statements.append(max_depth_trigger_sql(plan.name, trigger.column or "", key, trigger.depth or 0, event) + ";")
    return statements


# --- views, virtual tables, triggers on views -------------------------------------------------


def names_in(sql: str) -> set[str]:
    """Every identifier `sql` mentions, lower-cased: what a view or trigger may depend on."""
    return {token.value.lower() for token in tokenize(sql) if token.kind in ("word", "quoted")}


def view_order(views: dict) -> list[str]:
    """View names so that each comes after the views its query reads; design order otherwise."""
    lowered = {name.lower(): name for name in views}
    needs = {name: {lowered[word] for word in names_in(view.query) if word in lowered and lowered[word] != name} for name, view in views.items()}
    order: list[str] = []
    placed: set[str] = set()
    while len(order) < len(views):
        ready = [name for name in views if name not in placed and needs[name] <= placed]
        name = ready[0] if ready else next(name for name in views if name not in placed)  # a cycle: SQLite refuses it anyway
        order.append(name)
        placed.add(name)
    return order


def view_statement(name: str, view) -> str:
    columns = f" ({_columns_list(view.columns)})" if view.columns else ""
    return f"CREATE VIEW {quote_identifier(name)}{columns} AS {view.query.strip().rstrip(';')};"


def virtual_table_statement(name: str, virtual) -> str:
    return f"CREATE VIRTUAL TABLE {quote_identifier(name)} USING {virtual.using.strip().rstrip(';')};"


def definition_statement(definition: str) -> str:
    return definition.strip().rstrip(";") + ";"


def schema_rows_created(statement: str) -> int:
    """How many rows of sqlite_schema a CREATE VIRTUAL TABLE adds (its shadow tables too); 1 if unknown."""
    connection = sqlite3.connect(":memory:")
    try:
        connection.execute(statement)
        return connection.execute(_COUNT_OBJECTS).fetchone()[0]
    except sqlite3.Error:
        return 1
    finally:
        connection.close()


def object_statements(design: Design, warnings: list[str]) -> list[tuple[str, int]]:
    """(statement, rows of sqlite_schema it creates) for the virtual tables, views and their triggers.

    Objects written for another dialect are left out, each with a warning naming it.
    """
    statements: list[tuple[str, int]] = []
    for name, virtual in design.virtual_tables.items():
        if virtual.dialect != DIALECT.name:
            warnings.append(f"virtual table {name} is written for {virtual.dialect}; not built for SQLite")
            continue
        statement = virtual_table_statement(name, virtual)
        statements.append((statement, schema_rows_created(statement)))
    for name in view_order(design.views):
        view = design.views[name]
        if view.dialect != DIALECT.name:
            warnings.append(f"view {name} is written for {view.dialect}; not built for SQLite")
            continue
        if view.materialized:
            warnings.append(f"view {name}: SQLite has no materialized views; built as a plain view")
        statements.append((view_statement(name, view), 1))
        for trigger in view.triggers:
            if trigger.dialect != DIALECT.name:
                warnings.append(f"view {name}: trigger {trigger.name} is written for {trigger.dialect}; not built for SQLite")
                continue
            statements.append((definition_statement(trigger.definition), 1))
    return statements


_GUARD_TABLE = "temp.schemasmith_apply_guard"
_COUNT_OBJECTS = "SELECT count(*) FROM main.sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"


def render(design: Design) -> DdlOutput:
    """`schema.sql` for SQLite, and what of the design it could not express."""
    implied, warnings = without_columnless_tables(with_implied(design), "SQLite")
    plans = table_plans(implied, warnings)

    commented = []
    for plan in plans:
        if plan.table.comment is not None:
            commented.append(plan.name)
        commented += [f"{plan.name}.{item.name}" for item in plan.columns if item.column.comment is not None]
    if commented:
        warnings.insert(
            0,
            "SQLite keeps no comments in its catalog; the comments on "
            + ", ".join(commented)
            + f" are written into {FILE_NAME} as -- lines only",
        )

    blocks: list[str] = []
    header = [
        f"SQLite schema for the design {design.name!r}, generated by schemasmith from its design document.",
        f"Apply with: sqlite3 app.db < {FILE_NAME}   (or: sqlite3 -bail app.db \".read {FILE_NAME}\")",
        "It runs as one transaction: if any statement fails, nothing is applied.",
    ]
    if commented:
        header.append("SQLite keeps no comments in its catalog: the design's comments are the -- lines above each table.")
    blocks.append("\n".join(line for text in header for line in comment_lines(text)))
    blocks.append("PRAGMA foreign_keys = ON;\n\nBEGIN;")
    blocks.append(
        "\n".join(
            comment_lines(
                "The sqlite3 tool goes on after a failed statement unless run with -bail; this guard and the"
                " check before COMMIT roll everything back if any object below was not created."
            )
        )
        + f"\nCREATE TABLE {_GUARD_TABLE} (objects INTEGER NOT NULL);\n"
        f"INSERT INTO {_GUARD_TABLE} {_COUNT_OBJECTS};"
    )

    created = 0
    for plan in plans:
        lines: list[str] = []
        if plan.table.comment is not None:
            lines += comment_lines(f"{plan.name}: {plan.table.comment}")
        for item in plan.columns:
            if item.column.comment is not None:
                lines += comment_lines(f"{plan.name}.{item.name}: {item.column.comment}")
        for note in plan.notes:
            lines += comment_lines(note)
        lines.append(create_table_statement(plan))
        created += 1
        for item in plan.indexes:
            if item.built:
                lines.append(index_statement(plan.name, item))
                created += 1
        triggers = trigger_statements(plan)
        created += len(triggers)
        blocks.append("\n".join(lines) + ("\n\n" + "\n\n".join(triggers) if triggers else ""))
    for statement, rows in object_statements(implied, warnings):
        blocks.append(statement)
        created += rows

    message = quote_literal(f"{FILE_NAME} did not apply completely, so nothing of it was applied")
    blocks.append(
        f"CREATE TRIGGER temp.schemasmith_apply_check BEFORE DELETE ON {_GUARD_TABLE.split('.', 1)[1]}\n"
        f"WHEN ({_COUNT_OBJECTS}) <> OLD.objects + {created}\n"
        "BEGIN\n"
        f"  SELECT RAISE(ROLLBACK, {message});\n"
        "END;\n"
        f"DELETE FROM {_GUARD_TABLE};\n"
        f"DROP TABLE {_GUARD_TABLE};\n"
        "\n"
        "COMMIT;"
    )
    return DdlOutput(files={FILE_NAME: "\n\n".join(blocks) + "\n"}, warnings=warnings)


# --- project --------------------------------------------------------------------------------


def infer_conventions(design: Design) -> Conventions:
    """The conventions a SQLite schema shows (`model.conventions.observed`); enums are CHECKs.

    `identity` (AUTOINCREMENT) only when every integer key has it: the convention would add
    AUTOINCREMENT to a plain INTEGER PRIMARY KEY, so a schema with both says `integer`.
    """
    found = observed_conventions(design, "check")
    if key_convention(design)[2]:
        found["primary_key"] = "integer"
    return Conventions(**found)


def simplify_names(table_name: str, table: Table, index_names: list[str]) -> Table:
    """The table with constraint and index names left out where they are the conventional ones.

    `index_names` are the names the database has; an index keeps its name unless leaving every
    conventional one out gives exactly these names back.
    """
    unique = [
        item.model_copy(update={"name": None}) if item.name == naming.unique_name(table_name, item.columns) else item
        for item in table.unique
    ]
    checks = [
        item.model_copy(update={"name": None}) if item.name == naming.check_name(table_name, position) else item
        for position, item in enumerate(table.checks)
    ]
    foreign_keys = [
        item.model_copy(update={"name": None}) if item.name == naming.foreign_key_name(table_name, item.columns) else item
        for item in table.foreign_keys
    ]
    named = [index.model_copy(update={"name": name}) for index, name in zip(table.indexes, index_names)]
    table = table.model_copy(update={"unique": unique, "checks": checks, "foreign_keys": foreign_keys, "indexes": named})
    conventional = naming.conventional_index_names(table_name, table)
    stripped = [
        index.model_copy(update={"name": None}) if index.name == conventional[position] else index
        for position, index in enumerate(named)
    ]
    candidate = table.model_copy(update={"indexes": stripped})
    if naming.index_names(table_name, candidate) == index_names:
        return candidate
    return table


def _projected_table(plan: TablePlan) -> Table:
    table, name = plan.table, plan.name
    columns: dict[str, Column] = {}
    enum_checks: list[CheckConstraint] = []
    for item in plan.columns:
        column = item.column
        portable = item.portable
        new_type = "json" if portable.is_array else str(portable)
        identity = None
        default = None
        generated = None
        if item.rowid_identity:
            new_type, identity = "integer", "by default"
        elif item.generated_sql is not None:
            generated = design_expression(item.generated_sql)
        elif item.default_sql is not None:
            default = design_default(item.default_sql, parse_type(new_type))
            if default is not None and _is_implied_uuid_default(table, item.name, new_type, default):
                default = None
        if item.enum_check is not None and not enum_recoverable(name, item.name, portable.enum or ""):
            # the check's name lost the enum's name to shortening: SQLite keeps a plain check
            new_type = "text"
            enum_checks.append(CheckConstraint(name=item.enum_check[0], expression=design_expression(item.enum_check[1])))
        columns[item.name] = Column(
            type=new_type,
            nullable=column.nullable,
            default=default,
            identity=identity,
            generated=generated,
            virtual=column.virtual and generated is not None,
            collation=column.collation if column.collation is not None and column.collation.upper() in _COLLATIONS else None,
            declared_type=column.declared_type,
            key_without_not_null=column.key_without_not_null,
            declared_default=column.declared_default,
        )
    checks = list(enum_checks)
    for check_name, check, sql in plan.checks:
        if sql is not None:
            checks.append(CheckConstraint(name=check_name, expression=design_expression(sql)))
    unique = [
        UniqueConstraint(name=item.name or naming.unique_name(name, item.columns), columns=list(item.columns))
        for item in table.unique
    ]
    foreign_keys = [
        fk.model_copy(
            update={
                "name": fk.name or naming.foreign_key_name(name, fk.columns),
                "on_delete": None if fk.on_delete == "no action" else fk.on_delete,
                "on_update": None if fk.on_update == "no action" else fk.on_update,
                "reason": None,
            }
        )
        for fk in table.foreign_keys
    ]
    indexes, index_names = [], []
    known = set(table.columns)
    for item in plan.indexes:
        if not item.built:
            continue
        index = item.index
        keys = [str(IndexKey(key.column, key.descending)) for key in index.keys(known)]
        expressions = [design_expression(sql) for sql in item.keys[len(keys):]]
        indexes.append(
            Index(
                columns=keys,
                expressions=expressions,
                unique=index.unique,
                where=design_expression(item.where_sql) if item.where_sql is not None else None,
            )
        )
        index_names.append(item.name)
    triggers = [
        Trigger(name=t.name, definition=t.definition, dialect=t.dialect) if t.definition is not None else Trigger(kind=t.kind, column=t.column, depth=t.depth)
        for t in table.triggers
        if t.definition is None or t.dialect == DIALECT.name
    ]
    projected = Table(
        columns=columns,
        primary_key=list(table.primary_key),
        unique=unique,
        checks=checks,
        foreign_keys=foreign_keys,
        indexes=indexes,
        triggers=triggers,
        strict=table.strict,
        without_rowid=table.without_rowid,
    )
    if table.unnamed_constraints:
        kept = simplify_names(name, projected, index_names)
        return kept.model_copy(update={
            "unnamed_constraints": True, "primary_key_name": table.primary_key_name,
            "unique": [item.model_copy(update={"name": old.name}) for item, old in zip(unique, table.unique)],
            "checks": checks,
            "foreign_keys": [item.model_copy(update={"name": old.name}) for item, old in zip(foreign_keys, table.foreign_keys)],
        })
    return simplify_names(name, projected, index_names)


def _is_implied_uuid_default(table: Table, column_name: str, type_text: str, default: Default) -> bool:
    return (
        table.primary_key == [column_name]
        and type_text == "uuid"
        and default.is_expression
        and normalize_expression(str(default.value)) == normalize_expression(UUID_DEFAULT)
    )


def project(design: Design) -> Design:
    """The design an import of this dialect's DDL gives back: what SQLite can hold of `design`."""
    implied = strip_documentation(with_implied(design))
    plans = table_plans(implied, [])
    tables = {plan.name: _projected_table(plan) for plan in plans}
    ordered = {name: tables[name] for name in implied.tables}
    enums: dict[str, list[str]] = {}
    for plan in plans:
        for item in plan.columns:
            table_column = ordered[plan.name].columns[item.name]
            portable = table_column.portable_type
            if portable.is_enum and portable.enum in implied.enums and portable.enum not in enums:
                enums[portable.enum] = list(implied.enums[portable.enum])  # type: ignore[index]
    views = {name: _projected_view(view) for name, view in implied.views.items() if view.dialect == DIALECT.name}
    virtual = {name: item for name, item in implied.virtual_tables.items() if item.dialect == DIALECT.name}
    projected = Design(name=implied.name, conventions=Conventions(enum_style="check"), enums=enums, tables=ordered, views=views,
                       virtual_tables=virtual)
    return projected.model_copy(update={"conventions": infer_conventions(projected)})


def _projected_view(view):
    """What SQLite keeps of a view: its query, column names and its SQLite triggers."""
    triggers = [trigger for trigger in view.triggers if trigger.dialect == DIALECT.name]
    return type(view)(query=view.query, dialect=view.dialect, columns=view.columns, triggers=triggers)


class SqliteDialect(Dialect):
    """SQLite: the flags and spellings that differ from the base dialect."""

    name = "sqlite"
    label = "SQLite"
    alter_column_type = False
    file_database = True
    keeps_comments = False
    folds_unquoted_names = False
    views_as_kept_sql = True

    def identifier_preparers(self) -> tuple:
        return (identifier_preparer(),)

    def reserved_beyond_sqlalchemy(self, name: str) -> bool:
        # SQLite keywords SQLAlchemy's list lacks.
        return name.upper() in _SQLITE_KEYWORDS

    def clean_expression(self, text: str, **context) -> str:
        return design_expression(text)

    def column_type(self, portable: PortableType, enum_style: str = "check") -> str:
        return declared_type(portable)  # enums are always text + CHECK in SQLite

    def default_sql(self, default: Default, portable: PortableType, where: str, **context) -> str | None:
        return render_default(default, portable, context.get("table", "t"))

    def constraint_sql(self, table_name: str, table: Table, position: int) -> str:
        return _foreign_key_sql(table_name, table.foreign_keys[position])

    def index_sql(self, table_name: str, table: Table, index_name: str, index: Index) -> str:
        plan = table_plan(Design(name=table_name, tables={table_name: table}), table_name, table, [])
        item = next(item for item in plan.indexes if item.index == index)
        item.name = index_name or item.name
        return index_statement(table_name, item)

    def trigger_statements(self, design: Design) -> list[str]:
        return [statement for plan in table_plans(design, []) for statement in trigger_statements(plan)]

    def project(self, design: Design) -> Design:
        return project(design)

    def render(self, design: Design, **options) -> DdlOutput:
        return render(design)


#: The SQLite dialect object the module-level functions above speak for.
DIALECT = SqliteDialect()
