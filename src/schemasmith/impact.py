"""Impact analysis: what depends on a table or a column, and views that keep old readers working.

`analyze(source, "tasks.project_id")` lists every object of the design that would notice a
change to it: foreign keys in both directions, the primary key, unique and check constraints,
indexes (key columns, expressions, partial `where`, `include`), triggers, row-level-security
policies, generated columns, and the workload's queries. Queries are parsed with PostgreSQL's
own parser (pglast) and their column references resolved through table aliases, subqueries and
CTEs, so `t.project_id` in `FROM tasks t` counts and `p.id` in a join to `projects p` does not.
For a live PostgreSQL URL the catalogs add views (pg_depend / pg_rewrite, transitively: a view
on a view) and functions whose body names the table (and column).

`compatibility_view(...)` writes PostgreSQL for the expand phase of a change: a view named like
the old table, in a `compat` schema, with the old shape on top of the new tables.

- a column rename (`--rename-to`): `compat.tasks` selects `new_name AS old_name`; a table rename:
  `compat.old` selects from the new table. Both are simple single-table views, which PostgreSQL
  updates automatically, so old writers keep working too.
- a table split (`--split-to user_profiles:display_name,…`): `compat.users` joins the table to
  the new part (`user_profiles.user_id` → `users.id`, one row per user) with LEFT JOIN; a join
  view is not updatable, so INSTEAD OF INSERT/UPDATE/DELETE triggers route writes to both tables,
  and the view gets the base tables' column defaults (copied from the catalog when applied).

Old readers switch with `SET search_path = compat, public` (or by naming `compat.users`); the
views are dropped in the contract phase, when no reader needs them any more.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import asdict, dataclass, field

from .errors import SchemasmithError
from .model import naming
from .model.document import Design, Table
from .text.redaction import redact_url

COMPAT_SCHEMA = "compat"
BASE_SCHEMA = "public"


class ImpactError(SchemasmithError):
    """An impact question that cannot be answered: unknown table or column, bad option."""


@dataclass
class Dependent:
    """One object that depends on the target."""

    kind: str  # primary_key, foreign_key, unique, check, index, trigger, policy, generated_column, query, view, function
    name: str
    table: str | None
    detail: str
    direction: str | None = None  # foreign keys: outgoing (the target references) / incoming (references the target)
    columns: list[str] = field(default_factory=list)  # the target's columns it uses
    clauses: list[str] = field(default_factory=list)  # queries: where the target appears (where, join, order by, …)


@dataclass
class Compat:
    """A compatibility view and how to use it."""

    kind: str  # rename-column, rename-table, split
    view: str  # the view's qualified name
    sql: str
    writes: str  # how writes reach the new tables
    assumes: str  # the new shape the SQL expects


@dataclass
class Impact:
    source: str
    table: str
    column: str | None
    dependents: list[Dependent]
    compat: Compat | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def target(self) -> str:
        return f"{self.table}.{self.column}" if self.column else self.table

    def to_data(self) -> dict:
        return {
            "source": self.source,
            "target": {"table": self.table, "column": self.column},
            "dependents": [asdict(dependent) for dependent in self.dependents],
            "compat": asdict(self.compat) if self.compat else None,
            "warnings": self.warnings,
        }


# --- the target ---------------------------------------------------------------------------


def _did_you_mean(name: str, candidates) -> str:
    options = list(candidates)
    close = difflib.get_close_matches(name, options, n=3, cutoff=0.6)
    if not close:
        close = [option for option in options if option.lower() == name.lower()]
    if not close:
        return ""
    return "; did you mean " + " or ".join(repr(option) for option in close) + "?"


def _find(name: str, names) -> str | None:
    names = list(names)
    if name in names:
        return name
    lowered = [candidate for candidate in names if candidate.lower() == name.lower()]
    return lowered[0] if len(lowered) == 1 else None


def resolve_target(design: Design, target: str, source: str = "") -> tuple[str, str | None]:
    """`table` or `table.column` (optionally `schema.table[.column]`) → names in the design."""
    text = target.strip()
    if not text:
        raise ImpactError("no target: give TABLE or TABLE.COLUMN")
    parts = [part.strip().strip('"') for part in text.split(".")]
    if any(not part for part in parts) or len(parts) > 3:
        raise ImpactError(f"{target!r}: expected TABLE or TABLE.COLUMN")
    if len(parts) == 3:
        parts = parts[1:]
    if len(parts) == 2 and _find(parts[0], design.tables) is None and _find(parts[1], design.tables) is not None:
        parts = parts[1:]  # schema.table
    where = f" in {source}" if source else ""
    table = _find(parts[0], design.tables)
    if table is None:
        raise ImpactError(f"no table {parts[0]!r}{where}{_did_you_mean(parts[0], design.tables)}")
    if len(parts) == 1:
        return table, None
    column = _find(parts[1], design.tables[table].columns)
    if column is None:
        raise ImpactError(f"no column {table}.{parts[1]}{where}{_did_you_mean(parts[1], design.tables[table].columns)}")
    return table, column


# --- expressions --------------------------------------------------------------------------


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


def _mentions(expression: str | None, column: str) -> bool:
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


def _columns_text(columns: list[str]) -> str:
    return ", ".join(columns)


def _foreign_key_detail(table: str, foreign_key) -> str:
    text = f"{table}({_columns_text(foreign_key.columns)}) → {foreign_key.references.table}({_columns_text(foreign_key.references.columns)})"
    if foreign_key.on_delete:
        text += f", on delete {foreign_key.on_delete}"
    if foreign_key.on_update:
        text += f", on update {foreign_key.on_update}"
    return text


def design_dependents(design: Design, table_name: str, column: str | None) -> tuple[list[Dependent], list[str]]:
    """What in the design depends on `table_name` (or one of its columns)."""
    table = design.tables[table_name]
    found: list[Dependent] = []
    warnings: list[str] = []

    def uses(columns: list[str]) -> list[str]:
        return [c for c in columns if column is None or c == column]

    if table.primary_key and (column is None or column in table.primary_key):
        found.append(Dependent("primary_key", naming.table_primary_key_name(table_name, table), table_name,
                               f"PRIMARY KEY ({_columns_text(table.primary_key)})", columns=uses(table.primary_key)))
    for foreign_key in table.foreign_keys:
        if column is None or column in foreign_key.columns:
            self_reference = foreign_key.references.table == table_name
            found.append(Dependent("foreign_key", foreign_key.name or naming.foreign_key_name(table_name, foreign_key.columns), table_name,
                                   _foreign_key_detail(table_name, foreign_key), "self" if self_reference and column is None else "outgoing",
                                   columns=uses(foreign_key.columns)))
    for other_name, other in design.tables.items():
        for foreign_key in other.foreign_keys:
            if foreign_key.references.table != table_name:
                continue
            if column is None and other_name == table_name:
                continue  # listed above as a self-reference
            if column is None or column in foreign_key.references.columns:
                found.append(Dependent("foreign_key", foreign_key.name or naming.foreign_key_name(other_name, foreign_key.columns), other_name,
                                       _foreign_key_detail(other_name, foreign_key), "incoming",
                                       columns=uses(foreign_key.references.columns)))
    for unique in table.unique:
        if column is None or column in unique.columns:
            found.append(Dependent("unique", unique.name or naming.unique_name(table_name, unique.columns), table_name,
                                   f"UNIQUE ({_columns_text(unique.columns)})", columns=uses(unique.columns)))
    for position, check in enumerate(table.checks):
        if column is None or _mentions(check.expression, column):
            found.append(Dependent("check", check.name or naming.check_name(table_name, position), table_name,
                                   f"CHECK ({check.expression})", columns=[column] if column else []))
    for column_name, definition in table.columns.items():
        if definition.type.startswith("enum:") and column in (None, column_name) and design.conventions.enum_style == "check":
            found.append(Dependent("check", naming.enum_check_name(table_name, column_name, definition.type[5:]), table_name,
                                   f"CHECK ({column_name} IN the values of enum {definition.type[5:]})", columns=[column_name]))
    index_names = naming.index_names(table_name, table)
    known = set(table.columns)
    for name, index in zip(index_names, table.indexes):
        keys = [key.column for key in index.keys(known)]
        parts = []
        if column is None or column in keys:
            parts.append("key")
        if column is not None and any(_mentions(expression, column) for expression in index.expressions):
            parts.append("expression")
        if column is not None and _mentions(index.where, column):
            parts.append("where")
        if column is not None and column in index.include:
            parts.append("include")
        if column is None or parts:
            shown = [str(key) for key in index.keys(known)] + list(index.expressions)
            detail = ("UNIQUE " if index.unique else "") + f"{table_name} " + (f"USING {index.method} " if index.method != "btree" else "")
            detail += f"({_columns_text(shown)})"
            if index.include:
                detail += f" INCLUDE ({_columns_text(index.include)})"
            if index.where:
                detail += f" WHERE {index.where}"
            if index.serves:
                detail += f"; serves {', '.join(index.serves)}"
            if column is not None and parts != ["key"]:
                detail += f"; uses {column} in its {' and '.join(parts)}"
            found.append(Dependent("index", name, table_name, detail, columns=[column] if column else []))
    for trigger in table.triggers:
        name = naming.trigger_name(table_name, trigger.kind, trigger.column)
        related = trigger.column == column or (trigger.kind == "max_depth" and column in table.primary_key)
        if column is None or related:
            if trigger.kind == "updated_at":
                detail = f"BEFORE UPDATE: sets {trigger.column} = now()"
            else:
                detail = f"BEFORE INSERT OR UPDATE: {trigger.column} trees at most {trigger.depth} level(s) deep"
            found.append(Dependent("trigger", name, table_name, detail, columns=[column] if column else []))
    for policy in table.policies:
        if column is None or _mentions(policy.using, column) or _mentions(policy.with_check, column):
            detail = f"FOR {policy.command.upper()}"
            if policy.using:
                detail += f" USING ({policy.using})"
            if policy.with_check:
                detail += f" WITH CHECK ({policy.with_check})"
            found.append(Dependent("policy", policy.name, table_name, detail, columns=[column] if column else []))
    for column_name, definition in table.columns.items():
        if definition.generated and column_name != column and (column is None or _mentions(definition.generated, column)):
            found.append(Dependent("generated_column", f"{table_name}.{column_name}", table_name,
                                   f"GENERATED ALWAYS AS ({definition.generated}) STORED", columns=[column] if column else []))
    for query in design.queries:
        try:
            references = query_references(design, query.sql)
        except ValueError as error:
            warnings.append(f"query {query.id}: PostgreSQL's parser cannot read it ({error}); matched by its words instead")
            words = {word.lower() for word in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", query.sql)}
            if table_name.lower() in words and (column is None or column.lower() in words):
                found.append(Dependent("query", query.id, table_name, _one_line(query.sql), columns=[column] if column else []))
            continue
        relevant = [r for r in references if r.table == table_name and (column is None or r.column in (column, "*"))]
        if not relevant:
            continue
        clauses = list(dict.fromkeys(r.clause for r in relevant if column is not None or r.column is not None or r.clause != "from"))
        if column is None:
            used = list(dict.fromkeys(r.column for r in relevant if r.column))
        else:
            used = [column]
        if not clauses:
            clauses = ["from"]
        found.append(Dependent("query", query.id, table_name, _one_line(query.sql), columns=used, clauses=clauses))
    return found, warnings


def _one_line(sql: str) -> str:
    return " ".join(sql.split())


# --- a live database ----------------------------------------------------------------------


def database_dependents(url: str, table: str, column: str | None, schema: str = BASE_SCHEMA) -> list[Dependent]:
    """Views (transitively) and functions of a live PostgreSQL database that use the target."""
    import psycopg

    from .db.urls import libpq_url
    from .errors import SourceError

    try:
        connection = psycopg.connect(libpq_url(url), autocommit=True, connect_timeout=10)
    except psycopg.Error as error:
        raise SourceError(f"cannot connect to {redact_url(url)}: {' '.join(str(error).split())}") from None
    found: list[Dependent] = []
    with connection:
        relation = connection.execute("SELECT to_regclass(format('%%I.%%I', %s::text, %s::text))::oid", (schema, table)).fetchone()[0]
        if relation is None:
            return found
        attnum = None
        if column is not None:
            row = connection.execute(
                "SELECT attnum FROM pg_attribute WHERE attrelid = %s AND attname = %s AND NOT attisdropped", (relation, column)
            ).fetchone()
            attnum = None if row is None else row[0]
        views = connection.execute(
            """
            WITH RECURSIVE direct AS (
                SELECT DISTINCT r.ev_class AS view
                FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid
                WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass
                  AND d.refobjid = %(relation)s AND r.ev_class <> %(relation)s
                  AND (%(attnum)s::int IS NULL OR d.refobjsubid = %(attnum)s::int)
            ), views(view, via, depth) AS (
                SELECT view, NULL::oid, 1 FROM direct
                UNION
                SELECT r.ev_class, v.view, v.depth + 1
                FROM views v JOIN pg_depend d ON d.refobjid = v.view AND d.classid = 'pg_rewrite'::regclass
                     AND d.refclassid = 'pg_class'::regclass
                JOIN pg_rewrite r ON r.oid = d.objid
                WHERE r.ev_class <> v.view AND v.depth < 20
            )
            SELECT DISTINCT ON (v.view) v.view::regclass::text, c.relkind, v.via::regclass::text, pg_get_viewdef(v.view, true)
            FROM views v JOIN pg_class c ON c.oid = v.view
            ORDER BY v.view, v.depth
            """,
            {"relation": relation, "attnum": attnum},
        ).fetchall()
        for name, relkind, via, definition in views:
            kind = "materialized view" if relkind == "m" else "view"
            detail = f"{kind}" + (f" (through {via})" if via else "") + f": {_one_line(definition or '')}"
            found.append(Dependent("view", name, None, detail, columns=[column] if column else []))
        table_pattern = r"\m" + re.escape(table) + r"\M"
        column_pattern = None if column is None else r"\m" + re.escape(column) + r"\M"
        functions = connection.execute(
            """
            SELECT p.oid::regprocedure::text, l.lanname
            FROM pg_proc p
            JOIN pg_namespace n ON n.oid = p.pronamespace
            JOIN pg_language l ON l.oid = p.prolang
            WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%%'
              AND l.lanname NOT IN ('c', 'internal')
              AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_proc'::regclass AND e.objid = p.oid AND e.deptype = 'e')
              AND (
                (p.prosrc ~* %(table)s AND (%(column)s::text IS NULL OR p.prosrc ~* %(column)s::text))
                OR EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid
                           AND d.refclassid = 'pg_class'::regclass AND d.refobjid = %(relation)s
                           AND (%(attnum)s::int IS NULL OR d.refobjsubid = %(attnum)s::int))
              )
            ORDER BY 1
            """,
            {"table": table_pattern, "column": column_pattern, "relation": relation, "attnum": attnum},
        ).fetchall()
        for signature, language in functions:
            found.append(Dependent("function", signature, None, f"{language} function whose body names {table}" + (f" and {column}" if column else ""),
                                   columns=[column] if column else []))
    return found


# --- compatibility views ------------------------------------------------------------------


def _q(name: str) -> str:
    from .dialects.postgres import quote_identifier

    return quote_identifier(name)


def _lit(text: str) -> str:
    from .dialects.postgres import quote_literal

    return quote_literal(text)


def _qualified(schema: str, name: str) -> str:
    return f"{_q(schema)}.{_q(name)}"


def _security(table: Table) -> tuple[str, list[str]]:
    if table.row_level_security or table.policies:
        return " WITH (security_invoker = true)", [
            "-- security_invoker (PostgreSQL 15+): the base tables' row-level-security policies apply to the caller, as before."
        ]
    return "", []


def _identifier_ok(name: str, what: str) -> str:
    cleaned = name.strip()
    if not cleaned:
        raise ImpactError(f"{what}: a name is needed")
    if len(cleaned.encode("utf-8")) > 63:
        raise ImpactError(f"{what} {cleaned!r}: longer than PostgreSQL's 63-byte identifiers")
    return cleaned


def rename_view(design: Design, table_name: str, column: str | None, new_name: str) -> Compat:
    """The old shape over a renamed column (or a renamed table): a simple, updatable view."""
    table = design.tables[table_name]
    new_name = _identifier_ok(new_name, "--rename-to")
    security, notes = _security(table)
    view = _qualified(COMPAT_SCHEMA, table_name)
    if column is not None:
        if new_name == column:
            raise ImpactError(f"--rename-to {new_name}: that is already the column's name")
        if _find(new_name, table.columns) is not None:
            raise ImpactError(f"--rename-to {new_name}: {table_name} already has a column {new_name!r}")
        base = _qualified(BASE_SCHEMA, table_name)
        selected = [f"{_q(new_name)} AS {_q(name)}" if name == column else _q(name) for name in table.columns]
        kind = "rename-column"
        assumes = f"{table_name}.{column} renamed to {table_name}.{new_name} (ALTER TABLE {_q(table_name)} RENAME COLUMN {_q(column)} TO {_q(new_name)})"
    else:
        if new_name == table_name:
            raise ImpactError(f"--rename-to {new_name}: that is already the table's name")
        base = _qualified(BASE_SCHEMA, new_name)
        selected = [_q(name) for name in table.columns]
        kind = "rename-table"
        assumes = f"table {table_name} renamed to {new_name} (ALTER TABLE {_q(table_name)} RENAME TO {_q(new_name)})"
    writes = (
        "INSERT, UPDATE and DELETE through the view reach the table directly: a single-table view without"
        " aggregates is automatically updatable in PostgreSQL, and omitted columns take the table's defaults."
    )
    lines = [
        f"-- Compatibility view for readers of the old shape: {assumes}.",
        f"-- Old readers: SET search_path = {COMPAT_SCHEMA}, {BASE_SCHEMA};  (or name {COMPAT_SCHEMA}.{table_name})",
        f"-- Writes: {writes}",
        *notes,
        f"CREATE SCHEMA IF NOT EXISTS {_q(COMPAT_SCHEMA)};",
        f"CREATE OR REPLACE VIEW {view}{security} AS",
        "SELECT " + ",\n       ".join(selected),
        f"FROM {base};",
        f"COMMENT ON VIEW {view} IS {_lit('schemasmith compatibility view: ' + assumes + '; drop it once no reader needs the old shape')};",
        "",
    ]
    return Compat(kind, f"{COMPAT_SCHEMA}.{table_name}", "\n".join(lines), writes, assumes)


def parse_split(spec: str) -> tuple[str, list[str]]:
    """`new_table:col1,col2` → ("new_table", ["col1", "col2"])."""
    if ":" not in spec:
        raise ImpactError(f"--split-to {spec!r}: expected NEW_TABLE:COLUMN[,COLUMN…], e.g. user_profiles:display_name")
    name, _, columns = spec.partition(":")
    moved = [column.strip() for column in columns.split(",") if column.strip()]
    if not name.strip() or not moved:
        raise ImpactError(f"--split-to {spec!r}: expected NEW_TABLE:COLUMN[,COLUMN…], e.g. user_profiles:display_name")
    return _identifier_ok(name, "--split-to"), moved


def split_view(design: Design, table_name: str, spec: str) -> Compat:
    """The old table as a join of what stays and the new part, writable through INSTEAD OF triggers."""
    from .review.words import singular

    table = design.tables[table_name]
    part, requested = parse_split(spec)
    if part == table_name:
        raise ImpactError(f"--split-to {part}: the new table needs another name than {table_name}")
    if not table.primary_key:
        raise ImpactError(f"{table_name} has no primary key: the split-off table needs one to join back on")
    moved = []
    for name in requested:
        column = _find(name, table.columns)
        if column is None:
            raise ImpactError(f"--split-to: no column {table_name}.{name}{_did_you_mean(name, table.columns)}")
        if column in table.primary_key:
            raise ImpactError(f"--split-to: {table_name}.{column} is part of the primary key; it stays in {table_name}")
        if table.columns[column].generated:
            raise ImpactError(f"--split-to: {table_name}.{column} is a generated column; it cannot move without its inputs")
        moved.append(column)
    for name, definition in table.columns.items():
        inputs = sorted(c for c in moved if definition.generated and name not in moved and _mentions(definition.generated, c))
        if inputs:
            raise ImpactError(f"--split-to: the generated column {table_name}.{name} is computed from {', '.join(inputs)}; they cannot move away from it")
    stem = singular(table_name)
    keys = {key: naming.fit(f"{stem}_{key}") for key in table.primary_key}  # users.id → user_profiles.user_id
    for key_column in keys.values():
        if key_column in moved:
            raise ImpactError(f"--split-to: {part}.{key_column} is the join key; it cannot also be a moved column")
    staying = [name for name in table.columns if name not in moved]
    main, other = _qualified(BASE_SCHEMA, table_name), _qualified(BASE_SCHEMA, part)
    view = _qualified(COMPAT_SCHEMA, table_name)
    security, notes = _security(table)
    selected = [f"t.{_q(name)}" if name not in moved else f"p.{_q(name)}" for name in table.columns]
    join = " AND ".join(f"p.{_q(keys[key])} = t.{_q(key)}" for key in table.primary_key)
    writable_main = [name for name in staying if not table.columns[name].generated]
    identity_always = any(table.columns[name].identity == "always" for name in writable_main)
    function = _qualified(COMPAT_SCHEMA, naming.fit(f"{table_name}_write"))
    trigger = _q(naming.fit(f"{table_name}_write"))
    key_match = " AND ".join(f"{_q(key)} = OLD.{_q(key)}" for key in table.primary_key)
    part_match = " AND ".join(f"{_q(keys[key])} = OLD.{_q(key)}" for key in table.primary_key)
    part_columns = [keys[key] for key in table.primary_key] + moved
    part_values = [f"NEW.{_q(key)}" for key in table.primary_key] + [f"NEW.{_q(name)}" for name in moved]
    conflict = ", ".join(_q(keys[key]) for key in table.primary_key)
    upsert_set = ", ".join(f"{_q(name)} = EXCLUDED.{_q(name)}" for name in moved)
    returning_targets = ", ".join(f"NEW.{_q(name)}" for name in staying)  # generated values too
    body = [
        "BEGIN",
        "  IF TG_OP = 'INSERT' THEN",
        f"    INSERT INTO {main} ({', '.join(_q(n) for n in writable_main)})" + (" OVERRIDING SYSTEM VALUE" if identity_always else ""),
        f"    VALUES ({', '.join(f'NEW.{_q(n)}' for n in writable_main)})",
        f"    RETURNING {', '.join(_q(n) for n in staying)} INTO {returning_targets};",
        f"    INSERT INTO {other} ({', '.join(_q(n) for n in part_columns)})",
        f"    VALUES ({', '.join(part_values)});",
        "    RETURN NEW;",
        "  ELSIF TG_OP = 'UPDATE' THEN",
        f"    UPDATE {main} SET {', '.join(f'{_q(n)} = NEW.{_q(n)}' for n in writable_main)}",
        f"    WHERE {key_match};",
        f"    INSERT INTO {other} ({', '.join(_q(n) for n in part_columns)})",
        f"    VALUES ({', '.join(part_values)})",
        f"    ON CONFLICT ({conflict}) DO UPDATE SET {upsert_set};",
        "    RETURN NEW;",
        "  ELSE",
        f"    DELETE FROM {other} WHERE {part_match};",
        f"    DELETE FROM {main} WHERE {key_match};",
        "    RETURN OLD;",
        "  END IF;",
        "END",
    ]
    # each view column and the base table its default comes from
    default_rows = ", ".join(f"({_lit(part if name in moved else table_name)}, {_lit(name)})" for name in table.columns)
    default_block = [
        "-- Column defaults for writes through the view, copied from the base tables (identity columns: their sequence).",
        "DO $compat$",
        "DECLARE",
        "  source record;",
        "BEGIN",
        "  FOR source IN",
        "    SELECT a.attname, CASE WHEN a.attidentity <> ''",
        f"                           THEN format('nextval(%L)', pg_get_serial_sequence(format('%I.%I', {_lit(BASE_SCHEMA)}, w.tab), a.attname))",
        "                           ELSE pg_get_expr(d.adbin, d.adrelid) END AS expression",
        f"    FROM (VALUES {default_rows}) AS w(tab, col)",
        f"    JOIN pg_attribute a ON a.attrelid = format('%I.%I', {_lit(BASE_SCHEMA)}, w.tab)::regclass AND a.attname = w.col",
        "    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum",
        "    WHERE a.attgenerated = '' AND (a.attidentity <> '' OR d.adbin IS NOT NULL)",
        "  LOOP",
        f"    EXECUTE format('ALTER VIEW %I.%I ALTER COLUMN %I SET DEFAULT %s', {_lit(COMPAT_SCHEMA)}, {_lit(table_name)}, source.attname, source.expression);",
        "  END LOOP;",
        "END",
        "$compat$;",
    ]
    key_text = ", ".join(f"{part}.{keys[key]} → {table_name}.{key}" for key in table.primary_key)
    assumes = (
        f"{', '.join(moved)} moved from {table_name} to a new table {part} keyed by {key_text}"
        f" (its primary key, one row per {stem}; a {stem} without a {part} row reads NULL there)"
    )
    writes = (
        f"a view over a join is not updatable, so INSTEAD OF INSERT/UPDATE/DELETE triggers ({COMPAT_SCHEMA}.{table_name}_write)"
        f" write {table_name} and {part}: INSERT fills both, UPDATE updates {table_name} and upserts {part},"
        f" DELETE removes both. Changing a primary key through the view needs ON UPDATE CASCADE on {part}'s key."
    )
    lines = [
        f"-- Compatibility view for readers of the old {table_name}: {assumes}.",
        f"-- Old readers: SET search_path = {COMPAT_SCHEMA}, {BASE_SCHEMA};  (or name {COMPAT_SCHEMA}.{table_name})",
        f"-- Writes: {writes}",
        *notes,
        f"CREATE SCHEMA IF NOT EXISTS {_q(COMPAT_SCHEMA)};",
        f"CREATE OR REPLACE VIEW {view}{security} AS",
        "SELECT " + ",\n       ".join(selected),
        f"FROM {main} AS t",
        f"LEFT JOIN {other} AS p ON {join};",
        f"COMMENT ON VIEW {view} IS {_lit('schemasmith compatibility view: ' + assumes + '; drop it once no reader needs the old shape')};",
        "",
        *default_block,
        "",
        f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $compat$",
        *body,
        "$compat$;",
        "",
        f"DROP TRIGGER IF EXISTS {trigger} ON {view};",
        f"CREATE TRIGGER {trigger} INSTEAD OF INSERT OR UPDATE OR DELETE ON {view}",
        f"  FOR EACH ROW EXECUTE FUNCTION {function}();",
        "",
    ]
    return Compat("split", f"{COMPAT_SCHEMA}.{table_name}", "\n".join(lines), writes, assumes)


# --- the whole analysis -------------------------------------------------------------------


def analyze(source: str, target: str, *, split_to: str | None = None, rename_to: str | None = None) -> Impact:
    """Load SCHEMA, resolve TABLE[.COLUMN], list its dependents, and write a compatibility view."""
    from .db.urls import dialect_of, is_database_url
    from .sources import load_source

    if split_to is not None and rename_to is not None:
        raise ImpactError("use --split-to or --rename-to, not both")
    loaded = load_source(source)
    design = loaded.design
    shown = source if not is_database_url(source) else redact_url(source)
    table, column = resolve_target(design, target, shown)
    if split_to is not None and column is not None:
        raise ImpactError(f"--split-to splits a table: give TABLE ({table}), not TABLE.COLUMN")
    dependents, warnings = design_dependents(design, table, column)
    if is_database_url(source) and dialect_of(source) == "postgres":
        dependents += database_dependents(source, table, column)
    compat = None
    if split_to is not None:
        compat = split_view(design, table, split_to)
    elif rename_to is not None:
        compat = rename_view(design, table, column, rename_to)
    return Impact(shown, table, column, dependents, compat, list(loaded.warnings) + warnings)


_KIND_TITLES = {
    "primary_key": "primary key",
    "foreign_key": "foreign keys",
    "unique": "unique constraints",
    "check": "check constraints",
    "index": "indexes",
    "trigger": "triggers",
    "policy": "row-level-security policies",
    "generated_column": "generated columns",
    "query": "workload queries",
    "view": "views",
    "function": "functions",
}


def render_text(impact: Impact) -> str:
    lines = [f"impact of {impact.target} ({impact.source}): {len(impact.dependents)} dependent(s)"]
    for kind, title in _KIND_TITLES.items():
        items = [d for d in impact.dependents if d.kind == kind]
        if not items:
            continue
        lines.append("")
        lines.append(f"{title}:")
        for item in items:
            extra = ""
            if item.direction:
                extra = f" [{item.direction}]"
            if kind == "query":
                used = f"{', '.join(item.columns)} in " if item.columns else "in "
                lines.append(f"  {item.name}: {used}{', '.join(item.clauses)}")
                lines.append(f"      {item.detail}")
            else:
                lines.append(f"  {item.name}{extra}: {item.detail}")
    if not impact.dependents:
        lines.append("nothing in the design depends on it")
    if impact.compat is not None:
        lines.append("")
        lines.append(f"compatibility view {impact.compat.view} (PostgreSQL; apply after the change):")
        lines.append("")
        lines.append(impact.compat.sql.rstrip("\n"))
    return "\n".join(lines) + "\n"


def _returning(node):
    """RETURNING of INSERT/UPDATE/DELETE: `returningClause` from PostgreSQL 18's parser on, `returningList` before."""
    clause = getattr(node, "returningClause", None)
    return clause if clause is not None else getattr(node, "returningList", None)
