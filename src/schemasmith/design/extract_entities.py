"""Entities and their attributes from requirement sentences (workflow step 1).

Readers here recognize the sentences that name things and what they hold — "A project has a
name, a status (active, archived) and an optional due date", "Users sign up with …", "Opinions
are comments about a model: …", "Organizations have projects" — and `read_item` turns each
listed item into a typed attribute, a reference to another entity, or a new lookup entity.
Types follow the item's meaning (an email, a date, a rating from 1 to 5, free-form metadata).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .extract_draft import Draft, DraftAttribute, DraftEntity, DraftReference, Source
from .extract_words import (
    DETERMINERS,
    QUALIFIERS,
    an,
    is_adjective_only,
    is_noun,
    is_plural,
    is_verb,
    lemmas,
    number_of,
    past,
    plural,
    singular,
    snake,
    split_list,
    verb_lemma,
)


@dataclass
class Clause:
    """One clause of a sentence: its text as written, lower-cased for matching, and its source."""

    text: str
    source: Source
    story: str | None = None  # "want" or "tail" of a user story: read when a reader knows it, never reported unread

    @property
    def low(self) -> str:
        text = self.text.strip().rstrip(".!").strip()
        text = text.replace("’", "'").replace("“", '"').replace("”", '"')
        return " ".join(text.lower().split())


#: A noun phrase: words that are not verbs of the sentence frame or conjunctions, with an optional aside.
_NOT_IN_NP = r"(?:has|have|had|is|are|was|were|be|can|may|must|will|should|could|and|or|but|with|who|which|that)"
NP = rf"(?:(?!{_NOT_IN_NP}\b)[a-z0-9][a-z0-9\-]*)(?:\s+(?!{_NOT_IN_NP}\b)[a-z0-9][a-z0-9\-]*)*?(?:\s*\([^)]*\))?"
_ARTICLE = r"(?:a|an|the|each|every|one)"
_OPTIONAL_WORDS = re.compile(
    r"\b(optional|optionally|if any|may be empty|can be empty|stays empty|is empty|not required|may be missing|nullable)\b"
)
_UNIQUE_WORDS = re.compile(r"\b(unique|that is unique|that must be unique|must be unique|distinct)\b")
_OPEN_LIST = re.compile(r"…|\.\.\.|\betc\b|\be\.g\b|\bsuch as\b|\blike\b|\bfor example\b")
_RANGE = re.compile(r"\bfrom\s+(-?\d+(?:\.\d+)?)\s+(?:to|through|and)\s+(-?\d+(?:\.\d+)?)(?:\s+(?P<unit>[a-z]+))?")

# --- attribute types by meaning --------------------------------------------------------------

#: (words of the attribute's name, portable type, why) — first match wins; matched on whole words.
_TYPE_CUES: list[tuple[tuple[str, ...], str, str]] = [
    (("email", "e-mail"), "varchar(320)", "an email address (RFC 5321 caps it at 320 characters)"),
    (("url", "link", "website", "homepage", "uri"), "text", "a URL has no useful length limit"),
    (("latitude",), "double", "a coordinate in degrees"),
    (("longitude",), "double", "a coordinate in degrees"),
    (("rating", "stars"), "smallint", "a small whole-number rating"),
    (("score",), "numeric(12,4)", "a score as reported: a percentage, a fraction or a rating"),
    (("price", "cost", "amount", "total", "balance", "salary", "fee", "budget"), "numeric(10,2)", "money is exact, never floating point"),
    (("metadata", "settings", "preferences", "properties", "attributes", "payload", "extra"), "json", "free-form structure differs from row to row"),
    (("percentage", "percent"), "numeric(5,2)", "a percentage"),
    (("year",), "smallint", "a year"),
    (("count", "number", "capacity", "age", "position", "rank", "quantity", "seats", "stock", "size", "period", "level"), "integer", "a count or position"),
    (("weight", "height", "width", "length", "distance", "kg", "km"), "numeric(10,2)", "a measurement"),
    (("minutes", "seconds", "hours", "days", "bytes"), "integer", "a duration or size in whole units"),
    (("date", "birthday", "on"), "date", "a calendar date"),
    (("time", "at", "timestamp", "when"), "timestamptz", "a moment in time (with time zone)"),
    (("title",), "varchar(200)", "a title is a short line of text"),
    (("username", "handle", "slug"), "varchar(64)", "a short identifier"),
    (("code",), "varchar(32)", "a short code"),
]
_UNITS = {"kilograms": "kg", "kilogram": "kg", "grams": "g", "metres": "m", "meters": "m", "kilometres": "km", "kilometers": "km"}


def infer_type(name: str, *, unique: bool = False) -> tuple[str, str]:
    """A portable type for an attribute by what its name means, with the reason."""
    words = name.split("_")
    if words[-1] == "name" or name == "name":
        return ("varchar(200)", "a unique name is short and compared exactly") if unique else ("text", "a name")
    for cues, portable, why in _TYPE_CUES:
        if name in cues or words[-1] in cues or (words[0] in cues and cues[0] in ("email", "url", "metadata")):
            return portable, why
    if words[0] in ("is", "has", "can"):
        return "boolean", "a yes/no flag"
    if "date" in words or "birthday" in words:
        return "date", "a calendar date"
    return "text", "text unless the requirements say more"


# --- one listed item ----------------------------------------------------------------------------


def read_items(draft: Draft, entity: DraftEntity, text: str, source: Source) -> None:
    """Read a list of attributes ("a name, a description and an optional due date") into an entity."""
    colon = re.match(r"^(?P<item>(?:an?|the|its|their)\s+[\w ]+?):\s*(?P<values>[\w -]+(?:,\s*[\w -]+)*\s+(?:or|and)\s+[\w -]+)$", text.strip())
    if colon and "," not in colon["item"]:
        values = [value.strip() for value in re.split(r",\s*|\s+or\s+|\s+and\s+", colon["values"]) if value.strip()]
        read_item(draft, entity, f"{colon['item']} ({', '.join(values)})", source)
        return
    for item in split_list(text):
        read_item(draft, entity, item, source)


@dataclass
class _ListedItem:
    """One listed item as the item readers share it: where it goes, its text as written and
    lower-cased, the text without parenthesis and uniqueness or optionality words (`bare`),
    what those words said, and what the parenthesis held."""

    draft: Draft
    entity: DraftEntity
    source: Source
    original: str
    low: str
    bare: str
    optional: bool
    unique: bool
    values: list[str] | None
    examples: str | None
    aside: str | None

    def reference(self, target: DraftEntity, *, column: str | None = None, optional: bool | None = None, why: str = "") -> None:
        """A reference from the item's entity to `target`, optional as the item says unless told."""
        _reference(self.draft, self.entity, target, self.source, column=column,
                   optional=self.optional if optional is None else optional, why=why)

    def attribute(self, attribute: DraftAttribute) -> None:
        _attribute(self.draft, self.entity, attribute)


