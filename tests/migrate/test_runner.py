"""The migration runner on real databases: the embedded PostgreSQL 18 (and the external server
named by SCHEMASMITH_TEST_PG_URL, when there is one) and SQLite, with migration files written
by hand into temporary folders."""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

import psycopg
import pytest

from schemasmith.db.embedded import scratch_database
from schemasmith.errors import SchemasmithError, SourceError
from schemasmith.migrate import runner
from schemasmith.migrate.runner import (
    MigrationError,
    postgres_statements,
    read_directory,
)
from schemasmith.migrate.runner.command import migrate_command
from schemasmith.migrate.runner.history import TABLE

EXTERNAL_PG = os.environ.get("SCHEMASMITH_TEST_PG_URL")
BACKENDS = ["postgres", "sqlite"] + (["postgres-external"] if EXTERNAL_PG else [])


class Database:
    """A database under test: its URL and a way to look inside."""

    def __init__(self, url: str, dialect: str, path: Path | None = None):
        self.url = url
        self.dialect = dialect
        self.path = path

    def rows(self, sql: str) -> list[tuple]:
        if self.dialect == "sqlite":
            if not self.path.exists():
                raise FileNotFoundError(self.path)
            with sqlite3.connect(self.path) as connection:
                return [tuple(row) for row in connection.execute(sql).fetchall()]
        with psycopg.connect(self.url, autocommit=True) as connection:
            return [tuple(row) for row in connection.execute(sql).fetchall()]

    def tables(self) -> set[str]:
        if self.dialect == "sqlite":
            if not self.path.exists():
                return set()
            return {row[0] for row in self.rows("SELECT name FROM sqlite_master WHERE type = 'table'")}
        return {row[0] for row in self.rows("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")}

    def history(self) -> list[tuple[int, str]]:
        if TABLE not in self.tables():
            return []
        return [(int(v), n) for v, n in self.rows(f"SELECT version, name FROM {TABLE} ORDER BY version")]


@pytest.fixture(params=[backend if backend == "sqlite" else pytest.param(backend, marks=pytest.mark.postgres) for backend in BACKENDS])
def db(request, tmp_path):
    if request.param == "sqlite":
        path = tmp_path / "app.db"
        yield Database(f"sqlite:///{path}", "sqlite", path)
        return
    request.getfixturevalue("pg_server")
    server = EXTERNAL_PG if request.param == "postgres-external" else None
    with scratch_database(server, prefix="migrate") as url:
        yield Database(url, "postgres")


@pytest.fixture(params=[pytest.param(backend, marks=pytest.mark.postgres) for backend in BACKENDS if backend != "sqlite"])
def pg_db(request, tmp_path):
    """Each PostgreSQL backend only: for what SQLite has no counterpart of."""
    request.getfixturevalue("pg_server")
    server = EXTERNAL_PG if request.param == "postgres-external" else None
    with scratch_database(server, prefix="migrate") as url:
        yield Database(url, "postgres")


@pytest.fixture
def pg(pg_server):
    with scratch_database(prefix="migrate") as url:
        yield Database(url, "postgres")


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def two_migrations(folder: Path) -> Path:
    write(folder, "0001_items.up.sql", "-- the first table\nBEGIN;\nCREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL);\nCOMMIT;\n")
    write(folder, "0001_items.down.sql", "DROP TABLE items;\n")
    write(folder, "0002_tags.up.sql", "CREATE TABLE tags (id integer PRIMARY KEY, label text);\nINSERT INTO tags VALUES (1, 'a');\n")
    write(folder, "0002_tags.down.sql", "BEGIN;\nDROP TABLE tags;\nCOMMIT;\n")
    return folder


# --- the round trip -------------------------------------------------------------------------


