"""Shared helpers for the migration tests: apply step files as a user would, import, compare."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from schemasmith.db.apply import apply_postgres_file, apply_sqlite_file
from schemasmith.dialects import postgres as postgres_dialect
from schemasmith.dialects import sqlite as sqlite_dialect
from schemasmith.importers import postgres as postgres_importer
from schemasmith.importers import sqlite as sqlite_importer
from schemasmith.migrate import files
from schemasmith.model import Design, design_differences, load_design_text

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
DESIGNS = Path(__file__).parent / "designs"


def taskhub_with_labels() -> str:
    """examples/taskhub.yaml plus the labels feature (designs/taskhub_labels.add.yaml), as YAML text."""
    import yaml

    from schemasmith.model import design_from_data, dump_design

    data = yaml.safe_load((EXAMPLES / "taskhub.yaml").read_text())
    addition = yaml.safe_load((DESIGNS / "taskhub_labels.add.yaml").read_text())
    data["tables"].update(addition["tables"])
    data["tables"]["tasks"]["indexes"] += addition["tasks_indexes"]
    return dump_design(design_from_data(data))


@pytest.fixture(name="labels_yaml", scope="session")
def labels_yaml_fixture(tmp_path_factory) -> Path:
    """NEW = taskhub + labels, written to a file (import this fixture into a test module to use it)."""
    path = tmp_path_factory.mktemp("designs") / "taskhub_labels.yaml"
    path.write_text(taskhub_with_labels())
    return path


def design(text: str) -> Design:
    return load_design_text(text)


def step_files(folder: Path, direction: str) -> list[Path]:
    """The step files of `folder` in the order a runner applies them."""
    steps = files.steps_in(folder)
    if direction == "up":
        return [up for _, _, up, _ in steps]
    return [down for _, _, _, down in reversed(steps) if down is not None]


def apply_postgres(url: str, folder: Path, direction: str = "up") -> list[Path]:
    applied = step_files(folder, direction)
    for path in applied:
        apply_postgres_file(url, path)
    return applied


def apply_sqlite(database: Path, folder: Path, direction: str = "up") -> list[Path]:
    applied = step_files(folder, direction)
    for path in applied:
        if shutil.which("sqlite3"):
            completed = subprocess.run(["sqlite3", "-bail", str(database)], input=path.read_text(), capture_output=True, text=True, check=False)
            assert completed.returncode == 0, f"{path.name}: {completed.stderr}"
        else:
            apply_sqlite_file(database, path)
    return applied


def build_postgres(url: str, design: Design, tmp_path: Path) -> None:
    ddl = tmp_path / "old_schema.sql"
    ddl.write_text(postgres_dialect.render(design).files["schema.sql"])
    apply_postgres_file(url, ddl)


def build_sqlite(database: Path, design: Design, tmp_path: Path) -> None:
    ddl = tmp_path / "old_schema_sqlite.sql"
    ddl.write_text(sqlite_dialect.render(design).files["schema.sql"])
    apply_sqlite_file(database, ddl)


def postgres_differences(url: str, expected: Design, *, ignore_column_order: bool = False, ignore_object_order: bool = False) -> list[str]:
    imported = postgres_importer.import_database(url, name=expected.name).design
    tables = {name: table for name, table in imported.tables.items() if name != "alembic_version"}
    imported = imported.model_copy(update={"tables": tables})
    return differences(postgres_dialect.project(expected), imported, ignore_column_order, ignore_object_order)


def sqlite_differences(database: Path, expected: Design, *, ignore_column_order: bool = False, ignore_object_order: bool = False) -> list[str]:
    imported = sqlite_importer.import_database(f"sqlite:///{database}", name=expected.name).design
    return differences(sqlite_dialect.project(expected), imported, ignore_column_order, ignore_object_order)


def _named_in_order(design: Design) -> Design:
    """Every index and check named explicitly and sorted by name: creation order carries no meaning.

    PostgreSQL cannot move an index it has to drop and recreate (around an enum type swap) back
    to its old place in the catalog's order; comparisons that allow this use this form.
    """
    from schemasmith.model import naming

    tables = {}
    for name, table in design.tables.items():
        indexes = [index.model_copy(update={"name": index_name}) for index, index_name in zip(table.indexes, naming.index_names(name, table))]
        checks = [check.model_copy(update={"name": check.name or naming.check_name(name, i)}) for i, check in enumerate(table.checks)]
        tables[name] = table.model_copy(update={
            "indexes": sorted(indexes, key=lambda index: index.name or ""),
            "checks": sorted(checks, key=lambda check: check.name or ""),
        })
    return design.model_copy(update={"tables": tables})


def differences(expected: Design, imported: Design, ignore_column_order: bool = False, ignore_object_order: bool = False) -> list[str]:
    if ignore_object_order:
        expected, imported = _named_in_order(expected), _named_in_order(imported)
    if ignore_column_order:
        tables = {}
        for name, table in imported.tables.items():
            wanted = expected.tables.get(name)
            if wanted is not None and set(wanted.columns) == set(table.columns):
                table = table.model_copy(update={"columns": {column: table.columns[column] for column in wanted.columns}})
            tables[name] = table
        imported = imported.model_copy(update={"tables": tables})
    return design_differences(expected, imported)


def postgres_rows(url: str, sql: str) -> list[tuple]:
    import psycopg

    with psycopg.connect(url) as connection:
        return connection.execute(sql).fetchall()


def postgres_execute(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(sql)


def sqlite_rows(database: Path, sql: str) -> list[tuple]:
    connection = sqlite3.connect(database)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def sqlite_execute(database: Path, sql: str) -> None:
    connection = sqlite3.connect(database)
    try:
        connection.execute("PRAGMA foreign_keys = ON")
        connection.executescript(sql)
        connection.commit()
    finally:
        connection.close()
