"""What lint-migration reports: one finding per hazard of one statement, with its safe form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..migrate import safety

#: safety.severity's five levels as review's three (what --fail-on and SARIF speak).
LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "info", "info": "info"}
RANK = {"info": 0, "warning": 1, "error": 2}


@dataclass(frozen=True)
class Hazard:
    """What a rule found in one observation: the words, and the rewrite (SQL) when there is one."""

    message: str
    reason: str
    fix_sql: str | None = None
    severity: str | None = None  # overrides the size-based severity (e.g. a statement that fails)


@dataclass(frozen=True)
class Finding:
    code: str
    name: str
    severity: str  # error, warning, info
    file: str
    line: int
    statement: str
    table: str | None
    column: str | None
    message: str
    reason: str
    fix_sql: str | None
    lock: str
    blocks: str
    rewrites: bool
    scans: bool
    rows: int | None
    rows_source: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code, "name": self.name, "severity": self.severity,
            "file": self.file, "line": self.line, "statement": self.statement,
            "table": self.table, "column": self.column,
            "message": self.message, "reason": self.reason, "fix": {"sql": self.fix_sql},
            "lock": self.lock, "blocks": self.blocks, "rewrites_table": self.rewrites, "scans_table": self.scans,
            "rows": self.rows, "rows_source": self.rows_source,
        }


def size_severity(fact: safety.Fact, rows: int | None, *, rewrites: bool | None = None) -> str:
    """Severity by the rows read or rewritten under the lock, as `diff`'s safety report grades it."""
    if rewrites is not None and rewrites != fact.rewrites:
        fact = safety.Fact(fact.lock, rewrites=rewrites, scans=fact.scans or rewrites, data_loss=fact.data_loss, backward_incompatible=fact.backward_incompatible)
    return LEVEL[safety.severity(fact, rows, fact.data_loss, fact.backward_incompatible)]
