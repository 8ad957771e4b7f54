"""Columns: added, dropped, and each change of a kept column."""

from __future__ import annotations

from ...dialects import postgres
from ...model.document import Column, Table
from .. import operations as ops
from ..renames import walk_nodes
from ..type_changes import type_key
from .keys import canon, default_key, effective_nullable
from .state import Comparison

quote = postgres.quote_identifier


#: Functions whose value is the same for every row of one statement: ADD COLUMN … DEFAULT f()
#: is then stored once (PostgreSQL 11+) instead of rewriting the table.
STABLE_DEFAULT_FUNCTIONS = frozenset(
    {"now", "statement_timestamp", "transaction_timestamp", "current_date", "current_timestamp", "localtimestamp",
     "current_time", "localtime", "current_user", "session_user", "current_setting", "to_jsonb", "jsonb_build_object",
     "json_build_object", "lower", "upper", "make_interval", "array", "cast"}
)


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

    walk_nodes(node, visit)
    return volatile


class ColumnRules(Comparison):
    """Columns of a kept table: added, dropped, and changed (type, default, identity, generated, nullability, comment)."""

    def rows_of(self, old_name: str) -> int | None:
        return self.rows.get(old_name)

    def columns(self, old_name: str, new_name: str, old_table: Table, new_table: Table, mapping: dict[str, str]) -> None:
        if old_table.partition_of is not None and new_table.partition_of is not None:
            return  # a partition's columns are its parent's: they change with the parent
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
            self.add("backfill", ops.Backfill(new_name, name, backfill, f"{quote(name)} IS NULL", key=list(new_table.primary_key)))
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
            old.generated and new.generated and canon(old.generated, self.renames.column_map(new_name)) != canon(new.generated)
        ) or (new.generated and not same_type):
            self.add("drop_column_regenerated", ops.DropColumn(new_name, name, old, old_key, "old"))
            self.add("add_column", ops.AddColumn(new_name, name, new, new_key, "new"))
            return
        type_changed = type_key(old_type) != type_key(new_type) or (old.collation or None) != (new.collation or None)
        default_changed = default_key(old, old_type) != default_key(new, new_type) or (type_changed and old.default is not None)
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
        old_null = effective_nullable(old_table, self.renames.old_column(new_name, name), old)
        new_null = effective_nullable(new_table, name, new)
        if old_null and not new_null:
            backfill = self.backfills.get((new_name, name))
            if backfill is not None:
                postgres.checked_expression(backfill, f"{new_name}.{name}", "backfill")
                self.add("backfill", ops.Backfill(new_name, name, backfill, f"{quote(name)} IS NULL", key=list(new_table.primary_key)))
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
