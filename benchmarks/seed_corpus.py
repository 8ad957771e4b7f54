"""Seed every schema of the shared corpora and every example design, into PostgreSQL and SQLite.

For each schema and each database: rows written, seconds, violations counted afterwards by
query (foreign keys pointing nowhere, duplicated keys, trees deeper than their max_depth; the
databases themselves enforce every CHECK, NOT NULL and unique constraint while loading, so a
violating row would abort the seed) — or the refusal message when the seeder declines a schema.

The schemas: Pagila, Chinook (the PostgreSQL script), every real schema in real-schemas/,
every migra fixture's b.sql, and every examples/*.yaml.

Run: .venv/bin/python benchmarks/seed_corpus.py [--rows 1000000] [--dialect postgres,sqlite]
     [--only NAME] [--json FILE]
`--rows` is the total per schema, spread over its tables by the schema's expected row counts
(a scale of the design's own shape, as `seed --rows` does per table when no counts are given).
Prints Markdown.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
CORPORA = REPO.parent / "shared" / "corpora"


def corpus() -> list[tuple[str, Path]]:
    """(name, path) of every schema the acceptance names, in a stable order."""
    found: list[tuple[str, Path]] = []
    samples = CORPORA / "sample-databases"
    found.append(("pagila", samples / "pagila" / "pagila-schema.sql"))
    found.append(("chinook", samples / "chinook" / "Chinook_PostgreSql.sql"))
    for path in sorted((CORPORA / "real-schemas").glob("*.sql")):
        found.append((f"real/{path.stem}", path))
    for path in sorted((CORPORA / "migra-fixtures").glob("*/b.sql")):
        found.append((f"migra/{path.parent.name}", path))
    for path in sorted((REPO / "examples").glob("*.yaml")):
        found.append((f"example/{path.stem}", path))
    return [(name, path) for name, path in found if path.exists()]


@dataclass
class Outcome:
    schema: str
    dialect: str
    rows: int = 0
    seconds: float = 0.0
    violations: int | None = None
    refusal: str | None = None
    notes: int = 0

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def per_table_rows(design, total: int) -> dict[str, int]:
    """Split `total` rows over the tables: by expected_rows where the design gives them, else evenly."""
    tables = list(design.tables)
    if not tables:
        return {}
    weights = {name: float(getattr(design.tables[name], "expected_rows", None) or 0) for name in tables}
    if not any(weights.values()):
        weights = {name: 1.0 for name in tables}
    else:
        floor = max(weights.values()) / 1000
        weights = {name: max(weight, floor) for name, weight in weights.items()}
    scale = total / sum(weights.values())
    return {name: max(1, int(weights[name] * scale)) for name in tables}


def seed_one(name: str, path: Path, dialect: str, total: int, per_table: int | None, workdir: Path) -> Outcome:
    from schemasmith.data.load import open_target
    from schemasmith.data.seed import seed_database
    from schemasmith.data.verify import verify
    from schemasmith.db.embedded import scratch_database
    from schemasmith.errors import SchemasmithError
    from schemasmith.sources import load_source

    outcome = Outcome(name, dialect)
    try:
        design = load_source(str(path)).design
    except SchemasmithError as error:
        outcome.refusal = f"not loaded: {error}"
        return outcome
    counts = None if per_table is not None else per_table_rows(design, total)

    def run(url: str) -> None:
        target = open_target(url)
        started = time.perf_counter()
        try:
            result = seed_database(design, target, rows=per_table, scale=counts, seed=42)
        finally:
            target.close()
        outcome.seconds = time.perf_counter() - started
        outcome.rows = result.rows
        outcome.notes = len(result.notes)
        if dialect == "sqlite":
            import sqlite3

            connection = sqlite3.connect(url.split("///", 1)[1])
            try:
                present = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
                check = verify(connection, "sqlite", design, tables=[name for name in design.tables if name in present])
                outcome.violations = _violations(check) + len(connection.execute("PRAGMA foreign_key_check").fetchall())
            finally:
                connection.close()
        else:
            import psycopg

            with psycopg.connect(url, autocommit=True) as connection:
                outcome.violations = _violations(verify(connection, "postgres", design))

    try:
        if dialect == "sqlite":
            database = workdir / (name.replace("/", "_") + ".db")
            database.unlink(missing_ok=True)
            run(f"sqlite:///{database}")
            database.unlink(missing_ok=True)
        else:
            with scratch_database(prefix="corpus") as url:
                run(url)
    except SchemasmithError as error:
        outcome.refusal = str(error).splitlines()[0]
    except Exception as error:  # noqa: BLE001 - a bug to report, not to stop the run on
        outcome.refusal = f"INTERNAL ERROR {type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
    return outcome


def _migra_role() -> None:
    """The role migra's rls fixture grants a policy to (migra's own test suite creates it beforehand)."""
    import psycopg

    from schemasmith.db.embedded import default_server_url

    with psycopg.connect(default_server_url(), autocommit=True) as connection:
        connection.execute("DO $$ BEGIN CREATE ROLE schemainspect_test_role; EXCEPTION WHEN duplicate_object THEN NULL; END $$")


def _violations(check) -> int:
    return sum(check.foreign_key_violations.values()) + sum(check.duplicate_keys.values()) + sum(check.too_deep.values())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows per schema, spread over its tables")
    parser.add_argument("--per-table", type=int, default=None, help="instead: this many rows in every table")
    parser.add_argument("--dialect", default="postgres,sqlite")
    parser.add_argument("--only", default=None, help="only schemas whose name contains this")
    parser.add_argument("--json", default=None, help="also write the outcomes as JSON here")
    args = parser.parse_args(argv)
    dialects = [item.strip() for item in args.dialect.split(",") if item.strip()]
    outcomes: list[Outcome] = []
    _migra_role()
    print(f"| schema | database | rows | seconds | violations | refusal |\n|---|---|---:|---:|---:|---|", flush=True)
    with tempfile.TemporaryDirectory(prefix="seed-corpus-") as folder:
        for name, path in corpus():
            if args.only and args.only not in name:
                continue
            for dialect in dialects:
                outcome = seed_one(name, path, dialect, args.rows, args.per_table, Path(folder))
                outcomes.append(outcome)
                violations = "" if outcome.violations is None else str(outcome.violations)
                print(f"| {name} | {dialect} | {outcome.rows:,} | {outcome.seconds:.1f} | {violations} | {outcome.refusal or ''} |",
                      flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps([outcome.as_dict() for outcome in outcomes], indent=2))
    failed = [outcome for outcome in outcomes if (outcome.refusal or "").startswith("INTERNAL") or outcome.violations]
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
