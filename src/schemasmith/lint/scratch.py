"""The scratch database the migrations replay on: a copy of the schema, and the tables' sizes.

`--schema SCHEMA` builds it from any schema source (a design document is rendered to DDL, a
.sql file is applied as written, a database URL is dumped schema-only); `--db URL` copies the
live database's schema the same way and reads its statistics (pg_class.reltuples and relpages),
which are the sizes that decide severity. Nothing is ever run on `--db` itself.
"""

from __future__ import annotations

import contextlib
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import SourceError


@dataclass
class Baseline:
    """What the replay starts from: the scratch database and what is known about table sizes."""

    url: str | None  # None: no schema given, the statements are judged on their text alone
    rows: dict[str, int] = field(default_factory=dict)  # table name (and schema.table) → rows
    pages: dict[str, int] = field(default_factory=dict)
    rows_source: str = "unknown (give --db or a design with expected_rows)"
    label: str = "no schema"
    version: int | None = None


def _dump_schema(url: str) -> str:
    """`pg_dump --schema-only` of a live database, with the embedded server's own pg_dump."""
    from ..db.embedded import psql_path, redact
    from ..db.urls import libpq_url

    pg_dump = psql_path().parent / "pg_dump"
    try:
        result = subprocess.run(
            [str(pg_dump), "--schema-only", "--no-owner", "--no-privileges", "--no-comments", "-d", libpq_url(url)],
            capture_output=True, text=True, timeout=300, check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise SourceError(f"cannot dump the schema of {redact(url)}: {error}") from None
    if result.returncode != 0:
        raise SourceError(f"cannot dump the schema of {redact(url)}: {result.stderr.strip()}")
    # pg_dump empties search_path for its own safety; the migrations expect the usual one. Column
    # options (ALTER COLUMN … SET (n_distinct=…), or a server's own attribute options) only steer
    # the planner and may not exist on the scratch server: left out.
    return "\n".join(
        line for line in result.stdout.splitlines()
        if "set_config('search_path'" not in line and not line.startswith("\\") and not _COLUMN_OPTIONS.match(line)
    )


_COLUMN_OPTIONS = re.compile(r"^ALTER TABLE (ONLY )?\S+ ALTER COLUMN \S+ SET \(.*\);$")


def live_statistics(url: str) -> tuple[dict[str, int], dict[str, int]]:
    """Rows and pages of every table in the live database (planner statistics, no count(*))."""
    import psycopg

    from ..db.embedded import redact
    from ..db.urls import libpq_url

    rows: dict[str, int] = {}
    pages: dict[str, int] = {}
    try:
        with psycopg.connect(libpq_url(url), connect_timeout=10) as connection:
            found = connection.execute(
                "SELECT n.nspname, c.relname, c.reltuples::bigint, c.relpages FROM pg_class c"
                " JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
            ).fetchall()
    except psycopg.Error as error:
        raise SourceError(f"cannot read table statistics from {redact(url)}: {str(error).strip()}") from None
    for schema, name, tuples, relpages in found:
        # reltuples is -1 for a table never analyzed: fall back on its pages (8 kB each, ~50 rows)
        count = int(tuples) if tuples is not None and tuples >= 0 else int(relpages or 0) * 50
        for key in (name, f"{schema}.{name}"):
            rows[key] = count
            pages[key] = int(relpages or 0)
    return rows, pages


def _schema_sql(schema: str) -> tuple[str, dict[str, int], str, int | None]:
    """DDL for SCHEMA, the rows its design promises, how the source is named, and the oldest
    PostgreSQL a design says it runs on (None when SCHEMA does not say)."""
    from ..db.urls import is_database_url

    if is_database_url(schema):
        return _dump_schema(schema), {}, "schema copied from the database", _server_version(schema)
    path = Path(schema)
    if path.suffix.lower() == ".sql" and path.is_file():
        return path.read_text(encoding="utf-8"), {}, str(path), None
    from ..dialects import postgres
    from ..sources import load_source

    source = load_source(schema)
    output = postgres.render(source.design)
    sql = "\n\n".join(output.files[name] for name in sorted(output.files))
    rows = {name: table.expected_rows for name, table in source.design.tables.items() if table.expected_rows is not None}
    return sql, rows, schema, source.design.conventions.postgres_version


@contextlib.contextmanager
def baseline(schema: str | None, db: str | None) -> Iterator[Baseline]:
    """The scratch copy for the replay (dropped afterwards), or no database when neither is given."""
    if schema is None and db is None:
        yield Baseline(None)
        return
    from ..db.apply import apply_script
    from ..db.embedded import redact, scratch_database

    from ..db.urls import libpq_url as libpq

    design_version = None
    if db is not None:
        sql, rows, label = _dump_schema(db), {}, f"schema of {redact(db)}"
        rows, pages = live_statistics(db)
        rows_source = "the database's statistics (pg_class.reltuples)"
    else:
        sql, rows, label, design_version = _schema_sql(schema)
        pages = {}
        rows_source = "expected_rows in the design" if rows else "unknown (the schema gives no sizes)"
    with scratch_database(prefix="lint") as url:
        if sql.strip():
            apply_script(url, sql, label, proof=True)
        # the facts follow the server the migration will run on: --db's, else the design's or 12+
        version = _server_version(libpq(db)) if db is not None else design_version
        yield Baseline(url, rows, pages, rows_source, label, version)


def _server_version(url: str) -> int | None:
    import psycopg

    from ..db.urls import libpq_url

    try:
        with psycopg.connect(libpq_url(url), connect_timeout=10) as connection:
            return int(connection.execute("SHOW server_version_num").fetchone()[0]) // 10000
    except psycopg.Error:
        return None
