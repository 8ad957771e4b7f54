"""The offline extractor's working state: entities, attributes and relationships as they are read.

Sentence readers (`extract_entities`, `extract_relationships`) add facts here, each with the
line it came from; `rules_designer` turns the finished draft into a design document. Keeping
the facts apart from the document lets a later sentence change an earlier reading ("Deleting a
model removes its results" turns a restrict into a cascade) before anything is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .designer import Decision, Unread
from .extract_words import (
    DETERMINERS,
    QUALIFIERS,
    is_adjective_only,
    plural,
    singular,
    snake,
    table_name,
)


@dataclass(frozen=True)
class Source:
    """Where a fact was read: the sentence and its line."""

    line: int
    text: str

    def quote(self) -> str:
        return f"\"{self.text}\" (line {self.line})"


@dataclass
class DraftAttribute:
    name: str
    type: str
    source: Source
    nullable: bool = False
    unique: bool = False
    default: Any = None
    comment: str | None = None
    enum_values: list[str] | None = None
    check: str | None = None
    check_reason: str | None = None
    reason: str = ""
    unique_index: str | None = None  # an expression for a unique index, e.g. lower(email)
    seq: int = 0  # reading order, so columns come out in the order the text names them


@dataclass
class DraftReference:
    """A foreign key to be: `child` points at `parent`."""

    child: str
    parent: str
    source: Source
    column: str | None = None
    nullable: bool = False
    on_delete: str = "restrict"
    role: str = "reference"  # owner | reference | actor | optional | parent
    via: str = ""  # the sentence shape that made it: "have" ("X have Ys"), "belongs" ("Y belongs to X")
    reason: str = ""
    unique: bool = False  # one-to-one
    depth: int | None = None  # self-references bounded by the requirements
    seq: int = 0

    def column_name(self, draft: Draft) -> str:
        return self.column or f"{snake(draft.entities[self.parent].key)}_id"


@dataclass
class DraftManyToMany:
    """Two entities related many-to-many, through a junction table."""

    left: str
    right: str
    source: Source
    name: str | None = None  # the junction's table name; default {left}_{right plural}
    role: str | None = None  # the role noun ("member") when the pair has one
    reason: str = ""
    left_column: str | None = None
    right_column: str | None = None


@dataclass
class DraftEntity:
    key: str  # singular noun phrase, e.g. "benchmark result"
    source: Source
    attributes: dict[str, DraftAttribute] = field(default_factory=dict)
    kind: str = "core"
    aliases: set[str] = field(default_factory=set)
    comment: str | None = None
    append_only: bool = False
    identity_key: bool = False  # bigint identity instead of the conventional key
    person: bool = False
    shared: bool = False  # a label/lookup shared by many rows of other entities
    examples: list[str] = field(default_factory=list)
    head_used: bool = False  # the last word alone was used to name it ("spots" for "taco spot")
    table: str | None = None  # fixed name, when the text gives one
    notes: list[str] = field(default_factory=list)
    ordered_by: str | None = None  # a position column, for "in a fixed order"

    def attribute(self, name: str) -> DraftAttribute | None:
        return self.attributes.get(name)


@dataclass
class DraftUnique:
    entity: str
    columns: list[str]  # attribute names or "->parent" for the foreign key to that entity
    source: Source
    reason: str


@dataclass
class DraftDeleteRule:
    parent: str
    child_phrase: str
    action: str  # cascade | restrict | set null
    source: Source


class Draft:
    """Everything read so far. `known` is the entity list of an earlier pass over the same text."""

    def __init__(self, naming: str = "snake_case_plural", known: dict[str, DraftEntity] | None = None):
        self.naming = naming
        self.known = known or {}
        self.entities: dict[str, DraftEntity] = {}
        self.references: list[DraftReference] = []
        self.many: list[DraftManyToMany] = []
        self.uniques: list[DraftUnique] = []
        self.delete_rules: list[DraftDeleteRule] = []
        self.decisions: list[Decision] = []
        self.questions: list[str] = []
        self.unread: list[Unread] = []
        self.roles: dict[str, str] = {}  # role noun ("member") → the junction it names
        self.subject: str | None = None  # the entity the last sentence was about
        self._seq = 0
        self.reread = None  # reads a clause found inside a list (set by the designer)

    # --- naming -----------------------------------------------------------------------------

    @staticmethod
    def normalize(phrase: str) -> str:
        """The singular key of a noun phrase: determiners, qualifiers and asides removed."""
        text = re.sub(r"\([^)]*\)", " ", phrase.lower())
        text = re.sub(r"[\"“”'’]s\b", "", text)
        text = re.sub(r"[^a-z0-9\- ]+", " ", text)
        words = [word for word in text.split() if word not in DETERMINERS]
        while words and (words[0] in QUALIFIERS or is_adjective_only(words[0])):
            words = words[1:]
        if not words:
            return ""
        return singular(" ".join(words))

    def table_of(self, key: str) -> str:
        entity = self.entities[key]
        if entity.table:
            return entity.table
        return table_name(entity.key, self.naming)

    # --- entities ---------------------------------------------------------------------------

    def find(self, phrase: str) -> DraftEntity | None:
        """The entity a noun phrase names, if any: by key, alias, or the head of a compound."""
        key = self.normalize(phrase)
        if not key:
            return None
        key = self.roles.get(key, key)
        return self._find_key(key, self.entities) or self._find_key(key, self.known, only_known=True)

    def _find_key(self, key: str, pool: dict[str, DraftEntity], only_known: bool = False) -> DraftEntity | None:
        if key in pool:
            return self.entities.get(key) if only_known else pool[key]
        for entity in pool.values():
            if key in entity.aliases:
                return self.entities.get(entity.key) if only_known else entity
        words = key.split()
        if len(words) == 1:
            # "spots" for "taco spot": the head of exactly one compound entity
            candidates = [entity for entity in pool.values() if entity.key.split()[-1] == key and len(entity.key.split()) > 1]
            if len(candidates) == 1:
                found = self.entities.get(candidates[0].key) if only_known else candidates[0]
                if found is not None:
                    found.head_used = True
                return found
        return None

    def is_entity(self, phrase: str) -> bool:
        """An entity of this pass or of the earlier one (which knows the whole text)."""
        key = self.normalize(phrase)
        if not key:
            return False
        key = self.roles.get(key, key)
        if self._find_key(key, self.entities):
            return True
        return self._find_key(key, self.known) is not None

    def entity(self, phrase: str, source: Source) -> DraftEntity:
        """The entity a noun phrase names, created when it is new; `NotANoun` when it names nothing."""
        found = self.find(phrase)
        if found is not None:
            return found
        if not self.normalize(phrase):
            raise NotANoun(phrase)
        key = self.roles.get(self.normalize(phrase), self.normalize(phrase))
        if key in self.known or any(key in known.aliases for known in self.known.values()):
            known = self.known.get(key) or next(known for known in self.known.values() if key in known.aliases)
            key = known.key
        else:
            for known in self.known.values():
                if len(key.split()) == 1 and known.key.split()[-1] == key and len(known.key.split()) > 1:
                    key = known.key
                    break
        # a compound whose head was created first ("spot", then "taco spot"): one entity
        words = key.split()
        if len(words) > 1 and words[-1] in self.entities and not self.entities[words[-1]].attributes:
            existing = self.entities.pop(words[-1])
            existing.aliases.add(existing.key)
            existing.key = key
            existing.head_used = True
            self.entities[key] = existing
            self._rename_everywhere(words[-1], key)
            return existing
        known = self.known.get(key)
        if known is not None and known.head_used and len(key.split()) > 1 and not self._modifier_is_entity(key):
            # "taco spot", called "spots" elsewhere: the head alone names the table
            head = key.split()[-1]
            created = DraftEntity(key=head, source=source, aliases={key})
            self.entities[head] = created
            self.decide(table_name(head, self.naming), f"named {table_name(head, self.naming)}, not {table_name(key, self.naming)}", source,
                        f"the requirements call a {key} a {head} elsewhere")
            created.person, created.kind, created.shared, created.table = known.person, known.kind, known.shared, None
            return created
        created = DraftEntity(key=key, source=source)
        if known is not None:  # what the first pass learned about it from the whole text
            created.aliases |= known.aliases
            created.person = known.person
            created.kind = known.kind
            created.shared = known.shared
            created.table = known.table
        self.entities[key] = created
        return created

    def _modifier_is_entity(self, key: str) -> bool:
        modifier = " ".join(key.split()[:-1])
        return modifier in self.known or modifier in self.entities

    def _rename_everywhere(self, old: str, new: str) -> None:
        for reference in self.references:
            if reference.child == old:
                reference.child = new
            if reference.parent == old:
                reference.parent = new
        for pair in self.many:
            if pair.left == old:
                pair.left = new
            if pair.right == old:
                pair.right = new
        for unique in self.uniques:
            if unique.entity == old:
                unique.entity = new
        for rule in self.delete_rules:
            if rule.parent == old:
                rule.parent = new

    def persons(self) -> list[DraftEntity]:
        """Entities that are people (who sign up, are members, or are named user/person)."""
        pool = {**{key: entity for key, entity in self.known.items()}, **self.entities}
        return [
            entity for entity in pool.values()
            if entity.person or entity.key.split()[-1] in ("user", "person", "account")
        ]

    # --- facts ------------------------------------------------------------------------------

    def add_attribute(self, entity: DraftEntity, attribute: DraftAttribute) -> DraftAttribute:
        if not re.search(r"[a-z0-9]", attribute.name or ""):
            # "a 名前": no letters a column name can be made of; said, not written as an empty name
            self.skip(attribute.source, f"an attribute of {entity.key} has no name a column can take (only a-z, 0-9 and _)")
            return attribute
        existing = entity.attributes.get(attribute.name)
        if existing is not None:
            existing.unique = existing.unique or attribute.unique
            if attribute.enum_values and not existing.enum_values:
                existing.enum_values = attribute.enum_values
                existing.type = attribute.type
            return existing
        self._seq += 1
        attribute.seq = self._seq
        entity.attributes[attribute.name] = attribute
        return attribute

    def add_reference(self, reference: DraftReference) -> DraftReference:
        for existing in self.references:
            if existing.child == reference.child and existing.parent == reference.parent and (
                existing.column == reference.column or reference.column is None or existing.column is None
            ):
                if existing.role == "reference" and reference.role == "owner":
                    existing.role, existing.on_delete, existing.reason = "owner", reference.on_delete, reference.reason
                existing.nullable = existing.nullable and reference.nullable
                return existing
        self._seq += 1
        reference.seq = self._seq
        self.references.append(reference)
        return reference

    def add_many(self, pair: DraftManyToMany) -> DraftManyToMany:
        for existing in self.many:
            if {existing.left, existing.right} == {pair.left, pair.right}:
                existing.name = existing.name or pair.name
                existing.role = existing.role or pair.role
                return existing
        self.many.append(pair)
        return pair

    def decide(self, subject: str, choice: str, source: Source | None, reason: str = "", *, assumed: bool = False) -> None:
        text = reason or (source.quote() if source else "")
        if source and reason and source.quote() not in reason:
            text = f"{reason} — {source.quote()}"
        decision = Decision(subject=subject, choice=choice, reason=text, assumed=assumed)
        if not any(existing == decision for existing in self.decisions):
            self.decisions.append(decision)

    def ask(self, question: str) -> None:
        if question not in self.questions:
            self.questions.append(question)

    def skip(self, source: Source, why: str) -> None:
        self.unread.append(Unread(line=source.line, text=source.text, why=why))


class NotANoun(ValueError):
    """A reader took a phrase for an entity that has no noun left once its determiners go ("this", "the")."""

    def __init__(self, phrase: str):
        super().__init__(phrase)
        self.phrase = phrase


def entity_words(phrase: str) -> str:
    """The words of a noun phrase that name it, for messages."""
    return " ".join(word for word in phrase.split() if word.lower() not in DETERMINERS)


__all__ = [
    "NotANoun",
    "Draft",
    "DraftAttribute",
    "DraftDeleteRule",
    "DraftEntity",
    "DraftManyToMany",
    "DraftReference",
    "DraftUnique",
    "Source",
    "entity_words",
    "plural",
]