def read_item(draft: Draft, entity: DraftEntity, item: str, source: Source) -> None:
    """One listed item: an attribute, a reference to another entity, or a lookup entity.

    Items that are conditions or whole clauses are set aside first; then the readers for
    particular phrasings are tried in order, and whatever none of them takes is read from its
    head noun and what follows it.
    """
    original = item.strip().rstrip(".").strip()
    original = re.sub(r"^(?:at\s+most|at\s+least|up\s+to|exactly)\s+(?=one\b|an?\b)", "", original, flags=re.IGNORECASE)
    low = " ".join(original.lower().replace("’", "'").split())
    if _set_aside_as_clause(draft, entity, original, low, source):
        return
    listed = _listed_item(draft, entity, original, low, source)
    if any(reader(listed) for reader in _PHRASING_READERS):
        return
    _read_by_head(listed)


def _set_aside_as_clause(draft: Draft, entity: DraftEntity, original: str, low: str, source: Source) -> bool:
    """A condition ("once it ships") is skipped; a clause inside the list ("… and a recipe may be
    in several categories") is read again as a sentence of its own."""
    if re.match(r"^(once|when|whenever|if|unless|until|while|because|after|before|since|so that)\b", low):
        draft.skip(source, f"{original!r} is a condition, not something {an(entity.key)} holds")
        return True
    if re.match(r"^(?:a|an|the|each|every|one)\s+(?:(?!\b(?:that|which|who|whose)\b)[a-z\- ])+?\s+(?:may|can|must|will|should|cannot|can't|is|are)\s+\w+", low):
        if draft.reread is None or not draft.reread(Clause(original, source)):
            draft.skip(source, f"{original!r} is a clause the readers do not understand, not something {an(entity.key)} holds")
        return True
    return False


def _listed_item(draft: Draft, entity: DraftEntity, original: str, low: str, source: Source) -> _ListedItem:
    """The item with its parenthesis read and the words for optional and unique taken out."""
    values, examples, aside = _parenthesis(original)
    bare = re.sub(r"\s*\([^)]*\)", "", low).strip()
    optional = bool(_OPTIONAL_WORDS.search(low))
    unique = bool(_UNIQUE_WORDS.search(low))
    bare = re.sub(r",?\s*(?:that|which)\s+(?:is|must be)\s+unique\b", "", bare).strip()
    bare = re.sub(r"\b(?:that|which)\s+(?:stays|is|may be|can be)\s+empty\b.*$", "", bare).strip()
    return _ListedItem(draft, entity, source, original, low, bare, optional, unique, values, examples, aside)


def _read_one_of(it: _ListedItem) -> bool:
    """ "a form tutor, who is one of the teachers": a reference with its own name."""
    one_of = re.match(r"^(?P<head>.+?),?\s+(?:who|which|that)\s+(?:is|are)\s+(?:one of|among)\s+(?:the\s+)?(?P<target>.+)$", it.bare)
    if not (one_of and it.draft.is_entity(one_of["target"])):
        return False
    target = it.draft.entity(one_of["target"], it.source)
    column = snake(Draft.normalize(one_of["head"])) + "_id"
    it.reference(target, column=column, why=f"{entity_label(one_of['head'])} is one of the {it.draft.table_of(target.key)}")
    return True


