"""The consoles every command prints through, so `-q`/`-v` and piping behave the same everywhere.

Three levels, as in Ruff: quiet (`-q`: results, warnings and errors only — no "wrote …" lines,
notes, summaries or progress bars), normal, and verbose (`-v`: also what the command did on the
way, such as timings and the server it used). When standard output is not a terminal, tables and
text are printed at full width in plain text: a cell cut to 80 columns mid-word is useless to a
script or a log.
"""

from __future__ import annotations

import os
import sys

from rich.console import Console

QUIET, NORMAL, VERBOSE = -1, 0, 1

#: The width used when output goes to a pipe or a file: wide enough that nothing is cut.
PIPE_WIDTH = 10_000

_level = NORMAL


def set_level(*, quiet: bool = False, verbose: bool = False) -> None:
    """Set the output level for this run (`-q` wins over `-v` when both are given)."""
    global _level
    _level = QUIET if quiet else VERBOSE if verbose else NORMAL


def level() -> int:
    return _level


def is_quiet() -> bool:
    return _level <= QUIET


def is_verbose() -> bool:
    return _level >= VERBOSE


def _width(stream) -> int | None:
    """None (rich measures the terminal) on a terminal or with COLUMNS set; full width otherwise."""
    if os.environ.get("COLUMNS"):
        return None
    isatty = getattr(stream, "isatty", None)
    return None if isatty is not None and isatty() else PIPE_WIDTH


class _TrimmedLines:
    """A text stream that drops the spaces rich pads table cells with at the end of each line,
    so piped output is plain text a script can compare and grep."""

    def __init__(self, stream):
        self._stream = stream
        self._pending = ""

    def write(self, text: str) -> int:
        lines = (self._pending + text).split("\n")
        self._pending = lines.pop()
        if lines:
            self._stream.write("".join(line.rstrip(" ") + "\n" for line in lines))
        return len(text)

    def flush(self) -> None:
        if self._pending:
            self._stream.write(self._pending)
            self._pending = ""
        self._stream.flush()

    def isatty(self) -> bool:
        return False

    @property
    def encoding(self) -> str:
        return getattr(self._stream, "encoding", "utf-8")


def _console(stream, **options) -> Console:
    options.setdefault("highlight", False)
    width = _width(stream)
    if width == PIPE_WIDTH:
        console = Console(file=_TrimmedLines(stream), width=width, **options)
        return console
    return Console(file=stream, width=width, **options)


def stdout_console(**options) -> Console:
    """A console on standard output (the results)."""
    return _console(sys.stdout, **options)


def stderr_console(**options) -> Console:
    """A console on standard error (warnings, notes, progress, errors)."""
    return _console(sys.stderr, **options)


def say(message: str, **options) -> None:
    """Print a line of progress or summary ("wrote out/schema.sql"); left out under `-q`."""
    if not is_quiet():
        options.setdefault("soft_wrap", True)
        stdout_console().print(message, **options)


def detail(message: str, **options) -> None:
    """Print what only `-v` asks for, on standard error."""
    if is_verbose():
        options.setdefault("soft_wrap", True)
        stderr_console().print(message, markup=False, **options)


def warn(messages: list[str]) -> None:
    """Print warnings (always) and notes (not under `-q`) on standard error."""
    console = stderr_console(soft_wrap=True)
    for message in messages:
        if message.startswith("note: "):  # what a proof did differently, not a problem of the schema
            if not is_quiet():
                console.print(f"[cyan]note:[/] {_escape(message.removeprefix('note: '))}")
        else:
            console.print(f"[yellow]warning:[/] {_escape(message)}")


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)
