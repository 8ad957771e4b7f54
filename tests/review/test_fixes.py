"""The fixes are real: each finding's SQL applies to a real database that has the problem, and
each design change, merged into the design, makes the finding go away.

The schemas are the rules' documented examples (so the docs show fixes that work): PostgreSQL
on the embedded server (design fixes in a rolled-back transaction each, live-database fixes
such as CREATE INDEX CONCURRENTLY outside one), SQLite in memory for the sqlite profile.
"""

from __future__ import annotations

import sqlite3

import pytest
import yaml

from schemasmith.db.extensions import prepare_script
from schemasmith.db.urls import libpq_url
from schemasmith.dialects import postgres as postgres_dialect
from schemasmith.dialects import sqlite as sqlite_dialect
from schemasmith.review.engine import review_design
from schemasmith.review.registry import all_rules

from .helpers import apply_design_fix, design_of, fenced, profile_for

#: Design changes that are one step of a larger change the finding describes in words.
PARTIAL_DESIGN_FIXES = {
    "SS204": "adds the junction table; moving the data and dropping the column follow",
    "SS205": "adds the column; the queries then read it instead of the json field",
    "SS307": "a rename, shown as the renamed table's start",
    "SS308": "a rename, shown as the renamed table's start",
    "SS309": "a rename, shown as the renamed table's start",
}
SUPABASE_STUBS = """
CREATE SCHEMA IF NOT EXISTS auth;
CREATE OR REPLACE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql AS 'SELECT NULL::uuid';
CREATE TABLE IF NOT EXISTS auth.users (id uuid PRIMARY KEY);
DO $$ BEGIN CREATE ROLE authenticated; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE anon; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
"""

EXAMPLES = []
for rule in all_rules():
    language, text = fenced(rule.section("Example"))
    if language == "yaml":
        EXAMPLES.append((rule.code, text))


def _only_comments(sql: str) -> bool:
    return all(not line.strip() or line.strip().startswith("--") for line in sql.splitlines())


WHOLE_FIXES = [(code, example) for code, example in EXAMPLES if code not in PARTIAL_DESIGN_FIXES]
PARTIAL_FIXES = [(code, example) for code, example in EXAMPLES if code in PARTIAL_DESIGN_FIXES]


@pytest.mark.parametrize(("code", "example"), PARTIAL_FIXES, ids=[code for code, _ in PARTIAL_FIXES])
def test_partial_design_fix_shows_where_the_change_starts(code, example):
    """Renames and data moves cannot be one merge; the finding still shows the first change."""
    findings = [f for f in review_design(design_of(example), profile=profile_for(code)).findings if f.code == code]
    assert findings
    assert all(finding.fix_design for finding in findings), PARTIAL_DESIGN_FIXES[code]


@pytest.mark.parametrize(("code", "example"), WHOLE_FIXES, ids=[code for code, _ in WHOLE_FIXES])
def test_design_fix_removes_the_finding(code, example):
    profile = profile_for(code)
    design = design_of(example)
    findings = [f for f in review_design(design, profile=profile).findings if f.code == code]
    assert findings
    data = yaml.safe_load(example)
    data.setdefault("name", "example")
    for finding in findings:
        if finding.fix_design:
            data = apply_design_fix(data, finding.fix_design)
    fixed = design_of(yaml.safe_dump(data, sort_keys=False))  # invariants hold after the change
    again = [f.location for f in review_design(fixed, profile=profile).findings if f.code == code]
    assert again == [f.location for f in findings if not f.fix_design]


POSTGRES_EXAMPLES = [(code, example) for code, example in EXAMPLES if profile_for(code) != "sqlite"]


