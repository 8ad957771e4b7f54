"""Data loss and breaking running code: drops, truncates, renames, one-shot UPDATE/DELETE."""

from __future__ import annotations

from ..finding import Hazard
from ..replay import Observation
from ..definition import existing, lint_rule, size_words

_LOSSY = {"drop_table", "drop_column", "truncate", "drop_sequence"}


@lint_rule("SM108", "data-loss")
def data_loss(observation: Observation) -> Hazard | None:
    """
    ## What it does
    Finds `DROP TABLE`, `DROP COLUMN`, `TRUNCATE` and `DROP SEQUENCE` on objects that existed
    before the file (dropping what the same file created is not reported).

    ## Why is this bad?
    The values are gone, and a rollback of the code cannot bring them back; code still reading
    the table or column fails at once.

    ## Example
    ```sql
    ALTER TABLE tasks DROP COLUMN legacy_status;
    ```

    ## Use instead
    ```sql
    -- a contract step of its own, after the application stopped using the column
    -- and after a backup of its values
    ALTER TABLE tasks DROP COLUMN legacy_status;
    ```
    """
    action = observation.action
    if action.kind not in _LOSSY or observation.new_table:
        return None
    if action.kind == "drop_sequence" or not action.table:
        return None
    where = f"{action.table}.{action.column}" if action.column else action.table
    return Hazard(
        f"{action.kind.replace('_', ' ').upper()} {where} ({size_words(observation)}) loses data",
        observation.fact.note + "; " + (observation.fact.safe or "run it as its own contract step, after a backup"),
        None,
    )


@lint_rule("SM109", "breaks-running-code")
def breaks_running_code(observation: Observation) -> Hazard | None:
    """
    ## What it does
    Finds renames of existing tables and columns, drops of unique and primary keys, and drops of
    functions that existed before the files being linted (code and triggers that call them
    fail; a helper function an earlier file of the same run created is not reported).

    ## Why is this bad?
    The application that is running while the migration deploys still uses the old name (or
    relies on the uniqueness): its queries fail from the moment the statement commits until the
    new code is everywhere.

    ## Example
    ```sql
    ALTER TABLE tasks RENAME COLUMN title TO name;
    ```

    ## Use instead
    ```sql
    -- expand–contract: add the new column, keep both in step with a trigger, backfill,
    -- switch the application, then drop the old column; or for a table, rename it and
    -- leave a view under the old name until the application uses the new one
    ALTER TABLE tasks ADD COLUMN name text;
    ```
    """
    action = observation.action
    if action.kind == "drop_routine" and not observation.new_table:
        name = action.detail.get("object")
        return Hazard(f"dropping function {name} breaks the code and triggers that call it", observation.fact.note, None)
    if action.kind not in ("rename_table", "rename_column", "drop_unique", "drop_primary_key") or not existing(observation):
        return None
    what = {"rename_table": f"renaming table {action.table}", "rename_column": f"renaming {action.table}.{action.column}",
            "drop_unique": f"dropping unique constraint {action.constraint} of {action.table}",
            "drop_primary_key": f"dropping primary key {action.constraint} of {action.table}"}[action.kind]
    fix = None
    if action.kind == "rename_table":
        new = action.detail.get("new_name")
        old = action.table.split(".")[-1]
        fix = f"{observation.statement.sql};\n-- until the application uses {new}:\nCREATE VIEW {old} AS SELECT * FROM {new};"
    return Hazard(f"{what} breaks the code that is running", observation.fact.note + "; safe form: " + (observation.fact.safe or "a contract step after the application changed"), fix)


@lint_rule("SM112", "whole-table-update")
def whole_table_update(observation: Observation) -> Hazard | None:
    """
    ## What it does
    Finds `UPDATE` or `DELETE` of an existing table in a migration file (a backfill in one
    statement). Severity follows the table's size: error from 1,000,000 rows, warning from
    10,000 (or unknown size and no WHERE), info for unknown size with a WHERE; nothing under
    10,000 rows.

    ## Why is this bad?
    One statement over every row is one long transaction: row locks on every row it changes
    (concurrent writes to those rows wait), a burst of WAL that replicas must replay, and table
    bloat. Inside a migration's transaction the locks of the DDL before it are held too.

    ## Example
    ```sql
    UPDATE tasks SET priority = 0 WHERE priority IS NULL;
    ```

    ## Use instead
    ```sql
    -- batches that commit one by one, repeated until one updates 0 rows
    UPDATE tasks SET priority = 0
     WHERE ctid IN (SELECT ctid FROM tasks WHERE priority IS NULL LIMIT 10000);
    ```
    """
    action = observation.action
    if action.kind not in ("backfill", "delete_rows") or not existing(observation):
        return None
    rows = observation.rows
    if rows is not None and rows < 10_000:
        return None  # small tables: one statement is fine
    if rows is None:
        severity = "info" if action.detail.get("where") else "warning"
    else:
        severity = "error" if rows >= 1_000_000 else "warning"
    verb = "UPDATE" if action.kind == "backfill" else "DELETE"
    return Hazard(
        f"{verb} of {action.table} ({size_words(observation)}) in one statement",
        observation.fact.note + "; safe form: " + (observation.fact.safe or "batches that commit one by one"),
        None,
        severity=severity,
    )