def _read_who_did_it(it: _ListedItem) -> bool:
    """ "who reported it", "who mentioned it": the person who did it, or their name as text when
    there is no single entity for people."""
    who = re.match(r"^who\s+(?P<verb>\w+)\s+(?:it|them|this|that)$", it.bare)
    if not who:
        return False
    verb = verb_lemma(who["verb"]) or who["verb"]
    name = f"{past(verb)}_by"
    persons = it.draft.persons()
    if len(persons) == 1 and persons[0].key != it.entity.key:
        it.reference(persons[0], column=f"{name}_id", optional=True, why=f"who {past(verb)} it is a {persons[0].key}")
        return True
    it.attribute(DraftAttribute(name, "text", it.source, nullable=it.optional, comment=f"Who {past(verb)} it.",
                                reason="there is no entity for people here, so the name is kept as text"))
    return True


def _read_when(it: _ListedItem) -> bool:
    """ "when", "the time": the audit field created_at already records it."""
    if it.bare not in ("when", "and when", "the time", "the moment"):
        return False
    it.draft.decide(f"{it.draft.table_of(it.entity.key)}.created_at", "when = created_at", it.source,
                    "the audit field created_at records when")
    return True


def _read_agent_entity(it: _ListedItem) -> bool:
    """ "the organization that released it": another entity, created as a lookup when new."""
    that = re.match(r"^(?:the|a|an|its|their)\s+(?P<noun>[\w -]+?)\s+(?:that|which|who)\s+(?P<verb>\w+)\s+(?:it|them)$", it.bare)
    if not that or re.search(r"\b(date|time|day|year)\b", that["noun"]):
        return False
    draft = it.draft
    target = draft.entity(that["noun"], it.source)
    if not target.attributes and target.key not in draft.known or target.key in draft.known and draft.known[target.key].shared:
        target.shared = True
    if "name" not in target.attributes and target.shared:
        draft.add_attribute(target, DraftAttribute("name", "varchar(200)", it.source, unique=True,
                                                   reason=f"{an(target.key)} is known by its name: one row per name"))
    verb = verb_lemma(that["verb"]) or that["verb"]
    it.reference(target, why=f"the {target.key} that {past(verb)} it is shared by many {draft.table_of(it.entity.key)}")
    return True


def _read_moment_of_event(it: _ListedItem) -> bool:
    """ "the date it was tested", "the time it was opened", "the year it was built"."""
    when = re.match(r"^(?:the|a|an)\s+(?P<unit>date|day|time|moment|year)\s+(?:it|they|he|she)\s+(?:was|were|is|are|got)\s+(?P<verb>\w+)$", it.bare)
    if not when:
        return False
    verb = verb_lemma(when["verb"]) or when["verb"]
    done = past(verb)
    unit = when["unit"]
    if unit in ("date", "day"):
        name, portable = f"{done}_on", "date"
    elif unit == "year":
        name, portable = f"year_{done}", "smallint"
    else:
        name, portable = f"{done}_at", "timestamptz"
    it.attribute(DraftAttribute(name, portable, it.source, nullable=it.optional, reason=f"the {unit} it was {done}"))
    return True


def _read_simple_list(it: _ListedItem) -> bool:
    """ "a list of simple tags": an array column, when the things listed are not an entity."""
    listed = re.match(r"^(?:a|an|the)?\s*(?:list|set|array)\s+of\s+(?P<noun>[\w -]+)$", it.bare)
    if not listed or it.draft.is_entity(listed["noun"]):
        return False
    words = [word for word in listed["noun"].split() if word not in QUALIFIERS and not is_adjective_only(word)]
    name = snake(plural(" ".join(words)))
    it.attribute(DraftAttribute(name, "text[]", it.source, nullable=it.optional, default="{}",
                                reason="a list of simple values that belongs to this row only"))
    return True


def _read_whether(it: _ListedItem) -> bool:
    """ "whether it is published": a yes/no flag."""
    whether = re.match(r"^whether\s+(?:it|they|the \w+)\s+(?:is|are|was|has been)\s+(?P<adjective>[\w-]+)", it.bare)
    if not whether:
        return False
    it.attribute(DraftAttribute(snake(whether["adjective"]), "boolean", it.source, default=False,
                                comment=it.aside, reason="a yes/no fact"))
    return True


def _read_number_of(it: _ListedItem) -> bool:
    """ "the number of seats": a count."""
    number_of_things = re.match(r"^(?:the|a)\s+number\s+of\s+(?P<noun>[\w ]+)$", it.bare)
    if not number_of_things:
        return False
    it.attribute(DraftAttribute(snake(number_of_things["noun"]), "integer", it.source, nullable=it.optional, reason="a count"))
    return True


#: Readers for particular phrasings of an item, tried in order; each says whether it took the item.
_PHRASING_READERS = (
    _read_one_of, _read_who_did_it, _read_when, _read_agent_entity, _read_moment_of_event,
    _read_simple_list, _read_whether, _read_number_of,
)


