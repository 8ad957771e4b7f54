"""lint-migration output: text for a terminal, JSON, SARIF 2.1.0 for code scanning, GitHub annotations.

The shapes follow `review --format …` (review/formats.py): the same SARIF levels, the same
GitHub workflow-command escaping, so a CI that reads one reads the other.
"""

from __future__ import annotations

import json
from typing import Any

from .. import __version__
from ..review.formats import GITHUB_LEVEL, SARIF_LEVEL
from .engine import LintResult
from .definition import LintRule

FORMATS = ("text", "json", "sarif", "github")


def summary(result: LintResult) -> str:
    counts = result.counts()
    total = len(result.findings)
    text = f"{total} finding{'s' * (total != 1)} ({counts['error']} error{'s' * (counts['error'] != 1)}, {counts['warning']} warning{'s' * (counts['warning'] != 1)}, {counts['info']} info)"
    text += f" in {len(result.files)} file{'s' * (len(result.files) != 1)}"
    if result.errors:
        text += f"; {len(result.errors)} file{'s' * (len(result.errors) != 1)} could not be read"
    return text


def render_text(result: LintResult) -> str:
    lines = [f"lint-migration against {result.schema}; table sizes: {result.rows_source}", summary(result)]
    for error in result.errors:
        lines.append(f"\n{error}")
    for finding in result.findings:
        size = "" if finding.rows is None else f", {finding.rows:,} rows"
        lines.append(f"\n{finding.file}:{finding.line}: {finding.severity} {finding.code} {finding.name}")
        lines.append(f"  {finding.message}")
        lines.append(f"  lock: {finding.lock} (blocks {finding.blocks}){', rewrites the table' if finding.rewrites else ''}{size}")
        lines.append(f"  why: {finding.reason}")
        if finding.fix_sql:
            lines.append("  safe form:")
            lines += ["    " + row for row in finding.fix_sql.splitlines()]
    for failed in result.failed:
        lines.append(f"\nnote: {failed.file}:{failed.line}: did not run on the scratch copy: {failed.message}")
    return "\n".join(lines) + "\n"


def render_json(result: LintResult) -> str:
    document = {
        "schema": result.schema,
        "rows_source": result.rows_source,
        "files": [migration.path for migration in result.files],
        "errors": [{"file": error.file, "line": error.line, "message": error.message} for error in result.errors],
        "findings": [finding.to_dict() for finding in result.findings],
        "failed_on_scratch": [{"file": item.file, "line": item.line, "message": item.message} for item in result.failed],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _descriptor(rule: LintRule) -> dict[str, Any]:
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": " ".join(rule.section("What it does").split())},
        "help": {"text": " ".join(rule.section("Why is this bad?").split())},
        "helpUri": f"docs/rules/{rule.code}.md",
        "defaultConfiguration": {"level": "warning"},
    }


def render_sarif(result: LintResult) -> str:
    rules = sorted(result.rules, key=lambda rule: rule.code)
    index = {rule.code: position for position, rule in enumerate(rules)}
    results = []
    for finding in result.findings:
        results.append({
            "ruleId": finding.code,
            "ruleIndex": index[finding.code],
            "level": SARIF_LEVEL[finding.severity],
            "message": {"text": f"{finding.message}. {finding.reason}"},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": finding.file}, "region": {"startLine": finding.line}}}],
            "partialFingerprints": {"schemasmith/v1": f"{finding.code}:{finding.file}:{finding.statement}"},
            "properties": {"lock": finding.lock, "rows": finding.rows, "rewritesTable": finding.rewrites, "fixSql": finding.fix_sql},
        })
    notifications = [
        {"level": "error", "message": {"text": error.message},
         "locations": [{"physicalLocation": {"artifactLocation": {"uri": error.file}, **({"region": {"startLine": error.line}} if error.line else {})}}]}
        for error in result.errors
    ]
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "schemasmith lint-migration", "version": __version__, "rules": [_descriptor(rule) for rule in rules]}},
        "results": results,
        "invocations": [{"executionSuccessful": not result.errors, "toolExecutionNotifications": notifications}],
    }
    return json.dumps({"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0", "runs": [run]}, indent=2, ensure_ascii=False) + "\n"


def _escape(text: str, *, property_value: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def render_github(result: LintResult) -> str:
    lines = [f"::error file={_escape(error.file, property_value=True)}{f',line={error.line}' if error.line else ''},title=unreadable migration::{_escape(error.message)}" for error in result.errors]
    for finding in result.findings:
        title = _escape(f"{finding.code} {finding.name}", property_value=True)
        lines.append(f"::{GITHUB_LEVEL[finding.severity]} file={_escape(finding.file, property_value=True)},line={finding.line},title={title}::{_escape(finding.message + '. ' + finding.reason)}")
    return "".join(line + "\n" for line in lines)


RENDERERS = {"text": render_text, "json": render_json, "sarif": render_sarif, "github": render_github}
