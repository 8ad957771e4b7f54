"""The offline `rules` designer on the shared examples: against the hand-written designs, on real databases.

Each example's proposal is compared with the facts of the hand-written design in examples/*.yaml
(tables and kinds, attributes with types and nullability, enums, relationships with column,
nullability and ON DELETE), after applying the documented differences in tests/design/expected/,
where a faithful reading of the text differs from the hand design. The proposals must apply to
PostgreSQL and SQLite (`check_formal`), and every query of the workload must run.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import psycopg
import pytest
import yaml

from schemasmith.design.designer import Proposal
from schemasmith.design.extract_score import Relationship, compare, design_facts
from schemasmith.design.requirements import parse_requirements, read_requirements
from schemasmith.design.rules_designer import RulesDesigner
from schemasmith.dialects import postgres
from schemasmith.model import dump_design, load_design
from schemasmith.model.document import Conventions
from schemasmith.model.yamlio import design_from_data
from schemasmith.review.engine import review_design
from schemasmith.validation import check_formal

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"  # as tests/conftest.py names it
EXPECTED = Path(__file__).resolve().parent / "expected"
EXAMPLES = {
    "project-management": "taskhub",
    "taco-reviews": "taco-reviews",
    "model-catalogue": "model-catalogue",
}
HELD_OUT = sorted((REPO / "examples" / "requirements").glob("*.md"))


@cache
def proposal_for(path: str, primary_key: str = "uuid") -> Proposal:
    return RulesDesigner().propose(read_requirements(path), Conventions(primary_key=primary_key))


def example(name: str) -> Proposal:
    return proposal_for(str(SHARED / "examples" / f"{name}.md"))


def expected_facts(design_name: str):
    """The hand design's facts with the documented differences applied."""
    facts = design_facts(load_design(REPO / "examples" / f"{design_name}.yaml"))
    overrides = EXPECTED / f"{design_name}.yaml"
    if not overrides.exists():
        return facts
    for difference in yaml.safe_load(overrides.read_text(encoding="utf-8"))["differences"]:
        assert difference.get("why"), f"every difference says why: {difference}"
        expected = difference["expected"]
        if "attribute" in difference:
            key = tuple(difference["attribute"].split("."))
            if expected is None:
                del facts.attributes[key]
                del facts.nullable[key]
            else:
                facts.attributes[key] = expected["type"]
                facts.nullable[key] = expected.get("nullable", False)
        elif "relationship" in difference:
            table, target = [part.strip() for part in difference["relationship"].split("->")]
            facts.relationships = [rel for rel in facts.relationships if (rel.table, rel.references) != (table, target)]
            if expected is not None:
                facts.relationships.append(Relationship(table, target, expected["column"], expected["nullable"], expected["on_delete"]))
        elif "entity" in difference:
            if expected is None:
                facts.entities.discard(difference["entity"])
            else:
                facts.entities.add(difference["entity"])
                facts.kinds[difference["entity"]] = expected.get("kind", "core")
    return facts


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_example_matches_the_hand_written_design(name):
    proposal = example(name)
    mine = design_facts(proposal.design)
    theirs = expected_facts(EXAMPLES[name])
    assert mine.entities == theirs.entities
    assert mine.kinds == theirs.kinds
    assert mine.attributes == theirs.attributes
    assert mine.nullable == theirs.nullable
    assert mine.enums == theirs.enums
    key = lambda rel: (rel.table, rel.references, rel.column)
    assert sorted(mine.relationships, key=key) == sorted(theirs.relationships, key=key)
    comparison = compare(mine, theirs)
    assert comparison.attributes.precision == comparison.attributes.recall == 1.0
    # every sentence was read
    assert proposal.unread == []


def test_taskhub_in_detail():
    design = example("project-management").design
    tasks = design.tables["tasks"]
    assert [(trigger.kind, trigger.column, trigger.depth) for trigger in tasks.triggers] == [
        ("updated_at", "updated_at", None),
        ("max_depth", "parent_id", 1),
    ]
    assignee = next(fk for fk in tasks.foreign_keys if fk.columns == ["assignee_id"])
    assert assignee.on_delete == "set null" and tasks.columns["assignee_id"].nullable
    assert "line 10" in assignee.reason
    memberships = design.tables["memberships"]
    assert memberships.kind == "junction"
    assert memberships.primary_key == ["organization_id", "user_id"]
    assert memberships.columns["role"].type == "enum:membership_role"
    assert design.enums["membership_role"] == ["owner", "admin", "member"]
    assert design.tables["projects"].columns["status"].default.value == "active"
    activity = design.tables["task_activity"]
    assert "updated_at" not in activity.columns
    assert activity.columns["id"].type == "bigint" and activity.columns["id"].identity == "always"
    assert activity.columns["change"].type == "json"
    assert design.name == "taskhub"
    assert design.description == "A project management tool for small companies."


