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
    #: A PostgreSQL type kept exactly as `format_type` spells it (`character(1)`, `tsvector`,
    #: `domain:email`); `kind` and its parameters are then the nearest portable type, which the
    #: other dialects, the ORM views and the seeder use.
    native: str | None = None

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

    @property
    def is_native(self) -> bool:
        return self.native is not None

    @property
    def nearest(self) -> PortableType:
        """The portable type the other dialects build (the type itself when it is portable)."""
        if self.native is None:
            return self
        return PortableType(self.kind, self.length, self.precision, self.scale, self.enum, self.element)

    def __str__(self) -> str:
        if self.native is not None:
            return native_spelling(self.native)
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
    native = native_type(raw)
    if native is not None:
        return native
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
        " enum:NAME and T[] (an array of T); PostgreSQL's own types are written as format_type spells them"
        " (character(1), tsvector, timestamp(3) with time zone), or as pg:TYPE, domain:NAME, type:NAME"
    )


def canonical_type(text: str) -> str:
    """The canonical spelling of a type string (raises `UnknownTypeError`)."""
    return str(parse_type(text))


def is_identifier_like(name: str) -> bool:
    """True for names that need no quoting in most dialects' eyes (lowercase check aside)."""
    return re.fullmatch(_NAME, name) is not None


# --- PostgreSQL types kept exactly -------------------------------------------------------------

#: PostgreSQL built-in types outside the portable vocabulary, by base name as `format_type`
#: prints it, with the nearest portable type.
NATIVE_NEAREST = {
    "character": "varchar",
    "bpchar": "text",
    '"char"': "varchar(1)",
    "name": "varchar(63)",
    "bit": "text",
    "bit varying": "text",
    "money": "numeric(19,2)",
    "time with time zone": "time",
    "timetz": "time",
    "tsvector": "text",
    "tsquery": "text",
    "inet": "text",
    "cidr": "text",
    "macaddr": "text",
    "macaddr8": "text",
    "point": "text",
    "line": "text",
    "lseg": "text",
    "box": "text",
    "path": "text",
    "polygon": "text",
    "circle": "text",
    "xml": "text",
    "jsonpath": "text",
    "oid": "bigint",
    "xid": "bigint",
    "xid8": "bigint",
    "regclass": "text",
    "regproc": "text",
    "regprocedure": "text",
    "regtype": "text",
    "regconfig": "text",
    "regdictionary": "text",
    "regrole": "text",
    "regnamespace": "text",
    "pg_lsn": "text",
    "pg_snapshot": "text",
    "txid_snapshot": "text",
    "int4range": "text",
    "int8range": "text",
    "numrange": "text",
    "tsrange": "text",
    "tstzrange": "text",
    "daterange": "text",
    "int4multirange": "text",
    "int8multirange": "text",
    "nummultirange": "text",
    "tsmultirange": "text",
    "tstzmultirange": "text",
    "datemultirange": "text",
    # Types of widely used extensions, written bare as PostgreSQL prints them.
    "citext": "text",
    "hstore": "json",
    "ltree": "text",
    "lquery": "text",
    "cube": "text",
    "vector": "text",
    "halfvec": "text",
    "sparsevec": "text",
    "geometry": "text",
    "geography": "text",
}

#: Other spellings PostgreSQL accepts for those types, and its own spelling.
NATIVE_ALIASES = {"char": "character", "varbit": "bit varying", "timetz": "time with time zone"}

_TIME_ZONE = re.compile(
    r"^(?P<kind>timestamp|time)\s*(?:\(\s*(?P<p>\d+)\s*\))?\s+(?P<zone>with|without)\s+time\s+zone$", re.I
)
_INTERVAL = re.compile(r"^interval\s*(?:\(\s*\d+\s*\))?\s*(?:(?:year|month|day|hour|minute|second)(?:\s+to\s+\w+)?)?\s*(?:\(\s*\d+\s*\))?$", re.I)
_MODIFIED = re.compile(r'^(?P<base>[a-z_"][a-z0-9_ "]*?)\s*\((?P<mods>[^()]*)\)$', re.I)
_PRECISE = re.compile(r"^(?P<kind>timestamp|time)\s*\(\s*(?P<p>\d+)\s*\)$", re.I)
#: What a type name can look like (`public.foo`, `"My Type"`, `vector(3)`): never SQL beyond a name.
_SAFE_NATIVE = re.compile(r'^(?:[A-Za-z_][\w$]*|"[^"]+")(?:\.(?:[A-Za-z_][\w$]*|"[^"]+"))?(?: [a-z]+)*(?:\(\s*\d+(?:\s*,\s*\d+)*\s*\))?(?: [a-z]+)*$')
_USER = re.compile(r"^(?P<prefix>domain|type|pg):(?P<name>.+)$", re.I)


