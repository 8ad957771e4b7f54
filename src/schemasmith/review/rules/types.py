"""Column types: money, time zones, length limits, and JSON that queries look inside."""

from __future__ import annotations

import json
import re

from ..context import Context
from ..definition import rule
from ..finding import Violation
from ..fixes import column_flow
from ..words import parts, regex

_JSON_OPERATOR = r"(->>|->|#>>|#>|@>|\?\||\?&|\?(?!\?))"
_LITERAL = r"'((?:[^']|'')*)'"
_FILTER_START = re.compile(r"\b(?:where|on|having)\b", re.IGNORECASE)


def _filter_text(sql: str) -> str:
    """The part of a query after its first WHERE/ON: where filters live (not the select list)."""
    match = _FILTER_START.search(sql)
    return sql[match.start():] if match else ""


def _json_type(value) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "bigint"
    if isinstance(value, float):
        return "numeric"
    return "text"


_CAST = re.compile(r"^\s*\)?\s*::\s*(?P<type>[a-z]+(?:\s+precision)?)", re.IGNORECASE)


def json_filters(sql: str, column: str) -> list[tuple[str, str, str]]:
    """(operator, key, portable type) for each field of `column` a query filters on.

    Each key of a containment literal counts, typed by its JSON value; a `->>` field by the cast
    applied to it (text without one).
    """
    found: list[tuple[str, str, str]] = []
    pattern = regex(rf"(?<![A-Za-z0-9_]){re.escape(column)}\"?\s*{_JSON_OPERATOR}\s*(?:{_LITERAL}|(:?\w+))", re.IGNORECASE)
    text_part = _filter_text(sql)
    for match in pattern.finditer(text_part):
        operator, literal, other = match.groups()
        text = literal.replace("''", "'") if literal else other
        if operator == "@>" and literal:
            try:
                value = json.loads(text)
            except ValueError:
                value = None
            if isinstance(value, dict):
                found.extend((operator, key, _json_type(item)) for key, item in value.items())
                continue
        kind = "text"
        cast = _CAST.match(text_part[match.end():])
        if cast:
            from ...model.types import UnknownTypeError, canonical_type

            try:
                kind = canonical_type(cast["type"])
            except UnknownTypeError:
                kind = "text"
        found.append((operator, text, kind))
    return found


@rule("SS205", "filtered-json-field", "info", "design")
def filtered_json_field(ctx: Context):
    """
    ## What it does
    Finds json columns whose fields the design's `queries:` filter on (`col->>'key' = …`,
    `col @> '{"key": …}'`, `col ? 'key'`), and says whether an index serves that filter.

    ## Why is this bad?
    A field that queries filter on is part of the schema, just not a declared one: it has no
    type, no NOT NULL, no CHECK and no foreign key, and the planner keeps no statistics about
    it, so it guesses how many rows match and picks plans by that guess. Without a GIN index
    (for `@>` and `?`) or an expression index (for `->>`), every such query reads the whole
    table. A field every row has and every filter reads usually deserves a column of its own.

    ## Example
    ```yaml
    tables:
      products:
        columns:
          id: {type: uuid}
          attributes: {type: json}
        primary_key: [id]
    queries:
      - id: red_products
        sql: SELECT id FROM products WHERE attributes->>'color' = 'red'
    ```

    ## Use instead
    ```yaml
    tables:
      products:
        columns:
          id: {type: uuid}
          color: {type: text}
          attributes: {type: json}
        primary_key: [id]
        indexes:
          - {columns: [color], serves: [red_products]}
    queries:
      - id: red_products
        sql: SELECT id FROM products WHERE color = 'red'
    ```
    """
    if not ctx.design.queries:
        return
    for name, table in ctx.design.tables.items():
        json_columns = [column for column, model in table.columns.items() if model.portable_type.kind == "json"]
        if not json_columns:
            continue
        queries = ctx.queries_about(name)
        for column in json_columns:
            hits: dict[str, list[str]] = {}
            operators: dict[str, set[str]] = {}
            types: dict[str, str] = {}
            for query in queries:
                for operator, key, kind in json_filters(query.sql, column):
                    hits.setdefault(key, []).append(query.id)
                    operators.setdefault(key, set()).add(operator)
                    types.setdefault(key, kind)
            if not hits:
                continue
            gin = any(index.method == "gin" and index.columns[:1] == [column] for index in table.indexes)
            expressions = " ".join(expression for index in table.indexes for expression in index.expressions)
            for key, query_ids in hits.items():
                used = operators[key]
                if used & {"@>", "?", "?|", "?&"}:
                    served = gin
                else:
                    served = re.search(rf"{re.escape(column)}\s*->>?\s*'{re.escape(key)}'", expressions) is not None
                field = _field_name(key)
                type_text = types[key]
                serving = "An index serves it, but" if served else "No index serves it, and"
                named = ", ".join(dict.fromkeys(query_ids))
                yield Violation(
                    table=name,
                    column=column,
                    message=f"queries filter on {name}.{column} field {key!r} ({named})",
                    reason=f"{serving} the field has no type, constraint or planner statistics inside json; if every row"
                    f" has it, promote it to a column ({field}) that can be typed, checked and indexed.",
                    sql=_promote_sql(ctx, name, column, key, field, type_text),
                    design=ctx.patch(name, columns={field: column_flow(type_text, nullable=True, comment=f"Promoted from {column}->>'{key}'.")}),
                )


