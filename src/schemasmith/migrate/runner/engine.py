"""The migration runner's engine: apply, revert and list a folder of SQL migrations, atomically and once.

The folder follows the contract of `files.py` (written by `schemasmith diff`, or by hand):
`NNNN_name.up.sql` and, optionally, `NNNN_name.down.sql`; UP files apply in version order, DOWN
files revert in reverse. The directives of a file's leading comment block change how it runs:

- `-- schemasmith: no-transaction`: the statements run one by one outside a transaction (what
  `CREATE INDEX CONCURRENTLY`, batched backfills that COMMIT, or SQLite's `VACUUM` need); its
  history row is written after the last statement succeeded;
- `-- schemasmith: data-loss: REASON`: `apply`/`down` refuse the file unless `--allow-data-loss`
  (the runner also honours a data-loss line further down the file, to be safe);
- `-- schemasmith: after-deploy: TEXT`: a plain `apply` stops before the file (the application
  must be deployed first); naming it with `--to-version VERSION` or `--steps N` runs it;
- `-- schemasmith: irreversible: REASON` (DOWN files): the revert runs, with a warning that the
  data does not come back.

Every other file runs in one transaction together with its history row, so a migration and the
record of it commit together or not at all. A file may wrap itself in `BEGIN; … COMMIT;` (so
`psql -f` can apply it alone): the wrapper is dropped and the body runs inside the runner's own
transaction; transaction control anywhere else in a transactional file is refused. Session
settings a file makes (`SET statement_timeout …` in a no-transaction file) are reset after it,
as if each file ran in its own `psql -f`.

PostgreSQL (psycopg 3): statements are split with PostgreSQL's own parser (pglast), so
PL/pgSQL bodies and `BEGIN ATOMIC` functions stay whole, and each runs in turn, so an error
names its file and line; text the parser cannot read is sent as one multi-statement string
(the server then reports the position). Concurrent runners serialize on a session advisory lock
(`pg_try_advisory_lock(LOCK_KEY)`, polled: a session blocked inside `pg_advisory_lock` holds a
snapshot that `CREATE INDEX CONCURRENTLY` in the lock holder would wait for — a deadlock).

SQLite (sqlite3): every migration runs in `BEGIN IMMEDIATE`, which takes SQLite's write lock
(a second runner waits on it) and re-reads the history row inside the lock, so a migration a
concurrent runner has just applied is skipped, never applied twice. PRAGMAs before the file's
`BEGIN` / after its `COMMIT` (e.g. `PRAGMA foreign_keys = OFF` around a table rebuild) run
outside the transaction, where SQLite honours them; `PRAGMA foreign_key_check` inside a
migration fails it when it reports violations.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ...errors import SchemasmithError, SourceError
from .. import files
from ..files import NO_TRANSACTION
from . import history
from .history import Applied

#: The fixed key of the advisory lock every `schemasmith migrate` run on PostgreSQL takes
#: (sha256 of "schemasmith migrate", first 8 bytes, signed). Advisory locks are per database.
LOCK_KEY = int.from_bytes(hashlib.sha256(b"schemasmith migrate").digest()[:8], "big", signed=True)

_ANY_DATA_LOSS = re.compile(r"^\s*--\s*schemasmith:\s*data-loss\b\s*:?\s*(?P<reason>.*?)\s*$", re.M)
_LOOKS_LIKE_STEP = re.compile(r"\.(?:up|down)\.sql$", re.I)
_LEADING_JUNK = re.compile(r"(?:\s+|--[^\n]*(?:\n|$)|/\*.*?\*/)*", re.S)
_SQLITE_BUSY_SECONDS = 600.0

Report = Callable[[str], None]


class MigrationError(SchemasmithError):
    """A migration could not be planned or run; the message names the file (and line)."""


# --- migration files ----------------------------------------------------------------------


@dataclass(frozen=True)
class SqlFile:
    """One migration file as read from disk, with its directives."""

    path: Path
    text: str
    checksum: str  # sha256 hex of the file's bytes
    transactional: bool
    data_loss: tuple[str, ...] = ()  # reasons ("" when none was given); empty: no data loss
    after_deploy: tuple[str, ...] = ()
    irreversible: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.path.name


@dataclass(frozen=True)
class Migration:
    """One version: its UP file and, if written, its DOWN file."""

    version: int
    label: str  # the version as written: "0003"
    name: str  # the name part: "add_labels"
    up: SqlFile | None
    down: SqlFile | None

    @property
    def title(self) -> str:
        return f"{self.label}_{self.name}"


def read_sql_file(path: Path) -> SqlFile:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise MigrationError(f"{path}: cannot be read ({error.strerror or error})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise MigrationError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from None
    found = files.read_directives(text)
    data_loss = list(found.data_loss)
    if not data_loss:
        data_loss = [match["reason"] for match in _ANY_DATA_LOSS.finditer(text)]
    return SqlFile(
        path,
        text,
        hashlib.sha256(data).hexdigest(),
        not found.no_transaction,
        tuple(data_loss),
        tuple(found.after_deploy),
        tuple(found.irreversible),
    )


def read_directory(directory: str | Path) -> tuple[list[Migration], list[str]]:
    """The migrations of a folder in version order, and warnings about files that are not."""
    folder = Path(directory)
    if not folder.exists():
        raise MigrationError(f"{folder}: no such folder")
    if not folder.is_dir():
        raise MigrationError(f"{folder}: is not a folder of migrations")
    warnings: list[str] = []
    found: dict[int, dict[str, dict[str, Path]]] = {}  # version → id → direction → path
    for path in sorted(folder.iterdir()):
        if not path.is_file():
            continue
        match = files.STEP_FILE.match(path.name)
        if match is None:
            if _LOOKS_LIKE_STEP.search(path.name) or path.suffix.lower() == ".sql":
                warnings.append(
                    f"{path}: ignored; migration files are named NNNN_name.up.sql / NNNN_name.down.sql"
                    " (at least 4 digits; the name in lower-case letters, digits and _)"
                )
            continue
        ident = f"{match['number']}_{match['name']}"
        found.setdefault(int(match["number"]), {}).setdefault(ident, {})[match["direction"]] = path
    migrations: list[Migration] = []
    for version in sorted(found):
        idents = found[version]
        if len(idents) > 1:
            names = ", ".join(path.name for ident in sorted(idents) for path in idents[ident].values())
            raise MigrationError(f"{folder}: version {version} has files with different names: {names}; one version, one name")
        ident, paths = next(iter(idents.items()))
        label, _, name = ident.partition("_")
        if "up" not in paths:
            raise MigrationError(f"{paths['down']}: a DOWN file without its UP file ({ident}.up.sql)")
        up = read_sql_file(paths["up"])
        down = read_sql_file(paths["down"]) if "down" in paths else None
        migrations.append(Migration(version, label, name, up, down))
    return migrations, warnings


# --- results ------------------------------------------------------------------------------


@dataclass
class Step:
    """One migration to run in one direction."""

    migration: Migration
    direction: str  # "up" or "down"

    @property
    def file(self) -> SqlFile:
        chosen = self.migration.up if self.direction == "up" else self.migration.down
        assert chosen is not None
        return chosen


@dataclass
class Done:
    step: Step
    duration_ms: int


@dataclass
class RunResult:
    """What `apply` or `down` did (or, with dry_run, would do)."""

    action: str
    dry_run: bool
    plan: list[Step] = field(default_factory=list)
    done: list[Done] = field(default_factory=list)
    skipped: list[Step] = field(default_factory=list)  # done meanwhile by a concurrent runner
    warnings: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # dry run: what the real run would refuse
    gated: Step | None = None  # a plain apply stopped before this after-deploy step
    version: str | None = None  # the database's version afterwards (None: no migration applied)


@dataclass
class StatusRow:
    version: int
    label: str
    name: str
    state: str  # applied, pending, changed, missing
    applied_at: object = None
    duration_ms: int | None = None
    execution: str | None = None
    file: str | None = None
    has_down: bool = False
    after_deploy: tuple[str, ...] = ()  # pending steps only: what must be deployed first


@dataclass
class StatusResult:
    rows: list[StatusRow]
    warnings: list[str]
    database: str


# --- SQL text helpers ---------------------------------------------------------------------


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, max(0, offset)) + 1


def code_start(text: str, start: int = 0) -> int:
    """The offset of the first character after whitespace and comments from `start`."""
    match = _LEADING_JUNK.match(text, start)
    return match.end() if match else start


def first_keyword(text: str) -> str:
    rest = text[code_start(text):]
    match = re.match(r"[A-Za-z_]+", rest)
    return match.group(0).upper() if match else ""


@dataclass(frozen=True)
class Statement:
    start: int
    end: int  # exclusive; the terminating semicolon not included
    control: str | None  # "begin", "commit", or another transaction verb; None: ordinary SQL


_BEGIN_WORDS = {"BEGIN", "START"}
_COMMIT_WORDS = {"COMMIT", "END"}
_CONTROL_WORDS = {"ROLLBACK", "ABORT", "SAVEPOINT", "RELEASE"}


def _keyword_control(text: str, *, end_is_commit: bool = True) -> str | None:
    word = first_keyword(text)
    if word in _BEGIN_WORDS:
        return "begin"
    if word in _COMMIT_WORDS and (word != "END" or end_is_commit):
        return "commit"
    if word in _CONTROL_WORDS:
        return word.lower()
    if word == "PREPARE" and re.match(r"\s*PREPARE\s+TRANSACTION\b", text[code_start(text):], re.I):
        return "prepare transaction"
    return None


def postgres_statements(text: str) -> tuple[list[Statement], bool]:
    """The statements of a PostgreSQL file, and whether PostgreSQL's parser could read it all.

    Parsed: exact statements (a `BEGIN ATOMIC … END` body stays whole). Otherwise the lexical
    scanner's split (still dollar-quote aware) is returned for finding the BEGIN/COMMIT wrapper.
    """
    import pglast
    from pglast import ast
    from pglast.enums import TransactionStmtKind

    try:
        slices = pglast.split(text, only_slices=True)
        raws = pglast.parse_sql(text)
    except Exception:  # noqa: BLE001 - pglast raises ParseError, or others on odd input
        try:
            slices = pglast.split(text, with_parser=False, only_slices=True)
        except Exception:  # noqa: BLE001
            body = code_start(text)
            return ([Statement(body, len(text), None)] if body < len(text) else []), False
        return [Statement(s.start, s.stop, _keyword_control(text[s.start:s.stop], end_is_commit=False)) for s in slices], False
    statements = []
    for piece, raw in zip(slices, raws):
        control = None
        node = raw.stmt
        if isinstance(node, ast.TransactionStmt):
            kind = node.kind
            if kind in (TransactionStmtKind.TRANS_STMT_BEGIN, TransactionStmtKind.TRANS_STMT_START):
                control = "begin"
            elif kind == TransactionStmtKind.TRANS_STMT_COMMIT:
                control = "commit"
            else:
                control = kind.name.removeprefix("TRANS_STMT_").lower().replace("_", " ")
        statements.append(Statement(piece.start, piece.stop, control))
    return statements, True


def sqlite_statements(text: str) -> list[Statement]:
    """Complete SQLite statements (triggers whole), cut by the one SQLite splitter."""
    from ...text.statements import split_sqlite_script

    statements: list[Statement] = []
    for piece in split_sqlite_script(text):
        stop = piece.start + len(piece.text)
        if piece.text.endswith(";"):
            stop -= 1
        body = code_start(text, piece.start)
        if body < stop:
            statements.append(Statement(body, stop, _keyword_control(text[body:stop])))
    return statements


def _unwrap(file: SqlFile, statements: list[Statement]) -> list[Statement]:
    """The statements of a transactional file without its own BEGIN … COMMIT wrapper."""
    body = list(statements)
    if body and body[0].control == "begin":
        if body[-1].control != "commit":
            raise MigrationError(
                f"{file.path}:{line_of(file.text, body[0].start)}: the file opens a transaction (BEGIN) but does not end with COMMIT"
            )
        body = body[1:-1]
    for statement in body:
        if statement.control is not None:
            verb = statement.control.upper()
            raise MigrationError(
                f"{file.path}:{line_of(file.text, statement.start)}: {verb} inside a migration that runs in a transaction;"
                " the runner commits each file with its history row. Split the file, or mark it"
                f" `-- schemasmith: {NO_TRANSACTION}` in its first lines"
            )
    return body


def _blank(text: str, statements: list[Statement], kept: list[Statement]) -> str:
    """The text with every statement not kept (and its semicolon) replaced by spaces."""
    chars = list(text)
    keep = {(s.start, s.end) for s in kept}
    for statement in statements:
        if (statement.start, statement.end) in keep:
            continue
        end = statement.end
        if end < len(text) and text[end] == ";":
            end += 1
        for index in range(statement.start, end):
            if chars[index] != "\n":
                chars[index] = " "
    return "".join(chars)


def _shown(statement_text: str) -> str:
    one_line = " ".join(statement_text.split())
    return one_line if len(one_line) <= 160 else one_line[:157] + "..."


# --- databases ----------------------------------------------------------------------------


def _scrub(message: str, url: str) -> str:
    """A driver's message with the URL's password (if any) blotted out."""
    try:
        from psycopg.conninfo import conninfo_to_dict

        password = str(conninfo_to_dict(url).get("password") or "")
    except Exception:  # noqa: BLE001 - not a libpq URL
        password = ""
    return message.replace(password, "***") if password else message


class _Postgres:
    dialect = "postgres"

    def __init__(self, url: str):
        import psycopg

        from ...db.embedded import redact
        from ...db.urls import libpq_url

        self.url = url
        self.shown = redact(url)
        try:
            self.connection = psycopg.connect(
                libpq_url(url), autocommit=True, connect_timeout=10, application_name="schemasmith migrate"
            )
        except psycopg.Error as error:
            message = _scrub(" ".join(str(error).split()), url)
            raise SourceError(f"cannot connect to {self.shown}: {message}") from None
        except Exception as error:  # noqa: BLE001 - malformed URLs raise ProgrammingError or ValueError
            raise SourceError(f"cannot connect to {self.shown}: {_scrub(str(error), url)}") from None
        schema = self.connection.execute("SELECT current_schema()").fetchone()[0]
        if schema is None:
            self.connection.close()
            raise MigrationError(f"{self.shown}: no current schema (the search_path is empty) to keep the history table in")
        self.schema = schema

    def close(self) -> None:
        self.connection.close()

    def read(self) -> dict[int, Applied]:
        return history.postgres_read(self.connection, self.schema)

    @contextlib.contextmanager
    def locked(self, report: Report, timeout: float | None) -> Iterator[None]:
        started = time.monotonic()
        waited = False
        while not self.connection.execute("SELECT pg_try_advisory_lock(%s)", (LOCK_KEY,)).fetchone()[0]:
            if not waited:
                waited = True
                holder = self._lock_holder()
                who = f" (backend pid {holder})" if holder else ""
                report(f"waiting for another migration run{who} to finish: it holds the migration lock")
            if timeout is not None and time.monotonic() - started > timeout:
                raise MigrationError(f"{self.shown}: another migration run still holds the migration lock after {timeout:g} s")
            time.sleep(0.1)
        try:
            yield
        finally:
            with contextlib.suppress(Exception):
                self.connection.execute("SELECT pg_advisory_unlock(%s)", (LOCK_KEY,))

    def _lock_holder(self) -> int | None:
        high, low = (LOCK_KEY >> 32) & 0xFFFFFFFF, LOCK_KEY & 0xFFFFFFFF
        row = self.connection.execute(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1"
            " AND classid::bigint = %s AND objid::bigint = %s"
            " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            (high, low),
        ).fetchone()
        return None if row is None else row[0]

    def run(self, step: Step) -> int | None:
        """Run one step; its duration in ms, or None when a concurrent run did it already."""
        import psycopg

        try:
            return self._run(step)
        finally:
            with contextlib.suppress(psycopg.Error):
                self.connection.execute("RESET ALL")  # each file starts from the session's defaults, as with psql -f

    def _run(self, step: Step) -> int | None:
        import psycopg

        file = step.file
        statements, parsed = postgres_statements(file.text)
        if not file.transactional:
            return self._run_outside(step, statements)
        body = _unwrap(file, statements)
        current: list[Statement | None] = [None]
        started = time.perf_counter()
        try:
            with self.connection.transaction():
                if not self._still_needed(step):
                    return None
                if parsed:
                    for statement in body:
                        current[0] = statement
                        self.connection.execute(file.text[statement.start:statement.end])
                else:
                    script = _blank(file.text, statements, body)
                    current[0] = Statement(0, len(script), None)
                    if script.strip():
                        self.connection.execute(script)
                current[0] = None
                duration = int((time.perf_counter() - started) * 1000)
                self._record(step, duration, "transaction")
        except psycopg.Error as error:
            raise self._failure(step, error, current[0], parsed, rolled_back=True) from None
        return duration

    def _run_outside(self, step: Step, statements: list[Statement]) -> int | None:
        import psycopg

        file = step.file
        with self.connection.transaction():
            if not self._still_needed(step):
                return None
        started = time.perf_counter()
        done = 0
        for statement in statements:
            try:
                self.connection.execute(file.text[statement.start:statement.end])
            except psycopg.Error as error:
                raise self._failure(step, error, statement, True, rolled_back=False, done=done) from None
            done += 1
        duration = int((time.perf_counter() - started) * 1000)
        try:
            with self.connection.transaction():
                self._record(step, duration, NO_TRANSACTION)
        except psycopg.Error as error:
            raise MigrationError(f"{file.path}: ran, but its history row could not be written: {error}".strip()) from None
        return duration

    def _still_needed(self, step: Step) -> bool:
        applied = history.postgres_exists(self.connection, self.schema) and (
            history.postgres_checksum(self.connection, self.schema, step.migration.version) is not None
        )
        return not applied if step.direction == "up" else applied

    def _record(self, step: Step, duration: int, execution: str) -> None:
        migration = step.migration
        if step.direction == "up":
            if not history.postgres_exists(self.connection, self.schema):
                history.postgres_create(self.connection, self.schema)  # in the first migration's transaction
            history.postgres_insert(self.connection, self.schema, migration.version, migration.name, step.file.checksum, duration, execution)
        else:
            history.postgres_delete(self.connection, self.schema, migration.version)

    def _failure(self, step: Step, error, statement: Statement | None, parsed: bool, *, rolled_back: bool, done: int = 0) -> MigrationError:
        file = step.file
        diag = error.diag
        primary = diag.message_primary or (str(error).strip().splitlines() or [type(error).__name__])[0]
        if statement is None:
            where = str(file.path)
        else:
            offset = statement.start
            if diag.statement_position:
                offset = statement.start + int(diag.statement_position) - 1
            else:
                offset = code_start(file.text, statement.start)
            where = f"{file.path}:{line_of(file.text, offset)}"
        lines = [f"{where}: {diag.severity or 'ERROR'}: {primary}"]
        for label, value in (("DETAIL", diag.message_detail), ("HINT", diag.message_hint)):
            if value:
                lines.append(f"  {label}: {value}")
        if statement is not None and parsed and statement.end - statement.start < len(file.text):
            lines.append(f"  in: {_shown(file.text[statement.start:statement.end])}")
        if rolled_back:
            lines.append(f"  {step.migration.title} was rolled back: the database and its history are as they were before it.")
        else:
            lines.append(
                f"  {file.name} runs outside a transaction: {done} statement(s) before this one stay applied"
                " and the migration is not recorded; repair by hand (e.g. drop an INVALID index) before running it again."
            )
        return MigrationError("\n".join(lines))


class _Sqlite:
    dialect = "sqlite"

    def __init__(self, url: str, create: bool):
        import sqlite3

        from ...db.urls import sqlite_path

        path = sqlite_path(url) if "://" in url else url
        self.shown = url
        self.connection = None
        if path != ":memory:" and not create and not Path(path).exists():
            return  # nothing applied yet, and reading must not create the file
        try:
            self.connection = sqlite3.connect(path, isolation_level=None, timeout=_SQLITE_BUSY_SECONDS)
            self.connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.Error as error:
            raise SourceError(f"cannot open SQLite database {path}: {error}") from None

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()

    def read(self) -> dict[int, Applied]:
        return {} if self.connection is None else history.sqlite_read(self.connection)

    @contextlib.contextmanager
    def locked(self, report: Report, timeout: float | None) -> Iterator[None]:
        yield  # each migration takes SQLite's write lock itself (BEGIN IMMEDIATE)

    def run(self, step: Step) -> int | None:
        import sqlite3

        assert self.connection is not None
        file = step.file
        statements = sqlite_statements(file.text)
        if not file.transactional:
            return self._run_outside(step, statements)
        before, body, after = self._parts(file, statements)
        connection = self.connection
        current: Statement | None = None
        try:
            for statement in before:
                current = statement
                self._execute(file, statement)
            current = None
            self._begin()
            try:
                if not self._still_needed(step):
                    connection.execute("ROLLBACK")
                    return None
                started = time.perf_counter()
                for statement in body:
                    current = statement
                    self._execute(file, statement)
                current = None
                duration = int((time.perf_counter() - started) * 1000)
                self._record(step, duration, "transaction")
                connection.execute("COMMIT")
            except BaseException:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                raise
            for statement in after:
                current = statement
                self._execute(file, statement)
        except (sqlite3.Error, _Violations) as error:
            raise self._failure(step, error, current, rolled_back=True) from None
        return duration

    def _parts(self, file: SqlFile, statements: list[Statement]) -> tuple[list[Statement], list[Statement], list[Statement]]:
        """PRAGMAs before / the body / PRAGMAs after; the file's BEGIN … COMMIT dropped."""
        begin = next((i for i, s in enumerate(statements) if s.control == "begin"), None)
        if begin is not None and all(first_keyword(file.text[s.start:s.end]) == "PRAGMA" for s in statements[:begin]):
            commit = max((i for i, s in enumerate(statements) if s.control == "commit"), default=None)
            if commit is not None and commit > begin and all(
                first_keyword(file.text[s.start:s.end]) == "PRAGMA" for s in statements[commit + 1:]
            ):
                return statements[:begin], _unwrap(file, statements[begin:commit + 1]), statements[commit + 1:]
        before: list[Statement] = []
        rest = list(statements)
        while rest and first_keyword(file.text[rest[0].start:rest[0].end]) == "PRAGMA" and _outside_pragma(file.text[rest[0].start:rest[0].end]):
            before.append(rest.pop(0))
        after: list[Statement] = []
        while rest and first_keyword(file.text[rest[-1].start:rest[-1].end]) == "PRAGMA" and _outside_pragma(file.text[rest[-1].start:rest[-1].end]):
            after.insert(0, rest.pop())
        return before, _unwrap(file, rest), after

    def _begin(self) -> None:
        assert self.connection is not None
        self.connection.execute("BEGIN IMMEDIATE")

    def _execute(self, file: SqlFile, statement: Statement) -> None:
        assert self.connection is not None
        text = file.text[statement.start:statement.end]
        cursor = self.connection.execute(text)
        if re.match(r"PRAGMA\s+(?:\w+\.)?foreign_key_check\b", text.strip(), re.I):
            rows = cursor.fetchall()
            if rows:
                shown = "; ".join(f"{row[0]} rowid {row[1]} → {row[2]}" for row in rows[:5])
                raise _Violations(f"foreign key violations: {shown}" + (f" (and {len(rows) - 5} more)" if len(rows) > 5 else ""))

    def _run_outside(self, step: Step, statements: list[Statement]) -> int | None:
        import sqlite3

        assert self.connection is not None
        self._begin()
        needed = self._still_needed(step)
        self.connection.execute("ROLLBACK")
        if not needed:
            return None
        started = time.perf_counter()
        done = 0
        for statement in statements:
            try:
                self._execute(step.file, statement)
            except (sqlite3.Error, _Violations) as error:
                raise self._failure(step, error, statement, rolled_back=False, done=done) from None
            done += 1
        duration = int((time.perf_counter() - started) * 1000)
        self._begin()
        self._record(step, duration, NO_TRANSACTION)
        self.connection.execute("COMMIT")
        return duration

    def _still_needed(self, step: Step) -> bool:
        assert self.connection is not None
        applied = history.sqlite_exists(self.connection) and history.sqlite_checksum(self.connection, step.migration.version) is not None
        return not applied if step.direction == "up" else applied

    def _record(self, step: Step, duration: int, execution: str) -> None:
        assert self.connection is not None
        migration = step.migration
        if step.direction == "up":
            if not history.sqlite_exists(self.connection):
                history.sqlite_create(self.connection)  # in the first migration's transaction
            history.sqlite_insert(self.connection, migration.version, migration.name, step.file.checksum, duration, execution)
        else:
            history.sqlite_delete(self.connection, migration.version)

    def _failure(self, step: Step, error, statement: Statement | None, *, rolled_back: bool, done: int = 0) -> MigrationError:
        file = step.file
        where = str(file.path) if statement is None else f"{file.path}:{line_of(file.text, statement.start)}"
        lines = [f"{where}: ERROR: {error}"]
        if statement is not None:
            lines.append(f"  in: {_shown(file.text[statement.start:statement.end])}")
        if rolled_back:
            lines.append(f"  {step.migration.title} was rolled back: the database and its history are as they were before it.")
        else:
            lines.append(
                f"  {file.name} runs outside a transaction: {done} statement(s) before this one stay applied"
                " and the migration is not recorded; repair by hand before running it again."
            )
        return MigrationError("\n".join(lines))


