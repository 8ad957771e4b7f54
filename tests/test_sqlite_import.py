"""Importing SQLite: generated schemas come back as the design they came from; foreign DDL as sensible types."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from schemasmith.dialects import sqlite as dialect
from schemasmith.errors import SourceError
from schemasmith.importers.sqlite import import_database, import_ddl, parse_create_table, split_statements
from schemasmith.model import design_differences, dump_design, load_design, load_design_text

REPO = Path(__file__).resolve().parent.parent
TASKHUB = REPO / "examples" / "taskhub.yaml"
HOSTILE = REPO / "tests" / "fixtures" / "hostile" / "hostile.yaml"
CHINOOK = REPO.parent / "shared" / "corpora" / "sample-databases" / "chinook" / "Chinook_Sqlite.sql"
SQLITE3 = shutil.which("sqlite3") or "/usr/bin/sqlite3"


def apply_with_cli(db: Path, schema: str) -> subprocess.CompletedProcess:
    """Apply `schema` with `sqlite3 -bail DB ".read FILE"`, the real command-line tool."""
    sql_file = db.parent / f"{db.stem}-schema.sql"
    sql_file.write_text(schema, encoding="utf-8")
    return subprocess.run([SQLITE3, "-bail", str(db), f'.read "{sql_file}"'], capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("source", [TASKHUB, HOSTILE], ids=["taskhub", "hostile"])
def test_generated_schema_round_trips_through_the_sqlite3_tool(tmp_path, source):
    design = load_design(source)
    output = dialect.render(design)
    db = tmp_path / "app.db"
    completed = apply_with_cli(db, output.files["schema.sql"])
    assert completed.returncode == 0, completed.stderr

    imported = import_database(f"sqlite:///{db}", name=design.name)

    assert imported.warnings == []
    expected = dialect.project(design)
    assert design_differences(expected, imported.design) == []
    assert dialect.render(imported.design).files == dialect.render(expected).files
    # and once more: the imported design is a fixed point
    assert dump_design(import_ddl(dialect.render(imported.design).files["schema.sql"], name=design.name).design) == dump_design(
        imported.design
    )


def test_taskhub_imports_with_enums_identity_and_triggers(tmp_path):
    design = load_design(TASKHUB)
    imported = import_ddl(dialect.render(design).files["schema.sql"], file="schema.sql", name="taskhub").design
    assert imported.conventions.enum_style == "check"
    assert imported.enums["task_priority"] == ["low", "medium", "high", "urgent"]
    tasks = imported.tables["tasks"]
    assert tasks.columns["priority"].type == "enum:task_priority"
    assert tasks.columns["priority"].default.value == "medium"
    assert tasks.columns["id"].default is None  # gen_random_uuid() is implied by a uuid key
    assert tasks.columns["created_at"].default.value == "now()"
    assert tasks.columns["title"].type == "varchar(200)"
    assert tasks.checks == []  # the CHECKs standing in for varchar and enums are not design checks
    assert [(t.kind, t.column, t.depth) for t in tasks.triggers] == [("updated_at", "updated_at", None), ("max_depth", "parent_id", 1)]
    assert [index.where for index in tasks.indexes] == [None, "assignee_id IS NOT NULL", "status <> 'done'", "parent_id IS NOT NULL"]
    assert all(index.name is None for index in tasks.indexes)  # conventional names are left out
    activity = imported.tables["task_activity"].columns
    assert (activity["id"].type, activity["id"].identity) == ("integer", "by default")
    assert activity["change"].type == "json"


def test_hostile_imports_with_its_names_and_text(tmp_path):
    design = load_design(HOSTILE)
    imported = import_ddl(dialect.render(design).files["schema.sql"], name="hostile").design
    assert imported.enums == {"order status": ["new", "it's paid", 'say "hi"', "a,b"]}
    order = imported.tables["order"]
    assert order.columns["note"].default.value == "'; DROP TABLE \"user\"; --"
    assert not order.columns["note"].default.is_expression
    assert order.foreign_keys[1].deferrable and order.foreign_keys[1].initially_deferred
    line = imported.tables["order line"]
    assert [check.name for check in line.checks] == [None, "price is not negative"]
    user = imported.tables["user"]
    assert user.columns["Mixed Case"].default.value == "O'Brien"
    assert user.indexes[0].columns == ["Mixed Case desc"]
    assert user.indexes[0].where == "\"Mixed Case\" <> 'x''y'"


def test_chinook_ddl_imports_with_sensible_types(tmp_path):
    text = CHINOOK.read_text(encoding="utf-8")
    assert len(text) > 500_000 and text.count("INSERT INTO") > 10  # the whole script, data included
    result = import_ddl(text, file=str(CHINOOK))
    design = result.design
    assert design.name == "Chinook_Sqlite"
    assert sorted(design.tables) == sorted(
        ["Album", "Artist", "Customer", "Employee", "Genre", "Invoice", "InvoiceLine", "MediaType", "Playlist", "PlaylistTrack", "Track"]
    )
    album = design.tables["Album"]
    assert {name: column.type for name, column in album.columns.items()} == {
        "AlbumId": "integer",
        "Title": "varchar(160)",
        "ArtistId": "integer",
    }
    assert design.tables["Employee"].columns["BirthDate"].type == "timestamp"
    assert design.tables["Employee"].columns["BirthDate"].nullable
    assert design.tables["Invoice"].columns["Total"].type == "numeric(10,2)"
    assert design.tables["PlaylistTrack"].primary_key == ["PlaylistId", "TrackId"]
    assert album.foreign_keys[0].references.table == "Artist" and album.foreign_keys[0].on_delete is None
    assert album.indexes[0].name == "IFK_AlbumArtistId"
    assert album.primary_key_name == "PK_Album"  # a name that is not the conventional one is kept
    # the imported design builds SQLite DDL that applies, and imports back to itself
    schema = dialect.render(design).files["schema.sql"]
    completed = apply_with_cli(tmp_path / "chinook.db", schema)
    assert completed.returncode == 0, completed.stderr
    again = import_database(str(tmp_path / "chinook.db"), name=design.name)
    assert again.warnings == []
    assert design_differences(design, again.design) == []
    assert dialect.render(again.design).files["schema.sql"] == schema


def test_failing_ddl_names_file_line_and_statement():
    sql = "CREATE TABLE a (id INTEGER PRIMARY KEY);\n\n-- a comment; with a semicolon\nCREATE TABLE b (\n  id INTEGER,\n  name TEXT NOT NULL DEFAULT 'x;y' SOMETHING WRONG\n);\n"
    with pytest.raises(SourceError) as caught:
        import_ddl(sql, file="broken.sql")
    message = str(caught.value)
    assert "broken.sql:4:" in message
    assert "syntax error" in message
    assert "CREATE TABLE b ( id INTEGER, name TEXT NOT NULL DEFAULT 'x;y' SOMETHING WRONG )" in message


def test_failing_statement_later_in_a_script_and_long_statements_are_shortened():
    sql = "CREATE TABLE a (x);\n" * 3 + "CREATE TABLE a (" + ", ".join(f"c{i}" for i in range(200)) + ");\n"
    with pytest.raises(SourceError) as caught:
        import_ddl(sql)
    problem = caught.value.problems[0]
    assert problem.line == 2  # the second CREATE TABLE a already fails
    assert "table a already exists" in problem.message


def test_ddl_cannot_attach_or_write_files(tmp_path):
    target = tmp_path / "attached.db"
    with pytest.raises(SourceError, match="ATTACH"):
        import_ddl(f"ATTACH DATABASE '{target}' AS other;\nCREATE TABLE other.t (x);")
    with pytest.raises(SourceError, match="ATTACH"):
        import_ddl(f"CREATE TABLE t (x);\nVACUUM INTO '{target}';")
    assert not target.exists()


def test_missing_database_file_is_an_error_and_is_not_created(tmp_path):
    missing = tmp_path / "nowhere.db"
    for source in (str(missing), f"sqlite:///{missing}"):
        with pytest.raises(SourceError, match="no such SQLite database file"):
            import_database(source)
    assert not missing.exists()
    assert list(tmp_path.iterdir()) == []


def test_a_file_that_is_not_a_database_is_an_error(tmp_path):
    fake = tmp_path / "fake.db"
    fake.write_text("this is not a database, just text " * 100)
    with pytest.raises(SourceError, match="fake.db"):
        import_database(str(fake))
    with pytest.raises(SourceError, match="in-memory"):
        import_database("sqlite://")


HAND_WRITTEN = """
CREATE TABLE "Customers" (
  CustomerId INTEGER PRIMARY KEY AUTOINCREMENT,
  Name NVARCHAR(80) NOT NULL COLLATE NOCASE,
  Email TEXT UNIQUE,
  Balance MONEY,
  Active BOOL DEFAULT 1,
  Kind TEXT NOT NULL DEFAULT 'retail' CONSTRAINT Customers_Kind_customer_kind_enum CHECK (Kind IN ('retail', 'wholesale')),
  Created DATETIME DEFAULT (datetime('now')),
  updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  Score,
  CHECK (Balance == 0 OR Balance > 0)
);
CREATE TABLE orders (
  id INTEGER NOT NULL PRIMARY KEY,
  customer INTEGER REFERENCES Customers ON DELETE CASCADE,
  ghost INTEGER REFERENCES nothing_here (id),
  placed DATE
);
CREATE INDEX orders_by_customer ON orders (customer, placed DESC) WHERE placed IS NOT NULL;
CREATE VIEW big_customers AS SELECT * FROM Customers WHERE Balance > 1000;
CREATE TRIGGER touch_customers AFTER UPDATE ON Customers
BEGIN
  UPDATE Customers SET updated_at = CURRENT_TIMESTAMP WHERE CustomerId = NEW.CustomerId;
