"""The DBML target, checked by @dbml/core's parser (the @dbml/parse compiler dbdiagram.io runs).

One Node process parses every schema of this file with `Parser.parse(text, 'dbmlv2')` and hands
back the tables, fields, indexes, checks, refs and enums it understood; they are compared with
the design. Broken DBML must not parse. (The legacy 'dbml' parser of the same package does not
know `checks` blocks, index types beyond btree/hash or escaped quotes; see notes/js-views-helper.md.)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from schemasmith.emit import dbml
from schemasmith.emit.js_tools import run_checker
from schemasmith.model import load_design, load_design_text, naming

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
HOSTILE = ROOT / "tests" / "fixtures" / "hostile"
DESIGN_FILES = sorted(EXAMPLES.glob("*.yaml")) + sorted(HOSTILE.glob("*.yaml"))

EDGE = """
name: edge cases
conventions: {postgres_version: 18}
tables:
  Note:
    comment: "A table named like a DBML keyword, with 'quotes', a \\\\ backslash and\\na line break."
    columns:
      id: {type: uuid}
      ref: {type: "double", default: 1.5}
      flag: {type: boolean, default: false}
      cents: {type: bigint, generated: "round(ref * 100)"}
      tags: {type: "text[]", default: "{}"}
    primary_key: [id]
    checks:
      - {expression: "ref > 0", reason: "Refs are positive."}
    indexes:
      - {columns: [tags], method: gin}
      - {columns: [flag], include: [ref], where: "flag"}
    row_level_security: true
    policies: [{name: mine, using: "true"}]
  child:
    columns:
      note_id: {type: uuid}
      other_id: {type: uuid, nullable: true}
    primary_key: [note_id]
    foreign_keys:
      - {columns: [note_id], references: {table: Note, columns: [id]}, on_delete: cascade, on_update: cascade}
      - {columns: [other_id], references: {table: Note, columns: [id]}, deferrable: true}
    unique:
      - {name: one other, columns: [other_id], nulls_not_distinct: true}