class _Violations(Exception):
    """`PRAGMA foreign_key_check` found rows: the migration broke referential integrity."""


def _outside_pragma(text: str) -> bool:
    """PRAGMAs that only work outside a transaction (so they run before / after it)."""
    return re.match(r"\s*PRAGMA\s+(?:\w+\.)?(?:foreign_keys|legacy_alter_table|journal_mode|defer_foreign_keys)\b", text, re.I) is not None


def _open(db: str, *, create: bool):
    from ...dialects.registry import POSTGRES, SQLITE, dialect_for_url, get_dialect

    if "://" in db:
        dialect = dialect_for_url(db)
    else:
        dialect = get_dialect(SQLITE) if Path(db).suffix.lower() in (".db", ".sqlite", ".sqlite3") else None
    if dialect is None:
        raise SourceError(f"--db {_safe(db)}: not a database URL; use postgresql://… or sqlite:///path.db")
    openers = {POSTGRES: lambda: _Postgres(db), SQLITE: lambda: _Sqlite(db, create)}
    if dialect.name not in openers:
        raise SourceError(f"--db: migrate runs on PostgreSQL and SQLite; {dialect.name} is not supported yet")
    return openers[dialect.name]()


def _safe(db: str) -> str:
    from ...db.embedded import redact

    return redact(db) if "://" in db else db


