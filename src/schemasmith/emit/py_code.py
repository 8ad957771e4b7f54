"""Python source written the way `ruff format` writes it, so generated files need no formatter.

The generated modules are built from a few expression shapes (calls, tuples, lists, dicts, names,
string literals). Each is written on one line when it fits in 88 columns, otherwise exploded one
item per line with a trailing comma: the "magic trailing comma" that makes ruff keep the explosion
as it is. Long strings become parenthesized implicit concatenations; docstrings are wrapped.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

LINE_LENGTH = 88
INDENT = "    "


# --- literals --------------------------------------------------------------------------------


def _escape(text: str, quote: str) -> str:
    out = []
    for character in text:
        if character == "\\":
            out.append("\\\\")
        elif character == quote:
            out.append("\\" + quote)
        elif character == "\n":
            out.append("\\n")
        elif character == "\t":
            out.append("\\t")
        elif character == "\r":
            out.append("\\r")
        elif not character.isprintable():
            code = ord(character)
            if code < 0x100:
                out.append(f"\\x{code:02x}")
            elif code < 0x10000:
                out.append(f"\\u{code:04x}")
            else:
                out.append(f"\\U{code:08x}")
        else:
            out.append(character)
    return "".join(out)


def string(text: str) -> str:
    """A string literal as ruff prefers it: double quotes unless single quotes need fewer escapes."""
    quote = "'" if text.count('"') > text.count("'") else '"'
    return quote + _escape(text, quote) + quote


def _string_chunks(text: str, width: int) -> list[str]:
    """Literals whose implicit concatenation is `text`, each at most `width` wide where possible.

    Splits after newlines first, then after spaces, then anywhere (never inside an escape).
    """
    if len(string(text)) <= width:
        return [string(text)]  # ruff joins an implicit concatenation that fits on one line
    pieces: list[str] = []
    for line in text.splitlines(keepends=True) or [text]:
        pieces.extend(_split_line(line, width))
    return [string(piece) for piece in pieces]


def _split_line(line: str, width: int) -> list[str]:
    if len(string(line)) <= width:
        return [line]
    parts: list[str] = []
    current = ""
    for word in _words_keeping_spaces(line):
        if current and len(string(current + word)) > width:
            parts.append(current)
            current = ""
        while len(string(word)) > width:
            cut = _longest_prefix(word, width)
            parts.append(word[:cut])
            word = word[cut:]
        current += word
    if current:
        parts.append(current)
    return parts


def _words_keeping_spaces(line: str) -> list[str]:
    words, current = [], ""
    for character in line:
        current += character
        if character == " ":
            words.append(current)
            current = ""
    if current:
        words.append(current)
    return words


def _longest_prefix(word: str, width: int) -> int:
    cut = 1
    while cut < len(word) and len(string(word[: cut + 1])) <= width:
        cut += 1
    return cut


def docstring(text: str, indent: int) -> list[str]:
    """A docstring wrapped to fit, as ruff leaves it (trailing quote and backslashes made safe)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    body = _escape_docstring(text)
    width = LINE_LENGTH - indent
    paragraphs = [" ".join(paragraph.split()) for paragraph in body.split("\n\n")]
    pad = " " * indent
    if len(paragraphs) == 1 and len(pad) + 6 + len(paragraphs[0]) <= LINE_LENGTH:
        lines = paragraphs
    else:
        lines = []
        for joined in paragraphs:
            if lines:
                lines.append("")
            room = width - 3
            if len(paragraphs) == 1 and len(joined) <= room:
                room = max(1, len(joined) - 1)  # ruff joins a lone line with its closing quotes
            lines.extend(textwrap.wrap(joined, width=room, break_long_words=True, break_on_hyphens=False) or [""])
    if len(lines) == 1 and len(pad) + 6 + len(lines[0]) <= LINE_LENGTH:
        single = lines[0]
        if single.endswith('"'):
            single += " "
        return [f'{pad}"""{single}"""']
    out = [f'{pad}"""{lines[0]}']
    out.extend(f"{pad}{line}" if line else "" for line in lines[1:])
    out.append(f'{pad}"""')
    return out


def _escape_docstring(text: str) -> str:
    out = []
    for character in text:
        if character == "\\":
            out.append("\\\\")
        elif character == "\t":
            out.append(" ")
        elif character != "\n" and not character.isprintable():
            out.append(" ")
        else:
            out.append(character)
    escaped = "".join(out).replace('"""', '\\"\\"\\"')
    return escaped


# --- expressions -----------------------------------------------------------------------------


