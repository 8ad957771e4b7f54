"""Column value generators, chosen by what a column means (its name, type, table, comment).

Each generator turns a batch of row indices into `Values` without per-row Python where it can:
codes into vocabularies, numpy arithmetic for numbers and times. A generator that can also
make distinct values from distinct integers (`injective`) serves unique columns and composite
keys; `domain()` says how many distinct values it can make (None: as many as needed).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from ..errors import SchemasmithError
from ..model.document import Column, Table
from ..model.types import PortableType
from .checks import ColumnHints
from .streams import Permutation, Stream, cumulative, key_of
from .values import Values, Vocab
from .vocab import (
    CATEGORIES,
    LICENCES,
    SOURCES,
    STATUS_WORDS,
    json_example,
    list_example,
    pools,
    slugify,
)

#: The moment generated histories end: fixed, so a seed always gives the same data.
ANCHOR = np.datetime64("2026-01-01T00:00:00", "s")
DAY = 86400
HISTORY_DAYS = 730

_INT_RANGES = {"smallint": (-32768, 32767), "integer": (-2147483648, 2147483647), "bigint": (-(2**63), 2**63 - 1)}


class GenerationError(SchemasmithError):
    """A column the generators cannot fill as the constraints demand."""


@dataclass
class ColumnContext:
    seed: int
    table_name: str
    table: Table
    name: str
    column: Column
    portable: PortableType
    hints: ColumnHints
    enums: dict[str, list[str]]
    unique: bool = False  # must be distinct in every row
    entity_unique: bool = False  # the table's identifying text columns are made distinct together
    key_offset: int = 0  # integer keys continue after this
    index_offset: int = 0  # unique values continue after this many rows
    generation: int = 0  # salt for uuids when appending
    capacity_needed: int = 0  # the largest injective index this run will ask for
    disjoint: bool = False  # an exclusion constraint (`WITH &&`): no two rows' values overlap
    notes: list[str] = field(default_factory=list)

    @property
    def lname(self) -> str:
        return self.name.lower()

    @property
    def max_length(self) -> int | None:
        lengths = [n for n in (self.portable.length if self.portable.kind == "varchar" else None, self.hints.max_length) if n]
        return min(lengths) if lengths else None


def values_kind(portable: PortableType) -> str:
    kind = portable.kind
    if kind in ("smallint", "integer", "bigint"):
        return "int"
    if kind in ("real", "double"):
        return "float"
    if kind in ("text", "varchar", "enum"):
        return "text"
    if kind in ("timestamp", "timestamptz"):
        return "timestamp"
    return {"numeric": "numeric", "boolean": "bool", "uuid": "uuid", "date": "date", "time": "time",
            "interval": "interval", "json": "json", "array": "array", "bytes": "bytes"}[kind]


class Generator:
    """Base: random values per row; optionally distinct values per distinct integer."""

    kind = "text"
    needs: tuple[str, ...] = ()

    def __init__(self, ctx: ColumnContext):
        self.ctx = ctx
        self.stream = Stream(ctx.seed, ctx.table_name, ctx.name)
        self.kind = values_kind(ctx.portable)

    def generate(self, batch) -> Values:
        raise NotImplementedError

    def domain(self) -> int | None:
        """How many distinct values `injective` can make; 0 when it cannot."""
        return 0

    def injective(self, ix: np.ndarray, batch) -> Values:
        raise GenerationError(f"{self.ctx.table_name}.{self.ctx.name}: cannot make distinct values of this column")

    def describe(self) -> str:
        return type(self).__name__.removesuffix("Gen").lower()


# --- vocabularies ------------------------------------------------------------------------------


@lru_cache(maxsize=512)
def _prepared_pool(pool_name: str, max_length: int | None, case: str | None, min_length: int, reserve: int) -> tuple:
    """A pool transformed for a column: cased, cut to length (leaving `reserve` for a suffix), deduplicated."""
    values = _pool(pool_name)
    out, seen = [], set()
    limit = None if max_length is None else max_length - reserve
    for value in values:
        if case == "lower":
            value = value.lower()
        elif case == "upper":
            value = value.upper()
        if limit is not None:
            if limit < 1:
                break
            value = value[:limit].rstrip() or value[:limit]
        if len(value) < min_length:
            continue
        key = value.lower()
        if key not in seen:
            seen.add(key)
            out.append(value)
    return tuple(out)


def _pool(name: str) -> list[str]:
    p = pools()
    if name == "person":
        return [f"{first} {last}" for first, last in zip(p.first_names * 2, p.last_names)]
    if name == "slugs":
        return [slugify(c) for c in p.companies]
    if name == "cities":
        return [place[0] for place in p.places]
    if name == "words":
        return p.words
    if name == "licences":
        return LICENCES
    if name == "categories":
        return CATEGORIES
    if name == "statuses":
        return STATUS_WORDS
    if name == "sources":
        return SOURCES
    if name == "codes":
        return [w.upper()[:3] + "-" + str(100 + i) for i, w in enumerate(p.words)]
    return getattr(p, name)


@lru_cache(maxsize=512)
def _vocab(pool_name: str, max_length: int | None, case: str | None, min_length: int) -> Vocab:
    return Vocab(list(_prepared_pool(pool_name, max_length, case, min_length, 0)))


class VocabGen(Generator):
    """Text picked from a pool; distinct values add a numeric suffix once the pool is used up."""

    separator = " "

    def __init__(self, ctx: ColumnContext, pool: str, separator: str | None = None):
        super().__init__(ctx)
        self.pool = pool
        if separator is not None:
            self.separator = separator
        hints = ctx.hints
        self.case = hints.case
        self.min_length = max(hints.min_length or 1, 1)
        self.vocab = _vocab(pool, ctx.max_length, self.case, self.min_length)
        if len(self.vocab) == 0:
            self.vocab = _vocab("codes", ctx.max_length, self.case, 1)
        if len(self.vocab) == 0:
            self.vocab = Vocab(["x" * self.min_length])
        # Identifying columns of one table share the shift, so a row's slug follows its name.
        shift_key = key_of(ctx.seed, ctx.table_name, "<entity>") if ctx.entity_unique else key_of(ctx.seed, ctx.table_name, ctx.name, "shift")
        self.shift = shift_key % max(len(_prepared_pool(pool, None, None, 1, 0)), 1)

    def generate(self, batch) -> Values:
        if self.ctx.entity_unique:
            return self.injective(batch.g, batch)
        codes = self.stream.integers(batch.g, len(self.vocab), batch.salt)
        return Values("text", codes=codes, vocab=self.vocab)

    def domain(self) -> int | None:
        if self.ctx.max_length is not None and self.ctx.max_length < 12:
            return _code_capacity(self.ctx.max_length, self.case)
        return None

    def injective(self, ix: np.ndarray, batch) -> Values:
        needed = max(int(ix.max()) + 1 if len(ix) else 1, self.ctx.capacity_needed)
        base_count = len(_prepared_pool(self.pool, self.ctx.max_length, self.case, self.min_length, 0)) or 1
        rounds = needed // base_count + 2
        reserve = len(self.separator) + len(str(rounds)) if rounds > 1 else 0
        pool = _prepared_pool(self.pool, self.ctx.max_length, self.case, self.min_length, reserve)
        if len(pool) < 2:
            return Values("text", data=_codes_text(ix, self.ctx.max_length or 12, self.case))
        size = len(pool)
        shifted = ix.astype(np.int64) + self.shift
        base = shifted % size
        round_ = shifted // size
        array = np.asarray(pool, dtype=object)[base]
        texts = [b if r == 0 else f"{b}{self.separator}{r + 1}" for b, r in zip(array.tolist(), round_.tolist())]
        return Values("text", data=np.asarray(texts, dtype=object))


def _code_capacity(length: int, case: str | None) -> int:
    alphabet = 26 if case in ("lower", "upper") else 36
    return min(alphabet**length, 1 << 62)


def _codes_text(ix: np.ndarray, length: int, case: str | None) -> np.ndarray:
    """Distinct short codes (base 36, or letters only under a case rule) for tiny varchar columns."""
    alphabet = "abcdefghijklmnopqrstuvwxyz" if case == "lower" else "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if case == "upper" else "0123456789abcdefghijklmnopqrstuvwxyz"
    base = len(alphabet)
    out = []
    for value in ix.tolist():
        digits = []
        for _ in range(min(length, 12)):
            value, digit = divmod(value, base)
            digits.append(alphabet[digit])
            if value == 0 and len(digits) >= 1:
                break
        out.append("".join(reversed(digits)))
    return np.asarray(out, dtype=object)


class ChoiceGen(Generator):
    """One of a fixed list (enum values, IN lists), skewed: a default or a done-like value leads."""

    def __init__(self, ctx: ColumnContext, options: list, weights: list[float] | None = None):
        super().__init__(ctx)
        self.options = list(options)
        self.weights = weights or _choice_weights(ctx, self.options)
        self.cumulative = cumulative(self.weights)
        if self.kind in ("text", "json"):
            self.vocab = Vocab([str(option) for option in self.options])
        else:
            self.vocab = None
        # A status with done-like values follows the row's age when the row has a creation time.
        self.aged = None
        lowered = [str(option).lower() for option in self.options]
        done = [position for position, option in enumerate(lowered) if option in _DONE]
        if ("status" in ctx.lname or "state" in ctx.lname) and done and len(done) < len(self.options):
            created = next((c for c in ("created_at", "created_on", "inserted_at") if c in ctx.table.columns and c != ctx.name), None)
            if created is not None and ctx.table.columns[created].portable_type.kind in ("timestamp", "timestamptz", "date"):
                self.aged = created
                self.needs = (created,)
                self.anchor = int(_anchor().astype(np.int64))
                self.done_positions = np.asarray(done, dtype=np.int64)
                self.open_positions = [position for position in range(len(self.options)) if position not in done]
                self.open_cumulative = cumulative([self.weights[position] for position in self.open_positions])

    def _values(self, codes: np.ndarray) -> Values:
        if self.vocab is not None:
            return Values(self.kind, codes=codes, vocab=self.vocab)
        array = np.asarray(self.options)[codes]
        if self.kind in ("date", "timestamp"):
            return Values(self.kind, data=array.astype("datetime64[us]"), timezone=self.ctx.portable.kind == "timestamptz")
        if self.kind == "numeric":
            return Values("numeric", data=array.astype(np.float64), scale=self.ctx.portable.scale or 0)
        if self.kind == "int":
            return Values("int", data=array.astype(np.int64))
        if self.kind == "float":
            return Values("float", data=array.astype(np.float64))
        if self.kind == "bool":
            return Values("bool", data=array.astype(bool))
        return Values(self.kind, data=np.asarray([str(o) for o in array], dtype=object))

    def generate(self, batch) -> Values:
        if self.aged is not None:
            return self._values(self._by_age(batch))
        return self._values(self.stream.choice(batch.g, self.cumulative, batch.salt))

    def _by_age(self, batch) -> np.ndarray:
        """Status by age: old rows are mostly done, recent ones mostly open."""
        created = batch.get(self.aged)
        age_days = (self.anchor - created.data.astype("datetime64[s]").astype(np.int64)) / float(DAY)
        done_probability = 0.95 * (1.0 - np.exp(-np.maximum(age_days, 0.0) / 30.0))
        done = self.stream.sub("done").uniform(batch.g, batch.salt) < done_probability
        done_codes = self.done_positions[self.stream.sub("which-done").integers(batch.g, len(self.done_positions), batch.salt)]
        open_codes = np.asarray(self.open_positions)[self.stream.choice(batch.g, self.open_cumulative, batch.salt)]
        return np.where(done, done_codes, open_codes)

    def domain(self) -> int | None:
        return len(self.options)

    def injective(self, ix: np.ndarray, batch) -> Values:
        return self._values(ix.astype(np.int64) % len(self.options))


_DONE = {"done", "completed", "complete", "closed", "resolved", "delivered", "finished", "paid", "shipped", "published", "approved"}
_PRIVILEGED = {"owner", "admin", "administrator", "superuser", "root", "moderator"}
_OPEN = {"todo", "open", "new", "pending", "draft", "active", "backlog", "queued"}


def _choice_weights(ctx: ColumnContext, options: list) -> list[float]:
    """Skewed weights: 'done'-like states lead for status columns, a default value leads elsewhere."""
    default = ctx.column.default.value if ctx.column.default is not None and not ctx.column.default.is_expression else None
    weights = [1.0 / (position + 1.5) for position in range(len(options))]
    lowered = [str(option).lower() for option in options]
    if "status" in ctx.lname or "state" in ctx.lname:
        for position, option in enumerate(lowered):
            if option in _DONE:
                weights[position] = 6.0
            elif option in _OPEN:
                weights[position] = 2.0
    elif default is not None and str(default) in [str(o) for o in options]:
        weights[[str(o) for o in options].index(str(default))] = max(weights) * 1.5
    for position, option in enumerate(lowered):
        if option in _PRIVILEGED:
            weights[position] = min(weights) * 0.3
    if "rating" in ctx.lname or "stars" in ctx.lname or "score" in ctx.lname:
        weights = [1.0 + position for position in range(len(options))]
    return weights


# --- people and places ------------------------------------------------------------------------


class PersonGen(Generator):
    """Names and emails of people; with a unique email the row's name matches its address."""

    def __init__(self, ctx: ColumnContext, part: str):
        super().__init__(ctx)
        self.part = part  # full, first, last, email, username
        p = pools()
        self.first = _ascii_names(tuple(p.first_names))
        self.last = _ascii_names(tuple(p.last_names))
        self.domains = p.domains
        limit = ctx.max_length
        if limit is not None:
            # Keep to names short enough that every value fits the column whole.
            rounds = ctx.capacity_needed // max(len(self.first) * len(self.last), 1) + 2
            overhead = {"email": 2 + max(len(d) for d in self.domains), "username": 1, "full": 2, "first": 1, "last": 1}[part]
            overhead += len(str(rounds))
            each = (limit - overhead) // (1 if part in ("first", "last") else 2)
            self.first = [name for name in self.first if len(name) <= each] or self.first[:1]
            self.last = [name for name in self.last if len(name) <= each] or self.last[:1]
            self.domains = [d for d in self.domains if len(d) <= max(limit - 2 * max(each, 1) - 2, 4)] or self.domains[:1]
            self.fits = each >= 2
        if limit is None:
            self.fits = True
        self.person = Stream(ctx.seed, ctx.table_name, "<person>")
        size = len(self.first) * len(self.last)
        self.shift = key_of(ctx.seed, ctx.table_name, "person-shift") % size
        self.permutation = Permutation(size, key_of(ctx.seed, ctx.table_name, "person-perm"))

    def _people(self, batch):
        if self.ctx.entity_unique:
            return self._digits(batch.g)
        first = self.person.sub("first").integers(batch.g, len(self.first), batch.salt)
        last = self.person.sub("last").integers(batch.g, len(self.last), batch.salt)
        return first, last, np.zeros(len(batch.g), dtype=np.int64)

    def _digits(self, ix: np.ndarray):
        size = len(self.first) * len(self.last)
        shifted = ix.astype(np.int64) + self.shift
        combined = self.permutation(shifted % size)
        return combined % len(self.first), combined // len(self.first), shifted // size

    def _render(self, first, last, round_, batch) -> Values:
        f = np.asarray(self.first, dtype=object)[first]
        l_ = np.asarray(self.last, dtype=object)[last]
        part, limit = self.part, self.ctx.max_length
        rounds = round_.tolist()
        if part == "first":
            texts = [a if r == 0 else f"{a} {r + 1}" for a, r in zip(f.tolist(), rounds)]
        elif part == "last":
            texts = [b if r == 0 else f"{b} {r + 1}" for b, r in zip(l_.tolist(), rounds)]
        elif part == "full":
            texts = [f"{a} {b}" if r == 0 else f"{a} {b} {r + 1}" for a, b, r in zip(f.tolist(), l_.tolist(), rounds)]
        else:
            domain_codes = self.person.sub("domain").integers(batch.g, len(self.domains), 0)
            domains = np.asarray(self.domains, dtype=object)[domain_codes].tolist()
            if part == "email":
                texts = [f"{a.lower()}.{b.lower()}{r + 1 if r else ''}@{d}" for a, b, r, d in zip(f.tolist(), l_.tolist(), rounds, domains)]
            else:
                texts = [f"{a.lower()}_{b.lower()}{r + 1 if r else ''}" for a, b, r in zip(f.tolist(), l_.tolist(), rounds)]
        if self.ctx.hints.case == "lower":
            texts = [text.lower() for text in texts]
        elif self.ctx.hints.case == "upper":
            texts = [text.upper() for text in texts]
        if limit is not None and any(len(text) > limit for text in texts):
            if self.ctx.unique or self.ctx.entity_unique:
                raise GenerationError(
                    f"{self.ctx.table_name}.{self.ctx.name}: varchar({limit}) is too short for distinct {self.part} values"
                )
            texts = [text[:limit] for text in texts]
        return Values("text", data=np.asarray(texts, dtype=object))

    def generate(self, batch) -> Values:
        return self._render(*self._people(batch), batch)

    def domain(self) -> int | None:
        return None if self.fits else 0

    def injective(self, ix: np.ndarray, batch) -> Values:
        return self._render(*self._digits(ix), batch)


