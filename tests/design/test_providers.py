"""The providers end to end: real HTTP requests to a local server serving recorded replies.

Each provider is driven through the designer as the CLI would drive it, against a fake server
on 127.0.0.1 that answers in that provider's wire format (tests/design/recorded/<provider>/).
"""

from __future__ import annotations

import socket
import time

import pytest

from schemasmith.design.designers import make_designer
from schemasmith.design.llm_designer import LanguageModelError
from schemasmith.design.providers import ProviderError
from schemasmith.design.providers.anthropic import AnthropicProvider
from schemasmith.design.providers.base import (
    read_dotenv,
    redact,
    retry_after,
    shown_url,
)
from schemasmith.design.providers.ollama import OllamaProvider
from schemasmith.design.providers.openai import OpenAIProvider
from schemasmith.errors import SchemasmithError
from schemasmith.model.document import Conventions
from schemasmith.model.yamlio import dump_design

PROVIDERS = ("openai", "anthropic", "ollama")
KEY_VARIABLE = {"openai": "OPENAI_API_KEY", "anthropic": "ANTHROPIC_API_KEY", "ollama": "OLLAMA_API_KEY"}
ENDPOINT = {"openai": "/v1/chat/completions", "anthropic": "/v1/messages", "ollama": "/api/chat"}
DEFAULT_MODEL = {"openai": "gpt-5-mini", "anthropic": "claude-sonnet-4-5", "ollama": "qwen3:8b"}


def sent_schema(provider: str, body: dict) -> dict:
    """Where each wire format carries the JSON schema of the reply."""
    if provider == "openai":
        assert body["response_format"]["type"] == "json_schema"
        return body["response_format"]["json_schema"]["schema"]
    if provider == "anthropic":
        assert body["tool_choice"] == {"type": "tool", "name": body["tools"][0]["name"]}
        return body["tools"][0]["input_schema"]
    assert body["stream"] is False
    return body["format"]


def check_auth(provider: str, headers: dict, key: str) -> None:
    if provider == "openai":
        assert headers["authorization"] == f"Bearer {key}"
    elif provider == "anthropic":
        assert headers["x-api-key"] == key
        assert headers["anthropic-version"] == "2023-06-01"
    else:
        assert headers["authorization"] == f"Bearer {key}"


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_good_reply_gives_a_valid_design(provider, connect, fake_llm, queue_proposal, taskhub_requirements, api_key):
    queue_proposal(provider)
    designer = connect(provider)
    assert designer.name == provider
    proposal = designer.propose(taskhub_requirements, Conventions())

    design = proposal.design
    assert design.name == "taskhub"
    assert set(design.tables) == {"organizations", "users", "memberships", "projects", "tasks", "comments", "task_activity"}
    tasks = design.tables["tasks"]
    assert [fk.references.table for fk in tasks.foreign_keys] == ["projects", "tasks", "users"]
    assert any(trigger.kind == "max_depth" and trigger.depth == 1 for trigger in tasks.triggers)
    assert tasks.indexes[0].serves == ["project_board", "status_counts"]
    assert [query.id for query in design.queries] == ["project_board", "my_tasks", "overdue", "search_titles", "status_counts"]
    assert design.growth.drivers["organizations"] == 500
    assert tasks.expected_rows == 1_500_000
    assert design.conventions == Conventions()
    # Decisions and questions from every step reach the proposal.
    assert any(d.subject == "tasks.parent_id" and "max_depth" in d.choice for d in proposal.decisions)
    assert proposal.questions == ["tasks.assignee_id: will a task ever have several assignees?"]

    steps = ["entities", "relationships", "workload", "growth"]
    assert len(fake_llm.requests) == 4
    for request, step in zip(fake_llm.requests, steps, strict=True):
        assert request.path == ENDPOINT[provider]
        assert request.body["model"] == DEFAULT_MODEL[provider]
        check_auth(provider, request.headers, api_key)
        schema = sent_schema(provider, request.body)
        assert schema["type"] == "object" and "decisions" in schema["properties"]
        text = request.text()
        assert "Tasks can have subtasks with the same fields, nested one level deep and no deeper." in text
        assert f"{step.capitalize()}" in text or step in text
    assert "design" in sent_schema(provider, fake_llm.requests[0].body)["properties"]
    assert "queries" in sent_schema(provider, fake_llm.requests[2].body)["properties"]
    assert "expected_rows" in sent_schema(provider, fake_llm.requests[3].body)["properties"]
    # Each step sees the design so far as YAML: the relationships step gets the entities.
    assert "(nothing yet: this is the first step)" in fake_llm.requests[0].text()
    second = fake_llm.requests[1].text()
    assert "tables:\n  organizations:" in second
    assert "membership_role: [owner, admin, member]" in second
    # The growth step sees the workload's indexes.
    assert "serves: [project_board, status_counts]" in fake_llm.requests[3].text()


