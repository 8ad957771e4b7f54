"""Initial schema of model_catalogue, as the schemasmith DDL creates it.

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


opinion_sentiment_enum = postgresql.ENUM(
    "positive",
    "negative",
    "neutral",
    "mixed",
    name="opinion_sentiment",
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
    "CREATE TRIGGER models_set_updated_at\n"
    "AFTER UPDATE ON models\n"
    "FOR EACH ROW\n"
    "WHEN NEW.updated_at IS OLD.updated_at AND NEW.updated_at IS NOT "
    "CURRENT_TIMESTAMP\n"
    "BEGIN\n"
    "  UPDATE models SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;\n"
    "END",
    "CREATE TRIGGER benchmarks_set_updated_at\n"
    "AFTER UPDATE ON benchmarks\n"
    "FOR EACH ROW\n"
    "WHEN NEW.updated_at IS OLD.updated_at AND NEW.updated_at IS NOT "
    "CURRENT_TIMESTAMP\n"
    "BEGIN\n"
    "  UPDATE benchmarks SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;\n"
    "END",
    "CREATE TRIGGER benchmark_results_set_updated_at\n"
    "AFTER UPDATE ON benchmark_results\n"
    "FOR EACH ROW\n"
    "WHEN NEW.updated_at IS OLD.updated_at AND NEW.updated_at IS NOT "
    "CURRENT_TIMESTAMP\n"
    "BEGIN\n"
    "  UPDATE benchmark_results SET updated_at = CURRENT_TIMESTAMP WHERE id = "
    "NEW.id;\n"
    "END",
    "CREATE TRIGGER opinions_set_updated_at\n"
    "AFTER UPDATE ON opinions\n"
    "FOR EACH ROW\n"
    "WHEN NEW.updated_at IS OLD.updated_at AND NEW.updated_at IS NOT "
    "CURRENT_TIMESTAMP\n"
    "BEGIN\n"
    "  UPDATE opinions SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;\n"
    "END",
    "CREATE TRIGGER use_cases_set_updated_at\n"
    "AFTER UPDATE ON use_cases\n"
    "FOR EACH ROW\n"
    "WHEN NEW.updated_at IS OLD.updated_at AND NEW.updated_at IS NOT "
    "CURRENT_TIMESTAMP\n"
    "BEGIN\n"
    "  UPDATE use_cases SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;\n"
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
    "CREATE TRIGGER models_set_updated_at BEFORE UPDATE ON models\n"
    "    FOR EACH ROW EXECUTE FUNCTION schemasmith_set_updated_at('updated_at')",
    "CREATE TRIGGER benchmarks_set_updated_at BEFORE UPDATE ON benchmarks\n"
    "    FOR EACH ROW EXECUTE FUNCTION schemasmith_set_updated_at('updated_at')",
    "CREATE TRIGGER benchmark_results_set_updated_at BEFORE UPDATE ON "
    "benchmark_results\n"
    "    FOR EACH ROW EXECUTE FUNCTION schemasmith_set_updated_at('updated_at')",
    "CREATE TRIGGER opinions_set_updated_at BEFORE UPDATE ON opinions\n"
    "    FOR EACH ROW EXECUTE FUNCTION schemasmith_set_updated_at('updated_at')",
    "CREATE TRIGGER use_cases_set_updated_at BEFORE UPDATE ON use_cases\n"
    "    FOR EACH ROW EXECUTE FUNCTION schemasmith_set_updated_at('updated_at')",
)


def upgrade() -> None:
    """Create the schema."""
    sqlite = on_sqlite()
    if not sqlite:
        opinion_sentiment_enum.create(op.get_bind())

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
        sa.PrimaryKeyConstraint("id", name="organizations_pkey"),
        sa.UniqueConstraint("name", name="organizations_name_key"),
        *sqlite_only(sa.CheckConstraint("length(name) <= 200")),
        comment="A company, lab or community that releases models.",
    )

    op.create_table(
        "models",
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
            sa.String(200),
            nullable=False,
            comment="Unique across the catalogue.",
        ),
        sa.Column(
            "organization_id",
            sa.Uuid(),
            nullable=False,
            comment="The organization that released the model.",
        ),
        sa.Column(
            "released_on",
            sa.Date(),
            nullable=True,
            comment="Optional: not every release date is public.",
        ),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "licence",
            sa.Text(),
            nullable=True,
            comment="Optional, e.g. Apache-2.0, MIT or a proprietary licence.",
        ),
        sa.Column(
            "metadata",
            postgresql.JSONB().with_variant(sa.Text(), "sqlite"),
            server_default="{}",
            nullable=False,
            comment=(
                'Free-form facts, e.g. {"context_window": 128000, "pricing": '
                '{"input_per_million_tokens": 2.5}, "modalities": ["text", "image"], '
                '"multimodal": true}.'
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
        sa.PrimaryKeyConstraint("id", name="models_pkey"),
        sa.UniqueConstraint("name", name="models_name_key"),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name="models_organization_id_fkey",
            ondelete="RESTRICT",
        ),
        *sqlite_only(
            sa.CheckConstraint("length(name) <= 200"),
            sa.CheckConstraint("metadata IS NULL OR json_valid(metadata)"),
        ),
        comment="An AI model in the catalogue.",
    )
    op.create_index("models_organization_id_idx", "models", ["organization_id"])
    if not sqlite:
        op.create_index(
            "models_metadata_idx",
            "models",
            ["metadata"],
            postgresql_using="gin",
        )

    op.create_table(
        "benchmarks",
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
            sa.String(200),
            nullable=False,
            comment="Unique across the catalogue.",
        ),
        sa.Column(
            "category",
            sa.String(100),
            nullable=True,
            comment="Optional, e.g. knowledge, coding, math.",
        ),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "url",
            sa.Text(),
            nullable=False,
            comment="Link to the paper or website.",
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
        sa.PrimaryKeyConstraint("id", name="benchmarks_pkey"),
        sa.UniqueConstraint("name", name="benchmarks_name_key"),
        *sqlite_only(
            sa.CheckConstraint("length(name) <= 200"),
            sa.CheckConstraint("length(category) <= 100"),
        ),
        comment="A public benchmark models are scored on.",
    )

    op.create_table(
        "benchmark_results",
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
        sa.Column("model_id", sa.Uuid(), nullable=False),
        sa.Column("benchmark_id", sa.Uuid(), nullable=False),
        sa.Column(
            "score",
            sa.Numeric(12, 4),
            nullable=False,
            comment="As reported: a percentage, a fraction or a rating such as Elo.",
        ),
        sa.Column("tested_on", sa.Date(), nullable=False),
        sa.Column(
            "reported_by",
            sa.Text(),
            nullable=False,
            comment=(
                "Who reported the score: the model's organization, the benchmark's "
                "authors, a third party."
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
        sa.PrimaryKeyConstraint("id", name="benchmark_results_pkey"),
        sa.UniqueConstraint(
            "model_id",
            "benchmark_id",
            "tested_on",
            name="benchmark_results_model_id_benchmark_id_tested_on_key",
        ),
        sa.ForeignKeyConstraint(
            ["model_id"],
            ["models.id"],
            name="benchmark_results_model_id_fkey",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["benchmark_id"],
            ["benchmarks.id"],
            name="benchmark_results_benchmark_id_fkey",
            ondelete="RESTRICT",
        ),
        comment="The score of one model on one benchmark, on the date it was tested.",
    )
    op.create_index(
        "benchmark_results_benchmark_id_score_idx",
        "benchmark_results",
        ["benchmark_id", sa.text("score DESC")],
    )

    op.create_table(
        "opinions",
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
        sa.Column("model_id", sa.Uuid(), nullable=False),
        sa.Column(
            "body",
            sa.Text(),
            nullable=False,
            comment="The text of the opinion.",
        ),
        sa.Column("sentiment", opinion_sentiment_enum, nullable=False),
        sa.Column(
            "source",
            sa.Text(),
            nullable=False,
            comment=(
                "Where it was published: a site, a paper, a post (a name or a link)."
            ),
        ),
        sa.Column("author", sa.Text(), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=False),
        sa.Column(
            "tags",
            postgresql.ARRAY(sa.Text()).with_variant(sa.Text(), "sqlite"),
            server_default="{}",
            nullable=False,
            comment="Simple tags, e.g. {fast, cheap, hallucinates}.",
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
        sa.PrimaryKeyConstraint("id", name="opinions_pkey"),
        sa.ForeignKeyConstraint(
            ["model_id"],
            ["models.id"],
            name="opinions_model_id_fkey",
            ondelete="CASCADE",
        ),
        *sqlite_only(
            sa.CheckConstraint(
                "sentiment IN ('positive', 'negative', 'neutral', 'mixed')",
                name="opinions_sentiment_opinion_sentiment_enum",
            ),
            sa.CheckConstraint("tags IS NULL OR json_valid(tags)"),
        ),
        comment="A public comment about a model.",
    )
    op.create_index(
        "opinions_model_id_published_on_idx",
        "opinions",
        ["model_id", sa.text("published_on DESC")],
    )

    op.create_table(
        "use_cases",
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
        sa.Column("model_id", sa.Uuid(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "mentioned_by",
            sa.Text(),
            nullable=False,
            comment="Who mentioned the use case.",
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
        sa.PrimaryKeyConstraint("id", name="use_cases_pkey"),
        sa.ForeignKeyConstraint(
            ["model_id"],
            ["models.id"],
            name="use_cases_model_id_fkey",
            ondelete="CASCADE",
        ),
        comment="What a model is used for, and who mentioned it.",
    )
    op.create_index("use_cases_model_id_idx", "use_cases", ["model_id"])

    for statement in SQLITE_TRIGGERS if sqlite else POSTGRESQL_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    """Remove everything upgrade() created, in reverse order."""
    sqlite = on_sqlite()
    if not sqlite:
        op.execute("DROP FUNCTION schemasmith_set_updated_at() CASCADE")
    op.drop_table("use_cases")
    op.drop_table("opinions")
    op.drop_table("benchmark_results")
    op.drop_table("benchmarks")
    op.drop_table("models")
    op.drop_table("organizations")
    if not sqlite:
        opinion_sentiment_enum.drop(op.get_bind())
