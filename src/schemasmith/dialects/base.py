"""What every dialect module offers, and the parts of a design no database can hold."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from ..model.document import Design


@dataclass
class DdlOutput:
    """DDL for one dialect: files applied in name order, and what could not be expressed."""

    files: dict[str, str]
    warnings: list[str] = field(default_factory=list)


class Dialect:
    """One SQL dialect: what it can hold (capability flags) and how it spells things.

    Callers ask a dialect object (from `registry.get_dialect`) or its flags instead of comparing
    dialect names; each dialect module subclasses this and overrides only what differs.
    """

    #: The name used on the command line and in the design (`--dialect`, `--target`).
    name: ClassVar[str] = ""
    #: The name people know the product by, for messages.
    label: ClassVar[str] = ""
    #: URL schemes (before any `+driver`) that mean this dialect.
    url_schemes: ClassVar[tuple[str, ...]] = ()
    #: DDL runs inside a transaction and rolls back with it.
    transactional_ddl: ClassVar[bool] = True
    #: `CREATE INDEX … WHERE`.
    partial_indexes: ClassVar[bool] = True
    #: `ALTER TABLE … ALTER COLUMN … TYPE` (otherwise: rebuild the table).
    alter_column_type: ClassVar[bool] = True
    #: Enums as a type of their own (otherwise a CHECK on text).
    native_enums: ClassVar[bool] = False
    #: Row-level security policies.
    row_level_security: ClassVar[bool] = False
    #: The database is a file on disk (no server to reach).
    file_database: ClassVar[bool] = False
    #: `CREATE INDEX CONCURRENTLY` and lock levels: a migration can be planned in non-blocking steps.
    concurrent_index_builds: ClassVar[bool] = False
    #: Triggers call a stored function (`EXECUTE FUNCTION f()`), which a migration creates and drops.
    trigger_functions: ClassVar[bool] = False

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"


def strip_documentation(design: Design) -> Design:
    """The design without what lives only in the document (reasons, load model, workload).

    A database keeps tables, columns, constraints, indexes, triggers and comments; it does not
    keep rationale, reasons, `serves`, `expected_rows`, table kinds, notes, review suppressions, queries
    or growth.
    Round-trip comparisons first strip these from the original.
    """
    tables = {}
    for name, table in design.tables.items():
        columns = {
            column_name: column.model_copy(update={"renamed_from": None, "backfill": None})
            for column_name, column in table.columns.items()
        }
        tables[name] = table.model_copy(
            update={
                "kind": None,
                "rationale": None,
                "expected_rows": None,
                "renamed_from": None,
                "notes": [],
                "suppress": [],
                "columns": columns,
                "unique": [item.model_copy(update={"reason": None}) for item in table.unique],
                "checks": [item.model_copy(update={"reason": None}) for item in table.checks],
                "foreign_keys": [item.model_copy(update={"reason": None}) for item in table.foreign_keys],
                "indexes": [item.model_copy(update={"reason": None, "serves": []}) for item in table.indexes],
            }
        )
    return design.model_copy(update={"description": None, "growth": None, "queries": [], "tables": tables})
