"""diff → migrate apply → status → down, through the installed command, on real databases.

The evolution workflow as a user runs it: the design's DDL is live, `diff` writes the numbered
step files, `migrate apply` runs them with its history table, the database then reads back as
the new design (the runner's own table left out), and `migrate down` returns it to the old one.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from migrate_helpers import (  # noqa: F401 - the labels_yaml fixture
    EXAMPLES,
    apply_postgres,
    build_postgres,
    build_sqlite,
    differences,
    labels_yaml_fixture,
)

from schemasmith.dialects import postgres as postgres_dialect
from schemasmith.dialects import sqlite as sqlite_dialect
from schemasmith.importers import postgres as postgres_importer
from schemasmith.importers import sqlite as sqlite_importer
from schemasmith.model import load_design

SCHEMASMITH = str(Path(sys.executable).parent / "schemasmith")


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([SCHEMASMITH, *args], capture_output=True, text=True, timeout=300)


def same_up_to_order(expected, imported) -> list[str]:
    """PostgreSQL appends added columns and recreated indexes at the end: order is no meaning here."""
    return differences(expected, imported, ignore_column_order=True, ignore_object_order=True)


def test_postgres_diff_apply_status_down(pg_url: str, labels_yaml: Path, tmp_path: Path):
    old = load_design(EXAMPLES / "taskhub.yaml")
    new = load_design(labels_yaml)
    build_postgres(pg_url, old, tmp_path)
    folder = tmp_path / "migrations"
    written = run("diff", str(EXAMPLES / "taskhub.yaml"), str(labels_yaml), "-o", str(folder))
    assert written.returncode == 0, written.stderr
    assert sorted(folder.glob("*.up.sql")), written.stdout

    applied = run("migrate", "apply", "--db", pg_url, "--dir", str(folder))
    assert applied.returncode == 0, applied.stderr
    status = run("migrate", "status", "--db", pg_url, "--dir", str(folder))
    assert status.returncode == 0 and "pending" not in status.stdout.splitlines()[-1]

    live = postgres_importer.import_database(pg_url, name=new.name).design
    assert "schemasmith_migrations" not in live.tables  # the runner's history is no part of the design
    assert same_up_to_order(postgres_dialect.project(new), live) == []
    # Diffing the live database against the design it now holds finds nothing left to do.
    again = run("diff", pg_url, str(labels_yaml), "-o", str(tmp_path / "nothing"))
    assert again.returncode == 0, again.stderr
    assert not list((tmp_path / "nothing").glob("*.up.sql"))

    refused = run("migrate", "down", "--db", pg_url, "--dir", str(folder), "--to-version", "0")
    assert refused.returncode != 0 and "--allow-data-loss" in refused.stderr  # dropping labels loses rows
    down = run("migrate", "down", "--db", pg_url, "--dir", str(folder), "--to-version", "0", "--allow-data-loss")
    assert down.returncode == 0, down.stderr
    back = postgres_importer.import_database(pg_url, name=old.name).design
    assert same_up_to_order(postgres_dialect.project(old), back) == []


def test_sqlite_diff_apply_down(labels_yaml: Path, tmp_path: Path):
    old = load_design(EXAMPLES / "taskhub.yaml")
    new = load_design(labels_yaml)
    database = tmp_path / "app.db"
    build_sqlite(database, old, tmp_path)
    folder = tmp_path / "migrations"
    written = run("diff", str(EXAMPLES / "taskhub.yaml"), str(labels_yaml), "--target", "sqlite", "-o", str(folder))
    assert written.returncode == 0, written.stderr
    url = f"sqlite:///{database}"
    applied = run("migrate", "apply", "--db", url, "--dir", str(folder))
    assert applied.returncode == 0, applied.stderr
    live = sqlite_importer.import_database(url, name=new.name).design
    assert "schemasmith_migrations" not in live.tables
    assert same_up_to_order(sqlite_dialect.project(new), live) == []
    down = run("migrate", "down", "--db", url, "--dir", str(folder), "--to-version", "0", "--allow-data-loss")
    assert down.returncode == 0, down.stderr
    back = sqlite_importer.import_database(url, name=old.name).design
    assert same_up_to_order(sqlite_dialect.project(old), back) == []
