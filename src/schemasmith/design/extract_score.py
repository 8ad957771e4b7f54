"""How closely a proposed design matches an expected one: the facts a reader of requirements decides.

The offline extractor is measured (benchmarks/designer_accuracy.py) and tested against designs
written by hand. Only what reading the requirements decides is compared: which tables exist,
which attributes they hold and with what type, which enums, and which relationships with their
nullability and ON DELETE. Keys, audit fields, indexes and comments are conventions or later
steps, and are left out.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..model.document import Design
from ..model.invariants import type_family
from ..model.types import parse_type


@dataclass(frozen=True)
class Relationship:
    table: str
    references: str
    column: str
    nullable: bool
    on_delete: str | None


@dataclass
class Facts:
    """What a design says that a reading of the requirements decides."""

    entities: set[str] = field(default_factory=set)
    kinds: dict[str, str] = field(default_factory=dict)
    attributes: dict[tuple[str, str], str] = field(default_factory=dict)  # (table, column) → type
    nullable: dict[tuple[str, str], bool] = field(default_factory=dict)
    enums: dict[str, tuple[str, ...]] = field(default_factory=dict)
    relationships: list[Relationship] = field(default_factory=list)


def design_facts(design: Design) -> Facts:
    facts = Facts()
    audit = set(design.conventions.audit_fields)
    for name, table in design.tables.items():
        facts.entities.add(name)
        facts.kinds[name] = table.kind or "core"
        foreign_columns = {column for foreign_key in table.foreign_keys for column in foreign_key.columns}
        for column_name, column in table.columns.items():
            if column_name in audit or column_name in foreign_columns:
                continue
            if table.primary_key == [column_name] and column_name == "id":
                continue
            facts.attributes[(name, column_name)] = column.type
            facts.nullable[(name, column_name)] = column.nullable
        for foreign_key in table.foreign_keys:
            column = foreign_key.columns[0]
            facts.relationships.append(
                Relationship(name, foreign_key.references.table, column, table.columns[column].nullable, foreign_key.on_delete)
            )
    facts.enums = {name: tuple(values) for name, values in design.enums.items()}
    return facts


@dataclass
class Score:
    """Precision and recall of one kind of fact, with the details of what matched."""

    proposed: int
    expected: int
    matched: int
    agreed: dict[str, int] = field(default_factory=dict)  # detail → how many matched facts agree on it

    @property
    def precision(self) -> float:
        return self.matched / self.proposed if self.proposed else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    def share(self, detail: str) -> float:
        return self.agreed.get(detail, 0) / self.matched if self.matched else 1.0


@dataclass
class Comparison:
    entities: Score
    attributes: Score
    relationships: Score
    enums: Score
    missing: dict[str, list] = field(default_factory=dict)  # expected, not proposed
    extra: dict[str, list] = field(default_factory=dict)  # proposed, not expected


def compare(proposed: Design | Facts, expected: Design | Facts) -> Comparison:
    mine = proposed if isinstance(proposed, Facts) else design_facts(proposed)
    theirs = expected if isinstance(expected, Facts) else design_facts(expected)
    entities = Score(len(mine.entities), len(theirs.entities), len(mine.entities & theirs.entities))
    entities.agreed["kind"] = sum(mine.kinds[name] == theirs.kinds[name] for name in mine.entities & theirs.entities)

    both = set(mine.attributes) & set(theirs.attributes)
    attributes = Score(len(mine.attributes), len(theirs.attributes), len(both))
    attributes.agreed["type"] = sum(mine.attributes[key] == theirs.attributes[key] for key in both)
    attributes.agreed["type family"] = sum(_family(mine.attributes[key]) == _family(theirs.attributes[key]) for key in both)
    attributes.agreed["nullable"] = sum(mine.nullable[key] == theirs.nullable[key] for key in both)

    pairs_mine = Counter((rel.table, rel.references) for rel in mine.relationships)
    pairs_theirs = Counter((rel.table, rel.references) for rel in theirs.relationships)
    matched_pairs = pairs_mine & pairs_theirs
    relationships = Score(len(mine.relationships), len(theirs.relationships), sum(matched_pairs.values()))
    column = nullable = on_delete = 0
    for pair, count in matched_pairs.items():
        left = sorted((rel for rel in mine.relationships if (rel.table, rel.references) == pair), key=lambda rel: rel.column)
        right = sorted((rel for rel in theirs.relationships if (rel.table, rel.references) == pair), key=lambda rel: rel.column)
        for a, b in _pair_up(left, right)[:count]:
            column += a.column == b.column
            nullable += a.nullable == b.nullable
            on_delete += a.on_delete == b.on_delete
    relationships.agreed.update({"column": column, "nullable": nullable, "on_delete": on_delete})

    enum_names = set(mine.enums) & set(theirs.enums)
    enums = Score(len(mine.enums), len(theirs.enums), len(enum_names))
    enums.agreed["values"] = sum(set(mine.enums[name]) == set(theirs.enums[name]) for name in enum_names)

    comparison = Comparison(entities, attributes, relationships, enums)
    comparison.missing = {
        "entities": sorted(theirs.entities - mine.entities),
        "attributes": sorted(f"{t}.{c}" for t, c in set(theirs.attributes) - set(mine.attributes)),
        "relationships": sorted(f"{t} -> {r}" for (t, r) in (pairs_theirs - pairs_mine).elements()),
        "enums": sorted(set(theirs.enums) - set(mine.enums)),
    }
    comparison.extra = {
        "entities": sorted(mine.entities - theirs.entities),
        "attributes": sorted(f"{t}.{c}" for t, c in set(mine.attributes) - set(theirs.attributes)),
        "relationships": sorted(f"{t} -> {r}" for (t, r) in (pairs_mine - pairs_theirs).elements()),
        "enums": sorted(set(mine.enums) - set(theirs.enums)),
    }
    return comparison


def _pair_up(left: list[Relationship], right: list[Relationship]) -> list[tuple[Relationship, Relationship]]:
    """Pairs of relationships between the same tables, same column first."""
    pairs, rest = [], list(right)
    unmatched = []
    for rel in left:
        same = next((other for other in rest if other.column == rel.column), None)
        if same is not None:
            pairs.append((rel, same))
            rest.remove(same)
        else:
            unmatched.append(rel)
    pairs += list(zip(unmatched, rest))
    return pairs


def _family(portable: str) -> str:
    return type_family(parse_type(portable))


__all__ = ["Comparison", "Facts", "Relationship", "Score", "compare", "design_facts"]
