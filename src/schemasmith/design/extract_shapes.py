"""Sentence shapes the first readers did not cover, found on documents written after them.

Passives ("Doctors are employed by a clinic", "A route is driven by one driver", "Each appointment
is held in a room"), plain verb–object sentences ("A customer opens tickets", "Each branch holds
copies of books"), many-to-many said from both sides in one sentence ("A book can have several
authors, and an author writes many books") and user stories that say what a person creates
("As an organizer, I want to create events with a title and a venue"). Each reader answers only
when its whole clause fits; anything else stays unread, with the reason, as before.
"""

from __future__ import annotations

import re

from .extract_draft import Draft, DraftManyToMany, DraftReference
from .extract_entities import ARTICLE as _ARTICLE
from .extract_entities import HAS as _HAS
from .extract_entities import NP, Clause, read_items
from .extract_entities import SYSTEM_SUBJECT as _SYSTEM_SUBJECT
from .extract_entities import is_bare_plural as _is_bare_plural
from .extract_entities import original_slice as _original_slice
from .extract_words import MANY, an, is_noun, is_verb, participle, plural, snake, split_list, verb_lemma

_MANY = "|".join(re.escape(word) for word in MANY + ("one or more",))
_ONE = r"(?:exactly\s+one|one|a|an|the|its|their|a single|one single)"
#: Verbs whose object a person makes and keeps (the maker is referenced); others only name a thing.
_MAKING = {"create", "place", "publish", "write", "post", "book", "buy", "open", "submit", "upload", "raise", "file", "start", "make", "add", "issue"}
_NOT_OWNING = {"be", "have", "see", "want", "need", "find", "browse", "view", "get", "read", "know", "like", "use", "follow", "borrow", "rate", "visit", "search", "pay", "receive", "reply", "mark"}


_PREPOSITIONS = {"on", "to", "of", "for", "in", "at", "from", "with", "by", "about", "into", "onto", "under", "over"}


def _is_participle(word: str) -> bool:
    lemma = verb_lemma(word)
    return bool(lemma) and lemma not in ("be", "have") and participle(lemma) == word


def _reference(draft: Draft, child_phrase: str, parent_phrase: str, clause: Clause, reason: str, *, role: str = "owner",
               on_delete: str = "restrict", nullable: bool = False) -> None:
    child = draft.entity(child_phrase, clause.source)
    parent = draft.entity(parent_phrase, clause.source)
    if child.key == parent.key:
        return
    if any(ref.child == child.key and ref.parent == parent.key for ref in draft.references):
        return
    draft.add_reference(DraftReference(child=child.key, parent=parent.key, source=clause.source, role=role, on_delete=on_delete,
                                       nullable=nullable, reason=reason))


def _rest(draft: Draft, subject: str, rest: str, clause: Clause, start: int) -> bool:
    """What follows the main clause: ", with a name and …", ", starts at …, and has a status (…)"."""
    rest = rest.strip()
    if not rest:
        return True
    entity = draft.entity(subject, clause.source)
    with_list = re.match(r"^,?\s*(?:each\s+)?with\s+(?P<list>.+)$", rest)
    if with_list:
        original = _original_slice(clause, start + with_list.start("list") + (len(clause.low[start:]) - len(clause.low[start:].lstrip())))
        read_items(draft, entity, original, clause.source)
        return True
    verbs = re.match(rf"^,\s*(?P<list>.+)$", rest)
    if verbs:
        understood = False
        for part in split_list(verbs["list"]):
            has = re.match(rf"^(?:and\s+)?{_HAS}\s+(?P<items>.+)$", part)
            if has:
                read_items(draft, entity, has["items"], clause.source)
                understood = True
            else:
                # "starts at a given time", "lasts a number of minutes": a value of the entity
                verb_phrase = re.match(r"^(?:and\s+)?(?P<verb>[a-z]+)\s+(?:at|on|for|in)?\s*(?:a|an|the)?\s*(?P<what>.+)$", part)
                if verb_phrase and is_verb(verb_phrase["verb"]):
                    lemma = verb_lemma(verb_phrase["verb"]) or verb_phrase["verb"]
                    what = verb_phrase["what"]
                    if "time" in what or lemma in ("start", "end", "begin", "finish"):
                        read_items(draft, entity, f"the time it {lemma}s", clause.source)
                    elif re.search(r"\bnumber of\b", what):
                        read_items(draft, entity, what, clause.source)
                    else:
                        return understood
                    understood = True
                else:
                    return understood
        return understood
    return False


