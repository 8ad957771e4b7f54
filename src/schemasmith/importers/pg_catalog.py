"""The tables' columns, keys, constraints, indexes and comments, read in a few set-based queries.

One query per kind for all imported tables at once (by oid), shaped like SQLAlchemy's Inspector
results (`get_multi_columns` and friends) that the importer was first written against. Asking the
catalog directly is about four times faster than the Inspector on 300 tables, reads every schema
in the same pass, and keeps defaults exactly as `pg_get_expr` prints them (the Inspector rewrites
`nextval('seq')` to name the schema).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from ..dialects.postgres import strip_outer_parentheses

_ACTIONS = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}

COLUMNS = """
    SELECT a.attrelid, a.attname, NOT a.attnotnull AS nullable, a.attidentity, a.attgenerated,
           pg_get_expr(d.adbin, d.adrelid) AS default_expression, col_description(a.attrelid, a.attnum) AS comment
    FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE a.attrelid = ANY(:oids) AND a.attnum > 0 AND NOT a.attisdropped
    ORDER BY a.attrelid, a.attnum
"""

CONSTRAINTS = """
    SELECT k.conrelid, k.conname, k.contype, k.oid,
           ARRAY(SELECT a.attname FROM unnest(k.conkey) WITH ORDINALITY AS u(attnum, position)
                 JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.attnum ORDER BY u.position) AS columns,
           rn.nspname AS referred_schema, r.relname AS referred_table,
           ARRAY(SELECT a.attname FROM unnest(k.confkey) WITH ORDINALITY AS u(attnum, position)
                 JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.attnum ORDER BY u.position) AS referred_columns,
           k.confdeltype, k.confupdtype, k.confmatchtype, k.condeferrable, k.condeferred, k.convalidated,
           (SELECT to_jsonb(i) ->> 'indnullsnotdistinct' FROM pg_index i WHERE i.indexrelid = k.conindid)
               AS connullsnotdistinct_text,
           pg_get_expr(k.conbin, k.conrelid) AS check_expression,
           obj_description(k.oid, 'pg_constraint') AS comment
    FROM pg_constraint k
    LEFT JOIN pg_class r ON r.oid = k.confrelid LEFT JOIN pg_namespace rn ON rn.oid = r.relnamespace
    WHERE k.conrelid = ANY(:oids) AND k.contype IN ('p', 'u', 'f', 'c')
    ORDER BY k.conrelid, k.oid
"""

INDEXES = """
    SELECT x.indrelid, c.relname AS name, x.indisunique, am.amname AS method, x.indnkeyatts, x.indnatts,
           ARRAY(SELECT CASE WHEN x.indkey[k] = 0 THEN NULL ELSE
                        (SELECT a.attname FROM pg_attribute a WHERE a.attrelid = x.indrelid AND a.attnum = x.indkey[k]) END
                 FROM generate_subscripts(x.indkey, 1) AS k ORDER BY k) AS column_names,
           ARRAY(SELECT pg_get_indexdef(x.indexrelid, k + 1, true) FROM generate_subscripts(x.indkey, 1) AS k ORDER BY k)
               AS key_texts,
           ARRAY(SELECT x.indoption[k] FROM generate_subscripts(x.indoption, 1) AS k ORDER BY k) AS options,
           ARRAY(SELECT CASE WHEN o.opcdefault THEN NULL ELSE o.opcname END
                 FROM generate_subscripts(x.indclass, 1) AS k JOIN pg_opclass o ON o.oid = x.indclass[k] ORDER BY k)
               AS opclasses,
           pg_get_expr(x.indpred, x.indrelid) AS predicate, array_to_string(c.reloptions, ',') AS reloptions,
           (to_jsonb(x) ->> 'indnullsnotdistinct') AS nulls_not_distinct,
           EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid AND k.conrelid = x.indrelid
                   AND k.contype IN ('p', 'u', 'x')) AS duplicates_constraint
    FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid JOIN pg_am am ON am.oid = c.relam
    WHERE x.indrelid = ANY(:oids)
    ORDER BY x.indrelid, c.relname
