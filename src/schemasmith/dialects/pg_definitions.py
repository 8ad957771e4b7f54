"""What the SQL bodies a design keeps say about their objects, read with PostgreSQL's own parser.

A view's query names the relations it reads (so views can be created in dependency order, and
the views over a changed table found); a routine's definition says whether it is a procedure,
which types its arguments and result use (a table's row type puts it after the tables) and
whether its body is parsed at creation (`BEGIN ATOMIC`). Each definition is also checked to be
exactly one statement of the expected kind, so a design cannot smuggle a second one into DDL.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import Problem, SchemaError

#: The schema whose objects are written without `schema.` in the design.
DEFAULT_SCHEMA = "public"


def split_name(name: str) -> tuple[str | None, str]:
    """(`schema` or None, `name`) of a design key `schema.name` (a key without a dot: default schema)."""
    schema, dot, rest = name.partition(".")
    if dot and schema and rest:
        return (None if schema == DEFAULT_SCHEMA else schema), rest
    return None, name


def design_key(schema: str | None, name: str) -> str:
    """The design's key for an object: `name` in the default schema, else `schema.name`."""
    return name if schema in (None, DEFAULT_SCHEMA) else f"{schema}.{name}"


def normal_key(name: str) -> str:
    """`public.orders` and `orders` as one key."""
    return design_key(*split_name(name))


def split_signature(signature: str) -> tuple[str, str]:
    """(`name`, `argument types`) of a routine key `name(argtypes)`; an error when it has no parentheses."""
    text = signature.strip()
    start = -1
    in_quotes = False
    for position, character in enumerate(text):
        if character == '"':
            in_quotes = not in_quotes
        elif not in_quotes and character == "(" and start < 0:
            start = position
    if start <= 0 or not text.endswith(")"):
        raise SchemaError(
            "a function key is not a signature",
            [Problem(f"functions are keyed by their signature, name(argument types): {signature!r}", where=f"functions.{signature}")],
        )
    return text[:start].strip(), text[start + 1 : -1].strip()


def walk(node):
    """Every pglast node under `node` (itself included)."""
    from pglast import ast

    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, (tuple, list)):
            stack.extend(current)
            continue
        if not isinstance(current, ast.Node):
            continue
        yield current
        for attribute in current.__slots__:
            value = getattr(current, attribute, None)
            if isinstance(value, (ast.Node, tuple, list)):
                stack.append(value)


def parse_one(sql: str, kinds: tuple[str, ...], where: str, what: str):
    """The one statement of `sql`, of one of the node `kinds`; SchemaError naming `where` otherwise."""
    from pglast import parse_sql

    try:
        statements = parse_sql(sql)
    except Exception as error:  # noqa: BLE001 - the parser's message is the reason
        raise SchemaError("the design holds SQL PostgreSQL cannot parse", [Problem(f"{what}: {error}", where=where)]) from None
    if len(statements) != 1 or type(statements[0].stmt).__name__ not in kinds:
        raise SchemaError(
            "the design holds SQL that is not the one statement it should be",
            [Problem(f"{what} must be exactly one {' or '.join(kinds)} statement", where=where)],
        )
    return statements[0].stmt


# --- views -----------------------------------------------------------------------------------


@dataclass
class QueryFacts:
    """What a view's query reads: relations (design keys), column names it mentions, whether it uses `*`."""

    relations: set[str] = field(default_factory=set)
    columns: set[str] = field(default_factory=set)
    whole_rows: bool = False  # `*`, `t.*`, a whole-row reference or NATURAL JOIN: every column counts
    outputs: list[str] | None = None  # the names of its result columns (None when `*` hides them)
    targets: list[str] = field(default_factory=list)  # each result column's expression, printed


def query_facts(query: str, where: str = "") -> QueryFacts:
    """The facts of one view query (SchemaError when it is not one SELECT)."""
    from pglast import ast
    from pglast.stream import RawStream

    select = parse_one(query, ("SelectStmt",), where, "a view's query")
    facts = QueryFacts()
    ctes = {node.ctename for node in walk(select) if isinstance(node, ast.CommonTableExpr)}
    aliases: set[str] = set()
    for node in walk(select):
        if isinstance(node, ast.RangeVar):
            aliases.add(node.alias.aliasname if node.alias else node.relname)
            if node.schemaname is None and node.relname in ctes:
                continue
            facts.relations.add(design_key(node.schemaname, node.relname))
        elif isinstance(node, ast.ColumnRef):
            names = [getattr(part, "sval", None) for part in node.fields]
            if any(isinstance(part, ast.A_Star) for part in node.fields):
                facts.whole_rows = True
            facts.columns.update(name for name in names if name)
        elif isinstance(node, ast.JoinExpr):
            if node.isNatural:
                facts.whole_rows = True
            facts.columns.update(part.sval for part in (node.usingClause or ()) if isinstance(part, ast.String))
    if facts.columns & aliases:
        facts.whole_rows = True  # `SELECT t FROM t`: a whole-row value
    first = select
    while first.larg is not None:  # UNION: the first branch names the columns
        first = first.larg
    outputs, targets = [], []
    for target in first.targetList or ():
        if isinstance(target.val, ast.ColumnRef) and isinstance(target.val.fields[-1], ast.A_Star):
            outputs = None
            break
        if target.name:
            outputs.append(target.name)
        elif isinstance(target.val, ast.ColumnRef):
            outputs.append(target.val.fields[-1].sval)
        elif isinstance(target.val, ast.FuncCall):
            outputs.append(target.val.funcname[-1].sval)
        else:
            outputs.append("?column?")
        targets.append(RawStream()(target.val))
    facts.outputs = outputs
    facts.targets = targets if outputs is not None else []
    return facts


