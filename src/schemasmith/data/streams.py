"""Counter-based randomness: the random bits of row i are a hash of (stream key, i, salt).

Nothing is drawn sequentially, so a value can be recomputed for any row index at any time (a
child computing its parent's key, a rejected row drawn again with another salt) and the result
does not depend on chunk sizes. SplitMix64's finalizer does the mixing, vectorized with numpy.
"""

from __future__ import annotations

import hashlib
import math

import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)
_TO_UNIT = 1.0 / float(1 << 53)


def key_of(*parts: object) -> int:
    """A 64-bit stream key from any parts (seed, table, column, purpose)."""
    digest = hashlib.blake2b("\x1f".join(str(part) for part in parts).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little")


def mix(values: np.ndarray) -> np.ndarray:
    """SplitMix64's finalizer over a uint64 array (wrapping arithmetic)."""
    z = values + _GOLDEN
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


class Stream:
    """Random values per row index for one purpose (one key)."""

    __slots__ = ("key",)

    def __init__(self, *parts: object):
        self.key = key_of(*parts)

    def sub(self, *parts: object) -> Stream:
        stream = Stream.__new__(Stream)
        stream.key = key_of(self.key, *parts)
        return stream

    def bits(self, index: np.ndarray, salt: int = 0) -> np.ndarray:
        key = self.key if not salt else key_of(self.key, "salt", salt)
        with np.errstate(over="ignore"):
            return mix(mix(index.astype(np.uint64, copy=False) ^ np.uint64(key)))

    def uniform(self, index: np.ndarray, salt: int = 0) -> np.ndarray:
        """Floats in [0, 1)."""
        return (self.bits(index, salt) >> _S11).astype(np.float64) * _TO_UNIT

    def integers(self, index: np.ndarray, count: int, salt: int = 0) -> np.ndarray:
        """Integers in [0, count)."""
        if count <= 0:
            raise ValueError("integers() needs a positive count")
        return np.minimum((self.uniform(index, salt) * count).astype(np.int64), count - 1)

    def normal(self, index: np.ndarray, salt: int = 0) -> np.ndarray:
        """Standard normal values (Box-Muller from two sub-streams)."""
        u1 = 1.0 - self.sub("n1").uniform(index, salt)  # (0, 1]
        u2 = self.sub("n2").uniform(index, salt)
        return np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * math.pi * u2)

    def chance(self, index: np.ndarray, probability: float, salt: int = 0) -> np.ndarray:
        """Booleans, true with `probability`."""
        if probability <= 0:
            return np.zeros(len(index), dtype=bool)
        if probability >= 1:
            return np.ones(len(index), dtype=bool)
        return self.uniform(index, salt) < probability

    def choice(self, index: np.ndarray, cumulative: np.ndarray, salt: int = 0) -> np.ndarray:
        """Indices into weighted options; `cumulative` is the normalized cumulative weight."""
        return np.minimum(np.searchsorted(cumulative, self.uniform(index, salt), side="right"), len(cumulative) - 1)


def cumulative(weights) -> np.ndarray:
    weights = np.asarray(weights, dtype=np.float64)
    total = weights.sum()
    if total <= 0:
        weights = np.ones(len(weights))
        total = float(len(weights))
    return np.cumsum(weights) / total


class Permutation:
    """An affine bijection of [0, n): x -> (a*x + b) mod n, with a coprime to n."""

    __slots__ = ("a", "b", "n")

    def __init__(self, n: int, key: int):
        self.n = max(int(n), 1)
        if self.n <= 2 or self.n > (1 << 31):
            self.a = 1  # a*x must stay below 2**63; large domains are only shifted
        else:
            a = (key % (self.n - 1)) + 1
            while math.gcd(a, self.n) != 1:
                a += 1
                if a >= self.n:
                    a = 1
            self.a = a
        self.b = (key >> 17) % self.n

    def __call__(self, values: np.ndarray) -> np.ndarray:
        values = values.astype(np.int64, copy=False)
        return (values * self.a + self.b) % self.n


def group_permutation(values: np.ndarray, groups: np.ndarray, domain: int, key: int) -> np.ndarray:
    """A bijection of [0, domain) per group: distinct outputs for distinct `values` in a group."""
    if domain <= 1:
        return np.zeros(len(values), dtype=np.int64)
    g = groups.astype(np.uint64, copy=False)
    with np.errstate(over="ignore"):
        h = mix(g ^ np.uint64(key))
    offset = (h % np.uint64(domain)).astype(np.int64)
    if domain > (1 << 31):
        return (values.astype(np.int64) + offset) % domain
    # A stride coprime to the domain: pick from a short list of primes not dividing it.
    strides = [p for p in _PRIMES if domain % p != 0][:16] or [1]
    stride_choice = np.asarray(strides, dtype=np.int64)[(h >> np.uint64(32)).astype(np.int64) % len(strides)]
    stride_choice = stride_choice % domain
    stride_choice[stride_choice == 0] = 1
    return (values.astype(np.int64) * stride_choice + offset) % domain


_PRIMES = [7919, 104729, 1299709, 15485863, 32452843, 49979687, 67867967, 86028121, 104395301, 122949823,
           141650939, 160481183, 179424673, 198491317, 217645177, 236887691, 256203161, 275604541]
