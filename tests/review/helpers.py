"""Shared helpers of the review tests: load small designs, run one rule, read fixture headers."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from schemasmith.model.document import Design
from schemasmith.model.yamlio import design_from_data
from schemasmith.review.engine import Review, review_design
from schemasmith.review.registry import get_rule

FIXTURES = Path(__file__).parent / "fixtures"


def design_of(text: str, *, invariants: bool = True) -> Design:
    """A design from YAML text; `name` may be left out. Without invariants: as an importer might see it."""
    data = yaml.safe_load(text) or {}
    data.setdefault("name", "example")
    if invariants:
        return design_from_data(data)
    return Design.model_validate(data)


def review_of(text: str, *, profile: str | None = None, origin: str = "design", invariants: bool = True, settings=None) -> Review:
    return review_design(design_of(text, invariants=invariants), origin=origin, profile=profile, settings=settings)


def profile_for(code: str) -> str | None:
    rule = get_rule(code)
    if not rule.profiles:
        return None
    return min(rule.profiles)


def codes(review: Review) -> list[str]:
    return [finding.code for finding in review.findings]


def fenced(section: str) -> tuple[str, str]:
    """The (language, code) of the first fenced block of a docstring section."""
    match = re.search(r"```(\w+)\n(.*?)\n```", section, re.DOTALL)
    assert match, "a rule's Example and Use instead hold a fenced block"
    return match.group(1), match.group(2)


def fixture_header(path: Path) -> dict[str, str]:
    """`# key: value` lines at the top of a fixture: expect, profile, origin, invariants."""
    header = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^#\s*(expect|profile|origin|invariants):\s*(.*)$", line)
        if match:
            header[match.group(1)] = match.group(2).strip()
        elif line.strip() and not line.startswith("#"):
            break
    return header


from schemasmith.review.patch import apply_design_fix  # noqa: E402,F401 - the tests' merge is the product's
