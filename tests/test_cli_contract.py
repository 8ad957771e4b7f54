"""The command line's contract, for every command: exit codes 0/1/2, refusals of the file system,
-q/-v, -h/--version, and full-width plain output when piped.

Exit codes (as Ruff's): 0 done and clean; 1 ran and found what the user asked it to stop on;
2 could not run (usage, bad input, unreachable database, a path that cannot be written).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLES, SHARED

SCHEMASMITH = str(Path(sys.executable).parent / "schemasmith")
TASKHUB = str(EXAMPLES / "taskhub.yaml")
PLAN = str(EXAMPLES / "plans" / "seq-scan.txt")


def run(*args: str, cwd: Path | None = None, **environment: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, **environment)
    env.pop("SCHEMASMITH_DEBUG", None)
    return subprocess.run([SCHEMASMITH, *args], capture_output=True, text=True, cwd=cwd, timeout=300, env=env)


def assert_exit(result: subprocess.CompletedProcess, code: int) -> None:
    assert result.returncode == code, (result.returncode, result.stdout[-2000:], result.stderr[-2000:])
    assert "Traceback" not in result.stdout + result.stderr
    if code == 2:
        assert result.stderr.strip(), "a refusal must say why"


#: Every command (and migrate's subcommands) with arguments that are bad input: exit 2.
BAD_INPUT = {
    "build": ["build", "nope.yaml", "-t", "postgres", "-o", "out"],
    "import": ["import", "nope.sql", "-o", "x.yaml"],
    "validate": ["validate", "nope.yaml"],
    "indexes": ["indexes", "nope.yaml"],
    "explain": ["explain", "nope.txt"],
    "review": ["review", "nope.yaml"],
    "rules": ["rules", "SS999"],
    "design": ["design", "nope.md", "-o", "x.yaml"],
    "revise": ["revise", "nope.yaml", "add a thing", "-o", "x.yaml"],
    "demo": ["demo", "-o", TASKHUB],
    "migrate apply": ["migrate", "apply", "--db", "sqlite:///app.db", "--dir", "no-such-folder"],
    "migrate status": ["migrate", "status", "--db", "sqlite:///app.db", "--dir", "no-such-folder"],
    "migrate down": ["migrate", "down", "--db", "sqlite:///app.db", "--dir", "no-such-folder"],
    "impact": ["impact", TASKHUB, "no_such_table"],
    "diff": ["diff", "nope.yaml", TASKHUB, "-o", "m"],
    "seed": ["seed", "nope.yaml"],
    "copy-data": ["copy-data", "--from", "not-a-url", "--to", "also-not"],
    "serve": ["serve", "nope.yaml"],
    "lint-migration": ["lint-migration", "nope.sql"],
}

#: Bad option values, which the issue saw exit 1: now usage errors, exit 2.
BAD_OPTION_VALUES = [
    ["build", TASKHUB, "--target", "postgress", "-o", "out"],
    ["seed", TASKHUB, "--rows", "-5"],
    ["review", TASKHUB, "--format", "xml"],
    ["review", TASKHUB, "--fail-on", "everything"],
    ["diff", TASKHUB, TASKHUB, "--target", "oracle", "-o", "m"],
    ["indexes", TASKHUB, "--scale-factor", "-1"],
    ["seed", TASKHUB, "--null-rate", "2"],
    ["design", str(SHARED / "examples" / "taco-reviews.md"), "-o", "x.yaml", "--provider", "skynet"],
]


@pytest.mark.parametrize("command", BAD_INPUT)
def test_bad_input_exits_2_and_writes_nothing(command, tmp_path):
    result = run(*BAD_INPUT[command], cwd=tmp_path)
    assert_exit(result, 2)
    assert "error" in result.stderr.lower()
    assert sorted(path.name for path in tmp_path.iterdir()) == [], "a refused command writes nothing"


@pytest.mark.parametrize("command", [*BAD_INPUT, "doctor"])
def test_an_unknown_option_is_a_usage_error_exit_2(command, tmp_path):
    words = BAD_INPUT.get(command, [command])
    path = words[:2] if words[0] == "migrate" else words[:1]
    result = run(*path, "--no-such-option", cwd=tmp_path)
    assert_exit(result, 2)
    assert "No such option" in result.stderr


@pytest.mark.parametrize("arguments", BAD_OPTION_VALUES, ids=lambda words: " ".join(words[:1] + words[2:4]))
def test_bad_option_values_exit_2(arguments, tmp_path):
    assert_exit(run(*arguments, cwd=tmp_path), 2)
    assert not (tmp_path / "out").exists() and not (tmp_path / "m").exists()


def test_findings_exit_1_and_only_at_fail_on():
    assert_exit(run("review", TASKHUB), 0)  # findings, but nothing asked to fail on
    assert_exit(run("review", TASKHUB, "--fail-on", "error"), 0)  # taskhub has warnings, no errors
    failing = run("review", TASKHUB, "--fail-on", "warning", "--format", "json")
    assert_exit(failing, 1)
    assert any(finding["severity"] == "warning" for finding in json.loads(failing.stdout))


def test_explain_of_a_plan_with_a_problem_exits_1():
    result = run("explain", PLAN)
    assert_exit(result, 1)
    assert "EX001" in result.stdout


def test_migrate_status_exits_1_when_an_applied_file_changed(tmp_path):
    database = f"sqlite:///{tmp_path / 'app.db'}"
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "0001_start.up.sql").write_text("CREATE TABLE t (id integer PRIMARY KEY);\n")
    (folder / "0001_start.down.sql").write_text("DROP TABLE t;\n")
    assert_exit(run("migrate", "apply", "--db", database, "--dir", str(folder)), 0)
    assert_exit(run("migrate", "status", "--db", database, "--dir", str(folder)), 0)
    (folder / "0001_start.up.sql").write_text("CREATE TABLE t (id bigint PRIMARY KEY);\n")
    changed = run("migrate", "status", "--db", database, "--dir", str(folder))
    assert_exit(changed, 1)
    assert "changed since it was applied" in changed.stderr


# --- the file system ------------------------------------------------------------------------


@pytest.fixture
def unwritable(tmp_path) -> Path:
    """A folder this process may not write into (root writes anywhere chmod allows, so for root:
    sysfs, which refuses everyone)."""
    if os.geteuid() == 0:
        yield Path("/sys/fs")
        return
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    yield folder
    folder.chmod(0o755)


#: Each command that writes, with OUT standing for the file or folder it writes.
WRITERS = {
    "build": (["build", TASKHUB, "-t", "postgres", "-o", "OUT"], "folder"),
    "import": (["import", str(SHARED / "corpora" / "sample-databases" / "chinook" / "Chinook_Sqlite.sql"), "-o", "OUT.yaml"], "file"),
    "diff": (["diff", TASKHUB, str(EXAMPLES / "taskhub-v2.yaml"), "-o", "OUT"], "folder"),
    "design": (["design", str(SHARED / "examples" / "taco-reviews.md"), "-o", "OUT.yaml"], "file"),
    "revise": (["revise", str(EXAMPLES / "taco-reviews.yaml"), "Spots have opening hours", "-o", "OUT.yaml"], "file"),
    "review": (["review", TASKHUB, "--format", "sarif", "-o", "OUT.sarif"], "file"),
    "demo": (["demo", "-o", "OUT"], "folder"),
    "validate --plot": (["validate", TASKHUB, "--plot", "OUT.svg"], "file"),
}


def _with_out(words: list[str], out: Path) -> list[str]:
    return [word.replace("OUT", str(out)) if "OUT" in word else word for word in words]


@pytest.mark.parametrize("command", WRITERS)
def test_an_unwritable_folder_is_a_clean_refusal_naming_it(command, unwritable, tmp_path):
    words, _ = WRITERS[command]
    result = run(*_with_out(words, unwritable / "out"), cwd=tmp_path)
    assert_exit(result, 2)
    assert str(unwritable) in result.stderr and "internal error" not in result.stderr
    assert "cannot write there" in result.stderr


@pytest.mark.parametrize("command", WRITERS)
def test_a_path_below_a_file_is_a_clean_refusal(command, tmp_path):
    words, _ = WRITERS[command]
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n")
    result = run(*_with_out(words, blocker / "sub" / "out"), cwd=tmp_path)
    assert_exit(result, 2)
    assert f"{blocker} is a file" in result.stderr
    assert blocker.read_text() == "not a folder\n"


@pytest.mark.parametrize("command", WRITERS)
def test_the_wrong_kind_of_path_is_a_clean_refusal(command, tmp_path):
    """A folder where a file is written, or a file where a folder is written."""
    words, kind = WRITERS[command]
    if kind == "file":
        target = tmp_path / "existing-folder"
        target.mkdir()
        words = [word.replace("OUT.yaml", "OUT").replace("OUT.sarif", "OUT").replace("OUT.svg", "OUT") for word in words]
        expected = "is a folder, expected a file name"
    else:
        target = tmp_path / "existing-file"
        target.write_text("keep me\n")
        expected = "is a file, expected a folder"
    result = run(*_with_out(words, target), cwd=tmp_path)
    assert_exit(result, 2)
    assert expected in result.stderr or (kind == "file" and "must be a .yaml" in result.stderr)
    if kind == "folder":
        assert target.read_text() == "keep me\n"


@pytest.mark.parametrize("command", ["build", "import", "review"])
def test_missing_parent_folders_are_created(command, tmp_path):
    words, kind = WRITERS[command]
    out = tmp_path / "new" / "deeper" / "out"
    result = run(*_with_out(words, out), cwd=tmp_path)
    assert_exit(result, 0)
    written = out if kind == "folder" else next((tmp_path / "new" / "deeper").iterdir())
    assert written.exists()
    if kind == "file":
        assert oct(written.stat().st_mode & 0o777) == oct(0o666 & ~_umask())


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_the_growth_chart_gets_the_mode_of_every_other_output(tmp_path):
    chart = tmp_path / "growth.svg"
    assert_exit(run("validate", TASKHUB, "--plot", str(chart), "-q"), 0)
    assert chart.read_text().startswith("<svg") or "<svg" in chart.read_text()[:200]
    assert chart.stat().st_mode & 0o777 == 0o666 & ~_umask()


# --- -q / -v, help, version, pipes ------------------------------------------------------------


def test_quiet_prints_only_results_and_verbose_says_what_happened(tmp_path):
    normal = run("build", TASKHUB, "-t", "postgres", "-o", str(tmp_path / "a"))
    quiet = run("build", TASKHUB, "-t", "postgres", "-o", str(tmp_path / "b"), "-q")
    verbose = run("build", TASKHUB, "-t", "postgres", "-o", str(tmp_path / "c"), "-v")
    assert "wrote" in normal.stdout and quiet.stdout == ""
    assert (tmp_path / "b" / "postgres" / "schema.sql").exists()
    assert "build finished in" in verbose.stderr and "build finished in" not in normal.stderr
    # Under -q findings are still printed: they are the result.
    reviewed = run("review", TASKHUB, "-q")
    assert "SS102" in reviewed.stdout


def test_every_command_has_h_and_quiet_and_verbose():
    from test_cli_examples import command_examples

    for path in command_examples():
        result = run(*path.split(), "-h")
        assert_exit(result, 0)
        assert "--quiet" in result.stdout and "--verbose" in result.stdout, path
    assert_exit(run("migrate", "apply", "--help"), 0)


def test_version():
    from importlib.metadata import version

    result = run("--version")
    assert_exit(result, 0)
    assert result.stdout.strip() == f"schemasmith {version('schemasmith')}"


def test_piped_output_is_full_width_plain_text():
    """Not a terminal: no cell cut at 80 columns, no trailing padding, no colour codes."""
    from schemasmith.review.registry import all_rules

    result = run("rules", COLUMNS="")
    assert_exit(result, 0)
    for rule in all_rules():
        line = next(line for line in result.stdout.splitlines() if line.startswith(rule.code + " "))
        assert line.endswith(rule.summary), line
    assert all(line == line.rstrip() for line in result.stdout.splitlines())
    assert "\x1b[" not in result.stdout


# --- databases that refuse ----------------------------------------------------------------------

UNREACHABLE = "postgresql://alice:s3cret@127.0.0.1:1/app"

#: Every command that talks to a database the user names, pointed at a server that is not there.
DATABASE_USERS = {
    "import": ["import", UNREACHABLE, "-o", "x.yaml"],
    "review": ["review", UNREACHABLE],
    "build": ["build", UNREACHABLE, "-t", "postgres", "-o", "out"],
    "diff": ["diff", UNREACHABLE, TASKHUB, "-o", "m"],
    "impact": ["impact", UNREACHABLE, "tasks"],
    "validate": ["validate", TASKHUB, "--db", UNREACHABLE],
    "indexes --verify": ["indexes", TASKHUB, "--verify", "--db", UNREACHABLE],
    "seed": ["seed", TASKHUB, "--db", UNREACHABLE, "--rows", "1"],
    "migrate apply": ["migrate", "apply", "--db", UNREACHABLE, "--dir", "."],
    "migrate status": ["migrate", "status", "--db", UNREACHABLE, "--dir", "."],
    "copy-data": ["copy-data", "--from", "sqlite:///nothing-here.db", "--to", UNREACHABLE],
}


@pytest.mark.parametrize("command", DATABASE_USERS)
def test_an_unreachable_database_is_a_clean_refusal_without_the_password(command, tmp_path):
    result = run(*DATABASE_USERS[command], cwd=tmp_path)
    assert_exit(result, 2)
    assert "s3cret" not in result.stdout + result.stderr
    assert not (tmp_path / "out").exists() and not (tmp_path / "m").exists() and not (tmp_path / "x.yaml").exists()
