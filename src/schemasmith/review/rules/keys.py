"""Primary keys: that there is one, that its style follows the conventions, that it will not run out."""

from __future__ import annotations

from ...model.document import INTEGER_KEY_STYLES
from ...model.types import parse_type
from ..context import Context
from ..definition import rule
from ..finding import Violation
from ..fixes import column_flow

#: Largest value of each integer type.
INTEGER_MAX = {"smallint": 32_767, "integer": 2_147_483_647, "bigint": 9_223_372_036_854_775_807}


@rule("SS101", "missing-primary-key", "error", "integrity")
def missing_primary_key(ctx: Context):
    """
    ## What it does
    Finds tables without a primary key.

    ## Why is this bad?
    Without a primary key nothing tells two rows apart: duplicates slip in, one row cannot be
    updated or deleted without matching every column, foreign keys have nothing to reference,
    ORMs refuse the table, and logical replication cannot replicate its updates and deletes
    (they need a replica identity).

    ## Example
    ```yaml
    tables:
      events:
        columns:
          name: {type: text}
          happened_at: {type: timestamptz}
    ```

    ## Use instead
    ```yaml
    tables:
      events:
        columns:
          id: {type: uuid}
          name: {type: text}
          happened_at: {type: timestamptz}
        primary_key: [id]
    ```
    """
    for name, table in ctx.design.tables.items():
        if table.primary_key or ctx.inherited_key(name):
            continue  # a partition has its parent's key: the database makes it one
        sql, design, how = _key_fix(ctx, name)
        yield Violation(
            table=name,
            message=f"{name} has no primary key",
            reason="Rows cannot be told apart: duplicates slip in, single rows cannot be updated or deleted by key, "
            f"foreign keys cannot reference {name}, and logical replication cannot replicate its updates. {how}",
            sql=sql,
            design=design,
        )


def _key_fix(ctx: Context, name: str):
    table = ctx.design.tables[name]
    q = ctx.sql.q
    # An existing NOT NULL unique key (or an `id` column) is promoted; a junction keys on its pair.
    candidates = [sorted(columns, key=list(table.columns).index) for columns in ctx.unique_column_sets(table)]
    if ctx.is_junction(name) and len(table.foreign_keys) == 2:
        candidates.insert(0, [column for fk in table.foreign_keys for column in fk.columns])
    if "id" in table.columns:
        candidates.insert(0, ["id"])
    for columns in candidates:
        if all(not table.columns[column].nullable for column in columns):
            clause = f"PRIMARY KEY ({ctx.sql.columns(columns)})"
            sql = ctx.sql.add_constraint(name, f"{name}_pkey", clause)
            return sql, ctx.patch(name, primary_key=columns), f"Make ({', '.join(columns)}) the primary key."
    if ctx.design.conventions.primary_key == "uuid":
        type_text, extra = "uuid", "NOT NULL DEFAULT gen_random_uuid()"
    else:  # an integer key style: an identity of the conventions' integer type numbers the rows there are
        type_text, extra = ctx.design.conventions.key_type, "GENERATED ALWAYS AS IDENTITY"
    if ctx.sql.rebuilds_tables:
        sql = ctx.sql.rebuild(name, "add a primary key")
    else:
        sql = f"ALTER TABLE {q(name)} ADD COLUMN {q('id')} {ctx.sql.type_sql(type_text)} {extra} PRIMARY KEY;"
    identity = None if type_text == "uuid" else "always"
    design = ctx.patch(name, columns={"id": column_flow(type_text, identity=identity)}, primary_key=["id"])
    return sql, design, f"Add a surrogate key `id` ({type_text}, following the conventions)."


def article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


KEY_MIGRATION = (
    "-- A key's type changes together with every foreign key that references it: change the design and let\n"
    "-- `schemasmith diff old.yaml new.yaml` write the migration (or rebuild, if no data exists yet)."
)


