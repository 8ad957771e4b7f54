"""`schemasmith diff OLD NEW`: load both, diff, plan, write the step files and the report.

`diff_command` is what the CLI calls. Bad input raises `SchemasmithError` (the CLI prints it and
exits non-zero) before anything is written; a missing backfill for a NOT NULL column stops the
command the same way, naming the column and the two ways to give the value.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from ..console import is_quiet, stdout_console
from ..dialects.base import Dialect
from ..dialects.registry import (
    POSTGRES,
    SQLITE,
    canonical_name,
    dialect_for_url,
    get_dialect,
)
from ..errors import Problem, SchemasmithError, SourceError
from ..model.document import Design
from . import files, planner, safety
from . import operations as ops
from .compare import Diff, diff
from .render.common import comment_lines
from .render.postgres import postgres_file
from .render.sqlite import sqlite_file, sqlite_step
from .report import Report, StepReport, flatten

FORMATS = ("sql", "alembic")

#: `diff --target`: the dialect and the kind of files each target writes.
TARGETS = {"postgres": ("postgres", "sql"), "sqlite": ("sqlite", "sql"), "alembic": ("postgres", "alembic")}
DIALECTS = (POSTGRES, SQLITE)
#: Rows counted at most when a live table has never been analyzed (reltuples = -1).
COUNT_LIMIT = 100_000


@dataclass
class Sizes:
    rows: dict[str, int | None]
    source: str


def parse_backfills(values: list[str], new: Design) -> dict[tuple[str, str], str]:
    """`TABLE.COLUMN=SQL` options as {(table, column): SQL}, each checked against NEW."""
    result: dict[tuple[str, str], str] = {}
    problems = []
    for text in values or []:
        target, equals, sql = text.partition("=")
        table, dot, column = target.strip().rpartition(".")
        if not equals or not dot or not table or not column or not sql.strip():
            problems.append(Problem(f"--backfill {text!r}: expected TABLE.COLUMN=SQL"))
            continue
        if table not in new.tables or column not in new.tables[table].columns:
            problems.append(Problem(f"--backfill {text!r}: NEW has no column {table}.{column}"))
            continue
        result[(table, column)] = sql.strip()
    if problems:
        raise SchemasmithError("bad --backfill option", problems)
    return result


def table_sizes(old: str, design: Design, new: Design, origin: str, counts=None) -> Sizes:
    """Row counts of OLD's tables: live ones for a database URL, else the designs' expected_rows.

    `counts`: OLD's live PostgreSQL row counts when they were read already (`_load_both`)."""
    from ..db.urls import is_database_url

    live = dialect_for_url(old) if is_database_url(old) else None
    if live is not None and live.name == POSTGRES and counts is not None:
        return _postgres_sizes(old, design, counts)
    if live is not None and live.name in LIVE_SIZES and not live.file_database:
        return LIVE_SIZES[live.name](old, design)
    source = _origin_dialect(origin)
    if source is not None and source.file_database and (is_database_url(old) or Path(old).suffix.lower() in (".db", ".sqlite", ".sqlite3")):
        return LIVE_SIZES[source.name](old, design)
    rows: dict[str, int | None] = {}
    for name, table in design.tables.items():
        rows[name] = table.expected_rows
    for name, table in new.tables.items():
        source = table.renamed_from if table.renamed_from in rows else name
        if rows.get(source) is None and table.expected_rows is not None and source in rows:
            rows[source] = table.expected_rows
    return Sizes(rows, "expected_rows in the design documents")


def _origin_dialect(origin: str) -> Dialect | None:
    """The dialect a source was read from (None for a design document)."""
    return get_dialect(origin) if canonical_name(origin) else None


def _default_dialect(origin: str) -> str:
    """OLD's own dialect when it is a database file (SQLite), PostgreSQL otherwise."""
    source = _origin_dialect(origin)
    return source.name if source is not None and source.file_database else POSTGRES


