"""Database URLs as users write them, and as each library wants them."""

from __future__ import annotations

from ..dialects.registry import dialect_for_url, name_for_scheme


def dialect_of(url: str) -> str | None:
    """`postgres`, `sqlite` or `mysql` for a database URL; None for anything else."""
    return name_for_scheme(url.split(":", 1)[0])


def is_database_url(text: str) -> bool:
    return "://" in text and dialect_of(text) is not None


def sqlalchemy_url(url: str) -> str:
    """The URL with the driver SQLAlchemy should use here (psycopg 3 for PostgreSQL)."""
    dialect = dialect_for_url(url)
    return dialect.sqlalchemy_url(url) if dialect is not None else url


def libpq_url(url: str) -> str:
    """The URL as libpq (psycopg, psql) reads it: no `+driver` suffix, `postgresql` scheme."""
    dialect = dialect_for_url(url)
    return dialect.driverless_url(url) if dialect is not None and "://" in url else url


def sqlite_path(url: str) -> str:
    """The file path of a `sqlite:///path` URL (`:memory:` for `sqlite://`)."""
    rest = url.split("://", 1)[1]
    if rest in ("", "/", "/:memory:"):
        return ":memory:"
    return rest[1:] if rest.startswith("/") else rest
