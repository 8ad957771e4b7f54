"""Anthropic messages API, structured output through one forced tool.

`POST {base_url}/v1/messages` (headers `x-api-key`, `anthropic-version: 2023-06-01`) with
`tools: [{name, description, input_schema}]` and `tool_choice: {type: tool, name}`: the model
must answer by calling the tool, and the call's `input` is the JSON. The system prompt goes in
the top-level `system`; earlier replies are sent back as plain assistant text.
"""

from __future__ import annotations

import json
from typing import Any

from .base import HttpProvider, Message, ProviderError, Reply, parse_json_text

API_VERSION = "2023-06-01"


class AnthropicProvider(HttpProvider):
    name = "anthropic"
    default_model = "claude-sonnet-4-5"
    default_base_url = "https://api.anthropic.com"
    key_variable = "ANTHROPIC_API_KEY"
    url_variable = "ANTHROPIC_BASE_URL"
    path = "/v1/messages"
    max_tokens = 16000

    def normalise_base_url(self, url: str) -> str:
        # ANTHROPIC_BASE_URL is the host (the SDK's convention); tolerate a trailing /v1 too.
        return url.rstrip("/").removesuffix("/v1")

    def headers(self) -> dict[str, str]:
        return {"x-api-key": self.api_key or "", "anthropic-version": API_VERSION}

    def request_body(self, messages: list[Message], schema: dict[str, Any], step: str) -> dict[str, Any]:
        system = "\n\n".join(m["content"] for m in messages if m["role"] == "system")
        chat = [{"role": m["role"], "content": m["content"]} for m in messages if m["role"] != "system"]
        tool = tool_name(step)
        body: dict[str, Any] = {
            "model": self.model,
            "max_tokens": self.max_tokens,
            "temperature": 0,
            "messages": chat,
            "tools": [
                {
                    "name": tool,
                    "description": f"Submit the result of the {step} step as structured data.",
                    "input_schema": schema,
                }
            ],
            "tool_choice": {"type": "tool", "name": tool},
        }
        if system:
            body["system"] = system
        return body

    def read_reply(self, body: Any, step: str) -> Reply:
        if not isinstance(body, dict) or not isinstance(body.get("content"), list):
            raise ProviderError(f"{self.name}: unexpected reply from {self.url} (no content list)")
        usage = body.get("usage") or {}
        truncated = body.get("stop_reason") == "max_tokens"
        tokens = {"tokens_in": usage.get("input_tokens"), "tokens_out": usage.get("output_tokens")}
        for block in body["content"]:
            if isinstance(block, dict) and block.get("type") == "tool_use":
                data = block.get("input")
                return Reply(text=json.dumps(data, ensure_ascii=False), data=data, truncated=truncated, **tokens)
        text = "".join(b.get("text", "") for b in body["content"] if isinstance(b, dict) and b.get("type") == "text")
        return Reply(text=text, data=parse_json_text(text), truncated=truncated, **tokens)


def tool_name(step: str) -> str:
    return f"submit_{step}"
