"""The EXPLAIN reader on real plans: each situation is produced on the embedded PostgreSQL, the
plan captured in JSON and in text, and the finding asserted on both."""

from __future__ import annotations

import json

import psycopg
import pytest

from schemasmith.db.embedded import scratch_database
from schemasmith.workload.explain import PlanError, analyse, explain_report, read_plan

SETUP = """
CREATE TABLE big (id integer PRIMARY KEY, a integer, b integer, category integer, payload text);
INSERT INTO big SELECT g, g % 100, g % 100, g % 1000, md5(g::text) FROM generate_series(1, 60000) g;
CREATE INDEX big_category ON big (category);
CREATE TABLE other (id integer, big_id integer, note text);
INSERT INTO other SELECT g, 1 + (g * 7) % 60000, md5(g::text) FROM generate_series(1, 3000) g;
CREATE TABLE wide (id integer, category integer, payload text);
INSERT INTO wide SELECT g, g % 1000, repeat(md5(g::text), 8) FROM generate_series(1, 50000) g;
CREATE INDEX wide_category ON wide (category);
CREATE TABLE small (id integer, a integer, note text);
INSERT INTO small SELECT g, g % 100, md5(g::text) FROM generate_series(1, 2000) g;
CREATE TABLE stale (id integer, status text) WITH (autovacuum_enabled = false);
INSERT INTO stale SELECT g, 'done' FROM generate_series(1, 20000) g;
ANALYZE big; ANALYZE other; ANALYZE wide; ANALYZE small; ANALYZE stale;
UPDATE stale SET status = 'todo' WHERE id % 2 = 0;
"""

SITUATIONS = {
    "seq_scan": ("", "SELECT * FROM big WHERE a = 7 AND payload LIKE 'a%'"),
    "sort_spill": ("SET work_mem = '64kB'", "SELECT * FROM big ORDER BY payload"),
    "nested_loop": (
        "SET enable_hashjoin = off; SET enable_mergejoin = off; SET enable_memoize = off; SET enable_material = off",
        "SELECT count(*) FROM other o JOIN small s ON s.a = o.id % 100 AND s.note < o.note WHERE o.id <= 1500",
    ),
    "misestimate": ("", "SELECT * FROM big WHERE a = 1 AND b = 1"),
    "stale": ("", "SELECT * FROM stale WHERE status = 'todo'"),
    "lossy": (
        "SET work_mem = '64kB'; SET enable_seqscan = off; SET enable_indexscan = off",
        "SELECT count(payload) FROM wide WHERE category < 600",
    ),
    "hash_batches": ("SET work_mem = '64kB'; SET enable_mergejoin = off; SET enable_nestloop = off",
                     "SELECT count(*) FROM big b1 JOIN big b2 ON b1.payload = b2.payload"),
}


@pytest.fixture(scope="module")
def plans(pg_server):
    captured = {}
    with scratch_database(prefix="explain") as url, psycopg.connect(url, autocommit=True) as connection:
        connection.execute(SETUP)
        connection.execute("SET max_parallel_workers_per_gather = 0")
        for name, (settings, sql) in SITUATIONS.items():
            connection.execute("RESET ALL; SET max_parallel_workers_per_gather = 0")
            if settings:
                connection.execute(settings)
            rows = connection.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}").fetchone()[0]
            text = "\n".join(row[0] for row in connection.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}").fetchall())
            captured[name] = {"json": json.dumps(rows), "text": text}
    return captured


def codes(text: str) -> set[str]:
    return {finding.name for finding in analyse(read_plan(text))}


@pytest.mark.parametrize("form", ["json", "text"])
@pytest.mark.parametrize(
    "situation, expected",
    [
        ("seq_scan", "seq-scan-selective-filter"),
        ("sort_spill", "sort-spills-to-disk"),
        ("nested_loop", "nested-loop-many-rows"),
        ("misestimate", "row-misestimate"),
        ("stale", "row-misestimate"),
        ("lossy", "lossy-bitmap-heap-scan"),
        ("hash_batches", "hash-batches"),
    ],
)
def test_finding_on_real_plan(plans, situation, form, expected):
    found = codes(plans[situation][form])
    assert expected in found, (found, plans[situation]["text"])


def test_text_and_json_read_alike(plans):
    for name, captured in plans.items():
        as_json, as_text = read_plan(captured["json"]), read_plan(captured["text"])
        assert as_json.analyzed and as_text.analyzed
        kinds_json = [node.get("Node Type") for node, _ in as_json.nodes()]
        kinds_text = [node.get("Node Type") for node, _ in as_text.nodes()]
        assert kinds_json == kinds_text, name
        assert {f.name for f in analyse(as_json)} == {f.name for f in analyse(as_text)}, name


def test_fix_names_the_filtered_columns(plans):
    finding = next(f for f in analyse(read_plan(plans["seq_scan"]["json"])) if f.name == "seq-scan-selective-filter")
    assert "big" in finding.fix and "a" in finding.figures["columns"]
    correlated = next(f for f in analyse(read_plan(plans["misestimate"]["json"])) if f.name == "row-misestimate")
    assert "CREATE STATISTICS ON a, b FROM big" in correlated.fix


def test_psql_decorated_text_and_json():
    text = """                                   QUERY PLAN
----------------------------------------------------------------------------------
 Sort  (cost=1.00..2.00 rows=10 width=4) (actual time=0.1..0.2 rows=10.00 loops=1)
   Sort Key: a
   Sort Method: external merge  Disk: 2048kB
   ->  Seq Scan on t  (cost=0.00..1.00 rows=10 width=4) (actual time=0.01..0.02 rows=10.00 loops=1)
 Planning Time: 0.1 ms
 Execution Time: 0.3 ms
(6 rows)
"""
    report = explain_report(text)
    assert report["execution_ms"] == 0.3
    assert [f["name"] for f in report["findings"]] == ["sort-spills-to-disk"]
    assert "8MB" in report["findings"][0]["fix"]
    decorated = ' [\n   {\n     "Plan": {"Node Type": "Seq Scan", "Relation Name": "t", "Plan Rows": 5}\n   }\n ]'
    assert explain_report(decorated)["analyzed"] is False


def test_plain_explain_has_no_measured_findings():
    report = explain_report("Seq Scan on t  (cost=0.00..1000.00 rows=100000 width=4)\n  Filter: (a = 1)")
    assert report["findings"] == [] and report["analyzed"] is False


@pytest.mark.parametrize("bad", ["", "hello world", "[]", '{"x": 1}', "[{"])
def test_bad_input_is_a_clear_error(bad):
    with pytest.raises(PlanError):
        read_plan(bad)
