"""Read and write design documents as YAML, keeping each node's line for error messages.

Loading composes the YAML node tree itself (rather than `yaml.safe_load`) so that duplicate keys
are caught and every value can be traced back to `file:line`. Saving builds the node tree by hand
so the layout is fixed: block style for the document's structure, one flow line per column,
constraint and index. Same design in, byte-identical file out.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..errors import Problem, SchemaError
from ..gcpause import gc_paused
from .document import Design
from .invariants import check_invariants
from .locations import Path_

STR = "tag:yaml.org,2002:str"
MAP = "tag:yaml.org,2002:map"
SEQ = "tag:yaml.org,2002:seq"


class LineMap:
    """Where each path of a loaded document was written.

    Lines are computed lazily, by composing the YAML node tree only when a problem needs a
    line: loading a valid 5,000-table document does not pay for marks it never prints.
    """

    def __init__(self, file: str | None, text: str | None = None):
        self.file = file
        self._text = text
        self._lines: dict[Path_, int] | None = None if text is not None else {}

    @property
    def lines(self) -> dict[Path_, int]:
        if self._lines is None:
            self._lines = {}
            root = yaml.compose(self._text, Loader=_FAST_LOADER)
            if root is not None:
                _construct(root, (), self, [])
        return self._lines

    def line_of(self, path: Path_) -> int | None:
        """The line of the path, or of its nearest written ancestor."""
        path = tuple(path)
        lines = self.lines
        while path:
            if path in lines:
                return lines[path]
            path = path[:-1]
        return lines.get((), None)

    def problem(self, message: str, path: Path_, where: str = "") -> Problem:
        return Problem(message=message, where=where, file=self.file, line=self.line_of(path))


class _DuplicateKey(Exception):
    pass


class _ScalarsAsWritten:
    """A scalar PyYAML cannot convert (`2001-13-45`, a 5,000-digit number, `!!int x`) is a YAML error
    at its line; PyYAML itself lets ValueError, KeyError or AttributeError escape."""

    def construct_object(self, node, deep=False):
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError) as error:
            if not isinstance(node, yaml.ScalarNode):
                raise
            kind = node.tag.rsplit(":", 1)[-1]
            shown = node.value if len(node.value) <= 40 else node.value[:40] + "…"
            reason = str(error).split(": ")[0][:80] if isinstance(error, ValueError) else "not a valid value"
            raise yaml.constructor.ConstructorError(
                None, None, f"{shown!r} cannot be read as {kind}: {reason}", node.start_mark
            ) from None


class _StrictLoader(_ScalarsAsWritten, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The fast loader, refusing duplicate keys (PyYAML keeps the last one silently)."""

    def construct_mapping(self, node, deep=False):
        self.flatten_mapping(node)
        mapping = {}
        for key_node, value_node in node.value:
            key = _key_text(key_node)
            if key in mapping:
                raise _DuplicateKey()
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping


#: Aliases may repeat what is written, within reason: a few hundred bytes of nested aliases
#: ("billion laughs") would otherwise expand to billions of values and hang every command.
_ALIAS_GROWTH = 10
_ALIAS_ALLOWANCE = 1_000_000


def _refuse_alias_bombs(root: yaml.Node) -> None:
    """Refuse an alias inside the value it names, and aliases that expand the document too far.

    Counts the values the document has once every alias is expanded, visiting each node once.
    """
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        children = [child for pair in node.value for child in pair] if isinstance(node, yaml.MappingNode) else (
            node.value if isinstance(node, yaml.SequenceNode) else []
        )
        if finished:
            open_nodes.discard(id(node))
            sizes[id(node)] = 1 + sum(sizes[id(child)] for child in children)
            continue
        if id(node) in sizes:
            continue
        open_nodes.add(id(node))
        stack.append((node, True))
        for child in children:
            if id(child) in open_nodes:
                raise yaml.constructor.ConstructorError(
                    None, None, "an alias refers to the value it is written inside, which would never end", child.start_mark
                )
            if id(child) not in sizes:
                stack.append((child, False))
    if sizes[id(root)] > _ALIAS_GROWTH * len(sizes) + _ALIAS_ALLOWANCE:
        raise yaml.constructor.ConstructorError(
            None, None, f"aliases expand this document to {sizes[id(root)]:,} values, from {len(sizes):,} written", root.start_mark
        )


