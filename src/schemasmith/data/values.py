"""A column of generated values for a batch of rows, and its two spellings: COPY text, SQLite values.

Values stay numpy arrays until the moment they are written: integers and floats as int64 and
float64, dates as datetime64[D], timestamps as datetime64[us], uuids as two uint64 words, and
text that comes from a vocabulary as codes into it (the vocabulary is escaped for COPY once,
not per row).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_COPY_SPECIAL = ("\\", "\t", "\n", "\r")
COPY_NULL = "\\N"


def copy_escape(text: str) -> str:
    """`text` escaped for PostgreSQL's COPY text format."""
    if "\\" in text:
        text = text.replace("\\", "\\\\")
    if "\t" in text:
        text = text.replace("\t", "\\t")
    if "\n" in text:
        text = text.replace("\n", "\\n")
    if "\r" in text:
        text = text.replace("\r", "\\r")
    return text


class Vocab:
    """A fixed list of values chosen by code; its COPY spelling is computed once."""

    __slots__ = ("_copy", "_sqlite", "copy_values", "raw", "sqlite_values")

    def __init__(self, raw, copy_values=None, sqlite_values=None):
        self.raw = np.asarray(raw, dtype=object)
        self.copy_values = copy_values  # a different COPY spelling (arrays: {a,b})
        self.sqlite_values = sqlite_values  # a different SQLite value (arrays: JSON text)
        self._copy = None
        self._sqlite = None

    def __len__(self) -> int:
        return len(self.raw)

    def copy_text(self) -> np.ndarray:
        if self._copy is None:
            source = self.copy_values if self.copy_values is not None else self.raw
            self._copy = np.asarray([copy_escape(str(value)) for value in source], dtype=object)
        return self._copy

    def sqlite(self) -> np.ndarray:
        if self._sqlite is None:
            self._sqlite = np.asarray(self.sqlite_values if self.sqlite_values is not None else self.raw, dtype=object)
        return self._sqlite


@dataclass
class Values:
    """One column for a batch. `kind` is the portable kind family the data is held as."""

    kind: str  # int, float, numeric, bool, text, uuid, date, timestamp, time, interval, json, array, bytes
    data: np.ndarray | None = None
    nulls: np.ndarray | None = None
    codes: np.ndarray | None = None  # with vocab: categorical text/json/array
    vocab: Vocab | None = None
    scale: int | None = None  # numeric: decimals
    timezone: bool = False  # timestamps: write an explicit UTC offset

    def __len__(self) -> int:
        if self.codes is not None:
            return len(self.codes)
        return len(self.data)  # type: ignore[arg-type]

    # --- plain arrays, for checks and derivations ---

    def array(self) -> np.ndarray:
        """The values as one numpy array (object array of str for text, uuids as text)."""
        if self.codes is not None:
            return self.vocab.raw[self.codes]  # type: ignore[union-attr]
        if self.kind == "uuid":
            return uuid_strings(self.data)  # type: ignore[arg-type]
        return self.data  # type: ignore[return-value]

    def null_mask(self) -> np.ndarray:
        if self.nulls is None:
            return np.zeros(len(self), dtype=bool)
        return self.nulls

    def take(self, positions: np.ndarray) -> Values:
        return Values(
            self.kind,
            None if self.data is None else self.data[positions],
            None if self.nulls is None else self.nulls[positions],
            None if self.codes is None else self.codes[positions],
            self.vocab,
            self.scale,
            self.timezone,
        )

    def with_nulls(self, nulls: np.ndarray | None) -> Values:
        if nulls is None or not nulls.any():
            return self
        merged = nulls if self.nulls is None else (nulls | self.nulls)
        return Values(self.kind, self.data, merged, self.codes, self.vocab, self.scale, self.timezone)

    # --- COPY text ---

    def copy_strings(self) -> list[str]:
        """Each value in PostgreSQL's COPY text format (`\\N` for NULL)."""
        if self.codes is not None:
            texts = self.vocab.copy_text()[self.codes]  # type: ignore[union-attr]
        else:
            texts = _copy_texts(self)
        if self.nulls is not None and self.nulls.any():
            texts = np.asarray(texts, dtype=object) if not isinstance(texts, np.ndarray) else texts.astype(object, copy=True)
            texts[self.nulls] = COPY_NULL
        return texts.tolist() if isinstance(texts, np.ndarray) else texts

    # --- SQLite ---

    def sqlite_values(self) -> list:
        if self.codes is not None:
            values = self.vocab.sqlite()[self.codes]  # type: ignore[union-attr]
        else:
            values = _sqlite_values(self)
        if self.nulls is not None and self.nulls.any():
            values = np.asarray(values, dtype=object) if not isinstance(values, np.ndarray) else values.astype(object, copy=True)
            values[self.nulls] = None
        return values.tolist() if isinstance(values, np.ndarray) else values


def uuid_strings(words: np.ndarray) -> np.ndarray:
    """uuids held as (n, 2) uint64 words as an object array of canonical text."""
    count = len(words)
    if count == 0:
        return np.empty(0, dtype=object)
    raw = words.astype(">u8").view(np.uint8).reshape(count, 16)
    hexed = np.empty((count, 36), dtype=np.uint8)
    hexed[:] = ord("-")
    positions = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34]
    for byte, position in enumerate(positions):
        hexed[:, position] = _HEX[raw[:, byte] >> 4]
        hexed[:, position + 1] = _HEX[raw[:, byte] & 15]
    return hexed.view("S36").ravel().astype("U36").astype(object)


