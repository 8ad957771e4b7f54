"""The Scale section → the load model: `growth.drivers` and `expected_rows` per table.

"About 500 organizations with 20 users each; projects have a few hundred tasks; each task
collects a handful of comments" gives organizations: 500, users_per_organization: 20,
tasks_per_project: 300, comments_per_task: 5. Rows per table follow over the growth horizon
(12 months): absolute counts as they are, rates ("50 routes a day") times the days of the
horizon, per-parent counts times the parent's rows. A table the text gives no number for is
assumed at 10 per parent row, and the assumption is asked as a question, never hidden.
"""

from __future__ import annotations

import re
from typing import Any

from .designer import Unread
from .extract_draft import Draft
from .extract_words import (
    NUMBER,
    QUALIFIERS,
    is_adjective_only,
    number_of,
    plural,
    singular,
    snake,
)

_ABOUT = r"(?:(?:about|around|roughly|approximately|some|up to|over|more than|nearly|almost|at most|at least)\s+)?"
_Q = rf"{_ABOUT}(?P<q>{NUMBER})"
_THINGS = r"(?P<things>[a-z][a-z\- ]*?)"
_PERIODS = {"day": 365, "week": 52, "month": 12, "year": 1}
_ASSUMED_PER_PARENT = 10
_ASSUMED_LOOKUP = 100


def read_growth(requirements, data: dict[str, Any], draft: Draft) -> dict[str, Any] | None:
    """`growth` for the design, and `expected_rows` written into its tables; None without a Scale section."""
    if not requirements.scale:
        return None
    absolute: dict[str, float] = {}
    per_owner: list[tuple[str, str, float]] = []  # (things, owner, amount)
    rates: list[tuple[str, str, float]] = []  # (things, period, amount)
    drivers: dict[str, int | float] = {}
    for statement in requirements.scale:
        understood = _read_statement(statement.text, absolute, per_owner, rates)
        if not understood:
            draft.unread.append(Unread(statement.line, statement.text, "no quantity of a known thing could be read"))
    for things, amount in absolute.items():
        drivers[snake(plural(things))] = _number(amount)
    for things, period, amount in rates:
        drivers[f"{snake(plural(things))}_per_{period}"] = _number(amount)
    for things, owner, amount in per_owner:
        drivers[f"{snake(plural(things))}_per_{snake(singular(owner))}"] = _number(amount)

    tables = data["tables"]
    rows: dict[str, float] = {}
    unmapped = []

    def table_for(phrase: str) -> str | None:
        entity = draft.find(phrase)
        if entity is not None and draft.table_of(entity.key) in tables:
            return draft.table_of(entity.key)
        name = snake(plural(phrase))
        return name if name in tables else None

    for things, amount in absolute.items():
        table = table_for(things)
        if table:
            rows[table] = amount
        else:
            unmapped.append(things)
    for things, period, amount in rates:
        table = table_for(things)
        if table:
            rows[table] = amount * _PERIODS[period] * _horizon_years(data)
        else:
            unmapped.append(things)
    pending = list(per_owner)
    targets_pending = lambda: {table_for(things) for things, _, _ in pending}
    for _ in range(2 * len(tables) + len(pending) + 2):
        # per-parent counts whose parent is known
        remaining, progressed = [], False
        for things, owner, amount in pending:
            table, owner_table = table_for(things), table_for(owner)
            if table is None or owner_table is None:
                unmapped.append(things if table is None else owner)
                continue
            if owner_table not in rows:
                remaining.append((things, owner, amount))
                continue
            total = rows[owner_table] * amount
            junction = _junction_between(tables, table, owner_table)
            if junction is not None:
                rows.setdefault(junction, total)
                draft.decide(f"{junction}.expected_rows", str(int(total)), None, f"{amount:g} {things} per {owner}, one link each")
            rows.setdefault(table, total)
            progressed = True
        pending = remaining
        if progressed:
            continue
        # else one assumption, for a table the text gives no number for, then try again
        if not _assume_one(tables, rows, drivers, draft, targets_pending()):
            break
    for things, owner, _ in pending:
        draft.ask(f"growth: {things} per {owner} cannot be counted; nothing says how many {plural(owner)} there are")
    for name in sorted(set(unmapped)):
        draft.ask(f"growth: the Scale section counts {name!r}, which is no table of the design")
    for name, table in tables.items():
        if name in rows:
            table["expected_rows"] = round(rows[name])
        else:
            draft.ask(f"{name}: no expected_rows; the Scale section says nothing that reaches it")
    return {"horizon_months": 12, "drivers": drivers}


