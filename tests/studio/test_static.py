"""The studio's shipped assets: the scripts parse, the vendored ELK is the pinned one, and the
package data takes every file the page loads (so `pip install` alone gives a working studio)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
STUDIO = REPO / "src" / "schemasmith" / "studio"


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node")
def test_every_script_parses_under_node():
    for script in sorted((STUDIO / "static" / "js").glob("*.mjs")) + [STUDIO / "static" / "vendor" / "elk.bundled.js"]:
        result = subprocess.run(["node", "--check", str(script)], capture_output=True, text=True)
        assert result.returncode == 0, f"{script.name}: {result.stderr}"


def test_vendored_elk_is_the_version_package_lock_pins():
    lock = json.loads((REPO / "package-lock.json").read_text())
    pinned = lock["packages"]["node_modules/elkjs"]["version"]
    assert json.loads((REPO / "package.json").read_text())["dependencies"]["elkjs"] == pinned
    installed = REPO / "node_modules" / "elkjs"
    if not installed.is_dir():
        pytest.skip("node_modules/elkjs is not installed (npm ci)")
    assert json.loads((installed / "package.json").read_text())["version"] == pinned
    assert (installed / "lib" / "elk.bundled.js").read_bytes() == (STUDIO / "static" / "vendor" / "elk.bundled.js").read_bytes()


def test_package_data_covers_every_asset():
    patterns = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["schemasmith"]
    package = STUDIO.parent
    for path in list((STUDIO / "static").rglob("*")) + list((STUDIO / "templates").rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            relative = path.relative_to(package).as_posix()
            assert any(fnmatch(relative, pattern) for pattern in patterns), relative


def test_the_page_loads_nothing_from_the_internet():
    for path in [STUDIO / "templates" / "index.html", *(STUDIO / "static").rglob("*.mjs"), STUDIO / "static" / "studio.css"]:
        assert not re.search(r"https?://(?!www\.w3\.org/)", path.read_text(encoding="utf-8")), path.name
