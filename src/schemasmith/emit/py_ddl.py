"""What the Python views take from the DDL dialects, in one place.

The ORM models and the Alembic migration must spell defaults, expressions and triggers exactly as
`dialects/postgres.py` and `dialects/sqlite.py` do, so they ask those modules rather than
re-deriving the SQL. Some of what they need is not (yet) public there; every such use is here,
so a change in a dialect's internals breaks one small module (see notes/python-views-helper.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..dialects import postgres, sqlite
from ..model.document import Default, Design
from ..model.types import PortableType


@dataclass
class PostgresParts:
    """Pieces of the PostgreSQL DDL for one design (with its conventions already implied)."""

    order: list[str]  # tables in creation order
    deferred: set[tuple[str, int]]  # (table, foreign-key position) added after all tables
    trigger_statements: list[str]  # functions and CREATE TRIGGER statements, in DDL order
    security_statements: list[str]  # ENABLE ROW LEVEL SECURITY, CREATE POLICY
    warnings: list[str]
    version: int
    _renderer: object

    def default_sql(self, where: str, portable: PortableType, default: Default, is_key: bool) -> str:
        """The SQL after DEFAULT in the PostgreSQL DDL (`is_key`: the table's single-column key)."""
        return self._renderer.default_sql(where, portable, default, is_key)


def postgres_parts(implied: Design) -> PostgresParts:
    """The PostgreSQL DDL's table order, deferred keys, triggers and policies for `implied`.

    `postgres.render` runs first: it validates every expression and raises `SchemaError` naming
    the place, so a design the DDL refuses is refused here too.
    """
    rendered = postgres.render(implied)
    version = implied.conventions.postgres_version
    renderer = postgres.PostgresRenderer(implied, version)
    order, deferred = postgres.plan_tables(implied)
    triggers = renderer.trigger_statements(order)
    security = renderer.security_statements(order)
    return PostgresParts(order, deferred, triggers, security, rendered.warnings, version, renderer)


def check_expression(text: str, where: str, what: str) -> str:
    """A design expression as the PostgreSQL DDL writes it (validated, stripped)."""
    return postgres.checked_expression(text, where, what)


def sqlite_plans(implied: Design) -> tuple[dict[str, object], list[str]]:
    """The SQLite DDL's plan of every table (declared types, defaults, checks, indexes), and warnings."""
    warnings: list[str] = []
    plans = sqlite.table_plans(implied, warnings)
    return {plan.name: plan for plan in plans}, warnings


def sqlite_trigger_statements(plan: object) -> list[str]:
    """The SQLite DDL's CREATE TRIGGER statements for one table plan."""
    return sqlite.trigger_statements(plan)
