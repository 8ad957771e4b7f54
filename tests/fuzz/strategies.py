"""Hypothesis strategies for the fuzz tests: mutated design documents, YAML values, and DDL.

Design documents start from every valid design in the repository (examples/ and the test
fixtures) and are mutated twice: on the data (keys dropped or renamed, values of the wrong type,
hostile identifiers, huge numbers, nulls, deep nesting) and on the text (truncation, tabs,
duplicated lines, anchors and aliases, tags, binary junk). DDL comes from a small grammar of
CREATE TABLE / CREATE INDEX / ALTER TABLE / CREATE TYPE / COMMENT ON with random column types,
constraints and quoted names, mixed with garbage, truncated statements, comments and dollar
quotes.

How many examples run: each test names its CI count (`examples(150)`); the `ci` profile is
derandomized so CI is reproducible. `SCHEMASMITH_FUZZ_SCALE=20` multiplies every count and
draws fresh random cases (a local campaign: 3,000 YAML and 800 SQL cases).
"""

from __future__ import annotations

import copy
import os
import re
from functools import cache
from pathlib import Path

import yaml
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

REPO = Path(__file__).resolve().parents[2]
SCALE = float(os.environ.get("SCHEMASMITH_FUZZ_SCALE", "1"))

settings.register_profile(
    "ci",
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
settings.register_profile(
    "campaign",
    parent=settings.get_profile("ci"),
    derandomize=False,
)
settings.load_profile("campaign" if SCALE != 1 else "ci")


def examples(ci_count: int) -> settings:
    """Settings for one fuzz test: `ci_count` cases in CI, times SCHEMASMITH_FUZZ_SCALE locally."""
    return settings(max_examples=max(1, round(ci_count * SCALE)))


# --- seeds: the valid designs in the repository ---------------------------------------------------

_SEED_GLOBS = (
    "examples/*.yaml",
    "examples/requirements/*.expected.yaml",
    "tests/fixtures/hostile/*.yaml",
    "tests/data/fixtures/*.yaml",
    "tests/migrate/designs/*.yaml",
    "tests/design/expected/*.yaml",
    "tests/review/fixtures/*/*.yaml",
)


@cache
def seed_designs() -> tuple[tuple[str, str], ...]:
    """(relative path, text) of every design document in the repository that loads cleanly."""
    from schemasmith.errors import SchemasmithError
    from schemasmith.model.yamlio import load_design_text

    seeds = []
    for pattern in _SEED_GLOBS:
        for path in sorted(REPO.glob(pattern)):
            text = path.read_text(encoding="utf-8")
            if not re.search(r"^name:", text, re.MULTILINE):
                text = f"name: {path.parent.name.lower()}\n{text}"  # the rule fixtures leave the name out
            try:
                load_design_text(text, path.name)
            except SchemasmithError:
                continue
            seeds.append((path.relative_to(REPO).as_posix(), text))
    return tuple(seeds)


@cache
def _seed_data(index: int):
    return yaml.safe_load(seed_designs()[index][1])


# --- values ----------------------------------------------------------------------------------------

HOSTILE_NAMES = (
    "user", "order", "select", "group", "table", "from", "where", "primary", "check", "default",
    'quote"inside', "it's", "with space", " leading", "trailing ", "", " ", "a.b", "schema.table",
    "Mixed Case", "UPPER", "名前", "ünïcödé", "emoji_🦆", "a\tb", "a\nb", "a\\b", "x" * 63, "x" * 64,
    "y" * 300, "1starts_with_digit", "-", "`backtick`", "[bracket]", "$1", "%s", "{name}", "a;b",
    "'; DROP TABLE x; --", "/* comment */", "\u202eright-to-left", "\u200bzero-width", "null", "NULL",
    "true", "~", "on", "no", "enum:", "enum:missing", "id", "created_at", "rowid", "oid", "ctid",
    "_", "__", "a" * 1000,
)
HUGE_NUMBERS = (
    2**31, 2**31 - 1, -(2**31) - 1, 2**63, 2**63 - 1, -(2**63) - 1, 2**64, 10**100, "HUGEINTMARKER",
    -1, 0, 1e308, -1e308, float("inf"), float("-inf"), float("nan"), 1e-320, 0.1,
)

names = st.one_of(st.sampled_from(HOSTILE_NAMES), st.text(min_size=0, max_size=12))
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from(HUGE_NUMBERS),
    st.floats(allow_nan=True, allow_infinity=True),
    names,
    st.text(),
)
yaml_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(names, children, max_size=4),
    ),
    max_leaves=12,
)