def _postgres_sizes(url: str, design: Design, counts: tuple[dict[str, int], list[str]] | None = None) -> Sizes:
    """The live row counts of the design's tables (`counts`: read already, see `_postgres_row_counts`)."""
    found, counted = counts if counts is not None else _postgres_row_counts(url)
    rows: dict[str, int | None] = {name: found.get(name) for name in design.tables}
    counted = [name for name in counted if name in design.tables]
    source = "the live database's pg_class.reltuples"
    if counted:
        source += f" (counted, up to {COUNT_LIMIT + 1:,}, for tables never analyzed: {', '.join(counted)})"
    return Sizes(rows, source)


def _postgres_row_counts(url: str) -> tuple[dict[str, int], list[str]]:
    """Rows per table of the database's current schema: pg_class.reltuples, and for the tables never
    analyzed a count (up to a bound) in one round trip; and which were counted. Needs no design, so
    it runs while the designs are being read."""
    import psycopg

    from ..db.urls import libpq_url
    from .render.postgres import q

    try:
        with psycopg.connect(libpq_url(url), connect_timeout=10) as connection:
            # A never-analyzed plain table whose heap is empty holds no rows: 0 without counting
            # (a partitioned table's own heap is always empty, so it is counted).
            rows = connection.execute(
                "SELECT c.relname, c.reltuples::bigint, c.relkind = 'r' AND pg_relation_size(c.oid) = 0"
                " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY c.oid"
            ).fetchall()
            found = {name: (0 if value < 0 and empty else value) for name, value, empty in rows}
            never_analyzed = [name for name, value, _ in rows if value < 0]
            to_count = [name for name in never_analyzed if found[name] < 0]
            if to_count:
                counts = " UNION ALL ".join(
                    f"SELECT {position}, count(*) FROM (SELECT 1 FROM {q(name)} LIMIT {COUNT_LIMIT + 1}) AS s{position}"
                    for position, name in enumerate(to_count)
                )
                for position, value in connection.execute(counts).fetchall():
                    found[to_count[position]] = value
    except psycopg.Error as error:
        raise SourceError(f"cannot read table sizes from the OLD database: {str(error).strip()}") from None
    return found, never_analyzed


def _sqlite_sizes(source: str, design: Design) -> Sizes:
    import sqlite3

    from ..db.urls import sqlite_path
    from ..dialects.sqlite import quote_identifier

    path = sqlite_path(source) if "://" in source else source
    rows: dict[str, int | None] = {}
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        for name in design.tables:
            rows[name] = connection.execute(f"SELECT count(*) FROM {quote_identifier(name)}").fetchone()[0]
    finally:
        connection.close()
    return Sizes(rows, "row counts of the SQLite database")


#: How to count the rows of OLD's tables, per dialect of a live database.
LIVE_SIZES = {POSTGRES: _postgres_sizes, SQLITE: _sqlite_sizes}


def migration_name(result: Diff) -> str:
    """A short name for the migration from its most significant change (`add_labels`, `rename_orders_assignee`)."""
    operations = result.operations
    created = [op.table for op in operations if isinstance(op, ops.CreateTable)]
    if created:
        return "add_" + "_".join(created[:2])
    namers = (
        (ops.RenameTable, lambda op: f"rename_{op.old}"),
        (ops.RenameColumn, lambda op: f"rename_{op.table}_{op.old}"),
        (ops.AddColumn, lambda op: f"add_{op.table}_{op.column}"),
        (ops.DropTable, lambda op: f"drop_{op.table}"),
        (ops.DropColumn, lambda op: f"drop_{op.table}_{op.column}"),
        (ops.AlterColumnType, lambda op: f"alter_{op.table}_{op.column}"),
        ((ops.AddEnumValues, ops.EnumSwap, ops.RenameEnumValue), lambda op: f"{op.enum}_values"),
        (ops.SetNotNull, lambda op: f"{op.table}_{op.column}_not_null"),
        (ops.AddConstraint, lambda op: f"constrain_{op.table}"),
        ((ops.CreateIndex, ops.DropIndex), lambda op: f"index_{op.table}"),
        ((ops.SetRowLevelSecurity, ops.CreatePolicy, ops.DropPolicy), lambda op: f"security_{op.table}"),
    )
    for kinds, name in namers:
        found = next((op for op in operations if isinstance(op, kinds)), None)
        if found is not None:
            return name(found)
    first = operations[0]
    if isinstance(first, ops.ObjectOperation):
        objects = [op for op in operations if isinstance(op, (ops.CreateObject, ops.DropObject, ops.ReplaceObject, ops.AlterObject))]
        if objects:
            return f"{objects[0].kind}_{objects[0].name.split('(')[0]}"  # files.slug makes it a file name
        return "privileges" if isinstance(first, ops.GrantPrivileges) else f"{first.kind}_objects"
    return f"{first.kind}_{first.table_name or 'schema'}"


