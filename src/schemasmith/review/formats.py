"""Review output: rich text grouped by table, JSON, SARIF 2.1.0, and Markdown for documents."""

from __future__ import annotations

import json
from typing import Any

from .. import __version__
from ..dialects.registry import get_dialect
from .definition import Rule
from .engine import Review
from .finding import Finding
from .rule_pages import rule_page

FORMATS = ("text", "json", "sarif", "markdown", "github")
SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def dialect_label(review: Review) -> str:
    return get_dialect(review.profile.dialect).label


def summary(review: Review) -> str:
    counts = review.counts()
    total = len(review.findings)
    parts = [f"{counts['error']} error{'s' * (counts['error'] != 1)}", f"{counts['warning']} warning{'s' * (counts['warning'] != 1)}", f"{counts['info']} info"]
    text = f"{total} finding{'s' * (total != 1)} ({', '.join(parts)})"
    if review.suppressed:
        text += f", {len(review.suppressed)} suppressed in the design"
    return text


def grouped(review: Review) -> list[tuple[str | None, list[Finding]]]:
    """Findings by table, in output order (design-wide findings first)."""
    groups: dict[str | None, list[Finding]] = {}
    for finding in review.findings:
        groups.setdefault(finding.table, []).append(finding)
    return list(groups.items())


# --- text ------------------------------------------------------------------------------------


def render_text(review: Review, console) -> None:
    """Rich text for a terminal: a header, then each table's findings with why and fix.

    Each table's findings are one Text printed once (printing line by line costs more than the
    review itself on a large schema); code is never wrapped, so it pastes back as written.
    """
    from rich.text import Text

    title = Text()
    title.append(f"{review.design.name}", style="bold")
    if review.source:
        title.append(f"  {review.source}", style="dim")
    title.append(f"  profile {review.profile.label}", style="dim")
    console.print(title, soft_wrap=True)
    console.print(Text(summary(review)), soft_wrap=True)
    width = max(40, console.width - 1)
    for table, findings in grouped(review):
        block = Text("\n")
        block.append(table if table is not None else "(whole design)", style="bold underline")
        for finding in findings:
            block.append("\n  ")
            block.append(f"{finding.severity:<7}", style=_STYLE[finding.severity])
            block.append(f" {finding.code} ", style="bold")
            block.append(finding.name, style="dim")
            block.append(f"  {finding.location}")
            if finding.line is not None and finding.file:
                block.append(f"  {finding.file}:{finding.line}", style="dim")
            _append_prose(block, finding.message, width)
            _append_prose(block, finding.reason, width, "why: ")
            if finding.fix_sql:
                block.append(f"\n    fix ({dialect_label(review)}):", style="bold")
                _append_code(block, finding.fix_sql, "cyan")
            if finding.fix_design:
                block.append("\n    fix (design document):", style="bold")
                _append_code(block, finding.fix_design, "green")
        console.print(block, soft_wrap=True)
    if review.suppressed:
        block = Text("\n")
        block.append("suppressed in the design", style="bold underline")
        for finding, reason in review.suppressed:
            block.append(f"\n  {finding.code} {finding.location}: ", style="dim")
            block.append(reason, style="dim italic")
        console.print(block, soft_wrap=True)
    if not review.findings:
        console.print(Text("No findings.", style="green"))


def _append_prose(block, text: str, width: int, label: str = "") -> None:
    """Prose wrapped to the console, indented under its finding, without trailing spaces."""
    import textwrap

    lines = textwrap.wrap(label + text, width=width, initial_indent="    ", subsequent_indent="    ") or ["    "]
    for number, line in enumerate(lines):
        block.append("\n")
        if number == 0 and label:
            block.append(line[:4])
            block.append(label, style="bold")
            block.append(line[4 + len(label):])
        else:
            block.append(line)


def _append_code(block, code: str, style: str) -> None:
    for line in code.rstrip("\n").split("\n"):
        block.append("\n      ")
        block.append(line, style=style)


# --- json ------------------------------------------------------------------------------------


def render_json(review: Review) -> str:
    return json.dumps([finding.to_dict() for finding in review.findings], indent=2, ensure_ascii=False) + "\n"


# --- sarif -----------------------------------------------------------------------------------


def _rule_descriptor(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": " ".join(rule.section("What it does").split())},
        "help": {"text": " ".join(rule.section("Why is this bad?").split()), "markdown": rule_page(rule)},
        "helpUri": f"docs/rules/{rule.code}.md",
        "defaultConfiguration": {"level": SARIF_LEVEL[rule.severity]},
        "properties": {"category": rule.category, "tags": [rule.category]},
    }