@lru_cache(maxsize=4)
def _ascii_names(names: tuple[str, ...]) -> list[str]:
    """Names that make clean email addresses, distinct once lower-cased."""
    seen, out = set(), []
    for name in names:
        if re.fullmatch(r"[A-Za-z]+", name) and name.lower() not in seen:
            seen.add(name.lower())
            out.append(name)
    return out


class PlaceGen(Generator):
    """City, country, coordinates and time zone of one real place per row, consistent in the row."""

    def __init__(self, ctx: ColumnContext, part: str):
        super().__init__(ctx)
        self.part = part
        self.places = pools().places
        self.place = Stream(ctx.seed, ctx.table_name, "<place>")
        if part in ("city", "country", "timezone"):
            index = {"city": 0, "country": 1, "timezone": 4}[part]
            raw = [place[index] for place in self.places]
            limit = ctx.max_length
            if limit is not None:
                raw = [text[:limit] for text in raw]
            if ctx.hints.case == "lower":
                raw = [text.lower() for text in raw]
            self.vocab = Vocab(raw)

    def generate(self, batch) -> Values:
        # Places are popular in a skewed way: a few cities have most of the rows.
        u = self.place.uniform(batch.g, 0)
        codes = np.minimum((len(self.places) * u**2.2).astype(np.int64), len(self.places) - 1)
        if self.part in ("city", "country", "timezone"):
            return Values("text", codes=codes, vocab=self.vocab)
        index = 2 if self.part == "latitude" else 3
        centre = np.asarray([place[index] for place in self.places])[codes]
        jitter = self.stream.normal(batch.g, batch.salt) * 0.03
        value = centre + jitter
        bound = 90.0 if self.part == "latitude" else 180.0
        value = np.clip(value, -bound, bound)
        value = _clip_to_hints(value, self.ctx.hints)
        if self.kind == "numeric":
            return Values("numeric", data=np.round(value, self.ctx.portable.scale or 6), scale=self.ctx.portable.scale or 6)
        return Values("float", data=np.round(value, 6))


