"""Enum types: what changes in their values becomes (add value, rename value, type swap)."""

from __future__ import annotations

from ...model import naming
from ...model.document import Design, IndexKey
from .. import operations as ops
from ..renames import expression_columns
from ..type_changes import type_key
from .state import Comparison


class EnumRules(Comparison):
    """Enum types: created, dropped, values added (in place), renamed or removed (a type swap)."""

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
                    dependents.append(ops.Dependent(table_name, "index", index_name, index, table, side))
            for position, check in enumerate(table.checks):
                check_name = check.name or naming.check_name(table_name, position)
                if expression_columns(check.expression) & names and (not unchanged_only or (table_name, "check", check_name) in self.unchanged_objects):
                    dependents.append(ops.Dependent(table_name, "check", check_name, check, table, side))
            for policy in table.policies:
                mentioned = expression_columns(policy.using) | expression_columns(policy.with_check)
                if mentioned & names and (not unchanged_only or (table_name, "policy", policy.name) in self.unchanged_objects):
                    dependents.append(ops.Dependent(table_name, "policy", policy.name, policy, table, side))
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
