"""Both designs of a migration as PostgreSQL spells their pieces: defaults, columns, indexes, types.

Shared by the comparison (the SQL values an operation carries, such as a column's default
before and after) and the rendering, over `dialects.postgres.PostgresRenderer`; it imports
nothing of migrate.
"""

from __future__ import annotations

from ..dialects import postgres
from ..dialects.pg_objects import ObjectRenderer, Spelling
from ..model.document import Column, Design, ForeignKey, Index, Table
from ..model.types import PortableType


class PgContext:
    """What rendering needs beyond an operation: both designs' renderers and the target version."""

    def __init__(self, old: Design, new: Design, version: int):
        self.version = version
        self.style = new.conventions.enum_types
        self._renderers = {"old": postgres.PostgresRenderer(old, version), "new": postgres.PostgresRenderer(new, version)}
        self.designs = {"old": old, "new": new}

    def renderer(self, side: str) -> postgres.PostgresRenderer:
        return self._renderers[side]

    def objects(self, side: str) -> ObjectRenderer:
        """The spelling of `side`'s objects beside tables (views, routines, types, grants, …)."""
        return ObjectRenderer(self.designs[side], self.renderer(side), Spelling(postgres.DIALECT, postgres.quote_qualified, postgres.role_sql))

    def column_sql(self, table: str, name: str, column: Column, is_key: bool, side: str = "new") -> str:
        return self.renderer(side).column_sql(table, name, column, is_key)

    def default_sql(self, table: str, name: str, column: Column, is_key: bool, side: str = "new") -> str | None:
        if column.default is None:
            return None
        return self.renderer(side).default_sql(f"{table}.{name}", column.portable_type, column.default, is_key)

    def type_sql(self, portable: PortableType) -> str:
        return postgres.column_type(portable, self.style)

    def foreign_key_sql(self, table: str, foreign_key: ForeignKey) -> str:
        stub = Table(columns={}, foreign_keys=[foreign_key])
        return self.renderer("new").foreign_key_sql(table, stub, 0)

    def index_sql(self, table: str, definition: Table, name: str, index: Index, side: str = "new") -> str:
        return self.renderer(side).index_sql(table, definition, name, index)

    def check_sql(self, table: str, name: str, expression: str) -> str:
        return postgres.checked_expression(expression, f"{table}.{name}", "check")
