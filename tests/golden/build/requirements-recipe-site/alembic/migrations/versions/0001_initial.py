"""Initial schema of forkful, as the schemasmith DDL creates it.

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


recipe_difficulty_enum = postgresql.ENUM(
    "easy",
    "medium",
    "hard",
    name="recipe_difficulty",
    create_type=False,
)

recipe_ingredient_unit_enum = postgresql.ENUM(
    "g",
    "ml",
    "piece",
    "tbsp",
    "tsp",
    name="recipe_ingredient_unit",
    create_type=False,
)

SQLITE_TRIGGERS = (
    "CREATE TRIGGER cooks_set_updated_at\n"
    "AFTER UPDATE ON cooks\n"
    "FOR EACH ROW\n"
    "WHEN NEW.updated_at IS OLD.updated_at AND NEW.updated_at IS NOT "
    "CURRENT_TIMESTAMP\n"
    "BEGIN\n"
    "  UPDATE cooks SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;\n"
    "END",
    "CREATE TRIGGER recipes_set_updated_at\n"
    "AFTER UPDATE ON recipes\n"
    "FOR EACH ROW\n"
    "WHEN NEW.updated_at IS OLD.updated_at AND NEW.updated_at IS NOT "
    "CURRENT_TIMESTAMP\n"
    "BEGIN\n"
    "  UPDATE recipes SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;\n"
    "END",
    "CREATE TRIGGER steps_set_updated_at\n"
    "AFTER UPDATE ON steps\n"
    "FOR EACH ROW\n"
    "WHEN NEW.updated_at IS OLD.updated_at AND NEW.updated_at IS NOT "
    "CURRENT_TIMESTAMP\n"
    "BEGIN\n"
    "  UPDATE steps SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;\n"
    "END",
    "CREATE TRIGGER ingredients_set_updated_at\n"
    "AFTER UPDATE ON ingredients\n"
    "FOR EACH ROW\n"
    "WHEN NEW.updated_at IS OLD.updated_at AND NEW.updated_at IS NOT "
    "CURRENT_TIMESTAMP\n"
    "BEGIN\n"
    "  UPDATE ingredients SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;\n"
    "END",
    "CREATE TRIGGER recipe_ingredients_set_updated_at\n"
    "AFTER UPDATE ON recipe_ingredients\n"
    "FOR EACH ROW\n"
    "WHEN NEW.updated_at IS OLD.updated_at AND NEW.updated_at IS NOT "
    "CURRENT_TIMESTAMP\n"
    "BEGIN\n"
    "  UPDATE recipe_ingredients SET updated_at = CURRENT_TIMESTAMP WHERE recipe_id = "
    "NEW.recipe_id AND ingredient_id = NEW.ingredient_id;\n"
    "END",
    "CREATE TRIGGER categories_set_updated_at\n"
    "AFTER UPDATE ON categories\n"
    "FOR EACH ROW\n"
    "WHEN NEW.updated_at IS OLD.updated_at AND NEW.updated_at IS NOT "
    "CURRENT_TIMESTAMP\n"
    "BEGIN\n"
    "  UPDATE categories SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;\n"
    "END",
    "CREATE TRIGGER ratings_set_updated_at\n"
    "AFTER UPDATE ON ratings\n"
    "FOR EACH ROW\n"
    "WHEN NEW.updated_at IS OLD.updated_at AND NEW.updated_at IS NOT "
    "CURRENT_TIMESTAMP\n"
    "BEGIN\n"
    "  UPDATE ratings SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;\n"
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
    "CREATE TRIGGER cooks_set_updated_at BEFORE UPDATE ON cooks\n"
    "    FOR EACH ROW EXECUTE FUNCTION schemasmith_set_updated_at('updated_at')",
    "CREATE TRIGGER recipes_set_updated_at BEFORE UPDATE ON recipes\n"
    "    FOR EACH ROW EXECUTE FUNCTION schemasmith_set_updated_at('updated_at')",
    "CREATE TRIGGER steps_set_updated_at BEFORE UPDATE ON steps\n"
    "    FOR EACH ROW EXECUTE FUNCTION schemasmith_set_updated_at('updated_at')",
    "CREATE TRIGGER ingredients_set_updated_at BEFORE UPDATE ON ingredients\n"
    "    FOR EACH ROW EXECUTE FUNCTION schemasmith_set_updated_at('updated_at')",
    "CREATE TRIGGER recipe_ingredients_set_updated_at BEFORE UPDATE ON "
    "recipe_ingredients\n"
    "    FOR EACH ROW EXECUTE FUNCTION schemasmith_set_updated_at('updated_at')",
    "CREATE TRIGGER categories_set_updated_at BEFORE UPDATE ON categories\n"
    "    FOR EACH ROW EXECUTE FUNCTION schemasmith_set_updated_at('updated_at')",
    "CREATE TRIGGER ratings_set_updated_at BEFORE UPDATE ON ratings\n"
    "    FOR EACH ROW EXECUTE FUNCTION schemasmith_set_updated_at('updated_at')",
)


def upgrade() -> None:
    """Create the schema."""
    sqlite = on_sqlite()
    if not sqlite:
        recipe_difficulty_enum.create(op.get_bind())
        recipe_ingredient_unit_enum.create(op.get_bind())

    op.create_table(
        "cooks",
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
        sa.Column("username", sa.String(50), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("bio", sa.Text(), nullable=True),
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
        sa.PrimaryKeyConstraint("id", name="cooks_pkey"),
        sa.UniqueConstraint("username", name="cooks_username_key"),
        sa.UniqueConstraint("email", name="cooks_email_key"),
        *sqlite_only(
            sa.CheckConstraint("length(username) <= 50"),
            sa.CheckConstraint("length(email) <= 320"),
        ),
    )

    op.create_table(
        "recipes",
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
        sa.Column("cook_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("servings", sa.SmallInteger(), nullable=False),
        sa.Column("preparation_minutes", sa.Integer(), nullable=False),
        sa.Column("difficulty", recipe_difficulty_enum, nullable=False),
        sa.Column("published_on", sa.Date(), nullable=True),
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
        sa.PrimaryKeyConstraint("id", name="recipes_pkey"),
        sa.ForeignKeyConstraint(
            ["cook_id"],
            ["cooks.id"],
            name="recipes_cook_id_fkey",
            ondelete="CASCADE",
        ),
        *sqlite_only(
            sa.CheckConstraint(
                "difficulty IN ('easy', 'medium', 'hard')",
                name="recipes_difficulty_recipe_difficulty_enum",
            ),
            sa.CheckConstraint("length(title) <= 200"),
        ),
    )

    op.create_table(
        "steps",
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
        sa.Column("recipe_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column("instruction", sa.Text(), nullable=False),
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
        sa.PrimaryKeyConstraint("id", name="steps_pkey"),
        sa.UniqueConstraint(
            "recipe_id",
            "position",
            name="steps_recipe_id_position_key",
        ),
        sa.ForeignKeyConstraint(
            ["recipe_id"],
            ["recipes.id"],
            name="steps_recipe_id_fkey",
            ondelete="CASCADE",
        ),
    )

    op.create_table(
        "ingredients",
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
        sa.PrimaryKeyConstraint("id", name="ingredients_pkey"),
        sa.UniqueConstraint("name", name="ingredients_name_key"),
        *sqlite_only(sa.CheckConstraint("length(name) <= 200")),
    )

    op.create_table(
        "recipe_ingredients",
        sa.Column("recipe_id", sa.Uuid(), nullable=False),
        sa.Column("ingredient_id", sa.Uuid(), nullable=False),
        sa.Column("quantity", sa.Numeric(10, 2), nullable=False),
        sa.Column("unit", recipe_ingredient_unit_enum, nullable=False),
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
        sa.PrimaryKeyConstraint(
            "recipe_id",
            "ingredient_id",
            name="recipe_ingredients_pkey",
        ),
        sa.ForeignKeyConstraint(
            ["recipe_id"],
            ["recipes.id"],
            name="recipe_ingredients_recipe_id_fkey",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ingredient_id"],
            ["ingredients.id"],
            name="recipe_ingredients_ingredient_id_fkey",
            ondelete="RESTRICT",
        ),
        *sqlite_only(
            sa.CheckConstraint(
                "unit IN ('g', 'ml', 'piece', 'tbsp', 'tsp')",
                name="recipe_ingredients_unit_recipe_ingredient_unit_enum",
            ),
        ),
    )

    op.create_table(
        "categories",
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
        sa.PrimaryKeyConstraint("id", name="categories_pkey"),
        sa.UniqueConstraint("name", name="categories_name_key"),
        *sqlite_only(sa.CheckConstraint("length(name) <= 200")),
    )

    op.create_table(
        "recipe_categories",
        sa.Column("recipe_id", sa.Uuid(), nullable=False),
        sa.Column("category_id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint(
            "recipe_id",
            "category_id",
            name="recipe_categories_pkey",
        ),
        sa.ForeignKeyConstraint(
            ["recipe_id"],
            ["recipes.id"],
            name="recipe_categories_recipe_id_fkey",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["categories.id"],
            name="recipe_categories_category_id_fkey",
            ondelete="CASCADE",
        ),
    )

    op.create_table(
        "ratings",
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
        sa.Column("cook_id", sa.Uuid(), nullable=False),
        sa.Column("recipe_id", sa.Uuid(), nullable=False),
        sa.Column("stars", sa.SmallInteger(), nullable=False),
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
        sa.PrimaryKeyConstraint("id", name="ratings_pkey"),
        sa.UniqueConstraint(
            "cook_id",
            "recipe_id",
            name="ratings_cook_id_recipe_id_key",
        ),
        sa.CheckConstraint("stars BETWEEN 1 AND 5", name="ratings_check"),
        sa.ForeignKeyConstraint(
            ["cook_id"],
            ["cooks.id"],
            name="ratings_cook_id_fkey",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recipe_id"],
            ["recipes.id"],
            name="ratings_recipe_id_fkey",
            ondelete="CASCADE",
        ),
    )

    op.create_table(
        "follows",
        sa.Column("follower_id", sa.Uuid(), nullable=False),
        sa.Column("followed_id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("follower_id", "followed_id", name="follows_pkey"),
        sa.CheckConstraint("follower_id <> followed_id", name="follows_check"),
        sa.ForeignKeyConstraint(
            ["follower_id"],
            ["cooks.id"],
            name="follows_follower_id_fkey",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["followed_id"],
            ["cooks.id"],
            name="follows_followed_id_fkey",
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
    op.drop_table("follows")
    op.drop_table("ratings")
    op.drop_table("recipe_categories")
    op.drop_table("categories")
    op.drop_table("recipe_ingredients")
    op.drop_table("ingredients")
    op.drop_table("steps")
    op.drop_table("recipes")
    op.drop_table("cooks")
    if not sqlite:
        recipe_ingredient_unit_enum.drop(op.get_bind())
        recipe_difficulty_enum.drop(op.get_bind())
