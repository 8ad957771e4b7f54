"""Review benchmark: `schemasmith review` on a generated N-table design document.

The design (default 1,000 tables) has what real schemas have: comments on most tables, audit
fields, foreign keys (most indexed, some not), enum-like text columns, varchar limits, json
columns that queries filter on, money columns, a few junction tables and a workload.

  load    — `load_design` of the file: YAML → checked design (the floor any command pays)
  review  — `review_source` of the same file: load + every rule + file lines of the findings
  output  — review plus rendering the findings as text (to a null console), JSON and SARIF

Run: .venv/bin/python benchmarks/review.py [--tables 1000] [--repeat 5]
Prints a Markdown table for BENCHMARKS.md; figures are the best of --repeat runs.
"""

from __future__ import annotations

import argparse
import io
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

import yaml

from schemasmith.model import load_design
from schemasmith.review.engine import review_source
from schemasmith.review.formats import render_json, render_sarif, render_text


def generate(tables: int, seed: int = 11) -> str:
    """A design document of `tables` tables; each references up to 3 earlier tables."""
    rng = random.Random(seed)
    data: dict = {
        "name": f"review_bench_{tables}",
        "conventions": {"primary_key": "uuid", "audit_fields": ["created_at", "updated_at"]},
        "enums": {"item_status": ["draft", "active", "archived"]},
        "tables": {},
        "queries": [],
    }
    for number in range(tables):
        name = f"table_{number:05d}s"
        columns: dict = {"id": {"type": "uuid"}}
        columns["name"] = {"type": rng.choice(["text", "varchar(200)"])}
        if rng.random() < 0.3:
            columns["status"] = {"type": rng.choice(["text", "enum:item_status"])}
        if rng.random() < 0.2:
            columns["price"] = {"type": rng.choice(["numeric(12,2)", "double"])}
        if rng.random() < 0.1:
            columns["attributes"] = {"type": "json", "default": "{}"}
        for extra in range(rng.randint(2, 8)):
            columns[f"c{extra}_{rng.choice(['note', 'value', 'amount', 'at', 'flag'])}"] = {
                "type": rng.choice(["text", "integer", "boolean", "timestamptz", "date", "bigint"]),
                "nullable": rng.random() < 0.4,
            }
        foreign_keys, indexes = [], []
        if number:
            for target in sorted(rng.sample(range(number), k=min(number, rng.randint(1, 3)))):
                column = f"table_{target:05d}_id"
                nullable = rng.random() < 0.3
                columns[column] = {"type": "uuid", "nullable": nullable}
                foreign_keys.append(
                    {
                        "columns": [column],
                        "references": {"table": f"table_{target:05d}s", "columns": ["id"]},
                        "on_delete": rng.choice(["cascade", "set null" if nullable else "restrict", "restrict"]),
                    }
                )
                if rng.random() < 0.8:
                    indexes.append({"columns": [column]})
        if rng.random() < 0.9:
            columns["created_at"] = {"type": "timestamptz", "default": "now()"}
            columns["updated_at"] = {"type": "timestamptz", "default": "now()"}
        table: dict = {"columns": columns, "primary_key": ["id"], "expected_rows": rng.choice([100, 10_000, 1_000_000])}
        if rng.random() < 0.8:
            table = {"comment": f"Generated table number {number}.", **table}
        if foreign_keys:
            table["foreign_keys"] = foreign_keys
        if indexes:
            table["indexes"] = indexes
        data["tables"][name] = table
        if "attributes" in columns and rng.random() < 0.5:
            data["queries"].append(
                {"id": f"q{number}", "sql": f"SELECT id FROM {name} WHERE attributes->>'kind' = 'x'"}
            )
    return yaml.safe_dump(data, sort_keys=False, width=1000)


def best(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tables", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args(argv)

    from rich.console import Console

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "design.yaml"
        path.write_text(generate(options.tables), encoding="utf-8")
        load_design(path)  # warm imports and caches the same way for every measurement
        review = review_source(str(path))

        def output() -> None:
            result = review_source(str(path))
            render_text(result, Console(file=io.StringIO(), width=100))
            render_json(result)
            render_sarif(result)

        load = best(lambda: load_design(path), options.repeat)
        reviewed = best(lambda: review_source(str(path)), options.repeat)
        rendered = best(output, options.repeat)

    counts = review.counts()
    print(f"Python {platform.python_version()} on {platform.machine()}, {options.tables} tables,"
          f" {len(review.findings)} findings ({counts['error']} errors, {counts['warning']} warnings,"
          f" {counts['info']} info), best of {options.repeat}")
    print()
    print("| step | seconds | × load_design |")
    print("| --- | ---: | ---: |")
    print(f"| load_design | {load:.3f} | 1.0 |")
    print(f"| review (load + rules + lines) | {reviewed:.3f} | {reviewed / load:.1f} |")
    print(f"| review + text, JSON and SARIF output | {rendered:.3f} | {rendered / load:.1f} |")
    return 0 if reviewed < 2.0 else 1


if __name__ == "__main__":
    sys.exit(main())
