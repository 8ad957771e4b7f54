"""Triggers of a kept table, matched by what they do."""

from __future__ import annotations

from typing import Any

from ...dialects import postgres
from ...model import naming
from ...model.document import Table, Trigger
from .. import operations as ops
from .keys import Item, match
from .state import Comparison


def trigger_key(table_name: str, table: Table, trigger: Trigger) -> Any:
    """What a trigger does, from the model: its kind and column, and for max_depth what its function reads."""
    if trigger.definition is not None:  # kept as SQL: the same text (spacing aside) is the same trigger
        return ("definition", trigger.dialect, " ".join(trigger.definition.split()), trigger.enabled)
    if trigger.kind == "updated_at":
        return ("updated_at", trigger.column)
    column = trigger.column or ""
    # the inputs of dialects.postgres.max_depth_function_sql: the table, the parent column and the key it references
    key = next(
        (fk.references.columns[0] for fk in table.foreign_keys if fk.references.table == table_name and fk.columns == [column]),
        table.primary_key[0] if table.primary_key else "id",
    )
    return ("max_depth", trigger.column, trigger.depth, table_name, key, postgres.max_depth_function_name(table_name, column))


class TriggerRules(Comparison):
    """Triggers (updated_at, max_depth): renamed, replaced, dropped or created."""

    def triggers(self, old_name: str, new_name: str, old_table: Table, new_table: Table, mapping: dict[str, str]) -> None:
        # The updated_at trigger names its column in an argument: a renamed column needs a new trigger.
        old_items = [Item(naming.name_of_trigger(old_name, t), trigger_key(old_name, old_table, t), t) for t in old_table.triggers]
        new_items = [Item(naming.name_of_trigger(new_name, t), trigger_key(new_name, new_table, t), t) for t in new_table.triggers]
        _unchanged, renamed, changed, dropped, added = match(old_items, new_items)
        for old, new in renamed:
            self.add("rename_object", ops.RenameTrigger(new_name, old.name, new.name))
        for old, new in changed:
            dropped.append(old)
            added.append(new)
        for old in dropped:
            self.add("drop_trigger", ops.DropTrigger(old_name, old.obj, old_table, "old"))
        for new in added:
            self.add("create_trigger", ops.CreateTrigger(new_name, new.obj, new_table, "new"))
