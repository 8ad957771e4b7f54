"""The language-model designer: steps as prompts, validation and retry, the critique round."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

import pytest

from schemasmith.design.designer import Proposal
from schemasmith.design.designers import DESIGNERS, make_designer
from schemasmith.design.llm_designer import (
    CRITIQUE,
    STEPS,
    LanguageModelDesigner,
    findings_yaml,
    load_prompt,
    numbered,
    reply_schema,
    requirements_text,
)
from schemasmith.design.providers.base import Reply
from schemasmith.errors import SchemasmithError
from schemasmith.model.document import Conventions
from schemasmith.model.yamlio import dump_design
from schemasmith.review.engine import review_design


class ScriptedProvider:
    """A provider answering from a list of replies (no HTTP): for what the designer itself does."""

    name = "scripted"
    model = "script-1"
    schema_in_prompt = False

    def __init__(self, replies):
        self.replies = list(replies)
        self.calls = []

    def complete(self, messages, schema, step):
        self.calls.append((messages, schema, step))
        data = self.replies.pop(0)
        return Reply(json.dumps(data), data, 10, 20)


def recorded_payload(name: str) -> dict:
    """The JSON a recorded Anthropic reply carries (the same payloads for every provider)."""
    body = json.loads((Path(__file__).parent / "recorded" / "anthropic" / f"{name}.json").read_text(encoding="utf-8"))
    return body["content"][0]["input"]


@pytest.mark.parametrize("provider", ["openai", "anthropic", "ollama"])
def test_the_critique_step_sends_findings_and_gets_a_corrected_design(
    provider, connect, fake_llm, queue_proposal, taskhub_requirements
):
    queue_proposal(provider)
    designer = connect(provider)
    proposal = designer.propose(taskhub_requirements, Conventions())
    findings = [f for f in review_design(proposal.design).findings if f.severity in ("error", "warning")]
    assert sorted((f.code, f.location) for f in findings) == [
        ("SS102", "comments.author_id (comments_author_id_fkey)"),
        ("SS102", "task_activity.actor_id (task_activity_actor_id_fkey)"),
    ]

    fake_llm.reply(provider, "critique")
    revised = designer.revise(proposal, findings, taskhub_requirements)

    request = fake_llm.requests[-1]
    text = request.text()
    assert "Revision: answer the review" in text
    assert "code: SS102" in text
    assert "location: comments.author_id (comments_author_id_fkey)" in text
    assert findings[0].reason.split("\n")[0][:60] in text
    assert "suggested design change:" in text and "where: author_id IS NOT NULL" in text
    assert dump_design(proposal.design).rstrip() in text  # the design under review, as YAML
    assert "Tasks can have subtasks" in text

    comments = revised.design.tables["comments"]
    assert [index.columns for index in comments.indexes] == [["task_id", "created_at"], ["author_id"]]
    left = [f for f in review_design(revised.design).findings if f.severity in ("error", "warning")]
    assert left == []
    # The revision keeps what came before and adds its own decisions.
    assert revised.decisions[: len(proposal.decisions)] == proposal.decisions
    assert revised.decisions[-1].subject == "task_activity.actor_id"
    assert designer.round == 1


def test_the_critique_loop_runs_with_a_language_model(connect, fake_llm, queue_proposal, taskhub_requirements):
    from schemasmith.design.loop import critique_loop

    queue_proposal("anthropic")
    fake_llm.reply("anthropic", "critique")
    designer = connect("anthropic")
    proposal = designer.propose(taskhub_requirements, Conventions())
    _, rounds, remaining = critique_loop(proposal, designer, taskhub_requirements, rounds=3)
    assert len(rounds) == 1
    assert sorted(rounds[0].fixed) == ["SS102 comments.author_id (comments_author_id_fkey)", "SS102 task_activity.actor_id (task_activity_actor_id_fkey)"]
    assert all(f.severity == "info" for f in remaining)
    assert len(fake_llm.requests) == 5


def test_conventions_are_the_users_whatever_the_model_writes(taskhub_requirements):
    entities = recorded_payload("entities")
    entities["design"]["conventions"] = {"primary_key": "identity", "soft_delete": True}
    replies = [entities, *(recorded_payload(step) for step in STEPS[1:])]
    chosen = Conventions(enum_style="check", audit_fields=["created_at", "updated_at"])
    proposal = LanguageModelDesigner(ScriptedProvider(replies)).propose(taskhub_requirements, chosen)
    assert proposal.design.conventions == chosen


def test_the_entities_prompt_shows_the_conventions_and_numbered_requirements(taskhub_requirements):
    provider = ScriptedProvider([recorded_payload(step) for step in STEPS])
    LanguageModelDesigner(provider).propose(taskhub_requirements, Conventions(primary_key="identity"))
    messages, _, step = provider.calls[0]
    assert step == "entities"
    user = messages[1]["content"]
    assert "primary_key: identity" in user
    assert "11 | - Tasks can have subtasks with the same fields, nested one level deep and no deeper." in user
    assert [call[2] for call in provider.calls] == list(STEPS)
    assert "## Reply schema" not in messages[0]["content"]  # this provider shows the schema itself


def test_a_workload_naming_an_unknown_table_is_sent_back(taskhub_requirements):
    bad = recorded_payload("workload")
    bad["indexes"][0]["table"] = "task"
    replies = [*(recorded_payload(step) for step in STEPS[:2]), bad, *(recorded_payload(step) for step in STEPS[2:])]
    provider = ScriptedProvider(replies)
    LanguageModelDesigner(provider).propose(taskhub_requirements, Conventions())
    assert "- indexes.0.table: table 'task' is not in the design" in provider.calls[3][0][-1]["content"]


def test_a_malformed_query_is_sent_back(taskhub_requirements):
    bad = recorded_payload("workload")
    bad["queries"][1].pop("sql")
    replies = [*(recorded_payload(step) for step in STEPS[:2]), bad, *(recorded_payload(step) for step in STEPS[2:])]
    provider = ScriptedProvider(replies)
    LanguageModelDesigner(provider).propose(taskhub_requirements, Conventions())
    assert "- queries.1.sql: missing required key 'sql'" in provider.calls[3][0][-1]["content"]


def test_invariants_of_the_merged_workload_are_checked(taskhub_requirements):
    bad = recorded_payload("workload")
    bad["indexes"][1]["serves"] = ["no_such_query"]
    bad["indexes"][2]["columns"] = ["due_on"]
    replies = [*(recorded_payload(step) for step in STEPS[:2]), bad, *(recorded_payload(step) for step in STEPS[2:])]
    provider = ScriptedProvider(replies)
    proposal = LanguageModelDesigner(provider).propose(taskhub_requirements, Conventions())
    correction = provider.calls[3][0][-1]["content"]
    assert re.search(r"- tasks\S*: .*no_such_query", correction)
    assert re.search(r"- tasks\S*: .*due_on", correction)
    assert proposal.design.tables["tasks"].indexes[1].serves == ["my_tasks"]


def test_a_workload_index_the_design_already_has_only_adds_what_it_serves(taskhub_requirements):
    relationships = recorded_payload("relationships")
    relationships["design"]["tables"]["memberships"]["indexes"] = [{"columns": ["user_id"]}]
    replies = [recorded_payload("entities"), relationships, recorded_payload("workload"), recorded_payload("growth")]
    proposal = LanguageModelDesigner(ScriptedProvider(replies)).propose(taskhub_requirements, Conventions())
    assert [index.columns for index in proposal.design.tables["memberships"].indexes] == [["user_id"]]


def test_growth_rows_for_an_unknown_table_are_sent_back(taskhub_requirements):
    bad = recorded_payload("growth")
    bad["expected_rows"].append({"table": "labels", "rows": 10})
    replies = [*(recorded_payload(step) for step in STEPS[:3]), bad, {**recorded_payload("growth"), "expected_rows": {"tasks": 42}}]
    provider = ScriptedProvider(replies)
    proposal = LanguageModelDesigner(provider).propose(taskhub_requirements, Conventions())
    assert "- expected_rows.7.table: table 'labels' is not in the design" in provider.calls[4][0][-1]["content"]
    assert proposal.design.tables["tasks"].expected_rows == 42  # {table: rows} is understood too
    assert proposal.design.tables["users"].expected_rows is None


def test_a_reply_without_a_design_object_is_sent_back(taskhub_requirements):
    replies = [{"decisions": [], "questions": [], "unread": []}, ["not", "an", "object"], *(recorded_payload(step) for step in STEPS)]
    provider = ScriptedProvider(replies)
    designer = LanguageModelDesigner(provider, retries=2)
    designer.propose(taskhub_requirements, Conventions())
    assert "- design: the reply needs a `design` object holding the whole design document" in provider.calls[1][0][-1]["content"]
    assert "- the reply is a JSON list, not an object" in provider.calls[2][0][-1]["content"]


def test_retries_are_bounded_by_the_setting(taskhub_requirements):
    provider = ScriptedProvider([{"design": {"name": "x", "tables": {"t": {"columns": {}, "primary_key": ["id"]}}}}])
    with pytest.raises(SchemasmithError, match=r"gave no valid reply to the entities step in 1 attempt\(s\)"):
        LanguageModelDesigner(provider, retries=0).propose(taskhub_requirements, Conventions())
    assert len(provider.calls) == 1


def test_decisions_questions_and_unread_are_read_leniently(taskhub_requirements):
    entities = recorded_payload("entities")
    entities["decisions"] = [{"subject": "users.email", "choice": "unique"}, "plain text decision", 42]
    entities["questions"] = ["Are projects ever shared between organizations?", 7, ""]
    entities["unread"] = [{"line": "25", "text": "About 500 organizations", "why": "scale comes later"}, "junk"]
    replies = [entities, *(recorded_payload(step) for step in STEPS[1:])]
    proposal = LanguageModelDesigner(ScriptedProvider(replies)).propose(taskhub_requirements, Conventions())
    assert proposal.decisions[0].subject == "users.email" and proposal.decisions[0].reason == ""
    assert proposal.decisions[1].choice == "plain text decision"
    assert proposal.questions == ["Are projects ever shared between organizations?"]
    assert [(u.line, u.text) for u in proposal.unread] == [(25, "About 500 organizations")]


def test_parsed_requirements_are_read_from_their_text(tmp_path, taskhub_requirements):
    import schemasmith.design.requirements as requirements_module
    path = tmp_path / "taskhub.md"
    path.write_text(taskhub_requirements, encoding="utf-8")
    parsed = requirements_module.parse_requirements(taskhub_requirements, str(path))
    assert requirements_text(parsed) == taskhub_requirements
    without_file = requirements_module.parse_requirements(taskhub_requirements)
    rebuilt = numbered(requirements_text(without_file)).splitlines()
    assert rebuilt[10].endswith("| Tasks can have subtasks with the same fields, nested one level deep and no deeper.")
    assert rebuilt[0].endswith("| # TaskHub — requirements")


def test_every_prompt_is_packaged_versioned_and_renders():
    folder = resources.files("schemasmith.design").joinpath("prompts")
    names = sorted(entry.name for entry in folder.iterdir() if entry.name.endswith(".md"))
    for step in (*STEPS, CRITIQUE, "system", "repair", "schema"):
        assert f"{step}.v1.md" in names
    provider = ScriptedProvider([])
    designer = LanguageModelDesigner(provider)
    proposal_design = None
    for step in (*STEPS, CRITIQUE):
        messages = designer.messages(step, "line one", proposal_design, Conventions(), [])
        for message in messages:
            assert "{{" not in message["content"]
    assert "{{errors}}" in load_prompt("repair")


def test_text_put_into_a_prompt_is_not_scanned_for_placeholders():
    provider = ScriptedProvider([])
    messages = LanguageModelDesigner(provider).messages("entities", "Our template syntax is {{design}}.", None, Conventions())
    assert "Our template syntax is {{design}}." in messages[1]["content"]


@pytest.mark.parametrize("kind", ["design", "workload", "growth"])
def test_reply_schemas_are_self_contained_objects(kind):
    schema = reply_schema(kind)
    text = json.dumps(schema)
    assert "$ref" not in text and "$defs" not in text  # inlined: portable across servers
    assert schema["type"] == "object" and schema["additionalProperties"] is False
    assert schema["required"][:3] == ["decisions", "questions", "unread"]


def test_the_design_schema_speaks_the_documents_language():
    design = reply_schema("design")["properties"]["design"]
    column = design["properties"]["tables"]["additionalProperties"]["properties"]["columns"]["additionalProperties"]
    assert "enum:NAME" in column["properties"]["type"]["description"]
    assert {"type": "string"} in column["properties"]["default"]["anyOf"][0]["anyOf"]
    assert "renamed_from" not in column["properties"]
    assert "conventions" not in design["properties"]


def test_findings_are_shown_with_code_location_reason_and_fix():
    from schemasmith.review.finding import Finding

    finding = Finding(
        "SS102", "fk-without-index", "warning", "comments", "author_id", None,
        "no index", "deletes scan", fix_sql="CREATE INDEX …", fix_design="tables: …",
    )
    text = findings_yaml([finding])
    assert text.splitlines() == [
        "- code: SS102",
        "  severity: warning",
        "  location: comments.author_id",
        "  message: no index",
        "  reason: deletes scan",
        "  suggested design change: 'tables: …'",
        "  suggested SQL: CREATE INDEX …",
    ]
    assert findings_yaml([]) == "[]"


def test_make_designer_names_and_errors(llm_env, monkeypatch):
    assert DESIGNERS == ("rules", "openai", "anthropic", "ollama")
    with pytest.raises(SchemasmithError, match=r"unknown designer 'gemini'; choose one of rules, openai, anthropic, ollama"):
        make_designer("gemini", None, None, None, None)
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test-1111111111111111")
    designer = make_designer("anthropic", "claude-haiku-4-5", None, None, None)
    assert (designer.name, designer.model) == ("anthropic", "claude-haiku-4-5")
    assert make_designer("ollama", None, None, None, None).model == "qwen3:8b"


def test_make_designer_rules_is_the_offline_designer():
    import schemasmith.design.rules_designer  # noqa: F401 - the rules designer is part of the product
    designer = make_designer("rules", None, None, None, None)
    assert designer.name == "rules"


def test_a_revision_keeps_the_proposals_conventions(taskhub_requirements):
    chosen = Conventions(soft_delete=True)
    replies = [*(recorded_payload(step) for step in STEPS), recorded_payload("critique")]
    designer = LanguageModelDesigner(ScriptedProvider(replies))
    proposal = designer.propose(taskhub_requirements, chosen)
    revised = designer.revise(Proposal(proposal.design), [], taskhub_requirements)
    assert revised.design.conventions == chosen