# --- mutations of the data -------------------------------------------------------------------------

_DEEP = "DEEPNESTINGMARKER"


def _places(data, path=()):
    """Every (container, key) of the tree, for a mutation to pick from."""
    places = []
    if isinstance(data, dict):
        for key, value in data.items():
            places.append((data, key))
            places.extend(_places(value))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            places.append((data, index))
            places.extend(_places(value))
    return places


def _rename(container: dict, key, new_key) -> None:
    """Rename `key` in place, keeping the order of the other keys."""
    items = list(container.items())
    container.clear()
    for old, value in items:
        container[new_key if old == key else old] = value


@st.composite
def mutated_data(draw):
    """A seed design's data with a few mutations applied."""
    index = draw(st.integers(0, len(seed_designs()) - 1))
    data = copy.deepcopy(_seed_data(index))
    for _ in range(draw(st.integers(1, 4))):
        places = _places(data)
        if not places:
            break
        container, key = draw(st.sampled_from(places))
        operation = draw(st.sampled_from(("drop", "rename", "value", "hostile", "huge", "null", "deep", "copy")))
        if operation == "drop":
            del container[key]
        elif operation == "rename" and isinstance(container, dict):
            new_key = draw(st.one_of(names, st.integers(), st.booleans(), st.none()))
            if new_key not in container:
                _rename(container, key, new_key)
        elif operation == "value":
            container[key] = draw(yaml_values)
        elif operation == "hostile":
            if isinstance(container, dict) and draw(st.booleans()):
                new_key = draw(st.sampled_from(HOSTILE_NAMES))
                if new_key not in container:
                    _rename(container, key, new_key)
            else:
                container[key] = draw(st.sampled_from(HOSTILE_NAMES))
        elif operation == "huge":
            container[key] = draw(st.sampled_from(HUGE_NUMBERS))
        elif operation == "null":
            container[key] = None
        elif operation == "deep":
            container[key] = f"{_DEEP}{draw(st.sampled_from((3, 30, 120, 300, 600, 990, 3000)))}{draw(st.sampled_from('[{'))}"
        elif operation == "copy":
            other_container, other_key = draw(st.sampled_from(places))
            container[key] = copy.deepcopy(other_container[other_key])
    return data


def _deep_value(match: re.Match) -> str:
    depth, kind = int(match["depth"]), match["kind"]
    return "[" * depth + "1" + "]" * depth if kind == "[" else "{a: " * depth + "1" + "}" * depth


def render(data, flow: bool | None = False) -> str:
    """The YAML text of mutated data, with the deep-nesting markers expanded."""
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=flow, width=10_000)
    text = re.sub(rf"{_DEEP}(?P<depth>\d+)(?P<kind>[\[{{])", _deep_value, text)
    return text.replace("HUGEINTMARKER", "1" + "0" * 5000)  # past Python's int-from-text digit limit


# --- mutations of the text -------------------------------------------------------------------------

