"""Fuzzing the design-document loader, and `review` / `build` on what it loads.

Properties: loading never raises anything but schemasmith's own errors; every refusal names the
file and each of its problems a place (file:line or table.column); a document that loads saves
and loads back to the same text; review and every build target run on it. Through the CLI: a
refused document exits non-zero with no traceback and writes nothing; a valid one exits 0.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from hypothesis import event, given
from hypothesis import strategies as st
from typer.testing import CliRunner

from schemasmith import cli
from schemasmith.build import BUILT, render_target
from schemasmith.errors import SchemasmithError
from schemasmith.model.yamlio import design_from_data, dump_design, load_design, load_design_text
from schemasmith.review.engine import review_design
from schemasmith.sources import load_source

from .strategies import design_texts, examples, render, seed_designs, shaped_designs

FILE = "fuzz.yaml"


def assert_names_place(error: SchemasmithError, file: str | None) -> None:
    """A refusal names the file (when there is one), and each problem a place."""
    text = str(error)
    assert "Traceback" not in text
    if file is not None:
        assert file in text, f"the message does not name {file}: {text}"
    for problem in error.problems:
        assert problem.file or problem.where, f"a problem without a place: {problem}"
        if problem.file:
            assert problem.line is None or problem.line >= 1


def assert_round_trip(design) -> None:
    text = dump_design(design)
    again = load_design_text(text, "dumped.yaml")
    assert dump_design(again) == text


def assert_usable(design) -> None:
    """Review and every build target run on a loaded design; a refusal names a table or column."""
    assert_round_trip(design)
    review_design(design)
    for target in BUILT:
        try:
            render_target(design, target)
        except SchemasmithError as error:
            identifiers = [*design.tables, *(column for table in design.tables.values() for column in table.columns),
                           *design.views, *design.functions, *design.domains, *design.types, *design.sequences]
            assert any(name and name in str(error) for name in identifiers), f"{target}: {error}"


def load_or_refuse(text: str):
    try:
        design = load_design_text(text, FILE)
    except SchemasmithError as error:
        event(f"refused: {error.args[0]}")
        assert_names_place(error, FILE)
        return None
    event("loaded")
    assert_usable(design)
    return design


def test_every_seed_loads_and_round_trips():
    assert len(seed_designs()) > 50
    for path, text in seed_designs():
        assert_round_trip(load_design_text(text, path))


@given(design_texts())
@examples(150)
def test_mutated_documents_load_or_are_refused_by_place(text):
    load_or_refuse(text)


@given(shaped_designs())
@examples(100)
def test_documents_from_the_grammar_load_or_are_refused_by_place(data):
    load_or_refuse(render(data))
    try:
        design = design_from_data(data)
    except SchemasmithError as error:
        assert_names_place(error, None)
    else:
        assert_round_trip(design)


@given(st.one_of(st.binary(max_size=200), design_texts().map(lambda text: text.encode("utf-8", "surrogatepass"))))
@examples(40)
def test_files_of_any_bytes_are_refused_by_name(data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / FILE
        path.write_bytes(data)
        for load in (load_design, lambda path: load_source(str(path)).design):
            try:
                design = load(path)
            except SchemasmithError as error:
                assert_names_place(error, FILE)
            else:
                assert_round_trip(design)


def _cli(args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(cli.app, args, catch_exceptions=False, env={"COLUMNS": "100", "SCHEMASMITH_DEBUG": None})
    return result.exit_code, result.stdout + result.stderr


@given(design_texts())
@examples(8)
def test_review_and_build_commands_exit_cleanly(text):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / FILE
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            load_design(path)
            valid = True
        except SchemasmithError:
            valid = False
        out = Path(folder) / "out"
        for args in (["review", str(path)], ["build", str(path), "--target", "all", "-o", str(out)]):
            code, output = _cli(args)
            assert not re.search(r"internal error|Traceback", output), output
            assert (code == 0) == valid, f"{args[0]} exited {code} on a {'valid' if valid else 'refused'} document:\n{output}"
            if not valid:
                assert FILE in output
        assert out.exists() == valid
