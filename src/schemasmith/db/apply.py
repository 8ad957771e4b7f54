"""Apply SQL files to real databases exactly as a user would: psql for PostgreSQL, sqlite3 for SQLite.

Nothing here rewrites the SQL: what is proven to apply is the file on disk.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ..errors import SourceError


def apply_postgres_file(url: str, path: Path) -> None:
    """Run `psql -v ON_ERROR_STOP=1 -f path` against `url`; raise SourceError naming the line.

    The same psql runner the DDL importer uses, so every caller reports a failure alike:
    file:line, the server's message with its details, and the failing statement.
    """
    from ..importers.postgres import apply_script

    apply_script(url, path.read_text(encoding="utf-8"), str(path))


def sqlite_statements(sql: str) -> list[tuple[int, str]]:
    """Complete statements (trigger bodies whole), each with the line it starts on.

    The importer's splitter, which knows SQLite's quoting and comments: one definition of where
    a SQLite statement ends.
    """
    from ..importers.sqlite import split_statements

    return [(statement.line, statement.text) for statement in split_statements(sql)]


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
