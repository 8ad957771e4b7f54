"""Initial schema of taskhub, as the schemasmith DDL creates it.

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


membership_role_enum = postgresql.ENUM(
    "owner",
    "admin",
    "member",
    name="membership_role",
    create_type=False,
)

project_status_enum = postgresql.ENUM(
    "active",
    "archived",
    "completed",
    name="project_status",
    create_type=False,
)

task_status_enum = postgresql.ENUM(
    "todo",
    "in-progress",
    "done",
    name="task_status",
    create_type=False,
)

task_priority_enum = postgresql.ENUM(
    "low",
    "medium",
    "high",
    "urgent",
    name="task_priority",
    create_type=False,
)

SQLITE_TRIGGERS = (
    "CREATE TRIGGER organizations_set_updated_at\n"
    "AFTER UPDATE ON organizations\n"
    "FOR EACH ROW\n"
    "WHEN NEW.updated_at IS OLD.updated_at AND NEW.updated_at IS NOT "
    "CURRENT_TIMESTAMP\n"
    "BEGIN\n"
    "  UPDATE organizations SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;\n"
    "END",
    "CREATE TRIGGER users_set_updated_at\n"
    "AFTER UPDATE ON users\n"
    "FOR EACH ROW\n"
    "WHEN NEW.updated_at IS OLD.updated_at AND NEW.updated_at IS NOT "
    "CURRENT_TIMESTAMP\n"
    "BEGIN\n"
    "  UPDATE users SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;\n"
    "END",
    "CREATE TRIGGER memberships_set_updated_at\n"
    "AFTER UPDATE ON memberships\n"
    "FOR EACH ROW\n"
    "WHEN NEW.updated_at IS OLD.updated_at AND NEW.updated_at IS NOT "
    "CURRENT_TIMESTAMP\n"
    "BEGIN\n"
    "  UPDATE memberships SET updated_at = CURRENT_TIMESTAMP WHERE organization_id = "
    "NEW.organization_id AND user_id = NEW.user_id;\n"
    "END",
    "CREATE TRIGGER projects_set_updated_at\n"
    "AFTER UPDATE ON projects\n"
    "FOR EACH ROW\n"
    "WHEN NEW.updated_at IS OLD.updated_at AND NEW.updated_at IS NOT "
    "CURRENT_TIMESTAMP\n"
    "BEGIN\n"
    "  UPDATE projects SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;\n"
    "END",
    "CREATE TRIGGER tasks_set_updated_at\n"
    "AFTER UPDATE ON tasks\n"
    "FOR EACH ROW\n"
    "WHEN NEW.updated_at IS OLD.updated_at AND NEW.updated_at IS NOT "
    "CURRENT_TIMESTAMP\n"
    "BEGIN\n"
    "  UPDATE tasks SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;\n"
    "END",
    "CREATE TRIGGER tasks_parent_id_max_depth_insert\n"
    "BEFORE INSERT ON tasks\n"
    "FOR EACH ROW\n"
    "WHEN NEW.parent_id IS NOT NULL\n"
    "BEGIN\n"
    "  SELECT RAISE(ABORT, 'tasks.parent_id: a row may sit at most 1 level(s) below a "
    "root, and never below itself')\n"
    "  FROM (\n"
    "    WITH RECURSIVE\n"
    "    ancestors(node, level) AS (\n"
    "      SELECT NEW.parent_id, 1\n"
    "      UNION ALL\n"
    "      SELECT tasks.parent_id, ancestors.level + 1 FROM tasks JOIN ancestors ON "
    "tasks.id = ancestors.node\n"
    "      WHERE tasks.parent_id IS NOT NULL AND ancestors.level <= 1\n"
    "    )\n"
    "    SELECT max(level) AS depth FROM ancestors\n"
    "  )\n"
    "  WHERE depth > 1 OR NEW.parent_id = NEW.id;\n"
    "END",
    "CREATE TRIGGER tasks_parent_id_max_depth_update\n"
    "BEFORE UPDATE OF parent_id ON tasks\n"
    "FOR EACH ROW\n"
    "WHEN NEW.parent_id IS NOT NULL\n"
    "BEGIN\n"
    "  SELECT RAISE(ABORT, 'tasks.parent_id: a row may sit at most 1 level(s) below a "
    "root, and never below itself')\n"
    "  FROM (\n"
    "    WITH RECURSIVE\n"
    "    ancestors(node, level) AS (\n"
    "      SELECT NEW.parent_id, 1\n"
    "      UNION ALL\n"
    "      SELECT tasks.parent_id, ancestors.level + 1 FROM tasks JOIN ancestors ON "
    "tasks.id = ancestors.node\n"
    "      WHERE tasks.parent_id IS NOT NULL AND ancestors.level <= 1\n"
    "    ),\n"
    "    descendants(node, level) AS (\n"
    "      SELECT tasks.id, 1 FROM tasks WHERE tasks.parent_id = OLD.id\n"
    "      UNION ALL\n"
    "      SELECT tasks.id, descendants.level + 1 FROM tasks JOIN descendants ON "
    "tasks.parent_id = descendants.node\n"
    "      WHERE descendants.level <= 1\n"
    "    )\n"
    "    SELECT (SELECT max(level) FROM ancestors) + coalesce((SELECT max(level) FROM "
    "descendants), 0) AS depth,\n"
    "      EXISTS (SELECT 1 FROM ancestors WHERE node = OLD.id) OR NEW.parent_id = "
    "NEW.id AS cycle\n"
    "  )\n"
    "  WHERE depth > 1 OR cycle;\n"
    "END",
    "CREATE TRIGGER labels_set_updated_at\n"
    "AFTER UPDATE ON labels\n"
    "FOR EACH ROW\n"
    "WHEN NEW.updated_at IS OLD.updated_at AND NEW.updated_at IS NOT "
    "CURRENT_TIMESTAMP\n"
    "BEGIN\n"
    "  UPDATE labels SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;\n"
    "END",
    "CREATE TRIGGER comments_set_updated_at\n"
    "AFTER UPDATE ON comments\n"
    "FOR EACH ROW\n"
    "WHEN NEW.updated_at IS OLD.updated_at AND NEW.updated_at IS NOT "
    "CURRENT_TIMESTAMP\n"
    "BEGIN\n"
    "  UPDATE comments SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;\n"
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
    "CREATE TRIGGER organizations_set_updated_at BEFORE UPDATE ON organizations\n"
    "    FOR EACH ROW EXECUTE FUNCTION schemasmith_set_updated_at('updated_at')",
    "CREATE TRIGGER users_set_updated_at BEFORE UPDATE ON users\n"
    "    FOR EACH ROW EXECUTE FUNCTION schemasmith_set_updated_at('updated_at')",
    "CREATE TRIGGER memberships_set_updated_at BEFORE UPDATE ON memberships\n"
    "    FOR EACH ROW EXECUTE FUNCTION schemasmith_set_updated_at('updated_at')",
    "CREATE TRIGGER projects_set_updated_at BEFORE UPDATE ON projects\n"
    "    FOR EACH ROW EXECUTE FUNCTION schemasmith_set_updated_at('updated_at')",
    "CREATE TRIGGER tasks_set_updated_at BEFORE UPDATE ON tasks\n"
    "    FOR EACH ROW EXECUTE FUNCTION schemasmith_set_updated_at('updated_at')",
    "CREATE OR REPLACE FUNCTION schemasmith_max_depth_tasks_parent_id() RETURNS "
    "trigger\n"
    "LANGUAGE plpgsql AS $schemasmith$\n"
    "DECLARE\n"
    "    v_schemasmith_limit integer := TG_ARGV[1]::integer;\n"
    "    v_schemasmith_above integer := 0;\n"
    "    v_schemasmith_below integer := 0;\n"
    "    v_schemasmith_node tasks.parent_id%TYPE;\n"
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
    "                MESSAGE = format('%s: a row cannot be its own ancestor', "
    "'tasks.parent_id');\n"
    "        END IF;\n"
    "        v_schemasmith_above := v_schemasmith_above + 1;\n"
    "        EXIT WHEN v_schemasmith_above > v_schemasmith_limit;\n"
    "        SELECT schemasmith_parent.parent_id INTO v_schemasmith_node FROM tasks "
    "AS schemasmith_parent\n"
    "            WHERE schemasmith_parent.id = v_schemasmith_node;\n"
    "    END LOOP;\n"
    "    -- Levels below the row: the subtree that moves with it.\n"
    "    IF TG_OP = 'UPDATE' AND v_schemasmith_above <= v_schemasmith_limit THEN\n"
    "        WITH RECURSIVE schemasmith_subtree(node, level) AS (\n"
    "            SELECT schemasmith_child.id, 1 FROM tasks AS schemasmith_child WHERE "
    "schemasmith_child.parent_id = NEW.id\n"
    "            UNION ALL\n"
    "            SELECT schemasmith_child.id, schemasmith_subtree.level + 1 FROM "
    "tasks AS schemasmith_child\n"
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
    "                'tasks.parent_id', v_schemasmith_limit, v_schemasmith_above + "
    "v_schemasmith_below),\n"
    "            HINT = 'Attach the row higher up the tree, or raise the design''s "
    "max_depth.';\n"
    "    END IF;\n"
    "    RETURN NEW;\n"
    "END\n"
    "$schemasmith$",
    "CREATE TRIGGER tasks_parent_id_max_depth BEFORE INSERT OR UPDATE ON tasks\n"
    "    FOR EACH ROW EXECUTE FUNCTION "
    "schemasmith_max_depth_tasks_parent_id('parent_id', '1')",
    "CREATE TRIGGER labels_set_updated_at BEFORE UPDATE ON labels\n"
    "    FOR EACH ROW EXECUTE FUNCTION schemasmith_set_updated_at('updated_at')",
    "CREATE TRIGGER comments_set_updated_at BEFORE UPDATE ON comments\n"
    "    FOR EACH ROW EXECUTE FUNCTION schemasmith_set_updated_at('updated_at')",
)


def upgrade() -> None:
    """Create the schema."""
    sqlite = on_sqlite()
    if not sqlite:
        membership_role_enum.create(op.get_bind())
        project_status_enum.create(op.get_bind())
        task_status_enum.create(op.get_bind())
        task_priority_enum.create(op.get_bind())

    op.create_table(
        "organizations",
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
            "slug",
            sa.String(64),
            nullable=False,
            comment="URL-safe name, unique across all organizations.",
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
        sa.PrimaryKeyConstraint("id", name="organizations_pkey"),
        sa.UniqueConstraint("slug", name="organizations_slug_key"),
        *sqlite_only(sa.CheckConstraint("length(slug) <= 64")),
        comment="A customer company; the boundary of every tenant's data.",
    )

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
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("display_name", sa.Text(), nullable=False),
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
        *sqlite_only(sa.CheckConstraint("length(email) <= 320")),
        comment="A person who can sign in; may belong to several organizations.",
    )
    op.create_index(
        "users_lower_email_idx",
        "users",
        [sa.text("lower(email)")],
        unique=True,
    )

    op.create_table(
        "memberships",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column(
            "role",
            membership_role_enum,
            server_default="member",
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
        sa.PrimaryKeyConstraint("organization_id", "user_id", name="memberships_pkey"),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name="memberships_organization_id_fkey",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name="memberships_user_id_fkey",
            ondelete="CASCADE",
        ),
        *sqlite_only(
            sa.CheckConstraint(
                "role IN ('owner', 'admin', 'member')",
                name="memberships_role_membership_role_enum",
            ),
        ),
        comment="A user's membership in an organization, with their role there.",
    )
    op.create_index("memberships_user_id_idx", "memberships", ["user_id"])

    op.create_table(
        "projects",
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
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column(
            "status",
            project_status_enum,
            server_default="active",
            nullable=False,
        ),
        sa.Column("due_date", sa.Date(), nullable=True),
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
        sa.PrimaryKeyConstraint("id", name="projects_pkey"),
        sa.UniqueConstraint(
            "organization_id",
            "name",
            name="projects_organization_id_name_key",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name="projects_organization_id_fkey",
            ondelete="CASCADE",
        ),
        *sqlite_only(
            sa.CheckConstraint(
                "status IN ('active', 'archived', 'completed')",
                name="projects_status_project_status_enum",
            ),
        ),
        comment="A body of work inside an organization.",
    )

    op.create_table(
        "tasks",
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
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column(
            "parent_id",
            sa.Uuid(),
            nullable=True,
            comment="Set on subtasks only.",
        ),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("status", task_status_enum, server_default="todo", nullable=False),
        sa.Column(
            "priority",
            task_priority_enum,
            server_default="medium",
            nullable=False,
            comment=(
                "A native enum on PostgreSQL so ORDER BY priority follows low < medium "
                "< high < urgent."
            ),
        ),
        sa.Column("assignee_id", sa.Uuid(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column(
            "estimate_minutes",
            sa.Integer(),
            nullable=True,
            comment="The assignee's estimate; NULL until someone gives one.",
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
        sa.PrimaryKeyConstraint("id", name="tasks_pkey"),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name="tasks_project_id_fkey",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["tasks.id"],
            name="tasks_parent_id_fkey",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["assignee_id"],
            ["users.id"],
            name="tasks_assignee_id_fkey",
            ondelete="SET NULL",
        ),
        *sqlite_only(
            sa.CheckConstraint(
                "status IN ('todo', 'in-progress', 'done')",
                name="tasks_status_task_status_enum",
            ),
            sa.CheckConstraint(
                "priority IN ('low', 'medium', 'high', 'urgent')",
                name="tasks_priority_task_priority_enum",
            ),
            sa.CheckConstraint("length(title) <= 200"),
        ),
        comment="A unit of work in a project; a subtask points at its parent task.",
    )
    op.create_index(
        "tasks_project_id_priority_created_at_idx",
        "tasks",
        ["project_id", sa.text("priority DESC"), "created_at"],
    )
    op.create_index(
        "tasks_assignee_id_idx",
        "tasks",
        ["assignee_id"],
        postgresql_where=sa.text("assignee_id IS NOT NULL"),
        sqlite_where=sa.text("assignee_id IS NOT NULL"),
    )
    op.create_index(
        "tasks_due_on_idx",
        "tasks",
        ["due_on"],
        postgresql_where=sa.text("status <> 'done'"),
        sqlite_where=sa.text("status <> 'done'"),
    )
    op.create_index(
        "tasks_parent_id_idx",
        "tasks",
        ["parent_id"],
        postgresql_where=sa.text("parent_id IS NOT NULL"),
        sqlite_where=sa.text("parent_id IS NOT NULL"),
    )
    if not sqlite:
        op.create_index(
            "tasks_to_tsvector_simple_title_idx",
            "tasks",
            [sa.text("to_tsvector('simple', title)")],
            postgresql_using="gin",
        )

    op.create_table(
        "labels",
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
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(50), nullable=False),
        sa.Column(
            "color",
            sa.String(7),
            server_default="#808080",
            nullable=False,
            comment="Hex colour such as #1f77b4.",
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
        sa.PrimaryKeyConstraint("id", name="labels_pkey"),
        sa.UniqueConstraint(
            "organization_id",
            "name",
            name="labels_organization_id_name_key",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name="labels_organization_id_fkey",
            ondelete="CASCADE",
        ),
        *sqlite_only(
            sa.CheckConstraint("length(name) <= 50"),
            sa.CheckConstraint("length(color) <= 7"),
        ),
        comment=(
            "A named colour an organization tags tasks with, shared by all of its "
            "projects."
        ),
    )

    op.create_table(
        "task_labels",
        sa.Column("task_id", sa.Uuid(), nullable=False),
        sa.Column("label_id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("task_id", "label_id", name="task_labels_pkey"),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["tasks.id"],
            name="task_labels_task_id_fkey",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["label_id"],
            ["labels.id"],
            name="task_labels_label_id_fkey",
            ondelete="CASCADE",
        ),
        comment="Which labels a task carries (many to many).",
    )
    op.create_index("task_labels_label_id_idx", "task_labels", ["label_id"])

    op.create_table(
        "comments",
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
        sa.Column("task_id", sa.Uuid(), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False, comment="Markdown."),
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
        sa.PrimaryKeyConstraint("id", name="comments_pkey"),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["tasks.id"],
            name="comments_task_id_fkey",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name="comments_author_id_fkey",
            ondelete="SET NULL",
        ),
        comment="Markdown a user wrote on a task; editable.",
    )
    op.create_index(
        "comments_task_id_created_at_idx",
        "comments",
        ["task_id", "created_at"],
    )

    op.create_table(
        "task_activity",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(always=True),
            nullable=False,
        ),
        sa.Column("task_id", sa.Uuid(), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column(
            "change",
            postgresql.JSONB().with_variant(sa.Text(), "sqlite"),
            nullable=False,
            comment="Which fields changed, with old and new values.",
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name="task_activity_pkey"),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["tasks.id"],
            name="task_activity_task_id_fkey",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
            name="task_activity_actor_id_fkey",
            ondelete="SET NULL",
        ),
        *sqlite_only(sa.CheckConstraint("change IS NULL OR json_valid(change)")),
        comment="Append-only feed of changes to tasks.",
        sqlite_autoincrement=True,
    )
    op.create_index(
        "task_activity_task_id_created_at_idx",
        "task_activity",
        ["task_id", sa.text("created_at DESC")],
    )

    for statement in SQLITE_TRIGGERS if sqlite else POSTGRESQL_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    """Remove everything upgrade() created, in reverse order."""
    sqlite = on_sqlite()
    if not sqlite:
        op.execute("DROP FUNCTION schemasmith_set_updated_at() CASCADE")
        op.execute("DROP FUNCTION schemasmith_max_depth_tasks_parent_id() CASCADE")
    op.drop_table("task_activity")
    op.drop_table("comments")
    op.drop_table("task_labels")
    op.drop_table("labels")
    op.drop_table("tasks")
    op.drop_table("projects")
    op.drop_table("memberships")
    op.drop_table("users")
    op.drop_table("organizations")
    if not sqlite:
        task_priority_enum.drop(op.get_bind())
        task_status_enum.drop(op.get_bind())
        project_status_enum.drop(op.get_bind())
        membership_role_enum.drop(op.get_bind())
