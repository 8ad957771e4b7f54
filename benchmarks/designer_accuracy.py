"""Accuracy of the offline `rules` designer: precision and recall against hand-written designs.

Run: .venv/bin/python benchmarks/designer_accuracy.py [--details]

Two sets of documents:
- the three shared examples (shared/examples/*.md), against the hand-written designs in
  examples/*.yaml — the extractor was developed on these;
- four further documents (examples/requirements/*.md) written to measure generalization, each
  against examples/requirements/<name>.expected.yaml, written by hand before the extractor was
  run on it. The extractor was not tuned on these beyond fixing general bugs.

Compared: tables (entities), attributes (non-key, non-audit, non-foreign-key columns, matched by
table and name; then how many of the matched have the same type, the same type family, the same
nullability), relationships (foreign keys, matched by referencing and referenced table; then
column name, nullability and ON DELETE) and enums. Prints Markdown tables.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"

from schemasmith.design.extract_score import Comparison, Score, compare
from schemasmith.design.requirements import read_requirements
from schemasmith.design.rules_designer import RulesDesigner
from schemasmith.model import load_design
from schemasmith.model.document import Conventions

#: (name, requirements, expected design, set)
DOCUMENTS = [
    ("project-management", SHARED / "examples/project-management.md", REPO / "examples/taskhub.yaml", "developed on"),
    ("taco-reviews", SHARED / "examples/taco-reviews.md", REPO / "examples/taco-reviews.yaml", "developed on"),
    ("model-catalogue", SHARED / "examples/model-catalogue.md", REPO / "examples/model-catalogue.yaml", "developed on"),
] + [
    (path.stem, path, path.with_name(path.stem + ".expected.yaml"), "held out")
    for path in sorted((REPO / "examples/requirements").glob("*.md"))
]


def measure() -> list[tuple[str, str, Comparison, int, int]]:
    rows = []
    designer = RulesDesigner()
    for name, requirements_path, expected_path, group in DOCUMENTS:
        requirements = read_requirements(requirements_path)
        proposal = designer.propose(requirements, Conventions())
        comparison = compare(proposal.design, load_design(expected_path))
        sentences = len(requirements.statements) + len(requirements.stories) + len(requirements.scale)
        unread_lines = len({item.line for item in proposal.unread})
        rows.append((name, group, comparison, sentences, unread_lines))
    return rows


def _pr(score: Score) -> str:
    return f"{score.precision:.2f} / {score.recall:.2f}"


def _total(scores: list[Score]) -> Score:
    total = Score(sum(s.proposed for s in scores), sum(s.expected for s in scores), sum(s.matched for s in scores))
    for score in scores:
        for key, value in score.agreed.items():
            total.agreed[key] = total.agreed.get(key, 0) + value
    return total


def report(rows, details: bool = False) -> str:
    lines = [
        "| document | set | entities P / R | attributes P / R | attr. type exact / family | relationships P / R | rel. ON DELETE / nullable | enums P / R | unread lines |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]

    def line(name, group, entities, attributes, relationships, enums, unread):
        return (
            f"| {name} | {group} | {_pr(entities)} | {_pr(attributes)} | "
            f"{attributes.share('type'):.2f} / {attributes.share('type family'):.2f} | {_pr(relationships)} | "
            f"{relationships.share('on_delete'):.2f} / {relationships.share('nullable'):.2f} | {_pr(enums)} | {unread} |"
        )

    for name, group, comparison, sentences, unread in rows:
        lines.append(line(name, group, comparison.entities, comparison.attributes, comparison.relationships, comparison.enums, f"{unread}"))
    for group in ("developed on", "held out"):
        chosen = [row for row in rows if row[1] == group]
        if not chosen:
            continue
        lines.append(
            line(
                f"**all {group}**", group,
                _total([row[2].entities for row in chosen]),
                _total([row[2].attributes for row in chosen]),
                _total([row[2].relationships for row in chosen]),
                _total([row[2].enums for row in chosen]),
                str(sum(row[4] for row in chosen)),
            )
        )
    text = "\n".join(lines)
    if details:
        parts = [text, ""]
        for name, _, comparison, _, _ in rows:
            parts.append(f"### {name}")
            for kind in ("entities", "attributes", "relationships", "enums"):
                if comparison.missing[kind] or comparison.extra[kind]:
                    parts.append(f"- {kind}: missing {comparison.missing[kind]}; extra {comparison.extra[kind]}")
            parts.append("")
        text = "\n".join(parts)
    return text


def main(argv: list[str]) -> int:
    print(report(measure(), details="--details" in argv))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
