"""Seeding benchmark: the project-management example (taskhub) into the embedded PostgreSQL.

Three ways to put the same kind of rows into the same schema (same indexes, triggers and
foreign keys, one transaction), each in a fresh database and a fresh child process (so the
peak memory is that run's own):

  seed      — `schemasmith seed` as users run it: numpy-vectorized values, COPY in chunks.
  raw COPY  — the physical limit: the very rows `seed` writes, pre-generated into files in COPY's
              text format (not timed), then loaded by the server with `COPY … FROM 'file'`, in the
              load order seed uses on a fresh schema (rows, then secondary indexes, then foreign
              keys validated in one pass each); also straight into fully indexed tables.
  naive     — what seeding scripts usually do: Faker called per field, one INSERT per row,
              parents picked from Python lists; run on a small sample per table and
              extrapolated to the full row counts.

Row counts are the design's expected_rows scaled down to the total asked (`--rows`), so the
shape (few organizations, many tasks, comments and activity) is the design's own.

Run: .venv/bin/python benchmarks/seed.py [--rows 1000000] [--growth 100000,1000000] [--naive-sample 400] [--repeat 3]
     add 10000000 to --growth to measure 10 million rows (a few minutes).
Prints Markdown; at --rows each way runs --repeat times and the best run counts (wall-clock
seconds); the other growth sizes run once.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DESIGN = REPO / "examples" / "taskhub.yaml"


def scale_for(total: int) -> dict[str, int]:
    from schemasmith.model import load_design

    design = load_design(DESIGN)
    expected = sum(table.expected_rows or 0 for table in design.tables.values())
    factor = total / expected
    return {name: max(1, round((table.expected_rows or 0) * factor)) for name, table in design.tables.items()}


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


# --- children ---------------------------------------------------------------------------------


def child_seed(url: str, total: int) -> dict:
    from schemasmith.data.load import open_target
    from schemasmith.data.seed import seed_database
    from schemasmith.model import load_design

    design = load_design(DESIGN)
    scale = scale_for(total)
    baseline = peak_mb()
    target = open_target(url)
    started = time.perf_counter()
    result = seed_database(design, target, scale=scale, seed=42)
    seconds = time.perf_counter() - started
    target.close()
    return {
        "seconds": seconds,
        "rows": result.rows,
        "tables": [{"name": t.name, "rows": t.rows, "seconds": t.seconds} for t in result.tables],
        "peak_mb": peak_mb(),
        "baseline_mb": baseline,
    }


def child_raw_copy(url: str, total: int, folder: str, strategy: str) -> dict:
    """Write the rows seed would write into files, then time the server's COPY FROM of those files.

    `bulk`: the load order seed uses on a fresh schema (indexes and foreign keys added after the
    rows, timed too); `indexed`: straight into the fully indexed, constrained tables.
    """
    import numpy as np
    import psycopg

    from schemasmith.data.load import copy_text, quote_pg
    from schemasmith.data.plan import build_plan, row_counts
    from schemasmith.data.rows import SeedModel, chunk_ranges
    from schemasmith.data.seed import chunk_size
    from schemasmith.dialects import postgres
    from schemasmith.model import load_design

    design = load_design(DESIGN)
    plan = build_plan(design, row_counts(design, None, scale_for(total)), seed=42, defer_all=False)
    model = SeedModel(plan)
    files = {}
    for name in plan.order:
        table_plan = plan.tables[name]
        path = Path(folder) / f"{name}.copy"
        with path.open("wb") as handle:
            for start, end in chunk_ranges(table_plan.rows, chunk_size(len(table_plan.columns))):
                handle.write(copy_text(table_plan.columns, model.tables[name].rows(np.arange(start, end)), set()))
        os.chmod(path, 0o644)
        files[name] = path
    os.chmod(folder, 0o755)
    schema = postgres.render(design).files["schema.sql"]
    body = "\n".join(line for line in schema.splitlines() if line.strip().upper() not in ("BEGIN;", "COMMIT;"))
    tables = []
    with psycopg.connect(url) as connection:
        connection.execute(body)
        started = time.perf_counter()
        postponed = []
        if strategy == "bulk":
            from schemasmith.data.load import PostgresTarget

            target = PostgresTarget.__new__(PostgresTarget)
            target.connection = connection
            target._postpone_indexes_and_foreign_keys()
            postponed = target.postponed
        connection.execute("SET CONSTRAINTS ALL DEFERRED")
        for name in plan.order:
            columns = ", ".join(quote_pg(c) for c in plan.tables[name].columns)
            table_started = time.perf_counter()
            freeze = " WITH (FREEZE)" if strategy == "bulk" else ""
            connection.execute(f"COPY {quote_pg(name)} ({columns}) FROM '{files[name]}'{freeze}")
            tables.append({"name": name, "rows": plan.tables[name].rows, "seconds": time.perf_counter() - table_started})
        for _label, statement in postponed:
            connection.execute(statement)
        connection.commit()
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "rows": sum(t["rows"] for t in tables), "tables": tables,
            "bytes": sum(path.stat().st_size for path in files.values())}


def child_naive(url: str, total: int, sample: int) -> dict:
    """Faker per field and one INSERT per row, on `sample` rows per table; extrapolated."""
    import random

    import psycopg
    from faker import Faker

    from schemasmith.data.load import quote_pg
    from schemasmith.dialects import postgres
    from schemasmith.model import load_design
    from schemasmith.model.implied import with_implied
    from schemasmith.model.ordering import creation_order

    design = with_implied(load_design(DESIGN))
    scale = scale_for(total)
    fake = Faker()
    Faker.seed(42)
    random.seed(42)
    schema = postgres.render(design).files["schema.sql"]
    keys: dict[str, list] = {}
    tables = []
    with psycopg.connect(url) as connection:
        connection.execute("\n".join(line for line in schema.splitlines() if line.strip().upper() not in ("BEGIN;", "COMMIT;")))
        connection.commit()
        for name in creation_order(design):
            table = design.tables[name]
            fk_of = {fk.columns[0]: fk for fk in table.foreign_keys if len(fk.columns) == 1}
            columns = [c for c, spec in table.columns.items() if spec.identity is None and spec.generated is None]
            pairs = set()
            rows = min(sample, scale[name])
            sql = f"INSERT INTO {quote_pg(name)} ({', '.join(quote_pg(c) for c in columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
            key = table.primary_key[0] if len(table.primary_key) == 1 else None
            keys[name] = []
            started = time.perf_counter()
            with connection.cursor() as cursor:
                for _ in range(rows):
                    while True:
                        values = {}
                        for column in columns:
                            spec = table.columns[column]
                            values[column] = _naive_value(fake, name, column, spec, fk_of.get(column), keys, design)
                        composite = tuple(values[c] for c in table.primary_key) if len(table.primary_key) > 1 else None
                        if composite is None or composite not in pairs:
                            break
                    if composite is not None:
                        pairs.add(composite)
                    cursor.execute(sql + (f" RETURNING {quote_pg(key)}" if key else ""), [values[c] for c in columns])
                    if key:
                        keys[name].append(cursor.fetchone()[0])
            connection.commit()
            seconds = time.perf_counter() - started
            tables.append({"name": name, "sample": rows, "seconds": seconds, "rows": scale[name],
                           "estimated_seconds": seconds / max(rows, 1) * scale[name]})
    return {"tables": tables, "estimated_seconds": sum(t["estimated_seconds"] for t in tables)}


def _naive_value(fake, table, column, spec, fk, keys, design):
    import json as json_module
    import random
    import uuid

    if fk is not None:
        if spec.nullable and fk.references.table == table:
            return None  # a naive script does not build trees
        return random.choice(keys[fk.references.table])
    portable = spec.portable_type
    kind = portable.kind
    if kind == "uuid":
        return uuid.uuid4()
    if portable.is_enum:
        return random.choice(design.enums[portable.enum])
    if column == "email":
        return fake.unique.email()
    if column == "slug":
        return fake.unique.slug()
    if column in ("name", "display_name"):
        return fake.unique.company() if table in ("organizations", "projects") else fake.name()
    if kind in ("timestamptz", "timestamp"):
        return fake.date_time_between(start_date="-2y", tzinfo=None)
    if kind == "date":
        return fake.date_between(start_date="-1y", end_date="+3m")
    if kind == "json":
        return json_module.dumps({"field": fake.word(), "old": fake.word(), "new": fake.word()})
    if kind in ("smallint", "integer", "bigint"):
        return fake.random_int(1, 1000)
    if kind == "varchar":
        return fake.sentence(nb_words=6)[: portable.length or 200]
    if kind == "text":
        return fake.paragraph() if column in ("description", "body") else fake.sentence()
    return fake.word()


# --- parent --------------------------------------------------------------------------------------


def run_child(mode: str, total: int, extra: list[str]) -> dict:
    from schemasmith.db.embedded import scratch_database

    with scratch_database(prefix="bench") as url:
        command = [sys.executable, __file__, "--child", mode, "--url", url, "--rows", str(total)] + extra
        completed = subprocess.run(command, capture_output=True, text=True, check=False)
        if completed.returncode != 0:
            raise SystemExit(f"{mode} run failed:\n{completed.stderr}")
        return json.loads(completed.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000, help="total rows of the main comparison")
    parser.add_argument("--growth", default="100000,1000000", help="totals for the growth table")
    parser.add_argument("--naive-sample", type=int, default=400, help="rows per table the naive loop inserts")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each way at --rows; the best counts")
    parser.add_argument("--child")
    parser.add_argument("--url")
    parser.add_argument("--folder")
    parser.add_argument("--strategy", default="bulk")
    args = parser.parse_args()
    if args.child:
        if args.child == "seed":
            out = child_seed(args.url, args.rows)
        elif args.child == "raw":
            out = child_raw_copy(args.url, args.rows, args.folder, args.strategy)
        else:
            out = child_naive(args.url, args.rows, args.naive_sample)
        print(json.dumps(out))
        return

    from schemasmith.db.embedded import embedded_server

    embedded_server()
    total = args.rows
    growth = sorted({int(x) for x in args.growth.split(",") if x} | {total})
    def best(mode: str, extra: list[str], key: str = "seconds") -> dict:
        results = []
        for _ in range(args.repeat):
            if mode == "raw":
                with tempfile.TemporaryDirectory(prefix="schemasmith-bench-") as folder:
                    results.append(run_child(mode, total, ["--folder", folder] + extra))
            else:
                results.append(run_child(mode, total, extra))
        return min(results, key=lambda result: result[key])

    runs = {size: run_child("seed", size, []) for size in growth if size != total}
    runs[total] = best("seed", [])
    raw = best("raw", ["--strategy", "bulk"])
    indexed = best("raw", ["--strategy", "indexed"])
    naive = best("naive", ["--naive-sample", str(args.naive_sample)], key="estimated_seconds")
    main_run = runs[total]

    print(f"## seed (benchmarks/seed.py) — {platform.python_implementation()} {platform.python_version()},"
          f" {platform.machine()}, {os.cpu_count()} CPU(s), embedded PostgreSQL 18\n")
    print(f"taskhub's expected_rows scaled to {main_run['rows']:,} rows; one transaction; every index, trigger and FK"
          f" enforced; best of {args.repeat} runs.\n")
    print("| table | rows | seed rows/s | raw COPY rows/s | naive rows/s |")
    print("| (COPY phase only; seed and raw COPY then build indexes and FKs for all tables) | | | | |")
    print("| --- | ---: | ---: | ---: | ---: |")
    raw_tables = {t["name"]: t for t in raw["tables"]}
    naive_tables = {t["name"]: t for t in naive["tables"]}
    for table in main_run["tables"]:
        r, n = raw_tables[table["name"]], naive_tables[table["name"]]
        print(f"| {table['name']} | {table['rows']:,} | {table['rows'] / max(table['seconds'], 1e-9):,.0f} |"
              f" {r['rows'] / max(r['seconds'], 1e-9):,.0f} | {n['sample'] / max(n['seconds'], 1e-9):,.0f} |")
    print()
    seed_s, raw_s, naive_s = main_run["seconds"], raw["seconds"], naive["estimated_seconds"]
    print("| way | seconds for all rows | rows/s | vs seed |")
    print("| --- | ---: | ---: | ---: |")
    print(f"| seed (generate + COPY) | {seed_s:.1f} | {main_run['rows'] / seed_s:,.0f} | 1× |")
    print(f"| raw COPY of pre-generated files, same load order (frozen rows, then indexes and FKs) | {raw_s:.1f} |"
          f" {raw['rows'] / raw_s:,.0f} | seed takes {seed_s / raw_s:.2f}× its time |")
    indexed_s = indexed["seconds"]
    print(f"| raw COPY of the same files into fully indexed, constrained tables | {indexed_s:.1f} |"
          f" {indexed['rows'] / indexed_s:,.0f} | seed takes {seed_s / indexed_s:.2f}× its time |")
    print(f"| naive (Faker per field, INSERT per row; {args.naive_sample} rows/table, extrapolated) | {naive_s:,.0f} |"
          f" {main_run['rows'] / naive_s:,.0f} | seed is {naive_s / seed_s:.0f}× faster |")
    print()
    print("| total rows | seconds | rows/s | peak RSS of the seeding process |")
    print("| ---: | ---: | ---: | ---: |")
    for size in growth:
        run = runs[size]
        print(f"| {run['rows']:,} | {run['seconds']:.1f} | {run['rows'] / run['seconds']:,.0f} | {run['peak_mb']:.0f} MB |")
    print(f"\n(the process holds {runs[growth[0]]['baseline_mb']:.0f} MB after imports, before seeding;"
          f" raw COPY files: {raw['bytes'] / 1e6:.0f} MB)")


if __name__ == "__main__":
    main()
