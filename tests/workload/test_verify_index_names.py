"""`indexes --verify` names the design's own indexes as the design and the build do (`tasks_title_idx`,
or the index's own `name:`), never by a stand-in such as `design_index_2`."""

from __future__ import annotations

import json
from pathlib import Path

from schemasmith.model.yamlio import load_design
from schemasmith.workload.command import indexes_command
from schemasmith.workload.verify import design_index_names

DESIGN = """\
format: 2
name: verify_names
tables:
  projects:
    expected_rows: 200
    columns:
      id: {type: integer}
      name: {type: text}
    primary_key: [id]
  tasks:
    expected_rows: 400000
    columns:
      id: {type: integer}
      project_id: {type: integer}
      title: {type: text}
      code: {type: text}
      created_at: {type: timestamptz, default: now()}
    primary_key: [id]
    foreign_keys:
      - {columns: [project_id], references: {table: projects, columns: [id]}, on_delete: cascade}
    indexes:
      - {columns: [project_id]}
      - {columns: [title], serves: [by_title]}
      - {name: tasks_by_code, columns: [code], serves: [by_code]}
queries:
  - id: by_title
    frequency: 100/hour
    sql: SELECT id, title FROM tasks WHERE title = :title
  - id: by_code
    frequency: 100/hour
    sql: SELECT id, code FROM tasks WHERE code = :code
"""


def test_design_index_names_are_the_builds(tmp_path: Path):
    path = tmp_path / "design.yaml"
    path.write_text(DESIGN, encoding="utf-8")
    names = [name for _, name in design_index_names(load_design(path))]
    assert names == ["tasks_project_id_idx", "tasks_title_idx", "tasks_by_code"]


def test_verify_shows_the_design_index_names(pg_server, tmp_path: Path, capsys):
    path = tmp_path / "design.yaml"
    path.write_text(DESIGN, encoding="utf-8")
    assert indexes_command(str(path), None, True, None, "json", 0.05) == 0
    printed = capsys.readouterr().out
    assert "design_index_" not in printed
    verify = json.loads(printed)["verify"]
    assert {entry["name"] for entry in verify["design_indexes"]} == {"tasks_title_idx", "tasks_by_code"}
    assert verify["design_indexes_not_built"] == []
    after = {query["id"]: query["after"] for query in verify["queries"]}
    assert "tasks_title_idx" in after["by_title"]["shape"] and "tasks_title_idx" in after["by_title"]["indexes"]
    assert "tasks_by_code" in after["by_code"]["shape"]

    assert indexes_command(str(path), None, True, None, "text", 0.05) == 0
    text = capsys.readouterr().out
    assert "design_index_" not in text
    assert "using tasks_title_idx on tasks" in text and "using tasks_by_code on tasks" in text
