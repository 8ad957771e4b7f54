"""The studio's guards: who may talk to it, and what a page it serves may do.

On 127.0.0.1 the only callers are this machine's, but a web page in the user's browser can still
aim requests at it: the Host check stops DNS rebinding, the Origin check stops another site's
page from writing the layout. Bound elsewhere (`--host`), every request must carry the token
printed at start (once in the URL, then as a same-site cookie). The Content-Security-Policy lets
only the studio's own scripts run, so a value that slipped past escaping still could not execute.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

TOKEN_COOKIE = "schemasmith_studio_token"
CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
       "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def new_token() -> str:
    return secrets.token_urlsafe(24)


def _host_name(value: str) -> str:
    return urlsplit(f"//{value}").hostname or ""


class Guard:
    """Decides per request; `allowed_hosts` None accepts any Host (bound to a chosen --host)."""

    def __init__(self, token: str | None, allowed_hosts: set[str] | None):
        self.token = token
        self.allowed_hosts = allowed_hosts

    def refuse(self, request: Request) -> Response | None:
        host = request.headers.get("host", "")
        if self.allowed_hosts is not None and _host_name(host) not in self.allowed_hosts:
            return PlainTextResponse("unknown Host header (the studio answers on 127.0.0.1 and localhost only)", status_code=421)
        if request.method in WRITES:
            origin = request.headers.get("origin")
            if origin is not None and urlsplit(origin).netloc != host:
                return PlainTextResponse("cross-origin writes are refused", status_code=403)
            if not request.headers.get("content-type", "").startswith("application/json"):
                return PlainTextResponse("writes take application/json", status_code=415)
        if self.token is not None and not self._has_token(request):
            return PlainTextResponse("this studio needs its token: open the URL `schemasmith serve` printed", status_code=401)
        return None

    def _has_token(self, request: Request) -> bool:
        offered = [request.cookies.get(TOKEN_COOKIE), request.query_params.get("token"), request.headers.get("x-studio-token")]
        return any(value is not None and secrets.compare_digest(value, self.token) for value in offered)

    def finish(self, request: Request, response: Response) -> Response:
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if self.token is not None and request.query_params.get("token"):
            response.set_cookie(TOKEN_COOKIE, self.token, httponly=True, samesite="strict")
        return response
