"""Every corpus schema and every CHECK shape seeded into real databases, with zero violations.

The corpora (Pagila, Chinook, the real schemas, every migra fixture's b.sql) at 50 rows per
table on SQLite and on the embedded PostgreSQL 18: the databases enforce every CHECK, domain,
NOT NULL, unique and exclusion constraint while loading, and `verify` counts foreign keys
pointing nowhere and duplicated keys afterwards. A schema that cannot be seeded for a reason of
its own is listed in REFUSED with the words its refusal must contain; none is skipped.
(benchmarks/seed_corpus.py runs the same at 1,000,000 rows.)
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest

from schemasmith.cli import app

from schemasmith.data.verify import verify

from .helpers import REPO, check, seed

sys.path.insert(0, str(REPO / "benchmarks"))
from seed_corpus import corpus  # noqa: E402

SCHEMAS = [(name, path) for name, path in corpus() if not name.startswith("example/")]  # examples: test_seed_examples
ROWS = 50

#: Schemas that cannot be seeded, and what the clear refusal must say (dialect: words).
REFUSED = {
    # CREATE COLLATION … provider = icu: the embedded PostgreSQL is built without ICU.
    "migra/collations": {"postgres": "ICU is not supported", "sqlite": "ICU is not supported"},
    # A BEFORE INSERT trigger raises on NULL empname/salary: the trigger is named.
    "migra/triggers": {"postgres": "emp_stamp()"},
    # The trigger function has no RETURN: every insert fails, by the schema's own code.
    "migra/triggers2": {"postgres": "trigger_func()"},
    # A CHECK calls que_validate_tags(), created in the seed's own transaction: named with its column.
    "real/zync": {"postgres": "valid_data"},
}


def _outcome(name: str, dialect: str, run):
    from schemasmith.errors import SchemasmithError

    expected = REFUSED.get(name, {}).get(dialect)
    if expected is None:
        return run()
    with pytest.raises(SchemasmithError) as error:
        run()
    assert expected in str(error.value)
    return None


def _load(path: Path):
    from schemasmith.sources import load_source

    return load_source(str(path)).design


@pytest.mark.parametrize(("name", "path"), SCHEMAS, ids=[name for name, _ in SCHEMAS])
def test_corpus_seeds_into_sqlite(name: str, path: Path, tmp_path: Path, migra_role):
    url = f"sqlite:///{tmp_path / 'corpus.db'}"

    def run():
        design = _load(path)
        result = seed(design, url, rows=ROWS, seed=3)
        connection = sqlite3.connect(url.split("///", 1)[1])
        present = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        connection.close()
        return design, result, present

    outcome = _outcome(name, "sqlite", run)
    if outcome is None:
        return
    design, result, present = outcome
    connection = sqlite3.connect(url.split("///", 1)[1])
    try:
        # A table without columns does not exist on SQLite: the others are checked.
        verification = verify(connection, "sqlite", design, tables=[table for table in design.tables if table in present])
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        connection.close()
    assert verification.clean, (verification.foreign_key_violations, verification.duplicate_keys)
    assert result.rows > 0 or not design.tables


@pytest.mark.parametrize(("name", "path"), SCHEMAS, ids=[name for name, _ in SCHEMAS])
def test_corpus_seeds_into_postgres(name: str, path: Path, pg_url: str, migra_role):
    def run():
        design = _load(path)
        return design, seed(design, pg_url, rows=ROWS, seed=3)

    outcome = _outcome(name, "postgres", run)
    if outcome is None:
        return
    design, result = outcome
    verification = check(pg_url, design)
    assert verification.clean, (verification.foreign_key_violations, verification.duplicate_keys)
    assert result.rows > 0 or not design.tables


# --- CHECK shapes, through the command line ---------------------------------------------------

SHAPES = r"""
CREATE DOMAIN us_postal_code AS text CHECK (VALUE ~ '^\d{5}$' OR VALUE ~ '^\d{5}-\d{4}$');
CREATE DOMAIN positive_int AS integer NOT NULL CHECK (VALUE > 0);
CREATE TABLE label (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL,
  color text NOT NULL CHECK (color ~ '^#[0-9a-fA-F]{6}$')
);
CREATE TABLE account (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email text NOT NULL CHECK (email ~* '^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$'),
  color text NOT NULL UNIQUE CHECK (color ~ '^#[0-9a-fA-F]{6}$'),
  sku text NOT NULL UNIQUE CHECK (sku SIMILAR TO '[A-Z]{3}-[0-9]{4}'),
  ref varchar(12) CHECK (ref LIKE 'REF-%'),
  phone text CHECK (phone ~ '^\+[1-9][0-9]{7,14}$'),
  zip us_postal_code,
  qty positive_int,
  code char(2) NOT NULL CHECK (code ~ '^[A-Z]{2}$'),
  lang text NOT NULL CHECK (lang IN ('en', 'de', 'fr')),
  score numeric(5,2) CHECK (score BETWEEN 0 AND 100),
  nick text CHECK (length(nick) BETWEEN 3 AND 20 AND nick ~ '^[a-z][a-z0-9_]*$'),
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  a int, b int,
  CHECK (ends_at > starts_at),
  CHECK (a IS NOT NULL OR b IS NOT NULL)
);
CREATE UNIQUE INDEX account_email_lower ON account (lower(email));
CREATE UNIQUE INDEX account_ref_partial ON account (ref) WHERE ref IS NOT NULL;
CREATE TABLE booking (
  id serial PRIMARY KEY,
  room int NOT NULL,
  during tstzrange NOT NULL,
  EXCLUDE USING gist (during WITH &&)
);
"""

HEX = r"CREATE TABLE label (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL," \
      r" color text NOT NULL CHECK (color ~ '^#[0-9a-fA-F]{6}$'));"


def _cli(*args: str):
    from typer.testing import CliRunner

    return CliRunner().invoke(app, list(args))


def test_hex_colour_regex_through_the_cli_on_sqlite(tmp_path: Path):
    schema = tmp_path / "labels.sql"
    schema.write_text(HEX)
    database = tmp_path / "x.db"
    result = _cli("seed", str(schema), "--db", f"sqlite:///{database}", "--rows", "100")
    assert result.exit_code == 0, result.output
    colours = [row[0] for row in sqlite3.connect(database).execute("SELECT color FROM label")]
    import re

    assert len(colours) == 100 and all(re.fullmatch(r"#[0-9a-fA-F]{6}", colour) for colour in colours), colours[:5]


def test_hex_colour_regex_through_the_cli_on_postgres(tmp_path: Path, pg_url: str):
    import psycopg

    schema = tmp_path / "labels.sql"
    schema.write_text(HEX)
    result = _cli("seed", str(schema), "--db", pg_url, "--rows", "100")
    assert result.exit_code == 0, result.output
    with psycopg.connect(pg_url) as connection:
        bad = connection.execute(r"SELECT count(*) FROM label WHERE color !~ '^#[0-9a-fA-F]{6}$'").fetchone()[0]
        total = connection.execute("SELECT count(*) FROM label").fetchone()[0]
    assert (total, bad) == (100, 0)


def test_every_check_shape_holds_on_postgres(tmp_path: Path, pg_url: str):
    """PostgreSQL enforces all of them (the CHECKs, domains, the exclusion, the unique indexes)."""
    import psycopg

    schema = tmp_path / "shapes.sql"
    schema.write_text(SHAPES)
    result = _cli("seed", str(schema), "--db", pg_url, "--rows", "3000", "-q")
    assert result.exit_code == 0, result.output
    with psycopg.connect(pg_url) as connection:
        counts = connection.execute("SELECT (SELECT count(*) FROM account), (SELECT count(*) FROM booking),"
                                    " (SELECT count(*) FROM account WHERE ref IS NOT NULL)").fetchone()
        sequence = connection.execute("SELECT nextval(pg_get_serial_sequence('booking', 'id'))").fetchone()[0]
    assert counts[0] == 3000 and counts[1] == 3000 and counts[2] > 0
    assert sequence == 3001  # serial sequences continue after the seeded rows


def test_every_check_shape_holds_on_sqlite(tmp_path: Path):
    """SQLite has no regex operator, so its DDL drops those CHECKs: the rows are held to them here."""
    import re

    schema = tmp_path / "shapes.sql"
    schema.write_text(SHAPES)
    database = tmp_path / "s.db"
    result = _cli("seed", str(schema), "--db", f"sqlite:///{database}", "--rows", "2000", "-q")
    assert result.exit_code == 0, result.output
    connection = sqlite3.connect(database)
    rows = connection.execute("SELECT email, color, sku, ref, phone, zip, qty, code, nick FROM account").fetchall()
    assert len(rows) == 2000
    for email, color, sku, ref, phone, zip_code, qty, code, nick in rows:
        assert re.search(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$", email, re.IGNORECASE)
        assert re.fullmatch(r"#[0-9a-fA-F]{6}", color) and re.fullmatch(r"[A-Z]{3}-[0-9]{4}", sku)
        assert ref is None or (ref.startswith("REF-") and len(ref) <= 12)
        assert phone is None or re.fullmatch(r"\+[1-9][0-9]{7,14}", phone)
        assert zip_code is None or re.fullmatch(r"\d{5}(-\d{4})?", zip_code)
        assert qty is not None and qty > 0
        assert re.fullmatch(r"[A-Z]{2}", code)
        assert nick is None or (3 <= len(nick) <= 20 and re.fullmatch(r"[a-z][a-z0-9_]*", nick))
    assert len({row[1] for row in rows}) == 2000 and len({row[2] for row in rows}) == 2000


@pytest.mark.parametrize("check", [
    "code GLOB '[A-Z][A-Z]-[0-9]*'",
    "code REGEXP '^[A-Z]{2}-[0-9]+$'",
    "code LIKE 'AB_%' AND length(code) <= 9",
    "code SIMILAR TO '(AB|CD)-[0-9]{3}'",
])
def test_pattern_shapes_are_generated(check: str):
    """Each pattern shape gives hints the generator makes text from, and the evaluator agrees."""
    import numpy as np

    from schemasmith.data import checks
    from schemasmith.data.patterns import compiled, pattern_pool

    tree = checks.parse_check(check)
    hints = checks.TableHints()
    checks.collect_hints(tree, hints)
    patterns = tuple(hints.column("code").patterns)
    assert patterns
    texts = pattern_pool(patterns, 7, 50, lambda text: len(text) <= 9)
    assert texts and all(compiled(regex, ignore_case).search(text) for text in texts for regex, ignore_case in patterns)
    column = checks.Column(np.asarray(texts, dtype=object), np.zeros(len(texts), dtype=bool), "text")
    assert checks.Evaluator({"code": column}, len(texts)).passes(tree).all()


def test_seed_format_json_reports_rows_time_and_violations(tmp_path: Path, capsys):
    import json

    from schemasmith.data.command import seed_command

    schema = tmp_path / "labels.sql"
    schema.write_text(HEX)
    code = seed_command(str(schema), f"sqlite:///{tmp_path / 'j.db'}", 40, None, 42, 0.1, False, format="json")
    document = json.loads(capsys.readouterr().out)
    assert code == 0
    assert document["rows"] == 40 and document["tables"] == [{"name": "label", "rows": 40, "seconds": document["tables"][0]["seconds"]}]
    assert document["violations"]["total"] == 0 and document["seconds"] >= 0
