"""Alembic environment: the database from DATABASE_URL, the models from models.py.

PostgreSQL URLs (postgresql://, postgres://) use psycopg 3; SQLite gets batch mode,
so later migrations can alter its tables by rebuilding them.
"""

import os
from logging.config import fileConfig
from typing import Any

import sqlalchemy as sa
from alembic import context

import models

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name)

target_metadata = models.Base.metadata

#: SQLite's type affinities (section 3.1 of its datatype documentation), in rule order.
AFFINITIES = (
    ("INTEGER", ("INT",)),
    ("TEXT", ("CHAR", "CLOB", "TEXT")),
    ("BLOB", ("BLOB",)),
    ("REAL", ("REAL", "FLOA", "DOUB")),
)


def database_url() -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        raise SystemExit(
            "DATABASE_URL is not set (e.g. postgresql://user@localhost/app or sqlite:///app.db)"
        )
    scheme, _, rest = url.partition("://")
    if scheme in ("postgres", "postgresql"):
        return f"postgresql+psycopg://{rest}"
    return url


def include_object(
    obj: Any, name: Any, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Leave out what the models create on another dialect only (`ddl_if`)."""
    condition = getattr(obj, "_ddl_if", None)
    if reflected or condition is None or condition.dialect is None:
        return True
    return condition.dialect == context.get_context().dialect.name


def affinity(declared: str) -> str:
    upper = declared.upper()
    for name, markers in AFFINITIES:
        if any(marker in upper for marker in markers) or (name == "BLOB" and not upper):
            return name
    return "NUMERIC"


def compare_type(
    ctx: Any, inspected: Any, metadata: Any, inspected_type: Any, metadata_type: Any
) -> Any:
    """On SQLite a declared type means its affinity: UUID_TEXT and TEXT are one type."""
    if ctx.dialect.name != "sqlite":
        return None  # Alembic's own comparison
    left = inspected_type.compile(dialect=ctx.dialect)
    right = metadata_type.compile(dialect=ctx.dialect)
    return affinity(left) != affinity(right)


def options(url: str) -> dict[str, Any]:
    return {
        "target_metadata": target_metadata,
        "render_as_batch": url.startswith("sqlite"),
        "compare_type": compare_type,
        "include_object": include_object,
    }


def run_migrations_offline() -> None:
    """Write the SQL instead of running it (alembic upgrade head --sql)."""
    url = database_url()
    context.configure(url=url, literal_binds=True, **options(url))
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    url = database_url()
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, **options(url))
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
