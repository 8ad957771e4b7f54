"""Schemas that need extensions: what the embedded PostgreSQL 18 lacks is never a raw server error.

Four fixtures (tests/fixtures/extensions/): uuid-ossp for uuid_generate_v4() defaults and pgcrypto
for gen_random_uuid() (both stood in for by the built-in on the embedded server, the design
keeping the user's text), pgcrypto for crypt()/digest() and PostGIS (both refused, naming the
extension, the lines and the way out), pg_trgm (the embedded server has it). With
SCHEMASMITH_TEST_PG_URL (CI's PostgreSQL 15, which has pgcrypto and uuid-ossp) the real
extensions are used through --db and SCHEMASMITH_PG_URL.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXTERNAL_PG, REPO

from schemasmith.db.embedded import scratch_database
from schemasmith.db.extensions import prepare_script, script_needs
from schemasmith.importers import postgres as postgres_importer
from schemasmith.model.yamlio import dump_design

FIXTURES = REPO / "tests" / "fixtures" / "extensions"
NEEDS_CI = pytest.mark.skipif(not EXTERNAL_PG, reason="SCHEMASMITH_TEST_PG_URL is not set (CI's PostgreSQL 15)")
WAY_OUT = "SCHEMASMITH_PG_URL"


def run(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if key != "SCHEMASMITH_PG_URL"}
    environment.update(env or {})
    return subprocess.run([sys.executable, "-m", "schemasmith.cli", *args], capture_output=True, text=True, cwd=cwd,
                          env=environment, timeout=300)


def fixture(name: str) -> str:
    return str(FIXTURES / f"{name}.sql")


def assert_refused(result: subprocess.CompletedProcess, extension: str, lines: list[str]) -> None:
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    message = result.stderr
    assert f"needs the PostgreSQL extension {extension}, which the embedded PostgreSQL 18 does not have" in message
    for line in lines:
        assert line in message
    assert "--db URL" in message and WAY_OUT in message
    assert "is not available (HINT" not in message  # never the server's own error


# --- what a script needs (no server) -------------------------------------------------------------


def test_a_script_needs_what_it_creates_and_what_it_calls():
    needs = script_needs((FIXTURES / "uuid_ossp.sql").read_text(encoding="utf-8"))
    assert needs.created == {"uuid-ossp": 2}
    # Three calls (one schema-qualified); the string and the comment that mention it are not calls.
    assert [(use.line, use.what, use.qualifier) for use in needs.uses] == [
        (7, "uuid_generate_v4()", "public"), (14, "uuid_generate_v4()", None), (16, "uuid_generate_v4()", None),
    ]
    postgis = script_needs((FIXTURES / "postgis.sql").read_text(encoding="utf-8"))
    assert postgis.extensions() == ["postgis"] and [use.what for use in postgis.uses] == ["type geometry"]
    trigram = script_needs((FIXTURES / "pg_trgm.sql").read_text(encoding="utf-8"))
    assert [use.what for use in trigram.uses] == ["operator class gin_trgm_ops"]


def test_gen_random_uuid_alone_needs_no_extension_and_own_functions_are_not_an_extension():
    assert script_needs("CREATE TABLE t (id uuid DEFAULT gen_random_uuid());").extensions() == []
    own = "CREATE FUNCTION digest(text) RETURNS text LANGUAGE sql AS $$ SELECT $1 $$;\nCREATE TABLE t (d text DEFAULT digest('x'));"
    assert script_needs(own).extensions() == []


# --- the proof on the embedded server ------------------------------------------------------------


def test_the_substitution_maps_back_exactly_even_beside_gen_random_uuid(pg_url):
    """A script that calls both: the proof uses uuidv4() (PostgreSQL 18), so the catalog text maps back."""
    sql = (
        'CREATE EXTENSION IF NOT EXISTS "uuid-ossp";\n'
        "CREATE TABLE t (id uuid DEFAULT gen_random_uuid() PRIMARY KEY, other uuid DEFAULT uuid_generate_v4() NOT NULL);\n"
    )
    proof = prepare_script(sql, pg_url, "mixed.sql", proof=True)
    assert "uuidv4()" in proof.sql and "uuid_generate_v4" not in proof.sql.split("\n", 1)[1]
    assert proof.restore("uuidv4()") == "uuid_generate_v4()" and proof.restore("gen_random_uuid()") == "gen_random_uuid()"
    result = postgres_importer.import_ddl(sql, file="mixed.sql")
    columns = result.design.tables["t"].columns
    assert columns["id"].default is None  # gen_random_uuid() of a uuid key: implied, as always
    assert str(columns["other"].default.value) == "uuid_generate_v4()"


def test_a_users_database_is_never_given_a_stand_in(pg_url):
    from schemasmith.db.extensions import MissingExtensionError

    with pytest.raises(MissingExtensionError, match="uuid-ossp"):
        prepare_script("CREATE TABLE t (id uuid DEFAULT uuid_generate_v4());", pg_url, "schema.sql")


def test_import_of_uuid_ossp_keeps_the_users_functions(tmp_path, pg_server):
    result = run("import", fixture("uuid_ossp"), "-o", str(tmp_path / "schema.yaml"))
    assert result.returncode == 0, result.stderr
    assert ("note: uuid-ossp is not available on the embedded PostgreSQL 18; proved with the built-in gen_random_uuid()"
            " in place of uuid_generate_v4() (the design keeps uuid-ossp)") in result.stderr
    text = (tmp_path / "schema.yaml").read_text(encoding="utf-8")
    assert "extensions:\n  uuid-ossp: {}\n" in text  # the design records the extension the schema creates
    for line in ("id: {type: uuid, default: uuid_generate_v4()}", "token: {type: uuid, default: uuid_generate_v4(), comment:"):
        assert line in text
    assert text.count("id: {type: uuid, default: uuid_generate_v4()}") == 2 and "gen_random_uuid" not in text
    assert "comment: 'a uuid_generate_v4() value, shown once'" in text


def test_import_of_pgcrypto_for_gen_random_uuid(tmp_path, pg_server):
    result = run("import", fixture("pgcrypto_uuid"), "-o", str(tmp_path / "schema.yaml"))
    assert result.returncode == 0, result.stderr
    assert "note: pgcrypto is not available on the embedded PostgreSQL 18" in result.stderr
    assert "gen_random_uuid() of it, which PostgreSQL has built in" in result.stderr
    text = (tmp_path / "schema.yaml").read_text(encoding="utf-8")
    assert "extensions:\n  pgcrypto: {}\n" in text
    assert "reference: {type: uuid, default: gen_random_uuid()}" in text


@pytest.mark.parametrize(("name", "extension", "lines"), [
    ("pgcrypto_crypt", "pgcrypto", ["pgcrypto_crypt.sql:2: CREATE EXTENSION pgcrypto", "pgcrypto_crypt.sql:7: crypt(), gen_salt()",
                                    "pgcrypto_crypt.sql:8: digest()"]),
    ("postgis", "postgis", ["postgis.sql:2: CREATE EXTENSION postgis", "postgis.sql:7: type geometry"]),
])
def test_what_has_no_built_in_is_refused_by_every_command(name, extension, lines, tmp_path, pg_server):
    assert_refused(run("import", fixture(name), "-o", str(tmp_path / "schema.yaml")), extension, lines)
    assert_refused(run("validate", fixture(name)), extension, lines)
    assert_refused(run("diff", fixture("pg_trgm"), fixture(name), "-o", str(tmp_path / "migrations")), extension, lines)
    assert_refused(run("seed", fixture(name), "--db", f"sqlite:///{tmp_path / 'app.db'}", "--rows", "3", "--quiet"), extension, lines)
    assert sorted(path.name for path in tmp_path.iterdir()) == []  # nothing written


@pytest.mark.parametrize("name", ["uuid_ossp", "pgcrypto_uuid", "pg_trgm"])
def test_validate_diff_and_seed_on_embedded_defaults(name, tmp_path, pg_server):
    validated = run("validate", fixture(name), "--format", "json")
    assert validated.returncode == 0, validated.stderr
    formal = json.loads(validated.stdout)["formal"]
    assert [check["applied"] for check in formal] == [True, True]
    if name == "uuid_ossp":  # the generated DDL calls uuid_generate_v4() too: proved with the built-in
        assert any("in place of uuid_generate_v4()" in note for note in formal[0]["notes"])
    diffed = run("diff", fixture("pg_trgm"), fixture(name), "-o", str(tmp_path / "migrations"))
    assert diffed.returncode == 0, diffed.stderr
    assert list((tmp_path / "migrations").glob("*.up.sql")) or name == "pg_trgm"
    seeded = run("seed", fixture(name), "--db", f"sqlite:///{tmp_path / 'app.db'}", "--rows", "5", "--quiet")
    assert seeded.returncode == 0, seeded.stderr
    assert "seeded" in seeded.stdout


def test_seed_into_an_embedded_database_without_uuid_ossp_names_it(pg_url, tmp_path):
    result = run("seed", fixture("uuid_ossp"), "--db", pg_url, "--rows", "3", "--quiet")
    assert result.returncode == 2, result.stdout
    assert "needs the PostgreSQL extension uuid-ossp" in result.stderr
    assert "uuid_generate_v4()" in result.stderr and WAY_OUT in result.stderr


def test_validate_text_prints_the_note(pg_server):
    result = run("validate", fixture("uuid_ossp"))
    assert result.returncode == 0, result.stderr
    assert "note: uuid-ossp is not available on the embedded PostgreSQL 18" in result.stdout


def test_schemasmith_pg_url_must_be_postgresql(tmp_path):
    result = run("import", fixture("pg_trgm"), "-o", str(tmp_path / "x.yaml"), env={"SCHEMASMITH_PG_URL": "sqlite:///x.db"})
    assert result.returncode == 2 and "SCHEMASMITH_PG_URL must be a PostgreSQL server URL" in result.stderr
    assert not (tmp_path / "x.yaml").exists()


# --- on a server that has the extensions (CI's PostgreSQL 15) ----------------------------------


@NEEDS_CI
def test_import_on_a_server_with_uuid_ossp_gives_the_same_design(pg_server):
    sql = (FIXTURES / "uuid_ossp.sql").read_text(encoding="utf-8")
    embedded = postgres_importer.import_ddl(sql, file="uuid_ossp.sql")
    real = postgres_importer.import_ddl(sql, file="uuid_ossp.sql", server_url=EXTERNAL_PG)
    assert dump_design(embedded.design) == dump_design(real.design)
    assert not any(warning.startswith("note:") for warning in real.warnings)


@NEEDS_CI
@pytest.mark.parametrize("name", ["uuid_ossp", "pgcrypto_uuid", "pgcrypto_crypt", "pg_trgm"])
def test_validate_with_db_uses_the_real_extensions(name):
    result = run("validate", fixture(name), "--db", EXTERNAL_PG, "--format", "json")
    assert result.returncode == 0, result.stderr
    formal = json.loads(result.stdout)["formal"]
    assert all(check["applied"] for check in formal)
    assert not any("in place of" in note or "built in" in note for note in formal[0]["notes"])
    if name in ("uuid_ossp", "pgcrypto_crypt"):  # the design keeps the extension: the generated DDL creates it
        assert formal[0]["notes"] == [] or all("in place of" not in note for note in formal[0]["notes"])


@NEEDS_CI
def test_postgis_is_named_on_the_ci_server_too():
    result = run("validate", fixture("postgis"), "--db", EXTERNAL_PG)
    assert result.returncode == 2
    assert "needs the PostgreSQL extension postgis" in result.stderr and "PostgreSQL 15" in result.stderr


@NEEDS_CI
def test_schemasmith_pg_url_makes_the_server_the_default(tmp_path):
    env = {"SCHEMASMITH_PG_URL": EXTERNAL_PG}
    imported = run("import", fixture("pgcrypto_crypt"), "-o", str(tmp_path / "schema.yaml"), env=env)
    assert imported.returncode == 0, imported.stderr
    text = (tmp_path / "schema.yaml").read_text(encoding="utf-8")
    assert "default: 'crypt(''changeme'', gen_salt(''bf''))'" in text and "generated: 'digest(email, ''sha256'')'" in text
    validated = run("validate", str(tmp_path / "schema.yaml"), "--format", "json", env=env)
    assert validated.returncode == 0, validated.stderr
    assert "$SCHEMASMITH_PG_URL" in json.loads(validated.stdout)["formal"][0]["database"]
    diffed = run("diff", fixture("pgcrypto_crypt"), fixture("uuid_ossp"), "-o", str(tmp_path / "migrations"), env=env)
    assert diffed.returncode == 0, diffed.stderr


@NEEDS_CI
def test_seed_into_the_ci_server_creates_the_real_extension(tmp_path):
    with scratch_database(EXTERNAL_PG, prefix="seedext") as url:
        result = run("seed", fixture("uuid_ossp"), "--db", url, "--rows", "5", "--quiet")
        assert result.returncode == 0, result.stderr
        assert "in place of" not in result.stdout + result.stderr  # the real uuid-ossp, not a stand-in
        import psycopg

        with psycopg.connect(url) as connection:
            assert connection.execute("SELECT extname FROM pg_extension WHERE extname = 'uuid-ossp'").fetchone()
            assert connection.execute("SELECT count(*) FROM api_keys").fetchone()[0] == 5


# --- doctor ---------------------------------------------------------------------------------------


def test_doctor_text_and_json(pg_server):
    env = {"SCHEMASMITH_TEST_PG_URL": "postgresql://someone:s3cret@127.0.0.1:1/nowhere"}
    text = run("doctor", env=env)
    assert text.returncode == 0, text.stderr
    assert "ok       embedded PostgreSQL 18" in text.stdout
    assert "pg_trgm" in text.stdout and "not available: uuid-ossp, pgcrypto, postgis" in text.stdout
    assert "MISSING  SCHEMASMITH_TEST_PG_URL=postgresql://someone:***@127.0.0.1:1/nowhere" in text.stdout
    assert "s3cret" not in text.stdout + text.stderr
    for item in ("node", "tsc", "prisma", "mermaid parser", "browser (studio)"):
        assert item in text.stdout
    data = json.loads(run("doctor", "--format", "json", env=env).stdout)
    assert data["ok"] is True and data["embedded"]["version"].startswith("18")
    names = {item["name"] for item in data["embedded"]["extensions"]}
    assert "pg_trgm" in names and "uuid-ossp" not in names and "pgcrypto" not in names
    server = next(item for item in data["servers"] if item["variable"] == "SCHEMASMITH_TEST_PG_URL")
    assert server["reachable"] is False and "***" in server["url"] and "s3cret" not in json.dumps(data)
    assert {tool["name"] for tool in data["node"]} >= {"node", "tsc", "prisma", "mermaid parser", "dbml parser"}
    assert set(data["browser"]) == {"name", "found", "version", "path"}
