"""MySQL/MariaDB DDL: every example and hostile fixture renders deterministically, names what MySQL
cannot hold, and parses with sqlglot; on a real server (SCHEMASMITH_TEST_MYSQL_URL, only when it
answers) the file is applied with the real `mysql`/`mariadb` client and checked through pymysql."""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
import sqlglot
from conftest import EXAMPLES, REPO
from sqlglot import exp

from schemasmith.dialects import mysql as dialect
from schemasmith.errors import SchemaError
from schemasmith.model import load_design, load_design_text

TASKHUB = EXAMPLES / "taskhub.yaml"
HOSTILE = REPO / "tests" / "fixtures" / "hostile" / "hostile.yaml"
HOSTILE_NATIVE = REPO / "tests" / "fixtures" / "hostile" / "hostile-native.yaml"
FIXTURES = sorted(EXAMPLES.glob("*.yaml")) + sorted((REPO / "tests" / "fixtures" / "hostile").glob("*.yaml"))


def render(path: Path):
    return dialect.render(load_design(path))


# --- always: rendering ------------------------------------------------------------------------


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_renders_deterministically_and_parses_statement_by_statement(path: Path):
    first, second = render(path), render(path)
    assert first.files == second.files and first.warnings == second.warnings
    text = first.files["schema.sql"]
    assert "not transactional" in text.splitlines()[3]
    statements = dialect.split_statements(text)
    assert statements
    for statement in statements:
        if statement.upper().startswith("CREATE TRIGGER"):
            # sqlglot reads trigger bodies only as commands; their parts are checked on the server.
            assert statement.rstrip().endswith("END")
            continue
        parsed = sqlglot.parse(statement, read="mysql")
        assert len(parsed) == 1, statement
        assert not isinstance(parsed[0], exp.Command), statement


def test_warnings_name_what_mysql_cannot_hold():
    warnings = "\n".join(render(TASKHUB).warnings)
    assert "tasks.tasks_due_date_idx: MySQL has no partial indexes" in warnings
    assert "FULLTEXT index on title" in warnings
    assert "MySQL keeps no time zone" in warnings and "tasks.created_at" in warnings
    assert "users.users_lower_email_idx: MariaDB has no expression indexes" in warnings
    hostile = "\n".join(render(HOSTILE).warnings)
    assert "order.order_first_line_id_fkey: MySQL has no deferrable foreign keys" in hostile
    assert "user.select: MySQL cannot index TEXT" in hostile
    native = "\n".join(render(HOSTILE_NATIVE).warnings)
    assert "Café Orders.tags: MySQL has no arrays" in native
    assert "NULLS LAST" in native
    catalogue = "\n".join(render(EXAMPLES / "model-catalogue.yaml").warnings)
    assert "models.models_metadata_idx: MySQL has no GIN indexes" in catalogue


def test_types_defaults_and_quoting():
    text = render(HOSTILE).files["schema.sql"]
    assert "CREATE TABLE `order` (" in text
    assert "`select` VARCHAR(255) NOT NULL COMMENT 'It''s a column named select;" in text
    assert "status ENUM('new', 'it''s paid', 'say \"hi\"', 'a,b') NOT NULL DEFAULT 'it''s paid'" in text
    assert "note TEXT NULL DEFAULT ('''; DROP TABLE \"user\"; --')" in text
    assert "COMMENT='''; DROP TABLE x; --'" in text
    assert "COMMENT='Line of an order. Multi-line\ncomment with a backslash \\\\ and a tab\tend.'" in text
    assert "updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)" in text
    assert "id BIGINT NOT NULL AUTO_INCREMENT" in text
    assert "price DECIMAL(10,2) NOT NULL" in text
    # The foreign-key cycle is closed after all tables exist.
    assert text.index("ALTER TABLE `order`\n    ADD CONSTRAINT order_first_line_id_fkey") > text.index("CREATE TABLE `order line`")
    taskhub = render(TASKHUB).files["schema.sql"]
    assert "id CHAR(36) NOT NULL DEFAULT (UUID())" in taskhub
    assert "ALTER TABLE tasks ADD FULLTEXT INDEX tasks_to_tsvector_simple_title_idx (title);" in taskhub
    assert "BEFORE INSERT ON tasks" in taskhub and "BEFORE UPDATE ON tasks" in taskhub


def test_quoting_helpers():
    assert dialect.quote_identifier("a`b") == "`a``b`"
    assert dialect.quote_identifier("order") == "`order`"
    assert dialect.quote_identifier("plain") == "plain"
    assert dialect.quote_literal("it's \\ done") == "'it''s \\\\ done'"
    with pytest.raises(SchemaError):
        dialect.quote_literal("nul\x00")
    long = "x" * 80
    assert len(dialect.fit(long)) == 64 and dialect.fit(long) == dialect.fit(long)
    assert dialect.fit("short") == "short"


