"""Row-level security and its policies on a kept table."""

from __future__ import annotations

from ...model.document import Table
from .. import operations as ops
from .keys import Item, match, policy_key
from .state import Comparison


class SecurityRules(Comparison):
    """Row-level security switched on or off, and policies matched by their meaning."""

    def security(self, old_name: str, new_name: str, old_table: Table, new_table: Table, mapping: dict[str, str]) -> None:
        if old_table.row_level_security and not new_table.row_level_security:
            self.add("row_level_security_off", ops.SetRowLevelSecurity(old_name, False))
        old_items = [Item(p.name, policy_key(p, mapping), p) for p in old_table.policies]
        new_items = [Item(p.name, policy_key(p, {}), p) for p in new_table.policies]
        unchanged, renamed, changed, dropped, added = match(old_items, new_items)
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