def _field_name(key: str) -> str:
    return "_".join(parts(key)) or "field"


def _promote_sql(ctx: Context, table: str, column: str, key: str, field: str, type_text: str) -> str:
    q = ctx.sql.q
    add = ctx.sql.add_column(table, field, type_text)
    if ctx.sql.rebuilds_tables:
        return add + f"\nUPDATE {q(table)} SET {q(field)} = json_extract({q(column)}, {ctx.sql.literal('$.' + key)});"
    value = f"{q(column)} ->> {ctx.sql.literal(key)}"
    if type_text != "text":
        value = f"({value})::{ctx.sql.type_sql(type_text)}"
    return add + f"\nUPDATE {q(table)} SET {q(field)} = {value};"


MONEY_WORDS = frozenset(
    {
        "price", "amount", "cost", "total", "subtotal", "fee", "fees", "balance", "salary", "wage", "tax", "discount",
        "revenue", "payment", "charge", "refund", "budget", "income", "expense", "paid", "due", "money", "credit", "debit",
    }
)
NOT_MONEY = frozenset({"rate", "ratio", "percent", "percentage", "pct", "score", "weight", "factor", "share", "count"})


@rule("SS206", "money-as-float", "error", "design")
def money_as_float(ctx: Context):
    """
    ## What it does
    Finds `real` and `double` columns whose name says money: price, amount, cost, total, fee,
    balance, salary, tax, discount, revenue, payment and the like (not rates or ratios).

    ## Why is this bad?
    Binary floating point cannot hold most decimal fractions: 0.1 + 0.2 is 0.30000000000000004.
    Sums drift by cents, totals disagree with their lines, comparisons for equality fail, and
    accounting cannot reconcile. `numeric(p,s)` stores exact decimals (on SQLite, store integer
    cents).

    ## Example
    ```yaml
    tables:
      products:
        columns:
          id: {type: uuid}
          price: {type: double}
        primary_key: [id]
    ```

    ## Use instead
    ```yaml
    tables:
      products:
        columns:
          id: {type: uuid}
          price: {type: "numeric(12,2)"}
        primary_key: [id]
    ```
    """
    for name, table in ctx.design.tables.items():
        for column_name, column in table.columns.items():
            if column.portable_type.kind not in ("real", "double"):
                continue
            words = set(parts(column_name))
            if not words & MONEY_WORDS or words & NOT_MONEY:
                continue
            if ctx.sql.rebuilds_tables:
                cents = f"{column_name}_cents"
                sql = (ctx.sql.add_column(name, cents, "bigint")
                       + f"\nUPDATE {ctx.sql.q(name)} SET {ctx.sql.q(cents)} = CAST(round({ctx.sql.q(column_name)} * 100) AS INTEGER);")
                how = f"store integer cents ({cents}) — SQLite has no exact decimal type"
            else:
                sql = ctx.sql.alter_type(name, column_name, "numeric(12,2)", f"round({ctx.sql.q(column_name)}::numeric, 2)")
                how = "use numeric(12,2) (or the precision the currency needs)"
            yield Violation(
                table=name,
                column=column_name,
                message=f"{name}.{column_name} holds money in a {column.portable_type} (binary floating point)",
                reason=f"Floats cannot hold most cent values exactly (0.1 + 0.2 ≠ 0.3): sums drift and totals stop"
                f" reconciling; {how}.",
                sql=sql,
                design=ctx.patch(name, columns={column_name: column_flow("numeric(12,2)", nullable=column.nullable or None)}),
            )


