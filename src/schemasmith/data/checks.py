"""CHECK constraints as the generator understands them: hints to aim with, and a vectorized judge.

A CHECK expression is parsed by pglast (the real PostgreSQL parser) into a small tree. Two
things come out of it:

- hints for the generators, from the common shapes: ranges (`x >= a AND x <= b`, `BETWEEN`),
  allowed values (`IN (…)`, `=`), lengths (`length(x) > 0`), case (`x = lower(x)`), order
  between columns (`a <= b`), `a <> b`, and "exactly one of a, b is set";
- `evaluate`, which computes the expression over a batch of rows with SQL's three-valued logic,
  so a row the CHECK would reject is found and drawn again before anything is written.

An expression with parts the evaluator does not know raises `Unsupported`; the seeder then asks
the database itself to judge the rows (see seed.py), and says so.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field

import numpy as np

from .patterns import like_regex, posix_regex


class Unsupported(Exception):
    """A part of an expression the generator cannot evaluate by itself."""


# --- the tree --------------------------------------------------------------------------------


def parse_check(text: str):
    """The expression as nested tuples; raises Unsupported for what is not understood."""
    from ..dialects.postgres import parse_expression

    node = parse_expression(text)
    if node is None and re.search(r"\b(GLOB|REGEXP)\b", text, re.IGNORECASE):
        node = parse_expression(_sqlite_matches(text))
    if node is None:
        raise Unsupported(f"not one SQL expression: {text}")
    return _convert(node)


_SQLITE_MATCH = re.compile(r"(?P<not>\bNOT\s+)?\b(?P<op>GLOB|REGEXP)\s+'(?P<pattern>(?:[^']|'')*)'", re.IGNORECASE)


def _sqlite_matches(text: str) -> str:
    """SQLite's `x GLOB 'p'` and `x REGEXP 'p'` as PostgreSQL's `x ~ 'regex'` (same meaning, one evaluator)."""
    from .patterns import glob_regex

    def replace(match: re.Match) -> str:
        pattern = match.group("pattern").replace("''", "'")
        regex = glob_regex(pattern) if match.group("op").upper() == "GLOB" else pattern
        operator = "!~" if match.group("not") else "~"
        return f"{operator} '" + regex.replace("'", "''") + "'"

    return _SQLITE_MATCH.sub(replace, text)


def _name(node) -> str:
    return node.sval if hasattr(node, "sval") else str(node)


def _convert(node):
    kind = type(node).__name__
    if kind == "ColumnRef":
        fields = node.fields
        last = fields[-1]
        if type(last).__name__ != "String":
            raise Unsupported("a * column reference")
        return ("col", last.sval)
    if kind == "A_Const":
        if node.isnull:
            return ("const", None)
        value = node.val
        value_kind = type(value).__name__
        if value_kind == "Integer":
            return ("const", int(value.ival))
        if value_kind == "Float":
            return ("const", float(value.fval))
        if value_kind == "String":
            return ("const", value.sval)
        if value_kind == "Boolean":
            return ("const", bool(value.boolval))
        raise Unsupported(f"constant {value_kind}")
    if kind == "TypeCast":
        type_name = ".".join(_name(part) for part in node.typeName.names).lower().replace("pg_catalog.", "")
        return ("cast", _convert(node.arg), type_name)
    if kind == "BoolExpr":
        op = node.boolop.name
        args = [_convert(arg) for arg in node.args]
        if op == "AND_EXPR":
            return ("and", args)
        if op == "OR_EXPR":
            return ("or", args)
        return ("not", args[0])
    if kind == "NullTest":
        return ("isnull", _convert(node.arg), node.nulltesttype.name == "IS_NOT_NULL")
    if kind == "BooleanTest":
        return ("booltest", _convert(node.arg), node.booltesttype.name)
    if kind == "CoalesceExpr":
        return ("func", "coalesce", [_convert(arg) for arg in node.args])
    if kind == "MinMaxExpr":
        return ("func", "greatest" if node.op.name == "IS_GREATEST" else "least", [_convert(arg) for arg in node.args])
    if kind == "SQLValueFunction":
        op = node.op.name
        if "CURRENT_DATE" in op:
            return ("func", "current_date", [])
        if "TIMESTAMP" in op or "LOCALTIMESTAMP" in op:
            return ("func", "now", [])
        raise Unsupported(f"{op.lower()}")
    if kind == "FuncCall":
        name = _name(node.funcname[-1]).lower()
        args = [_convert(arg) for arg in (node.args or ())]
        if name in ("similar_to_escape", "similar_escape") and args and all(arg[0] == "const" for arg in args):
            # What PostgreSQL stores for SIMILAR TO: `x ~ similar_to_escape('pattern' [, 'escape'])`.
            from .patterns import similar_regex

            escape = args[1][1] if len(args) > 1 else "\\"
            if isinstance(args[0][1], str):
                return ("const", similar_regex(args[0][1], escape or ""))
        return ("func", name, args)
    if kind == "A_Expr":
        expr_kind = node.kind.name
        op = _name(node.name[-1]) if node.name else ""
        if expr_kind == "AEXPR_OP":
            if node.lexpr is None:
                if op == "-":
                    return ("neg", _convert(node.rexpr))
                raise Unsupported(f"prefix operator {op}")
            return ("op", op, _convert(node.lexpr), _convert(node.rexpr))
        if expr_kind == "AEXPR_IN":
            return ("in", _convert(node.lexpr), [_convert(item) for item in node.rexpr], op == "<>")
        if expr_kind in ("AEXPR_BETWEEN", "AEXPR_NOT_BETWEEN", "AEXPR_BETWEEN_SYM", "AEXPR_NOT_BETWEEN_SYM"):
            low, high = node.rexpr
            return ("between", _convert(node.lexpr), _convert(low), _convert(high), "NOT" in expr_kind, "SYM" in expr_kind)
        if expr_kind in ("AEXPR_LIKE", "AEXPR_ILIKE"):
            return ("like", _convert(node.lexpr), _convert(node.rexpr), op.startswith("!"), expr_kind == "AEXPR_ILIKE")
        if expr_kind == "AEXPR_SIMILAR":
            return _similar(node, op)
        if expr_kind == "AEXPR_DISTINCT":
            return ("distinct", _convert(node.lexpr), _convert(node.rexpr), False)
        if expr_kind == "AEXPR_NOT_DISTINCT":
            return ("distinct", _convert(node.lexpr), _convert(node.rexpr), True)
        raise Unsupported(f"operator kind {expr_kind.lower()}")
    raise Unsupported(f"{kind} expressions")


def _similar(node, op: str):
    """`x SIMILAR TO 'p' [ESCAPE 'e']`: PostgreSQL's own rewrite is `x ~ similar_to_escape('p')`."""
    from .patterns import similar_regex

    pattern = node.rexpr
    escape = "\\"
    if type(pattern).__name__ == "FuncCall" and _name(pattern.funcname[-1]).lower() in ("similar_to_escape", "similar_escape"):
        args = [_convert(arg) for arg in (pattern.args or ())]
        if len(args) > 1:
            if args[1][0] != "const":
                raise Unsupported("SIMILAR TO with an escape that is not a constant")
            escape = args[1][1] or ""
        pattern_tree = args[0]
    else:
        pattern_tree = _convert(pattern)
    if pattern_tree[0] != "const" or not isinstance(pattern_tree[1], str):
        raise Unsupported("SIMILAR TO with a pattern that is not a constant")
    return ("op", "!~" if op.startswith("!") else "~", _convert(node.lexpr), ("const", similar_regex(pattern_tree[1], escape)))


