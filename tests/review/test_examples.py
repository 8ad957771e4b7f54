"""The example designs' reviews say what a senior DBA would, without noise, and the generated
pages (docs/rules/, examples/taskhub.review.md) are current with the code."""

from __future__ import annotations

from pathlib import Path

import pytest

from schemasmith.review.docs import expected_files, stale_files
from schemasmith.review.engine import review_source

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"


def findings(name: str, profile: str | None = None) -> list[tuple[str, str]]:
    review = review_source(str(EXAMPLES / name), profile=profile)
    return [(finding.code, finding.location.split(" (")[0]) for finding in review.findings]


def test_taskhub_review():
    found = findings("taskhub.yaml")
    # The two foreign keys without an index: deleting a user scans 7.5M comments and 12M activity rows.
    assert ("SS102", "comments.author_id") in found
    assert ("SS102", "task_activity.actor_id") in found
    # The one table whose key differs from the conventions, without saying why.
    assert ("SS209", "task_activity.id") in found
    # No errors, and nothing flagged that the design already decided and explained.
    codes = {code for code, _ in found}
    assert not codes & {"SS101", "SS103", "SS104", "SS106", "SS107", "SS108", "SS109", "SS110", "SS301", "SS302"}
    assert len(found) <= 6


def test_taskhub_as_a_multi_tenant_schema():
    found = findings("taskhub.yaml", profile="multi-tenant")
    missing = sorted(location for code, location in found if code == "SS405")
    assert missing == ["comments", "task_activity", "tasks"]


def test_taco_reviews_review_is_quiet():
    found = findings("taco-reviews.yaml")
    # The review → photo cascade from users is documented with reasons: a decision, not an accident.
    assert all(code not in ("SS110", "SS102", "SS103", "SS301") for code, _ in found)
    assert len(found) <= 2


def test_model_catalogue_review():
    found = findings("model-catalogue.yaml")
    assert ("SS205", "models.metadata") in found  # the multimodal filter reads inside json
    assert all(code not in ("SS102", "SS103", "SS110") for code, _ in found)
    assert len(found) <= 6


GENERATED = expected_files()


@pytest.mark.parametrize("path", sorted(GENERATED), ids=lambda path: str(path.relative_to(REPO)))
def test_generated_page_is_current(path):
    """docs/rules/*.md, its index and examples/taskhub.review.md come from the code; regenerate
    them with `python -m schemasmith.review.docs` when this fails."""
    assert path.is_file(), f"{path} is missing: run python -m schemasmith.review.docs"
    assert path.read_text(encoding="utf-8") == GENERATED[path], f"{path} is stale: run python -m schemasmith.review.docs"


def test_no_page_of_a_removed_rule():
    assert [path for path in stale_files() if path not in GENERATED] == []