def render_sarif(review: Review) -> str:
    """SARIF 2.1.0: one run, the rules that ran as the driver's rules, one result per finding."""
    rules = sorted(review.rules, key=lambda rule: rule.code)
    index = {rule.code: position for position, rule in enumerate(rules)}
    results = []
    for finding in review.findings:
        logical = {"name": finding.column or finding.table or review.design.name, "kind": "column" if finding.column else "table"}
        if finding.table:
            logical["fullyQualifiedName"] = finding.table + (f".{finding.column}" if finding.column else "")
        location: dict[str, Any] = {"logicalLocations": [logical]}
        if finding.file and "://" not in finding.file:
            physical: dict[str, Any] = {"artifactLocation": {"uri": finding.file}}
            if finding.line is not None:
                physical["region"] = {"startLine": finding.line}
            location["physicalLocation"] = physical
        result: dict[str, Any] = {
            "ruleId": finding.code,
            "ruleIndex": index[finding.code],
            "level": SARIF_LEVEL[finding.severity],
            "message": {"text": f"{finding.message}. {finding.reason}"},
            "locations": [location],
            "partialFingerprints": {"schemasmith/v1": f"{finding.code}:{finding.location}"},
            "properties": {
                "severity": finding.severity,
                "table": finding.table,
                "column": finding.column,
                "constraint": finding.constraint,
                "reason": finding.reason,
                "fixSql": finding.fix_sql,
                "fixDesign": finding.fix_design,
            },
        }
        results.append(result)
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "schemasmith",
                "version": __version__,
                "rules": [_rule_descriptor(rule) for rule in rules],
            }
        },
        "results": results,
        "properties": {"profile": review.profile.label, "design": review.design.name},
    }
    if review.source and "://" not in review.source:
        run["artifacts"] = [{"location": {"uri": review.source}}]
    document = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [run],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


# --- markdown --------------------------------------------------------------------------------


def _fence(text: str, language: str) -> str:
    fence = "```"
    while fence in text:
        fence += "`"
    return f"{fence}{language}\n{text}\n{fence}"


#: GitHub workflow-command levels per severity (the annotations a pull request shows inline).
GITHUB_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def _github_escape(text: str, *, property_value: bool = False) -> str:
    """Escape text the way GitHub's workflow commands require (%, CR, LF; also : and , in properties)."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def render_github(review: Review) -> str:
    """GitHub Actions annotations, one `::level file=…,line=…,title=…::message` line per finding."""
    lines = []
    for finding in review.findings:
        properties = []
        if finding.file and "://" not in finding.file:
            properties.append(f"file={_github_escape(finding.file, property_value=True)}")
            if finding.line is not None:
                properties.append(f"line={finding.line}")
        properties.append(f"title={_github_escape(f'{finding.code} {finding.name}', property_value=True)}")
        message = f"{finding.location}: {finding.message}. {finding.reason}" if finding.location else f"{finding.message}. {finding.reason}"
        lines.append(f"::{GITHUB_LEVEL[finding.severity]} {','.join(properties)}::{_github_escape(message)}")
    return "".join(line + "\n" for line in lines)


def render_markdown(review: Review, command: str | None = None) -> str:
    """The review as a Markdown document (examples/*.review.md): deterministic, no terminal codes."""
    lines = [f"# Review of {review.design.name}", ""]
    if command:
        lines += [f"Generated by `{command}`; do not edit by hand.", ""]
    lines += [f"Profile: {review.profile.label}. {summary(review)}.", ""]
    if review.findings:
        lines += ["| severity | rule | where | finding |", "| --- | --- | --- | --- |"]
        for finding in review.findings:
            message = finding.message.replace("|", "\\|")
            lines.append(f"| {finding.severity} | [{finding.code}](../docs/rules/{finding.code}.md) {finding.name} | `{finding.location}` | {message} |")
        lines.append("")
    for table, findings in grouped(review):
        lines += [f"## {table if table is not None else '(whole design)'}", ""]
        for finding in findings:
            place = f"`{finding.location}`"
            if finding.file and finding.line is not None:
                place += f" ({finding.file}:{finding.line})"
            lines += [f"### {finding.severity}: {finding.code} {finding.name} — {place}", "", finding.message + ".", ""]
            lines += [f"**Why:** {finding.reason}", ""]
            if finding.fix_sql:
                lines += [f"Fix ({dialect_label(review)}):", "", _fence(finding.fix_sql, "sql"), ""]
            if finding.fix_design:
                lines += ["Fix (design document):", "", _fence(finding.fix_design, "yaml"), ""]
    if review.suppressed:
        lines += ["## Suppressed in the design", ""]
        for finding, reason in review.suppressed:
            lines.append(f"- {finding.code} {finding.name} on `{finding.location}`: {reason}")
        lines.append("")
    if not review.findings:
        lines += ["No findings.", ""]
    return "\n".join(lines).rstrip("\n") + "\n"
