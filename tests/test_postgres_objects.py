"""PostgreSQL DDL for the objects beside tables (design format 2), applied by the real psql and read
back from the catalogs: schemas, extensions, collations, domains, types, sequences, routines,
views and materialized views in dependency order, grants and default privileges."""

from __future__ import annotations

import psycopg
import pytest
from conftest import REPO
from test_postgres_ddl import apply, fetch

from schemasmith.dialects import postgres
from schemasmith.errors import SchemaError
from schemasmith.model import load_design, load_design_text

OBJECTS = REPO / "tests" / "fixtures" / "objects" / "objects.yaml"
ROLE = "schemasmith_reporter"


def ensure_role(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f"DO $$ BEGIN CREATE ROLE {ROLE}; EXCEPTION WHEN duplicate_object THEN NULL; END $$")


@pytest.fixture
def built(any_pg_url, tmp_path):
    ensure_role(any_pg_url)
    output = postgres.render(load_design(OBJECTS))
    assert output.warnings == []
    apply(any_pg_url, output.files["schema.sql"], tmp_path)
    return any_pg_url


def test_schemas_extensions_and_collations(built):
    assert fetch(built, "SELECT nspname, obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE nspname IN ('app', 'reports') ORDER BY 1") == [
        ("app", "Application objects"), ("reports", None)]
    extensions = dict((name, (schema, version)) for name, schema, version in fetch(
        built, "SELECT extname, extnamespace::regnamespace::text, extversion FROM pg_extension WHERE extname <> 'plpgsql'"))
    assert extensions["pg_trgm"] == ("app", "1.5")
    assert extensions["citext"][0] == "public"
    assert fetch(built, "SELECT collname, collprovider, obj_description(oid, 'pg_collation') FROM pg_collation WHERE collname = 'bytewise'") == [
        ("bytewise", "c", "Compares bytes")]


def test_domains_types_and_sequences(built):
    domains = fetch(built, """
        SELECT t.typname, format_type(t.typbasetype, t.typtypmod), t.typnotnull, t.typdefault, c.conname
        FROM pg_type t JOIN pg_constraint c ON c.contypid = t.oid
        WHERE t.typtype = 'd' AND t.typnamespace = 'app'::regnamespace AND c.contype = 'c' ORDER BY 1""")
    assert domains == [("email", "citext", False, None, "email_check"), ("positive_amount", "numeric(10,2)", True, "0", "amount_not_negative")]
    assert fetch(built, "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'app.address'::regclass ORDER BY attnum") == [
        ("street", "text"), ("city", "text"), ("zip", "character varying(10)")]
    assert fetch(built, "SELECT rngsubtype::regtype::text FROM pg_range WHERE rngtypid = 'app.floatrange'::regtype") == [("double precision",)]
    assert fetch(built, "SELECT schemaname, sequencename, data_type::text, start_value, increment_by, cache_size FROM pg_sequences WHERE sequencename IN ('invoice_numbers', 'order_refs') ORDER BY 2") == [
        ("app", "invoice_numbers", "integer", 1000, 10, 5), ("public", "order_refs", "bigint", 1, 1, 1)]
    assert fetch(built, "SELECT pg_get_serial_sequence('orders', 'ref')") == [("public.order_refs",)]


def test_routines_come_before_and_after_the_tables_they_need(built):
    assert fetch(built, "SELECT app.add(2, 3), app.customer_count()") == [(5, 0)]
    routines = dict(fetch(built, "SELECT p.oid::regprocedure::text, p.prokind FROM pg_proc p WHERE pronamespace = 'app'::regnamespace"
                                 " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype IN ('e', 'i'))"))
    assert routines == {"app.add(integer,integer)": "f", "app.customer_count()": "f", "app.order_total(orders)": "f", "app.log_note(text)": "p"}
    assert fetch(built, "SELECT obj_description('app.log_note(text)'::regprocedure, 'pg_proc')") == [("Writes a notice",)]
    with psycopg.connect(built, autocommit=True) as connection:
        connection.execute("CALL app.log_note('hello')")


