"""Words for the offline extractor: singular and plural (text.words, checked by lemminflect), articles (inflect), lemmas and participles (lemminflect).

The extractor reads English with patterns; everything that depends on the shape of a word — is
this noun plural, what is the verb of "removes", what is the participle of "visit" — is asked of
the two inflection libraries rather than of hand-made lists. The few lists kept here are function
words (articles, quantifiers) and number words, which no inflection library covers.
"""

from __future__ import annotations

import re
from functools import lru_cache

import inflect
import lemminflect

from ..text import words

_ENGINE = inflect.engine()
#: Pronouns (and "is") read as a singular the way the extractor always has (inflect's readings):
#: function words, which neither the noun rules nor lemminflect's noun lemmas cover.
_PRONOUNS = {
    "they": "it", "them": "it", "its": "it", "we": "I", "us": "me", "ours": "mine", "theirs": "its",
    "themselves": "itself", "hers": "her", "is": "i",
}


@lru_cache(maxsize=4096)
def an(noun: str) -> str:
    """The noun with its indefinite article: "an organization", "a user" (inflect decides)."""
    words = noun.replace("_", " ").strip()
    return _ENGINE.a(words) if words else "a"


def An(noun: str) -> str:  # noqa: N802 - reads as the sentence-initial article it produces
    """`an()` at the start of a sentence: "An organization"."""
    text = an(noun)
    return text[0].upper() + text[1:]

#: Words that open a noun phrase without being part of its name.
DETERMINERS = {
    "a", "an", "the", "each", "every", "one", "its", "their", "his", "her", "our", "your", "my",
    "all", "any", "some", "many", "several", "multiple", "this", "that", "these", "those", "both",
    "other", "another", "exactly", "only", "also", "more", "most", "than", "same", "own",
}
#: Quantifiers that say "more than one".
MANY = ("many", "several", "multiple", "any number of", "more than one", "a number of", "lots of", "other")
#: Qualifiers that describe a value without naming it ("a short code" is a code).
QUALIFIERS = {"optional", "unique", "short", "long", "simple", "free-form", "freeform", "free", "public", "private", "given", "numbered"}
#: Function words left out of query ids and names.
STOPWORDS = DETERMINERS | {
    "i", "me", "to", "of", "in", "on", "at", "by", "for", "with", "and", "or", "then", "first", "want",
    "see", "be", "is", "are", "was", "were", "it", "they", "them", "what", "which", "who", "whose",
    "across", "within", "from", "into", "about", "up", "look", "list", "show", "get", "read", "find",
    "browse", "view", "have", "has", "there",
}

_NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100, "thousand": 1000, "million": 1_000_000,
}
#: Vague amounts read as a number (the reading is recorded as an assumption by the caller).
VAGUE_AMOUNTS = {
    "a handful of": 5, "a handful": 5, "a few hundred": 300, "a few thousand": 3000, "a few dozen": 36,
    "a few": 3, "a couple of": 2, "several hundred": 500, "several thousand": 5000, "several": 5,
    "a dozen": 12, "dozens of": 36, "dozens": 36, "hundreds of": 300, "hundreds": 300,
    "thousands of": 3000, "thousands": 3000, "a hundred": 100, "a thousand": 1000,
}


@lru_cache(maxsize=4096)
def lemmas(word: str) -> dict[str, tuple[str, ...]]:
    """lemminflect's lemmas of a word by part of speech (empty for unknown words)."""
    return dict(lemminflect.getAllLemmas(word.lower()))


def is_verb(word: str) -> bool:
    return "VERB" in lemmas(word)


def is_noun(word: str) -> bool:
    return "NOUN" in lemmas(word)


def is_adjective_only(word: str) -> bool:
    """A word that is only ever an adjective ("optional", "actual"): a qualifier, not a name."""
    found = lemmas(word)
    return bool(found) and set(found) <= {"ADJ", "ADV"}


def verb_lemma(word: str) -> str | None:
    """The verb a word is a form of ("removes" → remove, "tested" → test), or None."""
    found = lemmas(word).get("VERB")
    return found[0] if found else None


def participle(verb: str) -> str:
    """The past participle of a verb ("visit" → visited, "write" → written)."""
    lemma = verb_lemma(verb) or verb
    forms = lemminflect.getInflection(lemma, tag="VBN")
    return forms[0] if forms else lemma + "ed"


def past(verb: str) -> str:
    """The past tense of a verb ("visit" → visited): used for `{verb}ed_on` date columns."""
    lemma = verb_lemma(verb) or verb
    forms = lemminflect.getInflection(lemma, tag="VBD")
    return forms[0] if forms else lemma + "ed"


@lru_cache(maxsize=4096)
def singular_word(word: str) -> str:
    """The singular of one noun: lemminflect's noun lemma, else the shared singular when it is a known noun.

    The shared rules (`text.words.singular`) turn any word ending in -s into a singular, but prose
    is full of verbs and names ("differs", "screenshots" as a product word) that are not plural
    nouns; lemminflect knows "tasks" → task, and the rules' answer is taken only when lemminflect
    knows the result as a noun. Pronouns are read as their singular ("they" → it).
    """
    word = word.lower()
    nouns = lemmas(word).get("NOUN")
    if nouns and nouns[0] != word:
        return nouns[0]
    if word in _PRONOUNS:
        return _PRONOUNS[word]
    candidate = words.singular(word)
    if candidate != word and is_noun(candidate):
        return candidate
    return word


def is_plural(word: str) -> bool:
    """True when a noun is plural ("tasks", "people"); uncountable nouns ("metadata") are not."""
    return singular_word(word) != word.lower()


