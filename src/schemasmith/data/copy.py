"""copy-data: move a prototype's rows (SQLite, or another PostgreSQL) into PostgreSQL, verified.

1. The source's schema is imported into a design (importers/), PostgreSQL DDL is rendered from
   it and applied to an empty target; a target that already has tables must match that design.
2. Tables are copied in dependency order (`creation_order`); rows of a self-referencing table
   parent-first, so max_depth triggers see every ancestor. Values are converted by the column's
   portable type: SQLite text or epoch dates → timestamptz, 0/1 → boolean, JSON text → jsonb,
   JSON arrays → PostgreSQL arrays, uuid text or 16-byte blobs → uuid.
3. References to a table copied later (cycles) are written NULL first and set afterwards.
4. Identity sequences are moved past the largest copied key (setval).
5. Verification: equal row counts per table, zero foreign-key violations (by query), and a
   sample of rows per table read back and compared value by value.

Reruns: each table is copied in its own transaction. Into an empty table rows go straight in
by COPY; into a table that already has rows (a rerun after an interruption, or after rows were
deleted) they go through a temporary staging table and `INSERT … ON CONFLICT (key) DO UPDATE …
WHERE the row differs`: missing rows are added, rows present once stay once (brought back in
line with the source if they were changed), equal rows are not touched. A table without any
unique key cannot tell present rows from missing ones: it is emptied and copied again, in the
same transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import sqlite3
import time
import uuid as uuid_module
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from ..db.embedded import redact
from ..db.urls import libpq_url, sqlite_path
from ..dialects.registry import dialect_for_url, get_dialect
from ..errors import SchemasmithError, SourceError
from ..model.document import Design, Table
from ..model.implied import with_implied
from ..model.ordering import creation_order
from ..model.types import PortableType
from .generators import pg_array_literal
from .load import quote_pg
from .progress import TableProgress
from .verify import verify

BATCH = 5000
SAMPLE = 50


class CopyError(SchemasmithError):
    """copy-data cannot go ahead or the target refused the rows (names the table)."""


@dataclass
class CopiedTable:
    name: str
    source_rows: int = 0
    target_rows: int = 0
    copied: int = 0
    seconds: float = 0.0
    sampled: int = 0
    mismatches: list[str] = field(default_factory=list)


@dataclass
class CopyResult:
    source: str
    target: str
    created_schema: bool = False
    tables: list[CopiedTable] = field(default_factory=list)
    foreign_key_violations: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def copied(self) -> int:
        return sum(table.copied for table in self.tables)

    @property
    def sampled(self) -> int:
        return sum(table.sampled for table in self.tables)

    def problems(self) -> list[str]:
        out = []
        for table in self.tables:
            if table.source_rows != table.target_rows:
                out.append(f"{table.name}: {table.source_rows} rows in the source, {table.target_rows} in the target")
            out.extend(f"{table.name}: {mismatch}" for mismatch in table.mismatches)
        out.extend(f"{label}: {count} row(s) reference a missing row" for label, count in self.foreign_key_violations.items() if count)
        return out


# --- sources -----------------------------------------------------------------------------------


class Source:
    dialect = ""
    label = ""
    design: Design
    warnings: list[str]

    def quote(self, name: str) -> str:
        raise NotImplementedError

    def rows(self, sql: str):
        raise NotImplementedError

    def count(self, table: str) -> int:
        return int(next(iter(self.rows(f"SELECT count(*) FROM {self.quote(table)}")))[0])

    def close(self) -> None: ...


class SqliteSource(Source):
    dialect = "sqlite"

    def __init__(self, url: str):
        from pathlib import Path
        from urllib.request import pathname2url

        from ..importers import sqlite as importer

        path = sqlite_path(url)
        if path == ":memory:" or not Path(path).exists():
            raise SourceError(f"--from {url}: no such SQLite file")
        self.label = path
        result = importer.import_database(path)
        self.design, self.warnings = result.design, list(result.warnings)
        self.connection = sqlite3.connect(f"file:{pathname2url(str(Path(path).resolve()))}?mode=ro", uri=True)

    def quote(self, name: str) -> str:
        return get_dialect(self.dialect).quote_identifier(name)

    def rows(self, sql: str):
        cursor = self.connection.execute(sql)
        while True:
            batch = cursor.fetchmany(BATCH)
            if not batch:
                return
            yield from batch

    def close(self) -> None:
        self.connection.close()


class PostgresSource(Source):
    dialect = "postgres"

    def __init__(self, url: str):
        import psycopg

        from ..importers import postgres as importer

        self.label = redact(url)
        result = importer.import_database(url)
        self.design, self.warnings = result.design, list(result.warnings)
        self.connection = psycopg.connect(libpq_url(url))
        self.connection.execute("SET TIME ZONE 'UTC'")
        self._cursors = 0

    def quote(self, name: str) -> str:
        return quote_pg(name)

    def rows(self, sql: str):
        self._cursors += 1
        with self.connection.cursor(name=f"schemasmith_copy_{self._cursors}") as cursor:
            cursor.itersize = BATCH
            cursor.execute(sql)
            yield from cursor

    def close(self) -> None:
        self.connection.close()


def open_source(url: str) -> Source:
    """The source for a URL: a database file, or a server that also takes bulk COPY (PostgreSQL's catalog and cursors)."""
    dialect = dialect_for_url(url)
    if dialect is not None and dialect.file_database:
        return SqliteSource(url)
    if dialect is not None and dialect.bulk_copy:
        return PostgresSource(url)
    raise SourceError(f"--from {url.split('@')[-1]}: copying from a {dialect.name if dialect else 'non-database'} URL is not built; use sqlite:/// or postgresql://")


# --- value conversion ---------------------------------------------------------------------------


class ConversionError(ValueError):
    pass


_TRUE = {"1", "t", "true", "y", "yes", "on"}
_FALSE = {"0", "f", "false", "n", "no", "off"}


def _epoch(value: float) -> dt.datetime:
    seconds = value / 1000.0 if abs(value) > 1e11 else value
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


def converter(portable: PortableType):
    """A function turning a source value into what COPY into PostgreSQL accepts for this type."""
    kind = portable.kind

    if kind == "boolean":
        def convert(value):
            if value is None or isinstance(value, bool):
                return value
            if isinstance(value, (int, float)):
                return bool(value)
            text = str(value).strip().lower()
            if text in _TRUE:
                return True
            if text in _FALSE:
                return False
            raise ConversionError(f"{value!r} is not a boolean")
        return convert
    if kind in ("timestamp", "timestamptz", "date"):
        def convert(value):
            if value is None or isinstance(value, (dt.datetime, dt.date)):
                return value
            if isinstance(value, (int, float)):
                moment = _epoch(float(value))
                return moment.date() if kind == "date" else (moment if kind == "timestamptz" else moment.replace(tzinfo=None))
            return str(value).strip()  # PostgreSQL parses ISO text; the session is in UTC like SQLite's clock
        return convert
    if kind == "uuid":
        def convert(value):
            if value is None:
                return None
            if isinstance(value, (bytes, memoryview)) and len(bytes(value)) == 16:
                return str(uuid_module.UUID(bytes=bytes(value)))
            return str(value).strip()
        return convert
    if kind == "json":
        def convert(value):
            if value is None or isinstance(value, str):
                return value
            if isinstance(value, (bytes, memoryview)):
                return bytes(value).decode("utf-8")
            return json.dumps(value)
        return convert
    if portable.is_array:
        def convert(value):
            if value is None:
                return None
            if isinstance(value, (list, tuple)):
                return pg_array_literal(list(value))
            text = bytes(value).decode("utf-8") if isinstance(value, (bytes, memoryview)) else str(value)
            stripped = text.strip()
            if stripped.startswith("{"):
                return stripped  # already a PostgreSQL array literal
            try:
                items = json.loads(stripped)
            except ValueError:
                raise ConversionError(f"{text[:40]!r} is neither a JSON array nor an array literal") from None
            if not isinstance(items, list):
                raise ConversionError(f"{text[:40]!r} is not a JSON array")
            return pg_array_literal(items)
        return convert
    if kind == "bytes":
        def convert(value):
            if value is None or isinstance(value, bytes):
                return value
            if isinstance(value, memoryview):
                return bytes(value)
            return str(value).encode("utf-8")
        return convert
    if kind in ("smallint", "integer", "bigint"):
        def convert(value):
            if isinstance(value, float) and value.is_integer():
                return int(value)
            if isinstance(value, bool):
                return int(value)
            return value
        return convert
    if kind in ("text", "varchar", "enum", "interval", "time"):
        def convert(value):
            if value is None or isinstance(value, str):
                return value
            if isinstance(value, (bytes, memoryview)):
                return bytes(value).decode("utf-8")
            return str(value)
        return convert
    return lambda value: value


# --- the copy ------------------------------------------------------------------------------------


def copy_data(source_url: str, target_url: str, *, quiet: bool = True) -> CopyResult:
    target_dialect = dialect_for_url(target_url)
    if target_dialect is None or not target_dialect.bulk_copy:
        shown = target_dialect.name if target_dialect else "non-database"
        raise CopyError(f"--to {target_url.split('@')[-1]}: copy-data writes into PostgreSQL; a {shown} target is not built yet")
    import psycopg

    started = time.perf_counter()
    source = open_source(source_url)
    try:
        target = _Target(target_url)
        try:
            result = CopyResult(source.label, target.label, warnings=list(source.warnings))
            design = with_implied(source.design)
            result.created_schema = target.prepare(design, result)
            _copy_tables(source, target, design, result, quiet)
            _verify(source, target, design, result)
        except (psycopg.Error, sqlite3.Error) as error:
            message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            raise CopyError(f"copy-data from {source.label} to {target.label} stopped: {message}") from None
        finally:
            target.close()
    finally:
        source.close()
    result.seconds = time.perf_counter() - started
    return result


class _Target:
    def __init__(self, url: str):
        import psycopg

        self.url = url
        self.label = redact(url)
        try:
            self.connection = psycopg.connect(libpq_url(url), connect_timeout=10)
        except psycopg.Error as error:
            message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            raise SourceError(f"--to: cannot connect to {self.label}: {message}") from None
        self.connection.execute("SET TIME ZONE 'UTC'")
        self.connection.commit()

    def execute(self, sql: str, params=None):
        return self.connection.execute(sql, params)

    def prepare(self, design: Design, result: CopyResult) -> bool:
        """Create the schema on an empty target, or check that the target's schema matches."""
        import tempfile
        from pathlib import Path

        from ..db.apply import apply_postgres_file
        from ..dialects import postgres
        from ..importers import postgres as importer
        from ..model.compare import design_differences

        present = self.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')"
        ).fetchone()[0]
        self.connection.commit()
        if not present:
            output = postgres.render(design)
            result.warnings.extend(output.warnings)
            with tempfile.TemporaryDirectory(prefix="schemasmith-copy-") as folder:
                path = Path(folder) / "schema.sql"
                path.write_text(output.files["schema.sql"], encoding="utf-8")
                applied = apply_postgres_file(self.url, path)
                result.warnings.extend(f"note: {note}" for note in applied.notes)
            return True
        expected = postgres.project(design)
        actual = importer.import_database(self.url, name=design.name).design
        differences = design_differences(expected, actual)
        if differences:
            from ..errors import Problem

            raise CopyError(
                f"--to {self.label}: the target has tables that do not match the source's schema;"
                " copy into an empty database, or one an earlier copy-data of this source created",
                [Problem(difference) for difference in differences[:12]],
            )
        return False

    def close(self) -> None:
        self.connection.close()


