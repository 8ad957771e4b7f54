"""English nouns for names: the one singular and plural every command uses.

Table names are English plurals (`order_lines`), model and class names their singular
(`OrderLine`), review messages speak of "a warehouse" and "its tasks". All of them ask this
module, so a plural rule fixed here is fixed in the emitters, the review, the designer and the
load model at once. The rules are the common English ones plus short lists of irregular words;
the designer adds a dictionary check on top (design/extract_words.py), the emitters and the review
keep a few released spellings on their side (see their docstrings).
"""

from __future__ import annotations

import re
from functools import lru_cache

#: Irregular singular → plural.
IRREGULAR = {
    "person": "people",
    "child": "children",
    "man": "men",
    "woman": "women",
    "mouse": "mice",
    "goose": "geese",
    "foot": "feet",
    "tooth": "teeth",
    "criterion": "criteria",
    "phenomenon": "phenomena",
    "datum": "data",
}
#: Irregular plural → singular (the plurals above, and Latin/Greek ones read back only).
IRREGULAR_PLURALS = {
    **{plural_form: singular_form for singular_form, plural_form in IRREGULAR.items() if plural_form != "data"},
    "indices": "index",
    "matrices": "matrix",
    "vertices": "vertex",
    "analyses": "analysis",
    "quizzes": "quiz",
}
#: Nouns used without a plural ("the activity feed", "order history"): neither form is wrong.
MASS_NOUNS = frozenset(
    {
        "activity", "history", "feedback", "data", "metadata", "media", "information", "info", "staff",
        "equipment", "inventory", "software", "news", "analytics", "audit", "evidence", "progress", "series",
        "species", "traffic", "music", "content", "stock", "usage", "sheep", "fish", "deer",
    }
)
#: Singular nouns that end like a plural: their singular is themselves, their plural adds -es.
SINGULAR_IN_S = frozenset(
    {
        "status", "analysis", "access", "address", "process", "class", "alias", "bus", "campus", "virus",
        "corpus", "census", "axis", "basis", "crisis", "thesis", "bonus", "focus",
    }
)


@lru_cache(maxsize=8192)
def singular(word: str) -> str:
    """The English singular of one word, lower-cased (`categories` → `category`, `status` stays)."""
    lower = word.lower()
    if lower in IRREGULAR_PLURALS:
        return IRREGULAR_PLURALS[lower]
    if lower in MASS_NOUNS or lower in SINGULAR_IN_S or lower in IRREGULAR or len(lower) <= 2:
        return lower
    if lower.endswith("es") and lower[:-2] in SINGULAR_IN_S:
        return lower[:-2]
    if lower.endswith("ies") and len(lower) > 4:
        return lower[:-3] + "y"
    if lower.endswith(("sses", "shes", "ches", "xes", "zzes")):
        return lower[:-2]
    if lower.endswith(("ss", "us", "is")):
        return lower
    if lower.endswith("s"):
        return lower[:-1]
    return lower


@lru_cache(maxsize=8192)
def plural(word: str) -> str:
    """The English plural of one singular word, lower-cased (`category` → `categories`).

    The word is taken as singular: `plural("orders")` is `orderses`. Callers holding a word of
    unknown number take `plural(singular(word))`.
    """
    lower = word.lower()
    if lower in IRREGULAR:
        return IRREGULAR[lower]
    if lower in MASS_NOUNS:
        return lower
    if lower in SINGULAR_IN_S and lower.endswith("is"):
        return lower[:-2] + "es"  # analysis → analyses, axis → axes
    if lower.endswith("z") and not lower.endswith("zz"):
        return lower + "zes"  # quiz → quizzes
    if re.search(r"[^aeiou]y$", lower):
        return lower[:-1] + "ies"
    if re.search(r"(s|x|ch|sh|z)$", lower):
        return lower + "es"
    return lower + "s"


def is_plural(word: str) -> bool | None:
    """True or False for a countable word; None for a mass noun, where neither form is wrong."""
    lower = word.lower()
    if lower in MASS_NOUNS:
        return None
    if lower in IRREGULAR_PLURALS:
        return True
    if lower in IRREGULAR:
        return False
    return singular(lower) != lower


def last_word(name: str) -> str:
    """The last word of a snake_case name, lower-cased: `order_lines` → `lines`."""
    return name.rsplit("_", 1)[-1].lower()
