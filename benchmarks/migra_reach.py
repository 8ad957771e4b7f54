"""migra's 26 fixture pairs: does our UP reach b.sql, and our DOWN return to a.sql?

    .venv/bin/python benchmarks/migra_reach.py [--safe] [--diff] [PAIR …]

Prints one line per pair (UP ok/missed facts, DOWN ok/missed facts) and the totals; migra itself
writes no DOWN. Runs on the embedded PostgreSQL.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from schemasmith.db.embedded import embedded_server, embedded_url
from schemasmith.migrate.proof import replay_pair

MIGRA = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "migra-fixtures"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pairs", nargs="*")
    parser.add_argument("--safe", action="store_true", help="the safe plan (expand/contract steps) instead of the direct one")
    parser.add_argument("--diff", action="store_true")
    arguments = parser.parse_args()
    embedded_server()
    import psycopg

    with psycopg.connect(embedded_url(), autocommit=True) as connection:
        connection.execute("DO $$ BEGIN CREATE ROLE schemainspect_test_role; EXCEPTION WHEN duplicate_object THEN NULL; END $$")
    pairs = arguments.pairs or sorted(path.name for path in MIGRA.iterdir() if path.is_dir())
    up_ok = down_ok = 0
    for pair in pairs:
        a, b = (MIGRA / pair / "a.sql").read_text(), (MIGRA / pair / "b.sql").read_text()
        try:
            replay = replay_pair(a, b, safe=True if arguments.safe else False)
        except Exception as error:  # a benchmark reports every pair, whatever one of them does
            print(f"{pair:20} FAILED {type(error).__name__}: {' '.join(str(error).split())[:300]}")
            continue
        up_ok += not replay.up
        down_ok += not replay.down
        print(f"{pair:20} steps {replay.steps:2}  UP {'ok' if not replay.up else f'{len(replay.up)} differ'}"
              f"  DOWN {'ok' if not replay.down else f'{len(replay.down)} differ'}")
        if arguments.diff:
            for line in replay.up:
                print("     up  ", line[:250])
            for line in replay.down:
                print("     down", line[:250])
    print(f"UP reaches b.sql: {up_ok}/{len(pairs)}; DOWN returns to a.sql: {down_ok}/{len(pairs)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
