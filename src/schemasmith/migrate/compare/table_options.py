"""A kept table's options: LOGGED or UNLOGGED, storage parameters, FORCE ROW LEVEL SECURITY,
inheritance, and which partitioned table it is a partition of.

Each change is one ALTER TABLE with its exact inverse, so the DOWN restores the option as it was.
"""

from __future__ import annotations

from ...dialects.postgres import quote_qualified, storage_sql
from ...model.document import Table
from .. import operations as ops
from .state import Comparison


class TableOptionRules(Comparison):
    """ALTER TABLE … SET LOGGED / SET (…) / FORCE ROW LEVEL SECURITY / INHERIT / ATTACH PARTITION."""

    def table_options(self, old_name: str, new_name: str, old_table: Table, new_table: Table) -> None:
        table = quote_qualified(new_name)
        if old_table.unlogged != new_table.unlogged:
            on, off = ("SET UNLOGGED", "SET LOGGED") if new_table.unlogged else ("SET LOGGED", "SET UNLOGGED")
            self.option(new_name, f"{on.lower()} on {new_name}", f"ALTER TABLE {table} {on};", f"ALTER TABLE {table} {off};")
        if old_table.storage != new_table.storage:
            self.option(new_name, f"storage parameters of {new_name}", _storage(table, old_table.storage, new_table.storage),
                        _storage(table, new_table.storage, old_table.storage))
        if old_table.force_row_level_security != new_table.force_row_level_security:
            force, no_force = f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY;", f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY;"
            up, down = (force, no_force) if new_table.force_row_level_security else (no_force, force)
            self.option(new_name, f"force row level security on {new_name}: {new_table.force_row_level_security}", up, down)
        for parent in sorted(set(new_table.inherits) - set(old_table.inherits)):
            self.option(new_name, f"{new_name} inherits {parent}", f"ALTER TABLE {table} INHERIT {quote_qualified(parent)};",
                        f"ALTER TABLE {table} NO INHERIT {quote_qualified(parent)};")
        for parent in sorted(set(old_table.inherits) - set(new_table.inherits)):
            self.option(new_name, f"{new_name} no longer inherits {parent}", f"ALTER TABLE {table} NO INHERIT {quote_qualified(parent)};",
                        f"ALTER TABLE {table} INHERIT {quote_qualified(parent)};")
        old_place = (old_table.partition_of, old_table.partition_bound)
        new_place = (new_table.partition_of, new_table.partition_bound)
        if old_place != new_place:
            detach = _detach(table, *old_place)
            attach = _attach(table, *new_place)
            if detach:
                self.add("detach_partition", ops.Sql(new_name, f"detach {new_name} from {old_place[0]}", [detach], [_attach(table, *old_place)],
                                                     "detach_partition"))
            if attach:
                self.add("attach_partition", ops.Sql(new_name, f"attach {new_name} to {new_place[0]}", [attach], [_detach(table, *new_place)],
                                                     "attach_partition"))

    def option(self, table: str, description: str, up: str, down: str) -> None:
        self.add("table_option", ops.Sql(table, description, [up], [down], "table_option"))


def _storage(table: str, old: dict, new: dict) -> str:
    statements = []
    removed = [key for key in old if key not in new]
    if removed:
        statements.append(f"ALTER TABLE {table} RESET ({', '.join(removed)});")
    changed = {key: value for key, value in new.items() if old.get(key) != value}
    if changed:
        statements.append(f"ALTER TABLE {table} SET ({storage_sql(changed)});")
    return "\n".join(statements)


def _attach(table: str, parent: str | None, bound: str | None) -> str:
    if parent is None:
        return ""
    return f"ALTER TABLE {quote_qualified(parent)} ATTACH PARTITION {table} {bound or 'DEFAULT'};"


def _detach(table: str, parent: str | None, bound: str | None) -> str:
    if parent is None:
        return ""
    return f"ALTER TABLE {quote_qualified(parent)} DETACH PARTITION {table};"
