"""A table's unique keys (src/schemasmith/model/keys.py): one answer for every emitter."""

from __future__ import annotations

from schemasmith.model.document import Table
from schemasmith.model.keys import is_unique, no_index, unique_keys


def _table() -> Table:
    return Table.model_validate(
        {
            "columns": {"id": {"type": "uuid"}, "a": {"type": "text"}, "b": {"type": "text"}, "c": {"type": "text"}},
            "primary_key": ["id"],
            "unique": [{"columns": ["a", "b"]}],
            "indexes": [
                {"columns": ["c"], "unique": True},
                {"columns": ["b"], "unique": True, "where": "b IS NOT NULL"},
                {"columns": ["a"]},
            ],
        }
    )


def test_unique_keys_are_the_key_the_constraints_and_whole_unique_indexes():
    assert unique_keys(_table()) == [["id"], ["a", "b"], ["c"]]


def test_is_unique_ignores_column_order():
    assert is_unique(_table(), ["b", "a"])
    assert not is_unique(_table(), ["a"])
    assert not is_unique(_table(), ["b"])  # a partial unique index is not unique over the table


def test_a_narrower_index_test_leaves_indexes_out():
    assert unique_keys(_table(), no_index) == [["id"], ["a", "b"]]
    assert not is_unique(_table(), ["c"], no_index)
