"""SQL expressions held in a design (defaults, checks, partial-index predicates, index expressions).

Two jobs: tell a literal default (`member`, `0`) from an expression (`now()`), and compare two
expressions for meaning rather than spelling, since PostgreSQL hands back `((a >= 1) AND (b))`
for what the design wrote as `a >= 1 AND b`.
"""

from __future__ import annotations

import re
from functools import lru_cache

#: SQL keywords that are expressions although they carry no parentheses.
KEYWORD_EXPRESSIONS = frozenset(
    {
        "current_timestamp",
        "current_date",
        "current_time",
        "localtimestamp",
        "localtime",
        "current_user",
        "session_user",
    }
)

_CALL = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*\s*\(.*\)$", re.S)


def looks_like_expression(text: str) -> bool:
    """Whether a default written as a bare YAML string means SQL (`now()`) rather than a value."""
    stripped = text.strip()
    if stripped.lower() in KEYWORD_EXPRESSIONS:
        return True
    if stripped.startswith("(") and stripped.endswith(")"):
        return True
    return _CALL.match(stripped) is not None


@lru_cache(maxsize=4096)
def normalize_expression(text: str) -> str:
    """A canonical spelling of a PostgreSQL-flavoured expression, for comparisons.

    Parsed by pglast and printed back, with redundant parentheses gone and casts of string
    literals dropped (PostgreSQL adds `'done'::text`). Text pglast cannot parse (another
    dialect's function, say) is compared by its whitespace-normalized, lower-cased spelling.
    """
    try:
        from pglast import parse_sql
        from pglast.stream import RawStream

        tree = parse_sql("SELECT " + text)
        from pglast import ast

        node = tree[0].stmt.targetList[0].val
        if isinstance(node, ast.TypeCast) and isinstance(node.arg, ast.A_Const):
            node = node.arg
        _strip_literal_casts(node)
        return RawStream()(node)
    except Exception:  # noqa: BLE001 - any parse failure falls back to text comparison
        return " ".join(text.split()).lower()


def _strip_literal_casts(node) -> None:
    """Replace `'x'::sometype` by `'x'` in place, throughout the tree."""
    from pglast import ast

    def strip(value):
        if isinstance(value, ast.TypeCast) and isinstance(value.arg, ast.A_Const):
            return value.arg
        if isinstance(value, ast.Node):
            _strip_literal_casts(value)
        elif isinstance(value, tuple):
            return tuple(strip(item) for item in value)
        return value

    for name in node.__slots__:
        current = getattr(node, name, None)
        if isinstance(current, (ast.Node, tuple)):
            replaced = strip(current)
            if replaced is not current:
                setattr(node, name, replaced)


def same_expression(left: str | None, right: str | None) -> bool:
    """True when two expressions mean the same thing (see `normalize_expression`)."""
    if left is None or right is None:
        return left is right
    return normalize_expression(left) == normalize_expression(right)
