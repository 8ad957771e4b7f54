"""The Markdown docs: their structure, the DDL and diagram they embed, and escaping of design text.

Every table has a section; every index that serves a query names that query and quotes its
story; the migration block is byte for byte what the PostgreSQL target renders; the embedded
diagram is the Mermaid target's and parses with Mermaid's own parser (one Node process for all).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from schemasmith.dialects import postgres
from schemasmith.emit import markdown, mermaid
from schemasmith.emit.js_tools import run_checker
from schemasmith.model import load_design, load_design_text, naming, with_implied

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
HOSTILE = ROOT / "tests" / "fixtures" / "hostile"
DESIGN_FILES = sorted(EXAMPLES.glob("*.yaml")) + sorted(HOSTILE.glob("*.yaml"))

EDGE = """
name: "edge | <b>cases</b>"
description: "A <script>alert(1)</script> description with *stars*, [a link](http://example.com) and ``` fences."
tables:
  "pipes | and `ticks`":
    comment: "<img src=x onerror=alert(1)> and a | pipe"
    rationale: "# not a heading\\n- not a list"
    columns:
      id: {type: uuid}
      "a|b": {type: text, comment: "cell | with pipe and ``` fence"}
      secret: {type: text, nullable: true}
    primary_key: [id]
    row_level_security: true
    policies: [{name: "own rows", command: select, roles: [app], using: "secret IS NOT NULL"}]
    notes: ["Should `secret` be encrypted?"]
  Indexes:
    columns:
      id: {type: uuid}
      parent: {type: uuid, nullable: true}
    primary_key: [id]
    foreign_keys:
      - {columns: [parent], references: {table: "pipes | and `ticks`", columns: [id]}, on_delete: restrict}
    indexes:
      - {columns: [parent], serves: [by_parent]}
queries:
  - {id: by_parent, story: "As a *user*, I want <rows> by parent.", frequency: 10/hour, sql: "SELECT id FROM \\"Indexes\\" WHERE parent = :p"}
