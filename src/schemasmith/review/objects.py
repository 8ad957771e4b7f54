"""What the review reads in the SQL a design keeps as text, parsed by pglast: the relations a view's
query reads, a function's options, what a PL/pgSQL body does, the function a trigger executes.

Every reader answers None for text pglast cannot parse, so a rule that needs the answer stays
silent rather than guess.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..dialects.registry import POSTGRES, canonical_name

#: A PL/pgSQL assignment's target (`NEW.updated_at`, `v_total`, `arr[1]`) and its `=` or `:=`.
_ASSIGNMENT_TARGET = re.compile(
    r'^\s*(?:"[^"]+"|[A-Za-z_][\w$]*)(?:\s*\.\s*(?:"[^"]+"|[A-Za-z_][\w$]*))*(?:\s*\[[^\]]*\])*\s*:?=\s*', re.DOTALL
)
#: PL/pgSQL statements that compute a value without running SQL against the database.
_ROW_ONLY_STATEMENTS = frozenset(
    {"PLpgSQL_stmt_block", "PLpgSQL_stmt_assign", "PLpgSQL_stmt_if", "PLpgSQL_stmt_return",
     "PLpgSQL_stmt_raise", "PLpgSQL_stmt_case"}
)


def in_postgres_sql(dialect: str) -> bool:
    """Whether SQL kept for this dialect is PostgreSQL's, which pglast reads."""
    return canonical_name(dialect) == POSTGRES


def parsed(sql: str) -> list[dict[str, Any]] | None:
    """The statements of `sql` as pglast's JSON tree, or None when PostgreSQL's parser rejects it."""
    from pglast.parser import ParseError, parse_sql_json

    try:
        return [item["stmt"] for item in json.loads(parse_sql_json(sql)).get("stmts", [])]
    except ParseError:
        return None


def nodes(tree: Any, kind: str) -> Iterator[dict[str, Any]]:
    """Every node of one kind (`RangeVar`, `FuncCall`, …) anywhere in a JSON tree."""
    if isinstance(tree, dict):
        for key, value in tree.items():
            if key == kind and isinstance(value, dict):
                yield value
            yield from nodes(value, kind)
    elif isinstance(tree, list):
        for item in tree:
            yield from nodes(item, kind)


def _names(items: list[dict[str, Any]]) -> tuple[str, ...]:
    return tuple(item["String"]["sval"] for item in items if "String" in item)


# --- views ---------------------------------------------------------------------------------


def relations_read(query: str) -> set[tuple[str | None, str]] | None:
    """(schema or None, name) of every relation a query reads: in joins, subqueries and CTE
    bodies; the names of the query's own CTEs left out. None when the query does not parse."""
    statements = parsed(query)
    if statements is None:
        return None
    ctes = {cte["ctename"] for cte in nodes(statements, "CommonTableExpr")}
    found = set()
    for relation in nodes(statements, "RangeVar"):
        schema = relation.get("schemaname")
        if schema is None and relation["relname"] in ctes:
            continue
        found.add((schema, relation["relname"]))
    return found


def output_names(select: dict[str, Any]) -> list[str | None]:
    """The column names a SELECT's target list gives (alias, else a plain column's own name)."""
    names = []
    for target in select.get("targetList", []):
        target = target["ResTarget"]
        if target.get("name"):
            names.append(target["name"])
            continue
        fields = target.get("val", {}).get("ColumnRef", {}).get("fields", [])
        names.append(_names(fields)[-1] if fields and "String" in fields[-1] else None)
    return names


def query_key(query: str) -> tuple[list[str], str] | None:
    """Output columns that identify a row of a query, when its shape says so, and why: the columns
    it groups by (each one in the output), or every column of a SELECT DISTINCT. None otherwise."""
    statements = parsed(query)
    if not statements or "SelectStmt" not in statements[0]:
        return None
    select = statements[0]["SelectStmt"]
    if select.get("op", "SETOP_NONE") != "SETOP_NONE":
        return None
    names = output_names(select)
    if "distinctClause" in select and select["distinctClause"] == [{}] and all(names):
        return [name for name in names if name], "the query is SELECT DISTINCT"
    groups = select.get("groupClause")
    if not groups or any(set(group) != {"ColumnRef"} for group in groups):
        return None
    values = [json.dumps(target["ResTarget"].get("val"), sort_keys=True) for target in select.get("targetList", [])]
    key = []
    for group in groups:
        wanted = _without_locations(group)
        matches = [names[position] for position, value in enumerate(values) if _without_locations(json.loads(value)) == wanted]
        if not matches or matches[0] is None:
            return None  # grouped by something the view does not show: no key among its columns
        key.append(matches[0])
    return list(dict.fromkeys(key)), "the query groups by them"


def _without_locations(tree: Any) -> Any:
    if isinstance(tree, dict):
        return {key: _without_locations(value) for key, value in tree.items() if key != "location"}
    if isinstance(tree, list):
        return [_without_locations(item) for item in tree]
    return tree


