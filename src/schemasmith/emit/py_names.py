"""Python identifiers for database names: safe whatever the name, readable where it is plain.

A table or column may be called `order`, `Mixed Case`, `quote"inside`, `; --`, `Café Orders` or
`1st`. The generated code keeps the database name exact (as a string) and picks an identifier for
Python: ASCII letters, digits and underscores, not a keyword, not a name the base class owns,
unique within its scope, and short enough that a declaration line fits.
"""

from __future__ import annotations

import keyword
import re
import unicodedata

from ..text.words import singular

#: Attributes the declarative base classes own: a column called so gets another attribute name.
SQLALCHEMY_RESERVED = frozenset({"metadata", "registry", "query", "query_class"})

#: Names pydantic's BaseModel (and so SQLModel) defines; a field may not shadow them.
PYDANTIC_RESERVED = frozenset(
    {
        "construct",
        "copy",
        "dict",
        "fields",
        "from_orm",
        "json",
        "model_computed_fields",
        "model_config",
        "model_construct",
        "model_copy",
        "model_dump",
        "model_dump_json",
        "model_extra",
        "model_fields",
        "model_fields_set",
        "model_json_schema",
        "model_parametrized_name",
        "model_post_init",
        "model_rebuild",
        "model_validate",
        "model_validate_json",
        "model_validate_strings",
        "parse_file",
        "parse_obj",
        "parse_raw",
        "schema",
        "schema_json",
        "update_forward_refs",
        "validate",
        "sqlmodel_update",
    }
)

#: Names pycodestyle calls ambiguous (E741).
AMBIGUOUS = frozenset({"l", "I", "O"})


def ascii_words(name: str) -> list[str]:
    """The alphanumeric words of a name, accents removed: `Café Orders id` → [Cafe, Orders, id]."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(character for character in decomposed if not unicodedata.combining(character))
    plain = plain.encode("ascii", "ignore").decode("ascii")
    # split camelCase too, so `MixedCase` becomes mixed_case like `Mixed Case`
    plain = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", plain)
    return [word for word in re.split(r"[^A-Za-z0-9]+", plain) if word]


def snake(name: str, fallback: str = "column") -> str:
    words = [word.lower() for word in ascii_words(name)]
    text = "_".join(words) or fallback
    if text[0].isdigit():
        text = f"{fallback}_{text}"
    return text


def class_name(table: str) -> str:
    """`order line` → OrderLine, `tasks` → Task, `Café Orders` → CafeOrder, `1st` → Table1st."""
    words = ascii_words(table)
    if not words:
        return "Table"
    words[-1] = singular(words[-1])
    text = "".join(word[:1].upper() + word[1:].lower() for word in words)
    if text[0].isdigit():
        text = "Table" + text
    return text


def is_safe(identifier: str, reserved: frozenset[str] | set[str] = frozenset()) -> bool:
    return (
        identifier.isidentifier()
        and identifier.isascii()
        and not keyword.iskeyword(identifier)
        and not keyword.issoftkeyword(identifier)
        and identifier not in reserved
        and identifier not in AMBIGUOUS
        and not identifier.startswith("_")
    )


class Namespace:
    """Allocates unique, safe identifiers within one scope (a module, a class)."""

    def __init__(self, reserved: set[str] | frozenset[str] = frozenset(), max_length: int = 60):
        self.reserved = set(reserved)
        self.taken: set[str] = set()
        self.max_length = max_length

    def _base(self, wanted: str, max_length: int | None) -> str:
        limit = max(8, max_length if max_length is not None else self.max_length)
        base = wanted[:limit].rstrip("_") or "name"
        if not is_safe(base, self.reserved):
            base = base + "_"
        return base

    def holds(self, wanted: str, max_length: int | None = None) -> bool:
        """Whether `claim(wanted)` would have to number it: the name it stands for is taken."""
        return self._base(wanted, max_length) in self.taken

    def claim(self, wanted: str, max_length: int | None = None) -> str:
        base = self._base(wanted, max_length)
        candidate, number = base, 2
        while candidate in self.taken:
            candidate = f"{base.rstrip('_')}_{number}"
            number += 1
        self.taken.add(candidate)
        return candidate

    def take(self, name: str) -> None:
        self.taken.add(name)