@pytest.mark.parametrize("provider", PROVIDERS)
def test_an_invalid_reply_is_sent_back_and_corrected(provider, connect, fake_llm, taskhub_requirements):
    fake_llm.reply(provider, "entities-invalid")
    for step in ("entities", "relationships", "workload", "growth"):
        fake_llm.reply(provider, step)
    proposal = connect(provider).propose(taskhub_requirements, Conventions())
    assert proposal.design.tables["tasks"].primary_key == ["id"]
    assert len(fake_llm.requests) == 5

    first, retry = fake_llm.requests[0].body, fake_llm.requests[1].body
    assert len(retry["messages"]) == len(first["messages"]) + 2
    said, correction = retry["messages"][-2], retry["messages"][-1]
    assert said["role"] == "assistant" and '"task_id"' in said["content"]
    assert correction["role"] == "user"
    assert "tasks.task_id: the primary key names column 'task_id', which tasks does not have" in correction["content"]
    # The retry asks the same step, with the same schema.
    assert sent_schema(provider, retry) == sent_schema(provider, first)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_reply_that_stays_invalid_is_a_clear_error(provider, connect, fake_llm, taskhub_requirements):
    for _ in range(3):
        fake_llm.reply(provider, "entities-invalid")
    with pytest.raises(LanguageModelError) as caught:
        connect(provider).propose(taskhub_requirements, Conventions())
    message = str(caught.value)
    assert f"{provider} ({DEFAULT_MODEL[provider]}) gave no valid reply to the entities step in 3 attempt(s)" in message
    assert "tasks.task_id: the primary key names column 'task_id'" in message
    assert len(fake_llm.requests) == 3  # default: 2 retries


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_timeout_is_a_clear_error(provider, connect, fake_llm, taskhub_requirements):
    fake_llm.reply(provider, "entities", delay=1.0)
    designer = connect(provider, timeout=0.2)
    started = time.perf_counter()
    with pytest.raises(ProviderError) as caught:
        designer.propose(taskhub_requirements, Conventions())
    assert time.perf_counter() - started < 0.9
    assert str(caught.value) == (
        f"{provider}: no reply from {fake_llm.url}{ENDPOINT[provider]} within 0.2 s; the model may be slow or"
        " overloaded (raise SCHEMASMITH_LLM_TIMEOUT, or try a smaller model)"
    )
    assert len(fake_llm.requests) == 1  # a timeout is not retried: it would only wait as long again


@pytest.mark.parametrize("provider", PROVIDERS)
def test_401_is_a_clear_error_without_the_key(provider, connect, fake_llm, taskhub_requirements, api_key):
    fake_llm.reply(provider, "error-401", status=401)
    with pytest.raises(ProviderError) as caught:
        connect(provider).propose(taskhub_requirements, Conventions())
    message = str(caught.value)
    assert message.startswith(f"{provider} rejected the API key (HTTP 401")
    assert message.endswith(f"check {KEY_VARIABLE[provider]}")
    assert api_key not in message
    assert api_key not in repr(caught.value)
    assert len(fake_llm.requests) == 1  # no retry: the key will not get better
    check_auth(provider, fake_llm.requests[0].headers, api_key)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_429_waits_as_long_as_retry_after_says_then_succeeds(provider, connect, fake_llm, queue_proposal, sleeper, taskhub_requirements):
    fake_llm.reply(provider, "error-429", status=429, headers={"retry-after": "7"})
    queue_proposal(provider)
    proposal = connect(provider).propose(taskhub_requirements, Conventions())
    assert proposal.design.name == "taskhub"
    assert sleeper.waits == [7.0]
    assert len(fake_llm.requests) == 5
    assert fake_llm.requests[0].body == fake_llm.requests[1].body  # the same request, sent again


