"""The pieces of the design document that tables and the other object classes share.

Split from `document.py` so `objects.py` (views, domains, …) and `document.py` (tables, the
whole design) can both build on them without importing each other.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_serializer, model_validator

from .expressions import looks_like_expression

IndexMethod = Literal["btree", "hash", "gin", "gist", "brin", "spgist"]


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


class CheckConstraint(Strict):
    name: str | None = None
    expression: str
    not_valid: bool = False  # added NOT VALID: existing rows were never checked
    no_inherit: bool = False
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
    nulls_not_distinct: bool = False
    storage: dict[str, str | int | float | bool] = Field(default_factory=dict)  # WITH (fillfactor = 70)
    #: The whole CREATE INDEX as PostgreSQL prints it, when the fields above cannot say it all
    #: (operator classes, collations, keys mixing columns and expressions); PostgreSQL builds it as is.
    definition: str | None = None
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
    """A trigger: a built-in kind (`updated_at` keeps the column current; `max_depth` bounds a
    tree), or any trigger kept as its `CREATE TRIGGER` definition (any function, WHEN, level)."""

    kind: Literal["updated_at", "max_depth"] | None = None
    column: str | None = None  # updated_at: the timestamp column; max_depth: the parent column
    depth: int | None = None  # max_depth: how many levels below a root are allowed
    name: str | None = None  # a general trigger's name
    definition: str | None = None  # a general trigger: CREATE TRIGGER … as PostgreSQL prints it
    enabled: Literal["origin", "always", "replica", "disabled"] = "origin"
    dialect: Literal["postgres", "sqlite", "mysql"] = "postgres"  # the SQL the definition is written in

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {"kind": value}
        return value

    @model_validator(mode="after")
    def _complete(self) -> Trigger:
        if (self.kind is None) == (self.definition is None):
            raise ValueError("a trigger is a built-in kind (updated_at, max_depth) or a definition, not both")
        if self.definition is not None and not self.name:
            raise ValueError("a trigger with a definition needs its name")
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
