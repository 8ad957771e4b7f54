"""Word helpers for review rules: the shared English singular and plural, identifier parts, word tests."""

from __future__ import annotations

import re
from functools import cache

from ..text import words
from ..text.words import last_word

__all__ = ["identifiers", "last_word", "mentions", "parts", "regex", "singular", "snake_case", "word_regex"]


def singular(word: str) -> str:
    """`text.words.singular`, lower-cased, except that every `-uses` loses `-es` (`warehouses` → `warehous`).

    The exception is the review's own released spelling, held byte for byte in its golden text
    ("deleting a warehous deletes …"); dropping it is a fix to make on purpose, with the golden
    files, not as a side effect of sharing the singularizer.
    """
    lowered = word.lower()
    if lowered.endswith("uses"):
        return lowered[:-2]
    return words.singular(lowered)


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