def _key_text(key_node: yaml.Node) -> str:
    """A mapping key as written: keys are names, so `on:` is the name "on", not True."""
    if not isinstance(key_node, yaml.ScalarNode):
        raise yaml.constructor.ConstructorError(
            "while reading a mapping", None, "mapping keys must be plain names", key_node.start_mark
        )
    return key_node.value


_StrictLoader.add_constructor("tag:yaml.org,2002:map", _StrictLoader.construct_yaml_map)


class _AliasCheckingLoader(_StrictLoader):
    """The loader for a text that may hold aliases (an `&anchor` and a `*`): checked before building."""

    def construct_document(self, node):
        _refuse_alias_bombs(node)
        return super().construct_document(node)


def _construct(node: yaml.Node, path: Path_, lines: LineMap, problems: list[Problem]) -> Any:
    lines._lines.setdefault(path, node.start_mark.line + 1)
    if len(path) > _MAX_DEPTH and isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
        problems.append(lines.problem(f"values nest more than {_MAX_DEPTH} levels deep; a design document needs a handful", path))
        return None
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                problems.append(lines.problem("mapping keys must be plain names", path))
                continue
            key = key_node.value  # as written, like _StrictLoader: `on:` is "on"
            child = path + (key,)
            if key in result:
                where = _where(child) if path[:1] == ("tables",) else ""
                problems.append(
                    Problem(
                        f"duplicate key {key!r} (first written on line {lines._lines[child]})",
                        where=where,
                        file=lines.file,
                        line=key_node.start_mark.line + 1,
                    )
                )
                continue
            lines._lines[child] = key_node.start_mark.line + 1
            result[key] = _construct(value_node, child, lines, problems)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_construct(item, path + (index,), lines, problems) for index, item in enumerate(node.value)]
    try:
        return _CONSTRUCTOR.construct_object(node, deep=True)
    except yaml.constructor.ConstructorError as error:
        problems.append(lines.problem(error.problem, path))
        return None


class _ScalarLoader(_ScalarsAsWritten, yaml.SafeLoader):
    pass


_CONSTRUCTOR = _ScalarLoader("")
# libyaml's C parser when PyYAML was built with it: ten times faster, same nodes and marks.
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_FAST_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def parse_yaml(text: str, file: str | None = None) -> tuple[Any, LineMap]:
    """Parse YAML text into plain data plus a `LineMap`; raise `SchemaError` on syntax errors."""
    lines = LineMap(file, text)
    try:
        # Walking the node graph costs a sixth of the load: only a text with an anchor can need it.
        loader = _AliasCheckingLoader if "&" in text and "*" in text else _StrictLoader
        data = yaml.load(text, Loader=loader)
    except _DuplicateKey:
        data = None  # found again below, with its place
        heading = "the design document has duplicate keys"
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        reason = error.problem or error.context or "malformed YAML"
        raise SchemaError("malformed YAML", [Problem(reason, file=file, line=line)]) from None
    except yaml.YAMLError as error:
        raise SchemaError("malformed YAML", [Problem(str(error), file=file)]) from None
    else:
        try:
            return _string_keys(data), lines
        except _TooDeep:
            heading = "malformed YAML"  # found again below, with its place
    problems: list[Problem] = []
    lines._lines = {}
    root = yaml.compose(text, Loader=_FAST_LOADER)
    _construct(root, (), lines, problems)
    raise SchemaError(heading, problems)


#: A design document nests about eight levels; far deeper values would exhaust Python's stack.
_MAX_DEPTH = 100