def columns_of(tree) -> set[str]:
    out: set[str] = set()

    def walk(item):
        if isinstance(item, tuple):
            if item and item[0] == "col":
                out.add(item[1])
                return
            for part in item[1:]:
                walk(part)
        elif isinstance(item, list):
            for part in item:
                walk(part)

    walk(tree)
    return out


# --- evaluation ------------------------------------------------------------------------------


@dataclass
class Column:
    """A column's values for evaluation: numbers as float64, text as object, time as datetime64[us]."""

    data: np.ndarray
    nulls: np.ndarray
    kind: str  # number, text, bool, time


def env_column(values) -> Column:
    """Turn generated `Values` into an evaluation column."""
    data = values.array()
    kind = values.kind
    if kind in ("int", "float", "numeric", "interval"):
        column = Column(data.astype(np.float64), values.null_mask(), "number")
    elif kind == "bool":
        column = Column(data.astype(bool), values.null_mask(), "bool")
    elif kind in ("date", "timestamp"):
        column = Column(data.astype("datetime64[us]"), values.null_mask(), "time")
    elif kind == "time":
        column = Column(data.astype(np.float64), values.null_mask(), "number")
    else:
        column = Column(np.asarray(data, dtype=object), values.null_mask(), "text")
    return column


class Evaluator:
    """Evaluate a tree over columns of one batch (`env`: name -> Column)."""

    def __init__(self, env: dict[str, Column], size: int, now: dt.datetime | None = None):
        self.env = env
        self.size = size
        self.now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)

    def passes(self, tree) -> np.ndarray:
        """Rows a CHECK accepts: TRUE or NULL."""
        result = self.eval(tree)
        value = result.data.astype(bool) if result.kind == "bool" else self._truthy(result)
        return value | result.nulls

    def _truthy(self, column: Column) -> np.ndarray:
        if column.kind == "number":
            return column.data != 0
        raise Unsupported("a CHECK whose value is not boolean")

    def _const(self, value) -> Column:
        n = self.size
        if value is None:
            return Column(np.zeros(n), np.ones(n, dtype=bool), "null")
        if isinstance(value, bool):
            return Column(np.full(n, value), np.zeros(n, dtype=bool), "bool")
        if isinstance(value, (int, float)):
            return Column(np.full(n, float(value)), np.zeros(n, dtype=bool), "number")
        if isinstance(value, (dt.date, dt.datetime)):
            return Column(np.full(n, np.datetime64(value, "us")), np.zeros(n, dtype=bool), "time")
        data = np.empty(n, dtype=object)
        data[:] = value
        return Column(data, np.zeros(n, dtype=bool), "text")

    def eval(self, tree) -> Column:
        tag = tree[0]
        n = self.size
        if tag == "col":
            if tree[1] not in self.env:
                raise Unsupported(f"column {tree[1]} has no generated values")
            return self.env[tree[1]]
        if tag == "const":
            return self._const(tree[1])
        if tag == "cast":
            return self._cast(self.eval(tree[1]), tree[2])
        if tag == "neg":
            value = self.eval(tree[1])
            if value.kind != "number":
                raise Unsupported("minus on a non-number")
            return Column(-value.data, value.nulls, "number")
        if tag == "and":
            return self._and([self.eval(arg) for arg in tree[1]])
        if tag == "or":
            return self._or([self.eval(arg) for arg in tree[1]])
        if tag == "not":
            value = self._boolean(self.eval(tree[1]))
            return Column(~value.data, value.nulls, "bool")
        if tag == "isnull":
            value = self.eval(tree[1])
            result = ~value.nulls if tree[2] else value.nulls.copy()
            return Column(result, np.zeros(n, dtype=bool), "bool")
        if tag == "booltest":
            value = self._boolean(self.eval(tree[1]))
            test = tree[2]
            table = {
                "IS_TRUE": value.data & ~value.nulls,
                "IS_NOT_TRUE": ~(value.data & ~value.nulls),
                "IS_FALSE": ~value.data & ~value.nulls,
                "IS_NOT_FALSE": ~(~value.data & ~value.nulls),
                "IS_UNKNOWN": value.nulls.copy(),
                "IS_NOT_UNKNOWN": ~value.nulls,
            }
            return Column(table[test], np.zeros(n, dtype=bool), "bool")
        if tag == "op":
            return self._operator(tree[1], self.eval(tree[2]), self.eval(tree[3]))
        if tag == "distinct":
            left, right = self._aligned(self.eval(tree[1]), self.eval(tree[2]))
            both_null = left.nulls & right.nulls
            equal = _equal(left, right) & ~left.nulls & ~right.nulls
            same = both_null | equal
            return Column(same if tree[3] else ~same, np.zeros(n, dtype=bool), "bool")
        if tag == "in":
            target = self.eval(tree[1])
            parts = [self._operator("=", target, self.eval(item)) for item in tree[2]]
            result = self._or(parts) if parts else Column(np.zeros(n, dtype=bool), np.zeros(n, dtype=bool), "bool")
            if tree[3]:
                result = Column(~result.data, result.nulls, "bool")
            return result
        if tag == "between":
            target, low, high = self.eval(tree[1]), self.eval(tree[2]), self.eval(tree[3])
            if tree[5]:  # BETWEEN SYMMETRIC
                low, high = self._func("least", [low, high]), self._func("greatest", [low, high])
            result = self._and([self._operator(">=", target, low), self._operator("<=", target, high)])
            if tree[4]:
                result = Column(~result.data, result.nulls, "bool")
            return result
        if tag == "like":
            return self._like(self.eval(tree[1]), tree[2], tree[3], tree[4])
        if tag == "func":
            return self._func(tree[1], [self.eval(arg) for arg in tree[2]])
        raise Unsupported(f"{tag} expressions")

    # -- helpers --

    def _boolean(self, value: Column) -> Column:
        if value.kind == "bool":
            return value
        if value.kind == "null":
            return Column(np.zeros(self.size, dtype=bool), value.nulls, "bool")
        raise Unsupported("a boolean operator on a non-boolean value")

    def _and(self, values: list[Column]) -> Column:
        values = [self._boolean(value) for value in values]
        false = np.zeros(self.size, dtype=bool)
        unknown = np.zeros(self.size, dtype=bool)
        for value in values:
            false |= ~value.data & ~value.nulls
            unknown |= value.nulls
        return Column(~false & ~unknown, unknown & ~false, "bool")

    def _or(self, values: list[Column]) -> Column:
        values = [self._boolean(value) for value in values]
        true = np.zeros(self.size, dtype=bool)
        unknown = np.zeros(self.size, dtype=bool)
        for value in values:
            true |= value.data & ~value.nulls
            unknown |= value.nulls
        return Column(true, unknown & ~true, "bool")

    def _cast(self, value: Column, type_name: str) -> Column:
        base = type_name.split("(")[0].strip()
        if base in ("date", "timestamp", "timestamptz", "timestamp with time zone", "timestamp without time zone"):
            if value.kind == "text":
                data = np.array([_parse_time(text) if text is not None else np.datetime64("NaT") for text in value.data],
                                dtype="datetime64[us]")
                value = Column(data, value.nulls, "time")
            if value.kind != "time":
                raise Unsupported(f"a cast to {base}")
            if base == "date":
                return Column(value.data.astype("datetime64[D]").astype("datetime64[us]"), value.nulls, "time")
            return value
        if base in ("int", "int2", "int4", "int8", "integer", "smallint", "bigint", "numeric", "decimal", "real",
                    "float4", "float8", "double precision"):
            if value.kind == "number":
                data = np.trunc(value.data) if base.startswith("int") or base in ("smallint", "bigint") else value.data
                return Column(data, value.nulls, "number")
            if value.kind == "text":
                try:
                    data = np.array([float(text) if text is not None else 0.0 for text in value.data])
                except ValueError:
                    raise Unsupported(f"a cast of text to {base}") from None
                return Column(data, value.nulls, "number")
            raise Unsupported(f"a cast to {base}")
        if base in ("text", "varchar", "character varying", "char", "bpchar", "name", "citext"):
            if value.kind == "text":
                return value
            if value.kind == "number":
                return Column(np.array([_number_text(v) for v in value.data], dtype=object), value.nulls, "text")
            raise Unsupported(f"a cast to {base}")
        if base in ("bool", "boolean") and value.kind in ("bool", "text"):
            if value.kind == "text":
                data = np.array([str(text).lower() in ("t", "true", "1", "yes", "on", "y") for text in value.data])
                return Column(data, value.nulls, "bool")
            return value
        if base in ("jsonb", "json", "uuid") and value.kind == "text":
            return value
        # An enum cast of a text constant leaves the text to compare.
        if value.kind == "text":
            return value
        raise Unsupported(f"a cast to {type_name}")

    def _aligned(self, left: Column, right: Column) -> tuple[Column, Column]:
        """Bring two sides to one kind (text constants next to times become times)."""
        if left.kind == right.kind or "null" in (left.kind, right.kind):
            return left, right
        if left.kind == "time" and right.kind == "text":
            return left, self._cast(right, "timestamp")
        if left.kind == "text" and right.kind == "time":
            return self._cast(left, "timestamp"), right
        if {left.kind, right.kind} == {"number", "text"}:
            number, text = (left, right) if left.kind == "number" else (right, left)
            converted = self._cast(text, "numeric")
            return (number, converted) if left is number else (converted, number)
        if {left.kind, right.kind} == {"bool", "text"}:
            if left.kind == "text":
                return self._cast(left, "boolean"), right
            return left, self._cast(right, "boolean")
        raise Unsupported(f"a comparison of {left.kind} with {right.kind}")

    def _operator(self, op: str, left: Column, right: Column) -> Column:
        n = self.size
        if op in ("=", "<>", "!=", "<", "<=", ">", ">="):
            left, right = self._aligned(left, right)
            nulls = left.nulls | right.nulls
            if "null" in (left.kind, right.kind):
                return Column(np.zeros(n, dtype=bool), np.ones(n, dtype=bool), "bool")
            if op == "=":
                data = _equal(left, right)
            elif op in ("<>", "!="):
                data = ~_equal(left, right)
            else:
                data = _compare(op, left, right)
            return Column(data & ~nulls, nulls, "bool")
        if op in ("+", "-", "*", "/", "%"):
            nulls = left.nulls | right.nulls
            if left.kind == "number" and right.kind == "number":
                with np.errstate(all="ignore"):
                    if op == "+":
                        data = left.data + right.data
                    elif op == "-":
                        data = left.data - right.data
                    elif op == "*":
                        data = left.data * right.data
                    elif op == "/":
                        data = np.where(right.data != 0, left.data / np.where(right.data == 0, 1, right.data), 0)
                    else:
                        data = np.where(right.data != 0, np.fmod(left.data, np.where(right.data == 0, 1, right.data)), 0)
                return Column(data, nulls, "number")
            if left.kind == "time" and right.kind == "number" and op in ("+", "-"):
                days = (right.data * 86400e6).astype("timedelta64[us]")  # date + integer: days
                return Column(left.data + days if op == "+" else left.data - days, nulls, "time")
            if left.kind == "time" and right.kind == "time" and op == "-":
                return Column((left.data - right.data).astype(np.float64) / 86400e6, nulls, "number")
            if left.kind == "time" and right.kind == "text" and op in ("+", "-"):
                seconds = _interval_seconds(right)
                delta = (seconds * 1e6).astype("timedelta64[us]")
                return Column(left.data + delta if op == "+" else left.data - delta, nulls, "time")
            raise Unsupported(f"{left.kind} {op} {right.kind}")
        if op == "||":
            nulls = left.nulls | right.nulls
            return Column(np.array([f"{_text(a)}{_text(b)}" for a, b in zip(left.data, right.data)], dtype=object), nulls, "text")
        if op in ("~", "~*", "!~", "!~*"):
            if right.kind != "text" or left.kind != "text":
                raise Unsupported(f"the {op} operator on non-text")
            flags = re.IGNORECASE if "*" in op else 0
            patterns = {}
            out = np.zeros(n, dtype=bool)
            for position, (text, pattern) in enumerate(zip(left.data, right.data)):
                if left.nulls[position] or right.nulls[position]:
                    continue
                compiled = patterns.get(pattern)
                if compiled is None:
                    try:
                        compiled = patterns[pattern] = re.compile(posix_regex(pattern), flags)
                    except re.error:
                        raise Unsupported(f"the regular expression {pattern!r}") from None
                out[position] = compiled.search(text) is not None
            if op.startswith("!"):
                out = ~out
            nulls = left.nulls | right.nulls
            return Column(out & ~nulls, nulls, "bool")
        raise Unsupported(f"the {op} operator")

    def _like(self, value: Column, pattern_tree, negated: bool, insensitive: bool) -> Column:
        if pattern_tree[0] != "const" or not isinstance(pattern_tree[1], str):
            raise Unsupported("LIKE with a pattern that is not a constant")
        compiled = re.compile(like_regex(pattern_tree[1]), re.DOTALL | (re.IGNORECASE if insensitive else 0))
        if value.kind != "text":
            raise Unsupported("LIKE on non-text")
        out = np.array([bool(compiled.match(text)) if text is not None else False for text in value.data], dtype=bool)
        if negated:
            out = ~out
        return Column(out & ~value.nulls, value.nulls, "bool")

    def _func(self, name: str, args: list[Column]) -> Column:
        n = self.size
        none = np.zeros(n, dtype=bool)
        if name in ("length", "char_length", "character_length", "octet_length"):
            (value,) = args
            if value.kind != "text":
                raise Unsupported(f"{name}() of a non-text value")
            measure = (lambda text: len(text.encode("utf-8"))) if name == "octet_length" else len
            data = np.fromiter((measure(text) if isinstance(text, str) else 0 for text in value.data), dtype=np.float64, count=n)
            return Column(data, value.nulls, "number")
        if name in ("lower", "upper", "btrim", "trim", "ltrim", "rtrim", "initcap"):
            value = args[0]
            if value.kind != "text" or len(args) != 1:
                raise Unsupported(f"{name}() with these arguments")
            method = {"lower": str.lower, "upper": str.upper, "btrim": str.strip, "trim": str.strip,
                      "ltrim": str.lstrip, "rtrim": str.rstrip, "initcap": str.title}[name]
            data = np.array([method(text) if isinstance(text, str) else text for text in value.data], dtype=object)
            return Column(data, value.nulls, "text")
        if name == "abs":
            (value,) = args
            if value.kind != "number":
                raise Unsupported("abs() of a non-number")
            return Column(np.abs(value.data), value.nulls, "number")
        if name in ("round", "floor", "ceil", "ceiling", "trunc"):
            value = args[0]
            if value.kind != "number":
                raise Unsupported(f"{name}() of a non-number")
            digits = int(args[1].data[0]) if len(args) > 1 else 0
            function = {"round": lambda x: np.round(x, digits), "floor": np.floor, "ceil": np.ceil,
                        "ceiling": np.ceil, "trunc": np.trunc}[name]
            return Column(function(value.data), value.nulls, "number")
        if name == "coalesce":
            result = args[0]
            data, nulls = result.data.copy(), result.nulls.copy()
            for other in args[1:]:
                if other.kind not in (result.kind, "null") and result.kind != "null":
                    _, other = self._aligned(result, other)
                if result.kind == "null":
                    result = other
                    data, nulls = other.data.copy(), other.nulls.copy()
                    continue
                take = nulls & ~other.nulls
                data[take] = other.data[take]
                nulls = nulls & other.nulls
            return Column(data, nulls, result.kind)
        if name in ("greatest", "least"):
            values = [arg for arg in args if arg.kind != "null"]
            if not values:
                return self._const(None)
            kind = values[0].kind
            if any(value.kind != kind for value in values) or kind not in ("number", "time"):
                raise Unsupported(f"{name}() of mixed values")
            stacked = np.stack([np.where(value.nulls, np.nan, value.data) if kind == "number" else value.data for value in values])
            nulls = np.logical_and.reduce([value.nulls for value in values])
            if kind == "number":
                data = np.nanmax(stacked, axis=0) if name == "greatest" else np.nanmin(stacked, axis=0)
                return Column(np.nan_to_num(data), nulls, "number")
            masked = [np.where(value.nulls, np.datetime64("NaT"), value.data) for value in values]
            data = masked[0]
            for other in masked[1:]:
                data = np.fmax(data, other) if name == "greatest" else np.fmin(data, other)
            return Column(data, nulls, "time")
        if name in ("num_nonnulls", "num_nulls"):
            count = np.zeros(n)
            for arg in args:
                count += (arg.nulls if name == "num_nulls" else ~arg.nulls)
            return Column(count, none, "number")
        if name in ("now", "current_timestamp", "statement_timestamp", "transaction_timestamp", "clock_timestamp"):
            return self._const(self.now)
        if name == "current_date":
            return self._const(dt.datetime.combine(self.now.date(), dt.time()))
        if name in ("cardinality", "array_length"):
            value = args[0]
            data = np.fromiter((_array_length(item) for item in value.data), dtype=np.float64, count=n)
            return Column(data, value.nulls | (data < 0), "number")
        if name in ("jsonb_typeof", "json_typeof"):
            (value,) = args
            if value.kind != "text":
                raise Unsupported(f"{name}() of a non-json value")
            data = np.array([_json_type(text) if isinstance(text, str) else None for text in value.data], dtype=object)
            return Column(data, value.nulls, "text")
        if name in ("json_valid",):
            (value,) = args
            data = np.array([_json_type(text) is not None if isinstance(text, str) else False for text in value.data])
            return Column(data, value.nulls, "bool")
        raise Unsupported(f"the function {name}()")


