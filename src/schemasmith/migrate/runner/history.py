"""The history table: which migrations a database has, with their checksums and timings.

`schemasmith_migrations` holds one row per applied migration (a `down` deletes the row):

| column        | PostgreSQL    | SQLite  | what                                              |
| ------------- | ------------- | ------- | ------------------------------------------------- |
| `version`     | bigint PK     | INTEGER | the file's number (`0003_…` → 3)                  |
| `name`        | text          | TEXT    | the file's slug (`add_labels`)                    |
| `checksum`    | text          | TEXT    | sha256 (hex) of the UP file's bytes as applied    |
| `applied_at`  | timestamptz   | TEXT    | when it was applied (UTC, ISO 8601 in SQLite)     |
| `duration_ms` | integer       | INTEGER | how long its statements took                      |
| `execution`   | text          | TEXT    | `transaction` or `no-transaction`                 |
| `applied_by`  | text          | TEXT    | the database user (PostgreSQL), else NULL         |

The table is created on first use by `apply`, inside the first migration's own transaction (so
a first migration that fails leaves no trace at all), never by `status` or `--dry-run`; on
PostgreSQL it lives in the connection's current schema. The SQL here is fixed text: nothing a user wrote is
interpolated; values go in as parameters.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

TABLE = "schemasmith_migrations"

POSTGRES_CREATE = """CREATE TABLE IF NOT EXISTS {table} (
    version bigint PRIMARY KEY,
    name text NOT NULL,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(),
    duration_ms integer NOT NULL,
    execution text NOT NULL DEFAULT 'transaction',
    applied_by text DEFAULT current_user
)"""

SQLITE_CREATE = f"""CREATE TABLE IF NOT EXISTS {TABLE} (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    checksum TEXT NOT NULL,
    applied_at TEXT NOT NULL,
    duration_ms INTEGER NOT NULL,
    execution TEXT NOT NULL DEFAULT 'transaction',
    applied_by TEXT
)"""


@dataclass(frozen=True)
class Applied:
    """One row of the history table."""

    version: int
    name: str
    checksum: str
    applied_at: datetime | None
    duration_ms: int
    execution: str = "transaction"


def postgres_table(schema: str) -> str:
    """The history table's qualified, quoted name in `schema`."""
    from ...dialects.postgres import quote_identifier

    return f"{quote_identifier(schema)}.{quote_identifier(TABLE)}"


def postgres_exists(connection, schema: str) -> bool:
    row = connection.execute(
        "SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = %s AND c.relname = %s",
        (schema, TABLE),
    ).fetchone()
    return row is not None


def postgres_create(connection, schema: str) -> None:
    connection.execute(POSTGRES_CREATE.format(table=postgres_table(schema)))


def postgres_read(connection, schema: str) -> dict[int, Applied]:
    if not postgres_exists(connection, schema):
        return {}
    rows = connection.execute(
        f"SELECT version, name, checksum, applied_at, duration_ms, execution FROM {postgres_table(schema)} ORDER BY version"
    ).fetchall()
    return {row[0]: Applied(int(row[0]), row[1], row[2], row[3], int(row[4]), row[5]) for row in rows}


def postgres_checksum(connection, schema: str, version: int) -> str | None:
    row = connection.execute(f"SELECT checksum FROM {postgres_table(schema)} WHERE version = %s", (version,)).fetchone()
    return None if row is None else row[0]


def postgres_insert(connection, schema: str, version: int, name: str, checksum: str, duration_ms: int, execution: str) -> None:
    connection.execute(
        f"INSERT INTO {postgres_table(schema)} (version, name, checksum, duration_ms, execution) VALUES (%s, %s, %s, %s, %s)",
        (version, name, checksum, duration_ms, execution),
    )


def postgres_delete(connection, schema: str, version: int) -> None:
    connection.execute(f"DELETE FROM {postgres_table(schema)} WHERE version = %s", (version,))


def sqlite_exists(connection) -> bool:
    row = connection.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (TABLE,)).fetchone()
    return row is not None


def sqlite_create(connection) -> None:
    connection.execute(SQLITE_CREATE)


def sqlite_read(connection) -> dict[int, Applied]:
    if not sqlite_exists(connection):
        return {}
    rows = connection.execute(f"SELECT version, name, checksum, applied_at, duration_ms, execution FROM {TABLE} ORDER BY version").fetchall()
    return {int(row[0]): Applied(int(row[0]), row[1], row[2], _parse_time(row[3]), int(row[4]), row[5]) for row in rows}


def sqlite_checksum(connection, version: int) -> str | None:
    row = connection.execute(f"SELECT checksum FROM {TABLE} WHERE version = ?", (version,)).fetchone()
    return None if row is None else row[0]


def sqlite_insert(connection, version: int, name: str, checksum: str, duration_ms: int, execution: str) -> None:
    now = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
    connection.execute(
        f"INSERT INTO {TABLE} (version, name, checksum, applied_at, duration_ms, execution) VALUES (?, ?, ?, ?, ?, ?)",
        (version, name, checksum, now, duration_ms, execution),
    )


def sqlite_delete(connection, version: int) -> None:
    connection.execute(f"DELETE FROM {TABLE} WHERE version = ?", (version,))


def _parse_time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None
