"""Conventional names for constraints, indexes and triggers the design leaves unnamed.

DDL always names what it creates, so migrations can later drop it by name. The names follow
PostgreSQL's own pattern (`tasks_pkey`, `tasks_project_id_fkey`, `users_email_key`) so a schema
written by hand and one generated here look alike, and importers leave a name out of the design
when it is the conventional one. Names longer than PostgreSQL's 63 bytes are shortened with a
stable hash suffix instead of being truncated into collisions.
"""

from __future__ import annotations

import hashlib
import re

from .document import Index, Table, Trigger

MAX_BYTES = 63


def fit(name: str) -> str:
    """`name` if it fits in 63 bytes, else a prefix plus an 8-hex hash of the whole name."""
    encoded = name.encode("utf-8")
    if len(encoded) <= MAX_BYTES:
        return name
    digest = hashlib.sha1(encoded).hexdigest()[:8]
    prefix = encoded[: MAX_BYTES - 9].decode("utf-8", errors="ignore")
    return f"{prefix}_{digest}"


def _words(text: str) -> str:
    """Identifier-ish words of an expression: `lower(email)` → `lower_email`."""
    words = re.findall(r"[A-Za-z0-9_]+", text)
    return "_".join(words) or "expr"


def base_name(name: str) -> str:
    """`auth.users` → `users`: PostgreSQL names a table's constraints after the table alone."""
    schema, dot, rest = name.partition(".")
    return rest if dot and schema and rest else name


def primary_key_name(table: str) -> str:
    return fit(f"{base_name(table)}_pkey")


def table_primary_key_name(table_name: str, table: Table) -> str:
    """The primary-key constraint's name: the design's own, or the conventional one."""
    return table.primary_key_name or primary_key_name(table_name)


def unique_name(table: str, columns: list[str]) -> str:
    return fit(f"{base_name(table)}_{'_'.join(columns)}_key")


def foreign_key_name(table: str, columns: list[str]) -> str:
    return fit(f"{base_name(table)}_{'_'.join(columns)}_fkey")


def check_name(table: str, position: int) -> str:
    """Checks are numbered in design order: `tasks_check`, `tasks_check1`, …"""
    table = base_name(table)
    return fit(f"{table}_check" if position == 0 else f"{table}_check{position}")


def enum_check_name(table: str, column: str, enum: str) -> str:
    """The CHECK that stands in for an enum type; the enum's name is kept in it for import.

    When the whole name is too long, the `table_column` part is shortened (with a hash of the
    whole name) and the enum's name is kept intact, so `enum_from_check_name` can still read it.
    """
    full = f"{table}_{column}_{enum}_enum"
    if len(full.encode("utf-8")) <= MAX_BYTES:
        return full
    suffix = f"_{enum}_enum"
    room = MAX_BYTES - len(suffix.encode("utf-8")) - 9  # 9: "_" + 8 hex digits
    if room < 1:
        return fit(full)  # the enum's name alone is too long to keep
    digest = hashlib.sha1(full.encode("utf-8")).hexdigest()[:8]
    prefix = f"{table}_{column}".encode()[:room].decode("utf-8", errors="ignore")
    return f"{prefix}_{digest}{suffix}"


def enum_from_check_name(table: str, column: str, name: str) -> str | None:
    """The enum name encoded by `enum_check_name`, or None for any other name."""
    suffix = "_enum"
    if not name.endswith(suffix):
        return None
    for start, character in enumerate(name[: -len(suffix)]):
        if character == "_":
            candidate = name[start + 1 : -len(suffix)]
            if candidate and enum_check_name(table, column, candidate) == name:
                return candidate
    return None


def _index_base(table: str, index: Index, known_columns: set[str]) -> str:
    parts = [key.column for key in index.keys(known_columns)]
    parts += [_words(expression) for expression in index.expressions]
    return f"{base_name(table)}_{'_'.join(parts)}_idx"


def index_names(table_name: str, table: Table) -> list[str]:
    """The name of each index of a table: its own, or the conventional one (numbered on clashes)."""
    return index_names_given(table_name, table.indexes, [index.name for index in table.indexes], set(table.columns))


def index_names_given(table_name: str, indexes: list[Index], given: list[str | None], known_columns: set[str],
                      bases: list[str] | None = None) -> list[str]:
    """`index_names` with each index's own name taken from `given` instead (None: unnamed).

    Importers try several namings of the same indexes; this spares them a copy of the table per try.
    `bases` are the indexes' conventional base names when the caller has them already.
    """
    taken: set[str] = {name for name in given if name}
    names = []
    for position, (index, name) in enumerate(zip(indexes, given)):
        if name:
            names.append(name)
            continue
        base = bases[position] if bases is not None else _index_base(table_name, index, known_columns)
        candidate, number = fit(base), 1
        while candidate in taken:
            candidate = fit(f"{base}{number}")
            number += 1
        taken.add(candidate)
        names.append(candidate)
    return names


def index_bases(table_name: str, indexes: list[Index], known_columns: set[str]) -> list[str]:
    """Each index's conventional name before fitting and numbering (see `index_names_given`)."""
    return [_index_base(table_name, index, known_columns) for index in indexes]


def conventional_index_names(table_name: str, table: Table) -> list[str]:
    """The names every index would get if none were named; importers compare against these."""
    return index_names_given(table_name, table.indexes, [None] * len(table.indexes), set(table.columns))


def trigger_name(table: str, kind: str, column: str | None) -> str:
    if kind == "updated_at":
        return fit(f"{table}_set_{column or 'updated_at'}")
    return fit(f"{table}_{column}_{kind}")


def name_of_trigger(table: str, trigger: Trigger) -> str:
    """A trigger's name: its own for one kept as a definition, the conventional one of its kind otherwise."""
    if trigger.definition is not None and trigger.name:
        return trigger.name
    return trigger_name(table, trigger.kind or "", trigger.column)
