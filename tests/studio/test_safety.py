"""The studio's guards: markup in a design is text, only this machine (or the token) gets in,
another site's page cannot write, and the page's scripts never turn data into HTML."""

from __future__ import annotations

import re
from pathlib import Path

from schemasmith.studio.security import TOKEN_COOKIE

from .conftest import SCRIPT

STATIC = Path(__file__).resolve().parents[2] / "src" / "schemasmith" / "studio" / "static"


def test_markup_in_the_design_is_escaped_in_the_page(hostile_design, client_for):
    page = client_for(hostile_design).get("/").text
    assert SCRIPT not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count("<script") == 2  # the studio's own two, nothing from the design


def test_hostile_names_and_comments_reach_the_page_as_data(hostile_design, client_for):
    client = client_for(hostile_design)
    answer = client.get("/api/diagram")
    assert answer.headers["content-type"] == "application/json"
    nodes = {node["name"]: node for node in answer.json()["nodes"]}
    assert nodes["user"]["comment"] == SCRIPT
    assert {"order line", "<img src=x onerror=alert(2)>"} <= set(nodes)
    assert client.get("/api/findings").status_code == 200
    targets = client.get("/api/artifacts").json()["targets"]
    assert all(result["error"] is None for result in targets.values())


def test_every_response_carries_a_strict_content_security_policy(design_copy, client_for):
    client = client_for(design_copy("taskhub.yaml"))
    for path in ("/", "/api/state", "/static/js/main.mjs"):
        headers = client.get(path).headers
        assert "script-src 'self'" in headers["content-security-policy"]
        assert "unsafe-eval" not in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"
    assert client.get("/static/js/main.mjs").headers["content-type"].startswith("text/javascript")


def test_the_scripts_never_write_html_from_strings():
    # Text reaches the document only through text nodes (dom.mjs); these would parse it as HTML.
    forbidden = re.compile(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function")
    for script in (STATIC / "js").glob("*.mjs"):
        assert not forbidden.search(script.read_text(encoding="utf-8")), script.name


def test_only_local_host_names_are_answered(design_copy, client_for):
    client = client_for(design_copy("taskhub.yaml"), allowed_hosts={"127.0.0.1", "localhost"})
    assert client.get("http://127.0.0.1:8765/api/state").status_code == 200
    assert client.get("http://localhost:8765/api/state").status_code == 200
    # DNS rebinding: a hostile name resolving to 127.0.0.1 still says its own name in Host.
    assert client.get("http://attacker.example:8765/api/state").status_code == 421


def test_a_token_is_required_when_bound_beyond_this_machine(design_copy, client_for):
    client = client_for(design_copy("taskhub.yaml"), token="s3cret-token")
    assert client.get("/api/state").status_code == 401
    assert client.get("/api/state", params={"token": "wrong"}).status_code == 401
    first = client.get("/", params={"token": "s3cret-token"})
    assert first.status_code == 200 and TOKEN_COOKIE in first.cookies
    assert client.get("/api/state").status_code == 200  # the cookie carries it from then on
    assert "httponly" in first.headers["set-cookie"].lower() and "samesite=strict" in first.headers["set-cookie"].lower()


def test_another_sites_page_cannot_write(design_copy, client_for):
    schema = design_copy("taskhub.yaml")
    client = client_for(schema)
    body = {"positions": {"tasks": {"x": 1, "y": 2}}}
    assert client.put("/api/layout", json=body, headers={"origin": "http://evil.example"}).status_code == 403
    assert client.put("/api/layout", content=b'{"positions": {}}', headers={"content-type": "text/plain"}).status_code == 415
    assert not (schema.parent / "taskhub.layout.json").exists()
    assert client.put("/api/layout", json=body, headers={"origin": "http://testserver"}).status_code == 200
