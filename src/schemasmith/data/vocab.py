"""Small vocabularies built once with Faker: names, companies, places, sentences, markdown, JSON.

Faker is called a few thousand times per process, never per row: rows pick from these pools
by a hashed code. The pools come from a fixed Faker seed, so every run of one Faker version
sees the same pools; `--seed` changes which values rows pick.
"""

from __future__ import annotations

import json
import re
import threading
from functools import cached_property

_lock = threading.Lock()
_pools: Pools | None = None

VERBS = ["Fix", "Update", "Add", "Remove", "Refactor", "Investigate", "Design", "Write", "Review", "Migrate",
         "Test", "Deploy", "Document", "Improve", "Clean up", "Draft", "Plan", "Prepare", "Automate", "Audit"]
TAG_WORDS = ["vegan", "spicy", "cheap", "late night", "al pastor", "family friendly", "outdoor", "fast", "cozy",
             "authentic", "gluten free", "seafood", "breakfast", "craft beer", "live music", "takeout", "new",
             "popular", "urgent", "backend", "frontend", "bug", "feature", "design", "docs", "research", "ops",
             "security", "performance", "mobile", "billing", "onboarding", "beta", "legacy", "internal", "api",
             "data", "ml", "infra", "ux", "hallucinates", "accurate", "slow", "expensive", "open source", "reliable"]
LICENCES = ["MIT", "Apache-2.0", "BSD-3-Clause", "GPL-3.0", "CC-BY-4.0", "proprietary", "Llama community licence"]
CATEGORIES = ["knowledge", "coding", "math", "reasoning", "language", "safety", "vision", "audio", "agents", "retrieval"]
STATUS_WORDS = ["active", "pending", "done", "archived", "draft", "open", "closed"]
SOURCES = ["blog post", "paper", "forum thread", "newsletter", "podcast", "conference talk", "social media", "review site"]


def pools() -> Pools:
    global _pools
    with _lock:
        if _pools is None:
            _pools = Pools()
        return _pools