def _label(source: str) -> str:
    """A source as shown in reports: the password of a URL hidden."""
    from ..db.embedded import redact
    from ..db.urls import is_database_url

    return redact(source) if is_database_url(source) else source


def _load_both(old: str, new: str):
    """OLD's and NEW's sources, and OLD's live row counts (None unless both are PostgreSQL URLs).

    Two PostgreSQL URLs are read at the same time, with OLD's row counts: each waits on its server
    for a good part of its time, so the others' Python runs meanwhile. OLD's error is reported
    first, as when they are read one after the other."""
    from ..db.urls import is_database_url
    from ..gcpause import gc_paused
    from ..sources import load_source

    live, other = (dialect_for_url(url) if is_database_url(url) else None for url in (old, new))
    if live is None or other is None or live.name != POSTGRES or other.name != POSTGRES:
        return load_source(old), load_source(new), None
    from concurrent.futures import ThreadPoolExecutor

    from ..importers import postgres as postgres_importer

    postgres_importer.preload()
    with gc_paused(), ThreadPoolExecutor(max_workers=3, thread_name_prefix="schemasmith-read") as pool:
        old_future, new_future = pool.submit(load_source, old), pool.submit(load_source, new)
        counts_future = pool.submit(_postgres_row_counts, old)
        old_source, new_source = old_future.result(), new_future.result()
        return old_source, new_source, counts_future.result()


def run_diff(old: str, new: str, *, dialect: str | None, format: str, output: str, backfill: list[str],
             safe: bool | None) -> Report:
    """Everything `diff` does, returning the report (files written into `output`)."""
    if format not in FORMATS:
        raise SchemasmithError(f"unknown --format {format!r}; use one of {', '.join(FORMATS)}")
    if dialect is not None and dialect not in DIALECTS:
        raise SchemasmithError(f"unknown --dialect {dialect!r}; use postgres or sqlite")
    if not output:
        raise SchemasmithError("diff needs -o DIR, the migration folder to write the steps into")
    old_source, new_source, counts = _load_both(old, new)
    chosen = dialect or _default_dialect(old_source.origin)
    target = get_dialect(chosen)
    if format == "alembic" and not target.alter_column_type:
        raise SchemasmithError("an Alembic revision is written for PostgreSQL; for SQLite use --target sqlite (its table rebuilds are SQL)")
    folder = Path(output)
    if folder.exists() and not folder.is_dir():
        raise SchemasmithError(f"{output}: exists and is not a folder")
    sizes = table_sizes(old, old_source.design, new_source.design, old_source.origin, counts)
    backfills = parse_backfills(backfill, new_source.design)
    version = new_source.design.conventions.postgres_version
    result = diff(old_source.design, new_source.design, dialect=chosen, backfills=backfills, rows=sizes.rows, postgres_version=version)
    if result.missing_backfills:
        raise SchemasmithError(
            "NOT NULL column(s) without a value for the rows already there: " + ", ".join(result.missing_backfills),
            [Problem(note) for note in result.notes if any(note.startswith(column + " ") for column in result.missing_backfills)],
        )
    rows = planner.rows_lookup(result, sizes.rows)
    if result.empty:
        return Report(_label(old), _label(new), chosen, "none", "OLD and NEW are the same design", sizes.source, [], [],
                      [s.text() for s in result.renames.suggestions], result.notes, format=format, folder=str(folder))
    if not target.concurrent_index_builds:
        plan = planner.Plan([planner.Step("main", "", list(result.operations))], safe=False)
        mode, reason = "direct", "SQLite has no concurrent index builds or lock levels to work around; each step is one transaction"
    elif safe is False:
        plan = planner.direct_plan(result, version)
        mode, reason = "direct", "--no-safe: every operation as written, in one transaction"
    else:
        plan = planner.safe_plan(result, rows, force=bool(safe), postgres_version=version)
        if safe:
            mode, reason = "safe", "--safe: every operation that has a safe form gets it"
        else:
            mode = "safe" if plan.rewrites else "direct"
            reason = (
                f"default for PostgreSQL: safe forms for operations that hold a blocking lock while reading or rewriting a table of"
                f" {safety.MEDIUM_ROWS:,}+ rows (or of unknown size), or that break running code"
            )
    name = migration_name(result)
    folder.mkdir(parents=True, exist_ok=True)
    number = files.highest_number(folder) + 1
    findings = _findings(result, rows, sizes.source)
    step_reports = []
    written: list[tuple[Path, str]] = []
    step_of: dict[int, str] = {}
    previous = _previous_revision(folder) if format == "alembic" else None
    for position, step in enumerate(plan.steps):
        ident = files.step_id(number + position, name + (f"_{step.suffix}" if step.suffix else ""))
        for operation in step.operations:
            step_of[id(operation)] = ident
        report, texts = _render_step(step, ident, position, len(plan.steps), result, rows, format, old, new, previous)
        if format == "alembic":
            from .render.alembic import revision_id

            previous = revision_id(ident)
        step_reports.append(report)
        written += [(folder / file_name, text) for file_name, text in texts]
    applied = {id(rewrite.operation) for rewrite in plan.rewrites}
    for finding, operation in zip(findings, result.operations):
        finding.step = step_of.get(id(operation), "safe form" if id(operation) in applied else "")
        finding.applied_safe = id(operation) in applied or (bool(finding.safe_alternative) and finding.step == "safe form")
    report_name = files.report_file(number, name)
    report = Report(
        _label(old), _label(new), chosen, mode, reason, sizes.source, findings, step_reports,
        [s.text() for s in result.renames.suggestions], result.notes + plan.notes,
        [(rewrite.operation.describe(), rewrite.summary) for rewrite in plan.rewrites],
        format=format, folder=str(folder), report_file=str(folder / report_name),
    )
    for path, text in written:
        path.write_text(text, encoding="utf-8")
    (folder / report_name).write_text(report.to_markdown(), encoding="utf-8")
    return report


