"""A PostgreSQL database's schema as comparable facts, one set per object class.

What the round trip, the migration replay and the fidelity benchmark compare: two databases hold
the same schema when every class here holds the same facts. Facts are what PostgreSQL itself
prints (`format_type`, `pg_get_*def`, ACLs), over every schema that is not PostgreSQL's own, and
leave out what belongs to an extension. Owners and OIDs are left out: they differ between
servers and are not part of a design.
"""

from __future__ import annotations

from collections.abc import Iterable

_USER_SCHEMAS = "n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND n.nspname NOT LIKE 'pg_temp%' AND n.nspname NOT LIKE 'pg_toast_temp%'"


def _acl(column: str, kind: str, owner: str) -> str:
    """An ACL as text, empty when it grants exactly what the owner has by default (REVOKE then GRANT
    back leaves the default spelled out; it means the same as no ACL)."""
    return f"CASE WHEN {column} IS NULL OR {column}::text = acldefault({kind}, {owner})::text THEN '' ELSE {column}::text END"


def not_from_extension(catalog: str, column: str) -> str:
    """SQL: the object `column` of `catalog` does not belong to an extension (the extension holds it)."""
    return (
        f"NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '{catalog}'::regclass"
        f" AND d.objid = {column} AND d.deptype = 'e')"
    )


#: One query per object class; each row is one fact (a tuple of text).
QUERIES: dict[str, str] = {
    "schemas": f"""
        SELECT n.nspname, obj_description(n.oid, 'pg_namespace'), {_acl('n.nspacl', "'n'", 'n.nspowner')}
        FROM pg_namespace n WHERE {_USER_SCHEMAS} AND {not_from_extension('pg_namespace', 'n.oid')}
          AND (n.nspname <> 'public')""",
    "extensions": """
        SELECT e.extname, n.nspname, e.extversion FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
        WHERE e.extname <> 'plpgsql'""",
    "collations": f"""
        SELECT n.nspname, c.collname, c.collprovider::text, c.collisdeterministic::text,
               coalesce(c.collcollate, ''), coalesce(c.collctype, '')
        FROM pg_collation c JOIN pg_namespace n ON n.oid = c.collnamespace
        WHERE {_USER_SCHEMAS} AND {not_from_extension('pg_collation', 'c.oid')}""",
    "types": f"""
        SELECT n.nspname, t.typname, t.typtype::text, format_type(t.typbasetype, t.typtypmod), t.typnotnull::text,
               coalesce(t.typdefault, ''),
               (SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid),
               (SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum)
                  FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped),
               (SELECT string_agg(pg_get_constraintdef(k.oid), ' AND ' ORDER BY k.conname)
                  FROM pg_constraint k WHERE k.contypid = t.oid),
               obj_description(t.oid, 'pg_type'), {_acl('t.typacl', "'T'", 't.typowner')}
        FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
        LEFT JOIN pg_class r ON r.oid = t.typrelid
        WHERE {_USER_SCHEMAS} AND {not_from_extension('pg_type', 't.oid')}
          AND t.typtype IN ('e', 'd', 'c', 'r', 'b', 'm') AND (t.typtype <> 'c' OR r.relkind = 'c')
          AND t.typname NOT LIKE '\\_%'""",
    "sequences": f"""
        SELECT s.schemaname, s.sequencename, format_type(q.seqtypid, NULL), s.start_value::text, s.increment_by::text,
               s.min_value::text, s.max_value::text, s.cache_size::text, s.cycle::text,
               coalesce((SELECT r.relname || '.' || a.attname FROM pg_depend d
                         JOIN pg_class r ON r.oid = d.refobjid
                         JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                         WHERE d.objid = c.oid AND d.classid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
                         LIMIT 1), ''),
               obj_description(c.oid, 'pg_class'), {_acl('c.relacl', "'s'", 'c.relowner')}
        FROM pg_sequences s
        JOIN pg_namespace n ON n.nspname = s.schemaname
        JOIN pg_class c ON c.relname = s.sequencename AND c.relnamespace = n.oid
        JOIN pg_sequence q ON q.seqrelid = c.oid
        WHERE {_USER_SCHEMAS} AND {not_from_extension('pg_class', 'c.oid')}""",
    "tables": f"""
        SELECT n.nspname, c.relname, c.relkind::text, c.relpersistence::text,
               coalesce(pg_get_partkeydef(c.oid), ''), coalesce(pg_get_expr(c.relpartbound, c.oid), ''),
               coalesce((SELECT string_agg(p.relname, ',' ORDER BY i.inhseqno) FROM pg_inherits i
                         JOIN pg_class p ON p.oid = i.inhparent WHERE i.inhrelid = c.oid), ''),
               coalesce(array_to_string(c.reloptions, ','), ''), c.relrowsecurity::text, c.relforcerowsecurity::text,
               obj_description(c.oid, 'pg_class'), {_acl('c.relacl', "'r'", 'c.relowner')}
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE {_USER_SCHEMAS} AND c.relkind IN ('r', 'p', 'f') AND {not_from_extension('pg_class', 'c.oid')}""",
    "columns": f"""
        SELECT n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull::text,
               coalesce(pg_get_expr(ad.adbin, ad.adrelid), ''), a.attidentity::text, a.attgenerated::text,
               coalesce((SELECT co.collname FROM pg_collation co WHERE co.oid = a.attcollation
                         AND a.attcollation <> (SELECT t.typcollation FROM pg_type t WHERE t.oid = a.atttypid)), ''),
               col_description(c.oid, a.attnum), coalesce(a.attacl::text, ''),
               (SELECT count(*) FROM pg_attribute b WHERE b.attrelid = c.oid AND b.attnum > 0 AND NOT b.attisdropped
                  AND b.attnum < a.attnum)::text
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
        WHERE {_USER_SCHEMAS} AND c.relkind IN ('r', 'p', 'f', 'v', 'm', 'c') AND a.attnum > 0 AND NOT a.attisdropped
          AND {not_from_extension('pg_class', 'c.oid')}""",
    "constraints": f"""
        SELECT n.nspname, c.relname, k.conname, pg_get_constraintdef(k.oid),
               k.condeferrable::text, k.condeferred::text, obj_description(k.oid, 'pg_constraint')
        FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE {_USER_SCHEMAS} AND k.contype <> 'n' AND {not_from_extension('pg_class', 'c.oid')}""",
    "indexes": f"""
        SELECT n.nspname, c.relname, pg_get_indexdef(i.indexrelid), obj_description(i.indexrelid, 'pg_class')
        FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE {_USER_SCHEMAS} AND {not_from_extension('pg_class', 'c.oid')}""",
    "views": f"""
        SELECT n.nspname, c.relname, c.relkind::text, pg_get_viewdef(c.oid),
               coalesce(array_to_string(c.reloptions, ','), ''),
               CASE WHEN c.relkind = 'm' THEN c.relispopulated::text ELSE '' END,
               obj_description(c.oid, 'pg_class'), {_acl('c.relacl', "'r'", 'c.relowner')}
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE {_USER_SCHEMAS} AND c.relkind IN ('v', 'm') AND {not_from_extension('pg_class', 'c.oid')}""",
    "functions": f"""
        SELECT n.nspname, p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')',
               CASE WHEN p.prokind IN ('f', 'p', 'w') THEN pg_get_functiondef(p.oid) ELSE p.prokind::text END,
               obj_description(p.oid, 'pg_proc'), {_acl('p.proacl', "'f'", 'p.proowner')}
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE {_USER_SCHEMAS} AND {not_from_extension('pg_proc', 'p.oid')}""",
    "triggers": f"""
        SELECT n.nspname, c.relname, t.tgname, pg_get_triggerdef(t.oid), t.tgenabled::text,
               obj_description(t.oid, 'pg_trigger')
        FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE {_USER_SCHEMAS} AND NOT t.tgisinternal""",
    "policies": """
        SELECT schemaname, tablename, policyname, permissive, array_to_string(roles, ','), cmd,
               coalesce(qual, ''), coalesce(with_check, '')
        FROM pg_policies""",
    "default_privileges": """
        SELECT pg_get_userbyid(d.defaclrole), coalesce(n.nspname, ''), d.defaclobjtype::text, d.defaclacl::text
        FROM pg_default_acl d LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace""",
    "rules": f"""
        SELECT r.schemaname, r.tablename, r.rulename, r.definition FROM pg_rules r
        JOIN pg_namespace n ON n.nspname = r.schemaname WHERE {_USER_SCHEMAS}""",
}


