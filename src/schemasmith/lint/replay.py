"""Replay the migrations in order on the scratch database, and record what each action met there.

Before a statement runs, the catalog says whether its table exists (and so was not created by
this file), how big it is, which constraint a DROP CONSTRAINT names, whether a validated
`CHECK (col IS NOT NULL)` already proves a NOT NULL. After it runs, a changed
`pg_class.relfilenode` says the table was rewritten: the server's own answer, not a guess. Each
statement runs on its own (autocommit), so one that fails is noted and the rest still run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pglast import ast, enums

from ..migrate import safety
from .actions import Action, actions_of
from .scratch import Baseline
from .statements import MigrationFile, Statement


@dataclass
class Observation:
    """One action of one statement, with what the scratch database and the file's context said."""

    statement: Statement
    action: Action
    fact: safety.Fact
    new_table: bool  # created earlier in the same file: nobody else can be using it
    known_table: bool  # exists in the schema the migration runs on
    rows: int | None
    rewritten: bool | None = None  # None: not observed (no scratch database, or it failed)
    in_transaction: bool = False
    lock_timeout: bool = False
    failed: str | None = None
    notes: list[str] = field(default_factory=list)


_NOT_NULL_CHECK = re.compile(r'^CHECK \(\(?\(?"?(?P<column>[^"()]+?)"? IS NOT NULL\)?\)?\)$')


class Catalog:
    """Questions to the scratch database (all names passed as bind parameters)."""

    def __init__(self, connection):
        self.connection = connection

    def one(self, sql: str, *params):
        try:
            return self.connection.execute(sql, params).fetchone()
        except Exception:  # noqa: BLE001 - a name the server cannot resolve is simply unknown
            return None

    def relation(self, name: str | None):
        """(oid, relfilenode, relkind, schema.name) of a relation, or None."""
        if not name:
            return None
        return self.one(
            "SELECT c.oid, c.relfilenode, c.relkind, n.nspname || '.' || c.relname FROM pg_class c"
            " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass(%s)", _regclass(name))

    def index_table(self, index: str | None) -> str | None:
        row = self.one("SELECT indrelid::regclass::text FROM pg_index WHERE indexrelid = to_regclass(%s)", _regclass(index or ""))
        return row[0] if row else None

    def constraint_kind(self, table: str, name: str | None) -> str | None:
        row = self.one("SELECT contype::text FROM pg_constraint WHERE conrelid = to_regclass(%s) AND conname = %s", _regclass(table), name)
        return row[0] if row else None

    def routine_exists(self, name: str) -> bool:
        schema, _, plain = name.rpartition(".")
        row = self.one("SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.proname = %s"
                       " AND (%s = '' OR n.nspname = %s) LIMIT 1", plain, schema, schema)
        return row is not None

    def proven_not_null(self, table: str, column: str) -> bool:
        try:
            rows = self.connection.execute(
                "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = to_regclass(%s) AND contype = 'c' AND convalidated",
                (_regclass(table),)).fetchall()
        except Exception:  # noqa: BLE001
            return False
        for (definition,) in rows:
            match = _NOT_NULL_CHECK.match(definition)
            if match and match.group("column") == column:
                return True
        return False


def _regclass(name: str) -> str:
    """A name as to_regclass reads it: each part double-quoted, so case and dots stay as written."""
    return ".".join('"' + part.replace('"', '""') + '"' for part in name.split(".")) if name else ""


_DROP_CONSTRAINT = {"p": "drop_primary_key", "u": "drop_unique", "f": "drop_foreign_key", "c": "drop_check", "x": "drop_exclusion"}


def _size(baseline: Baseline, table: str | None, resolved: str | None) -> int | None:
    for key in (table, resolved, resolved.split(".", 1)[1] if resolved and "." in resolved else None):
        if key and key in baseline.rows:
            return baseline.rows[key]
    return None


def _plain(name: str | None) -> str | None:
    return name.split(".")[-1] if name else None


