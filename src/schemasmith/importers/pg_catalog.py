"""The tables' columns, types, keys, constraints, indexes and comments, read in three set-based queries.

One query per catalog for all imported tables at once (by oid): pg_attribute (with each column's
type, default and comment), pg_constraint and pg_index. The results are shaped like SQLAlchemy's
Inspector results (`get_multi_columns` and friends) that the importer was first written against,
and keep defaults exactly as `pg_get_expr` prints them.

Why so few and so plain: on a fresh connection every deparsing function (`pg_get_indexdef`,
`pg_get_constraintdef`) and every per-row subquery (`obj_description`, ARRAY(SELECT … pg_attribute))
costs the server a catalog lookup per row, which was most of an import's time. Names of key
columns are resolved here from the pg_attribute rows already read; comments are joined from
pg_description; a definition is printed only for the rows whose design needs it (see
`_index_definition_needed` and `_constraint_definition_needed`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any, NamedTuple

from ..dialects.postgres import strip_outer_parentheses

_ACTIONS = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}

#: The index methods whose indexes a design describes by its fields (others keep their definition).
STRUCTURED_METHODS = {"btree", "hash", "gin", "gist", "brin", "spgist"}

#: Every column with its type, default and comment (col_description and the type joins as rows).
ATTRIBUTES = """
    SELECT a.attrelid, a.attnum, a.attname, NOT a.attnotnull AS nullable, a.attidentity, a.attgenerated,
           a.attcollation, pg_get_expr(d.adbin, d.adrelid) AS default_expression, ds.description AS comment,
           CASE WHEN a.attcollation <> t.typcollation
                THEN (SELECT collname FROM pg_collation WHERE oid = a.attcollation) END AS collation,
           format_type(a.atttypid, a.atttypmod) AS formatted, t.typname, t.typtype, t.typcategory,
           tn.nspname AS typschema,
           CASE WHEN t.typcategory = 'A' THEN format_type(t.typelem, a.atttypmod) END AS element_formatted,
           e.typname AS element_typname, e.typtype AS element_typtype, en.nspname AS element_typschema
    FROM pg_attribute a
    JOIN pg_type t ON t.oid = a.atttypid
    JOIN pg_namespace tn ON tn.oid = t.typnamespace
    LEFT JOIN pg_type e ON e.oid = t.typelem AND t.typcategory = 'A'
    LEFT JOIN pg_namespace en ON en.oid = e.typnamespace
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    LEFT JOIN pg_description ds ON ds.objoid = a.attrelid AND ds.classoid = 'pg_class'::regclass AND ds.objsubid = a.attnum
    WHERE a.attrelid = ANY(:oids) AND a.attnum > 0 AND NOT a.attisdropped
    ORDER BY a.attrelid, a.attnum
"""

#: Every constraint of the tables (NOT NULL ones too: they take part in the creation order).
#: The referenced columns are named here only when the referenced table is not one of `oids`.
CONSTRAINTS = """
    SELECT k.conrelid, k.conname, k.contype, k.oid, k.conkey::int2[] AS conkey, k.confrelid,
           rn.nspname AS referred_schema, r.relname AS referred_table, k.confkey::int2[] AS confkey,
           CASE WHEN k.contype = 'f' AND NOT (k.confrelid = ANY(:oids)) THEN
               ARRAY(SELECT a.attname FROM unnest(k.confkey) WITH ORDINALITY AS u(attnum, position)
                     JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.attnum ORDER BY u.position) END
               AS foreign_referred_columns,
           k.confdeltype, k.confupdtype, k.confmatchtype, k.condeferrable, k.condeferred, k.convalidated,
           k.conparentid, k.connoinherit, k.conislocal, i.indnatts, i.indnkeyatts, {nulls_not_distinct} AS nulls_not_distinct,
           ic.reltablespace AS index_tablespace, ic.reloptions IS NOT NULL AS index_has_options,
           CASE WHEN k.contype = 'c' THEN pg_get_expr(k.conbin, k.conrelid) END AS check_expression,
           ds.description AS comment, NULL::text AS definition
    FROM pg_constraint k
    LEFT JOIN pg_class r ON r.oid = k.confrelid LEFT JOIN pg_namespace rn ON rn.oid = r.relnamespace
    LEFT JOIN pg_index i ON i.indexrelid = k.conindid AND k.contype IN ('p', 'u')
    LEFT JOIN pg_class ic ON ic.oid = i.indexrelid
    LEFT JOIN pg_description ds ON ds.objoid = k.oid AND ds.classoid = 'pg_constraint'::regclass AND ds.objsubid = 0
    WHERE k.conrelid = ANY(:oids)
    ORDER BY k.conrelid, k.oid
