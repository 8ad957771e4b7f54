"""The studio's JSON API on the examples: what the page draws, reviews and offers to download."""

from __future__ import annotations

import io
import json
import os
import zipfile

import yaml

from schemasmith.build import BUILT
from schemasmith.sources import load_source

from .conftest import EXAMPLES


def test_page_and_state(design_copy, client_for):
    client = client_for(design_copy("taskhub.yaml"))
    page = client.get("/")
    assert page.status_code == 200
    assert 'data-testid="design-name">taskhub<' in page.text
    state = client.get("/api/state").json()
    assert state == {"version": 1, "error": None, "warnings": [], "name": "taskhub", "schema": "taskhub.yaml",
                     "layout_file": "taskhub.layout.json", "has_db": False}


def test_diagram_has_every_table_with_markers_and_cardinality(design_copy, client_for):
    client = client_for(design_copy("taskhub.yaml"))
    data = client.get("/api/diagram").json()
    design = load_source(str(EXAMPLES / "taskhub.yaml")).design
    assert [node["name"] for node in data["nodes"]] == list(design.tables)
    tasks = next(node for node in data["nodes"] if node["name"] == "tasks")
    columns = {column["name"]: column for column in tasks["columns"]}
    assert columns["id"]["pk"] and not columns["id"]["nullable"]
    assert columns["project_id"]["fk"] and not columns["project_id"]["nullable"]
    assert columns["assignee_id"]["fk"] and columns["assignee_id"]["nullable"]
    organizations = next(node for node in data["nodes"] if node["name"] == "organizations")
    assert next(column for column in organizations["columns"] if column["name"] == "slug")["unique"]
    edges = {(edge["from"], tuple(edge["from_columns"]), edge["to"]): edge["cardinality"] for edge in data["edges"]}
    assert edges[("tasks", ("project_id",), "projects")] == {"from": "many", "to": "one", "label": "N:1"}
    assert edges[("tasks", ("assignee_id",), "users")] == {"from": "many", "to": "zero-or-one", "label": "N:0..1"}
    assert ("tasks", ("parent_id",), "tasks") in edges  # the self-reference is drawn
    assert data["positions"] == {}


def test_views_are_nodes(client_for):
    data = client_for(EXAMPLES.parent / "tests" / "fixtures" / "objects" / "objects.yaml").get("/api/diagram").json()
    views = [node for node in data["nodes"] if node["kind"] != "table"]
    assert {"paid_orders", "reports.daily_totals"} <= {node["name"] for node in views}
    assert all(node["query"] for node in views)


def test_layout_is_saved_beside_the_design_and_checked(design_copy, client_for):
    schema = design_copy("taskhub.yaml")
    client = client_for(schema)
    positions = {"tasks": {"x": 10.04, "y": -20}, "users": {"x": 300, "y": 40.5}}
    answer = client.put("/api/layout", json={"positions": positions})
    assert answer.json() == {"saved": True, "file": "taskhub.layout.json", "count": 2}
    saved = json.loads((schema.parent / "taskhub.layout.json").read_text())
    assert saved == {"format": 1, "positions": {"tasks": {"x": 10.0, "y": -20.0}, "users": {"x": 300.0, "y": 40.5}}}
    assert client.get("/api/diagram").json()["positions"] == saved["positions"]
    assert client.put("/api/layout", json={"positions": {"../etc/passwd": {"x": 1, "y": 1}}}).status_code == 422
    assert client.put("/api/layout", json={"positions": {"tasks": {"x": "1", "y": 1}}}).status_code == 422
    assert client.put("/api/layout", content=b'{"positions": {"tasks": {"x": NaN, "y": 1}}}',
                      headers={"content-type": "application/json"}).status_code == 422
    assert json.loads((schema.parent / "taskhub.layout.json").read_text()) == saved  # refused writes change nothing


def test_findings_with_rule_documentation(design_copy, client_for):
    client = client_for(design_copy("taskhub.yaml"))
    data = client.get("/api/findings").json()
    assert data["counts"] == {"error": 0, "warning": 2, "info": 3}
    slug = next(finding for finding in data["findings"] if finding["location"] == "organizations.slug")
    assert slug["code"] == "SS208" and slug["fix"]["sql"] and slug["fix"]["design"] and slug["line"]
    rule = client.get(f"/api/rules/{slug['code']}").json()
    assert list(rule["sections"]) == ["What it does", "Why is this bad?", "Example", "Use instead"]
    assert client.get("/api/rules/SS999").status_code == 404


def test_every_build_target_is_viewable_and_downloadable(design_copy, client_for):
    client = client_for(design_copy("taskhub.yaml"))
    targets = client.get("/api/artifacts").json()["targets"]
    assert list(targets) == list(BUILT)
    assert all(result["files"] and result["error"] is None for result in targets.values())
    ddl = client.get("/api/artifacts/postgres", params={"path": "schema.sql"})
    assert ddl.status_code == 200 and "CREATE TABLE" in ddl.text and "content-disposition" not in ddl.headers
    download = client.get("/api/artifacts/prisma", params={"path": "schema.prisma", "download": 1})
    assert download.headers["content-disposition"] == 'attachment; filename="schema.prisma"'
    assert client.get("/api/artifacts/postgres", params={"path": "../../etc/passwd"}).status_code == 404
    archive = zipfile.ZipFile(io.BytesIO(client.get("/api/artifacts.zip").content))
    assert "mermaid/erDiagram.mmd" in archive.namelist() and "postgres/schema.sql" in archive.namelist()
    assert archive.read("postgres/schema.sql").decode() == ddl.text


def _rewrite(path, text):
    stat = path.stat()
    path.write_text(text, encoding="utf-8")
    # A later modification time whatever the file system's clock resolution.
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))


def test_a_change_on_disk_regenerates_everything(design_copy, client_for):
    schema = design_copy("taskhub.yaml")
    client = client_for(schema)
    before = client.get("/api/artifacts/postgres", params={"path": "schema.sql"}).text
    assert "labels" not in [node["name"] for node in client.get("/api/diagram").json()["nodes"]]
    _rewrite(schema, (EXAMPLES / "taskhub-v2.yaml").read_text(encoding="utf-8"))
    assert client.get("/api/state").json()["version"] == 2
    assert "labels" in [node["name"] for node in client.get("/api/diagram").json()["nodes"]]
    after = client.get("/api/artifacts/postgres", params={"path": "schema.sql"}).text
    assert after != before and "CREATE TABLE labels" in after


def test_a_broken_edit_keeps_the_last_good_design(design_copy, client_for):
    schema = design_copy("taskhub.yaml")
    client = client_for(schema)
    data = yaml.safe_load(schema.read_text())
    data["tables"]["tasks"]["columns"]["title"]["type"] = "no such type"
    _rewrite(schema, yaml.safe_dump(data, sort_keys=False))
    state = client.get("/api/state").json()
    assert state["error"] and "no such type" in state["error"]
    assert "tasks" in [node["name"] for node in client.get("/api/diagram").json()["nodes"]]
