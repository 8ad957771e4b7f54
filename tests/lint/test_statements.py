"""Reading migration files: every statement at the line where its code starts, whatever comes
between statements (property test), and a parse error at the parser's line."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from schemasmith.lint.statements import _Unparsable, parse

STATEMENTS = st.sampled_from([
    "CREATE INDEX i ON t (a)",
    "ALTER TABLE t\n  ADD COLUMN b int",
    "SELECT 'é;'",
    "DROP INDEX IF EXISTS i",
    "UPDATE t SET a = 1\nWHERE a IS NULL",
])
GAPS = st.sampled_from(["\n", "\n\n", "\n-- a comment\n", "\n/* block\n comment */\n", "  \n\t\n"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(GAPS, STATEMENTS), min_size=1, max_size=8))
def test_each_statement_is_at_the_line_its_code_starts(parts):
    text, expected = "", []
    for gap, statement in parts:
        text += gap
        expected.append((text.count("\n") + 1, statement))
        text += statement + ";"
    got = [(s.line, s.sql) for s in parse(text, "m.sql")]
    # a /* */ comment before a statement is part of its text; its code starts after it
    assert [line for line, _ in got] == [line for line, _ in expected]
    assert [sql.endswith(statement) for (_, sql), (_, statement) in zip(got, expected)] == [True] * len(expected)


def test_parse_error_names_the_line():
    try:
        parse("SELECT 1;\n-- fine so far\nALTER TABLE t ADD COLUMN;\n", "m.sql")
    except _Unparsable as problem:
        assert str(problem.error).startswith("m.sql:3: does not parse: syntax error at or near")
    else:
        raise AssertionError("a broken file must not parse")


def test_facts_follow_the_postgresql_version():
    """One table of facts per version: a constant default rewrote the table before PostgreSQL 11."""
    from schemasmith.migrate.safety import fact_for

    assert not fact_for("add_column_default").rewrites
    assert not fact_for("add_column_default", 16).rewrites
    assert fact_for("add_column_default", 10).rewrites
    assert fact_for("set_not_null_validated", 11).scans and not fact_for("set_not_null_validated", 12).scans
