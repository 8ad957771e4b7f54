"""Round-trip fidelity per object class: SQL file → PostgreSQL → import → design → build → PostgreSQL.

For each schema file, prints how many facts of each object class (see schemasmith.db.fingerprint)
the rebuilt database reproduces, and with --diff the facts that differ. Runs on the embedded
PostgreSQL by default, or on --server URL.

    .venv/bin/python benchmarks/fidelity.py ../shared/corpora/real-schemas/*.sql [--diff] [--server URL] [--migra]

With --migra, migra's round trip runs beside ours: migra's migration from an empty database to
the schema, applied to an empty database, compared the same way.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from schemasmith.db.embedded import embedded_server
from schemasmith.db.fingerprint import differences, reproduced
from schemasmith.importers.verify import round_trip_sql

ROLES = ("schemainspect_test_role",)


def migra_round_trip(sql: str, label: str, server: str | None) -> tuple[dict, dict]:
    """(facts of the original, facts of an empty database after migra's empty → schema migration)."""
    from migra import Migration
    from sqlbag import S

    from schemasmith.db.apply import apply_script
    from schemasmith.db.embedded import scratch_database
    from schemasmith.db.fingerprint import fingerprint
    from schemasmith.importers.postgres import prepare_import_script

    def url(value: str) -> str:
        return value.replace("postgresql://", "postgresql+psycopg://", 1)

    with scratch_database(server, prefix="original") as original, scratch_database(server, prefix="migra") as rebuilt:
        apply_script(original, prepare_import_script(sql, label)[0], label)  # as ours: a dump's own \\connect left out
        with S(url(rebuilt)) as empty_session, S(url(original)) as target_session:
            migration = Migration(empty_session, target_session)
            migration.set_safety(False)
            migration.add_all_changes(privileges=True)
            statements = migration.sql
        apply_script(rebuilt, statements, "migra's migration")
        return fingerprint(original), fingerprint(rebuilt)


def _summary(expected: dict, actual: dict) -> str:
    counts = reproduced(expected, actual)
    found, present = sum(f for f, _ in counts.values()), sum(p for _, p in counts.values())
    detail = ", ".join(f"{name} {f}/{p}" for name, (f, p) in counts.items() if p)
    extra = sum(len(actual[name] - expected.get(name, set())) for name in actual)
    return f"{found}/{present} facts reproduced, {extra} extra  ({detail})"


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
    parser.add_argument("--migra", action="store_true", help="also migra's round trip, on the same schemas")
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
        print(f"{path.name}: schemasmith {_summary(expected, actual)}")
        if arguments.migra:
            try:
                print(f"{path.name}: migra       {_summary(*migra_round_trip(path.read_text(encoding='utf-8'), str(path), arguments.server))}")
            except Exception as error:  # migra failing on a schema is a figure too
                print(f"{path.name}: migra       FAILED {type(error).__name__}: {' '.join(str(error).split())[:300]}")
        if arguments.diff:
            for line in differences(expected, actual):
                print("   ", line)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