def _equal(left: Column, right: Column) -> np.ndarray:
    if left.kind == "text":
        return np.array([a == b for a, b in zip(left.data, right.data)], dtype=bool)
    return left.data == right.data


def _compare(op: str, left: Column, right: Column) -> np.ndarray:
    if left.kind == "text":
        # PostgreSQL orders text by the database's collation; code-point order is a close guess.
        pairs = zip(left.data, right.data)
        function = {"<": lambda a, b: a < b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b}[op]
        return np.array([function(a, b) if isinstance(a, str) and isinstance(b, str) else False for a, b in pairs], dtype=bool)
    a, b = left.data, right.data
    with np.errstate(invalid="ignore"):
        if op == "<":
            return a < b
        if op == "<=":
            return a <= b
        if op == ">":
            return a > b
        return a >= b


def _text(value) -> str:
    return "" if value is None else str(value)


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _parse_time(text: str):
    try:
        value = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise Unsupported(f"the time value {text!r}") from None
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return np.datetime64(value, "us")


_INTERVAL_UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400, "week": 604800, "month": 2592000, "year": 31557600}


def _interval_seconds(value: Column) -> np.ndarray:
    out = np.zeros(len(value.data))
    for position, text in enumerate(value.data):
        total = 0.0
        for amount, unit in re.findall(r"(-?\d+(?:\.\d+)?)\s*([a-z]+)", str(text).lower()):
            unit = unit.rstrip("s")
            if unit not in _INTERVAL_UNITS:
                raise Unsupported(f"the interval {text!r}")
            total += float(amount) * _INTERVAL_UNITS[unit]
        out[position] = total
    return out




