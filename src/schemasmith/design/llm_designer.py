"""A designer backed by a language model: the workflow steps as prompts, the model as the author.

The steps are the rules designer's, asked one at a time: entities, relationships, workload,
growth; then, for each critique round, a revision that answers the review findings. Each step
has its own versioned prompt (`prompts/<step>.v1.md`) and asks for JSON matching a schema
derived from the design-document model. A reply is validated exactly as a design file is
(pydantic, then the invariants); when it fails, the problems — named by table.column — go back
to the model, a bounded number of times, before the step fails with what stayed invalid.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from ..errors import Problem, SchemaError, SchemasmithError
from ..model.document import Conventions, Design, Growth, Index, Query
from ..model.yamlio import design_from_data, dump_design
from .designer import Decision, Proposal, Unread
from .providers.base import Message, Provider, Reply
from .transcript import Transcript, exchange_record

if TYPE_CHECKING:  # pragma: no cover
    from ..review.finding import Finding

PROMPT_VERSION = "v1"
#: The steps of a first proposal, in order; `critique` answers a review afterwards.
STEPS = ("entities", "relationships", "workload", "growth")
CRITIQUE = "critique"
DEFAULT_RETRIES = 2
#: Problems listed back to the model per attempt (the rest are counted).
MAX_PROBLEMS_SENT = 40


class LanguageModelError(SchemasmithError):
    """The model's replies stayed invalid after every retry."""


# --- prompts ----------------------------------------------------------------------------------


@cache
def load_prompt(name: str) -> str:
    """The text of `prompts/<name>.<version>.md`, read from the installed package."""
    resource = resources.files(__package__).joinpath("prompts", f"{name}.{PROMPT_VERSION}.md")
    try:
        return resource.read_text(encoding="utf-8")
    except (FileNotFoundError, OSError):
        raise SchemasmithError(f"prompt {name}.{PROMPT_VERSION}.md is missing from the schemasmith package") from None


_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")


def render(template: str, **values: str) -> str:
    """Fill `{{name}}` placeholders in one pass (text put in is never scanned again)."""

    def fill(match: re.Match[str]) -> str:
        name = match[1]
        if name not in values:
            raise KeyError(f"prompt placeholder {{{{{name}}}}} has no value")
        return values[name]

    return _PLACEHOLDER.sub(fill, template)


def requirements_text(requirements: Any) -> str:
    """The requirements as plain text, from a string or a parsed `Requirements`."""
    if isinstance(requirements, str):
        return requirements
    for attribute in ("text", "raw", "source_text", "content", "source"):
        value = getattr(requirements, attribute, None)
        if isinstance(value, str) and value.strip():
            return value
    file = getattr(requirements, "file", None)
    if isinstance(file, str) and file:
        try:
            return Path(file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            pass  # rebuilt from the parsed sentences below
    rebuilt = _rebuilt_text(requirements)
    if rebuilt.strip():
        return rebuilt
    raise SchemasmithError(f"cannot read the requirements text from a {type(requirements).__name__}")


def _rebuilt_text(requirements: Any) -> str:
    """The requirements' sentences put back on their lines (a parsed `Requirements` without file)."""
    by_line: dict[int, list[str]] = {}
    for attribute in ("statements", "stories", "scale"):
        for item in getattr(requirements, attribute, None) or []:
            line, text = getattr(item, "line", None), getattr(item, "text", None)
            if isinstance(line, int) and line > 0 and isinstance(text, str):
                by_line.setdefault(line, [])
                if text not in by_line[line]:
                    by_line[line].append(text)
    title = getattr(requirements, "title", "")
    head = [f"# {title}"] if isinstance(title, str) and title and 1 not in by_line else []
    if not by_line:
        description = getattr(requirements, "description", "")
        return "\n".join([*head, description if isinstance(description, str) else ""])
    lines = [""] * max(by_line)
    for line, texts in by_line.items():
        lines[line - 1] = " ".join(texts)
    if head and not lines[0]:
        lines[0] = head[0]
    return "\n".join(lines)


def numbered(text: str) -> str:
    """Requirements with line numbers, so decisions and `unread` can cite them."""
    lines = text.splitlines() or [""]
    width = len(str(len(lines)))
    return "\n".join(f"{number:>{width}} | {line}".rstrip() for number, line in enumerate(lines, start=1))


class _PromptDumper(yaml.SafeDumper):
    """YAML for prompts: multi-line text as a literal block, long lines never folded."""


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text.rstrip("\n") if style else text, style=style)


_PromptDumper.add_representer(str, _represent_text)