class AddressGen(Generator):
    def __init__(self, ctx: ColumnContext, pool: str):
        super().__init__(ctx)
        self.vocab = _vocab(pool, ctx.max_length, ctx.hints.case, max(ctx.hints.min_length or 1, 1))

    def generate(self, batch) -> Values:
        return Values("text", codes=self.stream.integers(batch.g, len(self.vocab), batch.salt), vocab=self.vocab)


# --- numbers ---------------------------------------------------------------------------------


def _bounds(ctx: ColumnContext) -> tuple[float | None, float | None]:
    """The closed range CHECKs and the type allow (strict bounds moved one step in)."""
    hints = ctx.hints
    step = _step(ctx)
    low = high = None
    if hints.low is not None and isinstance(hints.low.value, (int, float)):
        low = float(hints.low.value) + (step if hints.low.strict else 0.0)
        if step == 1:
            low = math.ceil(low)
    if hints.high is not None and isinstance(hints.high.value, (int, float)):
        high = float(hints.high.value) - (step if hints.high.strict else 0.0)
        if step == 1:
            high = math.floor(high)
    kind = ctx.portable.kind
    if kind in _INT_RANGES:
        type_low, type_high = _INT_RANGES[kind]
        low = type_low if low is None else max(low, type_low)
        high = type_high if high is None else min(high, type_high)
    if kind == "numeric" and ctx.portable.precision is not None:
        limit = 10 ** (ctx.portable.precision - (ctx.portable.scale or 0)) - 10 ** -(ctx.portable.scale or 0)
        low = -limit if low is None else max(low, -limit)
        high = limit if high is None else min(high, limit)
    return low, high


def _bounds_from_hints(ctx: ColumnContext) -> tuple[float | None, float | None]:
    hints, step = ctx.hints, _step(ctx)
    low = high = None
    if hints.low is not None and isinstance(hints.low.value, (int, float)):
        low = float(hints.low.value) + (step if hints.low.strict else 0.0)
        low = math.ceil(low) if step == 1 else low
    if hints.high is not None and isinstance(hints.high.value, (int, float)):
        high = float(hints.high.value) - (step if hints.high.strict else 0.0)
        high = math.floor(high) if step == 1 else high
    return low, high


def _step(ctx: ColumnContext) -> float:
    kind = ctx.portable.kind
    if kind in _INT_RANGES:
        return 1.0
    if kind == "numeric":
        return 10.0 ** -(ctx.portable.scale or 0)
    return 1e-6


def _clip_to_hints(value: np.ndarray, hints: ColumnHints) -> np.ndarray:
    if hints.low is not None and isinstance(hints.low.value, (int, float)):
        value = np.maximum(value, float(hints.low.value) + (1e-6 if hints.low.strict else 0))
    if hints.high is not None and isinstance(hints.high.value, (int, float)):
        value = np.minimum(value, float(hints.high.value) - (1e-6 if hints.high.strict else 0))
    return value


