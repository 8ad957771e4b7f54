"""Views (with their triggers) and virtual tables kept as SQL: created, dropped, or replaced by name.

Only for a dialect that keeps them as its own SQL (`Dialect.views_as_kept_sql`, SQLite), and only
the objects written in that dialect. A view whose query, columns or triggers change is dropped and
created again (SQLite has no CREATE OR REPLACE VIEW); one that reads a rebuilt table is re-created
by the renderer, which knows which tables it rebuilds.
"""

from __future__ import annotations

from ...dialects.registry import get_dialect
from .. import operations as ops
from .state import Comparison


class ViewRules(Comparison):
    """Views and virtual tables of a dialect that keeps them as SQL."""

    def views(self) -> None:
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
