"""Apply a review finding's design-document change to a design, as a person would merge it.

Findings carry their design fix as a small YAML snippet (see `fixes.py`); the critique loop and
the tests merge it into the design's plain data and validate the result again.
"""

from __future__ import annotations

import copy

import yaml

from ..model.document import Design


def apply_to_design(design: Design, snippet: str) -> Design:
    """The design with one finding's change merged in, validated again (invariants included)."""
    from ..model.yamlio import design_from_data

    return design_from_data(apply_design_fix(design.to_data(), snippet))


#: Sections of named objects whose fixes change some of an object's fields, not the whole object.
OBJECT_SECTIONS = frozenset({"views", "functions", "sequences", "domains"})


def apply_design_fix(data: dict, snippet: str) -> dict:
    """Merge a finding's design-document change into plain design data, as a person would.

    Columns are replaced whole; a foreign key replaces the one it extends (same referenced table,
    its columns a subset); a policy replaces the one with its name; other list items are added.
    Items under a `# remove this item:` comment are removed instead.
    """
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
        elif key in OBJECT_SECTIONS and isinstance(value, dict):
            for name, fields in value.items():
                _merge_object(data.setdefault(key, {}).setdefault(name, {}), fields or {})
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


def _merge_object(entry: dict, fields: dict) -> None:
    """A view's (function's, …) changed fields: list items are added, other fields replaced."""
    for field, content in fields.items():
        if isinstance(content, list):
            items = entry.setdefault(field, [])
            items.extend(item for item in content if item not in items)
        else:
            entry[field] = content