"""

INDEXES = """
    SELECT x.indrelid, x.indexrelid, c.relname AS name, x.indisunique, x.indisvalid, am.amname AS method, x.indnkeyatts,
           x.indkey::int2[] AS attnums, x.indoption::int2[] AS options, x.indclass::oid[] AS classes,
           x.indcollation::oid[] AS collations, x.indexprs IS NOT NULL AS has_expressions,
           CASE WHEN x.indexprs IS NOT NULL THEN
               ARRAY(SELECT pg_get_indexdef(x.indexrelid, k, true) FROM generate_series(1, x.indnkeyatts) AS k) END AS key_texts,
           pg_get_expr(x.indpred, x.indrelid) AS predicate, array_to_string(c.reloptions, ',') AS reloptions,
           {nulls_not_distinct} AS nulls_not_distinct, k.conindid IS NOT NULL AS duplicates_constraint,
           EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhrelid = x.indexrelid) AS inherited,
           EXISTS (SELECT 1 FROM pg_attribute o WHERE o.attrelid = x.indexrelid AND o.attoptions IS NOT NULL) AS has_opclass_options,
           NULL::text AS definition
    FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid JOIN pg_am am ON am.oid = c.relam
    LEFT JOIN (SELECT DISTINCT conindid FROM pg_constraint WHERE contype IN ('p', 'u', 'x')) k ON k.conindid = x.indexrelid
    WHERE x.indrelid = ANY(:oids)
    ORDER BY x.indrelid, c.relname
