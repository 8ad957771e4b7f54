"""External check: migra's own schema-diff fixtures (shared/corpora/migra-fixtures).

For each pair: a.sql is applied to a scratch database and read back as OLD, b.sql to another as
NEW; our UP (the direct plan, every statement of `render.postgres`) is applied on top of a.sql, and the
result, read back, must equal NEW (column order aside: PostgreSQL appends added columns, as migra
does). Pairs that change what a design document does not hold are listed in OUT_OF_SCOPE with the
reason and the outcome they must keep having — an explicit list, not skips.
"""

from __future__ import annotations

import pytest
from migrate_helpers import DESIGNS, differences

from schemasmith.db.apply import apply_script
from schemasmith.db.embedded import scratch_database
from schemasmith.errors import SourceError
from schemasmith.importers import postgres as postgres_importer
from schemasmith.migrate import diff
from schemasmith.migrate.render.postgres import pg_statements

FIXTURES = DESIGNS.parents[2].parent / "shared" / "corpora" / "migra-fixtures"
ALL = sorted(path.name for path in FIXTURES.iterdir() if path.is_dir()) if FIXTURES.is_dir() else []

#: Pairs whose changes are within the design document: they must pass.
IN_SCOPE = [
    "constraints", "dependencies3", "dependencies4", "enumdefaults", "enumdeps", "generated", "generated_added",
    "identitycols", "rls", "rls2", "seq", "triggers2", "triggers3",
]
#: name → (outcome, why the pair is outside the design document's scope).
OUT_OF_SCOPE = {
    "collations": ("import fails", "ICU collations (not in this PostgreSQL build); collations are not part of a design"),
    "dependencies": ("empty diff", "only views and a function change; views and functions are not part of a design"),
    "dependencies2": ("apply fails", "a table is replaced by a view of the same name; views are not part of a design"),
    "everything": ("apply fails", "views depend on a column whose type changes; also schemas, extensions, privileges, functions, unlogged tables"),
    "excludeschema": ("empty diff", "the change is in a schema migra is told to exclude; a design holds one schema"),
    "extversions": ("empty diff", "extension versions are not part of a design"),
    "inherit": ("pass", "table inheritance is not part of a design: the children come out equal as plain tables, without INHERITS"),
    "inherit2": ("differs", "a child loses a column its parent drops (inheritance), which a design cannot say"),
    "partitioning": ("apply fails", "partitions are not part of a design (the partitioned table is imported as one table)"),
    "privileges": ("empty diff", "only GRANTs change; privileges are not part of a design"),
    "singleschema": ("pass", "several schemas: migra diffs only goodschema; the importer reads public from a.sql and goodschema from b.sql, so the equality is a coincidence of names"),
    "singleschema_ext": ("pass", "as singleschema, with extensions"),
    "triggers": ("empty diff", "custom trigger functions are not design triggers (only updated_at and max_depth are)"),
}


def run_fixture(name: str) -> tuple[str, list[str]]:
    """(outcome, details) of one pair: pass, differs, empty diff, import fails or apply fails."""
    folder = FIXTURES / name
    a_sql, b_sql = (folder / "a.sql").read_text(), (folder / "b.sql").read_text()
    with scratch_database(prefix="migra") as url:
        try:
            apply_script(url, a_sql, f"{name}/a.sql")
            new = postgres_importer.import_ddl(b_sql, file=f"{name}/b.sql", name=name).design
        except SourceError as error:
            return "import fails", [str(error)]
        schema = postgres_importer._schema_to_import(url)
        old = postgres_importer.import_database(url, schema=schema, name=name).design
        result = diff(old, new, dialect="postgres")
        if not result.operations:
            return "empty diff", []
        statements = [statement for operation in result.operations for statement in pg_statements(operation, result.context)]
        script = f'SET search_path TO "{schema}";\nBEGIN;\n' + "\n".join(statements) + "\nCOMMIT;\n"
        try:
            apply_script(url, script, f"{name}/up.sql")
        except SourceError as error:
            return "apply fails", [str(error)]
        after = postgres_importer.import_database(url, schema=schema, name=name).design
    found = differences(new, after, ignore_column_order=True)
    return ("pass" if not found else "differs"), found


def test_every_fixture_is_classified():
    assert ALL, f"no fixtures in {FIXTURES}"
    assert sorted(IN_SCOPE + list(OUT_OF_SCOPE)) == ALL


@pytest.mark.parametrize("name", IN_SCOPE)
def test_in_scope_pair_migrates_to_b(name: str, migra_role):
    outcome, details = run_fixture(name)
    assert (outcome, details) == ("pass", [])


@pytest.mark.parametrize("name", sorted(OUT_OF_SCOPE))
def test_out_of_scope_pair_keeps_its_expected_outcome(name: str, migra_role):
    expected, reason = OUT_OF_SCOPE[name]
    outcome, details = run_fixture(name)
    assert outcome == expected, f"{name} ({reason}): {outcome} {details[:3]}"


def test_score():
    passing = len(IN_SCOPE) + sum(1 for outcome, _ in OUT_OF_SCOPE.values() if outcome == "pass")
    print(f"\nmigra fixtures: {passing} of {len(ALL)} pairs reach b.sql's design; {len(IN_SCOPE)} of them are fully in the"
          f" design document's scope; {len(OUT_OF_SCOPE)} are out of scope ({', '.join(sorted(OUT_OF_SCOPE))})")
    assert len(IN_SCOPE) >= 13
