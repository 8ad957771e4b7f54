"""`--format alembic`: the revisions run under Alembic itself (upgrade head, downgrade base) on PostgreSQL."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from migrate_helpers import (  # noqa: F401 - the labels_yaml fixture
    DESIGNS,
    EXAMPLES,
    build_postgres,
    labels_yaml_fixture,
    postgres_differences,
    postgres_execute,
    postgres_rows,
)

from schemasmith.migrate import run_diff
from schemasmith.model import load_design

SHOP = DESIGNS / "shop.yaml"
ROWS = """
INSERT INTO customers (email, name, bio) VALUES ('ann@example.com', 'Ann', 'Cooks.'), ('bob@example.com', 'Bob', NULL);
INSERT INTO orders (customer_id, status, priority, note, assignee) VALUES (1, 'paid', 'urgent', NULL, 'kim'), (2, 'pending', 'low', 'gift', NULL);
"""
ENV = '''
import os

from alembic import context
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

engine = create_engine(os.environ["SCHEMASMITH_TEST_ALEMBIC_URL"], poolclass=NullPool)
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=None, transaction_per_migration=True)
    with context.begin_transaction():
        context.run_migrations()
'''


def _config(versions: Path, url: str, monkeypatch):
    from alembic.config import Config

    environment = versions.parent / "alembic_env"
    environment.mkdir()
    (environment / "env.py").write_text(ENV)
    config = Config()
    config.set_main_option("path_separator", "os")
    config.set_main_option("script_location", str(environment))
    config.set_main_option("version_locations", str(versions))
    monkeypatch.setenv("SCHEMASMITH_TEST_ALEMBIC_URL", url.replace("postgresql://", "postgresql+psycopg://", 1))
    return config


@pytest.mark.parametrize("name, safe", [
    ("rename_column", True),
    ("not_null", True),
    ("enum_add", False),
    ("split", False),
    ("constraints", True),
])
def test_alembic_upgrade_and_downgrade(name: str, safe: bool, pg_url: str, tmp_path: Path, monkeypatch):
    from alembic import command

    old, new = load_design(SHOP), load_design(DESIGNS / f"shop_{name}.yaml")
    build_postgres(pg_url, old, tmp_path)
    postgres_execute(pg_url, ROWS)
    before = postgres_rows(pg_url, "SELECT id, customer_id, note FROM orders ORDER BY id")
    versions = tmp_path / "versions"
    run_diff(str(SHOP), str(DESIGNS / f"shop_{name}.yaml"), dialect=None, format="alembic", output=str(versions), backfill=[], safe=safe)
    revisions = sorted(versions.glob("*.py"))
    assert revisions and not list(versions.glob("*.sql"))
    for path in revisions:
        ast.parse(path.read_text())  # valid Python
    config = _config(versions, pg_url, monkeypatch)
    command.upgrade(config, "head")
    swapped = name in ("enum_add", "constraints")
    assert postgres_differences(pg_url, new, ignore_column_order=safe, ignore_object_order=swapped) == []
    command.downgrade(config, "base")
    assert postgres_differences(pg_url, old, ignore_column_order=safe or name == "split", ignore_object_order=swapped) == []
    after = postgres_rows(pg_url, "SELECT id, customer_id, note FROM orders ORDER BY id")
    if name != "not_null":  # its backfill wrote '' into the NULL notes, and a DOWN leaves them
        assert after == before


def test_alembic_revisions_chain_and_use_op(labels_yaml: Path, tmp_path: Path):
    run_diff(str(EXAMPLES / "taskhub.yaml"), str(labels_yaml), dialect=None, format="alembic", output=str(tmp_path), backfill=[], safe=None)
    first, second = sorted(tmp_path.glob("*.py"))
    one, two = first.read_text(), second.read_text()
    assert "down_revision = None" in one and "op.create_table(\n        'labels'," in one
    assert "sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name='labels_organization_id_fkey', ondelete='CASCADE')" in one
    assert "with op.get_context().autocommit_block():" in two
    assert "postgresql_concurrently=True" in two
    revision = ast.literal_eval(one.split("revision = ", 1)[1].splitlines()[0])
    assert f"down_revision = {revision!r}" in two and len(revision) <= 32
