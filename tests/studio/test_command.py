"""`serve_command`: refuses what it cannot serve, prints its URL, serves, and stops on Ctrl-C."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from schemasmith.errors import SchemasmithError
from schemasmith.studio.command import serve_command

from .conftest import EXAMPLES

SRC = Path(__file__).resolve().parents[2] / "src"


def test_a_missing_schema_is_refused():
    with pytest.raises(SchemasmithError, match="no such file"):
        serve_command("no-such.yaml", None, 0)


def test_a_bad_db_url_is_refused():
    with pytest.raises(SchemasmithError, match="not a database URL"):
        serve_command(str(EXAMPLES / "taskhub.yaml"), "file.db", 0)


def test_a_port_in_use_is_refused():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        with pytest.raises(SchemasmithError, match="choose another --port"):
            serve_command(str(EXAMPLES / "taskhub.yaml"), None, taken.getsockname()[1])


def _serve(*arguments: str) -> tuple[subprocess.Popen, str]:
    code = f"import sys; from schemasmith.studio.command import serve_command; sys.exit(serve_command(*{arguments!r}))"
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONPATH": str(SRC)})
    line = process.stdout.readline()
    return process, line.rsplit(" ", 1)[-1].strip()


def test_serves_on_localhost_until_interrupted():
    process, url = _serve(str(EXAMPLES / "taskhub.yaml"), None, 0)
    try:
        assert url.startswith("http://127.0.0.1:") and "token" not in url
        assert httpx.get(url + "api/state", timeout=10).json()["name"] == "taskhub"
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0


def test_another_host_prints_and_requires_a_token():
    process, url = _serve(str(EXAMPLES / "taskhub.yaml"), None, 0, "0.0.0.0")
    try:
        assert "?token=" in url
        base = url.split("?")[0].replace("0.0.0.0", "127.0.0.1")
        assert httpx.get(base + "api/state", timeout=10).status_code == 401
        token = url.split("token=")[1]
        assert httpx.get(base + "api/state", params={"token": token}, timeout=10).status_code == 200
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
