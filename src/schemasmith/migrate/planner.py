"""Turn the compared operations into migration steps: the direct plan, or the safe plan.

The direct plan is one transaction (plus a first step for new enum values, which PostgreSQL
cannot use in the transaction that adds them). The safe plan rewrites what would hold a
blocking lock while it reads or rewrites a big table, or break running code, into steps that
each take only brief locks, in this order:

  enum values → expand → index builds (CONCURRENTLY, one step each) → attach constraints to
  those indexes → backfills (batches) → constrain (NOT VALID) → validate → NOT NULL →
  index drops (CONCURRENTLY) → finalize (renames of temporary names) → contract

Column renames and type changes go through expand–contract: a new column kept in step with the
old one by a trigger, a batched backfill, then — once the application reads and writes only the
new column — a contract step that drops the old one. What the application must have done before
a step is written into the step (`-- schemasmith: after-deploy: …`) and the report.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..dialects import postgres
from ..model import naming
from ..model.document import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    IndexKey,
    Table,
    UniqueConstraint,
)
from . import operations as ops
from . import safety
from .compare import Diff
from .context import PgContext
from .renames import expression_columns, rename_in_expression
from .render.postgres import BACKFILL_GUARD, literal, q
from .type_changes import type_key

STAGES = (
    "enum_values",
    "expand",
    "index",
    "attach",
    "backfill",
    "constrain",
    "validate",
    "not_null",
    "drop_index",
    "finalize",
    "contract",
)
_PER_OPERATION = {"index", "drop_index"}  # one step (file) per operation
_NO_TRANSACTION = {"index", "drop_index", "backfill"}
_LONG_RUNNING = {"index", "backfill", "validate", "not_null", "attach"}


@dataclass
class Step:
    """One migration file pair: its operations, and what the application must do before it."""

    stage: str
    suffix: str  # appended to the migration's name ("" for the main step)
    operations: list[ops.Operation]
    transactional: bool = True
    after_deploy: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    long_running: bool = False

    @property
    def title(self) -> str:
        return {
            "enum_values": "add enum values (usable only after this commits)",
            "expand": "expand: additive changes",
            "index": "build an index without blocking writes",
            "attach": "attach constraints to the indexes just built",
            "backfill": "backfill in batches",
            "constrain": "add constraints as NOT VALID (checked for new rows only)",
            "validate": "validate constraints without blocking writes",
            "not_null": "set NOT NULL using validated checks",
            "drop_index": "drop an index without blocking writes",
            "finalize": "give temporary names their final ones",
            "contract": "contract: remove what the application no longer uses",
            "main": "migration",
        }.get(self.stage, self.stage)


@dataclass
class Rewrite:
    """A direct operation the safe plan replaced, and with what."""

    operation: ops.Operation
    summary: str


@dataclass
class Plan:
    steps: list[Step]
    safe: bool
    rewrites: list[Rewrite] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    application: list[str] = field(default_factory=list)  # between-step instructions, in order


def rows_lookup(diff: Diff, rows: dict[str, int | None]) -> Callable[[str | None], int | None]:
    """Row counts by table name (old or new), 0 for tables this migration creates."""
    by_name: dict[str, int | None] = {}
    for old_name, count in rows.items():
        by_name[old_name] = count
        by_name[diff.renames.new_table(old_name)] = count
    created = {op.table for op in diff.operations if isinstance(op, ops.CreateTable)}

    def lookup(name: str | None) -> int | None:
        if name is None:
            return None
        if name in created:
            return 0
        return by_name.get(name)

    return lookup


def direct_plan(diff: Diff, postgres_version: int) -> Plan:
    """Every operation in one transaction; new enum values in a step of their own first."""
    enum_values = [op for op in diff.operations if isinstance(op, ops.AddEnumValues)]
    rest = [op for op in diff.operations if not isinstance(op, ops.AddEnumValues)]
    steps = []
    if enum_values:
        steps.append(Step("enum_values", "enum_values", enum_values, transactional=postgres_version >= 12))
    if rest:
        steps.append(Step("main", "", rest))
    return Plan(steps, safe=False)


class _SafePlanner:
    def __init__(self, diff: Diff, rows: Callable[[str | None], int | None], force: bool, version: int):
        self.diff, self.rows, self.force, self.version = diff, rows, force, version
        self.ctx: PgContext = diff.context  # type: ignore[assignment]
        self.stages: dict[str, list[ops.Operation]] = {stage: [] for stage in STAGES}
        self.after: dict[str, list[str]] = {stage: [] for stage in STAGES}
        self.rewrites: list[Rewrite] = []
        self.notes: list[str] = []
        self.created = {op.table for op in diff.operations if isinstance(op, ops.CreateTable)}

    def wanted(self, operation: ops.Operation) -> bool:
        if operation.table_name in self.created:
            return False
        if self.force:
            return bool(safety.fact(operation).safe)
        return safety.needs_safe_form(operation, self.rows(operation.table_name))

    def put(self, stage: str, operation: ops.Operation) -> None:
        self.stages[stage].append(operation)

    def deploy(self, stage: str, text: str) -> None:
        if text not in self.after[stage]:
            self.after[stage].append(text)

    # --- the plan ------------------------------------------------------------------------------

    def run(self) -> Plan:
        operations = list(self.diff.operations)
        self.expand_contract = self.choose_expand_contract(operations)
        subsumed = self.subsumed(operations)
        contract_tables = {op.table for op in operations if isinstance(op, ops.DropTable) and self.wanted(op)}
        contract_columns = {(op.table, op.column) for op in operations if isinstance(op, ops.DropColumn) and self.wanted(op)}
        changed_indexes = {(op.table, op.name) for op in operations if isinstance(op, ops.DropIndex)}
        done_ec: set[tuple[str, str]] = set()
        for operation in operations:
            if id(operation) in subsumed:
                key = subsumed[id(operation)]
                if key not in done_ec:
                    done_ec.add(key)
                    self.plan_expand_contract(*self.expand_contract[key])
                continue
            self.place(operation, contract_tables, contract_columns, changed_indexes)
        return self.assemble()

    def place(self, op: ops.Operation, contract_tables: set[str], contract_columns: set[tuple[str, str]], changed_indexes) -> None:
        table = op.table_name
        if isinstance(op, ops.AddEnumValues):
            self.put("enum_values", op)
            return
        if table in contract_tables and not isinstance(op, ops.DropTable):
            self.put("contract", op)
            return
        if isinstance(op, ops.DropTable) and table in contract_tables:
            self.put("contract", op)
            self.deploy("contract", f"the application no longer reads or writes table {table}")
            self.rewrites.append(Rewrite(op, "moved to the contract step, after the application stopped using the table"))
            return
        if isinstance(op, ops.DropColumn) and (op.table, op.column) in contract_columns:
            self.put("contract", op)
            self.deploy("contract", f"the application no longer reads or writes {op.table}.{op.column}")
            self.rewrites.append(Rewrite(op, "moved to the contract step, after the application stopped using the column"))
            return
        if isinstance(op, (ops.DropIndex, ops.DropConstraint)) and self._only_contract_columns(op, contract_columns):
            self.put("contract", op)
            return
        if not self.wanted(op):
            self.put("expand", op)
            return
        if isinstance(op, ops.CreateIndex):
            if (op.table, op.name) in changed_indexes:
                temporary = naming.fit(f"{op.name}_new")
                self.put("index", ops.CreateIndex(op.table, temporary, op.index, op.definition, concurrently=True, side=op.side))
                self.put("finalize", ops.RenameIndex(op.table, temporary, op.name))
            else:
                self.put("index", ops.CreateIndex(op.table, op.name, op.index, op.definition, concurrently=True, side=op.side))
            self.rewrites.append(Rewrite(op, "CREATE INDEX CONCURRENTLY in its own step"))
            return
        if isinstance(op, ops.DropIndex):
            self.put("drop_index", ops.DropIndex(op.table, op.name, op.index, op.definition, concurrently=True, side=op.side, if_exists=True))
            self.rewrites.append(Rewrite(op, "DROP INDEX CONCURRENTLY in its own step"))
            return
        if isinstance(op, ops.AddConstraint) and op.constraint in ("unique", "primary key"):
            self.put("index", self.unique_index(op))
            self.put("attach", ops.AddConstraint(op.table, op.name, op.constraint, op.definition, using_index=True))
            self.rewrites.append(Rewrite(op, f"unique index built CONCURRENTLY, then ADD CONSTRAINT … {op.constraint.upper()} USING INDEX"))
            return
        if isinstance(op, ops.AddConstraint) and op.constraint in ("check", "foreign key"):
            self.put("constrain", ops.AddConstraint(op.table, op.name, op.constraint, op.definition, not_valid=True))
            referenced = op.definition.references.table if isinstance(op.definition, ForeignKey) else None
            self.put("validate", ops.ValidateConstraint(op.table, op.name, op.constraint, referenced))
            self.rewrites.append(Rewrite(op, "ADD CONSTRAINT … NOT VALID, then VALIDATE CONSTRAINT in a later transaction"))
            return
        if isinstance(op, ops.Backfill):
            self.put("backfill", ops.Backfill(op.table, op.column, op.value_sql, op.pending_sql, batched=True, key=op.key))
            self.rewrites.append(Rewrite(op, "batched UPDATE, one transaction per batch"))
            return
        if isinstance(op, ops.SetNotNull):
            self.not_null(op.table, op.column)
            self.rewrites.append(Rewrite(op, "CHECK (… IS NOT NULL) NOT VALID, VALIDATE, SET NOT NULL, drop the check"))
            return
        if isinstance(op, ops.AddColumn) and op.volatile_default:
            column = op.definition
            plain = column.model_copy(update={"default": None, "nullable": True})
            self.put("expand", ops.AddColumn(op.table, op.column, plain, op.is_key, op.side))
            default_sql = self.ctx.default_sql(op.table, op.column, column, op.is_key)
            self.put("expand", ops.SetDefault(op.table, op.column, None, default_sql))
            key = list(self.ctx.designs["new"].tables[op.table].primary_key)
            self.put("backfill", ops.Backfill(op.table, op.column, default_sql or "NULL", f"{q(op.column)} IS NULL", batched=True, key=key))
            if not column.nullable:
                self.not_null(op.table, op.column, deploy=False)
            self.rewrites.append(Rewrite(op, "added without its volatile default, SET DEFAULT for new rows, existing rows backfilled in batches"))
            return
        if isinstance(op, ops.RenameTable):
            self.put("expand", op)
            view = ops.Sql(
                op.new, f"compatibility view {op.old} over {op.new} (the old name keeps working)",
                [f"CREATE VIEW {q(op.old)} AS SELECT * FROM {q(op.new)};"], [f"DROP VIEW {q(op.old)};"], sql_kind="compatibility_view",
            )
            self.put("expand", view)
            self.put("contract", view.inverse())
            self.deploy("contract", f"the application uses table {op.new} (not {op.old})")
            self.rewrites.append(Rewrite(op, f"rename plus a view {op.old} until the contract step"))
            return
        if isinstance(op, (ops.RenameColumn, ops.AlterColumnType)):
            self.notes.append(f"{op.describe()}: no expand–contract form ({self.ec_refusals.get((op.table, getattr(op, 'new', None) or op.column), 'not eligible')}); done directly")
        self.put("expand", op)

    def _only_contract_columns(self, op: ops.Operation, contract_columns: set[tuple[str, str]]) -> bool:
        table = op.table_name
        if isinstance(op, ops.DropIndex):
            columns = {key.column for key in op.index.keys(set(op.definition.columns))}
            for expression in op.index.expressions:
                columns |= expression_columns(IndexKey.parse(expression).column)
            columns |= expression_columns(op.index.where)
        elif isinstance(op, ops.DropConstraint):
            definition = op.definition
            if isinstance(definition, list):
                columns = set(definition)
            elif isinstance(definition, (UniqueConstraint, ForeignKey)):
                columns = set(definition.columns)
            elif isinstance(definition, CheckConstraint):
                columns = expression_columns(definition.expression)
            else:
                return False
        else:
            return False
        target = self.diff.renames.new_table(table) if table else table
        return bool(columns) and all((target, column) in contract_columns or (table, column) in contract_columns for column in columns)

    def unique_index(self, op: ops.AddConstraint) -> ops.Operation:
        definition = op.definition
        columns = definition if isinstance(definition, list) else definition.columns  # type: ignore[union-attr]
        nulls = " NULLS NOT DISTINCT" if isinstance(definition, UniqueConstraint) and definition.nulls_not_distinct else ""
        create = (
            f"CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS {q(op.name)} ON {q(op.table)} USING btree ({', '.join(q(c) for c in columns)}){nulls};"
        )
        return ops.Sql(
            op.table, f"build unique index {op.name} on {op.table} ({', '.join(columns)}) concurrently",
            [f"DROP INDEX CONCURRENTLY IF EXISTS {q(op.name)};", create],
            [f"DROP INDEX CONCURRENTLY IF EXISTS {q(op.name)};"],
            sql_kind="create_index_concurrently", in_transaction=False, name=op.name,
        )

    def not_null(self, table: str, column: str, deploy: bool = True) -> None:
        helper = naming.fit(f"{table}_{column}_not_null")
        check = CheckConstraint(name=helper, expression=f"{q(column)} IS NOT NULL")
        self.put("constrain", ops.AddConstraint(table, helper, "check", check, not_valid=True, helper=True))
        self.put("not_null", ops.ValidateConstraint(table, helper, "check"))
        self.put("not_null", ops.SetNotNull(table, column, validated_check=True))
        self.put("not_null", ops.DropConstraint(table, helper, "check", check, helper=True))
        if deploy:
            has_backfill = any(isinstance(o, ops.Backfill) and o.table == table and o.column == column for o in self.diff.operations)
            self.deploy("backfill" if has_backfill else "constrain", f"the application writes {table}.{column} (never NULL) on every INSERT and UPDATE")
        if self.version < 12:
            self.notes.append(f"{table}.{column}: before PostgreSQL 12, SET NOT NULL scans the table even with a validated check")

    # --- expand–contract ---------------------------------------------------------------------------

    def choose_expand_contract(self, operations: list[ops.Operation]) -> dict[tuple[str, str], tuple]:
        """(table, new column) → (old column, old definition, new definition) for the columns that get it."""
        chosen: dict[tuple[str, str], tuple] = {}
        self.ec_refusals: dict[tuple[str, str], str] = {}
        old, new = self.diff.old, self.diff.new
        for op in operations:
            if isinstance(op, ops.RenameColumn):
                table, old_column, new_column = op.table, op.old, op.new
            elif isinstance(op, ops.AlterColumnType) and op.rewrite:
                table, new_column = op.table, op.column
                old_column = self.diff.renames.old_column(table, new_column)
            else:
                continue
            if not self.wanted(op):
                continue
            old_table = old.tables[self.diff.renames.old_table(table)]
            new_table = new.tables[table]
            reason = self.refuse(self.diff.renames.old_table(table), old_table, old_column, table, new_table, new_column)
            if reason:
                self.ec_refusals[(table, new_column)] = reason
                continue
            chosen[(table, new_column)] = (table, old_column, new_column, old_table.columns[old_column], new_table.columns[new_column])
        return chosen

    def refuse(self, old_name: str, old_table: Table, old_column: str, table: str, new_table: Table, new_column: str) -> str | None:
        """Why a column cannot go through expand–contract (None when it can)."""
        old_def, new_def = old_table.columns[old_column], new_table.columns[new_column]
        if old_column in old_table.primary_key or new_column in new_table.primary_key:
            return "it is part of the primary key"
        if old_def.identity or new_def.identity or old_def.generated or new_def.generated:
            return "it is an identity or generated column"
        for design, name, column in ((self.diff.old, old_name, old_column), (self.diff.new, table, new_column)):
            for other_name, other in design.tables.items():
                for fk in other.foreign_keys:
                    if fk.references.table == name and column in fk.references.columns:
                        return f"{other_name} references it"
            own = design.tables[name]
            if any(t.column == column for t in own.triggers):
                return "a trigger uses it"
            for policy in own.policies:
                if column in expression_columns(policy.using) | expression_columns(policy.with_check):
                    return "a policy uses it"
            for other_column in own.columns.values():
                if other_column.generated and column in expression_columns(other_column.generated):
                    return "a generated column uses it"
        return None

    def subsumed(self, operations: list[ops.Operation]) -> dict[int, tuple[str, str]]:
        """Direct operations an expand–contract replaces → its key."""
        result: dict[int, tuple[str, str]] = {}
        for key, (table, old_column, new_column, _, _) in self.expand_contract.items():
            old_name = self.diff.renames.old_table(table)
            for op in operations:
                if op.table_name not in (table, old_name):
                    continue
                if self._involves(op, table, old_column, new_column):
                    result[id(op)] = key
        return result

    def _involves(self, op: ops.Operation, table: str, old_column: str, new_column: str) -> bool:
        names = {old_column, new_column}
        if isinstance(op, ops.RenameColumn):
            return op.old == old_column and op.new == new_column
        if isinstance(op, (ops.AlterColumnType, ops.SetDefault, ops.SetNotNull, ops.DropNotNull, ops.Backfill)):
            return op.column == new_column
        if isinstance(op, ops.SetComment):
            return op.column == new_column
        if isinstance(op, (ops.CreateIndex, ops.DropIndex)):
            return bool(self._index_columns(op.index, op.definition) & names)
        if isinstance(op, (ops.AddConstraint, ops.DropConstraint)):
            return bool(self._constraint_columns(op.definition) & names)
        if isinstance(op, (ops.RenameIndex, ops.RenameConstraint)):
            return self._renamed_object_involves(op, table, new_column)
        return False

    def _renamed_object_involves(self, op, table: str, new_column: str) -> bool:
        new_table = self.diff.new.tables[table]
        if isinstance(op, ops.RenameIndex):
            for index, name in zip(new_table.indexes, naming.index_names(table, new_table)):
                if name == op.new:
                    return new_column in self._index_columns(index, new_table)
            return False
        for kind, definition, name in self._constraints(table, new_table):
            if name == op.new:
                return new_column in self._constraint_columns(definition)
        return False

    @staticmethod
    def _index_columns(index: Index, table: Table) -> set[str]:
        columns = {key.column for key in index.keys(set(table.columns))} | set(index.include)
        for expression in index.expressions:
            columns |= expression_columns(IndexKey.parse(expression).column)
        return columns | expression_columns(index.where)

    @staticmethod
    def _constraint_columns(definition) -> set[str]:
        if isinstance(definition, list):
            return set(definition)
        if isinstance(definition, (UniqueConstraint, ForeignKey)):
            return set(definition.columns)
        if isinstance(definition, CheckConstraint):
            return expression_columns(definition.expression)
        return set()

    @staticmethod
    def _constraints(name: str, table: Table):
        found = []
        for unique in table.unique:
            found.append(("unique", unique, unique.name or naming.unique_name(name, unique.columns)))
        for position, check in enumerate(table.checks):
            found.append(("check", check, check.name or naming.check_name(name, position)))
        for fk in table.foreign_keys:
            found.append(("foreign key", fk, fk.name or naming.foreign_key_name(name, fk.columns)))
        return found

    def _convert(self, expression: str, source: Column, target: Column) -> str:
        if type_key(source.portable_type) == type_key(target.portable_type):
            return expression
        type_sql = self.ctx.type_sql(target.portable_type)
        if source.portable_type.is_enum or target.portable_type.is_enum:
            return f"{expression}::text::{type_sql}"
        return f"{expression}::{type_sql}"

    def plan_expand_contract(self, table: str, old_column: str, new_column: str, old_def: Column, new_def: Column) -> None:
        diff = self.diff
        old_name = diff.renames.old_table(table)
        old_table, new_table = diff.old.tables[old_name], diff.new.tables[table]
        renamed = old_column != new_column
        taken = set(old_table.columns) | set(new_table.columns)
        temporary = new_column
        if not renamed:
            temporary, number = naming.fit(f"{new_column}_new"), 2
            while temporary in taken:
                temporary, number = naming.fit(f"{new_column}_new{number}"), number + 1
        what = (f"rename {table}.{old_column} to {new_column}" if renamed else "") + (
            (" and " if renamed else "") + f"change {table}.{new_column} from {old_def.type} to {new_def.type}"
            if type_key(old_def.portable_type) != type_key(new_def.portable_type) else ""
        )
        # expand: the new column, kept in step with the old one by a trigger
        plain = Column(type=new_def.type, nullable=True)
        self.put("expand", ops.AddColumn(table, temporary, plain, False, "new"))
        dual = self._dual_write(table, old_column, temporary, old_def, new_def)
        self.put("expand", dual)
        o, t = q(old_column), q(temporary)
        if new_def.comment:
            self.put("expand", ops.SetComment(table, temporary, None, new_def.comment))
        # backfill existing rows (the trigger takes care of new writes)
        key = list(new_table.primary_key)
        self.put("backfill", ops.Backfill(
            table, temporary, self._convert(o, old_def, new_def), f"{t} IS NULL AND {o} IS NOT NULL",
            batched=True, key=key, guard=BACKFILL_GUARD,
        ))
        if not new_def.nullable:
            self.not_null(table, temporary, deploy=False)
        renames = self._build_on_new_column(old_name, old_table, table, new_table, new_column, temporary)
        self._contract(old_name, old_table, table, old_column, new_column, temporary, old_def, new_def, dual, renames)
        self.deploy("contract", f"the application reads and writes {table}.{new_column} only (it may write either column until then)")
        self.rewrites.append(Rewrite(
            ops.Noop(what), f"expand–contract: add {table}.{temporary}, dual-write trigger, batched backfill, switch the application, drop {table}.{old_column}",
        ))

    def _dual_write(self, table: str, old_column: str, temporary: str, old_def: Column, new_def: Column) -> ops.Sql:
        """The trigger that keeps the old and the new column in step, whichever one the code writes."""
        function = naming.fit(f"schemasmith_dual_write_{table}_{old_column}")
        trigger = naming.fit(f"{table}_{old_column}_dual_write")
        o, t = q(old_column), q(temporary)
        to_new = self._convert(f"NEW.{o}", old_def, new_def)
        to_old = self._convert(f"NEW.{t}", new_def, old_def)
        body = "\n".join([
            "BEGIN",
            f"    -- A batched backfill sets {BACKFILL_GUARD} while it copies; the trigger stands aside then.",
            f"    IF current_setting({literal(BACKFILL_GUARD)}, true) = 'on' THEN",
            "        RETURN NEW;",
            "    END IF;",
            "    IF TG_OP = 'INSERT' THEN",
            f"        IF NEW.{t} IS NOT NULL THEN",
            f"            NEW.{o} := {to_old};",
            "        ELSE",
            f"            NEW.{t} := {to_new};",
            "        END IF;",
            f"    ELSIF NEW.{t} IS DISTINCT FROM OLD.{t} THEN",
            f"        NEW.{o} := {to_old};",
            f"    ELSIF NEW.{o} IS DISTINCT FROM OLD.{o} THEN",
            f"        NEW.{t} := {to_new};",
            "    END IF;",
            "    RETURN NEW;",
            "END",
        ])
        create_function = f"CREATE OR REPLACE FUNCTION {q(function)}() RETURNS trigger\nLANGUAGE plpgsql AS {postgres.dollar_quoted(body)};"
        create_trigger = f"CREATE TRIGGER {q(trigger)} BEFORE INSERT OR UPDATE ON {q(table)}\n    FOR EACH ROW EXECUTE FUNCTION {q(function)}();"
        return ops.Sql(
            table, f"keep {table}.{old_column} and {table}.{temporary} in step (dual-write trigger)",
            [create_function, create_trigger],
            [f"DROP TRIGGER {q(trigger)} ON {q(table)};", f"DROP FUNCTION {q(function)}();"],
            sql_kind="dual_write",
        )

    def _build_on_new_column(self, old_name: str, old_table: Table, table: str, new_table: Table, new_column: str,
                             temporary: str) -> list[ops.Operation]:
        """NEW's indexes and constraints on the column, built on the new one; the renames that follow in contract."""
        renames: list[ops.Operation] = []
        mapping = {new_column: temporary} if temporary != new_column else {}
        old_names = set(naming.index_names(old_name, old_table)) | {n for _, _, n in self._constraints(old_name, old_table)}
        if old_table.primary_key:
            old_names.add(naming.table_primary_key_name(old_name, old_table))

        def name_for(final: str) -> str:
            if final in old_names:
                temporary_name = naming.fit(f"{final}_new")
                return temporary_name
            return final

        for index, name in zip(new_table.indexes, naming.index_names(table, new_table)):
            if new_column not in self._index_columns(index, new_table):
                continue
            built = self._renamed_index(index, new_table, mapping)
            target = name_for(name)
            self.put("index", ops.CreateIndex(table, target, built, self._with_column(new_table, new_column, temporary), concurrently=True))
            if target != name:
                renames.append(ops.RenameIndex(table, target, name))
        for kind, definition, name in self._constraints(table, new_table):
            if new_column not in self._constraint_columns(definition):
                continue
            target = name_for(name)
            moved = self._renamed_constraint(definition, mapping, target)
            if kind == "unique":
                self.put("index", self.unique_index(ops.AddConstraint(table, target, kind, moved)))
                self.put("attach", ops.AddConstraint(table, target, kind, moved, using_index=True))
            else:
                self.put("constrain", ops.AddConstraint(table, target, kind, moved, not_valid=True))
                referenced = moved.references.table if isinstance(moved, ForeignKey) else None
                self.put("validate", ops.ValidateConstraint(table, target, kind, referenced))
            if target != name:
                renames.append(ops.RenameConstraint(table, target, name))
        return renames

    def _contract(self, old_name: str, old_table: Table, table: str, old_column: str, new_column: str, temporary: str,
                  old_def: Column, new_def: Column, dual: ops.Sql, renames: list[ops.Operation]) -> None:
        """Drop the old column (its indexes and constraints go with it), rename the new one into place."""
        restore = self._restore_old_column(old_name, old_table, table, old_column, temporary, old_def, new_def)
        restore.append(ops.Sql(table, "restore the dual-write trigger", dual.up, dual.down, sql_kind="dual_write"))
        drop_old = ops.Composite(
            table, f"drop {table}.{old_column} (its values now live in {table}.{temporary})",
            [ops.Sql(table, "drop the dual-write trigger", dual.down, dual.up, sql_kind="dual_write"),
             ops.DropColumn(table, old_column, old_def, False, "old", moved_to=table)],
            restore, composite_kind="expand_contract",
        )
        self.put("contract", drop_old)
        if temporary != new_column:
            self.put("contract", ops.RenameColumn(table, temporary, new_column))
        for rename in renames:
            self.put("contract", rename)
        new_default = self.ctx.default_sql(table, new_column, new_def, False)
        if new_default is not None:
            self.put("contract", ops.SetDefault(table, new_column, None, new_default))

    def _with_column(self, table: Table, column: str, temporary: str) -> Table:
        columns = dict(table.columns)
        columns[temporary] = columns[column]
        return table.model_copy(update={"columns": columns})

    @staticmethod
    def _renamed_index(index: Index, table: Table, mapping: dict[str, str]) -> Index:
        if not mapping:
            return index
        keys = [str(IndexKey(mapping.get(k.column, k.column), k.descending, k.nulls)) for k in index.keys(set(table.columns))]
        expressions = []
        for expression in index.expressions:
            key = IndexKey.parse(expression)
            key.column = rename_in_expression(key.column, mapping)
            expressions.append(str(key))
        return index.model_copy(update={
            "name": None, "columns": keys, "expressions": expressions,
            "where": rename_in_expression(index.where, mapping) if index.where else None,
            "include": [mapping.get(c, c) for c in index.include],
        })

    @staticmethod
    def _renamed_constraint(definition, mapping: dict[str, str], name: str):
        if isinstance(definition, UniqueConstraint):
            return definition.model_copy(update={"name": name, "columns": [mapping.get(c, c) for c in definition.columns]})
        if isinstance(definition, ForeignKey):
            return definition.model_copy(update={"name": name, "columns": [mapping.get(c, c) for c in definition.columns]})
        assert isinstance(definition, CheckConstraint)
        return definition.model_copy(update={"name": name, "expression": rename_in_expression(definition.expression, mapping)})

    def _restore_old_column(self, old_name: str, old_table: Table, table: str, old_column: str, temporary: str,
                            old_def: Column, new_def: Column) -> list[ops.Operation]:
        """What the DOWN of the contract step does: the old column back, with the values and objects it had."""
        restore: list[ops.Operation] = [ops.AddColumn(table, old_column, old_def.model_copy(update={"nullable": True, "default": None}), False, "old")]
        restore.append(ops.Sql(
            table, f"copy {table}.{temporary} back into {table}.{old_column}",
            [f"UPDATE {q(table)} SET {q(old_column)} = {self._convert(q(temporary), new_def, old_def)};"], [], sql_kind="backfill",
        ))
        if not old_def.nullable:
            restore.append(ops.SetNotNull(table, old_column))
        old_default = self.ctx.default_sql(table, old_column, old_def, False, "old")
        if old_default is not None:
            restore.append(ops.SetDefault(table, old_column, None, old_default))
        for index, name in zip(old_table.indexes, naming.index_names(old_name, old_table)):
            if old_column in self._index_columns(index, old_table):
                restore.append(ops.CreateIndex(table, name, index, old_table, side="old"))
        for kind, definition, name in self._constraints(old_name, old_table):
            if old_column in self._constraint_columns(definition):
                restore.append(ops.AddConstraint(table, name, kind, definition))
        return restore

    # --- steps ---------------------------------------------------------------------------------

    def assemble(self) -> Plan:
        steps: list[Step] = []
        application: list[str] = []
        for stage in STAGES:
            operations = self.stages[stage]
            if not operations:
                continue
            if stage in _PER_OPERATION:
                for operation in operations:
                    name = getattr(operation, "name", None) or naming.fit(operation.table_name or "index")
                    suffix = f"{'index' if stage == 'index' else 'drop_index'}_{name}"
                    steps.append(Step(stage, suffix, [operation], transactional=False, long_running=stage in _LONG_RUNNING))
                continue
            transactional = stage not in _NO_TRANSACTION
            if stage == "enum_values":
                transactional = self.version >= 12
            suffix = "" if stage == "expand" else stage
            step = Step(stage, suffix, operations, transactional=transactional, long_running=stage in _LONG_RUNNING,
                        after_deploy=list(self.after[stage]))
            steps.append(step)
            application += [f"before {stage}: {text}" for text in step.after_deploy]
        return Plan(steps, safe=True, rewrites=self.rewrites, notes=self.notes, application=application)


def safe_plan(diff: Diff, rows: Callable[[str | None], int | None], *, force: bool, postgres_version: int) -> Plan:
    """The safe plan: `force` rewrites every operation that has a safe form; otherwise only the
    ones on tables that may be big (see `safety.needs_safe_form`)."""
    return _SafePlanner(diff, rows, force, postgres_version).run()
