"""Transcripts: every exchange on record, secrets redacted, and a replay that needs no model."""

from __future__ import annotations

import json

import pytest

from schemasmith.design.designers import make_designer
from schemasmith.design.providers import ProviderError
from schemasmith.design.transcript import (
    ReplayProvider,
    Transcript,
    TranscriptError,
    read_transcript,
)
from schemasmith.errors import SchemasmithError
from schemasmith.model.document import Conventions
from schemasmith.review.engine import review_design

RECORD_KEYS = [
    "step",
    "round",
    "attempt",
    "provider",
    "model",
    "prompt_version",
    "prompt",
    "reply",
    "tokens_in",
    "tokens_out",
    "seconds",
    "timestamp",
]


def blocking(design):
    return [f for f in review_design(design).findings if f.severity in ("error", "warning")]


@pytest.mark.parametrize("provider", ["openai", "anthropic", "ollama"])
def test_every_exchange_is_written_with_its_step_round_and_tokens(provider, connect, fake_llm, queue_proposal, llm_env, taskhub_requirements):
    path = llm_env / "schema.transcript.jsonl"
    fake_llm.reply(provider, "entities-invalid")
    queue_proposal(provider)
    fake_llm.reply(provider, "critique")
    designer = connect(provider, transcript=path)
    proposal = designer.propose(taskhub_requirements, Conventions())
    designer.revise(proposal, blocking(proposal.design), taskhub_requirements)

    records = read_transcript(path)
    assert [(r["step"], r["round"], r["attempt"]) for r in records] == [
        ("entities", 0, 1),
        ("entities", 0, 2),
        ("relationships", 0, 1),
        ("workload", 0, 1),
        ("growth", 0, 1),
        ("critique", 1, 1),
    ]
    for record in records:
        assert list(record) == RECORD_KEYS
        assert record["provider"] == provider
        assert record["prompt_version"] == f"{record['step']}.v1"
        assert record["seconds"] >= 0
        assert record["timestamp"].endswith("Z")
    first = records[0]
    assert [m["role"] for m in first["prompt"]][-1] == "user"
    assert "Tasks can have subtasks" in first["prompt"][-1]["content"]
    assert first["reply"]["data"]["design"]["tables"]["tasks"]["primary_key"] == ["task_id"]
    assert json.loads(first["reply"]["text"]) == first["reply"]["data"]
    # Tokens as each API reported them (recorded/<provider>/entities-invalid.json: 2410 in, 1886 out).
    assert (first["tokens_in"], first["tokens_out"]) == (2410, 1886)
    assert "the primary key names column 'task_id'" in records[1]["prompt"][-1]["content"]
    assert "code: SS102" in records[-1]["prompt"][-1]["content"]


def test_the_transcript_never_holds_the_key(connect, fake_llm, queue_proposal, llm_env, api_key):
    path = llm_env / "t.jsonl"
    # A user pasted the key into the requirements by mistake: the model sees what was sent,
    # the transcript must not keep it.
    requirements = f"# Notes\n\n- Users have tasks.\n- (our key is {api_key})\n"
    queue_proposal("anthropic")
    connect("anthropic", transcript=path).propose(requirements, Conventions())
    assert api_key in fake_llm.requests[0].text()
    text = path.read_text(encoding="utf-8")
    assert api_key not in text
    assert "(our key is [REDACTED])" in text


def test_a_failed_exchange_is_on_record_and_the_transcript_grows_as_it_goes(connect, fake_llm, llm_env, taskhub_requirements, api_key):
    path = llm_env / "t.jsonl"
    fake_llm.reply("openai", "entities")
    fake_llm.reply("openai", "error-401", status=401)
    with pytest.raises(ProviderError):
        connect("openai", transcript=path).propose(taskhub_requirements, Conventions())
    records = read_transcript(path)
    assert [r["step"] for r in records] == ["entities", "relationships"]
    assert records[1]["reply"] is None
    assert records[1]["error"].startswith("openai rejected the API key (HTTP 401")
    assert api_key not in path.read_text(encoding="utf-8")


def test_a_new_session_starts_the_transcript_afresh(connect, fake_llm, queue_proposal, llm_env, taskhub_requirements):
    path = llm_env / "t.jsonl"
    path.write_text('{"step": "old"}\n', encoding="utf-8")
    queue_proposal("ollama")
    connect("ollama", transcript=path).propose(taskhub_requirements, Conventions())
    assert [r["step"] for r in read_transcript(path)] == ["entities", "relationships", "workload", "growth"]


