"""A progress bar per table with rows per second, on stderr; silent when not a terminal or --quiet."""

from __future__ import annotations

import sys
from typing import Self

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text


class RowsPerSecond(ProgressColumn):
    def render(self, task) -> Text:
        speed = task.finished_speed or task.speed
        if not speed:
            return Text("", style="progress.data.speed")
        return Text(f"{speed:,.0f} rows/s", style="progress.data.speed")


class TableProgress:
    """`with TableProgress(quiet) as progress: task = progress.table(name, rows); progress.advance(task, n)`."""

    def __init__(self, quiet: bool = False, console: Console | None = None):
        self.console = console or Console(stderr=True)
        self.enabled = not quiet and self.console.is_terminal and sys.stderr.isatty()
        self._progress: Progress | None = None

    def __enter__(self) -> Self:
        if self.enabled:
            self._progress = Progress(
                TextColumn("[bold]{task.description:<24}"),
                BarColumn(),
                MofNCompleteColumn(),
                RowsPerSecond(),
                TimeElapsedColumn(),
                console=self.console,
                transient=False,
                speed_estimate_period=5.0,
            )
            self._progress.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        if self._progress is not None:
            self._progress.__exit__(*exc)

    def table(self, name: str, total: int):
        if self._progress is None:
            return None
        return self._progress.add_task(name, total=total)

    def advance(self, task, rows: int) -> None:
        if self._progress is not None and task is not None:
            self._progress.advance(task, rows)