class NumberGen(Generator):
    """Integers, numerics and floats with a shape by meaning, kept inside the CHECK range."""

    def __init__(self, ctx: ColumnContext, shape: str):
        super().__init__(ctx)
        self.shape = shape  # count, amount, rating, percent, year, small, position, score, generic, age
        self.low, self.high = _bounds(ctx)
        self.scale = ctx.portable.scale if ctx.portable.kind == "numeric" else None
        if ctx.portable.kind == "numeric" and self.scale is None:
            self.scale = 0 if ctx.portable.precision is not None else 2

    def _raw(self, u: np.ndarray, z: np.ndarray) -> np.ndarray:
        shape = self.shape
        if shape == "count":
            return np.floor(np.exp(1.2 * z + 1.0))
        if shape == "amount":
            return np.exp(0.9 * z + 3.3)
        if shape == "rating":
            return u
        if shape == "percent":
            return u * 100.0
        if shape == "year":
            return 1990 + np.floor(u * 36)
        if shape == "age":
            return 18 + np.floor(u**1.4 * 62)
        if shape == "position":
            return np.floor(u * 1000)
        if shape == "score":
            return np.round(40 + 55 * u**0.7, 2)
        if shape == "duration":
            return np.floor(np.exp(1.0 * z + 3.5))
        if shape == "size":
            return np.floor(np.exp(2.0 * z + 9.0))
        return np.floor(np.exp(1.5 * z + 2.0))

    def _shape(self, u: np.ndarray, z: np.ndarray) -> np.ndarray:
        low, high = self.low, self.high
        finite_low = low is not None and low > -1e15
        finite_high = high is not None and high < 1e15
        if finite_low and finite_high and (high - low) <= 1e6 and self.shape in ("rating", "generic", "small", "count", "position", "percent", "score"):
            # Small ranges: spread over the range, skewed to the top for ratings.
            span = high - low
            fraction = u**0.45 if self.shape == "rating" else u
            value = low + fraction * (span + (_step(self.ctx) if _step(self.ctx) == 1 else 0))
            return np.minimum(value, high)
        value = self._raw(u, z)
        if finite_low and finite_high:
            # Outside the range: mirrored back in near the bound it crossed, so the shape by
            # meaning stays (a count of 0 under `> 0` becomes a small count, not a huge one).
            value = np.where(value < low, low + np.minimum(low - value, high - low), value)
            value = np.where(value > high, high - np.minimum(value - high, high - low), value)
        elif finite_low:
            value = np.where(value >= low, value, low + np.abs(value - low) % 1000)
        elif finite_high:
            value = np.where(value <= high, value, high - np.abs(value) % 1000)
        return value

    def to_values(self, value: np.ndarray) -> Values:
        """Raw numbers clamped to the column's bounds and rounded to its kind: the last step of
        every draw, and of the generators that derive their numbers from this one."""
        if self.low is not None:
            value = np.maximum(value, self.low)
        if self.high is not None:
            value = np.minimum(value, self.high)
        if self.kind == "int":
            return Values("int", data=np.floor(value).astype(np.int64))
        if self.kind == "numeric":
            scale = self.scale or 0
            rounded = np.round(value, scale)
            if self.low is not None:
                rounded = np.where(rounded < self.low, rounded + 10.0**-scale, rounded)
            if self.high is not None:
                rounded = np.where(rounded > self.high, rounded - 10.0**-scale, rounded)
            return Values("numeric", data=rounded, scale=scale)
        return Values("float", data=np.round(value, 4))

    def generate(self, batch) -> Values:
        u = self.stream.uniform(batch.g, batch.salt)
        z = self.stream.normal(batch.g, batch.salt)
        return self.to_values(self._shape(u, z))

    def domain(self) -> int | None:
        if self.low is None or self.high is None:
            return None
        count = (self.high - self.low) / _step(self.ctx) + 1
        return int(min(count, 1 << 62))

    def injective(self, ix: np.ndarray, batch) -> Values:
        # Count up from the CHECK's lower bound, else from 1 (positions, sequence numbers).
        hinted_low, _ = _bounds_from_hints(self.ctx)
        low = hinted_low if hinted_low is not None else 1.0
        value = low + ix.astype(np.float64) * _step(self.ctx)
        return self.to_values(value)


class IntegerKeyGen(Generator):
    """Integer keys: 1, 2, 3 … after the largest existing key."""

    def generate(self, batch) -> Values:
        return self.injective(batch.idx, batch)

    def domain(self) -> int | None:
        return None

    def injective(self, ix: np.ndarray, batch) -> Values:
        low, _ = _bounds(self.ctx)
        start = max(self.ctx.key_offset, int(low) - 1 if low is not None and low > 0 else 0)
        return Values("int", data=ix.astype(np.int64) + start + 1)


class UuidGen(Generator):
    """Version-4 uuids from the row index: a child computes its parent's key without storing it."""

    def __init__(self, ctx: ColumnContext):
        super().__init__(ctx)
        self.high = Stream(ctx.seed, ctx.table_name, ctx.name, "uuid-hi", ctx.generation)
        self.low = Stream(ctx.seed, ctx.table_name, ctx.name, "uuid-lo", ctx.generation)

    def _make(self, ix: np.ndarray, salt: int) -> Values:
        high = self.high.bits(ix, salt)
        low = self.low.bits(ix, salt)
        high = (high & np.uint64(0xFFFFFFFFFFFF0FFF)) | np.uint64(0x0000000000004000)
        low = (low & np.uint64(0x3FFFFFFFFFFFFFFF)) | np.uint64(0x8000000000000000)
        return Values("uuid", data=np.stack([high, low], axis=1))

    def generate(self, batch) -> Values:
        return self._make(batch.g, batch.salt)

    def domain(self) -> int | None:
        return None

    def injective(self, ix: np.ndarray, batch) -> Values:
        return self._make(ix, 0)


class BoolGen(Generator):
    def __init__(self, ctx: ColumnContext, probability: float):
        super().__init__(ctx)
        self.probability = probability

    def generate(self, batch) -> Values:
        return Values("bool", data=self.stream.chance(batch.g, self.probability, batch.salt))

    def domain(self) -> int | None:
        return 2

    def injective(self, ix: np.ndarray, batch) -> Values:
        return Values("bool", data=(ix % 2).astype(bool))


# --- time ------------------------------------------------------------------------------------


def _anchor() -> np.datetime64:
    today = np.datetime64(dt.datetime.now(dt.UTC).replace(tzinfo=None), "s")
    return min(ANCHOR, today)


def _seconds(values: Values) -> np.ndarray:
    return values.data.astype("datetime64[s]").astype(np.int64)  # type: ignore[union-attr]


def _time_bounds(ctx: ColumnContext) -> tuple[int | None, int | None]:
    """CHECK bounds on a date/time column as epoch seconds."""
    def seconds(bound, high: bool):
        if bound is None:
            return None
        value = bound.value
        if isinstance(value, dt.datetime):
            result = int(np.datetime64(value, "s").astype(np.int64))
        elif isinstance(value, dt.date):
            result = int(np.datetime64(value, "D").astype("datetime64[s]").astype(np.int64))
        else:
            return None
        step = DAY if ctx.portable.kind == "date" else 1
        if bound.strict:
            result += -step if high else step
        return result
    return seconds(ctx.hints.low, False), seconds(ctx.hints.high, True)


