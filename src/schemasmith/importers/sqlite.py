"""Import a design from a SQLite database file, or from DDL applied to an in-memory SQLite.

What SQLite's PRAGMAs tell reliably (columns, declared types, defaults, primary-key order,
generated columns) comes from them; what they do not (constraint names, CHECK expressions,
DEFERRABLE, AUTOINCREMENT, partial-index predicates, expression keys) is read from the CREATE
statements SQLite keeps in `sqlite_master`, with a tokenizer that knows SQLite's quoting. Types,
defaults, expressions and triggers are mapped back by the same helpers `dialects/sqlite.py`
writes them with, so a generated schema imports back to the design it came from.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from urllib.request import pathname2url

from ..db.urls import sqlite_path
from ..dialects.registry import dialect_for_url
from ..dialects.sqlite import (
    SqliteDialect,
    Token,
    declared_type,
    design_default,
    design_expression,
    implied_checks,
    infer_conventions,
    max_depth_key,
    max_depth_trigger_name,
    max_depth_trigger_sql,
    portable_from_declared,
    render_default,
    strip_parentheses,
    row_match_columns,
    simplify_names,
    tokenize,
    updated_at_trigger_sql,
)
from ..errors import Problem, SourceError
from ..model import naming
from ..model.document import (
    CheckConstraint,
    Column,
    Conventions,
    Design,
    ForeignKey,
    Index,
    Reference,
    Table,
    Trigger,
    UniqueConstraint,
)
from ..model.implied import UUID_DEFAULT
from ..model.invariants import check_invariants, type_family
from ..model.types import parse_type
from ..text.statements import Statement, split_sqlite_script
from .base import TOOL_TABLES, ImportResult
from .sqlite_objects import read_objects

# --- statements of a DDL script ---------------------------------------------------------------


def split_statements(sql: str, notes: list[str] | None = None) -> list[Statement]:
    """The statements of a script as the sqlite3 tool sees them (see text.statements.split_sqlite_script)."""
    return split_sqlite_script(sql, notes)


def _shortened(text: str, limit: int = 160) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _guarded_connection(target: str = ":memory:", **options) -> sqlite3.Connection:
    connection = sqlite3.connect(target, isolation_level=None, **options)
    # Imported DDL runs in memory only: no ATTACH (or VACUUM INTO) that could open or write files.
    connection.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
    return connection


def import_ddl(sql: str, *, file: str | None = None, name: str | None = None) -> ImportResult:
    """Apply DDL to an in-memory SQLite and import what it created.

    SQL that fails raises `SourceError` with SQLite's message, the file, the line where the
    failing statement starts and the statement itself (shortened).
    """
    notes: list[str] = []
    if sql.startswith("\ufeff"):
        sql = sql[1:]
    statements = split_statements(sql, notes)
    connection = _guarded_connection()
    try:
        for statement in statements:
            try:
                connection.execute(statement.text)
            except Exception as error:  # noqa: BLE001 - sqlite3.Warning is not a sqlite3.Error
                message = str(error)
                if "too many attached databases" in message:
                    message = "ATTACH and VACUUM INTO are not allowed in imported DDL (they would open other files)"
                raise SourceError(
                    f"{file or 'the DDL'} does not apply to SQLite",
                    [Problem(f"{message} — in: {_shortened(statement.text)}", file=file or "<ddl>", line=statement.line)],
                ) from None
        if connection.in_transaction:
            connection.execute("COMMIT")
        default_name = Path(file).stem if file else "imported"
        result = introspect(connection, name or default_name)
    finally:
        connection.close()
    result.warnings[:0] = notes
    return result


def import_database(url_or_path: str, *, name: str | None = None) -> ImportResult:
    """Import a SQLite database file (a path or a `sqlite:///path.db` URL), opened read-only."""
    if "://" in url_or_path:
        if not isinstance(dialect_for_url(url_or_path), SqliteDialect):
            raise SourceError(f"{url_or_path}: not a SQLite URL (expected sqlite:///path.db)")
        path_text = sqlite_path(url_or_path)
    else:
        path_text = url_or_path
    if path_text == ":memory:" or not path_text:
        raise SourceError(f"{url_or_path}: names an in-memory SQLite database, which is empty; give a database file")
    path = Path(path_text)
    if not path.exists():
        raise SourceError(f"{path_text}: no such SQLite database file")
    if path.is_dir():
        raise SourceError(f"{path_text}: is a folder, not a SQLite database file")
    uri = "file:" + pathname2url(str(path.resolve())) + "?mode=ro"
    try:
        connection = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as error:
        raise SourceError(f"{path_text}: cannot be opened as a SQLite database ({error})") from None
    try:
        return introspect(connection, name or path.stem)
    except sqlite3.DatabaseError as error:
        raise SourceError(f"{path_text}: cannot be read as a SQLite database ({error})") from None
    finally:
        connection.close()


# --- parsing CREATE statements ----------------------------------------------------------------


@dataclass
class ColumnSyntax:
    name: str
    autoincrement: bool = False
    collate: str | None = None
    generated: str | None = None
    generated_stored: bool = True


@dataclass
class ConstraintSyntax:
    kind: str  # primary_key, unique, check, foreign_key
    name: str | None = None
    column: str | None = None  # set for a column constraint
    columns: list[str] = field(default_factory=list)
    expression: str | None = None
    table: str | None = None
    references: list[str] = field(default_factory=list)
    on_delete: str | None = None
    on_update: str | None = None
    deferrable: bool = False
    initially_deferred: bool = False
    conflict: str | None = None
    enum: tuple[str, str] | None = None  # (column, enum name) once a check is read as an enum


@dataclass
class TableSyntax:
    columns: dict[str, ColumnSyntax] = field(default_factory=dict)
    constraints: list[ConstraintSyntax] = field(default_factory=list)
    without_rowid: bool = False
    strict: bool = False


class _Cursor:
    """Walks a token list; `sql` is kept so expressions are sliced as they were written."""

    def __init__(self, sql: str, tokens: list[Token]):
        self.sql, self.tokens, self.position = sql, tokens, 0

    def peek(self, offset: int = 0) -> Token | None:
        index = self.position + offset
        return self.tokens[index] if index < len(self.tokens) else None

    def take(self) -> Token:
        token = self.tokens[self.position]
        self.position += 1
        return token

    def accept(self, *words: str) -> bool:
        token = self.peek()
        if token is not None and token.is_word(*words):
            self.position += 1
            return True
        return False

    def accept_op(self, text: str) -> bool:
        token = self.peek()
        if token is not None and token.kind == "op" and token.text == text:
            self.position += 1
            return True
        return False

    def at_end(self) -> bool:
        return self.position >= len(self.tokens)

    def group(self) -> tuple[str, list[Token]]:
        """The parenthesized group at the cursor: its inner text and tokens; the cursor moves past it."""
        opening = self.take()
        depth, inner = 1, []
        while not self.at_end():
            token = self.take()
            if token.kind == "op" and token.text == "(":
                depth += 1
            elif token.kind == "op" and token.text == ")":
                depth -= 1
                if depth == 0:
                    return self.sql[opening.end : token.start].strip(), inner
            inner.append(token)
        return self.sql[opening.end :].strip(), inner

    def name(self) -> str:
        token = self.take()
        if self.accept_op("."):  # schema.name
            token = self.take()
        return token.value


def _split_top_level(tokens: list[Token]) -> list[list[Token]]:
    items: list[list[Token]] = [[]]
    depth = 0
    for token in tokens:
        if token.kind == "op" and token.text == "(":
            depth += 1
        elif token.kind == "op" and token.text == ")":
            depth -= 1
        if depth == 0 and token.kind == "op" and token.text == ",":
            items.append([])
            continue
        items[-1].append(token)
    return [item for item in items if item]


_COLUMN_CONSTRAINT_START = ("CONSTRAINT", "PRIMARY", "NOT", "NULL", "UNIQUE", "CHECK", "DEFAULT", "COLLATE", "REFERENCES", "GENERATED", "AS")
_ACTIONS = {"CASCADE": "cascade", "RESTRICT": "restrict"}


def _conflict_clause(cursor: _Cursor) -> str | None:
    if cursor.peek() is not None and cursor.peek().is_word("ON") and cursor.peek(1) is not None and cursor.peek(1).is_word("CONFLICT"):  # type: ignore[union-attr]
        cursor.position += 2
        return cursor.take().text.upper()
    return None


def _foreign_key_clause(cursor: _Cursor, constraint: ConstraintSyntax) -> None:
    constraint.table = cursor.name()
    token = cursor.peek()
    if token is not None and token.kind == "op" and token.text == "(":
        _, inner = cursor.group()
        constraint.references = [item[0].value for item in _split_top_level(inner)]
    while not cursor.at_end():
        if cursor.accept("ON"):
            event = cursor.take().text.upper()
            if cursor.accept("SET"):
                action = "set " + cursor.take().text.lower()
            elif cursor.accept("NO"):
                cursor.take()
                action = "no action"
            else:
                action = _ACTIONS.get(cursor.take().text.upper(), "no action")
            if event == "DELETE":
                constraint.on_delete = action
            else:
                constraint.on_update = action
        elif cursor.accept("MATCH"):
            cursor.take()
        elif cursor.peek() is not None and cursor.peek().is_word("NOT") and cursor.peek(1) is not None and cursor.peek(1).is_word("DEFERRABLE"):  # type: ignore[union-attr]
            cursor.position += 2
            constraint.deferrable = False
            if cursor.accept("INITIALLY"):
                cursor.take()
        elif cursor.accept("DEFERRABLE"):
            constraint.deferrable = True
            if cursor.accept("INITIALLY"):
                constraint.initially_deferred = cursor.take().is_word("DEFERRED")
        else:
            break


def parse_create_table(sql: str) -> TableSyntax:
    """Columns and constraints of a CREATE TABLE statement, constraints in the order written."""
    tokens = tokenize(sql)
    cursor = _Cursor(sql, tokens)
    syntax = TableSyntax()
    while not cursor.at_end() and not (cursor.peek().kind == "op" and cursor.peek().text == "("):  # type: ignore[union-attr]
        cursor.position += 1
    if cursor.at_end():
        return syntax
    _, body = cursor.group()
    rest = " ".join(token.text.upper() for token in tokens[cursor.position :])
    syntax.without_rowid = "WITHOUT ROWID" in rest
    syntax.strict = "STRICT" in rest.split()
    for item in _split_top_level(body):
        first = item[0]
        if first.is_word("CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"):
            _table_constraint(_Cursor(sql, item), syntax)
        else:
            _column_definition(_Cursor(sql, item), syntax)
    return syntax


def _column_definition(cursor: _Cursor, syntax: TableSyntax) -> None:
    column = ColumnSyntax(cursor.take().value)
    syntax.columns[column.name] = column
    while not cursor.at_end() and not cursor.peek().is_word(*_COLUMN_CONSTRAINT_START):  # type: ignore[union-attr]
        if cursor.peek().kind == "op" and cursor.peek().text == "(":  # type: ignore[union-attr]
            cursor.group()
        else:
            cursor.position += 1
    name = None
    while not cursor.at_end():
        if cursor.accept("CONSTRAINT"):
            name = cursor.take().value
            continue
        if cursor.accept("PRIMARY"):
            cursor.accept("KEY")
            cursor.accept("ASC", "DESC")
            conflict = _conflict_clause(cursor)
            column.autoincrement = cursor.accept("AUTOINCREMENT")
            syntax.constraints.append(ConstraintSyntax("primary_key", name, column.name, [column.name], conflict=conflict))
        elif cursor.accept("NOT"):
            cursor.accept("NULL")
            _conflict_clause(cursor)
        elif cursor.accept("NULL"):
            pass
        elif cursor.accept("UNIQUE"):
            conflict = _conflict_clause(cursor)
            syntax.constraints.append(ConstraintSyntax("unique", name, column.name, [column.name], conflict=conflict))
        elif cursor.accept("CHECK"):
            expression, _ = cursor.group()
            syntax.constraints.append(ConstraintSyntax("check", name, column.name, expression=expression))
        elif cursor.accept("DEFAULT"):
            token = cursor.peek()
            if token is not None and token.kind == "op" and token.text == "(":
                cursor.group()
            else:
                if token is not None and token.kind == "op" and token.text in "+-":
                    cursor.position += 1
                cursor.position += 1
        elif cursor.accept("COLLATE"):
            column.collate = cursor.take().value
        elif cursor.accept("REFERENCES"):
            constraint = ConstraintSyntax("foreign_key", name, column.name, [column.name])
            _foreign_key_clause(cursor, constraint)
            syntax.constraints.append(constraint)
        elif cursor.accept("GENERATED"):
            cursor.accept("ALWAYS")
            continue  # AS follows
        elif cursor.accept("AS"):
            column.generated, _ = cursor.group()
            if cursor.accept("VIRTUAL"):
                column.generated_stored = False
            else:
                cursor.accept("STORED")
        else:
            cursor.position += 1
            continue
        name = None


def _table_constraint(cursor: _Cursor, syntax: TableSyntax) -> None:
    name = None
    if cursor.accept("CONSTRAINT"):
        name = cursor.take().value
    if cursor.accept("PRIMARY"):
        cursor.accept("KEY")
        _, inner = cursor.group()
        columns = [item[0].value for item in _split_top_level(inner)]
        syntax.constraints.append(ConstraintSyntax("primary_key", name, columns=columns, conflict=_conflict_clause(cursor)))
    elif cursor.accept("UNIQUE"):
        _, inner = cursor.group()
        columns = [item[0].value for item in _split_top_level(inner)]
        syntax.constraints.append(ConstraintSyntax("unique", name, columns=columns, conflict=_conflict_clause(cursor)))
    elif cursor.accept("CHECK"):
        expression, _ = cursor.group()
        syntax.constraints.append(ConstraintSyntax("check", name, expression=expression))
    elif cursor.accept("FOREIGN"):
        cursor.accept("KEY")
        _, inner = cursor.group()
        constraint = ConstraintSyntax("foreign_key", name, columns=[item[0].value for item in _split_top_level(inner)])
        cursor.accept("REFERENCES")
        _foreign_key_clause(cursor, constraint)
        syntax.constraints.append(constraint)


@dataclass
class IndexSyntax:
    unique: bool
    keys: list[tuple[str, bool, bool]]  # (column name or expression text, is_expression, descending)
    where: str | None
    collations: list[str] = field(default_factory=list)


def parse_create_index(sql: str) -> IndexSyntax | None:
    tokens = tokenize(sql)
    cursor = _Cursor(sql, tokens)
    if not cursor.accept("CREATE"):
        return None
    unique = cursor.accept("UNIQUE")
    if not cursor.accept("INDEX"):
        return None
    if cursor.accept("IF"):
        cursor.accept("NOT")
        cursor.accept("EXISTS")
    cursor.name()
    if not cursor.accept("ON"):
        return None
    cursor.name()
    if cursor.at_end():
        return None
    _, inner = cursor.group()
    keys, collations = [], []
    for item in _split_top_level(inner):
        descending = False
        if item[-1].is_word("ASC", "DESC"):
            descending = item[-1].is_word("DESC")
            item = item[:-1]
        if len(item) >= 3 and item[-2].is_word("COLLATE"):
            collations.append(item[-1].value)
            item = item[:-2]
        if len(item) == 1 and item[0].kind in ("word", "quoted"):
            keys.append((item[0].value, False, descending))
        else:
            keys.append((sql[item[0].start : item[-1].end], True, descending))
    where = None
    if cursor.accept("WHERE"):
        where = sql[cursor.tokens[cursor.position - 1].end :].strip().rstrip(";").strip()
    return IndexSyntax(unique, keys, where, collations)


# --- introspection ----------------------------------------------------------------------------


def _semantic(tokens: list[Token]) -> list[tuple[str, str]]:
    """Tokens compared for meaning: identifiers and keywords case-insensitively, quotes ignored."""
    result = []
    for token in tokens:
        if token.kind in ("word", "quoted"):
            result.append(("name", token.value.lower()))
        else:
            result.append((token.kind, token.text))
    return result


def _same_sql(left: str, right: str) -> bool:
    return _semantic(tokenize(left)) == _semantic(tokenize(right))


def _enum_values(expression: str, column: str) -> list[str] | None:
    """The values of `column IN ('a', 'b', …)`, or None for any other expression."""
    tokens = tokenize(expression)
    if len(tokens) < 5 or tokens[0].kind not in ("word", "quoted") or tokens[0].value.lower() != column.lower():
        return None
    if not tokens[1].is_word("IN") or tokens[2].text != "(" or tokens[-1].text != ")":
        return None
    inner = tokens[3:-1]
    values = []
    for position, token in enumerate(inner):
        if position % 2 == 0:
            if token.kind != "string":
                return None
            values.append(token.value)
        elif token.text != ",":
            return None
    return values if values and len(inner) % 2 == 1 else None


def _squash(text: str) -> str:
    return " ".join(text.split())


_DEPTH_IN_MESSAGE = re.compile(r"at most (\d+) level")
_NOW_VALUE = re.compile(r"^(?:CURRENT_TIMESTAMP|datetime\s*\(\s*'now'\s*\)|strftime\s*\(\s*'[^']*'\s*,\s*'now'\s*\))$", re.I)


@dataclass
class _Context:
    connection: sqlite3.Connection
    warnings: list[str]
    enums: dict[str, list[str]] = field(default_factory=dict)


def introspect(connection: sqlite3.Connection, name: str) -> ImportResult:
    """The design a SQLite database holds, and what of it could not be represented."""
    context = _Context(connection, [])
    rows = connection.execute("SELECT type, name, tbl_name, sql FROM main.sqlite_master ORDER BY rowid").fetchall()
    kinds = _table_kinds(connection)
    tables: dict[str, Table] = {}
    syntaxes: dict[str, TableSyntax] = {}
    views, virtual, shadows = read_objects(connection, rows, context.warnings)
    for kind, table_name, _tbl, sql in rows:
        if kind != "table" or table_name.startswith("sqlite_") or table_name in TOOL_TABLES:
            continue
        if kinds.get(table_name) == "shadow" or table_name in shadows or table_name in virtual:
            continue
        syntaxes[table_name] = parse_create_table(sql or "")
    for table_name, syntax in syntaxes.items():
        tables[table_name] = _table(context, table_name, syntax, rows)
    tables = _checked_foreign_keys(context, tables)
    tables = {table_name: _with_triggers(context, table_name, table, rows) for table_name, table in tables.items()}
    homeless = [row[1] for row in rows if row[0] == "trigger" and row[2] not in tables and row[2] not in views]
    if homeless:  # on a table left out above (schemasmith's own history table): said, not dropped silently
        context.warnings.append(f"triggers not on a table or view of the design are not imported: {', '.join(homeless)}")
    design = Design(
        name=name,
        conventions=Conventions(enum_style="check"),
        enums=context.enums,
        tables=tables,
        views=views,
        virtual_tables=virtual,
    )
    design = design.model_copy(update={"conventions": infer_conventions(design)})
    for problem in check_invariants(design):
        context.warnings.append(f"the imported design breaks a rule schemasmith checks: {problem}")
    return ImportResult(design=design, warnings=context.warnings)


def _table_kinds(connection: sqlite3.Connection) -> dict[str, str]:
    try:
        return {row[1]: row[2] for row in connection.execute("SELECT schema, name, type FROM pragma_table_list WHERE schema = 'main'")}
    except sqlite3.Error:  # SQLite before 3.37 has no table_list; shadow tables then show as tables
        return {}


def _table(context: _Context, table_name: str, syntax: TableSyntax, rows) -> Table:
    info = context.connection.execute(
        'SELECT name, type, "notnull", dflt_value, pk, hidden FROM pragma_table_xinfo(?)', (table_name,)
    ).fetchall()
    primary_key = [row[0] for row in sorted((row for row in info if row[4]), key=lambda row: row[4])]
    columns: dict[str, Column] = {}
    for row in info:
        column = _column(context, table_name, syntax, row, primary_key)
        if column is not None:
            columns[row[0]] = column
    unnamed = _has_unnamed_constraints(syntax, columns)
    primary_key_name, unique, checks, foreign_keys = _constraints(context, table_name, syntax, columns)
    indexes, index_names = [], []
    for kind, index_name, tbl_name, sql in rows:
        if kind != "index" or tbl_name != table_name or sql is None:
            continue
        index = _index(context, table_name, index_name, sql, columns)
        if index is not None:
            indexes.append(index)
            index_names.append(index_name)
    table = Table(
        columns=columns,
        primary_key=primary_key,
        primary_key_name=primary_key_name,
        unique=unique,
        checks=checks,
        foreign_keys=foreign_keys,
        indexes=indexes,
        strict=syntax.strict,
        without_rowid=syntax.without_rowid,
        unnamed_constraints=unnamed,
    )
    for column_name, enum in list(_enum_columns(context, table_name, syntax, columns).items()):
        table.columns[column_name] = table.columns[column_name].model_copy(update={"type": f"enum:{enum}"})
    if unnamed:  # names are kept exactly as written: leaving out a conventional one would add it back
        return simplify_names(table_name, table, index_names).model_copy(
            update={"unique": unique, "checks": table.checks, "foreign_keys": table.foreign_keys}
        )
    return simplify_names(table_name, table, index_names)


def _has_unnamed_constraints(syntax: TableSyntax, columns: dict[str, Column]) -> bool:
    """Whether the table has a constraint written without a name that a build would name.

    The unnamed CHECKs that stand in for a column's type are not counted: a build writes them
    unnamed too.
    """
    for constraint in syntax.constraints:
        if constraint.name is not None:
            continue
        if constraint.kind == "check" and _implied_for_some_column(constraint.expression or "", columns):
            continue
        return True
    return False


def _implied_for_some_column(expression: str, columns: dict[str, Column]) -> bool:
    return any(
        column.declared_type is None and any(_same_sql(expression, implied) for implied in implied_checks(name, column.portable_type))
        for name, column in columns.items()
    )


def _column(context: _Context, table_name: str, syntax: TableSyntax, row, primary_key: list[str]) -> Column | None:
    """One `pragma_table_xinfo` row as a design column; None for a hidden column of a virtual table."""
    warnings = context.warnings
    column_name, declared, not_null, default_sql, _pk, hidden = row
    where = f"{table_name}.{column_name}"
    column_syntax = syntax.columns.get(column_name) or next(
        (item for key, item in syntax.columns.items() if key.lower() == column_name.lower()), ColumnSyntax(column_name)
    )
    type_text, problem = portable_from_declared(declared or "")
    if problem:
        warnings.append(f"{where}: {problem}")
    identity = None
    if primary_key == [column_name] and column_syntax.autoincrement:
        type_text, identity = "integer", "by default"
    portable = parse_type(type_text)
    generated = None
    default = None
    if hidden in (2, 3) and column_syntax.generated is not None:
        generated = design_expression(column_syntax.generated)
    elif hidden == 1:
        return None
    else:
        default = design_default(default_sql, portable)
        if default is not None and identity is not None:
            default = None
        if (
            default is not None
            and primary_key == [column_name]
            and portable.kind == "uuid"
            and default.is_expression
            and default.value == UUID_DEFAULT
        ):
            default = None  # implied by a uuid key
    collation = column_syntax.collate if column_syntax.collate and column_syntax.collate.upper() != "BINARY" else None
    return Column(
        type=type_text,
        nullable=not not_null and column_name not in primary_key,
        default=default,
        identity=identity,
        generated=generated,
        virtual=hidden == 2 and generated is not None,
        collation=collation,
        key_without_not_null=column_name in primary_key and not not_null and identity is None,
        declared_default=_exact_default(default_sql, portable) if generated is None and identity is None else None,
        declared_type=_exact_declared_type(column_name, declared or "", portable, identity is not None, syntax),
    )


def _exact_default(default_sql: str | None, portable) -> str | None:
    """The default's SQL when a SQLite build from the design's default would write other text."""
    if default_sql is None:
        return None
    default = design_default(default_sql, portable)
    built = render_default(default, portable) if default is not None else None
    if built is not None and _squash(strip_parentheses(built)) == _squash(strip_parentheses(default_sql)):
        return None
    return default_sql


def _exact_declared_type(column_name: str, declared: str, portable, rowid_identity: bool, syntax: TableSyntax) -> str | None:
    """The declared type when a SQLite build from the portable type would spell it differently.

    A build writes the portable type's spelling and the unnamed CHECKs that stand in for it
    (`length(x) <= n` for varchar(n)); when the database has another spelling, or lacks one of
    those CHECKs, the column keeps its declared type exactly (and its CHECKs stay as checks).
    """
    spelled = "INTEGER" if rowid_identity else declared_type(portable)
    implied = implied_checks(column_name, portable)
    unnamed = [item.expression or "" for item in syntax.constraints if item.kind == "check" and item.name is None]
    present = [check for check in implied if any(_same_sql(check, expression) for expression in unnamed)]
    if declared == spelled and len(present) == len(implied):
        return None
    return declared


def _constraints(context: _Context, table_name: str, syntax: TableSyntax, columns: dict[str, Column]):
    """(primary key name, unique constraints, checks, foreign keys) from the table's own SQL."""
    primary_key_name: str | None = None
    unique: list[UniqueConstraint] = []
    checks: list[CheckConstraint] = []
    foreign_keys: list[ForeignKey] = []
    for constraint in syntax.constraints:
        if constraint.conflict:
            context.warnings.append(f"{table_name}: ON CONFLICT {constraint.conflict} of a {constraint.kind.replace('_', ' ')} is not kept")
        if constraint.kind == "primary_key":
            if constraint.name not in (None, naming.primary_key_name(table_name)) or _has_unnamed_constraints(syntax, columns):
                primary_key_name = constraint.name
        elif constraint.kind == "unique":
            unique.append(UniqueConstraint(name=constraint.name, columns=_real_names(constraint.columns, columns)))
        elif constraint.kind == "check" and constraint.expression is not None:
            check = _check(context, table_name, constraint, columns)
            if check is not None:
                checks.append(check)
        elif constraint.kind == "foreign_key":
            foreign_keys.append(_foreign_key(context, table_name, constraint, columns))
    return primary_key_name, unique, checks, _agreeing_foreign_keys(context, table_name, foreign_keys, columns)


