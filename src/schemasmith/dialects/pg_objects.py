"""PostgreSQL DDL for the objects beside tables: schemas, extensions, collations, domains, types,
sequences, functions and procedures, views and materialized views, grants, default privileges.

`ObjectRenderer` spells each object's CREATE (with its comments), its DROP and, where PostgreSQL
has one, its replacing or altering form; `schema.sql` takes its sections from here, in the order
PostgreSQL needs them around the enums and tables (see `PostgresRenderer.render`), and the
migration renderer takes the single pieces. SQL bodies (a view's query, a routine's definition,
a type's definition) are written as the design keeps them, after checking that each is exactly
the one statement it should be. Quoting comes from the PostgreSQL dialect through `Spelling`,
so this module does not import `postgres.py` (which imports it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

from ..errors import Problem, SchemaError
from ..model import naming
from ..model.document import Design, Index, Table
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
from ..model.parts import IndexKey
from ..model.types import parse_type
from .common import checked_expression
from .pg_definitions import (
    dependency_order,
    normal_key,
    parse_one,
    query_facts,
    routine_facts,
    split_name,
    split_signature,
)

#: security_invoker on views exists from PostgreSQL 15 on.
SECURITY_INVOKER_VERSION = 15
#: What pg_dump writes first, so routines may be created before the tables their bodies read.
NO_BODY_CHECKS = "SET check_function_bodies = false;"

#: `grants[].object` kinds: (how the design writes it, how GRANT spells it, how the name is quoted).
OBJECT_KINDS = (
    ("all tables in schema", "ALL TABLES IN SCHEMA", "identifiers"),
    ("all sequences in schema", "ALL SEQUENCES IN SCHEMA", "identifiers"),
    ("all functions in schema", "ALL FUNCTIONS IN SCHEMA", "identifiers"),
    ("all procedures in schema", "ALL PROCEDURES IN SCHEMA", "identifiers"),
    ("all routines in schema", "ALL ROUTINES IN SCHEMA", "identifiers"),
    ("materialized view", "TABLE", "qualified"),
    ("foreign data wrapper", "FOREIGN DATA WRAPPER", "identifiers"),
    ("foreign server", "FOREIGN SERVER", "identifiers"),
    ("table", "TABLE", "qualified"),
    ("view", "TABLE", "qualified"),
    ("sequence", "SEQUENCE", "qualified"),
    ("schema", "SCHEMA", "identifiers"),
    ("function", "FUNCTION", "signature"),
    ("procedure", "PROCEDURE", "signature"),
    ("routine", "ROUTINE", "signature"),
    ("type", "TYPE", "qualified"),
    ("domain", "DOMAIN", "qualified"),
    ("database", "DATABASE", "identifiers"),
    ("language", "LANGUAGE", "identifiers"),
    ("tablespace", "TABLESPACE", "identifiers"),
)
PRIVILEGES = {
    "select", "insert", "update", "delete", "truncate", "references", "trigger", "usage", "create", "connect",
    "temporary", "temp", "execute", "maintain", "set", "alter system", "all", "all privileges",
}
DEFAULT_PRIVILEGE_OBJECTS = {"tables": "TABLES", "sequences": "SEQUENCES", "functions": "FUNCTIONS", "types": "TYPES", "schemas": "SCHEMAS"}
TYPE_DEFINITIONS = ("CompositeTypeStmt", "CreateEnumStmt", "CreateRangeStmt", "DefineStmt")

_PRIVILEGE = re.compile(r"^(?P<word>[a-z][a-z ]*?)\s*(?:\((?P<columns>[^()]*)\))?$")
_STORAGE_KEY = re.compile(r"^[a-z_][a-z0-9_.]*$")
_PLAIN_VALUE = re.compile(r"^(?:[A-Za-z_][A-Za-z0-9_]*|[+-]?\d+(?:\.\d+)?)$")
_CREATE_ROUTINE = re.compile(r"^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(FUNCTION|PROCEDURE|AGGREGATE)\b", re.I)


@dataclass
class Spelling:
    """How PostgreSQL quotes: its dialect object, and its spellings of `schema.name` and of roles."""

    dialect: Any  # dialects.postgres.PostgresDialect
    qualified: Callable[[str], str]
    role: Callable[[str], str]

    def identifier(self, name: str) -> str:
        return self.dialect.quote_identifier(name)

    def literal(self, text: str) -> str:
        return self.dialect.quote_literal(text)


def storage_sql(storage: dict) -> str:
    """`fillfactor = 70, autovacuum_enabled = false` (keys checked to be parameter names)."""
    parts = []
    for key, value in storage.items():
        if not _STORAGE_KEY.match(str(key)):
            raise SchemaError("the design holds a storage parameter that is not a name", [Problem(f"storage parameter {key!r}")])
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, (int, float)):
            text = str(value)
        else:
            text = str(value) if _PLAIN_VALUE.match(str(value)) else "'" + str(value).replace("'", "''") + "'"
        parts.append(f"{key} = {text}")
    return ", ".join(parts)


def view_index_names(view_name: str, view: View) -> list[str]:
    """Each materialized-view index's name: its own, or the conventional `{view}_{keys}_idx`."""
    return naming.index_names(split_name(view_name)[1], Table(columns={}, indexes=view.indexes))


