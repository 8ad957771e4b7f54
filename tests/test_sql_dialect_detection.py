"""Which dialect a .sql file is written in, read from its content: every corpus file, hand-written
snippets, the refusal of MySQL DDL with its evidence, and arbitrary text (never an exception)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from schemasmith import cli
from schemasmith.errors import SourceError
from schemasmith.sources import detect_sql_dialect, load_source
from schemasmith.sql_dialect import guess_sql_dialect

CORPORA = Path(__file__).resolve().parents[1].parent / "shared" / "corpora"
SAMPLES = CORPORA / "sample-databases"
MIGRA = sorted((CORPORA / "migra-fixtures").glob("*/*.sql"))

#: Every sample database and real schema, with the dialect it is written for.
KNOWN = [
    (SAMPLES / "chinook" / "Chinook_MySql.sql", "mysql"),
    (SAMPLES / "chinook" / "Chinook_PostgreSql.sql", "postgres"),
    (SAMPLES / "chinook" / "Chinook_Sqlite.sql", "sqlite"),
    (SAMPLES / "pagila" / "pagila-schema.sql", "postgres"),
    *((path, "postgres") for path in sorted((CORPORA / "real-schemas").glob("*.sql"))),
]

needs_corpora = pytest.mark.skipif(not SAMPLES.is_dir(), reason="the shared corpora are not here")


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


@needs_corpora
@pytest.mark.parametrize(("path", "dialect"), KNOWN, ids=lambda value: value.name if isinstance(value, Path) else value)
def test_every_sample_and_real_schema_is_detected_clearly(path: Path, dialect: str):
    guess = guess_sql_dialect(_read(path))
    assert guess.dialect == dialect, guess.describe()
    assert guess.clear, guess.scores
    assert re.search(r"on line \d+", guess.evidence())


@needs_corpora
@pytest.mark.parametrize("path", MIGRA, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_every_migra_fixture_reads_as_postgres(path: Path):
    """migra's fixtures are PostgreSQL; plain ones (`create table t (id int)`, empty files) carry no
    telling construct, and those are read as PostgreSQL too, never as SQLite or MySQL."""
    sql = _read(path)
    guess = guess_sql_dialect(sql)
    assert guess.dialect in ("postgres", None), guess.describe()
    assert detect_sql_dialect(sql) == "postgres"
    if guess.dialect is None:
        assert not guess.clues  # nothing at all pointed elsewhere


def test_the_corpora_are_all_covered():
    if not SAMPLES.is_dir():
        pytest.skip("the shared corpora are not here")
    assert len(MIGRA) > 100 and len(KNOWN) >= 6


SNIPPETS = [
    # MySQL / MariaDB
    (
        "CREATE TABLE `users` (\n  `id` int(11) NOT NULL AUTO_INCREMENT,\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;",
        "mysql",
    ),
    ("CREATE TABLE t (id INT UNSIGNED NOT NULL) COLLATE utf8mb4_unicode_ci;", "mysql"),
    ("CREATE DATABASE IF NOT EXISTS shop;\nUSE shop;\nCREATE TABLE t (id int);", "mysql"),
    ("DELIMITER $$\nCREATE TRIGGER t BEFORE INSERT ON x FOR EACH ROW BEGIN SET NEW.a = 1; END$$\nDELIMITER ;", "mysql"),
    ("DELIMITER $$\nCREATE PROCEDURE p() BEGIN SELECT 1; END $$", "mysql"),  # `$$` ends statements here, it quotes nothing
    ("/*!40101 SET NAMES utf8 */;\nLOCK TABLES `t` WRITE;\nUNLOCK TABLES;", "mysql"),
    ("-- MySQL dump 10.13  Distrib 8.0.32\nCREATE TABLE t (a tinyint(1), b longtext, c enum('x','y'));", "mysql"),
    ("CREATE TABLE t (updated timestamp DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP);", "mysql"),
    ("SET FOREIGN_KEY_CHECKS = 0;\nCREATE TABLE t (id int);", "mysql"),
    # PostgreSQL
    ("CREATE FUNCTION f() RETURNS trigger AS $$ BEGIN RETURN NEW; END $$ LANGUAGE plpgsql;", "postgres"),
    ("CREATE TABLE t (id bigint GENERATED ALWAYS AS IDENTITY, status text DEFAULT 'a'::text);", "postgres"),
    ("CREATE EXTENSION IF NOT EXISTS pgcrypto;\nCREATE TABLE t (id uuid DEFAULT gen_random_uuid());", "postgres"),
    ("SET search_path = public;\nCREATE TABLE t (id serial PRIMARY KEY, data jsonb);", "postgres"),
    ("--\n-- PostgreSQL database dump\n--\nCREATE TABLE t (id int);", "postgres"),
    ("CREATE TYPE mood AS ENUM ('sad', 'happy');\nCREATE TABLE t (m mood, tags text[]);", "postgres"),
    ("CREATE TABLE t (at timestamp with time zone);\nCOMMENT ON TABLE t IS 'x';", "postgres"),
    ("CREATE INDEX ON t USING gin (doc);\nALTER TABLE ONLY t OWNER TO app;", "postgres"),
    ("\\connect shop\nCREATE TABLE t (id int);", "postgres"),
    # SQLite
    ("CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT);", "sqlite"),
    ("CREATE TABLE t (k TEXT PRIMARY KEY, v BLOB) WITHOUT ROWID;", "sqlite"),
    ("PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\nCREATE TABLE t (a);\nCOMMIT;", "sqlite"),
    ("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT) STRICT;", "sqlite"),
    ("CREATE VIRTUAL TABLE docs USING fts5(body);", "sqlite"),
    ("CREATE TABLE [Album] (\n  [AlbumId] INTEGER NOT NULL,\n  [Title] NVARCHAR(160)\n);", "sqlite"),
    ("CREATE TABLE t (a TEXT UNIQUE ON CONFLICT REPLACE);", "sqlite"),
    # nothing telling: plain SQL every dialect reads
    ("", None),
    ("CREATE TABLE t (id int PRIMARY KEY, name varchar(20) NOT NULL);", None),
    # telling words inside comments, strings and quoted names tell nothing
    ("-- was ENGINE=InnoDB AUTO_INCREMENT=5 in MySQL\nCREATE TABLE t (id int);", None),
    ("/* $$ :: PRAGMA `x` */ INSERT INTO t VALUES ('ENGINE=InnoDB', 'a::b', 'USE x;', 'AUTOINCREMENT');", None),
    ('CREATE TABLE "AUTOINCREMENT" ("ENGINE" int, "PRAGMA" text);', None),
    ("INSERT INTO t VALUES ('it''s `quoted`'), (N'Use Your Illusion');\nUSE_IT_ALL (1);", None),
]


@pytest.mark.parametrize(
    ("sql", "dialect"), SNIPPETS, ids=lambda value: (value or "none")[:40] if isinstance(value, str) or value is None else value
)
def test_snippets(sql: str, dialect: str | None):
    guess = guess_sql_dialect(sql)
    assert guess.dialect == dialect, (guess.scores, guess.describe())


def test_the_evidence_names_each_clue_and_its_first_line():
    sql = "-- a shop\nCREATE TABLE `orders` (\n  `id` int NOT NULL AUTO_INCREMENT,\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB;\n"
    guess = guess_sql_dialect(sql)
    assert guess.dialect == "mysql" and guess.clear
    evidence = guess.evidence()
    assert "backtick-quoted names on line 2 and 2 other places" in evidence
    assert "AUTO_INCREMENT on line 3" in evidence
    assert "ENGINE= on line 5" in evidence
    assert guess.describe().startswith("MySQL/MariaDB (")


def test_lines_are_counted_through_multi_line_strings_and_comments():
    sql = "/* one\ntwo\nthree */\nINSERT INTO t VALUES ('a\nb\nc');\n$body$\nx\n$body$;\nCREATE TABLE t (id int) ENGINE=InnoDB;"
    guess = guess_sql_dialect(sql)
    assert "ENGINE= on line 10" in guess.evidence("mysql")
    assert "$$-quoted bodies on line 7" in guess.evidence("postgres")


def _write(tmp_path: Path, sql: str, name: str = "schema.sql") -> Path:
    path = tmp_path / name
    path.write_text(sql, encoding="utf-8")
    return path


MYSQL_DDL = "CREATE DATABASE shop;\nUSE shop;\nCREATE TABLE `users` (\n  `id` int NOT NULL AUTO_INCREMENT PRIMARY KEY\n) ENGINE=InnoDB;\n"


def test_mysql_ddl_is_refused_with_its_evidence_and_what_is_read(tmp_path: Path):
    path = _write(tmp_path, MYSQL_DDL)
    with pytest.raises(SourceError) as raised:
        load_source(str(path))
    message = str(raised.value)
    assert str(path) in message
    assert "looks like MySQL/MariaDB" in message
    assert "backtick-quoted names on line 3" in message and "ENGINE= on line 5" in message
    assert "--dialect postgres" in message and "--dialect sqlite" in message


def test_dialect_mysql_is_refused_by_name(tmp_path: Path):
    with pytest.raises(SourceError, match=r"--dialect mysql: .*does not read MySQL/MariaDB.*--dialect postgres or --dialect sqlite"):
        load_source(str(_write(tmp_path, MYSQL_DDL)), dialect="mysql")
    with pytest.raises(SourceError, match="unknown dialect 'oracle'"):
        load_source(str(_write(tmp_path, MYSQL_DDL)), dialect="oracle")


def test_an_alias_of_a_read_dialect_is_accepted(tmp_path: Path):
    source = load_source(str(_write(tmp_path, "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL);")), dialect="sqlite3")
    assert source.origin == "sqlite" and "t" in source.design.tables


def test_an_explicit_dialect_that_fails_says_what_the_file_looks_like(tmp_path: Path):
    with pytest.raises(SourceError) as raised:
        load_source(str(_write(tmp_path, MYSQL_DDL)), dialect="sqlite")
    message = str(raised.value)
    assert "does not apply to SQLite" in message  # the database's own error stays
    assert "this file looks like MySQL/MariaDB (" in message and "ENGINE= on line 5" in message
    assert message.rstrip().endswith("not SQLite, which schemasmith does not read yet")


def test_a_postgres_file_applied_as_sqlite_suggests_the_right_dialect(tmp_path: Path):
    sql = "CREATE EXTENSION IF NOT EXISTS pgcrypto;\nCREATE TABLE t (id uuid DEFAULT gen_random_uuid(), doc jsonb, at timestamptz);\n"
    with pytest.raises(SourceError, match=r"this file looks like PostgreSQL \(CREATE EXTENSION on line 1.*try --dialect postgres"):
        load_source(str(_write(tmp_path, sql)), dialect="sqlite")


def test_a_plain_file_that_fails_gets_no_guess(tmp_path: Path):
    with pytest.raises(SourceError) as raised:
        load_source(str(_write(tmp_path, "CREATE TABLE t (id int;")), dialect="sqlite")
    assert "looks like" not in str(raised.value)


@pytest.mark.postgres
def test_mysql_ddl_applied_as_postgres_says_what_it_looks_like(pg_server, tmp_path: Path):
    with pytest.raises(SourceError, match=r"this file looks like MySQL/MariaDB \(.*ENGINE= on line 5"):
        load_source(str(_write(tmp_path, MYSQL_DDL)), dialect="postgres")


def _cli(args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(cli.app, args, catch_exceptions=False, env={"COLUMNS": "200", "SCHEMASMITH_DEBUG": None})
    return result.exit_code, result.stdout + result.stderr


@needs_corpora
def test_import_of_chinook_mysql_refuses_cleanly(tmp_path: Path):
    output = tmp_path / "chinook.yaml"
    code, printed = _cli(["import", str(SAMPLES / "chinook" / "Chinook_MySql.sql"), "-o", str(output)])
    assert code != 0 and not output.exists()
    assert "Traceback" not in printed and "internal error" not in printed
    flat = " ".join(printed.split())
    assert "Chinook_MySql.sql: looks like MySQL/MariaDB DDL (backtick-quoted names on line 19" in flat
    assert "near DATABASE" not in flat
    assert "--dialect postgres or --dialect sqlite" in flat


_SQLISH = st.lists(
    st.sampled_from(
        [
            "'",
            "''",
            '"',
            "`",
            "$$",
            "$a$",
            "$",
            "--",
            "/*",
            "*/",
            "/*!",
            "#",
            "\\",
            "\n",
            " ",
            "::",
            "[",
            "]",
            "(",
            ")",
            ";",
            "ENGINE=",
            "AUTO_INCREMENT",
            "PRAGMA",
            "USE x;",
            "DELIMITER //",
            "\\c db",
            "@x",
            "ENUM(",
            "AS ENUM",
            "\r\n",
            "\x00",
            "é",
        ]
    )
    | st.text(max_size=8),
    max_size=60,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), _SQLISH))
def test_detection_never_raises(text: str):
    guess = guess_sql_dialect(text)
    assert guess.dialect in (None, "postgres", "sqlite", "mysql")
    assert detect_sql_dialect(text) in ("postgres", "sqlite", "mysql")
    for clue in guess.clues:
        assert 1 <= clue.line <= text.count("\n") + 1 + text.count("\r")
    guess.describe()
    guess.evidence()


def test_unterminated_quotes_and_comments_do_not_hang():
    for opener in ("'", '"', "`", "/*", "$$", "$tag$"):
        text = "CREATE TABLE t (id int) ENGINE=InnoDB;\n" + opener + ("x" * 200_000)
        assert guess_sql_dialect(text).dialect == "mysql"
