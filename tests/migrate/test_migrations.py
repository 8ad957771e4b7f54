"""Migrations applied to real databases, the way a user applies them.

For each pair of designs: build OLD with our DDL on PostgreSQL (embedded) and SQLite, put rows
in, run `diff`, apply every UP file in name order (psql -v ON_ERROR_STOP=1 -f; sqlite3 -bail),
import the database and compare with NEW; then apply every DOWN file in reverse order and compare
with OLD. The rows must survive both ways wherever the step is reversible. PostgreSQL runs the
direct plan and the safe plan (`--safe`: concurrent indexes, NOT VALID + VALIDATE, batched
backfills, expand–contract).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from migrate_helpers import (  # noqa: F401 - the labels_yaml fixture
    DESIGNS,
    EXAMPLES,
    apply_postgres,
    apply_sqlite,
    build_postgres,
    build_sqlite,
    labels_yaml_fixture,
    postgres_differences,
    postgres_execute,
    postgres_rows,
    sqlite_differences,
    sqlite_execute,
    sqlite_rows,
)

from schemasmith.migrate import files, run_diff
from schemasmith.model import load_design

SHOP = DESIGNS / "shop.yaml"

ROWS = """
INSERT INTO customers (email, name, bio, avatar_url) VALUES
  ('ann@example.com', 'Ann', 'Cooks.', 'https://a.example/ann.png'),
  ('bob@example.com', 'Bob', NULL, NULL),
  ('cy@example.com', 'Cy', 'Runs; ''quotes''', NULL);
INSERT INTO orders (customer_id, status, priority, total, note, assignee, quantity) VALUES
  (1, 'pending', 'urgent', 10.5, NULL, 'kim', 2),
  (1, 'paid', 'low', 3, 'gift', NULL, 1),
  (2, 'cancelled', 'high', 0, NULL, 'lee', 5),
  (3, 'paid', 'medium', 99.99, 'rush', 'kim', 1),
  (3, 'pending', 'urgent', 1, NULL, NULL, 3);
