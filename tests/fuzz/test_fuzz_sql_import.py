"""Fuzzing SQL import: DDL from a small grammar, applied to the embedded PostgreSQL and to SQLite.

Properties: importing never raises anything but schemasmith's own errors; a refusal names the
file and a line, or an identifier or the statement from the input; an imported design saves and
loads back to the same text (or, when it breaks a rule of the design document, the import says
so in a warning). Through the CLI (`schemasmith import FILE.sql -o out.yaml`): exit 0
and a design that loads, or a non-zero exit with no traceback and nothing written.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import event, given
from typer.testing import CliRunner

from schemasmith import cli
from schemasmith.errors import SchemasmithError
from schemasmith.importers import postgres as postgres_importer
from schemasmith.importers import sqlite as sqlite_importer
from schemasmith.model.invariants import check_invariants
from schemasmith.model.yamlio import dump_design, load_design, load_design_text

from .strategies import ddl_scripts, examples

FILE = "fuzz.sql"
_WORD = re.compile(r'"((?:[^"]|"")+)"|([A-Za-z_][A-Za-z0-9_]*)')


def words_of(sql: str) -> set[str]:
    """The identifiers (and keywords) written in `sql`, quoted ones unquoted."""
    found = set()
    for quoted, plain in _WORD.findall(sql):
        found.add(quoted.replace('""', '"') if quoted else plain)
    return {word for word in found if len(word) > 1}


def assert_names_place(error: SchemasmithError, sql: str) -> None:
    """The refusal names the file and a line, or an identifier of the input."""
    text = str(error)
    assert "Traceback" not in text
    assert FILE in text, f"the message does not name {FILE}: {text}"
    if re.search(rf"{re.escape(FILE)}:\d+", text):
        return
    lowered = text.lower()
    assert any(word.lower() in lowered for word in words_of(sql)), f"the message names no line and nothing of the input: {text}"


def assert_round_trip(design) -> None:
    text = dump_design(design)
    again = load_design_text(text, "imported.yaml")
    assert dump_design(again) == text


def import_or_refuse(importer, sql: str, **options) -> None:
    try:
        result = importer(sql, file=FILE, **options)
    except SchemasmithError as error:
        event(f"refused: {str(error).splitlines()[0][:40]}")
        assert_names_place(error, sql)
        return
    event(f"imported {min(len(result.design.tables), 3)}+ tables")
    problems = check_invariants(result.design)
    if problems:  # readable with a warning (review, diff); `import` refuses to save it
        event("imported with a warning that it breaks a design rule")
        assert all(any(str(problem) in warning for warning in result.warnings) for problem in problems), result.warnings
        return
    assert_round_trip(result.design)


@pytest.mark.postgres
@given(ddl_scripts("postgres"))
@examples(40)
def test_postgres_import_of_generated_ddl(pg_server, sql):
    import_or_refuse(postgres_importer.import_ddl, sql)


@given(ddl_scripts("sqlite"))
@examples(150)
def test_sqlite_import_of_generated_ddl(sql):
    import_or_refuse(sqlite_importer.import_ddl, sql)


@given(ddl_scripts("postgres"))
@examples(40)
def test_sqlite_import_of_postgres_ddl(sql):
    """DDL of the other dialect is refused by place too: what `--dialect sqlite` does to a PostgreSQL file."""
    import_or_refuse(sqlite_importer.import_ddl, sql)


def _cli(args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(cli.app, args, catch_exceptions=False, env={"COLUMNS": "100", "SCHEMASMITH_DEBUG": None})
    return result.exit_code, result.stdout + result.stderr


@pytest.mark.postgres
@given(ddl_scripts("postgres"))
@examples(6)
def test_import_command_exits_cleanly(pg_server, sql):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / FILE
        path.write_text(sql, encoding="utf-8")
        output = Path(folder) / "out.yaml"
        for dialect in ("postgres", "sqlite"):
            code, printed = _cli(["import", str(path), "--dialect", dialect, "-o", str(output)])
            assert not re.search(r"internal error|Traceback", printed), printed
            if code == 0:
                assert_round_trip(load_design(output))
                output.unlink()
            else:
                assert FILE in printed
                assert not output.exists()
