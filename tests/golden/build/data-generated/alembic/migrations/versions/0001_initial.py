"""Initial schema of gen_demo, as the schemasmith DDL creates it.

Revision ID: 0001
Revises:
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def on_sqlite() -> bool:
    return op.get_context().dialect.name == "sqlite"


def by_dialect(on_postgresql: str, on_sqlite: str | None) -> sa.TextClause | None:
    """SQL that PostgreSQL and SQLite spell differently (None: SQLite has none)."""
    sql = on_sqlite if op.get_context().dialect.name == "sqlite" else on_postgresql
    return sa.text(sql) if sql is not None else None


def upgrade() -> None:
    """Create the schema."""
    sqlite = on_sqlite()

    op.create_table(
        "order_lines",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=by_dialect(
                "gen_random_uuid()",
                "(lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || "
                "'-4' || substr(lower(hex(randomblob(2))), 2) || '-' || "
                "substr('89ab', 1 + (random() & 3), 1) || "
                "substr(lower(hex(randomblob(2))), 2) || '-' || "
                "lower(hex(randomblob(6))))",
            ),
            nullable=False,
        ),
        sa.Column("price", sa.Numeric(10, 2), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column(
            "total",
            sa.Numeric(12, 2),
            sa.Computed("price * quantity", persisted=True),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name="order_lines_pkey"),
        sa.CheckConstraint("price >= 0 AND quantity > 0", name="order_lines_check"),
        sa.CheckConstraint("total >= 0", name="order_lines_check1"),
    )


def downgrade() -> None:
    """Remove everything upgrade() created, in reverse order."""
    sqlite = on_sqlite()
    op.drop_table("order_lines")