def _array_length(item) -> float:
    if isinstance(item, (list, tuple)):
        return float(len(item)) if item else -1.0
    if isinstance(item, str):
        try:
            parsed = json.loads(item)
        except ValueError:
            return -1.0
        return float(len(parsed)) if isinstance(parsed, list) and parsed else -1.0
    return -1.0


def _json_type(text: str) -> str | None:
    try:
        value = json.loads(text)
    except ValueError:
        return None
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if value is None:
        return "null"
    return "number"


# --- hints -----------------------------------------------------------------------------------


@dataclass
class Bound:
    value: object  # a number, or a datetime for time columns
    strict: bool = False


@dataclass
class ColumnHints:
    """What the CHECKs of a table say about one column."""

    low: Bound | None = None
    high: Bound | None = None
    allowed: list | None = None  # IN (…) / = constant
    excluded: list = field(default_factory=list)
    min_length: int | None = None
    max_length: int | None = None
    case: str | None = None  # lower | upper
    not_null: bool = False
    patterns: list[tuple[str, bool]] = field(default_factory=list)  # (Python regex, ignore case) every value matches
    json_type: str | None = None  # jsonb_typeof(x) = 'array' / 'object' / …

    def tighten_low(self, value, strict: bool) -> None:
        if self.low is None or _greater(value, self.low.value) or (value == self.low.value and strict):
            self.low = Bound(value, strict)

    def tighten_high(self, value, strict: bool) -> None:
        if self.high is None or _greater(self.high.value, value) or (value == self.high.value and strict):
            self.high = Bound(value, strict)


