"""What the PostgreSQL and SQLite renderers share: the rendered file, comments, row copies."""

from __future__ import annotations

from dataclasses import dataclass

from ...dialects import sqlite as sqlite_dialect
from .. import operations as ops


def comment_lines(text: str) -> list[str]:
    return sqlite_dialect.comment_lines(text)


@dataclass
class FileText:
    """One rendered file and the facts its header declares."""

    text: str
    statements: int = 0


def copy_rows(op: ops.CopyRows, quote) -> list[str]:
    source, target = quote(op.source), quote(op.target)
    if not op.back:
        target_columns = [quote(t) for t, _ in op.link] + [quote(t) for _, t in op.columns]
        source_columns = [f"{source}.{quote(s)}" for _, s in op.link] + [f"{source}.{quote(s)}" for s, _ in op.columns]
        any_value = " OR ".join(f"{source}.{quote(s)} IS NOT NULL" for s, _ in op.columns)
        return [
            (f"INSERT INTO {target} ({', '.join(target_columns)})\n"
            f"SELECT {', '.join(source_columns)} FROM {source}\nWHERE {any_value};")
        ]
    match = " AND ".join(f"{target}.{quote(t)} = {source}.{quote(s)}" for t, s in op.link)
    assignments = ",\n    ".join(f"{quote(s)} = (SELECT {target}.{quote(t)} FROM {target} WHERE {match})" for s, t in op.columns)
    return [f"UPDATE {source} SET\n    {assignments}\nWHERE EXISTS (SELECT 1 FROM {target} WHERE {match});"]
