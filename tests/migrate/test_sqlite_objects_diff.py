"""`diff --dialect sqlite` of views, triggers and virtual tables, UP then DOWN on real SQLite.

Each case builds OLD and NEW databases from SQL, imports both, diffs the designs, applies every UP
file to a copy of OLD with the sqlite3 tool and compares its whole sqlite_schema with NEW's, then
applies the DOWN files and compares with OLD's: both must be exact (tests/sqlite_catalog.py).
"""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import REPO
from schemasmith import cli
from schemasmith.importers.sqlite import import_database
from schemasmith.model.yamlio import save_design
from sqlite_catalog import catalog_of, differences

BASE = (REPO / "tests" / "fixtures" / "sqlite_fidelity" / "views_triggers.sql").read_text(encoding="utf-8")
FTS = (REPO / "tests" / "fixtures" / "sqlite_fidelity" / "fts.sql").read_text(encoding="utf-8")

OPTIONS = """
CREATE TABLE measurements (id INTEGER PRIMARY KEY, amount INT NOT NULL, label TEXT, kelvin REAL AS (amount + 273) STORED) STRICT;
CREATE TABLE kv (k TEXT NOT NULL PRIMARY KEY, kv_value BLOB
) WITHOUT ROWID;
CREATE TABLE plain (id INTEGER PRIMARY KEY, note TEXT);
CREATE VIEW labels AS SELECT label FROM measurements;
"""

CASES = {
    # a CHECK added to accounts rebuilds it: the three views on it (a chain), the INSTEAD OF trigger
    # on one of them and ledger's trigger that updates accounts are dropped and created again
    "rebuild-keeps-dependents": (
        BASE,
        BASE.replace("  closed INTEGER NOT NULL DEFAULT 0\n);", "  closed INTEGER NOT NULL DEFAULT 0,\n  CHECK (balance > -100)\n);")
        .replace('CREATE VIEW "ledger totals"', 'CREATE VIEW "ledger sums"')
        + "\nCREATE VIRTUAL TABLE owners_fts USING fts5(owner);\nCREATE VIEW closed_accounts AS SELECT id FROM accounts WHERE closed = 1;\n",
    ),
    # no table changes: a trigger's WHEN changes, a view's query changes, a virtual table goes
    "objects-only": (
        FTS,
        FTS.replace("CREATE VIRTUAL TABLE notes_fts USING fts5(note, tokenize = 'porter unicode61');\n", "")
        .replace("SELECT id, title FROM posts", "SELECT id, upper(title) AS title FROM posts")
        .replace("CREATE TRIGGER posts_ad AFTER DELETE ON posts BEGIN", "CREATE TRIGGER posts_ad AFTER DELETE ON posts WHEN old.id > 0 BEGIN"),
    ),
    # a column added with a non-constant default rebuilds posts under its FTS triggers and view
    "rebuild-under-fts": (
        FTS,
        FTS.replace("  body TEXT NOT NULL\n);", "  body TEXT NOT NULL,\n  created TEXT NOT NULL DEFAULT (datetime('now'))\n);"),
    ),
    # STRICT and WITHOUT ROWID come and go, a declared type and a collation change: only a rebuild makes them
    "table-options": (
        OPTIONS,
        OPTIONS.replace(") STRICT;", ");").replace("kv_value BLOB\n) WITHOUT ROWID;", "kv_value BLOB\n);")
        .replace("amount INT NOT NULL", "amount INTEGER NOT NULL").replace("label TEXT", "label TEXT COLLATE NOCASE")
        .replace("CREATE TABLE plain (id INTEGER PRIMARY KEY, note TEXT);", "CREATE TABLE plain (id INTEGER PRIMARY KEY, note TEXT) STRICT;"),
    ),
}


def _database(path: Path, sql: str) -> Path:
    connection = sqlite3.connect(path)
    connection.executescript(sql)
    connection.close()
    return path


def _apply(db: Path, files: list[Path]) -> None:
    for file in files:
        completed = subprocess.run(["sqlite3", "-bail", str(db), f'.read "{file}"'], capture_output=True, text=True, timeout=60)
        assert completed.returncode == 0, f"{file.name}: {completed.stderr}\n{file.read_text(encoding='utf-8')}"


@pytest.mark.parametrize("case", sorted(CASES))
def test_up_reaches_new_and_down_returns_to_old(case, tmp_path):
    old_sql, new_sql = CASES[case]
    old_db, new_db = _database(tmp_path / "old.db", old_sql), _database(tmp_path / "new.db", new_sql)
    save_design(import_database(str(old_db)).design, tmp_path / "old.yaml")
    save_design(import_database(str(new_db)).design, tmp_path / "new.yaml")
    result = CliRunner().invoke(
        cli.app, ["diff", str(tmp_path / "old.yaml"), str(tmp_path / "new.yaml"), "--target", "sqlite", "-o", str(tmp_path / "m")]
    )
    assert result.exit_code == 0, result.output
    ups = sorted((tmp_path / "m").glob("*.up.sql"))
    downs = sorted((tmp_path / "m").glob("*.down.sql"), reverse=True)
    assert ups and downs
    work = _database(tmp_path / "work.db", old_sql)
    _apply(work, ups)
    assert differences(catalog_of(new_db), catalog_of(work)) == []
    _apply(work, downs)
    assert differences(catalog_of(old_db), catalog_of(work)) == []
