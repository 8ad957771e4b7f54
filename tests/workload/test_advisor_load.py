from __future__ import annotations

import json
from pathlib import Path

import pytest

from schemasmith.errors import SchemasmithError
from schemasmith.model.document import Query
from schemasmith.model.yamlio import load_design, save_design
from schemasmith.workload.advisor import advise, compare_with_design, strip_to_pk_fk
from schemasmith.workload.command import (
    explain_command,
    indexes_command,
    render_workload_text,
    validate_workload,
)
from schemasmith.workload.load_model import horizon_rows, load_model
from schemasmith.workload.queries import analyse_workload

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def taskhub():
    return load_design(EXAMPLES / "taskhub.yaml")


def proposals(design, queries=None):
    analysed = analyse_workload(design, queries if queries is not None else design.queries)
    return advise(design, analysed)


def shapes(result):
    return {(p["table"], tuple(p["columns"]), tuple(p["expressions"]), p["method"], p["where"], tuple(p["include"])) for p in result["proposals"]}


def test_stripped_taskhub_gets_the_right_shapes(taskhub):
    result = proposals(strip_to_pk_fk(taskhub))
    assert shapes(result) == {
        ("tasks", ("project_id", "priority desc", "created_at"), (), "btree", None, ()),
        ("tasks", ("project_id", "due_date"), (), "btree", "status <> 'done'", ()),
        ("tasks", ("assignee_id",), (), "btree", "assignee_id IS NOT NULL", ()),
        ("tasks", (), ("to_tsvector('simple', title)",), "gin", None, ()),
    }
    served = {(s["query"], s["candidate"]) for s in result["served"]}
    assert ("overdue", "projects (organization_id)") in served  # the unique (organization_id, name) covers it
    assert ("status_counts", "tasks (project_id, status)") in served  # narrows to ~300 rows; nothing redundant
    assert "CREATE INDEX CONCURRENTLY IF NOT EXISTS" in result["ddl"]
    assert "serves: [project_board, status_counts, search_titles]" in result["patch"]
    assert all("per INSERT" in p["write_cost"]["text"] for p in result["proposals"])


def test_full_design_needs_little_and_matches(taskhub):
    result = proposals(taskhub)
    assert len(result["proposals"]) <= 1  # only the project-first overdue variant, everything else is served
    comparison = {tuple(r["serves"]): r["status"] for r in compare_with_design(taskhub)}
    assert comparison[("my_tasks",)] == "same"
    assert comparison[("search_titles",)] == "same"
    assert comparison[("project_board", "status_counts", "search_titles")] == "same"


def test_candidate_rules(taskhub):
    design = strip_to_pk_fk(taskhub)
    queries = [
        Query(id="login", sql="SELECT id FROM users WHERE lower(email) = lower(:email)"),
        Query(id="feed", sql="SELECT id, created_at FROM task_activity WHERE task_id = :t AND created_at > :since ORDER BY created_at DESC"),
        Query(id="changes", sql="SELECT id FROM task_activity WHERE change @> :doc"),
        Query(id="ids_only", sql="SELECT id, due_date FROM tasks WHERE project_id = :p AND status = 'todo' ORDER BY due_date"),
        Query(id="same_keys", sql="SELECT id, due_date FROM tasks WHERE status = 'todo' AND project_id = :p ORDER BY due_date"),
    ]
    result = proposals(design, queries)
    found = shapes(result)
    assert ("users", (), ("lower(email)",), "btree", None, ()) in found
    assert not any(shape[0] == "task_activity" and shape[3] == "btree" for shape in found)  # the kept FK index (task_id, created_at desc)
    assert any(s["query"] == "feed" and "task_activity (task_id, created_at desc)" in s["served_by"] for s in result["served"])
    assert ("task_activity", ("change",), (), "gin", None, ()) in found
    assert ("tasks", ("project_id", "due_date"), (), "btree", "status = 'todo'", ("id",)) in found
    twin = next(p for p in result["proposals"] if p["where"] == "status = 'todo'")
    assert twin["serves"] == ["ids_only", "same_keys"]


def test_existing_index_reversed_direction_and_pk_cover(taskhub):
    queries = [Query(id="by_pk", sql="SELECT * FROM tasks WHERE id = :id"),
               Query(id="feed", sql="SELECT * FROM task_activity WHERE task_id = :t ORDER BY created_at")]
    result = proposals(taskhub, queries)
    assert result["proposals"] == []  # tasks_pkey; (task_id, created_at desc) read backwards


def test_load_model_figures_and_thresholds(taskhub):
    rows = horizon_rows(taskhub)
    assert rows["tasks"] == 1_500_000
    model = load_model(taskhub)
    tasks = next(t for t in model["tables"] if t["table"] == "tasks")
    assert tasks["rows"][36] == 4_500_000 and tasks["rows"][3] == 375_000
    assert 150 < tasks["row_bytes"] < 300
    assert 100 * 2**20 < tasks["table_bytes"][12] < 1024 * 2**20
    big = taskhub.model_copy(deep=True)
    big.tables["task_activity"].expected_rows = 800_000_000
    big.tables["task_activity"].columns["id"].type = "integer"
    advice = " ".join(load_model(big)["advice"])
    assert "task_activity: partition by month 3" in advice
    assert "bigint key by month 36" in advice


