"""Read a design document back from PostgreSQL: a live database, or DDL applied to a scratch one.

The tables, columns, keys, constraints, indexes and comments come from SQLAlchemy's Inspector
(its bulk `get_multi_*` calls: one query per kind for the whole schema); the catalog is asked
directly for what the Inspector does not say — creation order, exact types, triggers, policies,
row-level security, enum types, and the objects a design cannot hold (views, functions,
partitions), which are reported as warnings instead of being dropped silently.

Expressions are cleaned with pglast so they read like a person wrote them, and names are left
out of the design when they equal the conventional ones, so a schema that schemasmith generated
imports back to the design it came from.
"""

from __future__ import annotations

import contextlib
import re
from collections import defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..db.apply import apply_script
from ..db.embedded import scratch_database
from ..db.extensions import ProofScript
from ..db.urls import libpq_url, sqlalchemy_url
from ..dialects.postgres import (
    ENUM_CHECK_COMMENT,
    MAX_DEPTH_FUNCTION_PREFIX,
    UPDATED_AT_FUNCTION,
    UUIDV7_VERSION,
    clean_expression,
    clean_node,
    infer_conventions,
    minimal_names_of_indexes,
    number_from_text,
    parse_statement,
)
from ..errors import SourceError
from ..model import naming
from ..model.document import (
    CheckConstraint,
    Column,
    Default,
    Design,
    Exclusion,
    ForeignKey,
    Index,
    Policy,
    Reference,
    Table,
    Trigger,
    UniqueConstraint,
)
from ..model.building import build
from ..model.implied import UUID_DEFAULT
from ..model.objects import Extension
from ..model.types import INTEGER_KINDS, PortableType, UnknownTypeError, parse_type
from ..text.redaction import redact_url
from ..text.statements import line_of
from ..text.statements import split_psql_script as scan_script
from .base import TOOL_TABLES, ImportResult
from .pg_catalog import reflect
from .pg_census import present as census
from .pg_objects import TRIGGER_STATES, ObjectReader

_ACTIONS = {"CASCADE": "cascade", "SET NULL": "set null", "SET DEFAULT": "set default", "RESTRICT": "restrict"}
_POLICY_COMMANDS = {"*": "all", "r": "select", "a": "insert", "w": "update", "d": "delete"}
_METHODS = {"btree", "hash", "gin", "gist", "brin", "spgist"}


# --- expressions -----------------------------------------------------------------------------


def _enum_check(text: str, column: str) -> list[str] | None:
    """The values of a CHECK that reads `column IN ('a', 'b', …)`, or None."""
    from pglast import ast
    from pglast.enums import A_Expr_Kind

    node = parse_statement(text)
    if node is None:
        return None
    node = clean_node(node, {column}, set())
    if not isinstance(node, ast.A_Expr) or not isinstance(node.lexpr, ast.ColumnRef):
        return None
    fields = node.lexpr.fields
    if len(fields) != 1 or getattr(fields[0], "sval", None) != column or not node.name or node.name[-1].sval != "=":
        return None
    if node.kind == A_Expr_Kind.AEXPR_IN:
        items = node.rexpr
    elif node.kind == A_Expr_Kind.AEXPR_OP:
        items = (node.rexpr,)
    else:
        return None
    values = []
    for item in items:
        if not isinstance(item, ast.A_Const) or not isinstance(item.val, ast.String):
            return None
        values.append(item.val.sval)
    return values if values and len(set(values)) == len(values) else None


# --- defaults --------------------------------------------------------------------------------


def _default_from_catalog(text: str, portable: PortableType, textual: set[str], enums: set[str]):
    """(Default or None, is a sequence default) from the catalog's default expression."""
    from pglast import ast

    node = parse_statement(text)
    if node is None:
        return Default(value=text.strip(), is_expression=True), False
    if isinstance(node, ast.FuncCall) and node.funcname[-1].sval == "nextval":
        return None, True
    constant = node
    if isinstance(node, ast.TypeCast) and isinstance(node.arg, ast.A_Const):
        constant = node.arg
    if isinstance(constant, ast.A_Const):
        if constant.isnull:
            return None, False
        value = constant.val
        if isinstance(value, ast.Boolean):
            literal: Any = bool(value.boolval)
        elif isinstance(value, ast.Integer):
            literal = int(value.ival)
        elif isinstance(value, ast.Float):
            literal = number_from_text(value.fval)
        elif isinstance(value, ast.String):
            literal = value.sval
        else:  # bit strings and the like: keep the expression
            return Default(value=clean_expression(text, textual, enums), is_expression=True), False
        return Default(value=_typed_literal(portable, literal), is_expression=False), False
    return Default(value=clean_expression(text, textual, enums), is_expression=True), False


def _typed_literal(portable: PortableType, value):
    kind = portable.kind
    if kind in INTEGER_KINDS and isinstance(value, str) and re.fullmatch(r"[+-]?\d+", value.strip()):
        return int(value)
    if kind in ("numeric", "real", "double") and isinstance(value, str):
        return number_from_text(value.strip())
    if kind == "boolean" and isinstance(value, str) and value.lower() in ("true", "false", "t", "f"):
        return value.lower() in ("true", "t")
    if kind in INTEGER_KINDS + ("numeric", "real", "double", "boolean"):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# --- connecting ------------------------------------------------------------------------------




