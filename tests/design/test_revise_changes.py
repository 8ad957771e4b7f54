"""`revise` prints what changed as a change list a person reads, not as Python dicts; the same
describer covers every kind of difference the design comparison sees."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from schemasmith.model.changes import describe_changes
from schemasmith.model.compare import design_differences
from schemasmith.model.yamlio import design_from_data, load_design

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SCHEMASMITH = str(Path(sys.executable).parent / "schemasmith")


def _revise(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([SCHEMASMITH, "revise", *args], capture_output=True, text=True, timeout=300)


def _changes(stdout: str) -> list[str]:
    lines = stdout.splitlines()
    start = next(number for number, line in enumerate(lines) if line.endswith("change(s):"))
    changes = []
    for line in lines[start + 1 :]:
        if not line.startswith("  "):
            break
        changes.append(line.strip())
    return changes


@pytest.mark.postgres
def test_revise_prints_a_readable_change_list(tmp_path: Path):
    output = tmp_path / "with-labels.yaml"
    result = _revise(str(EXAMPLES / "taskhub.yaml"), "Labels belong to an organization; a task can have many labels.", "-o", str(output))
    assert result.returncode == 0, result.stderr
    changes = _changes(result.stdout)
    assert "added table labels (5 columns; organization_id → organizations.id ON DELETE CASCADE)" in changes
    assert "added table task_labels (3 columns; task_id → tasks.id ON DELETE CASCADE; label_id → labels.id ON DELETE CASCADE)" in changes
    assert "table comments: added index (author_id) WHERE author_id IS NOT NULL" in changes  # what the critique added
    assert result.stdout.startswith(f"{len(changes)} change(s):")
    assert not any(marker in result.stdout for marker in ("{'", "only on the right", "!="))
    assert "CREATE TABLE labels" in result.stdout  # the migration is still printed


def test_revise_says_an_added_column_with_its_reference(tmp_path: Path):
    """The revise flow itself (the migration of a NOT NULL column without a backfill is refused after it)."""
    from schemasmith.design.command import revise_command

    result = revise_command(str(EXAMPLES / "taskhub.yaml"), "Projects have many sprints. A task belongs to a sprint.", tmp_path / "s.yaml")
    assert "table tasks: added column sprint_id uuid NOT NULL → sprints.id ON DELETE CASCADE" in result.changes
    assert "table tasks: added index (sprint_id)" in result.changes
    assert "added table sprints (5 columns; project_id → projects.id ON DELETE CASCADE)" in result.changes
    # the column's own foreign key is said with the column, not again
    assert not any(line.startswith("table tasks: added foreign key") for line in result.changes)


@pytest.mark.postgres
def test_revise_of_the_taco_example_names_the_added_table(tmp_path: Path):
    result = _revise(str(EXAMPLES / "taco-reviews.yaml"), "Spots have opening hours", "-o", str(tmp_path / "taco2.yaml"))
    assert result.returncode == 0, result.stderr
    assert _changes(result.stdout) == ["added table opening_hours (5 columns; spot_id → spots.id ON DELETE CASCADE)"]


def _edited(edit) -> tuple:
    base = load_design(EXAMPLES / "taskhub.yaml")
    data = base.to_data()
    edit(data)
    return base, design_from_data(data)


def _drop_label(data):
    data["tables"]["tasks"]["columns"]["title"]["type"] = "varchar(300)"
    data["tables"]["tasks"]["columns"]["due_date"]["nullable"] = False


EDITS = {
    "column type and null": (
        _drop_label,
        ["table tasks: column title: type varchar(200) → varchar(300)", "table tasks: column due_date: now NOT NULL"],
    ),
    "removed table": (lambda data: data["tables"].pop("task_activity"), ["removed table task_activity"]),
    "enum value": (lambda data: data["enums"]["task_status"].append("archived"), ["enum task_status: added values archived"]),
    "new enum": (lambda data: data["enums"].update({"mood": ["sad", "happy"]}), ["added enum mood (sad, happy)"]),
    "column default": (
        lambda data: data["tables"]["tasks"]["columns"]["title"].update({"default": "untitled"}),
        ["table tasks: column title: default 'untitled' added"],
    ),
    "on delete": (
        lambda data: data["tables"]["comments"]["foreign_keys"][0].update({"on_delete": "restrict"}),
        ["table comments: changed foreign key (task_id) → tasks.id ON DELETE RESTRICT: on_delete cascade → restrict"],
    ),
    "query": (lambda data: data["queries"].append({"id": "all_tasks", "sql": "SELECT id FROM tasks"}), ["added query all_tasks"]),
    "conventions": (lambda data: data["conventions"].update({"soft_delete": True}), None),
}


@pytest.mark.parametrize("case", list(EDITS))
def test_each_kind_of_change_reads_as_a_sentence(case: str):
    edit, expected = EDITS[case]
    base, changed = _edited(edit)
    lines = describe_changes(base, changed)
    assert lines, case
    if expected is not None:
        for line in expected:
            assert line in lines, (line, lines)
    assert not any("{'" in line or "!=" in line for line in lines), lines
    assert bool(lines) == bool(design_differences(base, changed))


def test_no_change_says_nothing():
    base = load_design(EXAMPLES / "taskhub.yaml")
    assert describe_changes(base, base) == []