def test_5xx_backs_off_exponentially_within_the_cap(connect, fake_llm, queue_proposal, sleeper, taskhub_requirements):
    fake_llm.reply_raw(503, b'{"error": {"message": "overloaded"}}')
    fake_llm.reply_raw(502, b"<html>bad gateway</html>")
    fake_llm.reply_raw(529, b'{"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}')
    queue_proposal("anthropic")
    connect("anthropic", backoff=1.0, max_wait=3.0).propose(taskhub_requirements, Conventions())
    assert sleeper.waits == [1.0, 2.0, 3.0]  # 1, 2, 4 capped at 3


def test_a_retry_after_beyond_the_cap_is_capped(connect, fake_llm, queue_proposal, sleeper, taskhub_requirements):
    fake_llm.reply("openai", "error-429", status=429, headers={"retry-after-ms": "250"})
    fake_llm.reply("openai", "error-429", status=429, headers={"retry-after": "3600"})
    queue_proposal("openai")
    connect("openai", max_wait=30.0).propose(taskhub_requirements, Conventions())
    assert sleeper.waits == [0.25, 30.0]


@pytest.mark.parametrize("provider", PROVIDERS)
def test_rate_limiting_that_does_not_end_is_a_clear_error(provider, connect, fake_llm, sleeper, taskhub_requirements):
    for _ in range(4):
        fake_llm.reply(provider, "error-429", status=429, headers={"retry-after": "1"})
    with pytest.raises(ProviderError) as caught:
        connect(provider).propose(taskhub_requirements, Conventions())
    assert str(caught.value).startswith(f"{provider} is rate limiting requests (HTTP 429: ")
    assert "still after 3 retries" in str(caught.value)
    assert sleeper.waits == [1.0, 1.0, 1.0]
    assert len(fake_llm.requests) == 4


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_a_missing_key_is_one_clear_sentence(provider, llm_env):
    with pytest.raises(SchemasmithError) as caught:
        make_designer(provider, None, None, None, None)
    assert str(caught.value) == (
        f"{provider}: no API key; set {KEY_VARIABLE[provider]} in the environment or in a .env file in this folder"
    )


def test_ollama_and_local_openai_servers_need_no_key(connect, fake_llm, queue_proposal, taskhub_requirements):
    queue_proposal("ollama")
    connect("ollama", key=None).propose(taskhub_requirements, Conventions())
    assert "authorization" not in fake_llm.requests[0].headers
    queue_proposal("openai")  # e.g. Ollama's /v1, vLLM, LM Studio behind OPENAI_BASE_URL
    connect("openai", key=None).propose(taskhub_requirements, Conventions())
    assert "authorization" not in fake_llm.requests[4].headers


def test_the_key_and_url_come_from_a_dotenv_file(llm_env, fake_llm, queue_proposal, taskhub_requirements, api_key):
    (llm_env / ".env").write_text(
        f"# provider settings\nexport OPENAI_API_KEY='{api_key}'\nOPENAI_BASE_URL={fake_llm.url}/v1  # the fake server\n",
        encoding="utf-8",
    )
    queue_proposal("openai")
    designer = make_designer("openai", "gpt-test", None, None, None, timeout=5.0)
    designer.propose(taskhub_requirements, Conventions())
    assert fake_llm.requests[0].headers["authorization"] == f"Bearer {api_key}"
    assert fake_llm.requests[0].body["model"] == "gpt-test"