class _TooDeep(Exception):
    pass


def _string_keys(value: Any, depth: int = 0) -> Any:
    """YAML reads `1:` or `yes:` as non-string keys; names in a design are always strings."""
    if isinstance(value, dict):
        if depth > _MAX_DEPTH:
            raise _TooDeep()
        return {key if isinstance(key, str) else str(key): _string_keys(item, depth + 1) for key, item in value.items()}
    if isinstance(value, list):
        if depth > _MAX_DEPTH:
            raise _TooDeep()
        return [_string_keys(item, depth + 1) for item in value]
    return value


def _where(loc: tuple) -> str:
    """`tables.tasks.columns.title` → `tasks.title` (the table.column a user thinks in)."""
    if len(loc) >= 2 and loc[0] == "tables":
        parts = [str(loc[1])]
        rest = list(loc[2:])
        if len(rest) >= 2 and rest[0] == "columns":
            parts.append(str(rest[1]))
            rest = rest[2:]
        return ".".join(parts + [str(part) for part in rest])
    return ".".join(str(part) for part in loc)


def design_from_data(data: Any, lines: LineMap | None = None) -> Design:
    """Validate plain data into a `Design`, then check its invariants; problems name their place."""
    lines = lines or LineMap(None)
    if not isinstance(data, dict):
        raise SchemaError(
            "not a design document",
            [lines.problem("expected a mapping with at least `name` and `tables`", ())],
        )
    try:
        design = Design.model_validate(data)
    except ValidationError as error:
        problems = []
        for item in error.errors():
            # The last part of an unknown or missing key is that key, however it is spelt (`[x]`, `str`).
            named = item["loc"][-1:] if item["type"] in ("extra_forbidden", "missing") else ()
            loc = tuple(part for part in item["loc"][: len(item["loc"]) - len(named)] if not _is_pydantic_branch(part)) + named
            message = item["msg"].removeprefix("Value error, ")
            if item["type"] == "extra_forbidden":
                message = f"unknown key {loc[-1]!r}"
            elif item["type"] == "missing":
                message = f"missing required key {loc[-1]!r}"
            problems.append(lines.problem(message, loc, _where(loc)))
        raise SchemaError("the design document is not valid", _dedupe(problems)) from None
    problems = check_invariants(design, lines)
    if problems:
        raise SchemaError("the design document is not consistent", problems)
    return design


def _is_pydantic_branch(part: Any) -> bool:
    # Unions add the branch name to the location ("function-after[...]", "str", "int").
    return isinstance(part, str) and (part in {"str", "int", "float", "bool"} or _BRANCH.match(part) is not None)


_BRANCH = re.compile(r"[a-z][a-z-]*\[.*\]$", re.DOTALL)  # function-after[...], list[...]; not a key `[x]`


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen, result = set(), []
    for problem in problems:
        key = (problem.where, problem.message)
        if key not in seen:
            seen.add(key)
            result.append(problem)
    return result


def load_design_text(text: str, file: str | None = None) -> Design:
    with gc_paused():
        data, lines = parse_yaml(text, file)
        return design_from_data(data, lines)


