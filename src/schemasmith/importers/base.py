"""What every importer returns."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model.document import Design


@dataclass
class ImportResult:
    """The design read from a database, and what of the database it could not represent."""

    design: Design
    warnings: list[str] = field(default_factory=list)


#: Tables schemasmith itself keeps in a database (the migration runner's history): part of no
#: design, so importers leave them out — otherwise a diff against the design would drop them.
TOOL_TABLES = frozenset({"schemasmith_migrations"})
