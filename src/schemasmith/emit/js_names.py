"""Names and literals for the JavaScript-side targets (Prisma, Kysely/TypeScript).

Database names are snake_case, plural and may be anything PostgreSQL accepts (spaces, quotes,
reserved words, unicode). These helpers turn them into the conventional identifiers of the
JavaScript ecosystem (PascalCase singular models, camelCase fields) and into string literals,
and keep a set of taken names so that two database names never collapse into one identifier.
"""

from __future__ import annotations

import json
import re
import unicodedata

from ..text.words import singular

_WORD = re.compile(r"[A-Za-z0-9]+")
_JS_IDENTIFIER = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")

def ascii_words(name: str) -> list[str]:
    """The ASCII words of a name: accents dropped (`Café` → `Cafe`), everything else a separator.

    Case boundaries split words too (`orderLine` → `order`, `Line`), so a camelCase database name
    and its snake_case spelling give the same words.
    """
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(character for character in decomposed if not unicodedata.combining(character))
    words: list[str] = []
    for chunk in _WORD.findall(plain):
        words.extend(re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+", chunk) or [chunk])
    return words


def model_singular(word: str) -> str:
    """`text.words.singular` for a model or type name's last word, keeping `-os` words and `settings`.

    Prisma and Kysely names have kept `photos`, `todos` and `settings` as they are since their first
    release (`model Photos`), while the Python models say `Photo`; the golden files hold both, and
    renaming a model users import is a change to make on purpose, not as a side effect.
    """
    lower = word.lower()
    if lower.endswith("os") or lower == "settings":
        return lower
    return singular(lower)


def pascal_case(name: str, *, singularize: bool = False) -> str:
    """`order_lines` → `OrderLines` (or `OrderLine` singularized); '' when the name has no ASCII words."""
    words = [word.lower() for word in ascii_words(name)]
    if singularize and words and not words[-1].isdigit():
        words[-1] = model_singular(words[-1])
    return "".join(word[:1].upper() + word[1:] for word in words)


def camel_case(name: str) -> str:
    """`project_id` → `projectId`; '' when the name has no ASCII words."""
    pascal = pascal_case(name)
    return pascal[:1].lower() + pascal[1:]


class NameTable:
    """Identifiers handed out so far in one scope; `claim` never returns a name twice.

    `reserved` names are never handed out (compared case-sensitively unless `fold_case`).
    """

    def __init__(self, reserved: set[str] | frozenset[str] = frozenset(), *, fold_case: bool = False):
        self.fold_case = fold_case
        self._taken: set[str] = {self._key(name) for name in reserved}

    def _key(self, name: str) -> str:
        return name.lower() if self.fold_case else name

    def taken(self, name: str) -> bool:
        return self._key(name) in self._taken

    def claim(self, wanted: str, fallback: str) -> str:
        """`wanted` if free, else `wanted2`, `wanted3`, …; `fallback` stands in for an empty `wanted`."""
        base = wanted or fallback
        candidate, number = base, 2
        while self.taken(candidate):
            candidate = f"{base}{number}"
            number += 1
        self._taken.add(self._key(candidate))
        return candidate


def js_string(text: str) -> str:
    """A double-quoted JavaScript/TypeScript string literal of `text` (any characters)."""
    return json.dumps(text, ensure_ascii=False).replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def ts_property(name: str) -> str:
    """`name` as a TypeScript property key: bare when it is an identifier name, else quoted.

    Reserved words are fine as property names (`select: string`), so only the shape matters.
    """
    return name if _JS_IDENTIFIER.match(name) else js_string(name)


def js_comment_text(text: str) -> str:
    """Text safe inside a `/** … */` block: `*/` cannot end the comment early."""
    return text.replace("*/", "*\\/")


def one_line(text: str) -> str:
    """Text on one line: line breaks and other control characters become spaces."""
    return "".join(" " if ord(character) < 32 or character == "\x7f" else character for character in text)
