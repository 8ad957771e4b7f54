"""The SQLite objects beside tables, read from `sqlite_schema`: views, triggers, virtual tables.

Each is kept as SQLite holds its SQL (a view's SELECT, a trigger's whole CREATE TRIGGER, a virtual
table's `module(arguments)`), marked `dialect: sqlite`, so building it again gives the same text.
"""

from __future__ import annotations

import sqlite3

from ..dialects.sqlite import Token, tokenize
from ..model.document import Trigger
from ..model.objects import View, VirtualTable

#: The shadow tables FTS3/4/5, R*Tree and friends keep beside a virtual table (before SQLite 3.37
#: has `pragma_table_list`, which names them `shadow` itself).
SHADOW_SUFFIXES = ("_data", "_idx", "_content", "_docsize", "_config", "_segments", "_segdir", "_stat", "_node", "_rowid", "_parent")


def _after_name(tokens: list[Token], *words: str) -> int:
    """The position after `CREATE [TEMP] <words> [IF NOT EXISTS] [schema.]name`."""
    position = 1
    while position < len(tokens) and not tokens[position].is_word(*words):
        position += 1
    position += 1
    if position + 2 < len(tokens) and tokens[position].is_word("IF"):
        position += 3
    position += 1
    if position < len(tokens) and tokens[position].kind == "op" and tokens[position].text == ".":
        position += 2
    return position


def parse_view(sql: str) -> tuple[list[str], str] | None:
    """(column names written after the view's name, the SELECT exactly as written), or None."""
    tokens = tokenize(sql)
    position = _after_name(tokens, "VIEW")
    columns: list[str] = []
    if position < len(tokens) and tokens[position].text == "(":
        depth = 0
        while position < len(tokens):
            token = tokens[position]
            position += 1
            if token.text == "(":
                depth += 1
            elif token.text == ")":
                depth -= 1
                if depth == 0:
                    break
            elif depth == 1 and token.kind in ("word", "quoted"):
                columns.append(token.value)
    if position >= len(tokens) or not tokens[position].is_word("AS"):
        return None
    return columns, sql[tokens[position].end :].strip()


def parse_virtual_table(sql: str) -> str | None:
    """`module(arguments)` of a CREATE VIRTUAL TABLE, exactly as written, or None."""
    tokens = tokenize(sql)
    position = _after_name(tokens, "TABLE")
    if position >= len(tokens) or not tokens[position].is_word("USING"):
        return None
    return sql[tokens[position].end :].strip().rstrip(";").strip()


def trigger_target(sql: str) -> str | None:
    """The table or view a CREATE TRIGGER is on (the name after its first top-level ON)."""
    tokens = tokenize(sql)
    for position, token in enumerate(tokens):
        if token.is_word("BEGIN"):
            return None
        if token.is_word("ON") and position + 1 < len(tokens):
            if position + 3 < len(tokens) and tokens[position + 2].text == ".":
                return tokens[position + 3].value
            return tokens[position + 1].value
    return None


def shadow_tables(connection: sqlite3.Connection, rows, virtual: list[str]) -> set[str]:
    """The names of the shadow tables that belong to the virtual tables in `virtual`."""
    try:
        found = {row[0] for row in connection.execute("SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'shadow'")}
    except sqlite3.Error:
        found = set()
    prefixes = [name.lower() + suffix for name in virtual for suffix in SHADOW_SUFFIXES]
    for kind, name, _tbl, _sql in rows:
        if kind == "table" and name.lower() in prefixes:
            found.add(name)
    return found


def read_objects(connection: sqlite3.Connection, rows, warnings: list[str]):
    """(views, virtual tables, shadow table names) of a SQLite database's schema rows."""
    views: dict[str, View] = {}
    virtual: dict[str, VirtualTable] = {}
    for kind, name, _tbl, sql in rows:
        if kind == "view" and sql:
            parsed = parse_view(sql)
            if parsed is None:
                warnings.append(f"view {name} could not be read; not imported")
                continue
            columns, query = parsed
            views[name] = View(query=query, dialect="sqlite", columns=columns)
        elif kind == "table" and sql and sql.upper().lstrip().startswith("CREATE VIRTUAL"):
            using = parse_virtual_table(sql)
            if using is None:
                warnings.append(f"virtual table {name} could not be read; not imported")
                continue
            virtual[name] = VirtualTable(using=using, dialect="sqlite")
    shadows = shadow_tables(connection, rows, list(virtual))
    for kind, name, tbl_name, sql in rows:
        if kind != "trigger" or not sql:
            continue
        view_name = tbl_name if tbl_name in views else None
        if view_name is not None:
            trigger = Trigger(name=name, definition=sql, dialect="sqlite")
            views[view_name] = views[view_name].model_copy(update={"triggers": [*views[view_name].triggers, trigger]})
    return views, virtual, shadows