_SNIPPETS = (
    "\t", "  ", "\x00", "\x1b[31m", "\ufeff", "\ud7ff", "\U0010ffff", "\x85", "\u2028", "\r", "\r\n",
    ": ", "- ", "? ", "{", "}", "[", "]", "'", '"', "#", "&anchor ", "*anchor", "*undefined", "<<: *anchor",
    "<<: 5", "!!python/object:os.system ", "!!binary aGVsbG8=", "!!set {a, b}", "!!timestamp 2001-12-14",
    "!!float", "!!int 'x'", "!custom ", "%YAML 1.1\n---\n", "---\n", "...\n", "|\n", ">-\n",
    "? [a, b]\n: c\n", "&a [1, 2]", "{*a: 1}", "2001-12-14t21:59:43.10-05:00", "0o777", "0x_ff",
    ".nan", ".inf", "1_000", "=", "<<", "2001-13-45", "!!bool x", "!!timestamp x", "&r [*r]", "&m {k: *m}",
)

_ALIASES = (
    "name: &n shop\ndescription: *n\n",
    "x-common: &cols\n  id: {type: bigint}\n",
    "base: &b {type: text}\nother: {<<: *b, nullable: true}\n",
    "a: &a [x, x, x]\nb: &b [*a, *a, *a]\nc: &c [*b, *b, *b]\nd: [*c, *c, *c]\n",
    "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
    + "".join(f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]\n" for n in range(1, 7)),  # a million values from 500 bytes
    "loop: &loop [*loop]\n",
)


@st.composite
def mutated_text(draw, text: str) -> str:
    """`text` with zero to three textual mutations."""
    for _ in range(draw(st.integers(0, 3))):
        lines = text.split("\n")
        position = draw(st.integers(0, len(lines) - 1))
        operation = draw(st.sampled_from(("truncate", "tab", "duplicate", "snippet", "junk", "alias", "anchor-key", "delete")))
        if operation == "truncate":
            text = text[: draw(st.integers(0, len(text)))]
            continue
        if operation == "tab":
            lines[position] = "\t" + lines[position].lstrip(" ")
        elif operation == "duplicate":
            lines.insert(position, lines[position])
        elif operation == "snippet":
            line = lines[position]
            at = draw(st.integers(0, len(line)))
            lines[position] = line[:at] + draw(st.sampled_from(_SNIPPETS)) + line[at:]
        elif operation == "junk":
            junk = draw(st.one_of(st.binary(min_size=1, max_size=16).map(lambda b: b.decode("latin-1")), st.text(min_size=1, max_size=8)))
            line = lines[position]
            at = draw(st.integers(0, len(line)))
            lines[position] = line[:at] + junk + line[at:]
        elif operation == "alias":
            lines.insert(0, draw(st.sampled_from(_ALIASES)).rstrip("\n"))
        elif operation == "anchor-key":
            line = lines[position]
            if ": " in line:
                key, value = line.split(": ", 1)
                lines[position] = f"{key}: &anchor {value}"
                lines.append(draw(st.sampled_from(("copy: *anchor", "tables: *anchor", "name: *anchor"))))
        elif operation == "delete" and len(lines) > 1:
            del lines[position]
        text = "\n".join(lines)
    return text


@st.composite
def design_texts(draw) -> str:
    """A design document: a mutated seed, rendered, perhaps mutated as text too."""
    source = draw(st.sampled_from(("seed", "data", "data", "value")))
    if source == "seed":
        text = draw(st.sampled_from(seed_designs()))[1]
    elif source == "data":
        text = render(draw(mutated_data()), draw(st.sampled_from((False, None))))
    else:
        text = render({"name": draw(names), "tables": draw(yaml_values)})
    return draw(mutated_text(text))


# --- DDL ---------------------------------------------------------------------------------------------

