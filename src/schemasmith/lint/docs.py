"""docs/rules/SM1xx.md from the lint rules' docstrings: `python -m schemasmith.lint.docs` writes them.

The words of a rule exist once, in its docstring (rules/*.py); tests/lint/test_docs.py fails
when a page is stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .registry import all_lint_rules
from .definition import LintRule

ROOT = Path(__file__).resolve().parents[3]


def rule_page(rule: LintRule) -> str:
    return "\n".join([
        f"# {rule.name} ({rule.code})",
        "",
        "Checked by `schemasmith lint-migration` on migration files (see [lint-migration](../lint-migration.md)).",
        "",
        rule.doc.strip(),
        "",
        "## Facts",
        "",
        "Locks, rewrites and scans come from the table `diff` uses too (`schemasmith.migrate.safety.FACTS`);",
        "the severity grows with the table's rows (`--db` statistics, or `expected_rows` in a `--schema` design).",
        "",
    ])


def expected_files(root: Path = ROOT) -> dict[Path, str]:
    return {root / "docs" / "rules" / f"{rule.code}.md": rule_page(rule) for rule in all_lint_rules()}


def main() -> int:
    from ..fileio import write_text_atomic

    for path, text in expected_files().items():
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            write_text_atomic(path, text)
            print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
