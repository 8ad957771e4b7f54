"""Relationships and their rules from requirement sentences (workflow steps 2 and 3).

Readers here recognize many-to-many ("A user can be a member of several organizations", "a tag
can be on many spots", "Users can mark spots as favourites"), self-references with a depth
("Tasks can have subtasks … one level deep and no deeper"), composite uniqueness ("at most
once", "never twice on the same date") and what deleting a row does ("Deleting a model removes
its results"). `finish` settles what the whole text says once every sentence is read.
"""

from __future__ import annotations

import re

from .extract_draft import (
    Draft,
    DraftAttribute,
    DraftDeleteRule,
    DraftEntity,
    DraftManyToMany,
    DraftReference,
    DraftUnique,
)
from .extract_entities import NP, Clause, read_items
from .extract_words import (
    an,
    MANY,
    is_noun,
    lemmas,
    number_of,
    past,
    plural,
    singular,
    snake,
    split_list,
    verb_lemma,
)

_MANY = "|".join(re.escape(word) for word in MANY)


def read_member_of(draft: Draft, clause: Clause) -> bool:
    """ "A user can be a member of several organizations." — M:N through the role ("memberships")."""
    match = re.match(
        rf"^(?:a|an|each|every)\s+(?P<x>{NP})\s+(?:can|may)\s+(?:be|become)\s+(?:a|an)\s+(?P<role>[a-z]+)\s+(?:of|in)\s+(?:{_MANY})\s+(?P<y>{NP})$",
        clause.low,
    )
    if not match:
        return False
    person = draft.entity(match["x"], clause.source)
    person.person = True
    group = draft.entity(match["y"], clause.source)
    role = match["role"]
    key = f"{role}ship"  # the state of being a member: membership, partnership, ownership
    junction = draft.entity(key, clause.source)
    junction.kind = "junction"
    junction.aliases.add(role)
    draft.roles[role] = junction.key
    draft.add_many(DraftManyToMany(left=group.key, right=person.key, source=clause.source, name=draft.table_of(junction.key), role=role,
                                   reason=f"{an(person.key)} can be {an(role)} of several {draft.table_of(group.key)}, and {an(group.key)} has many {plural(role)}"))
    draft.decide(draft.table_of(junction.key), f"junction of {draft.table_of(group.key)} and {draft.table_of(person.key)}", clause.source,
                 f"{an(person.key)} is {an(role)} of several {draft.table_of(group.key)}; what belongs to the pair (such as a role) lives here")
    return True


def read_mark_as(draft: Draft, clause: Clause) -> bool:
    """ "Users can mark spots as favourites." — M:N junction named by what the mark means."""
    match = re.match(
        rf"^(?P<x>{NP})\s+(?:can|may)\s+(?:mark|save|keep|bookmark|flag|star|add|list)\s+(?P<y>{NP})\s+as\s+(?:their\s+|a\s+)?(?P<z>{NP})$",
        clause.low,
    )
    if not match:
        return False
    person = draft.entity(match["x"], clause.source)
    thing = draft.entity(match["y"], clause.source)
    junction = draft.entity(match["z"], clause.source)
    junction.kind = "junction"
    draft.add_many(DraftManyToMany(left=person.key, right=thing.key, source=clause.source, name=draft.table_of(junction.key),
                                   reason=f"{an(person.key)} marks many {draft.table_of(thing.key)}, and {an(thing.key)} is marked by many {draft.table_of(person.key)}"))
    draft.decide(draft.table_of(junction.key), f"junction of {draft.table_of(person.key)} and {draft.table_of(thing.key)}", clause.source)
    return True