class TimeGen(Generator):
    """Dates and timestamps: histories that end at the anchor, or times derived from another column.

    `base` names a column of the same row this one follows (updated_at after created_at, a due
    date after creation); `direction` -1 puts it before. `parent` takes the base from the group
    parent (a child created after its parent).
    """

    def __init__(self, ctx: ColumnContext, shape: str, base: str | None = None, direction: int = 1, strict: bool = False):
        super().__init__(ctx)
        self.shape = shape  # history, after, due, birth, future, recent, any
        self.base = base
        self.direction = direction
        self.strict = strict
        self.needs = (base,) if base else ()
        self.low, self.high = _time_bounds(ctx)
        self.anchor = int(_anchor().astype(np.int64))

    def _history(self, batch) -> np.ndarray:
        u = self.stream.uniform(batch.g, batch.salt)
        parent = batch.parent_time() if self.shape == "history" else None
        if parent is not None:
            # After the parent's own creation, mostly soon after it.
            start = np.minimum(parent, self.anchor)
            return start + ((self.anchor - start) * u**2.0).astype(np.int64)
        return self.anchor - (HISTORY_DAYS * DAY * (1.0 - np.sqrt(u))).astype(np.int64)

    def _seconds(self, batch) -> np.ndarray:
        shape = self.shape
        g = batch.g
        if self.base is not None:
            base_values = batch.get(self.base)
            base = _seconds(base_values) if base_values.kind in ("date", "timestamp") else None
            if base is not None:
                u = self.stream.uniform(g, batch.salt)
                if shape == "due":
                    days = np.clip(np.exp(0.9 * self.stream.normal(g, batch.salt) + 2.6), 1, 180)
                    delta = (days * DAY).astype(np.int64)
                elif shape == "after":
                    same = self.stream.sub("same").chance(g, 0.35, batch.salt)
                    gap = np.maximum(self.anchor - base, DAY)
                    delta = np.where(same, 0, (gap * u**1.5).astype(np.int64))
                else:
                    delta = (np.exp(1.2 * self.stream.normal(g, batch.salt) + 2.0) * DAY).astype(np.int64)
                if self.strict:
                    delta = np.maximum(delta, DAY if self.ctx.portable.kind == "date" or base_values.kind == "date" else 1)
                value = base + self.direction * delta
                nulls = base_values.nulls
                if nulls is not None and nulls.any():
                    value = np.where(nulls, self._free(batch), value)
                return value
        return self._free(batch)

    def _free(self, batch) -> np.ndarray:
        g, salt = batch.g, batch.salt
        u = self.stream.uniform(g, salt)
        if self.shape == "birth":
            return self.anchor - ((18 + 62 * u) * 365.25 * DAY).astype(np.int64)
        if self.shape in ("due", "future"):
            return self.anchor + ((-60 + 150 * u) * DAY).astype(np.int64)
        if self.shape == "recent":
            return self.anchor - (60 * DAY * u).astype(np.int64)
        if self.shape == "history":
            return self._history(batch)
        return self.anchor - (3 * 365 * DAY * u).astype(np.int64)

    def _finish(self, seconds: np.ndarray) -> Values:
        if self.low is not None:
            seconds = np.maximum(seconds, self.low)
        if self.high is not None:
            seconds = np.minimum(seconds, self.high)
        if self.kind == "date":
            return Values("date", data=(seconds // DAY).astype("datetime64[D]"))
        return Values("timestamp", data=seconds.astype("datetime64[s]").astype("datetime64[us]"),
                      timezone=self.ctx.portable.kind == "timestamptz")

    def generate(self, batch) -> Values:
        return self._finish(self._seconds(batch))

    def domain(self) -> int | None:
        if self.low is not None and self.high is not None:
            step = DAY if self.kind == "date" else 1
            return max((self.high - self.low) // step + 1, 0)
        return 1461 if self.kind == "date" else None

    def injective(self, ix: np.ndarray, batch) -> Values:
        step = DAY if self.kind == "date" else 1
        start = self.high if self.high is not None else self.anchor
        if self.low is not None and self.high is None:
            return self._finish(self.low + ix.astype(np.int64) * step)
        return self._finish(start - ix.astype(np.int64) * step)


class ClockGen(Generator):
    """Times of day (working hours mostly) and intervals."""

    def generate(self, batch) -> Values:
        u = self.stream.uniform(batch.g, batch.salt)
        if self.kind == "time":
            seconds = (7 * 3600 + u * 13 * 3600).astype(np.int64)
            return Values("time", data=seconds * 1_000_000)
        seconds = (np.exp(1.5 * self.stream.normal(batch.g, batch.salt) + 8.0)).astype(np.int64)
        return Values("interval", data=seconds)

    def domain(self) -> int | None:
        return 86400 if self.kind == "time" else None

    def injective(self, ix: np.ndarray, batch) -> Values:
        if self.kind == "time":
            return Values("time", data=(ix.astype(np.int64) % 86400) * 1_000_000)
        return Values("interval", data=ix.astype(np.int64) + 1)


# --- structured text -------------------------------------------------------------------------


class JsonGen(Generator):
    """JSON documents of a plausible shape: the comment's example varied, or a shape by name."""

    def __init__(self, ctx: ColumnContext):
        super().__init__(ctx)
        self.vocab = _json_vocab(ctx.seed, ctx.table_name, ctx.name, ctx.column.comment, ctx.hints.json_type)

    def generate(self, batch) -> Values:
        return Values("json", codes=self.stream.integers(batch.g, len(self.vocab), batch.salt), vocab=self.vocab)


@lru_cache(maxsize=256)
def _json_vocab(seed: int, table: str, column: str, comment: str | None, json_type: str | None = None) -> Vocab:
    rng = np.random.default_rng(key_of(seed, table, column, "json"))
    example = json_example(comment)
    words = pools().words
    lname = column.lower()
    documents = []
    for _ in range(600):
        if json_type == "array" and not isinstance(example, list):
            value = [str(w) for w in rng.choice(words, int(rng.integers(0, 4)), replace=False)]
        elif json_type in ("string", "number", "boolean", "null"):
            value = {"string": str(rng.choice(words)), "number": int(rng.integers(0, 1000)),
                     "boolean": bool(rng.random() < 0.5), "null": None}[json_type]
        elif example is not None:
            value = _vary(example, rng, words)
        elif any(word in lname for word in ("change", "diff", "delta", "patch")):
            field_name = rng.choice(["status", "title", "priority", "due_date", "assignee_id", "description"])
            old, new = rng.choice(words, 2)
            value = {"field": str(field_name), "old": str(old), "new": str(new)}
        elif any(word in lname for word in ("setting", "preference", "config", "option")):
            value = {"theme": str(rng.choice(["light", "dark", "system"])), "notifications": bool(rng.random() < 0.7),
                     "language": str(rng.choice(["en", "de", "fr", "es", "ja"]))}
        elif any(word in lname for word in ("address", "location")):
            place = pools().places[int(rng.integers(len(pools().places)))]
            value = {"city": place[0], "country": place[1], "lat": place[2], "lng": place[3]}
        else:
            value = {"source": str(rng.choice(["web", "mobile", "api", "import"])), "version": int(rng.integers(1, 6)),
                     "tags": [str(w) for w in rng.choice(words, int(rng.integers(0, 4)), replace=False)],
                     "flags": {"beta": bool(rng.random() < 0.2), "verified": bool(rng.random() < 0.6)}}
        documents.append(json.dumps(value, separators=(", ", ": ")))
    return Vocab(documents)


def _vary(example, rng, words):
    """A value of the same shape as `example` with other contents."""
    if isinstance(example, bool):
        return bool(rng.random() < 0.5)
    if isinstance(example, int):
        magnitude = max(abs(example), 1)
        return int(max(0, round(magnitude * float(np.exp(rng.normal(0, 0.8))))))
    if isinstance(example, float):
        return round(abs(example) * float(np.exp(rng.normal(0, 0.6))), 2)
    if isinstance(example, str):
        return str(rng.choice(words)) if len(example) < 30 else " ".join(rng.choice(words, 6))
    if isinstance(example, list):
        if example and all(isinstance(item, str) for item in example):
            options = list(dict.fromkeys(example + ["text", "image", "audio", "video", "code"])) if len(example) < 6 else example
            count = int(rng.integers(1, min(len(options), 4) + 1))
            return [str(item) for item in rng.choice(options, count, replace=False)]
        return [_vary(item, rng, words) for item in example]
    if isinstance(example, dict):
        out = {}
        for key, value in example.items():
            if rng.random() < 0.12 and len(example) > 1:
                continue  # free-form: not every document has every key
            out[key] = _vary(value, rng, words)
        return out
    return example


class ArrayGen(Generator):
    """Arrays (tags and the like): 0-5 elements from a small vocabulary; JSON text on SQLite."""

    def __init__(self, ctx: ColumnContext):
        super().__init__(ctx)
        self.vocab = _array_vocab(ctx.seed, ctx.table_name, ctx.name, str(ctx.portable.element), ctx.column.comment,
                                  tuple(ctx.enums.get(ctx.portable.element.enum or "", [])) if ctx.portable.element.is_enum else ())

    def generate(self, batch) -> Values:
        return Values("array", codes=self.stream.integers(batch.g, len(self.vocab), batch.salt), vocab=self.vocab)


@lru_cache(maxsize=256)
def _array_vocab(seed: int, table: str, column: str, element: str, comment: str | None, enum_values: tuple) -> Vocab:
    rng = np.random.default_rng(key_of(seed, table, column, "array"))
    kind = element.split("(")[0]
    words = list(enum_values) or list_example(comment) or pools().tags
    if list_example(comment):
        words = list(dict.fromkeys(words + pools().tags[:20]))
    raws, copies, sqlites = [], [], []
    for _ in range(500):
        count = int(min(rng.geometric(0.45) - 1, 5))
        if kind in ("smallint", "integer", "bigint"):
            items = [int(x) for x in rng.integers(1, 1000, count)]
        elif kind in ("real", "double", "numeric"):
            items = [round(float(x), 2) for x in rng.random(count) * 100]
        elif kind == "boolean":
            items = [bool(x) for x in rng.random(count) < 0.5]
        elif kind == "uuid":
            items = [f"{int(rng.integers(0, 1 << 62)):016x}{int(rng.integers(0, 1 << 62)):016x}" for _ in range(count)]
            items = [f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}" for h in items]
        elif kind == "date":
            items = [str(np.datetime64("2025-01-01") - int(x)) for x in rng.integers(0, 700, count)]
        else:
            items = [str(x) for x in rng.choice(words, min(count, len(words)), replace=False)]
        raws.append(items)
        copies.append(pg_array_literal(items))
        sqlites.append(json.dumps(items))
    return Vocab(raws, copy_values=copies, sqlite_values=sqlites)


def pg_array_literal(items: list) -> str:
    parts = []
    for item in items:
        if isinstance(item, bool):
            parts.append("t" if item else "f")
        elif isinstance(item, (int, float)):
            parts.append(repr(item))
        else:
            text = str(item)
            if text == "" or re.search(r'[\s{},"\\]', text) or text.upper() == "NULL":
                text = '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
            parts.append(text)
    return "{" + ",".join(parts) + "}"


class BytesGen(Generator):
    def generate(self, batch) -> Values:
        bits = self.stream.bits(batch.g, batch.salt)
        return Values("bytes", data=np.asarray([int(b).to_bytes(8, "little") for b in bits.tolist()], dtype=object))


class HexGen(Generator):
    """Tokens, hashes and secrets: hex text, distinct by construction."""

    def generate(self, batch) -> Values:
        return self.injective(batch.g, batch) if self.ctx.unique else self._make(self.stream.bits(batch.g, batch.salt), batch.g)

    def _make(self, bits: np.ndarray, ix: np.ndarray) -> Values:
        limit = self.ctx.max_length or 64
        second = Stream(self.ctx.seed, self.ctx.table_name, self.ctx.name, "hex2").bits(ix)
        texts = [f"{a:016x}{b:016x}"[:limit] for a, b in zip(bits.tolist(), second.tolist())]
        return Values("text", data=np.asarray(texts, dtype=object))

    def domain(self) -> int | None:
        return None if (self.ctx.max_length or 64) >= 16 else 0

    def injective(self, ix: np.ndarray, batch) -> Values:
        limit = self.ctx.max_length or 64
        permutation = Permutation(1 << 31, key_of(self.ctx.seed, self.ctx.table_name, self.ctx.name))
        mixed = permutation(ix % (1 << 31)) + (ix >> 31 << 31)
        second = self.stream.bits(ix)
        texts = [f"{a:016x}{b:016x}"[:limit] for a, b in zip(mixed.tolist(), second.tolist())]
        return Values("text", data=np.asarray(texts, dtype=object))


class PatternGen(Generator):
    """Text that matches the CHECK's patterns (regex, LIKE, SIMILAR TO, GLOB) by construction.

    The column's meaning comes first: when the generator its name picks already makes only
    matching text (emails under an email regex), it stays. Otherwise strings are generated
    from the pattern itself (rstr's Xeger): a pool of distinct ones for plain columns, one per
    distinct integer for unique ones.
    """

    SAMPLE = 256
    POOL = 4096

    def __init__(self, ctx: ColumnContext, natural: Generator):
        super().__init__(ctx)
        from .patterns import PatternEnumerator, compiled

        self.natural = natural
        self.patterns = tuple(ctx.hints.patterns)
        self.checks = [compiled(regex, ignore_case) for regex, ignore_case in self.patterns]
        self.needs = natural.needs
        self.use_natural = self._natural_fits()
        self._pool: Vocab | None = None
        self.enumerator = None
        if not self.use_natural:
            candidates = [(regex, extra) for regex, _ in self.patterns for extra in (6, 4, 2, 1, 0)]
            for regex, extra in candidates:
                try:
                    enumerator = PatternEnumerator(regex, key_of(ctx.seed, ctx.table_name, ctx.name, "pattern"), extra)
                    sample = [enumerator.text(index) for index in range(min(enumerator.capacity, 16))]
                except Exception:  # noqa: BLE001 - a construct the generator cannot follow
                    continue
                if sample and all(self._accept(text) for text in sample):
                    self.enumerator = enumerator
                    break

    def _accept(self, text: str) -> bool:
        hints = self.ctx.hints
        if not all(check.search(text) for check in self.checks):
            return False
        if self.ctx.max_length is not None and len(text) > self.ctx.max_length:
            return False
        if hints.min_length is not None and len(text) < hints.min_length:
            return False
        if hints.case == "lower" and text != text.lower() or hints.case == "upper" and text != text.upper():
            return False
        return text not in hints.excluded

    def _natural_fits(self) -> bool:
        ctx = self.ctx
        try:
            probe = _Probe(np.arange(self.SAMPLE, dtype=np.int64) + ctx.index_offset)
            values = self.natural.injective(probe.g, probe) if ctx.unique else self.natural.generate(probe)
            texts = values.array()
        except Exception:  # noqa: BLE001 - a generator that needs other columns: judge by the pattern alone
            return False
        return all(isinstance(text, str) and self._accept(text) for text in texts)

    def describe(self) -> str:
        return self.natural.describe() if self.use_natural else "pattern"

    def pool(self) -> Vocab:
        if self._pool is None:
            from .patterns import pattern_pool

            texts = pattern_pool(self.patterns, key_of(self.ctx.seed, self.ctx.table_name, self.ctx.name, "pattern-pool"),
                                 self.POOL, self._accept)
            if not texts and self.enumerator is not None:
                texts = [self.enumerator.text(index) for index in range(min(self.enumerator.capacity, self.POOL))]
            if not texts:
                raise GenerationError(
                    f"{self.ctx.table_name}.{self.ctx.name}: no text matching "
                    + " and ".join(repr(regex) for regex, _ in self.patterns) + " could be generated within its other rules")
            self._pool = Vocab(texts)
        return self._pool

    def generate(self, batch) -> Values:
        if self.use_natural:
            return self.natural.generate(batch)
        if self.ctx.unique or self.ctx.entity_unique:
            return self.injective(batch.g, batch)
        pool = self.pool()
        return Values("text", codes=self.stream.integers(batch.g, len(pool), batch.salt), vocab=pool)

    def domain(self) -> int | None:
        if self.use_natural:
            return self.natural.domain()
        if self.enumerator is None:
            return 0
        return None if self.enumerator.capacity >= (1 << 62) else self.enumerator.capacity

    def injective(self, ix: np.ndarray, batch) -> Values:
        if self.use_natural:
            return self.natural.injective(ix, batch)
        if self.enumerator is None:
            return super().injective(ix, batch)
        return Values("text", data=np.asarray([self.enumerator.text(index) for index in ix.tolist()], dtype=object))


def _native_name(ctx: ColumnContext) -> str:
    native = (ctx.portable.native or "").lower().strip().strip('"')
    native = native.rsplit(".", 1)[-1].strip('"')
    return native.split("(")[0].strip()


def _literal_rows(name: str, ix: np.ndarray, u: np.ndarray, dimensions: int = 3) -> list[str]:
    """Literals of PostgreSQL's own types, one per row: `ix` distinct integers, `u` in [0, 1)."""
    out = []
    base = np.datetime64("2025-01-01T00:00:00", "s")
    for i, r in zip(ix.tolist(), u.tolist()):
        small = int(r * 1000)
        if name == "circle":
            out.append(f"<({i * 10},{small % 97}),{1 + small % 4}>")
        elif name == "point":
            out.append(f"({i * 0.5:.1f},{r * 100:.2f})")
        elif name == "box":
            out.append(f"(({i * 10 + 5},{5 + small % 4}),({i * 10},{small % 4}))")
        elif name == "lseg":
            out.append(f"[({i * 10},0),({i * 10 + 3},{small % 9})]")
        elif name == "line":
            out.append(f"{{{1 + small % 5},-1,{i}}}")
        elif name == "path":
            out.append(f"(({i * 10},0),({i * 10 + 2},{small % 7}),({i * 10 + 4},0))")
        elif name == "polygon":
            out.append(f"(({i * 10},0),({i * 10 + 2},{1 + small % 7}),({i * 10 + 4},0))")
        elif name in ("inet", "cidr"):
            address = f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}"
            out.append(address + ("/32" if name == "cidr" else ""))
        elif name in ("macaddr", "macaddr8"):
            parts = [(i >> shift) & 255 for shift in (40, 32, 24, 16, 8, 0)] + ([0, 1] if name == "macaddr8" else [])
            out.append(":".join(f"{part:02x}" for part in parts))
        elif name in ("int4range", "int8range", "numrange"):
            out.append(f"[{i * 10},{i * 10 + 1 + small % 9})")
        elif name in ("tsrange", "tstzrange", "daterange"):
            start = base + np.timedelta64(i * 3600 if name != "daterange" else i * 2 * 86400, "s")
            end = start + np.timedelta64(600 + small * 3 if name != "daterange" else 86400, "s")
            fmt = (lambda t: str(t.astype("datetime64[D]"))) if name == "daterange" else (lambda t: str(t).replace("T", " ") + ("+00" if name == "tstzrange" else ""))
            out.append(f"[{fmt(start)},{fmt(end)})")
        elif name == "hstore":
            out.append(f'"theme"=>"{("light", "dark", "system")[small % 3]}", "version"=>"{1 + small % 9}"')
        elif name == "tsvector":
            words = pools().words
            out.append(" ".join(sorted({words[(i * 7 + k * 13 + small) % len(words)].split()[0].lower().replace("'", "") for k in range(3)})))
        elif name == "tsquery":
            words = pools().words
            out.append(words[(i + small) % len(words)].split()[0].lower().replace("'", "") + " & " + words[(i * 3 + 1) % len(words)].split()[0].lower().replace("'", ""))
        elif name == "money":
            out.append(f"{r * 1000:.2f}")
        elif name in ("bit", "varbit", "bit varying"):
            out.append(format(i & 1, "b"))
        elif name == "xml":
            out.append(f"<item id=\"{i}\"/>")
        elif name == "vector":
            out.append("[" + ",".join(f"{((i * 2654435761 + k * 40503 + small) % 2000) / 1000 - 1:.3f}" for k in range(dimensions)) + "]")
        elif name == "ltree":
            out.append(f"top.n{i}")
        else:  # pragma: no cover - handles() lists the names
            out.append(str(i))
    return out


class NativeGen(Generator):
    """PostgreSQL's own types the portable model keeps as text (geometry, network, ranges,
    hstore, text search, …): valid literals; disjoint ones under an exclusion constraint."""

    NAMES = {"circle", "point", "box", "lseg", "line", "path", "polygon", "inet", "cidr", "macaddr", "macaddr8",
             "int4range", "int8range", "numrange", "tsrange", "tstzrange", "daterange", "hstore", "tsvector", "tsquery",
             "money", "bit", "varbit", "bit varying", "xml", "ltree", "vector"}

    @classmethod
    def handles(cls, ctx: ColumnContext) -> bool:
        return _native_name(ctx) in cls.NAMES and not ctx.portable.is_array

    def __init__(self, ctx: ColumnContext):
        super().__init__(ctx)
        self.name = _native_name(ctx)
        self.kind = "text"
        size = re.search(r"\((\d+)\)", ctx.portable.native or "")
        self.dimensions = int(size.group(1)) if size else 3
        if self.name == "hstore":
            # One vocabulary, two spellings: hstore text on PostgreSQL, JSON where hstore becomes JSON.
            themes = [(theme, version) for theme in ("light", "dark", "system") for version in range(1, 10)]
            self.vocab = Vocab([f'"theme"=>"{t}", "version"=>"{v}"' for t, v in themes],
                               sqlite_values=[json.dumps({"theme": t, "version": str(v)}) for t, v in themes])

    def generate(self, batch) -> Values:
        if self.name == "hstore":
            return Values("text", codes=self.stream.integers(batch.g, len(self.vocab), batch.salt), vocab=self.vocab)
        if self.ctx.disjoint or self.ctx.unique:
            return self.injective(batch.g, batch)
        ix = self.stream.integers(batch.g, 100_000, batch.salt)
        u = self.stream.sub("u").uniform(batch.g, batch.salt)
        return Values("text", data=np.asarray(_literal_rows(self.name, ix, u, self.dimensions), dtype=object))

    def domain(self) -> int | None:
        return 2 if self.name in ("bit",) else 0 if self.name == "hstore" else None

    def injective(self, ix: np.ndarray, batch) -> Values:
        u = self.stream.sub("u").uniform(ix)
        return Values("text", data=np.asarray(_literal_rows(self.name, ix.astype(np.int64), u, self.dimensions), dtype=object))


class _Probe:
    """A stand-in batch of rows for trying a generator out (no other columns, no parents)."""

    def __init__(self, g: np.ndarray):
        self.idx = self.g = g
        self.salt = 0
        self.size = len(g)

    def get(self, column: str):
        raise GenerationError(f"{column}: not available while probing")

    def parent_time(self):
        return None


# --- choosing by meaning -----------------------------------------------------------------------

_PERSON_TABLES = re.compile(r"(user|people|person|customer|author|member|employee|student|teacher|agent|driver|contact|"
                            r"client|patient|staff|reviewer|owner|player|subscriber|account|guest|instructor|volunteer)", re.IGNORECASE)
_ORG_TABLES = re.compile(r"(organi[sz]ation|compan|vendor|supplier|brand|publisher|team|tenant|workspace|lab|studio|firm|"
                         r"agenc|partner|merchant|store|shop)", re.IGNORECASE)
_PLACE_TABLES = re.compile(r"(spot|venue|restaurant|place|location|site|branch|hotel|office|warehouse|depot|station)", re.IGNORECASE)
_TAG_TABLES = re.compile(r"(tag|label|categor|topic|genre|keyword|skill)", re.IGNORECASE)
_PRODUCT_TABLES = re.compile(r"(model|release|version|product|package|plugin|app|benchmark|dataset|course|recipe|game|service|plan)", re.IGNORECASE)
_TIME_AFTER = re.compile(r"^(updated|modified|edited|deleted|archived|closed|completed|resolved|finished|ended|"
                         r"cancell?ed|approved|shipped|delivered|paid|last_\w+|read|seen|answered|accepted|done)_(at|on)$")
_MARKDOWN = re.compile(r"(body|content|markdown|text|notes?|message|bio|about)$")


def choose(ctx: ColumnContext, sibling_names: set[str]) -> Generator:
    """The generator for a column, by type first and then by what its name says; a column a
    CHECK holds to a pattern gets text made from the pattern unless its meaning already fits."""
    generator = _choose(ctx, sibling_names)
    if ctx.hints.patterns and ctx.portable.kind in ("text", "varchar") and ctx.hints.allowed is None:
        return PatternGen(ctx, generator)
    return generator


def _choose(ctx: ColumnContext, sibling_names: set[str]) -> Generator:
    portable, name, hints = ctx.portable, ctx.lname, ctx.hints
    kind = portable.kind
    if NativeGen.handles(ctx) and hints.allowed is None:
        return NativeGen(ctx)
    if hints.allowed is not None and hints.allowed:
        return ChoiceGen(ctx, [value for value in hints.allowed if value not in hints.excluded] or hints.allowed)
    if portable.is_enum:
        values = [value for value in ctx.enums.get(portable.enum or "", []) if value not in hints.excluded]
        return ChoiceGen(ctx, values or ctx.enums.get(portable.enum or "", ["?"]))
    if portable.is_array:
        return ArrayGen(ctx)
    if kind == "uuid":
        return UuidGen(ctx)
    if kind == "boolean":
        probability = 0.5
        if re.search(r"(active|enabled|visible|public|published|verified|available|confirmed)", name):
            probability = 0.8
        if re.search(r"(deleted|archived|banned|blocked|disabled|hidden|spam|admin|locked)", name):
            probability = 0.08
        default = ctx.column.default
        if default is not None and not default.is_expression and isinstance(default.value, bool):
            probability = 0.75 if default.value else 0.25
        return BoolGen(ctx, probability)
    if kind in ("date", "timestamp", "timestamptz"):
        return _time_generator(ctx, sibling_names)
    if kind in ("time", "interval"):
        return ClockGen(ctx)
    if kind == "json":
        return JsonGen(ctx)
    if kind == "bytes":
        return BytesGen(ctx)
    if kind in ("smallint", "integer", "bigint", "numeric", "real", "double"):
        return _number_generator(ctx)
    return _text_generator(ctx)


def _time_generator(ctx: ColumnContext, siblings: set[str]) -> Generator:
    name = ctx.lname
    created = next((s for s in ("created_at", "created_on", "inserted_at", "createdat") if s in siblings and s != name), None)
    if name in ("created_at", "created_on", "inserted_at", "registered_at", "signed_up_at", "joined_at", "createdat"):
        return TimeGen(ctx, "history")
    if _TIME_AFTER.match(name) and created:
        return TimeGen(ctx, "after", base=created)
    if re.search(r"(due|deadline|expires|expiry|ends?_(at|on)|until|valid_to)", name):
        return TimeGen(ctx, "due", base=created) if created else TimeGen(ctx, "due")
    if re.search(r"(birth|dob|born)", name):
        return TimeGen(ctx, "birth")
    if re.search(r"(start|scheduled|planned|begins)", name):
        return TimeGen(ctx, "future")
    return TimeGen(ctx, "any")


def _number_generator(ctx: ColumnContext) -> Generator:
    name = ctx.lname
    if name in ("latitude", "lat"):
        return PlaceGen(ctx, "latitude")
    if name in ("longitude", "lng", "lon", "long"):
        return PlaceGen(ctx, "longitude")
    shape = "generic"
    if re.search(r"(price|amount|cost|total|fee|salary|balance|revenue|budget|subtotal|tax|discount|wage)", name):
        shape = "amount"
    elif re.search(r"(rating|stars|grade)", name):
        shape = "rating"
    elif re.search(r"(score|accuracy)", name):
        shape = "score"
    elif re.search(r"(percent|pct|ratio|rate)$", name):
        shape = "percent"
    elif re.search(r"(quantity|qty|count|number_of|num_|stock|seats|capacity|attempts|views|likes|votes)", name):
        shape = "count"
    elif re.search(r"(year)", name):
        shape = "year"
    elif re.search(r"(^age$|_age$)", name):
        shape = "age"
    elif re.search(r"(position|sort|order|rank|index|sequence|priority)", name):
        shape = "position"
    elif re.search(r"(duration|minutes|seconds|hours|elapsed)", name):
        shape = "duration"
    elif re.search(r"(size|bytes|length|weight|height|width|distance)", name):
        shape = "size"
    return NumberGen(ctx, shape)


def _text_generator(ctx: ColumnContext) -> Generator:
    name, table = ctx.lname, ctx.table_name.lower()
    if re.search(r"e_?mail", name):
        return PersonGen(ctx, "email")
    if re.search(r"(user_?name|login|handle|nickname|screen_name)", name):
        return PersonGen(ctx, "username")
    if name in ("first_name", "given_name", "firstname", "forename"):
        return PersonGen(ctx, "first")
    if name in ("last_name", "family_name", "surname", "lastname"):
        return PersonGen(ctx, "last")
    if re.search(r"(author|reviewer|owner|assignee|reporter|contact|mentioned_by|reported_by|full_name|display_name|"
                 r"person|speaker|customer_name|recipient|sender)", name) or (
            name == "name" and _PERSON_TABLES.search(table)):
        return PersonGen(ctx, "full")
    if name in ("city", "town", "municipality"):
        return PlaceGen(ctx, "city")
    if name in ("country", "country_code", "nation"):
        return PlaceGen(ctx, "country") if (ctx.max_length or 99) >= 2 else VocabGen(ctx, "countries")
    if name in ("timezone", "time_zone", "tz"):
        return PlaceGen(ctx, "timezone")
    if re.search(r"(address|street)", name):
        return AddressGen(ctx, "streets")
    if re.search(r"(post_?code|zip)", name):
        return AddressGen(ctx, "postcodes")
    if name in ("state", "province", "region"):
        return AddressGen(ctx, "states")
    if re.search(r"(phone|mobile|fax)", name):
        return AddressGen(ctx, "phones")
    if re.search(r"(url|website|homepage|link|href|avatar|image|photo|picture|logo|icon)", name):
        return VocabGen(ctx, "urls", separator="?v=")
    if "slug" in name:
        return VocabGen(ctx, "slugs", separator="-")
    if re.search(r"(token|hash|secret|password|digest|checksum|api_key|nonce|salt|fingerprint)", name):
        return HexGen(ctx)
    if re.search(r"(colou?r)", name):
        return VocabGen(ctx, "colors")
    if re.search(r"(job|occupation|profession|role_title)", name):
        return VocabGen(ctx, "jobs")
    if re.search(r"(licen[cs]e)", name):
        return VocabGen(ctx, "licences")
    if re.search(r"(category|genre|kind|type)$", name):
        return VocabGen(ctx, "categories")
    if re.search(r"(status|state)$", name):
        return VocabGen(ctx, "statuses")
    if name in ("source", "channel", "origin", "platform"):
        return VocabGen(ctx, "sources")
    if re.search(r"(code|sku|reference|ref|number|serial|plate)$", name):
        return VocabGen(ctx, "codes", separator="-")
    if re.search(r"(user_agent)", name):
        return AddressGen(ctx, "user_agents")
    if name in ("title", "subject", "headline", "summary"):
        return VocabGen(ctx, "titles")
    comment = (ctx.column.comment or "").lower()
    long_text = ctx.max_length is None or ctx.max_length > 200
    if long_text and ("markdown" in comment or (_MARKDOWN.search(name) and name not in ("text",))):
        return VocabGen(ctx, "markdown" if ("markdown" in comment or name in ("body", "content", "markdown")) else "paragraphs")
    if long_text and re.search(r"(description|details|comment|summary|abstract|review|feedback|reason|caption|note|bio)", name):
        return VocabGen(ctx, "sentences" if "caption" in name else "paragraphs")
    if "caption" in name or "description" in name:
        return VocabGen(ctx, "sentences")
    if name in ("name", "label", "display", "title") or name.endswith("_name"):
        if _TAG_TABLES.search(table):
            return VocabGen(ctx, "tags")
        if _ORG_TABLES.search(table) or re.search(r"(company|organi[sz]ation|vendor|brand|publisher)", name):
            return VocabGen(ctx, "companies")
        if _PLACE_TABLES.search(table):
            return VocabGen(ctx, "companies")
        if _PRODUCT_TABLES.search(table):
            return VocabGen(ctx, "product_names")
        return VocabGen(ctx, "phrases")
    if long_text:
        return VocabGen(ctx, "sentences")
    return VocabGen(ctx, "words")
