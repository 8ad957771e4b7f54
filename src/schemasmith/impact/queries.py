"""Which tables and columns a query or an expression reads, by PostgreSQL's own parser (pglast)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model.document import Design


def _walk(node):
    from pglast import ast

    if isinstance(node, (list, tuple)):
        for item in node:
            yield from _walk(item)
    elif isinstance(node, ast.Node):
        yield node
        for name in node.__slots__:
            value = getattr(node, name, None)
            if isinstance(value, (ast.Node, list, tuple)):
                yield from _walk(value)


def expression_columns(expression: str | None) -> set[str]:
    """Column names an SQL expression mentions (the last part of each reference)."""
    if not expression:
        return set()
    from pglast import ast, parse_sql

    try:
        tree = parse_sql("SELECT " + expression)
    except Exception:  # noqa: BLE001 - another dialect's expression: fall back to its words
        return {word.lower() for word in re.findall(r"[A-Za-z_][A-Za-z0-9_$]*", expression)}
    names = set()
    for node in _walk(tree[0].stmt.targetList):
        if isinstance(node, ast.ColumnRef):
            strings = [item.sval for item in node.fields if isinstance(item, ast.String)]
            if strings:
                names.add(strings[-1])
    return names


def mentions(expression: str | None, column: str) -> bool:
    return column in expression_columns(expression) or column.lower() in {name.lower() for name in expression_columns(expression)}


# --- queries ------------------------------------------------------------------------------

_NAMED = re.compile(r"(?<![:\w]):([A-Za-z_][A-Za-z0-9_]*)")
_PYFORMAT = re.compile(r"%\(([A-Za-z_][A-Za-z0-9_]*)\)s|%s")


def _positional(sql: str, question_marks: bool = False) -> str:
    """Placeholders (`:name`, `%(name)s`, `%s`, and `?` on request) as PostgreSQL's `$n`."""
    counter = iter(range(1, 10_000))
    text = _NAMED.sub(lambda _: f"${next(counter)}", sql)
    text = _PYFORMAT.sub(lambda _: f"${next(counter)}", text)
    if question_marks:
        text = re.sub(r"\?", lambda _: f"${next(counter)}", text)
    return text


@dataclass(frozen=True)
class Reference:
    table: str
    column: str | None  # None: the table itself (FROM, INSERT INTO, …); "*": every column
    clause: str


