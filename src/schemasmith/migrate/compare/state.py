"""The state one comparison shares: both designs, the renames, the operations found, their phases."""

from __future__ import annotations

from dataclasses import dataclass

from ...dialects.registry import get_dialect
from ...model.document import Design
from .. import operations as ops
from ..context import PgContext
from ..renames import Renames

#: Order of operations inside one transaction (lower first).
PHASE = {
    "revoke": 0,
    "drop_recreated_object": 1,
    "create_schema": 2,
    "create_extension": 3,
    "alter_extension": 3,
    "create_collation": 4,
    "create_enum": 10,
    "create_domain": 11,
    "alter_domain": 11,
    "rename_enum_value": 12,
    "create_type": 13,
    "alter_composite_type": 13,
    "create_sequence": 14,
    "alter_sequence": 14,
    "drop_view": 15,
    "drop_table_for_view": 16,
    "create_routine": 16,
    "replace_routine": 16,
    "drop_virtual_table": 19,
    "drop_policy": 20,
    "row_level_security_off": 20,
    "drop_trigger": 21,
    "drop_foreign_key": 22,
    "drop_index": 23,
    "drop_check": 24,
    "drop_exclusion": 24,
    "detach_partition": 28,
    "drop_unique": 25,
    "drop_primary_key": 26,
    "drop_view_index": 26,
    "drop_routine": 27,
    "rename_table": 30,
    "rename_column": 31,
    "rename_object": 32,
    "drop_default_for_type": 38,
    "drop_expression": 39,
    "alter_type": 40,
    "drop_enum_column": 41,
    "swap_enum": 42,
    "alter_type_to_swapped": 44,
    "create_table": 50,
    "drop_column_regenerated": 51,
    "add_column": 52,
    "drop_identity": 53,
    "set_default": 54,
    "backfill": 55,
    "nullability": 56,
    "add_identity": 57,
    "copy_rows": 58,
    "rebuild_table": 59,
    "drop_column": 60,
    "add_primary_key": 70,
    "add_unique": 71,
    "add_check": 72,
    "add_exclusion": 72,
    "attach_partition": 75,
    "validate_constraint": 76,
    "table_option": 77,
    "create_index": 73,
    "add_foreign_key": 74,
    "create_routine_late": 76,
    "create_view": 77,
    "create_view_index": 78,
    "refresh_view": 78,
    "sequence_owner": 78,
    "create_function": 79,
    "create_trigger": 80,
    "create_virtual_table": 83,
    "row_level_security_on": 81,
    "create_policy": 82,
    "comment": 85,
    "grant": 86,
    "drop_table": 90,
    "drop_sequence": 91,
    "drop_function": 92,
    "drop_type": 93,
    "drop_domain": 94,
    "drop_enum": 95,
    "drop_collation": 96,
    "drop_extension": 97,
    "drop_schema": 98,
}

#: Functions whose value is the same for every row of one statement: ADD COLUMN … DEFAULT f()
#: is then stored once (PostgreSQL 11+) instead of rewriting the table.


@dataclass
class Planned:
    phase: int
    operation: ops.Operation


class Comparison:
    """What every comparison rule shares: both designs, the renames, and the operations found so far."""

    def __init__(self, old: Design, new: Design, renames: Renames, dialect: str, ctx: PgContext,
                 backfills: dict[tuple[str, str], str], rows: dict[str, int | None], version: int):
        self.old, self.new, self.renames, self.dialect, self.ctx = old, new, renames, dialect, ctx
        self.backfills, self.rows, self.version = backfills, rows, version
        self.planned: list[Planned] = []
        self.notes: list[str] = []
        self.missing: list[str] = []
        self.check_style = not get_dialect(dialect).native_enums or new.conventions.enum_style == "check"
        self.swapped: dict[str, ops.EnumSwap] = {}
        self.swap_defaults: set[tuple[str, str]] = set()
        self.unchanged_objects: set[tuple[str, str, str]] = set()  # (new table, kind, name) left as they are

    def add(self, phase: str, operation: ops.Operation) -> None:
        self.planned.append(Planned(PHASE[phase], operation))

    def sorted(self) -> list[ops.Operation]:
        return [item.operation for item in sorted(self.planned, key=lambda item: item.phase)]

    def old_name(self, new_table: str) -> str:
        return self.renames.old_table(new_table)

    def kept(self) -> list[tuple[str, str]]:
        pairs = []
        for name in self.new.tables:
            old_name = self.old_name(name)
            if old_name in self.old.tables:
                pairs.append((old_name, name))
        return pairs
