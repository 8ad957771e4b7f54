"""What a lint rule is: a code (SM1xx), a name, the FACTS kinds it looks at, docs, and `@lint_rule`.

Like review rules (review/definition.py): one function per rule, its docstring the rule's page in
the four fixed sections, so docs/rules/SM1xx.md and `--format sarif`'s rule help share the words.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ..review.definition import parse_sections
from .finding import Hazard
from .replay import Observation

CODE = re.compile(r"^SM1\d{2}$")


@dataclass(frozen=True)
class LintRule:
    code: str
    name: str
    check: Callable[[Observation], Hazard | None] = field(repr=False, compare=False)
    doc: str = field(repr=False, compare=False)

    @property
    def summary(self) -> str:
        text = " ".join(self.section("What it does").split())
        return re.split(r"(?<=\.)\s", text, maxsplit=1)[0]

    def section(self, title: str) -> str:
        return parse_sections(self.doc, self.code)[title]


LINT_RULES: dict[str, LintRule] = {}


def lint_rule(code: str, name: str):
    def register(function: Callable[[Observation], Hazard | None]):
        if not CODE.match(code) or code in LINT_RULES or any(rule.name == name for rule in LINT_RULES.values()):
            raise ValueError(f"lint rule {code} {name}: malformed or taken")
        doc = inspect.cleandoc(function.__doc__ or "")
        parse_sections(doc, code)
        LINT_RULES[code] = LintRule(code, name, function, doc)
        return function

    return register


def existing(observation: Observation) -> bool:
    """The action touches a table other sessions may be using: not one this file created."""
    return bool(observation.action.table) and not observation.new_table


def size_words(observation: Observation) -> str:
    rows = observation.rows
    return "of unknown size" if rows is None else f"of about {rows:,} rows"
