"""Each rule against its fixtures: `triggers*.yaml` yield exactly the findings their header
expects (`# expect: table.column, table`), `passes*.yaml` yield none of that rule."""

from __future__ import annotations

import pytest

from schemasmith.review.registry import all_rules

from .helpers import FIXTURES, fixture_header, review_of

RULES = all_rules()
CASES = sorted(
    (rule.code, path)
    for rule in RULES
    for path in (FIXTURES / rule.code).glob("*.yaml")
)


def _review(path, code):
    header = fixture_header(path)
    from .helpers import profile_for

    review = review_of(
        path.read_text(encoding="utf-8"),
        profile=header.get("profile") or profile_for(code),
        origin=header.get("origin", "design"),
        invariants=header.get("invariants", "on") != "off",
    )
    return header, [finding for finding in review.findings if finding.code == code]


@pytest.mark.parametrize("rule", RULES, ids=[rule.code for rule in RULES])
def test_every_rule_has_a_triggering_and_a_passing_fixture(rule):
    names = [path.name for path in (FIXTURES / rule.code).glob("*.yaml")]
    assert any(name.startswith("triggers") for name in names), f"{rule.code}: no triggers*.yaml"
    assert any(name.startswith("passes") for name in names), f"{rule.code}: no passes*.yaml"


@pytest.mark.parametrize(("code", "path"), CASES, ids=[f"{code}/{path.name}" for code, path in CASES])
def test_fixture(code, path):
    header, found = _review(path, code)
    places = sorted(f"{finding.table}.{finding.column}" if finding.column else str(finding.table) for finding in found)
    if path.name.startswith("passes"):
        assert places == [], [finding.message for finding in found]
    else:
        expected = sorted(item.strip() for item in header["expect"].split(",") if item.strip())
        assert places == expected, [finding.message for finding in found]
        for finding in found:
            assert finding.message and finding.reason
            assert finding.fix_sql or code == "SS310", f"{code} gives no SQL fix"
