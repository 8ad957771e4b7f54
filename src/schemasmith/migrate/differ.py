"""Compare two designs and list the operations that turn OLD into NEW, in an order that applies.

Both designs are first projected onto the dialect (`dialects.postgres.project` or
`dialects.sqlite.project`: what the database would hold of them) with their conventions'
implications written out, so a design read from a live database and one written by hand compare
by meaning. Expressions compare with `model.expressions.same_expression` after column renames
are applied to OLD's side. Objects (constraints, indexes, triggers, policies) are matched by
content first — a match under another name is a rename, not a drop and add — then by name.

The order of the list is the order of `PHASE`: drops of dependent objects before what they
depend on, renames before anything that uses the new names, creations after, data copies
before the columns they read are dropped, types last.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..dialects import postgres
from ..dialects import sqlite as sqlite_dialect
from ..dialects.base import Dialect
from ..dialects.registry import POSTGRES, SQLITE, get_dialect
from ..model import naming
from ..model.document import (
    Column,
    Design,
    ForeignKey,
    Index,
    IndexKey,
    Policy,
    Table,
    Trigger,
)
from ..model.expressions import normalize_expression
from ..model.implied import with_implied
from ..model.ordering import creation_order
from ..model.types import PortableType
from . import operations as ops
from .renames import (
    Renames,
    declared_renames,
    expression_columns,
    rename_in_expression,
    suggest_renames,
)
from .render.postgres import PgContext, constraint_body, policy_sql, q
from .type_changes import type_key

# Order of operations inside one transaction (lower first).
PHASE = {
    "create_enum": 10,
    "rename_enum_value": 12,
    "drop_policy": 20,
    "row_level_security_off": 20,
    "drop_trigger": 21,
    "drop_foreign_key": 22,
    "drop_index": 23,
    "drop_check": 24,
    "drop_unique": 25,
    "drop_primary_key": 26,
    "rename_table": 30,
    "rename_column": 31,
    "rename_object": 32,
    "drop_default_for_type": 38,
    "drop_expression": 39,
    "alter_type": 40,
    "drop_enum_column": 41,
    "swap_enum": 42,
    "alter_type_to_swapped": 44,
    "create_table": 50,
    "drop_column_regenerated": 51,
    "add_column": 52,
    "drop_identity": 53,
    "set_default": 54,
    "backfill": 55,
    "nullability": 56,
    "add_identity": 57,
    "copy_rows": 58,
    "drop_column": 60,
    "add_primary_key": 70,
    "add_unique": 71,
    "add_check": 72,
    "create_index": 73,
    "add_foreign_key": 74,
    "create_function": 79,
    "create_trigger": 80,
    "row_level_security_on": 81,
    "create_policy": 82,
    "comment": 85,
    "drop_table": 90,
    "drop_function": 92,
    "drop_enum": 95,
}

#: Functions whose value is the same for every row of one statement: ADD COLUMN … DEFAULT f()
#: is then stored once (PostgreSQL 11+) instead of rewriting the table.
STABLE_DEFAULT_FUNCTIONS = frozenset(
    {"now", "statement_timestamp", "transaction_timestamp", "current_date", "current_timestamp", "localtimestamp",
     "current_time", "localtime", "current_user", "session_user", "current_setting", "to_jsonb", "jsonb_build_object",
     "json_build_object", "lower", "upper", "make_interval", "array", "cast"}
)


@dataclass
class Diff:
    """The operations from OLD to NEW and everything the report says about them."""

    dialect: str
    old: Design  # projected, implications written out
    new: Design
    operations: list[ops.Operation]
    renames: Renames
    notes: list[str] = field(default_factory=list)
    missing_backfills: list[str] = field(default_factory=list)  # table.column: NOT NULL added to rows with no value
    context: PgContext | None = None

    @property
    def empty(self) -> bool:
        return not self.operations

    @property
    def target(self) -> Dialect:
        """The dialect object of `dialect`, for its capability flags."""
        return get_dialect(self.dialect)


@dataclass
class _Planned:
    phase: int
    operation: ops.Operation


# --- comparison keys ---------------------------------------------------------------------------


def _canon(text: str | None, mapping: dict[str, str] | None = None) -> str | None:
    if text is None:
        return None
    if mapping:
        text = rename_in_expression(text, mapping)
    return normalize_expression(text)


def _default_key(column: Column, portable: PortableType) -> Any:
    default = column.default
    if default is None:
        return None
    if default.is_expression:
        return ("sql", _canon(str(default.value)))
    return ("value", postgres.canonical_literal(portable, default.value))


def _effective_nullable(table: Table, name: str, column: Column) -> bool:
    return column.nullable and name not in table.primary_key and column.identity is None


def _index_key(index: Index, known: set[str], mapping: dict[str, str]) -> tuple:
    keys = []
    for key in index.keys(known):
        keys.append(str(IndexKey(mapping.get(key.column, key.column), key.descending, key.nulls)))
    expressions = []
    for text in index.expressions:
        key = IndexKey.parse(text)
        expressions.append((_canon(key.column, mapping), key.descending, key.nulls))
    return (
        tuple(keys),
        tuple(expressions),
        index.unique,
        index.method,
        _canon(index.where, mapping),
        tuple(mapping.get(c, c) for c in index.include),
    )


def _fk_key(fk: ForeignKey, mapping: dict[str, str], renames: Renames, new_target: str) -> tuple:
    target_mapping = renames.column_map(new_target)
    return (
        tuple(mapping.get(c, c) for c in fk.columns),
        new_target,
        tuple(target_mapping.get(c, c) for c in fk.references.columns),
        fk.on_delete if fk.on_delete != "no action" else None,
        fk.on_update if fk.on_update != "no action" else None,
        fk.deferrable or fk.initially_deferred,
        fk.initially_deferred,
    )


def _policy_key(policy: Policy, mapping: dict[str, str]) -> tuple:
    return (
        policy.command,
        tuple(sorted(role for role in policy.roles if role.lower() != "public")),
        _canon(policy.using, mapping),
        _canon(policy.with_check, mapping),
        policy.permissive,
    )


@dataclass
class _Item:
    name: str
    key: Any
    obj: Any


def _match(old_items: list[_Item], new_items: list[_Item]):
    """(unchanged, renamed, changed, dropped, added) pairs/items: by content first, then by name."""
    unchanged, renamed, changed = [], [], []
    old_left = list(old_items)
    new_left = []
    for item in new_items:
        same = next((o for o in old_left if o.name == item.name and o.key == item.key), None)
        if same is not None:
            old_left.remove(same)
            unchanged.append((same, item))
        else:
            new_left.append(item)
    still_new = []
    for item in new_left:
        same = next((o for o in old_left if o.key == item.key), None)
        if same is not None:
            old_left.remove(same)
            renamed.append((same, item))
        else:
            still_new.append(item)
    added = []
    for item in still_new:
        same = next((o for o in old_left if o.name == item.name), None)
        if same is not None:
            old_left.remove(same)
            changed.append((same, item))
        else:
            added.append(item)
    return unchanged, renamed, changed, old_left, added


def is_volatile_default(column: Column) -> bool:
    """Whether ADD COLUMN with this default must compute a value per row (rewriting the table)."""
    default = column.default
    if default is None or not default.is_expression:
        return False
    node = postgres.parse_expression(str(default.value))
    if node is None:
        return True
    volatile = False

    def visit(item) -> None:
        nonlocal volatile
        kind = type(item).__name__
        if kind == "FuncCall":
            name = item.funcname[-1].sval.lower()
            if name not in STABLE_DEFAULT_FUNCTIONS:
                volatile = True
        elif kind in ("SubLink",):
            volatile = True

    from .renames import walk_nodes

    walk_nodes(node, visit)
    return volatile


# --- the differ --------------------------------------------------------------------------------


#: What each dialect's database holds of a design (the dialects a migration can target).
PROJECTIONS = {POSTGRES: postgres.project, SQLITE: sqlite_dialect.project}


def project(design: Design, dialect: str) -> Design:
    """`design` as the dialect's database holds it, with its conventions' implications written out."""
    return with_implied(PROJECTIONS[get_dialect(dialect).name](design))


def diff(
    old_raw: Design,
    new_raw: Design,
    *,
    dialect: str = "postgres",
    backfills: dict[tuple[str, str], str] | None = None,
    rows: dict[str, int | None] | None = None,
    postgres_version: int | None = None,
) -> Diff:
    """The operations that turn `old_raw` into `new_raw` on `dialect`.

    `backfills` maps (new table, column) to the SQL value existing rows get when a column
    becomes NOT NULL (from `--backfill`; a column's own `backfill:` is read too); `rows` maps
    OLD table names to their row counts where known (0 lets NOT NULL be added without one).
    """
    from ..gcpause import gc_paused

    with gc_paused():
        return _diff(old_raw, new_raw, dialect, backfills, rows, postgres_version)


def _involved(old: Design, new: Design, renames: Renames) -> tuple[set[str], set[str]]:
    """The tables of OLD and NEW that can take part in the diff; the others are identical and untouched.

    Identical means the same definition under the same name, using no enum whose values change
    and referencing no table that changes (whose keys may be rebuilt). The targets of new tables'
    foreign keys are kept too (whether a key already exists decides where a foreign key goes).
    """
    changed_enums = {name for name in set(old.enums) | set(new.enums) if old.enums.get(name) != new.enums.get(name)}
    renamed = set(renames.tables) | set(renames.tables.values()) | set(renames.columns)
    same = set()
    for name, table in new.tables.items():
        if name in renamed or old.tables.get(name) != table:
            continue
        if changed_enums and any((c.portable_type.element or c.portable_type).enum in changed_enums
                                 for c in table.columns.values() if c.portable_type.is_enum or c.portable_type.is_array):
            continue
        same.add(name)
    changed = set(new.tables) - same
    for name in list(same):
        if any(fk.references.table in changed or fk.references.table not in new.tables for fk in new.tables[name].foreign_keys):
            same.discard(name)
    for name in set(new.tables) - set(old.tables):
        for fk in new.tables[name].foreign_keys:
            same.discard(fk.references.table)
    return set(old.tables) - same, set(new.tables) - same


def _subset(design: Design, names: set[str]) -> Design:
    if len(names) == len(design.tables):
        return design
    return design.model_copy(update={"tables": {name: table for name, table in design.tables.items() if name in names}})


def _uses_updated_at(tables) -> bool:
    """Whether any of these tables has the updated_at trigger, spelled out or implied by its column."""
    for table in tables:
        if any(trigger.kind == "updated_at" for trigger in table.triggers):
            return True
        column = table.columns.get("updated_at")
        if column is not None and column.portable_type.kind in ("timestamp", "timestamptz"):
            return True
    return False


def _diff(old_raw: Design, new_raw: Design, dialect: str, backfills, rows, postgres_version) -> Diff:
    renames = declared_renames(old_raw, new_raw)
    renames.suggestions = suggest_renames(old_raw, new_raw, renames)
    old_names, new_names = _involved(old_raw, new_raw, renames)
    untouched = [table for name, table in new_raw.tables.items() if name not in new_names]
    old = project(_subset(old_raw, old_names), dialect)
    new = project(_subset(new_raw, new_names), dialect)
    if old_raw.conventions.enum_style == new_raw.conventions.enum_style == "check" or not get_dialect(dialect).native_enums:
        new = new.model_copy(update={"conventions": new.conventions.model_copy(update={"enum_style": "check"})})
    version = postgres_version or new_raw.conventions.postgres_version
    context = PgContext(old, new, version)
    values = dict(backfills or {})
    for table_name, table in new_raw.tables.items():
        for column_name, column in table.columns.items():
            if column.backfill is not None:
                values.setdefault((table_name, column_name), column.backfill)
    builder = _Builder(old, new, renames, dialect, context, values, rows or {}, version)
    builder.untouched_use_updated_at = _uses_updated_at(untouched)
    builder.run()
    result = Diff(dialect, old, new, builder.sorted(), renames, builder.notes + renames.notes, builder.missing, context)
    return result


class _Builder:
    def __init__(self, old: Design, new: Design, renames: Renames, dialect: str, ctx: PgContext,
                 backfills: dict[tuple[str, str], str], rows: dict[str, int | None], version: int):
        self.old, self.new, self.renames, self.dialect, self.ctx = old, new, renames, dialect, ctx
        self.backfills, self.rows, self.version = backfills, rows, version
        self.planned: list[_Planned] = []
        self.notes: list[str] = []
        self.missing: list[str] = []
        self.check_style = not get_dialect(dialect).native_enums or new.conventions.enum_style == "check"
        self.swapped: dict[str, ops.EnumSwap] = {}
        self.swap_defaults: set[tuple[str, str]] = set()
        self.unchanged_objects: set[tuple[str, str, str]] = set()  # (new table, kind, name) left as they are

    def add(self, phase: str, operation: ops.Operation) -> None:
        self.planned.append(_Planned(PHASE[phase], operation))

    def sorted(self) -> list[ops.Operation]:
        return [item.operation for item in sorted(self.planned, key=lambda item: item.phase)]

    # --- names -----------------------------------------------------------------------------

    def old_name(self, new_table: str) -> str:
        return self.renames.old_table(new_table)

    def kept(self) -> list[tuple[str, str]]:
        pairs = []
        for name in self.new.tables:
            old_name = self.old_name(name)
            if old_name in self.old.tables:
                pairs.append((old_name, name))
        return pairs

    # --- run -------------------------------------------------------------------------------

    def run(self) -> None:
        kept = self.kept()
        kept_old = {old for old, _ in kept}
        created = [name for name in self.new.tables if self.old_name(name) not in self.old.tables]
        dropped = [name for name in self.old.tables if name not in kept_old]
        self.created, self.dropped, self.kept_pairs = created, dropped, kept
        self.enums(kept)
        for old_name, new_name in kept:
            if old_name != new_name:
                self.add("rename_table", ops.RenameTable(old_name, new_name))
        dependent_fks = self.key_dependencies(kept)
        for old_name, new_name in kept:
            self.table(old_name, new_name, dependent_fks)
        self.create_tables(created)
        self.drop_tables(dropped)
        self.functions()
        self.moves(created, kept)

    # --- enums -----------------------------------------------------------------------------

    def enum_columns(self, design: Design, enum: str, tables: list[str] | None = None) -> list[tuple[str, str, bool]]:
        found = []
        for table_name, table in design.tables.items():
            if tables is not None and table_name not in tables:
                continue
            for column_name, column in table.columns.items():
                portable = column.portable_type
                element = portable.element if portable.is_array else portable
                if element is not None and element.is_enum and element.enum == enum:
                    found.append((table_name, column_name, portable.is_array))
        return found

    def enums(self, kept: list[tuple[str, str]]) -> None:
        for name, values in self.new.enums.items():
            if name not in self.old.enums:
                self.add("create_enum", ops.CreateEnum(name, list(values)))
        for name, values in self.old.enums.items():
            if name not in self.new.enums:
                self.add("drop_enum", ops.DropEnum(name, list(values)))
        for name, new_values in self.new.enums.items():
            old_values = self.old.enums.get(name)
            if old_values is None or list(old_values) == list(new_values):
                continue
            self.enum_change(name, list(old_values), list(new_values), kept)

    def _swap_columns(self, enum: str, kept: list[tuple[str, str]], side: str) -> list[ops.EnumColumn]:
        """Columns of `enum` that exist before and after (NEW names), with their defaults."""
        columns = []
        new_of = dict(kept)
        for old_table, old_column, array in self.enum_columns(self.old, enum):
            if old_table not in new_of:
                continue
            table = new_of[old_table]
            column = self.renames.new_column(table, old_column)
            new_column = self.new.tables[table].columns.get(column)
            if new_column is None or type_key(new_column.portable_type) != type_key(self.old.tables[old_table].columns[old_column].portable_type):
                continue
            old_def = self.old.tables[old_table].columns[old_column]
            is_key_old = self.old.tables[old_table].primary_key == [old_column]
            is_key_new = self.new.tables[table].primary_key == [column]
            before = self.ctx.default_sql(table, column, old_def, is_key_old, "old")
            after = self.ctx.default_sql(table, column, new_column, is_key_new, "new")
            columns.append(ops.EnumColumn(table, column, array, before, after))
        return columns

    def _dependents(self, design: Design, side: str, columns: list[tuple[str, str]], unchanged_only: bool) -> list[ops.Dependent]:
        """Indexes, checks and policies whose expressions mention these columns."""
        dependents = []
        by_table: dict[str, set[str]] = {}
        for table, column in columns:
            by_table.setdefault(table, set()).add(column)
        for table_name, names in by_table.items():
            table = design.tables.get(table_name)
            if table is None:
                continue
            for index, index_name in zip(table.indexes, naming.index_names(table_name, table)):
                mentioned = expression_columns(index.where)
                for expression in index.expressions:
                    mentioned |= expression_columns(IndexKey.parse(expression).column)
                if mentioned & names and (not unchanged_only or (table_name, "index", index_name) in self.unchanged_objects):
                    dependents.append(ops.Dependent(
                        table_name, f"index {index_name}", f"DROP INDEX {q(index_name)};",
                        self.ctx.index_sql(table_name, table, index_name, index, side),
                    ))
            for position, check in enumerate(table.checks):
                check_name = check.name or naming.check_name(table_name, position)
                if expression_columns(check.expression) & names and (not unchanged_only or (table_name, "check", check_name) in self.unchanged_objects):
                    add = ops.AddConstraint(table_name, check_name, "check", check)
                    dependents.append(ops.Dependent(
                        table_name, f"check {check_name}", f"ALTER TABLE {q(table_name)} DROP CONSTRAINT {q(check_name)};",
                        f"ALTER TABLE {q(table_name)} ADD {constraint_body(add, self.ctx)};",
                    ))
            for policy in table.policies:
                mentioned = expression_columns(policy.using) | expression_columns(policy.with_check)
                if mentioned & names and (not unchanged_only or (table_name, "policy", policy.name) in self.unchanged_objects):
                    dependents.append(ops.Dependent(
                        table_name, f"policy {policy.name}", f"DROP POLICY {q(policy.name)} ON {q(table_name)};", policy_sql(table_name, policy),
                    ))
        return dependents

    def enum_change(self, name: str, old_values: list[str], new_values: list[str], kept: list[tuple[str, str]]) -> None:
        removed = [v for v in old_values if v not in new_values]
        added = [v for v in new_values if v not in old_values]
        value_renames: dict[str, str] = {}
        if len(old_values) == len(new_values):
            pairs = [(o, n) for o, n in zip(old_values, new_values) if o != n]
            if pairs and all(o in removed and n in added for o, n in pairs):
                value_renames = dict(pairs)
                self.notes.append(
                    f"enum {name}: " + ", ".join(f"{o} → {n}" for o, n in value_renames.items())
                    + " taken as rename(s) (same position, old value gone, new one added); rows keep their value under the new name"
                )
        renamed_list = [value_renames.get(v, v) for v in old_values]
        still_removed = [v for v in renamed_list if v not in new_values]
        order_kept = [v for v in new_values if v in renamed_list] == [v for v in renamed_list if v in new_values]
        swap_columns = self._swap_columns(name, kept, "new")
        if self.check_style:
            swap = ops.EnumSwap(name, old_values, new_values, swap_columns, [], check_style=True)
            self.add("swap_enum", swap)
            self.swapped[name] = swap
            return
        for old, new in value_renames.items():
            columns = [ops.EnumColumn(c.table, c.column, c.array) for c in swap_columns]
            self.add("rename_enum_value", ops.RenameEnumValue(name, old, new, columns))
        if not still_removed and order_kept:
            additions = []
            current = list(renamed_list)
            inverse = {n: o for o, n in value_renames.items()}
            for position, value in enumerate(new_values):
                if value in current:
                    continue
                previous = next((v for v in reversed(new_values[:position]) if v in current), None)
                following = next((v for v in new_values[position + 1:] if v in current), None)
                if previous is not None:
                    additions.append((value, "AFTER", inverse.get(previous, previous)))
                    current.insert(current.index(previous) + 1, value)
                elif following is not None:
                    additions.append((value, "BEFORE", inverse.get(following, following)))
                    current.insert(current.index(following), value)
                else:
                    additions.append((value, "", None))
                    current.append(value)
            if additions:
                # Its DOWN runs when the type holds OLD's names plus the added values.
                with_added = [inverse.get(v, v) for v in new_values]
                old_columns = []
                for table, column, array in self.enum_columns(self.old, name):
                    definition = self.old.tables[table].columns[column]
                    default = self.ctx.default_sql(table, column, definition, self.old.tables[table].primary_key == [column], "old")
                    old_columns.append(ops.EnumColumn(table, column, array, default, default))
                undo = ops.EnumSwap(
                    name, with_added, old_values, old_columns,
                    self._dependents(self.old, "old", [(c.table, c.column) for c in old_columns], unchanged_only=False),
                )
                self.add("create_enum", ops.AddEnumValues(name, old_values, new_values, additions, undo, in_transaction=self.version >= 12))
            return
        swap = ops.EnumSwap(name, renamed_list, new_values, swap_columns, [])
        self.swapped[name] = swap
        self.swap_defaults |= {(c.table, c.column) for c in swap_columns}
        self.add("swap_enum", swap)

    def finish_swaps(self) -> None:
        for swap in self.swapped.values():
            if swap.check_style:
                continue
            swap.dependents = self._dependents(self.new, "new", [(c.table, c.column) for c in swap.columns], unchanged_only=True)

    # --- kept tables -------------------------------------------------------------------------

    def key_dependencies(self, kept: list[tuple[str, str]]) -> set[tuple[str, str]]:
        """Foreign keys (old table, name) that must be dropped and re-added around a key change."""
        changed_keys: dict[str, list[set[str]]] = {}
        for old_name, new_name in kept:
            old_table, new_table = self.old.tables[old_name], self.new.tables[new_name]
            mapping = self.renames.column_map(new_name)
            old_keys = [(naming.table_primary_key_name(old_name, old_table), tuple(mapping.get(c, c) for c in old_table.primary_key))] if old_table.primary_key else []
            new_keys = [(naming.table_primary_key_name(new_name, new_table), tuple(new_table.primary_key))] if new_table.primary_key else []
            for unique in old_table.unique:
                old_keys.append((unique.name or naming.unique_name(old_name, unique.columns), tuple(mapping.get(c, c) for c in unique.columns)))
            for unique in new_table.unique:
                new_keys.append((unique.name or naming.unique_name(new_name, unique.columns), tuple(unique.columns)))
            for index, index_name in zip(old_table.indexes, naming.index_names(old_name, old_table)):
                if index.unique and not index.expressions and not index.where:
                    old_keys.append((index_name, tuple(mapping.get(k.column, k.column) for k in index.keys(set(old_table.columns)))))
            for index, index_name in zip(new_table.indexes, naming.index_names(new_name, new_table)):
                if index.unique and not index.expressions and not index.where:
                    new_keys.append((index_name, tuple(k.column for k in index.keys(set(new_table.columns)))))
            new_set = {(name, columns) for name, columns in new_keys}
            renamed_ok = {columns for _, columns in new_keys}
            for name, columns in old_keys:
                if (name, columns) not in new_set and not (columns in renamed_ok and name not in {n for n, _ in new_keys}):
                    changed_keys.setdefault(new_name, []).append(set(columns))
        dependent: set[tuple[str, str]] = set()
        if not changed_keys:
            return dependent
        for old_name, table in self.old.tables.items():
            for fk in table.foreign_keys:
                target = self.renames.new_table(fk.references.table)
                if target in changed_keys:
                    columns = {self.renames.new_column(target, c) for c in fk.references.columns}
                    if columns in changed_keys[target]:
                        dependent.add((old_name, fk.name or naming.foreign_key_name(old_name, fk.columns)))
        return dependent

    def table(self, old_name: str, new_name: str, dependent_fks: set[tuple[str, str]]) -> None:
        old_table, new_table = self.old.tables[old_name], self.new.tables[new_name]
        mapping = self.renames.column_map(new_name)
        for old_column, new_column in mapping.items():
            self.add("rename_column", ops.RenameColumn(new_name, old_column, new_column))
        self.columns(old_name, new_name, old_table, new_table, mapping)
        self.constraints(old_name, new_name, old_table, new_table, mapping, dependent_fks)
        self.indexes(old_name, new_name, old_table, new_table, mapping)
        self.triggers(old_name, new_name, old_table, new_table, mapping)
        self.security(old_name, new_name, old_table, new_table, mapping)
        if (old_table.comment or None) != (new_table.comment or None):
            self.add("comment", ops.SetComment(new_name, None, old_table.comment or None, new_table.comment or None))

    def rows_of(self, old_name: str) -> int | None:
        return self.rows.get(old_name)

    def columns(self, old_name: str, new_name: str, old_table: Table, new_table: Table, mapping: dict[str, str]) -> None:
        old_columns = {mapping.get(name, name): column for name, column in old_table.columns.items()}
        for name, column in new_table.columns.items():
            if name not in old_columns:
                self.add_column(old_name, new_name, name, column, new_table)
        for name, column in old_columns.items():
            if name not in new_table.columns:
                phase = "drop_column"
                element = column.portable_type.element if column.portable_type.is_array else column.portable_type
                if element is not None and element.is_enum and element.enum in self.swapped_names():
                    phase = "drop_enum_column"
                self.add(phase, ops.DropColumn(new_name, name, column, old_table.primary_key == [self.renames.old_column(new_name, name)], "old"))
        for name, new_column in new_table.columns.items():
            if name not in old_columns:
                continue
            self.column(old_name, new_name, name, old_columns[name], new_column, old_table, new_table)

    def swapped_names(self) -> set[str]:
        return set(self.swapped)

    def add_column(self, old_name: str, new_name: str, name: str, column: Column, new_table: Table) -> None:
        is_key = new_table.primary_key == [name]
        backfill = self.backfills.get((new_name, name))
        needs_value = not column.nullable and column.default is None and column.identity is None and column.generated is None
        if needs_value and backfill is not None:
            postgres.checked_expression(backfill, f"{new_name}.{name}", "backfill")
            nullable = column.model_copy(update={"nullable": True})
            self.add("add_column", ops.AddColumn(new_name, name, nullable, is_key, "new"))
            self.add("backfill", ops.Backfill(new_name, name, backfill, f"{q(name)} IS NULL", key=list(new_table.primary_key)))
            self.add("nullability", ops.SetNotNull(new_name, name))
            return
        if needs_value and self.rows_of(old_name) != 0:
            rows = self.rows_of(old_name)
            size = "rows" if rows is None else f"{rows:,} rows"
            self.missing.append(f"{new_name}.{name}")
            self.notes.append(
                f"{new_name}.{name} is added NOT NULL without a default to a table that may hold {size}: give the value"
                f" existing rows get with `backfill: <SQL>` on the column in NEW, or --backfill {new_name}.{name}=<SQL>"
            )
        self.add("add_column", ops.AddColumn(new_name, name, column, is_key, "new", volatile_default=is_volatile_default(column)))

    def column(self, old_name: str, new_name: str, name: str, old: Column, new: Column, old_table: Table, new_table: Table) -> None:
        old_type, new_type = old.portable_type, new.portable_type
        old_key = old_table.primary_key == [self.renames.old_column(new_name, name)]
        new_key = new_table.primary_key == [name]
        same_type = type_key(old_type) == type_key(new_type)
        if old.generated and new.generated is None and same_type:
            # PostgreSQL 13+ keeps the computed values as plain ones
            self.add("drop_expression", ops.DropExpression(new_name, name, old, new))
            old = old.model_copy(update={"generated": None})
        elif (old.generated is None) != (new.generated is None) or (
            old.generated and new.generated and _canon(old.generated, self.renames.column_map(new_name)) != _canon(new.generated)
        ) or (new.generated and not same_type):
            self.add("drop_column_regenerated", ops.DropColumn(new_name, name, old, old_key, "old"))
            self.add("add_column", ops.AddColumn(new_name, name, new, new_key, "new"))
            return
        type_changed = type_key(old_type) != type_key(new_type)
        default_changed = _default_key(old, old_type) != _default_key(new, new_type) or (type_changed and old.default is not None)
        in_swap = (new_name, name) in self.swap_defaults
        old_default = self.ctx.default_sql(new_name, name, old, old_key, "old")
        new_default = self.ctx.default_sql(new_name, name, new, new_key, "new")
        if type_changed:
            change = ops.AlterColumnType.between(new_name, name, old, new, self.ctx.style)
            # A default survives a type change PostgreSQL converts by itself; one that needs USING
            # (text → enum, …) is dropped first and set again after.
            reset_default = old.default is not None and change.using is not None
            if reset_default:
                self.add("drop_default_for_type", ops.SetDefault(new_name, name, old_default, None))
            element = new_type.element if new_type.is_array else new_type
            swapped = element is not None and element.is_enum and element.enum in self.swapped
            self.add("alter_type_to_swapped" if swapped else "alter_type", change)
            if new.default is not None and (reset_default or old.default is None or old_default != new_default):
                self.add("set_default", ops.SetDefault(new_name, name, None if reset_default else old_default, new_default))
            elif new.default is None and old.default is not None and not reset_default:
                self.add("set_default", ops.SetDefault(new_name, name, old_default, None))
        elif default_changed and not in_swap and old.identity == new.identity:
            self.add("set_default", ops.SetDefault(new_name, name, old_default, new_default))
        elif default_changed and not in_swap:
            # identity changes too: drop the old default before, set the new after
            if old.default is not None:
                self.add("drop_identity", ops.SetDefault(new_name, name, old_default, None))
            if new.default is not None:
                self.add("set_default", ops.SetDefault(new_name, name, None, new_default))
        if old.identity != new.identity:
            phase = "drop_identity" if new.identity is None else "add_identity"
            self.add(phase, ops.SetIdentity(new_name, name, old.identity, new.identity))
        old_null = _effective_nullable(old_table, self.renames.old_column(new_name, name), old)
        new_null = _effective_nullable(new_table, name, new)
        if old_null and not new_null:
            backfill = self.backfills.get((new_name, name))
            if backfill is not None:
                postgres.checked_expression(backfill, f"{new_name}.{name}", "backfill")
                self.add("backfill", ops.Backfill(new_name, name, backfill, f"{q(name)} IS NULL", key=list(new_table.primary_key)))
            elif name not in new_table.primary_key:
                self.notes.append(
                    f"{new_name}.{name} becomes NOT NULL: the migration fails if any row holds NULL (give `backfill: <SQL>`"
                    f" on the column or --backfill {new_name}.{name}=<SQL> to fill them first)"
                )
            self.add("nullability", ops.SetNotNull(new_name, name))
        elif new_null and not old_null:
            self.add("nullability", ops.DropNotNull(new_name, name))
        if (old.comment or None) != (new.comment or None):
            self.add("comment", ops.SetComment(new_name, name, old.comment or None, new.comment or None))

    # --- constraints ---------------------------------------------------------------------------

    def constraints(self, old_name: str, new_name: str, old_table: Table, new_table: Table, mapping: dict[str, str],
                    dependent_fks: set[tuple[str, str]]) -> None:
        # primary key
        old_pk = [mapping.get(c, c) for c in old_table.primary_key]
        old_pk_name = naming.table_primary_key_name(old_name, old_table)
        new_pk_name = naming.table_primary_key_name(new_name, new_table)
        if old_pk != list(new_table.primary_key):
            if old_pk:
                self.add("drop_primary_key", ops.DropConstraint(old_name, old_pk_name, "primary key", list(old_table.primary_key)))
            if new_table.primary_key:
                self.add("add_primary_key", ops.AddConstraint(new_name, new_pk_name, "primary key", list(new_table.primary_key)))
        elif old_pk and old_pk_name != new_pk_name:
            self.add("rename_object", ops.RenameConstraint(new_name, old_pk_name, new_pk_name))
        # unique
        old_items = [_Item(u.name or naming.unique_name(old_name, u.columns), (tuple(mapping.get(c, c) for c in u.columns), u.nulls_not_distinct), u)
                     for u in old_table.unique]
        new_items = [_Item(u.name or naming.unique_name(new_name, u.columns), (tuple(u.columns), u.nulls_not_distinct), u) for u in new_table.unique]
        self.apply_match(old_name, new_name, "unique", old_items, new_items)
        # checks
        old_items = [_Item(c.name or naming.check_name(old_name, i), _canon(c.expression, mapping), c) for i, c in enumerate(old_table.checks)]
        new_items = [_Item(c.name or naming.check_name(new_name, i), _canon(c.expression), c) for i, c in enumerate(new_table.checks)]
        self.apply_match(old_name, new_name, "check", old_items, new_items)
        # foreign keys
        old_items = []
        forced: set[str] = set()
        for fk in old_table.foreign_keys:
            name = fk.name or naming.foreign_key_name(old_name, fk.columns)
            target = self.renames.new_table(fk.references.table)
            old_items.append(_Item(name, _fk_key(fk, mapping, self.renames, target), fk))
            if (old_name, name) in dependent_fks:
                forced.add(name)
        new_items = [_Item(fk.name or naming.foreign_key_name(new_name, fk.columns), _fk_key(fk, {}, Renames(), fk.references.table), fk)
                     for fk in new_table.foreign_keys]
        self.apply_match(old_name, new_name, "foreign key", old_items, new_items, forced)

    def apply_match(self, old_table: str, table: str, kind: str, old_items: list[_Item], new_items: list[_Item], forced: set[str] | None = None) -> None:
        unchanged, renamed, changed, dropped, added = _match(old_items, new_items)
        forced = forced or set()
        phases = {"unique": ("drop_unique", "add_unique"), "check": ("drop_check", "add_check"), "foreign key": ("drop_foreign_key", "add_foreign_key")}
        drop_phase, add_phase = phases[kind]
        for old, new in unchanged + renamed:
            if old.name in forced:
                changed.append((old, new))
                continue
            if old.name != new.name:
                self.add("rename_object", ops.RenameConstraint(table, old.name, new.name))
            else:
                self.unchanged_objects.add((table, kind, new.name))
        for old, new in changed:
            self.add(drop_phase, ops.DropConstraint(old_table, old.name, kind, old.obj))
            self.add(add_phase, ops.AddConstraint(table, new.name, kind, new.obj))
        for old in dropped:
            self.add(drop_phase, ops.DropConstraint(old_table, old.name, kind, old.obj))
        for new in added:
            self.add(add_phase, ops.AddConstraint(table, new.name, kind, new.obj))

    # --- indexes -------------------------------------------------------------------------------

    def indexes(self, old_name: str, new_name: str, old_table: Table, new_table: Table, mapping: dict[str, str]) -> None:
        old_known, new_known = set(old_table.columns), set(new_table.columns)
        old_items = [_Item(n, _index_key(i, old_known, mapping), i) for i, n in zip(old_table.indexes, naming.index_names(old_name, old_table))]
        new_items = [_Item(n, _index_key(i, new_known, {}), i) for i, n in zip(new_table.indexes, naming.index_names(new_name, new_table))]
        unchanged, renamed, changed, dropped, added = _match(old_items, new_items)
        for old, new in unchanged:
            self.unchanged_objects.add((new_name, "index", new.name))
        for old, new in renamed:
            self.add("rename_object", ops.RenameIndex(new_name, old.name, new.name))
            self.unchanged_objects.add((new_name, "index", new.name))
        for old, new in changed:
            self.add("drop_index", ops.DropIndex(old_name, old.name, old.obj, old_table, side="old"))
            self.add("create_index", ops.CreateIndex(new_name, new.name, new.obj, new_table, side="new"))
        for old in dropped:
            self.add("drop_index", ops.DropIndex(old_name, old.name, old.obj, old_table, side="old"))
        for new in added:
            self.add("create_index", ops.CreateIndex(new_name, new.name, new.obj, new_table, side="new"))

    # --- triggers and security -------------------------------------------------------------------

    def _trigger_key(self, table_name: str, table: Table, trigger: Trigger) -> Any:
        if trigger.kind == "updated_at":
            return ("updated_at", trigger.column)
        function = postgres.max_depth_function_name(table_name, trigger.column or "")
        return ("max_depth", trigger.column, trigger.depth, postgres.max_depth_function_sql(table_name, table, trigger.column or "", function))

    def triggers(self, old_name: str, new_name: str, old_table: Table, new_table: Table, mapping: dict[str, str]) -> None:
        # The updated_at trigger names its column in an argument: a renamed column needs a new trigger.
        old_items = [_Item(naming.trigger_name(old_name, t.kind, t.column), self._trigger_key(old_name, old_table, t), t) for t in old_table.triggers]
        new_items = [_Item(naming.trigger_name(new_name, t.kind, t.column), self._trigger_key(new_name, new_table, t), t) for t in new_table.triggers]
        _unchanged, renamed, changed, dropped, added = _match(old_items, new_items)
        for old, new in renamed:
            self.add("rename_object", ops.RenameTrigger(new_name, old.name, new.name))
        for old, new in changed:
            dropped.append(old)
            added.append(new)
        for old in dropped:
            self.add("drop_trigger", ops.DropTrigger(old_name, old.obj, old_table, "old"))
        for new in added:
            self.add("create_trigger", ops.CreateTrigger(new_name, new.obj, new_table, "new"))

    def security(self, old_name: str, new_name: str, old_table: Table, new_table: Table, mapping: dict[str, str]) -> None:
        if old_table.row_level_security and not new_table.row_level_security:
            self.add("row_level_security_off", ops.SetRowLevelSecurity(old_name, False))
        old_items = [_Item(p.name, _policy_key(p, mapping), p) for p in old_table.policies]
        new_items = [_Item(p.name, _policy_key(p, {}), p) for p in new_table.policies]
        unchanged, renamed, changed, dropped, added = _match(old_items, new_items)
        for old, new in unchanged:
            self.unchanged_objects.add((new_name, "policy", new.name))
        for old, new in renamed:
            self.add("rename_object", ops.RenamePolicy(new_name, old.name, new.name))
            self.unchanged_objects.add((new_name, "policy", new.name))
        for old, new in changed:
            self.add("drop_policy", ops.DropPolicy(old_name, old.obj))
            self.add("create_policy", ops.CreatePolicy(new_name, new.obj))
        for old in dropped:
            self.add("drop_policy", ops.DropPolicy(old_name, old.obj))
        for new in added:
            self.add("create_policy", ops.CreatePolicy(new_name, new.obj))
        if new_table.row_level_security and not old_table.row_level_security:
            self.add("row_level_security_on", ops.SetRowLevelSecurity(new_name, True))

    # --- created and dropped tables ----------------------------------------------------------------

    def create_tables(self, created: list[str]) -> None:
        order = [name for name in creation_order(self.new) if name in created]
        earlier: set[str] = set()
        kept_new = {new for _, new in self.kept_pairs}
        for name in order:
            table = self.new.tables[name]
            deferred = set()
            for position, fk in enumerate(table.foreign_keys):
                target = fk.references.table
                if target == name:
                    keys = [table.primary_key] + [u.columns for u in table.unique]
                    if not any(sorted(key) == sorted(fk.references.columns) for key in keys if key):
                        deferred.add(position)
                elif target in kept_new:
                    if not self._key_existed(target, fk.references.columns):
                        deferred.add(position)
                elif target not in earlier:
                    deferred.add(position)
            self.add("create_table", ops.CreateTable(name, table, frozenset(deferred), "new"))
            for position in sorted(deferred):
                fk = table.foreign_keys[position]
                self.add("add_foreign_key", ops.AddConstraint(name, fk.name or naming.foreign_key_name(name, fk.columns), "foreign key", fk))
            for trigger in table.triggers:
                self.add("create_trigger", ops.CreateTrigger(name, trigger, table, "new"))
            if table.row_level_security:
                self.add("row_level_security_on", ops.SetRowLevelSecurity(name, True))
            for policy in table.policies:
                self.add("create_policy", ops.CreatePolicy(name, policy))
            earlier.add(name)

    def _key_existed(self, target: str, columns: list[str]) -> bool:
        """Whether OLD already has the key (primary key or unique) a foreign key to `target` needs."""
        old_name = self.old_name(target)
        table = self.old.tables.get(old_name)
        if table is None:
            return False
        wanted = sorted(self.renames.old_column(target, c) for c in columns)
        keys = [table.primary_key] + [u.columns for u in table.unique]
        keys += [[k.column for k in i.keys(set(table.columns))] for i in table.indexes if i.unique and not i.where and not i.expressions]
        return any(key and sorted(key) == wanted for key in keys)

    def drop_tables(self, dropped: list[str]) -> None:
        dropped_set = set(dropped)
        for name in dropped:
            table = self.old.tables[name]
            deferred = set()
            for position, fk in enumerate(table.foreign_keys):
                target = fk.references.table
                if target != name and target in dropped_set:
                    deferred.add(position)
                    self.add("drop_foreign_key", ops.DropConstraint(name, fk.name or naming.foreign_key_name(name, fk.columns), "foreign key", fk))
            for policy in table.policies:
                self.add("drop_policy", ops.DropPolicy(name, policy))
            if table.row_level_security:
                self.add("row_level_security_off", ops.SetRowLevelSecurity(name, False))
            for trigger in table.triggers:
                self.add("drop_trigger", ops.DropTrigger(name, trigger, table, "old"))
            self.add("drop_table", ops.DropTable(name, table, frozenset(deferred), "old"))

    def functions(self) -> None:
        def uses(design: Design) -> bool:
            return any(t.kind == "updated_at" for table in design.tables.values() for t in table.triggers)

        if get_dialect(self.dialect).trigger_functions and not getattr(self, "untouched_use_updated_at", False):
            if uses(self.new) and not uses(self.old):
                self.add("create_function", ops.CreateUpdatedAtFunction())
            if uses(self.old) and not uses(self.new):
                self.add("drop_function", ops.DropUpdatedAtFunction())
        self.finish_swaps()

    # --- table splits ------------------------------------------------------------------------------

    def moves(self, created: list[str], kept: list[tuple[str, str]]) -> None:
        """Columns that leave a table for a new 1:1 table referencing it: copy them before the drop."""
        drops = {(item.operation.table, item.operation.column): item.operation for item in self.planned
                 if isinstance(item.operation, ops.DropColumn)}
        kept_new = {new: old for old, new in kept}
        for name in created:
            table = self.new.tables[name]
            for fk in table.foreign_keys:
                source = fk.references.table
                if source not in kept_new or source == name:
                    continue
                source_table = self.new.tables[source]
                if sorted(fk.references.columns) != sorted(source_table.primary_key):
                    continue
                one_to_one = sorted(table.primary_key) == sorted(fk.columns) or any(sorted(u.columns) == sorted(fk.columns) for u in table.unique)
                if not one_to_one:
                    continue
                moved = []
                for column_name, column in table.columns.items():
                    if column_name in fk.columns:
                        continue
                    drop = drops.get((source, column_name))
                    if drop is not None and type_key(drop.definition.portable_type) == type_key(column.portable_type):
                        moved.append(column_name)
                if not moved:
                    continue
                others = [c for c in table.columns if c not in fk.columns and c not in moved]
                if any(not table.columns[c].nullable and table.columns[c].default is None and table.columns[c].identity is None
                       and table.columns[c].generated is None for c in others):
                    continue
                link = list(zip(fk.columns, fk.references.columns))
                self.add("copy_rows", ops.CopyRows(source, name, [(c, c) for c in moved], link))
                for column_name in moved:
                    drops[(source, column_name)].moved_to = name
                self.notes.append(
                    f"{source}.({', '.join(moved)}) move to the new table {name} (1:1 by {', '.join(fk.columns)}):"
                    " their values are copied before the columns are dropped, and copied back by the DOWN"
                )