def _columns(table: Table) -> list[str]:
    return [name for name, column in table.columns.items() if column.generated is None]


def _self_reference(name: str, table: Table):
    for fk in table.foreign_keys:
        if fk.references.table == name and len(fk.columns) == 1:
            return fk
    return None


def _select(source: Source, name: str, table: Table, columns: list[str], forward: set[str]) -> str:
    """The source query: self-referencing rows parent-first (by depth), others as stored."""
    q = source.quote
    listed = ", ".join(f"t.{q(c)}" for c in columns)
    fk = _self_reference(name, table)
    if fk is None:
        return f"SELECT {listed} FROM {q(name)} AS t"
    key, parent = q(fk.references.columns[0]), q(fk.columns[0])
    return (
        f"WITH RECURSIVE schemasmith_tree(node, depth) AS ("
        f" SELECT {key}, 0 FROM {q(name)} WHERE {parent} IS NULL"
        f" UNION ALL SELECT c.{key}, schemasmith_tree.depth + 1 FROM {q(name)} AS c"
        f" JOIN schemasmith_tree ON c.{parent} = schemasmith_tree.node WHERE schemasmith_tree.depth < 10000)"
        f" SELECT {listed} FROM {q(name)} AS t"
        f" LEFT JOIN (SELECT node, min(depth) AS depth FROM schemasmith_tree GROUP BY node) AS d ON d.node = t.{key}"
        f" ORDER BY d.depth IS NULL, d.depth"
    )


