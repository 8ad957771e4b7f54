from __future__ import annotations

from pathlib import Path

import pytest

from schemasmith.model.document import Query
from schemasmith.model.yamlio import load_design
from schemasmith.workload.coverage import check_coverage
from schemasmith.workload.queries import (
    WorkloadError,
    analyse_query,
    bind_names,
    load_queries,
    parse_sql_file,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def taskhub():
    return load_design(EXAMPLES / "taskhub.yaml")


def test_bind_names_leaves_literals_casts_and_comments():
    sql, names = bind_names("SELECT ':no', x::int, \"a:b\" FROM t WHERE a = :a AND b = :b OR c = :a -- :c\n")
    assert names == ["a", "b"]
    assert "a = $1 AND b = $2 OR c = $1" in sql and "':no'" in sql and "x::int" in sql and "-- :c" in sql


def test_aliases_resolve_and_joins_count(taskhub):
    query = Query(id="q", sql="SELECT t.id, o.name FROM tasks t JOIN projects p ON p.id = t.project_id "
                  "JOIN organizations o ON o.id = p.organization_id, memberships m WHERE m.user_id = :u")
    analysed = analyse_query(taskhub, query)
    assert analysed.problems == []
    assert analysed.joins == 3
    assert analysed.aliases == {"t": "tasks", "p": "projects", "o": "organizations", "m": "memberships"}


@pytest.mark.parametrize(
    "sql, message",
    [
        ("SELECT id FROM taskz", "table taskz does not exist"),
        ("SELECT t.nope FROM tasks t", "column tasks.nope does not exist"),
        ("SELECT x.id FROM tasks t", "no table or alias x"),
        ("SELECT id FROM tasks t JOIN projects p ON p.id = t.project_id", "column id is ambiguous"),
        ("SELEC id FROM tasks", "does not parse"),
        ("SELECT id FROM tasks WHERE id IN (SELECT task_id FROM comments WHERE bogus = 1)", "column bogus does not exist"),
    ],
)
def test_unknown_names_are_named(taskhub, sql, message):
    problems = analyse_query(taskhub, Query(id="q", sql=sql)).problems
    assert any(message in problem for problem in problems), problems


def test_output_aliases_and_ctes_are_not_errors(taskhub):
    sql = "WITH open AS (SELECT project_id FROM tasks WHERE status <> 'done') SELECT project_id, count(*) AS n FROM open GROUP BY project_id ORDER BY n DESC"
    assert analyse_query(taskhub, Query(id="q", sql=sql)).problems == []


def test_sql_queries_file(tmp_path):
    text = "-- id: board\n-- story: As a PM, I see the board.\nSELECT 1 FROM tasks WHERE project_id = :p;\n\n-- story: second; with semicolon\nSELECT ';' ;\n-- story: Nobody wrote this one yet.\n"
    queries = parse_sql_file(text)
    assert [q.id for q in queries] == ["board", "q2", "q3"]
    assert queries[1].story == "second; with semicolon" and queries[1].sql == "SELECT ';'"
    assert queries[2].sql == ""
    path = tmp_path / "w.yaml"
    path.write_text("- {id: a, story: s, sql: SELECT 1}\n- {id: a, sql: SELECT 2}\n")
    with pytest.raises(WorkloadError, match="appears twice"):
        load_queries(path)
    with pytest.raises(WorkloadError, match="no such"):
        load_queries(tmp_path / "missing.sql")


def test_taskhub_is_covered_within_two_joins(taskhub, pg_server):
    result = check_coverage(taskhub)
    assert result["summary"]["covered"] == 5 and result["summary"]["ok"]
    assert all(row["joins"] <= 2 and not row["flagged"] for row in result["queries"])
    assert {row["plan"] for row in result["queries"]} != {"Result"}  # a generic plan, not one for NULL


def test_coverage_reports_failures_flags_and_uncovered(taskhub, pg_server):
    queries = [
        Query(id="bad_column", story="s1", sql="SELECT nope FROM tasks"),
        Query(id="bad_type", story="s2", sql="SELECT id FROM tasks WHERE due_date = 'not a date'"),
        Query(id="deep", story="s3", sql="SELECT c.id FROM comments c JOIN tasks t ON t.id = c.task_id JOIN projects p ON p.id = t.project_id "
              "JOIN organizations o ON o.id = p.organization_id WHERE o.slug = :slug"),
        Query(id="untyped", story="s4", sql="SELECT id FROM tasks WHERE :flag IS NULL"),
        Query(id="todo", story="s5", sql=""),
    ]
    rows = {row["id"]: row for row in check_coverage(taskhub, queries)["queries"]}
    assert rows["bad_column"]["status"] == "failed"
    assert rows["bad_type"]["status"] == "failed" and "does not run" in rows["bad_type"]["problems"][0]
    assert rows["deep"]["status"] == "covered" and rows["deep"]["flagged"] and rows["deep"]["joins"] == 3
    assert rows["untyped"]["status"] == "covered"
    assert rows["todo"]["status"] == "uncovered"
