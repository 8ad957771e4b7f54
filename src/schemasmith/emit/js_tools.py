"""Run the JavaScript ecosystem's own checkers (Prisma, TypeScript, Mermaid, DBML) on generated files.

The tools are npm packages pinned in the repository's `package.json` and installed by
`scripts/install` (`npm ci`) into `node_modules/`. One Node process checks a whole batch of
files (`tools/node/check.mjs`), so a test suite pays Node's start-up once, not once per file.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from ..errors import SchemasmithError

#: The repository root (where package.json and node_modules/ live), for a source checkout.
REPO = Path(__file__).resolve().parents[3]


class NodeToolsMissing(SchemasmithError):
    """Node or the npm packages the checks need are not installed."""


def node_modules() -> Path:
    return REPO / "node_modules"


def require_node_tools(*packages: str) -> Path:
    """The node_modules folder, after making sure node and `packages` are there (else a clear error)."""
    if shutil.which("node") is None:
        raise NodeToolsMissing("node is not on PATH; install Node.js 20 or later, then run scripts/install")
    folder = node_modules()
    missing = [name for name in packages if not (folder / name / "package.json").is_file()]
    if missing:
        raise NodeToolsMissing(
            f"{', '.join(missing)} not installed in {folder}; run scripts/install (it runs `npm ci` from package-lock.json)"
        )
    return folder


def run_checker(tool: str, items: dict[str, str], *, timeout: float = 120) -> tuple[dict[str, dict], dict[str, str]]:
    """Check many generated texts with one Node process: (results by item id, package versions).

    `tool` is prisma, mermaid or dbml (see tools/node/check.mjs for what each result holds).
    """
    package = {"prisma": "@prisma/prisma-schema-wasm", "mermaid": "mermaid", "dbml": "@dbml/core"}[tool]
    require_node_tools(package)
    request = json.dumps({"tool": tool, "items": [{"id": key, "text": text} for key, text in items.items()]})
    completed = subprocess.run(
        ["node", str(REPO / "tools" / "node" / "check.mjs")],
        input=request,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        cwd=REPO,
        check=False,
    )
    if completed.returncode != 0:
        raise SchemasmithError(f"tools/node/check.mjs ({tool}) failed: {completed.stderr.strip()[-2000:]}")
    response = json.loads(completed.stdout)
    return {result["id"]: result for result in response["results"]}, response["versions"]


def run_tsc(project: Path, *, timeout: float = 120) -> subprocess.CompletedProcess:
    """`tsc -p project` with the pinned TypeScript (the project's tsconfig.json decides the rest)."""
    folder = require_node_tools("typescript")
    tsc = folder / ".bin" / ("tsc.cmd" if os.name == "nt" else "tsc")
    return subprocess.run(
        [str(tsc), "-p", str(project), "--pretty", "false"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        cwd=project,
        check=False,
    )
