"""Fixtures for the language-model designers: a local fake provider server, recorded replies.

`fake_llm` is a real HTTP server on 127.0.0.1 (a port the OS picks) that answers each POST
with the next queued reply — a recorded provider response from `recorded/<provider>/` — and
keeps every request it received (path, headers, JSON body) for the test to inspect.
`llm_env` gives a test a clean folder and an environment without provider keys or URLs.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

RECORDED = Path(__file__).resolve().parent / "recorded"
LLM_VARIABLES = (
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "ANTHROPIC_API_KEY",
    "ANTHROPIC_BASE_URL",
    "OLLAMA_HOST",
    "OLLAMA_API_KEY",
    "SCHEMASMITH_LLM_TIMEOUT",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
)


@dataclass
class Received:
    """One request as the fake server saw it."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any

    def text(self) -> str:
        """Every message text of the request (system, chat), joined: what the model was told."""
        body = self.body if isinstance(self.body, dict) else {}
        parts = [body.get("system") or ""]
        for message in body.get("messages") or []:
            content = message.get("content")
            parts.append(content if isinstance(content, str) else json.dumps(content))
        return "\n".join(parts)


@dataclass
class Canned:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


class FakeServer:
    """A threading HTTP server on 127.0.0.1 serving queued replies in order."""

    def __init__(self) -> None:
        self.requests: list[Received] = []
        self._queue: deque[Canned] = deque()
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = raw.decode("utf-8", "replace")
                headers = {key.lower(): value for key, value in self.headers.items()}
                with server._lock:
                    server.requests.append(Received("POST", self.path, headers, body))
                    canned = server._queue.popleft() if server._queue else None
                if canned is None:
                    canned = Canned(500, b'{"error": {"message": "fake server: no reply queued"}}')
                if canned.delay:
                    time.sleep(canned.delay)
                try:
                    self.send_response(canned.status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(canned.body)))
                    for key, value in canned.headers.items():
                        self.send_header(key, value)
                    self.end_headers()
                    self.wfile.write(canned.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        self.running = True

    def reply(self, provider: str, name: str, status: int = 200, headers: dict[str, str] | None = None, delay: float = 0.0) -> None:
        """Queue the recorded body `recorded/<provider>/<name>.json`."""
        body = (RECORDED / provider / f"{name}.json").read_bytes()
        self._queue.append(Canned(status, body, dict(headers or {}), delay))

    def reply_raw(self, status: int, body: bytes, headers: dict[str, str] | None = None, delay: float = 0.0) -> None:
        self._queue.append(Canned(status, body, dict(headers or {}), delay))

    def pending(self) -> int:
        return len(self._queue)

    def stop(self) -> None:
        if self.running:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.running = False


@pytest.fixture
def fake_llm():
    server = FakeServer()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def llm_env(tmp_path, monkeypatch):
    """A clean working folder (no .env) and no provider keys, URLs or proxies in the environment."""
    for name in LLM_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def taskhub_requirements() -> str:
    return (RECORDED / "taskhub.md").read_text(encoding="utf-8")


class Sleeper:
    """A stand-in for time.sleep that records the waits instead of waiting."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def sleeper() -> Sleeper:
    return Sleeper()


#: The key every test sets; no file, request log or message other than the Authorization
#: header may ever contain it.
TEST_KEY = "sk-test-9f8e7d6c5b4a39281706f5e4d3c2b1a0"
KEY_VARIABLE = {"openai": "OPENAI_API_KEY", "anthropic": "ANTHROPIC_API_KEY", "ollama": "OLLAMA_API_KEY"}
#: The base URL each provider is given for the fake server (as a user would write it).
BASE_PATH = {"openai": "/v1", "anthropic": "", "ollama": ""}
#: The path each provider posts to.
ENDPOINT = {"openai": "/v1/chat/completions", "anthropic": "/v1/messages", "ollama": "/api/chat"}
PROVIDER_NAMES = ("openai", "anthropic", "ollama")


@pytest.fixture
def api_key() -> str:
    return TEST_KEY


@pytest.fixture
def connect(fake_llm, llm_env, monkeypatch, sleeper):
    """`connect(provider, **options)`: a designer talking to the fake server, key in the environment."""
    from schemasmith.design.designers import make_designer

    def make(provider: str, *, transcript=None, replay=None, key: str | None = TEST_KEY, **options):
        if key:
            monkeypatch.setenv(KEY_VARIABLE[provider], key)
        options.setdefault("sleep", sleeper)
        options.setdefault("timeout", 5.0)
        return make_designer(provider, None, fake_llm.url + BASE_PATH[provider], transcript, replay, **options)

    return make


@pytest.fixture
def queue_proposal(fake_llm):
    """`queue_proposal(provider)`: queue the four recorded replies of a first proposal."""

    def queue(provider: str) -> None:
        for step in ("entities", "relationships", "workload", "growth"):
            fake_llm.reply(provider, step)

    return queue
