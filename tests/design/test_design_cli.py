"""`design`, `revise` and `demo` as a user runs them: the installed command, real databases."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from schemasmith.model import load_design

SHARED = Path(__file__).resolve().parents[2].parent / "shared"

SCHEMASMITH = str(Path(sys.executable).parent / "schemasmith")
REQUIREMENTS = sorted((SHARED / "examples").glob("*.md"))


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([SCHEMASMITH, *args], capture_output=True, text=True, cwd=cwd, timeout=300)


@pytest.mark.postgres
@pytest.mark.parametrize("requirements", REQUIREMENTS, ids=lambda p: p.stem)
def test_design_locks_a_reviewed_design_that_applies(requirements: Path, tmp_path: Path):
    output = tmp_path / "schema.yaml"
    result = run("design", str(requirements), "-o", str(output))
    assert result.returncode == 0, result.stderr
    design = load_design(output)  # a valid design document, invariants included
    assert design.tables and design.queries
    report = (tmp_path / "schema.report.md").read_text()
    for heading in ("## Entities", "## Relationships", "## Decisions", "## Critique"):
        assert heading in report
    review = run("review", str(output), "--format", "json", "--fail-on", "error")
    assert review.returncode == 0, "the critique loop must leave no errors"
    assert not [f for f in json.loads(review.stdout) if f["severity"] == "error"]
    validate = run("validate", str(output), "--format", "json")
    assert validate.returncode == 0, validate.stderr


def test_design_is_deterministic(tmp_path: Path):
    requirements = SHARED / "examples" / "project-management.md"
    assert run("design", str(requirements), "-o", str(tmp_path / "a.yaml")).returncode == 0
    assert run("design", str(requirements), "-o", str(tmp_path / "b.yaml")).returncode == 0
    assert (tmp_path / "a.yaml").read_bytes() == (tmp_path / "b.yaml").read_bytes()


def test_design_bad_input_is_one_message(tmp_path: Path):
    missing = run("design", str(tmp_path / "nope.md"), "-o", str(tmp_path / "out.yaml"))
    assert missing.returncode == 2 and "no such file" in missing.stderr and "Traceback" not in missing.stderr
    wrong_output = run("design", str(SHARED / "examples" / "taco-reviews.md"), "-o", str(tmp_path / "out.txt"))
    assert wrong_output.returncode == 2 and ".yaml" in wrong_output.stderr
    no_key = run("design", str(SHARED / "examples" / "taco-reviews.md"), "-o", str(tmp_path / "x.yaml"), "--provider", "anthropic")
    assert no_key.returncode != 0 and "ANTHROPIC_API_KEY" in no_key.stderr and "Traceback" not in no_key.stderr
    assert not (tmp_path / "x.yaml").exists()
    empty = tmp_path / "empty.md"
    empty.write_text("# Nothing yet\n")
    nothing = run("design", str(empty), "-o", str(tmp_path / "empty.yaml"))
    assert nothing.returncode == 2 and "no requirements found" in nothing.stderr
    assert not (tmp_path / "empty.yaml").exists()
    unreadable = tmp_path / "unreadable.md"
    unreadable.write_text("# Vague\n\n- It should be nice.\n- Things happen quickly.\n")
    vague = run("design", str(unreadable), "-o", str(tmp_path / "vague.yaml"))
    assert vague.returncode == 2 and "no entity could be read" in vague.stderr, vague.stdout + vague.stderr
    assert not (tmp_path / "vague.yaml").exists()


def test_revise_adds_labels_to_an_existing_design(tmp_path: Path):
    base = tmp_path / "taskhub.yaml"
    assert run("design", str(SHARED / "examples" / "project-management.md"), "-o", str(base)).returncode == 0
    new = tmp_path / "with-labels.yaml"
    result = run(
        "revise", str(base), "Labels belong to an organization; a task can have many labels.", "-o", str(new)
    )
    assert result.returncode == 0, result.stderr
    before, after = load_design(base), load_design(new)
    assert set(before.tables) < set(after.tables), "revise adds, it does not drop"
    # tasks is only mentioned by the request: the designer's placeholder `name` must not land on it
    assert set(after.tables["tasks"].columns) == set(before.tables["tasks"].columns)
    added = set(after.tables) - set(before.tables)
    assert "labels" in added
    labels = after.tables["labels"]
    assert any(fk.references.table == "organizations" for fk in labels.foreign_keys)
    # a task has many labels and a label is on many tasks: a junction between them
    junctions = [
        name for name in added
        if {fk.references.table for fk in after.tables[name].foreign_keys} == {"tasks", "labels"}
    ]
    assert junctions, result.stdout
    assert "labels" in result.stdout  # the printed difference names what changed
    assert "CREATE TABLE labels" in result.stdout  # and the migration that makes the change


@pytest.mark.postgres
def test_demo_runs_the_whole_workflow_offline(tmp_path: Path):
    output = tmp_path / "demo"
    result = run("demo", "-o", str(output))
    assert result.returncode == 0, result.stderr
    for step in ("design", "review", "build", "apply", "seed", "docs"):
        assert step in result.stdout
    for artifact in (
        "design.yaml",
        "design.report.md",
        "review.md",
        "build/postgres/schema.sql",
        "build/sqlite/schema.sql",
        "build/prisma/schema.prisma",
        "build/markdown/README.md",
        "taskhub.db",
    ):
        assert (output / artifact).exists(), artifact
        assert str(output / artifact) in result.stdout
    assert "applied" in result.stdout
    import sqlite3

    with sqlite3.connect(output / "taskhub.db") as connection:  # the seeded prototype honours its keys
        assert connection.execute("SELECT count(*) FROM tasks").fetchone()[0] == 1000
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