def _read_by_head(it: _ListedItem) -> None:
    """Split the item into its head ("the score") and what follows ("of one model on one
    benchmark"): entities named in what follows are references, and the head is a reference,
    a person by role, or an attribute."""
    head, tail = _head_and_tail(it.bare)
    if re.match(r"^(what|who|how|where)\s", it.bare):
        head, tail = it.bare, it.bare
    _read_mentions(it, tail)
    if not head:
        return
    if it.draft.is_entity(head) and it.draft.find(head) is not it.entity:
        target = it.draft.entity(head, it.source)
        it.reference(target, why=f"each {it.entity.key} has one {target.key}")
        return
    if head.startswith(("what ", "who ", "how ")):
        return  # "what a model is used for": its references were read from the tail
    words = _head_words(head)
    if not words:
        return
    if _read_person_by_role(it, words):
        return
    it.attribute(_head_attribute(it, words, tail))


def _read_mentions(it: _ListedItem, tail: str) -> None:
    """Every entity the tail names ("of one model on one benchmark") is a reference."""
    for mention in re.finditer(r"\b(?:one|a|an|the|its|their|that|each)\s+(?P<noun>[a-z][\w-]*(?:\s+[a-z][\w-]*)?)", tail):
        noun = mention["noun"]
        for candidate in (noun, noun.split()[0]):
            if it.draft.is_entity(candidate) and it.draft.find(candidate) is not it.entity:
                target = it.draft.entity(candidate, it.source)
                it.reference(target, why=f"{it.entity.key} refers to one {target.key}")
                break


def _head_words(head: str) -> list[str]:
    """The head's words without determiners and leading qualifiers or adjectives."""
    words = [word for word in head.split() if word not in DETERMINERS]
    while words and (words[0] in QUALIFIERS or (is_adjective_only(words[0]) and len(words) > 1)):
        words = words[1:]
    return words


def _read_person_by_role(it: _ListedItem, words: list[str]) -> bool:
    """A person named by role ("an optional assignee", "the author") when people are an entity."""
    if not (len(words) == 1 and _is_agent_noun(words[0])):
        return False
    persons = [person for person in it.draft.persons() if person.key != it.entity.key]
    if len(persons) != 1:
        return False
    it.reference(persons[0], column=f"{words[0]}_id", why=f"the {words[0]} is a {persons[0].key}")
    return True


def _head_attribute(it: _ListedItem, words: list[str], tail: str) -> DraftAttribute:
    """The attribute the head names, typed by its meaning, with what the parenthesis said:
    enum values, examples of an open list, an aside, or examples of free-form JSON."""
    free_form = "free-form" in it.low or "free form" in it.low
    name, portable, why, extra = _name_and_type(words, tail, unique=it.unique, free_form=free_form)
    attribute = DraftAttribute(name, portable, it.source, nullable=it.optional, unique=it.unique, reason=why, **extra)
    values, examples, aside = it.values, it.examples, it.aside
    if values:
        attribute.enum_values = values
        attribute.type = "enum"
        attribute.reason = "the requirements list its values"
    elif examples:
        attribute.comment = f"e.g. {examples}"
        attribute.reason = (attribute.reason + "; " if attribute.reason else "") + "the values listed are examples of an open list, so not an enum"
        if portable == "text" and not (name in ("metadata",) or "json" in portable):
            attribute.type = "varchar(100)" if words[-1] in ("category", "type", "kind", "genre") else portable
    elif aside and attribute.comment is None and portable != "json":
        attribute.comment = aside
    if portable == "json" and (values or examples or aside):
        attribute.enum_values = None
        attribute.type = "json"
        attribute.default = "{}"
        attribute.comment = f"Free-form, e.g. {', '.join(values) if values else (examples or aside)}."
    return attribute


def _parenthesis(text: str) -> tuple[list[str] | None, str | None, str | None]:
    """(enum values, open examples, aside) from the item's parenthesis, if it has one."""
    match = re.search(r"\(([^)]*)\)", text)
    if not match:
        return None, None, None
    inside = match.group(1).strip()
    if _OPEN_LIST.search(inside.lower()):
        cleaned = re.sub(r"\s*(…|\.\.\.|\betc\.?)\s*$", "", inside).strip(" ,")
        cleaned = re.sub(r"^(e\.g\.|such as|like|for example)\s*", "", cleaned, flags=re.IGNORECASE)
        return None, cleaned, None
    parts = [part.strip().strip("\"'") for part in re.split(r",\s*|\s+or\s+|\s+and\s+", inside) if part.strip()]
    if len(parts) >= 2 and all(len(part.split()) <= 3 for part in parts) and not re.search(r"\d", inside):
        return [part.lower() for part in parts], None, None
    return None, None, inside


def _head_and_tail(text: str) -> tuple[str, str]:
    match = re.search(r"\s+(of|on|to|for|in|at|from|by|with|about|between|that|which|who)\s+", text)
    if not match:
        return text, ""
    return text[: match.start()].strip(), text[match.start():].strip()


def _is_agent_noun(word: str) -> bool:
    """A noun for a person by what they do: assignee, author, owner, reviewer, creator."""
    if word in ("author", "owner", "creator", "assignee", "reporter", "reviewer", "editor"):
        return True
    if is_plural(word) or not is_noun(word):
        return False
    for suffix in ("ee", "er", "or"):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            stem = word[: -len(suffix)]
            if any(is_verb(candidate) and "NOUN" not in lemmas(word[: -len(suffix)] + "s") for candidate in (stem, stem + "e")):
                return any(is_verb(candidate) for candidate in (stem, stem + "e")) and word not in ("number", "order", "letter", "water", "paper")
    return False