def _connection_failure(url: str, error: Exception) -> SourceError:
    reason = str(getattr(error, "orig", None) or error).strip()
    lines = [line.strip() for line in reason.splitlines() if line.strip() and not line.startswith("(Background")]
    reason = lines[0] if lines else type(error).__name__
    reason = " ".join(re.sub(r"^\(psycopg[^)]*\)\s*", "", reason).split())
    with contextlib.suppress(Exception):
        from sqlalchemy.engine import make_url

        password = make_url(sqlalchemy_url(url)).password
        if password:
            reason = reason.replace(str(password), "***")
    return SourceError(f"cannot connect to the PostgreSQL database at {redact_url(url)}: {reason}")


#: Every schema that holds the database's own objects: not PostgreSQL's, not an extension's.
_USER_SCHEMAS = """
    SELECT n.nspname FROM pg_namespace n
    WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_namespace'::regclass AND d.objid = n.oid AND d.deptype = 'e')
    ORDER BY n.oid
"""


def preload() -> None:
    """Import now what `import_database` imports on first use.

    Two imports may run at once in threads (`diff OLD_URL NEW_URL`); two threads importing a
    package for the first time can see its modules half-initialised (SQLAlchemy's, which a
    connection failure's message uses, import each other), so the caller's thread loads them first.
    """
    import pglast.ast  # noqa: F401 - loaded for the side effect
    import pglast.enums  # noqa: F401
    import pglast.stream  # noqa: F401
    import psycopg.rows  # noqa: F401
    import sqlalchemy.engine  # noqa: F401

    from ..gcpause import gc_paused  # noqa: F401
    from ..model import invariants  # noqa: F401
    from ..text import statements  # noqa: F401


def import_database(url: str, *, schema: str = "public", name: str | None = None, proof: ProofScript | None = None) -> ImportResult:
    """The design of a live PostgreSQL database: `schema`'s objects by their bare names, every other
    schema's as `schema.name`.

    `proof` is the script the database was made from when built-ins stood in for an extension's
    functions there: the catalog's expressions are mapped back to what the user wrote, and the
    extensions it skipped are recorded with the ones the database has.
    """
    from ..gcpause import gc_paused

    with gc_paused():
        return _import_database(url, schema=schema, name=name, proof=proof or ProofScript(""))


def _import_database(url: str, *, schema: str, name: str | None, proof: ProofScript) -> ImportResult:
    """Connect with psycopg itself: an SQLAlchemy engine costs a fresh dialect set-up (several
    round trips) per import, more than reading the catalogs of a small schema."""
    import psycopg

    try:
        connection = psycopg.connect(libpq_url(url), connect_timeout=10)
    except psycopg.ProgrammingError as error:  # libpq could not read the URL
        raise SourceError(f"not a valid PostgreSQL URL: {redact_url(url)} ({_first_line(error)})") from None
    except (psycopg.Error, OSError, ValueError) as error:
        raise _connection_failure(url, error) from None
    except Exception as error:  # noqa: BLE001 - e.g. a missing libpq; report plainly
        raise SourceError(f"cannot use the PostgreSQL URL {redact_url(url)}: {error}") from None
    with connection:
        try:
            connection.execute("SET TRANSACTION READ ONLY")
            found = connection.execute(
                "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = %(schema)s),"
                " set_config('search_path', quote_ident(%(schema)s), true), current_database()",
                {"schema": schema},
            ).fetchone()
            if not found[0]:
                raise SourceError(f"schema {schema!r} does not exist in the database at {redact_url(url)}")
            database_name = found[2]
            schemas = [schema] + [row[0] for row in connection.execute(_USER_SCHEMAS) if row[0] != schema]
            return _Importer(connection, schemas, name or database_name, proof, default_schema=schema).run()
        except psycopg.Error as error:
            raise SourceError(f"reading the database at {redact_url(url)} failed: {str(error).strip()}") from None


def _first_line(error: Exception) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return lines[0] if lines else type(error).__name__


# --- the importer ----------------------------------------------------------------------------


