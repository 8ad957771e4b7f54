"""Initial schema of fleetrun, as the schemasmith DDL creates it.

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


vehicle_status_enum = postgresql.ENUM(
    "active",
    "in maintenance",
    "retired",
    name="vehicle_status",
    create_type=False,
)

parcel_status_enum = postgresql.ENUM(
    "pending",
    "out for delivery",
    "delivered",
    "failed",
    name="parcel_status",
    create_type=False,
)

SQLITE_TRIGGERS = (
    "CREATE TRIGGER vehicles_set_updated_at\n"
    "AFTER UPDATE ON vehicles\n"
    "FOR EACH ROW\n"
    "WHEN NEW.updated_at IS OLD.updated_at AND NEW.updated_at IS NOT "
    "CURRENT_TIMESTAMP\n"
    "BEGIN\n"
    "  UPDATE vehicles SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;\n"
    "END",
    "CREATE TRIGGER drivers_set_updated_at\n"
    "AFTER UPDATE ON drivers\n"
    "FOR EACH ROW\n"
    "WHEN NEW.updated_at IS OLD.updated_at AND NEW.updated_at IS NOT "
    "CURRENT_TIMESTAMP\n"
    "BEGIN\n"
    "  UPDATE drivers SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;\n"
    "END",
    "CREATE TRIGGER routes_set_updated_at\n"
    "AFTER UPDATE ON routes\n"
    "FOR EACH ROW\n"
    "WHEN NEW.updated_at IS OLD.updated_at AND NEW.updated_at IS NOT "
    "CURRENT_TIMESTAMP\n"
    "BEGIN\n"
    "  UPDATE routes SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;\n"
    "END",
    "CREATE TRIGGER stops_set_updated_at\n"
    "AFTER UPDATE ON stops\n"
    "FOR EACH ROW\n"
    "WHEN NEW.updated_at IS OLD.updated_at AND NEW.updated_at IS NOT "
    "CURRENT_TIMESTAMP\n"
    "BEGIN\n"
    "  UPDATE stops SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;\n"
    "END",
    "CREATE TRIGGER parcels_set_updated_at\n"
    "AFTER UPDATE ON parcels\n"
    "FOR EACH ROW\n"
    "WHEN NEW.updated_at IS OLD.updated_at AND NEW.updated_at IS NOT "
    "CURRENT_TIMESTAMP\n"
    "BEGIN\n"
    "  UPDATE parcels SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;\n"
    "END",
    "CREATE TRIGGER service_records_set_updated_at\n"
    "AFTER UPDATE ON service_records\n"
    "FOR EACH ROW\n"
    "WHEN NEW.updated_at IS OLD.updated_at AND NEW.updated_at IS NOT "
    "CURRENT_TIMESTAMP\n"
    "BEGIN\n"
    "  UPDATE service_records SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;\n"
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
    "CREATE TRIGGER vehicles_set_updated_at BEFORE UPDATE ON vehicles\n"
    "    FOR EACH ROW EXECUTE FUNCTION schemasmith_set_updated_at('updated_at')",
    "CREATE TRIGGER drivers_set_updated_at BEFORE UPDATE ON drivers\n"
    "    FOR EACH ROW EXECUTE FUNCTION schemasmith_set_updated_at('updated_at')",
    "CREATE TRIGGER routes_set_updated_at BEFORE UPDATE ON routes\n"
    "    FOR EACH ROW EXECUTE FUNCTION schemasmith_set_updated_at('updated_at')",
    "CREATE TRIGGER stops_set_updated_at BEFORE UPDATE ON stops\n"
    "    FOR EACH ROW EXECUTE FUNCTION schemasmith_set_updated_at('updated_at')",
    "CREATE TRIGGER parcels_set_updated_at BEFORE UPDATE ON parcels\n"
    "    FOR EACH ROW EXECUTE FUNCTION schemasmith_set_updated_at('updated_at')",
    "CREATE TRIGGER service_records_set_updated_at BEFORE UPDATE ON service_records\n"
    "    FOR EACH ROW EXECUTE FUNCTION schemasmith_set_updated_at('updated_at')",
)


def upgrade() -> None:
    """Create the schema."""
    sqlite = on_sqlite()
    if not sqlite:
        vehicle_status_enum.create(op.get_bind())
        parcel_status_enum.create(op.get_bind())

    op.create_table(
        "vehicles",
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
        sa.Column("registration_plate", sa.String(20), nullable=False),
        sa.Column("make", sa.Text(), nullable=False),
        sa.Column("model", sa.Text(), nullable=False),
        sa.Column("year_built", sa.SmallInteger(), nullable=False),
        sa.Column("max_payload_kg", sa.Numeric(10, 2), nullable=False),
        sa.Column(
            "status",
            vehicle_status_enum,
            server_default="active",
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
        sa.PrimaryKeyConstraint("id", name="vehicles_pkey"),
        sa.UniqueConstraint(
            "registration_plate",
            name="vehicles_registration_plate_key",
        ),
        *sqlite_only(
            sa.CheckConstraint(
                "status IN ('active', 'in maintenance', 'retired')",
                name="vehicles_status_vehicle_status_enum",
            ),
            sa.CheckConstraint("length(registration_plate) <= 20"),
        ),
    )

    op.create_table(
        "drivers",
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
        sa.Column("phone", sa.Text(), nullable=False),
        sa.Column("licence_number", sa.String(50), nullable=False),
        sa.Column("hired_on", sa.Date(), nullable=False),
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
        sa.PrimaryKeyConstraint("id", name="drivers_pkey"),
        sa.UniqueConstraint("licence_number", name="drivers_licence_number_key"),
        *sqlite_only(sa.CheckConstraint("length(licence_number) <= 50")),
    )

    op.create_table(
        "routes",
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
        sa.Column("driver_id", sa.Uuid(), nullable=False),
        sa.Column("vehicle_id", sa.Uuid(), nullable=False),
        sa.Column("driven_on", sa.Date(), nullable=False),
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
        sa.PrimaryKeyConstraint("id", name="routes_pkey"),
        sa.UniqueConstraint(
            "vehicle_id",
            "driven_on",
            name="routes_vehicle_id_driven_on_key",
        ),
        sa.ForeignKeyConstraint(
            ["driver_id"],
            ["drivers.id"],
            name="routes_driver_id_fkey",
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["vehicle_id"],
            ["vehicles.id"],
            name="routes_vehicle_id_fkey",
            ondelete="RESTRICT",
        ),
    )

    op.create_table(
        "stops",
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
        sa.Column("route_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("latitude", sa.Double(), nullable=False),
        sa.Column("longitude", sa.Double(), nullable=False),
        sa.Column("planned_arrival_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("arrived_at", sa.DateTime(timezone=True), nullable=True),
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
        sa.PrimaryKeyConstraint("id", name="stops_pkey"),
        sa.UniqueConstraint("route_id", "position", name="stops_route_id_position_key"),
        sa.CheckConstraint("latitude BETWEEN -90 AND 90", name="stops_check"),
        sa.CheckConstraint("longitude BETWEEN -180 AND 180", name="stops_check1"),
        sa.ForeignKeyConstraint(
            ["route_id"],
            ["routes.id"],
            name="stops_route_id_fkey",
            ondelete="CASCADE",
        ),
    )

    op.create_table(
        "parcels",
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
        sa.Column("stop_id", sa.Uuid(), nullable=False),
        sa.Column("tracking_code", sa.String(50), nullable=False),
        sa.Column("weight_kg", sa.Numeric(10, 2), nullable=False),
        sa.Column("recipient_name", sa.Text(), nullable=False),
        sa.Column(
            "status",
            parcel_status_enum,
            server_default="pending",
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
        sa.PrimaryKeyConstraint("id", name="parcels_pkey"),
        sa.UniqueConstraint("tracking_code", name="parcels_tracking_code_key"),
        sa.ForeignKeyConstraint(
            ["stop_id"],
            ["stops.id"],
            name="parcels_stop_id_fkey",
            ondelete="CASCADE",
        ),
        *sqlite_only(
            sa.CheckConstraint(
                "status IN ('pending', 'out for delivery', 'delivered', 'failed')",
                name="parcels_status_parcel_status_enum",
            ),
            sa.CheckConstraint("length(tracking_code) <= 50"),
        ),
    )

    op.create_table(
        "service_records",
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
        sa.Column("vehicle_id", sa.Uuid(), nullable=False),
        sa.Column("serviced_on", sa.Date(), nullable=False),
        sa.Column("odometer_reading", sa.Integer(), nullable=False),
        sa.Column("cost", sa.Numeric(10, 2), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
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
        sa.PrimaryKeyConstraint("id", name="service_records_pkey"),
        sa.ForeignKeyConstraint(
            ["vehicle_id"],
            ["vehicles.id"],
            name="service_records_vehicle_id_fkey",
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
    op.drop_table("service_records")
    op.drop_table("parcels")
    op.drop_table("stops")
    op.drop_table("routes")
    op.drop_table("drivers")
    op.drop_table("vehicles")
    if not sqlite:
        parcel_status_enum.drop(op.get_bind())
        vehicle_status_enum.drop(op.get_bind())
