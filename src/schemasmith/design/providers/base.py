"""What every language-model provider offers the designer, and the HTTP plumbing they share.

A provider turns provider-neutral chat messages plus a JSON schema into one structured reply.
The shared `HttpProvider` owns everything that is the same for all of them: keys and URLs from
the environment or `.env`, timeouts, bounded retries of 429/5xx honouring Retry-After, and
error messages a user can act on — none of which ever contains the key.
"""

from __future__ import annotations

import email.utils
import json
import os
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit, urlunsplit

import httpx

from ...errors import SchemasmithError

#: A chat message, provider-neutral: {"role": "system" | "user" | "assistant", "content": str}.
Message = dict[str, str]

#: Seconds a request may take before it is given up (generating a design can take minutes).
DEFAULT_TIMEOUT = 300.0
#: How often a 429 or 5xx is retried before the error is reported.
DEFAULT_MAX_RETRIES = 3
#: Exponential backoff: base * 2**attempt seconds, never more than `max_wait`.
DEFAULT_BACKOFF = 1.0
DEFAULT_MAX_WAIT = 60.0
#: 408 request timeout, 409 (OpenAI: lock), 429 rate limit, 5xx server, 529 Anthropic overloaded.
RETRYABLE = frozenset({408, 409, 429, 500, 502, 503, 504, 529})
TIMEOUT_VARIABLE = "SCHEMASMITH_LLM_TIMEOUT"
#: Key shapes redacted wherever text leaves the process, even when the value is not known.
KEY_PATTERN = re.compile(r"\b(sk-(?:ant-|proj-)?[A-Za-z0-9_\-]{16,})")
REDACTED = "[REDACTED]"
#: Shorter values are not redacted: they would blank out ordinary words (no real key is this short).
MIN_SECRET = 8


class ProviderError(SchemasmithError):
    """A provider cannot answer: no key, unreachable, timed out, refused or rate limited."""


@dataclass
class Reply:
    """A model's answer: the raw text, the JSON it holds (None if it is not JSON), token counts."""

    text: str
    data: Any = None
    tokens_in: int | None = None
    tokens_out: int | None = None
    truncated: bool = False  # the model hit its output limit: the JSON is likely cut off


class Provider(Protocol):
    """A language model behind an API: one structured completion per call."""

    name: str
    model: str

    def complete(self, messages: list[Message], schema: dict[str, Any], step: str) -> Reply:
        """Send `messages`, ask for JSON matching `schema` (named after `step`), return the reply."""
        ...


# --- environment ------------------------------------------------------------------------------


def read_dotenv(folder: Path | None = None) -> dict[str, str]:
    """The variables of `.env` in `folder` (default: the current folder); {} when there is none.

    The common subset of the format: `KEY=value`, `export KEY=value`, quotes, `#` comments.
    """
    path = (folder or Path.cwd()) / ".env"
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    values: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        key = key.strip().removeprefix("export ").strip()
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        if key:
            values[key] = value
    return values