def test_apply_status_down_round(db, tmp_path, capsys):
    folder = two_migrations(tmp_path / "migrations")
    assert migrate_command("status", db.url, str(folder)) == 0
    assert "2 pending" in capsys.readouterr().out

    assert migrate_command("apply", db.url, str(folder)) == 0
    out = capsys.readouterr().out
    assert "applied 0001_items.up.sql" in out and "applied 0002_tags.up.sql" in out
    assert "database at version 0002" in out
    assert {"items", "tags", TABLE} <= db.tables()
    assert db.history() == [(1, "items"), (2, "tags")]
    checksum, duration = db.rows(f"SELECT checksum, duration_ms FROM {TABLE} WHERE version = 1")[0]
    assert len(checksum) == 64 and duration >= 0

    assert migrate_command("apply", db.url, str(folder)) == 0
    assert "nothing to apply" in capsys.readouterr().out

    assert migrate_command("status", db.url, str(folder)) == 0
    out = capsys.readouterr().out
    assert "2 applied" in out and "applied at" in out

    assert migrate_command("down", db.url, str(folder)) == 0
    assert "reverted 0002_tags.down.sql" in capsys.readouterr().out
    assert "tags" not in db.tables() and "items" in db.tables()
    assert db.history() == [(1, "items")]

    assert migrate_command("apply", db.url, str(folder)) == 0
    assert migrate_command("down", db.url, str(folder), to="0") == 0
    assert db.tables() == {TABLE}
    assert db.history() == []


def test_to_and_steps(db, tmp_path):
    folder = two_migrations(tmp_path / "m")
    write(folder, "0003_more.up.sql", "CREATE TABLE more (id integer);\n")
    write(folder, "0003_more.down.sql", "DROP TABLE more;\n")
    runner.run("apply", db.url, folder, steps=1)
    assert db.history() == [(1, "items")]
    runner.run("apply", db.url, folder, to="0002")
    assert db.history() == [(1, "items"), (2, "tags")]
    runner.run("apply", db.url, folder)
    runner.run("down", db.url, folder, steps=2)
    assert db.history() == [(1, "items")]
    with pytest.raises(MigrationError, match="not both"):
        runner.run("apply", db.url, folder, to="3", steps=1)
    with pytest.raises(MigrationError, match="no migration with that version"):
        runner.run("apply", db.url, folder, to="9")


# --- failures leave the database as it was -------------------------------------------------


def test_failing_statement_leaves_database_and_history_unchanged(db, tmp_path):
    folder = two_migrations(tmp_path / "m")
    write(
        folder,
        "0003_broken.up.sql",
        "BEGIN;\nCREATE TABLE broken (id integer);\nINSERT INTO broken VALUES (1);\nALTER TABLE items ADD COLUMN note text;\n"
        "-- the mistake is on the next line\nINSERT INTO no_such_table VALUES (1);\nCOMMIT;\n",
    )
    with pytest.raises(MigrationError) as caught:
        runner.run("apply", db.url, folder)
    message = str(caught.value)
    assert "0003_broken.up.sql:6:" in message
    assert "no_such_table" in message  # the database's own error
    assert "rolled back" in message
    assert "broken" not in db.tables()
    assert db.history() == [(1, "items"), (2, "tags")]  # the two good ones stay applied
    columns = db.rows("SELECT name FROM pragma_table_info('items')") if db.dialect == "sqlite" else db.rows(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'items'"
    )
    assert ("note",) not in columns


def test_postgres_error_points_at_the_line_inside_a_statement(pg, tmp_path):
    folder = tmp_path / "m"
    write(folder, "0001_fn.up.sql", (
        "CREATE TABLE t (a integer);\n"
        "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        "BEGIN\n"
        "  NEW.a := 1;  -- a semicolon inside the body\n"
        "  RETURN NEW;\n"
        "END $$;\n"
        "SELECT a,\n"
        "       nope\n"
        "FROM t;\n"
    ))
    with pytest.raises(MigrationError, match=r"0001_fn\.up\.sql:8: ERROR: column \"nope\" does not exist"):
        runner.run("apply", pg.url, folder)
    assert pg.tables() == set()  # nothing of it, and no history table either


def test_unparseable_text_still_reports_its_line(pg, tmp_path):
    folder = tmp_path / "m"
    write(folder, "0001_typo.up.sql", "CREATE TABLE t (a integer);\n\nCREAT TABLE u (b integer);\n")
    statements, parsed = postgres_statements((folder / "0001_typo.up.sql").read_text())
    assert not parsed and len(statements) == 2
    with pytest.raises(MigrationError, match=r"0001_typo\.up\.sql:3: ERROR: syntax error"):
        runner.run("apply", pg.url, folder)
    assert "t" not in pg.tables()


