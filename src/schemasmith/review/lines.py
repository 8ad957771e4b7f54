"""Lines of a design document for findings (`taskhub.yaml:150`), found by a quick scan.

The model's `LineMap` composes the whole YAML node tree, which on a 1,000-table document costs
as much as loading it. Findings only need the lines of tables, columns and list items, which a
design document in block layout (as `save_design` writes it and people do) shows by indentation
alone; this scan reads them in one pass. A layout it does not recognize falls back to LineMap.
"""

from __future__ import annotations

import re

import yaml

_KEY = re.compile(r"^(?P<indent> *)(?P<key>\"(?:[^\"\\]|\\.)*\"|'(?:[^']|'')*'|[^\s#'\"\-\[\{][^:#]*?)\s*:(?:\s|$)")
_ITEM = re.compile(r"^(?P<indent> *)- ")
_LIST_SECTIONS = frozenset({"unique", "checks", "foreign_keys", "indexes", "triggers", "policies", "suppress"})


def _key_text(raw: str) -> str:
    if raw[:1] in "\"'":
        try:
            return str(yaml.safe_load(raw))
        except yaml.YAMLError:
            return raw.strip("\"'")
    return raw.strip()


def scan_lines(text: str) -> dict[tuple, int] | None:
    """Paths of tables, columns and table list items → line; None when the layout is not block style."""
    lines: dict[tuple, int] = {}
    in_tables = False
    table_indent = section_indent = child_indent = None
    table = section = None
    position = -1
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(line) - len(stripped)
        if indent == 0:
            match = _KEY.match(line)
            in_tables = bool(match) and _key_text(match["key"]) == "tables"
            if in_tables:
                if line.split(":", 1)[1].strip() not in ("",):
                    return None  # tables: {…} in flow style
                lines[("tables",)] = number
            table = None
            continue
        if not in_tables:
            continue
        if table_indent is None:
            table_indent = indent
        if indent == table_indent:
            match = _KEY.match(line)
            if not match:
                return None
            table = _key_text(match["key"])
            lines[("tables", table)] = number
            section = None
            section_indent = child_indent = None
            continue
        if table is None or indent < table_indent:
            return None
        if section_indent is not None and indent == section_indent and _ITEM.match(line):
            # `- item` at the section's own indent (PyYAML's default layout)
            if section in _LIST_SECTIONS:
                position += 1
                lines[("tables", table, section, position)] = number
            child_indent = -1  # deeper lines belong to this item
            continue
        if section_indent is None or indent <= section_indent:
            match = _KEY.match(line)
            if match is None:
                continue  # a continuation of a multi-line value
            section_indent = indent
            section = _key_text(match["key"])
            lines[("tables", table, section)] = number
            child_indent = None
            position = -1
            continue
        if child_indent == -1:
            continue
        if child_indent is None:
            child_indent = indent
        if indent != child_indent:
            continue  # deeper: inside a column or item written across lines
        if section == "columns":
            match = _KEY.match(line)
            if match:
                lines[("tables", table, "columns", _key_text(match["key"]))] = number
        elif section in _LIST_SECTIONS and _ITEM.match(line):
            position += 1
            lines[("tables", table, section, position)] = number
    return lines if ("tables",) in lines else None


class DocumentLines:
    """`line_of(path)` for findings: the scan when it reads the layout, else the model's LineMap."""

    def __init__(self, file: str | None, text: str):
        self._text = text
        self._file = file
        self._scanned = scan_lines(text)
        self._fallback = None

    def line_of(self, path: tuple) -> int | None:
        if self._scanned is None:
            if self._fallback is None:
                from ..model.yamlio import LineMap

                self._fallback = LineMap(self._file, self._text)
            return self._fallback.line_of(path)
        path = tuple(path)
        while path:
            if path in self._scanned:
                return self._scanned[path]
            path = path[:-1]
        return None
