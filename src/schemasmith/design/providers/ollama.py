"""Ollama's native chat API with a JSON-schema `format`.

`POST {OLLAMA_HOST}/api/chat` with `{model, messages, format: <JSON schema>, stream: false,
options}`; the reply's `message.content` is the JSON text, `prompt_eval_count` / `eval_count`
the tokens. Ollama constrains decoding to the schema without showing it to the model, so the
designer writes the schema into the prompt as well. A key (OLLAMA_API_KEY, sent as a bearer
token) only when the server asks for one: ollama.com, or a proxy in front of a local server.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from .base import HttpProvider, Message, ProviderError, Reply, parse_json_text

DEFAULT_PORT = 11434


class OllamaProvider(HttpProvider):
    name = "ollama"
    default_model = "qwen3:8b"
    default_base_url = f"http://127.0.0.1:{DEFAULT_PORT}"
    key_variable = "OLLAMA_API_KEY"  # only for a hosted Ollama (ollama.com) or a proxy that asks
    url_variable = "OLLAMA_HOST"
    path = "/api/chat"
    schema_in_prompt = True
    #: Ollama's default context (2–4k tokens) silently cuts a design prompt; ask for more.
    num_ctx = 16384

    def normalise_base_url(self, url: str) -> str:
        # OLLAMA_HOST may be `host`, `host:port` or a URL; Ollama's own client reads it the same way.
        url = url.strip().rstrip("/")
        if "://" not in url:
            url = "http://" + url
        parts = urlsplit(url)
        host = parts.hostname or "127.0.0.1"
        if host == "0.0.0.0":
            host = "127.0.0.1"  # the address the server listens on, not one to connect to
        port = parts.port or (DEFAULT_PORT if parts.scheme == "http" else None)
        netloc = f"[{host}]" if ":" in host else host
        if port:
            netloc += f":{port}"
        path = parts.path.rstrip("/").removesuffix("/api")
        return f"{parts.scheme}://{netloc}{path}"

    def needs_key(self) -> bool:
        return False

    def headers(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self.api_key}"} if self.api_key else {}

    def request_body(self, messages: list[Message], schema: dict[str, Any], step: str) -> dict[str, Any]:
        return {
            "model": self.model,
            "messages": [{"role": m["role"], "content": m["content"]} for m in messages],
            "format": schema,
            "stream": False,
            "think": False,
            "options": {"temperature": 0, "num_ctx": self.num_ctx},
        }

    def read_reply(self, body: Any, step: str) -> Reply:
        try:
            text = body["message"]["content"] or ""
        except (KeyError, TypeError):
            raise ProviderError(f"{self.name}: unexpected reply from {self.url} (no message.content)") from None
        return Reply(
            text=text,
            data=parse_json_text(text),
            tokens_in=body.get("prompt_eval_count"),
            tokens_out=body.get("eval_count"),
            truncated=body.get("done_reason") == "length",
        )
