"""The safety report: the facts per operation, severities from table sizes, and what the user sees."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from migrate_helpers import (  # noqa: F401 - the labels_yaml fixture
    DESIGNS,
    EXAMPLES,
    build_postgres,
    labels_yaml_fixture,
    postgres_execute,
)

from schemasmith.migrate import diff_command, run_diff
from schemasmith.migrate.safety import FACTS, severity
from schemasmith.model import load_design

SHOP = DESIGNS / "shop.yaml"
CASES = ["rename_column", "change_type", "not_null", "enum_add", "enum_rename", "enum_remove", "split", "rename_table", "constraints"]


def _report(new: Path, tmp_path: Path, **options):
    options.setdefault("safe", None)
    return run_diff(str(SHOP), str(new), dialect=options.pop("dialect", None), format="sql", output=str(tmp_path),
                    backfill=options.pop("backfill", []), **options)


@pytest.mark.parametrize("safe", [False, True])
def test_every_operation_kind_has_its_facts(safe: bool, tmp_path: Path):
    for name in CASES:
        report = _report(DESIGNS / f"shop_{name}.yaml", tmp_path / f"{name}{safe}", safe=safe)
        kinds = {finding.kind for finding in report.findings} | {o["kind"] for step in report.steps for o in step.operations}
        assert kinds <= set(FACTS), kinds - set(FACTS)


def test_severity_follows_table_size(labels_yaml: Path, tmp_path: Path):
    report = run_diff(str(EXAMPLES / "taskhub.yaml"), str(labels_yaml), dialect=None, format="sql", output=str(tmp_path),
                      backfill=[], safe=False)
    index = next(f for f in report.findings if f.kind == "create_index")
    assert (index.table, index.rows, index.lock, index.severity) == ("tasks", 1_500_000, "SHARE", "high")
    create = next(f for f in report.findings if f.kind == "create_table")
    assert create.rows == 0 and create.severity == "low"
    assert severity(FACTS["create_index"], 500, False, False) == "low"
    assert severity(FACTS["create_index"], 50_000, False, False) == "medium"
    assert severity(FACTS["create_index"], None, False, False) == "medium"  # unknown size: assume it matters
    assert severity(FACTS["drop_column"], 0, True, True) == "critical"
    assert report.mode == "direct" and report.worst == "high"


def test_default_plan_is_safe_only_where_tables_are_big(labels_yaml: Path, tmp_path: Path):
    report = run_diff(str(EXAMPLES / "taskhub.yaml"), str(labels_yaml), dialect=None, format="sql", output=str(tmp_path / "a"),
                      backfill=[], safe=None)
    assert report.mode == "safe"
    assert [step.title for step in report.steps] == ["expand: additive changes", "build an index without blocking writes"]
    small = (DESIGNS / "shop_change_type.yaml").read_text().replace("expected_rows: 2000000", "expected_rows: 200")
    (tmp_path / "small.yaml").write_text(small)
    small_old = SHOP.read_text().replace("expected_rows: 2000000", "expected_rows: 200")
    (tmp_path / "small_old.yaml").write_text(small_old)
    direct = run_diff(str(tmp_path / "small_old.yaml"), str(tmp_path / "small.yaml"), dialect=None, format="sql",
                      output=str(tmp_path / "b"), backfill=[], safe=None)
    assert direct.mode == "direct" and len(direct.steps) == 1


def test_sizes_come_from_the_live_database(pg_url: str, tmp_path: Path):
    build_postgres(pg_url, load_design(SHOP), tmp_path)
    postgres_execute(pg_url, "INSERT INTO customers (email, name) SELECT 'c' || n, 'C' FROM generate_series(1, 20) n; ANALYZE customers;")
    report = run_diff(pg_url, str(DESIGNS / "shop_split.yaml"), dialect=None, format="sql", output=str(tmp_path / "m"),
                      backfill=[], safe=None)
    assert "pg_class.reltuples" in report.rows_source
    assert "counted" in report.rows_source and "orders" in report.rows_source  # orders was never analyzed
    rows = {finding.table: finding.rows for finding in report.findings}
    assert rows["customers"] == 20 and rows["customer_profiles"] == 0
    assert report.mode == "direct"  # 20 rows: no lock here is worth a multi-step plan
    assert report.old.startswith("postgresql://")  # shown through db.embedded.redact (no password in reports)


def test_json_report_on_stdout(tmp_path: Path, capsys):
    assert diff_command(str(SHOP), str(DESIGNS / "shop_not_null.yaml"), None, "json", str(tmp_path), [], None) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["plan"] == "safe" and data["dialect"] == "postgres"
    by_operation = {f["operation"]: f for f in data["findings"]}
    not_null = by_operation["set orders.note NOT NULL"]
    assert not_null["lock"] == "ACCESS EXCLUSIVE" and not_null["scans_table"] and not_null["safe_form_applied"]
    assert [step["title"] for step in data["steps"]] == [
        "expand: additive changes",
        "backfill in batches",
        "add constraints as NOT VALID (checked for new rows only)",
        "set NOT NULL using validated checks",
    ]
    assert data["steps"][1]["after_deploy"]
    assert (tmp_path / data["steps"][0]["up"]).exists()


def test_text_report_and_markdown_file(tmp_path: Path, capsys):
    assert diff_command(str(SHOP), str(DESIGNS / "shop_change_type.yaml"), None, "text", str(tmp_path), [], True) == 0
    out = " ".join(capsys.readouterr().out.split())  # rich wraps at the terminal's width
    assert "Safety of the direct migration" in out and "safe plan" in out
    (report,) = tmp_path.glob("*.report.md")
    text = report.read_text()
    assert "| lock |" in text and "## Rewritten into safe forms" in text
    assert "expand–contract: add orders.quantity_new, dual-write trigger, batched backfill" in text
    assert "**Before applying, the application must:** the application reads and writes orders.quantity only" in text


def test_no_difference_writes_nothing(tmp_path: Path, capsys):
    assert diff_command(str(SHOP), str(SHOP), None, "text", str(tmp_path / "m"), [], None) == 0
    assert "nothing to migrate" in capsys.readouterr().out
    assert not (tmp_path / "m").exists() or not any((tmp_path / "m").iterdir())


@pytest.mark.parametrize("arguments, message", [
    ({"format": "yaml"}, "unknown --format"),
    ({"target": "mysql"}, "unknown --target"),
])
def test_bad_options(arguments: dict, message: str, tmp_path: Path):
    from schemasmith.errors import SchemasmithError

    options = {"target": None, "format": "text", "backfill": [], "safe": None} | arguments
    with pytest.raises(SchemasmithError, match=message):
        diff_command(str(SHOP), str(DESIGNS / "shop_split.yaml"), output=str(tmp_path), **options)


def test_an_alembic_revision_is_for_postgresql(tmp_path: Path):
    from schemasmith.errors import SchemasmithError

    with pytest.raises(SchemasmithError, match="an Alembic revision is written for PostgreSQL"):
        run_diff(str(SHOP), str(DESIGNS / "shop_split.yaml"), dialect="sqlite", format="alembic", output=str(tmp_path), backfill=[], safe=None)


def test_missing_old_source(tmp_path: Path):
    from schemasmith.errors import SchemasmithError

    with pytest.raises(SchemasmithError, match="no such file"):
        diff_command(str(tmp_path / "nope.yaml"), str(SHOP), None, "text", str(tmp_path), [], None)
