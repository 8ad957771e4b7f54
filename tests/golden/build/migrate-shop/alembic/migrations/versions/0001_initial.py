"""Initial schema of shop, as the schemasmith DDL creates it.

Revision ID: 0001
Revises:
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def on_sqlite() -> bool:
    return op.get_context().dialect.name == "sqlite"


def sqlite_only(*items: sa.schema.SchemaItem) -> tuple[sa.schema.SchemaItem, ...]:
    """What the SQLite DDL adds: CHECKs its types lack, cycle keys inline."""
    return items if on_sqlite() else ()


order_status_enum = postgresql.ENUM(
    "pending",
    "paid",
    "shipped",
    "cancelled",
    name="order_status",
    create_type=False,
)

priority_enum = postgresql.ENUM(
    "low",
    "medium",
    "high",
    "urgent",
    name="priority",
    create_type=False,
)

SQLITE_TRIGGERS = (
    "CREATE TRIGGER customers_set_updated_at\n"
    "AFTER UPDATE ON customers\n"
    "FOR EACH ROW\n"
    "WHEN NEW.updated_at IS OLD.updated_at AND NEW.updated_at IS NOT "
    "CURRENT_TIMESTAMP\n"
    "BEGIN\n"
    "  UPDATE customers SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;\n"
    "END",
)

POSTGRESQL_TRIGGERS = (
    "CREATE OR REPLACE FUNCTION schemasmith_set_updated_at() RETURNS trigger\n"
    "LANGUAGE plpgsql AS $schemasmith$\n"
    "BEGIN\n"
    "    -- TG_ARGV[0] names the column to keep current; jsonb_populate_record sets "
    "it by name.\n"
    "    NEW := jsonb_populate_record(NEW, jsonb_build_object(TG_ARGV[0], now()));\n"
    "    RETURN NEW;\n"
    "END\n"
    "$schemasmith$",
    "CREATE TRIGGER customers_set_updated_at BEFORE UPDATE ON customers\n"
    "    FOR EACH ROW EXECUTE FUNCTION schemasmith_set_updated_at('updated_at')",
)


def upgrade() -> None:
    """Create the schema."""
    sqlite = on_sqlite()
    if not sqlite:
        order_status_enum.create(op.get_bind())
        priority_enum.create(op.get_bind())

    op.create_table(
        "customers",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(),
            nullable=False,
        ),
        sa.Column("email", sa.String(200), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("bio", sa.Text(), nullable=True),
        sa.Column("avatar_url", sa.Text(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name="customers_pkey"),
        sa.UniqueConstraint("email", name="customers_email_key"),
        *sqlite_only(sa.CheckConstraint("length(email) <= 200")),
        sqlite_autoincrement=True,
    )

    op.create_table(
        "orders",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(),
            nullable=False,
        ),
        sa.Column("customer_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "status",
            order_status_enum,
            server_default="pending",
            nullable=False,
        ),
        sa.Column("priority", priority_enum, server_default="medium", nullable=False),
        sa.Column(
            "total",
            sa.Numeric(10, 2),
            server_default=sa.text("0"),
            nullable=False,
        ),
        sa.Column("note", sa.String(200), nullable=True),
        sa.Column("assignee", sa.Text(), nullable=True),
        sa.Column(
            "quantity",
            sa.Integer(),
            server_default=sa.text("1"),
            nullable=False,
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name="orders_pkey"),
        sa.CheckConstraint("total >= 0", name="orders_check"),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name="orders_customer_id_fkey",
            ondelete="CASCADE",
        ),
        *sqlite_only(
            sa.CheckConstraint(
                "status IN ('pending', 'paid', 'shipped', 'cancelled')",
                name="orders_status_order_status_enum",
            ),
            sa.CheckConstraint(
                "priority IN ('low', 'medium', 'high', 'urgent')",
                name="orders_priority_priority_enum",
            ),
            sa.CheckConstraint("length(note) <= 200"),
        ),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "orders_customer_id_created_at_idx",
        "orders",
        ["customer_id", "created_at"],
    )
    op.create_index(
        "orders_created_at_idx",
        "orders",
        ["created_at"],
        postgresql_where=sa.text("status <> 'cancelled'"),
        sqlite_where=sa.text("status <> 'cancelled'"),
    )
    op.create_index("orders_assignee_idx", "orders", ["assignee"])

    for statement in SQLITE_TRIGGERS if sqlite else POSTGRESQL_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    """Remove everything upgrade() created, in reverse order."""
    sqlite = on_sqlite()
    if not sqlite:
        op.execute("DROP FUNCTION schemasmith_set_updated_at() CASCADE")
    op.drop_table("orders")
    op.drop_table("customers")
    if not sqlite:
        priority_enum.drop(op.get_bind())
        order_status_enum.drop(op.get_bind())
