"""The record of every model exchange, and a provider that answers from that record.

A transcript is JSON Lines, one exchange per line, appended as the design goes (a crash leaves
everything up to it): step, round, attempt, provider, model, prompt version, the messages sent,
the reply (raw text and the JSON it held), tokens in/out when the API reported them, seconds and
a UTC timestamp. Secrets are redacted before a line is written. `ReplayProvider` answers each
request with the recorded reply of the same step, in recorded order, so `--replay TRANSCRIPT`
reproduces a design with no model and no network.
"""

from __future__ import annotations

import json
from collections import defaultdict, deque
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..errors import SchemasmithError
from .providers.base import Message, Reply, known_secrets, redact


class TranscriptError(SchemasmithError):
    """A transcript cannot be written, read or replayed."""


class Transcript:
    """Writes exchanges to a JSONL file; the first record of a session starts the file afresh."""

    def __init__(self, path: str | Path, secrets: list[str] | None = None):
        self.path = Path(path)
        self.secrets = list(secrets or []) + known_secrets()
        self._started = False

    def add_secrets(self, secrets: list[str]) -> None:
        self.secrets.extend(s for s in secrets if s)

    def append(self, record: dict[str, Any]) -> None:
        line = redact(json.dumps(record, ensure_ascii=False), self.secrets)
        mode = "a" if self._started else "w"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open(mode, encoding="utf-8") as handle:
                handle.write(line + "\n")
        except OSError as error:
            raise TranscriptError(f"{self.path}: cannot write the transcript ({error.strerror or error})") from None
        self._started = True


def exchange_record(
    *,
    step: str,
    round: int,
    attempt: int,
    provider: str,
    model: str,
    prompt_version: str,
    messages: list[Message],
    reply: Reply | None,
    seconds: float,
    error: str | None = None,
) -> dict[str, Any]:
    """One transcript line, keys in a fixed order."""
    record: dict[str, Any] = {
        "step": step,
        "round": round,
        "attempt": attempt,
        "provider": provider,
        "model": model,
        "prompt_version": prompt_version,
        "prompt": messages,
        "reply": None if reply is None else {"text": reply.text, "data": reply.data, "truncated": reply.truncated},
        "tokens_in": None if reply is None else reply.tokens_in,
        "tokens_out": None if reply is None else reply.tokens_out,
        "seconds": round_seconds(seconds),
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
    }
    if error is not None:
        record["error"] = error
    return record


def round_seconds(seconds: float) -> float:
    return float(f"{seconds:.3f}")


def read_transcript(path: str | Path) -> list[dict[str, Any]]:
    """The records of a transcript file; a malformed line is an error naming its line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TranscriptError(f"{path}: no such transcript") from None
    except (OSError, UnicodeDecodeError) as error:
        raise TranscriptError(f"{path}: cannot be read ({error})") from None
    records = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            raise TranscriptError(f"{path}:{number}: not a JSON line of a transcript") from None
        if not isinstance(record, dict) or "step" not in record:
            raise TranscriptError(f"{path}:{number}: not a transcript record (no step)")
        records.append(record)
    return records


class ReplayProvider:
    """A provider that answers from a transcript instead of a model.

    Each request gets the next recorded reply of its step (records of the same step are in
    round, then attempt, order). Exchanges that failed (no reply) are skipped. Asking for more
    replies than were recorded is an error: the code or the requirements changed since.
    """

    def __init__(self, transcript_path: str | Path):
        self.path = Path(transcript_path)
        records = [record for record in read_transcript(self.path) if record.get("reply") is not None]
        if not records:
            raise TranscriptError(f"{self.path}: the transcript has no recorded replies to replay")
        self.name = str(records[0].get("provider") or "replay")
        self.model = str(records[0].get("model") or "")
        # Ask with the prompts the recording was made with: the schema was in them or not.
        self.schema_in_prompt = any(
            "## Reply schema" in str(message.get("content", ""))
            for message in records[0].get("prompt") or []
            if isinstance(message, dict) and message.get("role") == "system"
        )
        self._recorded: dict[str, int] = defaultdict(int)
        self._queues: dict[str, deque[dict[str, Any]]] = defaultdict(deque)
        for record in records:
            self._queues[record["step"]].append(record)
            self._recorded[record["step"]] += 1

    def complete(self, messages: list[Message], schema: dict[str, Any], step: str) -> Reply:
        queue = self._queues.get(step)
        if not queue:
            recorded = self._recorded.get(step, 0)
            raise TranscriptError(
                f"{self.path}: the design asked for reply {recorded + 1} of step {step!r}, but the transcript"
                f" recorded {recorded}; the requirements, the prompts or schemasmith changed since it was recorded"
            )
        record = queue.popleft()
        reply = record["reply"]
        return Reply(
            text=reply.get("text") or "",
            data=reply.get("data"),
            tokens_in=record.get("tokens_in"),
            tokens_out=record.get("tokens_out"),
            truncated=bool(reply.get("truncated")),
        )

    def remaining(self) -> int:
        """Recorded replies not asked for (a replay that used fewer than recorded)."""
        return sum(len(queue) for queue in self._queues.values())