def read_passive_by(draft: Draft, clause: Clause) -> bool:
    """ "Doctors are employed by a clinic", "A route is driven by one driver", "Appointments are booked by patients with a doctor"."""
    match = re.match(
        rf"^(?:(?:after|before|during)\s+{_ARTICLE}\s+{NP},\s+)?(?:{_ARTICLE}\s+)?(?P<x>{NP})\s+(?:is|are|(?:can|may|must|will)\s+be)\s+(?:(?:always|usually|only|also)\s+)?"
        rf"(?P<verb>[a-z]+)\s+by\s+(?:{_ONE}\s+|(?:{_MANY})\s+)?(?P<y>{NP})(?:\s+with\s+{_ONE}\s+(?P<z>{NP}))?(?P<rest>(?:,\s*|\s+with\s+|\s*:\s*).+)?$",
        clause.low,
    )
    if not match or not _is_participle(match["verb"]) or _SYSTEM_SUBJECT.match(match["y"]):
        return False
    if re.search(r"\bby\s+(?:their|its|his|her|our|my)\b", clause.low):
        return False  # "identified by their email address": a value of its own, not another thing
    if not (is_noun(match["y"].split()[-1]) or draft.is_entity(match["y"])):
        return False
    verb = match["verb"]
    _reference(draft, match["x"], match["y"], clause, f"{an(Draft.normalize(match['x']) or match['x'])} is {verb} by its {Draft.normalize(match['y'])}")
    if match["z"]:
        _reference(draft, match["x"], match["z"], clause, f"{verb} with {an(Draft.normalize(match['z']) or match['z'])}")
    if match["rest"] and not _rest(draft, match["x"], match["rest"].lstrip(":"), clause, match.start("rest")):
        pass  # the main clause was read; the rest names values the item readers report on
    draft.subject = draft.entity(match["x"], clause.source).key
    return True


def read_passive_place(draft: Draft, clause: Clause) -> bool:
    """ "Each appointment is held in a room, starts at …", "Prescriptions may be issued during an appointment: …",
    "Medications are kept in a shared list with a unique name …", "Patients are registered with a name, …"."""
    match = re.match(
        rf"^(?:{_ARTICLE}\s+)?(?P<x>{NP})\s+(?:is|are|(?:can|may|must|will)\s+be)\s+(?P<verb>[a-z]+)\s+"
        rf"(?:(?P<prep>in|into|during|for|at|on|under|within|inside|from|to)\s+(?:{_ONE}\s+)?(?P<y>[a-z][a-z\- ]*?))?(?P<rest>(?:,\s*|\s+with\s+|\s*:\s*).+)?$",
        clause.low,
    )
    if not match or not _is_participle(match["verb"]) or not (match["y"] or match["rest"]):
        return False
    if match["y"] and draft.is_entity(match["y"]):
        _reference(draft, match["x"], match["y"], clause, f"{match['verb']} {match['prep']} {an(Draft.normalize(match['y']))}")
    elif match["y"] and not match["rest"]:
        return False
    elif not match["y"] and not re.match(r"^\s+with\s+", match["rest"] or ""):
        return False
    rest = match["rest"] or ""
    if rest.lstrip().startswith(":"):
        draft.entity(match["x"], clause.source)
        draft.subject = draft.entity(match["x"], clause.source).key
        return True  # the colon's clause is its own (split before this reader)
    if rest and not _rest(draft, match["x"], rest, clause, match.start("rest")):
        return False
    draft.subject = draft.entity(match["x"], clause.source).key
    return True


def read_verb_object(draft: Draft, clause: Clause) -> bool:
    """ "A customer opens tickets", "A cook publishes recipes", "Each branch holds copies of books"."""
    match = re.match(
        rf"^(?:{_ARTICLE}\s+)?(?P<x>{NP})\s+(?:can\s+|may\s+|will\s+)?(?P<verb>[a-z]+)\s+(?:(?:{_MANY})\s+)?(?P<ys>[a-z][a-z\- ]*?)(?:\s+of\s+(?P<zs>[a-z][a-z\- ]*?))?$",
        clause.low,
    )
    if not match or not is_verb(match["verb"]) or not _is_bare_plural(match["ys"]) or _SYSTEM_SUBJECT.match(match["x"]):
        return False
    lemma = verb_lemma(match["verb"]) or match["verb"]
    if lemma in _NOT_OWNING or lemma in ("be", "have") or " " in match["x"] and match["x"].split()[-1] in ("who", "which"):
        return False
    if not is_noun(match["x"].split()[-1]):
        return False
    ys, owner = match["ys"], match["x"]
    if ys.split()[0] in _PREPOSITIONS:
        return False  # "users can comment on tasks": a verb with a preposition, read elsewhere
    child = draft.entity(ys, clause.source)
    if any(ref.child == child.key and ref.role == "owner" for ref in draft.references):
        parent = draft.entity(owner, clause.source)
        draft.ask(f"{draft.table_of(child.key)}: does {an(parent.key)} that {lemma}s them own them, or is there a record of each time? Not read as a reference.")
        return False
    _reference(draft, ys, owner, clause, f"{an(Draft.normalize(owner))} {match['verb']} its {draft.table_of(child.key)}", on_delete="cascade")
    if match["zs"]:
        _reference(draft, ys, match["zs"], clause, f"{draft.table_of(child.key)} of {plural(Draft.normalize(match['zs']))}")
    draft.subject = child.key
    return True


