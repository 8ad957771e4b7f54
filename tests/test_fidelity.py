"""Round-trip fidelity: every corpus schema → import → design → build → apply gives the same catalog.

The facts compared are PostgreSQL's own (db/fingerprint.py: format_type, pg_get_*def, ACLs) over
every user schema. Runs on the embedded PostgreSQL 18 and, where CI provides it, PostgreSQL 15.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from schemasmith.errors import SourceError
from schemasmith.importers.verify import round_trip_sql

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"
MIGRA = CORPORA / "migra-fixtures"

SCHEMAS = {
    **{f"real-{path.stem}": path for path in sorted((CORPORA / "real-schemas").glob("*.sql"))},
    "pagila": CORPORA / "sample-databases" / "pagila" / "pagila-schema.sql",
    "chinook": CORPORA / "sample-databases" / "chinook" / "Chinook_PostgreSql.sql",
    **{f"migra-{pair.name}-{side}": pair / f"{side}.sql" for pair in sorted(MIGRA.iterdir()) if pair.is_dir() for side in ("a", "b")},
}

#: What a server build cannot do, and the words of its refusal (not a schemasmith limit).
SERVER_LIMITS = {
    "migra-collations-a": "ICU is not supported",
    "migra-collations-b": "ICU is not supported",
    "pagila": "needs the PostgreSQL extension vector",  # the CI server has no pgvector (and no uuidv7())
}


@pytest.mark.parametrize("case", sorted(SCHEMAS))
def test_schema_round_trips_exactly(case, any_pg_url, migra_role):
    sql = SCHEMAS[case].read_text(encoding="utf-8")
    try:
        trip = round_trip_sql(sql, SCHEMAS[case].name, any_pg_url)
    except SourceError as error:
        limit = SERVER_LIMITS.get(case)
        if limit is not None and limit in str(error):
            return  # this server cannot hold the schema at all; the refusal names why
        raise
    assert trip.differences == [], "\n".join(trip.differences[:40])
    assert sum(present for _, present in trip.counts.values()) > 0