def _greater(a, b) -> bool:
    try:
        return a > b
    except TypeError:
        return False


@dataclass
class TableHints:
    columns: dict[str, ColumnHints] = field(default_factory=dict)
    order: list[tuple[str, str, bool]] = field(default_factory=list)  # (smaller, larger, strict)
    distinct: list[tuple[str, str]] = field(default_factory=list)  # a <> b
    exactly_one: list[tuple[str, ...]] = field(default_factory=list)  # one of these is non-null

    def column(self, name: str) -> ColumnHints:
        return self.columns.setdefault(name, ColumnHints())


_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "=": "=", "<>": "<>", "!=": "!="}


def constant_value(tree):
    """The Python value of a constant subtree (numbers, text, dates), or raise Unsupported."""
    tag = tree[0]
    if tag == "const":
        return tree[1]
    if tag == "neg":
        value = constant_value(tree[1])
        if isinstance(value, (int, float)):
            return -value
    if tag == "cast":
        value = constant_value(tree[1])
        base = tree[2].split("(")[0]
        if base in ("date",) and isinstance(value, str):
            return dt.datetime.combine(dt.date.fromisoformat(value.strip()), dt.time())
        if base.startswith("timestamp") and isinstance(value, str):
            parsed = dt.datetime.fromisoformat(value.strip())
            return parsed.astimezone(dt.UTC).replace(tzinfo=None) if parsed.tzinfo else parsed
        if base in ("numeric", "decimal", "real", "float8", "float4", "double precision") and isinstance(value, str):
            return float(value)
        if base in ("int", "int4", "int8", "int2", "integer", "bigint", "smallint") and isinstance(value, str):
            return int(value)
        return value
    raise Unsupported("not a constant")


