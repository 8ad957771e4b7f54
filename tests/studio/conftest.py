"""Studio fixtures: a test client over a copy of a design, and a design built to break escaping."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from schemasmith.studio.app import create_app
from schemasmith.studio.state import Studio

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
HOSTILE = REPO / "tests" / "fixtures" / "hostile" / "hostile.yaml"
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def design_copy(tmp_path):
    """Copy an example into tmp_path, so layout files and edits stay out of the repository."""

    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copy(EXAMPLES / name, target)
        return target

    return copy


@pytest.fixture
def client_for():
    def make(schema: Path | str, **settings) -> TestClient:
        return TestClient(create_app(Studio(str(schema)), **settings))

    return make


@pytest.fixture
def hostile_design(tmp_path) -> Path:
    """hostile.yaml (quotes, spaces, reserved words) plus markup in every text a page shows."""
    data = yaml.safe_load(HOSTILE.read_text(encoding="utf-8"))
    data["description"] = SCRIPT
    data["tables"]["user"]["comment"] = SCRIPT
    data["tables"]["user"]["columns"]["select"]["comment"] = '"><img src=x onerror=alert(3)>'
    data["tables"]["<img src=x onerror=alert(2)>"] = {
        "comment": "<b>bold</b>", "columns": {"id": {"type": "bigint"}}, "primary_key": ["id"],
    }
    path = tmp_path / "hostile.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path
