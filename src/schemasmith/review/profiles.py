"""Review profiles: what the schema is for, which decides the rules that run and the fix dialect.

`postgres` is the default. `sqlite` writes fixes in SQLite and skips PostgreSQL-only advice.
`supabase` expects row-level security on every table (all of `public` is served to clients) and
users in `auth.users`. `multi-tenant` expects a tenant key on every tenant-owned table and
foreign keys that keep rows inside one tenant. Profiles combine: `supabase,multi-tenant`.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import SchemasmithError

PROFILES = {
    "postgres": "PostgreSQL (the default): fixes in PostgreSQL SQL.",
    "sqlite": "SQLite: fixes in SQLite SQL; PostgreSQL-only advice is skipped; what SQLite cannot express is reported.",
    "supabase": "Supabase (PostgreSQL): row-level security on every table, users in auth.users.",
    "multi-tenant": "Multi-tenant PostgreSQL: a tenant key on every tenant-owned table, foreign keys that stay inside a tenant.",
}


class UnknownProfileError(SchemasmithError):
    """A profile name that is not one of PROFILES, or profiles that cannot go together."""


@dataclass(frozen=True)
class Profile:
    names: frozenset[str]

    @property
    def dialect(self) -> str:
        return "sqlite" if "sqlite" in self.names else "postgres"

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
    if "sqlite" in chosen and "supabase" in chosen:
        raise UnknownProfileError(f"{where}: sqlite and supabase cannot go together (Supabase is PostgreSQL)")
    if "supabase" in chosen or "multi-tenant" in chosen:
        chosen.add("postgres")
    return Profile(frozenset(chosen))
