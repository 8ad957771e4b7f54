"""Queries of the workload: read them (design `queries:`, a YAML list, or a .sql file), parse them
with pglast (the real PostgreSQL parser), resolve every table and column (aliases included)
against the design, count joins, and extract the facts the index advisor needs.

Parameters are written `:name`. For parsing and EXPLAIN they become `$1…` (the same name, the same
number); string literals, quoted identifiers, comments and `::` casts are left alone.

A `.sql` queries file: statements separated by `;`, each preceded by comment lines
`-- id: project_board`, `-- story: As a …`, `-- frequency: 2000/hour` (all optional; an id
defaults to `q1`, `q2`, … by position).
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path

import pglast
from pglast import ast, enums
from pglast.stream import RawStream

from ..errors import SchemasmithError
from ..model.document import Design, Query


class WorkloadError(SchemasmithError):
    """A queries file or a query that cannot be used: the message names the query id."""


# ---------------------------------------------------------------------------------------------
# reading queries files


def load_queries(path: str | Path) -> list[Query]:
    file = Path(path)
    if not file.exists():
        raise WorkloadError(f"{file}: no such queries file")
    text = file.read_text(encoding="utf-8")
    if file.suffix.lower() == ".sql":
        return parse_sql_file(text, str(file))
    if file.suffix.lower() in (".yaml", ".yml"):
        import yaml

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as error:
            raise WorkloadError(f"{file}: not valid YAML: {error}") from None
        if isinstance(data, dict) and "queries" in data:
            data = data["queries"]
        if not isinstance(data, list):
            raise WorkloadError(f"{file}: expected a list of queries (id, story, sql, frequency), or a mapping with `queries:`")
        queries = []
        for number, item in enumerate(data, start=1):
            if not isinstance(item, dict) or not ("sql" in item or "story" in item):
                raise WorkloadError(f"{file}: query {number}: needs `sql` (and usually id and story), or a `story` not covered yet")
            item = {"id": f"q{number}", "sql": "", **item}
            if item["sql"] is None:
                item["sql"] = ""
            try:
                queries.append(Query(**item))
            except Exception as error:  # noqa: BLE001 - pydantic's message, with the place
                raise WorkloadError(f"{file}: query {item.get('id')}: {error}") from None
        _unique_ids(queries, str(file))
        return queries
    raise WorkloadError(f"{file}: a queries file is .yaml (a list like the design's `queries:`) or .sql (with `-- story:` comments)")


def _unique_ids(queries: list[Query], where: str) -> None:
    seen = set()
    for query in queries:
        if query.id in seen:
            raise WorkloadError(f"{where}: query id {query.id!r} appears twice")
        seen.add(query.id)


def parse_sql_file(text: str, where: str = "queries.sql") -> list[Query]:
    queries: list[Query] = []
    meta: dict[str, str] = {}
    for statement, comments in _split_statements(text):
        for comment in comments:
            match = re.match(r"^\s*(id|story|frequency)\s*:\s*(.+?)\s*$", comment, re.IGNORECASE)
            if match:
                meta[match[1].lower()] = match[2]
        if not statement.strip():
            if meta.get("story"):  # a story with no statement after it: listed, uncovered
                queries.append(Query(id=meta.get("id", f"q{len(queries) + 1}"), story=meta["story"], frequency=meta.get("frequency"), sql=""))
                meta = {}
            continue
        queries.append(Query(id=meta.get("id", f"q{len(queries) + 1}"), story=meta.get("story"), frequency=meta.get("frequency"), sql=statement.strip()))
        meta = {}
    if not queries:
        raise WorkloadError(f"{where}: no SQL statements found")
    _unique_ids(queries, where)
    return queries


def _split_statements(text: str):
    """(statement, comment lines before it) pairs; quotes, dollar quotes and comments respected."""
    statement, comments = [], []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if text.startswith("--", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
            if not "".join(statement).strip():
                comments.append(text[i + 2 : end])
            i = end
            continue
        if text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = n if end < 0 else end + 2
            continue
        if char in ("'", '"'):
            end = i + 1
            while end < n:
                if text[end] == char:
                    if end + 1 < n and text[end + 1] == char:
                        end += 2
                        continue
                    break
                end += 1
            statement.append(text[i : end + 1])
            i = end + 1
            continue
        if char == "$":
            match = re.match(r"\$[A-Za-z_]*\$", text[i:])
            if match:
                tag = match[0]
                end = text.find(tag, i + len(tag))
                end = n if end < 0 else end + len(tag)
                statement.append(text[i:end])
                i = end
                continue
        if char == ";":
            yield "".join(statement), comments
            statement, comments = [], []
            i += 1
            continue
        statement.append(char)
        i += 1
    if "".join(statement).strip() or comments:
        yield "".join(statement), comments


def bind_names(sql: str) -> tuple[str, list[str]]:
    """`:name` → `$n` outside literals, quoted identifiers, comments and `::` casts."""
    out, names = [], []
    i, n = 0, len(sql)
    while i < n:
        char = sql[i]
        if char in ("'", '"'):
            end = i + 1
            while end < n:
                if sql[end] == char:
                    if end + 1 < n and sql[end + 1] == char:
                        end += 2
                        continue
                    break
                end += 1
            out.append(sql[i : end + 1])
            i = end + 1
            continue
        if sql.startswith("--", i):
            end = sql.find("\n", i)
            end = n if end < 0 else end
            out.append(sql[i:end])
            i = end
            continue
        if sql.startswith("::", i):
            out.append("::")
            i += 2
            continue
        if char == ":":
            match = re.match(r":([A-Za-z_][A-Za-z0-9_]*)", sql[i:])
            if match:
                name = match[1]
                if name not in names:
                    names.append(name)
                out.append(f"${names.index(name) + 1}")
                i += len(match[0])
                continue
        out.append(char)
        i += 1
    return "".join(out), names


# ---------------------------------------------------------------------------------------------
# analysis


@dataclass
class Predicate:
    """One conjunct of a WHERE/ON that the advisor can use."""

    kind: str  # eq, range, filter (constant on a column), null, gin, expr_eq, join
    table: str | None  # table name (alias resolved)
    column: str | None = None
    op: str | None = None
    text: str | None = None  # the constant filter / expression, alias-free (`status <> 'done'`)
    other: tuple[str, str] | None = None  # join: the other side (table, column)
    param: str | None = None  # the parameter compared with, if any


@dataclass
class AnalysedQuery:
    query: Query
    sql: str  # with $n parameters
    params: list[str]
    tables: list[str] = field(default_factory=list)  # base tables, in FROM order, repeats removed
    aliases: dict[str, str] = field(default_factory=dict)
    columns: list[tuple[str, str]] = field(default_factory=list)
    joins: int = 0
    problems: list[str] = field(default_factory=list)
    predicates: list[Predicate] = field(default_factory=list)
    order_by: list[tuple[str, str, bool]] = field(default_factory=list)  # (table, column, descending)
    group_by: list[tuple[str, str]] = field(default_factory=list)
    selected: list[tuple[str, str]] = field(default_factory=list)
    param_columns: dict[str, tuple[str, str]] = field(default_factory=dict)  # param → compared column
    kind: str = "select"
    star: bool = False


_COMPARE = {"=", "<", ">", "<=", ">=", "<>", "!="}
_RANGE = {"<", ">", "<=", ">="}
_FLIP = {"<": ">", ">": "<", "<=": ">=", ">=": "<=", "=": "=", "<>": "<>", "!=": "!="}


def _is_value(node) -> bool:
    """A parameter, constant, cast of one, or a function of no columns (current_date, now())."""
    if isinstance(node, (ast.ParamRef, ast.A_Const, ast.SQLValueFunction)):
        return True
    if isinstance(node, ast.TypeCast):
        return _is_value(node.arg)
    if isinstance(node, ast.FuncCall):
        return all(_is_value(arg) for arg in (node.args or ()))
    if isinstance(node, ast.A_Expr) and node.kind == enums.A_Expr_Kind.AEXPR_OP:
        return _is_value(node.lexpr) and _is_value(node.rexpr) if node.lexpr is not None else _is_value(node.rexpr)
    return False


def _is_constant(node) -> bool:
    if isinstance(node, ast.A_Const):
        return True
    if isinstance(node, ast.TypeCast):
        return _is_constant(node.arg)
    return False


def _param_of(node) -> str | None:
    if isinstance(node, ast.TypeCast):
        node = node.arg
    return f"${node.number}" if isinstance(node, ast.ParamRef) else None


def _children(node):
    for name in node.__slots__:
        value = getattr(node, name, None)
        if isinstance(value, ast.Node):
            yield value
        elif isinstance(value, tuple):
            for item in value:
                if isinstance(item, ast.Node):
                    yield item


def _deparse(node) -> str:
    return RawStream()(node)


def _strip_aliases(node):
    """A copy of an expression with every column reference reduced to its column name."""
    node = copy.deepcopy(node)
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, ast.ColumnRef) and len(current.fields) > 1:
            current.fields = (current.fields[-1],)
        stack.extend(_children(current))
    return node


class _Analyser:
    def __init__(self, design: Design, analysed: AnalysedQuery):
        self.design = design
        self.result = analysed
        self.ctes: set[str] = set()

    def fail(self, message: str) -> None:
        if message not in self.result.problems:
            self.result.problems.append(message)

    # scopes: list of dicts alias → table name (None for derived tables)
    def statement(self, node) -> None:
        if isinstance(node, ast.SelectStmt):
            self.select(node, [], top=True)
        elif isinstance(node, (ast.UpdateStmt, ast.DeleteStmt, ast.InsertStmt)):
            self.result.kind = type(node).__name__[:-4].lower()
            if node.withClause:
                self.with_clause(node.withClause, [])
            scope: dict[str, str | None] = {}
            self.range_item(node.relation, scope, [])
            extra = getattr(node, "fromClause", None) or getattr(node, "usingClause", None) or ()
            for item in extra:
                self.range_item(item, scope, [])
            self.result.joins += max(0, len(scope) - 1)
            scopes = [scope]
            if isinstance(node, ast.InsertStmt):
                table = next(iter(scope.values()))
                for target in node.cols or ():
                    self.column(table, target.name)
                if node.selectStmt is not None:
                    self.select(node.selectStmt, [], top=False)
                return
            for target in getattr(node, "targetList", None) or ():
                if isinstance(target, ast.ResTarget) and target.name:
                    self.column(next(iter(scope.values())), target.name)
                    self.expression(target.val, scopes)
            if node.whereClause is not None:
                self.where(node.whereClause, scopes, collect=True)
        else:
            self.fail(f"only SELECT, INSERT, UPDATE and DELETE are workload queries, not {type(node).__name__}")

    def with_clause(self, clause, outer) -> None:
        for cte in clause.ctes or ():
            self.ctes.add(cte.ctename)
            self.select(cte.ctequery, outer, top=False)

    def select(self, node, outer: list[dict], top: bool) -> None:
        if not isinstance(node, ast.SelectStmt):
            self.statement(node)
            return
        if node.withClause:
            self.with_clause(node.withClause, outer)
        if node.op != enums.SetOperation.SETOP_NONE:
            self.select(node.larg, outer, top=False)
            self.select(node.rarg, outer, top=False)
            return
        scope: dict[str, str | None] = {}
        quals = []
        for item in node.fromClause or ():
            quals.extend(self.range_item(item, scope, outer))
        self.result.joins += max(0, len(scope) - 1)
        scopes = [scope] + outer
        output_names = {target.name for target in node.targetList or () if isinstance(target, ast.ResTarget) and target.name}
        for target in node.targetList or ():
            value = target.val if isinstance(target, ast.ResTarget) else target
            if isinstance(value, ast.ColumnRef) and isinstance(value.fields[-1], ast.A_Star):
                self.result.star = self.result.star or top
                if len(value.fields) > 1:
                    self.resolve(value, scopes)
                continue
            resolved = self.expression(value, scopes)
            if top:
                self.result.selected.extend(resolved)
        for qual in quals:
            self.where(qual, scopes, collect=top)
        if node.whereClause is not None:
            self.where(node.whereClause, scopes, collect=top)
        for item in node.groupClause or ():
            resolved = self.expression(item, scopes, output_names)
            if top and isinstance(item, ast.ColumnRef) and resolved:
                self.result.group_by.append(resolved[0])
        if node.havingClause is not None:
            self.expression(node.havingClause, scopes, output_names)
        for item in node.sortClause or ():
            resolved = self.expression(item.node, scopes, output_names)
            if top and isinstance(item.node, ast.ColumnRef) and resolved:
                self.result.order_by.append((*resolved[0], item.sortby_dir == enums.SortByDir.SORTBY_DESC))
        for item in (node.valuesLists or ()):
            for value in item:
                self.expression(value, scopes)

    def range_item(self, item, scope: dict, outer: list[dict]) -> list:
        """Add a FROM item to the scope; returns the join conditions found (ON clauses)."""
        if isinstance(item, ast.RangeVar):
            name = item.relname
            alias = item.alias.aliasname if item.alias else name
            if name in self.ctes and not item.schemaname:
                scope[alias] = None
                return []
            if name not in self.design.tables:
                self.fail(f"table {name} does not exist")
                scope[alias] = None
                return []
            scope[alias] = name
            self.result.aliases[alias] = name
            if name not in self.result.tables:
                self.result.tables.append(name)
            return []
        if isinstance(item, ast.JoinExpr):
            quals = self.range_item(item.larg, scope, outer) + self.range_item(item.rarg, scope, outer)
            for column in item.usingClause or ():
                for table in [t for t in scope.values() if t]:
                    if column.sval not in self.design.tables[table].columns:
                        continue
                    self.result.columns.append((table, column.sval))
            if item.quals is not None:
                quals.append(item.quals)
            return quals
        if isinstance(item, ast.RangeSubselect):
            self.select(item.subquery, outer if not item.lateral else [scope] + outer, top=False)
            scope[item.alias.aliasname if item.alias else f"subquery{len(scope)}"] = None
            return []
        if isinstance(item, ast.RangeFunction):
            scope[item.alias.aliasname if item.alias else f"function{len(scope)}"] = None
            return []
        self.fail(f"unsupported FROM item {type(item).__name__}")
        return []

    def column(self, table: str | None, column: str) -> tuple[str, str] | None:
        if table is None:
            return None
        if column not in self.design.tables[table].columns:
            self.fail(f"column {table}.{column} does not exist")
            return None
        if (table, column) not in self.result.columns:
            self.result.columns.append((table, column))
        return (table, column)

    def resolve(self, ref: ast.ColumnRef, scopes: list[dict], output_names: set[str] = frozenset()) -> tuple[str, str] | None:
        fields = [f.sval if isinstance(f, ast.String) else "*" for f in ref.fields]
        if len(fields) >= 2:
            alias, column = fields[-2], fields[-1]
            for scope in scopes:
                if alias in scope:
                    if column == "*":
                        return None
                    return self.column(scope[alias], column)
            self.fail(f"{alias}.{column}: no table or alias {alias} in the query")
            return None
        column = fields[0]
        for scope in scopes:
            owners = [table for table in scope.values() if table and column in self.design.tables[table].columns]
            if len(owners) > 1 and len(set(owners)) > 1:
                self.fail(f"column {column} is ambiguous: it is in {', '.join(sorted(set(owners)))}")
                return None
            if owners:
                return self.column(owners[0], column)
            if any(table is None for table in scope.values()):
                return None  # a derived table or CTE may have it
        if column in output_names:
            return None
        where = ", ".join(sorted({t for scope in scopes for t in scope.values() if t})) or "no table"
        self.fail(f"column {column} does not exist in {where}")
        return None

    def expression(self, node, scopes: list[dict], output_names: set[str] = frozenset()) -> list[tuple[str, str]]:
        """Resolve every column of an expression (sub-selects get their own scope)."""
        found = []
        stack = [node]
        while stack:
            current = stack.pop()
            if current is None:
                continue
            if isinstance(current, ast.ColumnRef):
                resolved = self.resolve(current, scopes, output_names)
                if resolved:
                    found.append(resolved)
                continue
            if isinstance(current, ast.SelectStmt):
                self.select(current, scopes, top=False)
                continue
            if isinstance(current, ast.SubLink):
                self.select(current.subselect, scopes, top=False)
                if current.testexpr is not None:
                    stack.append(current.testexpr)
                continue
            stack.extend(_children(current))
        return found

    def where(self, node, scopes: list[dict], collect: bool) -> None:
        self.expression(node, scopes)
        if not collect:
            return
        for conjunct in _conjuncts(node):
            predicate = self.predicate(conjunct, scopes)
            if predicate:
                self.result.predicates.append(predicate)

    def predicate(self, node, scopes) -> Predicate | None:
        quiet = _Quiet(self)
        if isinstance(node, ast.NullTest) and isinstance(node.arg, ast.ColumnRef):
            resolved = quiet.resolve(node.arg, scopes)
            if resolved:
                negated = node.nulltesttype == enums.NullTestType.IS_NOT_NULL
                from ..dialects.postgres import quote_identifier

                text = f"{quote_identifier(resolved[1])} IS {'NOT ' if negated else ''}NULL"
                return Predicate("null", resolved[0], resolved[1], text=text)
            return None
        if not isinstance(node, ast.A_Expr):
            return None
        op = node.name[-1].sval if node.name else None
        if node.kind == enums.A_Expr_Kind.AEXPR_IN and isinstance(node.lexpr, ast.ColumnRef):
            resolved = quiet.resolve(node.lexpr, scopes)
            return Predicate("eq", *resolved, op="in") if resolved else None
        if node.kind in (enums.A_Expr_Kind.AEXPR_BETWEEN, enums.A_Expr_Kind.AEXPR_BETWEEN_SYM) and isinstance(node.lexpr, ast.ColumnRef):
            resolved = quiet.resolve(node.lexpr, scopes)
            return Predicate("range", *resolved, op="between") if resolved else None
        if node.kind != enums.A_Expr_Kind.AEXPR_OP or node.lexpr is None:
            return None
        left, right = node.lexpr, node.rexpr
        if op == "@@":
            vector = left if isinstance(left, ast.FuncCall) else right
            if isinstance(vector, ast.FuncCall) and vector.funcname[-1].sval == "to_tsvector":
                columns = quiet.expression(vector, scopes)
                if columns:
                    return Predicate("gin", columns[0][0], columns[0][1], op=op, text=_deparse(_strip_aliases(vector)))
            if isinstance(vector, ast.ColumnRef):
                resolved = quiet.resolve(vector, scopes)
                return Predicate("gin", *resolved, op=op, text=resolved[1]) if resolved else None
            return None
        if op in ("@>", "<@", "?", "?|", "?&") and isinstance(left, ast.ColumnRef):
            resolved = quiet.resolve(left, scopes)
            return Predicate("gin", *resolved, op=op, text=resolved[1]) if resolved else None
        if op not in _COMPARE:
            return None
        if isinstance(right, ast.ColumnRef) and not isinstance(left, ast.ColumnRef):
            left, right, op = right, left, _FLIP[op]
        if isinstance(left, ast.ColumnRef) and isinstance(right, ast.ColumnRef):
            one, two = quiet.resolve(left, scopes), quiet.resolve(right, scopes)
            if one and two and op == "=" and one[0] != two[0] or (one and two and op == "=" and one != two):
                return Predicate("join", one[0], one[1], op="=", other=two)
            return None
        if isinstance(left, ast.ColumnRef) and _is_value(right):
            resolved = quiet.resolve(left, scopes)
            if not resolved:
                return None
            param = _param_of(right)
            if param:
                self.result.param_columns.setdefault(param, resolved)
            if _is_constant(right) and op in ("=", "<>", "!="):
                text = _deparse(ast.A_Expr(kind=enums.A_Expr_Kind.AEXPR_OP, name=(ast.String(sval="<>" if op == "!=" else op),),
                                           lexpr=ast.ColumnRef(fields=(ast.String(sval=resolved[1]),)), rexpr=right))
                return Predicate("filter", *resolved, op=op, text=text)
            if op == "=":
                return Predicate("eq", *resolved, op=op, param=param)
            if op in _RANGE:
                return Predicate("range", *resolved, op=op, param=param)
            return Predicate("filter", *resolved, op=op, text=_deparse(_strip_aliases(node)))
        if isinstance(left, ast.FuncCall) and _is_value(right) and op == "=":
            columns = quiet.expression(left, scopes)
            if len({c for c in columns}) == 1:
                param = _param_of(right)
                if param:
                    self.result.param_columns.setdefault(param, columns[0])
                return Predicate("expr_eq", columns[0][0], columns[0][1], op=op, text=_deparse(_strip_aliases(left)))
        return None


class _Quiet:
    """Resolution without recording problems or columns again (already done by `where`)."""

    def __init__(self, analyser: _Analyser):
        self.analyser = analyser

    def resolve(self, ref, scopes):
        saved = (list(self.analyser.result.problems), list(self.analyser.result.columns))
        try:
            return self.analyser.resolve(ref, scopes)
        finally:
            self.analyser.result.problems, self.analyser.result.columns = saved

    def expression(self, node, scopes):
        saved = (list(self.analyser.result.problems), list(self.analyser.result.columns), self.analyser.result.joins)
        try:
            return self.analyser.expression(node, scopes)
        finally:
            self.analyser.result.problems, self.analyser.result.columns, self.analyser.result.joins = saved


def _conjuncts(node):
    if isinstance(node, ast.BoolExpr) and node.boolop == enums.BoolExprType.AND_EXPR:
        for arg in node.args:
            yield from _conjuncts(arg)
    else:
        yield node


def analyse_query(design: Design, query: Query) -> AnalysedQuery:
    """Parse and resolve one query; problems (syntax, unknown names) are listed, not raised."""
    sql, params = bind_names(query.sql)
    result = AnalysedQuery(query, sql, params)
    if not query.sql.strip():
        result.problems.append("no query: the story is not covered")
        return result
    try:
        statements = pglast.parse_sql(sql)
    except pglast.parser.ParseError as error:
        result.problems.append(f"does not parse: {error}")
        return result
    if len(statements) != 1:
        result.problems.append(f"holds {len(statements)} statements; a workload query is one statement")
        return result
    _Analyser(design, result).statement(statements[0].stmt)
    return result


def analyse_workload(design: Design, queries: list[Query]) -> list[AnalysedQuery]:
    _unique_ids(queries, "queries")
    return [analyse_query(design, query) for query in queries]
