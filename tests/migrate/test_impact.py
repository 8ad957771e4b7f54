"""Impact analysis on the TaskHub example and small designs, and compatibility views proven on
real PostgreSQL: after the change, the view gives old readers (and writers) the old shape."""

from __future__ import annotations

import json

import psycopg
import pytest
from conftest import EXAMPLES

from schemasmith.dialects import postgres
from schemasmith.impact import ImpactError, analyze, query_references
from schemasmith.impact.command import impact_command
from schemasmith.model.yamlio import load_design

TASKHUB = str(EXAMPLES / "taskhub.yaml")


def kinds(impact) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for dependent in impact.dependents:
        found.setdefault(dependent.kind, set()).add(dependent.name)
    return found


# --- the design's dependents ---------------------------------------------------------------


def test_task_project_id_on_taskhub():
    impact = analyze(TASKHUB, "tasks.project_id")
    found = kinds(impact)
    assert found["foreign_key"] == {"tasks_project_id_fkey"}
    assert found["index"] == {"tasks_project_id_priority_created_at_idx"}
    # project_board, search_titles and status_counts filter on it; overdue joins on t.project_id
    # through an alias; my_tasks returns it
    assert found["query"] == {"project_board", "search_titles", "status_counts", "overdue", "my_tasks"}
    clauses = {d.name: d.clauses for d in impact.dependents if d.kind == "query"}
    assert clauses["project_board"] == ["where"] and clauses["overdue"] == ["join"] and clauses["my_tasks"] == ["select"]
    assert "trigger" not in found and "policy" not in found


def test_a_referenced_column_lists_incoming_foreign_keys():
    impact = analyze(TASKHUB, "users.id")
    incoming = {d.name for d in impact.dependents if d.kind == "foreign_key" and d.direction == "incoming"}
    assert incoming == {"memberships_user_id_fkey", "tasks_assignee_id_fkey", "comments_author_id_fkey", "task_activity_actor_id_fkey"}
    assert kinds(impact)["primary_key"] == {"users_pkey"}


def test_a_whole_table():
    impact = analyze(TASKHUB, "tasks")
    found = kinds(impact)
    assert {"tasks_project_id_fkey", "tasks_parent_id_fkey", "tasks_assignee_id_fkey", "comments_task_id_fkey", "task_activity_task_id_fkey"} == found["foreign_key"]
    assert len(found["index"]) == 5
    assert found["trigger"] == {"tasks_set_updated_at", "tasks_parent_id_max_depth"}
    assert found["query"] == {"project_board", "my_tasks", "overdue", "search_titles", "status_counts"}
    projects = analyze(TASKHUB, "projects")
    assert kinds(projects)["query"] == {"overdue"}  # only query joining projects


def test_columns_in_expressions_where_and_triggers():
    title = kinds(analyze(TASKHUB, "tasks.title"))
    assert title["index"] == {"tasks_to_tsvector_simple_title_idx"}  # an expression index
    status = kinds(analyze(TASKHUB, "tasks.status"))
    assert "tasks_due_date_idx" in status["index"]  # a partial index's WHERE
    parent = kinds(analyze(TASKHUB, "tasks.parent_id"))
    assert parent["trigger"] == {"tasks_parent_id_max_depth"}
    assert kinds(analyze(TASKHUB, "tasks.updated_at"))["trigger"] == {"tasks_set_updated_at"}
    assert "query" not in kinds(analyze(TASKHUB, "tasks.description"))


SMALL = """
name: shop
tables:
  customers:
    columns:
      id: {type: integer, identity: always}
      email: {type: text}
      first_name: {type: text}
      last_name: {type: text}
      full_name: {type: text, generated: "first_name || ' ' || last_name"}
      tenant_id: {type: integer}
    primary_key: [id]
    checks:
      - {expression: "email LIKE '%@%'"}
    unique:
      - {columns: [tenant_id, email]}
    row_level_security: true
    policies:
      - {name: tenant_isolation, using: "tenant_id = current_setting('app.tenant')::integer"}
  orders:
    columns:
      id: {type: integer, identity: always}
      customer_id: {type: integer}
      email: {type: text, nullable: true}
    primary_key: [id]
    foreign_keys:
      - {columns: [customer_id], references: {table: customers, columns: [id]}}
queries:
  - id: by_alias
    sql: "SELECT c.first_name FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.email = :email"
  - id: in_subquery
    sql: "SELECT id FROM orders WHERE customer_id IN (SELECT id FROM customers WHERE tenant_id = %(tenant)s)"
  - id: in_cte
    sql: "WITH recent AS (SELECT customer_id FROM orders) SELECT count(*) FROM recent r JOIN customers k USING (id)"
  - id: star
    sql: "SELECT * FROM customers WHERE id = ?"
  - id: write
    sql: "UPDATE customers SET last_name = :name WHERE id = :id RETURNING email"
"""


@pytest.fixture
def small(tmp_path) -> str:
    path = tmp_path / "shop.yaml"
    path.write_text(SMALL)
    return str(path)


