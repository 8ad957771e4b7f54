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
import warnings as python_warnings
from collections import defaultdict
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..db.apply import apply_script
from ..db.embedded import scratch_database
from ..db.urls import libpq_url, sqlalchemy_url
from ..dialects.postgres import (
    ENUM_CHECK_COMMENT,
    MAX_DEPTH_FUNCTION_PREFIX,
    UPDATED_AT_FUNCTION,
    clean_expression,
    clean_node,
    infer_conventions,
    lowercase_function_keywords,
    minimal_index_names,
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
    ForeignKey,
    Index,
    Policy,
    Reference,
    Table,
    Trigger,
    UniqueConstraint,
)
from ..model.types import INTEGER_KINDS, PortableType, UnknownTypeError, parse_type
from ..text.redaction import redact_url
from ..text.statements import line_of, split_psql_script as scan_script
from .base import TOOL_TABLES, ImportResult

# Catalog type names (pg_type.typname) that are portable types as they are.
_PORTABLE_TYPNAMES = {
    "int2": "smallint",
    "int4": "integer",
    "int8": "bigint",
    "text": "text",
    "float4": "real",
    "float8": "double",
    "bool": "boolean",
    "date": "date",
    "time": "time",
    "timestamp": "timestamp",
    "timestamptz": "timestamptz",
    "interval": "interval",
    "jsonb": "json",
    "bytea": "bytes",
    "uuid": "uuid",
}

# Types outside the portable set, and the nearest portable type for each (text otherwise).
_NEAREST = {
    "json": "json",
    "timetz": "time",
    "money": "numeric(19,2)",
    "oid": "bigint",
    "xid": "bigint",
    "xid8": "bigint",
    "hstore": "json",
    "vector": "real[]",
    "halfvec": "real[]",
    "float": "double",
}

_ACTIONS = {"CASCADE": "cascade", "SET NULL": "set null", "SET DEFAULT": "set default", "RESTRICT": "restrict"}
_POLICY_COMMANDS = {"*": "all", "r": "select", "a": "insert", "w": "update", "d": "delete"}
_UUID_KEY_FUNCTIONS = {"gen_random_uuid", "uuidv7"}
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


def import_database(url: str, *, schema: str = "public", name: str | None = None) -> ImportResult:
    """The design of one schema of a live PostgreSQL database."""
    from ..gcpause import gc_paused

    with gc_paused():
        return _import_database(url, schema=schema, name=name)


def _import_database(url: str, *, schema: str, name: str | None) -> ImportResult:
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError
    from sqlalchemy.pool import NullPool

    try:
        engine = create_engine(sqlalchemy_url(url), poolclass=NullPool, connect_args={"connect_timeout": 10})
    except (ArgumentError, ValueError) as error:
        raise SourceError(f"not a valid PostgreSQL URL: {redact_url(url)} ({error})") from None
    except Exception as error:  # noqa: BLE001 - e.g. a missing driver; report plainly
        raise SourceError(f"cannot use the PostgreSQL URL {redact_url(url)}: {error}") from None
    try:
        try:
            connection = engine.connect()
        except (DBAPIError, SQLAlchemyError, OSError, ValueError) as error:
            raise _connection_failure(url, error) from None
        with connection:
            connection.execute(text("SET TRANSACTION READ ONLY"))
            exists = connection.execute(text("SELECT 1 FROM pg_namespace WHERE nspname = :schema"), {"schema": schema}).first()
            if exists is None:
                raise SourceError(f"schema {schema!r} does not exist in the database at {redact_url(url)}")
            connection.execute(text("SELECT set_config('search_path', quote_ident(:schema), true)"), {"schema": schema})
            database_name = connection.execute(text("SELECT current_database()")).scalar_one()
            try:
                return _Importer(connection, schema, name or database_name).run()
            except DBAPIError as error:
                raise SourceError(f"reading the database at {redact_url(url)} failed: {str(error.orig).strip()}") from None
    finally:
        engine.dispose()


# --- the importer ----------------------------------------------------------------------------


