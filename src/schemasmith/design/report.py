"""The design report: what was designed from the requirements, why, and what is still open.

Written beside the locked design document (`schema.report.md`): entities, relationships,
decisions with their reasons, open questions, sentences the designer could not read, and the
critique rounds — what the review found, what the revisions fixed, what is left and why.
"""

from __future__ import annotations

from ..model.keys import is_unique, no_index
from .run import DesignRun


def _cell(text: str | None) -> str:
    return (text or "").replace("|", "\\|").replace("\n", " ")


def _cardinality(design, table_name: str, foreign_key) -> str:
    table = design.tables[table_name]
    columns = sorted(foreign_key.columns)
    unique = is_unique(table, columns, no_index)
    optional = any(table.columns[name].nullable for name in foreign_key.columns)
    many = "1" if unique else "N"
    return f"{foreign_key.references.table} 1 → {many} {table_name}" + (" (optional)" if optional else "")


def design_report(run: DesignRun, design_file: str) -> str:
    design = run.design
    proposal = run.proposal
    lines = [
        f"# {design.name}: design report",
        "",
        f"Designed from `{run.requirements_file}` by the `{run.designer}` designer; the design document is"
        f" `{design_file}`.",
        "",
    ]
    if design.description:
        lines += [design.description, ""]
    lines += ["## Entities", "", "| table | kind | columns | comment |", "|---|---|---|---|"]
    for name, table in design.tables.items():
        columns = ", ".join(table.columns)
        lines.append(f"| `{name}` | {table.kind or 'core'} | {_cell(columns)} | {_cell(table.comment)} |")
    lines += ["", "## Relationships", "", "| relationship | foreign key | on delete | why |", "|---|---|---|---|"]
    for name, table in design.tables.items():
        for foreign_key in table.foreign_keys:
            lines.append(
                f"| {_cardinality(design, name, foreign_key)} | `{name}({', '.join(foreign_key.columns)})` |"
                f" {foreign_key.on_delete or 'not decided'} | {_cell(foreign_key.reason)} |"
            )
    if design.enums:
        lines += ["", "## Enumerations", ""]
        lines += [f"- `{name}`: {', '.join(values)}" for name, values in design.enums.items()]
    if proposal.decisions:
        lines += ["", "## Decisions", ""]
        lines += [f"- **{_cell(d.subject)}**: {_cell(d.choice)}. {_cell(d.reason)}" for d in proposal.decisions]
    if proposal.questions:
        lines += ["", "## Open questions", ""]
        lines += [f"- {_cell(question)}" for question in proposal.questions]
    if proposal.unread:
        lines += ["", "## Sentences not turned into design", ""]
        lines += [f"- line {item.line}: “{_cell(item.text)}” — {_cell(item.why)}" for item in proposal.unread]
    if design.queries:
        lines += ["", "## Workload", ""]
        lines += [f"- `{query.id}`: {_cell(query.story)}" for query in design.queries]
    lines += ["", "## Critique", ""]
    if not run.rounds:
        lines.append("The first proposal had no errors or warnings; no revision was needed.")
    for round_ in run.rounds:
        fixed = ", ".join(round_.fixed) if round_.fixed else "nothing"
        lines.append(
            f"- round {round_.number}: {round_.errors} error(s), {round_.warnings} warning(s),"
            f" {round_.infos} info; the revision fixed {fixed}."
        )
    if run.remaining:
        lines += ["", "Left in the locked design (run `schemasmith review` for the fixes):", ""]
        for finding in run.remaining:
            lines.append(f"- {finding.severity} {finding.code} `{finding.location}`: {_cell(finding.message)} — {_cell(finding.reason)}")
    else:
        lines += ["", "The locked design has no findings."]
    return "\n".join(lines) + "\n"
