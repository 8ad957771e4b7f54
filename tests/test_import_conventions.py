"""Import records the conventions a schema follows, and the review judges it by them.

Every corpus schema (Pagila, Chinook in its PostgreSQL and SQLite versions, the real schemas) is
imported as `schemasmith import` does, written to YAML and read back, then reviewed as a design
document. The conventions must be the schema's own (key style and type, audit columns, naming,
enum style, table comments), and no finding may remain that only says the schema differs from a
convention it never had: such findings are named when this fails.
"""

from __future__ import annotations

import pytest
from conftest import SHARED

from schemasmith.emit import markdown
from schemasmith.model import dump_design, load_design_text
from schemasmith.model.document import Conventions, Design
from schemasmith.review.engine import review_design
from schemasmith.sources import load_source

CORPORA = SHARED / "corpora"
SAMPLES = CORPORA / "sample-databases"
REAL = CORPORA / "real-schemas"

#: What each schema is seen to follow (the conventions fields that import infers).
EXPECTED = {
    "pagila": (SAMPLES / "pagila" / "pagila-schema.sql", None, {
        "primary_key": "serial", "primary_key_type": "integer", "audit_fields": ["last_update"], "soft_delete": False,
        "enum_style": "native", "naming": "snake_case_singular", "table_comments": False,
    }),
    "chinook-postgres": (SAMPLES / "chinook" / "Chinook_PostgreSql.sql", None, {
        "primary_key": "integer", "primary_key_type": "integer", "audit_fields": [], "soft_delete": False,
        "enum_style": "lookup", "naming": "snake_case_singular", "table_comments": False,
    }),
    "chinook-sqlite": (SAMPLES / "chinook" / "Chinook_Sqlite.sql", "sqlite", {
        "primary_key": "integer", "primary_key_type": "integer", "audit_fields": [], "soft_delete": False,
        "enum_style": "lookup", "naming": "PascalCase_singular", "table_comments": False,
    }),
    "real-feedbin": (REAL / "feedbin.sql", None, {
        "primary_key": "serial", "primary_key_type": "bigint", "audit_fields": ["created_at", "updated_at"],
        "soft_delete": False, "enum_style": "native", "naming": "snake_case_plural", "table_comments": False,
    }),
    "real-zync": (REAL / "zync.sql", None, {
        "primary_key": "serial", "primary_key_type": "bigint", "audit_fields": ["created_at", "updated_at"],
        "soft_delete": False, "enum_style": "native", "naming": "snake_case_plural", "table_comments": False,
    }),
}
#: Every real schema of the corpus has an expectation (a new one fails here until it gets one).
REAL_SCHEMAS = sorted(f"real-{path.stem}" for path in REAL.glob("*.sql"))

#: Rules that hold a schema to a convention. A finding of one of these is noise when the schema
#: itself does not follow that convention; a table that departs from what the rest of the schema
#: does is a real finding, listed here per schema (rule → tables).
CONVENTION_RULES = {"SS203", "SS209", "SS301", "SS303", "SS306", "SS308", "SS309"}
DEPARTURES = {
    "pagila": {"SS301": {"payment"}, "SS203": {"category"}},  # the one table without last_update; a 16-name table beside an enum type
    "chinook-postgres": {},
    "chinook-sqlite": {},
    # Rails schemas: tables the que and message_bus gems create lack created_at/updated_at; `message_bus`
    # is singular; feedbin's suggested_categories is a name list no foreign key points at.
    "real-feedbin": {"SS203": {"suggested_categories"}},
    "real-zync": {"SS301": {"que_jobs", "que_lockers", "que_values", "message_bus"}, "SS309": {"message_bus"}},
}


def _imported(case: str) -> Design:
    path, dialect, _ = EXPECTED[case]
    if not path.is_file():
        pytest.fail(f"corpus file missing: {path}")
    source = load_source(str(path), dialect=dialect)
    # As `import` writes it and `review` reads it: through the YAML text.
    return load_design_text(dump_design(source.design), f"{case}.yaml")


@pytest.fixture(scope="module")
def imported(request, pg_server):
    cache: dict[str, Design] = {}

    def get(case: str) -> Design:
        if case not in cache:
            cache[case] = _imported(case)
        return cache[case]

    return get


