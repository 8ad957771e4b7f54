"""The review beside the diagram: every finding with its place, and each rule's documentation.

The studio runs the same `review_source` as `schemasmith review`, so the page and the command
line can never disagree about a design.
"""

from __future__ import annotations

from typing import Any

from ..review.definition import parse_sections
from ..review.engine import review_source
from ..review.finding import SEVERITIES
from ..review.registry import UnknownRuleError, get_rule


def review_data(schema: str) -> dict[str, Any]:
    """The findings of SCHEMA in review order, numbered so the page can link to one."""
    review = review_source(schema)
    findings = []
    for number, finding in enumerate(review.findings):
        item = finding.to_dict()
        item["id"] = number
        item["location"] = finding.location
        findings.append(item)
    return {"severities": list(SEVERITIES), "counts": review.counts(), "findings": findings, "warnings": review.warnings}


def rule_data(code: str) -> dict[str, Any] | None:
    """A rule's documentation in its fixed sections (What it does / Why is this bad? / …)."""
    try:
        rule = get_rule(code)
    except UnknownRuleError:
        return None
    return {
        "code": rule.code,
        "name": rule.name,
        "severity": rule.severity,
        "category": rule.category,
        "summary": rule.summary,
        "sections": parse_sections(rule.doc, rule.code),
    }