"""


def reflect(query: Callable[..., list], oids: list[int]) -> tuple[dict, ...]:
    """(columns, primary keys, foreign keys, uniques, indexes, checks, comments), each keyed by table oid."""
    if not oids:
        return tuple({} for _ in range(7))
    columns: dict[int, list] = defaultdict(list)
    for row in query(COLUMNS, oids=oids):
        columns[row.attrelid].append(_column(row))
    primary_keys: dict[int, dict] = {}
    foreign_keys: dict[int, list] = defaultdict(list)
    uniques: dict[int, list] = defaultdict(list)
    checks: dict[int, list] = defaultdict(list)
    for row in query(CONSTRAINTS, oids=oids):
        if row.contype == "p":
            primary_keys[row.conrelid] = {"name": row.conname, "constrained_columns": list(row.columns)}
        elif row.contype == "u":
            uniques[row.conrelid].append({
                "name": row.conname, "column_names": list(row.columns), "comment": row.comment,
                "dialect_options": {"postgresql_nulls_not_distinct": row.connullsnotdistinct_text == "true"},
            })
        elif row.contype == "f":
            foreign_keys[row.conrelid].append(_foreign_key(row))
        else:
            checks[row.conrelid].append({
                "name": row.conname, "sqltext": strip_outer_parentheses((row.check_expression or "").strip()), "comment": row.comment,
                "dialect_options": {"not_valid": not row.convalidated},
            })
    indexes: dict[int, list] = defaultdict(list)
    for row in query(INDEXES, oids=oids):
        indexes[row.indrelid].append(_index(row))
    comments = {
        row.oid: {"text": row.comment}
        for row in query("SELECT c.oid, obj_description(c.oid, 'pg_class') AS comment FROM pg_class c WHERE c.oid = ANY(:oids)", oids=oids)
    }
    return columns, primary_keys, foreign_keys, uniques, indexes, checks, comments


def _column(row) -> dict:
    column = {"name": row.attname, "nullable": bool(row.nullable), "default": row.default_expression, "comment": row.comment}
    if row.attidentity:
        column["identity"] = {"always": row.attidentity == "a"}
        column["default"] = None
    if row.attgenerated:
        column["computed"] = {"sqltext": row.default_expression, "persisted": row.attgenerated == "s"}
    return column


def _foreign_key(row) -> dict:
    options = {}
    if row.confdeltype != "a":
        options["ondelete"] = _ACTIONS[row.confdeltype]
    if row.confupdtype != "a":
        options["onupdate"] = _ACTIONS[row.confupdtype]
    if row.condeferrable:
        options["deferrable"] = True
    if row.condeferred:
        options["initially"] = "DEFERRED"
    if row.confmatchtype == "f":
        options["match"] = "FULL"
    return {
        "name": row.conname,
        "constrained_columns": list(row.columns),
        "referred_schema": row.referred_schema,
        "referred_table": row.referred_table,
        "referred_columns": list(row.referred_columns),
        "options": options,
        "comment": row.comment,
    }


def _index(row) -> dict:
    keys = row.indnkeyatts
    column_names = list(row.column_names[:keys])
    expressions = [text if name is None else name for name, text in zip(column_names, row.key_texts[:keys])]
    sorting = {}
    for name, expression, option in zip(column_names, expressions, row.options[:keys]):
        if option & 1:  # DESC; NULLS FIRST is its default
            flags: tuple[str, ...] = ("desc",) if option & 2 else ("desc", "nulls_last")
        else:
            flags = ("nulls_first",) if option & 2 else ()
        if flags:
            sorting[name if name is not None else expression] = flags
    options = {"postgresql_using": row.method}
    opclasses = {
        (name if name is not None else expression): opclass
        for name, expression, opclass in zip(column_names, expressions, row.opclasses[:keys])
        if opclass is not None
    }
    if opclasses:
        options["postgresql_ops"] = opclasses
    if row.predicate:
        options["postgresql_where"] = row.predicate
    include = [name for name in row.column_names[keys:] if name is not None]
    if include:
        options["postgresql_include"] = include
    if row.reloptions:
        options["postgresql_with"] = dict(item.split("=", 1) for item in row.reloptions.split(","))
    if row.nulls_not_distinct == "true":
        options["postgresql_nulls_not_distinct"] = True
    item = {
        "name": row.name,
        "column_names": column_names,
        "expressions": expressions,
        "unique": bool(row.indisunique),
        "column_sorting": sorting,
        "dialect_options": options,
    }
    if row.duplicates_constraint:
        item["duplicates_constraint"] = row.name
    return item