_WORDS = ("users", "orders", "items", "a", "b", "t1", "tags", "x", "note", "price", "owner", "state")
_RESERVED = ("user", "order", "select", "group", "check", "table", "default")
_PG_TYPES = (
    "integer", "int", "bigint", "smallint", "text", "varchar(20)", "varchar", "character varying(5)", "char(1)",
    "character(3)", "numeric(10,2)", "numeric", "decimal(5)", "boolean", "bool", "timestamptz", "timestamp",
    "timestamp(3) with time zone", "time", "timetz", "date", "interval", "uuid", "jsonb", "json", "bytea", "real",
    "double precision", "float8", "int[]", "text[]", "integer[][]", "serial", "bigserial", "smallserial", "inet",
    "cidr", "macaddr", "tsvector", "bit(3)", "bit varying(8)", "money", "xml", "point", "int4range", "oid", "name",
    '"char"', "citext", "mood", "pg_catalog.int4", "varchar(0)", "numeric(1001)", "nosuchtype",
)
_SQLITE_TYPES = (
    "INTEGER", "INT", "TEXT", "REAL", "BLOB", "NUMERIC", "VARCHAR(20)", "NVARCHAR(5)", "DATETIME", "BOOLEAN",
    "DOUBLE", "FLOAT", "DECIMAL(10,2)", "CHAR(1)", "BIGINT", "UNSIGNED BIG INT", "JSON", "DATE", "", "FOO BAR",
    "ANY", "VARYING CHARACTER(255)", "INTEGER PRIMARY KEY",
)
_DEFAULTS = (
    "0", "1", "-1", "'x'", "''", "'it''s'", "NULL", "true", "false", "now()", "CURRENT_TIMESTAMP", "(1 + 2)",
    "'{}'", "9999999999999999999999", "1e400", "'2020-01-01'", "gen_random_uuid()", "nextval('s')", "E'\\n'",
)
_SQLITE_DEFAULTS = (
    "0", "1", "-1", "+5", "'x'", "''", "'it''s'", "NULL", "TRUE", "FALSE", "CURRENT_TIMESTAMP", "CURRENT_DATE", "(1 + 2)",
    "(datetime('now'))", "(lower(hex(randomblob(16))))", "X'00ff'", "9999999999999999999999", "1e400", "'2020-01-01'",
)
_CHECKS = ("{c} > 0", "{c} IS NOT NULL", "length({c}) < 10", "{c} IN ('a', 'b')", "{c} <> ''", "true", "1")


@st.composite
def identifiers(draw, quoted_ok: bool = True) -> str:
    """A name as written in DDL: plain, or double-quoted with hostile content."""
    if quoted_ok and draw(st.booleans()):
        inner = draw(st.one_of(st.sampled_from(HOSTILE_NAMES[:30]), st.text(min_size=1, max_size=10)))
        inner = inner.replace("\x00", "")
        return '"' + inner.replace('"', '""') + '"'
    if draw(st.integers(0, 24)) == 0:
        return draw(st.sampled_from(_RESERVED))  # bare: PostgreSQL refuses most of them
    return draw(st.sampled_from(_WORDS)) + draw(st.sampled_from(("", "", "_id", "2", "_at")))


@st.composite
def column_definitions(draw, dialect: str, others: list[str], may_be_key: bool = False) -> tuple[str, str]:
    name = draw(identifiers())
    parts = [name, draw(st.sampled_from(_PG_TYPES if dialect == "postgres" else _SQLITE_TYPES))]
    kinds = ("not null", "not null", "null", "unique", "default", "default", "check", "references", "identity", "collate", "generated")
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(kinds + ("pk", "pk", "pk") if may_be_key else kinds))
        if kind == "not null":
            parts.append("NOT NULL")
        elif kind == "null":
            parts.append("NULL")
        elif kind == "pk":
            parts.append("PRIMARY KEY")
        elif kind == "unique":
            parts.append("UNIQUE")
        elif kind == "default":
            parts.append("DEFAULT " + draw(st.sampled_from(_DEFAULTS if dialect == "postgres" else _SQLITE_DEFAULTS)))
        elif kind == "check":
            parts.append(f"CHECK ({draw(st.sampled_from(_CHECKS)).format(c=name)})")
        elif kind == "references" and others:
            actions = ("", " ON DELETE CASCADE", " ON DELETE SET NULL", " ON UPDATE RESTRICT", " DEFERRABLE INITIALLY DEFERRED")
            action = draw(st.sampled_from(actions))
            parts.append(f"REFERENCES {draw(st.sampled_from(others))}{action}")
        elif kind == "identity" and dialect == "postgres":
            parts.append("GENERATED " + draw(st.sampled_from(("ALWAYS", "BY DEFAULT"))) + " AS IDENTITY")
        elif kind == "collate":
            parts.append('COLLATE "C"' if dialect == "postgres" else "COLLATE NOCASE")
        elif kind == "generated":
            parts.append("GENERATED ALWAYS AS (1) STORED")
            break
    return name, " ".join(parts)


