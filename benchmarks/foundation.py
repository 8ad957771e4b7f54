"""Foundation benchmark: a generated N-table schema through load, validate, DDL, and import back.

For each size (default 100, 1,000 and 5,000 tables; 5–15 columns and 1–3 foreign keys each):
  emit   — YAML text → checked design → PostgreSQL DDL (load + validate + render), in-process;
           compared with a bare `yaml.load` (C loader when available, cyclic GC paused as in
           schemasmith) of the same text: the floor any YAML-based tool pays.
  apply  — psql -f schema.sql into a fresh embedded PostgreSQL database (for context).
  import — the live database → design (catalog reads); compared with `pg_dump --schema-only`
           of the same database, the peer that reads the same catalogs.

Run: .venv/bin/python benchmarks/foundation.py [--sizes 100,1000,5000] [--repeat 3]
Prints a Markdown table for BENCHMARKS.md; figures are the best of --repeat runs.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from schemasmith.db.apply import apply_postgres_file
from schemasmith.db.embedded import psql_path, scratch_database
from schemasmith.db.urls import libpq_url
from schemasmith.dialects import postgres
from schemasmith.importers import postgres as postgres_importer
from schemasmith.model import Design, dump_design, load_design_text

TYPES = ["text", "integer", "bigint", "boolean", "timestamptz", "date", "varchar(120)", "numeric(12,2)", "json", "uuid"]


def generate(tables: int, seed: int = 7) -> str:
    """A design document of `tables` tables; each references up to 3 earlier tables."""
    rng = random.Random(seed)
    data: dict = {"name": f"bench_{tables}", "tables": {}}
    for number in range(tables):
        name = f"table_{number:05d}"
        columns: dict = {"id": {"type": "bigint", "identity": "by default"}}
        for column in range(rng.randint(4, 14)):
            columns[f"c{column}_{rng.choice(['name', 'value', 'note', 'amount', 'at'])}"] = {
                "type": rng.choice(TYPES),
                "nullable": rng.random() < 0.4,
            }
        foreign_keys = []
        if number:
            for target in sorted(rng.sample(range(number), k=min(number, rng.randint(1, 3)))):
                column = f"table_{target:05d}_id"
                columns[column] = {"type": "bigint", "nullable": True}
                foreign_keys.append(
                    {"columns": [column], "references": {"table": f"table_{target:05d}", "columns": ["id"]}, "on_delete": "set null"}
                )
        table = {"columns": columns, "primary_key": ["id"]}
        if foreign_keys:
            table["foreign_keys"] = foreign_keys
            table["indexes"] = [{"columns": fk["columns"]} for fk in foreign_keys]
        data["tables"][name] = table
    return dump_design(Design.model_validate(data))


def best(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times)


def measure(size: int, repeat: int) -> dict:
    text = generate(size)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    from schemasmith.gcpause import gc_paused

    def bare_parse():
        with gc_paused():  # the same GC pause schemasmith's loader uses: compare like with like
            yaml.load(text, Loader=loader)

    floor = best(bare_parse, repeat)
    emit = best(lambda: postgres.render(load_design_text(text)), repeat)
    ddl = postgres.render(load_design_text(text)).files["schema.sql"]
    with tempfile.TemporaryDirectory() as folder, scratch_database(prefix="bench") as url:
        path = Path(folder) / "schema.sql"
        if size > 2000:
            # One transaction creating 5,000 tables with their indexes needs more lock slots than
            # PostgreSQL's default lock table has (max_locks_per_transaction = 64): apply it
            # statement by statement instead. BENCHMARKS.md notes this.
            ddl = ddl.replace("\nBEGIN;\n", "\n").replace("\nCOMMIT;\n", "\n")
        path.write_text(ddl)
        started = time.perf_counter()
        apply_postgres_file(url, path)
        apply = time.perf_counter() - started
        imported = best(lambda: postgres_importer.import_database(url), repeat)
        pg_dump = str(psql_path().parent / "pg_dump")
        dump = best(
            lambda: subprocess.run([pg_dump, "--schema-only", "-d", libpq_url(url)], check=True, capture_output=True),
            repeat,
        )
        tables = len(postgres_importer.import_database(url).design.tables)
    assert tables == size, (tables, size)
    return {"size": size, "yaml": floor, "emit": emit, "apply": apply, "import": imported, "pg_dump": dump}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100,1000,5000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rows = [measure(int(size), args.repeat) for size in args.sizes.split(",")]
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}")
    print()
    print("| tables | load+validate+DDL | bare YAML parse | ratio | psql apply | import | pg_dump -s | ratio |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        print(
            f"| {row['size']:,} | {row['emit']:.2f} s | {row['yaml']:.2f} s | {row['emit'] / row['yaml']:.1f}× "
            f"| {row['apply']:.2f} s | {row['import']:.2f} s | {row['pg_dump']:.2f} s | {row['import'] / row['pg_dump']:.1f}× |"
        )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
