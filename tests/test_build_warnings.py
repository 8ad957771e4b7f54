"""`build` says each fact once: the same warning for many tables, or from several targets, is one
line with the count and the first names, and no warning is lost on the way."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from schemasmith import cli
from schemasmith.build import BUILT, SHOWN_NAMES, build_targets, group_warnings
from schemasmith.model.yamlio import design_from_data, load_design

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _design(tables: list[str]):
    return design_from_data(
        {
            "name": "shop",
            "tables": {
                name: {"columns": {f"{name}_id": {"type": "integer"}, "uuid": {"type": "uuid"}}, "primary_key": [f"{name}_id"]}
                for name in tables
            },
            "views": {"v1": {"query": "SELECT 1"}, "v2": {"query": "SELECT 2"}},
        }
    )


def _accounted(lines: list[str]) -> int:
    """How many single warnings the lines stand for: a group counts its places, once per target."""
    total = 0
    for line in lines:
        targets, _, _ = line.partition(": ")
        match = re.search(r" — (\d+) \w+(?: \w+)?: ", line)
        total += (int(match[1]) if match else 1) * len(targets.split(", "))
    return total


def test_the_same_fact_for_many_tables_is_one_line_with_the_count_and_the_first_names():
    tables = [f"t{number}" for number in range(1, 9)]
    said = [("sqlite", f"{name}.uuid: default uuidv7() has no SQLite equivalent; the column has no default there") for name in tables]
    lines = group_warnings(_design(tables), said)
    assert lines == [
        "sqlite: default uuidv7() has no SQLite equivalent; the column has no default there — 8 columns: "
        f"t1.uuid, t2.uuid, t3.uuid, t4.uuid, t5.uuid and {8 - SHOWN_NAMES} more"
    ]


def test_a_fact_naming_its_own_table_and_column_groups_by_the_pattern():
    tables = ["actor", "film", "store"]
    said = [("mysql", f"{name}.{name}_id: default nextval('{name}_{name}_id_seq'::regclass) has no MySQL equivalent") for name in tables]
    said.append(("mysql", "store: trigger last_updated is written for postgres; not built for MySQL"))
    lines = group_warnings(_design(tables), said)
    assert lines[0] == (
        "mysql: default nextval('<table>_<column>_seq'::regclass) has no MySQL equivalent"
        " — 3 columns: actor.actor_id, film.film_id, store.store_id"
    )
    assert lines[1] == "mysql: store: trigger last_updated is written for postgres; not built for MySQL"  # alone: its own words


def test_a_table_named_like_a_word_of_the_message_still_joins_the_group():
    tables = ["actor", "store", "film"]
    said = [("mysql", f"{name}.uuid: MySQL keeps no time zone; timestamptz is DATETIME(6) (store UTC)") for name in tables]
    lines = group_warnings(_design(tables), said)
    assert lines == [
        "mysql: MySQL keeps no time zone; timestamptz is DATETIME(6) (store UTC) — 3 columns: actor.uuid, store.uuid, film.uuid"
    ]


def test_the_same_group_from_several_targets_is_one_line_naming_them():
    tables = ["a", "b", "c"]
    said = [
        (target, f"{name}: trigger x (kept as postgres SQL) is not part of the {word} models")
        for target, word in (("sqlmodel", "SQLModel"), ("sqlalchemy", "SQLAlchemy"))
        for name in tables
    ]
    said += [
        (target, f"a.uuid: the default has no plain value in {word}")
        for target, word in (("sqlmodel", "SQLModel"), ("sqlalchemy", "SQLAlchemy"))
    ]
    lines = group_warnings(_design(tables), said)
    assert lines == [
        "sqlmodel, sqlalchemy: trigger x (kept as postgres SQL) is not part of the SQLModel/SQLAlchemy models — 3 tables: a, b, c",
        "sqlmodel, sqlalchemy: a.uuid: the default has no plain value in SQLModel/SQLAlchemy",
    ]


def test_different_places_in_two_targets_stay_two_lines():
    said = [("sqlite", "a: x is not built"), ("sqlite", "b: x is not built"), ("mysql", "a: x is not built")]
    lines = group_warnings(_design(["a", "b"]), said)
    assert lines == ["sqlite: x is not built — 2 tables: a, b", "mysql: a: x is not built"]


def test_views_and_warnings_without_a_place_are_kept():
    said = [
        ("sqlite", "view v1 is written for postgres; not built for SQLite"),
        ("sqlite", "view v2 is written for postgres; not built for SQLite"),
        ("sqlite", "SQLite keeps no comments in its catalog"),
        ("sqlite", "SQLite keeps no comments in its catalog"),
        ("sqlite", "nosuchtable: something"),
        ("prisma", "a.a_idx: Prisma cannot express an expression key"),
    ]
    lines = group_warnings(_design(["a"]), said)
    assert lines == [
        "sqlite: view <name> is written for postgres; not built for SQLite — 2 views: v1, v2",
        "sqlite: SQLite keeps no comments in its catalog",
        "sqlite: SQLite keeps no comments in its catalog",
        "sqlite: nosuchtable: something",
        "prisma: a.a_idx: Prisma cannot express an expression key",
    ]
    assert _accounted(lines) == len(said)


def test_every_warning_of_a_real_build_is_accounted_for(tmp_path: Path):
    for example in ("taskhub.yaml", "taco-reviews.yaml", "model-catalogue.yaml"):
        design = load_design(EXAMPLES / example)
        result = build_targets(design, list(BUILT), tmp_path / example)
        assert result.warning_details, example
        assert len(result.warnings) <= len(result.warning_details)
        assert _accounted(result.warnings) == len(result.warning_details), example


def test_build_prints_one_line_per_fact(tmp_path: Path):
    """A design with many tables that share the same facts: the printed warnings do not grow with the tables."""
    base = load_design(EXAMPLES / "taskhub.yaml").to_data()
    design = dict(base)
    design["tables"] = dict(base["tables"])
    for number in range(1, 21):
        design["tables"][f"extra_{number}"] = {
            "columns": {"id": {"type": "uuid"}, "name": {"type": "text"}, "at": {"type": "timestamptz"}},
            "primary_key": ["id"],
            "triggers": [],
        }
    path = tmp_path / "many.yaml"
    from schemasmith.model.yamlio import save_design

    save_design(design_from_data(design), path)
    result = CliRunner().invoke(cli.app, ["build", str(path), "--target", "all", "-o", str(tmp_path / "out")], env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    warnings = [line for line in (result.stdout + result.stderr).splitlines() if line.startswith("warning:")]
    zone = [line for line in warnings if "MySQL keeps no time zone" in line]
    assert len(zone) == 1 and " — 33 columns: " in zone[0] and " and 28 more" in zone[0], zone
    assert not any(re.match(r"warning: mysql: extra_\d+\.at:", line) for line in warnings)