class _Importer:
    def __init__(self, connection, schemas: list[str], name: str, proof: ProofScript, default_schema: str = "public"):
        self.connection = connection
        self.schemas = schemas
        self.schema = default_schema
        self.proof = proof
        self.restore = proof.restore
        self.name = name
        self.warnings: list[str] = []

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    def query(self, sql: str, **params) -> list:
        """Rows as named tuples, straight from psycopg (SQLAlchemy's row layer costs more than the query)."""
        from psycopg.rows import namedtuple_row

        with self.connection.cursor(row_factory=namedtuple_row) as cursor:
            cursor.execute(_psycopg_parameters(sql), params)
            return cursor.fetchall()

    def key(self, schema: str, name: str) -> str:
        """The design's name of an object: bare in the default schema, `schema.name` elsewhere."""
        return name if schema == self.schema else f"{schema}.{name}"

    def run(self) -> ImportResult:
        tables = self._relations()
        oids = [row.oid for row in tables]
        self.table_key = {row.oid: self.key(row.nspname, row.relname) for row in tables}
        names = set(self.table_key.values())
        self.table_oid = {key: oid for oid, key in self.table_key.items()}
        present = census(self.query, self.schemas, oids)
        self.enums = self._enums() if "enums" in present else {}
        server_version = self.connection.info.server_version
        reflected = reflect(self.query, oids, server_version, {row.oid: row for row in tables})
        self.type_info = {(row.attrelid, row.attname): row for row in reflected.attributes}
        self.order = self._object_order(reflected.constraints, reflected.index_rows)
        self._restore_expressions(reflected.columns, reflected.indexes, reflected.checks)
        triggers = self._triggers(oids) if "triggers" in present else {}
        policies = self._policies(oids) if "policies" in present else {}
        self.check_enums: dict[str, list[str]] = {}

        designed: dict[str, Table] = {}
        for row in tables:
            key = row.oid
            designed[self.table_key[row.oid]] = self._table(
                row,
                reflected.columns.get(key, []),
                reflected.primary_keys.get(key) or {},
                reflected.foreign_keys.get(key, []),
                reflected.uniques.get(key, []),
                reflected.indexes.get(key, []),
                reflected.checks.get(key, []),
                row.comment,
                triggers.get(row.oid, []),
                policies.get(row.oid, []),
                names,
            )
        reader = ObjectReader(self.query, self.schemas, self.key, self.exact_type, self.warn)
        sections = reader.sections(lambda name: name == UPDATED_AT_FUNCTION or name.startswith(MAX_DEPTH_FUNCTION_PREFIX), present)
        for extension in self.proof.skipped:  # stood in for by built-ins on this server: still the schema's
            sections.setdefault("extensions", {}).setdefault(extension, Extension())
        return ImportResult(design=self._design(designed, sections), warnings=self.warnings)

    def _relations(self) -> list:
        """The schemas' tables, partitions included; foreign tables are warned about."""
        relations = self.query(
            """
            SELECT c.oid, n.nspname, c.relname, c.relkind, c.relispartition, c.relrowsecurity, c.relforcerowsecurity,
                   c.relpersistence, array_to_string(c.reloptions, ',') AS reloptions,
                   CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partition_key,
                   pg_get_expr(c.relpartbound, c.oid) AS partition_bound,
                   ARRAY(SELECT i.inhparent FROM pg_inherits i WHERE i.inhrelid = c.oid ORDER BY i.inhseqno) AS parents,
                   ds.description AS comment
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_description ds ON ds.objoid = c.oid AND ds.classoid = 'pg_class'::regclass AND ds.objsubid = 0
            WHERE n.nspname = ANY(:schemas) AND c.relkind IN ('r', 'p', 'f')
              AND NOT EXISTS (SELECT 1 FROM pg_depend d
                              WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
            ORDER BY c.oid
            """,
            schemas=self.schemas,
        )
        tables = [row for row in relations if row.relkind in ("r", "p") and row.relname not in TOOL_TABLES]
        foreign = [row.relname for row in relations if row.relkind == "f"]
        if foreign:
            self.warn(f"foreign tables were not imported: {', '.join(foreign)}")
        return tables

    def _restore_expressions(self, columns: dict, indexes: dict, checks: dict) -> None:
        """The user's text in the expressions read back from a proof script (defaults, generated
        columns, index expressions and predicates, checks); comments and names stay as read."""
        restore = self.restore
        for items in columns.values():
            for column in items:
                if column.get("default") is not None:
                    column["default"] = restore(column["default"])
                if column.get("computed"):
                    column["computed"]["sqltext"] = restore(str(column["computed"]["sqltext"]))
        for items in indexes.values():
            for index in items:
                if index.get("expressions"):
                    index["expressions"] = [restore(item) if item else item for item in index["expressions"]]
                options = index.get("dialect_options") or {}
                if options.get("postgresql_where") is not None:
                    options["postgresql_where"] = restore(str(options["postgresql_where"]))
        for items in checks.values():
            for check in items:
                check["sqltext"] = restore(check["sqltext"])

    def _design(self, designed: dict[str, Table], sections: dict) -> Design:
        """The imported tables and enums as a checked design, with the conventions they follow."""
        enums = {name: values for name, values in self.enums.items()}
        for name, values in self.check_enums.items():
            enums.setdefault(name, values)
        if self.enums and self.check_enums:
            self.warn(
                "enums " + ", ".join(sorted(self.check_enums)) + " come from CHECK constraints while others are enum types;"
                " the design builds them all as enum types"
            )
        style = "check" if self.check_enums and not self.enums else "native"
        try:
            design = Design(name=self.name, enums=enums, tables=designed, **sections)
        except ValidationError as error:  # pragma: no cover - every part was validated on its own
            raise SourceError(f"the database could not be read into a design: {error}") from None
        conventions = infer_conventions(design, style)
        # Conventions that would add to some tables (an identity to a plain integer key) imply nothing.
        tables, implied = self._implied_left_out(design, conventions) if conventions.implied else (dict(design.tables), False)
        conventions = conventions.model_copy(update={"implied": implied})
        design = design.model_copy(update={"conventions": conventions, "tables": tables})
        self._check(design)
        return design

    # -- catalog queries ----------------------------------------------------------------------

    def _enums(self) -> dict[str, list[str]]:
        rows = self.query(
            """
            SELECT n.nspname, t.typname, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
            FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_enum e ON e.enumtypid = t.oid
            WHERE n.nspname = ANY(:schemas)
              AND NOT EXISTS (SELECT 1 FROM pg_depend d
                              WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')
            GROUP BY t.oid, n.nspname, t.typname ORDER BY t.oid
            """,
            schemas=self.schemas,
        )
        return {self.key(row.nspname, row.typname): list(row.labels) for row in rows}

    def _object_order(self, constraints: list, indexes: list) -> dict[tuple[int, str], int]:
        """Creation order (oid) of every constraint and index, by (table oid, name), and the facts of
        each that the reflection's rows give beside it (NOT VALID, definitions, partitions' copies)."""
        self.exclusions_of: dict[int, list[Exclusion]] = defaultdict(list)
        self.not_valid: set[tuple[int, str]] = set()
        self.constraint_facts: dict[tuple[int, str], Any] = {}
        self.index_facts: dict[tuple[int, str], Any] = {}
        self.inherited_indexes: set[str] = set()
        self.derived_constraints: set[tuple[int, str]] = set()  # what PostgreSQL adds to each partition
        order: dict[tuple[int, str], int] = {}
        for row in sorted(constraints, key=lambda row: row.oid):
            key = (row.conrelid, row.conname)
            order.setdefault(key, row.oid)
            self.constraint_facts[key] = row
            if not row.convalidated:
                self.not_valid.add(key)
            if row.conparentid != 0:
                self.derived_constraints.add(key)
            elif row.contype == "x":
                self.exclusions_of[row.conrelid].append(Exclusion(name=row.conname, definition=row.definition))
        for row in indexes:
            order.setdefault((row.indrelid, row.name), row.indexrelid)
            self.index_facts[(row.indrelid, row.name)] = row
            if row.inherited:
                self.inherited_indexes.add(row.name)
        return order

    def _triggers(self, oids: list[int]) -> dict[int, list]:
        result: dict[int, list] = defaultdict(list)
        if not oids:
            return result
        for row in self.query(
            """
            SELECT t.tgrelid, t.tgname, p.proname, t.tgnargs, t.tgargs, pg_get_triggerdef(t.oid) AS definition, t.tgenabled
            FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
            WHERE t.tgrelid = ANY(:oids) AND NOT t.tgisinternal ORDER BY t.oid
            """,
            oids=oids,
        ):
            result[row.tgrelid].append(row)
        return result

    def _policies(self, oids: list[int]) -> dict[int, list]:
        result: dict[int, list] = defaultdict(list)
        if not oids:
            return result
        for row in self.query(
            """
            SELECT p.polrelid, p.polname, p.polcmd, p.polpermissive,
                   ARRAY(SELECT CASE WHEN r = 0 THEN 'public' ELSE pg_get_userbyid(r)::text END
                         FROM unnest(p.polroles) AS r) AS roles,
                   pg_get_expr(p.polqual, p.polrelid) AS using_expression,
                   pg_get_expr(p.polwithcheck, p.polrelid) AS check_expression
            FROM pg_policy p WHERE p.polrelid = ANY(:oids) ORDER BY p.oid
            """,
            oids=oids,
        ):
            result[row.polrelid].append(row)
        return result

    def exact_type(self, type_oid: int, typmod: int) -> str:
        """The design's type text for a type by oid (domains' bases, composite attributes)."""
        row = self.query(
            """
            SELECT format_type(t.oid, :typmod) AS formatted, t.typname, t.typtype, t.typcategory, n.nspname AS typschema,
                   format_type(e.oid, :typmod) AS element_formatted, e.typname AS element_typname,
                   e.typtype AS element_typtype, en.nspname AS element_typschema
            FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
            LEFT JOIN pg_type e ON e.oid = t.typelem AND t.typcategory = 'A'
            LEFT JOIN pg_namespace en ON en.oid = e.typnamespace
            WHERE t.oid = :oid
            """,
            oid=type_oid,
            typmod=typmod,
        )[0]
        return self._portable_type("", "", row)

    # -- one table ----------------------------------------------------------------------------

    def _table(self, row, columns, primary_key, foreign_keys, uniques, indexes, checks, comment, triggers, policies, table_names) -> Table:
        table_name, oid = self.table_key[row.oid], row.oid
        ordered = lambda items: sorted(items, key=lambda item: self.order.get((oid, item["name"]), 0))

        portable_of, textual = self._portable_types(table_name, oid, columns)
        enum_types = set(self.enums)
        if (oid, primary_key.get("name")) in self.derived_constraints:
            primary_key = {}  # a partition's copy of its parent's key: PARTITION OF makes it
        primary = list(primary_key.get("constrained_columns") or [])
        primary_name = primary_key.get("name") if primary else None
        if primary_name == naming.primary_key_name(table_name):
            primary_name = None
        key_facts = self.constraint_facts.get((oid, primary_key.get("name"))) if primary else None
        context = (textual, enum_types)
        designed_columns = {
            column["name"]: self._column(table_name, oid, column, portable_of[column["name"]], primary, context)
            for column in columns
        }
        unique_constraints = self._uniques(table_name, ordered(uniques))
        check_constraints = self._checks(table_name, oid, ordered(checks), designed_columns, context)
        designed_foreign_keys = self._foreign_keys(table_name, oid, ordered(foreign_keys), table_names)
        designed_indexes, actual_names = self._indexes(table_name, ordered(indexes), portable_of, context)
        if designed_indexes:  # built unnamed; only the names a convention does not give are kept
            names = minimal_names_of_indexes(table_name, designed_indexes, set(designed_columns), actual_names)
            designed_indexes = [
                index if name is None else index.model_copy(update={"name": name}) for index, name in zip(designed_indexes, names)
            ]
        designed_triggers = self._table_triggers(table_name, triggers, designed_columns)
        designed_policies = self._table_policies(policies, context)
        parents = [self.table_key[parent] for parent in row.parents if parent in self.table_key]
        table = build(Table,
            comment=comment,
            columns=designed_columns,
            primary_key=primary,
            primary_key_name=primary_name,
            primary_key_include=_included_columns(key_facts.definition) if key_facts is not None else [],
            primary_key_deferrable=_deferrable(key_facts),
            unique=unique_constraints,
            checks=check_constraints,
            foreign_keys=designed_foreign_keys,
            indexes=designed_indexes,
            triggers=designed_triggers,
            exclusions=self.exclusions_of.get(oid, []),
            row_level_security=bool(row.relrowsecurity),
            force_row_level_security=bool(row.relforcerowsecurity),
            policies=designed_policies,
            unlogged=row.relpersistence == "u",
            partition_by=row.partition_key,
            partition_of=parents[0] if row.relispartition and parents else None,
            partition_bound=row.partition_bound if row.relispartition else None,
            inherits=[] if row.relispartition else parents,
            storage=_options(row.reloptions),
        )
        return table

    def _portable_types(self, table_name: str, oid: int, columns) -> tuple[dict[str, PortableType], set[str]]:
        """Each column's portable type, and the columns whose type is textual."""
        portable_of: dict[str, PortableType] = {}
        textual: set[str] = set()
        for column in columns:
            info = self.type_info.get((oid, column["name"]))
            type_text = self._portable_type(table_name, column["name"], info)
            portable_of[column["name"]] = parse_type(type_text)
            if portable_of[column["name"]].is_textual:
                textual.add(column["name"])
        return portable_of, textual

    def _column(self, table_name: str, oid: int, column, portable: PortableType, primary: list[str], context) -> Column:
        """One reflected column as a design column (identity, generated expression, default)."""
        textual, enum_types = context
        column_name = column["name"]
        info = self.type_info.get((oid, column_name))
        identity = None
        if column.get("identity"):
            identity = "always" if column["identity"].get("always") else "by default"
        generated = None
        virtual = False
        default = None
        if info is not None and info.attgenerated in ("s", "v"):
            expression = (column.get("computed") or {}).get("sqltext") or column.get("default") or ""
            generated = clean_expression(str(expression), textual, enum_types)
            virtual = info.attgenerated == "v"
        elif column.get("default") is not None:  # the catalog's text, with a proof's stand-ins put back
            expression = column["default"]
            default, is_sequence = _default_from_catalog(expression, portable, textual, enum_types)
            if is_sequence:  # a serial column: its default names its sequence, kept as PostgreSQL prints it
                default = Default(value=expression, is_expression=True)
        return build(Column,
            type=str(portable),
            nullable=bool(column.get("nullable", True)) and column_name not in primary and identity is None,
            default=default,
            identity=identity,
            generated=generated,
            virtual=virtual,
            collation=info.collation if info is not None else None,
            comment=column.get("comment"),
        )

    def _uniques(self, table_name: str, uniques) -> list[UniqueConstraint]:
        unique_constraints = []
        for item in uniques:
            options = item.get("dialect_options") or {}
            facts = self.constraint_facts.get((self.table_oid[table_name], item["name"]))
            if (self.table_oid[table_name], item["name"]) in self.derived_constraints:
                continue
            unique_constraints.append(
                build(UniqueConstraint,
                    name=None if item["name"] == naming.unique_name(table_name, item["column_names"]) else item["name"],
                    columns=list(item["column_names"]),
                    nulls_not_distinct=bool(options.get("postgresql_nulls_not_distinct")),
                    include=_included_columns(facts.definition) if facts is not None else [],
                    deferrable=bool(facts and facts.condeferrable),
                    initially_deferred=bool(facts and facts.condeferred),
                )
            )
        return unique_constraints

    def _checks(self, table_name: str, oid: int, checks, designed_columns: dict[str, Column], context) -> list[CheckConstraint]:
        """The table's checks; a check that is an enum's value list retypes its column instead."""
        textual, enum_types = context
        check_constraints = []
        for item in checks:
            expression = item.get("sqltext") or ""
            enum = self._check_enum(table_name, item["name"], expression, designed_columns, item.get("comment"))
            if enum is not None:
                column_name, enum_name = enum
                designed_columns[column_name] = designed_columns[column_name].model_copy(update={"type": f"enum:{enum_name}"})
                continue
            facts = self.constraint_facts.get((oid, item["name"]))
            if facts is not None and not facts.conislocal:
                continue  # inherited from a parent table, which holds it
            check_constraints.append(
                build(CheckConstraint,
                    name=item["name"],
                    expression=clean_expression(expression, textual, enum_types),
                    not_valid=(oid, item["name"]) in self.not_valid,
                    no_inherit=bool(facts and facts.connoinherit),
                )
            )
        check_constraints = [
            check.model_copy(update={"name": None}) if check.name == naming.check_name(table_name, position) else check
            for position, check in enumerate(check_constraints)
        ]
        return check_constraints

    def _foreign_keys(self, table_name: str, oid: int, foreign_keys, table_names) -> list[ForeignKey]:
        """The table's foreign keys into the imported tables (others are warned about)."""
        designed_foreign_keys = []
        for item in foreign_keys:
            if (oid, item["name"]) in self.derived_constraints:
                continue
            options = item.get("options") or {}
            label = f"{table_name}.{item['name']}"
            referred = self.key(item.get("referred_schema") or self.schema, item["referred_table"])
            if referred not in table_names:
                self.warn(f"{label}: references {referred}, which is outside the imported tables; not imported")
                continue
            facts = self.constraint_facts.get((oid, item["name"]))
            if str(options.get("match") or "SIMPLE").upper() not in ("SIMPLE", "FULL"):
                self.warn(f"{label}: MATCH {options['match']} is not kept (the design uses MATCH SIMPLE)")
            columns_list = list(item["constrained_columns"])
            designed_foreign_keys.append(
                build(ForeignKey,
                    name=None if item["name"] == naming.foreign_key_name(table_name, columns_list) else item["name"],
                    columns=columns_list,
                    references=Reference(table=referred, columns=list(item["referred_columns"])),
                    on_delete=_ACTIONS.get(str(options.get("ondelete", "")).upper()),
                    on_update=_ACTIONS.get(str(options.get("onupdate", "")).upper()),
                    deferrable=bool(options.get("deferrable")),
                    initially_deferred=str(options.get("initially", "")).upper() == "DEFERRED",
                    match_full=bool(facts is not None and facts.confmatchtype == "f"),
                    not_valid=(oid, item["name"]) in self.not_valid,
                )
            )
        return designed_foreign_keys

    def _indexes(self, table_name: str, indexes, portable_of: dict[str, PortableType], context) -> tuple[list[Index], list[str]]:
        """The indexes that are not a constraint's, and the names they have in the database."""
        textual, enum_types = context
        designed_indexes, actual_names = [], []
        for item in indexes:
            if item.get("duplicates_constraint"):
                continue
            index = self._index(table_name, item, portable_of, textual, enum_types)
            if index is not None:
                designed_indexes.append(index)
                actual_names.append(item["name"])
        return designed_indexes, actual_names

    def _table_policies(self, policies, context) -> list[Policy]:
        textual, enum_types = context
        return [
            Policy(
                name=policy.polname,
                command=_POLICY_COMMANDS.get(policy.polcmd, "all"),
                roles=[role for role in policy.roles if role != "public"],
                using=clean_expression(policy.using_expression, textual, enum_types) if policy.using_expression else None,
                with_check=clean_expression(policy.check_expression, textual, enum_types) if policy.check_expression else None,
                permissive=bool(policy.polpermissive),
            )
            for policy in policies
        ]

    def _portable_type(self, table_name: str, column_name: str, info) -> str:
        """The column's type exactly: portable where that builds the same type, else PostgreSQL's own."""
        if info is None:  # pragma: no cover - every column has a pg_attribute row
            return "text"
        if info.typcategory == "A" and info.element_typname:
            element = self._exact_type(info.element_formatted, info.element_typname, info.element_typtype, info.element_typschema)
            return element + "[]"
        return self._exact_type(info.formatted, info.typname, info.typtype, info.typschema)

    def _exact_type(self, formatted: str, typname: str, typtype: str | None, typschema: str | None) -> str:
        if typtype == "e":
            return f"enum:{self.key(typschema or self.schema, typname)}"
        if typtype == "d":
            return f"domain:{self.key(typschema or self.schema, typname)}"
        if typtype in ("c", "r", "m") and typschema != "pg_catalog":
            return f"type:{self.key(typschema or self.schema, typname)}"
        if typname == "json":
            return "pg:json"  # the portable json builds as jsonb
        try:
            return str(parse_type(formatted))
        except UnknownTypeError:
            return f"pg:{formatted}"

    def _check_enum(self, table_name: str, constraint: str, expression: str, columns: dict[str, Column], comment=None):
        """(column, enum name) when a CHECK is one schemasmith wrote for an enum under CHECK style.

        The enum's name is in the constraint's name, or, where that had to be shortened, in its comment.
        """
        for column_name, column in columns.items():
            enum_name = naming.enum_from_check_name(table_name, column_name, constraint)
            if comment and comment.startswith(ENUM_CHECK_COMMENT):
                candidate = comment[len(ENUM_CHECK_COMMENT):]
                if naming.enum_check_name(table_name, column_name, candidate) == constraint:
                    enum_name = candidate
            if enum_name is None or not column.portable_type.is_textual:
                continue
            values = _enum_check(expression, column_name)
            if values is None:
                continue
            known = self.enums.get(enum_name) or self.check_enums.get(enum_name)
            if known is not None and known != values:
                self.warn(
                    f"{table_name}.{constraint}: enum {enum_name} has other values elsewhere ({', '.join(known)});"
                    " kept as a plain check"
                )
                return None
            if column.portable_type.kind == "varchar":
                self.warn(f"{table_name}.{column_name}: {column.type} with an enum CHECK; the length is not kept")
            if enum_name not in self.enums:
                self.check_enums.setdefault(enum_name, values)
            return column_name, enum_name
        return None

    def _index(self, table_name: str, item: dict, portable_of: dict[str, PortableType], textual, enum_types) -> Index | None:
        name = item["name"]
        facts = self.index_facts.get((self.table_oid[table_name], name))
        if name in self.inherited_indexes:
            return None  # a partition's copy of its parent's index
        if facts is not None and not facts.indisvalid:
            self.warn(f"{table_name}.{name}: an invalid index (a failed CREATE INDEX CONCURRENTLY?); not imported")
            return None
        options = item.get("dialect_options") or {}
        method = options.get("postgresql_using", "btree")
        column_names = item.get("column_names") or []
        expressions = item.get("expressions") or [None] * len(column_names)
        sorting = item.get("column_sorting") or {}
        columns, keys = [], []
        mixed = False
        for column_name, element in zip(column_names, expressions):
            suffix = _sort_suffix(sorting.get(column_name if column_name is not None else element, ()))
            if column_name is not None:
                mixed = mixed or bool(keys)
                columns.append(column_name + suffix)
            else:
                keys.append(clean_expression(str(element), textual, enum_types) + suffix)
        where = options.get("postgresql_where")
        definition = facts.definition if facts is not None else None
        exact = not (
            method not in _METHODS or options.get("postgresql_ops") or mixed
            or (definition is not None and (" COLLATE " in definition or " TABLESPACE " in definition))
        )
        return build(Index,
            columns=columns,
            expressions=keys,
            unique=bool(item.get("unique")),
            method=method if method in _METHODS else "btree",
            where=clean_expression(where, textual, enum_types) if where else None,
            include=list(options.get("postgresql_include") or []),
            nulls_not_distinct=bool(options.get("postgresql_nulls_not_distinct")),
            storage=_options(",".join(f"{key}={value}" for key, value in (options.get("postgresql_with") or {}).items())),
            definition=None if exact else definition,
        )

    def _table_triggers(self, table_name: str, triggers: list, columns: dict[str, Column]) -> list[Trigger]:
        """schemasmith's own trigger kinds by name; every other trigger kept as its definition."""
        designed = []
        for trigger in triggers:
            arguments = _trigger_arguments(trigger.tgargs, trigger.tgnargs)
            if trigger.proname == UPDATED_AT_FUNCTION and len(arguments) == 1 and trigger.tgenabled == "O":
                designed.append(Trigger(kind="updated_at", column=arguments[0]))
                continue
            if (
                trigger.proname.startswith(MAX_DEPTH_FUNCTION_PREFIX) and len(arguments) == 2 and arguments[1].isdigit()
                and trigger.tgenabled == "O"
            ):
                designed.append(Trigger(kind="max_depth", column=arguments[0], depth=int(arguments[1])))
                continue
            enabled = TRIGGER_STATES[trigger.tgenabled]
            designed.append(Trigger(name=trigger.tgname, definition=trigger.definition, enabled=enabled))
        return designed

    def _implied_left_out(self, design: Design, conventions) -> tuple[dict[str, Table], bool]:
        """The tables with what the conventions imply left out, and whether the design may imply at all.

        When leaving things to the conventions would add what the database lacks (a uuid key
        without a default, an updated_at column no trigger keeps), the design says
        `implied: false` and keeps everything as it is, so building it gives the same database.
        """
        if any(self._implies_more(table) for table in design.tables.values()):
            return dict(design.tables), False
        tables = {}
        for table_name, table in design.tables.items():
            columns = dict(table.columns)
            if len(table.primary_key) == 1 and table.primary_key[0] in columns:
                key_name = table.primary_key[0]
                key = columns[key_name]
                portable = key.portable_type
                if conventions.primary_key == "identity" and portable.is_integer and key.identity == "by default":
                    columns[key_name] = key.model_copy(update={"identity": None})
                implied_default = "uuidv7()" if conventions.postgres_version >= UUIDV7_VERSION else UUID_DEFAULT
                if portable.kind == "uuid" and key.default is not None and key.default.is_expression and (
                    str(key.default.value).strip().lower() == implied_default
                ):
                    columns[key_name] = key.model_copy(update={"default": None})  # the generated uuid of a key is implied
            tables[table_name] = table.model_copy(update={"columns": columns})
        return tables, True

    @staticmethod
    def _implies_more(table: Table) -> bool:
        if len(table.primary_key) == 1 and table.primary_key[0] in table.columns:
            key = table.columns[table.primary_key[0]]
            if key.portable_type.kind == "uuid" and key.default is None and key.generated is None:
                return True
        updated_at = table.columns.get("updated_at")
        return (
            updated_at is not None
            and updated_at.portable_type.kind in ("timestamp", "timestamptz")
            and not any(trigger.kind == "updated_at" for trigger in table.triggers)
        )

    def _check(self, design: Design) -> None:
        from ..model.invariants import check_invariants

        for problem in check_invariants(design):
            self.warn(f"the imported design is not consistent: {problem}")