def _index(context: _Context, table_name: str, index_name: str, sql: str, columns: dict[str, Column]) -> Index | None:
    """One CREATE INDEX as a design index; None (with a warning) when it cannot be read."""
    warnings = context.warnings
    parsed = parse_create_index(sql)
    if parsed is None:
        warnings.append(f"{table_name}: index {index_name} could not be read; not imported")
        return None
    if parsed.collations:
        warnings.append(f"{table_name}: index {index_name}: collation {', '.join(parsed.collations)} is not kept")
    known = set(columns)
    key_columns, expressions, order_changed = [], [], False
    for key, is_expression, descending in parsed.keys:
        real = _real_names([key], columns)[0] if not is_expression else key
        if not is_expression and real in known:
            if expressions:
                order_changed = True
            key_columns.append(real + (" desc" if descending else ""))
        else:
            if descending:
                warnings.append(f"{table_name}: index {index_name}: DESC on the expression {key} is not kept")
            expressions.append(design_expression(key))
    if order_changed:
        warnings.append(f"{table_name}: index {index_name}: the design lists column keys before expression keys; key order changed")
    return Index(
        columns=key_columns,
        expressions=expressions,
        unique=parsed.unique,
        where=design_expression(parsed.where) if parsed.where else None,
    )


def _real_names(names: list[str], columns: dict[str, Column]) -> list[str]:
    """Column names as the table spells them (SQLite matches names case-insensitively)."""
    lowered = {name.lower(): name for name in columns}
    return [name if name in columns else lowered.get(name.lower(), name) for name in names]


