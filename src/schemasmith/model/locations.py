"""Where a problem in a design document is: the interface the invariant checks report through.

The checks take any `Locator`; the YAML loader's `LineMap` is one (it knows the line each path was
written on), `UNLOCATED` is the one for designs built in code, which have no lines.
"""

from __future__ import annotations

from typing import Protocol

from ..errors import Problem

Path_ = tuple  # a location inside the document: ("tables", "tasks", "columns", "title")


class Locator(Protocol):
    def problem(self, message: str, path: Path_, where: str = "") -> Problem: ...


class Unlocated:
    """A locator for a design that was never text: problems name the place, not a file or line."""

    def problem(self, message: str, path: Path_, where: str = "") -> Problem:
        return Problem(message=message, where=where)


UNLOCATED = Unlocated()
