"""What each migration operation does to a live PostgreSQL database, and how bad that is.

`FACTS` is the knowledge, one row per operation kind: the lock it takes (and so what it blocks),
whether it rewrites the table, whether it reads all of it, whether it can lose data and whether
running application code can break. It is written from the PostgreSQL documentation (the "Explicit
Locking" table of lock modes and the notes on each ALTER TABLE form), cross-checked against
Squawk's rules. `assess` turns a fact row and the table's size into a finding with a severity;
the severity scales with the rows that are scanned or rewritten while a blocking lock is held.

The rows are true of PostgreSQL 12 and later; `OLDER` says how an operation behaved before the
major version where it got cheaper, and `fact_for(kind, version)` answers for one server. Both
`diff` (through its operations) and `lint-migration` (through the statements it reads) ask this
one table, so the two never disagree about what a statement locks or rewrites.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import operations as ops

ACCESS_EXCLUSIVE = "ACCESS EXCLUSIVE"
EXCLUSIVE = "EXCLUSIVE"
SHARE_ROW_EXCLUSIVE = "SHARE ROW EXCLUSIVE"
SHARE = "SHARE"
SHARE_UPDATE_EXCLUSIVE = "SHARE UPDATE EXCLUSIVE"
ROW_EXCLUSIVE = "ROW EXCLUSIVE"
NONE = "none"
SQLITE_LOCK = "database write lock (SQLite)"

#: What each lock mode blocks for other sessions.
BLOCKS = {
    ACCESS_EXCLUSIVE: "reads and writes",
    EXCLUSIVE: "writes (reads go on)",
    SHARE_ROW_EXCLUSIVE: "writes (reads go on)",
    SHARE: "writes (reads go on)",
    SHARE_UPDATE_EXCLUSIVE: "other schema changes and VACUUM (reads and writes go on)",
    ROW_EXCLUSIVE: "nothing that reads or writes rows",
    NONE: "nothing",
    SQLITE_LOCK: "other writers, and readers unless the database is in WAL mode, until COMMIT",
}
#: Lock modes that stop ordinary writes (or reads): with a scan or rewrite they are the danger.
BLOCKING = {ACCESS_EXCLUSIVE, EXCLUSIVE, SHARE_ROW_EXCLUSIVE, SHARE}

#: Table sizes (rows) where a scan or rewrite under a blocking lock starts to hurt.
MEDIUM_ROWS = 10_000
LARGE_ROWS = 1_000_000

SEVERITIES = ("info", "low", "medium", "high", "critical")


@dataclass(frozen=True)
class Fact:
    lock: str
    rewrites: bool = False
    scans: bool = False
    data_loss: bool = False
    backward_incompatible: bool = False
    note: str = ""
    safe: str = ""  # what the safe plan does instead (empty: nothing needed)


FACTS: dict[str, Fact] = {
    "create_enum": Fact(NONE, note="new type; no table is touched"),
    "drop_enum": Fact(NONE, note="fails while a column still uses the type"),
    "add_enum_value": Fact(NONE, note="ALTER TYPE … ADD VALUE cannot run inside a transaction block before PostgreSQL 12, and the new value cannot be used until the transaction that added it commits", safe="its own step, before the steps that use the value"),
    "rename_enum_value": Fact(NONE, backward_incompatible=True, note="code that writes the old value fails"),
    "swap_enum": Fact(ACCESS_EXCLUSIVE, rewrites=True, scans=True, backward_incompatible=True, note="PostgreSQL cannot drop an enum value: the type is rebuilt and every column using it is rewritten; fails if a row holds a removed value", safe="no lock-free form: change the rows holding removed values first and run it in a quiet period"),
    "create_table": Fact(ACCESS_EXCLUSIVE, note="the new table only; its foreign keys take SHARE ROW EXCLUSIVE on the referenced tables, briefly"),
    "drop_table": Fact(ACCESS_EXCLUSIVE, data_loss=True, backward_incompatible=True, note="every row is gone; code that reads it fails", safe="its own contract step after the application stopped using the table; the runner asks for --allow-data-loss"),
    "rename_table": Fact(ACCESS_EXCLUSIVE, backward_incompatible=True, note="running code that uses the old name fails at once", safe="rename plus a view under the old name until the application uses the new one"),
    "add_column": Fact(ACCESS_EXCLUSIVE, note="catalog-only change (no rewrite)"),
    "add_column_default": Fact(ACCESS_EXCLUSIVE, note="a non-volatile default is stored once (PostgreSQL 11+): no rewrite"),
    "add_column_volatile_default": Fact(ACCESS_EXCLUSIVE, rewrites=True, scans=True, note="a volatile default (gen_random_uuid(), random(), clock_timestamp()) is computed per row: the table is rewritten under the lock", safe="add the column without the default, SET DEFAULT for new rows, backfill existing rows in batches"),
    "add_column_not_null": Fact(ACCESS_EXCLUSIVE, backward_incompatible=True, note="NOT NULL without a default fails on a table that has rows, and breaks inserts of code that does not know the column", safe="add it nullable, backfill in batches, CHECK (col IS NOT NULL) NOT VALID, VALIDATE, SET NOT NULL, drop the check"),
    "add_column_generated": Fact(ACCESS_EXCLUSIVE, rewrites=True, scans=True, note="a STORED generated column is computed for every row: the table is rewritten", safe="no lock-free form in PostgreSQL; add it in a quiet period"),
    "add_column_identity": Fact(ACCESS_EXCLUSIVE, rewrites=True, scans=True, note="an identity column fills every existing row from its sequence: the table is rewritten", safe="no lock-free form in PostgreSQL; add it in a quiet period"),
    "drop_column": Fact(ACCESS_EXCLUSIVE, data_loss=True, backward_incompatible=True, note="catalog-only (the space is reclaimed by later rewrites); the values are gone and code that reads the column fails", safe="its own contract step after the application stopped using the column; the runner asks for --allow-data-loss"),
    "rename_column": Fact(ACCESS_EXCLUSIVE, backward_incompatible=True, note="instant, but running code that uses the old name fails at once", safe="expand–contract: add the new column, keep both in step with a trigger, backfill, switch the application, drop the old column"),
    "alter_column_type": Fact(ACCESS_EXCLUSIVE, rewrites=True, scans=True, backward_incompatible=True, note="the table and its indexes are rewritten under the lock", safe="expand–contract through a new column kept in step by a trigger"),
    "alter_column_type_coercible": Fact(ACCESS_EXCLUSIVE, note="binary-coercible change (e.g. a longer varchar, varchar → text): catalog only, no rewrite"),
    "set_not_null_validated": Fact(ACCESS_EXCLUSIVE, note="a validated CHECK (col IS NOT NULL) proves there is no NULL: no scan (PostgreSQL 12+)"),
    "set_not_null": Fact(ACCESS_EXCLUSIVE, scans=True, backward_incompatible=True, note="the whole table is read under the lock to check for NULLs", safe="CHECK (col IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT (SHARE UPDATE EXCLUSIVE), then SET NOT NULL uses the check and skips the scan (PostgreSQL 12+)"),
    "drop_expression": Fact(ACCESS_EXCLUSIVE, note="catalog only (PostgreSQL 13+): the stored values stay as plain values"),
    "drop_not_null": Fact(ACCESS_EXCLUSIVE, note="catalog only; readers may now see NULL"),
    "set_default": Fact(ACCESS_EXCLUSIVE, note="catalog only; affects new rows"),
    "drop_default": Fact(ACCESS_EXCLUSIVE, backward_incompatible=True, note="catalog only; inserts that relied on it must now give a value"),
    "add_identity": Fact(ACCESS_EXCLUSIVE, note="attaches a sequence (no rewrite); the sequence is moved past the existing values"),
    "set_identity": Fact(ACCESS_EXCLUSIVE, note="catalog only"),
    "drop_identity": Fact(ACCESS_EXCLUSIVE, note="catalog only; inserts must now give a value"),
    "comment": Fact(SHARE_UPDATE_EXCLUSIVE, note="catalog only"),
    "add_primary_key": Fact(ACCESS_EXCLUSIVE, scans=True, note="builds a unique index (and checks NOT NULL) while holding the lock", safe="CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT … PRIMARY KEY USING INDEX"),
    "add_primary_key_using_index": Fact(ACCESS_EXCLUSIVE, note="attaches an index already built: brief"),
    "add_unique": Fact(ACCESS_EXCLUSIVE, scans=True, backward_incompatible=True, note="builds the unique index while holding the lock; inserts of duplicates now fail", safe="CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT … UNIQUE USING INDEX"),
    "add_unique_using_index": Fact(ACCESS_EXCLUSIVE, note="attaches an index already built: brief"),
    "add_check": Fact(ACCESS_EXCLUSIVE, scans=True, backward_incompatible=True, note="every row is checked while holding the lock", safe="ADD CONSTRAINT … NOT VALID, then VALIDATE CONSTRAINT in its own transaction"),
    "add_check_not_valid": Fact(ACCESS_EXCLUSIVE, note="new rows are checked from now on; existing ones later, by VALIDATE"),
    "add_foreign_key": Fact(SHARE_ROW_EXCLUSIVE, scans=True, backward_incompatible=True, note="both tables are locked against writes while every row is checked", safe="ADD CONSTRAINT … NOT VALID, then VALIDATE CONSTRAINT in its own transaction"),
    "add_foreign_key_not_valid": Fact(SHARE_ROW_EXCLUSIVE, note="brief; new rows are checked from now on"),
    "validate_constraint": Fact(SHARE_UPDATE_EXCLUSIVE, scans=True, note="reads the whole table without blocking reads or writes (the referenced table: ROW SHARE)"),
    "drop_primary_key": Fact(ACCESS_EXCLUSIVE, backward_incompatible=True, note="catalog only; duplicates become possible"),
    "drop_unique": Fact(ACCESS_EXCLUSIVE, backward_incompatible=True, note="catalog only; duplicates become possible (code relying on ON CONFLICT or on uniqueness breaks)"),
    "drop_check": Fact(ACCESS_EXCLUSIVE, note="catalog only"),
    "add_exclusion": Fact(ACCESS_EXCLUSIVE, scans=True, backward_incompatible=True, note="builds its index and checks every row while holding the lock"),
    "drop_exclusion": Fact(ACCESS_EXCLUSIVE, note="catalog only; drops its index"),
    "recreate_table": Fact(ACCESS_EXCLUSIVE, note="drops the table and creates it again: every row is lost"),
    "table_option": Fact(ACCESS_EXCLUSIVE, note="catalog only, except SET LOGGED/UNLOGGED, which rewrites the table"),
    "attach_partition": Fact(SHARE_UPDATE_EXCLUSIVE, scans=True, note="scans the partition for its bound unless a matching CHECK proves it"),
    "detach_partition": Fact(ACCESS_EXCLUSIVE, note="DETACH PARTITION … CONCURRENTLY (outside a transaction) takes a weaker lock"),
    "drop_foreign_key": Fact(ACCESS_EXCLUSIVE, note="both tables, briefly"),
    "rename_constraint": Fact(ACCESS_EXCLUSIVE, note="catalog only"),
    "create_index": Fact(SHARE, scans=True, note="writes wait for the whole index build", safe="CREATE INDEX CONCURRENTLY in its own non-transactional step"),
    "create_index_concurrently": Fact(SHARE_UPDATE_EXCLUSIVE, scans=True, note="reads and writes go on; two table scans; cannot run in a transaction; a failure leaves an INVALID index (the step drops it and builds again)"),
    "drop_index": Fact(ACCESS_EXCLUSIVE, note="brief, but waits for every query on the table", safe="DROP INDEX CONCURRENTLY in its own non-transactional step"),
    "drop_index_concurrently": Fact(SHARE_UPDATE_EXCLUSIVE, note="reads and writes go on; cannot run in a transaction"),
    "rename_index": Fact(SHARE_UPDATE_EXCLUSIVE, note="catalog only (PostgreSQL 12+)"),
    "create_trigger": Fact(SHARE_ROW_EXCLUSIVE, note="brief"),
    "drop_trigger": Fact(ACCESS_EXCLUSIVE, note="brief"),
    "rename_trigger": Fact(ACCESS_EXCLUSIVE, note="brief"),
    "create_function": Fact(NONE),
    "rebuild_table": Fact(ACCESS_EXCLUSIVE, rewrites=True, scans=True, note="new table, copy every row, drop, rename"),
    "create_virtual_table": Fact(NONE, note="a new table (and its shadow tables)"),
    "drop_virtual_table": Fact(NONE, data_loss=True, note="its rows (and shadow tables) go"),
    "drop_function": Fact(NONE),
    "row_level_security": Fact(ACCESS_EXCLUSIVE, backward_incompatible=True, note="brief; which rows each role sees changes at once"),
    "create_policy": Fact(ACCESS_EXCLUSIVE, backward_incompatible=True, note="brief; which rows each role sees changes at once"),
    "drop_policy": Fact(ACCESS_EXCLUSIVE, backward_incompatible=True, note="brief; which rows each role sees changes at once"),
    "rename_policy": Fact(ACCESS_EXCLUSIVE, note="catalog only"),
    "backfill": Fact(ROW_EXCLUSIVE, scans=True, note="one UPDATE of every row: one long transaction, row locks on every row, a burst of WAL", safe="batches that commit one by one"),
    "backfill_batched": Fact(ROW_EXCLUSIVE, scans=True, note="batches of rows, each its own transaction: no long lock, WAL spread out"),
    "copy_rows": Fact(ROW_EXCLUSIVE, scans=True, note="reads the source table once; the new table is written"),
    "expand_contract": Fact(ACCESS_EXCLUSIVE, note="each phase is brief; the application moves between them"),
    "dual_write": Fact(SHARE_ROW_EXCLUSIVE, note="a trigger keeps the old and new column in step"),
    "compatibility_view": Fact(ACCESS_EXCLUSIVE, note="a view under the old name keeps running code working"),
    # Objects beside tables (PostgreSQL).
    "create_schema": Fact(NONE, note="new namespace; nothing else is touched"),
    "drop_schema": Fact(ACCESS_EXCLUSIVE, backward_incompatible=True, note="fails while the schema still holds objects; code that names it fails"),
    "create_extension": Fact(NONE, note="installs the extension's objects; may need a superuser or a trusted extension"),
    "drop_extension": Fact(ACCESS_EXCLUSIVE, backward_incompatible=True, note="fails while columns, indexes or code use its types or functions"),
    "update_extension": Fact(ACCESS_EXCLUSIVE, note="runs the extension's upgrade script, which may rebuild its objects (read its release notes); a DOWN needs a downgrade script the extension may not ship"),
    "create_collation": Fact(NONE),
    "drop_collation": Fact(NONE, backward_incompatible=True, note="fails while a column, index or domain uses it"),
    "create_domain": Fact(NONE),
    "drop_domain": Fact(NONE, backward_incompatible=True, note="fails while a column uses it"),
    "alter_domain": Fact(SHARE, scans=True, backward_incompatible=True, note="a new CHECK or NOT NULL reads every column of the domain in every table, blocking their writes; values it refuses make it fail", safe="ADD CONSTRAINT … NOT VALID, then ALTER DOMAIN … VALIDATE CONSTRAINT"),
    "create_type": Fact(NONE),
    "drop_type": Fact(NONE, backward_incompatible=True, note="fails while a column or routine uses it"),
    "alter_composite_type": Fact(ACCESS_EXCLUSIVE, backward_incompatible=True, note="fails while a table column stores the type (ALTER TYPE cannot rewrite it); code reading a dropped attribute fails"),
    "create_sequence": Fact(NONE),
    "drop_sequence": Fact(ACCESS_EXCLUSIVE, data_loss=True, backward_incompatible=True, note="its current value is gone; defaults calling nextval() on it fail"),
    "alter_sequence": Fact(SHARE_ROW_EXCLUSIVE, note="brief; changes the numbers the next nextval() calls hand out"),
    "sequence_owner": Fact(NONE, note="catalog only: the sequence now goes with the column's table when that is dropped"),
    "create_routine": Fact(NONE),
    "replace_routine": Fact(NONE, note="every call from now on runs the new body, including calls from running code"),
    "replace_routine_trigger": Fact(NONE, backward_incompatible=True, note="a trigger executes this routine: every row written to its table runs the new body at once", safe="deploy a routine under a new name and switch the trigger to it (CREATE OR REPLACE TRIGGER) once it is proven"),
    "drop_routine": Fact(NONE, backward_incompatible=True, note="code that calls it fails; fails while a trigger, view or default uses it"),
    "create_view": Fact(NONE),
    "replace_view": Fact(ACCESS_EXCLUSIVE, note="brief ACCESS EXCLUSIVE lock on the view: queries on it wait, then see the new definition"),
    "drop_view": Fact(ACCESS_EXCLUSIVE, backward_incompatible=True, note="code that reads the view fails (until it is created again, for a view recreated in this migration)"),
    "create_materialized_view": Fact(NONE, scans=True, note="runs the query once and stores its rows (unless WITH NO DATA); the tables it reads are only read"),
    "drop_materialized_view": Fact(ACCESS_EXCLUSIVE, backward_incompatible=True, note="its stored rows are gone (they can be computed again); code that reads it fails"),
    "create_view_index": Fact(SHARE, scans=True, note="readers go on; a REFRESH waits for the build"),
    "drop_view_index": Fact(ACCESS_EXCLUSIVE, note="brief; a unique index is what REFRESH … CONCURRENTLY needs"),
    "refresh_materialized_view": Fact(ACCESS_EXCLUSIVE, scans=True, note="REFRESH MATERIALIZED VIEW without CONCURRENTLY blocks every read of the view while its query runs", safe="REFRESH MATERIALIZED VIEW CONCURRENTLY (needs a populated view with a unique index) after the migration"),
    "refresh_materialized_view_no_data": Fact(ACCESS_EXCLUSIVE, backward_incompatible=True, note="the view is emptied: reading it fails until it is refreshed"),
    "comment_object": Fact(NONE, note="catalog only"),
    "grant": Fact(NONE, note="catalog only; the role can use the object at once"),
    "revoke": Fact(NONE, backward_incompatible=True, note="code running as that role loses access at once"),
    "grant_default_privileges": Fact(NONE, note="applies to objects created from now on"),
    "revoke_default_privileges": Fact(NONE, note="applies to objects created from now on; existing ones keep their grants"),
    # Statements that hand-written migrations hold and diff never writes.
    "truncate": Fact(ACCESS_EXCLUSIVE, data_loss=True, note="every row is gone at once"),
    "delete_rows": Fact(ROW_EXCLUSIVE, scans=True, note="one DELETE: one long transaction, row locks on every row it removes, a burst of WAL", safe="delete in batches that commit one by one"),
    "reference_lock": Fact(SHARE_ROW_EXCLUSIVE, note="a foreign key of a new table or column locks the referenced table against writes, briefly"),
    "drop_constraint": Fact(ACCESS_EXCLUSIVE, note="catalog only; what it stops enforcing depends on its kind"),
    "sql": Fact(NONE),
    "composite": Fact(ACCESS_EXCLUSIVE),
    "noop": Fact(NONE),
}


#: How an operation behaved before a PostgreSQL major version: {kind: [(version, fact), …]}, where
#: `fact` holds on servers older than `version` (the first pair that matches wins).
OLDER: dict[str, list[tuple[int, Fact]]] = {
    "add_column_default": [(11, Fact(ACCESS_EXCLUSIVE, rewrites=True, scans=True, note="before PostgreSQL 11 every default, even a constant, is written into each row: the table is rewritten under the lock", safe="add the column without the default, SET DEFAULT for new rows, backfill existing rows in batches"))],
    "set_not_null_validated": [(12, Fact(ACCESS_EXCLUSIVE, scans=True, backward_incompatible=True, note="before PostgreSQL 12 SET NOT NULL scans the table even when a validated CHECK proves it", safe="keep the validated CHECK (col IS NOT NULL) instead of SET NOT NULL on this server"))],
    "set_not_null": [(12, Fact(ACCESS_EXCLUSIVE, scans=True, backward_incompatible=True, note="the whole table is read under the lock to check for NULLs", safe="CHECK (col IS NOT NULL) NOT VALID, then VALIDATE CONSTRAINT; keep the check (PostgreSQL before 12 cannot use it for SET NOT NULL)"))],
    "rename_index": [(12, Fact(ACCESS_EXCLUSIVE, note="before PostgreSQL 12 renaming an index takes ACCESS EXCLUSIVE"))],
    "add_enum_value": [(12, Fact(NONE, note="ALTER TYPE … ADD VALUE cannot run inside a transaction block before PostgreSQL 12", safe="its own step, outside a transaction"))],
    "drop_expression": [(13, Fact(ACCESS_EXCLUSIVE, rewrites=True, scans=True, note="DROP EXPRESSION does not exist before PostgreSQL 13: dropping and re-adding the column rewrites and loses nothing only by copying"))],
}


def fact_for(kind: str, version: int | None = None) -> Fact:
    """What operation `kind` does on PostgreSQL major `version` (None: 12 or later, the usual case)."""
    if version is not None:
        for before, older in OLDER.get(kind, ()):
            if version < before:
                return older
    return FACTS.get(kind, FACTS["sql"])


@dataclass
class Finding:
    """One operation's facts on one table, with its size and severity."""

    step: str  # the file id the operation is in
    operation: str
    kind: str
    table: str | None
    rows: int | None
    rows_source: str
    lock: str
    blocks: str
    rewrites: bool
    scans: bool
    data_loss: bool
    backward_incompatible: bool
    severity: str
    note: str
    safe_alternative: str
    applied_safe: bool = False
    reasons: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "step": self.step,
            "operation": self.operation,
            "kind": self.kind,
            "table": self.table,
            "rows": self.rows,
            "rows_source": self.rows_source,
            "lock": self.lock,
            "blocks": self.blocks,
            "rewrites_table": self.rewrites,
            "scans_table": self.scans,
            "data_loss": self.data_loss,
            "backward_incompatible": self.backward_incompatible,
            "severity": self.severity,
            "note": self.note,
            "safe_alternative": self.safe_alternative,
            "safe_form_applied": self.applied_safe,
            "reasons": self.reasons,
        }


