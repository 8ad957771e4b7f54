"""Migration operations as plain objects: what changes, never how it is spelled.

`compare` produces them, the planner rearranges them into safe steps, `render.postgres` and
`render.sqlite` turn them into PostgreSQL or SQLite statements and `render.alembic` into `op.*`
calls; this module imports none of them. Every operation
knows its inverse (the DOWN is the inverses in reverse order), the table whose lock it takes,
and whether it destroys stored data. `KIND` is the key into the safety knowledge
(`safety.FACTS`); some operations refine it (`kind`) from their details.

Objects that need their definition to be rendered (a table, an index, a column) carry it, with
`side` saying which design it comes from ("old" or "new"), so an operation can be rendered
without the diff that produced it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

from ..model.document import (
    CheckConstraint,
    Column,
    Exclusion,
    ForeignKey,
    Index,
    Policy,
    Table,
    Trigger,
    UniqueConstraint,
    View,
    VirtualTable,
)
from .type_changes import type_change_facts


@dataclass
class Operation:
    KIND: ClassVar[str] = "operation"

    @property
    def kind(self) -> str:
        return self.KIND

    @property
    def table_name(self) -> str | None:
        return getattr(self, "table", None)

    @property
    def tables(self) -> list[str]:
        """Every table whose lock the operation takes (the first is the one altered)."""
        return [self.table_name] if self.table_name else []

    def describe(self) -> str:
        raise NotImplementedError

    def inverse(self) -> Operation:
        raise NotImplementedError

    @property
    def loses_data(self) -> str | None:
        """Why applying this operation destroys stored data (None when it does not)."""
        return None

    @property
    def transactional(self) -> bool:
        return True


# --- enums -----------------------------------------------------------------------------------


@dataclass
class CreateEnum(Operation):
    KIND: ClassVar[str] = "create_enum"
    name: str
    values: list[str]

    def describe(self) -> str:
        return f"create enum type {self.name} ({', '.join(self.values)})"

    def inverse(self) -> Operation:
        return DropEnum(self.name, self.values)


@dataclass
class DropEnum(Operation):
    KIND: ClassVar[str] = "drop_enum"
    name: str
    values: list[str]

    def describe(self) -> str:
        return f"drop enum type {self.name}"

    def inverse(self) -> Operation:
        return CreateEnum(self.name, self.values)


@dataclass
class EnumColumn:
    """A column whose type is an enum being rebuilt, and its default before and after (SQL)."""

    table: str
    column: str
    array: bool = False
    default_before: str | None = None
    default_after: str | None = None


@dataclass
class Dependent:
    """An object whose expression mentions an enum column: dropped and recreated around a type swap."""

    table: str
    kind: str  # index, check or policy
    name: str
    definition: Index | CheckConstraint | Policy
    table_definition: Table  # the table as `side` defines it (an index is rendered from it)
    side: str = "new"

    @property
    def description(self) -> str:
        return f"{self.kind} {self.name}"


@dataclass
class EnumSwap(Operation):
    """Replace an enum type by one with other values (how PostgreSQL removes or reorders values).

    The old type is renamed aside, the new one created, every column converted through text,
    and the old type dropped; objects whose expressions compare the column with a literal are
    dropped before and recreated after (they would compare the new type with the old one).
    """

    KIND: ClassVar[str] = "swap_enum"
    enum: str
    old_values: list[str]
    new_values: list[str]
    columns: list[EnumColumn] = field(default_factory=list)
    dependents: list[Dependent] = field(default_factory=list)
    check_style: bool = False  # enum_style check: the enum is a CHECK on each column

    @property
    def table_name(self) -> str | None:
        return self.columns[0].table if self.columns else None

    @property
    def tables(self) -> list[str]:
        return list(dict.fromkeys(column.table for column in self.columns))

    @property
    def removed(self) -> list[str]:
        return [value for value in self.old_values if value not in self.new_values]

    def describe(self) -> str:
        removed = self.removed
        what = f"remove value(s) {', '.join(removed)}" if removed else "reorder values"
        places = ", ".join(f"{c.table}.{c.column}" for c in self.columns) or "no column"
        return f"enum {self.enum}: {what} — rebuild the type ({places})"

    def inverse(self) -> Operation:
        columns = [replace(c, default_before=c.default_after, default_after=c.default_before) for c in self.columns]
        return EnumSwap(self.enum, self.new_values, self.old_values, columns, self.dependents, self.check_style)


@dataclass
class AddEnumValues(Operation):
    """ALTER TYPE … ADD VALUE for each new value (its own step: the value is usable only after COMMIT)."""

    KIND: ClassVar[str] = "add_enum_value"
    enum: str
    old_values: list[str]
    new_values: list[str]
    additions: list[tuple[str, str, str | None]]  # (value, "BEFORE"|"AFTER"|"", anchor)
    undo: EnumSwap | None = None
    in_transaction: bool = True  # False before PostgreSQL 12

    def describe(self) -> str:
        return f"enum {self.enum}: add value(s) {', '.join(value for value, _, _ in self.additions)}"

    def inverse(self) -> Operation:
        assert self.undo is not None
        return self.undo

    @property
    def transactional(self) -> bool:
        return self.in_transaction


@dataclass
class RenameEnumValue(Operation):
    KIND: ClassVar[str] = "rename_enum_value"
    enum: str
    old: str
    new: str
    columns: list[EnumColumn] = field(default_factory=list)  # for SQLite and check style: rows to update

    @property
    def table_name(self) -> str | None:
        return None

    def describe(self) -> str:
        return f"enum {self.enum}: rename value {self.old} to {self.new}"

    def inverse(self) -> Operation:
        return RenameEnumValue(self.enum, self.new, self.old, self.columns)


# --- tables ----------------------------------------------------------------------------------


@dataclass
class CreateTable(Operation):
    KIND: ClassVar[str] = "create_table"
    table: str
    definition: Table
    deferred: frozenset[int] = frozenset()  # foreign keys (positions) added by separate operations
    side: str = "new"

    @property
    def tables(self) -> list[str]:
        referenced = [
            fk.references.table
            for position, fk in enumerate(self.definition.foreign_keys)
            if position not in self.deferred and fk.references.table != self.table
        ]
        return [self.table] + list(dict.fromkeys(referenced))

    def describe(self) -> str:
        return f"create table {self.table}"

    def inverse(self) -> Operation:
        return DropTable(self.table, self.definition, self.deferred, self.side)


@dataclass
class DropTable(Operation):
    KIND: ClassVar[str] = "drop_table"
    table: str
    definition: Table
    deferred: frozenset[int] = frozenset()
    side: str = "old"
    moved_to: str | None = None  # its data was copied elsewhere first

    def describe(self) -> str:
        return f"drop table {self.table}"

    def inverse(self) -> Operation:
        return CreateTable(self.table, self.definition, self.deferred, self.side)

    @property
    def loses_data(self) -> str | None:
        if self.moved_to:
            return None
        return f"drops table {self.table} and every row in it"


@dataclass
class RenameTable(Operation):
    KIND: ClassVar[str] = "rename_table"
    old: str
    new: str

    @property
    def table_name(self) -> str | None:
        return self.new

    def describe(self) -> str:
        return f"rename table {self.old} to {self.new}"

    def inverse(self) -> Operation:
        return RenameTable(self.new, self.old)


# --- columns ---------------------------------------------------------------------------------


@dataclass
class AddColumn(Operation):
    KIND: ClassVar[str] = "add_column"
    table: str
    column: str
    definition: Column
    is_key: bool = False
    side: str = "new"
    table_is_new: bool = False  # the table was created in this migration (no rows)
    volatile_default: bool = False
    restores: str | None = None  # set on an inverse: why its data cannot come back

    @property
    def kind(self) -> str:
        column = self.definition
        if column.generated:
            return "add_column_generated"
        if column.identity:
            return "add_column_identity"
        if column.default is not None:
            return "add_column_volatile_default" if self.volatile_default else "add_column_default"
        if not column.nullable:
            return "add_column_not_null"
        return "add_column"

    def describe(self) -> str:
        return f"add column {self.table}.{self.column} {self.definition.type}" + ("" if self.definition.nullable else " NOT NULL")

    def inverse(self) -> Operation:
        return DropColumn(self.table, self.column, self.definition, self.is_key, self.side, volatile_default=self.volatile_default)


@dataclass
class DropColumn(Operation):
    KIND: ClassVar[str] = "drop_column"
    table: str
    column: str
    definition: Column
    is_key: bool = False
    side: str = "old"
    moved_to: str | None = None  # its values were copied to another table first
    volatile_default: bool = False

    def describe(self) -> str:
        return f"drop column {self.table}.{self.column}"

    def inverse(self) -> Operation:
        reason = None if (self.moved_to or self.definition.generated) else f"the values of {self.table}.{self.column} are gone"
        return AddColumn(self.table, self.column, self.definition, self.is_key, self.side, restores=reason,
                         volatile_default=self.volatile_default)

    @property
    def loses_data(self) -> str | None:
        if self.moved_to or self.definition.generated:
            return None
        return f"drops column {self.table}.{self.column} and its values"


@dataclass
class RenameColumn(Operation):
    KIND: ClassVar[str] = "rename_column"
    table: str
    old: str
    new: str

    def describe(self) -> str:
        return f"rename column {self.table}.{self.old} to {self.new}"

    def inverse(self) -> Operation:
        return RenameColumn(self.table, self.new, self.old)


@dataclass
class AlterColumnType(Operation):
    KIND: ClassVar[str] = "alter_column_type"
    table: str
    column: str
    old: Column
    new: Column
    rewrite: bool = True  # False when the change is binary-coercible (no table rewrite)
    narrowing: str | None = None  # why values may not fit or lose precision
    using: str | None = None  # USING expression (SQL) when PostgreSQL needs one
    may_fail: str | None = None  # why existing values may make the change fail

    @classmethod
    def between(cls, table: str, column: str, old: Column, new: Column, style: str = "native") -> AlterColumnType:
        """The change from `old`'s type to `new`'s, with its facts."""
        facts = type_change_facts(column, old, new, style)
        return cls(table, column, old, new, rewrite=facts.rewrite, narrowing=facts.narrowing, using=facts.using,
                   may_fail=facts.may_fail)

    @property
    def kind(self) -> str:
        return "alter_column_type" if self.rewrite else "alter_column_type_coercible"

    def describe(self) -> str:
        return f"change type of {self.table}.{self.column} from {self.old.type} to {self.new.type}"

    def inverse(self) -> Operation:
        return AlterColumnType.between(self.table, self.column, self.new, self.old)  # its facts are its own

    @property
    def loses_data(self) -> str | None:
        return self.narrowing


@dataclass
class DropExpression(Operation):
    """A generated column becomes a plain one, keeping its values (PostgreSQL 13+)."""

    KIND: ClassVar[str] = "drop_expression"
    table: str
    column: str
    old: Column
    new: Column

    def describe(self) -> str:
        return f"make {self.table}.{self.column} a plain column (drop its generation expression, keep the values)"

    def inverse(self) -> Operation:
        plain = self.old.model_copy(update={"generated": None})
        parts: list[Operation] = [DropColumn(self.table, self.column, plain, side="new"), AddColumn(self.table, self.column, self.old, side="old")]
        return Composite(self.table, f"make {self.table}.{self.column} generated again (drop and add)", parts, [self],
                         composite_kind="add_column_generated", loss=f"drops the values of {self.table}.{self.column} and computes them again")


@dataclass
class SetNotNull(Operation):
    KIND: ClassVar[str] = "set_not_null"
    table: str
    column: str
    validated_check: bool = False  # a validated CHECK (col IS NOT NULL) exists: no scan

    @property
    def kind(self) -> str:
        return "set_not_null_validated" if self.validated_check else "set_not_null"

    def describe(self) -> str:
        return f"set {self.table}.{self.column} NOT NULL"

    def inverse(self) -> Operation:
        return DropNotNull(self.table, self.column)


@dataclass
class DropNotNull(Operation):
    KIND: ClassVar[str] = "drop_not_null"
    table: str
    column: str

    def describe(self) -> str:
        return f"allow NULL in {self.table}.{self.column}"

    def inverse(self) -> Operation:
        return SetNotNull(self.table, self.column)


@dataclass
class SetDefault(Operation):
    """Set, change or drop a column default; the SQL of both sides is carried (None: no default)."""

    KIND: ClassVar[str] = "set_default"
    table: str
    column: str
    old_sql: str | None
    new_sql: str | None

    @property
    def kind(self) -> str:
        return "drop_default" if self.new_sql is None else "set_default"

    def describe(self) -> str:
        if self.new_sql is None:
            return f"drop default of {self.table}.{self.column}"
        return f"set default of {self.table}.{self.column} to {self.new_sql}"

    def inverse(self) -> Operation:
        return SetDefault(self.table, self.column, self.new_sql, self.old_sql)


@dataclass
class SetIdentity(Operation):
    KIND: ClassVar[str] = "set_identity"
    table: str
    column: str
    old: str | None  # None, "always", "by default"
    new: str | None

    @property
    def kind(self) -> str:
        if self.new is None:
            return "drop_identity"
        return "add_identity" if self.old is None else "set_identity"

    def describe(self) -> str:
        if self.new is None:
            return f"drop identity of {self.table}.{self.column}"
        return f"make {self.table}.{self.column} an identity ({self.new})"

    def inverse(self) -> Operation:
        return SetIdentity(self.table, self.column, self.new, self.old)


@dataclass
class SetComment(Operation):
    KIND: ClassVar[str] = "comment"
    table: str
    column: str | None
    old: str | None
    new: str | None

    def describe(self) -> str:
        target = f"{self.table}.{self.column}" if self.column else self.table
        return f"{'remove' if self.new is None else 'set'} comment on {target}"

    def inverse(self) -> Operation:
        return SetComment(self.table, self.column, self.new, self.old)


# --- constraints and indexes -----------------------------------------------------------------

CONSTRAINT_KINDS = ("primary key", "unique", "check", "foreign key", "exclusion")


@dataclass
class AddConstraint(Operation):
    """ADD CONSTRAINT; `definition` is the design object (columns list for a primary key)."""

    table: str
    name: str
    constraint: str  # one of CONSTRAINT_KINDS
    definition: list[str] | UniqueConstraint | CheckConstraint | ForeignKey | Exclusion
    not_valid: bool = False  # CHECK / FOREIGN KEY … NOT VALID (validated by a later step)
    using_index: bool = False  # UNIQUE / PRIMARY KEY USING INDEX name (built concurrently before)
    helper: bool = False  # a CHECK (col IS NOT NULL) the safe plan adds and drops again
    options: str = ""  # a primary key's INCLUDE / DEFERRABLE, as PostgreSQL spells them

    @property
    def kind(self) -> str:
        base = {"primary key": "add_primary_key", "unique": "add_unique", "check": "add_check", "foreign key": "add_foreign_key",
                "exclusion": "add_exclusion"}[self.constraint]
        if self.not_valid:
            return base + "_not_valid"
        if self.using_index:
            return base + "_using_index"
        return base

    @property
    def tables(self) -> list[str]:
        if isinstance(self.definition, ForeignKey) and self.definition.references.table != self.table:
            return [self.table, self.definition.references.table]
        return [self.table]

    def describe(self) -> str:
        detail = ""
        if isinstance(self.definition, ForeignKey):
            detail = f" ({', '.join(self.definition.columns)}) → {self.definition.references.table}"
        elif isinstance(self.definition, UniqueConstraint):
            detail = f" ({', '.join(self.definition.columns)})"
        elif isinstance(self.definition, CheckConstraint):
            detail = f" ({self.definition.expression})"
        elif isinstance(self.definition, list):
            detail = f" ({', '.join(self.definition)})"
        suffix = " NOT VALID" if self.not_valid else (" USING INDEX" if self.using_index else "")
        return f"add {self.constraint} {self.name} on {self.table}{detail}{suffix}"

    def inverse(self) -> Operation:
        return DropConstraint(self.table, self.name, self.constraint, self.definition, helper=self.helper, options=self.options,
                              not_valid=self.not_valid)


@dataclass
class DropConstraint(Operation):
    table: str
    name: str
    constraint: str
    definition: list[str] | UniqueConstraint | CheckConstraint | ForeignKey | Exclusion
    helper: bool = False
    options: str = ""  # a primary key's INCLUDE / DEFERRABLE, restored by the inverse
    not_valid: bool = False  # the constraint was NOT VALID: the inverse adds it back so

    @property
    def kind(self) -> str:
        return {"primary key": "drop_primary_key", "unique": "drop_unique", "check": "drop_check", "foreign key": "drop_foreign_key",
                "exclusion": "drop_exclusion"}[self.constraint]

    @property
    def tables(self) -> list[str]:
        if isinstance(self.definition, ForeignKey) and self.definition.references.table != self.table:
            return [self.table, self.definition.references.table]
        return [self.table]

    def describe(self) -> str:
        return f"drop {self.constraint} {self.name} on {self.table}"

    def inverse(self) -> Operation:
        return AddConstraint(self.table, self.name, self.constraint, self.definition, not_valid=self.helper or self.not_valid,
                             helper=self.helper, options=self.options)


@dataclass
class ValidateConstraint(Operation):
    KIND: ClassVar[str] = "validate_constraint"
    table: str
    name: str
    constraint: str
    referenced: str | None = None

    @property
    def tables(self) -> list[str]:
        return [self.table] + ([self.referenced] if self.referenced and self.referenced != self.table else [])

    def describe(self) -> str:
        return f"validate {self.constraint} {self.name} on {self.table}"

    def inverse(self) -> Operation:
        return Noop(f"nothing to undo for: {self.describe()}")


@dataclass
class RenameConstraint(Operation):
    KIND: ClassVar[str] = "rename_constraint"
    table: str
    old: str
    new: str

    def describe(self) -> str:
        return f"rename constraint {self.old} on {self.table} to {self.new}"

    def inverse(self) -> Operation:
        return RenameConstraint(self.table, self.new, self.old)


@dataclass
class CreateIndex(Operation):
    table: str
    name: str
    index: Index
    definition: Table  # the table the index belongs to (for its column names)
    concurrently: bool = False
    side: str = "new"

    @property
    def kind(self) -> str:
        return "create_index_concurrently" if self.concurrently else "create_index"

    def describe(self) -> str:
        keys = ", ".join(self.index.columns + self.index.expressions)
        unique = "unique " if self.index.unique else ""
        return f"create {unique}index {self.name} on {self.table} ({keys})" + (" concurrently" if self.concurrently else "")

    def inverse(self) -> Operation:
        return DropIndex(self.table, self.name, self.index, self.definition, self.concurrently, self.side, if_exists=self.concurrently)

    @property
    def transactional(self) -> bool:
        return not self.concurrently


@dataclass
class DropIndex(Operation):
    table: str
    name: str
    index: Index
    definition: Table
    concurrently: bool = False
    side: str = "old"
    if_exists: bool = False

    @property
    def kind(self) -> str:
        return "drop_index_concurrently" if self.concurrently else "drop_index"

    def describe(self) -> str:
        return f"drop index {self.name} on {self.table}" + (" concurrently" if self.concurrently else "")

    def inverse(self) -> Operation:
        return CreateIndex(self.table, self.name, self.index, self.definition, self.concurrently, self.side)

    @property
    def transactional(self) -> bool:
        return not self.concurrently


@dataclass
class RenameIndex(Operation):
    KIND: ClassVar[str] = "rename_index"
    table: str
    old: str
    new: str

    def describe(self) -> str:
        return f"rename index {self.old} to {self.new}"

    def inverse(self) -> Operation:
        return RenameIndex(self.table, self.new, self.old)


# --- triggers, row-level security ----------------------------------------------------------------


@dataclass
class CreateTrigger(Operation):
    KIND: ClassVar[str] = "create_trigger"
    table: str
    trigger: Trigger
    definition: Table
    side: str = "new"

    def describe(self) -> str:
        if self.trigger.definition is not None:
            return f"create trigger {self.trigger.name} on {self.table}"
        return f"create {self.trigger.kind} trigger on {self.table}" + (f" ({self.trigger.column})" if self.trigger.column else "")

    def inverse(self) -> Operation:
        return DropTrigger(self.table, self.trigger, self.definition, self.side)


@dataclass
class DropTrigger(Operation):
    KIND: ClassVar[str] = "drop_trigger"
    table: str
    trigger: Trigger
    definition: Table
    side: str = "old"

    def describe(self) -> str:
        if self.trigger.definition is not None:
            return f"drop trigger {self.trigger.name} on {self.table}"
        return f"drop {self.trigger.kind} trigger on {self.table}" + (f" ({self.trigger.column})" if self.trigger.column else "")

    def inverse(self) -> Operation:
        return CreateTrigger(self.table, self.trigger, self.definition, self.side)


@dataclass
class RenameTrigger(Operation):
    KIND: ClassVar[str] = "rename_trigger"
    table: str
    old: str
    new: str

    def describe(self) -> str:
        return f"rename trigger {self.old} on {self.table} to {self.new}"

    def inverse(self) -> Operation:
        return RenameTrigger(self.table, self.new, self.old)


@dataclass
class CreateUpdatedAtFunction(Operation):
    KIND: ClassVar[str] = "create_function"

    def describe(self) -> str:
        return "create the shared updated_at trigger function"

    def inverse(self) -> Operation:
        return DropUpdatedAtFunction()


@dataclass
class DropUpdatedAtFunction(Operation):
    KIND: ClassVar[str] = "drop_function"

    def describe(self) -> str:
        return "drop the shared updated_at trigger function"

    def inverse(self) -> Operation:
        return CreateUpdatedAtFunction()


# --- views and virtual tables (kept as their SQL) -----------------------------------------------


@dataclass
class CreateView(Operation):
    """A view from its kept query, with its triggers (they go and come with it)."""

    KIND: ClassVar[str] = "create_view"
    name: str
    view: View
    side: str = "new"

    def describe(self) -> str:
        return f"create view {self.name}"

    def inverse(self) -> Operation:
        return DropView(self.name, self.view, self.side)


@dataclass
class DropView(Operation):
    KIND: ClassVar[str] = "drop_view"
    name: str
    view: View
    side: str = "old"

    def describe(self) -> str:
        return f"drop view {self.name}"

    def inverse(self) -> Operation:
        return CreateView(self.name, self.view, self.side)


@dataclass
class CreateVirtualTable(Operation):
    KIND: ClassVar[str] = "create_virtual_table"
    name: str
    virtual: VirtualTable

    def describe(self) -> str:
        return f"create virtual table {self.name} using {self.virtual.using.split('(', 1)[0]}"

    def inverse(self) -> Operation:
        return DropVirtualTable(self.name, self.virtual)


@dataclass
class DropVirtualTable(Operation):
    KIND: ClassVar[str] = "drop_virtual_table"
    name: str
    virtual: VirtualTable

    def describe(self) -> str:
        return f"drop virtual table {self.name}"

    def inverse(self) -> Operation:
        return CreateVirtualTable(self.name, self.virtual)

    @property
    def loses_data(self) -> str | None:
        return f"the rows of virtual table {self.name} (an external-content index is rebuilt from its table)"


@dataclass
class RebuildTable(Operation):
    """A table built again into its new definition for a change no ALTER can make (SQLite: STRICT,
    WITHOUT ROWID, a declared type or collation kept exactly)."""

    KIND: ClassVar[str] = "rebuild_table"
    table: str
    reason: str

    def describe(self) -> str:
        return f"rebuild {self.table} ({self.reason})"

    def inverse(self) -> Operation:
        return RebuildTable(self.table, self.reason)  # the DOWN rebuilds it into the old definition


@dataclass
class SetRowLevelSecurity(Operation):
    KIND: ClassVar[str] = "row_level_security"
    table: str
    enabled: bool

    def describe(self) -> str:
        return f"{'enable' if self.enabled else 'disable'} row-level security on {self.table}"

    def inverse(self) -> Operation:
        return SetRowLevelSecurity(self.table, not self.enabled)


@dataclass
class CreatePolicy(Operation):
    KIND: ClassVar[str] = "create_policy"
    table: str
    policy: Policy

    def describe(self) -> str:
        return f"create policy {self.policy.name} on {self.table}"

    def inverse(self) -> Operation:
        return DropPolicy(self.table, self.policy)


@dataclass
class DropPolicy(Operation):
    KIND: ClassVar[str] = "drop_policy"
    table: str
    policy: Policy

    def describe(self) -> str:
        return f"drop policy {self.policy.name} on {self.table}"

    def inverse(self) -> Operation:
        return CreatePolicy(self.table, self.policy)


@dataclass
class RenamePolicy(Operation):
    KIND: ClassVar[str] = "rename_policy"
    table: str
    old: str
    new: str

    def describe(self) -> str:
        return f"rename policy {self.old} on {self.table} to {self.new}"

    def inverse(self) -> Operation:
        return RenamePolicy(self.table, self.new, self.old)


# --- objects beside tables (PostgreSQL) ----------------------------------------------------------

#: The object classes the operations below create, drop, replace or alter, as the design names them.
OBJECT_KINDS = ("schema", "extension", "collation", "domain", "type", "sequence", "routine", "view")


@dataclass
class ObjectOperation(Operation):
    """An operation on an object that is not a table (views, routines, types, …): PostgreSQL only."""

    KIND: ClassVar[str] = "object"

    @property
    def table_name(self) -> str | None:
        return None


def object_kind(kind: str, definition) -> str:
    """`routine`, `view`, `materialized_view`, …: the word in the safety kinds (`drop_routine`)."""
    return "materialized_view" if kind == "view" and getattr(definition, "materialized", False) else kind


def object_label(kind: str, definition) -> str:
    """`view`, `materialized view`, `function`, … for messages and operation kinds."""
    if kind == "view" and getattr(definition, "materialized", False):
        return "materialized view"
    return "function" if kind == "routine" else kind


@dataclass
class CreateObject(ObjectOperation):
    object: str  # one of OBJECT_KINDS
    name: str
    definition: Any  # the model object: Schema, Extension, …, View
    side: str = "new"
    recreated: bool = False  # dropped earlier in this migration and created again

    @property
    def kind(self) -> str:
        return "create_" + object_kind(self.object, self.definition)

    def describe(self) -> str:
        return f"{'recreate' if self.recreated else 'create'} {object_label(self.object, self.definition)} {self.name}"

    def inverse(self) -> Operation:
        return DropObject(self.object, self.name, self.definition, self.side, self.recreated)


@dataclass
class DropObject(ObjectOperation):
    object: str
    name: str
    definition: Any
    side: str = "old"
    recreated: bool = False  # created again later in this migration (a dependent of a change)

    @property
    def kind(self) -> str:
        return "drop_" + object_kind(self.object, self.definition)

    def describe(self) -> str:
        suffix = " (created again below)" if self.recreated else ""
        return f"drop {object_label(self.object, self.definition)} {self.name}{suffix}"

    def inverse(self) -> Operation:
        return CreateObject(self.object, self.name, self.definition, self.side, self.recreated)

    @property
    def loses_data(self) -> str | None:
        if self.object == "sequence":
            return f"drops sequence {self.name} and its current value"
        return None


@dataclass
class ReplaceObject(ObjectOperation):
    """CREATE OR REPLACE of a routine or a view (a view whose columns only grow at the end)."""

    object: str  # routine or view
    name: str
    old: Any
    new: Any
    triggers: list[str] = field(default_factory=list)  # table.trigger that execute the routine
    reversible: bool = True  # CREATE OR REPLACE also takes OLD back (False: a view that grew cannot shrink in place)

    @property
    def kind(self) -> str:
        if self.object == "routine":
            return "replace_routine_trigger" if self.triggers else "replace_routine"
        return "replace_view"

    def describe(self) -> str:
        used = f" (used by trigger {', '.join(self.triggers)})" if self.triggers else ""
        return f"replace {object_label(self.object, self.new)} {self.name}{used}"

    def inverse(self) -> Operation:
        if self.reversible:
            return ReplaceObject(self.object, self.name, self.new, self.old, self.triggers)
        label = object_label(self.object, self.old)
        parts: list[Operation] = [DropObject(self.object, self.name, self.new, "new", True), CreateObject(self.object, self.name, self.old, "old", True)]
        return Composite(None, f"recreate {label} {self.name} as it was (it cannot be replaced in place)", parts, [self],
                         composite_kind=f"drop_{object_kind(self.object, self.old)}")


@dataclass
class AlterObject(ObjectOperation):
    """An object changed in place: extension version or schema, domain, composite type, sequence options."""

    object: str  # extension, domain, type or sequence
    name: str
    old: Any
    new: Any

    @property
    def kind(self) -> str:
        return {"extension": "update_extension", "type": "alter_composite_type"}.get(self.object, f"alter_{self.object}")

    def describe(self) -> str:
        if self.object == "extension":
            return f"update extension {self.name} to {self.new.version or 'its default version'}"
        return f"alter {self.object} {self.name}"

    def inverse(self) -> Operation:
        return AlterObject(self.object, self.name, self.new, self.old)


@dataclass
class SetSequenceOwner(ObjectOperation):
    KIND: ClassVar[str] = "sequence_owner"
    name: str
    old: str | None  # table.column, or None
    new: str | None

    def describe(self) -> str:
        return f"sequence {self.name} owned by {self.new or 'nothing'}"

    def inverse(self) -> Operation:
        return SetSequenceOwner(self.name, self.new, self.old)


@dataclass
class SetObjectComment(ObjectOperation):
    KIND: ClassVar[str] = "comment_object"
    object: str
    name: str
    definition: Any  # says FUNCTION or PROCEDURE, VIEW or MATERIALIZED VIEW
    old: str | None
    new: str | None
    column: str | None = None  # a view's column

    def describe(self) -> str:
        target = f"{self.name}.{self.column}" if self.column else self.name
        return f"{'remove' if self.new is None else 'set'} comment on {object_label(self.object, self.definition)} {target}"

    def inverse(self) -> Operation:
        return SetObjectComment(self.object, self.name, self.definition, self.new, self.old, self.column)


@dataclass
class ViewIndex(ObjectOperation):
    """CREATE or DROP INDEX on a materialized view."""

    view: str
    name: str
    index: Index
    create: bool = True

    @property
    def kind(self) -> str:
        return "create_view_index" if self.create else "drop_view_index"

    def describe(self) -> str:
        return f"{'create' if self.create else 'drop'} index {self.name} on materialized view {self.view}"

    def inverse(self) -> Operation:
        return ViewIndex(self.view, self.name, self.index, not self.create)


@dataclass
class RefreshView(ObjectOperation):
    """REFRESH MATERIALIZED VIEW (WITH NO DATA: empty it, unscannable until refreshed)."""

    name: str
    with_data: bool = True

    @property
    def kind(self) -> str:
        return "refresh_materialized_view" if self.with_data else "refresh_materialized_view_no_data"

    def describe(self) -> str:
        return f"refresh materialized view {self.name}" + ("" if self.with_data else " with no data")

    def inverse(self) -> Operation:
        return RefreshView(self.name, not self.with_data)


@dataclass
class GrantPrivileges(ObjectOperation):
    """GRANT (or REVOKE) of one design `grants` entry, or one `default_privileges` entry."""

    grant: Any  # model.objects.Grant or DefaultPrivilege
    revoke: bool = False
    default: bool = False  # ALTER DEFAULT PRIVILEGES

    @property
    def kind(self) -> str:
        return ("revoke" if self.revoke else "grant") + ("_default_privileges" if self.default else "")

    def describe(self) -> str:
        what = ", ".join(self.grant.privileges)
        target = f"future {self.grant.objects}" + (f" in schema {self.grant.in_schema}" if self.grant.in_schema else "") if self.default else self.grant.object
        return f"{'revoke' if self.revoke else 'grant'} {what} on {target} {'from' if self.revoke else 'to'} {self.grant.to}"

    def inverse(self) -> Operation:
        return GrantPrivileges(self.grant, not self.revoke, self.default)


# --- data ------------------------------------------------------------------------------------


@dataclass
class Backfill(Operation):
    """UPDATE rows that still lack a value: one statement, or in batches that each COMMIT."""

    KIND: ClassVar[str] = "backfill"
    table: str
    column: str
    value_sql: str  # PostgreSQL expression, evaluated per row
    pending_sql: str  # which rows still need it
    batched: bool = False
    key: list[str] = field(default_factory=list)  # primary key (batches walk it); empty: ctid batches
    guard: str | None = None  # a setting that tells dual-write triggers to stand aside

    @property
    def kind(self) -> str:
        return "backfill_batched" if self.batched else "backfill"

    def describe(self) -> str:
        return f"backfill {self.table}.{self.column} = {self.value_sql}" + (" in batches" if self.batched else "")

    def inverse(self) -> Operation:
        return Noop(f"nothing to undo for the backfill of {self.table}.{self.column}")

    @property
    def transactional(self) -> bool:
        return not self.batched


@dataclass
class CopyRows(Operation):
    """Move column values into a new 1:1 table that references the source (a table split)."""

    KIND: ClassVar[str] = "copy_rows"
    source: str
    target: str
    columns: list[tuple[str, str]]  # (source column, target column)
    link: list[tuple[str, str]]  # (target column, source key column)
    back: bool = False  # the inverse: copy the values back into the source

    @property
    def table_name(self) -> str | None:
        return self.source if self.back else self.target

    @property
    def tables(self) -> list[str]:
        return [self.source, self.target] if self.back else [self.target, self.source]

    def describe(self) -> str:
        moved = ", ".join(source for source, _ in self.columns)
        if self.back:
            return f"copy {moved} back from {self.target} into {self.source}"
        return f"copy {self.source}.({moved}) into {self.target}"

    def inverse(self) -> Operation:
        return CopyRows(self.source, self.target, self.columns, self.link, not self.back)


@dataclass
class Sql(Operation):
    """Statements the planner writes itself (dual-write triggers, compatibility views, …)."""

    KIND: ClassVar[str] = "sql"
    table: str | None
    description: str
    up: list[str]
    down: list[str]
    sql_kind: str = "sql"
    loss: str | None = None
    down_loss: str | None = None
    in_transaction: bool = True
    name: str | None = None  # the object it creates, when it creates one (names its step)

    @property
    def kind(self) -> str:
        return self.sql_kind

    def describe(self) -> str:
        return self.description

    def inverse(self) -> Operation:
        return Sql(self.table, f"undo: {self.description}", self.down, self.up, self.sql_kind, self.down_loss, self.loss,
                   self.in_transaction, self.name)

    @property
    def loses_data(self) -> str | None:
        return self.loss

    @property
    def transactional(self) -> bool:
        return self.in_transaction


@dataclass
class Composite(Operation):
    """Several operations that act as one, with an explicit inverse (an expand–contract column swap)."""

    KIND: ClassVar[str] = "composite"
    table: str | None
    description: str
    parts: list[Operation]
    undo: list[Operation]
    composite_kind: str = "composite"
    loss: str | None = None
    undo_loss_reason: str | None = None

    @property
    def kind(self) -> str:
        return self.composite_kind

    def describe(self) -> str:
        return self.description

    def inverse(self) -> Operation:
        return Composite(self.table, f"undo: {self.description}", self.undo, self.parts, self.composite_kind, self.undo_loss_reason, self.loss)

    @property
    def loses_data(self) -> str | None:
        return self.loss


@dataclass
class Noop(Operation):
    KIND: ClassVar[str] = "noop"
    description: str = ""

    @property
    def table_name(self) -> str | None:
        return None

    def describe(self) -> str:
        return self.description

    def inverse(self) -> Operation:
        return Noop(self.description)


def restores_nothing(operation: Operation) -> str | None:
    """Why the inverse of `operation` cannot bring its data back (None when it can)."""
    if operation.loses_data:
        return operation.loses_data.replace("drops", "dropped", 1)
    return None