"""


def _fenced_blocks(text: str) -> list[tuple[str, str]]:
    """(info string, body) of every fenced code block, in order."""
    blocks = []
    lines = text.splitlines()
    position = 0
    while position < len(lines):
        opening = re.match(r"^(`{3,})(.*)$", lines[position])
        if opening:
            fence, info = opening.group(1), opening.group(2)
            end = next(i for i in range(position + 1, len(lines)) if lines[i] == fence)
            blocks.append((info, "\n".join(lines[position + 1 : end]) + "\n"))
            position = end
        position += 1
    return blocks


@pytest.fixture(scope="module")
def designs():
    designs = {path.stem: load_design(path) for path in DESIGN_FILES}
    designs["edge"] = load_design_text(EDGE)
    return designs


@pytest.fixture(scope="module")
def documents(designs):
    return {name: markdown.render(design).files["README.md"] for name, design in designs.items()}


@pytest.fixture(scope="module")
def diagrams_parsed(documents):
    items = {}
    for name, document in documents.items():
        blocks = [body for info, body in _fenced_blocks(document) if info == "mermaid"]
        assert len(blocks) == 1, name
        items[name] = blocks[0]
    results, _versions = run_checker("mermaid", items)
    return results


NAMES = [path.stem for path in DESIGN_FILES] + ["edge"]


@pytest.mark.parametrize("name", NAMES)
def test_every_table_has_a_section_with_its_columns_and_constraints(name, designs, documents):
    design, document = designs[name], documents[name]
    sections = re.split(r"^### ", document, flags=re.MULTILINE)
    for table_name, table in design.tables.items():
        heading = markdown.code(table_name)
        section = next((part for part in sections if part.startswith(heading + "\n")), None)
        assert section is not None, f"no section for {table_name}"
        for column_name in table.columns:
            assert f"| {markdown.code_cell(column_name)} |" in section
        for foreign_key in table.foreign_keys:
            constraint = foreign_key.name or naming.foreign_key_name(table_name, foreign_key.columns)
            assert markdown.code(constraint) in section
            if foreign_key.reason:
                assert markdown.text(foreign_key.reason) in section
        for unique in table.unique:
            if unique.reason:
                assert markdown.text(unique.reason) in section
        for check in table.checks:
            if check.reason:
                assert markdown.text(check.reason) in section
        if table.rationale:
            assert markdown.text(table.rationale) in section


@pytest.mark.parametrize("name", NAMES)
def test_every_index_names_the_queries_it_serves(name, designs, documents):
    design, document = designs[name], documents[name]
    stories = {query.id: query.story for query in design.queries}
    for table_name, table in design.tables.items():
        for index_name, index in zip(naming.index_names(table_name, table), table.indexes):
            line = next(line for line in document.splitlines() if line.startswith(f"- {markdown.code(index_name)}:"))
            following = document.split(line + "\n", 1)[1].split("\n- ", 1)[0]
            for query_id in index.serves:
                assert f"  - Serves {markdown.code(query_id)}: {markdown.text(stories[query_id])}" in following
    for query in design.queries:
        assert f"### {markdown.code(query.id)}" in document
        assert any(info == "sql" and body.strip() == query.sql.strip() for info, body in _fenced_blocks(document))


@pytest.mark.parametrize("name", NAMES)
def test_the_migration_is_the_real_postgres_render(name, designs, documents):
    ddl = postgres.render(designs[name]).files["schema.sql"]
    migration = documents[name].split("\n## Migration\n", 1)[1]
    sql_blocks = [body for info, body in _fenced_blocks(migration) if info == "sql"]
    assert sql_blocks[0] == ddl


@pytest.mark.parametrize("name", NAMES)
def test_the_embedded_diagram_is_the_mermaid_view_and_parses(name, designs, documents, diagrams_parsed):
    blocks = [body for info, body in _fenced_blocks(documents[name]) if info == "mermaid"]
    assert blocks == [mermaid.diagram(with_implied(designs[name]))]
    assert diagrams_parsed[name]["ok"], diagrams_parsed[name].get("error")
    assert len(diagrams_parsed[name]["entities"]) == len(designs[name].tables)


@pytest.mark.parametrize("name", NAMES)
def test_implementation_plan_rates_every_table(name, designs, documents):
    plan = documents[name].split("\n## Implementation plan\n", 1)[1]
    for table_name in designs[name].tables:
        assert re.search(rf"^- \[ \] {re.escape(markdown.code(table_name))} — \*\*(easy|medium|hard)\*\* \(score [\d.]+\): \S", plan, re.MULTILINE)


def test_ratings_and_their_reasons(documents):
    plan = documents["taskhub"].split("\n## Implementation plan\n", 1)[1]
    assert "- [ ] `tasks` — **hard**" in plan
    assert "a max\\_depth trigger on parent\\_id (depth 1)" in plan
    assert "- [ ] `organizations` — **easy** (score 0): plain columns and keys only" in plan
    assert "  - [ ] Test: deleting a row of `projects` deletes the `tasks` rows that point at it" in plan
    edge = documents["edge"].split("\n## Implementation plan\n", 1)[1]
    assert "row-level security with 1 policy" in edge


@pytest.mark.parametrize("name", NAMES)
def test_contents_links_point_at_headings(name, documents):
    document = documents[name]
    anchors = re.findall(r"\]\(#([^)]+)\)", document.split("\n## Overview\n", 1)[0])
    headings = [line for line in document.splitlines() if re.match(r"^#{1,6} ", line)]
    seen: dict[str, int] = {}
    slugs = {markdown.slug(markdown._heading_text(line.split(" ", 1)[1]), seen) for line in headings}
    assert anchors and set(anchors) <= slugs


def test_design_text_cannot_inject_markup(documents):
    document = documents["edge"]
    prose_lines, fence = [], None
    for line in document.splitlines():
        if fence is None and re.match(r"^`{3,}", line):
            fence = re.match(r"^`+", line).group(0)
        elif fence is not None and line == fence:
            fence = None
        elif fence is None:
            prose_lines.append(line)
    prose = "\n".join(prose_lines)
    assert re.search(r"(?<!\\)<", prose) is None  # every < outside code is escaped
    assert "\\<script\\>alert(1)\\</script\\>" in document
    assert "### `` pipes | and `ticks` ``" in document  # a heading that holds backticks exactly
    assert "\\# not a heading \\- not a list" in document or "\\# not a heading - not a list" in document
    # A pipe inside a table cell must not split the cell.
    row = next(line for line in document.splitlines() if line.startswith("| `a\\|b`"))
    assert row.count(" | ") == 4
    assert "own rows" in document and "Should \\`secret\\` be encrypted?" in document


def test_output_is_deterministic(designs):
    for design in designs.values():
        assert markdown.render(design).files == markdown.render(design).files
