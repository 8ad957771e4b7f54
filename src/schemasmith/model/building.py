"""Build document objects from the fields that differ from their defaults.

pydantic validates every keyword it is given, defaults included (and runs the "before"
validators on them: a `default=None` goes through `Default.parse`). An importer passes every
field of every column, so half of its construction time went to checking values the class
would have taken anyway. `build` leaves those out: the object is the same (equal, and dumped
the same, since the document is dumped with `exclude_defaults`), and about twice as fast to make.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, TypeVar

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

Model = TypeVar("Model", bound=BaseModel)


@lru_cache(maxsize=None)
def _plain_defaults(cls: type[BaseModel]) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """The fields whose default is None, False, and an empty list or mapping (nearly all of them)."""
    none, false, empty = set(), set(), set()
    for name, field in cls.model_fields.items():
        default = field.default
        if default is PydanticUndefined and field.default_factory is not None:
            default = field.default_factory()  # type: ignore[call-arg]
        if default is None:
            none.add(name)
        elif default is False:
            false.add(name)
        elif type(default) in (list, dict) and not default:
            empty.add(name)
    return frozenset(none), frozenset(false), frozenset(empty)


def build(cls: type[Model], **fields: Any) -> Model:
    """`cls(**fields)` without the fields given their default value (None, False, empty)."""
    none, false, empty = _plain_defaults(cls)
    return cls(**{
        name: value
        for name, value in fields.items()
        if not (
            (value is None and name in none)
            or (value is False and name in false)
            or (not value and type(value) in (list, dict) and name in empty)
        )
    })
