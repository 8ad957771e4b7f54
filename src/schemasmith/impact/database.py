"""What in a live PostgreSQL database depends on a table or a column: views (transitively) and functions."""

from __future__ import annotations

import re

from ..text.redaction import redact_url
from .model import BASE_SCHEMA, Dependent, one_line


def database_dependents(url: str, table: str, column: str | None, schema: str = BASE_SCHEMA) -> list[Dependent]:
    """Views (transitively) and functions of a live PostgreSQL database that use the target."""
    import psycopg

    from ..db.urls import libpq_url
    from ..errors import SourceError

    try:
        connection = psycopg.connect(libpq_url(url), autocommit=True, connect_timeout=10)
    except psycopg.Error as error:
        raise SourceError(f"cannot connect to {redact_url(url)}: {' '.join(str(error).split())}") from None
    found: list[Dependent] = []
    with connection:
        relation = connection.execute("SELECT to_regclass(format('%%I.%%I', %s::text, %s::text))::oid", (schema, table)).fetchone()[0]
        if relation is None:
            return found
        attnum = None
        if column is not None:
            row = connection.execute(
                "SELECT attnum FROM pg_attribute WHERE attrelid = %s AND attname = %s AND NOT attisdropped", (relation, column)
            ).fetchone()
            attnum = None if row is None else row[0]
        views = connection.execute(
            """
            WITH RECURSIVE direct AS (
                SELECT DISTINCT r.ev_class AS view
                FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid
                WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass
                  AND d.refobjid = %(relation)s AND r.ev_class <> %(relation)s
                  AND (%(attnum)s::int IS NULL OR d.refobjsubid = %(attnum)s::int)
            ), views(view, via, depth) AS (
                SELECT view, NULL::oid, 1 FROM direct
                UNION
                SELECT r.ev_class, v.view, v.depth + 1
                FROM views v JOIN pg_depend d ON d.refobjid = v.view AND d.classid = 'pg_rewrite'::regclass
                     AND d.refclassid = 'pg_class'::regclass
                JOIN pg_rewrite r ON r.oid = d.objid
                WHERE r.ev_class <> v.view AND v.depth < 20
            )
            SELECT DISTINCT ON (v.view) v.view::regclass::text, c.relkind, v.via::regclass::text, pg_get_viewdef(v.view, true)
            FROM views v JOIN pg_class c ON c.oid = v.view
            ORDER BY v.view, v.depth
            """,
            {"relation": relation, "attnum": attnum},
        ).fetchall()
        for name, relkind, via, definition in views:
            kind = "materialized view" if relkind == "m" else "view"
            detail = f"{kind}" + (f" (through {via})" if via else "") + f": {one_line(definition or '')}"
            found.append(Dependent("view", name, None, detail, columns=[column] if column else []))
        table_pattern = r"\m" + re.escape(table) + r"\M"
        column_pattern = None if column is None else r"\m" + re.escape(column) + r"\M"
        functions = connection.execute(
            """
            SELECT p.oid::regprocedure::text, l.lanname
            FROM pg_proc p
            JOIN pg_namespace n ON n.oid = p.pronamespace
            JOIN pg_language l ON l.oid = p.prolang
            WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%%'
              AND l.lanname NOT IN ('c', 'internal')
              AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_proc'::regclass AND e.objid = p.oid AND e.deptype = 'e')
              AND (
                (p.prosrc ~* %(table)s AND (%(column)s::text IS NULL OR p.prosrc ~* %(column)s::text))
                OR EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid
                           AND d.refclassid = 'pg_class'::regclass AND d.refobjid = %(relation)s
                           AND (%(attnum)s::int IS NULL OR d.refobjsubid = %(attnum)s::int))
              )
            ORDER BY 1
            """,
            {"table": table_pattern, "column": column_pattern, "relation": relation, "attnum": attnum},
        ).fetchall()
        for signature, language in functions:
            found.append(Dependent("function", signature, None, f"{language} function whose body names {table}" + (f" and {column}" if column else ""),
                                   columns=[column] if column else []))
    return found