def test_the_environment_wins_over_dotenv(llm_env, monkeypatch):
    (llm_env / ".env").write_text('OLLAMA_HOST="http://10.0.0.9:1234"\n', encoding="utf-8")
    assert OllamaProvider().base_url == "http://10.0.0.9:1234"
    monkeypatch.setenv("OLLAMA_HOST", "127.0.0.1:5678")
    assert OllamaProvider().base_url == "http://127.0.0.1:5678"
    assert OllamaProvider(base_url="http://127.0.0.1:9999").base_url == "http://127.0.0.1:9999"


@pytest.mark.parametrize("provider", PROVIDERS)
def test_an_unreachable_endpoint_is_one_clear_sentence(provider, llm_env, monkeypatch, taskhub_requirements):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv(KEY_VARIABLE[provider], "sk-test-unreachable-0000000000000000")
    designer = make_designer(provider, None, f"http://127.0.0.1:{port}", None, None, timeout=2.0)
    with pytest.raises(ProviderError) as caught:
        designer.propose(taskhub_requirements, Conventions())
    message = str(caught.value)
    assert message.startswith(f"{provider}: cannot reach http://127.0.0.1:{port}")
    assert message.endswith("is the server running and the URL right?")
    assert "sk-test" not in message


def test_other_http_errors_say_what_the_server_said(connect, fake_llm, taskhub_requirements):
    fake_llm.reply_raw(404, b'{"error": "model \\"qwen3:8b\\" not found, try pulling it first"}')
    with pytest.raises(ProviderError) as caught:
        connect("ollama").propose(taskhub_requirements, Conventions())
    assert str(caught.value) == (
        f'ollama: {fake_llm.url}/api/chat answered HTTP 404: model "qwen3:8b" not found, try pulling it first;'
        " check the model name (qwen3:8b) and the base URL"
    )
    fake_llm.reply_raw(400, b'{"error": {"message": "Invalid schema for response_format", "type": "invalid_request_error"}}')
    with pytest.raises(ProviderError, match=r"^openai refused the request \(HTTP 400: Invalid schema for response_format\)$"):
        connect("openai").propose(taskhub_requirements, Conventions())


def test_a_reply_that_is_not_json_is_a_clear_error(connect, fake_llm, taskhub_requirements):
    fake_llm.reply_raw(200, b"<html>proxy login</html>")
    with pytest.raises(ProviderError, match=r"^anthropic: the reply from http://127\.0\.0\.1:\d+/v1/messages was not JSON \(HTTP 200\)$"):
        connect("anthropic").propose(taskhub_requirements, Conventions())


def test_an_openai_refusal_is_a_clear_error(connect, fake_llm, taskhub_requirements):
    fake_llm.reply_raw(
        200,
        b'{"choices": [{"index": 0, "message": {"role": "assistant", "content": null, "refusal": "I cannot help with that."},'
        b' "finish_reason": "stop"}]}',
    )
    with pytest.raises(ProviderError, match=r"^openai \(gpt-5-mini\) refused the entities step: I cannot help with that\.$"):
        connect("openai").propose(taskhub_requirements, Conventions())


def test_a_reply_cut_off_at_the_output_limit_says_so(connect, fake_llm, taskhub_requirements):
    cut = b'{"model": "qwen3:8b", "message": {"role": "assistant", "content": "{\\"decisions\\": [{\\"subj"}, "done_reason": "length", "done": true}'
    for _ in range(3):
        fake_llm.reply_raw(200, cut)
    with pytest.raises(LanguageModelError, match="the reply is not a JSON object \\(it was cut off at the model's output limit\\)"):
        connect("ollama").propose(taskhub_requirements, Conventions())


