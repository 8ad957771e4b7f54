"""Portable column types: the one vocabulary every dialect maps from and imports back into.

A portable type is written as a short string in the design document (`uuid`, `varchar(64)`,
`numeric(10,2)`, `enum:task_status`, `text[]`). This module parses it into a `PortableType`,
accepts the common aliases (`int`, `bool`, `double precision`, `jsonb`) and prints the one
canonical spelling back, so a document that was loaded and saved reads the same everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

#: Base kinds without parameters, in their canonical spelling.
SIMPLE_KINDS = (
    "uuid",
    "text",
    "smallint",
    "integer",
    "bigint",
    "real",
    "double",
    "boolean",
    "date",
    "time",
    "timestamp",
    "timestamptz",
    "interval",
    "json",
    "bytes",
)

#: Kinds that take parameters: varchar(n), numeric(p[,s]).
PARAMETRIC_KINDS = ("varchar", "numeric")

ALIASES = {
    "int": "integer",
    "int4": "integer",
    "int2": "smallint",
    "int8": "bigint",
    "bool": "boolean",
    "float4": "real",
    "float8": "double",
    "double precision": "double",
    "float": "double",
    "jsonb": "json",
    "bytea": "bytes",
    "blob": "bytes",
    "string": "text",
    "character varying": "varchar",
    "decimal": "numeric",
    "timestamp with time zone": "timestamptz",
    "timestamp without time zone": "timestamp",
    "datetime": "timestamp",
    "time without time zone": "time",
}

INTEGER_KINDS = ("smallint", "integer", "bigint")
NUMERIC_KINDS = INTEGER_KINDS + ("numeric", "real", "double")
TEXT_KINDS = ("text", "varchar")
TEMPORAL_KINDS = ("date", "time", "timestamp", "timestamptz", "interval")

_NAME = r"[A-Za-z_][A-Za-z0-9_$]*"
_PARAMS = re.compile(r"^(?P<kind>[a-z ]+?)\s*\(\s*(?P<a>\d+)\s*(?:,\s*(?P<b>\d+)\s*)?\)$")


class UnknownTypeError(ValueError):
    """Raised for a type string that is not a portable type."""


@dataclass(frozen=True)
class PortableType:
    """One parsed portable type. `element` is set for arrays, `enum` for enum types."""

    kind: str
    length: int | None = None
    precision: int | None = None
    scale: int | None = None
    enum: str | None = None
    element: PortableType | None = None

    @property
    def is_array(self) -> bool:
        return self.kind == "array"

    @property
    def is_enum(self) -> bool:
        return self.kind == "enum"

    @property
    def is_integer(self) -> bool:
        return self.kind in INTEGER_KINDS

    @property
    def is_textual(self) -> bool:
        return self.kind in TEXT_KINDS

    def __str__(self) -> str:
        if self.kind == "array":
            return f"{self.element}[]"
        if self.kind == "enum":
            return f"enum:{self.enum}"
        if self.kind == "varchar":
            return f"varchar({self.length})" if self.length is not None else "varchar"
        if self.kind == "numeric":
            if self.precision is None:
                return "numeric"
            if self.scale is None:
                return f"numeric({self.precision})"
            return f"numeric({self.precision},{self.scale})"
        return self.kind


def parse_type(text: str) -> PortableType:
    """Parse a portable type string; raise `UnknownTypeError` naming what was not understood."""
    if not isinstance(text, str):
        raise UnknownTypeError(f"type must be a non-empty string, got {text!r}")
    return _parse_type(text)


@lru_cache(maxsize=1024)
def _parse_type(text: str) -> PortableType:
    if not text.strip():
        raise UnknownTypeError(f"type must be a non-empty string, got {text!r}")
    raw = text.strip()
    if raw.endswith("[]"):
        element = parse_type(raw[:-2])
        if element.is_array:
            raise UnknownTypeError(f"nested arrays are not portable: {text!r}")
        return PortableType("array", element=element)
    if raw.lower().startswith("array of "):
        return parse_type(raw[len("array of "):] + "[]")
    if raw.lower().startswith("enum:"):
        name = raw[5:].strip()
        if not name:
            raise UnknownTypeError(f"enum type needs a name: {text!r}")
        return PortableType("enum", enum=name)
    lowered = " ".join(raw.lower().split())
    lowered = ALIASES.get(lowered, lowered)
    if lowered in SIMPLE_KINDS:
        return PortableType(lowered)
    if lowered in PARAMETRIC_KINDS:
        return PortableType(lowered)
    match = _PARAMS.match(lowered)
    if match:
        kind = ALIASES.get(match["kind"].strip(), match["kind"].strip())
        first = int(match["a"])
        second = int(match["b"]) if match["b"] is not None else None
        if kind == "varchar" and second is None:
            if first < 1:
                raise UnknownTypeError(f"varchar length must be at least 1: {text!r}")
            return PortableType("varchar", length=first)
        if kind == "numeric":
            if first < 1 or (second is not None and second > first):
                raise UnknownTypeError(f"numeric(p,s) needs 1 <= p and s <= p: {text!r}")
            return PortableType("numeric", precision=first, scale=second)
    if raw.count("(") != raw.count(")"):
        raise UnknownTypeError(
            f"unknown type {text!r}: inside {{…}} a comma ends the value, so quote it: \"numeric(10,2)\""
        )
    raise UnknownTypeError(
        f"unknown type {text!r}; portable types are uuid, text, varchar(n), smallint, integer, bigint,"
        " numeric(p,s), real, double, boolean, date, time, timestamp, timestamptz, interval, json, bytes,"
        " enum:NAME and T[] (an array of T)"
    )


def canonical_type(text: str) -> str:
    """The canonical spelling of a type string (raises `UnknownTypeError`)."""
    return str(parse_type(text))


def is_identifier_like(name: str) -> bool:
    """True for names that need no quoting in most dialects' eyes (lowercase check aside)."""
    return re.fullmatch(_NAME, name) is not None
