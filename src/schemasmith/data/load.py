"""Writing rows fast: PostgreSQL's COPY (psycopg 3, text format) and SQLite's executemany.

A seed is one transaction on either database, so it applies completely or not at all. On
PostgreSQL, DEFERRABLE foreign keys are deferred to COMMIT; a reference to a table filled
later that is not deferrable is written NULL first and set at the end by an UPDATE joined to a
temporary table (with the table's updated_at trigger held off, so the row's times stay as
generated). On SQLite, `defer_foreign_keys` checks every foreign key at COMMIT.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import numpy as np

from ..db.embedded import redact
from ..db.urls import libpq_url, sqlite_path
from ..dialects.registry import dialect_for_url
from ..errors import SchemasmithError, SourceError
from ..model import naming
from ..model.document import Design
from .values import COPY_NULL, Values


class LoadError(SchemasmithError):
    """The database refused the data (the message names the table and the constraint)."""


def quote_pg(name: str) -> str:
    from ..dialects.postgres import quote_identifier

    return quote_identifier(name)


def quote_pg_table(name: str) -> str:
    """A table's name, `schema.table` quoted part by part (tables outside `public`)."""
    from ..dialects.postgres import quote_qualified

    return quote_qualified(name)


def quote_sqlite(name: str) -> str:
    from ..dialects.sqlite import quote_identifier

    return quote_identifier(name)


def python_values(portable, items: list) -> Values:
    """Values read back from a database (a column of existing keys) as generated `Values`."""
    import datetime as dt
    import uuid

    from .generators import values_kind

    kind = values_kind(portable)
    nulls = np.array([item is None for item in items], dtype=bool)
    if kind == "uuid":
        numbers = [0 if item is None else (item.int if isinstance(item, uuid.UUID) else uuid.UUID(str(item)).int) for item in items]
        data = np.array([[n >> 64, n & 0xFFFFFFFFFFFFFFFF] for n in numbers], dtype=np.uint64).reshape(len(items), 2)
    elif kind == "int":
        data = np.array([0 if item is None else int(item) for item in items], dtype=np.int64)
    elif kind in ("float", "numeric"):
        data = np.array([0.0 if item is None else float(item) for item in items], dtype=np.float64)
    elif kind == "bool":
        data = np.array([bool(item) for item in items], dtype=bool)
    elif kind in ("date", "timestamp"):
        def moment(item):
            if item is None:
                return np.datetime64("NaT")
            if isinstance(item, dt.datetime) and item.tzinfo is not None:
                item = item.astimezone(dt.UTC).replace(tzinfo=None)
            return np.datetime64(item if not isinstance(item, str) else item.replace(" ", "T").rstrip("Z"))
        data = np.array([moment(item) for item in items], dtype="datetime64[D]" if kind == "date" else "datetime64[us]")
    else:
        data = np.array(["" if item is None else str(item) for item in items], dtype=object)
    return Values(kind, data=data, nulls=nulls if nulls.any() else None, scale=portable.scale,
                  timezone=portable.kind == "timestamptz")


class Target:
    """A database to seed: create or check its schema, write rows, finish."""

    dialect = ""
    label = ""
    #: Every foreign key is checked at COMMIT (not only the DEFERRABLE ones), so rows may point
    #: at rows loaded later in the same transaction.
    defers_every_foreign_key = False

    def tables(self) -> list[str]:
        raise NotImplementedError

    def create_schema(self, design: Design) -> list[str]:
        raise NotImplementedError

    def import_design(self, name: str) -> Design:
        raise NotImplementedError

    def existing(self, table: str, key: str | None) -> tuple[int, int]:
        raise NotImplementedError

    def begin(self) -> None: ...

    def finish(self) -> None: ...

    def writer(self, table: str, columns: list[str]):
        raise NotImplementedError

    def commit(self) -> None: ...

    def rollback(self) -> None: ...

    def close(self) -> None: ...


# --- PostgreSQL ----------------------------------------------------------------------------------


