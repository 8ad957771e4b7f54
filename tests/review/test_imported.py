"""Reviewing what is not a design document: DDL files and live databases, through the real
importers (PostgreSQL on the embedded server, SQLite from the standard library)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from schemasmith.db.apply import apply_postgres_file
from schemasmith.dialects import postgres as postgres_dialect
from schemasmith.dialects import sqlite as sqlite_dialect
from schemasmith.model import load_design
from schemasmith.review.command import review_command
from schemasmith.review.engine import review_source

REPO = Path(__file__).resolve().parents[2]
TASKHUB = REPO / "examples" / "taskhub.yaml"

SET_NULL_DDL = """\
CREATE TABLE users (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), created_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE comments (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    author_id uuid NOT NULL REFERENCES users (id) ON DELETE SET NULL,
    body text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE users IS 'A person who signs in.';
COMMENT ON TABLE comments IS 'What a user wrote.';
"""


@pytest.fixture(autouse=True)
def _no_project_config(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def located(review) -> set[tuple[str, str]]:
    return {(finding.code, finding.location) for finding in review.findings}


def test_sql_file_is_reviewed_as_the_database_holds_it(tmp_path, pg_server, capsys):
    path = tmp_path / "schema.sql"
    path.write_text(SET_NULL_DDL)
    assert review_command(str(path), format="json", fail_on="error") == 1
    captured = capsys.readouterr()
    findings = json.loads(captured.out)
    by_code = {finding["code"]: finding for finding in findings}
    assert by_code["SS104"]["column"] == "author_id"  # accepted by PostgreSQL, fails on the first delete
    assert by_code["SS302"]["table"] == "comments"  # imported: no trigger keeps updated_at current
    assert "CREATE TRIGGER" in by_code["SS302"]["fix"]["sql"]
    assert by_code["SS102"]["fix"]["sql"].startswith("CREATE INDEX CONCURRENTLY")  # a live table: do not block it
    assert all(finding["fix"]["design"] is None for finding in findings)  # no design document to change
    assert "warning:" in captured.err  # what the import could not carry over is said, on stderr


def test_a_live_database_reviews_like_the_design_it_was_built_from(pg_url, tmp_path):
    design = load_design(TASKHUB)
    ddl = tmp_path / "schema.sql"
    ddl.write_text(postgres_dialect.render(design).files["schema.sql"])
    apply_postgres_file(pg_url, ddl)
    live = review_source(pg_url)
    assert located(live) == located(review_source(str(TASKHUB)))
    assert all(finding.line is None for finding in live.findings)


def test_a_sqlite_database_under_the_sqlite_profile(tmp_path):
    design = load_design(TASKHUB)
    database = tmp_path / "app.db"
    connection = sqlite3.connect(database)
    connection.executescript(sqlite_dialect.render(design).files["schema.sql"])
    connection.close()
    review = review_source(f"sqlite:///{database}", profile="sqlite")
    found = located(review)
    assert ("SS102", "comments.author_id (comments_author_id_fkey)") in found
    assert ("SS102", "task_activity.actor_id (task_activity_actor_id_fkey)") in found
    assert not {code for code, _ in found} & {"SS207", "SS208", "SS401"}  # PostgreSQL advice stays out


def test_database_urls_are_shown_without_password():
    from schemasmith.text.redaction import redact_url

    shown = redact_url("postgresql://app:s3cret@db.example:5432/shop")
    assert "s3cret" not in shown and "db.example" in shown
    # A URL too malformed to parse still loses its password.
    assert "s3cret" not in redact_url("postgresql://app:s3cret@db.example:notaport/shop")
