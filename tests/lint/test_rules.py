"""Every lint rule on its fixture pair, replayed on the embedded PostgreSQL: the hazard file gives
the rule's finding at the hazard's line, its twin (the safe form, or the same statement where the
context makes it harmless) gives none of it."""

from __future__ import annotations

from pathlib import Path

import pytest

from schemasmith.lint.engine import lint
from schemasmith.lint.registry import all_lint_rules

FIXTURES = Path(__file__).parent / "fixtures"
SCHEMA = str(FIXTURES / "schema.sql")
CODES = [rule.code for rule in all_lint_rules()]


def _hazard_line(path: Path) -> int:
    """The line of the first statement that is not BEGIN or a comment."""
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if line.strip() and not line.startswith("--") and line.strip().upper() != "BEGIN;":
            return number
    raise AssertionError(path)


def test_every_rule_has_a_fixture_pair():
    for code in CODES:
        assert (FIXTURES / f"{code}.hazard.sql").is_file(), code
        assert (FIXTURES / f"{code}.safe.sql").is_file(), code


@pytest.mark.parametrize("code", CODES)
def test_hazard_fixture_gives_the_finding(code, pg_server):
    path = FIXTURES / f"{code}.hazard.sql"
    result = lint([str(path)], schema=SCHEMA)
    mine = [finding for finding in result.findings if finding.code == code]
    assert mine, f"{code} not found in {path.name}: {[(f.code, f.message) for f in result.findings]}"
    assert mine[0].file == str(path) and mine[0].line == _hazard_line(path)
    assert not result.errors


@pytest.mark.parametrize("code", CODES)
def test_safe_twin_gives_no_finding(code, pg_server):
    path = FIXTURES / f"{code}.safe.sql"
    result = lint([str(path)], schema=SCHEMA)
    assert [f for f in result.findings if f.code == code] == []
    assert result.failed == [], "the twin must run on the schema"
