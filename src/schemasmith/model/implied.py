"""Make explicit what a design leaves to its conventions, so every consumer reads one meaning.

A design may leave out what its conventions imply: the generated default of a uuid primary key,
the identity of an integer key under `primary_key: identity`, the trigger that keeps
`updated_at` current. Emitters and comparisons work on `with_implied(design)`, so a design that
spells these out and one that leaves them to conventions produce the same DDL.
"""

from __future__ import annotations

from .document import Default, Design, Table, Trigger

#: The portable spelling of a generated uuid; each dialect renders it its own way.
UUID_DEFAULT = "gen_random_uuid()"


def with_implied(design: Design) -> Design:
    """A copy of `design` with the conventions' implications written out (none under `implied: false`)."""
    if not design.conventions.implied:
        return design
    tables = {name: _table_with_implied(design, table) for name, table in design.tables.items()}
    return design.model_copy(update={"tables": tables})


def _table_with_implied(design: Design, table: Table) -> Table:
    columns = dict(table.columns)
    if len(table.primary_key) == 1 and table.primary_key[0] in columns:
        key_name = table.primary_key[0]
        key = columns[key_name]
        portable = key.portable_type
        if key.default is None and key.identity is None and key.generated is None:
            if portable.kind == "uuid":
                columns[key_name] = key.model_copy(update={"default": Default(value=UUID_DEFAULT, is_expression=True)})
            elif portable.is_integer and design.conventions.primary_key == "identity":
                columns[key_name] = key.model_copy(update={"identity": "by default"})
    triggers = list(table.triggers)
    # A trigger kept as its definition that names the column (a hand-written one, imported) keeps it
    # current already: implying another would run two.
    has_updated_at_trigger = any(
        trigger.kind == "updated_at" or (trigger.definition is not None and "updated_at" in trigger.definition.lower())
        for trigger in triggers
    )
    updated_at = columns.get("updated_at")
    if (
        not has_updated_at_trigger
        and updated_at is not None
        and updated_at.portable_type.kind in ("timestamp", "timestamptz")
    ):
        triggers.append(Trigger(kind="updated_at"))
    return table.model_copy(update={"columns": columns, "triggers": triggers})
