"""Index builds and drops that block the table, CONCURRENTLY inside a transaction, no lock_timeout."""

from __future__ import annotations

from ...migrate import safety
from .. import rewrites
from ..finding import Hazard
from ..replay import Observation
from ..definition import existing, lint_rule, size_words


@lint_rule("SM101", "index-build-blocks-writes")
def index_build_blocks_writes(observation: Observation) -> Hazard | None:
    """
    ## What it does
    Finds `CREATE INDEX` without `CONCURRENTLY` on a table that already exists (not one created
    earlier in the same file). `CREATE INDEX IF NOT EXISTS` of an index the schema already has
    is a no-op and not reported. Severity grows with the table's rows (`--db` statistics or the
    design's `expected_rows`).

    ## Why is this bad?
    A plain index build takes a SHARE lock: every INSERT, UPDATE and DELETE on the table waits
    until the whole index is built, which on a big table is minutes of downtime for writers.

    ## Example
    ```sql
    CREATE INDEX tasks_project_id_idx ON tasks (project_id);
    ```

    ## Use instead
    ```sql
    -- outside a transaction block
    CREATE INDEX CONCURRENTLY tasks_project_id_idx ON tasks (project_id);
    ```
    """
    if observation.action.kind != "create_index" or not existing(observation) or observation.action.detail.get("exists"):
        return None
    return Hazard(
        f"CREATE INDEX on {observation.action.table} ({size_words(observation)}) blocks writes until the index is built",
        observation.fact.note + "; CREATE INDEX CONCURRENTLY lets reads and writes go on (it cannot run in a transaction block)",
        rewrites.concurrently(observation),
    )


@lint_rule("SM102", "index-drop-blocks-queries")
def index_drop_blocks_queries(observation: Observation) -> Hazard | None:
    """
    ## What it does
    Finds `DROP INDEX` without `CONCURRENTLY` on an index of an existing table.

    ## Why is this bad?
    DROP INDEX takes ACCESS EXCLUSIVE on the index's table. It is quick once granted, but it
    waits for every running query on the table, and every new query queues behind it: one long
    report turns into an outage.

    ## Example
    ```sql
    DROP INDEX tasks_title_idx;
    ```

    ## Use instead
    ```sql
    -- outside a transaction block
    DROP INDEX CONCURRENTLY tasks_title_idx;
    ```
    """
    if observation.action.kind != "drop_index" or observation.new_table:
        return None
    index = observation.action.detail.get("index")
    where = f" of {observation.action.table}" if observation.action.table else ""
    small = observation.rows is not None and observation.rows < safety.MEDIUM_ROWS
    return Hazard(
        f"DROP INDEX {index}{where} takes ACCESS EXCLUSIVE and queues every query behind it",
        observation.fact.note,
        rewrites.concurrently(observation),
        severity="info" if small else "warning",
    )


@lint_rule("SM110", "concurrently-in-transaction")
def concurrently_in_transaction(observation: Observation) -> Hazard | None:
    """
    ## What it does
    Finds `CREATE INDEX CONCURRENTLY` or `DROP INDEX CONCURRENTLY` between `BEGIN` and
    `COMMIT` in the same file.

    ## Why is this bad?
    PostgreSQL refuses CONCURRENTLY inside a transaction block: the migration fails when it is
    deployed, possibly after earlier statements of the block ran and were rolled back.

    ## Example
    ```sql
    BEGIN;
    CREATE INDEX CONCURRENTLY tasks_due_idx ON tasks (due_at);
    COMMIT;
    ```

    ## Use instead
    ```sql
    CREATE INDEX CONCURRENTLY tasks_due_idx ON tasks (due_at);
    ```
    """
    if observation.action.kind not in ("create_index_concurrently", "drop_index_concurrently") or not observation.in_transaction:
        return None
    return Hazard(
        "CONCURRENTLY cannot run inside a transaction block: this statement fails",
        "PostgreSQL raises 'cannot run inside a transaction block'; put it in a file (or step) of its own, outside BEGIN … COMMIT",
        None,
        severity="error",
    )


@lint_rule("SM111", "lock-without-timeout")
def lock_without_timeout(observation: Observation) -> Hazard | None:
    """
    ## What it does
    Finds the first statement of a file that takes a lock blocking writes (SHARE or stronger:
    ALTER TABLE, DROP TABLE, CREATE INDEX, a foreign key's lock on the table it references) on an
    existing table when the file has not set `lock_timeout` before it (one finding per file).
    Tables created in the same file are not reported.

    ## Why is this bad?
    Even a catalog-only ALTER TABLE must wait for its lock; while it waits, every query on the
    table that conflicts with it queues behind it. Without `lock_timeout` a migration stuck behind one long transaction
    stops all traffic to the table; with it, the migration fails fast and can be retried.

    ## Example
    ```sql
    ALTER TABLE tasks ADD COLUMN archived_at timestamptz;
    ```

    ## Use instead
    ```sql
    SET lock_timeout = '2s';
    ALTER TABLE tasks ADD COLUMN archived_at timestamptz;
    ```
    """
    if observation.lock_timeout or observation.fact.lock not in safety.BLOCKING:
        return None
    index_drop = observation.action.kind == "drop_index" and not observation.new_table
    if not (existing(observation) or index_drop) or observation.action.kind in ("create_table", "create_materialized_view"):
        return None
    target = observation.action.table or observation.action.detail.get("index")
    return Hazard(
        f"{observation.action.kind.replace('_', ' ')} on {target} waits for {observation.fact.lock} with no lock_timeout",
        "while it waits for the lock every other query on the table queues behind it; a lock_timeout makes it fail fast instead",
        "SET lock_timeout = '2s';\n" + observation.statement.sql + ";",
        severity="info" if observation.rows is not None and observation.rows < safety.MEDIUM_ROWS else "warning",
    )
