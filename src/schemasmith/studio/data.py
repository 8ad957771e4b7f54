"""The data browser: paged, sorted rows of the design's tables from `--db`, read-only.

Only names the design holds reach SQL: the table and sort column are looked up in the design
and passed to SQLAlchemy Core, which quotes them; page and size are bound as parameters. Pages
are LIMIT/OFFSET with one extra row to say whether there is a next page, so no `count(*)` runs
over a big table. Each read runs in a read-only transaction (PostgreSQL) or with
`PRAGMA query_only` (SQLite), so the page cannot change data even through a bug.
"""

from __future__ import annotations

import base64
import datetime
import decimal
import uuid
from typing import Any

from fastapi import FastAPI, HTTPException

from ..db.urls import sqlalchemy_url
from ..dialects.registry import dialect_for_url

MAX_PAGE = 500


def _value(value: Any) -> Any:
    """A database value as JSON: text for what JSON has no type for (dates, decimals, bytes)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime.date | datetime.time | datetime.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID | datetime.timedelta):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return "base64:" + base64.b64encode(bytes(value)).decode()
    if isinstance(value, list | tuple):
        return [_value(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _value(item) for key, item in value.items()}
    return str(value)


def _split(name: str, schemas) -> tuple[str | None, str]:
    """`reports.daily` → ("reports", "daily") when the design declares schema reports."""
    head, dot, tail = name.partition(".")
    return (head, tail) if dot and head in schemas else (None, name)


class Browser:
    """Reads pages of rows; one engine for the server's life, no pooled connections kept idle."""

    def __init__(self, url: str):
        import sqlalchemy as sa

        self.url = url
        self.dialect = dialect_for_url(url)
        self.engine = sa.create_engine(sqlalchemy_url(url), poolclass=sa.pool.NullPool)

    def page(self, design, table_name: str, page: int, size: int, sort: str | None, descending: bool) -> dict[str, Any]:
        import sqlalchemy as sa

        table = design.tables.get(table_name)
        if table is None:
            raise HTTPException(404, "no such table in the design")
        columns = list(table.columns)
        if sort is not None and sort not in table.columns:
            raise HTTPException(422, "sort by a column of the table")
        size = max(1, min(size, MAX_PAGE))
        page = max(0, page)
        schema, name = _split(table_name, design.schemas)
        relation = sa.table(name, *[sa.column(column) for column in columns], schema=schema)
        keys = [sort] if sort else (list(table.primary_key) or columns[:1])
        order = [relation.c[key].desc() if descending else relation.c[key].asc() for key in keys]
        query = sa.select(relation).order_by(*order).limit(sa.bindparam("limit", size + 1)).offset(sa.bindparam("offset", page * size))
        with self.engine.connect() as connection:
            if self.dialect is not None and self.dialect.file_database:
                connection.exec_driver_sql("PRAGMA query_only = ON")  # SQLite: no read-only transactions
            else:
                connection.exec_driver_sql("SET TRANSACTION READ ONLY")
            try:
                rows = connection.execute(query).fetchall()
            except sa.exc.DBAPIError as error:
                raise HTTPException(502, f"the database refused the read: {error.orig}") from None
            finally:
                connection.rollback()
        return {
            "table": table_name, "columns": columns, "page": page, "size": size, "sort": sort, "descending": descending,
            "rows": [[_value(value) for value in row] for row in rows[:size]], "more": len(rows) > size,
        }


def add_routes(app: FastAPI, studio) -> None:
    """`/api/data/{table}` when the studio has `--db`; 400 otherwise."""
    browser = Browser(studio.db) if studio.db is not None else None

    @app.get("/api/data/{table}")
    def rows(table: str, page: int = 0, size: int = 50, sort: str | None = None, descending: bool = False) -> dict[str, Any]:
        if browser is None:
            raise HTTPException(400, "no --db was given: the data browser needs a database")
        snapshot = studio.current()
        if snapshot.design is None:
            raise HTTPException(503, snapshot.error or "the design could not be read")
        return browser.page(snapshot.design, table, page, size, sort, descending)
