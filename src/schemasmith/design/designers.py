"""Pick a designer by name: the offline `rules` designer, or a language model behind a provider."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import SchemasmithError
from .designer import Designer
from .providers import PROVIDERS

DESIGNERS = ("rules", *PROVIDERS)


def make_designer(
    name: str,
    model: str | None = None,
    base_url: str | None = None,
    transcript: Path | None = None,
    replay: Path | None = None,
    **options: Any,
) -> Designer:
    """The designer called `name` ("rules", "openai", "anthropic", "ollama").

    `model` and `base_url` override the provider's defaults and the environment
    (OPENAI_BASE_URL, ANTHROPIC_BASE_URL, OLLAMA_HOST). `transcript` is the JSONL file every
    model exchange is appended to. `replay` answers from a recorded transcript instead of a
    model (no key, no network); `name` may then be "rules" (the default provider) or the
    recorded provider. `options`: `retries` (validation retries per step, default 2) and the
    provider's `timeout`, `max_retries`, `backoff`, `max_wait`, `sleep`, `api_key`, `env`.
    """
    from .llm_designer import LanguageModelDesigner
    from .transcript import ReplayProvider, Transcript

    if name not in DESIGNERS:
        raise SchemasmithError(f"unknown designer {name!r}; choose one of {', '.join(DESIGNERS)}")
    retries = options.pop("retries", None)
    designer_options = {} if retries is None else {"retries": retries}
    if replay is not None:
        provider = ReplayProvider(replay)
        if name != "rules" and name != provider.name:
            raise SchemasmithError(f"{replay}: the transcript was recorded with {provider.name}, not {name}")
        record = None
        if transcript is not None and Path(transcript).resolve() != Path(replay).resolve():
            record = Transcript(transcript)
        return LanguageModelDesigner(provider, provider.model, transcript=record, **designer_options)
    if name == "rules":
        from .rules_designer import RulesDesigner

        return RulesDesigner()
    return LanguageModelDesigner(
        name,
        model,
        base_url=base_url,
        transcript=Transcript(transcript) if transcript is not None else None,
        **designer_options,
        **options,
    )
