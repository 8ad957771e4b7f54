"""Apply SQL files to real databases exactly as a user would: psql for PostgreSQL, sqlite3 for SQLite.

Nothing here rewrites the SQL: what is proven to apply is the file on disk.
"""

from __future__ import annotations

import re
import sqlite3
import subprocess
from pathlib import Path

from ..errors import SourceError
from .embedded import psql_path, redact
from .urls import libpq_url

_PSQL_ERROR = re.compile(r"^psql:(?P<file>.*?):(?P<line>\d+):\s*(?P<message>ERROR:.*)$", re.M)


def apply_postgres_file(url: str, path: Path) -> None:
    """Run `psql -v ON_ERROR_STOP=1 -f path` against `url`; raise SourceError naming the line."""
    command = [str(psql_path()), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", libpq_url(url), "-f", str(path)]
    completed = subprocess.run(command, capture_output=True, text=True, env={"PGCONNECT_TIMEOUT": "10", "PATH": "/usr/bin:/bin"})
    if completed.returncode != 0:
        error = _PSQL_ERROR.search(completed.stderr)
        if error:
            detail = completed.stderr[error.start():].strip().splitlines()
            raise SourceError(f"{path}:{error['line']}: {error['message']}", []) if len(detail) < 2 else SourceError(
                f"{path}:{error['line']}: {error['message']}\n  " + "\n  ".join(detail[1:4])
            )
        message = completed.stderr.strip() or f"psql exited with {completed.returncode}"
        raise SourceError(f"{path}: could not be applied to {redact(url)}: {message}")


def sqlite_statements(sql: str) -> list[tuple[int, str]]:
    """Split SQL into complete statements (triggers included), each with its first line."""
    statements: list[tuple[int, str]] = []
    buffer, start_line = "", 1
    for number, text_line in enumerate(sql.splitlines(keepends=True), start=1):
        if not buffer.strip():
            start_line = number
        buffer += text_line
        if sqlite3.complete_statement(buffer):
            statements.append((start_line, buffer))
            buffer = ""
    if buffer.strip() and not all(line.strip().startswith("--") or not line.strip() for line in buffer.splitlines()):
        statements.append((start_line, buffer))
    return statements


def apply_sqlite_file(database: Path | str, path: Path) -> None:
    """Apply a SQL file to a SQLite database, statement by statement, in the file's own transaction.

    On failure the open transaction is rolled back and the error names the line where the
    failing statement starts.
    """
    sql = path.read_text(encoding="utf-8")
    connection = sqlite3.connect(str(database), isolation_level=None)
    try:
        for start_line, statement in sqlite_statements(sql):
            if not sqlite3.complete_statement(statement):
                raise SourceError(f"{path}:{start_line}: incomplete statement at the end of the file")
            try:
                connection.execute(statement)
            except sqlite3.Error as error:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                shown = " ".join(statement.split())
                raise SourceError(f"{path}:{start_line}: {error} in: {shown[:160]}") from None
        if connection.in_transaction:
            connection.execute("COMMIT")
    finally:
        connection.close()
