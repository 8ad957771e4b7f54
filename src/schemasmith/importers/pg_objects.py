"""Read the objects beside tables from PostgreSQL's catalogs into the design document's sections.

Schemas, extensions, collations, domains, composite and range types, sequences, functions,
views and materialized views, grants and default privileges: each is one set-based query over
all imported schemas, and each keeps what PostgreSQL prints (`pg_get_functiondef`,
`pg_get_viewdef`, `format_type`) so that building the design reproduces the catalog exactly.
Objects that belong to an extension are left to the extension.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from ..db.fingerprint import not_from_extension
from ..model.document import CheckConstraint, Default, Index, Trigger
from ..model.objects import (
    Collation,
    CompositeType,
    DefaultPrivilege,
    Domain,
    Extension,
    Function,
    Grant,
    Schema,
    Sequence,
    View,
)

#: The importer's query function (SQL, named parameters → rows) and its design-name function.
Query = Callable[..., list]
Key = Callable[[str, str], str]


#: pg_trigger.tgenabled, as the design spells it.
TRIGGER_STATES = {"O": "origin", "A": "always", "R": "replica", "D": "disabled"}


class ObjectReader:
    """Reads every non-table object class of `schemas`; `key` names an object as the design does."""

    def __init__(self, query: Query, schemas: list[str], key: Key, exact_type: Callable[[int, int], str], warn: Callable[[str], None]):
        self.query = query
        self.schemas = schemas
        self.key = key
        self.exact_type = exact_type  # (type oid, typmod) -> the design's type text
        self.warn = warn

    def sections(self, skip_functions: Callable[[str], bool], present: set[str] | None = None) -> dict[str, Any]:
        """The design sections, keyed as `Design` names them; empty sections left out.

        `present`: the classes pg_census found any of; the others are not read (they would be empty).
        """
        wanted = (lambda name: True) if present is None else present.__contains__
        grants, owners = self.grants()
        readers = {
            "schemas": self.namespaces,
            "extensions": self.extensions,
            "collations": self.collations,
            "domains": self.domains,
            "types": self.types,
            "sequences": self.sequences,
            "functions": lambda: self.functions(skip_functions),
            "views": self.views,
            "grants": lambda: grants,
            "default_privileges": lambda: self.default_privileges(owners),
        }
        sections = {name: reader() for name, reader in readers.items() if name == "grants" or wanted(name)}
        return {name: value for name, value in sections.items() if value}

    # -- namespaces and extensions ------------------------------------------------------------

    def namespaces(self) -> dict[str, Schema]:
        rows = self.query(
            "SELECT n.nspname, obj_description(n.oid, 'pg_namespace') AS comment FROM pg_namespace n"
            " WHERE n.nspname = ANY(:schemas) AND n.nspname <> 'public' ORDER BY n.oid",
            schemas=self.schemas,
        )
        return {row.nspname: Schema(comment=row.comment) for row in rows}

    def extensions(self) -> dict[str, Extension]:
        rows = self.query(
            "SELECT e.extname, n.nspname, e.extversion, a.default_version FROM pg_extension e"
            " JOIN pg_namespace n ON n.oid = e.extnamespace LEFT JOIN pg_available_extensions a ON a.name = e.extname"
            " WHERE e.extname <> 'plpgsql' ORDER BY e.oid"
        )
        # The version only when it is not the one CREATE EXTENSION installs: a pinned version is the
        # schema's, the default is the server's (and a design written on one server builds on another).
        return {
            row.extname: Extension(
                in_schema=None if row.nspname == "public" else row.nspname,
                version=None if row.extversion == row.default_version else row.extversion,
            )
            for row in rows
        }

    def collations(self) -> dict[str, Collation]:
        rows = self.query(
            f"""
            SELECT n.nspname, c.collname, c.collprovider, c.collisdeterministic, c.collcollate, c.collctype,
                   to_jsonb(c) ->> 'colllocale' AS locale, to_jsonb(c) ->> 'colliculocale' AS icu_locale,
                   obj_description(c.oid, 'pg_collation') AS comment
            FROM pg_collation c JOIN pg_namespace n ON n.oid = c.collnamespace
            WHERE n.nspname = ANY(:schemas) AND {not_from_extension('pg_collation', 'c.oid')} ORDER BY c.oid
            """,
            schemas=self.schemas,
        )
        providers = {"c": "libc", "i": "icu", "b": "builtin"}
        collations = {}
        for row in rows:
            provider = providers.get(row.collprovider, "libc")
            locale = row.locale or row.icu_locale
            same = row.collcollate == row.collctype
            collations[self.key(row.nspname, row.collname)] = Collation(
                provider=provider,
                locale=locale if provider != "libc" else (row.collcollate if same else None),
                lc_collate=None if provider != "libc" or same else row.collcollate,
                lc_ctype=None if provider != "libc" or same else row.collctype,
                deterministic=bool(row.collisdeterministic),
                comment=row.comment,
            )
        return collations

    # -- types ----------------------------------------------------------------------------------

    def domains(self) -> dict[str, Domain]:
        rows = self.query(
            f"""
            SELECT t.oid, n.nspname, t.typname, t.typbasetype, t.typtypmod, t.typnotnull, t.typdefault,
                   CASE WHEN t.typcollation <> b.typcollation THEN (SELECT collname FROM pg_collation WHERE oid = t.typcollation) END
                       AS collation,
                   ARRAY(SELECT k.conname FROM pg_constraint k WHERE k.contypid = t.oid AND k.contype = 'c' ORDER BY k.conname)
                       AS check_names,
                   ARRAY(SELECT pg_get_constraintdef(k.oid) FROM pg_constraint k WHERE k.contypid = t.oid AND k.contype = 'c'
                         ORDER BY k.conname) AS check_definitions,
                   obj_description(t.oid, 'pg_type') AS comment
            FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_type b ON b.oid = t.typbasetype
            WHERE n.nspname = ANY(:schemas) AND t.typtype = 'd' AND {not_from_extension('pg_type', 't.oid')}
            ORDER BY t.oid
            """,
            schemas=self.schemas,
        )
        domains = {}
        for row in rows:
            checks = [
                CheckConstraint(name=name, expression=_check_body(definition), not_valid=definition.endswith(" NOT VALID"))
                for name, definition in zip(row.check_names, row.check_definitions)
            ]
            domains[self.key(row.nspname, row.typname)] = Domain(
                type=self.exact_type(row.typbasetype, row.typtypmod),
                nullable=not row.typnotnull,
                default=Default(value=row.typdefault, is_expression=True) if row.typdefault is not None else None,
                collation=row.collation,
                checks=checks,
                comment=row.comment,
            )
        return domains

    def types(self) -> dict[str, CompositeType]:
        rows = self.query(
            f"""
            SELECT t.oid, n.nspname, t.typname, t.typtype, obj_description(t.oid, 'pg_type') AS comment,
                   ARRAY(SELECT a.attname FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0
                         AND NOT a.attisdropped ORDER BY a.attnum) AS attribute_names,
                   ARRAY(SELECT a.atttypid::bigint FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0
                         AND NOT a.attisdropped ORDER BY a.attnum) AS attribute_types,
                   ARRAY(SELECT a.atttypmod FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0
                         AND NOT a.attisdropped ORDER BY a.attnum) AS attribute_typmods,
                   r.rngsubtype, format_type(r.rngsubtype, NULL) AS subtype,
                   (SELECT quote_ident(o.opcname) FROM pg_opclass o WHERE o.oid = r.rngsubopc AND NOT o.opcdefault) AS opclass,
                   (SELECT p.oid::regproc::text FROM pg_proc p WHERE p.oid = r.rngsubdiff) AS subtype_diff,
                   (SELECT c.collname FROM pg_collation c WHERE c.oid = r.rngcollation AND r.rngcollation <> 100) AS collation
            FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
            LEFT JOIN pg_class c ON c.oid = t.typrelid
            LEFT JOIN pg_range r ON r.rngtypid = t.oid
            WHERE n.nspname = ANY(:schemas) AND {not_from_extension('pg_type', 't.oid')}
              AND ((t.typtype = 'c' AND c.relkind = 'c') OR t.typtype IN ('r', 'b'))
              AND t.typname NOT LIKE '\\_%'
            ORDER BY t.oid
            """,
            schemas=self.schemas,
        )
        types = {}
        for row in rows:
            name = self.key(row.nspname, row.typname)
            if row.typtype == "c":
                attributes = {
                    attribute: self.exact_type(type_oid, typmod)
                    for attribute, type_oid, typmod in zip(row.attribute_names, row.attribute_types, row.attribute_typmods)
                }
                types[name] = CompositeType(attributes=attributes, comment=row.comment)
            elif row.typtype == "r":
                options = [f"subtype = {row.subtype}"]
                if row.opclass:
                    options.append(f"subtype_opclass = {row.opclass}")
                if row.collation:
                    options.append(f"collation = {row.collation}")
                if row.subtype_diff:
                    options.append(f"subtype_diff = {row.subtype_diff}")
                types[name] = CompositeType(definition=f"AS RANGE ({', '.join(options)})", comment=row.comment)
            else:
                self.warn(f"type {name}: a base type written in C is not part of a design; not imported")
        return types

    # -- sequences and functions ---------------------------------------------------------------

    def sequences(self) -> dict[str, Sequence]:
        rows = self.query(
            f"""
            SELECT n.nspname, c.relname, format_type(s.seqtypid, NULL) AS type, s.seqstart, s.seqincrement,
                   s.seqmin, s.seqmax, s.seqcache, s.seqcycle, obj_description(c.oid, 'pg_class') AS comment,
                   (SELECT rn.nspname || chr(1) || r.relname || chr(1) || a.attname FROM pg_depend d
                      JOIN pg_class r ON r.oid = d.refobjid JOIN pg_namespace rn ON rn.oid = r.relnamespace
                      JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                     WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'a' LIMIT 1) AS owner
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_sequence s ON s.seqrelid = c.oid
            WHERE n.nspname = ANY(:schemas) AND c.relkind = 'S' AND {not_from_extension('pg_class', 'c.oid')}
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                              AND d.deptype = 'i')
            ORDER BY c.oid
            """,
            schemas=self.schemas,
        )
        sequences = {}
        for row in rows:
            owned_by = None
            if row.owner:
                schema, table, column = row.owner.split(chr(1))
                owned_by = f"{self.key(schema, table)}.{column}"
            sequences[self.key(row.nspname, row.relname)] = Sequence(**_sequence_options(row), owned_by=owned_by, comment=row.comment)
        return sequences

    def functions(self, skip: Callable[[str], bool]) -> dict[str, Function]:
        rows = self.query(
            f"""
            SELECT n.nspname, p.proname, p.prokind, oidvectortypes(p.proargtypes) AS argument_types,
                   CASE WHEN p.prokind <> 'a' THEN pg_get_functiondef(p.oid) ELSE (
                       SELECT 'CREATE AGGREGATE ' || p.oid::regprocedure::text || ' (' || concat_ws(', ',
                           'SFUNC = ' || a.aggtransfn::regproc::text, 'STYPE = ' || format_type(a.aggtranstype, NULL),
                           CASE WHEN a.aggfinalfn <> 0 THEN 'FINALFUNC = ' || a.aggfinalfn::regproc::text END,
                           CASE WHEN a.aggcombinefn <> 0 THEN 'COMBINEFUNC = ' || a.aggcombinefn::regproc::text END,
                           CASE WHEN a.agginitval IS NOT NULL THEN 'INITCOND = ' || quote_literal(a.agginitval) END,
                           CASE WHEN a.aggsortop <> 0 THEN 'SORTOP = ' || a.aggsortop::regoperator::text END,
                           CASE p.proparallel WHEN 's' THEN 'PARALLEL = SAFE' WHEN 'r' THEN 'PARALLEL = RESTRICTED' END
                       ) || ');'
                       FROM pg_aggregate a WHERE a.aggfnoid = p.oid AND a.aggkind = 'n')
                   END AS definition,
                   obj_description(p.oid, 'pg_proc') AS comment
            FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = ANY(:schemas) AND {not_from_extension('pg_proc', 'p.oid')}
            ORDER BY p.oid
            """,
            schemas=self.schemas,
        )
        functions = {}
        aggregates = []
        for row in rows:
            if skip(row.proname):
                continue
            signature = f"{self.key(row.nspname, row.proname)}({row.argument_types})"
            if row.definition is None:  # an ordered-set or hypothetical-set aggregate
                aggregates.append(signature)
                continue
            functions[signature] = Function(definition=row.definition.rstrip() + "\n", comment=row.comment)
        if aggregates:
            self.warn("ordered-set aggregates are not part of a design yet; not imported: " + ", ".join(aggregates))
        return functions

    # -- views ----------------------------------------------------------------------------------

    def views(self) -> dict[str, View]:
        rows = self.query(
            f"""
            SELECT c.oid, n.nspname, c.relname, c.relkind, pg_get_viewdef(c.oid) AS query, c.reloptions,
                   c.relispopulated, obj_description(c.oid, 'pg_class') AS comment,
                   ARRAY(SELECT a.attname || chr(1) || d.description FROM pg_attribute a
                         JOIN pg_description d ON d.objoid = c.oid AND d.objsubid = a.attnum AND d.classoid = 'pg_class'::regclass
                         WHERE a.attrelid = c.oid AND a.attnum > 0 ORDER BY a.attnum) AS column_comments
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = ANY(:schemas) AND c.relkind IN ('v', 'm') AND {not_from_extension('pg_class', 'c.oid')}
            ORDER BY c.oid
            """,
            schemas=self.schemas,
        )
        indexes = self._view_indexes([row.oid for row in rows if row.relkind == "m"])
        triggers = self._view_triggers([row.oid for row in rows])
        views = {}
        for row in rows:
            options = dict(item.split("=", 1) for item in row.reloptions or [])
            views[self.key(row.nspname, row.relname)] = View(
                query=row.query.strip().rstrip(";"),
                materialized=row.relkind == "m",
                security_invoker=options.get("security_invoker", "false").lower() in ("true", "on", "1"),
                security_barrier=options.get("security_barrier", "false").lower() in ("true", "on", "1"),
                check_option=options.get("check_option"),
                with_data=bool(row.relispopulated) if row.relkind == "m" else True,
                indexes=indexes.get(row.oid, []),
                triggers=triggers.get(row.oid, []),
                column_comments=dict(item.split(chr(1), 1) for item in row.column_comments),
                comment=row.comment,
            )
        return views

    def _view_triggers(self, oids: list[int]) -> dict[int, list[Trigger]]:
        result: dict[int, list[Trigger]] = defaultdict(list)
        if not oids:
            return result
        for row in self.query(
            "SELECT t.tgrelid, t.tgname, pg_get_triggerdef(t.oid) AS definition, t.tgenabled FROM pg_trigger t"
            " WHERE t.tgrelid = ANY(:oids) AND NOT t.tgisinternal ORDER BY t.oid",
            oids=oids,
        ):
            result[row.tgrelid].append(Trigger(name=row.tgname, definition=row.definition, enabled=TRIGGER_STATES[row.tgenabled]))
        return result

    def _view_indexes(self, oids: list[int]) -> dict[int, list[Index]]:
        result: dict[int, list[Index]] = defaultdict(list)
        if not oids:
            return result
        for row in self.query(
            "SELECT x.indrelid, c.relname, x.indisunique, pg_get_indexdef(x.indexrelid) AS definition,"
            " ARRAY(SELECT pg_get_indexdef(x.indexrelid, k, true) FROM generate_series(1, x.indnkeyatts) AS k) AS keys"
            " FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid WHERE x.indrelid = ANY(:oids) ORDER BY x.indexrelid",
            oids=oids,
        ):
            result[row.indrelid].append(
                Index(name=row.relname, expressions=list(row.keys), unique=bool(row.indisunique), definition=row.definition)
            )
        return result

    # -- privileges -----------------------------------------------------------------------------

    def grants(self) -> tuple[list[Grant], set[str]]:
        """Every privilege granted to someone other than the object's owner, and the owners seen."""
        rows = self.query(
            f"""
            WITH objects AS (
                SELECT CASE c.relkind WHEN 'S' THEN 'sequence' ELSE 'table' END AS kind, n.nspname AS schema,
                       c.relname AS name, NULL::text AS columns, c.relacl AS acl, c.relowner AS owner, c.oid::bigint AS sort
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = ANY(:schemas) AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND c.relacl IS NOT NULL
                  AND {not_from_extension('pg_class', 'c.oid')}
                UNION ALL
                SELECT 'column', n.nspname, c.relname, a.attname, a.attacl, c.relowner, c.oid::bigint * 10000 + a.attnum
                FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = ANY(:schemas) AND a.attacl IS NOT NULL AND a.attnum > 0 AND NOT a.attisdropped
                UNION ALL
                SELECT 'schema', n.nspname, n.nspname, NULL, n.nspacl, n.nspowner, n.oid::bigint
                FROM pg_namespace n WHERE n.nspname = ANY(:schemas) AND n.nspacl IS NOT NULL
                UNION ALL
                SELECT CASE p.prokind WHEN 'p' THEN 'procedure' ELSE 'function' END, n.nspname,
                       p.proname || '(' || oidvectortypes(p.proargtypes) || ')', NULL, p.proacl, p.proowner, p.oid::bigint
                FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                WHERE n.nspname = ANY(:schemas) AND p.proacl IS NOT NULL AND {not_from_extension('pg_proc', 'p.oid')}
                UNION ALL
                SELECT 'type', n.nspname, t.typname, NULL, t.typacl, t.typowner, t.oid::bigint
                FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                WHERE n.nspname = ANY(:schemas) AND t.typacl IS NOT NULL AND {not_from_extension('pg_type', 't.oid')}
            )
            SELECT o.kind, o.schema, o.name, o.columns, pg_get_userbyid(o.owner) AS owner,
                   CASE WHEN x.grantee = 0 THEN 'public' ELSE pg_get_userbyid(x.grantee) END AS grantee,
                   x.grantee = o.owner AS to_owner, lower(x.privilege_type) AS privilege, x.is_grantable
            FROM objects o, LATERAL aclexplode(o.acl) AS x
            ORDER BY o.sort, grantee, x.is_grantable, privilege
            """,
            schemas=self.schemas,
        )
        grouped: dict[tuple[str, str, bool], list[str]] = defaultdict(list)
        owners = set()
        for row in rows:
            owners.add(row.owner)
            if row.to_owner or (row.kind == "schema" and row.name == "public" and row.grantee == "public"):
                continue  # the owner's own rights, and what every database gives PUBLIC on schema public
            if row.kind == "column":
                target, privilege = f"table {self.key(row.schema, row.name)}", f"{row.privilege} ({row.columns})"
            elif row.kind == "schema":
                target, privilege = f"schema {row.name}", row.privilege
            else:
                target, privilege = f"{row.kind} {self.key(row.schema, row.name)}", row.privilege
            grouped[(target, row.grantee, bool(row.is_grantable))].append(privilege)
        grants = [
            Grant(object=target, privileges=privileges, to=grantee, grant_option=grantable)
            for (target, grantee, grantable), privileges in grouped.items()
        ]
        return grants, owners

    def default_privileges(self, owners: set[str]) -> list[DefaultPrivilege]:
        rows = self.query(
            """
            SELECT pg_get_userbyid(d.defaclrole) AS role, n.nspname, d.defaclobjtype,
                   CASE WHEN x.grantee = 0 THEN 'public' ELSE pg_get_userbyid(x.grantee) END AS grantee,
                   x.grantee = d.defaclrole AS to_owner, lower(x.privilege_type) AS privilege, x.is_grantable
            FROM pg_default_acl d LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace, LATERAL aclexplode(d.defaclacl) AS x
            ORDER BY d.oid, grantee, privilege
            """
        )
        kinds = {"r": "tables", "S": "sequences", "f": "functions", "T": "types", "n": "schemas"}
        grouped: dict[tuple, list[str]] = defaultdict(list)
        for row in rows:
            if row.to_owner:
                continue
            grouped[(row.role, row.nspname, kinds[row.defaclobjtype], row.grantee, bool(row.is_grantable))].append(row.privilege)
        return [
            DefaultPrivilege(objects=kind, privileges=privileges, to=grantee, for_role=role, in_schema=schema, grant_option=grantable)
            for (role, schema, kind, grantee, grantable), privileges in grouped.items()
        ]


