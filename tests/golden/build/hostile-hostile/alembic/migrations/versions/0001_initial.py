"""Initial schema of hostile, as the schemasmith DDL creates it.

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


def sqlite_only(*items: sa.schema.SchemaItem) -> tuple[sa.schema.SchemaItem, ...]:
    """What the SQLite DDL adds: CHECKs its types lack, cycle keys inline."""
    return items if on_sqlite() else ()


SQLITE_TRIGGERS = (
    "CREATE TRIGGER user_set_updated_at\n"
    "AFTER UPDATE ON user\n"
    "FOR EACH ROW\n"
    "WHEN NEW.updated_at IS OLD.updated_at AND NEW.updated_at IS NOT "
    "CURRENT_TIMESTAMP\n"
    "BEGIN\n"
    "  UPDATE user SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;\n"
    "END",
    'CREATE TRIGGER "order line_parent_id_max_depth_insert"\n'
    'BEFORE INSERT ON "order line"\n'
    "FOR EACH ROW\n"
    "WHEN NEW.parent_id IS NOT NULL\n"
    "BEGIN\n"
    "  SELECT RAISE(ABORT, 'order line.parent_id: a row may sit at most 2 level(s) "
    "below a root, and never below itself')\n"
    "  FROM (\n"
    "    WITH RECURSIVE\n"
    "    ancestors(node, level) AS (\n"
    "      SELECT NEW.parent_id, 1\n"
    "      UNION ALL\n"
    '      SELECT "order line".parent_id, ancestors.level + 1 FROM "order line" JOIN '
    'ancestors ON "order line".id = ancestors.node\n'
    '      WHERE "order line".parent_id IS NOT NULL AND ancestors.level <= 2\n'
    "    )\n"
    "    SELECT max(level) AS depth FROM ancestors\n"
    "  )\n"
    "  WHERE depth > 2 OR NEW.parent_id = NEW.id;\n"
    "END",
    'CREATE TRIGGER "order line_parent_id_max_depth_update"\n'
    'BEFORE UPDATE OF parent_id ON "order line"\n'
    "FOR EACH ROW\n"
    "WHEN NEW.parent_id IS NOT NULL\n"
    "BEGIN\n"
    "  SELECT RAISE(ABORT, 'order line.parent_id: a row may sit at most 2 level(s) "
    "below a root, and never below itself')\n"
    "  FROM (\n"
    "    WITH RECURSIVE\n"
    "    ancestors(node, level) AS (\n"
    "      SELECT NEW.parent_id, 1\n"
    "      UNION ALL\n"
    '      SELECT "order line".parent_id, ancestors.level + 1 FROM "order line" JOIN '
    'ancestors ON "order line".id = ancestors.node\n'
    '      WHERE "order line".parent_id IS NOT NULL AND ancestors.level <= 2\n'
    "    ),\n"
    "    descendants(node, level) AS (\n"
    '      SELECT "order line".id, 1 FROM "order line" WHERE "order line".parent_id = '
    "OLD.id\n"
    "      UNION ALL\n"
    '      SELECT "order line".id, descendants.level + 1 FROM "order line" JOIN '
    'descendants ON "order line".parent_id = descendants.node\n'
    "      WHERE descendants.level <= 2\n"
    "    )\n"
    "    SELECT (SELECT max(level) FROM ancestors) + coalesce((SELECT max(level) FROM "
    "descendants), 0) AS depth,\n"
    "      EXISTS (SELECT 1 FROM ancestors WHERE node = OLD.id) OR NEW.parent_id = "
    "NEW.id AS cycle\n"
    "  )\n"
    "  WHERE depth > 2 OR cycle;\n"
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
    'CREATE TRIGGER user_set_updated_at BEFORE UPDATE ON "user"\n'
    "    FOR EACH ROW EXECUTE FUNCTION schemasmith_set_updated_at('updated_at')",
    'CREATE OR REPLACE FUNCTION "schemasmith_max_depth_order line_parent_id"() '
    "RETURNS trigger\n"
    "LANGUAGE plpgsql AS $schemasmith$\n"
    "DECLARE\n"
    "    v_schemasmith_limit integer := TG_ARGV[1]::integer;\n"
    "    v_schemasmith_above integer := 0;\n"
    "    v_schemasmith_below integer := 0;\n"
    '    v_schemasmith_node "order line".parent_id%TYPE;\n'
    "BEGIN\n"
    "    IF TG_OP = 'UPDATE' AND NEW.parent_id IS NOT DISTINCT FROM OLD.parent_id AND "
    "NEW.id IS NOT DISTINCT FROM OLD.id THEN\n"
    "        RETURN NEW;\n"
    "    END IF;\n"
    "    -- Levels above the row: walk up its ancestors (a cycle would never end).\n"
    "    v_schemasmith_node := NEW.parent_id;\n"
    "    WHILE v_schemasmith_node IS NOT NULL LOOP\n"
    "        IF v_schemasmith_node = NEW.id THEN\n"
    "            RAISE EXCEPTION USING ERRCODE = 'check_violation',\n"
    "                MESSAGE = format('%s: a row cannot be its own ancestor', 'order "
    "line.parent_id');\n"
    "        END IF;\n"
    "        v_schemasmith_above := v_schemasmith_above + 1;\n"
    "        EXIT WHEN v_schemasmith_above > v_schemasmith_limit;\n"
    '        SELECT schemasmith_parent.parent_id INTO v_schemasmith_node FROM "order '
    'line" AS schemasmith_parent\n'
    "            WHERE schemasmith_parent.id = v_schemasmith_node;\n"
    "    END LOOP;\n"
    "    -- Levels below the row: the subtree that moves with it.\n"
    "    IF TG_OP = 'UPDATE' AND v_schemasmith_above <= v_schemasmith_limit THEN\n"
    "        WITH RECURSIVE schemasmith_subtree(node, level) AS (\n"
    '            SELECT schemasmith_child.id, 1 FROM "order line" AS '
    "schemasmith_child WHERE schemasmith_child.parent_id = NEW.id\n"
    "            UNION ALL\n"
    "            SELECT schemasmith_child.id, schemasmith_subtree.level + 1 FROM "
    '"order line" AS schemasmith_child\n'
    "            JOIN schemasmith_subtree ON schemasmith_child.parent_id = "
    "schemasmith_subtree.node\n"
    "            WHERE schemasmith_subtree.level <= v_schemasmith_limit\n"
    "        )\n"
    "        SELECT coalesce(max(schemasmith_subtree.level), 0) INTO "
    "v_schemasmith_below FROM schemasmith_subtree;\n"
    "    END IF;\n"
    "    IF v_schemasmith_above + v_schemasmith_below > v_schemasmith_limit THEN\n"
    "        RAISE EXCEPTION USING ERRCODE = 'check_violation',\n"
    "            MESSAGE = format('%s: rows may be at most %s level(s) below a root; "
    "this change would make %s',\n"
    "                'order line.parent_id', v_schemasmith_limit, v_schemasmith_above "
    "+ v_schemasmith_below),\n"
    "            HINT = 'Attach the row higher up the tree, or raise the design''s "
    "max_depth.';\n"
    "    END IF;\n"
    "    RETURN NEW;\n"
    "END\n"
    "$schemasmith$",
    'CREATE TRIGGER "order line_parent_id_max_depth" BEFORE INSERT OR UPDATE ON '
    '"order line"\n'
    '    FOR EACH ROW EXECUTE FUNCTION "schemasmith_max_depth_order '
    "line_parent_id\"('parent_id', '2')",
)


def upgrade() -> None:
    """Create the schema."""
    sqlite = on_sqlite()

    op.create_table(
        "user",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(),
            nullable=False,
        ),
        sa.Column(
            "select",
            sa.Text(),
            nullable=False,
            comment=(
                'It\'s a column named select; "quoted" and -- dashes /* and a block */'
            ),
        ),
        sa.Column("Mixed Case", sa.String(40), server_default="O'Brien", nullable=True),
        sa.Column(
            'quote"inside',
            sa.Integer(),
            server_default=sa.text("0"),
            nullable=False,
        ),
        sa.Column("manager_id", sa.BigInteger(), nullable=True),
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
        sa.PrimaryKeyConstraint("id", name="user_pkey"),
        sa.UniqueConstraint("select", name="user_select_key"),
        sa.CheckConstraint('length("select") > 0', name="user_check"),
        sa.ForeignKeyConstraint(
            ["manager_id"],
            ["user.id"],
            name="user_manager_id_fkey",
            ondelete="SET NULL",
        ),
        *sqlite_only(sa.CheckConstraint('length("Mixed Case") <= 40')),
        comment="'; DROP TABLE x; --",
        sqlite_autoincrement=True,
    )
    op.create_index(
        "user_Mixed Case_idx",
        "user",
        [sa.text('"Mixed Case" DESC')],
        postgresql_where=sa.text("\"Mixed Case\" <> 'x''y'"),
        sqlite_where=sa.text("\"Mixed Case\" <> 'x''y'"),
    )
    op.create_index(
        "user_lower_select_idx",
        "user",
        [sa.text('lower("select")')],
        unique=True,
    )

    op.create_table(
        "order",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(always=True),
            nullable=False,
        ),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.Text(), server_default="it's paid", nullable=False),
        sa.Column(
            "note",
            sa.Text(),
            server_default='\'; DROP TABLE "user"; --',
            nullable=True,
        ),
        sa.Column(
            "a_sixty_three_character_column_name_that_is_exactly_at_the_limi",
            sa.Integer(),
            nullable=True,
        ),
        sa.Column("first_line_id", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="order_pkey"),
        sa.CheckConstraint(
            "status IN ('new', 'it''s paid', 'say \"hi\"', 'a,b')",
            name="order_status_order status_enum",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name="order_user_id_fkey",
            ondelete="CASCADE",
        ),
        *sqlite_only(
            sa.ForeignKeyConstraint(
                ["first_line_id"],
                ["order line.id"],
                name="order_first_line_id_fkey",
                ondelete="SET NULL",
                deferrable=True,
                initially="DEFERRED",
            ),
        ),
        sqlite_autoincrement=True,
    )
    op.create_index("order_user_id_idx", "order", ["user_id"])

    op.create_table(
        "order line",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(),
            nullable=False,
        ),
        sa.Column("order_id", sa.BigInteger(), nullable=False),
        sa.Column("parent_id", sa.BigInteger(), nullable=True),
        sa.Column(
            "quantity",
            sa.Integer(),
            server_default=sa.text("1"),
            nullable=False,
        ),
        sa.Column("price", sa.Numeric(10, 2), nullable=False),
        sa.PrimaryKeyConstraint("id", name="order line_pkey"),
        sa.CheckConstraint("quantity > 0", name="order line_check"),
        sa.CheckConstraint("price >= 0", name="price is not negative"),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["order.id"],
            name="order line_order_id_fkey",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["order line.id"],
            name="order line_parent_id_fkey",
            ondelete="CASCADE",
        ),
        comment=(
            "Line of an order. Multi-line\ncomment with a backslash \\ and a tab\tend."
        ),
        sqlite_autoincrement=True,
    )
    op.create_index("order line_order_id_idx", "order line", ["order_id"])
    op.create_index(
        "order line_parent_id_idx",
        "order line",
        ["parent_id"],
        postgresql_where=sa.text("parent_id IS NOT NULL"),
        sqlite_where=sa.text("parent_id IS NOT NULL"),
    )

    # SQLite has these inline: it checks references only when rows are written
    if not sqlite:
        op.create_foreign_key(
            "order_first_line_id_fkey",
            "order",
            "order line",
            ["first_line_id"],
            ["id"],
            ondelete="SET NULL",
            deferrable=True,
            initially="DEFERRED",
        )

    for statement in SQLITE_TRIGGERS if sqlite else POSTGRESQL_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    """Remove everything upgrade() created, in reverse order."""
    sqlite = on_sqlite()
    if not sqlite:
        op.execute("DROP FUNCTION schemasmith_set_updated_at() CASCADE")
        op.execute(
            'DROP FUNCTION "schemasmith_max_depth_order line_parent_id"() CASCADE',
        )
        op.drop_constraint("order_first_line_id_fkey", "order", type_="foreignkey")
    op.drop_table("order line")
    op.drop_table("order")
    op.drop_table("user")
