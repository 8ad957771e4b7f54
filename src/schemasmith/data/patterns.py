"""Text that matches a CHECK's pattern by construction: regular expressions, LIKE, SIMILAR TO, GLOB.

Every pattern shape a CHECK can use is first written as one Python regular expression
(`like_regex`, `similar_regex`, `glob_regex`, `posix_regex`); strings are then generated from
it by `rstr`'s Xeger (a regex-to-string generator from the registry), driven by our own
seeded random source, so a seed always gives the same text:

- `pattern_pool` draws a vocabulary of distinct matching strings once per column; rows pick
  codes into it (vectorized, as the other vocabularies);
- `PatternEnumerator` turns distinct integers into distinct matching strings (unique columns):
  Xeger's choices are read as the digits of the integer, so each integer below the pattern's
  capacity takes its own path through the expression.
"""

from __future__ import annotations

import math
import random
import re
from functools import lru_cache

#: Upper bound of repeats drawn for `*`, `+` and `{n,}`, beyond the minimum.
OPEN_REPEAT = 8
_HUGE = 1 << 62


# --- pattern shapes as Python regular expressions -----------------------------------------------


def posix_regex(pattern: str) -> str:
    """A PostgreSQL (ARE/POSIX) regular expression as a Python one: bracket classes, word boundaries."""
    classes = {"alpha": "A-Za-z", "digit": "0-9", "alnum": "A-Za-z0-9", "upper": "A-Z", "lower": "a-z",
               "space": r" \t\n\r\f\v", "xdigit": "0-9A-Fa-f", "punct": r"!-/:-@\[-`{-~", "word": r"\w",
               "blank": r" \t", "cntrl": r"\x00-\x1f", "print": r" -~", "graph": r"!-~"}
    for name, members in classes.items():
        pattern = pattern.replace(f"[[:{name}:]]", f"[{members}]").replace(f"[:{name}:]", members)
    # ARE's word boundaries: \m (start), \M (end), \y (either), \Y (not one).
    return pattern.replace(r"\m", r"\b").replace(r"\M", r"\b").replace(r"\y", r"\b").replace(r"\Y", r"\B")


def like_regex(pattern: str, escape: str = "\\") -> str:
    """LIKE's `%` and `_` (with its escape character) as an anchored regular expression."""
    out, position = [], 0
    while position < len(pattern):
        char = pattern[position]
        if escape and char == escape and position + 1 < len(pattern):
            out.append(re.escape(pattern[position + 1]))
            position += 2
            continue
        out.append(".*" if char == "%" else "." if char == "_" else re.escape(char))
        position += 1
    return "^(?:" + "".join(out) + ")$"


def similar_regex(pattern: str, escape: str = "\\") -> str:
    """SIMILAR TO (SQL's regular expressions: `%`, `_`, `|`, `*`, `+`, `?`, `{m,n}`, `( )`, `[ ]`), anchored."""
    out, position, in_class = [], 0, False
    while position < len(pattern):
        char = pattern[position]
        if escape and char == escape and position + 1 < len(pattern):
            out.append(re.escape(pattern[position + 1]))
            position += 2
            continue
        if in_class:
            out.append(char)
            in_class = char != "]"
        elif char == "[":
            out.append(char)
            in_class = True
        elif char == "%":
            out.append(".*")
        elif char == "_":
            out.append(".")
        elif char in "|*+?{}()":
            out.append(char)
        elif char == "." or char in "^$\\":
            out.append(re.escape(char))
        else:
            out.append(re.escape(char))
        position += 1
    return "^(?:" + "".join(out) + ")$"


def glob_regex(pattern: str) -> str:
    """SQLite's GLOB (`*`, `?`, `[...]`, `[^...]`, case-sensitive, whole string) as a regular expression."""
    out, position = [], 0
    while position < len(pattern):
        char = pattern[position]
        if char == "*":
            out.append(".*")
        elif char == "?":
            out.append(".")
        elif char == "[":
            end = pattern.find("]", position + 2)
            if end < 0:
                out.append(re.escape(char))
            else:
                body = pattern[position + 1:end]
                negated = body.startswith("^")
                body = body[1:] if negated else body
                out.append("[" + ("^" if negated else "") + body.replace("\\", "\\\\") + "]")
                position = end
        else:
            out.append(re.escape(char))
        position += 1
    return "^(?:" + "".join(out) + ")$"