def _has_unique_key(table: Table) -> bool:
    return bool(table.primary_key or table.unique or any(index.unique and not index.where and not index.expressions for index in table.indexes))


def _copy_tables(source: Source, target: _Target, design: Design, result: CopyResult, quiet: bool) -> None:
    import psycopg

    order = creation_order(design)
    position = {name: index for index, name in enumerate(order)}
    forward_refs: dict[str, list] = {}
    for name in order:
        table = design.tables[name]
        forward_refs[name] = [fk for fk in table.foreign_keys
                              if fk.references.table != name and position.get(fk.references.table, -1) > position[name]]
        for fk in forward_refs[name]:
            if not all(table.columns[c].nullable for c in fk.columns) and not (fk.deferrable or fk.initially_deferred):
                raise CopyError(f"{name}: ({', '.join(fk.columns)}) references {fk.references.table}, copied later, and is NOT NULL"
                                " and not DEFERRABLE: no row could be inserted first")
    progress = TableProgress(quiet)
    with progress:
        for name in order:
            table = design.tables[name]
            columns = _columns(table)
            forward = {c for fk in forward_refs[name] for c in fk.columns if all(table.columns[x].nullable for x in fk.columns)}
            converters = [converter(table.columns[c].portable_type) for c in columns]
            item = CopiedTable(name, source_rows=source.count(name))
            task = progress.table(name, item.source_rows)
            started = time.perf_counter()
            sql = _select(source, name, table, columns, forward)
            nulls = [c in forward for c in columns]
            try:
                item.copied = _copy_one(source, target, name, table, columns, converters, nulls, sql, progress, task)
            except psycopg.Error as error:
                target.connection.rollback()
                raise _refused(name, error) from None
            except ConversionError as error:
                target.connection.rollback()
                raise CopyError(f"{name}: a source value cannot be converted: {error}") from None
            item.seconds = time.perf_counter() - started
            result.tables.append(item)
        for name in order:
            table = design.tables[name]
            fks = [fk for fk in forward_refs[name] if all(table.columns[c].nullable for c in fk.columns)]
            if fks:
                try:
                    _close_forward(source, target, name, table, fks)
                except psycopg.Error as error:
                    target.connection.rollback()
                    raise _refused(name, error) from None
    for name in order:
        for column_name, column in design.tables[name].columns.items():
            if column.identity is not None or (column.default is not None and "nextval" in str(column.default.value)):
                sequence = target.execute("SELECT pg_get_serial_sequence(%s, %s)", (quote_pg(name), column_name)).fetchone()[0]
                if sequence:
                    target.execute(
                        f"SELECT setval(%s, coalesce((SELECT max({quote_pg(column_name)}) FROM {quote_pg(name)}), 0) + 1, false)",
                        (sequence,),
                    )
    target.connection.commit()


