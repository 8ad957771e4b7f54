"""Language-model providers: OpenAI(-compatible), Anthropic and Ollama behind one protocol."""

from __future__ import annotations

from typing import Any

from ...errors import SchemasmithError
from .base import Message, Provider, ProviderError, Reply

PROVIDERS = ("openai", "anthropic", "ollama")


def provider_class(name: str) -> type:
    if name == "openai":
        from .openai import OpenAIProvider

        return OpenAIProvider
    if name == "anthropic":
        from .anthropic import AnthropicProvider

        return AnthropicProvider
    if name == "ollama":
        from .ollama import OllamaProvider

        return OllamaProvider
    raise SchemasmithError(f"unknown provider {name!r}; choose one of rules, {', '.join(PROVIDERS)}")


def make_provider(name: str, model: str | None = None, base_url: str | None = None, **options: Any) -> Provider:
    """A provider by name; `options` go to `HttpProvider` (timeout, max_retries, sleep, env, …)."""
    return provider_class(name)(model, base_url, **options)


__all__ = ["PROVIDERS", "Message", "Provider", "ProviderError", "Reply", "make_provider", "provider_class"]