def _assume_one(tables: dict[str, Any], rows: dict[str, float], drivers: dict, draft: Draft, waiting: set) -> bool:
    """Assume the rows of one table the text gives no number for (10 per parent, 100 per lookup)."""
    for name, table in tables.items():
        if name in rows or name in waiting:
            continue
        if table.get("kind") == "lookup":
            rows[name] = _ASSUMED_LOOKUP
            draft.ask(f"{name}: expected_rows assumed {_ASSUMED_LOOKUP} (a lookup); how many are there?")
            return True
        parents = [fk["references"]["table"] for fk in table.get("foreign_keys", []) if fk["references"]["table"] != name]
        if table.get("kind") == "junction":
            if parents and all(parent in rows for parent in parents):
                rows[name] = max(rows[parent] for parent in parents) * _ASSUMED_PER_PARENT
                draft.ask(f"{name}: expected_rows assumed {int(rows[name])} ({_ASSUMED_PER_PARENT} links per row of the larger side); how many are there?")
                return True
            continue
        owner = next((fk["references"]["table"] for fk in table.get("foreign_keys", []) if fk.get("on_delete") == "cascade" and fk["references"]["table"] in rows and fk["references"]["table"] != name), None)
        if owner is not None:
            rows[name] = rows[owner] * _ASSUMED_PER_PARENT
            drivers.setdefault(f"{name}_per_{snake(singular(owner.replace('_', ' ')))}", _ASSUMED_PER_PARENT)
            draft.ask(f"{name}: the Scale section gives no number; assumed {_ASSUMED_PER_PARENT} per {singular(owner.replace('_', ' '))}. How many are there?")
            return True
    return False


def _horizon_years(data: dict[str, Any]) -> float:
    return 1.0


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _junction_between(tables: dict[str, Any], one: str, other: str) -> str | None:
    for name, table in tables.items():
        if table.get("kind") != "junction":
            continue
        targets = {fk["references"]["table"] for fk in table.get("foreign_keys", [])}
        if targets == {one, other}:
            return name
    return None


def _clean(things: str) -> str:
    words = [word for word in things.split() if word not in ("new", "active", "total", "distinct", "different")]
    while words and (words[0] in QUALIFIERS or is_adjective_only(words[0])):
        words = words[1:]
    return " ".join(words)


def _read_statement(text: str, absolute, per_owner, rates) -> bool:
    low = " ".join(text.lower().replace("’", "'").split()).rstrip(".")
    low = re.sub(r"\b(in the first year|on average|at first|per year at launch|to start with|in total)\b", "", low)
    understood = False
    for clause in re.split(r";\s*", low):
        previous: str | None = None
        # "each task collects a handful of comments and activity entries"
        each = re.match(rf"^\s*(?:each|every)\s+(?P<owner>[a-z]+)\s+(?:has|have|collects|gets|holds|contains|receives|sees|with)\s+{_Q}\s+(?:of\s+)?{_THINGS}(?:\s+a\s+(?:day|week|month|year))?\s*$", clause)
        if each:
            for things in re.split(r"\s+and\s+", each["things"]):
                per_owner.append((_clean(things), each["owner"], number_of(each["q"])))
            understood = True
            continue
        owners = re.match(rf"^\s*(?P<owner>[a-z]+)\s+(?:have|has|collect|get|hold|contain|see)\s+{_Q}\s+(?:of\s+)?{_THINGS}\s*$", clause)
        if owners:
            for things in re.split(r"\s+and\s+", owners["things"]):
                per_owner.append((_clean(things), singular(owners["owner"]), number_of(owners["q"])))
            understood = True
            continue
        for segment in re.split(rf",\s+|\s+and\s+(?={_ABOUT}{NUMBER}\s)", clause):
            segment = re.sub(r"^(?:and|with)\s+(?=\S)", "", segment.strip()) if not segment.strip().startswith("with ") else segment.strip()
            segment = re.sub(r"^and\s+", "", segment)
            if not segment:
                continue
            with_each = re.match(rf"^{_Q}\s+{_THINGS}(?:\s+(?:a|per|each|every)\s+(?P<period>day|week|month|year))?\s+with\s+(?:{_ABOUT})(?P<q2>{NUMBER})\s+(?P<others>[a-z][a-z\- ]*?)\s+each$", segment)
            if with_each:
                things = _clean(with_each["things"])
                if with_each["period"]:
                    rates.append((things, with_each["period"], number_of(with_each["q"])))
                else:
                    absolute[things] = number_of(with_each["q"])
                per_owner.append((_clean(with_each["others"]), singular(things), number_of(with_each["q2"])))
                previous, understood = things, True
                continue
            each_with = re.match(rf"^each\s+with\s+{_Q}\s+{_THINGS}$", segment)
            if each_with and previous:
                per_owner.append((_clean(each_with["things"]), singular(previous), number_of(each_with["q"])))
                understood = True
                continue
            per = re.match(rf"^{_Q}\s+{_THINGS}\s+per\s+(?P<owner>[a-z]+)$", segment)
            if per and per["owner"] not in _PERIODS:
                per_owner.append((_clean(per["things"]), per["owner"], number_of(per["q"])))
                understood = True
                continue
            rate = re.match(rf"^{_Q}\s+{_THINGS}\s+(?:a|per|each|every)\s+(?P<period>day|week|month|year)$", segment)
            if rate:
                things = _clean(rate["things"])
                rates.append((things, rate["period"], number_of(rate["q"])))
                previous, understood = things, True
                continue
            plain = re.match(rf"^{_Q}\s+{_THINGS}$", segment)
            if plain:
                things = _clean(plain["things"])
                absolute[things] = number_of(plain["q"])
                previous, understood = things, True
    return understood


__all__ = ["read_growth"]
