"""Database URLs as users write them, and as each library wants them."""

from __future__ import annotations


def dialect_of(url: str) -> str | None:
    """`postgres`, `sqlite` or `mysql` for a database URL; None for anything else."""
    scheme = url.split(":", 1)[0].split("+", 1)[0].lower()
    return {"postgresql": "postgres", "postgres": "postgres", "sqlite": "sqlite", "mysql": "mysql", "mariadb": "mysql"}.get(
        scheme
    )


def is_database_url(text: str) -> bool:
    return "://" in text and dialect_of(text) is not None


def sqlalchemy_url(url: str) -> str:
    """The URL with the driver SQLAlchemy should use here (psycopg 3 for PostgreSQL)."""
    scheme, rest = url.split("://", 1)
    base = scheme.split("+", 1)[0].lower()
    if base in ("postgresql", "postgres"):
        return f"postgresql+psycopg://{rest}"
    if base in ("mysql", "mariadb") and "+" not in scheme:
        return f"mysql+pymysql://{rest}"
    return url


def libpq_url(url: str) -> str:
    """The URL as libpq (psycopg, psql) reads it: no `+driver` suffix, `postgresql` scheme."""
    scheme, rest = url.split("://", 1)
    return f"postgresql://{rest}" if scheme.split("+", 1)[0].lower() in ("postgresql", "postgres") else url


def sqlite_path(url: str) -> str:
    """The file path of a `sqlite:///path` URL (`:memory:` for `sqlite://`)."""
    rest = url.split("://", 1)[1]
    if rest in ("", "/", "/:memory:"):
        return ":memory:"
    return rest[1:] if rest.startswith("/") else rest
