"""`review_command` and `rules_command` as the CLI calls them: output, formats, exit codes, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from schemasmith.errors import SchemasmithError
from schemasmith.review.command import review_command, rules_command
from schemasmith.review.registry import all_rules

REPO = Path(__file__).resolve().parents[2]
TASKHUB = str(REPO / "examples" / "taskhub.yaml")

BAD_DESIGN = """\
name: shop
tables:
  Order:
    columns:
      id: {type: integer}
      price: {type: double}
      created: {type: timestamp}
"""


@pytest.fixture(autouse=True)
def _no_project_config(tmp_path, monkeypatch):
    """Run where no pyproject.toml or schemasmith.toml applies, unless a test writes one."""
    monkeypatch.chdir(tmp_path)


def test_text_output_groups_findings_by_table(capsys):
    assert review_command(TASKHUB) == 0
    out = capsys.readouterr().out
    assert "taskhub" in out and "profile postgres" in out
    assert "\ncomments\n" in out and "\ntask_activity\n" in out
    assert out.index("\ncomments\n") < out.index("\ntask_activity\n")  # design order
    assert "SS102 unindexed-foreign-key  comments.author_id" in out
    assert "CREATE INDEX comments_author_id_idx ON comments (author_id) WHERE author_id IS NOT NULL;" in out
    assert "why: " in out and "fix (design document):" in out
    assert "taskhub.yaml:" in out  # the line of the finding


def test_json_output_is_a_list_of_findings(capsys):
    assert review_command(TASKHUB, format="json") == 0
    findings = json.loads(capsys.readouterr().out)
    assert isinstance(findings, list) and findings
    first = findings[0]
    assert list(first) == ["code", "name", "severity", "table", "column", "constraint", "message", "reason", "fix", "file", "line"]
    assert set(first["fix"]) == {"sql", "design"}
    assert {finding["severity"] for finding in findings} <= {"error", "warning", "info"}
    unindexed = [f for f in findings if f["code"] == "SS102"]
    assert [(f["table"], f["column"]) for f in unindexed] == [("comments", "author_id"), ("task_activity", "actor_id")]
    assert all(isinstance(f["line"], int) for f in unindexed)


def test_sarif_output_is_sarif_2_1_0(capsys):
    review_command(TASKHUB, format="sarif")
    sarif = json.loads(capsys.readouterr().out)
    assert sarif["version"] == "2.1.0" and sarif["$schema"].endswith("sarif-2.1.0.json")
    run = sarif["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "schemasmith"
    ids = [rule["id"] for rule in driver["rules"]]
    assert ids == sorted(ids) and "SS101" in ids
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"] and rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
    assert run["results"]
    for result in run["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
        assert result["message"]["text"]
        location = result["locations"][0]
        assert location["physicalLocation"]["artifactLocation"]["uri"].endswith("taskhub.yaml")
        assert location["physicalLocation"]["region"]["startLine"] >= 1
        assert location["logicalLocations"][0]["fullyQualifiedName"].startswith(result["properties"]["table"])


def test_markdown_output(capsys):
    review_command(TASKHUB, format="markdown")
    out = capsys.readouterr().out
    assert out.startswith("# Review of taskhub")
    assert "## comments" in out and "```sql" in out and "```yaml" in out


def test_fail_on_sets_the_exit_code(tmp_path, capsys):
    design = tmp_path / "shop.yaml"
    design.write_text(BAD_DESIGN)
    assert review_command(str(design), format="json") == 0  # report only, by default
    assert review_command(str(design), format="json", fail_on="error") == 1  # money as float is an error
    assert review_command(TASKHUB, format="json", fail_on="error") == 0  # taskhub has no errors
    assert review_command(TASKHUB, format="json", fail_on="warning") == 1
    capsys.readouterr()


def test_profile_changes_the_rules_and_the_fix_dialect(capsys):
    review_command(TASKHUB, format="json", profile="supabase")
    supabase = json.loads(capsys.readouterr().out)
    assert "SS401" in {f["code"] for f in supabase}
    review_command(TASKHUB, format="json", profile="sqlite")
    sqlite = json.loads(capsys.readouterr().out)
    assert "SS401" not in {f["code"] for f in sqlite}
    assert "SS310" in {f["code"] for f in sqlite}
    index_fix = next(f for f in sqlite if f["code"] == "SS102")["fix"]["sql"]
    assert index_fix.startswith("CREATE INDEX")


def test_bad_input_is_one_clear_error(tmp_path):
    with pytest.raises(SchemasmithError, match="no such file"):
        review_command(str(tmp_path / "missing.yaml"))
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: x\ntables:\n  a: [\n")
    with pytest.raises(SchemasmithError, match="malformed YAML"):
        review_command(str(broken))
    with pytest.raises(SchemasmithError, match="unknown profile 'oracle'"):
        review_command(TASKHUB, profile="oracle")
    with pytest.raises(SchemasmithError, match="--format"):
        review_command(TASKHUB, format="xml")
    with pytest.raises(SchemasmithError, match="--fail-on"):
        review_command(TASKHUB, fail_on="fatal")
    with pytest.raises(SchemasmithError, match="cannot go together"):
        review_command(TASKHUB, profile="sqlite,supabase")


def test_rules_lists_every_rule(capsys):
    assert rules_command() == 0
    out = capsys.readouterr().out
    for rule in all_rules():
        assert rule.code in out
    assert rules_command(format="json") == 0
    listed = json.loads(capsys.readouterr().out)
    assert [item["code"] for item in listed] == [rule.code for rule in all_rules()]


def test_rules_prints_one_rules_documentation(capsys):
    assert rules_command("SS102", format="markdown") == 0
    out = capsys.readouterr().out
    assert out.startswith("# unindexed-foreign-key (SS102)")
    for section in ("## What it does", "## Why is this bad?", "## Example", "## Use instead"):
        assert section in out
    assert rules_command("unindexed-foreign-key") == 0  # by name too, rendered for the terminal
    assert "What it does" in capsys.readouterr().out
    with pytest.raises(SchemasmithError, match="unknown rule 'SS999'"):
        rules_command("SS999")
