"""Constraints checked while writes wait: CHECK / FOREIGN KEY, UNIQUE / PRIMARY KEY, NOT NULL."""

from __future__ import annotations

from .. import rewrites
from ..finding import Hazard
from ..replay import Observation
from ..definition import existing, lint_rule, size_words


@lint_rule("SM103", "constraint-checked-under-lock")
def constraint_checked_under_lock(observation: Observation) -> Hazard | None:
    """
    ## What it does
    Finds `ADD CONSTRAINT … CHECK` or `… FOREIGN KEY` (also `REFERENCES` on an added column)
    without `NOT VALID` on an existing table.

    ## Why is this bad?
    Adding the constraint reads every row to check it while holding the lock: ACCESS EXCLUSIVE
    for a CHECK, SHARE ROW EXCLUSIVE on both tables for a foreign key, so writes (and for a
    CHECK, reads) wait for the whole scan.

    ## Example
    ```sql
    ALTER TABLE tasks ADD CONSTRAINT tasks_project_id_fkey
      FOREIGN KEY (project_id) REFERENCES projects (id);
    ```

    ## Use instead
    ```sql
    ALTER TABLE tasks ADD CONSTRAINT tasks_project_id_fkey
      FOREIGN KEY (project_id) REFERENCES projects (id) NOT VALID;
    -- in its own transaction
    ALTER TABLE tasks VALIDATE CONSTRAINT tasks_project_id_fkey;
    ```
    """
    if observation.action.kind not in ("add_check", "add_foreign_key") or not existing(observation):
        return None
    what = "FOREIGN KEY" if observation.action.kind == "add_foreign_key" else "CHECK"
    return Hazard(
        f"ADD {what} on {observation.action.table} ({size_words(observation)}) checks every row while holding {observation.fact.lock}",
        observation.fact.note,
        rewrites.not_valid_then_validate(observation),
    )


@lint_rule("SM104", "unique-index-built-under-lock")
def unique_index_built_under_lock(observation: Observation) -> Hazard | None:
    """
    ## What it does
    Finds `ADD CONSTRAINT … UNIQUE` or `… PRIMARY KEY` that builds its index in the statement
    (no `USING INDEX`) on an existing table.

    ## Why is this bad?
    The unique index is built while ACCESS EXCLUSIVE is held: neither reads nor writes reach the
    table until the build over every row ends.

    ## Example
    ```sql
    ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);
    ```

    ## Use instead
    ```sql
    CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);
    ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;
    ```
    """
    if observation.action.kind not in ("add_unique", "add_primary_key", "add_exclusion") or not existing(observation):
        return None
    if observation.action.detail.get("new_column"):
        return None  # a new column is all NULL or default: its index builds from one value
    return Hazard(
        f"{observation.action.kind.replace('add_', 'ADD ').replace('_', ' ').upper()} on {observation.action.table} ({size_words(observation)}) builds its index under ACCESS EXCLUSIVE",
        observation.fact.note,
        rewrites.unique_index_then_attach(observation) or None,
    )


@lint_rule("SM105", "not-null-scans-table")
def not_null_scans_table(observation: Observation) -> Hazard | None:
    """
    ## What it does
    Finds `ALTER COLUMN … SET NOT NULL` on an existing table when no validated
    `CHECK (column IS NOT NULL)` proves it already (the scratch copy's catalog tells).

    ## Why is this bad?
    SET NOT NULL reads the whole table under ACCESS EXCLUSIVE to look for NULLs. Since
    PostgreSQL 12 a validated CHECK lets it skip the scan, and VALIDATE takes only SHARE
    UPDATE EXCLUSIVE.

    ## Example
    ```sql
    ALTER TABLE tasks ALTER COLUMN project_id SET NOT NULL;
    ```

    ## Use instead
    ```sql
    ALTER TABLE tasks ADD CONSTRAINT tasks_project_id_not_null CHECK (project_id IS NOT NULL) NOT VALID;
    ALTER TABLE tasks VALIDATE CONSTRAINT tasks_project_id_not_null;
    ALTER TABLE tasks ALTER COLUMN project_id SET NOT NULL;
    ALTER TABLE tasks DROP CONSTRAINT tasks_project_id_not_null;
    ```
    """
    if observation.action.kind != "set_not_null" or not existing(observation):
        return None
    return Hazard(
        f"SET NOT NULL on {observation.action.table}.{observation.action.column} ({size_words(observation)}) scans the table under ACCESS EXCLUSIVE",
        observation.fact.note,
        rewrites.not_null_through_check(observation),
    )


@lint_rule("SM107", "not-null-column-without-default")
def not_null_column_without_default(observation: Observation) -> Hazard | None:
    """
    ## What it does
    Finds `ADD COLUMN … NOT NULL` without a `DEFAULT` on an existing table.

    ## Why is this bad?
    On a table with rows it fails outright (the existing rows would be NULL); on an empty one it
    passes in development and fails in production. Running code that inserts without the new
    column breaks at once.

    ## Example
    ```sql
    ALTER TABLE tasks ADD COLUMN priority integer NOT NULL;
    ```

    ## Use instead
    ```sql
    ALTER TABLE tasks ADD COLUMN priority integer;
    ALTER TABLE tasks ALTER COLUMN priority SET DEFAULT 0;
    -- backfill in batches, then prove NOT NULL with a validated CHECK
    ```
    """
    if observation.action.kind != "add_column_not_null" or not existing(observation):
        return None
    return Hazard(
        f"ADD COLUMN {observation.action.column} NOT NULL without a default on {observation.action.table} ({size_words(observation)})",
        observation.fact.note,
        rewrites.add_column_then_backfill(observation) or None,
        severity="error" if observation.rows != 0 else None,
    )
