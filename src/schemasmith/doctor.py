"""`schemasmith doctor`: what this machine can prove, in one place.

The embedded PostgreSQL (its version and the extensions it has), the servers the environment
names (each tried, passwords never shown), the Node tools the JavaScript-side checks use, and a
browser for the studio. Nothing is installed or changed; every item is looked up or tried.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .db.extensions import EXTENSION_NAMES
from .text.redaction import redact_url

#: Environment variables that name servers: the default server, the application's, the tests'.
SERVER_VARIABLES = ("SCHEMASMITH_PG_URL", "DATABASE_URL", "SCHEMASMITH_TEST_PG_URL", "SCHEMASMITH_TEST_MYSQL_URL")

#: The JavaScript-side checkers: (what the checks call it, npm package, executable in node_modules/.bin).
NODE_TOOLS = (
    ("tsc", "typescript", "tsc"),
    ("prisma", "@prisma/prisma-schema-wasm", None),
    ("mermaid parser", "mermaid", None),
    ("dbml parser", "@dbml/core", None),
)

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome", "firefox")


@dataclass
class Embedded:
    started: bool
    version: str | None = None
    extensions: list[dict] = field(default_factory=list)  # {name, default_version}
    error: str | None = None


@dataclass
class Server:
    variable: str
    url: str  # redacted
    reachable: bool
    version: str | None = None
    error: str | None = None


@dataclass
class Tool:
    name: str
    found: bool
    version: str | None = None
    path: str | None = None


@dataclass
class Report:
    embedded: Embedded
    servers: list[Server]
    node: list[Tool]
    browser: Tool

    @property
    def ok(self) -> bool:
        return self.embedded.started

    def to_json(self) -> str:
        data = {"ok": self.ok, **asdict(self)}
        return json.dumps(data, indent=2)


def check_embedded() -> Embedded:
    """Start the embedded server and list what it has."""
    from .db.embedded import embedded_url
    from .db.extensions import server_extensions
    from .errors import SchemasmithError

    try:
        server = server_extensions(embedded_url("postgres"))
    except SchemasmithError as error:
        return Embedded(False, error=str(error))
    extensions = [{"name": name, "default_version": version} for name, version in sorted(server.available.items())]
    return Embedded(True, server.version_text, extensions)


def check_server(variable: str, url: str) -> Server:
    """Connect to the server `url` names (a SQLite URL: its file must exist) and read its version."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    from .db.urls import sqlalchemy_url, sqlite_path
    from .dialects.registry import dialect_for_url

    shown = redact_url(url)
    dialect = dialect_for_url(url)
    if dialect is None:
        return Server(variable, shown, False, error="not a database URL schemasmith reads (postgresql://, mysql://, sqlite:///)")
    if dialect.file_database:
        path = sqlite_path(url)
        found = path == ":memory:" or Path(path).is_file()
        return Server(variable, shown, found, dialect.label, None if found else f"no such file: {path}")
    try:
        engine = create_engine(sqlalchemy_url(url), poolclass=NullPool, connect_args={"connect_timeout": 5})
        try:
            with engine.connect() as connection:
                version = ".".join(str(part) for part in (connection.dialect.server_version_info or ()))
        finally:
            engine.dispose()
    except Exception as error:  # noqa: BLE001 - any failure (driver missing, refused, bad password) is reported
        message = " ".join(str(getattr(error, "orig", None) or error).split())
        return Server(variable, shown, False, error=message[:300].replace(url, shown))
    return Server(variable, shown, True, f"{dialect.label} {version}".strip())


def _package_version(folder: Path, package: str) -> str | None:
    try:
        return json.loads((folder / package / "package.json").read_text(encoding="utf-8")).get("version")
    except (OSError, ValueError):
        return None


def check_node() -> list[Tool]:
    """node on PATH and the pinned npm packages in the repository's node_modules."""
    from .emit.js_tools import node_modules

    node = shutil.which("node")
    version = None
    if node is not None:
        try:
            version = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=10, check=False).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            version = None
    tools = [Tool("node", node is not None, version, node)]
    folder = node_modules()
    for name, package, executable in NODE_TOOLS:
        found = _package_version(folder, package)
        path = folder / ".bin" / executable if executable else folder / package
        tools.append(Tool(name, found is not None and path.exists(), found, str(path) if found else None))
    return tools


def _playwright_browsers() -> list[Path]:
    root = Path(os.environ.get("PLAYWRIGHT_BROWSERS_PATH") or Path.home() / ".cache" / "ms-playwright")
    patterns = ("chromium*/chrome-linux*/chrome", "chromium_headless_shell*/chrome-linux*/headless_shell", "firefox*/firefox/firefox",
                "chromium*/chrome-mac*/Chromium.app/Contents/MacOS/Chromium")
    return sorted(path for pattern in patterns for path in root.glob(pattern) if path.is_file())


def check_browser() -> Tool:
    """A browser for the studio: one on PATH, else one in Playwright's cache."""
    for name in BROWSERS:
        path = shutil.which(name)
        if path is not None:
            return Tool(name, True, None, path)
    cached = _playwright_browsers()
    if cached:
        return Tool(f"playwright {cached[0].parent.parent.name}", True, None, str(cached[0]))
    return Tool("browser", False)


def run_doctor() -> Report:
    servers = [check_server(variable, os.environ[variable]) for variable in SERVER_VARIABLES if os.environ.get(variable, "").strip()]
    return Report(check_embedded(), servers, check_node(), check_browser())


def render_text(report: Report) -> str:
    """The report as a person reads it: one line per item, missing ones marked."""
    lines = []
    embedded = report.embedded
    if embedded.started:
        names = ", ".join(item["name"] for item in embedded.extensions)
        lines += [f"ok       embedded PostgreSQL {embedded.version}", f"         {len(embedded.extensions)} extensions available: {names}"]
        absent = [name for name in EXTENSION_NAMES if name not in {item["name"] for item in embedded.extensions}]
        if absent:
            lines.append(f"         not available: {', '.join(absent)} (a schema that needs one is proved with --db URL or"
                         " SCHEMASMITH_PG_URL; gen_random_uuid() of pgcrypto and uuid_generate_v4() of uuid-ossp are"
                         " proved with the built-in gen_random_uuid())")
    else:
        lines.append(f"MISSING  embedded PostgreSQL: {embedded.error}")
    lines.append("servers:")
    if not report.servers:
        lines.append("         none named (" + ", ".join(SERVER_VARIABLES) + " are unset)")
    for server in report.servers:
        status = "ok      " if server.reachable else "MISSING "
        detail = server.version if server.reachable else server.error
        lines.append(f"{status} {server.variable}={server.url}: {detail}")
    lines.append("node tools (JavaScript-side checks):")
    for tool in report.node:
        status = "ok      " if tool.found else "MISSING "
        detail = f"{tool.version or ''} {tool.path or ''}".strip() if tool.found else "not installed (scripts/install runs npm ci)"
        lines.append(f"{status} {tool.name}: {detail}")
    browser = report.browser
    lines.append("browser (studio):")
    lines.append(f"ok       {browser.name}: {browser.path}" if browser.found else
                 "MISSING  no chromium, chrome or firefox on PATH or in the Playwright cache")
    return "\n".join(lines)
