"""`indexes --hypothetical`: HypoPG costing of the advice.

The HypoPG test runs on every server that has the extension available. The embedded
PostgreSQL 18 does not ship it; CI's system PostgreSQL (SCHEMASMITH_TEST_PG_URL) does once
postgresql-NN-hypopg is installed. The list is collected at import time, so when no server has
HypoPG that test is not collected at all (it neither passes nor skips silently). The clear error
on a server without HypoPG always runs, on the embedded server.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from schemasmith.model.yamlio import load_design, save_design
from schemasmith.workload.advisor import advise, strip_to_pk_fk
from schemasmith.workload.command import indexes_command
from schemasmith.workload.hypothetical import HypoPGMissing, hypothetical_advice
from schemasmith.workload.queries import analyse_workload

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
EXTERNAL_PG = os.environ.get("SCHEMASMITH_TEST_PG_URL")


def _has_hypopg(url: str) -> bool:
    try:
        import psycopg

        with psycopg.connect(url, connect_timeout=5) as connection:
            return connection.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'hypopg'").fetchone() is not None
    except Exception:  # noqa: BLE001 - an unreachable server simply has no HypoPG to test
        return False


HYPOPG_SERVERS = [EXTERNAL_PG] if EXTERNAL_PG and _has_hypopg(EXTERNAL_PG) else []


def on_hypopg_servers(test):
    """Run `test` once per server with HypoPG. With none, the test is not collected at all
    (`__test__ = False`), rather than collected as an empty-parameter skip."""
    test.__test__ = bool(HYPOPG_SERVERS)
    return pytest.mark.parametrize("server", HYPOPG_SERVERS, ids=["external"] * len(HYPOPG_SERVERS))(test)


@pytest.fixture(scope="module")
def stripped():
    return strip_to_pk_fk(load_design(EXAMPLES / "taskhub.yaml"))


@on_hypopg_servers
def test_hypothetical_indexes_are_used_and_lower_the_cost(server, stripped):
    analysed = analyse_workload(stripped, stripped.queries)
    advice = advise(stripped, analysed)
    result = hypothetical_advice(stripped, analysed, advice, db=server)
    assert result["seconds"] < 30  # a sample, not the projected scale
    assert result["rows"]["tasks"] <= 50_000 and result["projected_rows"]["tasks"] == 1_500_000
    by_id = {q["id"]: q for q in result["queries"]}
    status = {p["name"]: p for p in result["proposals"]}
    for proposal in advice["proposals"]:
        if proposal["method"] == "gin":  # HypoPG refuses GIN: reported, not silently unused
            assert status[proposal["name"]]["status"] == "not_costed"
            assert "gin" in next(i["why"] for i in result["not_costed"] if i["name"] == proposal["name"])
            continue
        assert status[proposal["name"]]["status"] == "used", proposal["name"]
        for qid in proposal["serves"]:
            query = by_id[qid]
            assert proposal["name"] in query["uses"], (qid, query["after"]["shape"])
            assert query["after"]["cost"] < query["before"]["cost"], qid
            assert "Seq Scan on tasks" in query["before"]["shape"]
    assert {p["status"] for p in result["proposals"]} <= {"used", "not_costed"}
    assert result["unused"] == []
    assert result["total_cost_after"] < result["total_cost_before"]


@on_hypopg_servers
def test_hypothetical_through_the_command(server, stripped, tmp_path, capsys):
    path = tmp_path / "stripped.yaml"
    save_design(stripped, path)
    assert indexes_command(str(path), None, False, server, "json", 1.0, hypothetical=True) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["hypothetical"]["method"] == "hypopg"
    assert len(data["hypothetical"]["proposals"]) == len(data["proposals"])
    assert indexes_command(str(path), None, False, server, "text", 1.0, hypothetical=True) == 0
    text = capsys.readouterr().out
    assert "(hypothetical)" in text and "planner's estimates" in text


def test_server_without_hypopg_gives_one_clear_error(pg_server, stripped, tmp_path):
    """The embedded PostgreSQL has no HypoPG: say to install it or use --verify."""
    path = tmp_path / "stripped.yaml"
    save_design(stripped, path)
    with pytest.raises(HypoPGMissing) as caught:
        indexes_command(str(path), None, False, None, "json", 1.0, hypothetical=True)
    message = str(caught.value)
    assert "HypoPG" in message and "--verify" in message
    assert "-hypopg" in message  # e.g. apt-get install postgresql-18-hypopg


@on_hypopg_servers
def test_a_proposal_no_plan_uses_is_marked_unused(server, stripped):
    from schemasmith.workload.advisor import Candidate

    analysed = analyse_workload(stripped, stripped.queries)
    advice = advise(stripped, analysed)
    probe = Candidate("users", ["created_at"], name="users_created_at_probe")
    advice["candidates"].append(probe)
    advice["proposals"].append({"name": probe.name, "sql": "CREATE INDEX users_created_at_probe ON users (created_at);"})
    result = hypothetical_advice(stripped, analysed, advice, db=server)
    assert result["unused"] == ["users_created_at_probe"]
    assert next(p for p in result["proposals"] if p["name"] == probe.name)["status"] == "unused"