def _findings(result: Diff, rows, source: str) -> list[safety.Finding]:
    findings = []
    for operation in result.operations:
        item = safety.fact(operation)
        if result.target.file_database:
            # SQLite has no lock levels: one write lock on the whole database until COMMIT
            item = safety.Fact(safety.SQLITE_LOCK, item.rewrites, item.scans, item.data_loss, item.backward_incompatible, item.note, "")
        table = operation.table_name
        count = rows(table)
        loss = bool(operation.loses_data)
        reasons = [operation.loses_data] if operation.loses_data else []
        may_fail = getattr(operation, "may_fail", None)
        if may_fail:
            reasons.append(may_fail)
        if isinstance(operation, ops.DropColumn) and operation.moved_to:
            reasons.append(f"its values are copied to {operation.moved_to} first")
        findings.append(safety.Finding(
            step="", operation=operation.describe(), kind=operation.kind, table=table, rows=count,
            rows_source="created by this migration" if isinstance(operation, ops.CreateTable) else source,
            lock=item.lock, blocks=safety.BLOCKS.get(item.lock, ""), rewrites=item.rewrites, scans=item.scans,
            data_loss=loss, backward_incompatible=item.backward_incompatible,
            severity=safety.severity(item, count, loss, item.backward_incompatible), note=item.note,
            safe_alternative=item.safe, reasons=reasons,
        ))
    return findings


def _previous_revision(folder: Path) -> str | None:
    """The revision id of the highest-numbered Alembic revision already in `folder`."""
    import re

    from .render.alembic import revision_id

    found = []
    if folder.is_dir():
        for path in folder.glob("*.py"):
            match = re.match(r"^(\d+)_", path.name)
            if match:
                found.append((int(match[1]), path.stem))
    if not found:
        return None
    return revision_id(max(found)[1])