class Replay:
    def __init__(self, baseline: Baseline):
        self.baseline = baseline
        self.connection = None
        #: functions created by the files linted so far: a later drop of one is the migration's own helper going
        self.routines: set[str] = set()
        if baseline.url:
            import psycopg

            self.connection = psycopg.connect(baseline.url, autocommit=True)
            self.catalog = Catalog(self.connection)

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()

    def file(self, migration: MigrationFile) -> list[Observation]:
        observations: list[Observation] = []
        created: set[str] = set()  # tables this file created (plain and resolved names)
        in_transaction = False
        lock_timeout = False
        for statement in migration.statements:
            node = statement.node
            if isinstance(node, ast.TransactionStmt):
                kind = node.kind
                if kind in (enums.TransactionStmtKind.TRANS_STMT_BEGIN, enums.TransactionStmtKind.TRANS_STMT_START):
                    in_transaction = True
                elif kind in (enums.TransactionStmtKind.TRANS_STMT_COMMIT, enums.TransactionStmtKind.TRANS_STMT_ROLLBACK):
                    in_transaction = False
                continue  # each statement runs on its own on the scratch copy
            if isinstance(node, ast.VariableSetStmt) and (node.name or "").lower() == "lock_timeout":
                lock_timeout = True
            before = [self._before(action, created, migration) for action in actions_of(node)]
            failed = self._run(statement)
            for observation in before:
                observation.in_transaction = in_transaction
                observation.lock_timeout = lock_timeout
                observation.statement = statement
                observation.failed = failed
                self._after(observation)
                if observation.action.kind in ("create_routine", "replace_routine"):
                    self.routines.add(_plain(observation.action.detail.get("object")))
                if observation.action.kind in ("create_table", "create_materialized_view") and observation.action.table:
                    created.add(observation.action.table)
                    created.add(_plain(observation.action.table))
                    resolved = self._resolved(observation.action.table)
                    if resolved:
                        created.add(resolved)
                observations.append(observation)
        return observations

    def _resolved(self, name: str | None) -> str | None:
        if self.connection is None or not name:
            return None
        row = self.catalog.relation(name)
        return row[3] if row else None

    def _before(self, action: Action, created: set[str], migration: MigrationFile) -> Observation:
        if self.connection is not None:
            if action.kind in ("drop_index", "drop_index_concurrently", "rename_index") and action.detail.get("index"):
                action.table = self.catalog.index_table(action.detail["index"])
            if action.kind == "drop_constraint" and action.table:
                kind = self.catalog.constraint_kind(action.table, action.constraint)
                action.kind = _DROP_CONSTRAINT.get(kind or "", "drop_constraint")
            if action.kind in ("create_index", "create_index_concurrently") and action.detail.get("if_not_exists") and action.detail.get("index"):
                schema = action.table.rpartition(".")[0] if action.table and "." in action.table else ""
                index = f"{schema}.{action.detail['index']}" if schema else action.detail["index"]
                action.detail["exists"] = self.catalog.relation(index) is not None
            if action.kind == "set_not_null" and action.table and action.column and self.catalog.proven_not_null(action.table, action.column):
                action.kind = "set_not_null_validated"
        relation = self.catalog.relation(action.table) if self.connection is not None and action.table else None
        resolved = relation[3] if relation else None
        new = bool(action.table) and (action.table in created or _plain(action.table) in created or (resolved in created if resolved else False))
        if action.kind == "drop_routine":
            name = action.detail.get("object") or ""
            # the migration's own helper, or (on a schema) a function that does not exist: IF EXISTS makes it a no-op
            new = _plain(name) in self.routines or (self.connection is not None and not self.catalog.routine_exists(name))
        observation = Observation(
            statement=None,  # type: ignore[arg-type] - set once the statement ran
            action=action,
            fact=safety.fact_for(action.kind, self.baseline.version),
            new_table=new,
            known_table=relation is not None,
            rows=0 if new else _size(self.baseline, action.table, resolved),
        )
        observation.notes.append(f"filenode:{relation[1]}" if relation else "filenode:")
        return observation

    def _run(self, statement: Statement) -> str | None:
        if self.connection is None:
            return None
        try:
            self.connection.execute(statement.sql)
        except Exception as error:  # noqa: BLE001 - any server error is this statement's, noted
            return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return None

    def _after(self, observation: Observation) -> None:
        marker = observation.notes.pop(0)
        before = marker.split(":", 1)[1]
        if self.connection is None or observation.failed or not before or observation.new_table:
            return
        relation = self.catalog.relation(observation.action.table)
        if relation is None:
            return  # dropped or renamed: a rewrite cannot be seen, nor matters
        observation.rewritten = str(relation[1]) != before