# --- planning -----------------------------------------------------------------------------


def _changed(migration: Migration, applied: Applied) -> bool:
    return migration.up is not None and migration.up.checksum != applied.checksum


def _verify(migrations: list[Migration], applied: dict[int, Applied]) -> list[str]:
    """Error when an applied file has changed; warnings for applied versions with no file."""
    by_version = {m.version: m for m in migrations}
    changed = [by_version[v] for v in applied if v in by_version and _changed(by_version[v], applied[v])]
    if changed:
        lines = [
            f"{m.up.path}: changed since it was applied (checksum {applied[m.version].checksum[:12]}… applied,"
            f" {m.up.checksum[:12]}… now)"
            for m in changed
            if m.up is not None
        ]
        raise MigrationError(
            "\n".join(lines)
            + "\nan applied migration must not be edited: restore the file as it was applied and put the change in a new migration"
        )
    return [
        f"version {_label(v)} ({applied[v].name}) is applied but has no file in the migrations folder"
        for v in sorted(applied)
        if v not in by_version
    ]


def _label(version: int) -> str:
    return f"{version:04d}"


def _parse_version(text: str | None) -> int | None:
    if text is None:
        return None
    cleaned = text.strip()
    match = re.match(r"^(\d+)(?:_.*?)?(?:\.(?:up|down)\.sql)?$", cleaned)
    if not match:
        raise MigrationError(f"--to-version {text!r}: expected a migration version such as 0003")
    return int(match.group(1))