class ObjectRenderer:
    """The SQL of one design's non-table objects, for `schema.sql` and for migration steps."""

    def __init__(self, design: Design, renderer, spelling: Spelling):
        self.design = design
        self.renderer = renderer  # dialects.postgres.PostgresRenderer: defaults, types, warnings, version
        self.spelling = spelling
        self.q = spelling.identifier
        self.qq = spelling.qualified
        self.literal = spelling.literal

    # --- comments ----------------------------------------------------------------------------

    def comment(self, kind: str, target: str, text: str | None) -> list[str]:
        """COMMENT ON … when the object has one (nothing otherwise: a new object has none)."""
        return [] if text is None else [self.set_comment(kind, target, text)]

    def set_comment(self, kind: str, target: str, text: str | None) -> str:
        return f"COMMENT ON {kind} {target} IS {'NULL' if text is None else self.literal(text)};"

    # --- schemas, extensions, collations -------------------------------------------------------

    def create_schema(self, name: str, schema: Schema) -> list[str]:
        return [f"CREATE SCHEMA {self.q(name)};", *self.comment("SCHEMA", self.q(name), schema.comment)]

    def drop_schema(self, name: str) -> list[str]:
        return [f"DROP SCHEMA {self.q(name)};"]

    def create_extension(self, name: str, extension: Extension) -> list[str]:
        text = f"CREATE EXTENSION IF NOT EXISTS {self.q(name)}"
        if extension.in_schema:
            text += f" SCHEMA {self.q(extension.in_schema)}"
        if extension.version:
            text += f" VERSION {self.literal(extension.version)}"
        return [text + ";", *self.comment("EXTENSION", self.q(name), extension.comment)]

    def drop_extension(self, name: str) -> list[str]:
        return [f"DROP EXTENSION {self.q(name)};"]

    def update_extension(self, name: str, version: str | None) -> list[str]:
        target = f" TO {self.literal(version)}" if version else ""
        return [f"ALTER EXTENSION {self.q(name)} UPDATE{target};"]

    def move_extension(self, name: str, schema: str | None) -> list[str]:
        return [f"ALTER EXTENSION {self.q(name)} SET SCHEMA {self.q(schema or 'public')};"]

    def create_collation(self, name: str, collation: Collation) -> list[str]:
        options = [f"provider = {collation.provider}"]
        for key in ("locale", "lc_collate", "lc_ctype"):
            value = getattr(collation, key)
            if value is not None:
                options.append(f"{key} = {self.literal(value)}")
        if not collation.deterministic:
            options.append("deterministic = false")
        text = f"CREATE COLLATION {self.qq(name)} ({', '.join(options)});"
        return [text, *self.comment("COLLATION", self.qq(name), collation.comment)]

    def drop_collation(self, name: str) -> list[str]:
        return [f"DROP COLLATION {self.qq(name)};"]

    # --- domains and types -----------------------------------------------------------------------

    def type_sql(self, text: str) -> str:
        return self.spelling.dialect.column_type(parse_type(text), self.renderer.style)

    def domain_default_sql(self, name: str, domain: Domain) -> str | None:
        if domain.default is None:
            return None
        return self.renderer.default_sql(f"domains.{name}", parse_type(domain.type), domain.default, False)

    def domain_check_name(self, name: str, domain: Domain, position: int) -> str:
        check = domain.checks[position]
        return check.name or naming.check_name(split_name(name)[1], position)

    def domain_check_sql(self, name: str, domain: Domain, position: int) -> str:
        check = domain.checks[position]
        expression = checked_expression(check.expression, f"domains.{name}", "domain check")
        return f"CONSTRAINT {self.q(self.domain_check_name(name, domain, position))} CHECK ({expression})"

    def create_domain(self, name: str, domain: Domain) -> list[str]:
        text = f"CREATE DOMAIN {self.qq(name)} AS {self.type_sql(domain.type)}"
        if domain.collation:
            text += f" COLLATE {self.qq(domain.collation)}"
        default = self.domain_default_sql(name, domain)
        if default is not None:
            text += f" DEFAULT {default}"
        if not domain.nullable:
            text += " NOT NULL"
        later = []
        for position, check in enumerate(domain.checks):
            if check.not_valid:  # CREATE DOMAIN has no NOT VALID: added after, unchecked
                later.append(f"ALTER DOMAIN {self.qq(name)} ADD {self.domain_check_sql(name, domain, position)} NOT VALID;")
            else:
                text += f"\n    {self.domain_check_sql(name, domain, position)}"
        return [text + ";", *later, *self.comment("DOMAIN", self.qq(name), domain.comment)]

    def drop_domain(self, name: str) -> list[str]:
        return [f"DROP DOMAIN {self.qq(name)};"]

    def create_type(self, name: str, kind: CompositeType) -> list[str]:
        if kind.definition is not None:
            text = kind.definition.strip().rstrip(";").rstrip()
            parse_one(text, TYPE_DEFINITIONS, f"types.{name}", "a type's definition")
            statements = [text + ";"]
        else:
            attributes = ",\n    ".join(f"{self.q(attribute)} {self.type_sql(text)}" for attribute, text in kind.attributes.items())
            statements = [f"CREATE TYPE {self.qq(name)} AS (\n    {attributes}\n);" if attributes else f"CREATE TYPE {self.qq(name)} AS ();"]
        return statements + self.comment("TYPE", self.qq(name), kind.comment)

    def drop_type(self, name: str) -> list[str]:
        return [f"DROP TYPE {self.qq(name)};"]

    def alter_type_attributes(self, name: str, old: CompositeType, new: CompositeType) -> list[str]:
        """ALTER TYPE … ADD / DROP / ALTER ATTRIBUTE: a composite type changed in place."""
        actions = [f"DROP ATTRIBUTE {self.q(attribute)}" for attribute in old.attributes if attribute not in new.attributes]
        for attribute, text in new.attributes.items():
            if attribute not in old.attributes:
                actions.append(f"ADD ATTRIBUTE {self.q(attribute)} {self.type_sql(text)}")
            elif old.attributes[attribute] != text:
                actions.append(f"ALTER ATTRIBUTE {self.q(attribute)} TYPE {self.type_sql(text)}")
        return [f"ALTER TYPE {self.qq(name)}\n    " + ",\n    ".join(actions) + ";"] if actions else []

    # --- sequences -------------------------------------------------------------------------------

    def sequence_options(self, sequence: Sequence) -> list[str]:
        options = [] if sequence.type == "bigint" else [f"AS {sequence.type}"]
        for label, value in (("INCREMENT BY", sequence.increment), ("MINVALUE", sequence.minimum), ("MAXVALUE", sequence.maximum),
                             ("START WITH", sequence.start), ("CACHE", sequence.cache)):
            if value is not None:
                options.append(f"{label} {int(value)}")
        if sequence.cycle:
            options.append("CYCLE")
        return options

    def create_sequence(self, name: str, sequence: Sequence) -> list[str]:
        options = self.sequence_options(sequence)
        text = f"CREATE SEQUENCE {self.qq(name)}" + ("\n    " + "\n    ".join(options) if options else "") + ";"
        return [text, *self.comment("SEQUENCE", self.qq(name), sequence.comment)]

    def alter_sequence(self, name: str, sequence: Sequence) -> list[str]:
        """ALTER SEQUENCE setting every option to the design's value (absent ones to their defaults)."""
        increment = sequence.increment if sequence.increment is not None else 1
        start = sequence.start
        if start is None:
            start = (sequence.minimum if sequence.minimum is not None else 1) if increment > 0 else (sequence.maximum if sequence.maximum is not None else -1)
        options = [
            f"AS {sequence.type}",
            f"INCREMENT BY {int(increment)}",
            "NO MINVALUE" if sequence.minimum is None else f"MINVALUE {int(sequence.minimum)}",
            "NO MAXVALUE" if sequence.maximum is None else f"MAXVALUE {int(sequence.maximum)}",
            f"START WITH {int(start)}",
            f"CACHE {int(sequence.cache if sequence.cache is not None else 1)}",
            "CYCLE" if sequence.cycle else "NO CYCLE",
        ]
        return [f"ALTER SEQUENCE {self.qq(name)}\n    " + "\n    ".join(options) + ";"]

    def owned_by(self, name: str, owner: str | None) -> list[str]:
        """ALTER SEQUENCE … OWNED BY table.column (or NONE)."""
        if owner is None:
            return [f"ALTER SEQUENCE {self.qq(name)} OWNED BY NONE;"]
        table, dot, column = owner.rpartition(".")
        if not dot or not table or not column:
            raise SchemaError("a sequence's owner is not table.column", [Problem(f"owned_by {owner!r}", where=f"sequences.{name}")])
        return [f"ALTER SEQUENCE {self.qq(name)} OWNED BY {self.qq(table)}.{self.q(column)};"]

    def drop_sequence(self, name: str, sequence: Sequence) -> list[str]:
        # A sequence owned by a column goes with its table; the table may already be gone.
        return [f"DROP SEQUENCE {'IF EXISTS ' if sequence.owned_by else ''}{self.qq(name)};"]

    # --- routines --------------------------------------------------------------------------------

    def signature_sql(self, signature: str) -> str:
        """`name(argument types)` quoted: the name part by part, the types as written (checked)."""
        name, arguments = split_signature(signature)
        text = f"{self.qq(name)}({arguments})"
        parse_one(f"DROP FUNCTION {text}", ("DropStmt",), f"functions.{signature}", "a function's signature")
        return text

    def routine_kind(self, signature: str, function: Function) -> str:
        return routine_facts(function.definition, f"functions.{signature}").kind

    def create_routine(self, signature: str, function: Function, replace: bool = False) -> list[str]:
        where = f"functions.{signature}"
        text = function.definition.strip().rstrip(";").rstrip()
        facts = routine_facts(text, where)
        if replace:
            text = _CREATE_ROUTINE.sub(lambda match: f"CREATE OR REPLACE {match[1].upper()}", text, count=1)
        return [text + ";", *self.comment(facts.kind, self.signature_sql(signature), function.comment)]

    def drop_routine(self, signature: str, function: Function) -> list[str]:
        return [f"DROP {self.routine_kind(signature, function)} {self.signature_sql(signature)};"]

    def routine_after_tables(self, signature: str, function: Function) -> bool:
        """Whether the routine must wait for the tables: it names a table's row type, or its body is parsed at creation."""
        facts = routine_facts(function.definition, f"functions.{signature}")
        tables = {normal_key(name) for name in self.design.tables}
        return facts.atomic_body or bool({normal_key(name) for name in facts.type_names} & tables)

    # --- views -----------------------------------------------------------------------------------

    def view_kind(self, view: View) -> str:
        return "MATERIALIZED VIEW" if view.materialized else "VIEW"

    def create_view(self, name: str, view: View, replace: bool = False) -> list[str]:
        where = f"views.{name}"
        query = view.query.strip().rstrip(";").rstrip()
        query_facts(query, where)
        columns = f" ({', '.join(self.q(column) for column in view.columns)})" if view.columns else ""
        if view.materialized:
            text = f"CREATE MATERIALIZED VIEW {self.qq(name)}{columns} AS\n{query}" + ("" if view.with_data else "\nWITH NO DATA") + ";"
            statements = [text]
            statements += [self.view_index_sql(name, index_name, index) for index_name, index in zip(view_index_names(name, view), view.indexes)]
        else:
            options = []
            if view.security_barrier:
                options.append("security_barrier = true")
            if view.security_invoker:
                if self.renderer.version < SECURITY_INVOKER_VERSION:
                    raise SchemaError(
                        "the design needs a newer PostgreSQL than it targets",
                        [Problem(f"security_invoker views need PostgreSQL {SECURITY_INVOKER_VERSION} or later, the target is"
                                 f" {self.renderer.version}; set conventions.postgres_version: {SECURITY_INVOKER_VERSION}", where=where)],
                    )
                options.append("security_invoker = true")
            head = "CREATE OR REPLACE VIEW" if replace else "CREATE VIEW"
            text = f"{head} {self.qq(name)}{columns}" + (f" WITH ({', '.join(options)})" if options else "") + f" AS\n{query}"
            if view.check_option:
                text += f"\n  WITH {view.check_option.upper()} CHECK OPTION"
            statements = [text + ";"]
        if not replace:  # CREATE OR REPLACE keeps the view's triggers; a new view needs them made
            for trigger in view.triggers:
                statements.extend(self.renderer.general_trigger_statements(name, trigger))
        statements += self.view_comments(name, view)
        return statements

    def view_comments(self, name: str, view: View, everything: bool = False) -> list[str]:
        """The view's comments (`everything`: NULL ones too, after CREATE OR REPLACE)."""
        kind = self.view_kind(view)
        statements = [self.set_comment(kind, self.qq(name), view.comment)] if everything else self.comment(kind, self.qq(name), view.comment)
        for column, text in view.column_comments.items():
            statements.append(self.set_comment("COLUMN", f"{self.qq(name)}.{self.q(column)}", text))
        return statements

    def view_index_sql(self, view_name: str, index_name: str, index: Index) -> str:
        """CREATE INDEX on a materialized view: the same as on a table (the design's own definition when it has one)."""
        return self.renderer.index_sql(view_name, Table(columns={}), index_name, index)

    def index_key_sql(self, key: IndexKey, body: str | None = None) -> str:
        text = body if body is not None else self.q(key.column)
        if key.descending:
            text += " DESC"
        if key.nulls:
            text += f" NULLS {key.nulls.upper()}"
        return text

    def drop_view(self, name: str, view: View) -> list[str]:
        return [f"DROP {self.view_kind(view)} {self.qq(name)};"]

    def refresh_view(self, name: str, with_data: bool) -> list[str]:
        return [f"REFRESH MATERIALIZED VIEW {self.qq(name)}{'' if with_data else ' WITH NO DATA'};"]

    # --- privileges --------------------------------------------------------------------------------

    def privileges_sql(self, privileges: list[str], where: str) -> str:
        parts = []
        for text in privileges:
            match = _PRIVILEGE.match(" ".join(text.strip().lower().split()))
            if match is None or match["word"] not in PRIVILEGES:
                raise SchemaError("the design grants a privilege PostgreSQL does not have", [Problem(f"privilege {text!r}", where=where)])
            part = match["word"].upper()
            if match["columns"] is not None:
                part += " (" + ", ".join(self.q(column.strip()) for column in match["columns"].split(",")) + ")"
            parts.append(part)
        return ", ".join(parts)

    def object_sql(self, text: str, where: str) -> str:
        """`table orders` → `TABLE orders`, `function auth.uid()` → `FUNCTION auth.uid()`."""
        lowered = " ".join(text.strip().split())
        for written, spelled, quoting in OBJECT_KINDS:
            if lowered.lower().startswith(written + " "):
                name = lowered[len(written) + 1:].strip()
                if quoting == "identifiers":
                    return f"{spelled} " + ", ".join(self.q(part.strip()) for part in name.split(","))
                if quoting == "signature":
                    return f"{spelled} {self.signature_sql(name)}"
                return f"{spelled} {self.qq(name)}"
        raise SchemaError("the design grants on an object it does not name", [Problem(f"object {text!r}: write it as 'table orders', 'schema auth', 'function f(integer)', …", where=where)])

    def grant_sql(self, grant: Grant, revoke: bool = False) -> str:
        where = f"grants.{grant.object}"
        privileges, target, role = self.privileges_sql(grant.privileges, where), self.object_sql(grant.object, where), self.spelling.role(grant.to)
        if revoke:
            return f"REVOKE {privileges} ON {target} FROM {role};"
        return f"GRANT {privileges} ON {target} TO {role}{' WITH GRANT OPTION' if grant.grant_option else ''};"

    def default_privilege_sql(self, item: DefaultPrivilege, revoke: bool = False) -> str:
        where = f"default_privileges.{item.objects}"
        text = "ALTER DEFAULT PRIVILEGES"
        if item.for_role:
            text += f" FOR ROLE {self.spelling.role(item.for_role)}"
        if item.in_schema:
            text += f" IN SCHEMA {self.q(item.in_schema)}"
        privileges, objects, role = self.privileges_sql(item.privileges, where), DEFAULT_PRIVILEGE_OBJECTS[item.objects], self.spelling.role(item.to)
        if revoke:
            return f"{text} REVOKE {privileges} ON {objects} FROM {role};"
        return f"{text} GRANT {privileges} ON {objects} TO {role}{' WITH GRANT OPTION' if item.grant_option else ''};"

    # --- what is built, in order -------------------------------------------------------------------

    def built(self, kind: str, name: str, item: Function | View) -> bool:
        """Whether an object written in some dialect's SQL is PostgreSQL's (a warning when it is not)."""
        if item.dialect == self.spelling.dialect.name:
            return True
        warning = f"{kind} {name} is written for {item.dialect}; not built for PostgreSQL"
        if warning not in self.renderer.warnings:
            self.renderer.warnings.append(warning)
        return False

    def routines(self) -> dict[str, Function]:
        return {signature: function for signature, function in self.design.functions.items() if self.built("function", signature, function)}

    def views(self) -> dict[str, View]:
        return {name: view for name, view in self.design.views.items() if self.built("view", name, view)}

    def view_order(self, views: dict[str, View]) -> list[str]:
        """Views after the views they read (plain views before materialized ones where either order works)."""
        keys = list(views)
        by_key = {normal_key(key): key for key in keys}
        depends = {}
        for key, view in views.items():
            relations = query_facts(view.query.strip().rstrip(";"), f"views.{key}").relations
            depends[key] = {by_key[relation] for relation in (normal_key(r) for r in relations) if relation in by_key}
        return dependency_order(keys, depends, later={key for key, view in views.items() if view.materialized})

    def type_order(self) -> list[str]:
        """Composite types after the composite types their attributes use."""
        keys = list(self.design.types)
        by_key = {normal_key(key): key for key in keys}
        depends = {}
        for key, kind in self.design.types.items():
            used = {normal_key(text.split(":", 1)[1].rstrip("[]")) for text in kind.attributes.values() if text.startswith("type:")}
            depends[key] = {by_key[name] for name in used if name in by_key}
        return dependency_order(keys, depends)

    def domain_order(self) -> list[str]:
        keys = list(self.design.domains)
        by_key = {normal_key(key): key for key in keys}
        depends = {}
        for key, domain in self.design.domains.items():
            base = domain.type.split(":", 1)[1].rstrip("[]") if domain.type.startswith("domain:") else None
            depends[key] = {by_key[normal_key(base)]} if base is not None and normal_key(base) in by_key else set()
        return dependency_order(keys, depends)

    # --- the sections of schema.sql ----------------------------------------------------------------

    def opening_sections(self) -> list[list[str]]:
        """Before the enums: the function-body setting, schemas, extensions, collations."""
        design = self.design
        sections = [[NO_BODY_CHECKS]] if self.routines() else []
        sections.append(["\n".join(self.create_schema(name, schema)) for name, schema in design.schemas.items()])
        sections.append(["\n".join(self.create_extension(name, extension)) for name, extension in design.extensions.items()])
        sections.append(["\n".join(self.create_collation(name, collation)) for name, collation in design.collations.items()])
        return [section for section in sections if section]

    def type_sections(self) -> list[list[str]]:
        """After the enums, before the tables: domains, types, sequences, routines that need no table."""
        design = self.design
        sections = [
            ["\n".join(self.create_domain(name, design.domains[name])) for name in self.domain_order()],
            ["\n".join(self.create_type(name, design.types[name])) for name in self.type_order()],
            ["\n".join(self.create_sequence(name, sequence)) for name, sequence in design.sequences.items()],
            ["\n".join(self.create_routine(signature, function)) for signature, function in self.routines().items()
             if not self.routine_after_tables(signature, function)],
        ]
        return [section for section in sections if section]

    def after_table_sections(self) -> list[list[str]]:
        """After the tables: routines over their row types, views in dependency order, sequence owners."""
        routines = self.routines()
        views = self.views()
        sections = [
            ["\n".join(self.create_routine(signature, function)) for signature, function in routines.items()
             if self.routine_after_tables(signature, function)],
            ["\n".join(self.create_view(name, views[name])) for name in self.view_order(views)],
            [statement for name, sequence in self.design.sequences.items() if sequence.owned_by for statement in self.owned_by(name, sequence.owned_by)],
        ]
        return [section for section in sections if section]

    def privilege_sections(self) -> list[list[str]]:
        """Last: grants, then default privileges."""
        sections = [
            [self.grant_sql(grant) for grant in self.design.grants],
            [self.default_privilege_sql(item) for item in self.design.default_privileges],
        ]
        return [section for section in sections if section]