class PostgresTarget(Target):
    dialect = "postgres"
    keeps_columnless_tables = True

    def __init__(self, url: str):
        import psycopg

        self.url = url
        self.label = redact(url)
        try:
            self.connection = psycopg.connect(libpq_url(url), connect_timeout=10)
        except psycopg.Error as error:
            message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            raise SourceError(f"cannot connect to {self.label}: {message}") from None
        self.connection.execute("SET TIME ZONE 'UTC'")
        self.connection.commit()

    def tables(self) -> list[str]:
        rows = self.connection.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY 1"
        ).fetchall()
        self.connection.commit()
        return [row[0] for row in rows]

    def create_schema(self, design: Design) -> list[str]:
        """Remember the design's DDL; `begin` runs it inside the seed's own transaction."""
        from ..dialects import postgres

        from ..db.extensions import prepare_script

        output = postgres.render(design)
        # The user's database, not a proof: an extension it lacks is an error, never stood in for.
        prepared = prepare_script(output.files["schema.sql"], self.url, f"the schema of {design.name!r}")
        body = _transaction_body(prepared.sql)
        self.schema_sql = "".join(f"{statement};\n" for statement in prepared.preamble) + body
        return output.warnings + [f"note: {note}" for note in prepared.notes]

    def import_design(self, name: str) -> Design:
        from ..importers import postgres as importer

        return importer.import_database(self.url, name=name).design

    def existing(self, table: str, key: str | None) -> tuple[int, int]:
        count = self.connection.execute(f"SELECT count(*) FROM {quote_pg_table(table)}").fetchone()[0]
        largest = 0
        if key is not None and count:
            largest = self.connection.execute(f"SELECT coalesce(max({quote_pg(key)}), 0) FROM {quote_pg_table(table)}").fetchone()[0]
        self.connection.commit()
        return int(count), int(largest)

    @property
    def fresh(self) -> bool:
        """The schema is created in this transaction: foreign keys and indexes can wait for the data."""
        return bool(getattr(self, "schema_sql", None))

    def begin(self) -> None:
        schema = getattr(self, "schema_sql", None)
        self.postponed: list[tuple[str, str]] = []
        if schema:
            try:
                self.connection.execute(schema)
            except Exception as error:  # noqa: BLE001 - any failure of our own DDL is reported plainly
                self.connection.rollback()
                message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
                raise SourceError(f"{self.label}: the schema's DDL did not apply: {message}") from None
            self._postpone_indexes_and_foreign_keys()
        self.connection.execute("SET CONSTRAINTS ALL DEFERRED")

    def _postpone_indexes_and_foreign_keys(self) -> None:
        """Bulk-load order (as pg_restore does it): rows first, then secondary indexes, then FKs.

        Building an index over loaded rows and validating a foreign key in one pass is several
        times faster than maintaining them row by row, and the database still enforces both:
        CREATE UNIQUE INDEX and ADD FOREIGN KEY fail if any row breaks them. Primary keys and
        unique constraints stay in place during the load (triggers look rows up by them).
        """
        connection = self.connection
        indexes = connection.execute(
            "SELECT quote_ident(n.nspname) || '.' || quote_ident(i.relname), pg_get_indexdef(x.indexrelid)"
            " FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid"
            " JOIN pg_namespace n ON n.oid = t.relnamespace"
            " WHERE n.nspname = current_schema() AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)"
            # Indexes of partitioned tables stay: their partitions' indexes hang off them.
            " AND i.relkind = 'i' AND NOT i.relispartition AND t.relkind <> 'p' AND NOT t.relispartition"
            " ORDER BY x.indexrelid"
        ).fetchall()
        keys = connection.execute(
            "SELECT c.conrelid::regclass::text, quote_ident(c.conname), pg_get_constraintdef(c.oid)"
            " FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace"
            " WHERE c.contype = 'f' AND n.nspname = current_schema() AND c.conparentid = 0 ORDER BY c.oid"
        ).fetchall()
        for table, name, _definition in keys:
            connection.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
        for name, _definition in indexes:
            connection.execute(f"DROP INDEX {name}")
        self.postponed = [(f"index {name}", definition) for name, definition in indexes] + [
            (f"foreign key {name} on {table}", f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}") for table, name, definition in keys
        ]

    def finish(self) -> None:
        """Build the postponed indexes and validate the postponed foreign keys over the loaded rows."""
        import psycopg

        for label, statement in self.postponed:
            try:
                self.connection.execute(statement)
            except psycopg.Error as error:
                message = (getattr(error.diag, "message_primary", None) or str(error)).strip()
                detail = getattr(error.diag, "message_detail", None)
                raise LoadError(f"{label}: the loaded rows break it: {message}" + (f" ({detail})" if detail else "")
                                + "; nothing was written") from None
        self.postponed = []

    @contextlib.contextmanager
    def writer(self, table: str, columns: list[str], nulled: set[str] = frozenset()):
        statement = f"COPY {quote_pg_table(table)} ({', '.join(quote_pg(c) for c in columns)}) FROM STDIN"
        partitioned = self.connection.execute(
            "SELECT c.relkind = 'p' FROM pg_class c WHERE c.oid = to_regclass(%s)", (quote_pg_table(table),)).fetchone()
        if self.fresh and not (partitioned and partitioned[0]):
            # The table was created in this transaction: its rows can be written frozen, so the
            # first reads after the seed do not rewrite every page to set hint bits.
            statement += " WITH (FREEZE)"
        cursor = self.connection.cursor()
        with cursor.copy(statement, writer=_PipelinedWriter(cursor)) as copy:
            def write(values: dict[str, Values]) -> None:
                copy.write(copy_text(columns, values, nulled))
            yield write

    def insert_empty_rows(self, table: str, rows: int) -> None:
        """Rows of a table with no column to fill (no columns at all, or only generated ones)."""
        self.connection.execute(f"INSERT INTO {quote_pg_table(table)} SELECT FROM generate_series(1, %s)", (rows,))

    def close_references(self, table: str, key_columns: list[str], columns: list[str], chunks, has_updated_at: str | None) -> None:
        """Set `columns` (written NULL) from the generated values, joined on the primary key."""
        connection = self.connection
        temp = "schemasmith_references"
        every = key_columns + columns
        connection.execute(f"DROP TABLE IF EXISTS {temp}")
        connection.execute(
            f"CREATE TEMP TABLE {temp} ON COMMIT DROP AS SELECT {', '.join(quote_pg(c) for c in every)}"
            f" FROM {quote_pg_table(table)} WITH NO DATA"
        )
        with connection.cursor().copy(f"COPY {temp} ({', '.join(quote_pg(c) for c in every)}) FROM STDIN") as copy:
            for values in chunks:
                copy.write(copy_text(every, values, set()))
        trigger = naming.trigger_name(table, "updated_at", has_updated_at) if has_updated_at else None
        if trigger:
            connection.execute(f"ALTER TABLE {quote_pg_table(table)} DISABLE TRIGGER {quote_pg(trigger)}")
        match = " AND ".join(f"t.{quote_pg(c)} = r.{quote_pg(c)}" for c in key_columns)
        assignments = ", ".join(f"{quote_pg(c)} = r.{quote_pg(c)}" for c in columns)
        connection.execute(f"UPDATE {quote_pg_table(table)} AS t SET {assignments} FROM {temp} AS r WHERE {match}")
        if trigger:
            connection.execute(f"ALTER TABLE {quote_pg_table(table)} ENABLE TRIGGER {quote_pg(trigger)}")
        connection.execute(f"DROP TABLE {temp}")

    def fetch_keys(self, table_plan, columns: list[str]) -> list[Values]:
        """The existing rows' values of `columns`, ordered by them (for references to old rows)."""
        listed = ", ".join(quote_pg(c) for c in columns)
        with self._judge_connection().cursor() as cursor:
            rows = cursor.execute(f"SELECT {listed} FROM {quote_pg_table(table_plan.name)} ORDER BY {listed}").fetchall()
        return [python_values(table_plan.table.columns[c].portable_type, [row[i] for row in rows]) for i, c in enumerate(columns)]

    def reset_identity(self, table: str, column: str) -> None:
        row = self.connection.execute("SELECT pg_get_serial_sequence(%s, %s)", (quote_pg_table(table), column)).fetchone()
        if row and row[0]:
            self.connection.execute(
                f"SELECT setval(%s, coalesce((SELECT max({quote_pg(column)}) FROM {quote_pg_table(table)}), 0) + 1, false)", (row[0],)
            )

    def judge(self, table_plan, check, values: dict[str, Values]) -> np.ndarray:
        """Ask PostgreSQL which rows the CHECK rejects (for expressions Python cannot evaluate)."""
        from ..dialects.postgres import column_type

        table = table_plan.table
        columns = [c for c in table.columns if c in values]
        size = len(next(iter(values.values())))
        arrays = [list(range(size))]
        casts = []
        for position, column in enumerate(columns):
            arrays.append(_plain_strings(values[column]))
            portable = table.columns[column].portable_type
            # Enums are compared as text: the judge's connection may not see a type created in
            # the seed's still-open transaction.
            kind = column_type(portable, "check")
            casts.append(f"u.c{position}::{kind} AS {quote_pg(column)}")
        unnest = ", ".join(["%s::bigint[]"] + ["%s::text[]"] * len(columns))
        names = ", ".join(["o"] + [f"c{position}" for position in range(len(columns))])
        sql = (
            f"SELECT t.o FROM (SELECT u.o{', ' if casts else ''}{', '.join(casts)} FROM unnest({unnest}) AS u({names})) AS t"
            f" WHERE ({check.expression}) IS FALSE"
        )
        import psycopg

        try:
            rows = self._judge_connection().execute(sql, arrays).fetchall()
        except psycopg.Error as error:
            message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            columns = ", ".join(sorted(check.columns)) or "its columns"
            raise LoadError(f"{table_plan.name}: check {check.name} ({check.expression}) on column(s) {columns}: the generator"
                            f" cannot satisfy it by construction and the database could not judge generated rows by it:"
                            f" {message}") from None
        passes = np.ones(size, dtype=bool)
        if rows:
            passes[[row[0] for row in rows]] = False
        return passes

    def _judge_connection(self):
        """A second connection: the first one is busy with a COPY while rows are judged."""
        if getattr(self, "_judge", None) is None:
            import psycopg

            self._judge = psycopg.connect(libpq_url(self.url), autocommit=True)
        return self._judge

    def commit(self) -> None:
        self.connection.commit()

    def rollback(self) -> None:
        self.connection.rollback()

    def close(self) -> None:
        if getattr(self, "_judge", None) is not None:
            self._judge.close()
        self.connection.close()


