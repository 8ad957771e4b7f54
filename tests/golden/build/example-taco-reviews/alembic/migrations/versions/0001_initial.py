"""Initial schema of tacoquest, as the schemasmith DDL creates it.

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


SQLITE_TRIGGERS = (
    "CREATE TRIGGER users_set_updated_at\n"
    "AFTER UPDATE ON users\n"
    "FOR EACH ROW\n"
    "WHEN NEW.updated_at IS OLD.updated_at AND NEW.updated_at IS NOT "
    "CURRENT_TIMESTAMP\n"
    "BEGIN\n"
    "  UPDATE users SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;\n"
    "END",
    "CREATE TRIGGER spots_set_updated_at\n"
    "AFTER UPDATE ON spots\n"
    "FOR EACH ROW\n"
    "WHEN NEW.updated_at IS OLD.updated_at AND NEW.updated_at IS NOT "
    "CURRENT_TIMESTAMP\n"
    "BEGIN\n"
    "  UPDATE spots SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;\n"
    "END",
    "CREATE TRIGGER reviews_set_updated_at\n"
    "AFTER UPDATE ON reviews\n"
    "FOR EACH ROW\n"
    "WHEN NEW.updated_at IS OLD.updated_at AND NEW.updated_at IS NOT "
    "CURRENT_TIMESTAMP\n"
    "BEGIN\n"
    "  UPDATE reviews SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;\n"
    "END",
    "CREATE TRIGGER photos_set_updated_at\n"
    "AFTER UPDATE ON photos\n"
    "FOR EACH ROW\n"
    "WHEN NEW.updated_at IS OLD.updated_at AND NEW.updated_at IS NOT "
    "CURRENT_TIMESTAMP\n"
    "BEGIN\n"
    "  UPDATE photos SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;\n"
    "END",
    "CREATE TRIGGER tags_set_updated_at\n"
    "AFTER UPDATE ON tags\n"
    "FOR EACH ROW\n"
    "WHEN NEW.updated_at IS OLD.updated_at AND NEW.updated_at IS NOT "
    "CURRENT_TIMESTAMP\n"
    "BEGIN\n"
    "  UPDATE tags SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;\n"
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
    "CREATE TRIGGER users_set_updated_at BEFORE UPDATE ON users\n"
    "    FOR EACH ROW EXECUTE FUNCTION schemasmith_set_updated_at('updated_at')",
    "CREATE TRIGGER spots_set_updated_at BEFORE UPDATE ON spots\n"
    "    FOR EACH ROW EXECUTE FUNCTION schemasmith_set_updated_at('updated_at')",
    "CREATE TRIGGER reviews_set_updated_at BEFORE UPDATE ON reviews\n"
    "    FOR EACH ROW EXECUTE FUNCTION schemasmith_set_updated_at('updated_at')",
    "CREATE TRIGGER photos_set_updated_at BEFORE UPDATE ON photos\n"
    "    FOR EACH ROW EXECUTE FUNCTION schemasmith_set_updated_at('updated_at')",
    "CREATE TRIGGER tags_set_updated_at BEFORE UPDATE ON tags\n"
    "    FOR EACH ROW EXECUTE FUNCTION schemasmith_set_updated_at('updated_at')",
)


def upgrade() -> None:
    """Create the schema."""
    sqlite = on_sqlite()

    op.create_table(
        "users",
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
        sa.Column(
            "name",
            sa.Text(),
            nullable=False,
            comment="Shown next to the user's reviews.",
        ),
        sa.Column(
            "email",
            sa.String(320),
            nullable=False,
            comment=(
                "Unique, compared without regard to case (RFC 5321 caps an address at "
                "320 characters)."
            ),
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
        sa.PrimaryKeyConstraint("id", name="users_pkey"),
        sa.CheckConstraint("length(name) > 0", name="users_check"),
        *sqlite_only(sa.CheckConstraint("length(email) <= 320")),
        comment=(
            "A person who signed up; writes reviews, uploads photos and keeps "
            "favourites."
        ),
    )
    op.create_index(
        "users_lower_email_idx",
        "users",
        [sa.text("lower(email)")],
        unique=True,
    )

    op.create_table(
        "spots",
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
        sa.Column(
            "address",
            sa.Text(),
            nullable=False,
            comment="Street address as written on a map.",
        ),
        sa.Column("city", sa.Text(), nullable=False),
        sa.Column(
            "latitude",
            sa.Double(),
            nullable=False,
            comment="Degrees, WGS 84, -90 to 90.",
        ),
        sa.Column(
            "longitude",
            sa.Double(),
            nullable=False,
            comment="Degrees, WGS 84, -180 to 180.",
        ),
        sa.Column("website", sa.Text(), nullable=True, comment="Optional."),
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
        sa.PrimaryKeyConstraint("id", name="spots_pkey"),
        sa.CheckConstraint("latitude BETWEEN -90 AND 90", name="spots_check"),
        sa.CheckConstraint("longitude BETWEEN -180 AND 180", name="spots_check1"),
        comment="A taco spot that can be reviewed, tagged and kept as a favourite.",
    )
    op.create_index("spots_city_idx", "spots", ["city"])

    op.create_table(
        "reviews",
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
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("spot_id", sa.Uuid(), nullable=False),
        sa.Column(
            "rating",
            sa.SmallInteger(),
            nullable=False,
            comment="1 (worst) to 5 (best).",
        ),
        sa.Column("body", sa.Text(), nullable=False, comment="The review text."),
        sa.Column(
            "visited_on",
            sa.Date(),
            nullable=False,
            comment="The date of the visit the review is about.",
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
        sa.PrimaryKeyConstraint("id", name="reviews_pkey"),
        sa.UniqueConstraint("user_id", "spot_id", name="reviews_user_id_spot_id_key"),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name="reviews_check"),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name="reviews_user_id_fkey",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["spot_id"],
            ["spots.id"],
            name="reviews_spot_id_fkey",
            ondelete="CASCADE",
        ),
        comment=(
            "A user's review of a spot: a rating from 1 to 5, a text and the date of "
            "the visit."
        ),
    )
    op.create_index(
        "reviews_spot_id_created_at_idx",
        "reviews",
        ["spot_id", sa.text("created_at DESC")],
    )

    op.create_table(
        "photos",
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
        sa.Column("review_id", sa.Uuid(), nullable=False),
        sa.Column(
            "url",
            sa.Text(),
            nullable=False,
            comment=(
                "Where the image is stored; the database keeps the link, not the bytes."
            ),
        ),
        sa.Column("caption", sa.Text(), nullable=True, comment="Optional."),
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
        sa.PrimaryKeyConstraint("id", name="photos_pkey"),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["reviews.id"],
            name="photos_review_id_fkey",
            ondelete="CASCADE",
        ),
        comment="A photo uploaded to a review.",
    )
    op.create_index("photos_review_id_idx", "photos", ["review_id"])

    op.create_table(
        "favourites",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("spot_id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
            comment="When the spot was marked; the list shows the newest first.",
        ),
        sa.PrimaryKeyConstraint("user_id", "spot_id", name="favourites_pkey"),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name="favourites_user_id_fkey",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["spot_id"],
            ["spots.id"],
            name="favourites_spot_id_fkey",
            ondelete="CASCADE",
        ),
        comment="A spot a user marked as a favourite.",
    )
    op.create_index("favourites_spot_id_idx", "favourites", ["spot_id"])

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
        sa.Column(
            "name",
            sa.String(50),
            nullable=False,
            comment="Lower case, e.g. vegan, al pastor, late night.",
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
        sa.PrimaryKeyConstraint("id", name="tags_pkey"),
        sa.UniqueConstraint("name", name="tags_name_key"),
        sa.CheckConstraint(
            "name = lower(name) AND length(name) > 0",
            name="tags_check",
        ),
        *sqlite_only(sa.CheckConstraint("length(name) <= 50")),
        comment="A label such as vegan, al pastor or late night, shared by many spots.",
    )

    op.create_table(
        "spot_tags",
        sa.Column("spot_id", sa.Uuid(), nullable=False),
        sa.Column("tag_id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("spot_id", "tag_id", name="spot_tags_pkey"),
        sa.ForeignKeyConstraint(
            ["spot_id"],
            ["spots.id"],
            name="spot_tags_spot_id_fkey",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tag_id"],
            ["tags.id"],
            name="spot_tags_tag_id_fkey",
            ondelete="CASCADE",
        ),
        comment="A tag on a spot.",
    )
    op.create_index("spot_tags_tag_id_idx", "spot_tags", ["tag_id"])

    for statement in SQLITE_TRIGGERS if sqlite else POSTGRESQL_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    """Remove everything upgrade() created, in reverse order."""
    sqlite = on_sqlite()
    if not sqlite:
        op.execute("DROP FUNCTION schemasmith_set_updated_at() CASCADE")
    op.drop_table("spot_tags")
    op.drop_table("tags")
    op.drop_table("favourites")
    op.drop_table("photos")
    op.drop_table("reviews")
    op.drop_table("spots")
    op.drop_table("users")
