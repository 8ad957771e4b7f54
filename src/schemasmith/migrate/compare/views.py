"""Views (with their triggers) and virtual tables kept as SQL: created, dropped, or replaced by name.

Only for a dialect that keeps them as its own SQL (`Dialect.views_as_kept_sql`, SQLite), and only
the objects written in that dialect. A view whose query, columns or triggers change is dropped and
created again (SQLite has no CREATE OR REPLACE VIEW); one that reads a rebuilt table is re-created
by the renderer, which knows which tables it rebuilds.
"""

from __future__ import annotations

from ...dialects.registry import get_dialect
from ...model.document import Table
from .. import operations as ops
from .state import Comparison

#: Column fields only a SQLite build reads: a change to one is a change no ALTER TABLE makes.
SQLITE_COLUMN_FIELDS = ("declared_type", "declared_default", "collation", "virtual", "key_without_not_null")


def option_changes(old_table: Table, new_table: Table, mapping: dict[str, str]) -> list[str]:
    """What changes between two versions of a table that SQLite can only make by rebuilding it."""
    changes = [name.replace("_", " ") for name in ("strict", "without_rowid") if getattr(old_table, name) != getattr(new_table, name)]
    for old_column, column in old_table.columns.items():
        new_column = new_table.columns.get(mapping.get(old_column, old_column))
        if new_column is None:
            continue
        for name in SQLITE_COLUMN_FIELDS:
            if getattr(column, name) != getattr(new_column, name):
                changes.append(f"{mapping.get(old_column, old_column)} {name.replace('_', ' ')}")
    return changes


class ViewRules(Comparison):
    """Views and virtual tables of a dialect that keeps them as SQL, and SQLite's table options."""

    def sqlite_rebuild_options(self) -> None:
        if not get_dialect(self.dialect).views_as_kept_sql:
            return
        for old_name, new_name in self.kept():
            changes = option_changes(self.old.tables[old_name], self.new.tables[new_name], self.renames.column_map(new_name))
            if changes:
                self.add("rebuild_table", ops.RebuildTable(new_name, ", ".join(changes)))

    def kept_sql_views(self) -> None:
        target = get_dialect(self.dialect)
        if not target.views_as_kept_sql:
            return
        old_views = {name: view for name, view in self.old.views.items() if view.dialect == target.name}
        new_views = {name: view for name, view in self.new.views.items() if view.dialect == target.name}
        for name, view in old_views.items():
            if new_views.get(name) != view:
                self.add("drop_view", ops.DropView(name, view))
        for name, view in new_views.items():
            if old_views.get(name) != view:
                self.add("create_view", ops.CreateView(name, view))
        old_virtual = {name: item for name, item in self.old.virtual_tables.items() if item.dialect == target.name}
        new_virtual = {name: item for name, item in self.new.virtual_tables.items() if item.dialect == target.name}
        for name, item in old_virtual.items():
            if new_virtual.get(name) != item:
                self.add("drop_virtual_table", ops.DropVirtualTable(name, item))
        for name, item in new_virtual.items():
            if old_virtual.get(name) != item:
                self.add("create_virtual_table", ops.CreateVirtualTable(name, item))