def _copy_one(source, target, name, table, columns, converters, nulls, sql, progress, task) -> int:
    """Copy one table in one transaction; returns the rows added."""
    connection = target.connection
    q_columns = ", ".join(quote_pg(c) for c in columns)
    existing = connection.execute(f"SELECT EXISTS (SELECT 1 FROM {quote_pg(name)})").fetchone()[0]
    keyed = _has_unique_key(table)
    if existing and not keyed:
        connection.execute(f"DELETE FROM {quote_pg(name)}")  # no key to tell present rows apart: copy again
        existing = False
    destination = quote_pg(name)
    if existing:
        destination = "schemasmith_staging"
        connection.execute(f"DROP TABLE IF EXISTS {destination}")
        connection.execute(f"CREATE TEMP TABLE {destination} ON COMMIT DROP AS SELECT {q_columns} FROM {quote_pg(name)} WITH NO DATA")
        connection.execute(f"ALTER TABLE {destination} ADD COLUMN schemasmith_ord bigserial")
    written = 0
    with connection.cursor().copy(f"COPY {destination} ({q_columns}) FROM STDIN") as copy:
        pending = 0
        for row in source.rows(sql):
            copy.write_row([None if null else convert(value) for value, convert, null in zip(row, converters, nulls)])
            written += 1
            pending += 1
            if pending == BATCH:
                progress.advance(task, pending)
                pending = 0
        progress.advance(task, pending)
    if not existing:
        connection.commit()
        return written
    overriding = " OVERRIDING SYSTEM VALUE" if any(table.columns[c].identity == "always" for c in columns) else ""
    key = list(table.primary_key)
    conflict = " ON CONFLICT DO NOTHING"
    trigger = None
    if key:
        # Rows present by key are brought back in line with the source when they differ (a
        # reference set NULL by a delete in the target, say); equal rows are left untouched.
        # Forward references are NULL in the staging rows on purpose; they are set afterwards.
        others = [c for c, null in zip(columns, nulls) if c not in key and not null]
        if others:
            assignments = ", ".join(f"{quote_pg(c)} = EXCLUDED.{quote_pg(c)}" for c in others)
            differs = (f"ROW({', '.join(f'{quote_pg(name)}.{quote_pg(c)}' for c in others)}) IS DISTINCT FROM"
                       f" ROW({', '.join(f'EXCLUDED.{quote_pg(c)}' for c in others)})")
            conflict = f" ON CONFLICT ({', '.join(quote_pg(c) for c in key)}) DO UPDATE SET {assignments} WHERE {differs}"
            updated_at = next((t for t in table.triggers if t.kind == "updated_at"), None)
            if updated_at is not None:
                from ..model import naming

                trigger = naming.trigger_name(name, "updated_at", updated_at.column)
    if trigger:
        connection.execute(f"ALTER TABLE {quote_pg(name)} DISABLE TRIGGER {quote_pg(trigger)}")
    cursor = connection.execute(
        f"INSERT INTO {quote_pg(name)} ({q_columns}){overriding} SELECT {q_columns} FROM {destination}"
        f" ORDER BY schemasmith_ord{conflict}"
    )
    added = cursor.rowcount
    if trigger:
        connection.execute(f"ALTER TABLE {quote_pg(name)} ENABLE TRIGGER {quote_pg(trigger)}")
    connection.commit()
    return max(added, 0)