def read_many_reverse(draft: Draft, clause: Clause) -> bool:
    """ "a tag can be on many spots", "a recipe may be in several categories" — the other side is many too."""
    match = re.match(
        rf"^(?:a|an|each|every|the same|one)\s+(?P<y>{NP})\s+(?:can|may|is|could)\s+(?:be\s+)?(?:on|in|used\s+(?:on|by|in|for)|shared\s+(?:by|between|among)|part\s+of|attached\s+to|added\s+to|belong\s+to|linked\s+to|assigned\s+to)\s+"
        rf"(?:{_MANY})\s+(?P<x>{NP})$",
        clause.low,
    )
    if not match or not draft.is_entity(match["x"]) and not draft.is_entity(match["y"]):
        return False
    one = draft.entity(match["y"], clause.source)
    other = draft.entity(match["x"], clause.source)
    # the side that was said to have the other names the junction first ("spots have tags" → spot_tags)
    left, right = one, other
    if any(ref.child == one.key and ref.parent == other.key and ref.role == "owner" for ref in draft.references):
        left, right = other, one
    draft.add_many(DraftManyToMany(left=left.key, right=right.key, source=clause.source,
                                   reason=f"{an(one.key)} can be on many {draft.table_of(other.key)}"))
    draft.decide(f"{snake(left.key)}_{snake(plural(right.key))}", f"junction of {draft.table_of(left.key)} and {draft.table_of(right.key)}",
                 clause.source, "both sides have many of the other")
    return True


def read_subtree(draft: Draft, clause: Clause) -> bool:
    """ "Tasks can have subtasks with the same fields, nested one level deep and no deeper." """
    match = re.match(rf"^(?P<x>{NP})\s+(?:can|may)\s+(?:have|contain)\s+(?:sub-?|child\s+|nested\s+)(?P<y>[a-z]+)\b(?P<rest>.*)$", clause.low)
    if not match:
        return False
    if singular(match["y"]) != singular(match["x"].split()[-1]):
        return False
    entity = draft.entity(match["x"], clause.source)
    depth = None
    deep = re.search(r"\b(?P<n>\w+)\s+levels?\s+(?:deep|down)", match["rest"])
    if deep:
        depth = number_of(deep["n"])
    elif re.search(r"\bno\s+deeper\b|\bonly\s+one\s+level\b", match["rest"]):
        depth = 1
    draft.add_reference(DraftReference(child=entity.key, parent=entity.key, source=clause.source, column="parent_id", nullable=True,
                                       on_delete="cascade", role="parent", depth=int(depth) if depth is not None else None,
                                       reason=f"deleting {an(entity.key)} deletes its sub{plural(entity.key)}"))
    table = draft.table_of(entity.key)
    if depth is not None:
        draft.decide(f"{table}.parent_id", f"self-reference with max_depth {int(depth)}", clause.source,
                     f"sub{plural(entity.key)} have the same fields, so they share the table; the depth is an invariant no CHECK can express")
    else:
        draft.decide(f"{table}.parent_id", "self-reference", clause.source, "the requirements set no depth")
        draft.ask(f"{table}.parent_id: how deep can sub{plural(entity.key)} nest?")
    return True


def read_at_most_once(draft: Draft, clause: Clause) -> bool:
    """ "A user reviews a spot at most once." — a composite unique key."""
    match = re.match(
        rf"^(?:a|an|each|every)\s+(?P<x>{NP})\s+(?:can\s+|may\s+|will\s+)?(?:only\s+)?(?P<verb>[a-z]+)\s+(?:a|an|the\s+same|each|any)\s+(?P<y>{NP})\s+(?:at\s+most|only|no\s+more\s+than)\s+once$",
        clause.low,
    )
    if not match:
        return False
    x_entity, y_entity = draft.find(match["x"]), draft.find(match["y"])
    if x_entity is None or y_entity is None:
        return False
    target = _entity_of_verb(draft, match["verb"], (x_entity.key, y_entity.key))
    if target is None:
        return False
    draft.uniques.append(DraftUnique(target.key, [f"->{x_entity.key}", f"->{y_entity.key}"], clause.source,
                                     f"{an(x_entity.key)} {match['verb']} {an(y_entity.key)} at most once"))
    return True


def read_never_twice(draft: Draft, clause: Clause) -> bool:
    """ "The same model and benchmark can be tested again on another date, but never twice on the same date." """
    match = re.match(
        rf"^the\s+same\s+(?P<a>{NP})\s+and\s+(?P<b>{NP})\s+(?:can|may)\s+be\s+(?P<verb>[a-z]+)\b.*?\bnever\s+twice\s+(?:on|in|at)\s+the\s+same\s+(?P<unit>[a-z]+)$",
        clause.low,
    )
    if not match:
        return False
    a_entity, b_entity = draft.find(match["a"]), draft.find(match["b"])
    if a_entity is None or b_entity is None:
        return False
    verb = verb_lemma(match["verb"]) or match["verb"]
    target = _entity_of_verb(draft, verb, (a_entity.key, b_entity.key))
    if target is None:
        return False
    column = f"{past(verb)}_on" if match["unit"] in ("date", "day") else None
    if column not in target.attributes:
        dated = [name for name, attribute in target.attributes.items() if attribute.type == "date"]
        column = dated[0] if len(dated) == 1 else None
    if column is None:
        draft.skip(clause.source, f"no single {match['unit']} column of {draft.table_of(target.key)} to make unique with the pair")
        return True
    draft.uniques.append(DraftUnique(target.key, [f"->{a_entity.key}", f"->{b_entity.key}", column], clause.source,
                                     f"the same {a_entity.key} and {b_entity.key} never twice on the same {match['unit']}"))
    return True