def _is_col(tree) -> bool:
    return tree[0] == "col" or (tree[0] == "cast" and tree[1][0] == "col")


def _col_name(tree) -> str:
    return tree[1] if tree[0] == "col" else tree[1][1]


def collect_hints(tree, hints: TableHints) -> None:
    """Add what the shapes of one CHECK tree say to `hints` (conjuncts only; ORs mostly ignored)."""
    tag = tree[0]
    if tag == "and":
        for arg in tree[1]:
            collect_hints(arg, hints)
    elif tag == "or":
        _hints_from_or(tree[1], hints)
    elif tag == "isnull" and tree[2] and _is_col(tree[1]):
        hints.column(_col_name(tree[1])).not_null = True
    elif tag == "between" and not tree[4] and not tree[5] and _is_col(tree[1]):
        _hints_from_between(tree, hints)
    elif tag == "in" and _is_col(tree[1]):
        _hints_from_in(tree, hints)
    elif tag == "op" and tree[1] in _FLIP:
        _hints_from_comparison(tree[1], tree[2], tree[3], hints)
    elif tag == "op" and tree[1] in ("~", "~*") and _is_col(tree[2]) and tree[3][0] == "const" and isinstance(tree[3][1], str):
        hints.column(_col_name(tree[2])).patterns.append((posix_regex(tree[3][1]), tree[1] == "~*"))
    elif tag == "like" and not tree[3] and _is_col(tree[1]) and tree[2][0] == "const" and isinstance(tree[2][1], str):
        hints.column(_col_name(tree[1])).patterns.append((like_regex(tree[2][1]), tree[4]))


