"""Small English helpers for names: singular and plural of a snake_case word, word tests."""

from __future__ import annotations

import re
from functools import cache, lru_cache

_IRREGULAR = {"person": "people", "child": "children", "man": "men", "woman": "women", "datum": "data", "criterion": "criteria"}
_IRREGULAR_BACK = {plural: singular for singular, plural in _IRREGULAR.items()}
#: Nouns used without a plural ("the activity feed", "order history"): neither form is wrong.
MASS_NOUNS = frozenset(
    {
        "activity", "history", "feedback", "data", "metadata", "media", "information", "info", "staff",
        "equipment", "inventory", "software", "news", "analytics", "audit", "evidence", "progress", "series",
        "species", "traffic", "music", "content", "stock", "usage",
    }
)


@lru_cache(maxsize=8192)
def singular(word: str) -> str:
    lowered = word.lower()
    if lowered in _IRREGULAR_BACK:
        return _IRREGULAR_BACK[lowered]
    if lowered in MASS_NOUNS or lowered in _IRREGULAR:
        return lowered
    if lowered.endswith("ies") and len(lowered) > 4:
        return lowered[:-3] + "y"
    if re.search(r"(ss|x|ch|sh|zz)es$", lowered) or lowered.endswith("uses"):
        return lowered[:-2]
    if lowered.endswith("s") and not re.search(r"(ss|us|is)$", lowered):
        return lowered[:-1]
    return lowered


@lru_cache(maxsize=8192)
def plural(word: str) -> str:
    lowered = word.lower()
    if lowered in _IRREGULAR:
        return _IRREGULAR[lowered]
    if lowered in MASS_NOUNS:
        return lowered
    if re.search(r"[^aeiou]y$", lowered):
        return lowered[:-1] + "ies"
    if re.search(r"(s|x|ch|sh|z)$", lowered):
        return lowered + "es"
    return lowered + "s"


def last_word(name: str) -> str:
    return name.rsplit("_", 1)[-1].lower()


def is_plural(word: str) -> bool | None:
    """True or False for a countable word; None for a mass noun, where neither form is wrong."""
    lowered = word.lower()
    if lowered in MASS_NOUNS:
        return None
    if lowered in _IRREGULAR_BACK:
        return True
    if lowered in _IRREGULAR:
        return False
    return singular(lowered) != lowered


def parts(name: str) -> list[str]:
    """The words of an identifier: `unitPrice` and `unit_price` both give [unit, price]."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)
    return [part.lower() for part in re.split(r"[^A-Za-z0-9]+", spaced) if part]


def snake_case(name: str) -> str:
    return "_".join(parts(name)) or name


@cache
def regex(pattern: str, flags: int = 0) -> re.Pattern:
    """A compiled pattern, compiled once per review run (rules build patterns from names)."""
    return re.compile(pattern, flags)


def word_regex(word: str) -> re.Pattern:
    return regex(rf"(?<![A-Za-z0-9_]){re.escape(word)}(?![A-Za-z0-9_])", re.IGNORECASE)


def mentions(text: str, word: str) -> bool:
    """Whether `text` has `word` as a whole word (case-insensitive)."""
    return word_regex(word).search(text) is not None


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def identifiers(text: str) -> set[str]:
    """The identifier-like words of SQL text, lower-cased."""
    return {word.lower() for word in _WORD.findall(text)}
