"""Views, virtual tables and the triggers kept as SQL in a SQLite step: dropped first, created last.

SQLite refuses a rebuild's `ALTER TABLE … RENAME` (and a `DROP COLUMN`) while a view or a trigger
names the table that is briefly missing, so every view that reads an altered or rebuilt table
(directly or through other views) and every other table's trigger that names one are dropped at
the start of the step and created again from the `after` design at its end.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ...dialects import sqlite as sqlite_dialect
from ...model.document import Design, Trigger
from .. import operations as ops

sq = sqlite_dialect.quote_identifier


@dataclass
class ObjectChanges:
    """The view and virtual-table operations of one step."""

    views_dropped: dict[str, ops.DropView] = field(default_factory=dict)
    views_created: dict[str, ops.CreateView] = field(default_factory=dict)
    virtual_dropped: list[ops.DropVirtualTable] = field(default_factory=list)
    virtual_created: list[ops.CreateVirtualTable] = field(default_factory=list)


def _sqlite_views(design: Design) -> dict:
    return {name: view for name, view in design.views.items() if view.dialect == sqlite_dialect.DIALECT.name}


def dependent_views(design: Design, tables: set[str]) -> set[str]:
    """The views of `design` that read one of `tables`, directly or through other views."""
    views = _sqlite_views(design)
    reached = {name.lower() for name in tables}
    found: set[str] = set()
    grew = True
    while grew:
        grew = False
        for name, view in views.items():
            if name not in found and reached & sqlite_dialect.names_in(view.query):
                found.add(name)
                reached.add(name.lower())
                grew = True
    return found


def dependent_triggers(design: Design, tables: set[str]) -> list[tuple[str, Trigger]]:
    """Triggers kept as SQL on other tables of `design` that name one of `tables`."""
    lowered = {name.lower() for name in tables}
    found = []
    for table_name, table in design.tables.items():
        if table_name in tables:
            continue
        for trigger in table.triggers:
            if trigger.definition is not None and trigger.dialect == sqlite_dialect.DIALECT.name:
                if lowered & sqlite_dialect.names_in(trigger.definition):
                    found.append((table_name, trigger))
    return found


def opening_statements(changes: ObjectChanges, before: Design, touched_before: set[str]) -> list[str]:
    """Drops at the start of the step: virtual tables and views that go or change, and the dependents."""
    statements = [f"DROP TABLE IF EXISTS {sq(op.name)};" for op in changes.virtual_dropped]
    dropping = set(changes.views_dropped) | dependent_views(before, touched_before)
    views = _sqlite_views(before)
    for name in reversed(sqlite_dialect.view_order(views)):
        if name in dropping:
            statements.append(f"DROP VIEW IF EXISTS {sq(name)};")
    statements += [f"DROP TRIGGER IF EXISTS {sq(trigger.name)};" for _table, trigger in dependent_triggers(before, touched_before)]
    return statements


def closing_statements(changes: ObjectChanges, after: Design, touched_after: set[str]) -> list[str]:
    """Creations at the end of the step: virtual tables, views (in dependency order) with their triggers."""
    statements = [sqlite_dialect.virtual_table_statement(op.name, op.virtual) for op in changes.virtual_created]
    creating = set(changes.views_created) | dependent_views(after, touched_after)
    views = _sqlite_views(after)
    for name in sqlite_dialect.view_order(views):
        if name not in creating:
            continue
        view = views[name]
        statements.append(sqlite_dialect.view_statement(name, view))
        for trigger in view.triggers:
            if trigger.dialect == sqlite_dialect.DIALECT.name:
                statements.append(sqlite_dialect.definition_statement(trigger.definition))
    statements += [sqlite_dialect.definition_statement(trigger.definition) for _table, trigger in dependent_triggers(after, touched_after)]
    return statements
