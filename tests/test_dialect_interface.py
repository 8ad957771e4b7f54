"""The dialect objects: one quoting implementation, capability flags, URLs through the registry."""

from __future__ import annotations

import pytest

from schemasmith.db.urls import dialect_of, libpq_url, sqlalchemy_url
from schemasmith.dialects.registry import dialect_for_url, get_dialect
from schemasmith.errors import SchemaError
from schemasmith.text.statements import psql_statements, split_mysql_script, split_sqlite_script


def test_each_dialect_quotes_its_own_way():
    postgres, sqlite, mysql = (get_dialect(name) for name in ("postgres", "sqlite", "mysql"))
    assert [postgres.quote_identifier(name) for name in ("plain", "User", "select")] == ["plain", '"User"', '"select"']
    assert mysql.quote_identifier("rank") == "`rank`"  # reserved in MySQL 8 (and only there)
    assert sqlite.quote_identifier("plain") == "plain"
    assert postgres.quote_literal("a\\b'c") == "E'a\\\\b''c'"
    assert mysql.quote_literal("a\\b'c") == "'a\\\\b''c'"
    assert sqlite.quote_literal("a\\b'c") == "'a\\b''c'"
    with pytest.raises(SchemaError):
        postgres.quote_identifier("a\x00b")


def test_urls_are_read_through_the_registry():
    assert dialect_of("postgresql+psycopg2://u@h/db") == "postgres"
    assert dialect_of("mariadb://u@h/db") == "mysql"
    assert dialect_for_url("https://example.com") is None
    assert sqlalchemy_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert sqlalchemy_url("mysql://u@h/db") == "mysql+pymysql://u@h/db"
    assert sqlalchemy_url("mysql+mysqldb://u@h/db") == "mysql+mysqldb://u@h/db"
    assert libpq_url("postgresql+psycopg://u@h/db") == "postgresql://u@h/db"
    assert get_dialect("postgres").bulk_copy and get_dialect("sqlite").file_database
    assert not get_dialect("mysql").transactional_ddl


def test_statement_splitters_agree_on_lines_and_offsets():
    sql = "CREATE TABLE a (x text DEFAULT 'a;b');\n\nCREATE TABLE b (y int);\n"
    for statements in (psql_statements(sql), split_sqlite_script(sql)):
        assert [(item.line, item.start) for item in statements] == [(1, 0), (3, 40)]
    assert split_mysql_script("DELIMITER //\nCREATE TRIGGER t BEGIN SELECT 1; END//\nDELIMITER ;\nSELECT 2;\n") == [
        "CREATE TRIGGER t BEGIN SELECT 1; END",
        "SELECT 2",
    ]