def test_commit_inside_a_transactional_file_is_refused(db, tmp_path):
    folder = tmp_path / "m"
    write(folder, "0001_two.up.sql", "CREATE TABLE a (x integer);\nCOMMIT;\nCREATE TABLE b (x integer);\n")
    with pytest.raises(MigrationError, match=r"0001_two\.up\.sql:2: COMMIT inside a migration"):
        runner.run("apply", db.url, folder)
    assert "a" not in db.tables()


# --- checksums, data loss, dry runs --------------------------------------------------------


def test_changed_file_is_an_error_naming_it(db, tmp_path, capsys):
    folder = two_migrations(tmp_path / "m")
    runner.run("apply", db.url, folder)
    (folder / "0001_items.up.sql").write_text("CREATE TABLE items (id bigint PRIMARY KEY);\n")
    write(folder, "0003_next.up.sql", "CREATE TABLE next (id integer);\n")
    with pytest.raises(MigrationError, match=r"0001_items\.up\.sql: changed since it was applied"):
        runner.run("apply", db.url, folder)
    assert "next" not in db.tables()
    with pytest.raises(MigrationError, match="0001_items.up.sql"):
        runner.run("down", db.url, folder)
    assert migrate_command("status", db.url, str(folder)) == 1
    captured = capsys.readouterr()
    assert "changed" in captured.out and "0001_items.up.sql" in captured.err


def test_data_loss_needs_the_flag(db, tmp_path):
    folder = two_migrations(tmp_path / "m")
    write(folder, "0003_drop.up.sql", "-- schemasmith: data-loss (drops tags.label)\nALTER TABLE tags DROP COLUMN label;\n")
    write(folder, "0004_after.up.sql", "CREATE TABLE after_drop (id integer);\n")
    runner.run("apply", db.url, folder, to="2")
    with pytest.raises(MigrationError, match=r"0003_drop\.up\.sql: marked `-- schemasmith: data-loss`.*\n.*--allow-data-loss.*Nothing was run"):
        runner.run("apply", db.url, folder)
    assert db.history() == [(1, "items"), (2, "tags")] and "after_drop" not in db.tables()
    result = runner.run("apply", db.url, folder, allow_data_loss=True)
    assert [done.step.migration.version for done in result.done] == [3, 4]


def test_down_file_marked_data_loss_is_refused(db, tmp_path):
    folder = tmp_path / "m"
    write(folder, "0001_a.up.sql", "CREATE TABLE a (x integer);\n")
    write(folder, "0001_a.down.sql", "-- schemasmith: data-loss\nDROP TABLE a;\n")
    runner.run("apply", db.url, folder)
    with pytest.raises(MigrationError, match="data-loss"):
        runner.run("down", db.url, folder)
    assert "a" in db.tables()
    runner.run("down", db.url, folder, allow_data_loss=True)
    assert "a" not in db.tables()


def test_dry_run_changes_nothing(db, tmp_path, capsys):
    folder = two_migrations(tmp_path / "m")
    write(folder, "0003_drop.up.sql", "-- schemasmith: data-loss\nDROP TABLE tags;\n")
    assert migrate_command("apply", db.url, str(folder), dry_run=True) == 0
    captured = capsys.readouterr()
    assert "would be applied" in captured.out
    assert "CREATE TABLE items" in captured.out and "DROP TABLE tags" in captured.out
    assert "--allow-data-loss" in captured.err
    assert db.tables() == set()  # not even the history table (nor, for SQLite, the file)
    if db.path is not None:
        assert not db.path.exists()
    runner.run("apply", db.url, folder, to="2")
    assert migrate_command("down", db.url, str(folder), dry_run=True) == 0
    assert "DROP TABLE tags" in capsys.readouterr().out
    assert db.history() == [(1, "items"), (2, "tags")]


