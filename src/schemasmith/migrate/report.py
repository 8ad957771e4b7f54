"""The safety report of one `diff`: printed (rich), written (Markdown) and as JSON.

It has three parts: what the direct migration would do, operation by operation (lock, rewrite,
scan, data loss, backward compatibility, severity by the table's size); the steps actually
written, with what the application must do between them; and the suggestions and notes (renames
that were not declared, NOT NULL columns without a backfill, irreversible DOWNs).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from . import operations as ops
from .safety import SEVERITIES, Finding


@dataclass
class StepReport:
    id: str
    up: str
    down: str
    title: str
    transactional: bool
    operations: list[dict[str, Any]]
    after_deploy: list[str] = field(default_factory=list)
    data_loss: list[str] = field(default_factory=list)
    irreversible: list[str] = field(default_factory=list)
    down_data_loss: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "up": self.up,
            "down": self.down,
            "title": self.title,
            "transactional": self.transactional,
            "operations": self.operations,
            "after_deploy": self.after_deploy,
            "data_loss": self.data_loss,
            "down_irreversible": self.irreversible,
            "down_data_loss": self.down_data_loss,
            "notes": self.notes,
        }


@dataclass
class Report:
    old: str
    new: str
    dialect: str
    mode: str  # "safe", "direct"
    mode_reason: str
    rows_source: str
    findings: list[Finding]
    steps: list[StepReport]
    suggestions: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rewrites: list[tuple[str, str]] = field(default_factory=list)
    format: str = "sql"
    folder: str = ""
    report_file: str = ""

    @property
    def worst(self) -> str:
        levels = [SEVERITIES.index(f.severity) for f in self.findings]
        return SEVERITIES[max(levels)] if levels else "info"

    def as_dict(self) -> dict[str, Any]:
        return {
            "old": self.old,
            "new": self.new,
            "dialect": self.dialect,
            "plan": self.mode,
            "plan_reason": self.mode_reason,
            "format": self.format,
            "folder": self.folder,
            "report": self.report_file,
            "rows_source": self.rows_source,
            "worst_severity": self.worst,
            "findings": [finding.as_dict() for finding in self.findings],
            "rewritten_into_safe_forms": [{"operation": op, "safe_form": form} for op, form in self.rewrites],
            "steps": [step.as_dict() for step in self.steps],
            "suggestions": self.suggestions,
            "notes": self.notes,
        }

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), indent=2, ensure_ascii=False)

    # --- Markdown --------------------------------------------------------------------------------

    def to_markdown(self) -> str:
        lines = [
            f"# Migration report: {self.old} → {self.new}",
            "",
            f"- Dialect: {self.dialect}; format: {self.format}",
            f"- Plan: **{self.mode}** — {self.mode_reason}",
            f"- Table sizes from: {self.rows_source}",
            f"- Worst severity of the direct migration: **{self.worst}**",
            "",
        ]
        if self.suggestions:
            lines += ["## Suggestions (not applied)", ""] + [f"- {text}" for text in self.suggestions] + [""]
        lines += [
            "## Safety of the direct migration",
            "",
            "What each operation would do if applied as one plain transaction (PostgreSQL 12–17).",
            "",
            "| # | operation | table | rows | lock | blocks | rewrites | scans | data loss | breaks running code | severity | safe form | in step |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for number, finding in enumerate(self.findings, 1):
            rows = "?" if finding.rows is None else f"{finding.rows:,}"
            safe = finding.safe_alternative or "—"
            if finding.applied_safe:
                safe = "**applied:** " + safe
            lines.append(
                f"| {number} | {_cell(finding.operation)} | {finding.table or ''} | {rows} | {finding.lock} | {_cell(finding.blocks)}"
                f" | {_yes(finding.rewrites)} | {_yes(finding.scans)} | {_yes(finding.data_loss)} | {_yes(finding.backward_incompatible)}"
                f" | {finding.severity} | {_cell(safe)} | {finding.step} |"
            )
        notes = [(n, "; ".join([f.note] + f.reasons)) for n, f in enumerate(self.findings, 1) if f.note or f.reasons]
        if notes:
            lines += ["", "Notes: " + "; ".join(f"({n}) {_cell(text)}" for n, text in notes)]
        if self.rewrites:
            lines += ["", "## Rewritten into safe forms", ""] + [f"- {op}: {form}" for op, form in self.rewrites]
        lines += ["", "## Steps written", "", f"Folder: `{self.folder}`. Apply the `.up.sql` files in name order, the `.down.sql` files in reverse order.", ""]
        for step in self.steps:
            kind = "transaction" if step.transactional else "no transaction"
            lines.append(f"### {step.id} — {step.title} ({kind})")
            lines.append("")
            if step.after_deploy:
                lines += [f"- **Before applying, the application must:** {text}" for text in step.after_deploy]
            for operation in step.operations:
                lines.append(f"- {operation['operation']} — {operation['lock']}, {operation['severity']}")
            if step.data_loss:
                lines += [f"- **Data loss:** {text}" for text in step.data_loss]
            if step.irreversible:
                lines += [f"- **DOWN is irreversible:** {text}" for text in step.irreversible]
            if step.down_data_loss:
                lines += [f"- DOWN destroys data: {text}" for text in step.down_data_loss]
            lines += [f"- Note: {text}" for text in step.notes]
            lines.append("")
        if self.notes:
            lines += ["## Notes", ""] + [f"- {text}" for text in self.notes] + [""]
        return "\n".join(lines).rstrip() + "\n"

    # --- rich ------------------------------------------------------------------------------------

    def print(self, console) -> None:
        from rich.table import Table as RichTable

        colours = {"info": "dim", "low": "green", "medium": "yellow", "high": "red", "critical": "bold red"}
        console.print(f"[bold]{self.old} → {self.new}[/] ({self.dialect}): {self.mode} plan — {self.mode_reason}", highlight=False)
        for text in self.suggestions:
            console.print(f"[yellow]suggestion:[/] {text}", highlight=False, soft_wrap=True)
        table = RichTable(title="Safety of the direct migration", show_lines=False)
        for heading in ("operation", "rows", "lock", "work", "risk", "severity", "safe form"):
            table.add_column(heading)
        for finding in self.findings:
            rows = "?" if finding.rows is None else f"{finding.rows:,}"
            work = "rewrite" if finding.rewrites else ("scan" if finding.scans else "—")
            risk = ", ".join(text for flag, text in ((finding.data_loss, "data loss"), (finding.backward_incompatible, "breaks code")) if flag) or "—"
            safe = ("✓ " if finding.applied_safe else "") + (finding.safe_alternative or "")
            table.add_row(finding.operation, rows, finding.lock, work, risk, f"[{colours[finding.severity]}]{finding.severity}[/]", safe)
        console.print(table)
        console.print("[bold]Steps written[/] (apply .up.sql in name order; .down.sql in reverse):", highlight=False)
        for step in self.steps:
            flags = []
            if not step.transactional:
                flags.append("no-transaction")
            if step.data_loss:
                flags.append("[red]data-loss[/]")
            if step.irreversible:
                flags.append("[red]irreversible DOWN[/]")
            console.print(f"  {step.up}  {step.title}" + (f"  ({', '.join(flags)})" if flags else ""), highlight=False)
            for text in step.after_deploy:
                console.print(f"      [cyan]before this step the application must:[/] {text}", highlight=False, soft_wrap=True)
            for text in step.irreversible:
                console.print(f"      [red]DOWN cannot restore:[/] {text}", highlight=False, soft_wrap=True)
        from ..console import is_quiet

        for text in [] if is_quiet() else self.notes:
            console.print(f"[dim]note:[/] {text}", highlight=False, soft_wrap=True)
        if self.report_file:
            console.print(f"report: {self.report_file}", highlight=False)


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def flatten(operations: list[ops.Operation]) -> list[ops.Operation]:
    result = []
    for operation in operations:
        if isinstance(operation, ops.Composite):
            result += flatten(operation.parts)
        else:
            result.append(operation)
    return result