def test_views_in_dependency_order_with_their_options(built):
    views = dict(fetch(built, "SELECT c.oid::regclass::text, c.reloptions FROM pg_class c WHERE relkind IN ('v', 'm') AND relnamespace IN ('public'::regnamespace, 'reports'::regnamespace)"))
    assert set(views) == {"reports.big_orders", "reports.big_order_customers", "reports.daily_totals", "paid_orders"}
    assert sorted(views["reports.big_orders"]) == ["security_barrier=true", "security_invoker=true"]
    assert views["paid_orders"] == ["check_option=cascaded"]
    assert fetch(built, "SELECT pg_get_viewdef('reports.big_order_customers')")[0][0].strip().startswith("SELECT c.id")
    assert fetch(built, "SELECT obj_description('reports.big_order_customers'::regclass, 'pg_class'),"
                        " col_description('reports.big_orders'::regclass, 2)") == [("Customers with a big order", "The order's total")]
    assert fetch(built, "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'daily_totals'") == [
        ("daily_totals_status_idx", "CREATE UNIQUE INDEX daily_totals_status_idx ON reports.daily_totals USING btree (status)")]
    assert fetch(built, "SELECT ispopulated FROM pg_matviews") == [(True,)]
    with psycopg.connect(built, autocommit=True) as connection:
        connection.execute("REFRESH MATERIALIZED VIEW CONCURRENTLY reports.daily_totals")


def test_grants_and_default_privileges(built):
    assert fetch(built, f"SELECT has_schema_privilege('{ROLE}', 'reports', 'USAGE'), has_table_privilege('{ROLE}', 'reports.big_orders', 'SELECT'),"
                        f" has_function_privilege('{ROLE}', 'app.add(integer, integer)', 'EXECUTE WITH GRANT OPTION'),"
                        f" has_column_privilege('{ROLE}', 'customers', 'email', 'SELECT'), has_column_privilege('{ROLE}', 'customers', 'name', 'SELECT'),"
                        f" has_sequence_privilege('{ROLE}', 'app.invoice_numbers', 'USAGE')") == [(True, True, True, True, False, True)]
    assert fetch(built, "SELECT defaclnamespace::regnamespace::text, defaclobjtype, array_to_string(defaclacl, ',') FROM pg_default_acl") == [
        ("reports", "r", f"{ROLE}=r/postgres")]


def test_designs_without_the_new_sections_are_unchanged():
    text = postgres.render(load_design_text("name: plain\ntables:\n  t:\n    columns:\n      id: {type: integer}\n")).files["schema.sql"]
    assert "check_function_bodies" not in text and "SCHEMA" not in text


def test_objects_for_another_dialect_are_skipped_with_a_warning():
    design = load_design_text("""
name: mixed
views:
  lite:
    query: SELECT 1 AS one
    dialect: sqlite
functions:
  f():
    dialect: mysql
    definition: CREATE FUNCTION f() RETURNS INT RETURN 1
""")
    output = postgres.render(design)
    assert output.warnings == ["function f() is written for mysql; not built for PostgreSQL", "view lite is written for sqlite; not built for PostgreSQL"]
    assert "lite" not in output.files["schema.sql"] and "check_function_bodies" not in output.files["schema.sql"]


@pytest.mark.parametrize("section, problem", [
    ("views:\n  v:\n    query: SELECT 1; DROP TABLE t\n", "exactly one SelectStmt"),
    ("functions:\n  f():\n    definition: CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'select 1'; DROP TABLE t\n", "exactly one CreateFunctionStmt"),
    ("functions:\n  f:\n    definition: CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'select 1'\n", "signature"),
    ("grants:\n  - {object: table t, privileges: [select; drop], to: x}\n", "privilege"),
    ("types:\n  t:\n    definition: DROP TABLE t\n", "one CompositeTypeStmt"),
    ("views:\n  v:\n    query: SELECT 1\n    security_invoker: true\n", "PostgreSQL 15"),
])
def test_bodies_that_are_not_one_statement_are_refused(section, problem):
    design = load_design_text("name: bad\n" + section)
    with pytest.raises(SchemaError) as error:
        postgres.render(design)
    assert problem in str(error.value)