def _name_and_type(words: list[str], tail: str, *, unique: bool, free_form: bool) -> tuple[str, str, str, dict]:
    """The column name and type of an attribute from its words and what follows them."""
    extra: dict = {}
    phrase = " ".join(words)
    # names that English writes longer than a column does
    if phrase in ("email address", "e-mail address", "e-mail"):
        phrase = "email"
    if phrase in ("text", "body text", "content"):
        phrase = "body"
    if phrase in ("link",) or (words[-1] == "link"):
        phrase = "url"
    if words[-1] == "date" and len(words) == 2:
        modifier = words[0]
        if is_verb(modifier) and not is_adjective_only(modifier):
            phrase = f"{past(modifier)} on"
    date_of = re.match(r"^of\s+(?:the|a|an|its|their)\s+(?P<noun>\w+)$", tail)
    if words == ["date"] and date_of and is_verb(date_of["noun"]):
        phrase, tail = f"{past(date_of['noun'])} on", ""
    complement = re.match(r"^of\s+(?P<noun>[a-z]+)$", tail)
    if complement and complement["noun"] not in DETERMINERS and words[-1] in ("date", "place", "country", "year", "time"):
        phrase, tail = f"{phrase} of {complement['noun']}", ""
    unit = re.search(r"\bin\s+(?:minutes|seconds|hours|days)\b", tail)
    if words[-1] == "time" and len(words) > 1 and not unit:  # a moment; "a time in minutes" is a duration
        phrase = " ".join(words[:-1]) + " at"
    unit = re.search(r"\bin\s+(?P<unit>kilograms?|grams|metres|meters|kilometres|kilometers|minutes|seconds|hours|days|bytes|cents)\b", tail)
    if unit:
        phrase = f"{phrase} {_UNITS.get(unit['unit'], unit['unit'])}"
    name = snake(phrase)
    portable, why = infer_type(name, unique=unique)
    if words[-1] in ("number", "code", "id") and len(words) > 1:  # "phone number", "licence number": identifiers
        portable, why = ("varchar(50)", "an identifier written with digits, not a quantity")
    if portable == "json" and not free_form and name not in ("metadata", "settings", "preferences", "properties", "payload"):
        portable, why = "text", "text unless the requirements say more"
    if free_form and portable == "text" and name in ("data", "details", "info", "information", "attributes"):
        portable, why = "json", "free-form structure differs from row to row"
    if free_form and portable == "json":
        extra["default"] = "{}"
    value_range = _RANGE.search(tail) or _RANGE.search(" ".join(words))
    if value_range:
        low_value, high_value = value_range.group(1), value_range.group(2)
        extra["check"] = f"{name} BETWEEN {low_value} AND {high_value}"
        extra["check_reason"] = f"the {phrase} is from {low_value} to {high_value}"
        if "." not in low_value + high_value and (portable in ("text", "integer", "smallint", "numeric(12,4)") or portable.startswith("varchar")):
            portable = "smallint" if max(abs(int(low_value)), abs(int(high_value))) < 32767 else "integer"
            why = f"a whole number from {low_value} to {high_value}"
        elif portable == "text" or portable.startswith("varchar"):
            portable, why = "numeric(12,4)", f"a number from {low_value} to {high_value}"
        elif not re.match(r"^(?:smallint|integer|bigint|numeric|double|real)", portable):
            del extra["check"], extra["check_reason"]  # a range of numbers says nothing a date or a json can be checked by
    if name == "latitude":
        extra["check"], extra["check_reason"] = "latitude BETWEEN -90 AND 90", "a latitude outside -90..90 is a typo or swapped coordinates"
    if name == "longitude":
        extra["check"], extra["check_reason"] = "longitude BETWEEN -180 AND 180", "a longitude outside -180..180 is a typo"
    if portable == "varchar(320)" and unique:
        extra["unique_index"] = f"lower({name})"
    return name, portable, why, extra


def _attribute(draft: Draft, entity: DraftEntity, attribute: DraftAttribute) -> None:
    added = draft.add_attribute(entity, attribute)
    table = draft.table_of(entity.key)
    if added is attribute:
        choice = attribute.type
        if attribute.enum_values:
            choice = f"enum {snake(entity.key)}_{attribute.name} ({', '.join(attribute.enum_values)})"
        if attribute.nullable:
            choice += ", nullable (optional)"
        if attribute.unique:
            choice += ", unique"
        draft.decide(f"{table}.{attribute.name}", choice, attribute.source, attribute.reason)


def _reference(draft: Draft, entity: DraftEntity, target: DraftEntity, source: Source, *, column: str | None = None,
               optional: bool = False, why: str = "") -> None:
    reference = DraftReference(
        child=entity.key,
        parent=target.key,
        source=source,
        column=column,
        nullable=optional,
        on_delete="set null" if optional else "restrict",
        role="optional" if optional else "reference",
        reason=why,
    )
    draft.add_reference(reference)


def entity_label(phrase: str) -> str:
    return " ".join(word for word in phrase.split() if word not in DETERMINERS)


# --- sentence readers ------------------------------------------------------------------------------

