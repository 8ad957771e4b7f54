"""PostgreSQL DDL: generated files applied by the real psql, on embedded PostgreSQL 18 and on the
CI server (PostgreSQL 15) when SCHEMASMITH_TEST_PG_URL names it, then read back and compared."""

from __future__ import annotations

import subprocess
from pathlib import Path

import psycopg
import pytest
from conftest import EXAMPLES, REPO

from schemasmith.db.embedded import psql_path
from schemasmith.db.urls import libpq_url
from schemasmith.dialects import postgres
from schemasmith.errors import SchemaError
from schemasmith.importers.postgres import import_database
from schemasmith.model import (
    design_differences,
    dump_design,
    load_design,
    load_design_text,
)

TASKHUB = EXAMPLES / "taskhub.yaml"
HOSTILE = REPO / "tests" / "fixtures" / "hostile" / "hostile.yaml"


def psql_file(url: str, path: Path) -> subprocess.CompletedProcess:
    """Apply a file exactly as a user would: psql, stop at the first error."""
    return subprocess.run(
        [str(psql_path()), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", libpq_url(url), "-f", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )


def apply(url: str, text: str, tmp_path: Path, name: str = "schema.sql") -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    completed = psql_file(url, path)
    assert completed.returncode == 0, completed.stderr


def server_version(url: str) -> int:
    with psycopg.connect(url) as connection:
        return connection.info.server_version // 10000


def fetch(url: str, sql: str, params=()) -> list[tuple]:
    with psycopg.connect(url, autocommit=True) as connection:
        return connection.execute(sql, params).fetchall()


def database_error(url: str, *statements: str) -> str:
    """Run statements in one transaction; return the database's error message (fails if none)."""
    with psycopg.connect(url) as connection, pytest.raises(psycopg.Error) as error:
        for statement in statements:
            connection.execute(statement)
        connection.commit()
    return str(error.value)


# --- the two fixtures, end to end ------------------------------------------------------------


@pytest.mark.parametrize("path", [TASKHUB, HOSTILE], ids=lambda p: p.stem)
def test_fixture_applies_and_imports_back_to_the_same_design(path: Path, any_pg_url: str, tmp_path: Path):
    design = load_design(path)
    output = postgres.render(design)
    assert output.warnings == []
    apply(any_pg_url, output.files["schema.sql"], tmp_path)

    imported = import_database(any_pg_url, name=design.name)
    expected = postgres.project(design)
    assert design_differences(expected, imported.design) == []
    assert imported.warnings == []
    # Second round trip: the imported design builds byte-identical DDL and is a stable document.
    assert postgres.render(imported.design).files == postgres.render(expected).files
    assert dump_design(load_design_text(dump_design(imported.design))) == dump_design(imported.design)


def test_taskhub_for_postgres_18_uses_uuidv7_and_round_trips(pg_url: str, tmp_path: Path):
    design = load_design(TASKHUB)
    text = postgres.render(design, postgres_version=18).files["schema.sql"]
    assert "DEFAULT uuidv7()" in text and "gen_random_uuid" not in text
    assert "-- Target: PostgreSQL 18 or later." in text
    apply(pg_url, text, tmp_path)
    imported = import_database(pg_url, name=design.name)
    assert imported.design.conventions.postgres_version == 18  # uuidv7() defaults: the database needs 18
    projected = postgres.project(design)
    built_for_18 = projected.model_copy(update={"conventions": projected.conventions.model_copy(update={"postgres_version": 18})})
    assert design_differences(built_for_18, imported.design) == []
    assert postgres.render(imported.design, postgres_version=18).files["schema.sql"] == text


def test_uuidv7_only_from_version_18():
    design = load_design(TASKHUB)
    for version in (14, 15, 17):
        text = postgres.render(design, postgres_version=version).files["schema.sql"]
        assert "uuidv7" not in text
        assert "id uuid DEFAULT gen_random_uuid() NOT NULL" in text
    assert "id uuid DEFAULT uuidv7() NOT NULL" in postgres.render(design, postgres_version=18).files["schema.sql"]


def test_version_14_output_applies_on_every_server(any_pg_url: str, tmp_path: Path):
    text = postgres.render(load_design(TASKHUB), postgres_version=14).files["schema.sql"]
    apply(any_pg_url, text, tmp_path)
    assert fetch(any_pg_url, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == [(7,)]


def test_output_is_deterministic_and_transactional():
    design = load_design(HOSTILE)
    first = postgres.render(design).files["schema.sql"]
    assert first == postgres.render(load_design(HOSTILE)).files["schema.sql"]
    lines = first.splitlines()
    assert lines[0].startswith("-- hostile: PostgreSQL schema")
    assert "-- Target: PostgreSQL 14 or later." in first
    assert "\nBEGIN;\n" in first and first.endswith("COMMIT;\n")


def test_a_failing_statement_leaves_nothing_behind(pg_url: str, tmp_path: Path):
    text = postgres.render(load_design(TASKHUB)).files["schema.sql"]
    broken = text.replace("COMMIT;", "SELECT 1/0;\nCOMMIT;")
    path = tmp_path / "broken.sql"
    path.write_text(broken)
    completed = psql_file(pg_url, path)
    assert completed.returncode != 0 and "division by zero" in completed.stderr
    assert fetch(pg_url, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == [(0,)]


# --- hostile text stays text -----------------------------------------------------------------


def test_hostile_comments_and_defaults_are_stored_as_text(any_pg_url: str, tmp_path: Path):
    apply(any_pg_url, postgres.render(load_design(HOSTILE)).files["schema.sql"], tmp_path)
    comments = dict(
        fetch(
            any_pg_url,
            "SELECT c.relname, d.description FROM pg_description d JOIN pg_class c ON c.oid = d.objoid"
            " WHERE d.objsubid = 0 AND c.relkind = 'r'",
        )
    )
    assert comments["user"] == "'; DROP TABLE x; --"
    assert comments["order line"] == "Line of an order. Multi-line\ncomment with a backslash \\ and a tab\tend."
    column_comment = fetch(any_pg_url, """SELECT col_description('"user"'::regclass, 2)""")
    assert column_comment == [("It's a column named select; \"quoted\" and -- dashes /* and a block */",)]
    tables = {row[0] for row in fetch(any_pg_url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
    assert tables == {"user", "order", "order line"}  # no table x dropped or created, "user" still there

    with psycopg.connect(any_pg_url, autocommit=True) as connection:
        user_id = connection.execute("""INSERT INTO "user" ("select") VALUES ('me') RETURNING id, "Mixed Case" """).fetchone()
        assert user_id[1] == "O'Brien"
        row = connection.execute("""INSERT INTO "order" (user_id) VALUES (%s) RETURNING status, note""", (user_id[0],)).fetchone()
    assert row == ("it's paid", "'; DROP TABLE \"user\"; --")


def test_check_style_enum_rejects_other_values(pg_url: str, tmp_path: Path):
    apply(pg_url, postgres.render(load_design(HOSTILE)).files["schema.sql"], tmp_path)
    with psycopg.connect(pg_url, autocommit=True) as connection:
        user_id = connection.execute("""INSERT INTO "user" ("select") VALUES ('me') RETURNING id""").fetchone()[0]
        connection.execute("""INSERT INTO "order" (user_id, status) VALUES (%s, 'say "hi"')""", (user_id,))
    message = database_error(pg_url, f"""INSERT INTO "order" (user_id, status) VALUES ({user_id}, 'lost')""")
    assert "order_status_order status_enum" in message


def test_foreign_key_cycle_is_closed_after_the_tables_and_is_deferrable(any_pg_url: str, tmp_path: Path):
    text = postgres.render(load_design(HOSTILE)).files["schema.sql"]
    assert 'ALTER TABLE "order"\n    ADD CONSTRAINT order_first_line_id_fkey FOREIGN KEY (first_line_id) REFERENCES "order line" (id)' in text
    assert text.index('CREATE TABLE "order" (') < text.index('CREATE TABLE "order line" (') < text.index("ADD CONSTRAINT order_first_line_id_fkey")
    apply(any_pg_url, text, tmp_path)
    with psycopg.connect(any_pg_url) as connection:  # one transaction: the deferred key is checked at COMMIT
        user_id = connection.execute("""INSERT INTO "user" ("select") VALUES ('a') RETURNING id""").fetchone()[0]
        connection.execute("""INSERT INTO "order" (id, user_id, first_line_id) OVERRIDING SYSTEM VALUE VALUES (1, %s, 10)""", (user_id,))
        connection.execute("""INSERT INTO "order line" (id, order_id, price) VALUES (10, 1, 2.50)""")
        connection.commit()
    assert fetch(any_pg_url, 'SELECT first_line_id FROM "order"') == [(10,)]


# --- triggers that really work ---------------------------------------------------------------


def _taskhub_with_project(url: str, tmp_path: Path) -> str:
    apply(url, postgres.render(load_design(TASKHUB)).files["schema.sql"], tmp_path)
    with psycopg.connect(url, autocommit=True) as connection:
        organization = connection.execute("INSERT INTO organizations (name, slug) VALUES ('Acme', 'acme') RETURNING id").fetchone()[0]
        project = connection.execute(
            "INSERT INTO projects (organization_id, name) VALUES (%s, 'Launch') RETURNING id", (organization,)
        ).fetchone()[0]
    return str(project)


def _task(connection, project: str, title: str, parent=None):
    return connection.execute(
        "INSERT INTO tasks (project_id, title, parent_id) VALUES (%s, %s, %s) RETURNING id", (project, title, parent)
    ).fetchone()[0]


def test_updated_at_trigger_keeps_the_column_current(any_pg_url: str, tmp_path: Path):
    apply(any_pg_url, postgres.render(load_design(TASKHUB)).files["schema.sql"], tmp_path)
    with psycopg.connect(any_pg_url, autocommit=True) as connection:
        connection.execute(
            "INSERT INTO organizations (name, slug, created_at, updated_at) VALUES ('Acme', 'acme', '2001-01-01', '2001-01-01')"
        )
        before = connection.execute("SELECT updated_at FROM organizations").fetchone()[0]
        connection.execute("UPDATE organizations SET name = 'Acme Ltd'")
        after, created = connection.execute("SELECT updated_at, created_at FROM organizations").fetchone()
        now = connection.execute("SELECT now()").fetchone()[0]
    assert before.year == 2001  # an INSERT keeps what it was given
    assert abs((now - after).total_seconds()) < 60 and created.year == 2001  # an UPDATE sets it, and only it


def test_max_depth_rejects_a_grandchild_but_not_a_child(any_pg_url: str, tmp_path: Path):
    project = _taskhub_with_project(any_pg_url, tmp_path)
    with psycopg.connect(any_pg_url, autocommit=True) as connection:
        root = _task(connection, project, "root")
        child = _task(connection, project, "child", root)
        with pytest.raises(psycopg.errors.CheckViolation) as error:
            _task(connection, project, "grandchild", child)
    assert "tasks.parent_id: rows may be at most 1 level(s) below a root; this change would make 2" in str(error.value)


def test_max_depth_rejects_moving_a_subtree_too_deep_and_cycles(any_pg_url: str, tmp_path: Path):
    project = _taskhub_with_project(any_pg_url, tmp_path)
    with psycopg.connect(any_pg_url, autocommit=True) as connection:
        first = _task(connection, project, "first")
        _task(connection, project, "first's child", first)
        second = _task(connection, project, "second")
        leaf = _task(connection, project, "leaf", second)
        # Moving a root that has a child under another root would put the child two levels down.
        with pytest.raises(psycopg.errors.CheckViolation) as error:
            connection.execute("UPDATE tasks SET parent_id = %s WHERE id = %s", (second, first))
        assert "would make 2" in str(error.value)
        # A leaf may move to another root; a row may not become its own ancestor.
        connection.execute("UPDATE tasks SET parent_id = %s WHERE id = %s", (first, leaf))
        with pytest.raises(psycopg.errors.CheckViolation) as error:
            connection.execute("UPDATE tasks SET parent_id = id WHERE id = %s", (second,))
        assert "cannot be its own ancestor" in str(error.value)
        # Unrelated updates of a deep row are not checked again.
        connection.execute("UPDATE tasks SET title = 'renamed' WHERE id = %s", (leaf,))


def test_max_depth_two_levels_on_the_hostile_table(pg_url: str, tmp_path: Path):
    apply(pg_url, postgres.render(load_design(HOSTILE)).files["schema.sql"], tmp_path)
    with psycopg.connect(pg_url, autocommit=True) as connection:
        user_id = connection.execute("""INSERT INTO "user" ("select") VALUES ('a') RETURNING id""").fetchone()[0]
        order = connection.execute('INSERT INTO "order" (user_id) VALUES (%s) RETURNING id', (user_id,)).fetchone()[0]
        parent = None
        for level in range(3):  # levels 0, 1, 2 are allowed
            parent = connection.execute(
                'INSERT INTO "order line" (order_id, parent_id, price) VALUES (%s, %s, 1) RETURNING id', (order, parent)
            ).fetchone()[0]
        with pytest.raises(psycopg.errors.CheckViolation) as error:
            connection.execute('INSERT INTO "order line" (order_id, parent_id, price) VALUES (%s, %s, 1)', (order, parent))
    assert "order line.parent_id: rows may be at most 2 level(s)" in str(error.value)


# --- everything else a design can say ----------------------------------------------------------

KITCHEN_SINK = """
name: kitchen sink
conventions: {primary_key: identity, postgres_version: 15}
enums:
  mood: [happy, "it's complicated", sad]
tables:
  accounts:
    comment: ""
    columns:
      id: {type: integer}
      handle: {type: varchar(30)}
      email: {type: text, nullable: true}
      moods: {type: "enum:mood[]", default: "{}"}
      mood: {type: "enum:mood", default: "it's complicated"}
      active: {type: boolean, default: true}
      balance: {type: "numeric(12,2)", default: 0}
      score: {type: double, default: 0.5}
      small: {type: smallint, default: -3}
      ratio: {type: real, nullable: true}
      born: {type: date, nullable: true}
      wakes: {type: time, nullable: true}
      seen: {type: timestamp, nullable: true}
      span: {type: interval, default: "1 day"}
      settings: {type: json, default: "{}"}
      avatar: {type: bytes, nullable: true}
      tags: {type: "text[]", nullable: true}
      token: {type: uuid, default: gen_random_uuid()}
      total: {type: "numeric(12,2)", generated: balance + balance}
      code: {type: bigint, identity: always}
    primary_key: [id]
    unique:
      - {columns: [handle], nulls_not_distinct: true}
      - {name: accounts email must be unique, columns: [email]}
    checks:
      - {expression: "handle <> '' AND length(handle) >= 2"}
      - {name: sane balance, expression: "balance > -1000"}
      - {expression: "mood IN ('happy', 'sad') OR balance >= 0"}
    indexes:
      - {columns: [handle desc nulls last, id], include: [email]}
      - {name: my own name, columns: [email nulls first], where: "email IS NOT NULL AND active"}
      - {expressions: [lower(email), "coalesce(handle, '') desc"], method: btree}
      - {columns: [tags], method: gin}
      - {columns: [seen], method: brin}
      - {columns: [email], method: hash}
    row_level_security: true
    policies:
      - {name: only active, command: select, using: active}
      - {name: no negative, command: insert, with_check: balance >= 0, permissive: false, roles: [public]}
  transfers:
    columns:
      id: {type: bigint}
      source_id: {type: integer}
      target_id: {type: integer, nullable: true}
      amount: {type: "numeric(12,2)"}
    primary_key: [id]
    foreign_keys:
      - {columns: [source_id], references: {table: accounts, columns: [id]}, on_delete: restrict, on_update: cascade}
      - {name: target, columns: [target_id], references: {table: accounts, columns: [id]}, on_delete: no action, deferrable: true}
"""


def test_every_feature_round_trips(any_pg_url: str, tmp_path: Path):
    design = load_design_text(KITCHEN_SINK)
    output = postgres.render(design)
    text = output.files["schema.sql"]
    assert "CONSTRAINT accounts_handle_key UNIQUE NULLS NOT DISTINCT (handle)" in text
    assert 'CREATE POLICY "no negative" ON accounts AS RESTRICTIVE FOR INSERT TO PUBLIC WITH CHECK (balance >= 0);' in text
    assert "ALTER TABLE accounts ENABLE ROW LEVEL SECURITY;" in text
    assert "USING btree (handle DESC NULLS LAST, id) INCLUDE (email)" in text
    assert "((lower(email)), (coalesce(handle, '')) DESC)" in text
    assert "token uuid DEFAULT gen_random_uuid() NOT NULL" in postgres.render(design, postgres_version=18).files["schema.sql"]
    apply(any_pg_url, text, tmp_path)

    imported = import_database(any_pg_url, name=design.name)
    expected = postgres.project(design)
    assert design_differences(expected, imported.design) == []
    assert postgres.render(imported.design).files == postgres.render(expected).files
    assert imported.design.conventions.postgres_version == 15
    assert [policy.roles for policy in imported.design.tables["accounts"].policies] == [[], []]


def test_check_style_enum_arrays_warn(tmp_path: Path):
    design = load_design_text(
        "name: d\nconventions: {enum_style: check}\nenums: {mood: [a, b]}\n"
        "tables:\n  t:\n    columns:\n      id: {type: bigint}\n      moods: {type: 'enum:mood[]'}\n    primary_key: [id]\n"
    )
    output = postgres.render(design)
    assert "moods text[] NOT NULL" in output.files["schema.sql"]
    assert output.warnings == [
        (
            "t.moods: an array of enum mood is text[] under enum_style check; its values are not checked"
            " (use enum_style native to keep them)"
        )
    ]


# --- what is refused -------------------------------------------------------------------------


def _one_table(columns: str, extra: str = "", conventions: str = "{}") -> str:
    return f"name: d\nconventions: {conventions}\ntables:\n  t:\n    columns:\n{columns}    primary_key: [id]\n{extra}"


def test_non_numeric_default_for_a_numeric_column_names_the_column():
    design = load_design_text(_one_table("      id: {type: bigint}\n      price: {type: 'numeric(8,2)', default: cheap}\n"))
    with pytest.raises(SchemaError) as error:
        postgres.render(design)
    assert "t.price: default 'cheap' is not a number" in str(error.value)
    design = load_design_text(_one_table("      id: {type: bigint}\n      n: {type: integer, default: 1.5}\n"))
    with pytest.raises(SchemaError, match=r"t\.n: default 1\.5 is not an integer"):
        postgres.render(design)


def test_sql_smuggled_into_an_expression_is_refused():
    for expression in ["1) ; DROP TABLE x; --", "a) FROM pg_class WHERE (true", "true -- )"]:
        design = load_design_text(
            _one_table("      id: {type: bigint}\n      a: {type: boolean}\n", f"    checks:\n      - {{name: c, expression: {expression!r}}}\n")
        )
        with pytest.raises(SchemaError) as error:
            postgres.render(design)
        assert "t.c: check" in str(error.value) and "is not one SQL expression" in str(error.value)


def test_nulls_not_distinct_needs_postgres_15():
    design = load_design_text(
        _one_table("      id: {type: bigint}\n      a: {type: text, nullable: true}\n", "    unique:\n      - {columns: [a], nulls_not_distinct: true}\n")
    )
    with pytest.raises(SchemaError) as error:
        postgres.render(design)
    assert "t.t_a_key: UNIQUE NULLS NOT DISTINCT needs PostgreSQL 15 or later" in str(error.value)
    assert "UNIQUE NULLS NOT DISTINCT (a)" in postgres.render(design, postgres_version=15).files["schema.sql"]


def test_explicit_uuidv7_before_18_warns_and_falls_back():
    design = load_design_text(_one_table("      id: {type: bigint}\n      ref: {type: uuid, default: uuidv7()}\n"))
    output = postgres.render(design)
    assert "ref uuid DEFAULT gen_random_uuid() NOT NULL" in output.files["schema.sql"]
    assert output.warnings and output.warnings[0].startswith("t.ref: uuidv7() needs PostgreSQL 18")
    assert "ref uuid DEFAULT uuidv7() NOT NULL" in postgres.render(design, postgres_version=18).files["schema.sql"]


def test_the_header_cannot_be_broken_out_of():
    design = load_design_text(_one_table("      id: {type: bigint}\n").replace("name: d", 'name: "d\\nDROP TABLE x;"'))
    first_lines = postgres.render(design).files["schema.sql"].splitlines()[:3]
    assert all(line.startswith("--") for line in first_lines)


def test_quoting_helpers():
    assert postgres.quote_identifier("user") == '"user"'
    assert postgres.quote_identifier("Mixed Case") == '"Mixed Case"'
    assert postgres.quote_identifier('quote"inside') == '"quote""inside"'
    assert postgres.quote_identifier("plain_name") == "plain_name"
    assert postgres.quote_literal("it's") == "'it''s'"
    assert postgres.quote_literal("a\\b") == "E'a\\\\b'"
    with pytest.raises(SchemaError):
        postgres.quote_literal("nul\x00")


def test_names_shortened_to_63_bytes_still_round_trip(pg_url: str, tmp_path: Path):
    long_table = "a_table_name_that_is_long_enough_to_push_each_derived_name_over"
    long_enum = "an_enum_whose_name_alone_takes_up_most_of_the_identifier_limit"
    design = load_design_text(
        f"name: long\nconventions: {{enum_style: check, primary_key: identity}}\nenums: {{{long_enum}: [x, y]}}\n"
        f"tables:\n  {long_table}:\n    columns:\n      id: {{type: bigint}}\n"
        f"      the_state_of_this_row_in_its_lifecycle: {{type: 'enum:{long_enum}', default: x}}\n"
        f"      reference_to_another_row_of_the_same_table: {{type: bigint, nullable: true}}\n"
        f"    primary_key: [id]\n"
        f"    foreign_keys:\n      - {{columns: [reference_to_another_row_of_the_same_table], references: {{table: {long_table}, columns: [id]}}}}\n"
        f"    indexes:\n      - {{columns: [reference_to_another_row_of_the_same_table, the_state_of_this_row_in_its_lifecycle]}}\n"
    )
    text = postgres.render(design).files["schema.sql"]
    assert f"IS 'schemasmith enum: {long_enum}';" in text  # the shortened CHECK name cannot hold the enum's name
    apply(pg_url, text, tmp_path)
    imported = import_database(pg_url, name="long")
    assert design_differences(postgres.project(design), imported.design) == []
    assert postgres.render(imported.design).files["schema.sql"] == text
