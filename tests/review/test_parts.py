"""The review's small parts: YAML flow snippets, the quick line scan, words, profiles."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from schemasmith.model import dump_design, load_design
from schemasmith.model.yamlio import LineMap
from schemasmith.review.fixes import SqlWriter, flow, table_snippet
from schemasmith.review.lines import scan_lines
from schemasmith.review.profiles import UnknownProfileError, parse_profile
from schemasmith.review.words import parts, singular, snake_case
from schemasmith.text.words import is_plural, plural

REPO = Path(__file__).resolve().parents[2]
DESIGNS = sorted((REPO / "examples").glob("*.yaml")) + sorted((REPO / "tests" / "fixtures" / "hostile").glob("*.yaml"))


@pytest.mark.parametrize(
    "value",
    ["plain", "now()", "a IS NOT NULL", "x: y", "yes", "On", "null", "12", "1.5", "# no", "- x", "a, b", "[x]", "{x}",
     "", " lead", "trail ", "é ü", 'say "hi"', "it's", "a\nb", "enum:task_status", "numeric(12,2)", "status <> 'done'",
     "to_tsvector('simple', title)", "*star", "&anchor", "!tag", "%pct", "@at", "`tick`", "|pipe", ">fold", "?q"],
)
def test_flow_reads_back_as_written(value):
    assert yaml.safe_load(flow({"key": [value], value or "k": 1})) == {"key": [value], value or "k": 1}


def test_table_snippet_is_yaml_of_the_design_shape():
    text = table_snippet("order lines", columns={"on": {"type": "text"}}, indexes=[{"columns": ["a"], "where": "a IS NOT NULL"}])
    assert yaml.safe_load(text) == {"tables": {"order lines": {"columns": {"on": {"type": "text"}}, "indexes": [{"columns": ["a"], "where": "a IS NOT NULL"}]}}}


@pytest.mark.parametrize("path", DESIGNS, ids=lambda path: path.stem)
@pytest.mark.parametrize("layout", ["as written", "save_design", "pyyaml default"])
def test_line_scan_agrees_with_the_models_line_map(path, layout):
    text = path.read_text(encoding="utf-8")
    if layout == "save_design":
        text = dump_design(load_design(path))
    elif layout == "pyyaml default":
        text = yaml.safe_dump(yaml.safe_load(text), sort_keys=False, allow_unicode=True)
    scanned = scan_lines(text)
    assert scanned is not None
    reference = LineMap(str(path), text)
    for key, line in scanned.items():
        assert reference.line_of(key) == line, key
    columns = [key for key in reference.lines if len(key) == 4 and key[2] == "columns"]
    assert all(key in scanned for key in columns)


def test_line_scan_gives_up_on_flow_style():
    assert scan_lines("name: x\ntables: {a: {columns: {id: {type: uuid}}}}\n") is None


def test_words():
    assert [singular(word) for word in ("tasks", "categories", "addresses", "people", "status", "activity")] == [
        "task", "category", "address", "person", "status", "activity"]
    assert [plural(word) for word in ("task", "category", "address", "person", "box")] == ["tasks", "categories", "addresses", "people", "boxes"]
    assert is_plural("tasks") is True and is_plural("task") is False and is_plural("activity") is None
    assert parts("unitPrice") == ["unit", "price"] and snake_case("Order Items") == "order_items"


def test_profiles():
    assert parse_profile(None).dialect == "postgres"
    assert parse_profile("sqlite").dialect == "sqlite"
    assert parse_profile("supabase,multi-tenant").names == {"supabase", "multi-tenant", "postgres"}
    with pytest.raises(UnknownProfileError, match="profiles are postgres, sqlite, supabase, multi-tenant"):
        parse_profile("mysql")


def test_sql_writer_quotes_hostile_names():
    postgres, sqlite = SqlWriter("postgres"), SqlWriter("sqlite")
    assert postgres.rename_table('we"ird', "order") == 'ALTER TABLE "we""ird" RENAME TO "order";'
    assert sqlite.rename_column("order", "select", "x") == 'ALTER TABLE "order" RENAME COLUMN "select" TO x;'
    assert postgres.comment_on_table("t", "it's") == "COMMENT ON TABLE t IS 'it''s';"
    assert sqlite.add_constraint("t", "c", "CHECK (a > 0)").startswith("-- SQLite cannot add a constraint")
    assert SqlWriter("postgres", live=True).add_constraint("t", "c", "CHECK (a > 0)").endswith("VALIDATE CONSTRAINT c;")
