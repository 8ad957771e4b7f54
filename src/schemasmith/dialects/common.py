"""What every dialect reads the same way: the design's SQL expressions and literal defaults.

Expressions in a design are written in PostgreSQL's SQL (the design's own language), so every
dialect checks them with the same parser before translating them; literal defaults (numbers,
booleans, text) are validated the same way whatever the target. Table creation order is shared
too. Nothing here spells anything for one dialect: quoting is the dialect object's.
"""

from __future__ import annotations

import math
import re

from ..errors import Problem, SchemaError
from ..model.document import Design, Table
from ..model.types import PortableType

INTEGER_TEXT = re.compile(r"^[+-]?\d+$")
NUMBER_TEXT = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")
#: How people write the floating-point values that have no numeric literal, and their SQL names.
SPECIAL_FLOATS = {"nan": "NaN", "infinity": "Infinity", "+infinity": "Infinity", "-infinity": "-Infinity", "inf": "Infinity", "-inf": "-Infinity"}
#: Words a boolean default may be written as (YAML and PostgreSQL's input forms).
BOOLEAN_WORDS = {"true": True, "t": True, "yes": True, "y": True, "on": True, "1": True,
                 "false": False, "f": False, "no": False, "n": False, "off": False, "0": False}


# --- expressions -----------------------------------------------------------------------------


def parse_expression(text: str):
    """The pglast node of one SQL expression, or None when `text` is not exactly one expression.

    `SELECT (text)` must parse to a bare SELECT of one value: text that closes the parenthesis
    and goes on (`1); DROP TABLE x; --`, `a) FROM t WHERE (b`) is refused.
    """
    try:
        from pglast import parse_sql
    except ImportError:  # pragma: no cover - pglast is a dependency
        return None
    try:
        statements = parse_sql(f"SELECT ({text})")
    except Exception:  # noqa: BLE001 - any parse failure means "not one expression"
        return None
    if len(statements) != 1:
        return None
    select = statements[0].stmt
    if type(select).__name__ != "SelectStmt" or not select.targetList or len(select.targetList) != 1:
        return None
    for field in ("distinctClause", "intoClause", "fromClause", "whereClause", "groupClause", "havingClause",
                  "windowClause", "valuesLists", "sortClause", "limitOffset", "limitCount", "lockingClause",
                  "withClause", "larg", "rarg"):
        if getattr(select, field, None):
            return None
    target = select.targetList[0]
    if getattr(target, "name", None):
        return None
    return target.val


def checked_expression(text: str, where: str, what: str) -> str:
    """`text` stripped, after checking it is one SQL expression (SchemaError naming `where`)."""
    stripped = text.strip()
    if not stripped or parse_expression(stripped) is None:
        raise SchemaError(
            "the design holds SQL that is not a single expression",
            [Problem(f"{what} {text!r} is not one SQL expression PostgreSQL can parse", where=where)],
        )
    return stripped


def function_name(text: str) -> str | None:
    """`now` for `now()`, `gen_random_uuid` for `public.gen_random_uuid()`; None for anything else."""
    node = parse_expression(text)
    if type(node).__name__ == "FuncCall" and not node.args:
        return node.funcname[-1].sval.lower()
    return None


# --- literal defaults ------------------------------------------------------------------------


class SpecialNumber(str):
    """`NaN`, `Infinity` or `-Infinity`: a number with no numeric literal (a string where it exists)."""


def number_text(value, where: str, integer: bool) -> str:
    """A numeric literal's SQL text (a `SpecialNumber` for NaN/Infinity), or SchemaError naming `where`."""
    def bad(reason: str) -> SchemaError:
        return SchemaError("a default does not fit its column", [Problem(f"default {value!r} {reason}", where=where)])

    if isinstance(value, bool):
        raise bad("is a boolean, the column is numeric")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            if integer:
                raise bad("is not an integer")
            return SpecialNumber("NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity"))
        if integer:
            if value.is_integer():
                return str(int(value))
            raise bad("is not an integer")
        return repr(value)
    text = str(value).strip()
    if integer:
        if INTEGER_TEXT.match(text):
            return str(int(text))
        raise bad("is not an integer")
    if NUMBER_TEXT.match(text):
        return text
    if text.lower() in SPECIAL_FLOATS:
        return SpecialNumber(SPECIAL_FLOATS[text.lower()])
    raise bad("is not a number")


def boolean_value(value, where: str) -> bool:
    """A boolean default as True/False, or SchemaError naming `where`."""
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in BOOLEAN_WORDS:
        return BOOLEAN_WORDS[word]
    raise SchemaError("a default does not fit its column", [Problem(f"default {value!r} is not a boolean", where=where)])


def literal_text(value) -> str:
    """A literal default as the text a text column stores (YAML's `yes` is the string 'true')."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def fitting_text(portable: PortableType, value, where: str) -> str:
    """`literal_text(value)`, after checking it fits a `varchar(n)` column (SchemaError otherwise)."""
    text = literal_text(value)
    if portable.kind == "varchar" and portable.length is not None and len(text) > portable.length:
        raise SchemaError(
            "a default does not fit its column",
            [Problem(f"default {text!r} is longer than varchar({portable.length})", where=where)],
        )
    return text


def number_from_text(text: str):
    """An int or float from a numeric literal's text; special values (NaN, Infinity) stay text."""
    if INTEGER_TEXT.match(text):
        return int(text)
    if NUMBER_TEXT.match(text):
        return float(text)
    return text


# --- table order -----------------------------------------------------------------------------


def referenced_key_is_constraint(target: Table, columns: list[str]) -> bool:
    """Whether a foreign key's referenced columns are a primary key or UNIQUE constraint."""
    keys = [target.primary_key] + [unique.columns for unique in target.unique]
    return any(key and sorted(key) == sorted(columns) for key in keys)


def plan_tables(design: Design) -> tuple[list[str], set[tuple[str, int]]]:
    """Tables in creation order, and the foreign keys (table, position) added after all tables.

    A table waits for the tables it references; design order breaks ties. When only cycles
    remain, the first remaining table in design order is created and its foreign keys into
    tables not yet created are deferred to ALTER TABLE at the end. A foreign key whose target
    key is only a unique index (created after its table) is deferred when its target is the
    table itself.
    """
    from ..model.ordering import creation_order

    created = creation_order(design)
    deferred: set[tuple[str, int]] = set()
    earlier: set[str] = set()
    for name in created:
        table = design.tables[name]
        for position, foreign_key in enumerate(table.foreign_keys):
            target_name = foreign_key.references.table
            target = design.tables.get(target_name)
            if (target_name != name and target_name not in earlier) or (
                target_name == name
                and target is not None
                and not referenced_key_is_constraint(target, foreign_key.references.columns)
            ):
                deferred.add((name, position))
        earlier.add(name)
    return created, deferred


def without_columnless_tables(design: Design, database: str) -> tuple[Design, list[str]]:
    """`design` without its tables that have no columns, and a warning for each.

    PostgreSQL holds `CREATE TABLE t ()`; SQLite and MySQL refuse it, so their DDL leaves such a
    table out and says so, rather than write a file that does not apply.
    """
    empty = [name for name, table in design.tables.items() if not table.columns]
    if not empty:
        return design, []
    tables = {name: table for name, table in design.tables.items() if table.columns}
    warnings = [f"{name}: a table without columns; {database} cannot hold one, so it is left out" for name in empty]
    return design.model_copy(update={"tables": tables}), warnings
