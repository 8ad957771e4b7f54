"""Migrations of the objects beside tables, applied to real PostgreSQL the way a user applies them.

For each pair under designs/objects/: build OLD with our DDL, run `diff`, apply every UP file and
compare the catalogs (pg_get_viewdef, pg_get_functiondef, pg_sequences, pg_extension, ACLs,
comments, …) with a database built from NEW directly; then apply every DOWN file and compare with
a database built from OLD.
"""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from migrate_helpers import DESIGNS, apply_postgres, build_postgres, postgres_rows

from schemasmith.db.embedded import scratch_database
from schemasmith.migrate import compare, run_diff
from schemasmith.model import load_design

PAIRS = DESIGNS / "objects"
ROLE = "schemasmith_reporter"
#: An ACL without its owner's own entry (a GRANT then REVOKE leaves the owner's entry written out).
def acl(column: str, owner: str) -> str:
    return (f"(SELECT string_agg(a.grantee::regrole::text || ':' || a.privilege_type || ':' || a.is_grantable, ',' ORDER BY 1)"
            f" FROM aclexplode({column}) a WHERE a.grantee <> {owner})")


USER_SCHEMAS = "n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND n.nspname NOT LIKE 'pg_temp%' AND n.nspname NOT LIKE 'pg_toast_temp%'"

#: One query per object class; each row is one fact the migration must reproduce.
CATALOG = {
    "schemas": f"SELECT n.nspname, obj_description(n.oid, 'pg_namespace'), {acl('n.nspacl', 'n.nspowner')} FROM pg_namespace n WHERE {USER_SCHEMAS}",
    "extensions": "SELECT extname, extnamespace::regnamespace::text, extversion FROM pg_extension",
    "collations": f"SELECT c.oid::regcollation::text, c.collprovider, c.collcollate FROM pg_collation c JOIN pg_namespace n ON n.oid = c.collnamespace WHERE {USER_SCHEMAS}",
    "types": f"""SELECT t.oid::regtype::text, t.typtype, format_type(t.typbasetype, t.typtypmod), t.typnotnull, t.typdefault,
                 obj_description(t.oid, 'pg_type'),
                 (SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum)
                  FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped),
                 (SELECT string_agg(c.conname || ' ' || pg_get_constraintdef(c.oid), ', ' ORDER BY c.conname) FROM pg_constraint c WHERE c.contypid = t.oid)
                 FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                 WHERE {USER_SCHEMAS} AND t.typtype IN ('c', 'd', 'r', 'e') AND (t.typrelid = 0 OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')""",
    "sequences": """SELECT s.schemaname, s.sequencename, s.data_type::text, s.start_value, s.min_value, s.max_value, s.increment_by, s.cycle, s.cache_size,
                    obj_description(format('%I.%I', s.schemaname, s.sequencename)::regclass, 'pg_class'),
                    (SELECT d.refobjid::regclass::text || '.' || a.attname FROM pg_depend d JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                     WHERE d.objid = format('%I.%I', s.schemaname, s.sequencename)::regclass AND d.deptype IN ('a', 'i'))
                    FROM pg_sequences s""",
    "routines": f"""SELECT p.oid::regprocedure::text, pg_get_functiondef(p.oid), obj_description(p.oid, 'pg_proc'), {acl('p.proacl', 'p.proowner')}
                    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                    WHERE {USER_SCHEMAS} AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype IN ('e', 'i'))""",
    "relations": f"""SELECT c.oid::regclass::text, c.relkind, c.reloptions::text, obj_description(c.oid, 'pg_class'), {acl('c.relacl', 'c.relowner')},
                     CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid) END,
                     CASE WHEN c.relkind = 'm' THEN c.relispopulated END,
                     (SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || ' ' || a.attnotnull || coalesce(' ' || col_description(c.oid, a.attnum), '') || coalesce(' ' || {acl('a.attacl', 'c.relowner')}, ''), ', ' ORDER BY a.attnum)
                      FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped)
                     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {USER_SCHEMAS} AND c.relkind IN ('r', 'v', 'm', 'S')""",
    "indexes": f"SELECT i.indexname, i.indexdef FROM pg_indexes i JOIN pg_namespace n ON n.nspname = i.schemaname WHERE {USER_SCHEMAS}",
    "triggers": "SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal",
    "default_privileges": "SELECT defaclrole::regrole::text, defaclnamespace::regnamespace::text, defaclobjtype, defaclacl::text FROM pg_default_acl",
}


def catalog(url: str) -> dict[str, list[tuple]]:
    return {name: sorted(postgres_rows(url, sql), key=repr) for name, sql in CATALOG.items()}


def ensure_role(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f"DO $$ BEGIN CREATE ROLE {ROLE}; EXCEPTION WHEN duplicate_object THEN NULL; END $$")


def built_catalog(design_path: Path, tmp_path: Path) -> dict[str, list[tuple]]:
    with scratch_database(prefix="objects") as url:
        build_postgres(url, load_design(design_path), tmp_path)
        return catalog(url)


def differences(expected: dict, actual: dict) -> list[str]:
    lines = []
    for name in expected:
        missing = [row for row in expected[name] if row not in actual[name]]
        extra = [row for row in actual[name] if row not in expected[name]]
        lines += [f"{name}: missing {row}" for row in missing] + [f"{name}: unexpected {row}" for row in extra]
    return lines