@st.composite
def create_table(draw, dialect: str, tables: dict[str, list[str]]) -> str:
    table = draw(identifiers())
    columns, definitions = [], []
    for position in range(draw(st.integers(0 if dialect == "postgres" else 1, 5))):
        column, definition = draw(column_definitions(dialect, list(tables), may_be_key=position == 0))
        columns.append(column)
        definitions.append(definition)
    if columns and draw(st.booleans()):
        chosen = draw(st.lists(st.sampled_from(columns), min_size=1, max_size=3, unique=True))
        keyed = "PRIMARY KEY" in definitions[0]
        kind = draw(st.sampled_from(("UNIQUE", "FOREIGN KEY", "CHECK") + (() if keyed else ("PRIMARY KEY",))))
        prefix = f"CONSTRAINT {draw(identifiers())} " if draw(st.booleans()) else ""
        if kind == "CHECK":
            definitions.append(f"{prefix}CHECK ({chosen[0]} IS NOT NULL)")
        elif kind == "FOREIGN KEY":
            target = draw(st.sampled_from(list(tables) or [table]))
            definitions.append(f"{prefix}FOREIGN KEY ({', '.join(chosen)}) REFERENCES {target}")
        else:
            definitions.append(f"{prefix}{kind} ({', '.join(chosen)})")
    tables[table] = columns
    suffix = draw(st.sampled_from(("", "", " WITHOUT ROWID", " STRICT"))) if dialect == "sqlite" else ""
    return f"CREATE TABLE {draw(st.sampled_from(('', 'IF NOT EXISTS ')))}{table} ({', '.join(definitions)}){suffix}"


