"""Every example at the end of `schemasmith COMMAND --help` runs as written, in a scratch checkout.

The examples run in one shell in the order below (later ones read what earlier ones wrote, as a
reader trying them one after another would), with $DATABASE_URL a scratch database on the
embedded PostgreSQL.
"""

from __future__ import annotations

import pytest
import typer

from schemasmith.cli import app
from schemasmith.db.embedded import scratch_database
from shell_tour import run_lines, scratch_checkout

#: The order the examples run in, in independent groups (each in its own scratch checkout, so the
#: test workers can share them out); every command with examples must be in one.
GROUPS = {
    "design and build": ["design", "revise", "build", "import", "review", "rules", "impact", "doctor"],
    "workload": ["validate", "indexes", "explain"],
    "data and evolution": ["seed", "diff", "migrate apply", "migrate status", "migrate down", "copy-data", "lint-migration"],
    "demo": ["demo"],
}
ORDER = [path for group in GROUPS.values() for path in group]


def command_examples() -> dict[str, list[str]]:
    """Command path → the `$ schemasmith …` lines of its help epilog."""
    found: dict[str, list[str]] = {}

    def walk(command, path: str) -> None:
        if hasattr(command, "commands"):
            for name, sub in command.commands.items():
                walk(sub, f"{path} {name}".strip())
            return
        if command.hidden:
            return
        found[path] = [line.strip().removeprefix("$ ") for line in (command.epilog or "").splitlines() if line.strip().startswith("$ ")]

    walk(typer.main.get_command(app), "")
    return found


def test_every_built_command_shows_examples_in_its_help():
    examples = command_examples()
    missing = [path for path, lines in examples.items() if not lines]
    assert not missing, f"commands without examples in --help: {missing}"
    assert sorted(examples) == sorted(ORDER + ["serve"])


def test_the_serve_example_starts_a_studio_that_answers(tmp_path):
    """`serve` runs until stopped: its example is started, asked for its page, and stopped."""
    import subprocess
    import sys
    import time
    import urllib.request
    from pathlib import Path

    (line,) = command_examples()["serve"]
    repo = scratch_checkout(tmp_path)
    words = line.split()
    process = subprocess.Popen([str(Path(sys.executable).parent / words[0]), *words[1:]], cwd=repo,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        url = None
        deadline = time.monotonic() + 60
        while url is None and time.monotonic() < deadline:
            text = process.stdout.readline()
            if not text and process.poll() is not None:
                break
            url = next((word for word in text.split() if word.startswith("http://127.0.0.1:")), None)
        assert url, f"serve printed no URL (exit {process.poll()})"
        with urllib.request.urlopen(url, timeout=30) as response:
            page = response.read().decode("utf-8")
        assert response.status == 200 and "taskhub" in page
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.mark.parametrize("group", GROUPS)
def test_every_help_example_runs_as_written(group, pg_server, tmp_path):
    examples = command_examples()
    lines = [line for path in GROUPS[group] for line in examples[path]]
    repo = scratch_checkout(tmp_path)
    with scratch_database(prefix="examples") as url:
        result = run_lines(lines, repo, {"DATABASE_URL": url})
    assert result.returncode == 0, f"{result.failed_line}\n{result.output[-6000:]}"
