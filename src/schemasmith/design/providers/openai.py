"""OpenAI chat completions with structured output, for any OpenAI-compatible endpoint.

`POST {base_url}/chat/completions` with `response_format: {type: json_schema, json_schema:
{name, schema, strict: false}}`: OpenAI itself, and through `base_url` (OPENAI_BASE_URL)
Ollama's `/v1`, vLLM, LM Studio or a llama.cpp server. `strict` stays off because the design
document maps names to tables and columns (`additionalProperties` with a schema), which strict
mode cannot express; the reply is validated here instead, and errors are sent back.
"""

from __future__ import annotations

from typing import Any

from .base import HttpProvider, Message, ProviderError, Reply, parse_json_text

OPENAI_URL = "https://api.openai.com/v1"


class OpenAIProvider(HttpProvider):
    name = "openai"
    default_model = "gpt-5-mini"
    default_base_url = OPENAI_URL
    key_variable = "OPENAI_API_KEY"
    url_variable = "OPENAI_BASE_URL"
    path = "/chat/completions"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Local OpenAI-compatible servers constrain decoding with the schema but never show it
        # to the model; OpenAI does. Elsewhere the designer writes the schema into the prompt.
        self.schema_in_prompt = self.base_url != OPENAI_URL

    def needs_key(self) -> bool:
        # OpenAI needs a key; a local server given by base URL (Ollama, vLLM, …) usually does not.
        return self.base_url == OPENAI_URL

    def headers(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self.api_key}"} if self.api_key else {}

    def request_body(self, messages: list[Message], schema: dict[str, Any], step: str) -> dict[str, Any]:
        return {
            "model": self.model,
            "messages": [{"role": m["role"], "content": m["content"]} for m in messages],
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": f"{step}_reply", "schema": schema, "strict": False},
            },
        }

    def read_reply(self, body: Any, step: str) -> Reply:
        try:
            choice = body["choices"][0]
            message = choice["message"]
        except (KeyError, IndexError, TypeError):
            raise ProviderError(f"{self.name}: unexpected reply from {self.url} (no choices[0].message)") from None
        if message.get("refusal"):
            raise ProviderError(f"{self.name} ({self.model}) refused the {step} step: {self._scrub(str(message['refusal']))[:300]}")
        text = message.get("content") or ""
        usage = body.get("usage") or {}
        return Reply(
            text=text,
            data=parse_json_text(text),
            tokens_in=usage.get("prompt_tokens"),
            tokens_out=usage.get("completion_tokens"),
            truncated=choice.get("finish_reason") == "length",
        )