def test_wire_details_per_provider(connect, fake_llm, queue_proposal, taskhub_requirements):
    queue_proposal("anthropic")
    connect("anthropic").propose(taskhub_requirements, Conventions())
    body = fake_llm.requests[0].body
    assert body["system"].startswith("You are a senior database designer")
    assert [m["role"] for m in body["messages"]] == ["user"]  # the system prompt is top-level
    assert body["max_tokens"] == 16000
    assert body["tools"][0]["name"] == "submit_entities"

    queue_proposal("ollama")
    connect("ollama").propose(taskhub_requirements, Conventions())
    body = fake_llm.requests[4].body
    assert body["options"]["num_ctx"] >= 16384
    assert body["stream"] is False
    # Ollama does not show the schema to the model: the prompt carries it.
    assert "## Reply schema" in body["messages"][0]["content"]

    queue_proposal("openai")
    connect("openai").propose(taskhub_requirements, Conventions())
    body = fake_llm.requests[8].body
    assert body["response_format"]["json_schema"]["name"] == "entities_reply"
    assert body["response_format"]["json_schema"]["strict"] is False
    assert [m["role"] for m in body["messages"]] == ["system", "user"]


def test_openai_itself_needs_no_schema_in_the_prompt(llm_env, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-0000000000000000000000")
    assert OpenAIProvider().schema_in_prompt is False
    assert OpenAIProvider(base_url="http://127.0.0.1:11434/v1").schema_in_prompt is True


@pytest.mark.parametrize(
    ("written", "url"),
    [
        (None, "http://127.0.0.1:11434"),
        ("localhost", "http://localhost:11434"),
        ("0.0.0.0:4321", "http://127.0.0.1:4321"),
        ("http://gpu-box:11434/", "http://gpu-box:11434"),
        ("http://gpu-box:11434/api", "http://gpu-box:11434"),
        ("https://ollama.com", "https://ollama.com"),
    ],
)
def test_ollama_host_is_read_as_ollama_reads_it(written, url, llm_env, monkeypatch):
    if written:
        monkeypatch.setenv("OLLAMA_HOST", written)
    assert OllamaProvider().base_url == url


def test_anthropic_base_url_with_or_without_v1(llm_env, monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test-000000000000000000")
    assert AnthropicProvider(base_url="https://proxy.example/v1").url == "https://proxy.example/v1/messages"
    assert AnthropicProvider().url == "https://api.anthropic.com/v1/messages"


def test_a_malformed_timeout_setting_is_an_error(llm_env, monkeypatch):
    monkeypatch.setenv("SCHEMASMITH_LLM_TIMEOUT", "soon")
    with pytest.raises(ProviderError, match="SCHEMASMITH_LLM_TIMEOUT must be a number of seconds above 0, not 'soon'"):
        OllamaProvider()
    monkeypatch.setenv("SCHEMASMITH_LLM_TIMEOUT", "12.5")
    assert OllamaProvider().timeout == 12.5


def test_helpers():
    assert retry_after({"retry-after": "2"}) == 2.0
    assert retry_after({"retry-after-ms": "1500", "retry-after": "9"}) == 1.5
    assert retry_after({}) is None
    assert retry_after({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}) == 0.0  # a date in the past
    assert shown_url("http://user:secret@host:8080/v1") == "http://host:8080/v1"
    assert redact("key sk-proj-abcdefghijklmnopqrstuv and xyz-secret-value", ["xyz-secret-value"]) == "key [REDACTED] and [REDACTED]"


def test_dotenv_reader(tmp_path):
    (tmp_path / ".env").write_text(
        "# comment\n\nexport A=1\nB = 'two words'\nC=\"x=y\"\nD=value # trailing comment\nnot a line\n", encoding="utf-8"
    )
    assert read_dotenv(tmp_path) == {"A": "1", "B": "two words", "C": "x=y", "D": "value"}
    assert read_dotenv(tmp_path / "missing") == {}


def test_the_design_so_far_is_sent_as_the_design_documents_own_yaml(connect, fake_llm, queue_proposal, taskhub_requirements):
    queue_proposal("openai")
    proposal = connect("openai").propose(taskhub_requirements, Conventions())
    before_growth = proposal.design.model_copy(deep=True)
    before_growth.growth = None
    for table in before_growth.tables.values():
        table.expected_rows = None
    growth_prompt = fake_llm.requests[-1].body["messages"][-1]["content"]
    assert dump_design(before_growth).rstrip() in growth_prompt
