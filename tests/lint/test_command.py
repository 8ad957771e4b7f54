"""`schemasmith lint-migration` as a user runs it: output, exit codes, --fix, bad input, sizes."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
from typer.testing import CliRunner

from schemasmith.cli import app

REPO = Path(__file__).resolve().parents[2]
HISTORY = REPO / "tests" / "lint" / "history" / "taskhub"
FIXTURES = REPO / "tests" / "lint" / "fixtures"
CORPORA = REPO.parent / "shared" / "corpora"
TASKHUB = str(REPO / "examples" / "taskhub.yaml")


def run(*args: str):
    return CliRunner().invoke(app, ["lint-migration", *args])


def findings(result) -> list[dict]:
    return json.loads(result.stdout)["findings"]


def test_hand_written_history_of_taskhub(pg_server):
    result = run(str(HISTORY / "hand-written"), "--schema", TASKHUB, "--format", "json", "--fail-on", "error")
    assert result.exit_code == 1, result.output
    got = {(Path(f["file"]).name, f["line"], f["code"], f["severity"]) for f in findings(result)}
    assert ("0003_tasks_estimate.sql", 4, "SM101", "error") in got  # tasks has 1.5 M expected rows
    assert ("0003_tasks_estimate.sql", 3, "SM105", "error") in got
    assert ("0003_tasks_estimate.sql", 5, "SM103", "error") in got
    assert ("0004_comments_body.sql", 3, "SM106", "error") in got
    assert ("0002_tasks_due_on.sql", 2, "SM109", "warning") in got
    # nothing on the tables created in 0001 (constraints and an index added after CREATE TABLE);
    # only task_labels' foreign key to the existing tasks locks it, so 0001 wants a lock_timeout
    assert [f for f in got if f[0] == "0001_labels.sql"] == [("0001_labels.sql", 16, "SM111", "warning")]
    # varchar → text on comments.body is catalog-only: the scratch copy shows no rewrite
    assert not [f for f in got if f[0] == "0004_comments_body.sql" and f[1] == 2 and f[2] == "SM106"]


def test_diff_generated_history_only_reports_its_contract_step(pg_server):
    result = run(str(HISTORY / "diff-generated"), "--schema", TASKHUB, "--format", "json")
    assert result.exit_code == 0, result.output
    got = [(Path(f["file"]).name, f["code"]) for f in findings(result)]
    assert got == [("0004_add_labels_task_labels_contract.up.sql", "SM108")]


def test_alembic_revisions_are_linted_offline(pg_server):
    result = run(str(HISTORY / "alembic"), "--schema", TASKHUB, "--format", "json")
    assert result.exit_code == 0, result.output
    got = [(Path(f["file"]).name, f["code"]) for f in findings(result)]
    assert got == [("0004_add_labels_task_labels_contract.py", "SM108")]


def test_severity_follows_table_size(pg_server, tmp_path):
    migration = tmp_path / "m.sql"
    migration.write_text("CREATE INDEX organizations_name_idx ON organizations (name);\nCREATE INDEX tasks_title_idx2 ON tasks (title);\n")
    got = {f["table"]: f["severity"] for f in findings(run(str(migration), "--schema", TASKHUB, "--format", "json"))}
    assert got == {"organizations": "info", "tasks": "error"}  # 500 rows vs 1.5 M rows


def test_sizes_from_a_live_database_statistics(pg_url, tmp_path):
    with psycopg.connect(pg_url, autocommit=True) as connection:
        connection.execute("CREATE TABLE big (id bigint PRIMARY KEY, v int); CREATE TABLE small (id bigint PRIMARY KEY, v int)")
        connection.execute("INSERT INTO big SELECT g, g FROM generate_series(1, 20000) g; INSERT INTO small VALUES (1, 1)")
        connection.execute("ANALYZE")
    migration = tmp_path / "m.sql"
    migration.write_text("CREATE INDEX big_v_idx ON big (v);\nCREATE INDEX small_v_idx ON small (v);\n")
    result = run(str(migration), "--db", pg_url, "--format", "json")
    assert result.exit_code == 0, result.output
    got = {f["table"]: (f["rows"], f["severity"]) for f in findings(result)}
    assert got == {"big": (20000, "warning"), "small": (1, "info")}
    with psycopg.connect(pg_url) as connection:  # --db itself is never changed
        assert connection.execute("SELECT count(*) FROM pg_indexes WHERE indexname LIKE '%_v_idx'").fetchone()[0] == 0


def test_a_file_that_does_not_parse_is_named_and_the_others_are_linted(pg_server, tmp_path):
    broken = tmp_path / "0001_broken.sql"
    broken.write_text("ALTER TABLE tasks ADD COLUMN a int;\n\nCREATE TABLEX oops (id int);\n")
    good = tmp_path / "0002_good.sql"
    good.write_text("CREATE INDEX tasks_x_idx ON tasks (title);\n")
    result = run(str(tmp_path), "--schema", str(FIXTURES / "schema.sql"))
    assert result.exit_code == 2
    assert f"{broken}:3: does not parse: syntax error at or near \"TABLEX\"" in result.output
    assert "SM101" in result.stdout and "0002_good.sql:1" in result.stdout
    assert "Traceback" not in result.output


def test_missing_file_and_conflicting_options(tmp_path):
    result = run(str(tmp_path / "nope.sql"))
    assert result.exit_code == 2 and "nope.sql: no such file or folder" in result.output
    (tmp_path / "a.sql").write_text("SELECT 1;")
    result = run(str(tmp_path / "a.sql"), "--schema", TASKHUB, "--db", "postgresql://x@127.0.0.1/none")
    assert result.exit_code == 2 and "not both" in result.output
    result = run(str(tmp_path / "a.sql"), "--in-place")
    assert result.exit_code == 2 and "add --fix" in result.output


def test_fix_writes_beside_the_file_and_the_fixed_file_is_clean(pg_server, tmp_path):
    migration = tmp_path / "0003.sql"
    original = (HISTORY / "hand-written" / "0003_tasks_estimate.sql").read_text()
    migration.write_text(original)
    result = run(str(migration), "--schema", TASKHUB, "--fix", "-q")
    assert result.exit_code == 0, result.output
    assert migration.read_text() == original  # never in place without --in-place
    fixed = tmp_path / "0003.fixed.sql"
    text = fixed.read_text()
    assert "CREATE INDEX CONCURRENTLY tasks_estimate_minutes_idx" in text and "NOT VALID" in text
    again = run(str(fixed), "--schema", TASKHUB, "--format", "json")
    codes = {f["code"] for f in findings(again)}
    assert codes <= {"SM112"}, codes  # the one-statement UPDATE needs a person to batch it
    run(str(migration), "--schema", TASKHUB, "--fix", "--in-place", "-q")
    assert migration.read_text() == text


def test_no_schema_lints_the_text_alone(tmp_path):
    migration = tmp_path / "m.sql"
    migration.write_text("CREATE TABLE t (id int);\nCREATE INDEX t_id ON t (id);\nCREATE INDEX u_id ON u (id);\n")
    got = [(f["line"], f["code"]) for f in findings(run(str(migration), "--format", "json"))]
    assert got == [(3, "SM101"), (3, "SM111")]


def test_sarif_and_github_formats(pg_server, tmp_path):
    result = run(str(FIXTURES / "SM101.hazard.sql"), "--schema", str(FIXTURES / "schema.sql"), "--format", "sarif", "-o", str(tmp_path / "lint.sarif"))
    assert result.exit_code == 0
    document = json.loads((tmp_path / "lint.sarif").read_text())
    run_ = document["runs"][0]
    assert document["version"] == "2.1.0"
    assert [r["ruleId"] for r in run_["results"]] == ["SM101", "SM111"]
    assert run_["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 1
    assert {rule["id"] for rule in run_["tool"]["driver"]["rules"]} >= {"SM101", "SM112"}
    github = run(str(FIXTURES / "SM101.hazard.sql"), "--schema", str(FIXTURES / "schema.sql"), "--format", "github")
    assert github.stdout.startswith("::warning file=") and ",line=1,title=SM101 index-build-blocks-writes::" in github.stdout


def test_real_schema_from_the_corpus(pg_server, tmp_path):
    """feedbin's real schema (Rails, public.*): hazards on its existing tables, none on a new one."""
    migration = tmp_path / "m.sql"
    migration.write_text(
        "CREATE TABLE public.feed_notes (id bigint PRIMARY KEY, action_id bigint REFERENCES public.actions (id));\n"
        "CREATE INDEX feed_notes_action_idx ON public.feed_notes (action_id);\n"
        "ALTER TABLE public.actions ADD COLUMN note text NOT NULL;\n"
        "CREATE INDEX actions_note_idx ON public.actions (note);\n"
    )
    result = run(str(migration), "--schema", str(CORPORA / "real-schemas" / "feedbin.sql"), "--format", "json")
    got = [(f["line"], f["code"]) for f in findings(result)]
    assert (3, "SM107") in got and (4, "SM101") in got
    assert [g for g in got if g[0] in (1, 2)] == [(1, "SM111")]  # feed_notes' foreign key locks actions
    assert json.loads(result.stdout)["failed_on_scratch"] == []


def test_db_on_another_server_version(tmp_path):
    """--db on CI's PostgreSQL (15 here): its schema is dumped with the embedded pg_dump, its
    statistics read, and the facts are those of its version."""
    import os

    import pytest

    from schemasmith.db.embedded import scratch_database

    external = os.environ.get("SCHEMASMITH_TEST_PG_URL")
    if not external:
        pytest.skip("SCHEMASMITH_TEST_PG_URL is not set: no second PostgreSQL server to copy from")
    with scratch_database(external, prefix="lintdb") as url:
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute("CREATE TABLE events (id bigint PRIMARY KEY, kind text)")
            connection.execute("INSERT INTO events SELECT g, 'x' FROM generate_series(1, 15000) g")
            connection.execute("ANALYZE events")
        migration = tmp_path / "m.sql"
        migration.write_text("ALTER TABLE events ALTER COLUMN id TYPE numeric;\n")
        result = run(str(migration), "--db", url, "--format", "json", "--fail-on", "warning")
        assert result.exit_code == 1, result.output
        got = {(f["code"], f["rows"]) for f in findings(result)}
        assert ("SM106", 15000) in got
