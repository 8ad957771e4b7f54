"""The database objects beside tables: schemas, extensions, types, sequences, functions, views, grants.

Each class gets its own top-level section of the design document (format 2). Tables stay where
they were; what PostgreSQL itself keeps as a SQL body (a view's query, a function's definition)
stays SQL here, spelled as the catalog prints it, so a round trip reproduces it exactly.
Names of objects outside the default schema are written `schema.name`, with the schema declared
under `schemas`.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator

from .parts import CheckConstraint, Default, Index, Strict, Trigger
from .types import canonical_type


class Schema(Strict):
    """A namespace other than `public`."""

    comment: str | None = None


class Extension(Strict):
    """`CREATE EXTENSION name [SCHEMA in_schema] [VERSION version]`."""

    in_schema: str | None = None  # SCHEMA s: where its objects go
    version: str | None = None
    comment: str | None = None


class Collation(Strict):
    """`CREATE COLLATION name (provider, locale, deterministic)`."""

    provider: Literal["icu", "libc", "builtin"] = "libc"
    locale: str | None = None
    lc_collate: str | None = None
    lc_ctype: str | None = None
    deterministic: bool = True
    comment: str | None = None


class Domain(Strict):
    """`CREATE DOMAIN name AS type [COLLATE] [DEFAULT] [NOT NULL] [CHECK …]`."""

    type: str
    nullable: bool = True
    default: Default | None = None
    collation: str | None = None
    checks: list[CheckConstraint] = Field(default_factory=list)
    comment: str | None = None

    @field_validator("type", mode="before")
    @classmethod
    def _canonical_type(cls, value: Any) -> str:
        return canonical_type(value)

    @field_validator("default", mode="before")
    @classmethod
    def _parse_default(cls, value: Any) -> Default | None:
        return Default.parse(value)


class CompositeType(Strict):
    """`CREATE TYPE name AS (attribute type, …)`, or another kind of type kept as its definition."""

    attributes: dict[str, str] = Field(default_factory=dict)
    definition: str | None = None  # CREATE TYPE … AS RANGE (…) and other kinds, as SQL
    comment: str | None = None

    @field_validator("attributes", mode="before")
    @classmethod
    def _canonical_types(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {name: canonical_type(text) for name, text in value.items()}
        return value


class Sequence(Strict):
    """A sequence that is not a column's identity (serial columns own theirs)."""

    type: Literal["smallint", "integer", "bigint"] = "bigint"
    start: int | None = None
    increment: int | None = None
    minimum: int | None = None
    maximum: int | None = None
    cache: int | None = None
    cycle: bool = False
    owned_by: str | None = None  # table.column
    comment: str | None = None


class Function(Strict):
    """A function or procedure, kept as its `CREATE OR REPLACE` definition (any language)."""

    definition: str
    dialect: Literal["postgres", "sqlite", "mysql"] = "postgres"  # the SQL the definition is written in
    comment: str | None = None


class View(Strict):
    """A view or materialized view: its query as PostgreSQL prints it, and its options."""

    query: str
    dialect: Literal["postgres", "sqlite", "mysql"] = "postgres"  # the SQL the query is written in
    materialized: bool = False
    columns: list[str] = Field(default_factory=list)  # only when they differ from the query's own names
    security_invoker: bool = False
    security_barrier: bool = False
    check_option: Literal["local", "cascaded"] | None = None
    with_data: bool = True  # materialized views: populated on creation
    indexes: list[Index] = Field(default_factory=list)  # materialized views only
    #: Triggers on the view (INSTEAD OF …), kept as definitions: dropping a view drops its
    #: triggers, so they live with it.
    triggers: list[Trigger] = Field(default_factory=list)
    column_comments: dict[str, str] = Field(default_factory=dict)
    comment: str | None = None


class VirtualTable(Strict):
    """A SQLite virtual table: `CREATE VIRTUAL TABLE name USING module(arguments)`, kept as written.

    The module's own shadow tables (`posts_fts_data`, …) are its storage, not tables of the design:
    creating the virtual table creates them again.
    """

    using: str  # fts5(title, body, content='posts'): the module and its arguments as SQLite holds them
    dialect: Literal["postgres", "sqlite", "mysql"] = "sqlite"  # the SQL `using` is written in
    comment: str | None = None


class Grant(Strict):
    """`GRANT privileges ON object TO role`: one grantee and one object per entry."""

    object: str  # "table orders", "schema auth", "function f(integer)", "sequence s", "type t"
    privileges: list[str]  # select, insert, …, or "select (a, b)" for columns; "all" for every one
    to: str  # a role, or public
    grant_option: bool = False


class DefaultPrivilege(Strict):
    """`ALTER DEFAULT PRIVILEGES [FOR ROLE r] [IN SCHEMA s] GRANT … ON kind TO role`."""

    objects: Literal["tables", "sequences", "functions", "types", "schemas"]
    privileges: list[str]
    to: str
    for_role: str | None = None
    in_schema: str | None = None
    grant_option: bool = False