def test_expression_injection_is_refused():
    # Names longer than 63 bytes are refused by the model itself; `fit` covers MySQL's 64 above.
    bad = load_design_text(
        "name: x\ntables:\n  t:\n    columns:\n      id: {type: bigint, identity: by default}\n"
        "      n: {type: integer}\n    primary_key: [id]\n    checks:\n      - {expression: \"n > 0); DROP TABLE t; --\"}\n"
    )
    with pytest.raises(SchemaError):
        dialect.render(bad)


def test_policies_and_untranslatable_parts_warn():
    design = load_design_text(
        "name: x\ntables:\n  t:\n    columns:\n      id: {type: bigint, identity: by default}\n"
        "      doc: {type: json}\n      span: {type: interval, nullable: true}\n"
        "    primary_key: [id]\n    row_level_security: true\n"
        "    policies:\n      - {name: own rows, using: \"id > 0\"}\n"
        "    indexes:\n      - {columns: [doc], method: gin}\n      - {columns: [id], unique: true, where: id > 5}\n"
    )
    warnings = "\n".join(dialect.render(design).warnings)
    assert "t: MySQL has no row-level security; own rows not applied" in warnings
    assert "t.span: MySQL has no interval type" in warnings
    assert "MySQL has no GIN indexes" in warnings
    assert "unique index WHERE id > 5 is not built" in warnings


# --- real servers -----------------------------------------------------------------------------


def _reachable(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 3306), timeout=1):
            return True
    except OSError:
        return False


def _client() -> str | None:
    return shutil.which("mariadb") or shutil.which("mysql")


SERVERS = [
    url
    for url in [os.environ.get("SCHEMASMITH_TEST_MYSQL_URL", "")]
    if url and _client() and _reachable(url)
]


def _parts(url: str) -> dict:
    parsed = urlparse(url)
    return {
        "host": parsed.hostname or "127.0.0.1",
        "port": parsed.port or 3306,
        "user": unquote(parsed.username or "root"),
        "password": unquote(parsed.password or ""),
    }


@pytest.fixture(params=SERVERS)
def scratch(request):
    """A new empty database on the server, dropped afterwards: (url parts, database name)."""
    import pymysql

    parts = _parts(request.param)
    name = f"schemasmith_test_{secrets.token_hex(6)}"
    connection = pymysql.connect(**parts, autocommit=True)
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {name} CHARACTER SET utf8mb4")
        yield parts, name
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {name}")
        connection.close()


def apply_file(parts: dict, database: str, text: str, tmp_path: Path) -> None:
    path = tmp_path / "schema.sql"
    path.write_text(text, encoding="utf-8")
    command = [_client(), "-h", parts["host"], "-P", str(parts["port"]), "-u", parts["user"], database]
    environment = dict(os.environ)
    if parts["password"]:
        environment["MYSQL_PWD"] = parts["password"]
    with path.open("rb") as stdin:
        completed = subprocess.run(command, stdin=stdin, capture_output=True, check=False, env=environment)
    assert completed.returncode == 0, completed.stderr.decode("utf-8", "replace")


def connect(parts: dict, database: str):
    import pymysql

    return pymysql.connect(**parts, database=database, autocommit=True, charset="utf8mb4")


