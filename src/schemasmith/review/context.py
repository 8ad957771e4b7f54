"""What every rule reads: the design, the profile, and facts computed once per review.

Rules stay small because the shared questions live here: which indexes a foreign key can use,
which foreign keys point at a table, which tables are junctions, users or the tenant root, and
the prose a table's author wrote (comments, rationale, notes, reasons) that rules read for intent.
"""

from __future__ import annotations

import re
from functools import cached_property

from ..model import conventions as observed
from ..model.document import Design, ForeignKey, Table
from .fixes import SqlWriter, table_snippet, yaml_snippet
from .objects import FunctionFacts, function_facts, in_postgres_sql, trigger_function
from .options import ReviewSettings
from .profiles import Profile
from .words import identifiers, singular

#: Names of the table of people who sign in, most likely first; the first one present is it.
USER_TABLES = ("users", "user", "app_users", "accounts", "members", "people", "persons", "profiles")
#: Names of tenant roots, most specific first.
TENANT_TABLES = ("tenants", "organizations", "organisations", "workspaces", "companies", "accounts", "teams")

_NOT_NULL_PREDICATE = re.compile(r"^\(?\s*\"?(?P<column>[A-Za-z_][A-Za-z0-9_]*)\"?\s+is\s+not\s+null\s*\)?$", re.IGNORECASE)