def load_design(path: str | Path) -> Design:
    """Load and check a design document file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SchemaError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise SchemaError(f"{path}: cannot be read ({error})") from None
    return load_design_text(text, str(path))


# --- saving -------------------------------------------------------------------------------

#: Inside these keys of a table, each list item is written on one flow line.
_FLOW_ITEMS = {"unique", "checks", "foreign_keys", "indexes", "triggers", "policies", "suppress"}
#: Top-level sections whose entries are each written on one flow line.
_FLOW_ENTRIES = {"enums", "schemas", "extensions", "collations", "domains", "types", "sequences", "virtual_tables"}
#: Top-level lists written one flow line per item.
_FLOW_LIST_SECTIONS = {"grants", "default_privileges"}
_WIDTH = 100_000  # never wrap: one line per column, constraint and index keeps git diffs exact


def _scalar(value: Any) -> yaml.ScalarNode:
    if value is None:
        return yaml.ScalarNode("tag:yaml.org,2002:null", "null")
    if isinstance(value, bool):
        return yaml.ScalarNode("tag:yaml.org,2002:bool", "true" if value else "false")
    if isinstance(value, int):
        return yaml.ScalarNode("tag:yaml.org,2002:int", str(value))
    if isinstance(value, float):
        if not math.isfinite(value):  # repr gives `inf`, which YAML reads back as text
            return yaml.ScalarNode("tag:yaml.org,2002:float", ".nan" if math.isnan(value) else ("-.inf" if value < 0 else ".inf"))
        return yaml.ScalarNode("tag:yaml.org,2002:float", repr(value))
    text = str(value)
    style = "|" if "\n" in text else None
    return yaml.ScalarNode(STR, text, style=style)


def _node(value: Any, flow: bool) -> yaml.Node:
    if isinstance(value, dict):
        items = [(_scalar(key), _node(item, flow)) for key, item in value.items()]
        return yaml.MappingNode(MAP, items, flow_style=flow)
    if isinstance(value, list):
        all_scalars = all(not isinstance(item, (dict, list)) for item in value)
        return yaml.SequenceNode(SEQ, [_node(item, flow) for item in value], flow_style=flow or all_scalars)
    node = _scalar(value)
    if flow and node.style == "|":
        node.style = '"'  # block scalars cannot live inside a flow collection
    return node


def _table_node(table: dict[str, Any]) -> yaml.MappingNode:
    items = []
    for key, value in table.items():
        if key == "columns":
            column_items = [(_scalar(name), _node(column, True)) for name, column in value.items()]
            node: yaml.Node = yaml.MappingNode(MAP, column_items, flow_style=False)
        elif key in _FLOW_ITEMS:
            node = yaml.SequenceNode(SEQ, [_node(item, True) for item in value], flow_style=False)
        else:
            node = _node(value, False)
        items.append((_scalar(key), node))
    return yaml.MappingNode(MAP, items, flow_style=False)


def _view_node(view: dict[str, Any]) -> yaml.MappingNode:
    items = []
    for key, value in view.items():
        if key in ("indexes", "triggers"):
            node: yaml.Node = yaml.SequenceNode(SEQ, [_node(item, True) for item in value], flow_style=False)
        else:
            node = _node(value, False)
        items.append((_scalar(key), node))
    return yaml.MappingNode(MAP, items, flow_style=False)


def dump_design(design: Design) -> str:
    """The YAML text of a design: deterministic, and loading it gives the same design back."""
    with gc_paused():
        return _dump(design)


def _dump(design: Design) -> str:
    data = design.to_data()
    items = []
    for key, value in data.items():
        if key == "tables":
            tables = [(_scalar(name), _table_node(table)) for name, table in value.items()]
            node: yaml.Node = yaml.MappingNode(MAP, tables, flow_style=False)
        elif key in _FLOW_ENTRIES:
            node = yaml.MappingNode(MAP, [(_scalar(k), _node(v, True)) for k, v in value.items()], flow_style=False)
        elif key in _FLOW_LIST_SECTIONS:
            node = yaml.SequenceNode(SEQ, [_node(item, True) for item in value], flow_style=False)
        elif key == "views":
            node = yaml.MappingNode(MAP, [(_scalar(k), _view_node(v)) for k, v in value.items()], flow_style=False)
        else:
            node = _node(value, False)
        items.append((_scalar(key), node))
    root = yaml.MappingNode(MAP, items, flow_style=False)
    return yaml.serialize(root, Dumper=_FAST_DUMPER, width=_WIDTH, allow_unicode=True)


def save_design(design: Design, path: str | Path) -> None:
    """Write a design atomically: a reader never sees half a file."""
    from ..fileio import write_text_atomic

    write_text_atomic(Path(path), dump_design(design))
