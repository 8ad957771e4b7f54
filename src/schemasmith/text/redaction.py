"""Database URLs made safe to print: the password never reaches a message, a report or a log."""

from __future__ import annotations

import re

_PASSWORD = re.compile(r"(://[^:/@]*):[^@/]*@")


def redact_url(url: str) -> str:
    """`url` with its password replaced by ***, even when the URL is too malformed to parse."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        # A bad port or an unknown scheme: hide whatever sits between `user:` and `@`.
        return _PASSWORD.sub(r"\1:***@", url)