def _yaml(data: Any) -> str:
    return yaml.dump(data, Dumper=_PromptDumper, sort_keys=False, allow_unicode=True, width=100_000).rstrip()


def findings_yaml(findings: list[Finding]) -> str:
    """The findings as the critique prompt shows them: code, severity, location, why, the fix."""
    items = []
    for finding in findings:
        item: dict[str, Any] = {
            "code": getattr(finding, "code", None),
            "severity": getattr(finding, "severity", None),
            "location": getattr(finding, "location", None),
            "message": getattr(finding, "message", None),
            "reason": getattr(finding, "reason", None),
        }
        if getattr(finding, "fix_design", None):
            item["suggested design change"] = finding.fix_design
        if getattr(finding, "fix_sql", None):
            item["suggested SQL"] = finding.fix_sql
        items.append({key: value for key, value in item.items() if value is not None})
    return _yaml(items) if items else "[]"


# --- reply schemas ----------------------------------------------------------------------------


class DecisionItem(BaseModel):
    subject: str = Field(description="What the decision is about: a table, table.column or enum.")
    choice: str = Field(description="What was chosen.")
    reason: str = Field(description="Why, citing the requirement line where there is one.")


class UnreadItem(BaseModel):
    line: int = Field(description="The requirement line number.")
    text: str
    why: str = Field(description="Why it could not be turned into design.")


class TableRows(BaseModel):
    table: str
    rows: int = Field(description="Rows at the end of the growth horizon.")


class _Notes(BaseModel):
    decisions: list[DecisionItem]
    questions: list[str]
    unread: list[UnreadItem]


_SCHEMA_MAPS = ("properties", "$defs", "definitions", "patternProperties")
_SCHEMA_ONE = ("items", "additionalProperties", "not", "contains")
_SCHEMA_MANY = ("anyOf", "oneOf", "allOf", "prefixItems")


def _clean(node: Any) -> Any:
    """A schema without pydantic's `title`s (they only cost tokens), walking schemas only."""
    if not isinstance(node, dict):
        return node
    result = {}
    for key, value in node.items():
        if key == "title" and isinstance(value, str):
            continue
        if key in _SCHEMA_MAPS and isinstance(value, dict):
            result[key] = {name: _clean(item) for name, item in value.items()}
        elif key in _SCHEMA_ONE and isinstance(value, dict):
            result[key] = _clean(value)
        elif key in _SCHEMA_MANY and isinstance(value, list):
            result[key] = [_clean(item) for item in value]
        else:
            result[key] = value
    return result


