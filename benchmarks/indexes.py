"""Benchmark of the index advisor on examples/taskhub.yaml (issue 5's acceptance).

The design is stripped to its primary-key, unique and foreign-key indexes; the advisor proposes
indexes for the five user-story queries; `--verify` loads synthetic data at the 12-month
projection × SCALE into a scratch embedded PostgreSQL and runs every query with
EXPLAIN (ANALYZE, BUFFERS) before and after. Prints the comparison with the design's own indexes
and a Markdown table for BENCHMARKS.md.

    .venv/bin/python benchmarks/indexes.py [--scale-factor 1.0] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale-factor", type=float, default=1.0)
    parser.add_argument("--design", default=str(REPO / "examples" / "taskhub.yaml"))
    parser.add_argument("--json", help="also write the full result as JSON here")
    args = parser.parse_args(argv)

    from schemasmith.model.yamlio import load_design
    from schemasmith.workload.advisor import (
        advise,
        compare_with_design,
        public,
        strip_to_pk_fk,
    )
    from schemasmith.workload.queries import analyse_workload
    from schemasmith.workload.verify import markdown_table, verify_advice

    design = load_design(args.design)
    stripped = strip_to_pk_fk(design)
    analysed = analyse_workload(stripped, stripped.queries)
    advice = advise(stripped, analysed)
    comparison = compare_with_design(design)
    print("## Advisor vs the design's own indexes\n")
    print("| proposal | serves | design index | match |")
    print("| --- | --- | --- | --- |")
    for row in comparison:
        print(f"| {row['proposal']} | {', '.join(row['serves'])} | {row['design'] or '—'} | {row['status']} |")
    print("\n## Proposed DDL\n\n```sql\n" + advice["ddl"] + "```\n")
    result = verify_advice(stripped, analysed, advice, scale_factor=args.scale_factor)
    print("## Before (PK + FK indexes only) and after the proposed indexes\n")
    print(markdown_table(result))
    print(f"Workload total: {result['total_before_ms']:.1f} ms → {result['total_after_ms']:.1f} ms ({result['speedup']}×); "
          f"data load {result['load_seconds']} s, whole run {result['seconds']} s.")
    if result["weighted_before_ms_per_hour"]:
        print(f"Weighted by frequency: {result['weighted_before_ms_per_hour']:,.0f} → {result['weighted_after_ms_per_hour']:,.0f} ms of query time per hour.")
    if result["dropped"]:
        print("Dropped (unused): " + ", ".join(d["name"] for d in result["dropped"]))
    if args.json:
        Path(args.json).write_text(json.dumps({"comparison": comparison, "advice": public(advice), "verify": result}, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