def timestamp_texts(data: np.ndarray, separator: str = " ", zone: str = "") -> np.ndarray:
    """datetime64 values as `YYYY-MM-DD HH:MM:SS` (+ `zone`), built digit by digit in numpy."""
    count = len(data)
    seconds = data.astype("datetime64[s]").astype(np.int64)
    days = seconds // 86400
    of_day = seconds - days * 86400
    dates = days.astype("datetime64[D]")
    months = dates.astype("datetime64[M]")
    year = months.astype(np.int64) // 12 + 1970
    month = months.astype(np.int64) % 12 + 1
    day = (dates - months.astype("datetime64[D]")).astype(np.int64) + 1
    hour, minute, second = of_day // 3600, (of_day // 60) % 60, of_day % 60
    width = 19 + len(zone)
    grid = np.empty((count, width), dtype=np.uint8)
    zero = 48
    grid[:, 0] = year // 1000 % 10 + zero
    grid[:, 1] = year // 100 % 10 + zero
    grid[:, 2] = year // 10 % 10 + zero
    grid[:, 3] = year % 10 + zero
    grid[:, 4] = grid[:, 7] = ord("-")
    grid[:, 5], grid[:, 6] = month // 10 + zero, month % 10 + zero
    grid[:, 8], grid[:, 9] = day // 10 + zero, day % 10 + zero
    grid[:, 10] = ord(separator)
    grid[:, 11], grid[:, 12] = hour // 10 + zero, hour % 10 + zero
    grid[:, 13] = grid[:, 16] = ord(":")
    grid[:, 14], grid[:, 15] = minute // 10 + zero, minute % 10 + zero
    grid[:, 17], grid[:, 18] = second // 10 + zero, second % 10 + zero
    for position, character in enumerate(zone.encode("ascii")):
        grid[:, 19 + position] = character
    return grid.view(f"S{width}").ravel().astype(f"U{width}")


def date_texts(data: np.ndarray) -> np.ndarray:
    return np.datetime_as_string(data.astype("datetime64[D]"), unit="D")


def time_texts(microseconds: np.ndarray) -> list[str]:
    seconds = (microseconds // 1_000_000).astype(np.int64)
    return [f"{s // 3600:02d}:{(s // 60) % 60:02d}:{s % 60:02d}" for s in seconds.tolist()]


def interval_texts(seconds: np.ndarray) -> list[str]:
    out = []
    for total in seconds.astype(np.int64).tolist():
        days, rest = divmod(total, 86400)
        out.append(f"{days} days {rest // 3600:02d}:{(rest // 60) % 60:02d}:{rest % 60:02d}" if days else
                   f"{rest // 3600:02d}:{(rest // 60) % 60:02d}:{rest % 60:02d}")
    return out


def numeric_texts(data: np.ndarray, scale: int | None) -> list[str]:
    if scale:
        return [f"{value:.{scale}f}" for value in data.tolist()]
    return [str(int(value)) for value in np.round(data).tolist()]


def _copy_texts(values: Values):
    kind, data = values.kind, values.data
    if kind == "int":
        return list(map(str, data.astype(np.int64).tolist()))  # type: ignore[union-attr]
    if kind == "float":
        return [repr(value) for value in data.tolist()]  # type: ignore[union-attr]
    if kind == "numeric":
        return numeric_texts(data, values.scale)  # type: ignore[arg-type]
    if kind == "bool":
        return np.where(data, "t", "f")  # type: ignore[arg-type]
    if kind == "uuid":
        return uuid_strings(data)  # type: ignore[arg-type]
    if kind == "date":
        return date_texts(data)  # type: ignore[arg-type]
    if kind == "timestamp":
        return timestamp_texts(data, "T", "Z" if values.timezone else "")  # type: ignore[arg-type]
    if kind == "time":
        return time_texts(data)  # type: ignore[arg-type]
    if kind == "interval":
        return interval_texts(data)  # type: ignore[arg-type]
    if kind == "bytes":
        return ["\\\\x" + value.hex() for value in data.tolist()]  # type: ignore[union-attr]
    if kind in ("text", "json", "array"):
        strings = data.tolist()  # type: ignore[union-attr]
        joined = "".join(strings)
        if any(special in joined for special in _COPY_SPECIAL):
            return [copy_escape(text) for text in strings]
        return strings
    raise ValueError(f"cannot write values of kind {kind}")


def _sqlite_values(values: Values):
    kind, data = values.kind, values.data
    if kind in ("int", "float"):
        return data.tolist()  # type: ignore[union-attr]
    if kind == "numeric":
        return np.round(data, values.scale or 0).tolist() if values.scale else np.round(data).astype(np.int64).tolist()  # type: ignore[arg-type]
    if kind == "bool":
        return data.astype(np.int64).tolist()  # type: ignore[union-attr]
    if kind == "uuid":
        return uuid_strings(data)  # type: ignore[arg-type]
    if kind == "date":
        return date_texts(data)  # type: ignore[arg-type]
    if kind == "timestamp":
        return timestamp_texts(data, " ")  # type: ignore[arg-type]
    if kind == "time":
        return time_texts(data)  # type: ignore[arg-type]
    if kind == "interval":
        return interval_texts(data)  # type: ignore[arg-type]
    if kind in ("text", "json", "array", "bytes"):
        return data.tolist()  # type: ignore[union-attr]
    raise ValueError(f"cannot write values of kind {kind}")