@st.composite
def other_statement(draw, dialect: str, tables: dict[str, list[str]]) -> str:
    table = draw(st.sampled_from(list(tables))) if tables else draw(identifiers())
    columns = tables.get(table) or [draw(identifiers())]
    column = draw(st.sampled_from(columns))
    if dialect == "postgres":
        kinds = (
            "index", "index", "add column", "add constraint", "rename", "drop column", "set default", "type", "comment", "view",
            "function", "garbage",
        )
    else:
        kinds = ("index", "index", "add column", "rename", "drop column", "view", "trigger", "garbage")
    kind = draw(st.sampled_from(kinds))
    if kind == "index":
        unique = draw(st.sampled_from(("", "UNIQUE ")))
        name = draw(identifiers()) + " " if draw(st.booleans()) else ("" if dialect == "postgres" else "ix ")
        key = draw(st.sampled_from((column, f"{column} DESC", f"lower({column})", f"({column} || 'x')")))
        where = draw(st.sampled_from(("", f" WHERE {column} IS NOT NULL", " WHERE 1 = 1")))
        return f"CREATE {unique}INDEX {name}ON {table} ({key}){where}"
    if kind == "add column":
        return f"ALTER TABLE {table} ADD COLUMN {draw(column_definitions(dialect, list(tables)))[1]}"
    if kind == "add constraint":
        return f"ALTER TABLE {table} ADD CONSTRAINT {draw(identifiers())} {draw(st.sampled_from(('UNIQUE', 'PRIMARY KEY')))} ({column})"
    if kind == "rename":
        return f"ALTER TABLE {table} RENAME COLUMN {column} TO {draw(identifiers())}"
    if kind == "drop column":
        return f"ALTER TABLE {table} DROP COLUMN {column}"
    if kind == "set default":
        return f"ALTER TABLE {table} ALTER COLUMN {column} SET DEFAULT {draw(st.sampled_from(_DEFAULTS))}"
    if kind == "type":
        labels = draw(st.lists(st.sampled_from(("a", "b", "it''s", "", "with space", "ü")), min_size=0, max_size=3, unique=True))
        return f"CREATE TYPE {draw(identifiers())} AS ENUM ({', '.join(repr_sql(label) for label in labels)})"
    if kind == "comment":
        return f"COMMENT ON {draw(st.sampled_from(('TABLE', 'COLUMN')))} {table}.{column} IS 'it''s -- /* x */'"
    if kind == "view":
        return f"CREATE VIEW {draw(identifiers())} AS SELECT {column} FROM {table}"
    if kind == "trigger":
        timing = draw(st.sampled_from(("AFTER UPDATE", "BEFORE INSERT", "AFTER DELETE", "AFTER UPDATE OF " + column)))
        body = draw(st.sampled_from((f"UPDATE {table} SET {column} = {column}", "SELECT 1", "SELECT RAISE(ABORT, 'no; never')")))
        return f"CREATE TRIGGER {draw(identifiers())} {timing} ON {table} FOR EACH ROW BEGIN {body}; END"
    if kind == "function":
        tag = draw(st.sampled_from(("$$", "$body$", "$x$")))
        return f"CREATE FUNCTION {draw(identifiers(False))}() RETURNS trigger LANGUAGE plpgsql AS {tag} BEGIN RETURN NEW; -- ; {tag}"
    return draw(garbage())


def repr_sql(label: str) -> str:
    return f"'{label}'"


@st.composite
def garbage(draw) -> str:
    return draw(
        st.one_of(
            st.sampled_from(
                (
                    "SELEC 1", "CREATE TABLE", "CREATE TABLE (", "CREATE TABLE t (id int", "DROP TABLE nosuch", "'unterminated",
                    '"unterminated', "$$ unterminated", "/* unterminated", "BEGIN", "COMMIT", "ROLLBACK", "CREATE DATABASE x",
                    "\\c other", "\\! echo hi", "\\o /tmp/x", "\\copy t to '/tmp/x'", "COPY t FROM PROGRAM 'true'",
                    "SET search_path = nowhere",
                    "ATTACH DATABASE '/tmp/x.db' AS x", "PRAGMA foreign_keys = ON", "VACUUM INTO '/tmp/x.db'", "CREATE SCHEMA s",
                    "CREATE TABLE s.t (id int)", "DO $$ BEGIN RAISE EXCEPTION 'boom'; END $$", "SELECT pg_sleep(0)", ";", "",
                    "CREATE TEMP TABLE tt (id int)", "CREATE EXTENSION IF NOT EXISTS nosuch", "CREATE VIRTUAL TABLE v USING fts5(x)",
                )
            ),
            st.text(max_size=40).map(lambda text: text.replace("\x00", "")),
        )
    )


@st.composite
def ddl_scripts(draw, dialect: str) -> str:
    """A DDL script: statements from the grammar, with comments, blank lines, and perhaps truncated."""
    tables: dict[str, list[str]] = {}
    statements = []
    for _ in range(draw(st.integers(1, 5))):
        if not tables or draw(st.integers(0, 2)) == 0:
            statement = draw(create_table(dialect, tables))
        else:
            statement = draw(other_statement(dialect, tables))
        if draw(st.integers(0, 19)) == 0:
            statement = statement[: draw(st.integers(0, len(statement)))]
        comments = ("", "", "", "-- a comment; with a semicolon\n", "/* block ; */ ", "/* nested /* x */ */\n")
        comment = draw(st.sampled_from(comments if dialect == "postgres" else comments[:-1]))  # SQLite does not nest comments
        statements.append(comment + statement + draw(st.sampled_from((";\n", ";\n\n", ";", "\n;\n"))))
    script = "".join(statements)
    if draw(st.integers(0, 19)) == 0:
        script = script[: draw(st.integers(0, len(script)))]
    return script