def _sort_suffix(flags) -> str:
    flags = tuple(flags or ())
    text = ""
    if "desc" in flags:
        text += " desc"
        if "nulls_last" in flags:
            text += " nulls last"
    elif "nulls_first" in flags:
        text += " nulls first"
    return text


def _trigger_arguments(raw, count: int) -> list[str]:
    if raw is None or not count:
        return []
    data = bytes(raw)
    return [part.decode("utf-8", errors="replace") for part in data.split(b"\x00")[:count]]


# --- DDL through a scratch database ------------------------------------------------------------

_DATABASE_STATEMENT = re.compile(r"^(CREATE|DROP|ALTER)\s+DATABASE\b", re.IGNORECASE)
_CONNECT = re.compile(r"^\\(c|connect)(\s|$)")
_FORBIDDEN_META = re.compile(r"^\\(!|o\b|out\b|w\b|write\b|copy\b|setenv\b|g\w*\s*\|)", re.IGNORECASE)
_COPY_PROGRAM = re.compile(r"^COPY\b.*\bPROGRAM\b", re.IGNORECASE | re.DOTALL)


_NAMED_PARAMETER = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


@lru_cache(maxsize=256)
def _psycopg_parameters(sql: str) -> str:
    """`:name` parameters as psycopg's `%(name)s` (and a literal `%` doubled); `::casts` left alone."""
    return _NAMED_PARAMETER.sub(r"%(\1)s", sql.replace("%", "%%"))


