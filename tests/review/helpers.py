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


# --- applying a finding's design change back to the design -----------------------------------


def apply_design_fix(data: dict, snippet: str) -> dict:
    """Merge a finding's design-document change into plain design data, as a person would.

    Columns are replaced whole; a foreign key replaces the one it extends (same referenced table,
    its columns a subset); a policy replaces the one with its name; other list items are added.
    Items under a `# remove this item:` comment are removed instead.
    """
    import copy

    data = copy.deepcopy(data)
    removing, kept_lines = [], []
    mode = "add"
    for line in snippet.splitlines():
        stripped = line.strip()
        if stripped.startswith("# remove this item"):
            mode = "remove"
            continue
        if stripped.startswith("# add"):
            mode = "add"
            continue
        if stripped.startswith("#"):
            continue
        if mode == "remove" and stripped.startswith("- "):
            removing.append(yaml.safe_load(stripped[2:]))
            continue
        kept_lines.append(line)
    patch = yaml.safe_load("\n".join(kept_lines)) or {}
    for item in removing:
        for table in data.get("tables", {}).values():
            if item in table.get("indexes", []):
                table["indexes"].remove(item)
    for key, value in patch.items():
        if key == "tables":
            for name, sections in value.items():
                table = data.setdefault("tables", {}).setdefault(name, {})
                for section, content in (sections or {}).items():
                    if content is not None:  # a section whose only items were removed
                        _merge_section(table, section, content)
        elif isinstance(value, dict):
            data.setdefault(key, {}).update(value)
        else:
            data[key] = value
    return data


def _merge_section(table: dict, section: str, content) -> None:
    if section == "columns":
        table.setdefault("columns", {}).update(content)
    elif isinstance(content, list):
        items = table.setdefault(section, [])
        for item in content:
            if section == "foreign_keys":
                items[:] = [
                    old for old in items
                    if not (old["references"]["table"] == item["references"]["table"] and set(old["columns"]) <= set(item["columns"]))
                ]
            if section == "policies":
                items[:] = [old for old in items if old.get("name") != item.get("name")]
            if item not in items:
                items.append(item)
    else:
        table[section] = content