# --- a grammar of design documents: the real keys, random values ---------------------------------

_TYPES = (
    "bigint", "integer", "text", "varchar(40)", "varchar(0)", "varchar(99999999999)", "numeric(10,2)", "numeric(2,10)",
    "boolean", "timestamptz", "date", "uuid", "jsonb", "bytea", "enum:status", "enum:missing", "text[]", "int[][]",
    "nosuch", "varchar(", "numeric(1,2,3)", "char(-1)", "timestamp(9)", "", " bigint ", "BIGINT", "decimal",
)
_COLUMN_KEYS = ("type", "nullable", "default", "identity", "generated", "comment", "renamed_from", "backfill")
_TABLE_LIST_KEYS = ("unique", "checks", "foreign_keys", "indexes", "triggers", "policies", "suppress")
_ITEM_KEYS = (
    "name", "columns", "references", "on_delete", "on_update", "deferrable", "initially_deferred", "reason", "expressions",
    "unique", "method", "where", "include", "serves", "expression", "kind", "column", "depth", "command", "roles", "using",
    "with_check", "permissive", "rule", "table",
)
_PLAUSIBLE = st.sampled_from(
    ("cascade", "set null", "restrict", "btree", "gin", "always", "by default", "updated_at", "select", "id", "now()", "x > 0", "SS102")
)


@st.composite
def shaped_designs(draw) -> dict:
    """A document with the design's real keys at the right levels and random, often wrong, values."""
    value = st.one_of(yaml_values, _PLAUSIBLE, st.sampled_from(_TYPES))
    tables = {}
    for _ in range(draw(st.integers(0, 3))):
        column_names = draw(st.lists(names, min_size=0, max_size=4, unique=True))
        columns = {}
        for column in column_names:
            keys = draw(st.lists(st.sampled_from(_COLUMN_KEYS), max_size=3, unique=True))
            columns[column] = {"type": draw(st.sampled_from(_TYPES))} | {key: draw(value) for key in keys}
        table: dict = {"columns": columns}
        reference = st.one_of(st.sampled_from(column_names or ["id"]), names)
        if draw(st.booleans()):
            table["primary_key"] = draw(st.lists(reference, max_size=2))
        for key in draw(st.lists(st.sampled_from(_TABLE_LIST_KEYS), max_size=2, unique=True)):
            items = []
            for _ in range(draw(st.integers(0, 2))):
                item_keys = draw(st.lists(st.sampled_from(_ITEM_KEYS), max_size=4, unique=True))
                item = {name: draw(st.one_of(value, st.lists(reference, max_size=2))) for name in item_keys}
                if "references" in item and draw(st.booleans()):
                    item["references"] = {"table": draw(st.one_of(names, st.just("t"))), "columns": draw(st.lists(reference, max_size=2))}
                items.append(item)
            table[key] = items
        tables[draw(st.one_of(names, st.just("t")))] = table
    document = {"name": draw(st.one_of(st.just("fuzz"), names)), "tables": tables}
    if draw(st.booleans()):
        document["enums"] = {draw(st.sampled_from(("status", "mood", ""))): draw(st.lists(st.one_of(names, scalars), max_size=3))}
    if draw(st.booleans()):
        key = draw(st.sampled_from(("primary_key", "audit_fields", "soft_delete", "enum_style", "naming", "postgres_version")))
        document["conventions"] = {key: draw(value)}
    return document