@rule("SS207", "timestamp-without-time-zone", "warning", "design", profiles=("postgres",))
def timestamp_without_time_zone(ctx: Context):
    """
    ## What it does
    Finds `timestamp` (without time zone) columns. Not reported under the sqlite profile, where
    no date type carries a zone.

    ## Why is this bad?
    A `timestamp` is a wall-clock reading with no zone: the same value means different instants
    for servers, sessions and users in different zones, and daylight-saving changes make some
    readings ambiguous and others impossible. `timestamptz` stores an instant (as UTC) and shows
    it in the session's zone; it costs the same eight bytes.

    ## Example
    ```yaml
    tables:
      events:
        columns:
          id: {type: uuid}
          starts_at: {type: timestamp}
        primary_key: [id]
    ```

    ## Use instead
    ```yaml
    tables:
      events:
        columns:
          id: {type: uuid}
          starts_at: {type: timestamptz}
        primary_key: [id]
    ```
    """
    if ctx.sql.rebuilds_tables:
        return
    for name, table in ctx.design.tables.items():
        for column_name, column in table.columns.items():
            if column.portable_type.kind != "timestamp":
                continue
            yield Violation(
                table=name,
                column=column_name,
                message=f"{name}.{column_name} is a timestamp without time zone",
                reason="It records a wall-clock reading, not an instant: readers in other zones (and across daylight-saving"
                " changes) get a different moment. timestamptz stores the instant at the same cost.",
                sql=ctx.sql.alter_type(name, column_name, "timestamptz", f"{ctx.sql.q(column_name)} AT TIME ZONE 'UTC'")
                + "  -- assumes the stored readings are UTC",
                design=ctx.patch(name, columns={column_name: _with_type(column, "timestamptz")}),
            )


def _with_type(column, type_text: str):
    from ..fixes import Flow

    data = column.model_dump(mode="json", exclude_defaults=True)
    data["type"] = type_text
    if column.default is not None:
        data["default"] = column.default.to_yaml()
    return Flow(data)


#: Limits set by a standard, recognised by the column's name: (name words, lengths).
KNOWN_LIMITS = (
    ({"email"}, {254, 320}),
    ({"country"}, {2, 3}),
    ({"currency"}, {3}),
    ({"iban"}, {34}),
    ({"isbn"}, {10, 13}),
    ({"color", "colour"}, {7, 9}),
    ({"phone", "msisdn"}, {15, 16}),
    ({"ip"}, {39, 45}),
    ({"sha1"}, {40}),
    ({"sha256"}, {64}),
)
_LIMIT_REASON = re.compile(r"\b(?:characters?|chars?|limit|at most|max(?:imum)?|rfc|iso|standard|spec|bytes?)\b")


@rule("SS208", "varchar-without-reason", "info", "design", profiles=("postgres",))
def varchar_without_reason(ctx: Context):
    """
    ## What it does
    Finds `varchar(n)` columns with no reason for their limit. A reason is the number or
    words such as "characters", "at most", "RFC", "ISO" in the column's comment, or a
    well-known standard length for the column's name (email 254/320, country 2/3, currency 3,
    …). PostgreSQL profiles only.

    ## Why is this bad?
    In PostgreSQL `varchar(n)` is `text` with a length check and no speed or space advantage.
    A limit that is a real rule (a country code is 2 letters, an email at most 320 characters)
    deserves its reason next to it; a limit picked by habit (200, 255) turns into an outage
    when real data is longer, and is then changed under an exclusive lock. `text` with a CHECK
    states a deliberate limit and can be changed without a rewrite.

    ## Example
    ```yaml
    tables:
      articles:
        columns:
          id: {type: uuid}
          title: {type: varchar(255)}
        primary_key: [id]
    ```

    ## Use instead
    ```yaml
    tables:
      articles:
        columns:
          id: {type: uuid}
          title: {type: text, comment: Shown in one line of the article list.}
        primary_key: [id]
        checks:
          - {expression: char_length(title) <= 200, reason: Titles longer than 200 characters break the one-line list.}
    ```
    """
    for name, table in ctx.design.tables.items():
        checked = None
        for column_name, column in table.columns.items():
            portable = column.portable_type
            if portable.kind != "varchar" or portable.length is None:
                continue
            comment = (column.comment or "").lower()
            if str(portable.length) in comment or _LIMIT_REASON.search(comment):
                continue
            words = set(parts(column_name))
            if any(words & names and portable.length in lengths for names, lengths in KNOWN_LIMITS):
                continue
            if checked is None:
                checked = ctx.checked_columns(table)
            limit = portable.length
            q = ctx.sql.q
            constraint = f"{name}_{column_name}_length"
            sql = (
                f"ALTER TABLE {q(name)} ALTER COLUMN {q(column_name)} TYPE text;\n"
                + ctx.sql.add_constraint(name, constraint, f"CHECK (char_length({q(column_name)}) <= {limit})")
            )
            design = None
            if ctx.from_design:
                from ..fixes import table_snippet

                design = table_snippet(
                    name,
                    columns={column_name: _with_type(column, "text")},
                    checks=[{"expression": f"char_length({column_name}) <= {limit}", "reason": f"WHY at most {limit} characters"}],
                )
            yield Violation(
                table=name,
                column=column_name,
                message=f"{name}.{column_name} is varchar({limit}) with no reason for {limit}",
                reason=f"In PostgreSQL varchar({limit}) is text plus a length check; say why {limit} (in the comment), or use"
                " text with a CHECK that states the rule and can change without a table rewrite.",
                sql=sql,
                design=design,
            )