def test_missing_down_file_is_a_clear_error(db, tmp_path):
    folder = tmp_path / "m"
    write(folder, "0001_a.up.sql", "CREATE TABLE a (x integer);\n")
    write(folder, "0001_a.down.sql", "DROP TABLE a;\n")
    write(folder, "0002_b.up.sql", "CREATE TABLE b (x integer);\n")
    runner.run("apply", db.url, folder)
    with pytest.raises(MigrationError, match=r"0002_b: no DOWN file \(0002_b\.down\.sql\).*nothing was run"):
        runner.run("down", db.url, folder, to="0")
    assert {"a", "b"} <= db.tables()


def test_a_pending_migration_older_than_the_applied_ones_is_refused(db, tmp_path):
    folder = tmp_path / "m"
    write(folder, "0002_b.up.sql", "CREATE TABLE b (x integer);\n")
    runner.run("apply", db.url, folder)
    write(folder, "0001_a.up.sql", "CREATE TABLE a (x integer);\n")
    with pytest.raises(MigrationError, match="0001_a.up.sql: pending, but the later version 0002"):
        runner.run("apply", db.url, folder)


# --- outside a transaction -----------------------------------------------------------------


def test_no_transaction_file_creates_an_index_concurrently(pg_db, tmp_path):
    db = pg_db
    folder = two_migrations(tmp_path / "m")
    write(folder, "0003_index.up.sql", "-- generated\n-- schemasmith: no-transaction\nCREATE INDEX CONCURRENTLY items_name_idx ON items (name);\n")
    write(folder, "0003_index.down.sql", "-- schemasmith: no-transaction\nDROP INDEX CONCURRENTLY items_name_idx;\n")
    runner.run("apply", db.url, folder)
    assert db.rows("SELECT indisvalid FROM pg_index WHERE indexrelid = 'items_name_idx'::regclass") == [(True,)]
    assert db.rows(f"SELECT execution FROM {TABLE} WHERE version = 3") == [("no-transaction",)]
    runner.run("down", db.url, folder)
    assert db.rows("SELECT to_regclass('items_name_idx')") == [(None,)]


def test_sqlite_vacuum_and_pragmas_around_a_rebuild(tmp_path):
    path = tmp_path / "app.db"
    url = f"sqlite:///{path}"
    folder = tmp_path / "m"
    write(folder, "0001_parent.up.sql", (
        "CREATE TABLE parent (id INTEGER PRIMARY KEY);\n"
        "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent (id));\n"
        "INSERT INTO parent VALUES (1);\nINSERT INTO child VALUES (1, 1);\n"
        "CREATE TRIGGER child_touch AFTER INSERT ON child BEGIN\n  UPDATE child SET parent_id = NEW.parent_id WHERE id = NEW.id;\nEND;\n"
    ))
    write(folder, "0002_rebuild.up.sql", (
        "PRAGMA foreign_keys = OFF;\nBEGIN;\n"
        "CREATE TABLE parent_new (id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT '');\n"
        "INSERT INTO parent_new (id) SELECT id FROM parent;\nDROP TABLE parent;\nALTER TABLE parent_new RENAME TO parent;\n"
        "PRAGMA foreign_key_check;\nCOMMIT;\nPRAGMA foreign_keys = ON;\n"
    ))
    write(folder, "0003_vacuum.up.sql", "-- schemasmith: no-transaction\nVACUUM;\n")
    runner.run("apply", url, folder)
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT count(*) FROM child JOIN parent ON parent.id = child.parent_id").fetchone() == (1,)
    write(folder, "0004_orphan.up.sql", "BEGIN;\nINSERT INTO child VALUES (2, 99);\nPRAGMA foreign_key_check;\nCOMMIT;\n")
    with pytest.raises(MigrationError, match=r"0004_orphan\.up\.sql:3: ERROR: foreign key violations: child"):
        runner.run("apply", url, folder)
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT count(*) FROM child").fetchone() == (1,)


# --- concurrency ---------------------------------------------------------------------------