def _check_body(definition: str) -> str:
    """`CHECK ((VALUE > 0)) NOT VALID` → `(VALUE > 0)`: what goes inside CHECK (…)."""
    text = definition.removesuffix(" NOT VALID").strip()
    if text.upper().startswith("CHECK (") and text.endswith(")"):
        text = text[len("CHECK ("):-1]
    return text


def _sequence_options(row) -> dict[str, Any]:
    """The options that differ from what `CREATE SEQUENCE` of that type would choose."""
    ascending = row.seqincrement > 0
    limits = {"smallint": 32767, "integer": 2147483647, "bigint": 9223372036854775807}
    top = limits.get(row.type, limits["bigint"])
    minimum_default = 1 if ascending else -top - 1
    maximum_default = top if ascending else -1
    options: dict[str, Any] = {"type": row.type if row.type in limits else "bigint"}
    if row.seqincrement != 1:
        options["increment"] = row.seqincrement
    if row.seqmin != minimum_default:
        options["minimum"] = row.seqmin
    if row.seqmax != maximum_default:
        options["maximum"] = row.seqmax
    if row.seqstart != (row.seqmin if ascending else row.seqmax):
        options["start"] = row.seqstart
    if row.seqcache != 1:
        options["cache"] = row.seqcache
    if row.seqcycle:
        options["cycle"] = True
    return options
