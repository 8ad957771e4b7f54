"""What the target dialect cannot hold: the SQLite build's own list, as findings."""

from __future__ import annotations

from ...errors import SchemasmithError
from ..context import Context
from ..definition import rule
from ..finding import Violation


@rule("SS310", "sqlite-cannot-express", "warning", "operations", profiles=("sqlite",))
def sqlite_cannot_express(ctx: Context):
    """
    ## What it does
    Under the sqlite profile, reports what the SQLite build cannot express or expresses
    differently: arrays (stored as JSON text), GIN/GiST indexes, INCLUDE, NULLS NOT DISTINCT,
    identities that are not the rowid, expressions SQLite cannot evaluate, row-level security.
    The list is the one `schemasmith build --target sqlite` prints.

    ## Why is this bad?
    A design that runs on PostgreSQL in production and SQLite in tests or a prototype has two
    meanings wherever SQLite falls short: the array's element type is not enforced, the policy
    is not applied, the index does not exist. Tests pass on SQLite for data PostgreSQL would
    refuse. Knowing where the two differ is the price of using both.

    ## Example
    ```yaml
    tables:
      posts:
        columns:
          id: {type: uuid}
          tags: {type: "text[]"}
        primary_key: [id]
    ```

    ## Use instead
    ```yaml
    tables:
      posts:
        columns:
          id: {type: uuid}
        primary_key: [id]
      post_tags:
        kind: junction
        columns:
          post_id: {type: uuid}
          tag: {type: text}
        primary_key: [post_id, tag]
        foreign_keys:
          - {columns: [post_id], references: {table: posts, columns: [id]}, on_delete: cascade}
    ```
    """
    try:
        warnings = _sqlite_warnings(ctx)
    except SchemasmithError as error:
        yield Violation(table=None, message="the SQLite build fails", reason=str(error))
        return
    names = sorted(ctx.design.tables, key=len, reverse=True)
    for warning in warnings:
        if warning.startswith("SQLite keeps no comments"):
            continue  # the comments stay in the design and in the DDL file; nothing is lost
        table = next((name for name in names if warning.startswith((f"{name}.", f"{name}:"))), None)
        column = None
        text = warning
        if table is not None:
            rest = warning[len(table):]
            if rest.startswith("."):
                column = next(
                    (name for name in sorted(ctx.design.tables[table].columns, key=len, reverse=True) if rest.startswith(f".{name}:")),
                    None,
                )
            text = warning.split(": ", 1)[1] if ": " in warning else warning
        yield Violation(
            table=table,
            column=column,
            message=text,
            reason="The SQLite build differs from the PostgreSQL one here, so tests or a prototype on SQLite accept what"
            " PostgreSQL would not (or miss an index); keep the difference in mind, or design it away.",
        )


def _sqlite_warnings(ctx: Context) -> list[str]:
    """What the SQLite build says it cannot express, table by table.

    The per-table planner is what `render` runs for each table; calling it directly skips the
    file assembly (and its table ordering, which is quadratic on large schemas).
    """
    from ...dialects import sqlite
    from ...model.implied import with_implied

    implied = with_implied(ctx.design)
    warnings: list[str] = []
    for name, table in implied.tables.items():
        sqlite.table_plan(implied, name, table, warnings)
    return warnings