"""


@dataclass
class Case:
    old_rows: str  # a query on OLD
    new_rows: str | None = None  # the same facts read from NEW (default: the same query)
    object_order: bool = False  # an enum type swap recreates an index: catalog order moves


CASES = {
    "rename_column": Case("SELECT id, assignee FROM orders ORDER BY id", "SELECT id, handler FROM orders ORDER BY id"),
    "change_type": Case("SELECT id, note, quantity, CAST(total AS TEXT) FROM orders ORDER BY id"),
    "not_null": Case("SELECT id, coalesce(note, ''), id * 10 FROM orders ORDER BY id", "SELECT id, note, position FROM orders ORDER BY id"),
    "enum_add": Case("SELECT id, CAST(status AS TEXT) FROM orders ORDER BY id", object_order=True),
    "enum_rename": Case(
        "SELECT id, replace(CAST(priority AS TEXT), 'urgent', 'critical') FROM orders ORDER BY id",
        "SELECT id, CAST(priority AS TEXT) FROM orders ORDER BY id",
    ),
    "enum_remove": Case("SELECT id, CAST(status AS TEXT) FROM orders ORDER BY id", object_order=True),
    "rename_table": Case("SELECT id, note FROM orders ORDER BY id", "SELECT id, note FROM purchases ORDER BY id"),
    "constraints": Case("SELECT id, quantity, total FROM orders ORDER BY id", object_order=True),
    "split": Case(
        "SELECT id, bio, avatar_url FROM customers WHERE bio IS NOT NULL OR avatar_url IS NOT NULL ORDER BY id",
        "SELECT customer_id, bio, avatar_url FROM customer_profiles ORDER BY customer_id",
    ),
}
# Reverted on the way down, but the pre-migration query must read the old rows back unchanged.
DOWN_ROWS = {name: case.old_rows for name, case in CASES.items()}


def _diff(old: Path, new: Path, output: Path, **options) -> None:
    options.setdefault("dialect", None)
    options.setdefault("format", "sql")
    options.setdefault("backfill", [])
    options.setdefault("safe", None)
    run_diff(str(old), str(new), output=str(output), **options)


@pytest.mark.parametrize("safe", [False, True], ids=["direct", "safe"])
@pytest.mark.parametrize("name", list(CASES))
def test_postgres_up_and_down(name: str, safe: bool, pg_url: str, tmp_path: Path):
    case = CASES[name]
    old, new = load_design(SHOP), load_design(DESIGNS / f"shop_{name}.yaml")
    build_postgres(pg_url, old, tmp_path)
    postgres_execute(pg_url, ROWS)
    before = postgres_rows(pg_url, case.old_rows)
    _diff(SHOP, DESIGNS / f"shop_{name}.yaml", tmp_path / "migrations", safe=safe)
    applied = apply_postgres(pg_url, tmp_path / "migrations")
    # the safe plan may move a column to the end (expand–contract); PostgreSQL cannot reorder
    assert postgres_differences(pg_url, new, ignore_column_order=safe, ignore_object_order=case.object_order) == []
    assert postgres_rows(pg_url, case.new_rows or case.old_rows) == before
    apply_postgres(pg_url, tmp_path / "migrations", "down")
    reordered = safe or name == "split"  # a column restored by a DOWN is added at the end
    assert postgres_differences(pg_url, old, ignore_column_order=reordered, ignore_object_order=case.object_order) == []
    assert postgres_rows(pg_url, DOWN_ROWS[name]) == before
    if safe and name in ("rename_column", "change_type", "not_null"):
        assert len(applied) > 2, "the safe plan should be several steps"


@pytest.mark.parametrize("name", list(CASES))
def test_sqlite_up_and_down(name: str, tmp_path: Path):
    case = CASES[name]
    old, new = load_design(SHOP), load_design(DESIGNS / f"shop_{name}.yaml")
    database = tmp_path / "shop.db"
    build_sqlite(database, old, tmp_path)
    sqlite_execute(database, ROWS)
    before = sqlite_rows(database, case.old_rows)
    _diff(SHOP, DESIGNS / f"shop_{name}.yaml", tmp_path / "migrations", dialect="sqlite")
    apply_sqlite(database, tmp_path / "migrations")
    assert sqlite_differences(database, new) == []
    assert sqlite_rows(database, case.new_rows or case.old_rows) == before
    apply_sqlite(database, tmp_path / "migrations", "down")
    assert sqlite_differences(database, old) == []
    assert sqlite_rows(database, DOWN_ROWS[name]) == before
    assert sqlite_rows(database, "PRAGMA foreign_key_check") == []


@pytest.mark.parametrize("safe", [False, True], ids=["direct", "safe"])
def test_taskhub_labels_postgres(safe: bool, labels_yaml: Path, pg_url: str, tmp_path: Path):
    old, new = load_design(EXAMPLES / "taskhub.yaml"), load_design(labels_yaml)
    build_postgres(pg_url, old, tmp_path)
    postgres_execute(pg_url, """
        INSERT INTO organizations (name, slug) VALUES ('Acme', 'acme');
        INSERT INTO projects (organization_id, name) SELECT id, 'Launch' FROM organizations;
        INSERT INTO tasks (project_id, title) SELECT id, 'Write the plan' FROM projects;
    """)
    _diff(EXAMPLES / "taskhub.yaml", labels_yaml, tmp_path / "migrations", safe=safe)
    apply_postgres(pg_url, tmp_path / "migrations")
    assert postgres_differences(pg_url, new) == []
    # the feature works: an organization's label on a task
    postgres_execute(pg_url, """
        INSERT INTO labels (organization_id, name) SELECT id, 'urgent' FROM organizations;
        INSERT INTO task_labels (task_id, label_id) SELECT t.id, l.id FROM tasks t, labels l;
    """)
    assert postgres_rows(pg_url, "SELECT count(*) FROM task_labels") == [(1,)]
    apply_postgres(pg_url, tmp_path / "migrations", "down")
    assert postgres_differences(pg_url, old) == []
    assert postgres_rows(pg_url, "SELECT title FROM tasks") == [("Write the plan",)]


def test_taskhub_labels_sqlite(labels_yaml: Path, tmp_path: Path):
    old, new = load_design(EXAMPLES / "taskhub.yaml"), load_design(labels_yaml)
    database = tmp_path / "taskhub.db"
    build_sqlite(database, old, tmp_path)
    _diff(EXAMPLES / "taskhub.yaml", labels_yaml, tmp_path / "migrations", dialect="sqlite")
    apply_sqlite(database, tmp_path / "migrations")
    assert sqlite_differences(database, new) == []
    apply_sqlite(database, tmp_path / "migrations", "down")
    assert sqlite_differences(database, old) == []


def test_numbering_continues_after_the_folder_history(labels_yaml: Path, tmp_path: Path):
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "0007_initial.up.sql").write_text("BEGIN;\nCOMMIT;\n")
    (folder / "0007_initial.down.sql").write_text("BEGIN;\nCOMMIT;\n")
    _diff(EXAMPLES / "taskhub.yaml", labels_yaml, folder, safe=False)
    names = sorted(path.name for path in folder.iterdir())
    assert names[:2] == ["0007_initial.down.sql", "0007_initial.up.sql"]
    assert "0008_add_labels_task_labels.up.sql" in names and "0008_add_labels_task_labels.down.sql" in names
    assert "0008_add_labels_task_labels.report.md" in names
    _diff(SHOP, DESIGNS / "shop_enum_add.yaml", folder, safe=False)
    versions = [version for version, _, _, _ in files.steps_in(folder)]
    assert versions == [7, 8, 9, 10]  # enum values get their own step before the main one
    up = (folder / "0009_order_status_values_enum_values.up.sql").read_text()
    assert "ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'refunded' AFTER 'shipped';" in up


def test_a_failing_statement_leaves_postgres_as_it_was(pg_url: str, tmp_path: Path):
    """A step that fails part-way commits nothing: the database is exactly OLD, rows included."""
    old = load_design(SHOP)
    build_postgres(pg_url, old, tmp_path)
    postgres_execute(pg_url, ROWS)
    before = postgres_rows(pg_url, "SELECT * FROM orders ORDER BY id")
    folder = tmp_path / "migrations"
    _diff(SHOP, DESIGNS / "shop_split.yaml", folder, safe=False)
    (up,) = [path for path in folder.glob("*.up.sql")]
    text = up.read_text()
    marker = "-- drop column customers.bio"
    assert marker in text
    up.write_text(text.replace(marker, "SELECT 1 / 0;  -- a statement that fails in the middle\n" + marker))
    with pytest.raises(Exception, match="division by zero"):
        apply_postgres(pg_url, folder)
    assert postgres_differences(pg_url, old) == []
    assert postgres_rows(pg_url, "SELECT * FROM orders ORDER BY id") == before


def test_a_type_change_the_rows_do_not_fit_fails_cleanly(pg_url: str, tmp_path: Path):
    """varchar(200) → varchar(3) with 'gift' in a row: the report says it may fail, and it does, atomically."""
    old = load_design(SHOP)
    build_postgres(pg_url, old, tmp_path)
    postgres_execute(pg_url, ROWS)
    narrow = (DESIGNS / "shop.yaml").read_text().replace("note: {type: varchar(200), nullable: true}", "note: {type: varchar(3), nullable: true}")
    (tmp_path / "narrow.yaml").write_text(narrow)
    report = run_diff(str(SHOP), str(tmp_path / "narrow.yaml"), dialect=None, format="sql", output=str(tmp_path / "m"), backfill=[], safe=False)
    (finding,) = [f for f in report.findings if f.kind.startswith("alter_column_type")]
    assert any("longer than 3" in reason for reason in finding.reasons)
    with pytest.raises(Exception, match="value too long"):
        apply_postgres(pg_url, tmp_path / "m")
    assert postgres_differences(pg_url, old) == []


def test_a_failing_statement_leaves_sqlite_as_it_was(tmp_path: Path):
    old = load_design(SHOP)
    database = tmp_path / "shop.db"
    build_sqlite(database, old, tmp_path)
    sqlite_execute(database, ROWS)
    before = sqlite_rows(database, "SELECT * FROM orders ORDER BY id")
    folder = tmp_path / "migrations"
    _diff(SHOP, DESIGNS / "shop_change_type.yaml", folder, dialect="sqlite")
    (up,) = list(folder.glob("*.up.sql"))
    text = up.read_text()
    marker = "DROP TABLE orders;"
    assert marker in text  # the 12-step rebuild
    up.write_text(text.replace(marker, marker + "\nINSERT INTO no_such_table VALUES (1);", 1))
    with pytest.raises(AssertionError, match="no such table"):
        apply_sqlite(database, folder)
    assert sqlite_differences(database, old) == []
    assert sqlite_rows(database, "SELECT * FROM orders ORDER BY id") == before


def test_sqlite_rebuild_refuses_to_break_a_foreign_key(tmp_path: Path):
    """The rebuild ends with foreign_key_check: a migration that would orphan rows applies nothing."""
    old = load_design(SHOP)
    database = tmp_path / "shop.db"
    build_sqlite(database, old, tmp_path)
    sqlite_execute(database, ROWS)
    folder = tmp_path / "migrations"
    _diff(SHOP, DESIGNS / "shop_change_type.yaml", folder, dialect="sqlite")
    (up,) = list(folder.glob("*.up.sql"))
    text = up.read_text()
    marker = "DROP TABLE orders;"
    up.write_text(text.replace(marker, marker.replace("orders", "orders") + "\nDELETE FROM customers WHERE id = 1;", 1))
    with pytest.raises(AssertionError, match="foreign_keys_hold"):
        apply_sqlite(database, folder)
    assert sqlite_rows(database, "SELECT count(*) FROM customers") == [(3,)]


@pytest.mark.parametrize("name", ["enum_add", "enum_rename", "enum_remove"])
def test_postgres_enums_as_checks(name: str, pg_url: str, tmp_path: Path):
    """enum_style: check — the enum is a CHECK on each column; value changes replace the CHECKs (renames update rows)."""
    def check_style(source: Path, target: Path) -> Path:
        target.write_text(source.read_text().replace("  primary_key: identity\n", "  primary_key: identity\n  enum_style: check\n"))
        return target

    old_path = check_style(SHOP, tmp_path / "old.yaml")
    new_path = check_style(DESIGNS / f"shop_{name}.yaml", tmp_path / "new.yaml")
    old, new = load_design(old_path), load_design(new_path)
    build_postgres(pg_url, old, tmp_path)
    postgres_execute(pg_url, ROWS)
    before = postgres_rows(pg_url, CASES[name].old_rows)
    _diff(old_path, new_path, tmp_path / "migrations", safe=False)
    apply_postgres(pg_url, tmp_path / "migrations")
    assert postgres_differences(pg_url, new, ignore_object_order=True) == []
    assert postgres_rows(pg_url, CASES[name].new_rows or CASES[name].old_rows) == before
    apply_postgres(pg_url, tmp_path / "migrations", "down")
    assert postgres_differences(pg_url, old, ignore_object_order=True) == []
