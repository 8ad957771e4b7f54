"""What a review rule reports: a violation (from the rule) and a finding (what the user sees)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
#: Higher is worse; `--fail-on warning` fails on every finding ranked warning or above.
RANK = {"info": 0, "warning": 1, "error": 2}


@dataclass(frozen=True)
class Violation:
    """One problem a rule found, with its place and fix; the registry adds code and severity.

    `path` is where the design document wrote the thing (`("tables", "tasks", "columns",
    "title")`), so output can name the file's line; by default the column's, else the table's.
    """

    table: str | None
    message: str
    reason: str
    column: str | None = None
    constraint: str | None = None
    sql: str | None = None
    design: str | None = None
    path: tuple = ()


@dataclass(frozen=True)
class Finding:
    """One finding: rule code and name, severity, location, message, reason and a concrete fix."""

    code: str
    name: str
    severity: Severity
    table: str | None
    column: str | None
    constraint: str | None
    message: str
    reason: str
    fix_sql: str | None = None
    fix_design: str | None = None
    file: str | None = None
    line: int | None = None
    path: tuple = field(default=(), compare=False, repr=False)

    @property
    def location(self) -> str:
        """`tasks.assignee_id`, `tasks (tasks_project_id_fkey)` or `tasks`: where, in one word."""
        if self.table is None:
            return "(design)"
        text = self.table
        if self.column:
            text += f".{self.column}"
        if self.constraint:
            text += f" ({self.constraint})"
        return text

    def to_dict(self) -> dict[str, Any]:
        """Plain data for `--format json`: every key always present, in a fixed order."""
        return {
            "code": self.code,
            "name": self.name,
            "severity": self.severity,
            "table": self.table,
            "column": self.column,
            "constraint": self.constraint,
            "message": self.message,
            "reason": self.reason,
            "fix": {"sql": self.fix_sql, "design": self.fix_design},
            "file": self.file,
            "line": self.line,
        }