def environment(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """`.env` overlaid by the process environment (the environment wins, as with python-dotenv)."""
    if env is not None:
        return dict(env)
    merged = read_dotenv()
    merged.update(os.environ)
    return merged


def known_secrets(env: Mapping[str, str] | None = None) -> list[str]:
    """Values that must never be written anywhere: every *_API_KEY / *_TOKEN in the environment."""
    values = environment(env)
    return [
        value
        for name, value in values.items()
        if len(value or "") >= MIN_SECRET and name.endswith(("_API_KEY", "_TOKEN", "_SECRET"))
    ]


def redact(text: str, secrets: list[str] | tuple[str, ...] = ()) -> str:
    """`text` with every known secret (and anything shaped like an API key) replaced."""
    for secret in sorted({s for s in secrets if s and len(s) >= MIN_SECRET}, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
        escaped = json.dumps(secret)[1:-1]
        if escaped != secret:
            text = text.replace(escaped, REDACTED)
    return KEY_PATTERN.sub(REDACTED, text)


def shown_url(url: str) -> str:
    """A URL fit for messages: user and password (if any were written into it) left out."""
    parts = urlsplit(url)
    if parts.username or parts.password:
        host = parts.hostname or ""
        if parts.port:
            host += f":{parts.port}"
        parts = parts._replace(netloc=host)
    return urlunsplit(parts)


def timeout_from_environment(env: Mapping[str, str] | None = None) -> float:
    """SCHEMASMITH_LLM_TIMEOUT in seconds, or the default; a malformed value is an error."""
    raw = environment(env).get(TIMEOUT_VARIABLE)
    if not raw:
        return DEFAULT_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if value <= 0:
        raise ProviderError(f"{TIMEOUT_VARIABLE} must be a number of seconds above 0, not {raw!r}")
    return value


# --- replies ----------------------------------------------------------------------------------

_FENCE = re.compile(r"^```[a-zA-Z]*\s*\n(?P<body>.*?)\n?```\s*$", re.DOTALL)


def parse_json_text(text: str) -> Any:
    """The JSON a reply holds, tolerating a ```json fence or prose around one object; else None."""
    stripped = text.strip()
    fence = _FENCE.match(stripped)
    if fence:
        stripped = fence["body"].strip()
    try:
        return json.loads(stripped)
    except ValueError:
        pass
    start, end = stripped.find("{"), stripped.rfind("}")
    if 0 <= start < end:
        try:
            return json.loads(stripped[start : end + 1])
        except ValueError:
            return None
    return None


def error_message(response: httpx.Response) -> str:
    """The message of an error body in any provider's shape, or the start of the raw text."""
    try:
        body = response.json()
    except ValueError:
        return " ".join(response.text.split())[:300]
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict):
            message = error.get("message") or error.get("type") or ""
            return str(message)[:300]
        if isinstance(error, str):
            return error[:300]
    return ""


# --- HTTP -------------------------------------------------------------------------------------


class HttpProvider:
    """Shared HTTP behaviour; subclasses build the request body and read the reply."""

    name = "provider"
    default_model = ""
    default_base_url = ""
    key_variable: str | None = None  # e.g. OPENAI_API_KEY
    url_variable: str | None = None  # e.g. OPENAI_BASE_URL
    path = ""  # appended to the base URL
    #: True when the server constrains output to the schema without showing it to the model
    #: (Ollama, most local OpenAI-compatible servers): the designer then puts it in the prompt.
    schema_in_prompt = False

    def __init__(
        self,
        model: str | None = None,
        base_url: str | None = None,
        *,
        api_key: str | None = None,
        timeout: float | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        backoff: float = DEFAULT_BACKOFF,
        max_wait: float = DEFAULT_MAX_WAIT,
        sleep: Callable[[float], None] = time.sleep,
        env: Mapping[str, str] | None = None,
    ):
        values = environment(env)
        self.model = model or self.default_model
        configured = base_url or (values.get(self.url_variable) if self.url_variable else None)
        self.base_url = self.normalise_base_url(configured or self.default_base_url)
        self.custom_base_url = bool(configured)
        self.api_key = api_key if api_key is not None else (values.get(self.key_variable) if self.key_variable else None)
        self.api_key = (self.api_key or "").strip() or None
        self.timeout = timeout if timeout is not None else timeout_from_environment(env)
        self.max_retries = max(0, max_retries)
        self.backoff = backoff
        self.max_wait = max_wait
        self.sleep = sleep
        self._client: httpx.Client | None = None
        self.check_key()

    # -- subclass hooks --

    def normalise_base_url(self, url: str) -> str:
        return url.rstrip("/")

    def needs_key(self) -> bool:
        return self.key_variable is not None

    def headers(self) -> dict[str, str]:
        return {}

    def request_body(self, messages: list[Message], schema: dict[str, Any], step: str) -> dict[str, Any]:
        raise NotImplementedError

    def read_reply(self, body: Any, step: str) -> Reply:
        raise NotImplementedError

    # -- shared --

    def check_key(self) -> None:
        if self.needs_key() and not self.api_key:
            raise ProviderError(
                f"{self.name}: no API key; set {self.key_variable} in the environment or in a .env file in this folder"
            )

    def secrets(self) -> list[str]:
        return [self.api_key] if self.api_key else []

    @property
    def url(self) -> str:
        return self.base_url + self.path

    def complete(self, messages: list[Message], schema: dict[str, Any], step: str) -> Reply:
        body = self.post(self.request_body(messages, schema, step))
        return self.read_reply(body, step)

    def client(self) -> httpx.Client:
        if self._client is None:
            timeout = httpx.Timeout(self.timeout, connect=min(self.timeout, 10.0))
            self._client = httpx.Client(timeout=timeout, headers={"user-agent": "schemasmith"})
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def post(self, body: dict[str, Any]) -> Any:
        """POST `body` as JSON and return the decoded JSON reply; retry 429/5xx, explain the rest."""
        shown = shown_url(self.url)
        headers = {"content-type": "application/json", **self.headers()}
        attempt = 0
        while True:
            try:
                response = self.client().post(self.url, json=body, headers=headers)
            except httpx.TimeoutException:
                raise ProviderError(
                    f"{self.name}: no reply from {shown} within {self.timeout:g} s; the model may be slow"
                    f" or overloaded (raise {TIMEOUT_VARIABLE}, or try a smaller model)"
                ) from None
            except httpx.ConnectError as error:
                reason = self._scrub(str(error)) or "connection failed"
                raise ProviderError(f"{self.name}: cannot reach {shown} ({reason}); is the server running and the URL right?") from None
            except httpx.HTTPError as error:
                reason = self._scrub(str(error)) or type(error).__name__
                raise ProviderError(f"{self.name}: the request to {shown} failed ({reason})") from None
            status = response.status_code
            if status < 300:
                try:
                    return response.json()
                except ValueError:
                    raise ProviderError(f"{self.name}: the reply from {shown} was not JSON (HTTP {status})") from None
            if status in RETRYABLE and attempt < self.max_retries:
                self.sleep(self.wait_before_retry(response, attempt))
                attempt += 1
                continue
            raise self.http_error(response, attempt)

    def wait_before_retry(self, response: httpx.Response, attempt: int) -> float:
        """Retry-After (or retry-after-ms) when the server says, else exponential backoff; capped."""
        wait = self.backoff * (2**attempt)
        said = retry_after(response.headers)
        if said is not None:
            wait = said
        return max(0.0, min(wait, self.max_wait))

    def http_error(self, response: httpx.Response, retries: int) -> ProviderError:
        status = response.status_code
        detail = self._scrub(error_message(response))
        detail = f": {detail}" if detail else ""
        if status in (401, 403):
            where = f"check {self.key_variable}" if self.key_variable else "check the server's credentials"
            return ProviderError(f"{self.name} rejected the API key (HTTP {status}{detail}); {where}")
        if status == 429:
            return ProviderError(f"{self.name} is rate limiting requests (HTTP 429{detail}), still after {retries} retries; try again later")
        if status >= 500:
            return ProviderError(f"{self.name}: server error at {shown_url(self.url)} (HTTP {status}{detail}), still after {retries} retries")
        if status == 404:
            return ProviderError(
                f"{self.name}: {shown_url(self.url)} answered HTTP 404{detail}; check the model name ({self.model}) and the base URL"
            )
        return ProviderError(f"{self.name} refused the request (HTTP {status}{detail})")

    def _scrub(self, text: str) -> str:
        return redact(text, self.secrets())


def retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds to wait from `retry-after-ms`, or `retry-after` as seconds or an HTTP date."""
    milliseconds = headers.get("retry-after-ms")
    if milliseconds:
        try:
            return float(milliseconds) / 1000.0
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
