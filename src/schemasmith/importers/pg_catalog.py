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
    SELECT a.attrelid, a.attnum, a.attname, NOT a.attnotnull AS nullable, a.attidentity, a.attgenerated,
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
    SELECT x.indrelid, c.relname AS name, x.indisunique, am.amname AS method, x.indnkeyatts,
           x.indkey::int2[] AS attnums, x.indoption::int2[] AS options, x.indclass::oid[] AS classes,
           CASE WHEN x.indexprs IS NOT NULL THEN
               ARRAY(SELECT pg_get_indexdef(x.indexrelid, k, true) FROM generate_series(1, x.indnkeyatts) AS k) END AS key_texts,
           pg_get_expr(x.indpred, x.indrelid) AS predicate, array_to_string(c.reloptions, ',') AS reloptions,
           (to_jsonb(x) ->> 'indnullsnotdistinct') AS nulls_not_distinct, k.conindid IS NOT NULL AS duplicates_constraint
    FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid JOIN pg_am am ON am.oid = c.relam
    LEFT JOIN (SELECT DISTINCT conindid FROM pg_constraint WHERE contype IN ('p', 'u', 'x')) k ON k.conindid = x.indexrelid
    WHERE x.indrelid = ANY(:oids)
    ORDER BY x.indrelid, c.relname
"""

#: Operator classes that are not their type's default (an index names them): a few hundred rows, read once.
OPCLASSES = "SELECT oid, opcname FROM pg_opclass WHERE NOT opcdefault"


def reflect(query: Callable[..., list], oids: list[int]) -> tuple[dict, ...]:
    """(columns, primary keys, foreign keys, uniques, indexes, checks, comments), each keyed by table oid."""
    if not oids:
        return tuple({} for _ in range(7))
    columns: dict[int, list] = defaultdict(list)
    attribute_names = []
    for row in query(COLUMNS, oids=oids):
        columns[row.attrelid].append(_column(row))
        attribute_names.append((row.attrelid, row.attnum, row.attname))
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
    names = {(relation, attnum): name for relation, attnum, name in attribute_names}
    opclasses = {row.oid: row.opcname for row in query(OPCLASSES)}
    indexes: dict[int, list] = defaultdict(list)
    for row in query(INDEXES, oids=oids):
        indexes[row.indrelid].append(_index(row, names, opclasses))
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


def _index(row, names: dict[tuple[int, int], str], opclasses: dict[int, str]) -> dict:
    keys = row.indnkeyatts
    all_names = [names.get((row.indrelid, attnum)) if attnum else None for attnum in row.attnums]
    column_names = all_names[:keys]
    texts = row.key_texts or [None] * keys
    expressions = [text if name is None else name for name, text in zip(column_names, texts)]
    sorting = {}
    for name, expression, option in zip(column_names, expressions, row.options[:keys]):
        if option & 1:  # DESC; NULLS FIRST is its default
            flags: tuple[str, ...] = ("desc",) if option & 2 else ("desc", "nulls_last")
        else:
            flags = ("nulls_first",) if option & 2 else ()
        if flags:
            sorting[name if name is not None else expression] = flags
    options = {"postgresql_using": row.method}
    chosen = {
        (name if name is not None else expression): opclasses[opclass]
        for name, expression, opclass in zip(column_names, expressions, row.classes[:keys])
        if opclass in opclasses
    }
    if chosen:
        options["postgresql_ops"] = chosen
    if row.predicate:
        options["postgresql_where"] = row.predicate
    include = [name for name in all_names[keys:] if name is not None]
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
