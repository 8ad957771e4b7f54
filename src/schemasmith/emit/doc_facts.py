"""Facts about a design that several generated views share: keys, relationships, complexity.

Prisma, Mermaid, DBML and the Markdown docs all need to know whether a foreign key is optional,
whether it points one-to-one, and which columns are unique; computing that once here keeps the
views consistent with each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model.document import Design, ForeignKey, Table
from ..model.keys import is_unique, unique_keys


def single_unique_columns(table: Table) -> set[str]:
    """Columns that are unique on their own (a one-column key)."""
    return {key[0] for key in unique_keys(table) if len(key) == 1}


def fk_optional(table: Table, foreign_key: ForeignKey) -> bool:
    """A row may have no parent: some foreign-key column is nullable."""
    return any(table.columns[column].nullable for column in foreign_key.columns if column in table.columns)


def fk_one_to_one(table: Table, foreign_key: ForeignKey) -> bool:
    """At most one child per parent: the foreign-key columns are a unique key of the child."""
    return is_unique(table, foreign_key.columns)


def fk_identifying(table: Table, foreign_key: ForeignKey) -> bool:
    """The foreign key is part of the child's identity: all its columns are in the primary key."""
    return bool(table.primary_key) and set(foreign_key.columns) <= set(table.primary_key)


@dataclass
class Complexity:
    """How hard a table is to implement, with the reasons that make it so."""

    rating: str  # easy | medium | hard
    score: float
    reasons: list[str] = field(default_factory=list)


def table_complexity(name: str, table: Table) -> Complexity:
    """Rate a table easy / medium / hard from what takes work and care to get right.

    Each foreign key is 1 point (write order, delete behaviour); a self-reference 2 more (tree
    queries, recursive deletes); a max_depth trigger 3 (an invariant in plpgsql, tested on moves);
    row-level security 3 plus 1 per policy (every query runs under it); a deferrable key 1
    (a cycle between tables); a partial, expression or non-btree index 1; a generated column 1;
    checks ½ each. Up to 2 points is easy, up to 5 medium, above that hard.
    """
    score = 0.0
    reasons: list[str] = []
    foreign_keys = table.foreign_keys
    if foreign_keys:
        score += len(foreign_keys)
        reasons.append(f"{len(foreign_keys)} foreign key{'s' if len(foreign_keys) != 1 else ''}")
    self_references = [fk for fk in foreign_keys if fk.references.table == name]
    if self_references:
        score += 2 * len(self_references)
        columns = ", ".join(", ".join(fk.columns) for fk in self_references)
        reasons.append(f"a self-reference ({columns}): tree reads and recursive deletes")
    deferrable = [fk for fk in foreign_keys if fk.deferrable or fk.initially_deferred]
    if deferrable:
        score += len(deferrable)
        reasons.append("a deferrable foreign key (a reference cycle: insert order matters)")
    for trigger in table.triggers:
        if trigger.kind == "max_depth":
            score += 3
            reasons.append(f"a max_depth trigger on {trigger.column} (depth {trigger.depth}): an invariant no CHECK can hold")
    if table.row_level_security or table.policies:
        score += 3 + len(table.policies)
        reasons.append(f"row-level security with {len(table.policies)} polic{'ies' if len(table.policies) != 1 else 'y'}")
    special = [index for index in table.indexes if index.where or index.expressions or index.method != "btree"]
    if special:
        score += len(special)
        kinds = []
        partial = sum(1 for index in special if index.where)
        expression = sum(1 for index in special if index.expressions)
        methods: dict[str, int] = {}
        for index in special:
            if index.method != "btree":
                methods[index.method] = methods.get(index.method, 0) + 1
        if partial:
            kinds.append(f"{partial} partial")
        if expression:
            kinds.append(f"{expression} expression")
        kinds += [f"{count} {method}" for method, count in methods.items()]
        reasons.append(f"{len(special)} special index{'es' if len(special) != 1 else ''} ({', '.join(kinds)})")
    generated = [column for column in table.columns.values() if column.generated]
    if generated:
        score += len(generated)
        reasons.append(f"{len(generated)} generated column{'s' if len(generated) != 1 else ''}")
    if table.checks:
        score += 0.5 * len(table.checks)
        reasons.append(f"{len(table.checks)} CHECK constraint{'s' if len(table.checks) != 1 else ''}")
    rating = "easy" if score <= 2 else "medium" if score <= 5 else "hard"
    if not reasons:
        reasons.append("plain columns and keys only")
    return Complexity(rating, score, reasons)


def served_by(design: Design) -> dict[str, list[tuple[str, str]]]:
    """For each query id, the (table, index name) pairs whose `serves` names it."""
    from ..model import naming

    result: dict[str, list[tuple[str, str]]] = {}
    for table_name, table in design.tables.items():
        for index_name, index in zip(naming.index_names(table_name, table), table.indexes):
            for query_id in index.serves:
                result.setdefault(query_id, []).append((table_name, index_name))
    return result