def rows(connection, sql: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def run(connection, sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def _applies_with_the_real_client(path: Path, scratch, tmp_path: Path):
    parts, database = scratch
    design = load_design(path)
    apply_file(parts, database, dialect.render(design).files["schema.sql"], tmp_path)
    connection = connect(parts, database)
    try:
        tables = {row[0] for row in rows(connection, "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (database,))}
        assert tables == set(design.tables)
        for table_name, table in design.tables.items():
            columns = {
                row[0]
                for row in rows(
                    connection,
                    "SELECT column_name FROM information_schema.columns WHERE table_schema = %s AND table_name = %s",
                    (database, table_name),
                )
            }
            assert set(table.columns) <= columns, table_name
        keys = rows(
            connection,
            "SELECT table_name, referenced_table_name FROM information_schema.referential_constraints WHERE constraint_schema = %s",
            (database,),
        )
        expected = sorted((name, fk.references.table) for name, table in design.tables.items() for fk in table.foreign_keys)
        assert sorted(keys) == expected
    finally:
        connection.close()


def _hostile_behaviour_on_the_server(scratch, tmp_path: Path):
    import pymysql

    parts, database = scratch
    apply_file(parts, database, render(HOSTILE).files["schema.sql"], tmp_path)
    connection = connect(parts, database)
    try:
        # Comments are stored as text, never run.
        comment = rows(
            connection,
            "SELECT table_comment FROM information_schema.tables WHERE table_schema = %s AND table_name = 'user'",
            (database,),
        )
        assert comment == [("'; DROP TABLE x; --",)]
        column_comment = rows(
            connection,
            "SELECT column_comment FROM information_schema.columns WHERE table_schema = %s AND table_name = 'user'"
            " AND column_name = 'select'",
            (database,),
        )[0][0]
        assert column_comment == "It's a column named select; \"quoted\" and -- dashes /* and a block */"
        line_comment = rows(
            connection,
            "SELECT table_comment FROM information_schema.tables WHERE table_schema = %s AND table_name = 'order line'",
            (database,),
        )[0][0]
        assert line_comment == "Line of an order. Multi-line\ncomment with a backslash \\ and a tab\tend."

        run(connection, "INSERT INTO `user` (`select`) VALUES ('alice')")
        user_id = rows(connection, "SELECT id FROM `user`")[0][0]
        run(connection, "INSERT INTO `order` (user_id) VALUES (%s)", (user_id,))
        order_id, status, note = rows(connection, "SELECT id, status, note FROM `order`")[0]
        assert (status, note) == ("it's paid", "'; DROP TABLE \"user\"; --")
        run(connection, "INSERT INTO `order line` (order_id, price) VALUES (%s, 9.50)", (order_id,))
        # The enum refuses a value outside it; the checks refuse bad rows.
        with pytest.raises(pymysql.err.MySQLError):
            run(connection, "INSERT INTO `order` (user_id, status) VALUES (%s, 'lost')", (user_id,))
        with pytest.raises(pymysql.err.MySQLError):
            run(connection, "INSERT INTO `order line` (order_id, price, quantity) VALUES (%s, 1, 0)", (order_id,))
        with pytest.raises(pymysql.err.MySQLError):
            run(connection, "INSERT INTO `user` (`select`) VALUES ('')")
        # max_depth 2: a child and a grandchild are fine, a great-grandchild is not.
        line = rows(connection, "SELECT id FROM `order line`")[0][0]
        run(connection, "INSERT INTO `order line` (order_id, price, parent_id) VALUES (%s, 1, %s)", (order_id, line))
        child = rows(connection, "SELECT MAX(id) FROM `order line`")[0][0]
        run(connection, "INSERT INTO `order line` (order_id, price, parent_id) VALUES (%s, 1, %s)", (order_id, child))
        grandchild = rows(connection, "SELECT MAX(id) FROM `order line`")[0][0]
        with pytest.raises(pymysql.err.MySQLError, match="at most 2 level"):
            run(connection, "INSERT INTO `order line` (order_id, price, parent_id) VALUES (%s, 1, %s)", (order_id, grandchild))
        with pytest.raises(pymysql.err.MySQLError, match="own ancestor"):
            run(connection, "UPDATE `order line` SET parent_id = %s WHERE id = %s", (grandchild, line))
        # updated_at moves on UPDATE.
        run(connection, "UPDATE `user` SET updated_at = '2000-01-01 00:00:00' WHERE id = %s", (user_id,))
        run(connection, "UPDATE `user` SET `Mixed Case` = 'x' WHERE id = %s", (user_id,))
        assert rows(connection, "SELECT YEAR(updated_at) FROM `user` WHERE id = %s", (user_id,))[0][0] > 2000
        # ON DELETE CASCADE: deleting the user deletes its orders and their lines.
        run(connection, "DELETE FROM `user` WHERE id = %s", (user_id,))
        assert rows(connection, "SELECT COUNT(*) FROM `order`") == [(0,)]
        assert rows(connection, "SELECT COUNT(*) FROM `order line`") == [(0,)]
    finally:
        connection.close()


def _taskhub_behaviour_on_the_server(scratch, tmp_path: Path):
    import pymysql

    parts, database = scratch
    apply_file(parts, database, render(TASKHUB).files["schema.sql"], tmp_path)
    connection = connect(parts, database)
    try:
        run(connection, "INSERT INTO users (email, display_name) VALUES ('A@x.org', 'A')")
        uuid = rows(connection, "SELECT id FROM users")[0][0]
        assert len(uuid) == 36
        # lower(email) is unique whatever the case.
        with pytest.raises(pymysql.err.IntegrityError):
            run(connection, "INSERT INTO users (email, display_name) VALUES ('a@X.org', 'B')")
    finally:
        connection.close()


# Collected only when a server is configured and answers (never collected-then-skipped).
if SERVERS:
    test_applies_with_the_real_client = _applies_with_the_real_client
    test_hostile_behaviour_on_the_server = _hostile_behaviour_on_the_server
    test_taskhub_behaviour_on_the_server = _taskhub_behaviour_on_the_server