"""

#: Every operator class (a few hundred rows, read once): which are not their type's default, and
#: their names (an index names the non-default ones; a name can decide whether a definition is needed).
OPCLASSES = "SELECT o.oid, o.opcname, o.opcdefault, n.nspname FROM pg_opclass o JOIN pg_namespace n ON n.oid = o.opcnamespace"

#: The printed definitions, for just the constraints and indexes that need one.
CONSTRAINT_DEFINITIONS = "SELECT k.oid, pg_get_constraintdef(k.oid) AS definition FROM pg_constraint k WHERE k.oid = ANY(:oids)"
INDEX_DEFINITIONS = "SELECT x, pg_get_indexdef(x) AS definition FROM unnest(CAST(:oids AS oid[])) AS x"


class Reflection(NamedTuple):
    """What the three queries read, keyed by table oid (and the rows behind it, for the importer's facts)."""

    columns: dict[int, list]
    primary_keys: dict[int, dict]
    foreign_keys: dict[int, list]
    uniques: dict[int, list]
    indexes: dict[int, list]
    checks: dict[int, list]
    attributes: list  # the pg_attribute rows: each column's type facts
    constraints: list  # every pg_constraint row, with `.definition` printed where needed (else None)
    index_rows: list  # every pg_index row, with `.definition` printed where needed (else None)


def _nulls_not_distinct(server_version: int, table: str) -> str:
    """indnullsnotdistinct as 'true'/'false' text: the column exists from PostgreSQL 15 on."""
    if server_version >= 150000:
        return f"{table}.indnullsnotdistinct::text"
    return f"(to_jsonb({table}) ->> 'indnullsnotdistinct')"


def reflect(query: Callable[..., list], oids: list[int], server_version: int, relations: dict[int, Any]) -> Reflection:
    """Everything about the tables `oids` (their `relations` rows by oid) that the design is built from."""
    if not oids:
        return Reflection({}, {}, {}, {}, {}, {}, [], [], [])
    attributes = query(ATTRIBUTES, oids=oids)
    columns: dict[int, list] = defaultdict(list)
    names: dict[tuple[int, int], str] = {}
    collations: dict[tuple[int, int], int] = {}
    for row in attributes:
        columns[row.attrelid].append(_column(row))
        names[(row.attrelid, row.attnum)] = row.attname
        collations[(row.attrelid, row.attnum)] = row.attcollation
    constraints = query(CONSTRAINTS.format(nulls_not_distinct=_nulls_not_distinct(server_version, "i")), oids=oids)
    needed = [row.oid for row in constraints if _constraint_definition_needed(row, names)]
    printed = {row.oid: row.definition for row in query(CONSTRAINT_DEFINITIONS, oids=needed)} if needed else {}
    constraints = [row._replace(definition=printed[row.oid]) if row.oid in printed else row for row in constraints]
    primary_keys: dict[int, dict] = {}
    foreign_keys: dict[int, list] = defaultdict(list)
    uniques: dict[int, list] = defaultdict(list)
    checks: dict[int, list] = defaultdict(list)
    for row in constraints:
        if row.contype == "p":
            primary_keys[row.conrelid] = {"name": row.conname, "constrained_columns": _names(names, row.conrelid, row.conkey)}
        elif row.contype == "u":
            uniques[row.conrelid].append({
                "name": row.conname, "column_names": _names(names, row.conrelid, row.conkey), "comment": row.comment,
                "dialect_options": {"postgresql_nulls_not_distinct": row.nulls_not_distinct == "true"},
            })
        elif row.contype == "f":
            foreign_keys[row.conrelid].append(_foreign_key(row, names))
        elif row.contype == "c":
            checks[row.conrelid].append({
                "name": row.conname, "sqltext": strip_outer_parentheses((row.check_expression or "").strip()), "comment": row.comment,
                "dialect_options": {"not_valid": not row.convalidated},
            })
    opclasses = {row.oid: row for row in query(OPCLASSES)}
    chosen = {oid: row.opcname for oid, row in opclasses.items() if not row.opcdefault}
    index_rows = query(INDEXES.format(nulls_not_distinct=_nulls_not_distinct(server_version, "x")), oids=oids)
    needed = [
        row.indexrelid for row in index_rows
        if _index_definition_needed(row, relations[row.indrelid], names, collations, opclasses)
    ]
    printed = {row.x: row.definition for row in query(INDEX_DEFINITIONS, oids=needed)} if needed else {}
    index_rows = [row._replace(definition=printed[row.indexrelid]) if row.indexrelid in printed else row for row in index_rows]
    indexes: dict[int, list] = defaultdict(list)
    for row in index_rows:
        indexes[row.indrelid].append(_index(row, names, chosen))
    return Reflection(columns, primary_keys, foreign_keys, uniques, indexes, checks, attributes, constraints, index_rows)


def _names(names: dict[tuple[int, int], str], relation: int, attnums) -> list[str]:
    """The columns `attnums` of `relation` by name, in key order (as ARRAY(SELECT attname …) gave them)."""
    return [names[(relation, attnum)] for attnum in attnums or () if (relation, attnum) in names]


_WORDS = ("COLLATE", "TABLESPACE")


def _mentions(*texts) -> bool:
    """Whether any of `texts` holds a word the importer looks for in a printed definition."""
    return any(word in text for text in texts if text for word in _WORDS)


def _constraint_definition_needed(row, names: dict[tuple[int, int], str]) -> bool:
    """Whether the importer reads this constraint's `pg_get_constraintdef`.

    An exclusion is kept as its definition. A primary key's or unique constraint's definition is
    only searched for `INCLUDE (…)`; it can hold that text only when the index has included
    columns, or storage options or a tablespace are printed, or a key column's name holds it.
    Other kinds are never printed.
    """
    if row.contype == "x":
        return True
    if row.contype not in ("p", "u"):
        return False
    if row.indnatts is None or row.indnatts > row.indnkeyatts or row.index_has_options or row.index_tablespace:
        return True
    return any("INCLUDE (" in names.get((row.conrelid, attnum), "") for attnum in row.conkey or ())


def _index_definition_needed(row, relation, names, collations, opclasses) -> bool:
    """Whether the importer reads this index's `pg_get_indexdef`.

    It keeps the definition when the design's fields cannot say the index (a method outside
    STRUCTURED_METHODS, a non-default operator class, an expression before a column) and otherwise
    only looks for " COLLATE " and " TABLESPACE " in it. pg_get_indexdef prints those words only in
    an expression or predicate, for a collation other than the column's, or inside a name it prints
    (index, table, schema, column, operator class and its options, storage options); any of those asks for the
    definition, so an index without them reads exactly as if it had been printed.
    """
    if row.has_expressions or row.predicate is not None or row.method not in STRUCTURED_METHODS or row.has_opclass_options:
        return True
    keys = row.indnkeyatts
    for opclass in row.classes[:keys]:
        known = opclasses.get(opclass)
        if known is None or not known.opcdefault or _mentions(known.opcname, known.nspname):
            return True
    for attnum, collation in zip(row.attnums[:keys], row.collations[:keys]):
        if collation and collation != collations.get((row.indrelid, attnum)):
            return True
    columns = [names.get((row.indrelid, attnum), "") for attnum in row.attnums]
    return _mentions(row.name, relation.relname, relation.nspname, row.reloptions, *columns)


def _column(row) -> dict:
    column = {"name": row.attname, "nullable": bool(row.nullable), "default": row.default_expression, "comment": row.comment}
    if row.attidentity:
        column["identity"] = {"always": row.attidentity == "a"}
        column["default"] = None
    if row.attgenerated:
        column["computed"] = {"sqltext": row.default_expression, "persisted": row.attgenerated == "s"}
    return column


def _foreign_key(row, names: dict[tuple[int, int], str]) -> dict:
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
        "constrained_columns": _names(names, row.conrelid, row.conkey),
        "referred_schema": row.referred_schema,
        "referred_table": row.referred_table,
        "referred_columns": (
            list(row.foreign_referred_columns) if row.foreign_referred_columns is not None
            else _names(names, row.confrelid, row.confkey)
        ),
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
