"""Shared fixtures: one embedded PostgreSQL per test session, a fresh database per test.

`pg_url` is an empty database on the embedded PostgreSQL 18. When SCHEMASMITH_TEST_PG_URL names
another server (CI sets it to the PostgreSQL 15 on 127.0.0.1:5432), `any_pg_url` runs the test
once on each server, so generated DDL is proven on an older version too.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from schemasmith.db.embedded import embedded_server, scratch_database

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
EXAMPLES = REPO / "examples"
EXTERNAL_PG = os.environ.get("SCHEMASMITH_TEST_PG_URL")


@pytest.fixture(scope="session")
def pg_server():
    return embedded_server()


@pytest.fixture
def pg_url(pg_server):
    """An empty database on the embedded PostgreSQL, dropped after the test."""
    with scratch_database(prefix="test") as url:
        yield url


_SERVERS = ["embedded"] + (["external"] if EXTERNAL_PG else [])


@pytest.fixture(params=_SERVERS)
def any_pg_url(request, pg_server):
    """An empty database on each PostgreSQL server the run has (embedded 18, and CI's 15)."""
    server = None if request.param == "embedded" else EXTERNAL_PG
    with scratch_database(server, prefix="test") as url:
        yield url


@pytest.fixture(scope="session")
def migra_role(pg_server):
    """The role rls/a.sql grants a policy to (migra's test suite creates it beforehand), on every server."""
    import psycopg

    from schemasmith.db.embedded import embedded_url

    for url in [embedded_url()] + ([EXTERNAL_PG] if EXTERNAL_PG else []):
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute("DO $$ BEGIN CREATE ROLE schemainspect_test_role; EXCEPTION WHEN duplicate_object THEN NULL; END $$")


_POSTGRES_FIXTURES = {"pg_server", "pg_url", "any_pg_url"}


def pytest_collection_modifyitems(items):
    """Tests that use a PostgreSQL fixture carry the `postgres` marker (`-m "not postgres"`: fast suite)."""
    for item in items:
        if _POSTGRES_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.postgres)
