"""The words of relation field names, shared by the Prisma and the SQLAlchemy/SQLModel targets.

A foreign key gives two fields: the one on the table holding the key (one row: `rental.customer`)
and the one on the referenced table (its rows: `customer.rentals`). Both are named the way people
write them by hand, and both targets name them alike (`rentals` / `rentals`, `originalLanguage` /
`original_language`):

- the field holding the key is its role: the column without its `_id` (`customer_id` → customer,
  `original_language_id` → original language, `home_address_id` → home address); a column named
  after the referenced table (`orders_id`) and a composite key take the table's singular;
  `reports_to` is a manager;
- the other side is the referencing table in the plural (`rentals`, `film actors`; the singular
  for a one-to-one key), a mass noun kept as it is (`staff`), a plural table name kept as the
  database spells it (`todos`);
- when two relations join the same two tables, the other side carries the role too, unless the
  role is the referenced table's own name (`films` and `original language films` on a language,
  `home address customers` and `work address customers` on an address);
- a self-reference names its other side by the role: `parent` → children, `manager` → reports,
  any other role → role + the table's plural (`mentor users`).

This module gives words (lower case); each target joins them in its own case and claims them in
its own scope, where a name already taken (a scalar field `customer`, another relation) falls back
to `fallback()` (`customer record`, `rental records`) and then to a number.

Plurals come from `inflect` (imported on first use: it takes a while to load, and designs whose
table names are already plural never need it); singulars from `text.words`, which the model and
class names use, so a field and its model's name always agree.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from ..model.document import Design, ForeignKey
from ..text import words as english

#: How a target splits a database name into words (`js_names.ascii_words`, `py_names.ascii_words`).
Split = Callable[[str], list[str]]

#: Suffixes a key column carries beside its role: `customer_id`, `country_code`, `owner_fk`.
KEY_SUFFIXES = frozenset({"id", "fk", "ref", "key", "code", "uuid"})

#: Key columns named by a verb phrase, and the role they stand for.
ROLE_ALIASES = {("reports", "to"): ["manager"]}

#: Self-reference roles with an English word for the other side (plural; the singular for one-to-one).
SELF_INVERSES = {("parent",): ["children"], ("manager",): ["reports"]}


@lru_cache(maxsize=1)
def _engine():
    import inflect

    return inflect.engine()


@lru_cache(maxsize=4096)
def plural(word: str) -> str:
    """The plural of one lower-case word: kept when it is already plural, a mass noun or not a plain word."""
    if not word.isalpha() or not word.isascii():
        return word
    if english.singular(word) != word or english.is_plural(word) is None:
        return word
    return _engine().plural_noun(word) or word


def singular(word: str) -> str:
    """The singular of one lower-case word, as the model and class names have it."""
    if not word.isalpha() or not word.isascii():
        return word
    return english.singular(word)


def lower_words(name: str, split: Split) -> list[str]:
    """The lower-case ASCII words of a name (`Café Orders` → cafe, orders)."""
    return [word.lower() for word in split(name)]


def singular_words(table_name: str, split: Split) -> list[str]:
    """One row of a table: `film_actors` → film, actor; `staff` → staff."""
    found = lower_words(table_name, split)
    return found[:-1] + [singular(found[-1])] if found else ["record"]


def plural_words(table_name: str, split: Split) -> list[str]:
    """The rows of a table: `rental` → rentals, `film_actor` → film, actors; `staff` stays."""
    found = lower_words(table_name, split)
    return found[:-1] + [plural(singular(found[-1]))] if found else ["records"]


class RelationNames:
    """The field words of every foreign key of one design."""

    def __init__(self, design: Design, split: Split):
        self.design = design
        self.split = split
        self.pairs: dict[frozenset[str], int] = {}
        for table_name, table in design.tables.items():
            for foreign_key in table.foreign_keys:
                if foreign_key.references.table in design.tables:
                    pair = frozenset((table_name, foreign_key.references.table))
                    self.pairs[pair] = self.pairs.get(pair, 0) + 1

    def ambiguous(self, table_name: str, foreign_key: ForeignKey) -> bool:
        """More than one relation joins the two tables (either way), or the key refers to its own table."""
        target = foreign_key.references.table
        return target == table_name or self.pairs.get(frozenset((table_name, target)), 0) > 1

    def role(self, table_name: str, foreign_key: ForeignKey) -> list[str]:
        """The words of the field on the table holding the key: `customer_id` → customer."""
        target = foreign_key.references.table
        if len(foreign_key.columns) != 1:
            return singular_words(target, self.split)
        found = lower_words(foreign_key.columns[0], self.split)
        if len(found) > 1 and found[-1] in KEY_SUFFIXES:
            found = found[:-1]
        found = ROLE_ALIASES.get(tuple(found), found)
        if not found or found == lower_words(target, self.split):
            return singular_words(target, self.split)  # `orders_id` → order: one row of the table it names
        return found

    def inverse(self, table_name: str, foreign_key: ForeignKey, *, one_to_one: bool) -> list[str]:
        """The words of the field on the referenced table: its rows of `table_name` (one row if one-to-one)."""
        rows = singular_words(table_name, self.split) if one_to_one else plural_words(table_name, self.split)
        role = self.role(table_name, foreign_key)
        target = foreign_key.references.table
        if target == table_name:
            inverse = SELF_INVERSES.get(tuple(role))
            if inverse is not None:
                return [singular(word) for word in inverse] if one_to_one else list(inverse)
            return role + rows
        if self.ambiguous(table_name, foreign_key) and role != singular_words(target, self.split):
            return role + rows
        return rows


def fallback(field_words: list[str], *, many: bool) -> list[str]:
    """The words a relation takes when its own are already a field's: `customer record`, `rental records`."""
    if many:
        return field_words[:-1] + [singular(field_words[-1]), "records"] if field_words else ["records"]
    return field_words + ["record"]