END;
CREATE TRIGGER audit_orders AFTER INSERT ON orders BEGIN SELECT 1; END;
"""


def test_hand_written_ddl(tmp_path):
    result = import_ddl(HAND_WRITTEN, file="hand.sql")
    design = result.design
    customers = design.tables["Customers"]
    columns = {name: column.type for name, column in customers.columns.items()}
    assert columns == {
        "CustomerId": "integer",
        "Name": "varchar(80)",
        "Email": "text",
        "Balance": "text",
        "Active": "boolean",
        "Kind": "enum:customer_kind",
        "Created": "timestamp",
        "updated_at": "timestamp",
        "Score": "text",
    }
    assert customers.columns["CustomerId"].identity == "by default"
    assert customers.columns["Active"].default.value is True
    assert customers.columns["Created"].default.value == "now()" and customers.columns["Created"].default.is_expression
    assert design.enums == {"customer_kind": ["retail", "wholesale"]}
    assert [unique.columns for unique in customers.unique] == [["Email"]]
    assert [check.expression for check in customers.checks] == ["Balance = 0 OR Balance > 0"]
    # a hand-written trigger is kept as SQLite holds it (and no second updated_at trigger is implied)
    assert [(t.name, t.dialect) for t in customers.triggers] == [("touch_customers", "sqlite")]
    assert customers.triggers[0].definition.startswith("CREATE TRIGGER touch_customers AFTER UPDATE ON Customers")
    assert (customers.columns["Name"].collation, customers.columns["Name"].declared_type) == ("NOCASE", "NVARCHAR(80)")
    assert customers.columns["Created"].declared_default == "datetime('now')"
    orders = design.tables["orders"]
    assert orders.foreign_keys[0].references.columns == ["CustomerId"] and orders.foreign_keys[0].on_delete == "cascade"
    assert len(orders.foreign_keys) == 1  # the one to a missing table is reported, not imported
    index = orders.indexes[0]
    assert (index.name, index.columns, index.where) == ("orders_by_customer", ["customer", "placed desc"], "placed IS NOT NULL")
    warnings = "\n".join(result.warnings)
    assert "Customers.Balance: unknown declared type MONEY; imported as text" in warnings
    assert "Customers.Score: has no declared type; imported as text" in warnings
    assert "orders: foreign key orders_ghost_fkey references table nothing_here, which does not exist; not imported" in warnings
    assert design.views["big_customers"].query == "SELECT * FROM Customers WHERE Balance > 1000"
    assert design.views["big_customers"].dialect == "sqlite"
    assert [t.name for t in design.tables["orders"].triggers] == ["audit_orders"]
    # the design builds DDL that applies, and imports back to itself without warnings
    completed = apply_with_cli(tmp_path / "hand.db", dialect.render(design).files["schema.sql"])
    assert completed.returncode == 0, completed.stderr
    again = import_database(str(tmp_path / "hand.db"), name=design.name)
    # the declared types are kept exactly, so the notes on their portable meaning come back too
    assert again.warnings == [w for w in result.warnings if "declared type" in w]
    assert design_differences(design, again.design) == []


def test_updated_at_column_without_trigger_is_reported():
    result = import_ddl("CREATE TABLE t (id INTEGER PRIMARY KEY, updated_at TIMESTAMP);")
    assert any(w.startswith("t.updated_at: no trigger keeps it current") for w in result.warnings)


def test_database_file_is_read_only(tmp_path):
    design = load_design_text("name: small\ntables:\n  items:\n    columns:\n      id: {type: integer}\n    primary_key: [id]\n")
    db = tmp_path / "small.db"
    assert apply_with_cli(db, dialect.render(design).files["schema.sql"]).returncode == 0
    before = db.read_bytes()
    result = import_database(str(db))
    assert result.design.name == "small"
    assert list(result.design.tables) == ["items"]
    assert db.read_bytes() == before


def test_split_statements_keeps_triggers_strings_and_lines():
    sql = (
        "-- header; not a statement\n"
        "CREATE TABLE t (x TEXT DEFAULT 'a;b');\n"
        ".bail on\n"
        "CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n  SELECT 1;\n  SELECT 2;\nEND;\n"
        "/* block; comment */ CREATE TABLE u (\"semi;colon\" TEXT); CREATE TABLE v (y);\n"
    )
    notes: list[str] = []
    statements = split_statements(sql, notes)
    assert [(statement.line, statement.text.split()[1]) for statement in statements] == [
        (2, "TABLE"),
        (4, "TRIGGER"),
        (8, "TABLE"),
        (8, "TABLE"),
    ]
    assert statements[1].text.rstrip().endswith("END;")
    assert notes == ["line 3: the sqlite3 tool's command '.bail on' was skipped"]


def test_parse_create_table_reads_names_and_clauses():
    syntax = parse_create_table(
        'CREATE TABLE "a b" (\n  [id] INTEGER CONSTRAINT pk PRIMARY KEY AUTOINCREMENT,\n'
        "  `p` INTEGER REFERENCES \"a b\" (id) ON UPDATE SET NULL DEFERRABLE INITIALLY DEFERRED,\n"
        "  g TEXT GENERATED ALWAYS AS (upper('x, (y)')) VIRTUAL,\n"
        "  CONSTRAINT \"it's\" CHECK (p > 0 AND ')' <> '(')\n) WITHOUT ROWID"
    )
    assert syntax.columns["id"].autoincrement
    assert syntax.columns["g"].generated == "upper('x, (y)')" and not syntax.columns["g"].generated_stored
    fk = next(c for c in syntax.constraints if c.kind == "foreign_key")
    assert (fk.table, fk.references, fk.on_update, fk.deferrable, fk.initially_deferred) == ("a b", ["id"], "set null", True, True)
    check = next(c for c in syntax.constraints if c.kind == "check")
    assert (check.name, check.expression) == ("it's", "p > 0 AND ')' <> '('")
    assert syntax.without_rowid


def test_foreign_keys_fall_back_to_the_pragma_if_the_parse_misses_one(monkeypatch):
    from schemasmith.importers import sqlite as importer

    real = importer.parse_create_table

    def forgetful(sql):
        syntax = real(sql)
        syntax.constraints = [c for c in syntax.constraints if c.kind != "foreign_key"]
        return syntax

    monkeypatch.setattr(importer, "parse_create_table", forgetful)
    result = import_ddl(
        "CREATE TABLE a (id INTEGER PRIMARY KEY);\n"
        "CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INTEGER CONSTRAINT named REFERENCES a ON DELETE SET NULL);"
    )
    foreign_key = result.design.tables["b"].foreign_keys[0]
    assert (foreign_key.columns, foreign_key.references.table, foreign_key.references.columns) == (["a_id"], "a", ["id"])
    assert foreign_key.on_delete == "set null"
    assert any("b: the foreign keys could not all be read" in warning for warning in result.warnings)
