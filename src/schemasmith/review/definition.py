"""What a review rule is: its stable code, name, default severity, docs, and `@rule` to declare one.

A rule is one function decorated with `@rule(...)`. Its docstring is its documentation, in four
fixed Markdown sections (What it does / Why is this bad? / Example / Use instead), from which
`schemasmith rules CODE` and docs/rules/ are generated, so the words exist once. The rule modules
import this module only; the catalogue of all rules (registry.py) imports them.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .finding import SEVERITIES, Severity, Violation

if TYPE_CHECKING:
    from .context import Context

#: The sections every rule docstring has, in this order.
SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead")
CATEGORIES = {"integrity": "Integrity", "design": "Design", "operations": "Operations", "security": "Security"}
CODE = re.compile(r"^SS\d{3}$")
NAME = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    category: str
    check: Callable[[Context], Iterable[Violation]] = field(repr=False, compare=False)
    doc: str = field(repr=False, compare=False)
    #: Profiles the rule runs under; empty: every profile.
    profiles: frozenset[str] = frozenset()

    @property
    def summary(self) -> str:
        """The first sentence of "What it does", for lists."""
        text = " ".join(self.section("What it does").split())
        return re.split(r"(?<=\.)\s", text, maxsplit=1)[0]

    def section(self, title: str) -> str:
        return parse_sections(self.doc)[title]

    def applies_to(self, profiles: frozenset[str]) -> bool:
        return not self.profiles or bool(self.profiles & profiles)


RULES: dict[str, Rule] = {}


def rule(code: str, name: str, severity: Severity, category: str, profiles: tuple[str, ...] = ()):
    """Register the decorated function as a rule; its docstring is the rule's documentation."""

    def register(function: Callable[[Context], Iterable[Violation]]):
        if not CODE.match(code) or code in RULES:
            raise ValueError(f"rule code {code!r} is malformed or taken")
        if not NAME.match(name) or any(existing.name == name for existing in RULES.values()):
            raise ValueError(f"rule name {name!r} is malformed or taken")
        if severity not in SEVERITIES or category not in CATEGORIES:
            raise ValueError(f"{code}: bad severity {severity!r} or category {category!r}")
        doc = inspect.cleandoc(function.__doc__ or "")
        parse_sections(doc, code)  # fails at import time when a section is missing
        RULES[code] = Rule(code, name, severity, category, function, doc, frozenset(profiles))
        return function

    return register


def parse_sections(doc: str, code: str = "") -> dict[str, str]:
    """The four sections of a rule docstring, by title; raise when one is missing or extra."""
    parts = re.split(r"^## (.+)$", doc, flags=re.MULTILINE)
    titles = tuple(part.strip() for part in parts[1::2])
    if titles != SECTIONS or parts[0].strip():
        raise ValueError(f"{code}: a rule docstring has exactly the sections {SECTIONS}, got {titles}")
    return {title.strip(): body.strip() for title, body in zip(parts[1::2], parts[2::2])}
