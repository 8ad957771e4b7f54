"""Initial schema of helpdesk, as the schemasmith DDL creates it.

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


def by_dialect(on_postgresql: str, on_sqlite: str | None) -> sa.TextClause | None:
    """SQL that PostgreSQL and SQLite spell differently (None: SQLite has none)."""
    sql = on_sqlite if op.get_context().dialect.name == "sqlite" else on_postgresql
    return sa.text(sql) if sql is not None else None


def sqlite_only(*items: sa.schema.SchemaItem) -> tuple[sa.schema.SchemaItem, ...]:
    """What the SQLite DDL adds: CHECKs its types lack, cycle keys inline."""
    return items if on_sqlite() else ()


agent_team_enum = postgresql.ENUM(
    "billing",
    "technical",
    "sales",
    name="agent_team",
    create_type=False,
)

ticket_priority_enum = postgresql.ENUM(
    "low",
    "normal",
    "high",
    name="ticket_priority",
    create_type=False,
)

ticket_status_enum = postgresql.ENUM(
    "open",
    "pending",
    "solved",
    "closed",
    name="ticket_status",
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
    "CREATE TRIGGER agents_set_updated_at\n"
    "AFTER UPDATE ON agents\n"
    "FOR EACH ROW\n"
    "WHEN NEW.updated_at IS OLD.updated_at AND NEW.updated_at IS NOT "
    "CURRENT_TIMESTAMP\n"
    "BEGIN\n"
    "  UPDATE agents SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;\n"
    "END",
    "CREATE TRIGGER tickets_set_updated_at\n"
    "AFTER UPDATE ON tickets\n"
    "FOR EACH ROW\n"
    "WHEN NEW.updated_at IS OLD.updated_at AND NEW.updated_at IS NOT "
    "CURRENT_TIMESTAMP\n"
    "BEGIN\n"
    "  UPDATE tickets SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;\n"
    "END",
    "CREATE TRIGGER replies_set_updated_at\n"
    "AFTER UPDATE ON replies\n"
    "FOR EACH ROW\n"
    "WHEN NEW.updated_at IS OLD.updated_at AND NEW.updated_at IS NOT "
    "CURRENT_TIMESTAMP\n"
    "BEGIN\n"
    "  UPDATE replies SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;\n"
    "END",
    "CREATE TRIGGER attachments_set_updated_at\n"
    "AFTER UPDATE ON attachments\n"
    "FOR EACH ROW\n"
    "WHEN NEW.updated_at IS OLD.updated_at AND NEW.updated_at IS NOT "
    "CURRENT_TIMESTAMP\n"
    "BEGIN\n"
    "  UPDATE attachments SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;\n"
    "END",
    "CREATE TRIGGER tags_set_updated_at\n"
    "AFTER UPDATE ON tags\n"
    "FOR EACH ROW\n"
    "WHEN NEW.updated_at IS OLD.updated_at AND NEW.updated_at IS NOT "
    "CURRENT_TIMESTAMP\n"
    "BEGIN\n"
    "  UPDATE tags SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;\n"
    "END",
    "CREATE TRIGGER satisfaction_ratings_set_updated_at\n"
    "AFTER UPDATE ON satisfaction_ratings\n"
    "FOR EACH ROW\n"
    "WHEN NEW.updated_at IS OLD.updated_at AND NEW.updated_at IS NOT "
    "CURRENT_TIMESTAMP\n"
    "BEGIN\n"
    "  UPDATE satisfaction_ratings SET updated_at = CURRENT_TIMESTAMP WHERE id = "
    "NEW.id;\n"
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
    "CREATE TRIGGER agents_set_updated_at BEFORE UPDATE ON agents\n"
    "    FOR EACH ROW EXECUTE FUNCTION schemasmith_set_updated_at('updated_at')",
    "CREATE TRIGGER tickets_set_updated_at BEFORE UPDATE ON tickets\n"
    "    FOR EACH ROW EXECUTE FUNCTION schemasmith_set_updated_at('updated_at')",
    "CREATE TRIGGER replies_set_updated_at BEFORE UPDATE ON replies\n"
    "    FOR EACH ROW EXECUTE FUNCTION schemasmith_set_updated_at('updated_at')",
    "CREATE TRIGGER attachments_set_updated_at BEFORE UPDATE ON attachments\n"
    "    FOR EACH ROW EXECUTE FUNCTION schemasmith_set_updated_at('updated_at')",
    "CREATE TRIGGER tags_set_updated_at BEFORE UPDATE ON tags\n"
    "    FOR EACH ROW EXECUTE FUNCTION schemasmith_set_updated_at('updated_at')",
    "CREATE TRIGGER satisfaction_ratings_set_updated_at BEFORE UPDATE ON "
    "satisfaction_ratings\n"
    "    FOR EACH ROW EXECUTE FUNCTION schemasmith_set_updated_at('updated_at')",
)


def upgrade() -> None:
    """Create the schema."""
    sqlite = on_sqlite()
    if not sqlite:
        agent_team_enum.create(op.get_bind())
        ticket_priority_enum.create(op.get_bind())
        ticket_status_enum.create(op.get_bind())

    op.create_table(
        "customers",
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
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("company", sa.Text(), nullable=True),
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
        *sqlite_only(sa.CheckConstraint("length(email) <= 320")),
    )

    op.create_table(
        "agents",
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
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("team", agent_team_enum, nullable=False),
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
        sa.PrimaryKeyConstraint("id", name="agents_pkey"),
        sa.UniqueConstraint("email", name="agents_email_key"),
        *sqlite_only(
            sa.CheckConstraint(
                "team IN ('billing', 'technical', 'sales')",
                name="agents_team_agent_team_enum",
            ),
            sa.CheckConstraint("length(email) <= 320"),
        ),
    )

    op.create_table(
        "tickets",
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
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("agent_id", sa.Uuid(), nullable=True),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "priority",
            ticket_priority_enum,
            server_default="normal",
            nullable=False,
        ),
        sa.Column("status", ticket_status_enum, server_default="open", nullable=False),
        sa.Column(
            "opened_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
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
        sa.PrimaryKeyConstraint("id", name="tickets_pkey"),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name="tickets_customer_id_fkey",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["agents.id"],
            name="tickets_agent_id_fkey",
            ondelete="SET NULL",
        ),
        *sqlite_only(
            sa.CheckConstraint(
                "priority IN ('low', 'normal', 'high')",
                name="tickets_priority_ticket_priority_enum",
            ),
            sa.CheckConstraint(
                "status IN ('open', 'pending', 'solved', 'closed')",
                name="tickets_status_ticket_status_enum",
            ),
        ),
    )

    op.create_table(
        "replies",
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
        sa.Column("ticket_id", sa.Uuid(), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=True),
        sa.Column("agent_id", sa.Uuid(), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column(
            "internal",
            sa.Boolean(),
            server_default=sa.text("false"),
            nullable=False,
        ),
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
        sa.PrimaryKeyConstraint("id", name="replies_pkey"),
        sa.CheckConstraint(
            "(customer_id IS NULL) <> (agent_id IS NULL)",
            name="replies_check",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name="replies_ticket_id_fkey",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name="replies_customer_id_fkey",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["agents.id"],
            name="replies_agent_id_fkey",
            ondelete="RESTRICT",
        ),
        *sqlite_only(sa.CheckConstraint("internal IN (0, 1)")),
    )

    op.create_table(
        "attachments",
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
        sa.Column("reply_id", sa.Uuid(), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("content_type", sa.Text(), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("storage_url", sa.Text(), nullable=False),
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
        sa.PrimaryKeyConstraint("id", name="attachments_pkey"),
        sa.ForeignKeyConstraint(
            ["reply_id"],
            ["replies.id"],
            name="attachments_reply_id_fkey",
            ondelete="CASCADE",
        ),
    )

    op.create_table(
        "tags",
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
        sa.Column("name", sa.String(200), nullable=False),
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
        sa.PrimaryKeyConstraint("id", name="tags_pkey"),
        sa.UniqueConstraint("name", name="tags_name_key"),
        *sqlite_only(sa.CheckConstraint("length(name) <= 200")),
    )

    op.create_table(
        "ticket_tags",
        sa.Column("ticket_id", sa.Uuid(), nullable=False),
        sa.Column("tag_id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("ticket_id", "tag_id", name="ticket_tags_pkey"),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name="ticket_tags_ticket_id_fkey",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tag_id"],
            ["tags.id"],
            name="ticket_tags_tag_id_fkey",
            ondelete="CASCADE",
        ),
    )

    op.create_table(
        "satisfaction_ratings",
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
        sa.Column("ticket_id", sa.Uuid(), nullable=False),
        sa.Column("rating", sa.SmallInteger(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
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
        sa.PrimaryKeyConstraint("id", name="satisfaction_ratings_pkey"),
        sa.UniqueConstraint("ticket_id", name="satisfaction_ratings_ticket_id_key"),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name="satisfaction_ratings_check"),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name="satisfaction_ratings_ticket_id_fkey",
            ondelete="CASCADE",
        ),
    )

    for statement in SQLITE_TRIGGERS if sqlite else POSTGRESQL_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    """Remove everything upgrade() created, in reverse order."""
    sqlite = on_sqlite()
    if not sqlite:
        op.execute("DROP FUNCTION schemasmith_set_updated_at() CASCADE")
    op.drop_table("satisfaction_ratings")
    op.drop_table("ticket_tags")
    op.drop_table("tags")
    op.drop_table("attachments")
    op.drop_table("replies")
    op.drop_table("tickets")
    op.drop_table("agents")
    op.drop_table("customers")
    if not sqlite:
        ticket_status_enum.drop(op.get_bind())
        ticket_priority_enum.drop(op.get_bind())
        agent_team_enum.drop(op.get_bind())