class Expr:
    """A piece of Python code that can be written flat or exploded."""

    def flat(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError


@dataclass
class Raw(Expr):
    """Code written as is (a name, a number, an already-formatted small expression)."""

    code: str

    def flat(self) -> str:
        return self.code


@dataclass
class Str(Expr):
    """A string literal that may be split into an implicit concatenation when too long."""

    text: str

    def flat(self) -> str:
        return string(self.text)


@dataclass
class Call(Expr):
    func: str
    args: list[Expr] = field(default_factory=list)
    kwargs: list[tuple[str, Expr]] = field(default_factory=list)
    tail: str = ""  # written after the closing parenthesis: `.ddl_if(dialect="sqlite")`

    def items(self) -> list[tuple[str, Expr]]:
        return [("", arg) for arg in self.args] + [(f"{name}=", value) for name, value in self.kwargs]

    def flat(self) -> str:
        return f"{self.func}(" + ", ".join(prefix + value.flat() for prefix, value in self.items()) + ")" + self.tail


@dataclass
class Seq(Expr):
    """A tuple, list or set display."""

    items_: list[Expr]
    opener: str = "("
    closer: str = ")"

    def items(self) -> list[tuple[str, Expr]]:
        return [("", item) for item in self.items_]

    def flat(self) -> str:
        inner = ", ".join(item.flat() for item in self.items_)
        if self.opener == "(" and len(self.items_) == 1:
            inner += ","
        return self.opener + inner + self.closer


@dataclass
class Dict(Expr):
    pairs: list[tuple[Expr, Expr]]

    def items(self) -> list[tuple[str, Expr]]:
        return [(key.flat() + ": ", value) for key, value in self.pairs]

    def flat(self) -> str:
        return "{" + ", ".join(f"{key.flat()}: {value.flat()}" for key, value in self.pairs) + "}"


def tuple_(items: list[Expr]) -> Seq:
    return Seq(items, "(", ")")


def list_(items: list[Expr]) -> Seq:
    return Seq(items, "[", "]")


def s(text: str) -> Str:
    return Str(text)


def r(code: str) -> Raw:
    return Raw(code)


def lines(expr: Expr, indent: int, prefix: str = "", suffix: str = "") -> list[str]:
    """`prefix + expr + suffix` at `indent` spaces: flat when it fits, else exploded."""
    pad = " " * indent
    flat = pad + prefix + expr.flat() + suffix
    if len(flat) <= LINE_LENGTH:
        return [flat]
    if isinstance(expr, (Call, Seq, Dict)) and expr.items():
        if isinstance(expr, Call):
            opener, closer = expr.func + "(", ")" + expr.tail
        elif isinstance(expr, Seq):
            opener, closer = expr.opener, expr.closer
        else:
            opener, closer = "{", "}"
        out = [pad + prefix + opener]
        for item_prefix, item in expr.items():
            out.extend(lines(item, indent + 4, item_prefix, ","))
        out.append(pad + closer + suffix)
        return out
    if isinstance(expr, Str):
        if prefix:
            chunks = _string_chunks(expr.text, LINE_LENGTH - indent - 4)
            return [pad + prefix + "("] + [pad + INDENT + chunk for chunk in chunks] + [pad + ")" + suffix]
        chunks = _string_chunks(expr.text, LINE_LENGTH - indent - len(suffix))
        if len(chunks) > 1:
            return [pad + chunk for chunk in chunks[:-1]] + [pad + chunks[-1] + suffix]
    return [flat]


def statement(code_prefix: str, expr: Expr, indent: int = 0) -> list[str]:
    """A statement such as `x = expr`, `name: T = expr` or a bare expression."""
    return lines(expr, indent, code_prefix)


@dataclass
class Imports:
    """`import x` and `from x import y` lines, sorted the way ruff's isort rules sort them."""

    modules: set[str] = field(default_factory=set)
    names: dict[str, set[str]] = field(default_factory=dict)
    future: bool = False

    def add(self, module: str, name: str | None = None) -> None:
        if name is None:
            self.modules.add(module)
        else:
            self.names.setdefault(module, set()).add(name)

    def render(self, first_party: set[str] = frozenset()) -> list[str]:  # type: ignore[assignment]
        out: list[str] = []
        if self.future:
            out += ["from __future__ import annotations", ""]
        groups: dict[bool, list[tuple[str, str]]] = {False: [], True: []}
        stdlib = {"collections", "datetime", "decimal", "json", "uuid", "typing", "enum"}
        for module in self.modules:
            groups[module.split(".")[0] not in stdlib].append((module, f"import {module}"))
        for module, names in self.names.items():
            ordered = sorted(names, key=_isort_key)
            groups[module.split(".")[0] not in stdlib].append((module, _from_import(module, ordered)))
        for third_party in (False, True):
            entries = groups[third_party]
            if not entries:
                continue
            # isort's default (force_sort_within_sections off): plain imports first, then from-imports
            plain = sorted((e for e in entries if e[1].startswith("import ")), key=lambda e: e[0].lower())
            froms = sorted((e for e in entries if e[1].startswith("from ")), key=lambda e: e[0].lower())
            for _module, text in plain + froms:
                out.extend(text.split("\n"))
            out.append("")
        while out and out[-1] == "":
            out.pop()
        return out


def _isort_key(name: str) -> tuple[int, str]:
    # isort's order-by-type: CONSTANTS, then Classes, then functions/variables
    if name.isupper() and len(name) > 1:
        return (0, name)
    if name[:1].isupper():
        return (1, name)
    return (2, name)


def _from_import(module: str, names: list[str]) -> str:
    one_line = f"from {module} import {', '.join(names)}"
    if len(one_line) <= LINE_LENGTH:
        return one_line
    return "\n".join([f"from {module} import ("] + [f"    {name}," for name in names] + [")"])


def join_blocks(head: list[str], blocks: list[tuple[str, list[str]]]) -> str:
    """Top-level blocks with ruff's blank lines: two around classes and functions, one between assignments."""
    out = list(head)
    previous = "head"
    for kind, block in blocks:
        if previous == "head":
            out += ["", ""] if kind == "def" else [""]
        elif kind == "def" or previous == "def":
            out += ["", ""]
        else:
            out += [""]
        out += block
        previous = kind
    return "\n".join(out) + "\n"