def _entity_of_verb(draft: Draft, verb: str, pair: tuple[str, str]) -> DraftEntity | None:
    """The entity a verb is about: its noun ("reviews" → review) or the one entity that links the pair."""
    lemma = verb_lemma(verb) or verb
    candidates = [lemma]
    if is_noun(lemma):
        candidates.insert(0, lemma)
    for candidate in candidates:
        found = draft.find(candidate)
        if found is not None and found.key not in pair:
            return found
    linking = [
        entity for entity in draft.entities.values()
        if entity.key not in pair and all(any(ref.child == entity.key and ref.parent == side for ref in draft.references) for side in pair)
    ]
    linking += [
        draft.entities[Draft.normalize(pair_.name)] for pair_ in draft.many
        if {pair_.left, pair_.right} == set(pair) and pair_.name and Draft.normalize(pair_.name) in draft.entities
    ]
    return linking[0] if len(linking) == 1 else None


_DELETE_PATTERNS = (
    (re.compile(rf"^(?:deleting|removing)\s+(?:a|an|the)\s+(?P<parent>{NP})\s+(?:also\s+)?(?:removes|deletes|erases|takes)\s+(?:with\s+it\s+)?(?:all\s+)?(?:of\s+)?(?:its|their)\s+(?P<children>.+)$"), "cascade"),
    (re.compile(rf"^(?:when|if|once)\s+(?:a|an|the)\s+(?P<parent>{NP})\s+is\s+(?:deleted|removed),?\s+(?:all\s+)?(?:its|their)\s+(?P<children>.+?)\s+(?:go|are\s+deleted|are\s+removed|disappear|vanish|go\s+away)(?:\s+with\s+it|\s+too|\s+as\s+well)?$"), "cascade"),
    (re.compile(rf"^(?:when|if|once)\s+(?:a|an|the)\s+(?P<parent>{NP})\s+is\s+(?:deleted|removed),?\s+(?:its|their)\s+(?P<children>.+?)\s+(?:are\s+kept|stay|remain|become\s+\w+)$"), "set null"),
    (re.compile(rf"^(?P<parent>{NP}(?:(?:,\s*|\s+and\s+|\s+or\s+){NP})*)\s+(?:that|which|who)\s+(?:still\s+)?(?:have|has)\s+(?:any\s+)?(?P<children>{NP})\s+(?:cannot|can't|can\s+not|may\s+not|must\s+not)\s+be\s+(?:deleted|removed)$"), "restrict"),
)


def read_delete_rule(draft: Draft, clause: Clause) -> bool:
    """ "Deleting a model removes its results, opinions and use cases." — ON DELETE rules."""
    for pattern, action in _DELETE_PATTERNS:
        match = pattern.match(clause.low)
        if not match:
            continue
        parents = split_list(match["parent"]) if action == "restrict" else [match["parent"]]
        for parent_phrase in parents:
            parent = draft.find(parent_phrase)
            if parent is None:
                draft.skip(clause.source, f"{parent_phrase!r} is not an entity the requirements describe")
                continue
            for child in split_list(match["children"]):
                draft.delete_rules.append(DraftDeleteRule(parent.key, child, action, clause.source))
        return True
    return False


RELATIONSHIP_READERS = (
    read_member_of,
    read_mark_as,
    read_subtree,
    read_many_reverse,
    read_at_most_once,
    read_never_twice,
    read_delete_rule,
)