def _unique(values, key=lambda value: value.lower()) -> list:
    seen, out = set(), []
    for value in values:
        k = key(value)
        if value and k not in seen:
            seen.add(k)
            out.append(value)
    return out


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class Pools:
    """The vocabularies, each built on first use."""

    def __init__(self):
        from faker import Faker

        self.faker = Faker("en_US")
        self.faker.seed_instance(20240601)

    def _many(self, method, count: int) -> list:
        with _lock_faker:
            return [method() for _ in range(count)]

    @cached_property
    def first_names(self) -> list[str]:
        from faker.providers.person.en_US import Provider

        return _unique(list(Provider.first_names))

    @cached_property
    def last_names(self) -> list[str]:
        from faker.providers.person.en_US import Provider

        return _unique(list(Provider.last_names))

    @cached_property
    def companies(self) -> list[str]:
        # Faker's own company formats and suffixes, filled from its name list with one seeded
        # generator: thousands of names without thousands of Faker calls.
        import numpy as np
        from faker.providers.company.en_US import Provider

        rng = np.random.default_rng(20240601)
        last = list(self.last_names)
        suffixes = list(Provider.company_suffixes)
        names = []
        for shape, a, b, c, suffix in zip(rng.integers(0, 3, 2500), rng.integers(0, len(last), 2500), rng.integers(0, len(last), 2500),
                                          rng.integers(0, len(last), 2500), rng.integers(0, len(suffixes), 2500)):
            if shape == 0:
                names.append(f"{last[a]} {suffixes[suffix]}")
            elif shape == 1:
                names.append(f"{last[a]}-{last[b]}")
            else:
                names.append(f"{last[a]}, {last[b]} and {last[c]}")
        # A trailing number would read as our uniqueness suffix; leave such names out. Distinct
        # by slug, so a slug column can follow the name column row by row.
        return _unique((name for name in names if not re.search(r"\d$", name) and slugify(name)), key=slugify)

    @cached_property
    def domains(self) -> list[str]:
        free = ["gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "proton.me", "icloud.com", "fastmail.com"]
        return _unique(free + self._many(self.faker.domain_name, 200))

    @cached_property
    def places(self) -> list[tuple[str, str, float, float, str]]:
        """(city, country code, latitude, longitude, timezone) of real places."""
        from faker.providers.geo import Provider

        seen, out = set(), []
        for lat, lng, place, country, zone in Provider.land_coords:
            if place not in seen:
                seen.add(place)
                out.append((place, country, float(lat), float(lng), zone))
        return out

    @cached_property
    def streets(self) -> list[str]:
        return _unique(self._many(self.faker.street_address, 1200))

    @cached_property
    def words(self) -> list[str]:
        from faker.providers.lorem.en_US import Provider

        return _unique(word for word in Provider.word_list if len(word) > 2)

    @cached_property
    def sentences(self) -> list[str]:
        with _lock_faker:
            return [self.faker.sentence(nb_words=self.faker.random_int(6, 16)) for _ in range(3000)]

    @cached_property
    def paragraphs(self) -> list[str]:
        with _lock_faker:
            return [self.faker.paragraph(nb_sentences=self.faker.random_int(2, 6)) for _ in range(1500)]

    @cached_property
    def titles(self) -> list[str]:
        with _lock_faker:
            out = []
            for _ in range(3000):
                phrase = self.faker.bs() if self.faker.random_int(0, 2) else self.faker.catch_phrase().lower()
                out.append(f"{self.faker.random_element(VERBS)} {phrase}")
            return _unique(out)

    @cached_property
    def phrases(self) -> list[str]:
        """Short title-case names for things: projects, products, spots."""
        with _lock_faker:
            out = []
            for _ in range(3000):
                words = self.faker.words(nb=self.faker.random_int(1, 3), ext_word_list=None)
                out.append(" ".join(word.capitalize() for word in words))
            return _unique(out)

    @cached_property
    def product_names(self) -> list[str]:
        """Names like `Nova 7B`, `Orion Large`: models, releases, versions."""
        with _lock_faker:
            sizes = ["Mini", "Small", "Base", "Large", "XL", "Pro", "Lite", "Turbo", "7B", "13B", "70B", "Instruct"]
            out = []
            for _ in range(3000):
                stem = self.faker.word().capitalize() + self.faker.random_element(["", "", "ix", "ra", "on", "a"])
                out.append(f"{stem} {self.faker.random_element(sizes)}")
            return _unique(out)

    @cached_property
    def markdown(self) -> list[str]:
        """Markdown bodies: paragraphs, sometimes a heading, a list, emphasis, code or a link."""
        fake = self.faker
        out = []
        with _lock_faker:
            for _ in range(800):
                parts = []
                shape = fake.random_int(0, 9)
                if shape == 0:
                    parts.append("## " + fake.sentence(nb_words=4).rstrip("."))
                parts.append(fake.paragraph(nb_sentences=fake.random_int(1, 4)))
                if shape in (1, 2):
                    parts.append("\n".join(f"- {fake.sentence(nb_words=5).rstrip('.')}" for _ in range(fake.random_int(2, 4))))
                if shape == 3:
                    parts.append(f"See [{fake.word()}]({fake.url()}) for details.")
                if shape == 4:
                    parts.append(f"This is **{fake.word()}**, not `{fake.word()}_{fake.word()}`.")
                if shape == 5:
                    parts.append("```\n" + f"{fake.word()} = {fake.random_int(1, 99)}" + "\n```")
                out.append("\n\n".join(parts))
        return out

    @cached_property
    def urls(self) -> list[str]:
        import numpy as np
        from faker.providers.internet.en_US import Provider

        rng = np.random.default_rng(20240602)
        hosts = self.domains[7:] or self.domains
        paths, pages = list(Provider.uri_paths), list(Provider.uri_pages)
        out = []
        for host, path, page, scheme in zip(rng.integers(0, len(hosts), 2500), rng.integers(0, len(paths), 2500),
                                            rng.integers(0, len(pages), 2500), rng.random(2500)):
            prefix = "https://" if scheme < 0.85 else "https://www."
            out.append(f"{prefix}{hosts[host]}/{paths[path]}/{pages[page]}")
        return _unique(out)

    @cached_property
    def phones(self) -> list[str]:
        return self._many(self.faker.phone_number, 1500)

    @cached_property
    def jobs(self) -> list[str]:
        return _unique(self._many(self.faker.job, 800))

    @cached_property
    def colors(self) -> list[str]:
        return _unique(self._many(self.faker.color_name, 300))

    @cached_property
    def countries(self) -> list[str]:
        return _unique(self._many(self.faker.country, 600))

    @cached_property
    def states(self) -> list[str]:
        return _unique(self._many(self.faker.state, 300))

    @cached_property
    def postcodes(self) -> list[str]:
        return self._many(self.faker.postcode, 2000)

    @cached_property
    def user_agents(self) -> list[str]:
        return self._many(self.faker.user_agent, 300)

    @cached_property
    def tags(self) -> list[str]:
        return _unique(TAG_WORDS + self.words[:300])


_lock_faker = threading.RLock()


def json_example(comment: str | None):
    """The first JSON object in a column comment (`e.g. {"a": 1}`), or None."""
    if not comment:
        return None
    start = comment.find("{")
    while start != -1:
        depth = 0
        for position in range(start, len(comment)):
            character = comment[position]
            if character == "{":
                depth += 1
            elif character == "}":
                depth -= 1
                if depth == 0:
                    try:
                        value = json.loads(comment[start:position + 1])
                    except ValueError:
                        break
                    if isinstance(value, dict) and value:
                        return value
                    break
        start = comment.find("{", start + 1)
    return None


def list_example(comment: str | None) -> list[str] | None:
    """Words from an array example in a comment (`e.g. {fast, cheap}`), or None."""
    if not comment:
        return None
    match = re.search(r"\{([^{}]+)\}", comment)
    if not match:
        return None
    words = [word.strip().strip("'\"") for word in match.group(1).split(",")]
    words = [word for word in words if word and len(word) < 40 and ":" not in word]
    return words or None
