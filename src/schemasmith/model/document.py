"""The design document: the one model every source becomes and every output is computed from.

The classes mirror the YAML (see shared/design-document.example.yaml): field names here are the
keys there, in the order they are written. Structure is checked by pydantic (unknown keys are
errors, so a typo never passes silently); cross-references (foreign keys, enum names, index
columns) are checked in `invariants.py`, where the place of each problem can be named.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_serializer, model_validator

from .expressions import looks_like_expression
from .types import PortableType, canonical_type, parse_type

ReferentialAction = Literal["cascade", "set null", "set default", "restrict", "no action"]
IndexMethod = Literal["btree", "hash", "gin", "gist", "brin", "spgist"]
PolicyCommand = Literal["all", "select", "insert", "update", "delete"]


class Strict(BaseModel):
    """Base for all document classes: unknown keys are errors, assignment is validated."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, ser_json_inf_nan="constants")


class Default(Strict):
    """A column default: a literal value (`member`, `0`, `true`) or a SQL expression (`now()`).

    Written in YAML as the bare value when `looks_like_expression` tells the two apart right,
    otherwise as `{value: …}` or `{sql: …}`.
    """

    value: str | int | float | bool
    is_expression: bool = False

    @classmethod
    def parse(cls, raw: Any) -> Default | None:
        if raw is None or isinstance(raw, Default):
            return raw
        if isinstance(raw, dict):
            if set(raw) == {"sql"}:
                return cls(value=str(raw["sql"]), is_expression=True)
            if set(raw) == {"value"}:
                return cls(value=raw["value"], is_expression=False)
            raise ValueError("a default is a value, or a mapping with exactly one key: sql or value")
        if isinstance(raw, (bool, int, float)):
            return cls(value=raw)
        if isinstance(raw, str):
            return cls(value=raw, is_expression=looks_like_expression(raw))
        raise ValueError(f"unsupported default {raw!r}")

    def to_yaml(self) -> Any:
        if isinstance(self.value, str):
            if looks_like_expression(self.value) != self.is_expression:
                return {"sql": self.value} if self.is_expression else {"value": self.value}
        return self.value


class Column(Strict):
    """One column: a portable type, nullability, default, identity or generated expression."""

    type: str
    nullable: bool = False
    default: Default | None = None
    identity: Literal["always", "by default"] | None = None
    generated: str | None = None  # GENERATED ALWAYS AS (expression) STORED
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
        return parse_type(self.type)

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
    reason: str | None = None


class CheckConstraint(Strict):
    name: str | None = None
    expression: str
    reason: str | None = None


_ORDER_SUFFIX = re.compile(r"^(?P<column>.+?)(?:\s+(?P<order>asc|desc))?(?:\s+nulls\s+(?P<nulls>first|last))?$", re.I)


class IndexKey:
    """One index key column as written: `name [asc|desc] [nulls first|last]`."""

    __slots__ = ("column", "descending", "nulls")

    def __init__(self, column: str, descending: bool = False, nulls: str | None = None):
        self.column = column
        self.descending = descending
        self.nulls = nulls

    @classmethod
    def parse(cls, text: str, known_columns: set[str] | None = None) -> IndexKey:
        if known_columns is not None and text in known_columns:
            return cls(text)
        match = _ORDER_SUFFIX.match(text.strip())
        assert match is not None  # the pattern accepts any non-empty text
        nulls = match["nulls"].lower() if match["nulls"] else None
        return cls(match["column"], (match["order"] or "").lower() == "desc", nulls)

    def __str__(self) -> str:
        text = self.column
        if self.descending:
            text += " desc"
        if self.nulls:
            text += f" nulls {self.nulls}"
        return text


class Index(Strict):
    name: str | None = None
    columns: list[str] = Field(default_factory=list)  # "col", "col desc", "col nulls last"
    expressions: list[str] = Field(default_factory=list)
    unique: bool = False
    method: IndexMethod = "btree"
    where: str | None = None
    include: list[str] = Field(default_factory=list)
    serves: list[str] = Field(default_factory=list)  # query ids this index exists for
    reason: str | None = None

    @model_validator(mode="after")
    def _has_keys(self) -> Index:
        if not self.columns and not self.expressions:
            raise ValueError("an index needs columns or expressions")
        return self

    def keys(self, known_columns: set[str] | None = None) -> list[IndexKey]:
        return [IndexKey.parse(text, known_columns) for text in self.columns]


class Trigger(Strict):
    """A built-in trigger kind: `updated_at` keeps the column current; `max_depth` bounds a tree."""

    kind: Literal["updated_at", "max_depth"]
    column: str | None = None  # updated_at: the timestamp column; max_depth: the parent column
    depth: int | None = None  # max_depth: how many levels below a root are allowed

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {"kind": value}
        return value

    @model_validator(mode="after")
    def _complete(self) -> Trigger:
        if self.kind == "updated_at" and self.column is None:
            self.column = "updated_at"
        if self.kind == "max_depth":
            if self.column is None or self.depth is None:
                raise ValueError("max_depth needs column (the parent reference) and depth")
            if self.depth < 0:
                raise ValueError("max_depth depth must be 0 or more")
        return self

    @model_serializer(mode="wrap")
    def _short(self, handler):
        data = handler(self)
        if self.kind == "updated_at" and self.column == "updated_at":
            return "updated_at"
        return data


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
    unique: list[UniqueConstraint] = Field(default_factory=list)
    checks: list[CheckConstraint] = Field(default_factory=list)
    foreign_keys: list[ForeignKey] = Field(default_factory=list)
    indexes: list[Index] = Field(default_factory=list)
    triggers: list[Trigger] = Field(default_factory=list)
    row_level_security: bool = False
    policies: list[Policy] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)  # open design questions, kept with the table
    suppress: list[Suppression] = Field(default_factory=list)  # review rules waived here, each with a reason


class Conventions(Strict):
    primary_key: Literal["uuid", "identity"] = "uuid"
    audit_fields: list[str] = Field(default_factory=lambda: ["created_at", "updated_at"])
    soft_delete: bool = False
    enum_style: Literal["native", "check"] = "native"
    naming: str = "snake_case_plural"
    postgres_version: int = 14  # the oldest PostgreSQL the generated DDL must run on


class Growth(Strict):
    horizon_months: int = 12
    drivers: dict[str, int | float] = Field(default_factory=dict)


class Query(Strict):
    id: str
    story: str | None = None
    frequency: str | None = None
    sql: str


class Design(Strict):
    """A whole design document."""

    name: str
    description: str | None = None
    conventions: Conventions = Field(default_factory=Conventions)
    enums: dict[str, list[str]] = Field(default_factory=dict)
    growth: Growth | None = None
    tables: dict[str, Table] = Field(default_factory=dict)
    queries: list[Query] = Field(default_factory=list)

    def to_data(self) -> dict[str, Any]:
        """Plain data in document key order, defaults left out: what the YAML file holds."""
        data = self.model_dump(mode="json", exclude_defaults=True)
        # Conventions are always written: a reader should see the choices, not know the defaults.
        data["conventions"] = self.conventions.model_dump(mode="json")
        order = list(type(self).model_fields)
        return {key: data[key] for key in order if key in data}