def _pipelined_writer_class():
    from psycopg.copy import LibpqWriter

    class PipelinedWriter(LibpqWriter):
        """Sends COPY data from a worker thread while the next chunk is generated.

        Waiting on the socket releases the GIL, so the server ingests one chunk while numpy and
        Python build the next. At most `depth` chunks wait in the queue: memory stays bounded.
        """

        depth = 2

        def __init__(self, cursor):
            super().__init__(cursor)
            import queue

            self._queue = queue.Queue(maxsize=self.depth)
            self._thread = None
            self._error = None

        def _work(self) -> None:
            try:
                while True:
                    data = self._queue.get()
                    if data is None:
                        return
                    super().write(data)
            except BaseException as error:  # noqa: BLE001 - handed to the main thread
                self._error = error
                while self._queue.get() is not None:
                    pass

        def write(self, data) -> None:
            import threading

            if self._thread is None:
                self._thread = threading.Thread(target=self._work, name="schemasmith-copy", daemon=True)
                self._thread.start()
            if self._error is not None:
                raise self._error
            self._queue.put(data)

        def finish(self, exc=None) -> None:
            if self._thread is not None:
                self._queue.put(None)
                self._thread.join()
                self._thread = None
            if self._error is not None and exc is None:
                error, self._error = self._error, None
                raise error
            super().finish(exc)

    return PipelinedWriter