def _check_options(to: int | None, steps: int | None) -> None:
    if to is not None and steps is not None:
        raise MigrationError("use --to or --steps, not both")
    if steps is not None and steps < 1:
        raise MigrationError(f"--steps {steps}: must be 1 or more")


def plan_up(migrations: list[Migration], applied: dict[int, Applied], *, to: int | None, steps: int | None) -> list[Step]:
    _check_options(to, steps)
    pending = [m for m in migrations if m.version not in applied]
    latest = max(applied, default=None)
    late = [m for m in pending if latest is not None and m.version < latest]
    if late:
        names = ", ".join(m.up.name for m in late if m.up)
        raise MigrationError(
            f"{names}: pending, but the later version {_label(latest)} is already applied; migrations apply in order."
            " Give it a number after the latest applied one"
        )
    if to is not None:
        if to not in {m.version for m in migrations} and to not in applied:
            raise MigrationError(f"--to-version {_label(to)}: no migration with that version in the folder")
        pending = [m for m in pending if m.version <= to]
    if steps is not None:
        pending = pending[:steps]
    return [Step(m, "up") for m in pending]


def plan_down(migrations: list[Migration], applied: dict[int, Applied], *, to: int | None, steps: int | None) -> list[Step]:
    _check_options(to, steps)
    by_version = {m.version: m for m in migrations}
    newest_first = sorted(applied, reverse=True)
    if to is not None:
        if to != 0 and to not in applied:
            raise MigrationError(f"--to-version {_label(to)}: that version is not applied; use 0 to revert everything")
        chosen = [v for v in newest_first if v > to]
    else:
        chosen = newest_first[: steps or 1]
    plan = []
    for version in chosen:
        migration = by_version.get(version)
        if migration is None:
            raise MigrationError(f"version {_label(version)} ({applied[version].name}) is applied but its files are not in the folder; cannot revert it")
        if migration.down is None:
            raise MigrationError(
                f"{migration.title}: no DOWN file ({migration.title}.down.sql), so it cannot be reverted; nothing was run"
            )
        plan.append(Step(migration, "down"))
    return plan


