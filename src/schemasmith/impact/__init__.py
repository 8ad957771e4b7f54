"""Impact analysis: what depends on a table or a column, and views that keep old readers working.

`analysis` runs it (`analyze`, `render_text`), `design` and `database` find the dependents in a
design and in a live PostgreSQL database, `queries` reads the workload's SQL, `views` writes the
compatibility views, `model` holds what is found, and `command` is the CLI entry point.

`analyze(source, "tasks.project_id")` lists every object of the design that would notice a
change to it: foreign keys in both directions, the primary key, unique and check constraints,
indexes (key columns, expressions, partial `where`, `include`), triggers, row-level-security
policies, generated columns, and the workload's queries. Queries are parsed with PostgreSQL's
own parser (pglast) and their column references resolved through table aliases, subqueries and
CTEs, so `t.project_id` in `FROM tasks t` counts and `p.id` in a join to `projects p` does not.
For a live PostgreSQL URL the catalogs add views (pg_depend / pg_rewrite, transitively: a view
on a view) and functions whose body names the table (and column).

`compatibility_view(...)` writes PostgreSQL for the expand phase of a change: a view named like
the old table, in a `compat` schema, with the old shape on top of the new tables.

- a column rename (`--rename-to`): `compat.tasks` selects `new_name AS old_name`; a table rename:
  `compat.old` selects from the new table. Both are simple single-table views, which PostgreSQL
  updates automatically, so old writers keep working too.
- a table split (`--split-to user_profiles:display_name,…`): `compat.users` joins the table to
  the new part (`user_profiles.user_id` → `users.id`, one row per user) with LEFT JOIN; a join
  view is not updatable, so INSTEAD OF INSERT/UPDATE/DELETE triggers route writes to both tables,
  and the view gets the base tables' column defaults (copied from the catalog when applied).

Old readers switch with `SET search_path = compat, public` (or by naming `compat.users`); the
views are dropped in the contract phase, when no reader needs them any more.
"""

from .analysis import analyze, render_text
from .model import Compat, Dependent, Impact, ImpactError
from .queries import query_references

__all__ = ["Compat", "Dependent", "Impact", "ImpactError", "analyze", "query_references", "render_text"]