class _Importer:
    def __init__(self, connection, schema: str, name: str):
        self.connection = connection
        self.schema = schema
        self.name = name
        self.warnings: list[str] = []
        self.exclusions: list = []
        self.derived_constraints: set[tuple[int, str]] = set()

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    def query(self, sql: str, **params) -> list:
        from sqlalchemy import text

        return list(self.connection.execute(text(sql), params))

    def run(self) -> ImportResult:
        tables = self._relations()
        oids = [row.oid for row in tables]
        names = [row.relname for row in tables]
        self.table_oid = {row.relname: row.oid for row in tables}
        self.enums = self._enums()
        self.type_info = self._column_types(oids)
        self.order = self._object_order(oids)
        reflected = self._reflected(names)
        triggers = self._triggers(oids)
        policies = self._policies(oids)
        self.check_enums: dict[str, list[str]] = {}
        self.serial_columns: list[str] = []
        self.timestamp_triggers: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.foreign_triggers: dict[tuple[str, str], list[str]] = defaultdict(list)

        designed: dict[str, Table] = {}
        for row in tables:
            key = (self.schema, row.relname)
            columns, primary_keys, foreign_keys, uniques, indexes, checks, comments = reflected
            designed[row.relname] = self._table(
                row,
                columns.get(key, []),
                primary_keys.get(key) or {},
                foreign_keys.get(key, []),
                uniques.get(key, []),
                indexes.get(key, []),
                checks.get(key, []),
                (comments.get(key) or {}).get("text"),
                triggers.get(row.oid, []),
                policies.get(row.oid, []),
                set(names),
            )
        self._grouped_warnings()
        self._other_objects()
        return ImportResult(design=self._design(designed), warnings=self.warnings)

    def _relations(self) -> list:
        """The schema's plain and partitioned tables; views, foreign tables and partitions are warned about."""
        relations = self.query(
            """
            SELECT c.oid, c.relname, c.relkind, c.relispartition, c.relrowsecurity, c.relforcerowsecurity,
                   CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partition_key
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = :schema AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
              AND NOT EXISTS (SELECT 1 FROM pg_depend d
                              WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
            ORDER BY c.oid
            """,
            schema=self.schema,
        )
        tables = [
            row for row in relations
            if row.relkind in ("r", "p") and not row.relispartition and row.relname not in TOOL_TABLES
        ]
        partitions = [row for row in relations if row.relispartition]
        views = [row.relname for row in relations if row.relkind in ("v", "m")]
        foreign = [row.relname for row in relations if row.relkind == "f"]
        if views:
            self.warn(f"views and materialized views are not part of a design and were not imported: {', '.join(views)}")
        if foreign:
            self.warn(f"foreign tables were not imported: {', '.join(foreign)}")
        partition_counts: dict[int, int] = defaultdict(int)
        if partitions:
            for row in self.query(
                "SELECT inhparent, count(*) AS n FROM pg_inherits WHERE inhrelid = ANY(:oids) GROUP BY inhparent",
                oids=[row.oid for row in partitions],
            ):
                partition_counts[row.inhparent] = row.n
        for row in tables:
            if row.relkind == "p":
                self.warn(
                    f"{row.relname}: partitioned by {row.partition_key}; imported as one table, its"
                    f" {partition_counts.get(row.oid, 0)} partition(s) are not part of the design"
                )
        return tables

    def _reflected(self, names: list[str]) -> tuple[dict, ...]:
        """SQLAlchemy's reflection of the tables: columns, primary keys, foreign keys, uniques,
        indexes, checks and comments, each keyed by (schema, table)."""
        from sqlalchemy import inspect

        if not names:
            return ({},) * 7
        inspector = inspect(self.connection)
        with python_warnings.catch_warnings():
            python_warnings.simplefilter("ignore")  # "did not recognize type 'vector'": we read types ourselves
            options = {"schema": self.schema, "filter_names": names}
            return (
                dict(inspector.get_multi_columns(**options)),
                dict(inspector.get_multi_pk_constraint(**options)),
                dict(inspector.get_multi_foreign_keys(**options)),
                dict(inspector.get_multi_unique_constraints(**options)),
                dict(inspector.get_multi_indexes(**options)),
                dict(inspector.get_multi_check_constraints(**options)),
                dict(inspector.get_multi_table_comment(**options)),
            )

    def _design(self, designed: dict[str, Table]) -> Design:
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
            design = Design(name=self.name, enums=enums, tables=designed)
        except ValidationError as error:  # pragma: no cover - every part was validated on its own
            raise SourceError(f"the database could not be read into a design: {error}") from None
        conventions = infer_conventions(design, style)
        design = design.model_copy(update={"conventions": conventions, "tables": self._implied_left_out(design, conventions)})
        self._check(design)
        return design

    # -- catalog queries ----------------------------------------------------------------------

    def _enums(self) -> dict[str, list[str]]:
        rows = self.query(
            """
            SELECT t.typname, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
            FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_enum e ON e.enumtypid = t.oid
            WHERE n.nspname = :schema
              AND NOT EXISTS (SELECT 1 FROM pg_depend d
                              WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')
            GROUP BY t.oid, t.typname ORDER BY t.oid
            """,
            schema=self.schema,
        )
        return {row.typname: list(row.labels) for row in rows}

    def _column_types(self, oids: list[int]) -> dict[tuple[int, str], Any]:
        if not oids:
            return {}
        rows = self.query(
            """
            SELECT a.attrelid, a.attname, a.attgenerated,
                   CASE WHEN a.attcollation <> t.typcollation
                        THEN (SELECT collname FROM pg_collation WHERE oid = a.attcollation) END AS collation,
                   format_type(a.atttypid, a.atttypmod) AS formatted, t.typname, t.typtype, t.typcategory,
                   tn.nspname AS typschema,
                   format_type(t.typelem, a.atttypmod) AS element_formatted, e.typname AS element_typname,
                   e.typtype AS element_typtype, en.nspname AS element_typschema,
                   format_type(t.typbasetype, t.typtypmod) AS base_formatted, b.typname AS base_typname,
                   b.typtype AS base_typtype, b.typcategory AS base_typcategory,
                   format_type(b.typelem, t.typtypmod) AS base_element_formatted, be.typname AS base_element_typname,
                   t.typnotnull AS domain_not_null,
                   ARRAY(SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c
                         WHERE c.contypid = t.oid AND c.contype = 'c' ORDER BY c.oid) AS domain_checks
            FROM pg_attribute a
            JOIN pg_type t ON t.oid = a.atttypid
            JOIN pg_namespace tn ON tn.oid = t.typnamespace
            LEFT JOIN pg_type e ON e.oid = t.typelem AND t.typcategory = 'A'
            LEFT JOIN pg_namespace en ON en.oid = e.typnamespace
            LEFT JOIN pg_type b ON b.oid = t.typbasetype AND t.typtype = 'd'
            LEFT JOIN pg_type be ON be.oid = b.typelem AND b.typcategory = 'A'
            WHERE a.attrelid = ANY(:oids) AND a.attnum > 0 AND NOT a.attisdropped
            """,
            oids=oids,
        )
        return {(row.attrelid, row.attname): row for row in rows}

    def _object_order(self, oids: list[int]) -> dict[tuple[int, str], int]:
        """Creation order (oid) of every constraint and index, by (table oid, name)."""
        if not oids:
            return {}
        order = {}
        for row in self.query(
            "SELECT conrelid AS rel, conname AS name, oid FROM pg_constraint WHERE conrelid = ANY(:oids)"
            " UNION ALL SELECT i.indrelid, c.relname, i.indexrelid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
            " WHERE i.indrelid = ANY(:oids)",
            oids=oids,
        ):
            order.setdefault((row.rel, row.name), row.oid)
        self.exclusions = self.query(
            "SELECT conrelid, conname FROM pg_constraint WHERE conrelid = ANY(:oids) AND contype = 'x'", oids=oids
        )
        # Foreign keys PostgreSQL adds for each partition of a referenced partitioned table.
        self.derived_constraints = {
            (row.conrelid, row.conname)
            for row in self.query(
                "SELECT conrelid, conname FROM pg_constraint WHERE conrelid = ANY(:oids) AND conparentid <> 0", oids=oids
            )
        }
        for row in self.query(
            "SELECT c.relname AS child, p.relname AS parent FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
            " JOIN pg_class p ON p.oid = i.inhparent WHERE i.inhrelid = ANY(:oids) AND NOT c.relispartition ORDER BY i.inhrelid",
            oids=oids,
        ):
            self.warn(f"{row.child}: inherits from {row.parent}; imported as a separate table with all its columns")
        return order

    def _triggers(self, oids: list[int]) -> dict[int, list]:
        result: dict[int, list] = defaultdict(list)
        if not oids:
            return result
        for row in self.query(
            """
            SELECT t.tgrelid, t.tgname, p.proname, t.tgnargs, t.tgargs, t.tgtype, p.prosrc, l.lanname,
                   t.tgqual IS NOT NULL AS has_condition, array_length(t.tgattr::int2[], 1) AS column_count
            FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid JOIN pg_language l ON l.oid = p.prolang
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

    def _other_objects(self) -> None:
        functions = self.query(
            """
            SELECT p.proname, p.prokind FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = :schema
              AND NOT EXISTS (SELECT 1 FROM pg_depend d
                              WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
            ORDER BY p.oid
            """,
            schema=self.schema,
        )
        names = [
            row.proname
            for row in functions
            if row.proname != UPDATED_AT_FUNCTION and not row.proname.startswith(MAX_DEPTH_FUNCTION_PREFIX)
        ]
        if names:
            self.warn(
                "functions, procedures and aggregates are not part of a design and were not imported: "
                + ", ".join(dict.fromkeys(names))
            )
        types = self.query(
            """
            SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
            LEFT JOIN pg_class c ON c.oid = t.typrelid
            WHERE n.nspname = :schema AND (t.typtype IN ('d', 'r', 'm', 'b') OR (t.typtype = 'c' AND c.relkind = 'c'))
              AND t.typelem = 0
              AND NOT EXISTS (SELECT 1 FROM pg_depend d
                              WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')
            ORDER BY t.oid
            """,
            schema=self.schema,
        )
        if types:
            self.warn(
                "domains and other types are not part of a design and were not imported (columns use their base types): "
                + ", ".join(row.typname for row in types)
            )
        sequences = self.query(
            """
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = :schema AND c.relkind = 'S'
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                              AND (d.deptype = 'e' OR (d.deptype IN ('a', 'i') AND d.refobjsubid > 0)))
            ORDER BY c.oid
            """,
            schema=self.schema,
        )
        if sequences:
            self.warn(
                "sequences not owned by a column are not part of a design and were not imported: "
                + ", ".join(row.relname for row in sequences)
            )
        extensions = [row.extname for row in self.query("SELECT extname FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY oid")]
        if extensions:
            self.warn(f"the database uses extensions a design does not record: {', '.join(extensions)}")

    # -- one table ----------------------------------------------------------------------------

    def _table(self, row, columns, primary_key, foreign_keys, uniques, indexes, checks, comment, triggers, policies, table_names) -> Table:
        table_name, oid = row.relname, row.oid
        ordered = lambda items: sorted(items, key=lambda item: self.order.get((oid, item["name"]), 0))

        self.domain_checks = []
        portable_of, textual = self._portable_types(table_name, oid, columns)
        enum_types = set(self.enums)
        primary = list(primary_key.get("constrained_columns") or [])
        primary_name = primary_key.get("name") if primary else None
        if primary_name == naming.primary_key_name(table_name):
            primary_name = None
        context = (textual, enum_types)
        designed_columns = {
            column["name"]: self._column(table_name, oid, column, portable_of[column["name"]], primary, context)
            for column in columns
        }
        unique_constraints = self._uniques(table_name, ordered(uniques))
        check_constraints = self._checks(table_name, oid, ordered(checks), designed_columns, context)
        designed_foreign_keys = self._foreign_keys(table_name, oid, ordered(foreign_keys), table_names)
        designed_indexes, actual_names = self._indexes(table_name, ordered(indexes), portable_of, context)
        designed_triggers = self._table_triggers(table_name, triggers, designed_columns)
        designed_policies = self._table_policies(policies, context)
        if row.relforcerowsecurity:
            self.warn(f"{table_name}: FORCE ROW LEVEL SECURITY is not part of a design; the design enables RLS only")

        table = Table(
            comment=comment,
            columns=designed_columns,
            primary_key=primary,
            primary_key_name=primary_name,
            unique=unique_constraints,
            checks=check_constraints,
            foreign_keys=designed_foreign_keys,
            indexes=designed_indexes,
            triggers=designed_triggers,
            row_level_security=bool(row.relrowsecurity),
            policies=designed_policies,
        )
        if designed_indexes:
            names = minimal_index_names(table_name, table, actual_names)
            table = table.model_copy(
                update={"indexes": [index.model_copy(update={"name": name}) for index, name in zip(designed_indexes, names)]}
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
        where = f"{table_name}.{column_name}"
        info = self.type_info.get((oid, column_name))
        identity = None
        if column.get("identity"):
            identity = "always" if column["identity"].get("always") else "by default"
        generated = None
        default = None
        if info is not None and info.attgenerated in ("s", "v"):
            expression = (column.get("computed") or {}).get("sqltext") or column.get("default") or ""
            generated = clean_expression(str(expression), textual, enum_types)
            if info.attgenerated == "v":
                self.warn(f"{where}: a VIRTUAL generated column; the design builds it as STORED")
        elif column.get("default") is not None:
            default, is_sequence = _default_from_catalog(column["default"], portable, textual, enum_types)
            if is_sequence:
                if portable.is_integer:
                    identity = "by default"
                    self.serial_columns.append(where)
                else:
                    default = Default(value=clean_expression(column["default"], textual, enum_types), is_expression=True)
                    self.warn(f"{where}: a sequence default on a {portable} column is kept as an expression")
        if (
            default is not None
            and default.is_expression
            and primary == [column_name]
            and portable.kind == "uuid"
            and _call_name(str(default.value)) in _UUID_KEY_FUNCTIONS
        ):
            default = None  # the generated uuid of a single-column uuid key is implied
        return Column(
            type=str(portable),
            nullable=bool(column.get("nullable", True))
            and column_name not in primary
            and identity is None
            and not (info is not None and info.typtype == "d" and info.domain_not_null),
            default=default,
            identity=identity,
            generated=generated,
            comment=column.get("comment"),
        )

    def _uniques(self, table_name: str, uniques) -> list[UniqueConstraint]:
        unique_constraints = []
        for item in uniques:
            options = item.get("dialect_options") or {}
            unique_constraints.append(
                UniqueConstraint(
                    name=None if item["name"] == naming.unique_name(table_name, item["column_names"]) else item["name"],
                    columns=list(item["column_names"]),
                    nulls_not_distinct=bool(options.get("postgresql_nulls_not_distinct")),
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
            options = item.get("dialect_options") or {}
            if options.get("not_valid"):
                self.warn(f"{table_name}.{item['name']}: a NOT VALID check; the design builds it validated")
            check_constraints.append(CheckConstraint(name=item["name"], expression=clean_expression(expression, textual, enum_types)))
        check_constraints = [
            check.model_copy(update={"name": None}) if check.name == naming.check_name(table_name, position) else check
            for position, check in enumerate(check_constraints)
        ]
        check_constraints += [CheckConstraint(expression=text) for text in self.domain_checks]
        for exclusion in self.exclusions:
            if exclusion.conrelid == oid:
                self.warn(f"{table_name}.{exclusion.conname}: exclusion constraints are not part of a design; not imported")
        return check_constraints

    def _foreign_keys(self, table_name: str, oid: int, foreign_keys, table_names) -> list[ForeignKey]:
        """The table's foreign keys into the imported tables (others are warned about)."""
        designed_foreign_keys = []
        for item in foreign_keys:
            if (oid, item["name"]) in self.derived_constraints:
                continue
            options = item.get("options") or {}
            label = f"{table_name}.{item['name']}"
            referred_schema = item.get("referred_schema")
            if referred_schema not in (None, self.schema) or item["referred_table"] not in table_names:
                self.warn(
                    f"{label}: references {referred_schema or self.schema}.{item['referred_table']}, which is outside the"
                    " imported tables; not imported"
                )
                continue
            if options.get("match") and str(options["match"]).upper() != "SIMPLE":
                self.warn(f"{label}: MATCH {options['match']} is not kept (the design uses MATCH SIMPLE)")
            columns_list = list(item["constrained_columns"])
            designed_foreign_keys.append(
                ForeignKey(
                    name=None if item["name"] == naming.foreign_key_name(table_name, columns_list) else item["name"],
                    columns=columns_list,
                    references=Reference(table=item["referred_table"], columns=list(item["referred_columns"])),
                    on_delete=_ACTIONS.get(str(options.get("ondelete", "")).upper()),
                    on_update=_ACTIONS.get(str(options.get("onupdate", "")).upper()),
                    deferrable=bool(options.get("deferrable")),
                    initially_deferred=str(options.get("initially", "")).upper() == "DEFERRED",
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
        where = f"{table_name}.{column_name}"
        if info is None:  # pragma: no cover - every column has a pg_attribute row
            return "text"
        if info.collation:
            self.warn(f"{where}: collation {info.collation} is not kept (the design uses the database's default)")
        if info.typtype == "d":
            base = self._simple_type(
                where, info.base_formatted, info.base_typname, info.base_typtype, info.base_typcategory,
                info.base_element_formatted, info.base_element_typname, None, None, warn_domain=True,
            )
            kept = [_domain_check(text, column_name) for text in info.domain_checks or []]
            self.domain_checks.extend(kept)
            detail = f", with its CHECK as a table check ({' AND '.join(kept)})" if kept else ""
            not_null = "; NOT NULL" if info.domain_not_null else ""
            self.warn(f"{where}: domain {info.typname} imported as its base type {base}{detail}{not_null}")
            return base
        return self._simple_type(
            where, info.formatted, info.typname, info.typtype, info.typcategory, info.element_formatted,
            info.element_typname, info.element_typtype, info.element_typschema, typschema=info.typschema,
        )

    def _simple_type(self, where, formatted, typname, typtype, category, element_formatted, element_typname,
                     element_typtype, element_typschema, typschema=None, warn_domain=False) -> str:
        if category == "A" and element_typname:
            element = self._scalar_type(where, element_formatted, element_typname, element_typtype, element_typschema)
            if element.endswith("[]"):
                self.warn(f"{where}: an array of {element_formatted}, imported as text[]")
                return "text[]"
            return element + "[]"
        if typtype == "d":
            self.warn(f"{where}: a domain over a domain ({formatted}), imported as text")
            return "text"
        return self._scalar_type(where, formatted, typname, typtype, typschema)

    def _scalar_type(self, where: str, formatted: str, typname: str, typtype: str | None, typschema: str | None) -> str:
        if typtype == "e":
            if typschema == self.schema and typname in self.enums:
                return f"enum:{typname}"
            self.warn(f"{where}: enum type {formatted} from another schema, imported as text")
            return "text"
        if typname in _PORTABLE_TYPNAMES:
            portable = _PORTABLE_TYPNAMES[typname]
            if "(" in formatted and portable in ("time", "timestamp", "timestamptz", "interval"):
                self.warn(f"{where}: {formatted} imported as {portable}; the precision is not kept")
            return portable
        if typname in ("varchar", "numeric"):
            try:
                return str(parse_type(formatted))
            except UnknownTypeError:
                return typname
        if typname == "bpchar":
            match = re.search(r"\((\d+)\)", formatted)
            nearest = f"varchar({match.group(1)})" if match else "text"
            self.warn(f"{where}: {formatted} (blank-padded) imported as {nearest}")
            return nearest
        nearest = _NEAREST.get(typname, "text")
        if typname == "json":
            self.warn(f"{where}: json imported as json, which the design builds as jsonb")
        else:
            self.warn(f"{where}: type {formatted} is not portable; imported as {nearest}")
        return nearest

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
        label = f"{table_name}.{name}"
        options = item.get("dialect_options") or {}
        method = options.get("postgresql_using", "btree")
        if method not in _METHODS:
            self.warn(f"{label}: index method {method} is not one a design can hold; not imported")
            return None
        if options.get("postgresql_ops"):
            classes = ", ".join(f"{key} {value}" for key, value in options["postgresql_ops"].items())
            self.warn(f"{label}: operator classes ({classes}) are not part of a design; index not imported")
            return None
        if options.get("postgresql_invalid"):
            self.warn(f"{label}: an invalid index (a failed CREATE INDEX CONCURRENTLY?); not imported")
            return None
        if options.get("postgresql_with"):
            self.warn(f"{label}: storage parameters {options['postgresql_with']} are not kept")
        if options.get("postgresql_nulls_not_distinct"):
            self.warn(f"{label}: NULLS NOT DISTINCT on a unique index is not kept")
        column_names = item.get("column_names") or []
        expressions = item.get("expressions") or [None] * len(column_names)
        sorting = item.get("column_sorting") or {}
        columns, keys = [], []
        seen_expression = False
        for column_name, element in zip(column_names, expressions):
            element_key = column_name if column_name is not None else element
            suffix = _sort_suffix(sorting.get(element_key, ()))
            if column_name is not None:
                portable = portable_of.get(column_name)
                if method != "btree" and portable is not None and self._approximated(table_name, column_name):
                    self.warn(f"{label}: a {method} index on {column_name}, whose type was approximated; not imported")
                    return None
                if seen_expression:
                    self.warn(f"{label}: key order changed (columns are listed before expressions in a design)")
                columns.append(column_name + suffix)
            else:
                seen_expression = True
                keys.append(clean_expression(str(element), textual, enum_types) + suffix)
        where = options.get("postgresql_where")
        return Index(
            name=name,
            columns=columns,
            expressions=keys,
            unique=bool(item.get("unique")),
            method=method,
            where=clean_expression(where, textual, enum_types) if where else None,
            include=list(options.get("postgresql_include") or []),
        )

    def _approximated(self, table_name: str, column_name: str) -> bool:
        info = self.type_info.get((self.table_oid[table_name], column_name))
        if info is None:
            return False
        typname = info.element_typname if info.typcategory == "A" and info.element_typname else info.typname
        return typname not in _PORTABLE_TYPNAMES and typname not in ("varchar", "numeric") and info.typtype != "e"

    def _table_triggers(self, table_name: str, triggers: list, columns: dict[str, Column]) -> list[Trigger]:
        designed = []
        for trigger in triggers:
            arguments = _trigger_arguments(trigger.tgargs, trigger.tgnargs)
            if trigger.proname == UPDATED_AT_FUNCTION and len(arguments) == 1:
                designed.append(Trigger(kind="updated_at", column=arguments[0]))
                continue
            if trigger.proname.startswith(MAX_DEPTH_FUNCTION_PREFIX) and len(arguments) == 2 and arguments[1].isdigit():
                designed.append(Trigger(kind="max_depth", column=arguments[0], depth=int(arguments[1])))
                continue
            column = _sets_timestamp_on_update(trigger)
            if column is not None and column in columns and columns[column].portable_type.kind in ("timestamp", "timestamptz"):
                designed.append(Trigger(kind="updated_at", column=column))
                self.timestamp_triggers[(trigger.tgname, trigger.proname)].append(table_name)
                continue
            self.foreign_triggers[(trigger.tgname, trigger.proname)].append(table_name)
        return designed

    def _grouped_warnings(self) -> None:
        if self.serial_columns:
            self.warn("serial (nextval) defaults imported as identity (by default): " + ", ".join(self.serial_columns))
        for (trigger, function), tables in self.timestamp_triggers.items():
            self.warn(
                f"trigger {trigger} (function {function}) on {', '.join(tables)} only sets a timestamp on update;"
                " imported as updated_at triggers, which the design builds with schemasmith's own function"
            )
        for (trigger, function), tables in self.foreign_triggers.items():
            self.warn(
                f"trigger {trigger} (function {function}) on {', '.join(tables)} is not a schemasmith trigger kind;"
                " not imported"
            )

    def _implied_left_out(self, design: Design, conventions) -> dict[str, Table]:
        """Leave out what the conventions imply, and warn where the design implies more than the database has."""
        tables = {}
        for table_name, table in design.tables.items():
            columns = dict(table.columns)
            if len(table.primary_key) == 1 and table.primary_key[0] in columns:
                key_name = table.primary_key[0]
                key = columns[key_name]
                portable = key.portable_type
                if conventions.primary_key == "identity" and portable.is_integer and key.identity == "by default":
                    columns[key_name] = key.model_copy(update={"identity": None})
                if (
                    portable.kind == "uuid"
                    and key.default is None
                    and key.generated is None
                    and not self._had_uuid_default(table_name, key_name)
                ):
                        self.warn(
                            f"{table_name}.{key_name}: a uuid primary key without a default; the design implies"
                            " gen_random_uuid()"
                        )
            updated_at = columns.get("updated_at")
            if (
                updated_at is not None
                and updated_at.portable_type.kind in ("timestamp", "timestamptz")
                and not any(trigger.kind == "updated_at" for trigger in table.triggers)
            ):
                self.warn(
                    f"{table_name}.updated_at: no trigger keeps it current in the database; the design implies one"
                    " (schemasmith's updated_at trigger)"
                )
            tables[table_name] = table.model_copy(update={"columns": columns})
        return tables

    def _had_uuid_default(self, table_name: str, column_name: str) -> bool:
        rows = self.query(
            "SELECT pg_get_expr(d.adbin, d.adrelid) AS expression FROM pg_attrdef d JOIN pg_attribute a"
            " ON a.attrelid = d.adrelid AND a.attnum = d.adnum WHERE d.adrelid = :oid AND a.attname = :column",
            oid=self.table_oid[table_name],
            column=column_name,
        )
        return bool(rows) and _call_name(rows[0].expression) in _UUID_KEY_FUNCTIONS

    def _check(self, design: Design) -> None:
        from ..model.invariants import check_invariants

        for problem in check_invariants(design):
            self.warn(f"the imported design is not consistent: {problem}")


_TIMESTAMP_BODY = re.compile(
    r"^(?:DECLARE\s+)?BEGIN\s+NEW\.(?P<column>\"(?:[^\"]|\"\")+\"|[A-Za-z_][A-Za-z0-9_$]*)\s*:?=\s*"
    r"(?:now\(\)|current_timestamp|transaction_timestamp\(\)|localtimestamp)\s*;\s*RETURN\s+NEW\s*;\s*END\s*;?$",
    re.IGNORECASE,
)


def _sets_timestamp_on_update(trigger) -> str | None:
    """The column a BEFORE UPDATE row trigger sets to now() and nothing else, or None."""
    row, before, insert, delete, update, truncate = (bool(trigger.tgtype & bit) for bit in (1, 2, 4, 8, 16, 32))
    if not (row and before and update) or insert or delete or truncate or trigger.has_condition or trigger.column_count:
        return None
    if trigger.lanname != "plpgsql" or not trigger.prosrc:
        return None
    body = re.sub(r"--[^\n]*", " ", trigger.prosrc)
    body = re.sub(r"/\*.*?\*/", " ", body, flags=re.DOTALL)
    match = _TIMESTAMP_BODY.match(" ".join(body.split()))
    if match is None:
        return None
    column = match["column"]
    return column[1:-1].replace('""', '"') if column.startswith('"') else column.lower()


def _domain_check(definition: str, column: str) -> str:
    """A domain's `CHECK (VALUE …)` as a check on `column`."""
    from pglast import ast
    from pglast.stream import RawStream

    text = re.sub(r"\s+NOT VALID$", "", definition.strip())
    text = re.sub(r"^CHECK\s*", "", text)
    node = parse_statement(text)
    if node is None:
        return text
    node = clean_node(node, set(), set())

    def replace(value):
        if isinstance(value, tuple):
            return tuple(replace(item) for item in value)
        if isinstance(value, ast.ColumnRef) and len(value.fields) == 1 and getattr(value.fields[0], "sval", "") == "value":
            return ast.ColumnRef(fields=(ast.String(sval=column),))
        if isinstance(value, ast.Node):
            for attribute in value.__slots__:
                current = getattr(value, attribute, None)
                if isinstance(current, (ast.Node, tuple)):
                    setattr(value, attribute, replace(current))
        return value

    return lowercase_function_keywords(RawStream()(replace(node)))


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


def _call_name(text: str | None) -> str | None:
    from pglast import ast

    node = parse_statement(text or "")
    if isinstance(node, ast.FuncCall) and not node.args:
        return node.funcname[-1].sval.lower()
    return None


# --- DDL through a scratch database ------------------------------------------------------------

_DATABASE_STATEMENT = re.compile(r"^(CREATE|DROP|ALTER)\s+DATABASE\b", re.IGNORECASE)
_CONNECT = re.compile(r"^\\(c|connect)(\s|$)")
_FORBIDDEN_META = re.compile(r"^\\(!|o\b|out\b|w\b|write\b|copy\b|setenv\b|g\w*\s*\|)", re.IGNORECASE)
_COPY_PROGRAM = re.compile(r"^COPY\b.*\bPROGRAM\b", re.IGNORECASE | re.DOTALL)


def _blank(text: str) -> str:
    """`text` with everything but line breaks turned into spaces: line numbers stay where they were."""
    return re.sub(r"[^\n]", " ", text)


def _prepare_script(sql: str, label: str) -> tuple[str, list[str]]:
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
    prepared, notes = _prepare_script(sql, label)
    design_name = name or (re.sub(r"[^a-z0-9_]+", "_", Path(file).stem.lower()).strip("_") if file else "") or "imported"
    with scratch_database(server_url, prefix="import") as url:
        apply_script(url, prepared, label)
        schema = _schema_to_import(url)
        result = import_database(url, schema=schema, name=design_name)
    result.warnings = notes + result.warnings
    return result


def _schema_to_import(url: str) -> str:
    """`public`, unless it has no tables and exactly one other schema has."""
    import psycopg

    try:
        with psycopg.connect(libpq_url(url)) as connection:
            rows = connection.execute(
                "SELECT n.nspname, count(c.oid) FROM pg_namespace n LEFT JOIN pg_class c"
                " ON c.relnamespace = n.oid AND c.relkind IN ('r', 'p')"
                " WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'"
                " GROUP BY n.nspname"
            ).fetchall()
    except psycopg.Error:
        return "public"
    counts = {row[0]: row[1] for row in rows}
    others = [schema for schema, count in counts.items() if schema != "public" and count]
    if not counts.get("public") and len(others) == 1:
        return others[0]
    return "public"
