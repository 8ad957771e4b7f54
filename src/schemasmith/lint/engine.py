"""Lint migration files: read, replay on the scratch copy, run every rule on every action."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..migrate import safety
from .finding import LEVEL, Finding, size_severity
from .replay import Observation, Replay
from .registry import all_lint_rules
from .definition import LintRule
from .scratch import Baseline, baseline
from .statements import MigrationFile, ReadError, read_all


@dataclass
class FailedStatement:
    file: str
    line: int
    message: str


@dataclass
class LintResult:
    files: list[MigrationFile]
    errors: list[ReadError]
    findings: list[Finding]
    failed: list[FailedStatement] = field(default_factory=list)
    rules: list[LintRule] = field(default_factory=list)
    schema: str = "no schema"
    rows_source: str = ""
    observations: list[Observation] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        counts = {"error": 0, "warning": 0, "info": 0}
        for finding in self.findings:
            counts[finding.severity] += 1
        return counts


def _finding(rule: LintRule, observation: Observation, hazard, base: Baseline) -> Finding:
    fact = observation.fact
    if hazard.severity is not None:
        severity = hazard.severity
    elif fact.data_loss:
        severity = LEVEL["critical"]
    else:
        severity = size_severity(fact, observation.rows, rewrites=observation.rewritten if rule.code == "SM106" else None)
    return Finding(
        code=rule.code, name=rule.name, severity=severity,
        file=observation.statement.file, line=observation.statement.line, statement=observation.statement.sql,
        table=observation.action.table, column=observation.action.column,
        message=hazard.message, reason=hazard.reason, fix_sql=hazard.fix_sql,
        lock=fact.lock, blocks=safety.BLOCKS.get(fact.lock, ""), rewrites=bool(fact.rewrites if observation.rewritten is None else observation.rewritten),
        scans=fact.scans, rows=observation.rows, rows_source=base.rows_source if observation.rows is not None else "unknown",
    )


def lint(paths: list[str], *, schema: str | None = None, db: str | None = None, select: set[str] | None = None) -> LintResult:
    """Findings for the files, replayed in order on one scratch copy of SCHEMA (or --db's schema)."""
    files, errors = read_all(paths)
    rules = [rule for rule in all_lint_rules() if select is None or rule.code in select]
    findings: list[Finding] = []
    failed: list[FailedStatement] = []
    observations: list[Observation] = []
    with baseline(schema, db) as base:
        replay = Replay(base)
        try:
            for migration in files:
                for observation in replay.file(migration):
                    observations.append(observation)
                    if observation.failed and not any(f.file == observation.statement.file and f.line == observation.statement.line for f in failed):
                        failed.append(FailedStatement(observation.statement.file, observation.statement.line, observation.failed))
                    for rule in rules:
                        hazard = rule.check(observation)
                        if hazard is not None:
                            findings.append(_finding(rule, observation, hazard, base))
        finally:
            replay.close()
    return LintResult(files, errors, _unique(findings), failed, rules, base.label, base.rows_source, observations)


#: Rules about the file as a whole: reported at their first statement only.
_ONCE_PER_FILE = {"SM111"}


def _unique(findings: list[Finding]) -> list[Finding]:
    """One finding per rule, place and message (an action repeated in one statement reports once)."""
    seen, result = set(), []
    for finding in findings:
        key = (finding.code, finding.file, finding.line, finding.message)
        if finding.code in _ONCE_PER_FILE:
            key = (finding.code, finding.file)
        if key not in seen:
            seen.add(key)
            result.append(finding)
    return result
