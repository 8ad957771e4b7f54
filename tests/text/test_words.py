"""The one English singular and plural every command uses (src/schemasmith/text/words.py)."""

from __future__ import annotations

import pytest

from schemasmith.text.words import is_plural, last_word, plural, singular


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("tasks", "task"),
        ("categories", "category"),
        ("addresses", "address"),
        ("boxes", "box"),
        ("branches", "branch"),
        ("warehouses", "warehouse"),
        ("statuses", "status"),
        ("buses", "bus"),
        ("campuses", "campus"),
        ("people", "person"),
        ("children", "child"),
        ("indices", "index"),
        ("analyses", "analysis"),
        ("photos", "photo"),
        ("status", "status"),
        ("news", "news"),
        ("series", "series"),
        ("data", "data"),
        ("Orders", "order"),
        ("order_lines", "order_line"),
        ("is", "is"),
    ],
)
def test_singular(word, expected):
    assert singular(word) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("task", "tasks"),
        ("category", "categories"),
        ("day", "days"),
        ("box", "boxes"),
        ("address", "addresses"),
        ("person", "people"),
        ("datum", "data"),
        ("analysis", "analyses"),
        ("quiz", "quizzes"),
        ("history", "history"),
        # the word is taken as singular: a plural gets another ending (callers singularize first)
        ("orders", "orderses"),
    ],
)
def test_plural(word, expected):
    assert plural(word) == expected


def test_plural_of_the_singular_round_trips():
    for word in ("tasks", "categories", "addresses", "people", "statuses", "warehouses"):
        assert plural(singular(word)) == word


@pytest.mark.parametrize(
    ("word", "expected"),
    [("tasks", True), ("task", False), ("people", True), ("person", False), ("status", False), ("activity", None), ("data", None)],
)
def test_is_plural(word, expected):
    assert is_plural(word) is expected


def test_last_word():
    assert last_word("Order_Lines") == "lines"
    assert last_word("tasks") == "tasks"