def test_every_real_schema_has_an_expectation():
    assert REAL_SCHEMAS, f"no real schemas in {REAL}"
    assert set(REAL_SCHEMAS) <= set(EXPECTED), f"add expectations for {sorted(set(REAL_SCHEMAS) - set(EXPECTED))}"


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_import_infers_the_conventions_the_schema_follows(case, imported):
    conventions = imported(case).conventions
    expected = EXPECTED[case][2]
    found = {name: getattr(conventions, name) for name in expected}
    assert found == expected, "\n".join(
        f"conventions.{name}: imported {found[name]!r}, the schema follows {expected[name]!r}"
        for name in expected if found[name] != expected[name]
    )


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_review_reports_no_convention_the_schema_contradicts(case, imported):
    design = imported(case)
    review = review_design(design, origin="design")
    departures = DEPARTURES[case]
    unexpected = [
        f"{finding.code} {finding.name} on {finding.table or 'the schema'}"
        + (f".{finding.column}" if finding.column else "") + f": {finding.message}"
        for finding in review.findings
        if finding.code in CONVENTION_RULES and finding.table not in departures.get(finding.code, set())
    ]
    assert unexpected == [], f"{case}: findings against conventions the schema does not follow:\n" + "\n".join(unexpected)
    found = {(finding.code, finding.table) for finding in review.findings}
    missing = [(code, table) for code, tables in departures.items() for table in tables if (code, table) not in found]
    assert missing == [], f"{case}: real departures from the schema's own conventions no longer reported: {missing}"


def test_real_findings_stay(imported):
    """Conventions silence noise, not problems: a missing foreign-key index and a table without any key stay."""
    pagila = {(finding.code, finding.table) for finding in review_design(imported("pagila")).findings}
    assert ("SS102", "rental") in pagila  # rental.staff_id has no index
    assert not any(code == "SS101" and table.startswith("payment_p") for code, table in pagila)  # partitions have payment's key
    feedbin = {(finding.code, finding.table) for finding in review_design(imported("real-feedbin")).findings}
    assert ("SS101", "schema_migrations") in feedbin


@pytest.mark.parametrize(
    ("case", "key_line"),
    [
        ("pagila", "- Primary keys: integer columns numbered by a sequence default (serial)"),
        ("chinook-sqlite", "- Primary keys: integer columns without a generated default"),
        ("real-zync", "- Primary keys: bigint columns numbered by a sequence default (bigserial)"),
    ],
)
def test_markdown_states_the_inferred_conventions(case, key_line, imported):
    design = imported(case)
    document = markdown.render(design).files
    text = next(iter(document.values()))
    assert key_line in text
    fields = ", ".join(f"`{name}`" for name in design.conventions.audit_fields) or "none"
    assert f"- Audit fields: {fields}" in text
    assert f"- Naming: `{design.conventions.naming}`" in text
    assert "uuid" not in text.split("### Conventions", 1)[1].split("\n\n", 1)[0]


def test_a_document_without_the_new_conventions_writes_back_unchanged():
    text = (
        "format: 2\nname: d\nconventions:\n  primary_key: identity\n  audit_fields: [created_at, updated_at]\n"
        "  soft_delete: false\n  enum_style: native\n  naming: snake_case_plural\n  postgres_version: 14\n  implied: true\n"
        "tables:\n  t:\n    columns:\n      id: {type: bigint}\n    primary_key: [id]\n"
    )
    design = load_design_text(text, "d.yaml")
    assert design.conventions.primary_key_type is None and design.conventions.table_comments is True
    assert dump_design(design) == text
    assert set(Conventions().to_data()) == set(Conventions.model_fields) - {"primary_key_type", "table_comments"}


def test_lookup_enum_style_builds_declared_enums_as_native_types():
    design = load_design_text(
        "name: d\nconventions: {enum_style: lookup}\nenums: {mood: [a, b]}\n"
        "tables:\n  t:\n    columns:\n      id: {type: uuid}\n      mood: {type: 'enum:mood'}\n    primary_key: [id]\n",
        "d.yaml",
    )
    from schemasmith.dialects import postgres

    sql = postgres.render(design).files["schema.sql"]
    assert "CREATE TYPE" in sql and "CHECK" not in sql