def test_taskhub_workload_and_growth():
    design = example("project-management").design
    sql = {query.id: query.sql for query in design.queries}
    assert len(sql) == 5
    assert sql["tasks_project_ordered_priority"] == (
        "SELECT t.id, t.title, t.priority FROM tasks t WHERE t.project_id = :project_id ORDER BY t.priority DESC, t.created_at"
    )
    assert "t.assignee_id = :user_id" in sql["task_assigned_projects"]
    assert sql["overdue_tasks_organization_due"] == (
        "SELECT t.id, t.title FROM tasks t JOIN projects p ON p.id = t.project_id WHERE p.organization_id = :organization_id"
        " AND t.due_date < current_date AND t.status <> 'done'"
    )
    assert "plainto_tsquery('simple', :words)" in sql["search_task_titles_project"]
    assert sql["dashboard_number_tasks_per"].startswith("SELECT t.status, count(*)")
    board = next(index for index in design.tables["tasks"].indexes if "tasks_project_ordered_priority" in index.serves)
    assert board.columns == ["project_id", "priority desc", "created_at"]
    search = next(index for index in design.tables["tasks"].indexes if "search_task_titles_project" in index.serves and index.expressions)
    assert search.method == "gin" and search.expressions == ["to_tsvector('simple', title)"]
    assert design.growth.drivers == {
        "organizations": 500,
        "users_per_organization": 20,
        "tasks_per_project": 300,
        "comments_per_task": 5,
        "activity_entries_per_task": 5,
        "projects_per_organization": 10,
    }
    rows = {name: table.expected_rows for name, table in design.tables.items()}
    assert rows == {
        "memberships": 10000, "organizations": 500, "users": 10000, "projects": 5000,
        "tasks": 1_500_000, "comments": 7_500_000, "task_activity": 7_500_000,
    }


def test_examples_without_scale_have_no_growth():
    for name in ("taco-reviews", "model-catalogue"):
        design = example(name).design
        assert design.growth is None
        assert all(table.expected_rows is None for table in design.tables.values())


def test_taco_and_catalogue_details():
    taco = example("taco-reviews").design
    assert taco.tables["users"].indexes[0].expressions == ["lower(email)"] and taco.tables["users"].indexes[0].unique
    assert [check.expression for check in taco.tables["reviews"].checks] == ["rating BETWEEN 1 AND 5"]
    assert [unique.columns for unique in taco.tables["reviews"].unique] == [["user_id", "spot_id"]]
    assert taco.tables["favourites"].primary_key == ["user_id", "spot_id"]
    assert "updated_at" not in taco.tables["favourites"].columns
    assert "photos" in taco.tables and all(fk.references.table == "reviews" for fk in taco.tables["photos"].foreign_keys)
    catalogue = example("model-catalogue").design
    results = catalogue.tables["benchmark_results"]
    assert [unique.columns for unique in results.unique] == [["model_id", "benchmark_id", "tested_on"]]
    assert {fk.columns[0]: fk.on_delete for fk in results.foreign_keys} == {"model_id": "cascade", "benchmark_id": "restrict"}
    assert catalogue.tables["models"].columns["metadata"].type == "json"
    assert catalogue.tables["opinions"].columns["tags"].type == "text[]"
    assert catalogue.tables["benchmarks"].columns["category"].comment == "e.g. knowledge, coding, math"
    multimodal = next(query for query in catalogue.queries if "multimodal" in query.id)
    assert "metadata @> '{\"multimodal\": true}'" in multimodal.sql


def test_decisions_quote_their_lines_and_one_to_many_asks_about_many_to_many():
    proposal = example("project-management")
    by_subject = {decision.subject: decision for decision in proposal.decisions}
    depth = [decision for decision in proposal.decisions if decision.subject == "tasks.parent_id" and "max_depth" in decision.choice]
    assert [decision.choice for decision in depth] == ["self-reference with max_depth 1"]
    assert "(line 11)" in depth[0].reason
    assert by_subject["tasks.assignee_id"].choice == "references users, nullable, ON DELETE SET NULL"
    assert "line 7" in by_subject["memberships.role"].reason
    one_to_many = [
        f"{name}.{fk.columns[0]}" for name, table in proposal.design.tables.items() if table.kind != "junction"
        for fk in table.foreign_keys if fk.references.table != name
    ]
    for column in one_to_many:
        assert any(question.startswith(f"{column}: will this become M:N?") for question in proposal.questions), column
    assert any("users: what does a user hold" in question for question in proposal.questions)