"""

BROKEN = {
    "broken:unclosed": "Table a {\n  id int [pk\n}\n",
    "broken:dangling-ref": "Table a {\n  id int [pk]\n}\n\nRef: a.id > b.id\n",
    "broken:unknown-enum-setting": "Table a {\n  id int [pk, colour: red]\n}\n",
}


@pytest.fixture(scope="module")
def designs():
    designs = {path.stem: load_design(path) for path in DESIGN_FILES}
    designs["edge"] = load_design_text(EDGE)
    return designs


@pytest.fixture(scope="module")
def rendered(designs):
    return {name: dbml.render(design) for name, design in designs.items()}


@pytest.fixture(scope="module")
def parsed(rendered):
    items = {name: output.files["schema.dbml"] for name, output in rendered.items()}
    items["broken:generated"] = items["taskhub"].replace("Table tasks {", "Table tasks", 1)
    items.update(BROKEN)
    results, _versions = run_checker("dbml", items)
    return results


@pytest.mark.parametrize("name", [path.stem for path in DESIGN_FILES] + ["edge"])
def test_dbml_parses_into_the_design(name, designs, parsed):
    design = designs[name]
    result = parsed[name]
    assert result["ok"], result.get("error")
    tables = {table["name"]: table for table in result["tables"]}
    assert list(tables) == list(design.tables)
    for table_name, table in design.tables.items():
        fields = {field["name"]: field for field in tables[table_name]["fields"]}
        assert list(fields) == list(table.columns), table_name
        for column_name, column in table.columns.items():
            field = fields[column_name]
            assert field["pk"] == (table.primary_key == [column_name])
            assert field["notNull"] or field["pk"] or column.nullable, f"{table_name}.{column_name}"
            if column.nullable:
                assert not field["notNull"]
        if len(table.primary_key) > 1:
            assert any(index["pk"] for index in tables[table_name]["indexes"])
        named = {index["name"] for index in tables[table_name]["indexes"] if index["name"]}
        assert set(naming.index_names(table_name, table)) <= named
        assert len(tables[table_name]["checks"]) >= len(table.checks)
    refs = result["refs"]
    assert len(refs) == sum(len(table.foreign_keys) for table in design.tables.values())
    if design.conventions.enum_style == "native":
        assert {enum["name"]: enum["values"] for enum in result["enums"]} == design.enums


@pytest.mark.parametrize("name", ["broken:generated", *BROKEN])
def test_broken_dbml_does_not_parse(name, parsed):
    assert not parsed[name]["ok"]
    assert parsed[name]["error"]


def test_refs_keep_their_rules_and_names(parsed):
    refs = {ref["name"]: ref for ref in parsed["taskhub"]["refs"]}
    assignee = refs["tasks_assignee_id_fkey"]
    assert assignee["onDelete"] == "set null" and assignee["onUpdate"] == "no action"
    assert assignee["endpoints"] == [
        {"table": "tasks", "fields": ["assignee_id"], "relation": "*"},
        {"table": "users", "fields": ["id"], "relation": "1"},
    ]
    edge = {ref["name"]: ref for ref in parsed["edge"]["refs"]}
    one_to_one = edge["child_note_id_fkey"]
    assert [endpoint["relation"] for endpoint in one_to_one["endpoints"]] == ["1", "1"]
    assert one_to_one["onUpdate"] == "cascade"


def test_what_dbml_cannot_express_is_noted_and_warned(parsed, rendered):
    tasks = next(table for table in parsed["taskhub"]["tables"] if table["name"] == "tasks")
    due = next(index for index in tasks["indexes"] if index["name"] == "tasks_due_date_idx")
    assert "WHERE status <> 'done'" in due["note"] and "Serves: overdue" in due["note"]
    assert "max_depth" in tasks["note"]
    board = next(index for index in tasks["indexes"] if index["name"] == "tasks_project_id_priority_created_at_idx")
    assert "priority DESC" in board["note"]
    search = next(index for index in tasks["indexes"] if index["name"] == "tasks_to_tsvector_simple_title_idx")
    assert search["type"] == "gin" and search["columns"] == [{"type": "expression", "value": "to_tsvector('simple', title)"}]
    warnings = "\n".join(rendered["edge"].warnings)
    for expected in ("generated columns", "NULLS NOT DISTINCT", "INCLUDE", "partial indexes", "row-level security",
                     "deferrable"):
        assert expected in warnings, expected
    assert any("no triggers (max_depth, updated_at)" in warning for warning in rendered["taskhub"].warnings)
    note_table = next(table for table in parsed["edge"]["tables"] if table["name"] == "Note")
    assert note_table["note"].startswith("A table named like a DBML keyword, with 'quotes', a \\ backslash and\na line break.")
    assert "Policy mine" in note_table["note"]
    assert {"name": "Note_check", "expression": "ref > 0"} in note_table["checks"]
    fields = {field["name"]: field for field in note_table["fields"]}
    assert fields["id"]["default"] == {"value": "uuidv7()", "type": "expression"}  # PostgreSQL 18
    assert fields["ref"]["default"] == {"type": "number", "value": 1.5}
    assert fields["flag"]["default"]["value"] == "false"
    assert "GENERATED ALWAYS AS" in fields["cents"]["note"]


def test_hostile_names_round_trip(parsed):
    hostile = {table["name"]: table for table in parsed["hostile"]["tables"]}
    assert [field["name"] for field in hostile["user"]["fields"]][2:4] == ["Mixed Case", 'quote"inside']
    assert hostile["user"]["note"].startswith("'; DROP TABLE x; --")
    order = {field["name"]: field for field in hostile["order"]["fields"]}
    assert order["note"]["default"] == {"value": "'; DROP TABLE \"user\"; --", "type": "string"}
    native = parsed["hostile-native"]
    assert {enum["name"] for enum in native["enums"]} == {'Ticket "Kind"', "group"}
    assert next(enum for enum in native["enums"] if enum["name"] == 'Ticket "Kind"')["values"] == ["bug", "won't fix", "$$", "semi;colon"]


def test_output_is_deterministic(designs):
    for design in designs.values():
        assert dbml.render(design).files == dbml.render(design).files
