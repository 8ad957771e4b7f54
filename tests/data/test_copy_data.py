"""copy-data from a seeded SQLite prototype into PostgreSQL: converted, complete, verified, rerunnable."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from schemasmith.data import copy as copy_module
from schemasmith.data.command import copy_data_command
from schemasmith.data.copy import CopyError, copy_data
from schemasmith.data.verify import verify
from schemasmith.errors import SchemasmithError
from schemasmith.model import load_design

from .helpers import EXAMPLES, HOSTILE, connect, seed

TACO = EXAMPLES / "taco-reviews.yaml"


@pytest.fixture
def taco_prototype(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'tacos.db'}"
    seed(load_design(TACO), url, rows=1500, seed=3)
    return url


def _counts(url: str, tables) -> dict[str, int]:
    connection = connect(url)
    return {name: connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in tables}


def test_copy_taco_prototype_into_postgres_verifies_clean(taco_prototype: str, pg_url: str, capsys):
    assert copy_data_command(taco_prototype, pg_url, quiet=True) == 0
    printed = capsys.readouterr().out
    assert "verified: row counts equal in 7 table(s), 0 foreign-key violations, 350 sampled rows equal" in printed
    tables = load_design(TACO).tables
    assert _counts(pg_url, tables) == _counts(taco_prototype, tables)
    connection = connect(pg_url)
    # Types converted: uuid, timestamptz and dates as PostgreSQL types, with the same instants.
    kinds = dict(connection.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'reviews'").fetchall())
    assert kinds["id"] == "uuid" and kinds["created_at"] == "timestamp with time zone" and kinds["visited_on"] == "date"
    lite = connect(taco_prototype)
    row = lite.execute("SELECT id, created_at FROM reviews ORDER BY id LIMIT 1").fetchone()
    copied = connection.execute("SELECT created_at AT TIME ZONE 'UTC' FROM reviews WHERE id = %s", (row[0],)).fetchone()[0]
    assert copied.strftime("%Y-%m-%d %H:%M:%S") == row[1]
    # Independent of copy-data's own report: zero foreign-key violations and no duplicate keys.
    check = verify(connection, "postgres", load_design(TACO))
    assert check.clean


def test_rerun_after_rows_were_lost_adds_them_back_without_duplicates(taco_prototype: str, pg_url: str):
    first = copy_data(taco_prototype, pg_url)
    assert not first.problems() and first.created_schema
    connection = connect(pg_url)
    # Lose rows as an interrupted or partial copy would: a parent (its children cascade) and leaves.
    connection.execute("DELETE FROM users WHERE id IN (SELECT id FROM users ORDER BY id LIMIT 40)")
    connection.execute("DELETE FROM photos WHERE id IN (SELECT id FROM photos ORDER BY id LIMIT 25)")
    lost = _counts(pg_url, load_design(TACO).tables)
    assert lost["users"] == 1460 and lost["reviews"] < 1500
    second = copy_data(taco_prototype, pg_url)
    assert not second.problems() and not second.created_schema
    assert sum(table.copied for table in second.tables) == sum(1500 - count for count in lost.values())
    assert set(_counts(pg_url, load_design(TACO).tables).values()) == {1500}
    third = copy_data(taco_prototype, pg_url)
    assert third.copied == 0  # nothing missing, nothing changed: nothing written


def test_interrupted_copy_is_rolled_back_per_table_and_a_rerun_completes(taco_prototype: str, pg_url: str, monkeypatch):
    original = copy_module.SqliteSource.rows
    calls = {"rows": 0}

    def failing(self, sql):
        for row in original(self, sql):
            if 'FROM "reviews"' in sql or "FROM reviews" in sql:
                calls["rows"] += 1
                if calls["rows"] == 700:
                    raise KeyboardInterrupt  # the user pressed Ctrl-C in the middle of reviews
            yield row

    monkeypatch.setattr(copy_module.SqliteSource, "rows", failing)
    with pytest.raises(KeyboardInterrupt):
        copy_data(taco_prototype, pg_url)
    partial = _counts(pg_url, ["users", "spots", "reviews", "photos"])
    assert partial == {"users": 1500, "spots": 1500, "reviews": 0, "photos": 0}  # reviews rolled back whole
    monkeypatch.setattr(copy_module.SqliteSource, "rows", original)
    result = copy_data(taco_prototype, pg_url)
    assert not result.problems()
    assert set(_counts(pg_url, load_design(TACO).tables).values()) == {1500}


def test_type_conversion_from_a_hand_written_prototype(tmp_path: Path, pg_url: str):
    """Text and epoch dates, 0/1 and 'true' booleans, JSON text, JSON arrays, uuid blobs and text."""
    path = tmp_path / "proto.db"
    connection = sqlite3.connect(path)
    connection.executescript(
        """
        CREATE TABLE accounts (
          id UUID_TEXT PRIMARY KEY NOT NULL,
          active BOOLEAN NOT NULL,
          joined TIMESTAMPTZ NOT NULL,
          birthday DATE,
          settings JSON_TEXT,
          tags TEXT,
          score DOUBLE,
          balance NUMERIC(10,2)
        );
        CREATE TABLE events (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          account_id UUID_TEXT NOT NULL REFERENCES accounts(id),
          at TIMESTAMPTZ NOT NULL
        );
        """
    )
    rows = [
        ("6f1c2f3e-9a0b-4c1d-8e2f-3a4b5c6d7e8f", 1, "2024-03-01 10:00:00", "1990-05-17", '{"theme": "dark"}', "a", 1.5, 10.25),
        ("0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", 0, 1709287200, None, None, None, None, None),
        ("11111111-2222-4333-8444-555555555555", "true", "2024-03-01T10:00:00Z", "2001-01-01", "[1, 2]", "b", -2.0, 0),
    ]
    connection.executemany("INSERT INTO accounts VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    connection.execute("INSERT INTO events (account_id, at) VALUES ('6f1c2f3e-9a0b-4c1d-8e2f-3a4b5c6d7e8f', '2024-03-02 08:30:00')")
    connection.execute("INSERT INTO events (account_id, at) VALUES ('0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', 1709368200)")
    connection.commit()
    connection.close()
    result = copy_data(f"sqlite:///{path}", pg_url)
    assert not result.problems(), result.problems()
    pg = connect(pg_url)
    got = pg.execute("SELECT id::text, active, joined AT TIME ZONE 'UTC', settings FROM accounts ORDER BY joined, id").fetchall()
    assert [(row[0], row[1], row[2].isoformat(), row[3]) for row in got] == [
        ("0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", False, "2024-03-01T10:00:00", None),
        ("11111111-2222-4333-8444-555555555555", True, "2024-03-01T10:00:00", [1, 2]),
        ("6f1c2f3e-9a0b-4c1d-8e2f-3a4b5c6d7e8f", True, "2024-03-01T10:00:00", {"theme": "dark"}),
    ]
    assert pg.execute("SELECT pg_typeof(active)::text, pg_typeof(settings)::text FROM accounts LIMIT 1").fetchone() == ("boolean", "jsonb")
    # The identity sequence continues after the copied keys.
    assert pg.execute("INSERT INTO events (account_id, at) VALUES ('6f1c2f3e-9a0b-4c1d-8e2f-3a4b5c6d7e8f', now()) RETURNING id").fetchone() == (3,)


def test_copy_keeps_trees_cycles_and_identity(tmp_path: Path, pg_url: str):
    """Hostile: an identity-always key, a self-reference under max_depth, a cycle between two tables."""
    url = f"sqlite:///{tmp_path / 'hostile.db'}"
    seed(load_design(HOSTILE / "hostile.yaml"), url, rows=800)
    result = copy_data(url, pg_url)
    assert not result.problems(), result.problems()
    pg = connect(pg_url)
    assert pg.execute('SELECT count(*) FROM "order" WHERE first_line_id IS NOT NULL').fetchone()[0] > 0
    lite = connect(url)
    assert pg.execute('SELECT count(*) FROM "order" WHERE first_line_id IS NOT NULL').fetchone() == \
        lite.execute('SELECT count(*) FROM "order" WHERE first_line_id IS NOT NULL').fetchone()


def test_bad_input(tmp_path: Path, pg_url: str, taco_prototype: str):
    with pytest.raises(SchemasmithError, match="no such SQLite file"):
        copy_data(f"sqlite:///{tmp_path / 'missing.db'}", pg_url)
    with pytest.raises(SchemasmithError, match="copy-data writes into PostgreSQL"):
        copy_data(taco_prototype, f"sqlite:///{tmp_path / 'other.db'}")
    with pytest.raises(SchemasmithError, match="expected a database URL"):
        copy_data_command("tacos.db", pg_url, True)
    # A target with other tables is refused, naming what differs.
    seed(load_design(EXAMPLES / "model-catalogue.yaml"), pg_url, rows=5)
    with pytest.raises(CopyError) as caught:
        copy_data(taco_prototype, pg_url)
    assert "do not match the source's schema" in str(caught.value) and "tables." in str(caught.value)