def _PipelinedWriter(cursor):
    global _writer_class
    if _writer_class is None:
        _writer_class = _pipelined_writer_class()
    return _writer_class(cursor)


_writer_class = None


def _transaction_body(sql: str) -> str:
    """The statements of a rendered schema.sql without its own BEGIN and COMMIT."""
    lines = sql.splitlines()
    kept = [line for line in lines if line.strip().upper() not in ("BEGIN;", "COMMIT;")]
    return "\n".join(kept)


def copy_text(columns: list[str], values: dict[str, Values], nulled: set[str]) -> bytes:
    """Rows in COPY's text format: tab between values, newline after each row."""
    size = len(values[columns[0]])
    texts = []
    for column in columns:
        if column in nulled:
            texts.append([COPY_NULL] * size)
        else:
            texts.append(values[column].copy_strings())
    if len(texts) == 1:
        body = "\n".join(texts[0])
    else:
        body = "\n".join(map("\t".join, zip(*texts)))
    return (body + "\n").encode("utf-8") if size else b""


def _plain_strings(values: Values) -> list:
    """Values as text PostgreSQL parses (NULL as None), for the CHECK judge."""
    plain = values.sqlite_values()
    if values.kind == "bool":
        return [None if v is None else ("t" if v else "f") for v in plain]
    if values.kind == "array" and values.vocab is not None:
        literal = values.vocab.copy_values
        return [None if values.null_mask()[i] else literal[code] for i, code in enumerate(values.codes.tolist())]  # type: ignore[index,union-attr]
    return [None if v is None else str(v) for v in plain]


