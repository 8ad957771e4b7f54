"""Initial schema of hostile_native, as the schemasmith DDL creates it.

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


ticket_kind_enum = postgresql.ENUM(
    "bug",
    "won't fix",
    "$$",
    "semi;colon",
    name='Ticket "Kind"',
    create_type=False,
)

group_enum = postgresql.ENUM("a", "b", name="group", create_type=False)

SQLITE_TRIGGERS = (
    'CREATE TRIGGER "Café Orders_set_updated_at"\n'
    'AFTER UPDATE ON "Café Orders"\n'
    "FOR EACH ROW\n"
    "WHEN NEW.updated_at IS OLD.updated_at AND NEW.updated_at IS NOT "
    "CURRENT_TIMESTAMP\n"
    "BEGIN\n"
    '  UPDATE "Café Orders" SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;\n'
    "END",
    "CREATE TRIGGER table_parent_max_depth_insert\n"
    'BEFORE INSERT ON "table"\n'
    "FOR EACH ROW\n"
    "WHEN NEW.parent IS NOT NULL\n"
    "BEGIN\n"
    "  SELECT RAISE(ABORT, 'table.parent: a row may sit at most 1 level(s) below a "
    "root, and never below itself')\n"
    "  FROM (\n"
    "    WITH RECURSIVE\n"
    "    ancestors(node, level) AS (\n"
    "      SELECT NEW.parent, 1\n"
    "      UNION ALL\n"
    '      SELECT "table".parent, ancestors.level + 1 FROM "table" JOIN ancestors ON '
    '"table".id = ancestors.node\n'
    '      WHERE "table".parent IS NOT NULL AND ancestors.level <= 1\n'
    "    )\n"
    "    SELECT max(level) AS depth FROM ancestors\n"
    "  )\n"
    "  WHERE depth > 1 OR NEW.parent = NEW.id;\n"
    "END",
    "CREATE TRIGGER table_parent_max_depth_update\n"
    'BEFORE UPDATE OF parent ON "table"\n'
    "FOR EACH ROW\n"
    "WHEN NEW.parent IS NOT NULL\n"
    "BEGIN\n"
    "  SELECT RAISE(ABORT, 'table.parent: a row may sit at most 1 level(s) below a "
    "root, and never below itself')\n"
    "  FROM (\n"
    "    WITH RECURSIVE\n"
    "    ancestors(node, level) AS (\n"
    "      SELECT NEW.parent, 1\n"
    "      UNION ALL\n"
    '      SELECT "table".parent, ancestors.level + 1 FROM "table" JOIN ancestors ON '
    '"table".id = ancestors.node\n'
    '      WHERE "table".parent IS NOT NULL AND ancestors.level <= 1\n'
    "    ),\n"
    "    descendants(node, level) AS (\n"
    '      SELECT "table".id, 1 FROM "table" WHERE "table".parent = OLD.id\n'
    "      UNION ALL\n"
    '      SELECT "table".id, descendants.level + 1 FROM "table" JOIN descendants ON '
    '"table".parent = descendants.node\n'
    "      WHERE descendants.level <= 1\n"
    "    )\n"
    "    SELECT (SELECT max(level) FROM ancestors) + coalesce((SELECT max(level) FROM "
    "descendants), 0) AS depth,\n"
    "      EXISTS (SELECT 1 FROM ancestors WHERE node = OLD.id) OR NEW.parent = "
    "NEW.id AS cycle\n"
    "  )\n"
    "  WHERE depth > 1 OR cycle;\n"
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
    'CREATE TRIGGER "Café Orders_set_updated_at" BEFORE UPDATE ON "Café Orders"\n'
    "    FOR EACH ROW EXECUTE FUNCTION schemasmith_set_updated_at('updated_at')",
    "CREATE OR REPLACE FUNCTION schemasmith_max_depth_table_parent() RETURNS trigger\n"
    "LANGUAGE plpgsql AS $schemasmith$\n"
    "DECLARE\n"
    "    v_schemasmith_limit integer := TG_ARGV[1]::integer;\n"
    "    v_schemasmith_above integer := 0;\n"
    "    v_schemasmith_below integer := 0;\n"
    '    v_schemasmith_node "table".parent%TYPE;\n'
    "BEGIN\n"
    "    IF TG_OP = 'UPDATE' AND NEW.parent IS NOT DISTINCT FROM OLD.parent AND "
    "NEW.id IS NOT DISTINCT FROM OLD.id THEN\n"
    "        RETURN NEW;\n"
    "    END IF;\n"
    "    -- Levels above the row: walk up its ancestors (a cycle would never end).\n"
    "    v_schemasmith_node := NEW.parent;\n"
    "    WHILE v_schemasmith_node IS NOT NULL LOOP\n"
    "        IF v_schemasmith_node = NEW.id THEN\n"
    "            RAISE EXCEPTION USING ERRCODE = 'check_violation',\n"
    "                MESSAGE = format('%s: a row cannot be its own ancestor', "
    "'table.parent');\n"
    "        END IF;\n"
    "        v_schemasmith_above := v_schemasmith_above + 1;\n"
    "        EXIT WHEN v_schemasmith_above > v_schemasmith_limit;\n"
    '        SELECT schemasmith_parent.parent INTO v_schemasmith_node FROM "table" AS '
    "schemasmith_parent\n"
    "            WHERE schemasmith_parent.id = v_schemasmith_node;\n"
    "    END LOOP;\n"
    "    -- Levels below the row: the subtree that moves with it.\n"
    "    IF TG_OP = 'UPDATE' AND v_schemasmith_above <= v_schemasmith_limit THEN\n"
    "        WITH RECURSIVE schemasmith_subtree(node, level) AS (\n"
    '            SELECT schemasmith_child.id, 1 FROM "table" AS schemasmith_child '
    "WHERE schemasmith_child.parent = NEW.id\n"
    "            UNION ALL\n"
    "            SELECT schemasmith_child.id, schemasmith_subtree.level + 1 FROM "
    '"table" AS schemasmith_child\n'
    "            JOIN schemasmith_subtree ON schemasmith_child.parent = "
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
    "                'table.parent', v_schemasmith_limit, v_schemasmith_above + "
    "v_schemasmith_below),\n"
    "            HINT = 'Attach the row higher up the tree, or raise the design''s "
    "max_depth.';\n"
    "    END IF;\n"
    "    RETURN NEW;\n"
    "END\n"
    "$schemasmith$",
    'CREATE TRIGGER table_parent_max_depth BEFORE INSERT OR UPDATE ON "table"\n'
    "    FOR EACH ROW EXECUTE FUNCTION schemasmith_max_depth_table_parent('parent', "
    "'1')",
)


def upgrade() -> None:
    """Create the schema."""
    sqlite = on_sqlite()
    if not sqlite:
        ticket_kind_enum.create(op.get_bind())
        group_enum.create(op.get_bind())

    op.create_table(
        "Café Orders",
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
            "; --",
            sa.Text(),
            nullable=True,
            comment="A column named like an injection.",
        ),
        sa.Column("kind", ticket_kind_enum, server_default="won't fix", nullable=False),
        sa.Column("group", group_enum, nullable=True),
        sa.Column(
            "tags",
            postgresql.ARRAY(sa.Text()).with_variant(sa.Text(), "sqlite"),
            nullable=True,
        ),
        sa.Column(
            "from",
            sa.Date(),
            server_default=sa.func.current_date(),
            nullable=True,
        ),
        sa.Column("to", sa.Date(), nullable=True),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name="Café Orders_pkey"),
        sa.CheckConstraint('"to" >= "from"', name="to after from; really"),
        *sqlite_only(
            sa.CheckConstraint(
                "kind IN ('bug', 'won''t fix', '$$', 'semi;colon')",
                name='Café Orders_kind_Ticket "Kind"_enum',
            ),
            sa.CheckConstraint(
                "\"group\" IN ('a', 'b')",
                name="Café Orders_group_group_enum",
            ),
            sa.CheckConstraint("tags IS NULL OR json_valid(tags)"),
        ),
        comment=(
            "Dollar quotes $$ and $body$ and $schemasmith$ must not end a function "
            "body; backslash \\n stays."
        ),
    )
    if sqlite:
        op.create_index(
            "Café Orders_kind_from_idx",
            "Café Orders",
            ["kind", sa.text('"from" DESC')],
            sqlite_where=sa.text("\"; --\" IS DISTINCT FROM 'x;y'"),
        )
    else:
        op.create_index(
            "Café Orders_kind_from_idx",
            "Café Orders",
            ["kind", sa.text('"from" DESC NULLS LAST')],
            postgresql_where=sa.text("\"; --\" IS DISTINCT FROM 'x;y'"),
        )

    op.create_table(
        "table",
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
        sa.Column("Café Orders id", sa.Uuid(), nullable=False),
        sa.Column("parent", sa.Uuid(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="table_pkey"),
        sa.UniqueConstraint(
            "Café Orders id",
            "parent",
            name="table_Café Orders id_parent_key",
        ),
        sa.ForeignKeyConstraint(
            ["Café Orders id"],
            ["Café Orders.id"],
            name="table_Café Orders id_fkey",
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["parent"],
            ["table.id"],
            name="table_parent_fkey",
            ondelete="CASCADE",
        ),
    )
    op.create_index("table_parent_idx", "table", ["parent"])

    for statement in SQLITE_TRIGGERS if sqlite else POSTGRESQL_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    """Remove everything upgrade() created, in reverse order."""
    sqlite = on_sqlite()
    if not sqlite:
        op.execute("DROP FUNCTION schemasmith_set_updated_at() CASCADE")
        op.execute("DROP FUNCTION schemasmith_max_depth_table_parent() CASCADE")
    op.drop_table("table")
    op.drop_table("Café Orders")
    if not sqlite:
        group_enum.drop(op.get_bind())
        ticket_kind_enum.drop(op.get_bind())
