"""`design` on requirement documents nobody wrote: never an internal error, whatever the text.

A grammar of many sentence shapes (bullets, prose, passives, "X has many Y", "each X belongs to a
Y", lists with "and"/"or", parentheses, numbers, units, quoted names, non-English words, empty
sections, very long documents) generates documents; `design` must either write a design the
loader accepts — whose PostgreSQL DDL applies, for a bounded subset — or exit 2 with a message
naming the lines it could not read. Never exit 70, never a traceback.

Bounded like tests/fuzz/: derandomized, `examples(n)` cases in CI (SCHEMASMITH_FUZZ_SCALE=20
multiplies them for a local campaign).
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from fuzz.strategies import SCALE, examples  # noqa: E402  (registers the derandomized profile)

from schemasmith import cli  # noqa: E402
from schemasmith.dialects import postgres  # noqa: E402
from schemasmith.model import load_design  # noqa: E402

NOUNS = [
    "branch", "book", "author", "copy", "member", "loan", "hold", "fine", "clinic", "doctor", "patient",
    "appointment", "room", "event", "ticket", "order", "venue", "performer", "category", "person",
    "child", "address", "status", "series", "data", "news", "sheep", "analysis", "index", "box",
    "café", "straße", "ñandú", "größe", "京都", "résumé", "user_account", "e-mail", "x", "it", "they",
    "the", "a", "", "123", "big red bus", "line item", "this",
]
ATTRIBUTES = [
    "name", "title", "email", "phone number", "date of birth", "price", "amount", "quantity", "weight in kg",
    "size in bytes", "start time", "due date", "status", "url", "description", "isbn", "code", "rating",
    "colour", "preço", "名前", "", "id", "created at", "optional bio", "unique slug", "the time it was opened",
]
VALUES = ["low", "normal", "high", "new", "good", "worn", "checked in", "no show", "ja", "nein", "1", "x-y", ""]
QUOTED = ['"vegetarian"', "'B204'", "“quick”", '"7B"', '""', "'it''s'"]
NUMBERS = ["1", "5", "0", "42", "1,000", "2.5", "1e6", "-3", "10,000,000", "a few", "several hundred", "½"]
UNITS = ["kg", "ms", "minutes", "per month", "%", "bytes", "€", "km/h", "per year", "rows"]


def _noun(draw) -> str:
    return draw(st.sampled_from(NOUNS))


def _plural(draw) -> str:
    word = _noun(draw)
    return draw(st.sampled_from([word + "s", word + "es", word, word.upper(), word.title()]))


def _list(draw, items: list[str]) -> str:
    chosen = draw(st.lists(st.sampled_from(items), min_size=1, max_size=5))
    joiner = draw(st.sampled_from([" and ", " or ", ", ", ", and ", " and/or "]))
    if len(chosen) == 1:
        return chosen[0]
    return ", ".join(chosen[:-1]) + joiner + chosen[-1]


@st.composite
def sentence(draw) -> str:
    a, b = _noun(draw), _noun(draw)
    shapes = [
        lambda: f"{a.title()}s have {_list(draw, ['a ' + x for x in ATTRIBUTES])}.",
        lambda: f"A {a} has many {b}s.",
        lambda: f"Each {a} belongs to a {b}.",
        lambda: f"Each {a} belongs to exactly one {b}; a {b} has {draw(st.sampled_from(['many', 'several', 'no', 'one']))} {a}s.",
        lambda: f"A {a} is {draw(st.sampled_from(['owned', 'written', 'booked', 'held', 'charged', 'assigned']))} by {draw(st.sampled_from(['a', 'one', 'the', 'many']))} {b}.",
        lambda: f"{a.title()}s are {draw(st.sampled_from(['booked', 'issued', 'registered', 'kept']))} {draw(st.sampled_from(['by', 'with', 'for', 'in', 'during']))} {b}s.",
        lambda: f"A {a} has a {draw(st.sampled_from(ATTRIBUTES))} ({_list(draw, VALUES)}).",
        lambda: f"A {a} has a status ({_list(draw, VALUES)}) and a {draw(st.sampled_from(ATTRIBUTES))} from {draw(st.sampled_from(NUMBERS))} to {draw(st.sampled_from(NUMBERS))}.",
        lambda: f"{a.title()}s can be tagged with {b}s such as {_list(draw, QUOTED)}.",
        lambda: f"A {a} can have several {b}s, and a {b} {draw(st.sampled_from(['writes', 'has', 'covers', 'appears at']))} many {a}s.",
        lambda: f"{a.title()}s {draw(st.sampled_from(['borrow', 'place', 'write', 'follow', 'rate', 'pay', 'create', 'upload']))} {_plural(draw)}{draw(st.sampled_from(['', ' on ' + b + 's', ' to a ' + b, ' of the ' + b, ' for ' + b + 's: a title and a body', ' .', ' on', ' to the']))}.",
        lambda: f"As a {a}, I want to see my {b}s{draw(st.sampled_from(['', ', newest first', ' per ' + a, ' in the order they were written', ' with their ' + draw(st.sampled_from(ATTRIBUTES))]))}.",
        lambda: f"As an {a}, I want to {draw(st.sampled_from(['create', 'sign up with', 'register', 'define']))} {_list(draw, ['a ' + x for x in ATTRIBUTES])}.",
        lambda: f"About {draw(st.sampled_from(NUMBERS))} {a}s and {draw(st.sampled_from(NUMBERS))} {b}s {draw(st.sampled_from(UNITS))}.",
        lambda: f"The {draw(st.sampled_from(ATTRIBUTES))} is measured in {draw(st.sampled_from(UNITS))} and is at most {draw(st.sampled_from(NUMBERS))}.",
        lambda: f"When a {a} is deleted, its {b}s {draw(st.sampled_from(['go with it', 'are kept', 'become unassigned', 'cannot be deleted']))}.",
        lambda: f"{a.title()} names and {b} codes are unique.",
        lambda: f"Every change to a {a} is recorded in an activity feed: who changed what, and when.",
        lambda: f"{a.title()}s follow other {a}s.",
        lambda: draw(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=60)),
        lambda: draw(st.sampled_from(["", ".", ";", ":", "()", "(", ")", "-", "*", "—", "and", "or", "a", "the", "it", "I want.", "As a, I want to ."])),
        lambda: f"Über {a} und {b}: jede {a} hat viele {b}en.",
        lambda: f"{a.title()} — {draw(st.sampled_from(ATTRIBUTES))}: {draw(st.sampled_from(NUMBERS))} {draw(st.sampled_from(UNITS))} (approx.)",
    ]
    return draw(st.sampled_from(shapes))()


@st.composite
def document(draw) -> str:
    """A requirements document: a title, sections of bullets or prose, some empty."""
    lines = [draw(st.sampled_from(["# Requirements", "# Café — Anforderungen", "", "Title", "# "]))]
    for _ in range(draw(st.integers(min_value=0, max_value=5))):
        heading = draw(st.sampled_from(["## Data", "## User stories", "## Scale", "## Notes", "##", "### Misc", None]))
        if heading:
            lines += ["", heading]
        style = draw(st.sampled_from(["bullets", "prose", "numbered", "empty"]))
        sentences = draw(st.lists(sentence(), min_size=0, max_size=8))
        if style == "bullets":
            lines += ["", *(f"{draw(st.sampled_from(['-', '*', '+', '  -']))} {s}" for s in sentences)]
        elif style == "numbered":
            lines += ["", *(f"{n}. {s}" for n, s in enumerate(sentences, 1))]
        elif style == "prose":
            lines += ["", " ".join(sentences)]
    return "\n".join(lines) + draw(st.sampled_from(["\n", "", "\n\n\n"]))


def design(text: str, folder: Path) -> tuple[int, str, Path]:
    source = folder / "requirements.md"
    source.write_text(text, encoding="utf-8")
    output = folder / "schema.yaml"
    result = CliRunner().invoke(cli.app, ["design", str(source), "-o", str(output)], catch_exceptions=True,
                                env={"COLUMNS": "200", "SCHEMASMITH_DEBUG": None})
    return result.exit_code, (result.stdout or "") + (result.stderr or ""), output


def check(text: str, folder: Path) -> Path | None:
    """The contract: exit 0 with a loadable design, or exit 2 with a message that names lines."""
    code, said, output = design(text, folder)
    assert code in (0, 2), f"exit {code}:\n{said}\n--- document\n{text}"
    assert "Traceback" not in said and "internal error" not in said, said
    if code == 0:
        return output if load_design(output).tables else None
    assert not output.exists()
    # "no requirements found" has no line to name; "no entity could be read" names each line it tried
    assert "no requirements found" in said or re.search(r"requirements\.md:\d+", said), said
    return None


@examples(100)
@given(document())
def test_design_never_fails_internally(text: str):
    with tempfile.TemporaryDirectory() as folder:
        check(text, Path(folder))


@pytest.mark.postgres
@settings(examples(12), suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(document())
def test_designed_ddl_applies_to_postgres(pg_url: str, text: str):
    with tempfile.TemporaryDirectory() as folder:
        output = check(text, Path(folder))
        if output is None:
            return
        sql = postgres.render(load_design(output)).files["schema.sql"]
        with psycopg.connect(pg_url, autocommit=True) as connection:
            # one database for every example (the fixture is per test): start each from an empty schema
            connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
            connection.execute(sql)


@pytest.mark.parametrize("lines", [300, 10_000 if SCALE > 1 else 2_000])
def test_long_documents_stay_fast(lines: int, tmp_path: Path):
    """A long document is read in time linear in its length: 300 lines well under 2 s."""
    import time

    pool = (REPO_EXAMPLES / "library-network.md").read_text(encoding="utf-8").splitlines()
    bullets = [line for line in pool if line.startswith("- ")]
    body = ["# Long", ""] + [bullets[i % len(bullets)].replace("Branches", f"Branches{i // len(bullets)}")
                             for i in range(lines)]
    started = time.perf_counter()
    code, said, _ = design("\n".join(body) + "\n", tmp_path)
    elapsed = time.perf_counter() - started
    assert code == 0, said
    if lines == 300:
        assert elapsed < 2.0 * float(os.environ.get("SCHEMASMITH_SLOW_MACHINE", "1")), f"{elapsed:.2f}s"


REPO_EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "requirements"


def test_a_library_list_with_a_pronoun_for_an_entity_is_read_around(tmp_path: Path):
    """The crash of issue 13: a noun phrase with no noun left ("one this") reached inflect's article."""
    text = ("# Library network\n\n- Branches have a name and an address.\n- Each copy belongs to exactly one this;"
            " a this has many copies.\n- Members borrow copies.\n")
    code, said, output = design(text, tmp_path)
    assert code == 0, said
    assert "requirements.md:4" in said and "names none" in said
    assert "branches" in load_design(output).tables
