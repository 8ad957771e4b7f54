"""The Markdown page of each rule and the index of all rules, written from the rule docstrings.

`schemasmith rules`, SARIF's rule help and docs/rules/ all show these pages, so the words of a
rule exist once: in its docstring.
"""

from __future__ import annotations

from .definition import CATEGORIES, Rule
from .profiles import INCLUDES_RULES_OF, PROFILES
from .registry import all_rules


def profiles_text(rule: Rule) -> str:
    """The profiles a rule runs under; supabase and multi-tenant include the postgres rules."""
    if not rule.profiles:
        return "all"
    names = set(rule.profiles)
    names |= {profile for profile, dialect in INCLUDES_RULES_OF.items() if dialect in names}
    return ", ".join(name for name in PROFILES if name in names)


def rule_page(rule: Rule) -> str:
    """The Markdown page of one rule."""
    lines = [
        f"# {rule.name} ({rule.code})",
        "",
        f"Category: {CATEGORIES[rule.category]} · Default severity: {rule.severity} · Profiles: {profiles_text(rule)}",
        "",
        rule.doc.strip(),
        "",
        "## Configuration",
        "",
        "Switch the rule off, or change its severity, in `pyproject.toml`:",
        "",
        "```toml",
        "[tool.schemasmith.review]",
        f'ignore = ["{rule.code}"]',
        "",
        "[tool.schemasmith.review.severity]",
        f'{rule.code} = "{"warning" if rule.severity != "warning" else "error"}"',
        "```",
        "",
        "or waive it for one table in the design document, with the reason:",
        "",
        "```yaml",
        "suppress:",
        f"  - {{rule: {rule.code}, reason: WHY this table is the exception}}",
        "```",
    ]
    return "\n".join(lines) + "\n"


def index_page() -> str:
    """docs/rules/index.md: every rule by category."""
    lines = [
        "# Review rules",
        "",
        "`schemasmith review SCHEMA` runs these rules; `schemasmith rules CODE` prints one page.",
        "Generated from the rules' docstrings by `python -m schemasmith.review.docs`; do not edit by hand.",
        "",
    ]
    rules = all_rules()
    for category, title in CATEGORIES.items():
        members = [rule for rule in rules if rule.category == category]
        if not members:
            continue
        lines += [f"## {title}", "", "| code | name | severity | profiles | what it finds |", "| --- | --- | --- | --- | --- |"]
        for rule in members:
            lines.append(f"| [{rule.code}]({rule.code}.md) | {rule.name} | {rule.severity} | {profiles_text(rule)} | {rule.summary} |")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
