"""Per-table suppressions in the design document: each waives one rule (optionally for one
column) with a required reason, and the review shows what it waived and why."""

from __future__ import annotations

import pytest

from schemasmith.errors import SchemaError
from schemasmith.review.formats import render_markdown

from .helpers import review_of

DESIGN = """\
tables:
  users:
    comment: A person who signs in.
    columns:
      id: {type: uuid}
      created_at: {type: timestamptz, default: now()}
      updated_at: {type: timestamptz, default: now()}
    primary_key: [id]
  events:
    comment: What happened, when.
    columns:
      id: {type: bigint, identity: always}
      user_id: {type: uuid, nullable: true}
      actor_id: {type: uuid, nullable: true}
      created_at: {type: timestamptz, default: now()}
      updated_at: {type: timestamptz, default: now()}
    primary_key: [id]
    foreign_keys:
      - {columns: [user_id], references: {table: users, columns: [id]}, on_delete: set null}
      - {columns: [actor_id], references: {table: users, columns: [id]}, on_delete: set null}
"""


def with_suppress(line: str) -> str:
    return DESIGN + "    suppress:\n      - " + line + "\n"


def test_without_suppressions_both_foreign_keys_are_found():
    found = [(f.code, f.column) for f in review_of(DESIGN).findings if f.code == "SS102"]
    assert found == [("SS102", "user_id"), ("SS102", "actor_id")]


def test_a_table_suppression_waives_the_rule_on_the_whole_table():
    review = review_of(with_suppress("{rule: SS102, reason: Events are never looked up by user; deletes of users are rare and off-peak.}"))
    assert "SS102" not in [f.code for f in review.findings]
    assert [(f.code, f.column, reason[:6]) for f, reason in review.suppressed] == [("SS102", "user_id", "Events"), ("SS102", "actor_id", "Events")]
    assert "SS209" in [f.code for f in review.findings]  # other rules still run
    text = render_markdown(review)
    assert "## Suppressed in the design" in text and "Events are never looked up" in text


def test_a_column_suppression_waives_only_that_column():
    review = review_of(with_suppress("{rule: unindexed-foreign-key, column: actor_id, reason: Actors are looked up through user_id.}"))
    assert [(f.code, f.column) for f in review.findings if f.code == "SS102"] == [("SS102", "user_id")]
    assert [(f.code, f.column) for f, _ in review.suppressed] == [("SS102", "actor_id")]


def test_unknown_rule_in_a_suppression_names_the_place():
    with pytest.raises(SchemaError) as error:
        review_of(with_suppress("{rule: SS999, reason: typo}"))
    assert "events.suppress[0]" in str(error.value) and "unknown rule 'SS999'" in str(error.value)


def test_suppression_of_a_missing_column_names_the_place():
    with pytest.raises(SchemaError, match=r"events.suppress\[0\].*'nope'"):
        review_of(with_suppress("{rule: SS102, column: nope, reason: typo}"))


def test_a_suppression_needs_a_reason():
    with pytest.raises(SchemaError, match="reason"):
        review_of(with_suppress("{rule: SS102}"))
    with pytest.raises(SchemaError, match="reason"):
        review_of(with_suppress("{rule: SS102, reason: '  '}"))


def test_a_bad_suppression_in_a_file_names_file_and_line(tmp_path):
    from schemasmith.review.engine import review_source

    path = tmp_path / "design.yaml"
    path.write_text("name: x\n" + with_suppress("{rule: SS999, reason: typo}"))
    with pytest.raises(SchemaError) as error:
        review_source(str(path))
    line = path.read_text().splitlines().index("      - {rule: SS999, reason: typo}") + 1
    assert f"design.yaml:{line}: events.suppress[0]" in str(error.value)