def _inline(node: Any, defs: dict[str, Any], seen: tuple[str, ...] = ()) -> Any:
    """Replace every local `$ref` by its definition: the most portable schema across servers."""
    if isinstance(node, list):
        return [_inline(item, defs, seen) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        if name in seen:
            raise ValueError(f"recursive schema at {name}")
        target = _inline(defs[name], defs, seen + (name,))
        extra = {key: _inline(value, defs, seen) for key, value in node.items() if key != "$ref"}
        return {**target, **extra}
    return {key: _inline(value, defs, seen) for key, value in node.items() if key not in ("$defs", "definitions")}


def _schema(model: type[BaseModel], adapt=None) -> dict[str, Any]:
    raw = model.model_json_schema(ref_template="#/$defs/{model}")
    defs = raw.pop("$defs", {})
    defs["__root__"] = raw
    if adapt is not None:
        adapt(defs)
    return _clean(_inline({"$ref": "#/$defs/__root__"}, defs))


_DEFAULT_SCHEMA = {
    "description": "A literal value, or a SQL expression such as now(); {sql: …} or {value: …} when ambiguous.",
    "anyOf": [
        {"type": "string"},
        {"type": "number"},
        {"type": "boolean"},
        {"type": "object", "properties": {"sql": {"type": "string"}}, "required": ["sql"], "additionalProperties": False},
        {
            "type": "object",
            "properties": {"value": {"type": ["string", "number", "boolean"]}},
            "required": ["value"],
            "additionalProperties": False,
        },
    ],
}
_TYPE_DESCRIPTION = (
    "Portable type: uuid, text, varchar(n), smallint, integer, bigint, numeric(p,s), real, double, boolean,"
    " date, time, timestamp, timestamptz, interval, json, bytes, enum:NAME, or T[] for an array."
)


def _adapt_design(defs: dict[str, Any]) -> None:
    """The model's schema as a writer needs it: defaults as written in YAML, no evolution keys."""
    defs["Default"] = _DEFAULT_SCHEMA
    column = defs["Column"]["properties"]
    for key in ("renamed_from", "backfill"):
        column.pop(key, None)
    column["type"]["description"] = _TYPE_DESCRIPTION
    defs["Table"]["properties"].pop("renamed_from", None)
    design = defs["__root__"]
    design["properties"].pop("conventions", None)  # the user's; schemasmith sets them
    design["required"] = ["name", "description", "enums", "tables"]


def _envelope(payload: dict[str, Any], required: list[str]) -> dict[str, Any]:
    notes = _schema(_Notes)
    return {
        "type": "object",
        "properties": {**notes["properties"], **payload},
        "required": [*notes["required"], *required],
        "additionalProperties": False,
    }


@cache
def reply_schema(kind: str) -> dict[str, Any]:
    """The JSON schema a step's reply must match: `design`, `workload` or `growth`."""
    if kind == "design":
        design = _schema(Design, _adapt_design)
        return _envelope({"design": design}, ["design"])
    if kind == "workload":
        index = _schema(Index)
        table_index = {
            **index,
            "properties": {"table": {"type": "string", "description": "The table the index belongs to."}, **index["properties"]},
            "required": ["table", *index.get("required", [])],
        }
        payload = {
            "queries": {"type": "array", "items": _schema(Query), "description": "The whole workload."},
            "indexes": {"type": "array", "items": table_index, "description": "Indexes to add."},
        }
        return _envelope(payload, ["queries", "indexes"])
    if kind == "growth":
        payload = {
            "growth": _schema(Growth),
            "expected_rows": {"type": "array", "items": _schema(TableRows)},
        }
        return _envelope(payload, ["growth", "expected_rows"])
    raise ValueError(f"unknown reply kind {kind!r}")


STEP_KIND = {"entities": "design", "relationships": "design", "workload": "workload", "growth": "growth", CRITIQUE: "design"}


# --- reading replies --------------------------------------------------------------------------


class _Invalid(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__(problems)
        self.problems = problems


@dataclass
class Notes:
    """The decisions, questions and unread lines a reply brought besides the design."""

    decisions: list[Decision] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    unread: list[Unread] = field(default_factory=list)

    def extend(self, other: Notes) -> None:
        self.decisions.extend(other.decisions)
        self.questions.extend(q for q in other.questions if q not in self.questions)
        known = {(item.line, item.text) for item in self.unread}
        self.unread.extend(item for item in other.unread if (item.line, item.text) not in known)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ("" if value is None else json.dumps(value, ensure_ascii=False))


def read_notes(data: dict[str, Any]) -> Notes:
    """Decisions, questions and unread lines, leniently: a malformed item is skipped, not retried."""
    notes = Notes()
    for item in data.get("decisions") or []:
        if isinstance(item, dict):
            notes.decisions.append(Decision(_text(item.get("subject")), _text(item.get("choice")), _text(item.get("reason"))))
        elif isinstance(item, str) and item.strip():
            notes.decisions.append(Decision("", item, ""))
    for item in data.get("questions") or []:
        if isinstance(item, str) and item.strip() and item not in notes.questions:
            notes.questions.append(item)
    for item in data.get("unread") or []:
        if isinstance(item, dict):
            try:
                line = int(item.get("line") or 0)
            except (TypeError, ValueError):
                line = 0
            notes.unread.append(Unread(line, _text(item.get("text")), _text(item.get("why"))))
    return notes


def _reply_object(reply: Reply) -> dict[str, Any]:
    if isinstance(reply.data, dict):
        return reply.data
    cut = " (it was cut off at the model's output limit)" if reply.truncated else ""
    if reply.data is None:
        raise _Invalid([Problem(f"the reply is not a JSON object{cut}")])
    raise _Invalid([Problem(f"the reply is a JSON {type(reply.data).__name__}, not an object{cut}")])


def _pydantic_problems(error: ValidationError, prefix: str) -> list[Problem]:
    problems = []
    for item in error.errors():
        where = ".".join([prefix, *(str(part) for part in item["loc"])])
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "extra_forbidden":
            message = f"unknown key {item['loc'][-1]!r}"
        elif item["type"] == "missing":
            message = f"missing required key {item['loc'][-1]!r}"
        problems.append(Problem(message, where=where))
    return problems


def _validated(data: dict[str, Any], conventions: Conventions) -> Design:
    data = {key: value for key, value in data.items() if key != "conventions"}
    data["conventions"] = conventions.model_dump(mode="json")
    try:
        return design_from_data(data)
    except SchemaError as error:
        raise _Invalid(error.problems or [Problem(str(error))]) from None


def read_design_reply(reply: Reply, current: Design | None, conventions: Conventions) -> tuple[Design, Notes]:
    data = _reply_object(reply)
    design = data.get("design")
    if not isinstance(design, dict):
        raise _Invalid([Problem("the reply needs a `design` object holding the whole design document", where="design")])
    return _validated(design, conventions), read_notes(data)


_QUERIES = TypeAdapter(list[Query])
_INDEXES = TypeAdapter(list[Index])
_INDEX_IDENTITY = ("columns", "expressions", "unique", "method", "where", "include")


def read_workload_reply(reply: Reply, current: Design | None, conventions: Conventions) -> tuple[Design, Notes]:
    data = _reply_object(reply)
    assert current is not None
    problems: list[Problem] = []
    queries: list[Query] = []
    try:
        queries = _QUERIES.validate_python(data.get("queries") or [])
    except ValidationError as error:
        problems += _pydantic_problems(error, "queries")
    raw_indexes = data.get("indexes") or []
    if not isinstance(raw_indexes, list):
        problems.append(Problem("must be a list", where="indexes"))
        raw_indexes = []
    tables = [item.get("table") if isinstance(item, dict) else None for item in raw_indexes]
    indexes: list[Index] = []
    try:
        indexes = _INDEXES.validate_python([{k: v for k, v in item.items() if k != "table"} if isinstance(item, dict) else item for item in raw_indexes])
    except ValidationError as error:
        problems += _pydantic_problems(error, "indexes")
    if problems:
        raise _Invalid(problems)
    merged = current.model_copy(deep=True)
    merged.queries = queries
    for position, (table_name, index) in enumerate(zip(tables, indexes, strict=True)):
        table = merged.tables.get(table_name) if isinstance(table_name, str) else None
        if table is None:
            problems.append(Problem(f"table {table_name!r} is not in the design", where=f"indexes.{position}.table"))
            continue
        identity = index.model_dump(include=set(_INDEX_IDENTITY))
        twin = next((old for old in table.indexes if old.model_dump(include=set(_INDEX_IDENTITY)) == identity), None)
        if twin is not None:  # already there: only record which queries it serves
            twin.serves = list(dict.fromkeys([*twin.serves, *index.serves]))
            continue
        table.indexes = [*table.indexes, index]
    if problems:
        raise _Invalid(problems)
    return _validated(merged.to_data(), conventions), read_notes(data)


def read_growth_reply(reply: Reply, current: Design | None, conventions: Conventions) -> tuple[Design, Notes]:
    data = _reply_object(reply)
    assert current is not None
    problems: list[Problem] = []
    growth = None
    try:
        growth = Growth.model_validate(data.get("growth"))
    except ValidationError as error:
        problems += _pydantic_problems(error, "growth")
    rows = data.get("expected_rows") or []
    if isinstance(rows, dict):  # {table: rows} is an understandable way to say it, too
        rows = [{"table": name, "rows": value} for name, value in rows.items()]
    merged = current.model_copy(deep=True)
    for position, item in enumerate(rows if isinstance(rows, list) else []):
        try:
            parsed = TableRows.model_validate(item)
        except ValidationError as error:
            problems += _pydantic_problems(error, f"expected_rows.{position}")
            continue
        if parsed.table not in merged.tables:
            problems.append(Problem(f"table {parsed.table!r} is not in the design", where=f"expected_rows.{position}.table"))
        elif parsed.rows < 0:
            problems.append(Problem("rows must be 0 or more", where=f"expected_rows.{position}.rows"))
        else:
            merged.tables[parsed.table].expected_rows = parsed.rows
    if problems:
        raise _Invalid(problems)
    merged.growth = growth
    return _validated(merged.to_data(), conventions), read_notes(data)


READERS = {"design": read_design_reply, "workload": read_workload_reply, "growth": read_growth_reply}


# --- the designer -----------------------------------------------------------------------------


class LanguageModelDesigner:
    """The Designer protocol over a language model (`provider`: a Provider, or its name)."""

    def __init__(
        self,
        provider: Provider | str,
        model: str | None = None,
        *,
        base_url: str | None = None,
        transcript: Transcript | None = None,
        retries: int = DEFAULT_RETRIES,
        **provider_options: Any,
    ):
        if isinstance(provider, str):
            from .providers import make_provider

            provider = make_provider(provider, model, base_url, **provider_options)
        self.provider = provider
        self.name: str = provider.name
        self.model: str = model or provider.model
        self.transcript = transcript
        self.retries = max(0, retries)
        self.round = 0
        secrets = getattr(provider, "secrets", None)
        if transcript is not None and callable(secrets):
            transcript.add_secrets(secrets())

    # -- Designer protocol --

    def propose(self, requirements: Any, conventions: Conventions) -> Proposal:
        """Entities → relationships → workload → growth, each step building on the last."""
        self.round = 0
        text = requirements_text(requirements)
        design: Design | None = None
        notes = Notes()
        for step in STEPS:
            design, step_notes = self._step(step, text, design, conventions)
            notes.extend(step_notes)
        assert design is not None
        return Proposal(design, notes.decisions, notes.questions, notes.unread)

    def revise(self, proposal: Proposal, findings: list[Finding], requirements: Any) -> Proposal:
        """The design revised to answer the review findings (one critique round)."""
        self.round += 1
        text = requirements_text(requirements)
        design, step_notes = self._step(CRITIQUE, text, proposal.design, proposal.design.conventions, findings)
        notes = Notes(list(proposal.decisions), list(proposal.questions), list(proposal.unread))
        notes.extend(step_notes)
        return Proposal(design, notes.decisions, notes.questions, notes.unread)

    def close(self) -> None:
        """Close the provider's HTTP connections (the designer stays usable: they reopen)."""
        close = getattr(self.provider, "close", None)
        if callable(close):
            close()

    # -- steps --

    def messages(
        self,
        step: str,
        text: str,
        design: Design | None,
        conventions: Conventions,
        findings: list[Finding] | None = None,
    ) -> list[Message]:
        """The system and user messages of a step's first attempt."""
        system = load_prompt("system")
        if getattr(self.provider, "schema_in_prompt", False):
            schema = json.dumps(reply_schema(STEP_KIND[step]), ensure_ascii=False, separators=(",", ":"))
            system += render(load_prompt("schema"), schema=schema)
        values = {
            "requirements": numbered(text),
            "design": dump_design(design).rstrip() if design is not None else "(nothing yet: this is the first step)",
            "conventions": _yaml(conventions.model_dump(mode="json")),
            "findings": findings_yaml(findings or []),
        }
        return [{"role": "system", "content": system}, {"role": "user", "content": render(load_prompt(step), **values)}]

    def _step(
        self,
        step: str,
        text: str,
        design: Design | None,
        conventions: Conventions,
        findings: list[Finding] | None = None,
    ) -> tuple[Design, Notes]:
        kind = STEP_KIND[step]
        schema = reply_schema(kind)
        read = READERS[kind]
        messages = self.messages(step, text, design, conventions, findings)
        attempts = self.retries + 1
        problems: list[Problem] = []
        for attempt in range(1, attempts + 1):
            reply = self._exchange(step, attempt, messages, schema)
            try:
                return read(reply, design, conventions)
            except _Invalid as invalid:
                problems = invalid.problems
            listed = "\n".join(f"- {problem}" for problem in problems[:MAX_PROBLEMS_SENT])
            if len(problems) > MAX_PROBLEMS_SENT:
                listed += f"\n- … and {len(problems) - MAX_PROBLEMS_SENT} more"
            messages = [
                *messages,
                {"role": "assistant", "content": reply.text or "(an empty reply)"},
                {"role": "user", "content": render(load_prompt("repair"), errors=listed)},
            ]
        raise LanguageModelError(
            f"{self.name} ({self.model}) gave no valid reply to the {step} step in {attempts} attempt(s);"
            " what stayed invalid:",
            problems,
        )

    def _exchange(self, step: str, attempt: int, messages: list[Message], schema: dict[str, Any]) -> Reply:
        started = time.perf_counter()
        try:
            reply = self.provider.complete(messages, schema, step)
        except SchemasmithError as error:
            self._record(step, attempt, messages, None, time.perf_counter() - started, str(error))
            raise
        except Exception as error:  # a bug, not bad input: recorded, then raised as it is
            self._record(step, attempt, messages, None, time.perf_counter() - started, f"{type(error).__name__}: {error}")
            raise
        self._record(step, attempt, messages, reply, time.perf_counter() - started)
        return reply

    def _record(self, step, attempt, messages, reply, seconds, error=None) -> None:
        if self.transcript is None:
            return
        self.transcript.append(
            exchange_record(
                step=step,
                round=self.round,
                attempt=attempt,
                provider=self.name,
                model=self.model,
                prompt_version=f"{step}.{PROMPT_VERSION}",
                messages=messages,
                reply=reply,
                seconds=seconds,
                error=error,
            )
        )
