"""The studio in a real browser (the Debian chromium, driven by Playwright): every table of the
example is drawn, a finding opens with its rule's documentation, and markup in a design or its
data stays text.

Runs only where /usr/bin/chromium exists and Playwright for Python is installed (Playwright's own
browser download is not used); a screenshot of the diagram is saved in the test's tmp_path.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from schemasmith.build import render_target
from schemasmith.sources import load_source

from .conftest import EXAMPLES, SCRIPT

CHROMIUM = Path("/usr/bin/chromium")
SRC = Path(__file__).resolve().parents[2] / "src"

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - the marker below skips
    sync_playwright = None

pytestmark = pytest.mark.skipif(not CHROMIUM.exists() or sync_playwright is None,
                                reason="needs /usr/bin/chromium (apt-get install chromium) and playwright (pip)")


@pytest.fixture
def serve():
    processes = []

    def start(schema: Path, db: str | None = None) -> str:
        code = f"import sys; from schemasmith.studio.command import serve_command; sys.exit(serve_command({str(schema)!r}, {db!r}, 0))"
        process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                   env={**os.environ, "PYTHONPATH": str(SRC)})
        processes.append(process)
        return process.stdout.readline().rsplit(" ", 1)[-1].strip()

    yield start
    for process in processes:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)


@pytest.fixture
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield browser
        browser.close()


def _open(browser, url):
    page = browser.new_page(viewport={"width": 1500, "height": 900})
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("dialog", lambda dialog: (problems.append("dialog: " + dialog.message), dialog.dismiss()))
    page.goto(url)
    page.wait_for_selector("body[data-diagram-ready=true]", timeout=20000)
    return page, problems


def test_diagram_and_a_finding(tmp_path, serve, browser):
    schema = tmp_path / "taskhub.yaml"
    schema.write_text((EXAMPLES / "taskhub.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    page, problems = _open(browser, serve(schema))
    for table in load_source(str(schema)).design.tables:
        assert page.get_by_test_id(f"table-node-{table}").is_visible()
    assert page.get_by_test_id("relationship").count() == 10
    page.screenshot(path=str(tmp_path / "diagram.png"))
    page.get_by_test_id("finding-0").click()
    detail = page.get_by_test_id("finding-detail")
    detail.get_by_test_id("rule-doc").locator("h5", has_text="Why is this bad?").wait_for()
    assert "SS208" in detail.inner_text()
    page.get_by_test_id("show-on-diagram").click()
    assert "selected" in page.get_by_test_id("table-node-organizations").get_attribute("class")
    assert page.get_by_test_id("details-name").inner_text() == "organizations"
    with page.expect_download() as download:
        page.get_by_test_id("export-svg").click()
    exported = Path(download.value.path()).read_text(encoding="utf-8")
    assert exported.count('data-testid="table-node-') == 7
    assert (tmp_path / "diagram.png").stat().st_size > 10_000
    assert problems == []


def test_markup_in_a_design_and_its_data_renders_as_text(hostile_design, tmp_path, serve, browser):
    database = tmp_path / "hostile.db"
    with sqlite3.connect(database) as connection:
        connection.executescript(render_target(load_source(str(hostile_design)).design, "sqlite").files["schema.sql"])
        connection.execute('INSERT INTO "user" ("select", "Mixed Case") VALUES (?, ?)', ("<b>x</b>", SCRIPT))
    page, problems = _open(browser, serve(hostile_design, f"sqlite:///{database}"))
    assert page.get_by_test_id("design-description").inner_text() == SCRIPT
    page.get_by_test_id("table-node-user").click()
    assert page.get_by_test_id("details-comment").inner_text() == SCRIPT
    assert page.get_by_test_id("table-node-<img src=x onerror=alert(2)>").is_visible()
    page.get_by_test_id("tab-data").click()
    page.get_by_test_id("data-table-select").select_option("user")
    assert page.get_by_test_id("cell-0-Mixed Case").inner_text() == SCRIPT
    assert page.get_by_test_id("cell-0-select").inner_text() == "<b>x</b>"
    assert page.locator("img, b").count() == 0
    assert problems == []
