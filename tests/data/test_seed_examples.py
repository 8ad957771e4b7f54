"""Every example design seeded at 10,000 rows per table into real databases, with zero violations.

On SQLite and on PostgreSQL (the embedded 18, and CI's 15 when SCHEMASMITH_TEST_PG_URL is set).
The databases enforce the constraints while loading (a violating row would abort the seed);
the queries of `verify` then count foreign keys pointing nowhere, duplicated keys and trees
deeper than their max_depth, independently of the loader.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from schemasmith.model import load_design

from .helpers import EXAMPLES, check, seed

DESIGNS = sorted(EXAMPLES.glob("*.yaml"))
ROWS = 10_000


def _assert_clean(result, verification, design):
    assert verification.row_counts == {table.name: table.rows for table in result.tables}
    assert all(count == ROWS for count in verification.row_counts.values()), verification.row_counts
    assert not any(verification.foreign_key_violations.values()), verification.foreign_key_violations
    assert not any(verification.duplicate_keys.values()), verification.duplicate_keys
    assert not any(verification.too_deep.values()), verification.too_deep
    # Every foreign key and every unique key was looked at.
    assert len(verification.foreign_key_violations) == sum(len(t.foreign_keys) for t in design.tables.values())


@pytest.mark.parametrize("path", DESIGNS, ids=lambda p: p.stem)
def test_seed_sqlite_10k_rows_per_table(path: Path, tmp_path: Path):
    design = load_design(path)
    url = f"sqlite:///{tmp_path / 'app.db'}"
    result = seed(design, url, rows=ROWS, seed=7)
    assert result.created_schema and result.dialect == "sqlite"
    verification = check(url, design)
    _assert_clean(result, verification, design)
    assert verification.sqlite_foreign_key_check == []


@pytest.mark.parametrize("path", DESIGNS, ids=lambda p: p.stem)
def test_seed_postgres_10k_rows_per_table(path: Path, any_pg_url: str):
    design = load_design(path)
    result = seed(design, any_pg_url, rows=ROWS, seed=7)
    assert result.created_schema and result.dialect == "postgres"
    _assert_clean(result, check(any_pg_url, design), design)
