"""The command line as a user meets it: the installed `schemasmith` command, run as a process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLES, REPO

SCHEMASMITH = str(Path(sys.executable).parent / "schemasmith")
SPEC_COMMANDS = [
    "demo", "design", "revise", "review", "rules", "build", "import", "validate", "diff", "impact",
    "migrate", "indexes", "explain", "seed", "copy-data", "serve",
]


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([SCHEMASMITH, *args], capture_output=True, text=True, cwd=cwd, timeout=300)


def assert_clean_failure(result: subprocess.CompletedProcess, code: int = 2) -> None:
    """A non-zero exit with a message and no Python traceback."""
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stderr.strip(), "a failure must say why"


def test_help_lists_every_command_of_the_contract():
    result = run("--help")
    assert result.returncode == 0
    for command in SPEC_COMMANDS:
        assert f" {command} " in result.stdout, command


def test_build_writes_both_dialects_deterministically(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    assert run("build", str(EXAMPLES / "taskhub.yaml"), "-t", "postgres,sqlite", "-o", str(first)).returncode == 0
    result = run("build", str(EXAMPLES / "taskhub.yaml"), "-t", "postgres,sqlite", "-o", str(second), "--format", "json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert sorted(Path(p).name for p in summary["files"]) == ["schema.sql", "schema.sql"]
    for dialect in ("postgres", "sqlite"):
        assert (first / dialect / "schema.sql").read_bytes() == (second / dialect / "schema.sql").read_bytes()
    # SQLite cannot build the GIN full-text index: the build says so instead of dropping it silently.
    assert "gin" in result.stderr.lower() or any("gin" in w.lower() for w in summary["warnings"])


def test_unknown_targets_write_nothing_and_mysql_builds(tmp_path):
    output = tmp_path / "out"
    result = run("build", str(EXAMPLES / "taskhub.yaml"), "-t", "postgres,oracle", "-o", str(output))
    assert_clean_failure(result)
    assert "oracle" in result.stderr
    assert not output.exists()
    result = run("build", str(EXAMPLES / "taskhub.yaml"), "-t", "postgres,mysql", "-o", str(output))
    assert result.returncode == 0, result.stderr
    assert (output / "mysql" / "schema.sql").is_file() and (output / "postgres" / "schema.sql").is_file()
    assert "mysql: " in result.stderr  # what MySQL cannot hold is said, not dropped


def test_a_target_without_a_renderer_says_not_built_yet(monkeypatch):
    from schemasmith import build
    from schemasmith.errors import SchemasmithError
    from schemasmith.model import load_design

    monkeypatch.setitem(build.TARGET_MODULES, "mysql", None)
    with pytest.raises(SchemasmithError, match="not built yet"):
        build.render_target(load_design(EXAMPLES / "taskhub.yaml"), "mysql")


BROKEN = {
    "malformed.yaml": ("name: x\ntables:\n  a:\n    columns: {id: {type: uuid}\n", "malformed.yaml:"),
    "dangling.yaml": (
        "name: x\ntables:\n  tasks:\n    columns:\n      id: {type: uuid}\n      project_id: {type: uuid}\n"
        "    primary_key: [id]\n    foreign_keys:\n      - {columns: [project_id], references: {table: projcts, columns: [id]}}\n",
        "dangling.yaml:9: tasks(project_id): foreign key references table 'projcts'",
    ),
    "unknown-type.yaml": (
        "name: x\ntables:\n  t:\n    columns:\n      id: {type: uuid}\n      price: {type: mony}\n",
        "unknown-type.yaml:6: t.price.type: unknown type 'mony'",
    ),
}


@pytest.mark.parametrize("file_name", sorted(BROKEN))
def test_bad_design_documents_fail_clearly_and_write_nothing(tmp_path, file_name):
    text, expected = BROKEN[file_name]
    path = tmp_path / file_name
    path.write_text(text)
    output = tmp_path / "out"
    result = run("build", str(path), "-t", "postgres", "-o", str(output))
    assert_clean_failure(result)
    assert expected in result.stderr.replace(str(tmp_path) + "/", "")
    assert not output.exists()


@pytest.mark.postgres
def test_ddl_with_a_syntax_error_names_the_line_and_writes_nothing(tmp_path):
    path = tmp_path / "broken.sql"
    path.write_text("CREATE TABLE a (id integer PRIMARY KEY);\n\nCREATE TABLE b (id integer PRIMARY KEY,, name text);\n")
    output = tmp_path / "out.yaml"
    result = run("import", str(path), "--dialect", "postgres", "-o", str(output))
    assert_clean_failure(result)
    assert ":3" in result.stderr and "syntax error" in result.stderr
    assert not output.exists()
    result = run("import", str(path), "--dialect", "sqlite", "-o", str(output))
    assert_clean_failure(result)
    assert ":3" in result.stderr and "syntax error" in result.stderr
    assert not output.exists()


def test_unreachable_database_is_one_message_without_the_password(tmp_path):
    output = tmp_path / "out.yaml"
    result = run("import", "postgresql://alice:s3cret@127.0.0.1:1/app", "-o", str(output))
    assert_clean_failure(result)
    assert "s3cret" not in result.stderr
    assert "127.0.0.1" in result.stderr
    assert not output.exists()


def test_missing_file_and_missing_sqlite_database(tmp_path):
    result = run("build", str(tmp_path / "nope.yaml"), "-t", "postgres", "-o", str(tmp_path / "o"))
    assert_clean_failure(result)
    assert "no such file" in result.stderr
    result = run("import", f"sqlite:///{tmp_path / 'missing.db'}", "-o", str(tmp_path / "o.yaml"))
    assert_clean_failure(result)
    assert not (tmp_path / "missing.db").exists()


@pytest.mark.postgres
def test_validate_applies_the_example_to_real_databases():
    result = run("validate", str(EXAMPLES / "taskhub.yaml"), "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert {check["dialect"]: check["applied"] for check in report["formal"]} == {"postgres": True, "sqlite": True}
    assert report["coverage"]["summary"]["covered"] == 5  # every user story's query runs on the schema
    assert report["load"]


@pytest.mark.postgres
def test_validate_reports_ddl_the_database_rejects(tmp_path):
    path = tmp_path / "bad-check.yaml"
    path.write_text(
        "name: x\ntables:\n  t:\n    columns:\n      id: {type: uuid}\n      n: {type: integer}\n"
        "    primary_key: [id]\n    checks:\n      - {expression: \"n > no_such_function(1)\"}\n"
    )
    result = run("validate", str(path))
    assert_clean_failure(result, code=1)  # validate ran, and level 1 failed: a finding, not a usage error
    assert "postgres" in result.stderr and "no_such_function" in result.stderr


@pytest.mark.postgres
def test_import_then_build_reproduces_the_ddl(tmp_path):
    """design → DDL → PostgreSQL (applied by psql inside import) → design → the same DDL."""
    first = tmp_path / "first"
    assert run("build", str(EXAMPLES / "taskhub.yaml"), "-t", "postgres", "-o", str(first)).returncode == 0
    imported = tmp_path / "imported.yaml"
    result = run("import", str(first / "postgres" / "schema.sql"), "-o", str(imported))
    assert result.returncode == 0, result.stderr
    second = tmp_path / "second"
    assert run("build", str(imported), "-t", "postgres", "-o", str(second)).returncode == 0
    assert _body(first / "postgres" / "schema.sql") == _body(second / "postgres" / "schema.sql")


def _body(path: Path) -> str:
    """The SQL without its leading comment header (which names the design)."""
    lines = path.read_text().splitlines()
    while lines and (lines[0].startswith("--") or not lines[0].strip()):
        lines.pop(0)
    return "\n".join(lines)


def test_readme_starts_with_the_two_commands():
    readme = (REPO / "README.md").read_text()
    setup = readme[readme.index("## Set up") :].split("```")[1]
    assert "bash scripts/quickstart" in setup and "bash scripts/test" in setup
    ci = (REPO / ".ci" / "run").read_text()
    assert "bash scripts/test" in ci


def test_review_reports_and_fails_on_request():
    result = run("review", str(EXAMPLES / "taskhub.yaml"), "--format", "json")
    assert result.returncode == 0, result.stderr
    findings = json.loads(result.stdout)
    assert {"code": "SS102", "table": "comments", "column": "author_id"}.items() <= next(
        f for f in findings if f["code"] == "SS102" and f["table"] == "comments"
    ).items()
    failing = run("review", str(EXAMPLES / "taskhub.yaml"), "--fail-on", "warning", "--format", "sarif")
    assert failing.returncode == 1
    sarif = json.loads(failing.stdout)
    assert sarif["version"] == "2.1.0"
    assert {result["ruleId"] for result in sarif["runs"][0]["results"]} >= {"SS102"}


def test_rules_lists_and_documents_each_rule():
    listing = run("rules", "--format", "json")
    assert listing.returncode == 0
    codes = [rule["code"] for rule in json.loads(listing.stdout)]
    assert "SS101" in codes and len(codes) == len(set(codes))
    doc = run("rules", "SS101")
    assert doc.returncode == 0
    for section in ("What it does", "Why is this bad?", "Example", "Use instead"):
        assert section in doc.stdout
    assert_clean_failure(run("rules", "SS999"))


def test_review_of_broken_input_is_one_clear_message(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("name: x\ntables:\n  t:\n    columns: {id: {type: nosuch}}\n")
    result = run("review", str(path))
    assert_clean_failure(result)
    assert "broken.yaml:4" in result.stderr and "nosuch" in result.stderr


@pytest.mark.parametrize("name", ["photo.sql", "photo.yaml"])
def test_a_file_that_is_not_text_is_refused_as_such(tmp_path, name):
    source = tmp_path / name
    source.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    result = run("import", str(source), "-o", str(tmp_path / "out.yaml"))
    assert_clean_failure(result)
    assert f"{name}: is not a text file" in result.stderr
    assert not (tmp_path / "out.yaml").exists()


def test_a_latin1_sql_file_is_still_text(tmp_path):
    source = tmp_path / "legacy.sql"
    source.write_bytes("-- caf\xe9 menu\nCREATE TABLE dishes (id integer PRIMARY KEY, name text); -- \xe9t\xe9\n".encode("latin-1"))
    result = run("import", str(source), "--dialect", "sqlite", "-o", str(tmp_path / "out.yaml"))
    assert result.returncode == 0, result.stderr
    assert "dishes" in (tmp_path / "out.yaml").read_text()


def test_an_empty_sqlite_database_is_nothing_to_import(tmp_path):
    import sqlite3

    database = tmp_path / "empty.db"
    sqlite3.connect(database).execute("PRAGMA user_version = 1").close()
    result = run("import", str(database), "-o", str(tmp_path / "out.yaml"))
    assert_clean_failure(result)
    assert "empty.db: the database holds no tables or enum types" in result.stderr
    assert not (tmp_path / "out.yaml").exists()


def test_a_schema_that_breaks_a_design_rule_is_not_saved(tmp_path):
    # Found by the fuzz test: SQLite takes a 64-byte name; the design written did not load back.
    source = tmp_path / "long.sql"
    source.write_text(f'CREATE TABLE t (id INTEGER PRIMARY KEY, "{"x" * 64}" INTEGER);\n')
    result = run("import", str(source), "--dialect", "sqlite", "-o", str(tmp_path / "out.yaml"))
    assert_clean_failure(result)
    assert "long.sql: the schema breaks rules every design document keeps, so it cannot be saved as one" in result.stderr
    assert f"t.{'x' * 64}: name is 64 bytes" in result.stderr
    assert not (tmp_path / "out.yaml").exists()


@pytest.mark.postgres
def test_a_table_without_columns_is_kept(tmp_path):
    # PostgreSQL takes `CREATE TABLE users ()` (migra's fixtures have such tables): the design holds it too.
    source = tmp_path / "empty.sql"
    source.write_text("CREATE TABLE users ();\nCREATE TABLE kept (id int PRIMARY KEY);\n")
    result = run("import", str(source), "-o", str(tmp_path / "out.yaml"))
    assert result.returncode == 0, result.stderr
    assert "  users:\n    columns: {}\n" in (tmp_path / "out.yaml").read_text(encoding="utf-8")
    built = run("build", str(tmp_path / "out.yaml"), "--target", "postgres", "-o", str(tmp_path / "out"))
    assert built.returncode == 0, built.stderr
    assert "CREATE TABLE users (\n    \n);" in (tmp_path / "out" / "postgres" / "schema.sql").read_text(encoding="utf-8")
    # SQLite and MySQL cannot hold it: left out, and said so, rather than a file that does not apply.
    other = run("build", str(tmp_path / "out.yaml"), "--target", "sqlite,mysql", "-o", str(tmp_path / "other"))
    assert other.returncode == 0, other.stderr
    # the same fact from both targets is one line (build groups its warnings)
    assert "sqlite, mysql: users: a table without columns; SQLite/MySQL cannot hold one, so it is left out" in other.stderr
    sqlite_ddl = (tmp_path / "other" / "sqlite" / "schema.sql").read_text(encoding="utf-8")
    assert "CREATE TABLE users" not in sqlite_ddl and "CREATE TABLE kept" in sqlite_ddl
    assert subprocess.run(["sqlite3", ":memory:"], input=sqlite_ddl, text=True, capture_output=True).returncode == 0


@pytest.mark.postgres
def test_a_sql_file_that_creates_nothing_is_nothing_to_import(tmp_path):
    source = tmp_path / "queries.sql"
    source.write_text("-- only a query\nSELECT 1;\n")
    result = run("import", str(source), "-o", str(tmp_path / "out.yaml"))
    assert_clean_failure(result)
    assert "queries.sql: the file creates no tables or enum types" in result.stderr
    assert not (tmp_path / "out.yaml").exists()