def _deferrable(facts) -> str | bool:
    """A key's DEFERRABLE state: False, or when it is checked ("immediate" or "deferred")."""
    if facts is None or not facts.condeferrable:
        return False
    return "deferred" if facts.condeferred else "immediate"


def _included_columns(definition: str | None) -> list[str]:
    """The INCLUDE (…) columns of a constraint's definition, as pg_get_constraintdef prints it
    (None: the reflection did not print it, since it cannot hold INCLUDE)."""
    if definition is None:
        return []
    match = re.search(r"\bINCLUDE \((?P<columns>[^)]*)\)", definition)
    if match is None:
        return []
    return [name.strip().strip('"').replace('""', '"') for name in match["columns"].split(",")]


def _options(text: str | None) -> dict:
    """`fillfactor=70,autovacuum_enabled=false` as a mapping (values as the catalog spells them)."""
    options: dict = {}
    for item in (text or "").split(","):
        key, _, value = item.partition("=")
        if key:
            options[key] = int(value) if re.fullmatch(r"-?\d+", value) else value
    return options


def _blank(text: str) -> str:
    """`text` with everything but line breaks turned into spaces: line numbers stay where they were."""
    return re.sub(r"[^\n]", " ", text)


def prepare_import_script(sql: str, label: str) -> tuple[str, list[str]]:
    """The script with what would leave the scratch database blanked out, line numbers kept.

    `\\c` / `\\connect` and CREATE/DROP/ALTER DATABASE are removed (a dump that creates its own
    database is imported into the scratch one instead); shell escapes, output files and
    COPY … PROGRAM are refused, since importing a schema must not run commands.
    """
    skipped: list[str] = []
    pieces = []
    for kind, start, end in scan_script(sql):
        text = sql[start:end]
        if kind == "meta":
            if _FORBIDDEN_META.match(text):
                raise SourceError(f"{label}:{line_of(sql, start)}: psql command {text.strip()[:40]} is not run when importing a schema")
            if _CONNECT.match(text):
                skipped.append(text.strip().rstrip(";"))
                pieces.append((start, end))
        elif _DATABASE_STATEMENT.match(text):
            skipped.append(" ".join(text.split()).rstrip(";"))
            pieces.append((start, end))
        elif _COPY_PROGRAM.match(text):
            raise SourceError(f"{label}:{line_of(sql, start)}: COPY … PROGRAM runs a command on the server and is not run when importing")
    prepared = sql
    for start, end in reversed(pieces):
        prepared = prepared[:start] + _blank(prepared[start:end]) + prepared[end:]
    notes = []
    if skipped:
        notes.append(f"{label}: skipped {'; '.join(dict.fromkeys(skipped))} — the schema was read from a scratch database instead")
    return prepared, notes


def import_ddl(sql: str, *, file: str | None = None, name: str | None = None, server_url: str | None = None) -> ImportResult:
    """Apply PostgreSQL DDL to a fresh scratch database and read its design back."""
    label = file or "<sql>"
    prepared, notes = prepare_import_script(sql, label)
    design_name = name or (re.sub(r"[^a-z0-9_]+", "_", Path(file).stem.lower()).strip("_") if file else "") or "imported"
    with scratch_database(server_url, prefix="import") as url:
        proof = apply_script(url, prepared, label, proof=True)
        result = import_database(url, name=design_name, proof=proof)
    result.warnings = notes + [f"note: {note}" for note in proof.notes] + result.warnings
    return result