def _enum_columns(context: _Context, table_name: str, syntax: TableSyntax, columns: dict[str, Column]) -> dict[str, str]:
    return {constraint.enum[0]: constraint.enum[1] for constraint in syntax.constraints if constraint.enum}


def _check(context: _Context, table_name: str, constraint: ConstraintSyntax, columns: dict[str, Column]) -> CheckConstraint | None:
    expression = constraint.expression or ""
    if constraint.name is None:
        if _implied_for_some_column(expression, columns):
            return None  # stands in for the column's type (varchar length, boolean, json)
    else:
        tokens = tokenize(expression)
        if tokens and tokens[0].kind in ("word", "quoted"):
            column_name = _real_names([tokens[0].value], columns)[0]
            enum = naming.enum_from_check_name(table_name, column_name, constraint.name)
            values = _enum_values(expression, column_name) if enum else None
            if enum and values and column_name in columns and columns[column_name].type == "text":
                known = context.enums.get(enum)
                if known is None or known == values:
                    context.enums[enum] = values
                    constraint.enum = (column_name, enum)
                    return None
                context.warnings.append(
                    f"{table_name}.{column_name}: check {constraint.name} names enum {enum}, whose values differ"
                    " elsewhere; kept as a check"
                )
    return CheckConstraint(name=constraint.name, expression=design_expression(expression))


