"""What every dialect module offers, and the parts of a design no database can hold."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model.document import Design


@dataclass
class DdlOutput:
    """DDL for one dialect: files applied in name order, and what could not be expressed."""

    files: dict[str, str]
    warnings: list[str] = field(default_factory=list)


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