def fact(operation: ops.Operation) -> Fact:
    return FACTS.get(operation.kind, FACTS["sql"])


def severity(item: Fact, rows: int | None, data_loss: bool, backward_incompatible: bool) -> str:
    """Critical for data loss; else by the rows read or rewritten while writes (or reads) wait."""
    if data_loss:
        return "critical"
    level = 0
    if item is FACTS["backfill"]:
        # one UPDATE of every row: row locks held to the end, one long transaction, a burst of WAL
        level = 1 if rows is not None and rows < MEDIUM_ROWS else 2
    elif (item.rewrites or item.scans) and item.lock in BLOCKING:
        if rows is None:
            level = 3 if item.rewrites else 2
        elif rows >= LARGE_ROWS:
            level = 3
        elif rows >= MEDIUM_ROWS:
            level = 2
        else:
            level = 1
    elif item.lock in BLOCKING or item.lock == ACCESS_EXCLUSIVE:
        level = 1
    if backward_incompatible:
        level = max(level, 2)
    return SEVERITIES[level]


def needs_safe_form(operation: ops.Operation, rows: int | None) -> bool:
    """Whether the default plan (no --safe / --no-safe) rewrites this operation into its safe form.

    Yes when the table may be big (unknown size, or MEDIUM_ROWS rows or more) and the operation
    holds a blocking lock while it reads or rewrites the table, or breaks running code.
    """
    item = fact(operation)
    if not item.safe:
        return False
    big = rows is None or rows >= MEDIUM_ROWS
    heavy = (item.rewrites or item.scans) and (item.lock in BLOCKING or operation.kind == "backfill")
    # DROP INDEX is quick but its ACCESS EXCLUSIVE lock queues behind every running query on the table
    heavy = heavy or operation.kind == "drop_index"
    return big and (heavy or item.backward_incompatible or item.data_loss)