#: uuid-ossp's generators and what PostgreSQL has built in for them instead.
UUID_OSSP_GENERATORS = ("uuid_generate_v4", "uuid_generate_v1", "uuid_generate_v1mc")


def _builtin_uuid(ctx: Context) -> str:
    """`uuidv7()` where the oldest PostgreSQL the design targets has it (18), else `gen_random_uuid()`."""
    from ...dialects.postgres import UUIDV7_VERSION

    return "uuidv7()" if ctx.design.conventions.postgres_version >= UUIDV7_VERSION else "gen_random_uuid()"


@rule("SS211", "uuid-ossp-default", "info", "design", profiles=("postgres",))
def uuid_ossp_default(ctx: Context):
    """
    ## What it does
    Finds column defaults that call uuid-ossp's `uuid_generate_v4()` (or `uuid_generate_v1()`),
    and recommends the built-in `gen_random_uuid()`, or `uuidv7()` when
    `conventions.postgres_version` is 18 or later.

    ## Why is this bad?
    PostgreSQL has generated random uuids without an extension since version 13
    (`gen_random_uuid()`), and time-ordered ones since 18 (`uuidv7()`, which also keeps a
    primary key's index compact). Depending on `uuid-ossp` for them means one more extension
    every server must have and every dump must create: managed and embedded servers do not
    always ship it, and a schema that needs it does not apply there.

    ## Example
    ```yaml
    tables:
      accounts:
        columns:
          id: {type: uuid}
          token: {type: uuid, default: uuid_generate_v4()}
        primary_key: [id]
    ```

    ## Use instead
    ```yaml
    tables:
      accounts:
        columns:
          id: {type: uuid}
          token: {type: uuid, default: gen_random_uuid()}
        primary_key: [id]
    ```
    """
    from ...dialects.common import function_name

    builtin = _builtin_uuid(ctx)
    for name, table in ctx.design.tables.items():
        for column_name, column in table.columns.items():
            default = column.default
            if default is None or not default.is_expression:
                continue
            called = function_name(str(default.value))
            if called not in UUID_OSSP_GENERATORS:
                continue
            is_key = table.primary_key == [column_name] and column.portable_type.kind == "uuid"
            flow = _with_default(column, None if is_key else builtin)
            implied = " (a uuid key's default, so the design can leave it out)" if is_key else ""
            yield Violation(
                table=name,
                column=column_name,
                message=f"{name}.{column_name} defaults to {called}() of the uuid-ossp extension; PostgreSQL has {builtin} built in",
                reason=f"{builtin} needs no extension{implied}; uuid-ossp is one more extension every server must"
                " have, and servers without it (managed, embedded) cannot apply the schema.",
                sql=f"ALTER TABLE {ctx.sql.q(name)} ALTER COLUMN {ctx.sql.q(column_name)} SET DEFAULT {builtin};",
                design=ctx.patch(name, columns={column_name: flow}),
            )


def _with_default(column, default: str | None):
    from ..fixes import Flow

    data = column.model_dump(mode="json", exclude_defaults=True)
    data.pop("default", None)
    if default is not None:
        data["default"] = default
    return Flow(data)
