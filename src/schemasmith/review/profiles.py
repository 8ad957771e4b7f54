"""Review profiles: what the schema is for, which decides the rules that run and the fix dialect.

`postgres` is the default. `sqlite` writes fixes in SQLite and skips PostgreSQL-only advice.
`supabase` expects row-level security on every table (all of `public` is served to clients) and
users in `auth.users`. `multi-tenant` expects a tenant key on every tenant-owned table and
foreign keys that keep rows inside one tenant. Profiles combine: `supabase,multi-tenant`.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..dialects.registry import POSTGRES, canonical_name, get_dialect
from ..errors import SchemasmithError

PROFILES = {
    "postgres": "PostgreSQL (the default): fixes in PostgreSQL SQL.",
    "sqlite": "SQLite: fixes in SQLite SQL; PostgreSQL-only advice is skipped; what SQLite cannot express is reported.",
    "supabase": "Supabase (PostgreSQL): row-level security on every table, users in auth.users.",
    "multi-tenant": "Multi-tenant PostgreSQL: a tenant key on every tenant-owned table, foreign keys that stay inside a tenant.",
}


#: Profiles that run a dialect profile's rules as well (a Supabase schema is a PostgreSQL schema).
INCLUDES_RULES_OF = {"supabase": POSTGRES, "multi-tenant": POSTGRES}
#: Profiles that exist on one dialect only, and so cannot be combined with another dialect's profile.
ONLY_ON = {"supabase": POSTGRES}
#: The dialect fixes are written in when no dialect profile is chosen.
DEFAULT_DIALECT = POSTGRES


def is_dialect_profile(name: str) -> bool:
    """A profile named after a dialect (`postgres`, `sqlite`): it chooses the fixes' dialect."""
    return canonical_name(name) is not None


class UnknownProfileError(SchemasmithError):
    """A profile name that is not one of PROFILES, or profiles that cannot go together."""


@dataclass(frozen=True)
class Profile:
    names: frozenset[str]

    @property
    def dialect(self) -> str:
        """The dialect of the fixes: a chosen dialect profile other than the default, else the default."""
        chosen = sorted(name for name in self.names if is_dialect_profile(name) and name != DEFAULT_DIALECT)
        return chosen[0] if chosen else DEFAULT_DIALECT

    @property
    def label(self) -> str:
        return ",".join(name for name in PROFILES if name in self.names)

    def __contains__(self, name: str) -> bool:
        return name in self.names


def parse_profile(text: str | None, where: str = "--profile") -> Profile:
    """`postgres`, `sqlite`, `supabase`, `multi-tenant`, or several joined by commas."""
    names = [part.strip().lower() for part in (text or "postgres").split(",") if part.strip()]
    unknown = [name for name in names if name not in PROFILES]
    if unknown or not names:
        raise UnknownProfileError(
            f"{where}: unknown profile {(unknown or [text])[0]!r}; profiles are {', '.join(PROFILES)}"
        )
    chosen = set(names)
    for profile, dialect in ONLY_ON.items():
        others = sorted(name for name in chosen if is_dialect_profile(name) and name != dialect) if profile in chosen else []
        if others:
            raise UnknownProfileError(
                f"{where}: {others[0]} and {profile} cannot go together ({profile.capitalize()} is {get_dialect(dialect).label})"
            )
    chosen |= {dialect for profile, dialect in INCLUDES_RULES_OF.items() if profile in chosen}
    return Profile(frozenset(chosen))
