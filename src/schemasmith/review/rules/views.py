"""Views and materialized views: whose rights a view reads with, and whether a materialized view
can be refreshed without locking its readers out."""

from __future__ import annotations

from ...model import naming
from ..context import Context
from ..definition import rule
from ..finding import Violation
from ..objects import in_postgres_sql, query_key, refreshable_unique_index, relations_read

#: The first PostgreSQL with `security_invoker` views.
SECURITY_INVOKER_VERSION = 15


def protected_tables(ctx: Context, view: str, seen: frozenset[str] = frozenset()) -> list[str] | None:
    """Tables with row-level security that a view reads, directly or through other views; None
    when its query (or one it reads through) does not parse."""
    definition = ctx.design.views[view]
    if not in_postgres_sql(definition.dialect):
        return None
    relations = relations_read(definition.query)
    if relations is None:
        return None
    found: list[str] = []
    for schema, name in sorted(relations, key=lambda item: (item[0] or "", item[1])):
        key = ctx.relation(schema, name)
        if key in ctx.design.tables and ctx.design.tables[key].row_level_security:
            found.append(key)
        elif key in ctx.design.views and key not in seen and key != view:
            found += protected_tables(ctx, key, seen | {view}) or []
    return list(dict.fromkeys(found))


@rule("SS407", "view-bypasses-rls", "error", "security", profiles=("postgres",))
def view_bypasses_rls(ctx: Context):
    """
    ## What it does
    Finds views that read a table with row-level security without `security_invoker`: through
    joins, subqueries, CTEs and other views, schema-qualified names included.

    ## Why is this bad?
    A view reads its tables with the rights of the view's owner, not of the role that queries
    it. The owner is usually the table's owner, whom row-level security does not apply to (unless
    the table forces it), so everyone allowed to select from the view sees every row the policies
    hide: on Supabase, where views in `public` are served to every client, one request reads all
    the users' rows. From PostgreSQL 15, `WITH (security_invoker = true)` makes the view check
    permissions and policies as the caller (who then needs SELECT on the tables too).
    Materialized views are not reported: they store rows, and the option does not apply to them.

    ## Example
    ```sql
    CREATE TABLE notes (id uuid PRIMARY KEY, user_id uuid NOT NULL, body text NOT NULL);
    ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
    CREATE POLICY own_notes ON notes USING (user_id = current_setting('app.user_id')::uuid);
    CREATE VIEW recent_notes AS SELECT id, body FROM notes;
    ```

    ## Use instead
    ```sql
    CREATE TABLE notes (id uuid PRIMARY KEY, user_id uuid NOT NULL, body text NOT NULL);
    ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
    CREATE POLICY own_notes ON notes USING (user_id = current_setting('app.user_id')::uuid);
    CREATE VIEW recent_notes WITH (security_invoker = true) AS SELECT id, body FROM notes;
    ```
    """
    version = ctx.design.conventions.postgres_version
    for name, view in ctx.design.views.items():
        if view.materialized or view.security_invoker:
            continue
        tables = protected_tables(ctx, name)
        if not tables:
            continue
        sql = f"ALTER VIEW {ctx.qualified(name)} SET (security_invoker = true);"
        extra = None
        if ctx.from_design and version < SECURITY_INVOKER_VERSION:
            sql = f"-- security_invoker needs PostgreSQL {SECURITY_INVOKER_VERSION} or later (the design targets {version})\n" + sql
            extra = {"conventions": {"postgres_version": SECURITY_INVOKER_VERSION}}
        read = ", ".join(tables)
        yield Violation(
            table=name,
            message=f"view {name} reads {read} (row-level security) with its owner's rights, so the policies do not apply to its callers",
            reason="A view checks permissions and policies as its owner, who usually owns the tables and so skips their"
            " policies: whoever may select from the view sees every row. security_invoker makes it read as the caller.",
            sql=sql,
            design=ctx.object_patch("views", name, extra, security_invoker=True),
            path=("views", name),
        )


@rule("SS312", "materialized-view-without-unique-index", "warning", "operations", profiles=("postgres",))
def materialized_view_without_unique_index(ctx: Context):
    """
    ## What it does
    Finds materialized views without a unique index on plain columns (no expression, no WHERE).

    ## Why is this bad?
    `REFRESH MATERIALIZED VIEW` without `CONCURRENTLY` takes an ACCESS EXCLUSIVE lock: every
    query of the view waits until the whole query behind it has run again, which on a view worth
    materializing is seconds to minutes, on every refresh. `CONCURRENTLY` lets readers go on, and
    PostgreSQL refuses it unless the view has a unique index that uses only column names and
    covers all rows. The fix names the key when the query shows it (the columns it groups by, or
    every column of a SELECT DISTINCT); otherwise choose the columns that identify a row.

    ## Example
    ```sql
    CREATE TABLE payments (id bigint PRIMARY KEY, category text NOT NULL, amount numeric(10,2) NOT NULL);
    CREATE MATERIALIZED VIEW sales_by_category AS
        SELECT category, sum(amount) AS total FROM payments GROUP BY category;
    ```

    ## Use instead
    ```sql
    CREATE TABLE payments (id bigint PRIMARY KEY, category text NOT NULL, amount numeric(10,2) NOT NULL);
    CREATE MATERIALIZED VIEW sales_by_category AS
        SELECT category, sum(amount) AS total FROM payments GROUP BY category;
    CREATE UNIQUE INDEX sales_by_category_category_idx ON sales_by_category (category);
    ```
    """
    for name, view in ctx.design.views.items():
        if not view.materialized or not in_postgres_sql(view.dialect):
            continue
        keys = [index for index in view.indexes if index.unique]
        if any(refreshable_unique_index(index.definition, index.columns, index.expressions, index.where) for index in keys):
            continue
        found = query_key(view.query)
        design = None
        if found is not None:
            key, basis = found
            index_name = naming.fit(f"{naming.base_name(name)}_{'_'.join(key)}_idx")
            sql = f"CREATE UNIQUE INDEX {ctx.sql.q(index_name)} ON {ctx.qualified(name)} ({ctx.sql.columns(key)});"
            design = ctx.object_patch("views", name, indexes=[{"name": index_name, "columns": key, "unique": True}])
            how = f"{', '.join(key)} {'identifies' if len(key) == 1 else 'identify'} a row: {basis}"
        else:
            sql = (f"-- choose the columns that identify a row of {name}, then:\n"
                   f"-- CREATE UNIQUE INDEX ON {ctx.qualified(name)} (…);")
            how = "its query does not show a key: choose the columns that identify a row"
        yield Violation(
            table=name,
            message=f"materialized view {name} has no unique index on plain columns, so it cannot be refreshed concurrently",
            reason="REFRESH MATERIALIZED VIEW without CONCURRENTLY locks every reader out until the query has run again;"
            f" CONCURRENTLY needs a unique index on column names only ({how}).",
            sql=sql,
            design=design,
            path=("views", name),
        )