# --- SQLite ----------------------------------------------------------------------------------------


class SqliteTarget(Target):
    dialect = "sqlite"
    keeps_columnless_tables = False  # its DDL leaves a table without columns out
    defers_every_foreign_key = True  # PRAGMA defer_foreign_keys

    def __init__(self, url: str):
        self.url = url
        self.path = sqlite_path(url)
        if self.path == ":memory:":
            raise SourceError("seeding needs a SQLite file: sqlite:///path/to/app.db")
        self.label = self.path
        parent = Path(self.path).parent
        if not parent.exists():
            raise SourceError(f"{self.path}: the folder {parent} does not exist")
        self.created_file = not Path(self.path).exists()
        try:
            self.connection = sqlite3.connect(self.path, isolation_level=None)
            self.connection.execute("PRAGMA foreign_keys = ON")
            self.connection.execute("PRAGMA cache_size = -65536")
        except sqlite3.Error as error:
            raise SourceError(f"{self.path}: cannot open as a SQLite database ({error})") from None

    def tables(self) -> list[str]:
        try:
            rows = self.connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY 1"
            ).fetchall()
        except sqlite3.DatabaseError as error:
            raise SourceError(f"{self.path}: not a SQLite database ({error})") from None
        return [row[0] for row in rows]

    def create_schema(self, design: Design) -> list[str]:
        """Remember the design's DDL; `begin` runs it inside the seed's own transaction."""
        from ..db.apply import sqlite_statements
        from ..dialects import sqlite

        output = sqlite.render(design)
        self.schema_statements, self.postponed = [], []
        for line, statement in sqlite_statements(output.files["schema.sql"]):
            bare = " ".join(statement.split()).rstrip(";").strip()
            if bare.upper() in ("BEGIN", "COMMIT", "PRAGMA FOREIGN_KEYS = ON") or "schemasmith_apply_" in bare:
                continue  # the file's own transaction and its guard for the sqlite3 tool; we check each statement
            # Indexes are built once the rows are in (faster than maintaining them row by row);
            # a unique index still refuses duplicates when it is built.
            body = "\n".join(text for text in statement.splitlines() if not text.lstrip().startswith("--")).lstrip().upper()
            if body.startswith(("CREATE INDEX", "CREATE UNIQUE INDEX")):
                self.postponed.append((line, statement))
            else:
                self.schema_statements.append((line, statement))
        return output.warnings

    def import_design(self, name: str) -> Design:
        from ..importers import sqlite as importer

        return importer.import_database(self.path, name=name).design

    def existing(self, table: str, key: str | None) -> tuple[int, int]:
        count = self.connection.execute(f"SELECT count(*) FROM {quote_sqlite(table)}").fetchone()[0]
        largest = 0
        if key is not None and count:
            largest = self.connection.execute(f"SELECT coalesce(max({quote_sqlite(key)}), 0) FROM {quote_sqlite(table)}").fetchone()[0]
        return int(count), int(largest or 0)

    def begin(self) -> None:
        self.connection.execute("BEGIN")
        self.connection.execute("PRAGMA defer_foreign_keys = ON")
        for line, statement in getattr(self, "schema_statements", []):
            try:
                self.connection.execute(statement)
            except sqlite3.Error as error:
                self.rollback()
                raise SourceError(f"{self.path}: the schema's DDL did not apply (schema.sql line {line}): {error}") from None

    @contextlib.contextmanager
    def writer(self, table: str, columns: list[str], nulled: set[str] = frozenset()):
        statement = (
            f"INSERT INTO {quote_sqlite(table)} ({', '.join(quote_sqlite(c) for c in columns)})"
            f" VALUES ({', '.join('?' for _ in columns)})"
        )

        def write(values: dict[str, Values]) -> None:
            lists = [values[column].sqlite_values() for column in columns]
            self.connection.executemany(statement, zip(*lists))

        yield write

    @property
    def fresh(self) -> bool:
        return bool(getattr(self, "schema_statements", None))

    def insert_empty_rows(self, table: str, rows: int) -> None:
        """Rows of a table with no column to fill: every column takes its default."""
        self.connection.executemany(f"INSERT INTO {quote_sqlite(table)} DEFAULT VALUES", ([] for _ in range(rows)))

    def fetch_keys(self, table_plan, columns: list[str]) -> list[Values]:
        listed = ", ".join(quote_sqlite(c) for c in columns)
        rows = self.connection.execute(f"SELECT {listed} FROM {quote_sqlite(table_plan.name)} ORDER BY {listed}").fetchall()
        return [python_values(table_plan.table.columns[c].portable_type, [row[i] for row in rows]) for i, c in enumerate(columns)]

    def finish(self) -> None:
        for line, statement in getattr(self, "postponed", []):
            try:
                self.connection.execute(statement)
            except sqlite3.Error as error:
                shown = " ".join(statement.split())[:120]
                raise LoadError(f"{shown}: the loaded rows break it: {error}; nothing was written") from None
        self.postponed = []

    def judge(self, table_plan, check, values: dict[str, Values]) -> np.ndarray:
        from ..dialects import sqlite as sqlite_dialect

        table = table_plan.table
        columns = [c for c in table.columns if c in values]
        probe = tuple((c, sqlite_dialect.declared_type(table.columns[c].portable_type)) for c in table.columns)
        expression = sqlite_dialect.sqlite_expression(check.expression, "check", table_plan.name, probe)
        size = len(next(iter(values.values())))
        if expression is None:
            return None  # SQLite has no such check (the schema build said so): nothing to judge by
        temp = "temp.schemasmith_judge"
        self.connection.execute(f"DROP TABLE IF EXISTS {temp}")
        self.connection.execute(
            f"CREATE TABLE {temp} (schemasmith_o INTEGER, "
            + ", ".join(f"{quote_sqlite(c)} {sqlite_dialect.declared_type(table.columns[c].portable_type)}" for c in columns) + ")"
        )
        lists = [list(range(size))] + [values[c].sqlite_values() for c in columns]
        self.connection.executemany(f"INSERT INTO {temp} VALUES ({', '.join('?' for _ in range(len(columns) + 1))})", zip(*lists))
        try:
            rows = self.connection.execute(f"SELECT schemasmith_o FROM {temp} WHERE NOT coalesce(({expression}), 1)").fetchall()
        except sqlite3.Error as error:
            raise LoadError(f"{table_plan.name}: check {check.name} ({check.expression}): SQLite could not judge"
                            f" generated rows by it: {error}") from None
        self.connection.execute(f"DROP TABLE {temp}")
        passes = np.ones(size, dtype=bool)
        if rows:
            passes[[row[0] for row in rows]] = False
        return passes

    def commit(self) -> None:
        if self.connection.in_transaction:
            self.connection.execute("COMMIT")

    def rollback(self) -> None:
        if self.connection.in_transaction:
            self.connection.execute("ROLLBACK")
        if self.created_file:
            # Nothing half-way: a file this seed created goes again when the seed fails.
            self.connection.close()
            for suffix in ("", "-journal", "-wal", "-shm"):
                Path(self.path + suffix).unlink(missing_ok=True)
            self.connection = sqlite3.connect(":memory:")

    def close(self) -> None:
        self.connection.close()


def open_target(url: str) -> Target:
    """The seeding target for a URL: COPY into a server that streams bulk loads, or a database file."""
    dialect = dialect_for_url(url)
    if dialect is None:
        raise SourceError(f"--db: {url.split('@')[-1]!r} is not a database URL; use sqlite:///path.db or postgresql://…")
    if dialect.bulk_copy:
        return PostgresTarget(url)
    if dialect.file_database:
        return SqliteTarget(url)
    raise SourceError(f"--db: seeding a {dialect.name} database is not built yet; PostgreSQL and SQLite are")
