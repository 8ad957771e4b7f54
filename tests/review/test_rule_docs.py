"""Every rule documents itself in the fixed sections, and its documented examples are true."""

from __future__ import annotations

import pytest

from schemasmith.review.definition import SECTIONS, parse_sections
from schemasmith.review.registry import all_rules

from .helpers import codes, fenced, profile_for, review_of

RULES = all_rules()
IDS = [rule.code for rule in RULES]


def test_codes_are_stable_and_dense_per_category():
    assert len(RULES) >= 30
    prefixes = {"integrity": "SS1", "design": "SS2", "operations": "SS3", "security": "SS4"}
    for rule in RULES:
        assert rule.code.startswith(prefixes[rule.category]), rule.code


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_docstring_has_the_fixed_sections(rule):
    sections = parse_sections(rule.doc, rule.code)
    assert tuple(sections) == SECTIONS
    assert all(body for body in sections.values())
    assert rule.summary.endswith(".")


#: Rules documented with SQL examples are about imported schemas; their fixtures cover them.
YAML_DOCUMENTED = [rule for rule in RULES if fenced(rule.section("Example"))[0] != "sql"]


@pytest.mark.parametrize("rule", YAML_DOCUMENTED, ids=[rule.code for rule in YAML_DOCUMENTED])
def test_documented_example_triggers_and_fix_passes(rule):
    """The docs' Example is a schema that triggers the rule; Use instead is one that does not."""
    _, example = fenced(rule.section("Example"))
    _, instead = fenced(rule.section("Use instead"))
    profile = profile_for(rule.code)
    assert rule.code in codes(review_of(example, profile=profile))
    assert rule.code not in codes(review_of(instead, profile=profile))
