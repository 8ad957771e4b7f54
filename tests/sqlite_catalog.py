"""Compare two SQLite databases' schemas as SQLite itself holds them: the round-trip referee.

`catalog(connection)` reads every user object of `sqlite_schema` and the PRAGMAs that say what
SQLite enforces (table_xinfo, index_list/index_xinfo, foreign_key_list, table_list). Index, view
and trigger SQL is compared token for token (identifiers case-folded and unquoted, whitespace and
comments ignored, literals exact). A CREATE TABLE is compared as what it declares: every column
(declared type, NOT NULL, default, key position, hidden/generated kind, collation, generated
expression), every constraint with its name (where it was written — column or table — and
`ON DELETE NO ACTION` written out or not are the same table), STRICT and WITHOUT ROWID.
`differences(left, right)` lists what differs, one readable line each.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from schemasmith.dialects.sqlite import tokenize
from schemasmith.importers.sqlite import parse_create_table


def normalized_sql(sql: str | None) -> tuple:
    """The SQL's tokens: identifiers and keywords lower-cased without quotes, literals as written."""
    result = []
    for token in tokenize(sql or ""):
        if token.kind in ("word", "quoted"):
            result.append(token.value.lower())
        elif not (token.kind == "op" and token.text == ";"):
            result.append(token.text)
    return tuple(result)


def _action(action: str | None) -> str | None:
    return None if action in (None, "no action") else action


def table_shape(connection: sqlite3.Connection, name: str, sql: str) -> dict[str, Any]:
    """What a CREATE TABLE declares, as SQLite reports it and its text names it."""
    syntax = parse_create_table(sql)
    columns = []
    for row in connection.execute("SELECT name, type, \"notnull\", dflt_value, pk, hidden FROM pragma_table_xinfo(?)", (name,)):
        column = syntax.columns.get(row[0]) or next((c for key, c in syntax.columns.items() if key.lower() == row[0].lower()), None)
        extra = (None, None, False)
        if column is not None:
            extra = ((column.collate or "").upper() or None, normalized_sql(column.generated) if column.generated else None, column.autoincrement)
        columns.append((*row, *extra))
    constraints = sorted(
        (
            item.kind,
            item.name or "",
            tuple(name.lower() for name in item.columns),
            normalized_sql(item.expression),
            (item.table or "").lower(),
            tuple(name.lower() for name in item.references),
            _action(item.on_delete) or "",
            _action(item.on_update) or "",
            item.deferrable,
            item.initially_deferred,
            item.conflict or "",
        )
        for item in syntax.constraints
    )
    foreign_keys = connection.execute('SELECT id, seq, "table", "from", "to", on_update, on_delete, match FROM pragma_foreign_key_list(?)', (name,)).fetchall()
    return {"columns": columns, "constraints": constraints, "strict": syntax.strict, "without_rowid": syntax.without_rowid, "foreign_keys": foreign_keys}


def _indexes(connection: sqlite3.Connection, table: str) -> list[tuple]:
    result = []
    for _seq, name, unique, origin, partial in connection.execute("SELECT seq, name, \"unique\", origin, partial FROM pragma_index_list(?)", (table,)):
        keys = connection.execute("SELECT seqno, cid, name, \"desc\", coll, key FROM pragma_index_xinfo(?)", (name,)).fetchall()
        label = name if origin == "c" else f"({origin} index)"  # autoindex names follow creation order
        result.append((label, unique, origin, partial, tuple(keys)))
    return sorted(result, key=repr)


def catalog(connection: sqlite3.Connection) -> dict[tuple[str, str], Any]:
    """(type, name) → what the object is, for every user object of the main schema."""
    rows = connection.execute("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'").fetchall()
    kinds = {row[0]: row[1] for row in connection.execute("SELECT name, type FROM pragma_table_list WHERE schema = 'main'")}
    result: dict[tuple[str, str], Any] = {}
    for kind, name, tbl_name, sql in rows:
        if kind == "index" and sql is None:
            continue  # an autoindex: compared through its table's index list
        if kind == "table" and kinds.get(name) == "table" and not (sql or "").upper().lstrip().startswith("CREATE VIRTUAL"):
            shape = table_shape(connection, name, sql or "")
            shape["indexes"] = _indexes(connection, name)
            result[(kind, name)] = shape
        else:
            result[(kind, name)] = {"on": tbl_name.lower(), "sql": normalized_sql(sql)}
    return result


def catalog_of(path_or_connection) -> dict[tuple[str, str], Any]:
    if isinstance(path_or_connection, sqlite3.Connection):
        return catalog(path_or_connection)
    connection = sqlite3.connect(str(path_or_connection))
    try:
        return catalog(connection)
    finally:
        connection.close()


def differences(left: dict, right: dict) -> list[str]:
    """What differs between two catalogs, one line per object and part."""
    problems = []
    for key in sorted(set(left) | set(right)):
        if key not in right:
            problems.append(f"{key[0]} {key[1]}: only in the first")
        elif key not in left:
            problems.append(f"{key[0]} {key[1]}: only in the second")
        elif left[key] != right[key]:
            for part in sorted(set(left[key]) | set(right[key])):
                first, second = left[key].get(part), right[key].get(part)
                if first == second:
                    continue
                if isinstance(first, list) and isinstance(second, list):
                    only_first = [item for item in first if item not in second]
                    only_second = [item for item in second if item not in first]
                    problems.append(f"{key[0]} {key[1]}: {part}: {only_first!r} became {only_second!r}" + ("" if only_first or only_second else " (order)"))
                else:
                    problems.append(f"{key[0]} {key[1]}: {part}: {first!r} != {second!r}")
    return problems


def counts(found: dict) -> dict[str, int]:
    """How many objects of each type a catalog holds."""
    result: dict[str, int] = {}
    for kind, _name in found:
        result[kind] = result.get(kind, 0) + 1
    return result
