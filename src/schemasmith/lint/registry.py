"""The lint rule catalogue: importing the rules package registers every rule (like review/registry.py)."""

from __future__ import annotations

from .definition import LINT_RULES, LintRule


def all_lint_rules() -> list[LintRule]:
    """Every lint rule, ordered by code."""
    from . import rules  # noqa: F401 - importing the package registers every rule

    return [LINT_RULES[code] for code in sorted(LINT_RULES)]
