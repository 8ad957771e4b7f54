"""The two commands of the data capability, as plain functions the CLI calls.

`seed_command` fills a database with mock data from any schema source; `copy_data_command`
moves a database's rows into another one and verifies them. Both print with rich and raise
`SchemasmithError` subclasses (naming the place) for bad input.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..console import stdout_console, warn
from rich.table import Table

from ..db.urls import is_database_url
from ..errors import SchemasmithError


def seed_command(schema: str, db: str | None, rows: int | None, scale: str | None, seed: int, null_rate: float,
                 quiet: bool, format: str = "text") -> int:
    """`schemasmith seed SCHEMA --db URL [--rows N | --scale FILE] [--seed 42] [--null-rate R] [--format text|json]`.

    `format="json"` prints one JSON document instead of the table: rows and seconds per table,
    the total, and the violations counted afterwards by query (foreign keys pointing nowhere,
    duplicated keys, trees deeper than allowed).
    """
    format = str(getattr(format, "value", format))
    if format not in ("text", "json"):
        raise SchemasmithError(f"--format {format!r}: expected text or json")
    as_json = format == "json"
    if as_json:
        quiet = True
    from ..sources import load_source
    from .load import open_target
    from .plan import SeedError, load_scale_file
    from .progress import TableProgress
    from .seed import seed_database

    out = stdout_console(soft_wrap=True)
    if rows is not None and scale is not None:
        raise SeedError("--rows and --scale both given: use one (--rows N for every table, or a scale file)")
    if rows is not None and rows < 0:
        raise SeedError(f"--rows must be 0 or more, got {rows}")
    if not 0.0 <= null_rate <= 1.0:
        raise SeedError(f"--null-rate must be between 0 and 1, got {null_rate}")
    scale_counts = load_scale_file(scale) if scale is not None else None
    source = load_source(schema)
    design = source.design
    if db is None:
        path = Path(re.sub(r"[^A-Za-z0-9_.-]+", "_", design.name).strip("._") + ".db").resolve()
        db = f"sqlite:///{path}"
        if not quiet and not as_json:
            out.print(f"no --db given: seeding the SQLite file {path}", markup=False)
    elif not is_database_url(db):
        raise SeedError(f"--db {db!r}: expected a database URL such as sqlite:///app.db or postgresql://user@host/db")
    target = open_target(db)
    try:
        result = seed_database(design, target, rows=rows, scale=scale_counts, seed=seed, null_rate=null_rate, quiet=quiet,
                               scale_name=scale or "scale file", progress=TableProgress(quiet))
    finally:
        target.close()
    if as_json:
        import json
        import sys

        violations = _violations(db, design)
        document = {
            "target": result.target, "dialect": result.dialect, "seed": seed, "created_schema": result.created_schema,
            "appended": result.appended, "rows": result.rows, "seconds": round(result.seconds, 3),
            "tables": [{"name": item.name, "rows": item.rows, "seconds": round(item.seconds, 3)} for item in result.tables],
            "violations": violations,
            "notes": result.notes,
            "warnings": [warning for warning in result.warnings if not warning.startswith("SQLite keeps no comments")],
        }
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
        return 1 if violations["total"] else 0
    if result.created_schema:
        out.print(f"created the schema of {design.name!r} in {result.target}")
    elif result.appended:
        out.print(f"the schema of {result.target} matches {design.name!r}; rows appended after the existing ones")
    table = Table(title=None, show_edge=False, box=None, pad_edge=False)
    table.add_column("table")
    table.add_column("rows", justify="right")
    table.add_column("seconds", justify="right")
    table.add_column("rows/s", justify="right")
    for item in result.tables:
        table.add_row(item.name, f"{item.rows:,}", f"{item.seconds:.2f}", f"{item.rate:,.0f}")
    if not quiet:
        out.print(table)
    out.print(f"seeded {result.rows:,} rows into {result.target} in {result.seconds:.1f} s (seed {seed})")
    warn([f"note: {note}" for note in result.notes])
    # "SQLite keeps no comments" is about the DDL file's comments, not about the data.
    warn([warning for warning in result.warnings if not warning.startswith("SQLite keeps no comments")])
    return 0


def _violations(url: str, design) -> dict:
    """Counted after the load by query: the databases enforce the constraints; this says so independently."""
    from .verify import verify

    if url.startswith("sqlite"):
        import sqlite3

        from ..db.urls import sqlite_path

        connection = sqlite3.connect(sqlite_path(url))
        try:
            present = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            check = verify(connection, "sqlite", design, tables=[name for name in design.tables if name in present])
            foreign_key_check = len(connection.execute("PRAGMA foreign_key_check").fetchall())
        finally:
            connection.close()
    else:
        import psycopg

        from ..db.urls import libpq_url

        with psycopg.connect(libpq_url(url), autocommit=True) as connection:
            check = verify(connection, "postgres", design)
        foreign_key_check = 0
    foreign_keys = sum(check.foreign_key_violations.values()) + foreign_key_check
    duplicates = sum(check.duplicate_keys.values())
    too_deep = sum(check.too_deep.values())
    return {"foreign_keys": foreign_keys, "duplicate_keys": duplicates, "too_deep": too_deep,
            "total": foreign_keys + duplicates + too_deep}


def copy_data_command(source: str, target: str, quiet: bool) -> int:
    """`schemasmith copy-data --from URL --to URL`: schema, rows in dependency order, verification."""
    from .copy import copy_data

    out = stdout_console(soft_wrap=True)
    for flag, url in (("--from", source), ("--to", target)):
        if not is_database_url(url):
            raise SchemasmithError(f"{flag} {url!r}: expected a database URL such as sqlite:///app.db or postgresql://user@host/db")
    result = copy_data(source, target, quiet=quiet)
    if result.created_schema:
        out.print(f"created the schema on {result.target} from {result.source}")
    table = Table(show_edge=False, box=None, pad_edge=False)
    for name, justify in (("table", "left"), ("source", "right"), ("target", "right"), ("copied", "right"), ("seconds", "right")):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for item in result.tables:
        table.add_row(item.name, f"{item.source_rows:,}", f"{item.target_rows:,}", f"{item.copied:,}", f"{item.seconds:.2f}")
    if not quiet:
        out.print(table)
    warn(result.warnings)
    problems = result.problems()
    if problems:
        for problem in problems:
            out.print(f"[red]not verified[/]: {problem}")
        out.print(f"copied {result.copied:,} rows; verification FAILED ({len(problems)} problem(s))")
        return 1
    out.print(
        f"copied {result.copied:,} rows from {result.source} to {result.target} in {result.seconds:.1f} s;"
        f" verified: row counts equal in {len(result.tables)} table(s), 0 foreign-key violations,"
        f" {result.sampled:,} sampled rows equal"
    )
    return 0
