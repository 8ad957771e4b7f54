"""docs/rules/SM1xx.md are current with the rules' docstrings (regenerate: python -m schemasmith.lint.docs)."""

from __future__ import annotations

import pytest

from schemasmith.lint.docs import expected_files

PAGES = expected_files()


@pytest.mark.parametrize("path", sorted(PAGES), ids=lambda path: path.name)
def test_rule_page_is_current(path):
    assert path.is_file() and path.read_text(encoding="utf-8") == PAGES[path], f"{path} is stale: run python -m schemasmith.lint.docs"