@pytest.mark.parametrize(("code", "example"), POSTGRES_EXAMPLES, ids=[code for code, _ in POSTGRES_EXAMPLES])
def test_sql_fix_applies_on_postgres(code, example, pg_url):
    import psycopg

    profile = profile_for(code)
    design = design_of(example)
    ddl = postgres_dialect.render(design).files["schema.sql"]
    with psycopg.connect(libpq_url(pg_url), autocommit=True) as connection:
        connection.execute(SUPABASE_STUBS)
        # An example that uses an extension the server lacks (SS211: uuid-ossp) is proved as the
        # commands prove it: with the built-in standing in.
        proof = prepare_script(ddl, pg_url, code, proof=True)
        for statement in proof.preamble:
            connection.execute(statement)
        connection.execute(proof.sql)
        for origin in ("design", "postgres"):
            findings = [f for f in review_design(design, profile=profile, origin=origin).findings if f.code == code]
            # An imported schema is held to its own habits (SS301, SS309): one table has none.
            assert findings or origin == "postgres"
            for finding in findings:
                assert finding.fix_sql, f"{code}: no SQL fix"
                if _only_comments(finding.fix_sql):
                    continue
                if "CONCURRENTLY" not in finding.fix_sql:
                    # Each fix alone, on the schema as it was, then undone.
                    with pytest.raises(_Rollback), connection.transaction():
                        connection.execute(finding.fix_sql)
                        raise _Rollback
                else:
                    for statement in _statements(finding.fix_sql):
                        connection.execute(statement)


class _Rollback(Exception):
    pass


def _statements(sql: str) -> list[str]:
    """One statement per item (CONCURRENTLY cannot share a transaction with another)."""
    if "$" in sql:
        return [sql]  # a function body: one piece, applied as written
    return [part.strip() + ";" for part in sql.split(";\n") if part.strip() and not _only_comments(part)]


def _applies_to_sqlite(code: str, example: str) -> bool:
    """Rules of PostgreSQL-only profiles, and rules whose example SQLite cannot show, are left out."""
    if profile_for(code) in ("supabase", "multi-tenant"):
        return False
    return any(f.code == code for f in review_design(design_of(example), profile="sqlite").findings)


SQLITE_EXAMPLES = [(code, example) for code, example in EXAMPLES if _applies_to_sqlite(code, example)]


@pytest.mark.parametrize(("code", "example"), SQLITE_EXAMPLES, ids=[code for code, _ in SQLITE_EXAMPLES])
def test_sql_fix_applies_on_sqlite(code, example):
    design = design_of(example)
    findings = [f for f in review_design(design, profile="sqlite").findings if f.code == code]
    ddl = sqlite_dialect.render(design).files["schema.sql"]
    for finding in findings:
        connection = sqlite3.connect(":memory:")
        try:
            connection.executescript(ddl)
            if finding.fix_sql:
                connection.executescript(finding.fix_sql)
        finally:
            connection.close()


# --- every fix of every example and hostile design, quoted right ----------------------------

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DESIGNS = sorted((REPO / "examples").glob("*.yaml")) + sorted((REPO / "tests" / "fixtures" / "hostile").glob("*.yaml"))


@pytest.mark.parametrize("path", DESIGNS, ids=lambda path: path.stem)
def test_every_sql_fix_of_real_designs_applies_on_postgres(path, pg_url):
    """Hostile names (quotes, spaces, reserved words, unicode) reach the fixes quoted."""
    import psycopg

    from schemasmith.model import load_design

    design = load_design(path)
    ddl = postgres_dialect.render(design).files["schema.sql"]
    with psycopg.connect(libpq_url(pg_url), autocommit=True) as connection:
        connection.execute(SUPABASE_STUBS)
        connection.execute(ddl)
        for profile in ("postgres", "supabase", "multi-tenant"):
            for finding in review_design(design, profile=profile).findings:
                if not finding.fix_sql or _only_comments(finding.fix_sql):
                    continue
                with pytest.raises(_Rollback), connection.transaction():
                    try:
                        connection.execute(finding.fix_sql)
                    except psycopg.Error as error:
                        raise AssertionError(f"{finding.code} {finding.location}: {error}\n{finding.fix_sql}") from None
                    raise _Rollback


@pytest.mark.parametrize("path", DESIGNS, ids=lambda path: path.stem)
def test_every_sql_fix_of_real_designs_applies_on_sqlite(path):
    from schemasmith.model import load_design

    design = load_design(path)
    ddl = sqlite_dialect.render(design).files["schema.sql"]
    for finding in review_design(design, profile="sqlite").findings:
        if not finding.fix_sql:
            continue
        connection = sqlite3.connect(":memory:")
        try:
            connection.executescript(ddl)
            try:
                connection.executescript(finding.fix_sql)
            except sqlite3.Error as error:
                raise AssertionError(f"{finding.code} {finding.location}: {error}\n{finding.fix_sql}") from None
        finally:
            connection.close()