def _hints_from_or(args, hints: TableHints) -> None:
    """`x IS NULL OR <shape of x>`: the shape holds for every non-null x."""
    nullable = [arg for arg in args if arg[0] == "isnull" and not arg[2] and _is_col(arg[1])]
    rest = [arg for arg in args if arg not in nullable]
    if not (len(rest) == 1 and nullable):
        return
    names = {_col_name(arg[1]) for arg in nullable}
    inner = TableHints()
    collect_hints(rest[0], inner)
    if set(inner.columns) <= names:
        for name, column_hints in inner.columns.items():
            column_hints.not_null = False
            _merge(hints.column(name), column_hints)
    # `end IS NULL OR end > start`: the order holds whenever it can be checked.
    hints.order.extend(item for item in inner.order if {item[0], item[1]} & names)
    hints.distinct.extend(item for item in inner.distinct if set(item) & names)


def _hints_from_between(tree, hints: TableHints) -> None:
    """`x BETWEEN low AND high`: both bounds, inclusive."""
    try:
        low, high = constant_value(tree[2]), constant_value(tree[3])
    except (Unsupported, ValueError):
        return
    column = hints.column(_col_name(tree[1]))
    column.tighten_low(low, False)
    column.tighten_high(high, False)


def _hints_from_in(tree, hints: TableHints) -> None:
    """`x IN (…)` narrows the allowed values; `x NOT IN (…)` adds excluded ones."""
    try:
        values = [constant_value(item) for item in tree[2]]
    except (Unsupported, ValueError):
        return
    column = hints.column(_col_name(tree[1]))
    if tree[3]:
        column.excluded.extend(values)
    else:
        column.allowed = values if column.allowed is None else [v for v in column.allowed if v in values]


