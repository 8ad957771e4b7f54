"""Statements that rewrite the whole table under ACCESS EXCLUSIVE."""

from __future__ import annotations

from ...migrate import safety
from .. import rewrites
from ..finding import Hazard
from ..replay import Observation
from ..definition import existing, lint_rule, size_words

#: Kinds whose fact says "rewrites" without the scratch copy having to show it.
_REWRITING = {"add_column_volatile_default", "add_column_generated", "add_column_identity", "alter_column_type", "table_option", "add_column_default"}


@lint_rule("SM106", "table-rewrite")
def table_rewrite(observation: Observation) -> Hazard | None:
    """
    ## What it does
    Finds statements that rewrite an existing table: a column type change that is not binary
    coercible, a volatile default (`gen_random_uuid()`, `clock_timestamp()`), a stored
    generated or identity column, SET LOGGED / UNLOGGED, SET TABLESPACE. With a schema
    (`--schema` or `--db`) the scratch copy decides: the rule fires only when the table's
    `relfilenode` changed, so `varchar(50)` → `varchar(100)` or `varchar` → `text` (catalog
    only) is not reported.

    ## Why is this bad?
    A rewrite copies every row and rebuilds every index while ACCESS EXCLUSIVE is held: no
    query reaches the table for the whole copy, and the disk needs room for a second copy.

    ## Example
    ```sql
    ALTER TABLE events ALTER COLUMN id TYPE bigint;
    ```

    ## Use instead
    ```sql
    -- expand–contract: a new column kept in step by a trigger, backfilled in batches,
    -- the application switched over, then the old column dropped
    ALTER TABLE events ADD COLUMN id_new bigint;
    ```
    """
    action = observation.action
    if not existing(observation):
        return None
    if observation.rewritten is None:
        rewrites_table = observation.fact.rewrites or bool(action.detail.get("rewrites"))
        if action.kind == "alter_column_type":
            rewrites_table = True  # without a schema the type's old form is unknown: assume the worst
    else:
        # the scratch copy's answer, except where the target server is older than the scratch one
        # and the facts for that version say it rewrites (a constant default before PostgreSQL 11)
        older = observation.fact.rewrites and action.kind in safety.OLDER
        rewrites_table = (observation.rewritten and (action.kind in _REWRITING or observation.fact.rewrites)) or older
    if not rewrites_table:
        return None
    seen = "the scratch copy's relfilenode changed" if observation.rewritten else "the statement's form rewrites the table on this PostgreSQL version"
    fix = rewrites.add_column_then_backfill(observation) if action.kind == "add_column_volatile_default" else None
    safe = observation.fact.safe or "expand–contract through a new column kept in step by a trigger"
    return Hazard(
        f"{action.kind.replace('_', ' ')} rewrites {action.table} ({size_words(observation)}) under ACCESS EXCLUSIVE ({seen})",
        f"{observation.fact.note}; safe form: {safe}",
        fix or f"-- {safe}",
    )
