"""Initial schema of composite_demo, as the schemasmith DDL creates it.

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


def sqlite_only(*items: sa.schema.SchemaItem) -> tuple[sa.schema.SchemaItem, ...]:
    """What the SQLite DDL adds: CHECKs its types lack, cycle keys inline."""
    return items if on_sqlite() else ()


def upgrade() -> None:
    """Create the schema."""
    sqlite = on_sqlite()

    op.create_table(
        "warehouses",
        sa.Column("code", sa.String(8), nullable=False),
        sa.Column("city", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("code", name="warehouses_pkey"),
        *sqlite_only(sa.CheckConstraint("length(code) <= 8")),
    )

    op.create_table(
        "products",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(),
            nullable=False,
        ),
        sa.Column("sku", sa.String(20), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="products_pkey"),
        sa.UniqueConstraint("sku", name="products_sku_key"),
        *sqlite_only(sa.CheckConstraint("length(sku) <= 20")),
        sqlite_autoincrement=True,
    )

    op.create_table(
        "stock",
        sa.Column("warehouse_code", sa.String(8), nullable=False),
        sa.Column("product_id", sa.BigInteger(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("warehouse_code", "product_id", name="stock_pkey"),
        sa.CheckConstraint("quantity >= 0", name="stock_check"),
        sa.ForeignKeyConstraint(
            ["warehouse_code"],
            ["warehouses.code"],
            name="stock_warehouse_code_fkey",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name="stock_product_id_fkey",
        ),
        *sqlite_only(sa.CheckConstraint("length(warehouse_code) <= 8")),
    )

    op.create_table(
        "movements",
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
        sa.Column("warehouse_code", sa.String(8), nullable=False),
        sa.Column("product_id", sa.BigInteger(), nullable=False),
        sa.Column("delta", sa.Integer(), nullable=False),
        sa.Column("happened_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="movements_pkey"),
        sa.ForeignKeyConstraint(
            ["warehouse_code", "product_id"],
            ["stock.warehouse_code", "stock.product_id"],
            name="movements_warehouse_code_product_id_fkey",
        ),
        sa.ForeignKeyConstraint(
            ["warehouse_code"],
            ["warehouses.code"],
            name="movements_warehouse_code_fkey",
        ),
        *sqlite_only(sa.CheckConstraint("length(warehouse_code) <= 8")),
    )

    op.create_table(
        "lines",
        sa.Column("movement_id", sa.Uuid(), nullable=False),
        sa.Column("line_no", sa.SmallInteger(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("movement_id", "line_no", name="lines_pkey"),
        sa.CheckConstraint("line_no BETWEEN 1 AND 50", name="lines_check"),
        sa.ForeignKeyConstraint(
            ["movement_id"],
            ["movements.id"],
            name="lines_movement_id_fkey",
        ),
    )


def downgrade() -> None:
    """Remove everything upgrade() created, in reverse order."""
    sqlite = on_sqlite()
    op.drop_table("lines")
    op.drop_table("movements")
    op.drop_table("stock")
    op.drop_table("products")
    op.drop_table("warehouses")
