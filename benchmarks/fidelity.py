"""Round-trip fidelity per object class: SQL file → PostgreSQL → import → design → build → PostgreSQL.

For each schema file, prints how many facts of each object class (see schemasmith.db.fingerprint)
the rebuilt database reproduces, and with --diff the facts that differ. Runs on the embedded
PostgreSQL by default, or on --server URL.

    .venv/bin/python benchmarks/fidelity.py ../shared/corpora/real-schemas/*.sql [--diff] [--server URL]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from schemasmith.db.embedded import embedded_server
from schemasmith.db.fingerprint import differences, reproduced
from schemasmith.importers.verify import round_trip_sql

ROLES = ("schemainspect_test_role",)


def _create_roles(server: str | None) -> None:
    """The roles the fixtures grant to (migra's own suite creates them beforehand)."""
    import psycopg

    from schemasmith.db.embedded import embedded_url

    with psycopg.connect(server or embedded_url(), autocommit=True) as connection:
        for role in ROLES:
            connection.execute(f"DO $$ BEGIN CREATE ROLE {role}; EXCEPTION WHEN duplicate_object THEN NULL; END $$")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--server")
    parser.add_argument("--diff", action="store_true")
    arguments = parser.parse_args()
    if arguments.server is None:
        embedded_server()
    _create_roles(arguments.server)
    failures = 0
    for path in arguments.files:
        try:
            trip = round_trip_sql(path.read_text(encoding="utf-8"), str(path), arguments.server)
            expected, actual = trip.original, trip.rebuilt
        except Exception as error:  # a benchmark reports every file, whatever one of them does
            print(f"{path}: FAILED {type(error).__name__}: {str(error)[:600]}")
            failures += 1
            continue
        counts = reproduced(expected, actual)
        total = sum(found for found, _ in counts.values()), sum(present for _, present in counts.values())
        detail = ", ".join(f"{name} {found}/{present}" for name, (found, present) in counts.items() if present)
        extra = sum(len(actual[name] - expected.get(name, set())) for name in actual)
        print(f"{path.name}: {total[0]}/{total[1]} facts reproduced, {extra} extra  ({detail})")
        if arguments.diff:
            for line in differences(expected, actual):
                print("   ", line)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