@dataclass
class StepFacts:
    """What a step's file headers declare: data lost either way, what the DOWN cannot restore."""

    data_loss: list[str]
    irreversible: list[str]
    down_loss: list[str]
    down_transactional: bool


def _render_step(step: planner.Step, ident: str, position: int, total: int, result: Diff, rows, format: str,
                 old: str, new: str, previous: str | None = None) -> tuple[StepReport, list[tuple[str, str]]]:
    up_ops = step.operations
    down_ops = [operation.inverse() for operation in reversed(up_ops)]
    flat_up, flat_down = flatten(up_ops), flatten(down_ops)
    data_loss = [o.loses_data for o in flat_up if o.loses_data]
    irreversible = [ops.restores_nothing(o) for o in flat_up if o.loses_data]
    for o in flat_down:
        if isinstance(o, ops.AlterColumnType) and (o.narrowing or getattr(o, "may_fail", None)):
            irreversible.append(f"{o.describe()}: {o.narrowing or o.may_fail}")
        if isinstance(o, ops.AddColumn) and o.restores and not o.definition.nullable and o.definition.default is None:
            irreversible.append(f"{o.table}.{o.column} comes back with a placeholder value in every row")
        if isinstance(o, ops.EnumSwap) and o.removed:
            irreversible.append(f"enum {o.enum}: rows holding {', '.join(o.removed)} make the DOWN fail; change them first")
    irreversible = list(dict.fromkeys(text for text in irreversible if text))
    down_loss = list(dict.fromkeys(o.loses_data for o in flat_down if o.loses_data))
    down_transactional = all(o.transactional for o in flat_down) if flat_down else step.transactional
    if not step.transactional and isinstance(step.operations[0], ops.AddEnumValues):
        down_transactional = True
    up_name, down_name = f"{ident}.up.sql", f"{ident}.down.sql"
    header = [
        f"-- schemasmith: step: {position + 1} of {total} ({step.title})",
        f"-- Generated by schemasmith diff {_label(old)} → {_label(new)} ({result.dialect}).",
    ]
    facts = StepFacts(data_loss, irreversible, down_loss, down_transactional)
    if format == "alembic":
        from .render.alembic import revision_file

        assert result.context is not None
        up_text = revision_file(step, ident, result.context, down_ops, previous)
        texts = [(f"{ident}.py", up_text)]
        up_name, down_name = f"{ident}.py", f"{ident}.py"
    else:
        texts = STEP_FILES[result.target.name](step, result, up_ops, down_ops, ident, header, facts)
    operations = []
    for operation in flat_up:
        item = safety.fact(operation)
        count = rows(operation.table_name)
        operations.append({
            "operation": operation.describe(), "kind": operation.kind, "table": operation.table_name, "lock": item.lock,
            "severity": safety.severity(item, count, bool(operation.loses_data), item.backward_incompatible and not isinstance(operation, ops.Noop)),
        })
    report = StepReport(ident, up_name, down_name, step.title, step.transactional, operations, list(step.after_deploy),
                        data_loss, irreversible, down_loss, list(step.notes))
    return report, texts


def _explain(step: planner.Step) -> list[str]:
    lines = []
    if not step.transactional:
        lines += comment_lines(
            "Runs outside a transaction (PostgreSQL requires it for this step). If it fails part-way, fix the cause and apply"
            " the same file again: every statement in it can run twice."
        )
    if step.stage == "index":
        lines += comment_lines(
            "A concurrent build that fails (deadlock, unique violation, cancel) leaves an INVALID index; the DROP INDEX"
            " CONCURRENTLY IF EXISTS at the top removes it when the file is applied again."
        )
    for text in step.after_deploy:
        lines += comment_lines(f"BEFORE APPLYING: {text}.")
    return lines


