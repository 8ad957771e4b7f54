"""Apply SQL files to real databases exactly as a user would: psql for PostgreSQL, sqlite3 for SQLite.

Nothing here rewrites the SQL: what is proven to apply is the file on disk.
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from ..errors import SourceError
from ..text.statements import line_of, split_psql_script, split_sqlite_script
from .embedded import psql_path
from .extensions import ProofScript, prepare_script
from .urls import libpq_url

_PSQL_ERROR = re.compile(r"^psql:(?P<file>.*):(?P<line>\d+): (?P<severity>ERROR|FATAL|error):\s*(?P<message>.*)$", re.MULTILINE)


def apply_postgres_file(url: str, path: Path, *, proof: bool = False) -> ProofScript:
    """Run `psql -v ON_ERROR_STOP=1 -f path` against `url`; raise SourceError naming the line.

    The same psql runner the DDL importer uses, so every caller reports a failure alike:
    file:line, the server's message with its details, and the failing statement.
    """
    return apply_script(url, path.read_text(encoding="utf-8"), str(path), proof=proof)


def apply_script(url: str, sql: str, label: str, *, proof: bool = False) -> ProofScript:
    """Apply SQL with the embedded server's own psql, stopping at the first error.

    The extensions the script needs are checked against the server's first
    (`extensions.prepare_script`; `proof` marks a scratch database, where a built-in may stand
    in for a missing extension). A failure raises SourceError naming `label`:line, the
    server's message with its details and server version, and the failing statement (as psql
    echoes it). Returns the script as applied, with its notes.
    """
    import time

    from ..console import detail
    from .embedded import redact

    started = time.perf_counter()
    prepared = prepare_script(sql, url, label, proof=proof)
    run_preamble(url, prepared.preamble, label)
    run_psql(url, prepared.sql, label)
    detail(f"applied {label} to {redact(url)} in {time.perf_counter() - started:.2f} s")
    return prepared


def run_preamble(url: str, statements: list[str], label: str) -> None:
    """Run the statements a script needs first (creating an extension it uses), one by one."""
    if not statements:
        return
    import psycopg

    try:
        with psycopg.connect(libpq_url(url), autocommit=True, connect_timeout=10) as connection:
            for statement in statements:
                connection.execute(statement)
    except psycopg.Error as error:
        raise SourceError(f"{label}: before applying it, {' '.join(str(error).split())}") from None


def run_psql(url: str, sql: str, label: str) -> None:
    """psql -v ON_ERROR_STOP=1 over `sql`; SourceError naming `label`:line on failure."""
    with tempfile.TemporaryDirectory(prefix="schemasmith-import-") as folder:
        path = Path(folder) / "import.sql"
        path.write_text(sql, encoding="utf-8")
        # -b: psql echoes the statement that failed, which is more exact than any guess from the line.
        command = [str(psql_path()), "-X", "-q", "-b", "-v", "ON_ERROR_STOP=1", "-d", libpq_url(url), "-f", str(path)]
        environment = {"PGCONNECT_TIMEOUT": "10", "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PGCLIENTENCODING": "UTF8"}
        for variable in ("LANG", "LC_ALL", "HOME", "TMPDIR"):
            if variable in os.environ:
                environment[variable] = os.environ[variable]
        try:
            completed = subprocess.run(command, capture_output=True, text=True, env=environment, cwd=folder, check=False)
        except OSError as error:
            raise SourceError(f"cannot run psql ({psql_path()}): {error}") from None
    if completed.returncode == 0:
        return
    stderr = completed.stderr
    error = _PSQL_ERROR.search(stderr)
    if error is None:
        message = stderr.strip() or f"psql exited with status {completed.returncode}"
        raise SourceError(f"{label}: could not be applied: {shorten(' '.join(message.split()), 400)}")
    line = int(error["line"])
    message = error["message"].strip()
    details = [
        " ".join(detail.split())
        for detail in stderr[error.end():].splitlines()
        if detail.strip().startswith(("DETAIL:", "HINT:", "CONTEXT:"))
    ]
    echoed = re.search(r"^psql:.*?:\d+: STATEMENT:\s*(?P<text>.*?)(?=^psql:|\Z)", stderr[error.end():], re.MULTILINE | re.DOTALL)
    statement = shorten(" ".join(echoed["text"].split()) if echoed else failing_statement(sql, line))
    text = f"{label}:{line}: {message}"
    if details:
        text += " (" + "; ".join(details) + ")"
    version = server_version(url)
    if version:
        text += f" [on PostgreSQL {version}]"
    text += f"\n  in: {statement}"
    raise SourceError(text)


def server_version(url: str) -> str | None:
    import psycopg

    try:
        with psycopg.connect(libpq_url(url), connect_timeout=10) as connection:
            return str(connection.execute("SHOW server_version").fetchone()[0]).split()[0]
    except psycopg.Error:
        return None


def failing_statement(sql: str, line: int) -> str:
    """The statement psql reports on `line` (the line a statement ends on), whitespace folded."""
    candidates = [(start, end) for kind, start, end in split_psql_script(sql) if kind == "statement" and line_of(sql, end - 1) >= line]
    if not candidates:
        return ""
    start, end = candidates[0]
    return " ".join(sql[start:end].split())


def shorten(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def sqlite_statements(sql: str) -> list[tuple[int, str]]:
    """Complete statements (trigger bodies whole), each with the line it starts on.

    The one definition of where a SQLite statement ends (text.statements.split_sqlite_script).
    """
    return [(statement.line, statement.text) for statement in split_sqlite_script(sql)]


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
