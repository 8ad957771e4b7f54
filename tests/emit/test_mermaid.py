"""The Mermaid target, checked by Mermaid's own parser (the `mermaid` package's parse, in Node).

One Node process parses every diagram of this file and hands back the entities, attributes and
relationships Mermaid understood, which are compared with the design: a name Mermaid read
differently, a lost column or a wrong cardinality fails here. Broken diagrams must not parse.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from schemasmith.emit import mermaid
from schemasmith.emit.js_tools import run_checker
from schemasmith.model import load_design, load_design_text

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
HOSTILE = ROOT / "tests" / "fixtures" / "hostile"
DESIGN_FILES = sorted(EXAMPLES.glob("*.yaml")) + sorted(HOSTILE.glob("*.yaml"))

EDGE = """
name: "edge: cases"
tables:
  end:
    comment: A table named like a Mermaid keyword.
    columns:
      id: {type: uuid}
      pk: {type: text, comment: "A column named PK, a \\"quoted\\" comment and a % sign"}
      "back`tick": {type: text, nullable: true}
    primary_key: [id]
  "100% \\"real\\"":
    columns:
      id: {type: uuid}
      end_id: {type: uuid}
    primary_key: [id]
    unique: [{columns: [end_id]}]
    foreign_keys:
      - {columns: [end_id], references: {table: end, columns: [id]}, on_delete: cascade}
  "日本":
    columns:
      end_id: {type: uuid, nullable: true}
      n: {type: integer}
    unique: [{columns: [end_id]}]
    foreign_keys:
      - {columns: [end_id], references: {table: end, columns: [id]}}
"""

BROKEN = {
    "broken:cardinality": "erDiagram\n    a ||--o{ : \"x\"\n",
    "broken:attribute": 'erDiagram\n    a {\n        "varchar(20)" name\n    }\n',
    "broken:block": "erDiagram\n    a {\n        uuid id PK\n",
}


@pytest.fixture(scope="module")
def designs():
    designs = {path.stem: load_design(path) for path in DESIGN_FILES}
    designs["edge"] = load_design_text(EDGE)
    return designs


@pytest.fixture(scope="module")
def rendered(designs):
    return {name: mermaid.render(design) for name, design in designs.items()}


@pytest.fixture(scope="module")
def parsed(rendered):
    items = {name: output.files["erDiagram.mmd"] for name, output in rendered.items()}
    items["broken:generated"] = items["taskhub"].replace("organizations ||--o{ memberships", "organizations ||--o{", 1)
    items.update(BROKEN)
    results, _versions = run_checker("mermaid", items)
    return results


def _entities(result):
    """Entities by the table name they show: the alias when there is one, else the id."""
    return {entity["alias"] or entity["id"]: entity for entity in result["entities"]}


@pytest.mark.parametrize("name", [path.stem for path in DESIGN_FILES] + ["edge"])
def test_diagram_parses_into_the_design(name, designs, rendered, parsed):
    design = designs[name]
    result = parsed[name]
    assert result["ok"], result.get("error")
    assert result["type"] == "er"
    entities = _entities(result)
    relabelled = {warning.split(":")[0] for warning in rendered[name].warnings if "labels cannot hold" in warning}
    assert set(entities) | relabelled >= set(design.tables) - relabelled
    assert len(entities) == len(design.tables)
    for table_name, table in design.tables.items():
        if table_name in relabelled:
            continue
        entity = entities[table_name]
        names = [attribute["name"] for attribute in entity["attributes"]]
        expected = [column.replace("`", "'") for column in table.columns]
        assert names == expected, table_name
        for attribute, column_name in zip(entity["attributes"], table.columns):
            assert ("PK" in attribute["keys"]) == (column_name in table.primary_key)
            assert ("FK" in attribute["keys"]) == any(column_name in fk.columns for fk in table.foreign_keys)
    assert len(result["relationships"]) == sum(len(table.foreign_keys) for table in design.tables.values())


@pytest.mark.parametrize("name", ["broken:generated", *BROKEN])
def test_broken_diagrams_do_not_parse(name, parsed):
    assert not parsed[name]["ok"]
    assert "Parse error" in parsed[name]["error"] or "error" in parsed[name]["error"].lower()


def _relationship(result, role):
    return next(r for r in result["relationships"] if r["role"] == role)


def test_cardinalities_follow_the_foreign_keys(parsed):
    taskhub = parsed["taskhub"]
    # Required parent, many children.
    project = _relationship(taskhub, "project_id")
    assert (project["from"], project["to"]) == ("projects", "tasks")
    assert (project["cardFrom"], project["cardTo"]) == ("ONLY_ONE", "ZERO_OR_MORE")
    assert not project["identifying"]
    # Nullable foreign key: zero or one parent; a self-reference.
    parent = _relationship(taskhub, "parent_id")
    assert (parent["from"], parent["to"], parent["cardFrom"]) == ("tasks", "tasks", "ZERO_OR_ONE")
    # A foreign key inside the primary key is identifying.
    assert _relationship(taskhub, "user_id")["identifying"]
    edge = parsed["edge"]
    # A unique foreign key is one-to-one; nullable and unique is zero-or-one on both sides.
    one = next(r for r in edge["relationships"] if r["to"] != "end" and r["cardFrom"] == "ONLY_ONE")
    assert one["cardTo"] == "ZERO_OR_ONE"
    optional = next(r for r in edge["relationships"] if r["cardFrom"] == "ZERO_OR_ONE")
    assert optional["cardTo"] == "ZERO_OR_ONE"


def test_hostile_names_become_aliases(parsed, rendered):
    hostile = _entities(parsed["hostile"])
    assert hostile["order line"]["id"] == "e_order_line"
    assert [a["name"] for a in hostile["user"]["attributes"]][2:4] == ["Mixed Case", 'quote"inside']
    native = _entities(parsed["hostile-native"])
    assert native["Café Orders"]["id"] == "e_cafe_orders"
    assert native["Café Orders"]["attributes"][1]["name"] == "; --"
    edge = _entities(parsed["edge"])
    assert edge["end"]["id"] != "end"  # a keyword cannot be a bare entity
    assert edge["日本"]["id"].startswith("e_")
    assert edge["end"]["attributes"][1]["name"] == "pk" and edge["end"]["attributes"][1]["keys"] == []
    assert edge["100％ 'real'"]  # the label Mermaid can hold, and a warning saying so
    assert any("100% \"real\"" in warning and "labels cannot hold" in warning for warning in rendered["edge"].warnings)
    assert any("back`tick" in warning for warning in rendered["edge"].warnings)


def test_output_is_deterministic(designs):
    for design in designs.values():
        assert mermaid.render(design).files == mermaid.render(design).files