def _foreign_key(context: _Context, table_name: str, constraint: ConstraintSyntax, columns: dict[str, Column]) -> ForeignKey:
    target = constraint.table or ""
    references = list(constraint.references)
    if not references:
        rows = context.connection.execute("SELECT name, pk FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk", (target,)).fetchall()
        references = [row[0] for row in rows]
    return ForeignKey(
        name=constraint.name,
        columns=_real_names(constraint.columns, columns),
        references=Reference(table=target, columns=references),
        on_delete=None if constraint.on_delete in (None, "no action") else constraint.on_delete,  # type: ignore[arg-type]
        on_update=None if constraint.on_update in (None, "no action") else constraint.on_update,  # type: ignore[arg-type]
        deferrable=constraint.deferrable,
        initially_deferred=constraint.initially_deferred,
    )


def _agreeing_foreign_keys(context: _Context, table_name: str, parsed: list[ForeignKey], columns: dict[str, Column]) -> list[ForeignKey]:
    """The parsed foreign keys, or SQLite's own list of them if the two disagree.

    `PRAGMA foreign_key_list` is authoritative for what is enforced but knows no names and no
    DEFERRABLE; the parsed CREATE TABLE knows both. Should the parse ever miss one, the PRAGMA wins.
    """
    rows = context.connection.execute(
        'SELECT id, seq, "table", "from", "to", on_update, on_delete FROM pragma_foreign_key_list(?) ORDER BY id DESC, seq',
        (table_name,),
    ).fetchall()
    grouped: dict[int, list] = {}
    for row in rows:
        grouped.setdefault(row[0], []).append(row)

    def signature(target: str, local: list[str]) -> tuple[str, tuple[str, ...]]:
        return target.lower(), tuple(name.lower() for name in local)

    from_pragma = sorted(signature(group[0][2], [row[3] for row in group]) for group in grouped.values())
    if from_pragma == sorted(signature(fk.references.table, fk.columns) for fk in parsed):
        return parsed
    context.warnings.append(f"{table_name}: the foreign keys could not all be read from CREATE TABLE; their names and DEFERRABLE are not kept")
    result = []
    for group in grouped.values():
        target = group[0][2]
        references = [row[4] for row in group]
        if any(name is None for name in references):
            references = [row[0] for row in context.connection.execute("SELECT name, pk FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk", (target,))]
        actions = [None if action.lower() == "no action" else action.lower() for action in (group[0][6], group[0][5])]
        result.append(
            ForeignKey(
                columns=_real_names([row[3] for row in group], columns),
                references=Reference(table=target, columns=references),
                on_delete=actions[0],  # type: ignore[arg-type]
                on_update=actions[1],  # type: ignore[arg-type]
            )
        )
    return result


