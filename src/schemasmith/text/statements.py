"""Where SQL statements end: one splitter per client whose lexing differs, one shape of result.

Each function cuts a script the way that dialect's own client reads it, so a `;` inside a
string, a quoted identifier, a comment, a dollar quote or a trigger body never ends a statement:

- `split_psql_script` — a psql script (PostgreSQL): nested block comments, E'' escapes, dollar
  quotes, COPY … FROM stdin data and backslash meta-commands; gives (kind, start, end) offsets.
- `psql_statements` — the same split as `Statement`s (meta-commands left out).
- `split_sqlite_script` — a script for the sqlite3 tool: a statement ends at a `;` that
  `sqlite3.complete_statement` accepts (trigger bodies stay whole); `.commands` are skipped.
- `split_mysql_script` — a file for the mysql client: `DELIMITER` lines honoured.

`line_of` gives the 1-based line of an offset, for messages that name where a statement starts.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass


@dataclass
class Statement:
    """One statement of a script and the line it starts on."""

    line: int  # where the statement starts (1-based)
    text: str
    start: int = 0  # offset of the statement's first character in the script


def line_of(sql: str, offset: int) -> int:
    """The 1-based line `offset` falls on."""
    return sql.count("\n", 0, offset) + 1


# --- PostgreSQL (psql) -----------------------------------------------------------------------

_COPY_STDIN = re.compile(r"^COPY\b.*\bFROM\s+STDIN\b", re.IGNORECASE | re.DOTALL)
_DOLLAR_TAG = re.compile(r"\$(?:[A-Za-z_\x80-\U0010ffff][A-Za-z0-9_\x80-\U0010ffff]*)?\$")


def split_psql_script(sql: str) -> list[tuple[str, int, int]]:
    """A psql script cut into ("statement" | "meta", start, end) pieces, as psql would read it.

    Comments (nested block comments too), quoted strings and identifiers, E'' escapes, dollar
    quotes and COPY … FROM stdin data are skipped over, so a `;` or a word inside them never
    counts. A statement runs from its first token to its `;` (included).
    """
    pieces: list[tuple[str, int, int]] = []
    position, length = 0, len(sql)
    start: int | None = None

    def skip_line(at: int) -> int:
        newline = sql.find("\n", at)
        return length if newline < 0 else newline + 1

    while position < length:
        character = sql[position]
        if character in " \t\r\n\f":
            position += 1
            continue
        if sql.startswith("--", position):
            position = skip_line(position)
            continue
        if sql.startswith("/*", position):
            depth, position = 1, position + 2
            while position < length and depth:
                if sql.startswith("/*", position):
                    depth, position = depth + 1, position + 2
                elif sql.startswith("*/", position):
                    depth, position = depth - 1, position + 2
                else:
                    position += 1
            continue
        if character == "\\":
            end = skip_line(position)
            pieces.append(("meta", position, end))
            position = end
            continue
        if start is None:
            start = position
        if character == "'":
            escapes = position > 0 and sql[position - 1] in "eE" and (position < 2 or not (sql[position - 2].isalnum() or sql[position - 2] == "_"))
            position += 1
            while position < length:
                if escapes and sql[position] == "\\":
                    position += 2
                    continue
                if sql[position] == "'":
                    if sql.startswith("''", position):
                        position += 2
                        continue
                    break
                position += 1
            position += 1
            continue
        if character == '"':
            closing = sql.find('"', position + 1)
            while closing >= 0 and sql.startswith('""', closing):
                closing = sql.find('"', closing + 2)
            position = length if closing < 0 else closing + 1
            continue
        if character == "$" and not (position > 0 and (sql[position - 1].isalnum() or sql[position - 1] == "_")):
            tag = _DOLLAR_TAG.match(sql, position)
            if tag:
                closing = sql.find(tag.group(0), tag.end())
                position = length if closing < 0 else closing + len(tag.group(0))
                continue
        if character == ";":
            position += 1
            pieces.append(("statement", start, position))
            if _COPY_STDIN.match(sql[start:position]):
                # Data lines follow, up to a line holding only \.
                position = skip_line(position)
                while position < length:
                    line_end = skip_line(position)
                    if sql[position:line_end].strip() == "\\.":
                        position = line_end
                        break
                    position = line_end
            start = None
            continue
        position += 1
    if start is not None:
        pieces.append(("statement", start, length))
    return pieces


def psql_statements(sql: str) -> list[Statement]:
    """The SQL statements of a psql script (meta-commands left out), each with its first line."""
    return [Statement(line_of(sql, start), sql[start:end], start) for kind, start, end in split_psql_script(sql) if kind == "statement"]


# --- SQLite (the sqlite3 tool) ---------------------------------------------------------------

_SQLITE_STATEMENT_PART = re.compile(
    r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|`(?:[^`]|``)*`|\[[^\]]*\]|--[^\n]*|/\*.*?(?:\*/|\Z)|;",
    re.S,
)
_SQLITE_SKIP = re.compile(r"(?:\s+|--[^\n]*|/\*.*?(?:\*/|\Z))*", re.S)


def split_sqlite_script(sql: str, notes: list[str] | None = None) -> list[Statement]:
    """The statements of a script as the sqlite3 tool sees them, each with its first line.

    A statement ends at a `;` that completes it (`sqlite3.complete_statement`, so trigger bodies
    stay whole). Lines starting with `.` between statements are the sqlite3 tool's own commands;
    they are skipped and listed in `notes`.
    """
    statements: list[Statement] = []
    position, line, counted_to = 0, 1, 0
    size = len(sql)
    while True:
        position = _SQLITE_SKIP.match(sql, position).end()  # type: ignore[union-attr]
        if position >= size:
            break
        line += sql.count("\n", counted_to, position)
        counted_to = position
        if sql[position] == "." and (position == 0 or sql[sql.rfind("\n", 0, position) + 1 : position].strip() == ""):
            end = sql.find("\n", position)
            end = size if end < 0 else end
            if notes is not None:
                notes.append(f"line {line}: the sqlite3 tool's command {sql[position:end].strip()!r} was skipped")
            position = end
            continue
        end = size
        for match in _SQLITE_STATEMENT_PART.finditer(sql, position):
            if match.group() == ";" and sqlite3.complete_statement(sql[position : match.end()]):
                end = match.end()
                break
        statements.append(Statement(line, sql[position:end], position))
        position = end
    return statements


# --- MySQL / MariaDB (the mysql client) ------------------------------------------------------


def split_mysql_script(text: str) -> list[str]:
    """The statements of a rendered file as the `mysql` client sends them (DELIMITER honoured)."""
    statements, delimiter, current = [], ";", []
    for line in text.splitlines():
        stripped = line.strip()
        if not current and (not stripped or stripped.startswith("--")):
            continue
        if stripped.upper().startswith("DELIMITER ") and not current:
            delimiter = stripped.split(None, 1)[1]
            continue
        current.append(line)
        if stripped.endswith(delimiter):
            statement = "\n".join(current).rstrip()[: -len(delimiter)].rstrip()
            statements.append(statement)
            current = []
    if current and "".join(current).strip():
        statements.append("\n".join(current))
    return statements
