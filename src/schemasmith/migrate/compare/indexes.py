"""Indexes of a kept table: matched by their keys, expressions, method, where and include."""

from __future__ import annotations

from ...model import naming
from ...model.document import Table
from .. import operations as ops
from .keys import Item, index_key, match
from .state import Comparison


class IndexRules(Comparison):
    """Indexes: renamed, rebuilt, dropped or created."""

    def indexes(self, old_name: str, new_name: str, old_table: Table, new_table: Table, mapping: dict[str, str]) -> None:
        old_known, new_known = set(old_table.columns), set(new_table.columns)
        old_items = [Item(n, index_key(i, old_known, mapping), i) for i, n in zip(old_table.indexes, naming.index_names(old_name, old_table))]
        new_items = [Item(n, index_key(i, new_known, {}), i) for i, n in zip(new_table.indexes, naming.index_names(new_name, new_table))]
        unchanged, renamed, changed, dropped, added = match(old_items, new_items)
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