@lru_cache(maxsize=4096)
def singular(phrase: str) -> str:
    """The singular of a noun phrase: the last word is inflected ("benchmark results" → benchmark result)."""
    parts = phrase.lower().split()
    if not parts:
        return phrase
    return " ".join(parts[:-1] + [singular_word(parts[-1])])


@lru_cache(maxsize=4096)
def plural(phrase: str) -> str:
    """The plural of a noun phrase ("benchmark result" → benchmark results, "activity" → activities)."""
    parts = singular(phrase).split()
    if not parts:
        return phrase
    return " ".join(parts[:-1] + [words.plural(parts[-1])])


def snake(phrase: str) -> str:
    """An identifier from words: "due date" → due_date, "in-progress" → in_progress."""
    text = re.sub(r"[^a-z0-9]+", "_", phrase.lower()).strip("_")
    return re.sub(r"_+", "_", text)


def table_name(phrase: str, naming: str = "snake_case_plural") -> str:
    """The table name for an entity under the naming convention (plural by default)."""
    if naming.endswith("singular"):
        return snake(singular(phrase))
    return snake(plural(phrase))


def number_of(text: str) -> int | float | None:
    """A number written as digits ("2,000"), words ("twenty") or a vague amount ("a handful")."""
    text = text.strip().lower()
    if text in VAGUE_AMOUNTS:
        return VAGUE_AMOUNTS[text]
    cleaned = text.replace(",", "").replace("_", "")
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(k|m|thousand|million)?", cleaned)
    if match:
        value = float(match.group(1))
        factor = {"k": 1000, "thousand": 1000, "m": 1_000_000, "million": 1_000_000}.get(match.group(2) or "", 1)
        value *= factor
        return int(value) if value == int(value) else value
    total = 0
    current = 0
    words = cleaned.replace("-", " ").split()
    if not words:
        return None
    for word in words:
        if word == "and":
            continue
        if word not in _NUMBER_WORDS:
            return None
        value = _NUMBER_WORDS[word]
        if value in (100, 1000, 1_000_000):
            current = max(current, 1) * value
            if value >= 1000:
                total += current
                current = 0
        else:
            current += value
    return total + current


#: A number as it is written in requirements, for regular expressions.
NUMBER = (
    r"(?:" + "|".join(sorted((re.escape(key) for key in VAGUE_AMOUNTS), key=len, reverse=True))
    + r"|\d[\d,]*(?:\.\d+)?(?:\s*(?:k|thousand|million))?"
    + r"|(?:" + "|".join(_NUMBER_WORDS) + r")(?:[ -](?:" + "|".join(_NUMBER_WORDS) + r"))*)"
)


def split_list(text: str) -> list[str]:
    """Items of an English list: "a name, a city, and an optional website" → three items.

    Commas inside parentheses or quotes do not split; a clause that starts with who/which/that
    stays with the item before it ("a form tutor, who is one of the teachers").
    """
    parts: list[str] = []
    depth = 0
    quote = False
    current = ""
    for character in text:
        if character in "([":
            depth += 1
        elif character in ")]":
            depth = max(0, depth - 1)
        elif character in "\"“”":
            quote = not quote
        if character in ",;" and depth == 0 and not quote:
            parts.append(current)
            current = ""
        else:
            current += character
    parts.append(current)
    items: list[str] = []
    pending = ""  # a lone adverb ("optionally") applies to the item after it
    for part in parts:
        part = part.strip()
        if not part:
            continue
        for piece in _split_and(part):
            piece = re.sub(r"^(?:and|or|also|plus|as well as)\s+", "", piece.strip(), flags=re.IGNORECASE).strip()
            piece = re.sub(r"\s+(?:and|or)$", "", piece, flags=re.IGNORECASE).strip()
            if not piece:
                continue
            if re.fullmatch(r"(?:optionally|possibly|also|maybe)", piece, re.IGNORECASE):
                pending = piece
                continue
            if pending:
                piece, pending = f"{piece} ({pending.lower()})" if pending.lower() != "optionally" else f"optional {piece}", ""
            if items and re.match(r"^(who|which|that|whose|each|from|with)\b", piece, re.IGNORECASE) and not re.match(r"^who\s+\w+(ed|en)\b", piece, re.IGNORECASE):
                items[-1] = items[-1] + ", " + piece
            else:
                items.append(piece)
    return items


def _split_and(part: str) -> list[str]:
    """Split on " and " / " or " outside parentheses, unless the words around it are one name."""
    pieces = []
    depth = 0
    start = 0
    index = 0
    lowered = part.lower()
    while index < len(part):
        character = part[index]
        if character in "([":
            depth += 1
        elif character in ")]":
            depth = max(0, depth - 1)
        elif depth == 0:
            for joiner in (" and ", " or "):
                if lowered.startswith(joiner, index):
                    left = part[start:index]
                    right = part[index + len(joiner):]
                    if _joins_items(left, right, joiner):
                        pieces.append(left)
                        start = index + len(joiner)
                        index = start - 1
                    break
        index += 1
    pieces.append(part[start:])
    return pieces


def _joins_items(left: str, right: str, joiner: str) -> bool:
    """"a latitude and longitude" joins two items; "the paper or website" is one (after "to")."""
    left_words = left.lower().split()
    if not left_words or not right.strip():
        return False
    # "a link to the paper or website", "the date of the visit and …": or after a preposition's object
    if joiner == " or " and len(left_words) >= 2 and left_words[-2] in ("the", "a", "an") and len(left_words) > 2 and left_words[-3] in ("to", "of", "for", "on", "in"):
        return False
    return not (
        re.search(r"\b(whether|who|what)\b", left, re.IGNORECASE)
        and not re.match(r"^\s*(a|an|the|its|their|who|whether)\b", right, re.IGNORECASE)
    )
