"""Migration preview: the committed design → the file on disk, as `schemasmith diff` writes it."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess

from schemasmith.build import render_target
from schemasmith.sources import load_source
from schemasmith.studio.migration import preview

from .conftest import EXAMPLES


def _git(folder, *args):
    subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@t", "HOME": str(folder), "PATH": "/usr/bin:/bin"})


def test_disk_against_the_last_commit(tmp_path, client_for):
    schema = tmp_path / "taskhub.yaml"
    shutil.copy(EXAMPLES / "taskhub.yaml", schema)
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "taskhub.yaml")
    _git(tmp_path, "commit", "-qm", "v1")
    client = client_for(schema)
    assert client.get("/api/migration").json()["steps"] == []
    shutil.copy(EXAMPLES / "taskhub-v2.yaml", schema)
    data = client.get("/api/migration").json()
    assert data["available"] and data["old"] == "HEAD:taskhub.yaml" and data["new"] == "taskhub.yaml"
    assert data["steps"] and all(step["up_sql"].strip() and step["down_sql"].strip() for step in data["steps"])
    assert any("CREATE TABLE labels" in step["up_sql"] for step in data["steps"])
    assert any("DROP TABLE" in step["down_sql"] for step in data["steps"])
    rename = next(finding for finding in data["findings"] if finding["kind"] == "rename_column")
    assert rename["backward_incompatible"] and rename["lock"] == "ACCESS EXCLUSIVE"
    assert data["report_markdown"]


def test_no_commit_says_why(design_copy, tmp_path):
    schema = design_copy("taskhub.yaml")
    answer = preview(str(schema))
    assert answer["available"] is False and "not in a git repository" in answer["reason"]


def test_disk_against_a_live_database(tmp_path, client_for):
    from fastapi.testclient import TestClient

    from schemasmith.studio.app import create_app
    from schemasmith.studio.state import Studio

    database = tmp_path / "live.db"
    ddl = render_target(load_source(str(EXAMPLES / "taskhub.yaml")).design, "sqlite").files["schema.sql"]
    with sqlite3.connect(database) as connection:
        connection.executescript(ddl)
    schema = tmp_path / "taskhub-v2.yaml"
    shutil.copy(EXAMPLES / "taskhub-v2.yaml", schema)
    client = TestClient(create_app(Studio(str(schema), db=f"sqlite:///{database}")))
    data = client.get("/api/migration", params={"against": "db"}).json()
    assert data["available"], data.get("reason")
    assert data["old"] == "the live database" and data["dialect"] == "sqlite"
    assert any("labels" in step["up_sql"] for step in data["steps"])
    assert client_for(schema).get("/api/migration", params={"against": "db"}).status_code == 400
