"""Tables: which are kept, renamed, created or dropped, and the order in which that happens."""

from __future__ import annotations

from ...dialects.postgres import quote_qualified
from ...dialects.registry import get_dialect
from ...model import naming
from ...model.document import Design
from ...model.ordering import creation_order
from .. import operations as ops
from ..type_changes import type_key
from .state import Comparison


class TableRules(Comparison):
    """Tables: kept (each concern compared), renamed, created, dropped, and columns moved to a new table."""

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
            if self.old.tables[old_name].partition_by != self.new.tables[new_name].partition_by:
                self.recreate(old_name, new_name)
                continue
            self.table(old_name, new_name, dependent_fks)
        self.create_tables(created)
        self.drop_tables(dropped)
        self.functions()
        self.moves(created, kept)

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
        self.table_options(old_name, new_name, old_table, new_table)
        if (old_table.comment or None) != (new_table.comment or None):
            self.add("comment", ops.SetComment(new_name, None, old_table.comment or None, new_table.comment or None))

    def recreate(self, old_name: str, new_name: str) -> None:
        """A table that becomes partitioned (or stops being so): PostgreSQL cannot alter that in place."""
        old_table, new_table = self.old.tables[old_name], self.new.tables[new_name]
        drop_old, drop_new = f"DROP TABLE {quote_qualified(old_name)};", f"DROP TABLE {quote_qualified(new_name)};"
        create_new = self.ctx.renderer("new").table_statements(new_name, new_table, set())
        create_old = self.ctx.renderer("old").table_statements(old_name, old_table, set())
        loss = f"drops every row of {old_name}: a table cannot be turned into a partitioned one (or back) in place"
        self.add("create_table", ops.Sql(new_name, f"recreate {new_name} partitioned by {new_table.partition_by or 'nothing'}",
                                         [drop_old, *create_new], [drop_new, *create_old], "recreate_table", loss, loss))

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
            # A view takes the table's name in NEW: the table goes before the views are created.
            phase = "drop_table_for_view" if name in self.new.views else "drop_table"
            self.add(phase, ops.DropTable(name, table, frozenset(deferred), "old"))

    def functions(self) -> None:
        def uses(design: Design) -> bool:
            return any(t.kind == "updated_at" for table in design.tables.values() for t in table.triggers)

        if get_dialect(self.dialect).trigger_functions and not getattr(self, "untouched_use_updated_at", False):
            if uses(self.new) and not uses(self.old):
                self.add("create_function", ops.CreateUpdatedAtFunction())
            if uses(self.old) and not uses(self.new):
                self.add("drop_function", ops.DropUpdatedAtFunction())
        self.finish_swaps()

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
