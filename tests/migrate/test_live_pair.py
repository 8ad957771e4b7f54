"""`diff OLD_URL NEW_URL`: two live databases are read at the same time, with the same result as one
after the other, and OLD's failure is the one reported when both fail."""

from __future__ import annotations

from pathlib import Path

import pytest
from migrate_helpers import DESIGNS, build_postgres, postgres_execute

from schemasmith.db.embedded import scratch_database
from schemasmith.errors import SchemasmithError
from schemasmith.migrate import run_diff
from schemasmith.migrate.command import _load_both
from schemasmith.model import dump_design, load_design
from schemasmith.sources import load_source

SHOP = DESIGNS / "shop.yaml"


def test_two_live_databases_diff_as_designs_do(pg_url: str, tmp_path: Path):
    with scratch_database(prefix="test_new") as new_url:
        build_postgres(pg_url, load_design(SHOP), tmp_path)
        (tmp_path / "new").mkdir()
        build_postgres(new_url, load_design(DESIGNS / "shop_split.yaml"), tmp_path / "new")
        postgres_execute(pg_url, "INSERT INTO customers (email, name) SELECT 'c' || n, 'C' FROM generate_series(1, 5) n")
        old_source, new_source, (rows, counted) = _load_both(pg_url, new_url)
        assert rows["customers"] == 5 and "customers" in counted  # OLD's row counts, read beside the designs
        # Read together, each is exactly what reading it alone gives.
        assert dump_design(old_source.design) == dump_design(load_source(pg_url).design)
        assert dump_design(new_source.design) == dump_design(load_source(new_url).design)
        report = run_diff(pg_url, new_url, dialect=None, format="sql", output=str(tmp_path / "m"), backfill=[], safe=None)
    written = sorted(path.name for path in (tmp_path / "m").iterdir())
    assert any(name.endswith(".up.sql") for name in written) and any(name.endswith(".down.sql") for name in written)
    assert "customer_profiles" in (tmp_path / "m" / next(n for n in written if n.endswith(".up.sql"))).read_text()
    # Never-analyzed tables are counted in one round trip; the 5 rows of customers are seen.
    assert "counted" in report.rows_source
    assert {finding.table: finding.rows for finding in report.findings}.get("customers") == 5


def test_old_failure_is_reported_first(pg_url: str, tmp_path: Path):
    build_postgres(pg_url, load_design(SHOP), tmp_path)
    missing_old = pg_url.rsplit("/", 1)[0] + "/schemasmith_no_such_database_old"
    missing_new = pg_url.rsplit("/", 1)[0] + "/schemasmith_no_such_database_new"
    with pytest.raises(SchemasmithError, match="no_such_database_old"):
        run_diff(missing_old, pg_url, dialect=None, format="sql", output=str(tmp_path / "m"), backfill=[], safe=None)
    with pytest.raises(SchemasmithError, match="no_such_database_new"):
        run_diff(pg_url, missing_new, dialect=None, format="sql", output=str(tmp_path / "m"), backfill=[], safe=None)
    with pytest.raises(SchemasmithError, match="no_such_database_old"):  # both fail: OLD's, as read in order
        run_diff(missing_old, missing_new, dialect=None, format="sql", output=str(tmp_path / "m"), backfill=[], safe=None)
    assert not (tmp_path / "m").exists()  # nothing half-written
