"""Generated documentation: docs/rules/ from the rule docstrings, and examples' review pages, on disk.

Run `python -m schemasmith.review.docs` to write them, `--check` to fail when one is stale
(a test does the same), so the words of a rule exist once: in its docstring.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .engine import review_source
from .formats import render_markdown
from .registry import all_rules
from .rule_pages import index_page, rule_page

#: The repository root when running from a source checkout (src/schemasmith/review/docs.py).
ROOT = Path(__file__).resolve().parents[3]
#: Example designs whose review is kept beside them as `<name>.review.md`.
REVIEWED_EXAMPLES = ("examples/taskhub.yaml",)


def example_review(example: str, root: Path = ROOT) -> str:
    """The Markdown review of an example design, as `schemasmith review EXAMPLE --format markdown` prints it."""
    review = review_source(str(root / example), display=example)
    return render_markdown(review, command=f"schemasmith review {example} --format markdown")


def expected_files(root: Path = ROOT) -> dict[Path, str]:
    files = {root / "docs" / "rules" / f"{rule.code}.md": rule_page(rule) for rule in all_rules()}
    files[root / "docs" / "rules" / "index.md"] = index_page()
    for example in REVIEWED_EXAMPLES:
        files[root / example.replace(".yaml", ".review.md")] = example_review(example, root)
    return files


def stale_files(root: Path = ROOT) -> list[Path]:
    """Generated files that are missing or differ from what the code generates now."""
    stale = [
        path for path, text in expected_files(root).items() if not path.is_file() or path.read_text(encoding="utf-8") != text
    ]
    folder = root / "docs" / "rules"
    known = {rule.code for rule in all_rules()}
    if folder.is_dir():
        stale += [path for path in sorted(folder.glob("SS*.md")) if path.stem not in known]  # a removed rule's page
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write (or --check) docs/rules/ and the examples' review pages.")
    parser.add_argument("--check", action="store_true", help="exit 1 when a generated file is stale, write nothing")
    parser.add_argument("--root", type=Path, default=ROOT, help="repository root")
    options = parser.parse_args(argv)
    if options.check:
        stale = stale_files(options.root)
        for path in stale:
            print(f"stale: {path}")
        return 1 if stale else 0
    from ..fileio import write_text_atomic

    for path, text in expected_files(options.root).items():
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            write_text_atomic(path, text)
            print(f"wrote {path}")
    folder = options.root / "docs" / "rules"
    known = {rule.code for rule in all_rules()}
    for path in sorted(folder.glob("SS*.md")):
        if path.stem not in known:
            path.unlink()
            print(f"removed {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
