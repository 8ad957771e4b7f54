"""Validation level 1 (formal): the generated DDL applies cleanly to real databases.

Each dialect's DDL is written to a temporary file and applied with the same tool a user would
use (psql for PostgreSQL, SQLite's own engine for SQLite); a failure is reported with the
database's message and the line of the generated file.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from .db.apply import apply_postgres_file, apply_sqlite_file
from .db.embedded import redact, scratch_database
from .errors import SourceError
from .model.document import Design


@dataclass
class FormalCheck:
    """One dialect's result: did the DDL apply, where, how long it took, what it warned."""

    dialect: str
    database: str
    applied: bool
    seconds: float
    error: str | None = None
    warnings: list[str] = field(default_factory=list)


def check_formal(design: Design, *, postgres_url: str | None = None, dialects=("postgres", "sqlite")) -> list[FormalCheck]:
    """Apply the design's DDL for each dialect to a fresh real database."""
    results = []
    with tempfile.TemporaryDirectory(prefix="schemasmith-validate-") as folder:
        work = Path(folder)
        if "postgres" in dialects:
            from .dialects import postgres

            output = postgres.render(design)
            path = work / "postgres.sql"
            path.write_text(output.files["schema.sql"], encoding="utf-8")
            started = time.perf_counter()
            where = redact(postgres_url) if postgres_url else "embedded PostgreSQL 18"
            try:
                with scratch_database(postgres_url, prefix="validate") as url:
                    apply_postgres_file(url, path)
                results.append(FormalCheck("postgres", where, True, time.perf_counter() - started, None, output.warnings))
            except SourceError as error:
                results.append(FormalCheck("postgres", where, False, time.perf_counter() - started, str(error), output.warnings))
        if "sqlite" in dialects:
            from .dialects import sqlite

            output = sqlite.render(design)
            path = work / "sqlite.sql"
            path.write_text(output.files["schema.sql"], encoding="utf-8")
            started = time.perf_counter()
            try:
                apply_sqlite_file(work / "validate.db", path)
                results.append(FormalCheck("sqlite", "SQLite (file)", True, time.perf_counter() - started, None, output.warnings))
            except SourceError as error:
                results.append(FormalCheck("sqlite", "SQLite (file)", False, time.perf_counter() - started, str(error), output.warnings))
    return results