def dependency_order(keys: list[str], depends_on: dict[str, set[str]], later: set[str] = frozenset()) -> list[str]:
    """`keys` so that each comes after the keys it depends on; ties in the given order, `later` ones last.

    A cycle (which PostgreSQL would refuse anyway) keeps the remaining keys in the given order.
    """
    position = {key: index for index, key in enumerate(keys)}
    waiting = {key: {other for other in depends_on.get(key, set()) if other in position and other != key} for key in keys}
    done: list[str] = []
    placed: set[str] = set()
    while len(done) < len(keys):
        ready = [key for key in keys if key not in placed and waiting[key] <= placed]
        if not ready:
            ready = [key for key in keys if key not in placed]  # a cycle: document order
        key = min(ready, key=lambda item: (item in later, position[item]))
        done.append(key)
        placed.add(key)
    return done


# --- routines --------------------------------------------------------------------------------


@dataclass
class RoutineFacts:
    """What a `CREATE FUNCTION` / `CREATE PROCEDURE` definition says about the routine."""

    is_procedure: bool
    type_names: set[str]  # design keys of the named types of its arguments and result (row types included)
    atomic_body: bool  # BEGIN ATOMIC / RETURN expr: parsed, and its dependencies checked, at creation
    result: str  # RETURNS …, printed ("" for a procedure)
    parameters: list[tuple[str, str, str, bool]]  # (name, mode, type, has default)
    is_aggregate: bool = False

    @property
    def kind(self) -> str:
        """The word DROP, COMMENT ON and GRANT … ON use for it."""
        return "AGGREGATE" if self.is_aggregate else "PROCEDURE" if self.is_procedure else "FUNCTION"


def routine_facts(definition: str, where: str = "") -> RoutineFacts:
    """The facts of a routine definition (SchemaError when it is not one CREATE FUNCTION/PROCEDURE)."""
    from pglast import ast
    from pglast.stream import RawStream

    statement = parse_one(definition, ("CreateFunctionStmt", "DefineStmt"), where, "a function's definition")
    if isinstance(statement, ast.DefineStmt):
        return _aggregate_facts(statement, where)
    names: set[str] = set()
    types = [statement.returnType] if statement.returnType is not None else []
    types += [parameter.argType for parameter in statement.parameters or () if parameter.argType is not None]
    for type_name in types:
        parts = [part.sval for part in type_name.names or () if isinstance(part, ast.String)]
        if type_name.pct_type and len(parts) > 1:
            parts = parts[:-1]  # orders.id%TYPE names the table orders
        if len(parts) == 1:
            names.add(parts[0])
        elif len(parts) >= 2 and parts[-2] != "pg_catalog":
            names.add(design_key(parts[-2], parts[-1]))
    parameters = [
        (parameter.name or "", str(parameter.mode), RawStream()(parameter.argType), parameter.defexpr is not None)
        for parameter in statement.parameters or ()
    ]
    result = RawStream()(statement.returnType) if statement.returnType is not None else ""
    return RoutineFacts(bool(statement.is_procedure), names, statement.sql_body is not None, result, parameters)


def _aggregate_facts(statement, where: str) -> RoutineFacts:
    """CREATE AGGREGATE: the one DefineStmt a `functions` entry may hold."""
    from pglast.enums import ObjectType

    from ..errors import Problem, SchemaError

    if statement.kind != ObjectType.OBJECT_AGGREGATE:
        raise SchemaError("the design holds SQL that is not the one statement it should be",
                          [Problem("a function's definition must be CREATE FUNCTION, PROCEDURE or AGGREGATE", where=where)])
    return RoutineFacts(False, set(), False, "", [], is_aggregate=True)


def trigger_function(definition: str) -> str | None:
    """The design key of the function a `CREATE TRIGGER` definition executes (None when unreadable)."""
    from pglast import parse_sql

    try:
        statements = parse_sql(definition)
    except Exception:  # noqa: BLE001 - an unreadable trigger names no function
        return None
    if len(statements) != 1 or type(statements[0].stmt).__name__ != "CreateTrigStmt":
        return None
    parts = [part.sval for part in statements[0].stmt.funcname]
    return design_key(parts[-2] if len(parts) > 1 else None, parts[-1])