def finish(draft: Draft) -> None:
    """Settle the relationships once every sentence is read: M:N pairs, delete rules, open questions."""
    # "Labels belong to an organization; a task can have many labels": a label has one owner
    # already, so the task's many labels are shared ones — many-to-many, not a second owner
    for child in list(draft.entities):
        owned = [ref for ref in draft.references if ref.child == child and ref.role == "owner" and ref.via in ("have", "belongs")]
        belongs = [ref for ref in owned if ref.via == "belongs"]
        if len(belongs) != 1:
            continue
        for ref in owned:
            if ref.via == "have" and ref.parent != belongs[0].parent and ref.parent != child:
                draft.references.remove(ref)
                draft.add_many(DraftManyToMany(left=ref.parent, right=child, source=ref.source,
                                               reason=f"{an(child)} belongs to its {belongs[0].parent}, so {an(ref.parent)}'s {plural(child)} are shared ones"))
                draft.decide(f"{snake(ref.parent)}_{snake(plural(child))}", "many-to-many", ref.source,
                             f"{an(child)} already belongs to a {belongs[0].parent} ({belongs[0].source.quote()})")
    # a pair needs two entities with keys of their own; a junction cannot be one side
    kept = []
    for pair in draft.many:
        sides = [draft.entities.get(pair.left), draft.entities.get(pair.right)]
        if any(side is None or side.kind == "junction" for side in sides):
            draft.skip(pair.source, "a many-to-many pair whose side is not an entity with a key of its own")
            continue
        kept.append(pair)
    draft.many = kept
    # a pair that is many-to-many is not also one-to-many
    for pair in draft.many:
        draft.references = [
            ref for ref in draft.references
            if not ({ref.child, ref.parent} == {pair.left, pair.right} and ref.role in ("owner", "reference"))
        ]
        if pair.name is None:
            pair.name = f"{snake(draft.entities[pair.left].key)}_{snake(plural(draft.entities[pair.right].key))}"
            junction_key = Draft.normalize(pair.name.replace("_", " "))
            if junction_key not in draft.entities:
                # made directly: `draft.entity` would take "task label" for a longer name of "label"
                draft.entities[junction_key] = DraftEntity(key=junction_key, source=pair.source, kind="junction", table=pair.name)
    for entity in list(draft.entities.values()):
        if entity.kind != "junction" and not entity.attributes:
            # the text names the thing but says nothing it holds: a name, stated as an assumption
            draft.add_attribute(entity, DraftAttribute("name", "text", entity.source, reason="assumed: the requirements list no attributes"))
            draft.decide(f"{draft.table_of(entity.key)}.name", "text (assumed)", entity.source,
                         f"the requirements list nothing {an(entity.key)} holds; a name is the least it needs", assumed=True)
            draft.ask(f"{draft.table_of(entity.key)}: what does {an(entity.key)} hold besides a name? The requirements list nothing.")
    for rule in draft.delete_rules:
        child = draft.find(rule.child_phrase)
        applied = False
        if child is not None:
            for ref in draft.references:
                if ref.child == child.key and ref.parent == rule.parent:
                    _apply_rule(draft, ref, rule)
                    applied = True
        else:
            key = Draft.normalize(rule.child_phrase)
            # "its results" for benchmark results: the referencing entity whose name ends in the word
            for ref in draft.references:
                if ref.parent == rule.parent and ref.child.split()[-1] == key:
                    _apply_rule(draft, ref, rule)
                    applied = True
        if not applied:
            draft.skip(rule.source, f"no relationship between {rule.parent} and {rule.child_phrase!r} to apply ON DELETE {rule.action.upper()} to")
    for ref in draft.references:
        if ref.child == ref.parent:
            continue
        child_table, parent_table = draft.table_of(ref.child), draft.table_of(ref.parent)
        column = ref.column_name(draft)
        if draft.entities[ref.child].kind != "junction":
            draft.ask(f"{child_table}.{column}: will this become M:N? ({an(ref.child)} has one {ref.parent} now; could it have several {parent_table}?)")


def _apply_rule(draft: Draft, ref: DraftReference, rule: DraftDeleteRule) -> None:
    ref.on_delete = rule.action
    if rule.action == "set null":
        ref.nullable = True
    ref.reason = rule.source.text.rstrip(".")
    ref.role = "owner" if rule.action == "cascade" else ref.role


__all__ = ["RELATIONSHIP_READERS", "finish", "lemmas", "read_items"]
