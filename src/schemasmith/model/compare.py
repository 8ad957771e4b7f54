"""Compare two designs for meaning: the check behind every round trip, and later the diff.

Expressions are compared after normalization (see `expressions.normalize_expression`), and
both designs get their conventions' implications written out first, so `{type: uuid}` as a key
equals `{type: uuid, default: gen_random_uuid()}`.
"""

from __future__ import annotations

from typing import Any

from .document import Design
from .expressions import normalize_expression
from .implied import with_implied

#: Keys whose values are SQL expressions, wherever they appear.
EXPRESSION_KEYS = {"expression", "where", "generated", "using", "with_check", "sql"}


def _normalized(value: Any, key: str | None = None) -> Any:
    if isinstance(value, dict):
        return {k: _normalized(v, k) for k, v in value.items()}
    if isinstance(value, list):
        if key == "expressions":
            return [normalize_expression(item) for item in value]
        return [_normalized(item) for item in value]
    if isinstance(value, str) and key in EXPRESSION_KEYS:
        return normalize_expression(value)
    return value


def comparable(design: Design) -> dict[str, Any]:
    """Plain data of the design with implications explicit and expressions normalized."""
    implied = with_implied(design)
    data = implied.model_dump(mode="json", exclude_defaults=True)
    # Column serializes its default in the YAML's short form (`now()`, `{value: …}`), which no
    # longer says whether it is an expression; read that from the model instead.
    for table_name, table in implied.tables.items():
        for column_name, column in table.columns.items():
            if column.default is not None and column.default.is_expression:
                written = data["tables"][table_name]["columns"][column_name]
                written["default"] = {"sql": normalize_expression(str(column.default.value))}
    return _normalized(data)


def design_differences(left: Design, right: Design) -> list[str]:
    """Human-readable paths where two designs differ in meaning (empty when they agree)."""
    differences: list[str] = []
    _walk(comparable(left), comparable(right), "", differences)
    return differences


def _walk(left: Any, right: Any, path: str, out: list[str]) -> None:
    if isinstance(left, dict) and isinstance(right, dict):
        for key in list(left) + [k for k in right if k not in left]:
            child = f"{path}.{key}" if path else str(key)
            if key not in right:
                out.append(f"{child}: only on the left ({left[key]!r})")
            elif key not in left:
                out.append(f"{child}: only on the right ({right[key]!r})")
            else:
                _walk(left[key], right[key], child, out)
        if isinstance(left, dict) and list(left) != list(right) and set(left) == set(right) and path.endswith("columns"):
            out.append(f"{path}: column order differs ({list(left)} vs {list(right)})")
        return
    if isinstance(left, list) and isinstance(right, list) and len(left) == len(right):
        for position, (a, b) in enumerate(zip(left, right)):
            _walk(a, b, f"{path}[{position}]", out)
        return
    if left != right:
        out.append(f"{path}: {left!r} != {right!r}")