_HAS = r"(?:has|have|records|record|stores|store|keeps|keep|contains|contain|includes|include|holds|hold|carries|carry|gets|get|lists|list|tracks|track)"
_SUBJECT = rf"^(?:{_ARTICLE}\s+)?(?P<x>{NP})"


def _is_bare_plural(phrase: str) -> bool:
    words = re.sub(r"\([^)]*\)", "", phrase).split()
    if not words or words[0] in DETERMINERS - {"many", "several", "multiple", "some", "other"}:
        return False
    return is_plural(words[-1])


_SYSTEM_SUBJECT = re.compile(
    r"^(?:we|the (?:system|app|application|site|product|tool|platform|service|company|school|business|shop|store))"
    r"(?:\s+(?:also|always|only|then|still|each day|every day))?$"
)


def read_have_children(draft: Draft, clause: Clause) -> bool:
    """ "Organizations have projects", "Projects have many tasks", "Spots have tags such as …" — 1:N, owned."""
    match = re.match(
        rf"^(?P<x>{NP})\s+(?:has|have|can have|may have|own|owns|consist of|consists of|is made of|are made of|collect|collects)\s+"
        rf"(?:(?P<many>many|several|multiple|any number of|zero or more|one or more|some)\s+)?(?P<ys>[a-z][a-z\- ]*?)"
        rf"(?P<tail>\s+such as\s+.+|,?\s+each\s+with\s+.+|\s+in\s+(?:a\s+)?(?:fixed\s+|specific\s+|given\s+)?order)?$",
        clause.low,
    )
    if not match or not _is_bare_plural(match["ys"]):
        return False
    ys = match["ys"]
    if " with " in ys or " of " in ys:
        return False
    child_key = Draft.normalize(ys)
    if child_key in draft.roles:
        return True  # "Organizations have many members": the membership junction says it
    subject = match["x"]
    system = bool(_SYSTEM_SUBJECT.match(subject))
    child = draft.entity(ys, clause.source)
    tail = match["tail"] or ""
    if "such as" in tail:
        examples = re.findall(r"\"([^\"]+)\"", clause.text)
        child.examples = examples or [part.strip() for part in tail.split("such as", 1)[1].split(",")]
        child.shared = True
        if "name" not in child.attributes:
            draft.add_attribute(child, DraftAttribute("name", "varchar(200)", clause.source, unique=True,
                                                      comment=f"e.g. {', '.join(child.examples)}" if child.examples else None,
                                                      reason=f"{an(child.key)} is a label, named by examples in the requirements"))
    if "each with" in tail:
        read_items(draft, child, tail.split("with", 1)[1], clause.source)
    if system:
        draft.decide(draft.table_of(child.key), "core entity", clause.source, f"{subject} is the product itself, not a table")
        draft.subject = child.key
        return True
    parent = draft.entity(subject, clause.source)
    if "order" in tail:
        child.ordered_by = "position"
    reference = DraftReference(
        child=child.key, parent=parent.key, source=clause.source, role="owner", on_delete="cascade", via="have",
        reason=f"{draft.table_of(child.key)} belong to their {parent.key}",
    )
    draft.add_reference(reference)
    draft.subject = parent.key
    return True


def read_belongs_to(draft: Draft, clause: Clause) -> bool:
    """ "A task belongs to a project", "Students belong to exactly one class" — 1:N, owned."""
    match = re.match(rf"^(?:{_ARTICLE}\s+)?(?P<x>{NP})\s+(?:belongs|belong)\s+to\s+(?:exactly\s+)?(?:one|a|an|the|its|their)\s+(?P<y>{NP})$", clause.low)
    if not match:
        return False
    child = draft.entity(match["x"], clause.source)
    parent = draft.entity(match["y"], clause.source)
    draft.add_reference(DraftReference(child=child.key, parent=parent.key, source=clause.source, role="owner", via="belongs",
                                       on_delete="cascade", reason=f"{an(child.key)} belongs to its {parent.key}"))
    draft.subject = child.key
    return True


def read_has_attributes(draft: Draft, clause: Clause) -> bool:
    """ "A project has a name, a description, a status (active, archived) and an optional due date." """
    # "has/have" first: in "each service record has …" the noun "record" is not the verb
    match = re.match(rf"^(?:{_ARTICLE}\s+)?(?P<x>{NP})\s+(?:has|have)\s+(?P<list>.+)$", clause.low)
    match = match or re.match(rf"^(?:{_ARTICLE}\s+)?(?P<x>{NP})\s+{_HAS}\s+(?P<list>.+)$", clause.low)
    if not match:
        return False
    subject = match["x"]
    if _SYSTEM_SUBJECT.match(subject) or re.search(r"\b(can|may|must|will|should)$", subject):
        return False
    items_text = _original_slice(clause, match.start("list"))
    extra = ""
    with_part = re.match(r"^(?P<main>.+?),\s+with\s+(?P<rest>.+)$", items_text, re.IGNORECASE)
    if with_part:
        items_text, extra = with_part["main"], with_part["rest"]
    entity = draft.entity(subject, clause.source)
    read_items(draft, entity, items_text, clause.source)
    if extra:
        read_items(draft, entity, extra, clause.source)
    draft.subject = entity.key
    return True


