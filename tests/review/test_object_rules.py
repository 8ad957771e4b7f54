"""The rules about views, functions and triggers (SS311, SS312, SS407, SS408): what they read in
the SQL the design keeps, that their documented SQL examples hold through a real import, that
their fixes apply and remove the finding, and that designs without such objects stay quiet."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from schemasmith.db.urls import libpq_url
from schemasmith.errors import SchemasmithError
from schemasmith.review import objects
from schemasmith.review.engine import review_design, review_source
from schemasmith.review.registry import get_rule

from .helpers import FIXTURES, apply_design_fix, design_of, fenced, fixture_header

REPO = Path(__file__).resolve().parents[2]
CODES = ("SS311", "SS312", "SS407", "SS408")
PAGILA = REPO.parent / "shared" / "corpora" / "sample-databases" / "pagila" / "pagila-schema.sql"


def test_relations_read_through_joins_subqueries_and_ctes():
    query = (
        "WITH recent AS (SELECT * FROM app.orders WHERE placed_at > now() - interval '1 day')"
        " SELECT r.id, c.name FROM recent r JOIN customers c ON c.id = r.customer_id"
        " WHERE EXISTS (SELECT 1 FROM public.flags f WHERE f.customer_id = c.id)"
    )
    assert objects.relations_read(query) == {("app", "orders"), (None, "customers"), ("public", "flags")}
    assert objects.relations_read("SELEC 1") is None


def test_query_key_from_group_by_and_distinct():
    assert objects.query_key("SELECT c.name AS category, sum(p.amount) FROM p JOIN c ON true GROUP BY c.name") == (
        ["category"], "the query groups by them")
    assert objects.query_key("SELECT DISTINCT a, b FROM t")[0] == ["a", "b"]
    assert objects.query_key("SELECT count(*) FROM t GROUP BY a") is None  # grouped by a column it does not show
    assert objects.query_key("SELECT a FROM t UNION SELECT a FROM u") is None


def test_function_facts_and_clauses():
    definition = "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql VOLATILE SECURITY DEFINER AS $$ BEGIN RETURN NEW; END $$"
    facts = objects.function_facts(definition)
    assert (facts.name, facts.returns_trigger, facts.security_definer, facts.volatility) == (("f",), True, True, "volatile")
    stable = objects.with_clause(definition, "STABLE")
    assert objects.function_facts(stable).volatility == "stable"  # VOLATILE gives way, no conflicting clause
    fixed = objects.function_facts(objects.with_clause(definition, "SET search_path = public, pg_temp"))
    assert fixed.settings == {"search_path"}


def test_row_only_calls():
    def calls(body: str):
        return objects.row_only_calls(f"CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ {body} $$")

    assert calls("BEGIN NEW.a := lower(NEW.a); NEW.b = now(); RETURN NEW; END") == {"lower", "now"}
    assert calls("BEGIN PERFORM pg_notify('c', 'x'); RETURN NEW; END") is None
    assert calls("BEGIN NEW.n := (SELECT count(*) FROM t); RETURN NEW; END") is None
    assert calls("BEGIN UPDATE t SET a = 1; RETURN NEW; END") is None
    assert calls("BEGIN EXECUTE 'SELECT 1'; RETURN NEW; END") is None


TRIGGERING = sorted((code, path) for code in CODES for path in (FIXTURES / code).glob("triggers*.yaml"))


@pytest.mark.parametrize(("code", "path"), TRIGGERING, ids=[f"{code}/{path.name}" for code, path in TRIGGERING])
def test_design_fix_removes_the_finding(code, path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.setdefault("name", "example")
    found = [f for f in review_design(design_of(path.read_text(encoding="utf-8"))).findings if f.code == code]
    assert found
    for finding in found:
        if finding.fix_design:
            data = apply_design_fix(data, finding.fix_design)
    fixed = design_of(yaml.safe_dump(data, sort_keys=False))
    again = [f.location for f in review_design(fixed).findings if f.code == code]
    assert again == [f.location for f in found if not f.fix_design]  # only SS312's "choose a key" stays


def _loadable_design(path: Path):
    """The design in `path`, or None for files that are not one (workloads, scale files, bad-input fixtures)."""
    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
        if not isinstance(data, dict) or "tables" not in data:
            return None
        return design_of(text, invariants=fixture_header(path).get("invariants", "on") != "off")
    except (SchemasmithError, ValueError, yaml.YAMLError, UnicodeDecodeError):
        return None


def _designs_without_objects() -> list[Path]:
    paths = sorted((REPO / "examples").rglob("*.yaml")) + sorted((REPO / "tests").rglob("*.yaml"))
    return [path for path in paths if not any(part in CODES for part in path.parts) and _loadable_design(path) is not None]


@pytest.mark.parametrize("path", _designs_without_objects(), ids=lambda path: str(path.relative_to(REPO)))
def test_quiet_and_sound_on_every_other_design(path):
    """Every design of the repository (none has views or functions): the rules run and say nothing."""
    design = _loadable_design(path)
    for profile in ("postgres", "supabase"):
        findings = [f for f in review_design(design, profile=profile).findings if f.code in CODES]
        if not design.views and not design.functions:
            assert findings == []


def _examples(code: str) -> tuple[str, str]:
    rule = get_rule(code)
    return fenced(rule.section("Example"))[1], fenced(rule.section("Use instead"))[1]


@pytest.mark.parametrize("code", CODES)
def test_documented_sql_example_through_a_real_database(code, pg_url, tmp_path):
    """The docs' Example, applied to PostgreSQL and imported, triggers the rule; Use instead does
    not; the finding's SQL fix, applied to the database, makes it go away."""
    import psycopg

    example, instead = _examples(code)
    (tmp_path / "instead.sql").write_text(instead, encoding="utf-8")
    assert code not in [f.code for f in review_source(str(tmp_path / "instead.sql")).findings]
    with psycopg.connect(libpq_url(pg_url), autocommit=True) as connection:
        connection.execute(example)
        found = [f for f in review_source(pg_url).findings if f.code == code]
        assert len(found) == 1 and found[0].fix_sql
        connection.execute(found[0].fix_sql)
    assert code not in [f.code for f in review_source(pg_url).findings]


@pytest.mark.skipif(not PAGILA.is_file(), reason="the shared corpus is not here")
def test_pagila(pg_server):
    """Pagila: rewards_report is SECURITY DEFINER without a search_path; last_updated() only sets
    NEW.last_update; its one materialized view has a unique index; no table has RLS."""
    found = {(f.code, f.location) for f in review_source(str(PAGILA)).findings if f.code in CODES}
    assert found == {("SS408", "rewards_report(integer, numeric)"), ("SS311", "last_updated()")}