def test_checks_generated_columns_policies_and_unique(small):
    first = analyze(small, "customers.first_name")
    assert kinds(first)["generated_column"] == {"customers.full_name"}
    assert kinds(first)["query"] == {"by_alias", "star"}
    email = kinds(analyze(small, "customers.email"))
    assert email["check"] == {"customers_check"} and email["unique"] == {"customers_tenant_id_email_key"}
    # orders.email in by_alias is o.email, not c.email; UPDATE … RETURNING email is customers'
    assert email["query"] == {"star", "write"}
    tenant = kinds(analyze(small, "customers.tenant_id"))
    assert tenant["policy"] == {"tenant_isolation"} and tenant["query"] == {"in_subquery", "star"}
    last = kinds(analyze(small, "customers.last_name"))
    assert last["query"] == {"star", "write"}
    customer_id = kinds(analyze(small, "orders.customer_id"))
    assert customer_id["query"] == {"by_alias", "in_subquery", "in_cte"}
    assert customer_id["foreign_key"] == {"orders_customer_id_fkey"}


def test_query_references_resolve_aliases():
    design = load_design(EXAMPLES / "taskhub.yaml")
    references = query_references(design, "SELECT p.name FROM projects p WHERE p.id IN (SELECT t.project_id FROM tasks t WHERE t.id = $1)")
    assert {(r.table, r.column) for r in references if r.column} == {("projects", "name"), ("projects", "id"), ("tasks", "project_id"), ("tasks", "id")}
    references = query_references(design, "SELECT t.title FROM tasks t JOIN projects p ON p.id = t.project_id")
    assert ("projects", "name") not in {(r.table, r.column) for r in references}


def test_unknown_names_suggest_the_closest(small):
    with pytest.raises(ImpactError, match=r"no table 'task' in .*taskhub.yaml; did you mean 'tasks'"):
        analyze(TASKHUB, "task.project_id")
    with pytest.raises(ImpactError, match=r"no column tasks.projet_id in .*; did you mean 'project_id'"):
        analyze(TASKHUB, "tasks.projet_id")
    with pytest.raises(ImpactError, match="no table 'zzz'"):
        analyze(TASKHUB, "zzz")
    with pytest.raises(ImpactError, match="--split-to splits a table"):
        analyze(TASKHUB, "users.email", split_to="x:display_name")
    with pytest.raises(ImpactError, match="no column users.displayname.*did you mean 'display_name'"):
        analyze(TASKHUB, "users", split_to="user_profiles:displayname")
    with pytest.raises(ImpactError, match="part of the primary key"):
        analyze(TASKHUB, "users", split_to="user_profiles:id")
    with pytest.raises(ImpactError, match="already has a column 'description'"):
        analyze(TASKHUB, "tasks.title", rename_to="description")
    with pytest.raises(ImpactError, match="not both"):
        analyze(TASKHUB, "tasks.title", rename_to="name", split_to="a:b")


def test_command_text_and_json(capsys):
    assert impact_command(TASKHUB, "public.tasks.project_id", "json", None, None) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["target"] == {"table": "tasks", "column": "project_id"}
    assert {d["name"] for d in data["dependents"] if d["kind"] == "query"} >= {"project_board", "search_titles", "status_counts"}
    assert impact_command(TASKHUB, "tasks.title", "text", None, "name") == 0
    out = capsys.readouterr().out
    assert "workload queries:" in out and "CREATE OR REPLACE VIEW compat.tasks AS" in out and "name AS title" in out


# --- on PostgreSQL -------------------------------------------------------------------------


def _taskhub_with_data(url: str) -> psycopg.Connection:
    connection = psycopg.connect(url, autocommit=True)
    connection.execute(postgres.render(load_design(EXAMPLES / "taskhub.yaml")).files["schema.sql"])
    connection.execute(
        "INSERT INTO users (email, display_name) VALUES ('ada@example.com', 'Ada'), ('bob@example.com', 'Bob');"
        "INSERT INTO organizations (name, slug) VALUES ('Acme', 'acme');"
        "INSERT INTO projects (organization_id, name) SELECT id, 'Launch' FROM organizations;"
        "INSERT INTO tasks (project_id, title) SELECT id, 'Write the plan' FROM projects;"
    )
    return connection


def _shape(connection, sql: str):
    cursor = connection.execute(sql)
    return [(c.name, c.type_code) for c in cursor.description], cursor.fetchall()


