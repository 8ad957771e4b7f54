"""Errors a user can act on: each names the place (file:line, table.column) and what is wrong.

The CLI catches `SchemasmithError` and prints it without a traceback; anything else escaping is
a bug in schemasmith, not bad input.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, and where it is."""

    message: str
    where: str = ""  # table.column, table.constraint, …
    file: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        place = ""
        if self.file:
            place = f"{self.file}:{self.line}" if self.line else self.file
        if self.where:
            place = f"{place}: {self.where}" if place else self.where
        return f"{place}: {self.message}" if place else self.message


class SchemasmithError(Exception):
    """Bad input or an unusable environment; the message is for the user.

    Exit code 2, as Ruff's: the command could not do its job. Exit 1 is kept for a command that
    ran and found what the user asked it to stop on (findings at `--fail-on`, a check that failed).
    """

    exit_code = 2

    def __init__(self, message: str, problems: list[Problem] | None = None):
        super().__init__(message)
        self.problems = problems or []

    def __str__(self) -> str:
        head = self.args[0]
        if not self.problems:
            return head
        return head + "\n" + "\n".join(f"  {problem}" for problem in self.problems)


class SchemaError(SchemasmithError):
    """A design document (or another schema source) is malformed or inconsistent."""


class SourceError(SchemasmithError):
    """A schema source cannot be read: missing file, unreachable database, DDL that fails."""


class NotBuiltYet(SchemasmithError):
    """A command of the contract that this version does not implement yet."""


class OutputError(SchemasmithError):
    """A file or folder the user asked to be written cannot be: the message names the path."""
