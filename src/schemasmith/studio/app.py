"""The studio's web app: one page and the JSON API it reads, from the same origin.

Routes only translate HTTP to the modules that know things (diagram, findings, artifacts,
migration, layout_store, data); every value goes out as JSON or through Jinja2's autoescape,
and the page puts text into the document with textContent only.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from ..errors import SchemasmithError
from . import artifacts, data, diagram, findings, layout_store, migration
from .security import Guard
from .state import Studio

HERE = Path(__file__).parent
# The page's scripts are ES modules (.mjs); browsers refuse a module served as anything but
# JavaScript, and a machine's mime.types may not know the extension.
mimetypes.add_type("text/javascript", ".mjs")
mimetypes.add_type("text/javascript", ".js")


def _require_design(studio: Studio):
    snapshot = studio.current()
    if snapshot.design is None:
        raise HTTPException(503, snapshot.error or "the design could not be read")
    return snapshot


def create_app(studio: Studio, *, token: str | None = None, allowed_hosts: set[str] | None = None) -> FastAPI:
    """The app over `studio`; `token` required on every request when given (a --host bind)."""
    app = FastAPI(title="schemasmith studio", docs_url=None, redoc_url=None, openapi_url=None)
    guard = Guard(token, allowed_hosts)
    layout_file = layout_store.layout_path(studio.schema)

    @app.middleware("http")
    async def guarded(request: Request, call_next):
        refused = guard.refuse(request)
        response = refused if refused is not None else await call_next(request)
        return guard.finish(request, response)

    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    _page_routes(app, studio, layout_file)
    _diagram_routes(app, studio, layout_file)
    _artifact_routes(app, studio)
    data.add_routes(app, studio)

    @app.exception_handler(HTTPException)
    async def http_error(_request: Request, error: HTTPException):
        return JSONResponse({"error": error.detail}, status_code=error.status_code)

    return app


def _page_routes(app: FastAPI, studio: Studio, layout_file: Path | None) -> None:
    """The page itself and the state it polls to notice that the design file changed."""

    templates = Jinja2Templates(directory=str(HERE / "templates"))

    @app.get("/", response_class=HTMLResponse)
    def page(request: Request):
        snapshot = studio.current()
        design = snapshot.design
        return templates.TemplateResponse(request, "index.html", {
            "name": design.name if design else studio.schema,
            "description": design.description if design else None,
            "schema": Path(studio.schema).name if studio.path else "database",
            "has_db": studio.db is not None,
        })

    @app.get("/favicon.ico")
    def favicon() -> Response:
        return Response(status_code=204)

    @app.get("/api/state")
    def state() -> dict[str, Any]:
        snapshot = studio.current()
        return {
            "version": snapshot.version,
            "error": snapshot.error,
            "warnings": snapshot.warnings,
            "name": snapshot.design.name if snapshot.design else None,
            "schema": Path(studio.schema).name if studio.path else "database",
            "layout_file": layout_file.name if layout_file else None,
            "has_db": studio.db is not None,
        }



def _diagram_routes(app: FastAPI, studio: Studio, layout_file: Path | None) -> None:
    """The diagram, its saved positions, the review and the rules' documentation."""

    @app.get("/api/diagram")
    def get_diagram() -> dict[str, Any]:
        snapshot = _require_design(studio)
        result = dict(studio.cached("diagram", diagram.diagram))
        known = {node["name"] for node in result["nodes"]}
        result["positions"] = {name: place for name, place in layout_store.load_positions(layout_file).items() if name in known}
        result["version"] = snapshot.version
        return result

    @app.put("/api/layout")
    async def put_layout(request: Request) -> dict[str, Any]:
        _require_design(studio)
        try:
            body = await request.json()
        except ValueError:
            raise HTTPException(400, "the body is not JSON") from None
        known = {node["name"] for node in studio.cached("diagram", diagram.diagram)["nodes"]}
        try:
            positions = layout_store.clean_positions(body.get("positions") if isinstance(body, dict) else None, known)
        except SchemasmithError as error:
            raise HTTPException(422, str(error)) from None
        if layout_file is None:
            return {"saved": False, "reason": "the schema is a database URL: there is no file to keep the layout beside"}
        layout_store.save_positions(layout_file, positions)
        return {"saved": True, "file": layout_file.name, "count": len(positions)}

    @app.get("/api/findings")
    def get_findings() -> dict[str, Any]:
        _require_design(studio)

        def compute(_design):
            try:
                return findings.review_data(studio.schema)
            except SchemasmithError as error:
                return {"error": str(error), "severities": [], "counts": {}, "findings": [], "warnings": []}

        return studio.cached("findings", compute)

    @app.get("/api/rules/{code}")
    def get_rule(code: str) -> dict[str, Any]:
        rule = findings.rule_data(code)
        if rule is None:
            raise HTTPException(404, "no such rule")
        return rule



def _artifact_routes(app: FastAPI, studio: Studio) -> None:
    """Generated files and the migration preview: what the design produces."""

    def _artifacts() -> dict[str, dict[str, Any]]:
        _require_design(studio)
        return studio.cached("artifacts", artifacts.render_all)

    @app.get("/api/artifacts")
    def list_artifacts() -> dict[str, Any]:
        built = _artifacts()
        return {"version": studio.current().version, "targets": {
            target: {"files": list(result["files"]), "warnings": result["warnings"], "error": result["error"]}
            for target, result in built.items()
        }}

    @app.get("/api/artifacts.zip")
    def zip_artifacts() -> Response:
        name = (studio.current().design.name or "schema").replace('"', "")
        return Response(artifacts.zip_all(_artifacts()), media_type="application/zip",
                        headers={"Content-Disposition": f'attachment; filename="{name}-build.zip"'})

    @app.get("/api/artifacts/{target}")
    def get_artifact(target: str, path: str, download: bool = False) -> Response:
        built = _artifacts()
        text = built.get(target, {}).get("files", {}).get(path)
        if text is None:
            raise HTTPException(404, "no such generated file")
        headers = {}
        if download:
            headers["Content-Disposition"] = f'attachment; filename="{Path(path).name}"'
        return PlainTextResponse(text, headers=headers)

    @app.get("/api/migration")
    def get_migration(against: str = "git") -> dict[str, Any]:
        _require_design(studio)
        if against == "db":
            if studio.db is None:
                raise HTTPException(400, "no --db was given")
            return migration.preview(studio.schema, studio.db)
        # Not cached: a commit changes HEAD without touching the file.
        return migration.preview(studio.schema)