def read_sign_up(draft: Draft, clause: Clause) -> bool:
    """ "Users sign up with a name and a unique email address." — people, with their attributes."""
    match = re.match(
        rf"^(?:{_ARTICLE}\s+)?(?P<x>{NP})\s+(?:sign up|signs up|register|registers|registered|log in|create an account|creates an account|join|joins)\s+(?:with|by giving|using)\s+(?P<list>.+)$",
        clause.low,
    )
    if not match:
        return False
    entity = draft.entity(match["x"], clause.source)
    entity.person = True
    read_items(draft, entity, _original_slice(clause, match.start("list")), clause.source)
    draft.subject = entity.key
    return True


def read_described(draft: Draft, clause: Clause) -> bool:
    """ "Opinions are public comments about a model: the text, a sentiment (…), …" """
    match = re.match(
        rf"^(?P<x>{NP})\s+(?:are|is)\s+(?:an?\s+)?(?P<what>[a-z][a-z\- ]*?)\s+(?:about|of|for|on|to)\s+(?:a|an|one|the)\s+(?P<y>{NP})\s*(?::\s*(?P<list>.+))?$",
        clause.low,
    )
    if not match or not match["list"]:
        return False
    entity = draft.entity(match["x"], clause.source)
    if draft.is_entity(match["y"]):
        target = draft.entity(match["y"], clause.source)
        draft.add_reference(DraftReference(child=entity.key, parent=target.key, source=clause.source,
                                           reason=f"{draft.table_of(entity.key)} are {match['what']} about {an(target.key)}"))
    entity.comment = entity.comment or f"{match['what'].capitalize()} about a {match['y']}."
    read_items(draft, entity, _original_slice(clause, match.start("list")), clause.source)
    draft.subject = entity.key
    return True


def read_manner(draft: Draft, clause: Clause) -> bool:
    """ "Comments are written in markdown and can be edited." — how rows of an entity behave."""
    match = re.match(rf"^(?P<x>{NP})\s+(?:are|is|can be|may be)\s+(?P<rest>.+)$", clause.low)
    if not match or not draft.is_entity(match["x"]):
        return False
    entity = draft.entity(match["x"], clause.source)
    understood = False
    for part in re.split(r"\s+and\s+|,\s*", match["rest"]):
        part = part.strip()
        if not part:
            continue
        written = re.match(r"^(?:written|formatted|stored|kept)\s+(?:in|as)\s+(?P<format>markdown|html|plain text|text|json)$", part)
        if written:
            portable = "json" if written["format"] == "json" else "text"
            draft.add_attribute(entity, DraftAttribute("body", portable, clause.source, comment=written["format"].capitalize() + ".",
                                                       reason=f"the {entity.key} itself, in {written['format']}"))
            draft.decide(f"{draft.table_of(entity.key)}.body", portable, clause.source, f"written in {written['format']}")
            understood = True
        elif re.match(r"^(?:can be |may be )?(?:edited|changed|updated|modified)$", part):
            draft.decide(f"{draft.table_of(entity.key)}.updated_at", "keep updated_at", clause.source, "rows are edited after they are written")
            understood = True
        elif re.match(r"^(?:never (?:edited|changed|updated)|append-only|immutable|read-only)$", part):
            entity.append_only = True
            understood = True
        else:
            return understood
    draft.subject = entity.key
    return understood


def read_change_log(draft: Draft, clause: Clause) -> bool:
    """ "Every change to a task is recorded in an activity feed: who changed what, and when." """
    match = re.match(
        rf"^(?:every|each|any)\s+(?:change|update|edit|modification)\s+(?:to|of|on)\s+(?:a|an|the)\s+(?P<x>{NP})\s+is\s+"
        rf"(?:recorded|logged|kept|stored|tracked|written)\s+(?:in|to)\s+(?:a|an|the)\s+(?P<log>{NP})(?:\s*:\s*(?P<rest>.+))?$",
        clause.low,
    )
    if not match:
        return False
    owner = draft.entity(match["x"], clause.source)
    log_words = match["log"].split()
    if log_words[-1] in ("feed", "log", "history", "journal", "trail", "timeline") and len(log_words) > 1:
        what = " ".join(log_words[:-1])
    else:
        what = " ".join(log_words)
    key = f"{owner.key} {what}"
    entity = draft.entity(key, clause.source)
    entity.table = snake(key)
    entity.aliases |= {Draft.normalize(match["log"]), Draft.normalize(what + " entries"), Draft.normalize(what + " entry")}
    entity.append_only = True
    entity.identity_key = True
    entity.comment = f"Append-only {match['log']} of changes to {plural(owner.key)}."
    draft.add_reference(DraftReference(child=entity.key, parent=owner.key, source=clause.source, role="owner",
                                       on_delete="cascade", reason=f"the {match['log']} of {an(owner.key)} goes with it"))
    rest = match["rest"] or ""
    if re.search(r"\bwho\b", rest):
        persons = draft.persons()
        if len(persons) == 1:
            draft.add_reference(DraftReference(child=entity.key, parent=persons[0].key, source=clause.source, column="actor_id",
                                               nullable=True, on_delete="set null", role="optional",
                                               reason="who changed it; the record outlives the person's account"))
        else:
            draft.add_attribute(entity, DraftAttribute("actor", "text", clause.source, reason="who changed it"))
    if re.search(r"\bwhat\b", rest):
        draft.add_attribute(entity, DraftAttribute("change", "json", clause.source, comment="Which fields changed, with old and new values.",
                                                   reason="what changed differs from change to change"))
    draft.decide(entity.table, "append-only log, bigint identity key, created_at only", clause.source,
                 "every change adds a row and no row is changed afterwards")
    return True


