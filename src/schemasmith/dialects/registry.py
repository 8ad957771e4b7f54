"""The dialect registry: the one place that maps dialect names and URL schemes to dialects.

Everything else asks `get_dialect(name)` or `dialect_for_url(url)` and then the dialect object's
flags; no other module compares a dialect's name.
"""

from __future__ import annotations

import importlib
from functools import cache

from ..errors import SchemasmithError
from .base import Dialect

#: Dialect name → "module:class"; imported on first use (each module pulls in its own parser).
_DIALECT_CLASSES = {
    "postgres": "schemasmith.dialects.postgres:PostgresDialect",
    "sqlite": "schemasmith.dialects.sqlite:SqliteDialect",
    "mysql": "schemasmith.dialects.mysql:MysqlDialect",
}
#: Dialect name → the importer module that reads its DDL and databases back into a design.
_IMPORTERS = {
    "postgres": "schemasmith.importers.postgres",
    "sqlite": "schemasmith.importers.sqlite",
}
#: URL schemes (before any `+driver`) → dialect name. Kept here, not on the classes, so telling
#: a URL from a file path imports no dialect module.
_URL_SCHEMES = {"postgresql": "postgres", "postgres": "postgres", "sqlite": "sqlite", "mysql": "mysql", "mariadb": "mysql"}
#: Other spellings people use for the same dialects.
_ALIASES = {"postgresql": "postgres", "pg": "postgres", "mariadb": "mysql", "sqlite3": "sqlite"}

POSTGRES, SQLITE, MYSQL = "postgres", "sqlite", "mysql"


def dialect_names() -> tuple[str, ...]:
    return tuple(_DIALECT_CLASSES)


def canonical_name(name: str) -> str | None:
    """`postgres`, `sqlite` or `mysql` for a name or alias; None when unknown."""
    lowered = name.strip().lower()
    lowered = _ALIASES.get(lowered, lowered)
    return lowered if lowered in _DIALECT_CLASSES else None


@cache
def get_dialect(name: str) -> Dialect:
    """The dialect object for a name or alias; an error naming the known ones otherwise."""
    canonical = canonical_name(name)
    if canonical is None:
        raise SchemasmithError(f"unknown dialect {name!r}; dialects are {', '.join(_DIALECT_CLASSES)}")
    module_name, _, class_name = _DIALECT_CLASSES[canonical].partition(":")
    return getattr(importlib.import_module(module_name), class_name)()


def name_for_scheme(scheme: str) -> str | None:
    """The dialect name a URL scheme (`postgresql+psycopg`, `mariadb`, …) means; None otherwise."""
    return _URL_SCHEMES.get(scheme.split("+", 1)[0].lower())


def dialect_for_url(url: str) -> Dialect | None:
    """The dialect of a database URL; None for text that is not one of ours."""
    if "://" not in url and not url.startswith("sqlite:"):
        return None
    name = name_for_scheme(url.split(":", 1)[0])
    return get_dialect(name) if name else None


def importer_for(dialect: Dialect):
    """The importer module (`import_ddl`, `import_database`) for a dialect; None when there is none.

    Imported on first use, like the dialect modules, so the dialects never import the importers.
    """
    module_name = _IMPORTERS.get(dialect.name)
    return importlib.import_module(module_name) if module_name else None