def _refusals(plan: list[Step]) -> list[str]:
    refusals = []
    for step in plan:
        reasons = [reason for reason in step.file.data_loss if reason]
        if step.file.data_loss:
            why = "; ".join(reasons) if reasons else "it destroys stored data"
            refusals.append(f"{step.file.path}: marked `-- schemasmith: {files.DATA_LOSS}` ({why})")
    return refusals


def _gate(plan: list[Step], to: int | None, steps: int | None) -> tuple[list[Step], Step | None]:
    """A plain run stops before the first step that waits for a deploy; --to/--steps go past it."""
    if to is not None or steps is not None:
        return plan, None
    for position, step in enumerate(plan):
        if step.file.after_deploy:
            return plan[:position], step
    return plan, None


def notices(step: Step) -> list[str]:
    """What to tell the user about a step that runs: deploy prerequisites, data that stays lost."""
    told = [f"{step.file.name}: after-deploy: {text}" for text in step.file.after_deploy]
    told += [f"{step.file.name}: irreversible: {text}" for text in step.file.irreversible]
    return told


# --- the commands -------------------------------------------------------------------------


def _quiet(_: str) -> None:
    pass


def run(
    action: str,
    db: str,
    directory: str | Path,
    *,
    dry_run: bool = False,
    allow_data_loss: bool = False,
    to: str | None = None,
    steps: int | None = None,
    report: Report = _quiet,
    lock_timeout: float | None = None,
) -> RunResult:
    """`apply` or `down`: plan under the lock, refuse what needs a flag, run step by step.

    `report` hears progress as it happens (so a failure still shows what was done before it).
    Raises MigrationError (the file, line and database error) when a step fails.
    """
    if action not in ("apply", "down"):
        raise MigrationError(f"unknown migrate action {action!r}; use apply, status or down")
    migrations, warnings = read_directory(directory)
    target = _parse_version(to)
    result = RunResult(action, dry_run, warnings=list(warnings))
    database = _open(db, create=not dry_run)
    try:
        with contextlib.nullcontext() if dry_run else database.locked(report, lock_timeout):
            applied = database.read()
            result.warnings += _verify(migrations, applied)
            if action == "apply":
                plan = plan_up(migrations, applied, to=target, steps=steps)
            else:
                plan = plan_down(migrations, applied, to=target, steps=steps)
            plan, result.gated = _gate(plan, target, steps)
            result.plan = plan
            refusals = [] if allow_data_loss else _refusals(plan)
            if dry_run:
                result.refused = refusals
                result.version = _version_after(applied, plan)
                return result
            if refusals:
                raise MigrationError(
                    "\n".join(refusals) + "\nrefusing to run it without --allow-data-loss; review the file first. Nothing was run."
                )
            for step in plan:
                for notice in notices(step):
                    report(f"note: {notice}")
                duration = database.run(step)
                if duration is None:
                    result.skipped.append(step)
                    report(f"skipped {step.file.name}: a concurrent run has just done it")
                    continue
                result.done.append(Done(step, duration))
                verb = "applied" if step.direction == "up" else "reverted"
                mode = "transaction" if step.file.transactional else NO_TRANSACTION
                report(f"{verb} {step.file.name} ({mode}, {duration} ms)")
            latest = max(database.read(), default=None)
            result.version = None if latest is None else _label_for(latest, migrations)
    finally:
        database.close()
    return result