def _close_forward(source, target, name, table, fks) -> None:
    """Set references to tables copied later (written NULL in the first pass), joined on the key."""
    key = list(table.primary_key) or next((list(u.columns) for u in table.unique), [])
    if not key:
        raise CopyError(f"{name}: references a table copied later and has no key to set them by afterwards")
    columns = [c for fk in fks for c in fk.columns]
    every = key + [c for c in columns if c not in key]
    converters = [converter(table.columns[c].portable_type) for c in every]
    connection = target.connection
    temp = "schemasmith_forward"
    connection.execute(f"DROP TABLE IF EXISTS {temp}")
    connection.execute(f"CREATE TEMP TABLE {temp} ON COMMIT DROP AS SELECT {', '.join(quote_pg(c) for c in every)}"
                       f" FROM {quote_pg(name)} WITH NO DATA")
    q = source.quote
    with connection.cursor().copy(f"COPY {temp} ({', '.join(quote_pg(c) for c in every)}) FROM STDIN") as copy:
        for row in source.rows(f"SELECT {', '.join(q(c) for c in every)} FROM {q(name)}"):
            copy.write_row([convert(value) for value, convert in zip(row, converters)])
    trigger = next((t for t in table.triggers if t.kind == "updated_at"), None)
    from ..model import naming

    trigger_name = naming.trigger_name(name, "updated_at", trigger.column) if trigger else None
    if trigger_name:
        connection.execute(f"ALTER TABLE {quote_pg(name)} DISABLE TRIGGER {quote_pg(trigger_name)}")
    match = " AND ".join(f"t.{quote_pg(c)} = f.{quote_pg(c)}" for c in key)
    changed = " OR ".join(f"t.{quote_pg(c)} IS DISTINCT FROM f.{quote_pg(c)}" for c in columns)
    assignments = ", ".join(f"{quote_pg(c)} = f.{quote_pg(c)}" for c in columns)
    connection.execute(f"UPDATE {quote_pg(name)} AS t SET {assignments} FROM {temp} AS f WHERE {match} AND ({changed})")
    if trigger_name:
        connection.execute(f"ALTER TABLE {quote_pg(name)} ENABLE TRIGGER {quote_pg(trigger_name)}")
    connection.commit()


def _refused(table: str, error) -> CopyError:
    diag = getattr(error, "diag", None)
    message = (getattr(diag, "message_primary", None) or str(error)).strip().splitlines()[0]
    detail = getattr(diag, "message_detail", None)
    text = f"{table}: the target refused the rows: {message}"
    if detail:
        text += f" ({detail})"
    return CopyError(text + "; this table was rolled back, tables before it are copied (rerun to continue)")


# --- verification ----------------------------------------------------------------------------------


