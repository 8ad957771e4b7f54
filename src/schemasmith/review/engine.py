"""Run the rules over a design: profile and configuration applied, suppressions honoured, sorted.

`review_design` is the whole review of an already-loaded design; `review_source` loads SCHEMA
(a design document, a .sql file or a database URL) through `sources.load_source` first and keeps
the document's lines, so findings can name `file:line`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import Problem, SchemaError
from ..model.document import Design
from ..model.implied import with_implied
from ..text.redaction import redact_url
from .context import Context
from .definition import Rule
from .finding import RANK, Finding
from .options import ReviewSettings
from .profiles import Profile, parse_profile
from .registry import UnknownRuleError, all_rules, get_rule


@dataclass
class Review:
    """The outcome of one review: findings in output order, and what the design suppressed."""

    design: Design
    findings: list[Finding]
    suppressed: list[tuple[Finding, str]]  # each with the design's reason
    profile: Profile
    rules: list[Rule]  # the rules that ran
    source: str | None = None  # SCHEMA as the user named it (file path or redacted URL)
    origin: str = "design"
    warnings: list[str] = field(default_factory=list)  # what loading the source could not carry over

    def counts(self) -> dict[str, int]:
        counts = {"error": 0, "warning": 0, "info": 0}
        for finding in self.findings:
            counts[finding.severity] += 1
        return counts

    def fails(self, fail_on: str | None) -> bool:
        """Whether a finding reaches the `--fail-on` severity."""
        if fail_on is None:
            return False
        return any(RANK[finding.severity] >= RANK[fail_on] for finding in self.findings)


def review_design(
    design: Design,
    *,
    origin: str = "design",
    profile: Profile | str | None = None,
    settings: ReviewSettings | None = None,
    file: str | None = None,
    lines=None,
) -> Review:
    """Every applicable rule over `design`. `origin` is "design" for a design document, else the
    dialect it was imported from (then nothing is implied: what the database lacks, it lacks)."""
    settings = settings or ReviewSettings()
    chosen = profile if isinstance(profile, Profile) else parse_profile(profile or settings.profile)
    reviewed = with_implied(design) if origin == "design" else design
    suppressions = _suppressions(reviewed, file, lines)
    ctx = Context(reviewed, origin=origin, profile=chosen, settings=settings)
    table_order = {name: position for position, name in enumerate(reviewed.tables)}
    ran = [rule for rule in all_rules() if rule.code not in settings.ignore and rule.applies_to(chosen.names)]
    keyed: list[tuple[tuple, Finding]] = []
    suppressed: list[tuple[Finding, str]] = []
    for rule in ran:
        severity = settings.severity.get(rule.code, rule.severity)
        for emitted, violation in enumerate(rule.check(ctx)):
            path = violation.path or _default_path(violation.table, violation.column)
            finding = Finding(
                code=rule.code,
                name=rule.name,
                severity=severity,
                table=violation.table,
                column=violation.column,
                constraint=violation.constraint,
                message=violation.message,
                reason=violation.reason,
                fix_sql=violation.sql,
                fix_design=violation.design,
                file=file,
                line=None,
                path=path,
            )
            reason = _suppressed_by(suppressions, finding)
            if reason is not None:
                suppressed.append((finding, reason))
                continue
            key = (table_order.get(violation.table, -1) if violation.table else -1, rule.code, emitted)
            keyed.append((key, finding))
    keyed.sort(key=lambda item: item[0])
    findings = [finding for _, finding in keyed]
    if lines is not None:
        findings = [replace(finding, line=lines.line_of(finding.path)) for finding in findings]
        suppressed = [(replace(finding, line=lines.line_of(finding.path)), reason) for finding, reason in suppressed]
    return Review(reviewed, findings, suppressed, chosen, ran, file, origin)


def _default_path(table: str | None, column: str | None) -> tuple:
    if table is None:
        return ()
    if column is not None:
        return ("tables", table, "columns", column)
    return ("tables", table)


def _suppressions(design: Design, file: str | None = None, lines=None) -> dict[str, list]:
    """Each table's suppressions, checked: the rule must exist and a named column too."""
    problems: list[Problem] = []
    found: dict[str, list] = {}
    for name, table in design.tables.items():
        for position, item in enumerate(getattr(table, "suppress", [])):
            where = f"{name}.suppress[{position}]"
            line = lines.line_of(("tables", name, "suppress", position)) if lines is not None else None
            try:
                code = get_rule(item.rule).code
            except UnknownRuleError as error:
                problems.append(Problem(str(error), where=where, file=file, line=line))
                continue
            column = getattr(item, "column", None)
            if column is not None and column not in table.columns:
                problems.append(
                    Problem(f"suppresses {code} on column {column!r}, which {name} does not have", where=where, file=file, line=line)
                )
                continue
            found.setdefault(name, []).append((code, column, item.reason))
    if problems:
        raise SchemaError("the design's review suppressions are not valid", problems)
    return found


def _suppressed_by(suppressions: dict[str, list], finding: Finding) -> str | None:
    for code, column, reason in suppressions.get(finding.table or "", []):
        if code == finding.code and (column is None or column == finding.column):
            return reason
    return None


def review_source(
    schema: str,
    *,
    profile: str | None = None,
    settings: ReviewSettings | None = None,
    display: str | None = None,
) -> Review:
    """Load SCHEMA (design document, .sql, SQLite file or database URL) and review it."""
    from ..db.urls import is_database_url
    from ..sources import load_source

    source = load_source(schema)
    lines = None
    file = display or schema
    if is_database_url(schema):
        file = display or redact_url(schema)
    elif source.origin == "design":
        from .lines import DocumentLines

        lines = DocumentLines(file, Path(schema).read_text(encoding="utf-8"))
    result = review_design(source.design, origin=source.origin, profile=profile, settings=settings, file=file, lines=lines)
    result.warnings = list(source.warnings)
    return result