@pytest.mark.parametrize("provider", ["openai", "anthropic", "ollama"])
def test_replay_reproduces_the_design_with_the_server_stopped(provider, connect, fake_llm, queue_proposal, llm_env, monkeypatch, taskhub_requirements):
    path = llm_env / "t.jsonl"
    fake_llm.reply(provider, "entities-invalid")
    queue_proposal(provider)
    fake_llm.reply(provider, "critique")
    designer = connect(provider, transcript=path)
    proposal = designer.propose(taskhub_requirements, Conventions())
    revised = designer.revise(proposal, blocking(proposal.design), taskhub_requirements)
    fake_llm.stop()
    for variable in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "OLLAMA_API_KEY"):
        monkeypatch.delenv(variable, raising=False)

    replayer = make_designer("rules", None, None, None, path)  # the CLI default, plus --replay
    assert (replayer.name, replayer.model) == (provider, designer.model)
    again = replayer.propose(taskhub_requirements, Conventions())
    assert again.design == proposal.design
    assert again.decisions == proposal.decisions and again.questions == proposal.questions
    revised_again = replayer.revise(again, blocking(again.design), taskhub_requirements)
    assert revised_again.design == revised.design
    assert replayer.provider.remaining() == 0


def test_replaying_past_the_record_is_a_clear_error(connect, fake_llm, queue_proposal, llm_env, taskhub_requirements):
    path = llm_env / "t.jsonl"
    queue_proposal("openai")
    connect("openai", transcript=path).propose(taskhub_requirements, Conventions())
    replayer = make_designer("openai", None, None, None, path)
    proposal = replayer.propose(taskhub_requirements, Conventions())
    with pytest.raises(TranscriptError) as caught:
        replayer.revise(proposal, blocking(proposal.design), taskhub_requirements)
    assert str(caught.value) == (
        f"{path}: the design asked for reply 1 of step 'critique', but the transcript recorded 0;"
        " the requirements, the prompts or schemasmith changed since it was recorded"
    )


def test_replay_can_write_its_own_transcript(connect, fake_llm, queue_proposal, llm_env, taskhub_requirements):
    recorded, again = llm_env / "a.jsonl", llm_env / "b.jsonl"
    queue_proposal("ollama")
    connect("ollama", transcript=recorded).propose(taskhub_requirements, Conventions())
    make_designer("ollama", None, None, again, recorded).propose(taskhub_requirements, Conventions())
    strip = lambda records: [{k: v for k, v in r.items() if k not in ("seconds", "timestamp")} for r in records]
    assert strip(read_transcript(again)) == strip(read_transcript(recorded))
    # Replaying into the transcript being replayed leaves it as it was.
    before = recorded.read_text(encoding="utf-8")
    make_designer("ollama", None, None, recorded, recorded).propose(taskhub_requirements, Conventions())
    assert recorded.read_text(encoding="utf-8") == before


def test_replay_names_the_provider_it_was_recorded_with(llm_env):
    path = llm_env / "t.jsonl"
    path.write_text(json.dumps({"step": "entities", "provider": "anthropic", "model": "m", "reply": {"text": "{}", "data": {}}}) + "\n")
    with pytest.raises(SchemasmithError, match="the transcript was recorded with anthropic, not openai"):
        make_designer("openai", None, None, None, path)


def test_unreadable_transcripts_are_clear_errors(llm_env):
    with pytest.raises(TranscriptError, match=r"missing\.jsonl: no such transcript$"):
        ReplayProvider(llm_env / "missing.jsonl")
    bad = llm_env / "bad.jsonl"
    bad.write_text('{"step": "entities", "reply": {"text": ""}}\nnot json\n', encoding="utf-8")
    with pytest.raises(TranscriptError, match=r"bad\.jsonl:2: not a JSON line of a transcript$"):
        ReplayProvider(bad)
    empty = llm_env / "empty.jsonl"
    empty.write_text('{"step": "entities", "reply": null, "error": "timed out"}\n', encoding="utf-8")
    with pytest.raises(TranscriptError, match=r"empty\.jsonl: the transcript has no recorded replies to replay$"):
        ReplayProvider(empty)


def test_transcript_write_failure_is_a_clear_error(llm_env):
    blocker = llm_env / "file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(TranscriptError, match=r"file/t\.jsonl: cannot write the transcript"):
        Transcript(blocker / "t.jsonl").append({"step": "entities"})