def _checked_foreign_keys(context: _Context, tables: dict[str, Table]) -> dict[str, Table]:
    """Foreign keys the design can hold; SQLite accepts some that point nowhere (it checks on use)."""
    lowered = {name.lower(): name for name in tables}
    result = {}
    for table_name, table in tables.items():
        kept = []
        for foreign_key in table.foreign_keys:
            label = f"{table_name}: foreign key {foreign_key.name or naming.foreign_key_name(table_name, foreign_key.columns)}"
            target_name = foreign_key.references.table
            target_name = target_name if target_name in tables else lowered.get(target_name.lower(), target_name)
            target = tables.get(target_name)
            if target is None:
                context.warnings.append(f"{label} references table {foreign_key.references.table}, which does not exist; not imported")
                continue
            referenced = _real_names(foreign_key.references.columns, target.columns)
            if len(referenced) != len(foreign_key.columns) or any(name not in target.columns for name in referenced):
                context.warnings.append(f"{label} references columns that {target_name} does not have; not imported")
                continue
            keys = [target.primary_key] + [item.columns for item in target.unique]
            keys += [index.columns for index in target.indexes if index.unique and not index.where and not index.expressions]
            if not any(sorted(key) == sorted(referenced) for key in keys if key):
                context.warnings.append(
                    f"{label} references {target_name}({', '.join(referenced)}), which is neither its primary key nor"
                    " unique (SQLite reports a foreign key mismatch on use); not imported"
                )
                continue
            families = [
                (type_family(table.columns[local].portable_type), type_family(target.columns[remote].portable_type))
                for local, remote in zip(foreign_key.columns, referenced)
            ]
            if any(left != right for left, right in families):
                context.warnings.append(f"{label}: column types differ from the referenced ones; not imported")
                continue
            kept.append(foreign_key.model_copy(update={"references": Reference(table=target_name, columns=referenced)}))
        result[table_name] = table.model_copy(update={"foreign_keys": kept})
    return result