def _race(url: str, folder: Path, runs: int = 2) -> list:
    outcomes: list = [None] * runs
    start = threading.Barrier(runs)

    def one(index: int) -> None:
        start.wait()
        try:
            outcomes[index] = runner.run("apply", url, folder, lock_timeout=30)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            outcomes[index] = error

    threads = [threading.Thread(target=one, args=(index,)) for index in range(runs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes


def test_two_concurrent_runners_apply_each_migration_once_postgres(pg, tmp_path):
    folder = tmp_path / "m"
    write(folder, "0001_log.up.sql", "CREATE TABLE log (n integer);\nSELECT pg_sleep(0.4);\nINSERT INTO log VALUES (1);\n")
    write(folder, "0002_more.up.sql", "INSERT INTO log VALUES (2);\n")
    # the waiting runner must not hold a snapshot CREATE INDEX CONCURRENTLY would wait for
    write(folder, "0003_index.up.sql", "-- schemasmith: no-transaction\nCREATE INDEX CONCURRENTLY log_n_idx ON log (n);\n")
    outcomes = _race(pg.url, folder)
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert sorted(len(o.done) for o in outcomes) == [0, 3]
    assert pg.rows("SELECT n FROM log ORDER BY n") == [(1,), (2,)]
    assert pg.history() == [(1, "log"), (2, "more"), (3, "index")]


def test_two_concurrent_runners_apply_each_migration_once_sqlite(tmp_path):
    path = tmp_path / "app.db"
    folder = tmp_path / "m"
    write(folder, "0001_log.up.sql", "CREATE TABLE log (n integer);\nINSERT INTO log VALUES (1);\n")
    write(folder, "0002_more.up.sql", "CREATE TABLE more (n integer);\nINSERT INTO log VALUES (2);\n")
    outcomes = _race(f"sqlite:///{path}", folder)
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert sum(len(o.done) for o in outcomes) == 2
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT n FROM log ORDER BY n").fetchall() == [(1,), (2,)]


def test_a_second_runner_waits_for_the_lock(pg, tmp_path):
    folder = tmp_path / "m"
    write(folder, "0001_a.up.sql", "CREATE TABLE a (x integer);\n")
    with psycopg.connect(pg.url, autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", (runner.LOCK_KEY,))
        heard: list[str] = []
        with pytest.raises(MigrationError, match="still holds the migration lock"):
            runner.run("apply", pg.url, folder, report=heard.append, lock_timeout=0.3)
        assert heard and "waiting for another migration run (backend pid" in heard[0]
    runner.run("apply", pg.url, folder, lock_timeout=5)
    assert pg.history() == [(1, "a")]


# --- bad input -----------------------------------------------------------------------------


def test_unreachable_database_names_it_without_the_password(tmp_path):
    folder = two_migrations(tmp_path / "m")
    with pytest.raises(SourceError) as caught:
        migrate_command("apply", "postgresql://admin:s3cr3t-pw@127.0.0.1:1/app", str(folder))
    message = str(caught.value)
    assert "cannot connect to" in message and "127.0.0.1" in message
    assert "s3cr3t-pw" not in message


@pytest.mark.parametrize(
    ("files", "pattern"),
    [
        ({"0001_a.up.sql": "", "0001_b.up.sql": ""}, "version 1 has files with different names: 0001_a.up.sql, 0001_b.up.sql"),
        ({"0001_a.down.sql": ""}, "a DOWN file without its UP file"),
        ({"0001_a.up.sql": "", "0001_b.down.sql": ""}, "different names"),
    ],
)
def test_malformed_folders(tmp_path, files, pattern):
    for name, text in files.items():
        write(tmp_path / "m", name, text)
    with pytest.raises(MigrationError, match=pattern):
        read_directory(tmp_path / "m")


def test_bad_options_and_sources(tmp_path):
    folder = two_migrations(tmp_path / "m")
    with pytest.raises(MigrationError, match="no such folder"):
        runner.run("apply", "sqlite:///x.db", tmp_path / "nope")
    with pytest.raises(SchemasmithError, match="migrate runs on PostgreSQL and SQLite"):
        runner.run("apply", "mysql://u@h/db", folder)
    with pytest.raises(SchemasmithError, match="not a database URL"):
        runner.run("apply", "whatever", folder)
    with pytest.raises(MigrationError, match="--to-version 'x'"):
        runner.run("apply", f"sqlite:///{tmp_path / 'a.db'}", folder, to="x")
    with pytest.raises(SchemasmithError, match="unknown migrate action"):
        migrate_command("sideways", "sqlite:///x.db", str(folder))
    write(folder, "notes.sql", "SELECT 1;")
    write(folder, "1_short.up.sql", "SELECT 1;")
    write(folder, "0009_Upper.up.sql", "SELECT 1;")
    write(folder, "0002_tags.report.md", "# report")
    migrations, warnings = read_directory(folder)
    assert [m.version for m in migrations] == [1, 2]
    ignored = sorted(Path(w.split(":")[0]).name for w in warnings)
    assert ignored == ["0009_Upper.up.sql", "1_short.up.sql", "notes.sql"]


# --- the file contract of files.py, as `schemasmith diff` writes it ------------------------


def test_files_written_like_the_diff_writes_them(db, tmp_path, capsys):
    folder = tmp_path / "m"
    header = "-- generated-by: schemasmith diff\n-- schemasmith: step: 1\n"
    write(folder, "0001_initial.up.sql", header + "BEGIN;\nCREATE TABLE users (id integer PRIMARY KEY, nickname text);\n"
          "INSERT INTO users VALUES (1, 'ada');\nCOMMIT;\n")
    write(folder, "0001_initial.down.sql", "-- schemasmith: data-loss: drops table users\nBEGIN;\nDROP TABLE users;\nCOMMIT;\n")
    write(folder, "0002_drop_nickname.up.sql", "-- schemasmith: data-loss: drops users.nickname\n"
          "-- schemasmith: after-deploy: the application no longer reads users.nickname\n"
          "BEGIN;\nALTER TABLE users DROP COLUMN nickname;\nCOMMIT;\n")
    write(folder, "0002_drop_nickname.down.sql", "-- schemasmith: irreversible: the nicknames do not come back\n"
          "BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nCOMMIT;\n")
    write(folder, "0003_backfill.down.sql", "-- nothing to undo for a backfill\n")
    write(folder, "0003_backfill.up.sql", "BEGIN;\nUPDATE users SET id = id;\nCOMMIT;\n")

    assert migrate_command("apply", db.url, str(folder)) == 0  # stops before the after-deploy step
    out = capsys.readouterr().out
    assert "stopped before 0002_drop_nickname.up.sql" in out and "the application no longer reads users.nickname" in out
    assert "--to-version 0002" in out
    assert db.history() == [(1, "initial")]
    assert migrate_command("status", db.url, str(folder)) == 0
    assert "after-deploy: the application no longer reads" in capsys.readouterr().out

    with pytest.raises(MigrationError, match=r"0002_drop_nickname\.up\.sql: marked `-- schemasmith: data-loss` \(drops users\.nickname\)"):
        runner.run("apply", db.url, folder, to="0002")
    heard: list[str] = []
    runner.run("apply", db.url, folder, to="0003", allow_data_loss=True, report=heard.append)
    assert any("after-deploy: the application no longer reads" in line for line in heard)
    assert db.history() == [(1, "initial"), (2, "drop_nickname"), (3, "backfill")]

    heard.clear()
    runner.run("down", db.url, folder, steps=2, report=heard.append)  # the comment-only DOWN is a no-op
    assert any("irreversible: the nicknames do not come back" in line for line in heard)
    assert db.history() == [(1, "initial")]
    with pytest.raises(MigrationError, match="drops table users"):
        runner.run("down", db.url, folder)


def test_session_settings_do_not_leak_into_the_next_file(pg, tmp_path):
    folder = tmp_path / "m"
    write(folder, "0001_fast.up.sql", "-- schemasmith: no-transaction\nSET statement_timeout = '50ms';\nCREATE TABLE a (x integer);\n")
    write(folder, "0002_slow.up.sql", "BEGIN;\nSELECT pg_sleep(0.2);\nCREATE TABLE b (x integer);\nCOMMIT;\n")
    runner.run("apply", pg.url, folder)
    assert {"a", "b"} <= pg.tables()
