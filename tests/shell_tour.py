"""Run documented command lines exactly as written, one shell, in a scratch copy of the repository.

Used by the README tour test and the `--help` examples test: each line runs as the user would
type it; before it runs, every file it names as an input must exist (a tour that names a file the
repository does not have fails here, not in the reader's terminal).
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from conftest import REPO, SHARED

#: Options whose value is written, not read: the file need not exist beforehand.
OUTPUT_OPTIONS = {"-o", "--output", "--plot"}
#: What a named input file looks like: a path with one of these endings.
INPUT_SUFFIXES = (".yaml", ".yml", ".sql", ".md", ".txt", ".json", ".toml")


@dataclass
class TourResult:
    returncode: int
    output: str
    failed_line: str | None


def scratch_checkout(root: Path) -> Path:
    """`root/repo` (what a reader's checkout offers: examples, the venv) beside `root/shared`."""
    repo = root / "repo"
    repo.mkdir()
    for name in ("examples", ".venv", "tests", "docs"):
        (repo / name).symlink_to(REPO / name)
    (root / "shared").symlink_to(SHARED)
    return repo


def named_inputs(line: str) -> list[str]:
    """The files a command line reads (arguments that look like files and are not outputs)."""
    try:
        words = shlex.split(line, comments=True)
    except ValueError:
        return []
    inputs = []
    for previous, word in zip([""] + words, words):
        if previous in OUTPUT_OPTIONS or word.startswith("-") or "://" in word or "$" in word:
            continue
        if word.endswith(INPUT_SUFFIXES) or previous == "--dir" and words[:2] == ["schemasmith", "migrate"]:
            inputs.append(word)
    return inputs


#: Commands whose exit 1 means "ran and found something" (see the exit codes in the README), which
#: an example exists to show: `explain` of a plan with a problem.
FINDINGS_EXIT = {"explain": 1}


def _allowed_status(line: str) -> int:
    words = line.split()
    return FINDINGS_EXIT.get(words[1], 0) if len(words) > 1 and words[0] == "schemasmith" else 0


def shell_script(lines: list[str]) -> str:
    """One bash script: each line as written, preceded by a check of the files it names and followed
    by a check of its exit code, so a failure names the line."""
    parts = []
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        quoted = shlex.quote(line.strip())
        for path in named_inputs(line):
            parts.append(f"test -e {shlex.quote(path)} || {{ echo \"TOUR LINE {number} names a missing file: {path}\" >&2; echo {quoted} >&2; exit 97; }}")
        parts.append(line)
        allowed = _allowed_status(line.strip())
        parts.append(f"status=$?; if [ $status -ne 0 ] && [ $status -ne {allowed} ]; then echo \"TOUR LINE {number} exited $status\" >&2; echo {quoted} >&2; exit $status; fi")
    return "\n".join(parts) + "\n"


def run_lines(lines: list[str], cwd: Path, environment: dict[str, str], timeout: int = 900) -> TourResult:
    env = dict(os.environ, **environment)
    env.pop("SCHEMASMITH_DEBUG", None)
    # `schemasmith` on PATH, as after `pip install` (the tour activates the venv itself).
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    if shutil.which("psql", path=env.get("PATH")) is None:
        from schemasmith.db.embedded import psql_path

        env["PATH"] = f"{psql_path().parent}{os.pathsep}{env.get('PATH', '')}"
    result = subprocess.run(["bash", "-c", shell_script(lines)], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    failed = None
    for text in result.stderr.splitlines():
        if text.startswith("TOUR LINE"):
            failed = text
    return TourResult(result.returncode, result.stdout + result.stderr, failed)
