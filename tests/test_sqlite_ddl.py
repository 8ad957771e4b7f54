"""SQLite DDL: generated files applied with the real sqlite3 tool, then used the way an app would."""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from schemasmith.dialects import sqlite as dialect
from schemasmith.model import load_design, load_design_text

REPO = Path(__file__).resolve().parent.parent
TASKHUB = REPO / "examples" / "taskhub.yaml"
HOSTILE = REPO / "tests" / "fixtures" / "hostile" / "hostile.yaml"
SQLITE3 = shutil.which("sqlite3") or "/usr/bin/sqlite3"
UUID_V4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def apply_with_cli(db: Path, schema: str, *, bail: bool = True) -> subprocess.CompletedProcess:
    """Apply `schema` with the sqlite3 command-line tool, the way the header of the file says."""
    sql_file = db.parent / f"{db.stem}-schema.sql"
    sql_file.write_text(schema, encoding="utf-8")
    if bail:
        return subprocess.run([SQLITE3, "-bail", str(db), f'.read "{sql_file}"'], capture_output=True, text=True, timeout=60)
    with sql_file.open(encoding="utf-8") as stream:
        return subprocess.run([SQLITE3, str(db)], stdin=stream, capture_output=True, text=True, timeout=60)


def connect(db: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(db, isolation_level=None)
    connection.execute("PRAGMA foreign_keys = ON")
    return connection


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Each example rendered and applied once with `sqlite3 -bail db .read schema.sql`."""
    folder = tmp_path_factory.mktemp("sqlite-ddl")
    result = {}
    for label, path in (("taskhub", TASKHUB), ("hostile", HOSTILE)):
        design = load_design(path)
        output = dialect.render(design)
        db = folder / f"{label}.db"
        completed = apply_with_cli(db, output.files["schema.sql"])
        assert completed.returncode == 0, completed.stderr
        result[label] = (design, output, db)
    return result


@pytest.fixture
def taskhub_db(built, tmp_path) -> Path:
    copy = tmp_path / "taskhub.db"
    shutil.copy(built["taskhub"][2], copy)
    return copy


@pytest.fixture
def hostile_db(built, tmp_path) -> Path:
    copy = tmp_path / "hostile.db"
    shutil.copy(built["hostile"][2], copy)
    return copy


# --- the file ---------------------------------------------------------------------------------


def test_render_is_one_deterministic_transaction(built):
    design, output, _ = built["taskhub"]
    assert list(output.files) == ["schema.sql"]
    text = output.files["schema.sql"]
    assert dialect.render(load_design(TASKHUB)).files["schema.sql"] == text
    assert text.startswith("-- SQLite schema for the design 'taskhub'")
    statements = [line for line in text.splitlines() if line and not line.startswith("--")]
    assert statements[0] == "PRAGMA foreign_keys = ON;"
    assert statements[1] == "BEGIN;"
    assert statements[-1] == "COMMIT;"
    # referenced tables are created before the tables that reference them
    order = re.findall(r"^CREATE TABLE (\w+) \(", text, re.M)
    assert order.index("organizations") < order.index("projects") < order.index("tasks") < order.index("comments")


def test_plain_sqlite3_without_bail_applies_all_of_it(tmp_path, built):
    _, output, _ = built["hostile"]
    db = tmp_path / "piped.db"
    completed = apply_with_cli(db, output.files["schema.sql"], bail=False)
    assert completed.returncode == 0, completed.stderr
    names = {row[0] for row in sqlite3.connect(db).execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"user", "order", "order line"} <= names


@pytest.mark.parametrize("bail", [True, False])
def test_a_failing_statement_applies_nothing(tmp_path, built, bail):
    _, output, _ = built["taskhub"]
    db = tmp_path / "taken.db"
    sqlite3.connect(db).execute("CREATE TABLE comments (x)").connection.commit()
    completed = apply_with_cli(db, output.files["schema.sql"], bail=bail)
    assert completed.returncode != 0
    assert "comments already exists" in completed.stderr
    if not bail:  # the tool went on after the error; the guard rolled everything back
        assert "did not apply completely" in completed.stderr
    tables = [row[0] for row in sqlite3.connect(db).execute("SELECT name FROM sqlite_master")]
    assert tables == ["comments"]


def test_declared_types_keep_the_portable_type(taskhub_db):
    connection = connect(taskhub_db)
    types = {row[1]: row[2] for row in connection.execute("PRAGMA table_info(tasks)")}
    assert types["id"] == "UUID_TEXT"
    assert types["title"] == "VARCHAR(200)"
    assert types["status"] == "TEXT"
    assert types["due_date"] == "DATE"
    assert types["created_at"] == "TIMESTAMPTZ"
    activity = {row[1]: row[2] for row in connection.execute("PRAGMA table_info(task_activity)")}
    assert activity["id"] == "INTEGER"
    assert activity["change"] == "JSON_TEXT"


def test_affinity_keeps_uuid_and_json_values_as_text(taskhub_db):
    connection = connect(taskhub_db)
    digits_only = "12345678901234567890123456789012"  # a uuid.hex SQLite would read as a number under NUMERIC
    connection.execute("INSERT INTO organizations (id, name, slug) VALUES (?, 'Acme', 'acme')", (digits_only,))
    assert connection.execute("SELECT typeof(id), id FROM organizations").fetchone() == ("text", digits_only)
    task = connection.execute(
        "INSERT INTO projects (organization_id, name) VALUES (?, 'P') RETURNING id", (digits_only,)
    ).fetchone()[0]
    task_id = connection.execute("INSERT INTO tasks (project_id, title) VALUES (?, 't') RETURNING id", (task,)).fetchone()[0]
    connection.execute("INSERT INTO task_activity (task_id, change) VALUES (?, '123')", (task_id,))
    assert connection.execute("SELECT typeof(change), change FROM task_activity").fetchone() == ("text", "123")
    with pytest.raises(sqlite3.IntegrityError):
        connection.execute("INSERT INTO task_activity (task_id, change) VALUES (?, '{not json')", (task_id,))


def test_uuid_key_default_is_a_version_4_uuid(taskhub_db):
    connection = connect(taskhub_db)
    for slug in ("a", "b", "c"):
        connection.execute("INSERT INTO organizations (name, slug) VALUES ('x', ?)", (slug,))
    ids = [row[0] for row in connection.execute("SELECT id FROM organizations")]
    assert len(set(ids)) == 3
    assert all(UUID_V4.match(value) for value in ids), ids


def test_types_sqlite_does_not_enforce_get_checks(taskhub_db):
    connection = connect(taskhub_db)
    with pytest.raises(sqlite3.IntegrityError, match="CHECK constraint failed"):
        connection.execute("INSERT INTO organizations (name, slug) VALUES ('x', ?)", ("s" * 65,))
    connection.execute("INSERT INTO organizations (name, slug) VALUES ('x', ?)", ("s" * 64,))


def test_enum_check_rejects_a_wrong_value(taskhub_db):
    connection = connect(taskhub_db)
    org = connection.execute("INSERT INTO organizations (name, slug) VALUES ('o', 'o') RETURNING id").fetchone()[0]
    project = connection.execute("INSERT INTO projects (organization_id, name) VALUES (?, 'p') RETURNING id", (org,)).fetchone()[0]
    row = connection.execute("INSERT INTO tasks (project_id, title) VALUES (?, 't') RETURNING status, priority", (project,)).fetchone()
    assert row == ("todo", "medium")
    with pytest.raises(sqlite3.IntegrityError, match="tasks_status_task_status_enum"):
        connection.execute("INSERT INTO tasks (project_id, title, status) VALUES (?, 't', 'finished')", (project,))


def test_foreign_keys_are_enforced_with_their_actions(taskhub_db):
    connection = connect(taskhub_db)
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        connection.execute("INSERT INTO projects (organization_id, name) VALUES ('no-such-org', 'p')")
    org = connection.execute("INSERT INTO organizations (name, slug) VALUES ('o', 'o') RETURNING id").fetchone()[0]
    user = connection.execute("INSERT INTO users (email, display_name) VALUES ('a@b.c', 'A') RETURNING id").fetchone()[0]
    project = connection.execute("INSERT INTO projects (organization_id, name) VALUES (?, 'p') RETURNING id", (org,)).fetchone()[0]
    task = connection.execute(
        "INSERT INTO tasks (project_id, title, assignee_id) VALUES (?, 't', ?) RETURNING id", (project, user)
    ).fetchone()[0]
    connection.execute("DELETE FROM users WHERE id = ?", (user,))  # ON DELETE SET NULL
    assert connection.execute("SELECT assignee_id FROM tasks WHERE id = ?", (task,)).fetchone() == (None,)
    connection.execute("DELETE FROM organizations WHERE id = ?", (org,))  # cascades to projects and tasks
    assert connection.execute("SELECT count(*) FROM projects").fetchone() == (0,)
    assert connection.execute("SELECT count(*) FROM tasks").fetchone() == (0,)


@pytest.mark.parametrize("recursive_triggers", ["OFF", "ON"])
def test_updated_at_trigger_keeps_the_column_current(taskhub_db, recursive_triggers):
    connection = connect(taskhub_db)
    connection.execute(f"PRAGMA recursive_triggers = {recursive_triggers}")
    connection.execute(
        "INSERT INTO organizations (name, slug, created_at, updated_at) VALUES ('o', 'o', '2000-01-01 00:00:00', '2000-01-01 00:00:00')"
    )
    connection.execute("UPDATE organizations SET name = 'renamed'")
    now = connection.execute("SELECT CURRENT_TIMESTAMP").fetchone()[0]
    created, updated = connection.execute("SELECT created_at, updated_at FROM organizations").fetchone()
    assert created == "2000-01-01 00:00:00"
    assert updated[:10] == now[:10] and updated != "2000-01-01 00:00:00"
    # an update that sets updated_at itself keeps the value it set
    connection.execute("UPDATE organizations SET name = 'again', updated_at = '2001-02-03 04:05:06'")
    assert connection.execute("SELECT updated_at FROM organizations").fetchone() == ("2001-02-03 04:05:06",)


def _tree(connection: sqlite3.Connection):
    org = connection.execute("INSERT INTO organizations (name, slug) VALUES ('o', 'o') RETURNING id").fetchone()[0]
    project = connection.execute("INSERT INTO projects (organization_id, name) VALUES (?, 'p') RETURNING id", (org,)).fetchone()[0]

    def task(parent=None):
        return connection.execute(
            "INSERT INTO tasks (project_id, title, parent_id) VALUES (?, 't', ?) RETURNING id", (project, parent)
        ).fetchone()[0]

    return task


def test_max_depth_rejects_a_too_deep_insert(taskhub_db):
    connection = connect(taskhub_db)
    task = _tree(connection)
    root = task()
    child = task(root)  # one level below a root: allowed (depth 1)
    with pytest.raises(sqlite3.IntegrityError, match=r"tasks\.parent_id: a row may sit at most 1 level"):
        task(child)
    assert connection.execute("SELECT count(*) FROM tasks").fetchone() == (2,)


def test_max_depth_rejects_reparenting_a_subtree_too_deep_or_into_itself(taskhub_db):
    connection = connect(taskhub_db)
    task = _tree(connection)
    first, second = task(), task()
    child = task(first)
    # moving a root that has a child under another root would put the child two levels deep
    with pytest.raises(sqlite3.IntegrityError, match="at most 1 level"):
        connection.execute("UPDATE tasks SET parent_id = ? WHERE id = ?", (second, first))
    # moving a leaf is fine
    connection.execute("UPDATE tasks SET parent_id = ? WHERE id = ?", (second, child))
    # a row under itself is a cycle
    with pytest.raises(sqlite3.IntegrityError, match="never below itself"):
        connection.execute("UPDATE tasks SET parent_id = id WHERE id = ?", (first,))


def test_max_depth_two_levels_on_hostile_names(hostile_db):
    connection = connect(hostile_db)
    user = connection.execute('INSERT INTO "user" ("select") VALUES (\'x\') RETURNING id').fetchone()[0]
    order = connection.execute('INSERT INTO "order" (user_id) VALUES (?) RETURNING id', (user,)).fetchone()[0]

    def line(parent=None):
        return connection.execute(
            'INSERT INTO "order line" (order_id, parent_id, price) VALUES (?, ?, 1) RETURNING id', (order, parent)
        ).fetchone()[0]

    a = line()
    b = line(a)
    c = line(b)  # two levels below the root: allowed
    with pytest.raises(sqlite3.IntegrityError, match="at most 2 level"):
        line(c)
    other = line()
    with pytest.raises(sqlite3.IntegrityError):  # a under its own grandchild: a cycle
        connection.execute('UPDATE "order line" SET parent_id = ? WHERE id = ?', (c, a))
    connection.execute('UPDATE "order line" SET parent_id = ? WHERE id = ?', (other, b))  # b, c now at depth 1, 2


def test_hostile_defaults_and_comments_stay_text(built, hostile_db):
    _, output, _ = built["hostile"]
    connection = connect(hostile_db)
    user = connection.execute('INSERT INTO "user" ("select") VALUES (\'s\') RETURNING id, "Mixed Case", "quote""inside"').fetchone()
    assert user[1:] == ("O'Brien", 0)
    row = connection.execute('INSERT INTO "order" (user_id) VALUES (?) RETURNING status, note', (user[0],)).fetchone()
    assert row == ("it's paid", "'; DROP TABLE \"user\"; --")
    with pytest.raises(sqlite3.IntegrityError, match="order status"):
        connection.execute('INSERT INTO "order" (user_id, status) VALUES (?, \'it s paid\')', (user[0],))
    for value in ("new", "say \"hi\"", "a,b"):
        connection.execute('INSERT INTO "order" (user_id, status) VALUES (?, ?)', (user[0], value))
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"user", "order", "order line"} <= tables
    text = output.files["schema.sql"]
    # every line a comment produced is a comment line, including the continuation of a multi-line one
    assert "-- user: '; DROP TABLE x; --" in text.splitlines()
    assert "-- comment with a backslash \\ and a tab\tend." in text.splitlines()
    for line in text.splitlines():
        if "DROP TABLE x" in line or 'DROP TABLE "user"' in line:
            assert line.startswith("--") or "DEFAULT '''; DROP TABLE" in line


def test_hostile_foreign_key_cycle_is_deferred(hostile_db):
    connection = connect(hostile_db)
    user = connection.execute('INSERT INTO "user" ("select") VALUES (\'s\') RETURNING id').fetchone()[0]
    connection.execute("BEGIN")
    # the order points at a line that does not exist yet: allowed until COMMIT (DEFERRABLE INITIALLY DEFERRED)
    connection.execute('INSERT INTO "order" (id, user_id, first_line_id) VALUES (7, ?, 70)', (user,))
    connection.execute('INSERT INTO "order line" (id, order_id, price) VALUES (70, 7, 2.5)')
    connection.execute("COMMIT")
    connection.execute('DELETE FROM "user"')  # cascades to the order and its lines
    assert connection.execute('SELECT count(*) FROM "order line"').fetchone() == (0,)


def test_checks_and_unique_keep_their_names(hostile_db):
    connection = connect(hostile_db)
    with pytest.raises(sqlite3.IntegrityError, match="user_check"):
        connection.execute('INSERT INTO "user" ("select") VALUES (\'\')')
    connection.execute('INSERT INTO "user" ("select") VALUES (\'Abc\')')
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):  # the unique index on lower("select")
        connection.execute('INSERT INTO "user" ("select") VALUES (\'abc\')')
    with pytest.raises(sqlite3.IntegrityError, match="price is not negative"):
        connection.execute('INSERT INTO "order line" (order_id, price) VALUES (1, -1)')


# --- what SQLite cannot hold ------------------------------------------------------------------


def test_taskhub_warnings_name_what_is_lost(built):
    _, output, _ = built["taskhub"]
    warnings = output.warnings
    assert any("tasks: index tasks_to_tsvector_simple_title_idx (gin" in w and "not built" in w for w in warnings)
    comment_warnings = [w for w in warnings if "comments" in w and "catalog" in w]
    assert len(comment_warnings) == 1
    assert "organizations.slug" in comment_warnings[0] and "task_activity.change" in comment_warnings[0]
    assert any(w.startswith("task_activity.change: json is stored as text") for w in warnings)
    assert any(w.startswith("task_activity.id: identity always") for w in warnings)
    text = output.files["schema.sql"]
    assert "-- Not built: index tasks_to_tsvector_simple_title_idx (gin on to_tsvector('simple', title))" in text
    assert "-- organizations.slug: URL-safe name, unique across all organizations." in text


LOSSY = """
name: lossy
enums:
  mood: [ok, meh]
tables:
  notes:
    comment: "first line\\nsecond line ); DROP TABLE notes; --"
    columns:
      id: {type: integer, identity: always}
      body: {type: text}
      tags: {type: "text[]", nullable: true}
      moods: {type: "enum:mood[]", nullable: true}
      code: {type: varchar(10), nullable: true}
      stamp: {type: timestamptz, default: "clock_timestamp()"}
      slug: {type: text, generated: "lower(body)"}
      flags: {type: json, default: {sql: "'{}'::jsonb"}}
      position: {type: integer, identity: by default, nullable: true}
    primary_key: [id]
    unique:
      - {columns: [code], nulls_not_distinct: true}
    checks:
      - {expression: "code ~ '^[A-Z]+$'"}
      - {expression: "length(body) < 1000"}
    indexes:
      - {columns: [body], include: [code]}
      - {columns: [code nulls first]}
      - {columns: [tags], method: gin}
      - {expressions: ["to_tsvector('simple', body)"], method: gist}
      - {expressions: ["lower(code)"], method: hash}
    row_level_security: true
    policies:
      - {name: own notes, using: "true"}
"""


def test_what_sqlite_cannot_express_is_warned_and_commented(tmp_path):
    design = load_design_text(LOSSY)
    output = dialect.render(design)
    text = output.files["schema.sql"]
    joined = "\n".join(output.warnings)
    assert "notes.tags: SQLite has no arrays" in joined
    assert "notes.stamp: default clock_timestamp() has no SQLite equivalent" in joined
    assert "notes.position: SQLite generates values only for a single-column INTEGER PRIMARY KEY" in joined
    assert "NULLS NOT DISTINCT" in joined
    assert "notes: check notes_check (code ~ '^[A-Z]+$') has no SQLite equivalent; not created" in joined
    assert "index notes_body_idx: SQLite has no INCLUDE (code); built without it" in joined
    assert "index notes_code_idx: SQLite indexes have no NULLS FIRST/LAST" in joined
    assert "index notes_tags_idx (gin on tags) is not built" in joined
    assert "(gist on to_tsvector('simple', body)) is not built" in joined
    assert "notes: SQLite has no row-level security; row-level security and policies own notes not applied" in joined
    assert "-- Not applied: row-level security and policies own notes on notes" in text
    assert "-- Not created: check notes_check (code ~ '^[A-Z]+$')" in text
    assert "-- notes: first line\n-- second line ); DROP TABLE notes; --\n" in text
    # what SQLite can do is there: the jsonb literal default as text, generated column, hash index as b-tree
    assert "flags JSON_TEXT NOT NULL DEFAULT ('{}')" in text
    assert "GENERATED ALWAYS AS (lower(body)) STORED" in text
    assert "CREATE INDEX notes_lower_code_idx ON notes (lower(code));" in text
    db = tmp_path / "lossy.db"
    completed = apply_with_cli(db, text)
    assert completed.returncode == 0, completed.stderr
    connection = connect(db)
    row = connection.execute("INSERT INTO notes (body, stamp) VALUES ('Hello', '2024-01-01 10:00:00') RETURNING id, slug, flags").fetchone()
    assert row == (1, "hello", "{}")
    assert connection.execute("SELECT count(*) FROM sqlite_master WHERE name = 'notes'").fetchone() == (1,)


def test_project_keeps_what_sqlite_holds():
    projected = dialect.project(load_design_text(LOSSY))
    notes = projected.tables["notes"]
    assert projected.conventions.enum_style == "check"
    assert projected.enums == {}  # only used by an array column, which became json
    assert notes.comment is None and not notes.row_level_security and notes.policies == []
    assert notes.columns["id"].type == "integer" and notes.columns["id"].identity == "by default"
    assert notes.columns["tags"].type == "json" and notes.columns["moods"].type == "json"
    assert notes.columns["position"].identity is None
    assert notes.columns["stamp"].default is None
    assert notes.columns["flags"].default.value == "{}" and not notes.columns["flags"].default.is_expression
    assert notes.columns["slug"].generated == "lower(body)"
    assert [check.expression for check in notes.checks] == ["length(body) < 1000"]
    assert notes.checks[0].name == "notes_check1"  # the name it had, now that the first check is gone
    assert [(index.columns, index.expressions, index.method, index.include) for index in notes.indexes] == [
        (["body"], [], "btree", []),
        (["code"], [], "btree", []),
        ([], ["lower(code)"], "btree", []),
    ]
    assert notes.unique[0].nulls_not_distinct is False


def test_project_of_taskhub_drops_comments_and_the_gin_index():
    projected = dialect.project(load_design(TASKHUB))
    assert projected.description is None and projected.queries == []
    tasks = projected.tables["tasks"]
    assert all(column.comment is None for column in tasks.columns.values())
    assert all(index.method == "btree" for index in tasks.indexes) and len(tasks.indexes) == 4
    activity = projected.tables["task_activity"]
    assert activity.columns["id"].type == "integer" and activity.columns["id"].identity == "by default"
    assert projected.tables["organizations"].columns["id"].default is None  # implied by the uuid key


def test_postgres_flavoured_expressions_are_translated(tmp_path):
    design = load_design_text(
        """
name: translated
tables:
  things:
    columns:
      id: {type: integer}
      label: {type: text}
      day: {type: date, default: current_date}
      seen: {type: timestamp, default: "now()"}
    primary_key: [id]
    checks:
      - {expression: "char_length(label::text) > 2"}
      - {expression: "label ILIKE 'a%' OR label IS NOT NULL"}
"""
    )
    output = dialect.render(design)
    text = output.files["schema.sql"]
    assert "day DATE NOT NULL DEFAULT CURRENT_DATE" in text
    assert "seen TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP" in text
    assert "CHECK (LENGTH(CAST(label AS TEXT)) > 2)" in text
    assert output.warnings == []
    completed = apply_with_cli(tmp_path / "t.db", text)
    assert completed.returncode == 0, completed.stderr
    with pytest.raises(sqlite3.IntegrityError):
        connect(tmp_path / "t.db").execute("INSERT INTO things (id, label) VALUES (1, 'ab')")


def test_quoting():
    assert dialect.quote_identifier("tasks") == "tasks"
    assert dialect.quote_identifier("order") == '"order"'
    assert dialect.quote_identifier("Mixed Case") == '"Mixed Case"'
    assert dialect.quote_identifier('quote"inside') == '"quote""inside"'
    assert dialect.quote_identifier("abort") == '"abort"'  # a SQLite keyword SQLAlchemy leaves bare
    assert dialect.quote_literal("it's") == "'it''s'"
    connection = sqlite3.connect(":memory:")
    for name in ["select", "user", "order line", 'a"b', "1st", "rowid", "group", "abort", "ÄÖ", "a\nb"]:
        connection.execute(f"CREATE TABLE {dialect.quote_identifier(name)} ({dialect.quote_identifier(name)} TEXT)")
        assert connection.execute(f"SELECT {dialect.quote_literal(name)}").fetchone() == (name,)


def test_declared_type_affinity_is_the_intended_one():
    intended = {
        "uuid": "TEXT",
        "text": "TEXT",
        "varchar(10)": "TEXT",
        "integer": "INTEGER",
        "bigint": "INTEGER",
        "smallint": "INTEGER",
        "real": "REAL",
        "double": "REAL",
        "numeric(10,2)": "NUMERIC",
        "boolean": "NUMERIC",
        "date": "NUMERIC",
        "timestamptz": "NUMERIC",
        "json": "TEXT",
        "bytes": "BLOB",
        "text[]": "TEXT",
    }
    from schemasmith.model.types import parse_type

    for portable, expected in intended.items():
        declared = dialect.declared_type(parse_type(portable))
        assert dialect.affinity(declared) == expected, (portable, declared)
        assert dialect.portable_from_declared(declared)[0] == (portable if not portable.endswith("[]") else "json")


def test_expressions_cannot_escape_their_parentheses(tmp_path):
    design = load_design_text(
        """
name: injected
tables:
  t:
    columns:
      id: {type: integer}
      a: {type: integer, default: {sql: "(1)); DROP TABLE t; --"}}
    primary_key: [id]
    checks:
      - {expression: "a > 0) OR (1"}
      - {expression: "a > 0); DROP TABLE t; --"}
    indexes:
      - {columns: [a], where: "a > 0 -- ) OR 1"}
"""
    )
    output = dialect.render(design)
    text = output.files["schema.sql"]
    assert "t: check t_check (a > 0) OR (1) has no SQLite equivalent; not created" in output.warnings
    assert any(w.startswith("t.a: default (1)); DROP TABLE t; -- has no SQLite equivalent") for w in output.warnings)
    assert "CREATE INDEX t_a_idx ON t (a) WHERE a > 0;" in text  # the comment is dropped, not what it hid
    for line in text.splitlines():
        if "DROP TABLE t;" in line or ") OR (1" in line:
            assert line.startswith("--"), line
    db = tmp_path / "injected.db"
    assert apply_with_cli(db, text).returncode == 0
    assert connect(db).execute("SELECT sql FROM sqlite_master WHERE name = 't'").fetchone()[0].count("CHECK") == 0


def test_interval_values_stay_text(tmp_path):
    """A declared type containing INT would get integer affinity and turn '10' into 10."""
    import sqlite3

    from schemasmith.model import load_design_text

    design = load_design_text("name: x\ntables:\n  t:\n    columns:\n      id: {type: bigint, identity: by default}\n      d: {type: interval}\n    primary_key: [id]\n")
    database = tmp_path / "i.db"
    connection = sqlite3.connect(database)
    connection.executescript(dialect.render(design).files["schema.sql"])
    connection.execute("INSERT INTO t (d) VALUES ('10')")
    assert connection.execute("SELECT typeof(d) FROM t").fetchone() == ("text",)
    connection.close()
    from schemasmith.importers.sqlite import import_database

    assert import_database(str(database)).design.tables["t"].columns["d"].type == "interval"