class Context:
    def __init__(self, design: Design, *, origin: str, profile: Profile, settings: ReviewSettings | None = None):
        self.design = design
        self.origin = origin
        self.profile = profile
        self.settings = settings or ReviewSettings()
        self.sql = SqlWriter(profile.dialect, live=origin != "design", enum_style=design.conventions.enum_types)

    # --- sources ----------------------------------------------------------------------------

    @property
    def from_design(self) -> bool:
        """The schema is a design document (so fixes include the design change)."""
        return self.origin == "design"

    def patch(self, table: str, **sections) -> str | None:
        """The design-document change, when the schema is a design document."""
        return table_snippet(table, **sections) if self.from_design else None

    def object_patch(self, section: str, name: str, extra: dict | None = None, **fields) -> str | None:
        """The change to one view, function, … of the design (`views: {name: fields}`), with other
        top-level changes first (`extra`, e.g. conventions), when the schema is a design document."""
        return yaml_snippet({**(extra or {}), section: {name: fields}}) if self.from_design else None

    # --- structure --------------------------------------------------------------------------

    @cached_property
    def incoming(self) -> dict[str, list[tuple[str, ForeignKey]]]:
        """Foreign keys pointing at each table: (referencing table, foreign key), design order."""
        result: dict[str, list[tuple[str, ForeignKey]]] = {name: [] for name in self.design.tables}
        for name, table in self.design.tables.items():
            for foreign_key in table.foreign_keys:
                result.setdefault(foreign_key.references.table, []).append((name, foreign_key))
        return result

    def leading_column_lists(self, table: Table) -> list[list[str]]:
        """Column lists a lookup by their leading columns can use: keys and plain btree indexes.

        A partial index counts when its predicate is `col IS NOT NULL` for one of its columns:
        an equality on that column implies the predicate, so PostgreSQL uses it for the lookup.
        """
        known = set(table.columns)
        lists = []
        if table.primary_key:
            lists.append(list(table.primary_key))
        lists.extend(list(unique.columns) for unique in table.unique)
        for index in table.indexes:
            if index.method not in ("btree", "hash") or not index.columns:
                continue
            columns = [key.column for key in index.keys(known)]
            if index.where:
                match = _NOT_NULL_PREDICATE.match(index.where.strip())
                if not match or match["column"] not in columns:
                    continue
            if index.method == "hash":
                columns = columns[:1]
            lists.append(columns)
        return lists

    def starts_an_index(self, table: Table, columns: list[str]) -> bool:
        wanted = set(columns)
        return any(set(found[: len(wanted)]) == wanted for found in self.leading_column_lists(table))

    def unique_column_sets(self, table: Table) -> list[set[str]]:
        """Column sets that are unique: primary key, unique constraints, plain unique indexes."""
        sets = []
        if table.primary_key:
            sets.append(set(table.primary_key))
        sets.extend(set(unique.columns) for unique in table.unique)
        known = set(table.columns)
        sets.extend(
            {key.column for key in index.keys(known)}
            for index in table.indexes
            if index.unique and not index.where and not index.expressions
        )
        return sets

    def checked_columns(self, table: Table) -> set[str]:
        """Columns named in a CHECK constraint of the table."""
        words: set[str] = set()
        for check in table.checks:
            words |= identifiers(check.expression)
        return {column for column in table.columns if column.lower() in words}

    def queries_about(self, table: str) -> list:
        """The workload's queries that name a table (as a word of their SQL)."""
        index = self.__dict__.get("_queries_about")
        if index is None:
            index = {}
            lowered = {name.lower(): name for name in self.design.tables}
            for query in self.design.queries:
                for word in identifiers(query.sql):
                    if word in lowered:
                        index.setdefault(lowered[word], []).append(query)
            self.__dict__["_queries_about"] = index
        return index.get(table, [])

    def is_junction(self, name: str) -> bool:
        """Declared `kind: junction`, or two foreign keys and nothing but keys and audit fields."""
        table = self.design.tables[name]
        if table.kind is not None:
            return table.kind == "junction"
        if len(table.foreign_keys) != 2:
            return False
        key_columns = {column for fk in table.foreign_keys for column in fk.columns}
        ignorable = key_columns | set(self.design.conventions.audit_fields) | {"id", "deleted_at", "created_at", "updated_at"}
        return all(column in ignorable for column in table.columns)

    @cached_property
    def user_table(self) -> str | None:
        """The table of people who sign in, found by its name."""
        return next((name for name in USER_TABLES if name in self.design.tables), None)

    # --- objects beside tables -------------------------------------------------------------

    def relation(self, schema: str | None, name: str) -> str | None:
        """The design's key of the table or view a query names (`orders`, `billing.invoices`).

        A name qualified with a schema the design does not declare is in the default schema."""
        candidates = [f"{schema}.{name}"] if schema else []
        if schema is None or schema not in self.design.schemas:
            candidates.append(name)
        return next((key for key in candidates if key in self.design.tables or key in self.design.views), None)

    def qualified(self, key: str) -> str:
        """SQL for a design object's name keyed `name` or `schema.name` (schema declared), quoted."""
        schema, _, name = key.partition(".")
        if name and schema in self.design.schemas:
            return f"{self.sql.q(schema)}.{self.sql.q(name)}"
        return self.sql.q(key)

    @cached_property
    def function_facts(self) -> dict[str, FunctionFacts]:
        """What each PostgreSQL function of the design declares, by signature (unparsable ones left out)."""
        found = {}
        for signature, function in self.design.functions.items():
            facts = function_facts(function.definition) if in_postgres_sql(function.dialect) else None
            if facts is not None:
                found[signature] = facts
        return found

    @cached_property
    def trigger_uses(self) -> dict[str, list[tuple[str, str]]]:
        """(table, trigger name) of each general trigger, by the signature of the function it executes."""
        by_name: dict[tuple[str, ...], str] = {}
        for signature in self.design.functions:
            name = tuple(signature.split("(", 1)[0].split("."))
            if signature.endswith("()"):  # trigger functions declare no arguments
                by_name[name] = signature
                if len(name) == 1:
                    by_name[("public", *name)] = signature
        uses: dict[str, list[tuple[str, str]]] = {}
        for table_name, table in self.design.tables.items():
            for trigger in table.triggers:
                if trigger.definition is None or not in_postgres_sql(trigger.dialect):
                    continue
                called = trigger_function(trigger.definition)
                if called is not None and called in by_name:
                    uses.setdefault(by_name[called], []).append((table_name, trigger.name or ""))
        return uses

    # --- conventions ------------------------------------------------------------------------

    @cached_property
    def tables(self) -> dict[str, Table]:
        """The tables conventions speak of: all but partitions (a partition has its parent's columns,
        keys and documentation, so a finding about them belongs to the parent) and the tables of
        migration tools (`schema_migrations`: their shape is the tool's)."""
        return observed.counted_tables(self.design)

    def is_partition(self, name: str) -> bool:
        return self.design.tables[name].partition_of is not None

    def inherited_key(self, name: str) -> bool:
        """A partition whose parent (or its parent) has a primary key: the database gives it that key."""
        seen = set()
        table = self.design.tables[name]
        while table.partition_of is not None and table.partition_of not in seen:
            seen.add(table.partition_of)
            parent = self.design.tables.get(table.partition_of)
            if parent is None:
                return False
            if parent.primary_key:
                return True
            table = parent
        return False

    @cached_property
    def audit_fields(self) -> list[str]:
        """The audit fields to expect. A design states them (an import records the ones the schema
        has); a schema read from DDL or a database is held to the ones most of its own tables have."""
        fields = list(self.design.conventions.audit_fields)
        if self.from_design or not self.tables:
            return fields
        half = len(self.tables) / 2
        found = [field for field in fields if sum(field in table.columns for table in self.tables.values()) >= half]
        return found + [field for field in observed.audit_fields(self.design) if field not in found]

    @cached_property
    def key_style(self) -> str:
        """uuid, identity, serial or integer: the design's convention, or what most keys of a schema read
        from DDL or a database are."""
        if self.from_design:
            return self.design.conventions.primary_key
        return observed.key_convention(self.design)[0]

    @cached_property
    def naming(self) -> str:
        """`<case>_<number>` (snake_case_plural, PascalCase_singular, …): the design's, or what most
        table names of a schema read from DDL or a database follow."""
        if self.from_design:
            return self.design.conventions.naming
        return observed.naming(self.design)

    @cached_property
    def table_comments(self) -> bool:
        """Whether tables are expected to carry comments: the design's convention, or whether most
        tables of a schema read from DDL or a database have one."""
        if self.from_design:
            return self.design.conventions.table_comments
        return observed.table_comments(self.design)

    # --- tenancy ----------------------------------------------------------------------------

    @cached_property
    def tenant_table(self) -> str | None:
        configured = self.settings.tenant_table
        if configured:
            return configured if configured in self.design.tables else None
        for candidate in TENANT_TABLES:
            if candidate in self.design.tables and candidate != self.user_table:
                return candidate
        return None

    @cached_property
    def tenant_key(self) -> str | None:
        if self.settings.tenant_key:
            return self.settings.tenant_key
        if self.tenant_table is None:
            return None
        return f"{singular(self.tenant_table)}_id"

    # --- prose ------------------------------------------------------------------------------

    def prose(self, name: str) -> str:
        """Everything the author wrote about a table, lower-cased: the rules read it for intent."""
        cache = self.__dict__.setdefault("_prose", {})
        if name not in cache:
            table = self.design.tables[name]
            parts = [table.comment or "", table.rationale or "", *table.notes]
            parts += [column.comment or "" for column in table.columns.values()]
            parts += [item.reason or "" for item in [*table.unique, *table.checks, *table.foreign_keys, *table.indexes]]
            cache[name] = "\n".join(part for part in parts if part).lower()
        return cache[name]

    def table_prose(self, name: str) -> str:
        """The table's own comment, rationale and notes (not its columns'), lower-cased."""
        table = self.design.tables[name]
        return "\n".join(part for part in [table.comment or "", table.rationale or "", *table.notes] if part).lower()

    def number(self, value: int | None) -> str:
        return f"{value:,}" if value is not None else "?"
