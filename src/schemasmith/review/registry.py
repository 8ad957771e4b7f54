"""The rule catalogue: every review rule, found by code or name.

The rules declare themselves with `@rule` (definition.py) when the `rules` package is imported;
the catalogue imports that package the first time it is asked, so declaring a rule never
depends on the catalogue.
"""

from __future__ import annotations

from ..errors import SchemasmithError
from .definition import RULES, Rule


class UnknownRuleError(SchemasmithError):
    """A rule code that no rule has."""


def all_rules() -> list[Rule]:
    """Every rule, ordered by code."""
    from . import rules  # noqa: F401 - importing the package registers every rule

    return [RULES[code] for code in sorted(RULES)]


def get_rule(code: str) -> Rule:
    """The rule with this code (or name); `UnknownRuleError` names the closest codes otherwise."""
    all_rules()
    wanted = code.strip()
    if wanted.upper() in RULES:
        return RULES[wanted.upper()]
    for candidate in RULES.values():
        if candidate.name == wanted.lower():
            return candidate
    raise UnknownRuleError(f"unknown rule {code!r}; `schemasmith rules` lists them ({min(RULES)}…{max(RULES)})")