def test_growth_drivers_without_expected_rows(taskhub):
    design = taskhub.model_copy(deep=True)
    for table in design.tables.values():
        table.expected_rows = None
    rows = horizon_rows(design)
    assert rows["organizations"] == 500 and rows["projects"] == 5000 and rows["tasks"] == 1_500_000 and rows["comments"] == 7_500_000


def test_validate_workload_and_render(taskhub, pg_server, tmp_path):
    from rich.console import Console

    scale = tmp_path / "scale.yaml"
    scale.write_text("expected_rows: {tasks: 3000000}\n")
    result = validate_workload(taskhub, None, str(scale), None)
    assert result["coverage"]["summary"]["ok"]
    assert next(t for t in result["load"]["tables"] if t["table"] == "tasks")["rows"][12] == 3_000_000
    assert result["load"]["svg"].startswith("<svg") and "tasks" in result["load"]["svg"]
    console = Console(record=True, width=200)
    render_workload_text(result, console)
    text = console.export_text()
    assert "5/5 stories covered" in text and "task_activity" in text
    json.dumps(result)
    bad = tmp_path / "bad.yaml"
    bad.write_text("expected_rows: {nope: 1}\n")
    with pytest.raises(SchemasmithError, match="no table nope"):
        validate_workload(taskhub, None, str(bad), None)


def test_indexes_command_json_and_verify(taskhub, pg_server, tmp_path, capsys):
    path = tmp_path / "stripped.yaml"
    save_design(strip_to_pk_fk(taskhub), path)
    assert indexes_command(str(path), None, True, None, "json", 0.005) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["proposals"]) == 4
    verify = data["verify"]
    assert verify["rows"]["tasks"] == 7500
    by_id = {q["id"]: q for q in verify["queries"]}
    for qid in ("project_board", "my_tasks", "overdue", "search_titles"):
        assert by_id[qid]["uses"], qid  # each query uses its proposed index
        assert "Seq Scan on tasks" in by_id[qid]["before"]["shape"]
    assert verify["total_after_ms"] < verify["total_before_ms"]
    assert verify["dropped"] == []


def test_command_errors(taskhub, tmp_path):
    with pytest.raises(SchemasmithError, match="--format"):
        indexes_command(str(EXAMPLES / "taskhub.yaml"), None, False, None, "xml", 1.0)
    with pytest.raises(SchemasmithError, match="scale-factor"):
        indexes_command(str(EXAMPLES / "taskhub.yaml"), None, False, None, "text", 0)
    with pytest.raises(SchemasmithError, match="PostgreSQL"):
        indexes_command(str(EXAMPLES / "taskhub.yaml"), None, False, "sqlite:///x.db", "text", 1.0)
    with pytest.raises(SchemasmithError, match="no such plan"):
        explain_command(str(tmp_path / "missing.txt"), "text")
    plan = tmp_path / "plan.txt"
    plan.write_text("not a plan")
    with pytest.raises(SchemasmithError, match="plan.txt"):
        explain_command(str(plan), "text")


def test_explain_command_output(tmp_path, capsys):
    plan = tmp_path / "plan.txt"
    plan.write_text("Sort  (cost=1.00..2.00 rows=10 width=4) (actual time=0.1..0.2 rows=10 loops=1)\n  Sort Method: external merge  Disk: 500kB\n")
    assert explain_command(str(plan), "text") == 1
    assert "sort-spills-to-disk" in capsys.readouterr().out
    assert explain_command(str(plan), "json") == 1
    assert json.loads(capsys.readouterr().out)["findings"][0]["code"] == "EX002"


def test_hostile_identifiers_through_advice_and_verify(pg_server, tmp_path, capsys):
    from xml.etree import ElementTree

    from schemasmith.workload.load_model import load_model
    from schemasmith.workload.plot import growth_svg

    queries = tmp_path / "hostile.sql"
    queries.write_text(
        "-- id: orders_of_user\n-- story: A user's orders\n"
        "SELECT o.id, o.status FROM \"order\" o JOIN \"user\" u ON u.id = o.user_id "
        "WHERE u.\"Mixed Case\" = :name AND o.status <> 'it''s paid' ORDER BY o.id;\n"
    )
    hostile = Path(__file__).resolve().parents[1] / "fixtures" / "hostile" / "hostile.yaml"
    assert indexes_command(str(hostile), str(queries), True, None, "json", 0.001) == 0
    data = json.loads(capsys.readouterr().out)
    sql = " ".join(p["sql"] for p in data["proposals"])
    assert '"Mixed Case"' in sql and "'it''s paid'" in sql and 'ON "order"' in sql
    assert data["verify"]["design_indexes_not_built"] == []
    ElementTree.fromstring(growth_svg(load_model(load_design(hostile))))
