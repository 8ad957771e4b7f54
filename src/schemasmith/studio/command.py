"""`schemasmith serve`: load the design, bind the studio's socket, print where it is, serve.

Binds 127.0.0.1 unless the user names a host; any other host is reachable by other machines,
so it then requires a token, printed once in the URL. The socket is bound before serving, so a
port already in use is a clear error (exit 2), and `--port 0` picks a free one.
"""

from __future__ import annotations

import socket
import sys

from ..errors import SchemasmithError

LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        raise SchemasmithError(f"cannot listen on {host}:{port}: {error.strerror or error}; choose another --port") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def studio_url(host: str, port: int, token: str | None) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/" + (f"?token={token}" if token else "")


def serve_command(schema: str, db: str | None, port: int, host: str = "127.0.0.1", open_browser: bool = False) -> int:
    """Serve the studio over SCHEMA until Ctrl-C; returns the exit code (0).

    Raises SchemasmithError (exit 2) when SCHEMA cannot be read or the port cannot be bound.
    """
    import uvicorn

    from .app import create_app
    from .security import new_token
    from .state import Studio

    if db is not None:
        from ..db.urls import is_database_url

        if not is_database_url(db):
            raise SchemasmithError(f"--db {db!r} is not a database URL; use sqlite:///file.db or postgresql://…")
    studio = Studio(schema, db)
    local = host in LOCAL_HOSTS
    token = None if local else new_token()
    app = create_app(studio, token=token, allowed_hosts=LOCAL_HOSTS if local else None)
    sock = _bind(host, port)
    url = studio_url(host, sock.getsockname()[1], token)
    print(f"schemasmith studio for {schema}: {url}", flush=True)
    if token:
        print("bound beyond this machine: every request needs the token in that URL; do not share it", file=sys.stderr, flush=True)
    print("press Ctrl-C to stop", file=sys.stderr, flush=True)
    if open_browser:
        import webbrowser

        webbrowser.open(url)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off"))
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
    return 0