@lru_cache(maxsize=1024)
def compiled(regex: str, ignore_case: bool = False) -> re.Pattern:
    return re.compile(regex, re.DOTALL | (re.IGNORECASE if ignore_case else 0))


# --- generating strings ---------------------------------------------------------------------


@lru_cache(maxsize=1)
def _xeger_class():
    from rstr.xeger import Xeger

    class BoundedXeger(Xeger):
        """Xeger with open repeats (`*`, `+`, `{n,}`) drawn between n and n + OPEN_REPEAT."""

        def _handle_repeat(self, start_range, end_range, value):  # noqa: ANN001 - rstr's own signature
            end_range = min(end_range, start_range + OPEN_REPEAT)
            return super()._handle_repeat(start_range, end_range, value)

        def generate(self, parsed, source) -> str:
            """One string of the parsed pattern, its choices drawn from `source` (a Random or digits)."""
            self._random = source
            result = self._build_string(parsed)
            self._cache.clear()
            return result

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            # `.` (and LIKE's `%`, `_`) matches anything; letters and digits read better and match too.
            self._cases = dict(self._cases)
            self._cases["any"] = lambda _: self._random.choice(_READABLE)

    return BoundedXeger


_READABLE = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


class _Digits:
    """A stand-in for `random.Random` whose choices are the mixed-radix digits of one integer.

    Repeat counts are fixed (`extra` above each repeat's minimum, within its maximum), so every
    integer takes a path of the same shape and distinct integers give distinct strings.
    """

    def __init__(self, number: int, extra: int):
        self.number = number
        self.extra = extra
        self.capacity = 1

    def _digit(self, radix: int) -> int:
        if radix <= 1:
            return 0
        self.capacity = min(self.capacity * radix, _HUGE)
        self.number, digit = divmod(self.number, radix)
        return digit

    def choice(self, sequence):
        return sequence[self._digit(len(sequence))]

    def randint(self, low: int, high: int) -> int:
        return min(high, low + self.extra)

    def shuffle(self, items) -> None:  # pragma: no cover - Xeger does not shuffle
        return None

    def random(self) -> float:  # pragma: no cover - Xeger does not ask
        return 0.0


class PatternEnumerator:
    """Distinct integers → distinct strings of one pattern (below `capacity`)."""

    def __init__(self, regex: str, key: int, extra: int = 4):
        self.regex = regex
        self.extra = extra
        self.parsed = _parse(regex)
        self.xeger = _xeger_class()(random.Random(0))
        probe = _Digits(0, extra)
        self.xeger.generate(self.parsed, probe)
        self.capacity = probe.capacity
        self.a = _coprime(key % max(self.capacity - 1, 1) + 1, self.capacity)
        self.b = (key >> 13) % self.capacity

    def text(self, index: int) -> str:
        digits = _Digits((self.a * index + self.b) % self.capacity if index < self.capacity else index, self.extra)
        return self.xeger.generate(self.parsed, digits)


def _coprime(a: int, n: int) -> int:
    if n <= 2:
        return 1
    while math.gcd(a, n) != 1:
        a += 1
    return a


@lru_cache(maxsize=256)
def _parse(regex: str):
    try:
        import re._parser as sre_parse  # type: ignore[import-not-found]
    except ImportError:  # pragma: no cover - Python < 3.11
        import sre_parse  # type: ignore[no-redef]
    return sre_parse.parse(regex)


def generate_one(regex: str, rng: random.Random) -> str:
    return _xeger_class()(rng).generate(_parse(regex), rng)


def pattern_pool(regexes: tuple[tuple[str, bool], ...], key: int, size: int, accept) -> list[str]:
    """Up to `size` distinct strings matching every pattern of `regexes` ((regex, ignore case)) and `accept`.

    Drawn from each pattern in turn (the first that yields matches is kept), so a column with
    a pattern and a length rule gets strings that satisfy both.
    """
    rng = random.Random(key)
    checks = [compiled(regex, ignore_case) for regex, ignore_case in regexes]
    found: dict[str, None] = {}
    for regex, _ in regexes:
        attempts = 0
        limit = size * 8 + 200
        while len(found) < size and attempts < limit:
            attempts += 1
            try:
                text = generate_one(regex, rng)
            except Exception:  # noqa: BLE001 - a construct Xeger cannot generate: try the next pattern
                break
            if all(check.search(text) for check in checks) and accept(text):
                found.setdefault(text)
            elif attempts > 200 and not found:
                break
        if found:
            break
    return list(found)