class _QueryReferences:
    """Table and column references of parsed statements, with aliases resolved."""

    def __init__(self, design: Design):
        self.tables = {name.lower(): name for name in design.tables}
        self.columns = {name: {column.lower() for column in table.columns} for name, table in design.tables.items()}
        self.design_columns = {name: list(table.columns) for name, table in design.tables.items()}
        self.found: list[Reference] = []

    def table(self, name: str | None) -> str | None:
        return None if name is None else self.tables.get(name.lower())

    def statement(self, node, scopes: list[dict], ctes: frozenset[str], clause: str = "from") -> None:
        from pglast import ast

        if isinstance(node, ast.SelectStmt):
            self.select(node, scopes, ctes)
        elif isinstance(node, ast.InsertStmt):
            ctes = self.with_clause(node.withClause, scopes, ctes)
            table = self.relation(node.relation, ctes)
            scope = {self.alias(node.relation): table}
            if table:
                self.found.append(Reference(table, None, "insert"))
                if node.cols:
                    for target in node.cols:
                        self.found.append(Reference(table, target.name, "insert"))
                else:
                    self.found.append(Reference(table, "*", "insert"))
            if node.selectStmt is not None:
                self.statement(node.selectStmt, scopes, ctes)
            inner = [scope] + scopes
            if node.onConflictClause is not None:
                self.expression(node.onConflictClause, inner, "on conflict", ctes)
            self.expression(_returning(node), inner, "returning", ctes)
        elif isinstance(node, ast.UpdateStmt):
            ctes = self.with_clause(node.withClause, scopes, ctes)
            table = self.relation(node.relation, ctes)
            scope = {self.alias(node.relation): table}
            for item in node.fromClause or ():
                self.from_item(item, scope, scopes, ctes)
            inner = [scope] + scopes
            if table:
                self.found.append(Reference(table, None, "update"))
                for target in node.targetList or ():
                    if target.name:
                        self.found.append(Reference(table, target.name, "set"))
            for target in node.targetList or ():
                self.expression(target.val, inner, "set", ctes)
            self.expression(node.whereClause, inner, "where", ctes)
            self.expression(_returning(node), inner, "returning", ctes)
        elif isinstance(node, ast.DeleteStmt):
            ctes = self.with_clause(node.withClause, scopes, ctes)
            table = self.relation(node.relation, ctes)
            scope = {self.alias(node.relation): table}
            if table:
                self.found.append(Reference(table, None, "delete"))
            for item in node.usingClause or ():
                self.from_item(item, scope, scopes, ctes)
            inner = [scope] + scopes
            self.expression(node.whereClause, inner, "where", ctes)
            self.expression(_returning(node), inner, "returning", ctes)
        elif isinstance(node, ast.Node):
            self.expression(node, scopes, clause, ctes)

    def with_clause(self, clause, scopes: list[dict], ctes: frozenset[str]) -> frozenset[str]:
        if clause is None:
            return ctes
        names = set(ctes)
        for cte in clause.ctes or ():
            if clause.recursive:
                names.add(cte.ctename)
            self.statement(cte.ctequery, scopes, frozenset(names))
            names.add(cte.ctename)
        return frozenset(names)

    def select(self, node, scopes: list[dict], ctes: frozenset[str]) -> None:
        from pglast.enums import SetOperation

        ctes = self.with_clause(node.withClause, scopes, ctes)
        if node.op != SetOperation.SETOP_NONE:
            self.statement(node.larg, scopes, ctes)
            self.statement(node.rarg, scopes, ctes)
            self.expression(node.sortClause, scopes, "order by", ctes)
            return
        scope: dict = {}
        for item in node.fromClause or ():
            self.from_item(item, scope, scopes, ctes)
        inner = [scope] + scopes
        self.expression(node.targetList, inner, "select", ctes)
        self.expression(node.distinctClause, inner, "select", ctes)
        self.expression(node.whereClause, inner, "where", ctes)
        self.expression(node.groupClause, inner, "group by", ctes)
        self.expression(node.havingClause, inner, "having", ctes)
        self.expression(node.windowClause, inner, "window", ctes)
        self.expression(node.sortClause, inner, "order by", ctes)
        self.expression(node.valuesLists, inner, "values", ctes)
        self.expression(node.limitCount, inner, "limit", ctes)
        self.expression(node.limitOffset, inner, "limit", ctes)

    def relation(self, node, ctes: frozenset[str]) -> str | None:
        if node is None:
            return None
        if node.schemaname is None and node.relname in ctes:
            return None
        return self.table(node.relname)

    @staticmethod
    def alias(node) -> str:
        return node.alias.aliasname if node.alias is not None else node.relname

    def from_item(self, item, scope: dict, outer: list[dict], ctes: frozenset[str]) -> None:
        from pglast import ast

        if isinstance(item, ast.RangeVar):
            table = self.relation(item, ctes)
            scope[self.alias(item)] = table
            if table:
                self.found.append(Reference(table, None, "from"))
        elif isinstance(item, ast.JoinExpr):
            self.from_item(item.larg, scope, outer, ctes)
            self.from_item(item.rarg, scope, outer, ctes)
            inner = [scope] + outer
            self.expression(item.quals, inner, "join", ctes)
            for name in item.usingClause or ():
                for table in scope.values():
                    if table and name.sval.lower() in self.columns[table]:
                        self.found.append(Reference(table, self.column_name(table, name.sval), "join"))
            if item.alias is not None:
                scope[item.alias.aliasname] = None
        elif isinstance(item, ast.RangeSubselect):
            self.statement(item.subquery, ([scope] if item.lateral else []) + outer, ctes)
            if item.alias is not None:
                scope[item.alias.aliasname] = None
        else:
            self.expression(item, [scope] + outer, "from", ctes)
            alias = getattr(item, "alias", None)
            if alias is not None:
                scope[alias.aliasname] = None

    def column_name(self, table: str, name: str) -> str:
        for column in self.design_columns.get(table, ()):
            if column.lower() == name.lower():
                return column
        return name

    def expression(self, node, scopes: list[dict], clause: str, ctes: frozenset[str]) -> None:
        from pglast import ast

        if node is None:
            return
        if isinstance(node, (list, tuple)):
            for item in node:
                self.expression(item, scopes, clause, ctes)
            return
        if not isinstance(node, ast.Node):
            return
        if isinstance(node, ast.ColumnRef):
            self.column_ref(node, scopes, clause)
            return
        if isinstance(node, ast.SubLink):
            self.expression(node.testexpr, scopes, clause, ctes)
            self.statement(node.subselect, scopes, ctes)
            return
        if isinstance(node, (ast.SelectStmt, ast.InsertStmt, ast.UpdateStmt, ast.DeleteStmt)):
            self.statement(node, scopes, ctes)
            return
        for name in node.__slots__:
            value = getattr(node, name, None)
            if isinstance(value, (ast.Node, list, tuple)):
                self.expression(value, scopes, clause, ctes)

    def column_ref(self, node, scopes: list[dict], clause: str) -> None:
        from pglast import ast

        names = [item.sval for item in node.fields if isinstance(item, ast.String)]
        star = any(isinstance(item, ast.A_Star) for item in node.fields)
        if star:
            if not names:
                for table in (scopes[0].values() if scopes else ()):
                    if table:
                        self.found.append(Reference(table, "*", clause))
            else:
                table = self.resolve_alias(names[-1], scopes)
                if table:
                    self.found.append(Reference(table, "*", clause))
            return
        if not names:
            return
        column = names[-1]
        if len(names) >= 2:
            table = self.resolve_alias(names[-2], scopes)
            if table and column.lower() in self.columns[table]:
                self.found.append(Reference(table, self.column_name(table, column), clause))
            return
        for scope in scopes:
            candidates = [table for table in scope.values() if table and column.lower() in self.columns[table]]
            if candidates:
                for table in dict.fromkeys(candidates):
                    self.found.append(Reference(table, self.column_name(table, column), clause))
                return

    def resolve_alias(self, alias: str, scopes: list[dict]) -> str | None:
        for scope in scopes:
            if alias in scope:
                return scope[alias]
        return None


def query_references(design: Design, sql: str) -> list[Reference]:
    """Every table and column of the design a query reads or writes, aliases resolved.

    Raises ValueError when PostgreSQL's parser cannot read the query.
    """
    from pglast import parse_sql

    try:
        statements = parse_sql(_positional(sql))
    except Exception:  # noqa: BLE001
        try:
            statements = parse_sql(_positional(sql, question_marks=True))
        except Exception as error:  # noqa: BLE001
            raise ValueError(str(error).split("\n")[0]) from None
    analyzer = _QueryReferences(design)
    for raw in statements:
        analyzer.statement(raw.stmt, [], frozenset())
    return analyzer.found


# --- the design's dependents --------------------------------------------------------------



def _returning(node):
    """RETURNING of INSERT/UPDATE/DELETE: `returningClause` from PostgreSQL 18's parser on, `returningList` before."""
    clause = getattr(node, "returningClause", None)
    return clause if clause is not None else getattr(node, "returningList", None)