def test_proposals_are_deterministic():
    path = SHARED / "examples" / "project-management.md"
    first = RulesDesigner().propose(read_requirements(path), Conventions())
    second = RulesDesigner().propose(read_requirements(path), Conventions())
    assert dump_design(first.design) == dump_design(second.design)
    assert first.decisions == second.decisions and first.questions == second.questions


def _all_documents() -> list[Path]:
    return sorted((SHARED / "examples").glob("*.md")) + HELD_OUT


@pytest.mark.parametrize("path", _all_documents(), ids=lambda path: path.stem)
def test_every_proposal_applies_and_its_queries_run(path, pg_url):
    design = proposal_for(str(path)).design
    # the document's invariants hold (the designer loads it), and it round-trips through YAML
    assert design_from_data(design.to_data()) == design
    results = check_formal(design)
    assert [(result.dialect, result.applied, result.error) for result in results] == [
        ("postgres", True, None),
        ("sqlite", True, None),
    ]
    with psycopg.connect(pg_url, autocommit=True) as connection:
        connection.execute(postgres.render(design).files["schema.sql"])
        for query in design.queries:
            connection.execute("EXPLAIN " + re.sub(r":([a-z_][a-z0-9_]*)", "NULL", query.sql))


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_examples_review_without_errors_or_warnings(name):
    findings = review_design(example(name).design).findings
    assert [(finding.code, finding.location) for finding in findings if finding.severity in ("error", "warning")] == []


def test_identity_conventions_give_bigint_keys():
    design = proposal_for(str(SHARED / "examples" / "taco-reviews.md"), "identity").design
    assert design.tables["reviews"].columns["id"].type == "bigint"
    assert design.tables["reviews"].columns["spot_id"].type == "bigint"
    assert design.tables["favourites"].columns["user_id"].type == "bigint"


def test_unread_sentences_are_reported_with_the_reason():
    requirements = parse_requirements(
        "# Zoo\n\nA zoo.\n\n- A keeper has a name and a badge number.\n- The moon is bright tonight.\n"
        "\n## Stories\n\n- As a visitor, I want to feel happy.\n"
    )
    proposal = RulesDesigner().propose(requirements, Conventions())
    assert [(item.line, item.text) for item in proposal.unread] == [
        (6, "The moon is bright tonight."),
        (10, "As a visitor, I want to feel happy."),
    ]
    assert all(item.why for item in proposal.unread)
    assert set(proposal.design.tables) == {"keepers"}


def test_held_out_documents_are_partly_read_and_say_what_they_skipped():
    for path in HELD_OUT:
        proposal = proposal_for(str(path))
        assert proposal.design.tables, path
        expected = load_design(path.with_name(path.stem + ".expected.yaml"))
        comparison = compare(proposal.design, expected)
        assert comparison.entities.precision >= 0.8, path  # what it does build is mostly right
        assert proposal.unread, path  # and it says what it could not read


def test_revise_applies_the_design_fixes_of_findings():
    proposal = example("taco-reviews")
    data = proposal.design.to_data()
    data["tables"]["photos"].pop("indexes")  # the foreign-key index of photos.review_id
    broken = Proposal(design_from_data(data), list(proposal.decisions), list(proposal.questions), [])
    findings = [finding for finding in review_design(broken.design).findings if finding.severity in ("error", "warning")]
    assert [finding.code for finding in findings] == ["SS102"]
    revised = RulesDesigner().revise(broken, findings, read_requirements(SHARED / "examples" / "taco-reviews.md"))
    assert [finding.code for finding in review_design(revised.design).findings if finding.severity != "info"] == []
    assert revised.decisions[-1].choice.startswith("applied the fix of SS102")
    # a finding without a design fix is kept as a question, not dropped
    without_fix = [type(findings[0])(**{**findings[0].__dict__, "fix_design": None})]
    unchanged = RulesDesigner().revise(broken, without_fix, read_requirements(SHARED / "examples" / "taco-reviews.md"))
    assert unchanged.design == broken.design
    assert any("SS102" in question for question in unchanged.questions)
