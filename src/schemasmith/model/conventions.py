"""The conventions a schema follows, read from its tables.

An import writes these into the design it reads, so the review judges a database against its own
habits (serial keys, a `last_update` column, singular PascalCase names, lookup tables, no table
comments) rather than against schemasmith's defaults for a new design. The PostgreSQL and SQLite
importers, and the round-trip references (`dialects.*.project`), all ask this module, so what an
import records and what a rebuilt database gives back agree.

Partitions are left out of every count (a partition has its parent's columns and keys), and so are
the tables migration tools create (`schema_migrations`, `alembic_version`, …).
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from ..text.words import is_plural
from .document import Design, Table

#: Audit column names, compared in snake_case: created_at, updated_on, inserted_at, modified_by,
#: last_update, last_updated_at, date_created, create_time, …
AUDIT_FIELD = re.compile(
    r"^(?:(?:created|updated|inserted|modified|changed)_(?:at|on|by|date|time|timestamp)"
    r"|last_(?:update|updated|modified|changed)(?:_(?:at|on|by|date|time))?"
    r"|(?:date|time)_(?:created|updated|modified|inserted)"
    r"|(?:create|update|insert|modify)_(?:time|date|at|by))$"
)
#: Columns that mark a row deleted without removing it.
SOFT_DELETE_COLUMNS = ("deleted_at", "is_deleted", "deleted", "archived_at")
#: The one column beside the key (and audit fields) that makes a table a lookup table.
LOOKUP_VALUE_COLUMNS = frozenset({"name", "label", "title", "code", "value", "description", "slug"})

#: The case styles a naming convention names, each with the pattern its names match.
CASES = {
    "snake_case": re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$"),
    "PascalCase": re.compile(r"^[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)*$|^[A-Z]$"),
    "camelCase": re.compile(r"^[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)+$"),
    "UPPER_CASE": re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$"),
}


# --- names -----------------------------------------------------------------------------------


def words(name: str) -> list[str]:
    """The words of an identifier, lower-cased: `InvoiceLine`, `invoiceLine`, `invoice_line`."""
    return list(_words(name))


@lru_cache(maxsize=8192)
def _words(name: str) -> tuple[str, ...]:
    # Cached: the same column names (id, created_at, …) come back in every table of a schema.
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)
    return tuple(part.lower() for part in re.split(r"[^A-Za-z0-9]+", spaced) if part)


@lru_cache(maxsize=8192)
def _is_audit_field(name: str) -> bool:
    return AUDIT_FIELD.match("_".join(_words(name))) is not None


def bare_name(key: str) -> str:
    """A design key without its schema (`billing.invoices` → `invoices`)."""
    return key.rsplit(".", 1)[-1]


def case_of(name: str) -> str | None:
    """The case style a name is written in (a one-word lower-case name is snake_case), or None."""
    for case, pattern in CASES.items():
        if pattern.match(name):
            return case
    return None


def naming_parts(naming: str) -> tuple[str, str | None]:
    """(case, number) of a naming convention: `PascalCase_singular` → (PascalCase, singular)."""
    for number in ("plural", "singular"):
        if naming.endswith("_" + number):
            return naming[: -len(number) - 1] or "snake_case", number
    return naming, None


def in_case(words_: list[str], case: str) -> str:
    """Words joined in a case style (`["invoice", "lines"]`, PascalCase → `InvoiceLines`)."""
    if case == "PascalCase":
        return "".join(word.capitalize() for word in words_)
    if case == "camelCase":
        return words_[0] + "".join(word.capitalize() for word in words_[1:])
    if case == "UPPER_CASE":
        return "_".join(word.upper() for word in words_)
    return "_".join(words_)


# --- what the tables show --------------------------------------------------------------------


#: Tables a migration tool or framework creates and shapes (Rails, Alembic, Django, Flyway, …):
#: their columns and names are the tool's, so the schema's conventions neither come from them nor
#: apply to them.
TOOL_TABLES = frozenset({
    "schema_migrations", "ar_internal_metadata", "alembic_version", "django_migrations", "flyway_schema_history",
    "knex_migrations", "knex_migrations_lock", "goose_db_version", "__diesel_schema_migrations", "_prisma_migrations",
    "schemasmith_migrations", "SequelizeMeta", "migrations",
})


def counted_tables(design: Design) -> dict[str, Table]:
    """The tables a convention is read from and held to: all but partitions and tool tables."""
    return {
        name: table for name, table in design.tables.items()
        if table.partition_of is None and bare_name(name) not in TOOL_TABLES
    }


def key_style_of(table: Table) -> str | None:
    """The key style one table shows (see `document.KEY_STYLES`), or None: no single-column key,
    a key shared with the parent it references (1:1), or a natural key (text, a computed default)."""
    if len(table.primary_key) != 1 or table.primary_key[0] not in table.columns:
        return None
    key = table.primary_key[0]
    if any(foreign_key.columns == [key] for foreign_key in table.foreign_keys):
        return None
    column = table.columns[key]
    portable = column.portable_type
    if portable.kind == "uuid":
        return "uuid"
    if not portable.is_integer or column.generated is not None:
        return None
    if column.identity:
        return "identity"
    if column.default is None:
        return "integer"
    if column.default.is_expression and str(column.default.value).strip().lower().startswith("nextval("):
        return "serial"
    return None


def key_convention(design: Design) -> tuple[str, str | None, bool]:
    """(style, integer type, whether some integer keys lack the identity the style would imply).

    The style most single-column keys have (uuid on a tie, and when there are none); the integer
    type most keys of an integer style have. The flag is set when the style is `identity` but
    some integer keys are plain: `primary_key: identity` would give those an identity too.
    """
    styles: Counter[str] = Counter()
    types: dict[str, Counter[str]] = {}
    for table in counted_tables(design).values():
        style = key_style_of(table)
        if style is None:
            continue
        styles[style] += 1
        if style != "uuid":
            kind = table.columns[table.primary_key[0]].portable_type.kind
            types.setdefault(style, Counter())[kind] += 1
    if not styles:
        return "uuid", None, False
    order = ("uuid", "identity", "serial", "integer")
    style = max(order, key=lambda name: (styles[name], -order.index(name)))
    if style == "uuid":
        return "uuid", None, False
    kind = max(types[style], key=lambda name: (types[style][name], name == "bigint"))
    return style, kind, style == "identity" and styles["integer"] > 0


def audit_fields(design: Design) -> list[str]:
    """The audit columns at least half of the tables have, most common first (then in column order)."""
    tables = counted_tables(design)
    counts: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    for table in tables.values():
        for position, column in enumerate(table.columns):
            if _is_audit_field(column):
                counts[column] += 1
                first_seen.setdefault(column, position)
    half = len(tables) / 2
    found = [column for column, count in counts.items() if count >= half and count > 0]
    return sorted(found, key=lambda column: (-counts[column], first_seen[column]))


def soft_delete(design: Design) -> bool:
    """Whether at least half of the tables mark deleted rows instead of removing them."""
    tables = counted_tables(design)
    marked = sum(any(column in table.columns for column in SOFT_DELETE_COLUMNS) for table in tables.values())
    return bool(tables) and marked * 2 >= len(tables)


def naming(design: Design) -> str:
    """`<case>_<number>` most table names follow (snake_case and plural on a tie or when nothing tells)."""
    names = [bare_name(name) for name in counted_tables(design)]
    cases = Counter(case_of(name) for name in names)
    cases.pop(None, None)
    order = list(CASES)
    case = max(order, key=lambda name: (cases[name], -order.index(name))) if cases else "snake_case"
    numbers = Counter()
    for name in names:
        parts = words(name)
        if parts and parts[-1].isalpha():
            number = is_plural(parts[-1])
            if number is not None:
                numbers[number] += 1
    return f"{case}_{'plural' if numbers[True] >= numbers[False] else 'singular'}"


def table_comments(design: Design) -> bool:
    """Whether at least half of the tables carry a comment (so a comment is the schema's habit)."""
    tables = counted_tables(design)
    commented = sum(bool(table.comment and table.comment.strip()) for table in tables.values())
    return not tables or commented * 2 >= len(tables)


def lookup_tables(design: Design) -> list[str]:
    """Tables that hold a value list: a single-column key, one name-like column (beside audit
    fields), no foreign keys of their own, and referenced by another table."""
    referenced = {foreign_key.references.table for table in design.tables.values() for foreign_key in table.foreign_keys}
    found = []
    for name, table in counted_tables(design).items():
        if name not in referenced or table.foreign_keys or len(table.primary_key) != 1:
            continue
        rest = [
            column for column in table.columns
            if column not in table.primary_key and not AUDIT_FIELD.match("_".join(words(column)))
        ]
        if len(rest) == 1 and "_".join(words(rest[0])) in LOOKUP_VALUE_COLUMNS:
            found.append(name)
    return found


def enum_style(design: Design, declared: str) -> str:
    """`declared` (how the schema's enums are built), or `lookup` for a schema without enums that
    keeps its value lists in lookup tables."""
    if not design.enums and lookup_tables(design):
        return "lookup"
    return declared


def observed(design: Design, enum_style_: str) -> dict:
    """The conventions `design` follows, as Conventions fields (key style and type, audit fields,
    soft delete, enum style, naming, table comments); `enum_style_` is how its enums are built."""
    style, kind, _ = key_convention(design)
    return {
        "primary_key": style,
        "primary_key_type": kind,
        "audit_fields": audit_fields(design),
        "soft_delete": soft_delete(design),
        "enum_style": enum_style(design, enum_style_),
        "naming": naming(design),
        "table_comments": table_comments(design),
    }