def _hints_from_comparison(op: str, left, right, hints: TableHints) -> None:
    """A comparison: between two columns, a column and a value (either side), a length and a
    number, or the null-counting shapes that say exactly one column of several is set."""
    if _is_col(left) and _is_col(right):
        _hints_between_columns(op, _col_name(left), _col_name(right), hints)
        return
    if not _is_col(left) and _is_col(right):
        op, left, right = _FLIP[op], right, left
    if _is_col(left):
        _hints_column_against(op, _col_name(left), right, hints)
    elif op == "=" and left[0] == "func" and left[1] in ("jsonb_typeof", "json_typeof") and len(left[2]) == 1 \
            and _is_col(left[2][0]) and right[0] == "const" and isinstance(right[1], str):
        hints.column(_col_name(left[2][0])).json_type = right[1]
    elif _is_length_of_column(left):
        _hints_from_length(op, _col_name(left[2][0]), right, hints)
    elif op in ("<>", "!=") and left[0] == "isnull" and right[0] == "isnull" and _is_col(left[1]) and _is_col(right[1]) \
            and left[2] == right[2]:
        # (a IS NULL) <> (b IS NULL): exactly one of them is set
        hints.exactly_one.append((_col_name(left[1]), _col_name(right[1])))
    elif op == "=" and left[0] == "func" and left[1] in ("num_nonnulls", "num_nulls") and all(_is_col(arg) for arg in left[2]):
        _hints_from_null_count(left, right, hints)


def _hints_between_columns(op: str, a: str, b: str, hints: TableHints) -> None:
    """`a < b`, `a >= b`, `a <> b`: an order or a difference between two columns of the row."""
    if op in ("<", "<="):
        hints.order.append((a, b, op == "<"))
    elif op in (">", ">="):
        hints.order.append((b, a, op == ">"))
    elif op in ("<>", "!="):
        hints.distinct.append((a, b))


def _hints_column_against(op: str, name: str, right, hints: TableHints) -> None:
    """`x = lower(x)` fixes the case; `x <op> constant` a value, an exclusion or a bound."""
    if op == "=" and right[0] == "func" and right[1] in ("lower", "upper") and len(right[2]) == 1 \
            and _is_col(right[2][0]) and _col_name(right[2][0]) == name:
        hints.column(name).case = right[1]
        return
    try:
        value = constant_value(right)
    except (Unsupported, ValueError):
        return
    column = hints.column(name)
    if op == "=":
        column.allowed = [value]
    elif op in ("<>", "!="):
        column.excluded.append(value)
    elif op in (">", ">="):
        column.tighten_low(value, op == ">")
    else:
        column.tighten_high(value, op == "<")


def _is_length_of_column(tree) -> bool:
    return tree[0] == "func" and tree[1] in ("length", "char_length", "character_length") and len(tree[2]) == 1 \
        and _is_col(tree[2][0])


def _hints_from_length(op: str, name: str, right, hints: TableHints) -> None:
    """`length(x) > n` and the like: a minimum, maximum or exact length of the text."""
    try:
        value = constant_value(right)
    except (Unsupported, ValueError):
        return
    if not isinstance(value, (int, float)):
        return
    column = hints.column(name)
    if op in (">", ">="):
        minimum = int(value) + (1 if op == ">" else 0)
        column.min_length = max(column.min_length or 0, minimum)
    elif op in ("<", "<="):
        maximum = int(value) - (1 if op == "<" else 0)
        column.max_length = maximum if column.max_length is None else min(column.max_length, maximum)
    elif op == "=":
        column.min_length = column.max_length = int(value)


def _hints_from_null_count(call, right, hints: TableHints) -> None:
    """`num_nonnulls(a, b, …) = 1` (or the num_nulls equivalent): exactly one of them is set."""
    try:
        value = constant_value(right)
    except (Unsupported, ValueError):
        return
    names = tuple(_col_name(arg) for arg in call[2])
    wanted_nonnull = value if call[1] == "num_nonnulls" else len(names) - value
    if wanted_nonnull == 1:
        hints.exactly_one.append(names)


def _merge(target: ColumnHints, source: ColumnHints) -> None:
    if source.low is not None:
        target.tighten_low(source.low.value, source.low.strict)
    if source.high is not None:
        target.tighten_high(source.high.value, source.high.strict)
    if source.allowed is not None:
        target.allowed = source.allowed if target.allowed is None else [v for v in target.allowed if v in source.allowed]
    target.excluded.extend(source.excluded)
    if source.min_length is not None:
        target.min_length = max(target.min_length or 0, source.min_length)
    if source.max_length is not None:
        target.max_length = source.max_length if target.max_length is None else min(target.max_length, source.max_length)
    target.case = source.case or target.case
    target.patterns.extend(source.patterns)
    target.json_type = source.json_type or target.json_type