def _interval_seconds(text: str) -> float:
    """Seconds of PostgreSQL-style interval text: `3 days 04:05:06`, `04:05:06`, `90 seconds`."""
    import re

    total = 0.0
    for amount, unit in re.findall(r"(-?\d+(?:\.\d+)?)\s*(day|hour|minute|second|week)s?", text):
        total += float(amount) * {"day": 86400, "hour": 3600, "minute": 60, "second": 1, "week": 604800}[unit]
    clock = re.search(r"(-?)(\d+):(\d{2}):(\d{2}(?:\.\d+)?)", text)
    if clock:
        seconds = int(clock.group(2)) * 3600 + int(clock.group(3)) * 60 + float(clock.group(4))
        total += -seconds if clock.group(1) else seconds
    return total


def _verify(source: Source, target: _Target, design: Design, result: CopyResult) -> None:
    check = verify(target.connection, "postgres", design)
    target.connection.commit()
    result.foreign_key_violations = check.foreign_key_violations
    for item in result.tables:
        item.target_rows = check.row_counts.get(item.name, 0)
        _sample(source, target, item, design.tables[item.name])
    target.connection.commit()


def _sample(source: Source, target: _Target, item: CopiedTable, table: Table) -> None:
    """Read random source rows back from the target by key and compare them value by value."""
    key = list(table.primary_key)
    if not key or not item.source_rows:
        return
    columns = _columns(table)
    q = source.quote
    rows = list(source.rows(f"SELECT {', '.join(q(c) for c in columns)} FROM {q(item.name)} ORDER BY random() LIMIT {SAMPLE}"))
    positions = [columns.index(c) for c in key]
    converters = [converter(table.columns[c].portable_type) for c in columns]
    match = " AND ".join(f"{quote_pg(c)} = %s" for c in key)
    query = f"SELECT {', '.join(quote_pg(c) for c in columns)} FROM {quote_pg(item.name)} WHERE {match}"
    for row in rows:
        key_values = [converters[p](row[p]) for p in positions]
        found = target.execute(query, key_values).fetchone()
        item.sampled += 1
        if found is None:
            item.mismatches.append(f"row with key {dict(zip(key, key_values))} is missing in the target")
            continue
        for column, value, copied in zip(columns, row, found):
            portable = table.columns[column].portable_type
            if not _same(portable, value, copied):
                item.mismatches.append(
                    f"row {dict(zip(key, key_values))}: {column} is {copied!r} in the target, {value!r} in the source"
                )
        if len(item.mismatches) > 10:
            break


def _same(portable: PortableType, source, target) -> bool:
    if source is None or target is None:
        return source is None and target is None
    try:
        left, right = _normal(portable, source, True), _normal(portable, target, False)
        if isinstance(left, float) and isinstance(right, float):
            return math.isclose(left, right, rel_tol=1e-6 if portable.kind == "real" else 1e-12)
        return left == right
    except (ValueError, TypeError, InvalidOperation, ConversionError):
        return False


def _normal(portable: PortableType, value, from_source: bool):
    kind = portable.kind
    if kind == "boolean":
        return converter(portable)(value)
    if kind in ("timestamp", "timestamptz"):
        if isinstance(value, (int, float)):
            value = _epoch(float(value))
        if isinstance(value, str):
            value = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace(" ", "T", 1))
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)
    if kind == "date":
        if isinstance(value, (int, float)):
            return _epoch(float(value)).date()
        if isinstance(value, str):
            return dt.date.fromisoformat(value.strip()[:10])
        return value if not isinstance(value, dt.datetime) else value.date()
    if kind == "uuid":
        if isinstance(value, (bytes, memoryview)) and len(bytes(value)) == 16:
            return uuid_module.UUID(bytes=bytes(value))
        return uuid_module.UUID(str(value))
    if kind == "json":
        return json.loads(value) if isinstance(value, (str, bytes)) else value
    if portable.is_array:
        if isinstance(value, str):
            return json.loads(value)
        return list(value)
    if kind == "numeric":
        return Decimal(str(value)).normalize()
    if kind in ("real", "double"):
        number = float(value)
        return number if math.isfinite(number) else str(number)
    if kind in ("smallint", "integer", "bigint"):
        return int(value)
    if kind == "bytes":
        return bytes(value) if not isinstance(value, str) else value.encode("utf-8")
    if kind == "interval":
        return value.total_seconds() if isinstance(value, dt.timedelta) else _interval_seconds(str(value))
    if kind == "time":
        return str(value)
    return value if isinstance(value, str) else str(value)
