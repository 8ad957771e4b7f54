"""A table's unique keys, and whether a set of columns is one of them (is a foreign key one-to-one?)."""

from __future__ import annotations

from collections.abc import Callable

from .document import Index, Table


def _every_index(index: Index) -> bool:
    return True


def unique_keys(
    table: Table,
    counts_index: Callable[[Index], bool] = _every_index,
    known_columns: set[str] | None = None,
) -> list[list[str]]:
    """Column sets the database keeps unique: primary key, unique constraints, plain unique indexes.

    A unique index counts when it has no expression and no WHERE (it is unique over whole columns)
    and `counts_index` accepts it: a target that cannot declare some indexes (Prisma) or declares
    none (the Python models' relationships) passes a narrower test.
    """
    known = known_columns or set(table.columns)
    keys: list[list[str]] = []
    if table.primary_key:
        keys.append(list(table.primary_key))
    keys += [list(unique.columns) for unique in table.unique]
    keys += [
        [key.column for key in index.keys(known)]
        for index in table.indexes
        if index.unique and not index.expressions and not index.where and counts_index(index)
    ]
    return keys


def is_unique(table: Table, columns: list[str], counts_index: Callable[[Index], bool] = _every_index) -> bool:
    """Whether `columns` (in any order) are exactly one of the table's unique keys."""
    wanted = sorted(columns)
    return any(sorted(key) == wanted for key in unique_keys(table, counts_index))


def no_index(index: Index) -> bool:
    """A `counts_index` that counts only the primary key and unique constraints."""
    return False
