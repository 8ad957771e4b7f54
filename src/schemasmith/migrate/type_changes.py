"""What changing a column's type does on PostgreSQL: whether it rewrites, loses or may refuse values.

Knowledge below the operations: `operations.AlterColumnType.between` asks it for the facts of a
change (the comparison's and the inverse's alike); compare and planner match types by `type_key`.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..dialects import postgres
from ..model.document import Column
from ..model.types import INTEGER_KINDS, PortableType


def type_key(portable: PortableType) -> str:
    if portable.kind == "numeric" and portable.precision is not None and portable.scale is None:
        return f"numeric({portable.precision},0)"
    return str(portable)


@dataclass(frozen=True)
class TypeChangeFacts:
    """Facts of one ALTER COLUMN … TYPE: rewrite, data lost, why values may not fit, the USING expression."""

    rewrite: bool
    narrowing: str | None
    may_fail: str | None
    using: str | None


_TEMPORAL_ASSIGNMENT = {
    ("timestamp", "timestamptz"), ("timestamptz", "timestamp"), ("date", "timestamp"), ("date", "timestamptz"),
    ("timestamp", "date"), ("timestamptz", "date"), ("timestamp", "time"), ("timestamptz", "time"), ("time", "interval"),
}
_NUMBER_KINDS = ("smallint", "integer", "bigint", "numeric", "real", "double")
_INTEGER_RANK = {"smallint": 1, "integer": 2, "bigint": 3}


def _classify(old: PortableType, new: PortableType) -> tuple[bool, str | None, str | None, bool]:
    """(rewrites the table, data lost, why values may not fit, needs USING) of a type change."""
    if old.is_array or new.is_array:
        if old.is_array and new.is_array and old.element and new.element:
            rewrite, loss, fails, using = _classify(old.element, new.element)
            return rewrite, loss, fails, using
        return True, None, "values that do not convert make it fail", True
    ok, nk = old.kind, new.kind
    if old.is_enum or new.is_enum:
        if old.is_enum and new.is_enum and old.enum == new.enum:
            return False, None, None, False
        fails = None if nk in ("text", "varchar") and new.length is None else "values that are not valid in the new type make it fail"
        if nk == "varchar" and new.length is not None:
            fails = f"values longer than {new.length} characters make it fail"
        return True, None, fails, True
    if ok in ("varchar", "text") and nk in ("varchar", "text"):
        old_length = old.length if ok == "varchar" else None
        new_length = new.length if nk == "varchar" else None
        if new_length is None or (old_length is not None and new_length >= old_length):
            return False, None, None, False
        return True, None, f"values longer than {new_length} characters make it fail", False
    if ok in _NUMBER_KINDS and nk in _NUMBER_KINDS:
        if ok == "numeric" and nk == "numeric":
            if new.precision is None:
                return False, None, None, False
            if old.precision is None:
                return True, (None if (new.scale or 0) >= 1000 else "numbers are rounded to the new scale"), "values too large for the new precision make it fail", False
            old_scale, new_scale = old.scale or 0, new.scale or 0
            if new_scale == old_scale and new.precision >= old.precision:
                return False, None, None, False
            loss = f"fractions are rounded to {new_scale} decimal(s)" if new_scale < old_scale else None
            fails = "values too large for the new precision make it fail" if new.precision - new_scale < old.precision - old_scale else None
            return True, loss, fails, False
        if ok in _INTEGER_RANK and nk in _INTEGER_RANK:
            narrower = _INTEGER_RANK[nk] < _INTEGER_RANK[ok]
            return True, None, ("values out of range make it fail" if narrower else None), False
        if ok in _INTEGER_RANK:  # integer → numeric/real/double
            loss = "large integers lose precision in floating point" if nk in ("real", "double") and ok == "bigint" or (nk == "real" and ok == "integer") else None
            fails = "values too large for the new precision make it fail" if nk == "numeric" and new.precision is not None else None
            return True, loss, fails, False
        if nk in _INTEGER_RANK:
            return True, "fractions are rounded to whole numbers", "values out of range make it fail", False
        loss = "precision is lost" if (ok == "double" and nk == "real") or (ok == "numeric" and nk in ("real", "double")) else None
        return True, loss, None, False
    if nk in ("text", "varchar") and not new.length:
        return True, None, None, False
    if (ok, nk) in _TEMPORAL_ASSIGNMENT:
        loss = "the time of day is lost" if nk == "date" and ok != "date" else ("the date is lost" if nk == "time" else None)
        return True, loss, None, False
    fails = "values that do not convert to the new type make it fail"
    if nk == "varchar" and new.length:
        fails = f"values longer than {new.length} characters make it fail"
    return True, None, fails, True


def type_change_facts(column: str, old: Column, new: Column, style: str = "native") -> TypeChangeFacts:
    """The facts of changing `column` from `old`'s type to `new`'s (USING spelled for PostgreSQL)."""
    old_type, new_type = old.portable_type, new.portable_type
    rewrite, loss, fails, needs_using = _classify(old_type, new_type)
    using = None
    if needs_using:
        c = postgres.quote_identifier(column)
        if new_type.is_enum or (new_type.is_array and new_type.element and new_type.element.is_enum):
            suffix = "[]" if new_type.is_array else ""
            using = f"{c}::text{suffix}::{postgres.column_type(new_type, style)}"
        elif old_type.kind == "boolean" and new_type.kind in INTEGER_KINDS:
            using = f"{c}::integer"
        else:
            source = f"{c}::text" if old_type.is_enum else c
            using = f"{source}::{postgres.column_type(new_type, style)}"
    return TypeChangeFacts(rewrite, loss, fails, using)