def test_split_view_keeps_the_old_shape_readable_and_writable(any_pg_url):
    with _taskhub_with_data(any_pg_url) as connection:
        before = _shape(connection, "SELECT * FROM users ORDER BY email")
        connection.execute(  # the split itself, as a migration would do it
            "BEGIN;"
            "CREATE TABLE user_profiles (user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE, display_name text NOT NULL);"
            "INSERT INTO user_profiles SELECT id, display_name FROM users;"
            "ALTER TABLE users DROP COLUMN display_name;"
            "COMMIT;"
        )
        compat = analyze(TASKHUB, "users", split_to="user_profiles:display_name").compat
        assert compat.kind == "split" and compat.view == "compat.users"
        connection.execute(compat.sql)
        assert _shape(connection, "SELECT * FROM compat.users ORDER BY email") == before
        connection.execute("SET search_path = compat, public")
        assert _shape(connection, "SELECT * FROM users ORDER BY email") == before  # old readers, unchanged
        connection.execute("RESET search_path")

        new_id = connection.execute(
            "INSERT INTO compat.users (email, display_name) VALUES ('cy@example.com', 'Cy') RETURNING id"
        ).fetchone()[0]
        assert new_id is not None  # the view took users.id's default
        assert connection.execute("SELECT display_name FROM user_profiles WHERE user_id = %s", (new_id,)).fetchone() == ("Cy",)
        connection.execute("UPDATE compat.users SET display_name = 'Cyrus', email = 'cyrus@example.com' WHERE id = %s", (new_id,))
        assert connection.execute("SELECT email, display_name FROM compat.users WHERE id = %s", (new_id,)).fetchone() == (
            "cyrus@example.com", "Cyrus")
        connection.execute("DELETE FROM compat.users WHERE id = %s", (new_id,))
        assert connection.execute("SELECT count(*) FROM users").fetchone() == (2,)
        assert connection.execute("SELECT count(*) FROM user_profiles").fetchone() == (2,)


def test_rename_views_keep_old_names(any_pg_url):
    with _taskhub_with_data(any_pg_url) as connection:
        tasks_before = _shape(connection, "SELECT * FROM tasks ORDER BY id")
        projects_before = _shape(connection, "SELECT * FROM projects ORDER BY id")
        connection.execute("ALTER TABLE tasks RENAME COLUMN title TO name")
        connection.execute(analyze(TASKHUB, "tasks.title", rename_to="name").compat.sql)
        assert _shape(connection, "SELECT * FROM compat.tasks ORDER BY id") == tasks_before
        connection.execute("INSERT INTO compat.tasks (project_id, title) SELECT id, 'Through the view' FROM projects")
        assert connection.execute("SELECT count(*) FROM tasks WHERE name = 'Through the view'").fetchone() == (1,)

        connection.execute("ALTER TABLE projects RENAME TO workspaces")
        connection.execute(analyze(TASKHUB, "projects", rename_to="workspaces").compat.sql)
        assert _shape(connection, "SELECT * FROM compat.projects ORDER BY id") == projects_before


def test_live_database_adds_views_and_functions(pg_url, capsys):
    with _taskhub_with_data(pg_url) as connection:
        connection.execute(
            "CREATE VIEW open_tasks AS SELECT id, project_id FROM tasks WHERE status <> 'done';"
            "CREATE VIEW open_task_count AS SELECT count(*) AS n FROM open_tasks;"
            "CREATE VIEW titles AS SELECT title FROM tasks;"
            "CREATE FUNCTION project_size(p uuid) RETURNS bigint LANGUAGE plpgsql AS $$"
            " BEGIN RETURN (SELECT count(*) FROM tasks WHERE project_id = p); END $$;"
        )
    impact = analyze(pg_url, "tasks.project_id")
    found = kinds(impact)
    assert found["view"] == {"open_tasks", "open_task_count"}  # titles does not read project_id
    assert any(name.startswith("project_size(") for name in found["function"])
    assert found["foreign_key"] == {"tasks_project_id_fkey"}
    via = {d.name: d.detail for d in impact.dependents if d.kind == "view"}
    assert "through open_tasks" in via["open_task_count"]
    assert "titles" in kinds(analyze(pg_url, "tasks"))["view"]


def test_split_with_an_identity_key_and_row_level_security(any_pg_url, small):
    design = load_design(small)
    with psycopg.connect(any_pg_url, autocommit=True) as connection:
        connection.execute(postgres.render(design).files["schema.sql"])
        connection.execute("INSERT INTO customers (email, first_name, last_name, tenant_id) VALUES ('a@x.org', 'Ada', 'L', 1)")
        before = _shape(connection, "SELECT * FROM customers ORDER BY id")
        connection.execute(
            "BEGIN;"
            "CREATE TABLE customer_contacts (customer_id integer PRIMARY KEY REFERENCES customers (id) ON DELETE CASCADE, email text NOT NULL);"
            "INSERT INTO customer_contacts SELECT id, email FROM customers;"
            "ALTER TABLE customers DROP COLUMN email;"
            "COMMIT;"
        )
        compat = analyze(small, "customers", split_to="customer_contacts:email").compat
        assert "security_invoker" in compat.sql and "OVERRIDING SYSTEM VALUE" in compat.sql
        connection.execute(compat.sql)
        assert _shape(connection, "SELECT * FROM compat.customers ORDER BY id") == before
        row = connection.execute(
            "INSERT INTO compat.customers (email, first_name, last_name, tenant_id) VALUES ('b@x.org', 'Bo', 'K', 1)"
            " RETURNING id, full_name"
        ).fetchone()
        assert row == (2, "Bo K")  # the identity's next value (the view's default), the generated value
        assert connection.execute("SELECT email FROM customer_contacts WHERE customer_id = 2").fetchone() == ("b@x.org",)
    with pytest.raises(ImpactError, match="generated column customers.full_name is computed from first_name"):
        analyze(small, "customers", split_to="names:first_name")