def native_spelling(native: str) -> str:
    """How a native type is written in the document: bare when that reads back as the same type."""
    if native.startswith(("domain:", "type:")):
        return native
    try:
        again = _parse_type(native)
    except UnknownTypeError:
        return "pg:" + native
    return native if again.native == native else "pg:" + native


def native_type(raw: str) -> PortableType | None:
    """A PostgreSQL type outside the portable set, as `format_type` spells it; None otherwise."""
    user = _USER.match(raw)
    if user:
        name = user["name"].strip()
        if not name:
            raise UnknownTypeError(f"{user['prefix']}: needs a type name: {raw!r}")
        prefix = user["prefix"].lower()
        if prefix == "pg":
            inner = native_type(name)
            if inner is not None:
                return inner
            if not _SAFE_NATIVE.match(name):
                raise UnknownTypeError(f"pg:{name!r} is not a type name PostgreSQL could print")
            try:
                nearest = _parse_type(name).nearest
            except UnknownTypeError:
                nearest = _nearest_of(name)
            return _with_native(nearest, name)
        return PortableType("text", native=f"{prefix}:{name}")
    text = " ".join(raw.split())
    lowered = text.lower()
    base_word = re.match(r"^[a-z]+", lowered)
    if base_word and base_word.group(0) in NATIVE_ALIASES and (len(lowered) == len(base_word.group(0)) or lowered[len(base_word.group(0))] in " ("):
        lowered = NATIVE_ALIASES[base_word.group(0)] + lowered[len(base_word.group(0)):]
    zone = _TIME_ZONE.match(lowered)
    if zone:
        if zone["zone"] == "without" and zone["p"] is None:
            return None  # `timestamp without time zone` is the portable timestamp
        if zone["kind"] == "timestamp" and zone["zone"] == "with" and zone["p"] is None:
            return None
        nearest = ("timestamptz" if zone["zone"] == "with" else "timestamp") if zone["kind"] == "timestamp" else "time"
        return PortableType(nearest, native=lowered)
    precise = _PRECISE.match(lowered)
    if precise:
        return PortableType(precise["kind"].lower(), native=f"{precise['kind'].lower()}({precise['p']}) without time zone")
    if lowered.startswith("interval") and lowered != "interval" and _INTERVAL.match(lowered):
        return PortableType("interval", native=lowered)
    if lowered == "character":
        lowered = "character(1)"  # PostgreSQL's char without a length is char(1)
    if lowered in NATIVE_NEAREST:
        return _with_native(_nearest_of(lowered), lowered)
    modified = _MODIFIED.match(lowered)
    if modified and modified["base"].strip() in NATIVE_NEAREST:
        base = modified["base"].strip()
        mods = ",".join(part.strip() for part in modified["mods"].split(","))
        nearest = _nearest_of(base)
        if base == "character" and mods.isdigit():
            nearest = PortableType("varchar", length=max(int(mods), 1))
        return _with_native(nearest, f"{base}({mods})")
    return None


def _nearest_of(name: str) -> PortableType:
    base = name.split("(")[0].strip().lower()
    nearest = NATIVE_NEAREST.get(base, "text")
    if nearest == "varchar":
        return PortableType("varchar", length=1)
    return _parse_type(nearest)


def _with_native(nearest: PortableType, native: str) -> PortableType:
    return PortableType(nearest.kind, nearest.length, nearest.precision, nearest.scale, nearest.enum, nearest.element, native)
