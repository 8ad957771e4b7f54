"""Diff benchmark: two 1,000-table schemas (a generated one and a mutated copy), schemasmith vs migra.

The pair: `foundation.generate(N)` and a copy with about 10% of its tables changed — columns added,
dropped, retyped and renamed (declared with renamed_from), indexes added, a few tables created and
dropped — so every part of the differ runs.

  schemasmith (designs)  — both design documents already loaded: diff + the direct plan's SQL.
  schemasmith (live)     — both schemas in live databases: import both, diff, SQL (what migra does).
  schemasmith diff       — `schemasmith diff OLD_URL NEW_URL -o DIR` as the command line runs it
                           (migrate/command.run_diff: both imports at once, table sizes, the safe
                           plan, the step files and the report written), minus interpreter start-up.
  migra (live)           — migra on the same two live databases (schemainspect reads both catalogs).

Both live databases are built from our DDL on the embedded PostgreSQL, in the same run.
Run: .venv/bin/python benchmarks/diff.py [--tables 1000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).parent))

from foundation import generate

from schemasmith.db.apply import apply_postgres_file
from schemasmith.db.embedded import scratch_database
from schemasmith.dialects import postgres
from schemasmith.importers import postgres as postgres_importer
from schemasmith.migrate import diff
from schemasmith.migrate.render.postgres import pg_statements
from schemasmith.model import dump_design, load_design_text


def mutate(text: str, seed: int = 11) -> str:
    """A NEW version of a generated design: about one table in ten changed, plus new and dropped tables."""
    import random

    rng = random.Random(seed)
    data = yaml.safe_load(text)
    tables = data["tables"]
    names = list(tables)
    referenced = {fk["references"]["table"] for table in tables.values() for fk in table.get("foreign_keys", [])}
    for name in rng.sample(names, k=len(names) // 10):
        table = tables[name]
        columns = table["columns"]
        plain = [c for c in columns if c != "id" and not c.startswith("table_")]
        choice = rng.randrange(5)
        if choice == 0:
            columns[f"added_{rng.randrange(1000)}"] = {"type": "text", "nullable": True}
        elif choice == 1 and plain:
            del columns[plain[-1]]
        elif choice == 2 and plain:
            column = columns[plain[0]]
            column["type"] = {"integer": "bigint", "text": "varchar(500)", "varchar(120)": "varchar(240)"}.get(column["type"], "text")
        elif choice == 3 and plain:
            old = plain[0]
            renamed = {(f"{old}_renamed" if key == old else key): value for key, value in columns.items()}
            renamed[f"{old}_renamed"] = dict(renamed[f"{old}_renamed"], renamed_from=old)
            table["columns"] = renamed
        elif plain:
            table.setdefault("indexes", []).append({"columns": [plain[0]]})
    for name in [n for n in reversed(names) if n not in referenced][:5]:
        del tables[name]
    for number in range(5):
        tables[f"new_table_{number}"] = {
            "columns": {"id": {"type": "bigint", "identity": "by default"}, "label": {"type": "text"}},
            "primary_key": ["id"],
        }
    return dump_design(load_design_text(yaml.safe_dump(data, sort_keys=False)))


def best(function, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return min(times), result


def ours_from_designs(old, new) -> list[str]:
    result = diff(old, new)
    return [statement for operation in result.operations for statement in pg_statements(operation, result.context)]


def ours_from_databases(old_url: str, new_url: str) -> list[str]:
    old = postgres_importer.import_database(old_url).design
    new = postgres_importer.import_database(new_url).design
    return ours_from_designs(old, new)


def ours_diff_command(old_url: str, new_url: str) -> int:
    """What `schemasmith diff OLD NEW -o DIR` runs, into a fresh folder; the number of operations it reports."""
    from schemasmith.migrate.command import run_diff

    with tempfile.TemporaryDirectory(prefix="schemasmith-bench-diff-out-") as output:
        report = run_diff(old_url, new_url, dialect=None, format="sql", output=output, backfill=[], safe=None)
        return sum(len(step.operations) for step in report.steps)


def pg_dump_seconds(url: str, repeat: int) -> float:
    """pg_dump --schema-only of the database (the embedded server's own pg_dump), best of `repeat`."""
    import subprocess

    from schemasmith.db.embedded import psql_path
    from schemasmith.db.urls import libpq_url

    pg_dump = str(psql_path().parent / "pg_dump")
    seconds, _ = best(lambda: subprocess.run([pg_dump, "--schema-only", "-d", libpq_url(url)], check=True, capture_output=True), repeat)
    return seconds


def migra_sql(old_url: str, new_url: str) -> str:
    from migra import Migration
    from sqlbag import S

    def url(value: str) -> str:
        return value.replace("postgresql://", "postgresql+psycopg://", 1)

    with S(url(old_url)) as old_session, S(url(new_url)) as new_session:
        migration = Migration(old_session, new_session)
        migration.set_safety(False)
        migration.add_all_changes()
        return migration.sql


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    arguments = parser.parse_args()
    old_text = generate(arguments.tables)
    new_text = mutate(old_text)
    old, new = load_design_text(old_text), load_design_text(new_text)
    folder = Path(tempfile.mkdtemp(prefix="schemasmith-bench-diff-"))
    rows = []
    designs_seconds, statements = best(lambda: ours_from_designs(old, new), arguments.repeat)
    rows.append(("schemasmith, from two design documents", designs_seconds, len(statements)))
    with scratch_database(prefix="bench_old") as old_url, scratch_database(prefix="bench_new") as new_url:
        for design, url, name in ((old, old_url, "old.sql"), (new, new_url, "new.sql")):
            path = folder / name
            path.write_text(postgres.render(design).files["schema.sql"])
            apply_postgres_file(url, path)
        live_seconds, live_statements = best(lambda: ours_from_databases(old_url, new_url), arguments.repeat)
        rows.append(("schemasmith, from two live databases (import both + diff)", live_seconds, len(live_statements)))
        command_seconds, operations = best(lambda: ours_diff_command(old_url, new_url), arguments.repeat)
        rows.append(("schemasmith diff OLD_URL NEW_URL -o DIR (run_diff, as the CLI runs it; operations)", command_seconds, operations))
        import_seconds, _ = best(lambda: (postgres_importer.import_database(old_url), postgres_importer.import_database(new_url)), arguments.repeat)
        rows.append(("  of which: importing the two databases (importers/postgres.py)", import_seconds, 0))
        one_seconds, _ = best(lambda: postgres_importer.import_database(old_url), arguments.repeat)
        rows.append(("  importing OLD alone (schemasmith import OLD_URL)", one_seconds, 0))
        dump_seconds = pg_dump_seconds(old_url, arguments.repeat)
        rows.append(("  pg_dump --schema-only of OLD (C, reads the same catalogs)", dump_seconds, 0))
        try:
            migra_seconds, sql = best(lambda: migra_sql(old_url, new_url), arguments.repeat)
            migra_statements = sum(1 for line in str(sql).split(";\n") if line.strip())
            rows.append(("migra, from the same two live databases", migra_seconds, migra_statements))
        except Exception as error:  # noqa: BLE001 - say exactly why migra could not run
            print(f"migra could not run: {type(error).__name__}: {error}")
            migra_seconds = None
    print(f"\nDiff of two {arguments.tables:,}-table schemas ({len(old.tables):,} → {len(new.tables):,} tables), best of {arguments.repeat}\n")
    print("| tool | seconds | statements |")
    print("| --- | ---: | ---: |")
    for label, seconds, count in rows:
        print(f"| {label} | {seconds:.2f} | {count:,} |" if count else f"| {label} | {seconds:.2f} | |")
    print(f"\nimport of OLD / pg_dump --schema-only of OLD: {one_seconds / dump_seconds:.1f}×")
    if migra_seconds:
        print(f"\nmigra / schemasmith diff (the command's path): {migra_seconds / command_seconds:.1f}×")
        print(f"migra / schemasmith (both from live databases, imported one after the other): {migra_seconds / live_seconds:.1f}×")
        print(f"migra / schemasmith (designs in memory): {migra_seconds / designs_seconds:.1f}×")


if __name__ == "__main__":
    main()
