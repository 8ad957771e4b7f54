"""`revise`: an iterative change to an existing design, from a change request in plain language.

The designer reads the request as requirements of its own; what it proposes is merged into the
existing design: new tables are added, existing tables gain the columns, keys, constraints and
indexes the request brings, and nothing that was there is lost. The critique loop then runs on
the result, as it does for a new design.
"""

from __future__ import annotations

import re

from ..model.document import Design, Table


def request_as_requirements(request: str) -> str:
    """A one-line change request as a requirements document: one bullet per clause.

    "Labels belong to an organization; a task can have many labels." reads as two requirements,
    the way they would be written in a requirements document.
    """
    clauses = [part.strip(" .") for part in re.split(r";|(?<=[.!?])\s+|\n+", request) if part.strip(" .-*")]
    return "\n".join(f"- {clause[0].upper()}{clause[1:]}." for clause in clauses) + "\n"


def assumed_columns(proposal) -> set[tuple[str, str]]:
    """(table, column) pairs the designer only assumed (e.g. a `name` for a table it merely saw
    mentioned): they must not be added to a table the existing design already defines."""
    assumed = set()
    for decision in proposal.decisions:
        if decision.assumed and decision.subject.count(".") == 1:
            table, column = decision.subject.split(".")
            assumed.add((table, column))
    return assumed


def merge_designs(base: Design, addition: Design, skip: set[tuple[str, str]] = frozenset()) -> Design:
    """`base` with everything `addition` has that `base` lacks (base wins where both define a thing).

    `skip` names columns of the addition that are only placeholders for tables `base` already has.
    """
    tables = dict(base.tables)
    for name, table in addition.tables.items():
        if name in tables:
            kept = {column: value for column, value in table.columns.items() if (name, column) not in skip}
            tables[name] = _merge_table(tables[name], table.model_copy(update={"columns": kept}))
        else:
            tables[name] = table
    enums = dict(base.enums)
    for name, values in addition.enums.items():
        enums.setdefault(name, values)
    known_queries = {query.id for query in base.queries}
    queries = list(base.queries) + [query for query in addition.queries if query.id not in known_queries]
    return base.model_copy(update={"tables": tables, "enums": enums, "queries": queries})


def _merge_table(base: Table, addition: Table) -> Table:
    columns = dict(base.columns)
    for name, column in addition.columns.items():
        columns.setdefault(name, column)

    def extend(existing: list, new: list, key) -> list:
        seen = {key(item) for item in existing}
        return list(existing) + [item for item in new if key(item) not in seen]

    return base.model_copy(
        update={
            "columns": columns,
            "unique": extend(base.unique, addition.unique, lambda u: tuple(u.columns)),
            "checks": extend(base.checks, addition.checks, lambda c: c.expression),
            "foreign_keys": extend(base.foreign_keys, addition.foreign_keys, lambda f: tuple(f.columns)),
            "indexes": extend(base.indexes, addition.indexes, lambda i: (tuple(i.columns), tuple(i.expressions), i.where)),
            "triggers": extend(base.triggers, addition.triggers, lambda t: (t.kind, t.column)),
            "notes": extend(base.notes, addition.notes, lambda n: n),
        }
    )