def read_action_creates(draft: Draft, clause: Clause) -> bool:
    """ "Users write reviews of taco spots: …", "Users can upload photos to a review", "Users can comment on tasks"."""
    actors = rf"(?:both\s+)?{NP}(?:(?:,\s*|\s+and\s+|\s+or\s+){NP})*"
    match = re.match(
        rf"^(?P<x>{actors})\s+(?:can\s+|may\s+|will\s+)?(?P<verb>[a-z]+)\s+(?P<ys>[a-z][a-z\- ]*?)\s+(?P<prep>of|to|on|for|about|in|at|from|under)\s+"
        rf"(?:a\s+|an\s+|the\s+|one\s+|their\s+|its\s+)?(?P<z>{NP})(?:\s*:\s*(?P<list>.+))?$",
        clause.low,
    )
    verb_only = re.match(
        rf"^(?P<x>{actors})\s+(?:can\s+|may\s+)?(?P<verb>[a-z]+)\s+(?P<prep>on|to|about)\s+(?:a\s+|an\s+|the\s+)?(?P<z>{NP})$",
        clause.low,
    )
    if match and is_verb(match["verb"]) and _is_bare_plural(match["ys"]) and verb_lemma(match["verb"]) not in ("be", "have"):
        actor_phrase, object_phrase, owner_phrase = match["x"], match["ys"], match["z"]
        verb = verb_lemma(match["verb"]) or match["verb"]
    elif verb_only and is_verb(verb_only["verb"]) and is_noun(verb_lemma(verb_only["verb"]) or "") and verb_lemma(verb_only["verb"]) not in ("be", "have", "belong"):
        verb = verb_lemma(verb_only["verb"]) or verb_only["verb"]
        actor_phrase, object_phrase, owner_phrase = verb_only["x"], plural(verb), verb_only["z"]
        match = verb_only
    else:
        return False
    if not draft.is_entity(owner_phrase) and not _is_bare_plural(owner_phrase) and Draft.normalize(owner_phrase) == "":
        return False
    child = draft.entity(object_phrase, clause.source)
    owner = draft.entity(owner_phrase, clause.source)
    draft.add_reference(DraftReference(child=child.key, parent=owner.key, source=clause.source, role="owner", on_delete="cascade",
                                       reason=f"{draft.table_of(child.key)} {match['prep']} {an(owner.key)} belong to it"))
    actors = [phrase for phrase in split_list(actor_phrase.replace("both ", "")) if phrase]
    for phrase in actors:
        if _SYSTEM_SUBJECT.match(phrase):
            continue
        actor = draft.entity(phrase, clause.source)
        # the actor is reachable through the owner when the owner requires it ("photos to a review")
        through = [ref for ref in draft.references if ref.child == owner.key and ref.parent == actor.key and not ref.nullable]
        if through:
            draft.decide(f"{draft.table_of(child.key)}", f"no {actor.key} reference", clause.source,
                         f"the {actor.key} is the {owner.key}'s ({draft.table_of(owner.key)}.{through[0].column_name(draft)})")
            draft.ask(f"{draft.table_of(child.key)}: can {an(actor.key)} other than the {owner.key}'s {actor.key} add {draft.table_of(child.key)}? Then it needs its own {actor.key} reference.")
            continue
        draft.add_reference(DraftReference(child=child.key, parent=actor.key, source=clause.source, role="actor",
                                           nullable=len(actors) > 1, on_delete="cascade",
                                           reason=f"the {actor.key} who {verb}s it; {an(actor.key)}'s own content goes with the account"))
    if match.groupdict().get("list"):
        read_items(draft, child, _original_slice(clause, match.start("list")), clause.source)
    draft.subject = child.key
    return True


def _original_slice(clause: Clause, start_in_low: int) -> str:
    """The clause's original text from the position of `start_in_low` in its lower-cased form."""
    low = clause.low
    original = " ".join(clause.text.strip().rstrip(".!").replace("’", "'").replace("“", '"').replace("”", '"').split())
    if len(original) == len(low):
        return original[start_in_low:]
    return low[start_in_low:]


#: What the readers of extract_shapes share with these ones.
ARTICLE, HAS, SYSTEM_SUBJECT = _ARTICLE, _HAS, _SYSTEM_SUBJECT
is_bare_plural, original_slice = _is_bare_plural, _original_slice

ENTITY_READERS = (
    read_change_log,
    read_sign_up,
    read_described,
    read_have_children,
    read_belongs_to,
    read_manner,
    read_has_attributes,
    read_action_creates,
)

__all__ = ["ARTICLE", "ENTITY_READERS", "HAS", "SYSTEM_SUBJECT", "is_bare_plural", "original_slice", "Clause", "infer_type", "number_of", "read_item", "read_items", "singular"]