def _with_triggers(context: _Context, table_name: str, table: Table, rows) -> Table:
    triggers: list[Trigger] = []
    halves: dict[tuple[str, int], set[str]] = {}
    for kind, trigger_name, tbl_name, sql in rows:
        if kind != "trigger" or tbl_name != table_name or sql is None:
            continue
        trigger = _known_trigger(table_name, table, trigger_name, sql)
        if trigger is None:  # any other trigger: kept as SQLite holds it
            triggers.append(Trigger(name=trigger_name, definition=sql, dialect="sqlite"))
            continue
        if trigger.kind == "max_depth":
            event = "insert" if trigger_name == max_depth_trigger_name(table_name, trigger.column or "", "insert") else "update"
            key = (trigger.column or "", trigger.depth or 0)
            if key not in halves:
                halves[key] = set()
                triggers.append(trigger)
            halves[key].add(event)
            continue
        triggers.append(trigger)
    for (column, depth), events in halves.items():
        if events != {"insert", "update"}:
            context.warnings.append(
                f"{table_name}: only the {next(iter(events))} half of the max_depth trigger on {column} exists;"
                " the design's max_depth trigger restores both"
            )
    if not any(trigger.kind == "updated_at" and trigger.column == "updated_at" for trigger in triggers) and not any(
        trigger.definition is not None and _hand_written_updated_at(table_name, table, trigger.definition) for trigger in triggers
    ):
        updated_at = table.columns.get("updated_at")
        if updated_at is not None and updated_at.portable_type.kind in ("timestamp", "timestamptz"):
            context.warnings.append(
                f"{table_name}.updated_at: no trigger keeps it current in this database; the design implies one"
                " (the updated_at convention), so DDL generated from it adds the trigger"
            )
    return table.model_copy(update={"triggers": triggers})