def fingerprint(url: str, *, column_order: bool = True) -> dict[str, set[tuple]]:
    """Every object class's facts in the database at `url`.

    `column_order=False` leaves out where each column stands: a migration appends the columns it
    adds (so does every diff tool), and moving a column would mean rebuilding its table.
    """
    import psycopg

    from .urls import libpq_url

    facts: dict[str, set[tuple]] = {}
    with psycopg.connect(libpq_url(url), autocommit=True) as connection:
        for name, sql in QUERIES.items():
            rows = connection.execute(sql).fetchall()
            if name == "columns" and not column_order:
                rows = [row[:-1] for row in rows]
            facts[name] = {tuple("" if value is None else str(value) for value in row) for row in rows}
    return facts


def differences(expected: dict[str, set[tuple]], actual: dict[str, set[tuple]]) -> list[str]:
    """Readable lines for every fact one side has and the other lacks ('-' expected only, '+' actual only)."""
    lines = []
    for name in expected.keys() | actual.keys():
        missing = expected.get(name, set()) - actual.get(name, set())
        extra = actual.get(name, set()) - expected.get(name, set())
        lines.extend(f"{name} - {_short(fact)}" for fact in sorted(missing))
        lines.extend(f"{name} + {_short(fact)}" for fact in sorted(extra))
    return sorted(lines)


def reproduced(expected: dict[str, set[tuple]], actual: dict[str, set[tuple]]) -> dict[str, tuple[int, int]]:
    """Per object class: (facts of `expected` found in `actual`, facts in `expected`)."""
    return {name: (len(facts & actual.get(name, set())), len(facts)) for name, facts in sorted(expected.items())}


def _short(fact: Iterable[str]) -> str:
    return " | ".join(" ".join(part.split())[:200] for part in fact)
