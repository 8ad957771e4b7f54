"""Round trip on real databases: design → DDL file → applied by the real tool → imported → same design.

For every example design and every hostile fixture, on PostgreSQL (embedded 18, and the CI
server when SCHEMASMITH_TEST_PG_URL is set) and on SQLite (the sqlite3 command-line tool when
installed, otherwise the standard library).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import EXAMPLES, REPO
from schemasmith.db.apply import apply_postgres_file, apply_sqlite_file
from schemasmith.dialects import postgres as postgres_dialect
from schemasmith.dialects import sqlite as sqlite_dialect
from schemasmith.importers import postgres as postgres_importer
from schemasmith.importers import sqlite as sqlite_importer
from schemasmith.model import design_differences, dump_design, load_design

DESIGNS = sorted(EXAMPLES.glob("*.yaml")) + sorted((REPO / "tests" / "fixtures" / "hostile").glob("*.yaml"))


@pytest.mark.parametrize("path", DESIGNS, ids=lambda p: p.stem)
def test_postgres_round_trip(path: Path, any_pg_url: str, tmp_path: Path):
    design = load_design(path)
    ddl = tmp_path / "schema.sql"
    ddl.write_text(postgres_dialect.render(design).files["schema.sql"])
    apply_postgres_file(any_pg_url, ddl)
    imported = postgres_importer.import_database(any_pg_url, name=design.name)
    expected = postgres_dialect.project(design)
    assert design_differences(expected, imported.design) == []
    # The imported design is itself a stable design document and rebuilds the same DDL.
    assert postgres_dialect.render(imported.design).files == postgres_dialect.render(expected).files
    assert dump_design(load_design_from_text(dump_design(imported.design))) == dump_design(imported.design)


@pytest.mark.parametrize("path", DESIGNS, ids=lambda p: p.stem)
def test_sqlite_round_trip(path: Path, tmp_path: Path):
    design = load_design(path)
    ddl = tmp_path / "schema.sql"
    ddl.write_text(sqlite_dialect.render(design).files["schema.sql"])
    database = tmp_path / "app.db"
    sqlite_cli = shutil.which("sqlite3")
    if sqlite_cli:
        completed = subprocess.run([sqlite_cli, "-bail", str(database), f".read {ddl}"], capture_output=True, text=True)
        assert completed.returncode == 0, completed.stderr
    else:
        apply_sqlite_file(database, ddl)
    imported = sqlite_importer.import_database(f"sqlite:///{database}", name=design.name)
    expected = sqlite_dialect.project(design)
    assert design_differences(expected, imported.design) == []
    assert sqlite_dialect.render(imported.design).files == sqlite_dialect.render(expected).files


def load_design_from_text(text: str):
    from schemasmith.model import load_design_text

    return load_design_text(text)