def read_many_both_ways(draft: Draft, clause: Clause) -> bool:
    """ "A book can have several authors, and an author writes many books" — M:N, said from both sides."""
    match = re.match(
        rf"^(?:{_ARTICLE}\s+)?(?P<x>{NP})\s+(?:can\s+|may\s+)?(?P<verb1>[a-z]+)\s+(?:{_MANY})\s+(?P<ys>{NP}),?\s+and\s+(?:{_ARTICLE}|the same)\s+(?P<y>{NP})\s+"
        rf"(?:can\s+|may\s+)?(?P<verb2>[a-z]+(?:\s+(?:at|on|in|to|for|with|by))?)\s+(?:{_MANY})\s+(?P<xs>{NP})$",
        clause.low,
    )
    if not match:
        return False
    left, right = Draft.normalize(match["x"]), Draft.normalize(match["ys"])
    back_y, back_x = Draft.normalize(match["y"]), Draft.normalize(match["xs"])
    if not (left and right and back_y and back_x):
        return False
    same = lambda a, b: a == b or a.split()[-1] == b.split()[-1]  # noqa: E731 - "a plan" for "an insurance plan"
    if not (same(left, back_x) and same(right, back_y)):
        return False
    one = draft.entity(match["x"], clause.source)
    other = draft.entity(match["ys"], clause.source)
    draft.add_many(DraftManyToMany(left=one.key, right=other.key, source=clause.source,
                                   reason=f"{an(one.key)} has many {draft.table_of(other.key)}, and {an(other.key)} {match['verb2']} many {draft.table_of(one.key)}"))
    draft.decide(f"{snake(one.key)}_{snake(plural(other.key))}", f"junction of {draft.table_of(one.key)} and {draft.table_of(other.key)}",
                 clause.source, "both sides have many of the other")
    return True


def read_story_creates(draft: Draft, clause: Clause) -> bool:
    """A story's want read as a sentence: "organizers create events with a title, …, so that …"."""
    if not clause.source.text.lower().lstrip("-*+ ").startswith("as "):
        return False
    low = re.sub(r",?\s+so that\b.*$", "", clause.low)
    match = re.match(
        rf"^as\s+(?:a|an|the)\s+(?P<x>{NP}),\s+i\s+want\s+to\s+(?P<verb>[a-z]+)\s+(?:(?:a|an|one or more|several|some|new|my)\s+)?(?P<ys>[a-z][a-z\- ]*?)"
        rf"(?:\s+(?:for|of|in|at|on)\s+(?:a|an|one or more|one|the|my|each)\s+(?P<z>[a-z][a-z\- ]*?))?(?P<rest>,?\s+(?:each\s+)?with\s+.+)?$",
        low,
    )
    sign_up = re.match(rf"^as\s+(?:a|an|the)\s+(?P<x>{NP}),\s+i\s+want\s+to\s+(?:sign up|register|join|create an account)\s+with\s+(?P<list>.+)$", low)
    if sign_up:
        person = draft.entity(sign_up["x"], clause.source)
        person.person = True
        items = re.sub(r"\bmy\b", "a", sign_up["list"])
        read_items(draft, person, items, clause.source)
        draft.subject = person.key
        return True
    if not match or not is_verb(match["verb"]):
        return False
    lemma = verb_lemma(match["verb"]) or match["verb"]
    if lemma in _NOT_OWNING or lemma in ("see", "know", "list", "get", "find", "browse", "view", "read", "track", "count", "search", "filter", "sort"):
        return False
    ys = match["ys"]
    if not (_is_bare_plural(ys) or ys.split()[-1] in ("order", "event", "ticket", "account")) or not is_noun(ys.split()[-1]):
        return False
    child = draft.entity(ys, clause.source)
    if match["z"] and is_noun(match["z"].split()[-1]):
        _reference(draft, ys, match["z"], clause, f"{draft.table_of(child.key)} of {an(Draft.normalize(match['z']))}", on_delete="cascade")
    if lemma in _MAKING:
        _reference(draft, ys, match["x"], clause, f"the {Draft.normalize(match['x'])} who {lemma}s it", on_delete="cascade")
    if match["rest"]:
        items = re.sub(r"^,?\s+(?:each\s+)?with\s+", "", match["rest"])
        items = re.sub(r"\bmy\b", "a", items)
        read_items(draft, child, items, clause.source)
    draft.subject = child.key
    return True


#: Read before the older readers: a passive or "X VERB Ys of Zs" would otherwise be taken for a
#: list of attributes ("Each branch holds copies of books" is not a branch with a "copies" column).
EARLY_SHAPE_READERS = (read_passive_by, read_verb_object)
SHAPE_READERS = (read_many_both_ways, read_passive_place)
#: The readers of a story's want ("As a buyer, I want to …"); its clauses after a ";" get all readers.
STORY_READERS = (read_story_creates,)

__all__ = ["EARLY_SHAPE_READERS", "SHAPE_READERS", "STORY_READERS"]
