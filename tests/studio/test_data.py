"""The data browser on SQLite: pages, sort, hostile names quoted, only the design's names accepted."""

from __future__ import annotations

import sqlite3

import pytest
from fastapi.testclient import TestClient

from schemasmith.build import render_target
from schemasmith.sources import load_source
from schemasmith.studio.app import create_app
from schemasmith.studio.state import Studio


@pytest.fixture
def hostile_client(hostile_design, tmp_path):
    database = tmp_path / "hostile.db"
    ddl = render_target(load_source(str(hostile_design)).design, "sqlite").files["schema.sql"]
    with sqlite3.connect(database) as connection:
        connection.executescript(ddl)
        connection.executemany('INSERT INTO "user" ("select", "Mixed Case") VALUES (?, ?)',
                               [(f"name {n:03}", "<script>x</script>" if n == 7 else None) for n in range(120)])
    return TestClient(create_app(Studio(str(hostile_design), db=f"sqlite:///{database}"))), database


def test_pages_without_counting(hostile_client):
    client, _ = hostile_client
    first = client.get("/api/data/user", params={"size": 50}).json()
    assert first["columns"][:2] == ["id", "select"] and len(first["rows"]) == 50 and first["more"]
    assert [row[0] for row in first["rows"]] == list(range(1, 51))
    last = client.get("/api/data/user", params={"size": 50, "page": 2}).json()
    assert len(last["rows"]) == 20 and not last["more"]
    assert client.get("/api/data/user", params={"size": 10**9}).json()["size"] == 500


def test_sort_by_a_quoted_column_and_values_as_data(hostile_client):
    client, _ = hostile_client
    page = client.get("/api/data/user", params={"sort": "select", "descending": True, "size": 3}).json()
    assert [row[1] for row in page["rows"]] == ["name 119", "name 118", "name 117"]
    mixed = client.get("/api/data/user", params={"sort": "Mixed Case", "descending": True, "size": 1}).json()
    assert mixed["rows"][0][2] == "<script>x</script>"
    assert client.get("/api/data/order line").json()["rows"] == []


def test_only_the_designs_names_reach_sql(hostile_client):
    client, database = hostile_client
    assert client.get("/api/data/sqlite_master").status_code == 404
    assert client.get("/api/data/user", params={"sort": 'id"; DROP TABLE "user"; --'}).status_code == 422
    assert client.get("/api/data/user", params={"page": -5}).json()["page"] == 0
    with sqlite3.connect(database) as connection:
        assert connection.execute('SELECT count(*) FROM "user"').fetchone() == (120,)


def test_without_db_the_data_browser_says_so(design_copy, client_for):
    client = client_for(design_copy("taskhub.yaml"))
    assert client.get("/api/data/tasks").status_code == 400
    assert 'data-tab="data"' not in client.get("/").text


@pytest.mark.postgres
def test_pages_on_postgres_in_a_read_only_transaction(pg_url, design_copy):
    import psycopg

    from schemasmith.db.urls import libpq_url

    schema = design_copy("taskhub.yaml")
    ddl = render_target(load_source(str(schema)).design, "postgres").files["schema.sql"]
    with psycopg.connect(libpq_url(pg_url), autocommit=True) as connection:
        connection.execute(ddl)
        connection.execute("INSERT INTO organizations (name, slug) VALUES ('Acme', 'acme'), ('Globex', 'globex')")
    client = TestClient(create_app(Studio(str(schema), db=pg_url)))
    page = client.get("/api/data/organizations", params={"sort": "slug", "descending": True}).json()
    assert [row[page["columns"].index("name")] for row in page["rows"]] == ["Globex", "Acme"] and not page["more"]
    assert isinstance(page["rows"][0][page["columns"].index("created_at")], str)  # timestamptz as ISO text