@rule("SS209", "key-style-against-conventions", "info", "design")
def key_style_against_conventions(ctx: Context):
    """
    ## What it does
    Finds single-column primary keys whose type differs from `conventions.primary_key`: an
    integer key where the conventions say uuid, or a uuid key where they say an integer style
    (identity, serial or integer).

    ## Why is this bad?
    One key style per schema keeps foreign keys, ORMs, URLs and generated code uniform; a table
    that differs without saying why makes every reader wonder whether it matters. Either style
    is fine (uuid keys can be made anywhere and do not leak row counts; identity keys are smaller
    and ordered); mixing them by accident is not. When the difference is deliberate, say so in
    the table's rationale (e.g. "bigint identity: an append-only log read in insertion order").
    A schema imported from DDL or a database is held to the key type most of its tables use;
    `import` records it (e.g. `primary_key: serial` for Pagila's sequence-numbered keys).

    ## Example
    ```yaml
    conventions: {primary_key: uuid}
    tables:
      invoices:
        columns:
          id: {type: integer, identity: always}
          total: {type: "numeric(12,2)"}
        primary_key: [id]
    ```

    ## Use instead
    ```yaml
    conventions: {primary_key: uuid}
    tables:
      invoices:
        columns:
          id: {type: uuid}
          total: {type: "numeric(12,2)"}
        primary_key: [id]
    ```
    """
    convention = ctx.key_style
    for name, table in ctx.tables.items():
        if len(table.primary_key) != 1 or table.primary_key[0] not in table.columns:
            continue
        key = table.primary_key[0]
        column = table.columns[key]
        portable = column.portable_type
        if any(fk.columns == [key] for fk in table.foreign_keys):
            continue  # a key shared with the parent (1:1) takes the parent's type
        prose = ctx.table_prose(name)
        if convention == "uuid" and portable.is_integer:
            if any(word in prose for word in ("identity", "bigint", "integer key", "sequential", "insertion order")):
                continue
            yield _off_key_style(
                ctx, name, key, f"{article(str(portable))} {portable}", "uuid", "uuids",
                "Every other key is a uuid; say in the rationale why this one is not, or follow the conventions.",
                column_flow("uuid"),
            )
        elif convention in INTEGER_KEY_STYLES and portable.kind == "uuid":
            if any(word in prose for word in ("uuid", "offline", "client-generated", "merge", "public id")):
                continue
            integer = ctx.design.conventions.key_type
            usual = {
                "identity": f"{article(integer)} {integer} identity",
                "serial": f"{article(integer)} {integer} numbered by a sequence",
                "integer": f"{article(integer)} {integer}",
            }[convention]
            yield _off_key_style(
                ctx, name, key, "a uuid", convention, "integers",
                f"Every other key is {usual}; say in the rationale why this one is a uuid, or follow the conventions.",
                column_flow(ctx.design.conventions.key_type, identity="always"),
            )


def _off_key_style(ctx: Context, name: str, key: str, kind: str, style: str, usual: str, reason: str, flow) -> Violation:
    """A key that does not follow the key style: `kind` is what it is ("a uuid"), `style` the conventions'
    primary_key, `usual` what most keys of the schema are when there are no conventions."""
    return Violation(
        table=name,
        column=key,
        message=f"{name}.{key} is {kind} key but "
        + (f"conventions.primary_key is {style}" if ctx.from_design else f"most keys of this schema are {usual}"),
        reason=reason,
        sql=KEY_MIGRATION,
        design=ctx.patch(name, columns={key: flow}),
    )


@rule("SS210", "integer-key-may-overflow", "error", "design")
def integer_key_may_overflow(ctx: Context):
    """
    ## What it does
    Finds `integer` (or `smallint`) primary keys on tables whose `expected_rows` reach half of
    the type's range or more (about 1.07 billion for integer).

    ## Why is this bad?
    Sequences never give numbers back: rolled-back inserts, deletes and upserts burn values, so
    a key runs out well before the row count reaches the limit. When it runs out every insert
    fails, and widening the key (and every foreign key pointing at it) to bigint rewrites the
    tables under an exclusive lock. bigint costs four bytes more per row and never runs out.

    ## Example
    ```yaml
    tables:
      page_views:
        expected_rows: 3000000000
        columns:
          id: {type: integer, identity: always}
          path: {type: text}
        primary_key: [id]
    ```

    ## Use instead
    ```yaml
    tables:
      page_views:
        expected_rows: 3000000000
        columns:
          id: {type: bigint, identity: always}
          path: {type: text}
        primary_key: [id]
    ```
    """
    for name, table in ctx.design.tables.items():
        if table.expected_rows is None or len(table.primary_key) != 1:
            continue
        key = table.primary_key[0]
        column = table.columns.get(key)
        if column is None or column.portable_type.kind not in ("smallint", "integer"):
            continue
        limit = INTEGER_MAX[column.portable_type.kind]
        if table.expected_rows * 2 < limit:
            continue
        share = table.expected_rows / limit
        horizon = ctx.design.growth.horizon_months if ctx.design.growth else 12
        yield Violation(
            table=name,
            column=key,
            message=f"{name}.{key} is {column.portable_type} but {name} expects {ctx.number(table.expected_rows)} rows"
            f" ({share:.0%} of its {limit:,} values)",
            reason=f"The key runs out{' within ' + str(horizon) + ' months' if share >= 1 else ' soon after the load horizon'}"
            " (deleted and rolled-back rows burn values too); then every insert fails, and widening it later"
            " rewrites the table and every referencing one under an exclusive lock.",
            sql=ctx.sql.alter_type(name, key, "bigint"),
            design=ctx.patch(name, columns={key: column_flow("bigint", identity=column.identity)}),
        )


def integer_limit(type_text: str) -> int | None:
    return INTEGER_MAX.get(parse_type(type_text).kind)
