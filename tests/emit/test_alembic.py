"""The Alembic target, run by the real `alembic` command on PostgreSQL and SQLite.

`alembic upgrade head` must build what our DDL builds: the same tables, columns, constraints
(with their names and definitions), indexes, triggers, functions, enum types and comments,
compared catalog against catalog with a database built from the DDL. Then `alembic check` finds
nothing to autogenerate against the bundled models, and `alembic downgrade base` leaves nothing
but Alembic's version table.
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from test_sqlalchemy import (
    DESIGNS,
    load_generated,
    postgres_ddl_database,
    ruff_problems,
    schema_differences,
    sqlite_ddl_database,
    write_files,
)

from schemasmith.db.embedded import scratch_database
from schemasmith.db.urls import sqlalchemy_url
from schemasmith.emit import alembic as alembic_target
from schemasmith.model import load_design
from schemasmith.model.expressions import normalize_expression

ALEMBIC = Path(sys.executable).parent / "alembic"


def run_alembic(folder: Path, url: str, *args: str) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    environment["DATABASE_URL"] = url
    completed = subprocess.run(
        [str(ALEMBIC), "-c", str(folder / "alembic.ini"), *args],
        capture_output=True,
        text=True,
        env=environment,
        cwd=folder.parent,
    )
    return completed


def postgres_catalog(url: str) -> dict[str, list]:
    """What PostgreSQL holds of a schema, in a form two databases can be compared by."""
    queries = {
        "columns": """
            SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                   pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated,
                   col_description(c.oid, a.attnum)
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
              AND c.relname <> 'alembic_version'""",
        "tables": """
            SELECT c.relname, obj_description(c.oid, 'pg_class'), c.relrowsecurity FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> 'alembic_version'""",
        "constraints": """
            SELECT t.relname, k.conname, pg_get_constraintdef(k.oid) FROM pg_constraint k
            JOIN pg_class t ON t.oid = k.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE n.nspname = 'public' AND t.relname <> 'alembic_version'""",
        "indexes": """
            SELECT tablename, indexname, indexdef FROM pg_indexes
            WHERE schemaname = 'public' AND tablename <> 'alembic_version'""",
        "triggers": """
            SELECT tgname, pg_get_triggerdef(t.oid) FROM pg_trigger t WHERE NOT t.tgisinternal""",
        "functions": """
            SELECT p.proname, p.prosrc FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = 'public'""",
        "enums": """
            SELECT t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text FROM pg_type t
            JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname""",
        "policies": "SELECT tablename, policyname, cmd, qual, with_check FROM pg_policies",
    }
    engine = sa.create_engine(sqlalchemy_url(url))
    try:
        with engine.connect() as connection:
            return {name: sorted(tuple(row) for row in connection.execute(sa.text(sql))) for name, sql in queries.items()}
    finally:
        engine.dispose()


def sqlite_catalog(path: str) -> dict[str, list]:
    """What SQLite holds of a schema: columns by affinity, keys, checks, indexes, triggers."""
    from schemasmith.dialects.sqlite import affinity

    connection = sqlite3.connect(path)
    try:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                " AND name <> 'alembic_version' ORDER BY name"
            )
        ]
        catalog: dict[str, list] = {"tables": tables, "columns": [], "foreign_keys": [], "indexes": [], "checks": []}
        for table in tables:
            quoted = '"' + table.replace('"', '""') + '"'
            columns = list(connection.execute(f"PRAGMA table_info({quoted})"))
            keys = [row for row in columns if row[5]]
            for _, name, declared, notnull, default, pk in columns:
                default = None if default is None else normalize_expression(_unparenthesized(default))
                if len(keys) == 1 and pk and declared.upper() == "INTEGER":
                    notnull = True  # a rowid alias is never NULL, whether or not NOT NULL is written
                catalog["columns"].append((table, name, affinity(declared), bool(notnull), default, pk))
            for row in connection.execute(f"PRAGMA foreign_key_list({quoted})"):
                catalog["foreign_keys"].append((table,) + tuple(row[2:7]))
            sql = connection.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
            catalog["checks"].append((table, sorted(_checks(sql))))
            catalog["autoincrement"] = catalog.get("autoincrement", []) + [(table, "AUTOINCREMENT" in sql.upper())]
        for name, table, sql in connection.execute(
            "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        ):
            catalog["indexes"].append((table, name, _index_shape(sql)))
        catalog["triggers"] = sorted(
            (name, " ".join(sql.split())) for name, sql in connection.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        )
        catalog["indexes"].sort()
        return catalog
    finally:
        connection.close()


def _unparenthesized(text: str) -> str:
    from schemasmith.dialects.sqlite import is_self_contained

    text = text.strip()
    while text.startswith("(") and text.endswith(")") and is_self_contained(text[1:-1]):
        text = text[1:-1].strip()
    return text


def _checks(create_table_sql: str) -> list[str]:
    """The CHECK expressions of a CREATE TABLE, whitespace and quoting normalized."""
    from schemasmith.dialects.sqlite import tokenize

    tokens = tokenize(create_table_sql)
    checks = []
    for position, token in enumerate(tokens):
        if token.is_word("CHECK") and position + 1 < len(tokens) and tokens[position + 1].text == "(":
            depth, start = 0, tokens[position + 1].start
            for closing in tokens[position + 1 :]:
                depth += closing.text == "("
                depth -= closing.text == ")"
                if depth == 0:
                    checks.append(_canonical_sql(create_table_sql[start + 1 : closing.start]))
                    break
    return checks


def _canonical_sql(text: str) -> str:
    """SQL with identifiers unquoted where they need no quotes and spacing collapsed."""
    text = re.sub(r'"([A-Za-z_][A-Za-z0-9_]*)"', r"\1", text)
    return " ".join(text.replace("( ", "(").replace(" )", ")").split()).lower()


def _index_shape(sql: str) -> str:
    body = sql.split(" ON ", 1)[1]
    unique = "UNIQUE" in sql.split(" ON ", 1)[0].upper()
    table_end = body.index("(")
    return ("unique " if unique else "") + _canonical_sql(body[table_end:])


@pytest.fixture(scope="module")
def environments(tmp_path_factory):
    folder = tmp_path_factory.mktemp("alembic")
    rendered = {}
    for path in DESIGNS:
        design = load_design(path)
        target = folder / path.stem
        write_files(alembic_target.render(design).files, target)
        rendered[path.stem] = (design, target)
    return rendered


@pytest.mark.parametrize("path", DESIGNS, ids=lambda p: p.stem)
def test_upgrade_and_downgrade_on_postgres(path: Path, environments, pg_url: str, tmp_path: Path):
    design, folder = environments[path.stem]
    upgraded = run_alembic(folder, pg_url, "upgrade", "head")
    assert upgraded.returncode == 0, upgraded.stderr
    with scratch_database(prefix="ddl") as ddl_url:
        postgres_ddl_database(design, ddl_url, tmp_path)
        assert postgres_catalog(pg_url) == postgres_catalog(ddl_url)
    assert schema_differences(pg_url, load_generated(folder / "models.py").Base.metadata) == []
    checked = run_alembic(folder, pg_url, "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    downgraded = run_alembic(folder, pg_url, "downgrade", "base")
    assert downgraded.returncode == 0, downgraded.stderr
    left = postgres_catalog(pg_url)
    assert all(not rows for rows in left.values()), left


@pytest.mark.parametrize("path", DESIGNS, ids=lambda p: p.stem)
def test_upgrade_and_downgrade_on_sqlite(path: Path, environments, tmp_path: Path):
    design, folder = environments[path.stem]
    database = tmp_path / "alembic.db"
    url = f"sqlite:///{database}"
    upgraded = run_alembic(folder, url, "upgrade", "head")
    assert upgraded.returncode == 0, upgraded.stderr
    ddl_url = sqlite_ddl_database(design, tmp_path)
    assert sqlite_catalog(str(database)) == sqlite_catalog(ddl_url.removeprefix("sqlite:///"))
    assert schema_differences(url, load_generated(folder / "models.py").Base.metadata) == []
    checked = run_alembic(folder, url, "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    downgraded = run_alembic(folder, url, "downgrade", "base")
    assert downgraded.returncode == 0, downgraded.stderr
    with sqlite3.connect(database) as connection:
        left = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")]
    assert left == ["alembic_version"]


def test_offline_sql_for_postgres(environments):
    """`alembic upgrade head --sql` writes the migration as SQL without a database."""
    _, folder = environments["taskhub"]
    completed = run_alembic(folder, "postgresql://nobody@localhost/none", "upgrade", "head", "--sql")
    assert completed.returncode == 0, completed.stderr
    assert "CREATE TYPE task_status AS ENUM" in completed.stdout
    assert "CREATE TRIGGER tasks_parent_id_max_depth" in completed.stdout


def test_deterministic_and_ruff_clean(tmp_path: Path):
    for path in DESIGNS:
        design = load_design(path)
        first = alembic_target.render(design)
        assert alembic_target.render(design).files == first.files
        write_files(first.files, tmp_path / path.stem)
    assert ruff_problems(tmp_path) == []