def refreshable_unique_index(definition: str | None, columns: list[str], expressions: list[str], where: str | None) -> bool:
    """Whether a unique index lets `REFRESH MATERIALIZED VIEW CONCURRENTLY` run: only column names
    as keys and no WHERE. Read from the CREATE INDEX text when the design keeps it."""
    if definition:
        statements = parsed(definition)
        if not statements or "IndexStmt" not in statements[0]:
            return False
        index = statements[0]["IndexStmt"]
        return "whereClause" not in index and all("name" in item["IndexElem"] for item in index.get("indexParams", []))
    bare = re.compile(r'^\s*(?:"[^"]+"|[A-Za-z_][\w$]*)\s*$')
    return where is None and all(bare.match(text) for text in expressions) and bool(columns or expressions)


# --- functions -----------------------------------------------------------------------------


@dataclass(frozen=True)
class FunctionFacts:
    """What a CREATE FUNCTION statement declares."""

    name: tuple[str, ...]  # ("public", "last_updated") or ("last_updated",)
    language: str
    returns_trigger: bool
    security_definer: bool
    volatility: str  # volatile | stable | immutable
    settings: frozenset[str]  # configuration parameters SET for the call: search_path, …


def function_facts(definition: str) -> FunctionFacts | None:
    statements = parsed(definition)
    if not statements or "CreateFunctionStmt" not in statements[0]:
        return None
    function = statements[0]["CreateFunctionStmt"]
    options = {}
    settings = set()
    for item in function.get("options", []):
        option = item["DefElem"]
        if option["defname"] == "set":
            settings.add(option["arg"]["VariableSetStmt"].get("name", "").lower())
        else:
            options[option["defname"]] = option.get("arg", {})
    return_type = _names(function.get("returnType", {}).get("names", []))
    return FunctionFacts(
        name=_names(function["funcname"]),
        language=options.get("language", {}).get("String", {}).get("sval", "sql").lower(),
        returns_trigger=return_type[-1:] == ("trigger",),
        security_definer=bool(options.get("security", {}).get("Boolean", {}).get("boolval", False)),
        volatility=options.get("volatility", {}).get("String", {}).get("sval", "volatile").lower(),
        settings=frozenset(settings),
    )


def _body_start(definition: str) -> int | None:
    """Where `AS $tag$` (or `AS '…'`) begins the function's body, or None."""
    match = re.search(r"(^|\s)AS\s+(\$[A-Za-z_0-9]*\$|')", definition, re.MULTILINE)
    return None if match is None else match.start(0) + len(match.group(1))


def with_clause(definition: str, clause: str) -> str | None:
    """The definition with one more clause (`SET search_path = …`, `STABLE`) before its body, on a
    line of its own when the definition is laid out as pg_get_functiondef prints it; an explicit
    VOLATILE gives way to a volatility clause. None when no body is found."""
    start = _body_start(definition)
    if start is None:
        return None
    head = definition[:start]
    if clause.upper() in ("STABLE", "IMMUTABLE") and re.search(r"\bVOLATILE\b", head, re.IGNORECASE):
        return re.sub(r"\bVOLATILE\b", clause, head, count=1, flags=re.IGNORECASE) + definition[start:]
    line_start = definition.rfind("\n", 0, start) + 1
    if definition[line_start:start].strip() == "":
        return head + f" {clause}\n" + definition[start:]
    return head + f"{clause} " + definition[start:]


def trigger_function(definition: str) -> tuple[str, ...] | None:
    """The name of the function a CREATE TRIGGER executes, as written."""
    statements = parsed(definition)
    if not statements or "CreateTrigStmt" not in statements[0]:
        return None
    return _names(statements[0]["CreateTrigStmt"]["funcname"])


def row_only_calls(definition: str) -> set[str] | None:
    """The functions a PL/pgSQL function calls when its body only computes values (assignments,
    IF, CASE, RAISE, RETURN over expressions that read no relation); None when the body runs
    any SQL statement (SELECT INTO, PERFORM, INSERT, EXECUTE, a loop over a query, …), reads a
    relation inside an expression, or does not parse. Names are lower-case, schema-qualified
    when written so (`pg_catalog.now`)."""
    from pglast.parser import ParseError, parse_plpgsql_json

    try:
        functions = json.loads(parse_plpgsql_json(definition))
    except ParseError:
        return None
    calls: set[str] = set()
    if not _row_only(functions[0]["PLpgSQL_function"].get("action"), calls):
        return None
    return calls


def _row_only(tree: Any, calls: set[str]) -> bool:
    if isinstance(tree, list):
        return all(_row_only(item, calls) for item in tree)
    if not isinstance(tree, dict):
        return True
    for key, value in tree.items():
        if key.startswith("PLpgSQL_stmt_") and key not in _ROW_ONLY_STATEMENTS:
            return False
        if key == "PLpgSQL_expr":
            # parse modes 3 to 5 are an assignment's `target := value` (RAW_PARSE_PLPGSQL_ASSIGNn)
            if not _expression_reads_nothing(value["query"], calls, value.get("parseMode", 0) >= 3):
                return False
        elif not _row_only(value, calls):
            return False
    return True


def _expression_reads_nothing(text: str, calls: set[str], assignment: bool) -> bool:
    if assignment:
        target = _ASSIGNMENT_TARGET.match(text)
        if target is None:
            return False
        text = text[target.end():]
    statements = parsed(f"SELECT {text}")
    if statements is None or next(nodes(statements, "RangeVar"), None) is not None:
        return False
    calls.update(".".join(_names(call["funcname"])).lower() for call in nodes(statements, "FuncCall"))
    return True