def _postgres_texts(step: planner.Step, result: Diff, up_ops, down_ops, ident: str, header: list[str],
                    facts: StepFacts) -> list[tuple[str, str]]:
    up_name, down_name = f"{ident}.up.sql", f"{ident}.down.sql"
    directives_up = ([files.directive_line(files.NO_TRANSACTION)] if not step.transactional else [])
    directives_up += [files.directive_line(files.DATA_LOSS, text) for text in facts.data_loss]
    directives_up += [files.directive_line(files.AFTER_DEPLOY, text) for text in step.after_deploy]
    directives_down = ([files.directive_line(files.NO_TRANSACTION)] if not facts.down_transactional else [])
    directives_down += [files.directive_line(files.DATA_LOSS, text) for text in facts.down_loss]
    directives_down += [files.directive_line(files.IRREVERSIBLE, text) for text in facts.irreversible]
    up_header = header + [f"-- Apply with: psql -v ON_ERROR_STOP=1 -f {up_name}"]
    up_header += _explain(step)
    down_header = header + [f"-- Undoes {up_name}. Apply with: psql -v ON_ERROR_STOP=1 -f {down_name}"]
    down_header += [line for text in facts.irreversible for line in comment_lines(f"IRREVERSIBLE: {text}")]
    context = result.context
    assert context is not None
    up = postgres_file(up_ops, context, transactional=step.transactional, header=up_header, directives=directives_up,
                       long_running=step.long_running)
    down = postgres_file(down_ops, context, transactional=facts.down_transactional, header=down_header,
                         directives=directives_down, long_running=step.long_running)
    return [(up_name, up.text), (down_name, down.text)]


def _sqlite_texts(step: planner.Step, result: Diff, up_ops, down_ops, ident: str, header: list[str],
                  facts: StepFacts) -> list[tuple[str, str]]:
    renames = result.renames
    inverse = renames.inverse()
    up_render = sqlite_step(up_ops, result.old, result.new, renames.tables, renames.columns)
    down_render = sqlite_step(down_ops, result.new, result.old, inverse.tables, inverse.columns)
    directives_up = [files.directive_line(files.DATA_LOSS, text) for text in facts.data_loss]
    directives_down = [files.directive_line(files.DATA_LOSS, text) for text in facts.down_loss]
    directives_down += [files.directive_line(files.IRREVERSIBLE, text) for text in facts.irreversible]
    apply = "Apply with: sqlite3 -bail app.db < {file} (or schemasmith's runner); it is one transaction."
    up_header = header + comment_lines(apply.format(file=f"{ident}.up.sql"))
    up_header += comment_lines("Operations: " + "; ".join(o.describe() for o in flatten(up_ops)))
    down_header = header + comment_lines(apply.format(file=f"{ident}.down.sql"))
    up = sqlite_file(up_render.statements, up_header, directives_up)
    down = sqlite_file(down_render.statements, down_header, directives_down)
    return [(f"{ident}.up.sql", up.text), (f"{ident}.down.sql", down.text)]


#: The UP and DOWN files of one step, per target dialect.
STEP_FILES = {POSTGRES: _postgres_texts, SQLITE: _sqlite_texts}


def diff_command(old: str, new: str, target: str | None, format: str, output: str, backfill: list[str], safe: bool | None) -> int:
    """The `schemasmith diff` command: writes the steps and the report into `output`, prints the report.

    `target` is postgres or sqlite (SQL step files) or alembic (an Alembic revision for
    PostgreSQL); None takes OLD's dialect. `format` is what is printed: text, or json (the safety
    report). `safe`: True forces every safe form, False writes the direct migration, None (the
    default) applies safe forms where the table is big enough for a lock to hurt (PostgreSQL).
    Returns the exit code; raises SchemasmithError on bad input.
    """
    if target is not None and target not in TARGETS:
        raise SchemasmithError(f"unknown --target {target!r}; use one of {', '.join(TARGETS)}")
    if format not in ("text", "json"):
        raise SchemasmithError(f"unknown --format {format!r}; use text or json")
    dialect, write_format = TARGETS[target] if target is not None else (None, "sql")
    report = run_diff(old, new, dialect=dialect, format=write_format, output=output, backfill=backfill, safe=safe)
    if format == "json":
        sys.stdout.write(report.to_json() + "\n")
        return 0
    console = stdout_console()
    if not report.steps:
        console.print(f"{report.old} and {report.new} describe the same schema: nothing to migrate, nothing written",
                      soft_wrap=True, markup=False)
        if not is_quiet():
            for text in report.suggestions + report.notes:
                console.print(f"note: {text}", soft_wrap=True, markup=False)
        return 0
    report.print(console)
    return 0

