"""The design document: the one model every source becomes and every output is computed from.

The classes mirror the YAML (see shared/design-document.example.yaml): field names here are the
keys there, in the order they are written. Structure is checked by pydantic (unknown keys are
errors, so a typo never passes silently); cross-references (foreign keys, enum names, index
columns) are checked in `invariants.py`, where the place of each problem can be named.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, PrivateAttr, field_validator, model_serializer, model_validator

from .objects import (
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
    VirtualTable,
)
from .parts import CheckConstraint, Default, Index, IndexKey, IndexMethod, Strict, Trigger  # noqa: F401 - the document's classes, in one place
from .types import PortableType, canonical_type, parse_type

ReferentialAction = Literal["cascade", "set null", "set default", "restrict", "no action"]
PolicyCommand = Literal["all", "select", "insert", "update", "delete"]


class Column(Strict):
    """One column: a portable type, nullability, default, identity or generated expression."""

    _resolved_type: PortableType | None = PrivateAttr(default=None)

    type: str
    nullable: bool = False
    default: Default | None = None
    identity: Literal["always", "by default"] | None = None
    generated: str | None = None  # GENERATED ALWAYS AS (expression) STORED
    #: A VIRTUAL generated column (PostgreSQL 18, SQLite, MySQL): computed when read, not stored.
    virtual: bool = False
    collation: str | None = None  # COLLATE, when not the database's default
    #: SQLite only: the type exactly as the database declared it (`NVARCHAR(120)`, `DATETIME`, `INT`),
    #: where it is not the portable type's SQLite spelling. The SQLite build writes it verbatim and adds
    #: no CHECK for the type (an import keeps any the database had as `checks`); other targets ignore it.
    declared_type: str | None = None
    #: SQLite only: a primary-key column declared without NOT NULL (SQLite then lets the key of a rowid
    #: table hold NULL); the SQLite build leaves NOT NULL out, as the database had it.
    key_without_not_null: bool = False
    #: SQLite only: the DEFAULT exactly as the database holds it (`0` for a BOOL's false, `NULL`), where
    #: the portable default's SQLite spelling would differ; the SQLite build writes it verbatim.
    declared_default: str | None = None
    comment: str | None = None
    renamed_from: str | None = None  # evolution: this column was called so before
    backfill: str | None = None  # evolution: SQL value existing rows get before NOT NULL

    @field_validator("type", mode="before")
    @classmethod
    def _canonical_type(cls, value: Any) -> str:
        return canonical_type(value)

    @field_validator("default", mode="before")
    @classmethod
    def _parse_default(cls, value: Any) -> Default | None:
        return Default.parse(value)

    @field_validator("identity", mode="before")
    @classmethod
    def _identity_spelling(cls, value: Any) -> Any:
        if isinstance(value, str):
            return " ".join(value.lower().replace("_", " ").split())
        if value is True:
            return "by default"
        return value

    @property
    def portable_type(self) -> PortableType:
        # Read from pydantic's private store directly: `self._resolved_type` goes through BaseModel's
        # __getattr__, which cost more than the rest of this property (read per column in every pass).
        resolved = self.__pydantic_private__["_resolved_type"]  # type: ignore[index]
        return resolved if resolved is not None and str(resolved) == self.type else parse_type(self.type)

    def resolve_type(self, resolved: PortableType) -> None:
        """Remember what a `domain:` type stands for (the design knows; the column alone does not)."""
        self._resolved_type = resolved

    @model_serializer(mode="wrap")
    def _short_default(self, handler):
        data = handler(self)
        if self.default is not None and "default" in data:
            data["default"] = self.default.to_yaml()
        return data


class Reference(Strict):
    """The referenced side of a foreign key."""

    table: str
    columns: list[str]


class ForeignKey(Strict):
    name: str | None = None
    columns: list[str]
    references: Reference
    on_delete: ReferentialAction | None = None  # None: never decided (the database's NO ACTION)
    on_update: ReferentialAction | None = None
    deferrable: bool = False
    initially_deferred: bool = False
    match_full: bool = False  # MATCH FULL: all key columns NULL or none
    not_valid: bool = False  # added NOT VALID: existing rows were never checked
    reason: str | None = None

    @field_validator("on_delete", "on_update", mode="before")
    @classmethod
    def _action_spelling(cls, value: Any) -> Any:
        if isinstance(value, str):
            return " ".join(value.lower().replace("_", " ").split())
        return value


class UniqueConstraint(Strict):
    name: str | None = None
    columns: list[str]
    nulls_not_distinct: bool = False
    include: list[str] = Field(default_factory=list)
    deferrable: bool = False
    initially_deferred: bool = False
    reason: str | None = None


class Exclusion(Strict):
    """An exclusion constraint, kept as PostgreSQL prints it: `EXCLUDE USING gist (room WITH =, …)`."""

    name: str | None = None
    definition: str
    reason: str | None = None


class Policy(Strict):
    """A PostgreSQL row-level-security policy."""

    name: str
    command: PolicyCommand = "all"
    roles: list[str] = Field(default_factory=list)  # empty: PUBLIC
    using: str | None = None
    with_check: str | None = None
    permissive: bool = True


class Suppression(Strict):
    """A review rule switched off for one table (or one of its columns), with the reason why."""

    rule: str  # a rule code such as SS104
    column: str | None = None
    reason: str = Field(min_length=1)

    @field_validator("reason")
    @classmethod
    def _reason_is_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("a suppression needs a reason")
        return value


class Table(Strict):
    kind: Literal["core", "lookup", "junction"] | None = None
    comment: str | None = None
    rationale: str | None = None
    expected_rows: int | None = None
    renamed_from: str | None = None
    columns: dict[str, Column]
    primary_key: list[str] = Field(default_factory=list)
    primary_key_name: str | None = None  # only when it is not the conventional {table}_pkey
    primary_key_include: list[str] = Field(default_factory=list)
    primary_key_deferrable: Literal[False, "immediate", "deferred"] = False  # DEFERRABLE INITIALLY …
    unique: list[UniqueConstraint] = Field(default_factory=list)
    checks: list[CheckConstraint] = Field(default_factory=list)
    foreign_keys: list[ForeignKey] = Field(default_factory=list)
    indexes: list[Index] = Field(default_factory=list)
    triggers: list[Trigger] = Field(default_factory=list)
    exclusions: list[Exclusion] = Field(default_factory=list)
    row_level_security: bool = False
    force_row_level_security: bool = False
    policies: list[Policy] = Field(default_factory=list)
    unlogged: bool = False
    partition_by: str | None = None  # RANGE (logdate): a partitioned table
    partition_of: str | None = None  # the parent table of a partition
    partition_bound: str | None = None  # FOR VALUES FROM (…) TO (…) | DEFAULT
    inherits: list[str] = Field(default_factory=list)
    storage: dict[str, str | int | float | bool] = Field(default_factory=dict)  # WITH (fillfactor = 70)
    strict: bool = False  # SQLite: a STRICT table (declared types enforced)
    without_rowid: bool = False  # SQLite: WITHOUT ROWID (the primary key is the storage key)
    #: SQLite: constraints keep exactly the names written here, and one without a name is built without
    #: `CONSTRAINT name` (SQLite keeps only names it was given); set by an import of such a table.
    unnamed_constraints: bool = False
    notes: list[str] = Field(default_factory=list)  # open design questions, kept with the table
    suppress: list[Suppression] = Field(default_factory=list)  # review rules waived here, each with a reason


#: How single-column primary keys get their values: a generated uuid, an integer identity column,
#: an integer numbered by a sequence default (serial, bigserial), or a plain integer the writer
#: (or SQLite's rowid) gives.
KEY_STYLES = ("uuid", "identity", "serial", "integer")
#: The integer key styles; `primary_key_type` says which integer type they use.
INTEGER_KEY_STYLES = ("identity", "serial", "integer")


class Conventions(Strict):
    primary_key: Literal["uuid", "identity", "serial", "integer"] = "uuid"
    #: The integer type of integer keys (identity, serial, integer); unset means bigint.
    primary_key_type: Literal["smallint", "integer", "bigint"] | None = None
    audit_fields: list[str] = Field(default_factory=lambda: ["created_at", "updated_at"])
    soft_delete: bool = False
    #: How enum types are built (native types, or text with a CHECK). `lookup`: the schema keeps its
    #: value lists in lookup tables that foreign keys reference; an enum declared anyway is native.
    enum_style: Literal["native", "check", "lookup"] = "native"
    #: `<case>_<number>` of table names: snake_case_plural (the default), snake_case_singular,
    #: PascalCase_singular, camelCase_plural, …
    naming: str = "snake_case_plural"
    #: Whether every table carries a comment saying what a row is (false: the schema does not use
    #: table comments, as an import of such a schema records, and the review does not ask for them).
    table_comments: bool = True
    postgres_version: int = 14  # the oldest PostgreSQL the generated DDL must run on
    #: What the design may leave out: a uuid key's generated default, an integer key's identity
    #: under `primary_key: identity`, the trigger that keeps `updated_at` current. false: nothing is
    #: added, the design is the database exactly (import writes it so for schemas that differ).
    implied: bool = True

    @property
    def enum_types(self) -> Literal["native", "check"]:
        """How declared enums are built: `check`, or native types (under `native` and `lookup`)."""
        return "check" if self.enum_style == "check" else "native"

    @property
    def key_type(self) -> str:
        """The portable type of a new key under these conventions: uuid, or the integer type."""
        if self.primary_key == "uuid":
            return "uuid"
        return self.primary_key_type or "bigint"

    def to_data(self) -> dict[str, Any]:
        """Every convention, so a reader sees the choices; the ones added after format 2 only when set."""
        data = self.model_dump(mode="json")
        for name in _LATER_CONVENTIONS:
            if data[name] == type(self).model_fields[name].default:
                del data[name]
        return data


#: Conventions added after documents started writing every convention: left out at their defaults,
#: so a document written before them is written back unchanged.
_LATER_CONVENTIONS = ("primary_key_type", "table_comments")


class Growth(Strict):
    horizon_months: int = 12
    drivers: dict[str, int | float] = Field(default_factory=dict)


class Query(Strict):
    id: str
    story: str | None = None
    frequency: str | None = None
    sql: str


#: The document format this version writes. Format 1 (no `format` key: tables, enums, queries)
#: loads unchanged; format 2 adds the sections for every other object class a database holds.
FORMAT = 2


class Design(Strict):
    """A whole design document."""

    format: int = FORMAT
    name: str
    description: str | None = None
    conventions: Conventions = Field(default_factory=Conventions)
    schemas: dict[str, Schema] = Field(default_factory=dict)
    extensions: dict[str, Extension] = Field(default_factory=dict)
    collations: dict[str, Collation] = Field(default_factory=dict)
    enums: dict[str, list[str]] = Field(default_factory=dict)
    domains: dict[str, Domain] = Field(default_factory=dict)
    types: dict[str, CompositeType] = Field(default_factory=dict)
    sequences: dict[str, Sequence] = Field(default_factory=dict)
    functions: dict[str, Function] = Field(default_factory=dict)  # keyed by signature: name(argument types)
    growth: Growth | None = None
    tables: dict[str, Table] = Field(default_factory=dict)
    views: dict[str, View] = Field(default_factory=dict)
    virtual_tables: dict[str, VirtualTable] = Field(default_factory=dict)
    grants: list[Grant] = Field(default_factory=list)
    default_privileges: list[DefaultPrivilege] = Field(default_factory=list)
    queries: list[Query] = Field(default_factory=list)

    @field_validator("schemas", "extensions", "sequences", mode="before")
    @classmethod
    def _bare_names(cls, value: Any) -> Any:
        """`auth:` with nothing after it is a schema (extension, sequence) with no options."""
        if isinstance(value, dict):
            return {name: {} if entry is None else entry for name, entry in value.items()}
        if isinstance(value, list) and all(isinstance(name, str) for name in value):
            return {name: {} for name in value}
        return value

    @model_validator(mode="after")
    def _resolve_domains(self) -> Design:
        """Columns of a domain type take the domain's base as their nearest portable type."""
        if self.domains:
            for table in self.tables.values():
                for column in table.columns.values():
                    resolved = self.resolved_type(column.type)
                    if resolved is not None:
                        column.resolve_type(resolved)
        return self

    def resolved_type(self, text: str, depth: int = 0) -> PortableType | None:
        """A `domain:NAME` type (or an array of one) with the nearest portable type of its base."""
        portable = parse_type(text)
        if portable.is_array and portable.element is not None:
            element = self.resolved_type(str(portable.element), depth + 1)
            return PortableType("array", element=element) if element is not None else None
        if not (portable.native or "").startswith("domain:") or depth > 8:
            return None
        domain = self.domains.get(portable.native[len("domain:"):])
        if domain is None:
            return None
        base = self.resolved_type(domain.type, depth + 1) or parse_type(domain.type)
        nearest = base.nearest
        return PortableType(nearest.kind, nearest.length, nearest.precision, nearest.scale, nearest.enum, nearest.element, portable.native)

    @field_validator("format")
    @classmethod
    def _known_format(cls, value: int) -> int:
        if value < 1 or value > FORMAT:
            raise ValueError(f"format {value} is not one this schemasmith reads (1 to {FORMAT}); a newer version wrote it")
        return FORMAT  # an older format loads unchanged into the current model

    def to_data(self) -> dict[str, Any]:
        """Plain data in document key order, defaults left out: what the YAML file holds."""
        data = self.model_dump(mode="json", exclude_defaults=True)
        data["format"] = FORMAT  # what is written is always the current format
        # Conventions are always written: a reader should see the choices, not know the defaults.
        data["conventions"] = self.conventions.to_data()
        order = list(type(self).model_fields)
        return {key: data[key] for key in order if key in data}


def object_counts(design: Design) -> str:
    """`20 tables, 1 enums, 4 functions`: what a design holds, the classes it has any of (tables and enums always)."""
    counts = {"tables": len(design.tables), "enums": len(design.enums)}
    for section in ("schemas", "extensions", "domains", "types", "sequences", "functions", "views", "virtual_tables", "grants"):
        if getattr(design, section):
            counts[section.replace("_", " ")] = len(getattr(design, section))
    return ", ".join(f"{count} {name}" for name, count in counts.items())