def _known_trigger(table_name: str, table: Table, trigger_name: str, sql: str) -> Trigger | None:
    squashed = _squash(sql)
    for column_name, column in table.columns.items():
        if column.portable_type.kind not in ("timestamp", "timestamptz"):
            continue
        if trigger_name == naming.trigger_name(table_name, "updated_at", column_name) and squashed == _squash(
            updated_at_trigger_sql(table_name, column_name, row_match_columns(table))
        ):
            return Trigger(kind="updated_at", column=column_name)
    for foreign_key in table.foreign_keys:
        if foreign_key.references.table != table_name or len(foreign_key.columns) != 1:
            continue
        column_name = foreign_key.columns[0]
        key = max_depth_key(table_name, table, column_name)
        for event in ("insert", "update"):
            if trigger_name != max_depth_trigger_name(table_name, column_name, event) or key is None:
                continue
            for match in _DEPTH_IN_MESSAGE.finditer(sql):
                depth = int(match[1])
                if squashed == _squash(max_depth_trigger_sql(table_name, column_name, key, depth, event)):
                    return Trigger(kind="max_depth", column=column_name, depth=depth)
    return None


def _hand_written_updated_at(table_name: str, table: Table, sql: str) -> Trigger | None:
    """`AFTER UPDATE ON t … BEGIN UPDATE t SET col = CURRENT_TIMESTAMP WHERE …; END` written by hand."""
    tokens = tokenize(sql)
    words = tokens
    begin = next((i for i, token in enumerate(words) if token.is_word("BEGIN")), None)
    if begin is None:
        return None
    head = words[:begin]
    if not any(token.is_word("AFTER") for token in head) or not any(token.is_word("UPDATE") for token in head):
        return None
    on = next((i for i, token in enumerate(head) if token.is_word("ON")), None)
    if on is None or on + 1 >= len(head) or head[on + 1].value.lower() != table_name.lower():
        return None
    body = words[begin + 1 :]
    if len(body) < 7 or not body[0].is_word("UPDATE") or body[1].value.lower() != table_name.lower() or not body[2].is_word("SET"):
        return None
    if body[-1].is_word("END"):
        body = body[:-1]
    if sum(1 for token in body if token.kind == "op" and token.text == ";") != 1 or body[-1].text != ";":
        return None
    column_token, equals = body[3], body[4]
    if equals.text not in ("=", "=="):
        return None
    end = next((i for i, token in enumerate(body) if token.is_word("WHERE") or token.text == ";"), len(body))
    value = sql[body[5].start : body[end - 1].end] if end > 5 else ""
    column_name = _real_names([column_token.value], table.columns)[0]
    column = table.columns.get(column_name)
    if column is None or column.portable_type.kind not in ("timestamp", "timestamptz") or not _NOW_VALUE.match(value.strip()):
        return None
    return Trigger(kind="updated_at", column=column_name)

