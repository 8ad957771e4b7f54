"""Migration files into statements: plain SQL through pglast, Alembic revisions run offline.

A folder is its files in name order (`*.sql`, `*.py`), the order a migration tool applies them.
A file that does not parse is a `ReadError` naming file, line and the parser's message; the
other files are still read, so one broken file does not hide the hazards in the rest.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from ..errors import SourceError


@dataclass
class Statement:
    """One statement of one file: where it starts, its text, and pglast's tree of it."""

    file: str
    line: int
    sql: str
    node: object  # a pglast.ast node
    index: int  # position in its file, from 0
    start: int = 0  # character offsets of the statement's code in its file's text
    end: int = 0


@dataclass
class MigrationFile:
    path: str
    statements: list[Statement]
    kind: str  # "sql" or "alembic"
    text: str  # the SQL the statements were read from


@dataclass
class ReadError:
    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        place = f"{self.file}:{self.line}" if self.line else self.file
        return f"{place}: {self.message}"


def expand(paths: list[str]) -> list[Path]:
    """The files to lint, in order: each FILE as given, each folder's *.sql and *.py by name
    (only its *.up.sql when it has up and down files)."""
    files: list[Path] = []
    for text in paths:
        path = Path(text)
        if path.is_dir():
            found = sorted(item for item in path.iterdir() if item.is_file() and item.suffix in (".sql", ".py") and not item.name.endswith(".fixed.sql") and item.name != "__init__.py")
            if any(item.name.endswith(".up.sql") for item in found):
                # an up/down folder (schemasmith diff, golang-migrate, dbmate): the ups are the migration
                found = [item for item in found if item.name.endswith(".up.sql")]
            if not found:
                raise SourceError(f"{text}: the folder holds no .sql or .py migration files")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise SourceError(f"{text}: no such file or folder")
    return files


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def parse(text: str, label: str) -> list[Statement]:
    """The statements of SQL `text`; `ReadError` at the line the parser stopped."""
    from pglast import parse_sql
    from pglast.parser import ParseError

    try:
        raws = parse_sql(text)
    except ParseError as error:
        message, position = (error.args + (None,))[:2]
        line = line_of(text, position) if isinstance(position, int) else None
        raise _Unparsable(ReadError(label, line, f"does not parse: {message}")) from None
    statements = []
    for index, raw in enumerate(raws):
        start = raw.stmt_location or 0
        length = raw.stmt_len or (len(text) - start)
        chunk = text[start : start + length]
        leading = len(chunk) - len(chunk.lstrip())
        body = chunk.strip()
        # a statement's text may begin with comments; its line is where the code begins
        line = line_of(text, start + leading) + _comment_lines(body)
        begin = start + leading
        statements.append(Statement(label, line, body, raw.stmt, index, begin, begin + len(body)))
    return statements


def _comment_lines(body: str) -> int:
    """Lines of `--` comments and blank lines at the start of a statement's text."""
    count = 0
    for row in body.split("\n"):
        stripped = row.strip()
        if stripped.startswith("--") or not stripped:
            count += 1
            continue
        break
    return count


class _Unparsable(Exception):
    def __init__(self, error: ReadError):
        self.error = error


def read_file(path: Path) -> MigrationFile:
    """One migration file's statements (`_Unparsable` when it cannot be read)."""
    label = str(path)
    if path.suffix == ".py":
        text = alembic_sql(path)
        statements = parse(text, label) if text.strip() else []
        line = _upgrade_line(path)
        for statement in statements:
            statement.line = line  # the SQL is upgrade()'s output: point at upgrade() in the .py
        return MigrationFile(label, statements, "alembic", text)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise _Unparsable(ReadError(label, None, f"is not UTF-8 text ({error.reason} at byte {error.start})")) from None
    return MigrationFile(label, parse(text, label), "sql", text)


def read_all(paths: list[str]) -> tuple[list[MigrationFile], list[ReadError]]:
    files, errors = [], []
    for path in expand(paths):
        try:
            files.append(read_file(path))
        except _Unparsable as problem:
            errors.append(problem.error)
    return files, errors


def alembic_sql(path: Path) -> str:
    """The SQL an Alembic revision's `upgrade()` emits, run offline (as `alembic upgrade --sql`).

    The module is imported under a private name with `alembic.op` bound to an offline
    PostgreSQL MigrationContext that writes SQL to a buffer: no database, no alembic.ini.
    """
    import importlib.util
    import sys

    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    buffer = io.StringIO()
    context = MigrationContext.configure(dialect_name="postgresql", opts={"as_sql": True, "output_buffer": buffer, "literal_binds": True})
    spec = importlib.util.spec_from_file_location(f"_schemasmith_lint_{abs(hash(str(path)))}", path)
    if spec is None or spec.loader is None:
        raise _Unparsable(ReadError(str(path), None, "cannot be loaded as a Python module"))
    module = importlib.util.module_from_spec(spec)
    try:
        with Operations.context(context):
            spec.loader.exec_module(module)
            upgrade = getattr(module, "upgrade", None)
            if upgrade is None:
                raise _Unparsable(ReadError(str(path), None, "is not an Alembic revision: it has no upgrade() function"))
            upgrade()
    except _Unparsable:
        raise
    except SyntaxError as error:
        raise _Unparsable(ReadError(str(path), error.lineno, f"does not parse as Python: {error.msg}")) from None
    except Exception as error:  # noqa: BLE001 - any failure of user code is that file's problem
        line = _traceback_line(error, str(path))
        raise _Unparsable(ReadError(str(path), line, f"upgrade() failed offline: {type(error).__name__}: {error}")) from None
    finally:
        sys.modules.pop(spec.name, None)
    return buffer.getvalue()


def _upgrade_line(path: Path) -> int:
    import ast

    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except SyntaxError:
        return 1
    return next((node.lineno for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == "upgrade"), 1)


def _traceback_line(error: BaseException, filename: str) -> int | None:
    trace = error.__traceback__
    line = None
    while trace is not None:
        if trace.tb_frame.f_code.co_filename == filename:
            line = trace.tb_lineno
        trace = trace.tb_next
    return line