def migrate_both_ways(pair: str, url: str, tmp_path: Path, safe: bool | None = False) -> Path:
    old, new = PAIRS / pair / "old.yaml", PAIRS / pair / "new.yaml"
    ensure_role(url)
    build_postgres(url, load_design(old), tmp_path)
    output = tmp_path / "migrations"
    run_diff(str(old), str(new), dialect="postgres", format="sql", output=str(output), backfill=[], safe=safe)
    apply_postgres(url, output, "up")
    assert differences(built_catalog(new, tmp_path), catalog(url)) == []
    apply_postgres(url, output, "down")
    assert differences(built_catalog(old, tmp_path), catalog(url)) == []
    return output


def operations(pair: str) -> list[str]:
    result = compare.diff(load_design(PAIRS / pair / "old.yaml"), load_design(PAIRS / pair / "new.yaml"))
    return [operation.describe() for operation in result.operations]


@pytest.mark.parametrize("pair", ["create", "views", "column_type", "routines", "sequences_types", "matviews", "grants"])
def test_up_reaches_new_and_down_returns_to_old(pair, pg_url, tmp_path):
    migrate_both_ways(pair, pg_url, tmp_path)


def test_default_plan_with_objects(pg_url, tmp_path):
    migrate_both_ways("create", pg_url, tmp_path, safe=None)


def test_views_grow_in_place_and_are_recreated_with_their_dependents():
    assert operations("views") == [
        "revoke select on table v_top from schemasmith_reporter",
        "drop view v_gone",
        "drop view v_top (created again below)",
        "drop view v_summary (created again below)",
        "replace view v_orders",
        "recreate view v_summary",
        "recreate view v_top",
        "create view v_new",
        "set comment on view v_orders",
        "grant select on table v_top to schemasmith_reporter",
    ]


def test_views_over_a_column_whose_type_changes_go_first_and_come_back():
    described = operations("column_type")
    assert described.index("drop view v_big_quantities (created again below)") < described.index("drop view v_quantities (created again below)")
    assert described.index("drop view v_quantities (created again below)") < described.index("change type of orders.quantity from integer to bigint")
    assert described.index("change type of orders.quantity from integer to bigint") < described.index("recreate view v_quantities")
    assert not any("v_totals" in text for text in described)  # it does not read quantity


def test_routines_replace_where_postgres_allows_and_flag_triggers():
    described = operations("routines")
    assert "replace function app.add(integer, integer)" in described
    assert "replace function app.touch() (used by trigger orders.orders_touch)" in described
    assert described.index("drop function app.label(integer) (created again below)") < described.index("recreate function app.label(integer)")


def test_safety_report_classifies_the_new_operations(tmp_path):
    report = run_diff(str(PAIRS / "routines" / "old.yaml"), str(PAIRS / "routines" / "new.yaml"), dialect="postgres", format="sql",
                      output=str(tmp_path / "out"), backfill=[], safe=False)
    kinds = {finding.kind: finding for finding in report.findings}
    assert kinds["replace_routine_trigger"].backward_incompatible
    assert kinds["drop_routine"].backward_incompatible
    report = run_diff(str(PAIRS / "matviews" / "old.yaml"), str(PAIRS / "matviews" / "new.yaml"), dialect="postgres", format="sql",
                      output=str(tmp_path / "mv"), backfill=[], safe=False)
    refresh = next(finding for finding in report.findings if finding.kind == "refresh_materialized_view")
    assert refresh.lock == "ACCESS EXCLUSIVE" and "CONCURRENTLY" in refresh.safe_alternative


def test_extension_update(pg_url, tmp_path):
    old = tmp_path / "old.yaml"
    old.write_text("name: ext\nextensions:\n  pg_trgm:\n    version: '1.5'\n")
    new = tmp_path / "new.yaml"
    new.write_text("name: ext\nextensions:\n  pg_trgm:\n    version: '1.6'\n")
    build_postgres(pg_url, load_design(old), tmp_path)
    output = tmp_path / "migrations"
    report = run_diff(str(old), str(new), dialect="postgres", format="sql", output=str(output), backfill=[], safe=False)
    apply_postgres(pg_url, output, "up")
    assert postgres_rows(pg_url, "SELECT extversion FROM pg_extension WHERE extname = 'pg_trgm'") == [("1.6",)]
    down = next(output.glob("*.down.sql")).read_text()
    assert "ALTER EXTENSION pg_trgm UPDATE TO '1.5';" in down
    assert any("downgrade script" in note for note in report.notes)


def test_sqlite_migration_says_what_it_does_not_migrate(tmp_path):
    report = run_diff(str(PAIRS / "views" / "old.yaml"), str(PAIRS / "views" / "new.yaml"), dialect="sqlite", format="sql",
                      output=str(tmp_path / "sqlite"), backfill=[], safe=None)
    assert "views change between OLD and NEW, but SQLite has no such objects: not migrated" in report.notes
    assert report.steps == []


def test_alembic_revision_executes_the_object_statements(tmp_path):
    output = tmp_path / "alembic"
    run_diff(str(PAIRS / "views" / "old.yaml"), str(PAIRS / "views" / "new.yaml"), dialect="postgres", format="alembic",
             output=str(output), backfill=[], safe=False)
    text = next(output.glob("*.py")).read_text()
    assert "CREATE OR REPLACE VIEW v_orders" in text and "DROP VIEW v_gone" in text