def _version_after(applied: dict[int, Applied], plan: list[Step]) -> str | None:
    versions = set(applied)
    for step in plan:
        if step.direction == "up":
            versions.add(step.migration.version)
        else:
            versions.discard(step.migration.version)
    latest = max(versions, default=None)
    return None if latest is None else _label(latest)


def _label_for(version: int, migrations: list[Migration]) -> str:
    for migration in migrations:
        if migration.version == version:
            return migration.label
    return _label(version)


def status(db: str, directory: str | Path) -> StatusResult:
    """Every migration of the folder and of the history: applied, pending, changed or missing."""
    migrations, warnings = read_directory(directory)
    database = _open(db, create=False)
    try:
        applied = database.read()
    finally:
        database.close()
    rows: list[StatusRow] = []
    by_version = {m.version: m for m in migrations}
    for version in sorted(set(by_version) | set(applied)):
        migration = by_version.get(version)
        record = applied.get(version)
        if migration is None:
            assert record is not None
            rows.append(StatusRow(version, _label(version), record.name, "missing", record.applied_at, record.duration_ms, record.execution))
            continue
        file = str(migration.up.path) if migration.up else None
        if record is None:
            state = "pending"
        elif _changed(migration, record):
            state = "changed"
        else:
            state = "applied"
        rows.append(
            StatusRow(
                version,
                migration.label,
                migration.name,
                state,
                record.applied_at if record else None,
                record.duration_ms if record else None,
                record.execution if record else None,
                file,
                migration.down is not None,
                migration.up.after_deploy if migration.up and state == "pending" else (),
            )
        )
    return StatusResult(rows, warnings, _safe(db))


def environment_db(db: str | None) -> str:
    """`--db`, else DATABASE_URL from the environment."""
    chosen = db or os.environ.get("DATABASE_URL")
    if not chosen:
        raise MigrationError("no database: pass --db URL (or set DATABASE_URL)")
    return chosen
