"""Plain functions for the CLI to wire: `indexes`, `explain`, and the workload levels of `validate`.

Each prints to stdout (rich for text, plain JSON for `--format json`) and returns an exit code;
bad input raises a SchemasmithError subclass naming the place.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from ..errors import SchemasmithError
from ..model.document import Design, Query

FORMATS = ("text", "json")


def _console():
    from ..console import stdout_console

    return stdout_console(soft_wrap=True)


def _check_format(format: str) -> None:
    if format not in FORMATS:
        raise SchemasmithError(f"--format must be one of {', '.join(FORMATS)}, not {format!r}")


def _queries(design: Design, queries: str | None) -> list[Query]:
    from .queries import WorkloadError, load_queries

    if queries is not None:
        return load_queries(queries)
    if not design.queries:
        raise WorkloadError(f"design {design.name} has no `queries:` and no --queries FILE was given")
    return list(design.queries)


def check_server_url(db: str | None) -> None:
    """SchemasmithError unless `db` (when given) is a server schemasmith can make scratch databases on."""
    if db is None:
        return
    from ..dialects.registry import dialect_for_url

    dialect = dialect_for_url(db)
    if dialect is None or not dialect.scratch_databases:
        raise SchemasmithError(f"--db must be a PostgreSQL server URL (a scratch database is created there), not {db.split('://')[0]}://…")
    _require_reachable(db)


def _require_reachable(db: str) -> None:
    """Refuse a server that does not answer before any work starts: that is a server the user
    named wrongly (exit 2), not a level of validation that failed (exit 1)."""
    import psycopg

    from ..db.urls import libpq_url
    from ..text.redaction import redact_url

    try:
        psycopg.connect(libpq_url(db), connect_timeout=10).close()
    except psycopg.Error as error:
        lines = [line.strip() for line in str(error).splitlines() if line.strip()]
        reason = lines[0] if lines else type(error).__name__
        raise SchemasmithError(f"--db: cannot connect to the PostgreSQL server at {redact_url(db)}: {reason}") from None


# ---------------------------------------------------------------------------------------------
# explain


def explain_command(plan: str, format: str = "text") -> int:
    """`schemasmith explain PLAN`: PLAN is a file or '-' for stdin. Exit 1 when findings are warnings."""
    from .explain import PlanError, explain_report

    _check_format(format)
    if plan == "-":
        text = sys.stdin.read()
        where = "stdin"
    else:
        path = Path(plan)
        if not path.is_file():
            raise PlanError(f"{plan}: no such plan file")
        text = path.read_text(encoding="utf-8", errors="replace")
        where = plan
    try:
        report = explain_report(text)
    except PlanError as error:
        raise PlanError(f"{where}: {error}") from None
    if format == "json":
        print(json.dumps(report, indent=2))
    else:
        render_explain_text(report, _console(), where)
    return 1 if any(f["severity"] == "warning" for f in report["findings"]) else 0


def render_explain_text(report: dict[str, Any], console, where: str = "") -> None:
    timing = f", executed in {report['execution_ms']:.1f} ms" if report.get("execution_ms") is not None else ""
    console.print(f"[bold]{where}[/]: {report['format']} plan, {'EXPLAIN ANALYZE' if report['analyzed'] else 'EXPLAIN (estimates only)'}{timing}; top node {report['root']}")
    if not report["analyzed"]:
        console.print("  without ANALYZE only estimates are known; run EXPLAIN (ANALYZE, BUFFERS) for measured findings")
    if not report["findings"]:
        console.print("  [green]no problems found[/]")
    for finding in report["findings"]:
        colour = "yellow" if finding["severity"] == "warning" else "cyan"
        console.print(f"\n[{colour}]{finding['severity']}[/] {finding['code']} {finding['name']} — {finding['node']}")
        console.print(f"  {finding['message']}")
        console.print(f"  [dim]why:[/] {finding['reason']}")
        console.print(f"  [dim]fix:[/] {finding['fix']}")


# ---------------------------------------------------------------------------------------------
# indexes


def indexes_command(schema: str, queries: str | None, verify: bool, db: str | None, format: str = "text", scale_factor: float = 1.0,
                    hypothetical: bool = False) -> int:
    """`schemasmith indexes SCHEMA [--queries FILE] [--verify] [--hypothetical] [--db URL] [--format text|json] [--scale-factor F]`.

    `--hypothetical` costs the advice with HypoPG hypothetical indexes (planner estimates on a
    small sample, seconds) on the --db server; without HypoPG there it is one clear error."""
    from ..sources import load_source
    from .advisor import advise, public
    from .queries import analyse_workload

    _check_format(format)
    check_server_url(db)
    if scale_factor <= 0:
        raise SchemasmithError(f"--scale-factor must be above 0, not {scale_factor}")
    design = load_source(schema, server_url=db).design
    workload = _queries(design, queries)
    analysed = analyse_workload(design, workload)
    result = advise(design, analysed)
    costed = None
    if hypothetical:
        from .hypothetical import hypothetical_advice

        costed = hypothetical_advice(design, analysed, result, db=db)
    verification = None
    if verify:
        from .verify import verify_advice

        verification = verify_advice(design, analysed, result, db=db, scale_factor=scale_factor)
    if format == "json":
        data = public(result)
        if verification is not None:
            data["verify"] = verification
        if costed is not None:
            data["hypothetical"] = costed
        print(json.dumps(data, indent=2, default=str))
    else:
        console = _console()
        render_advice_text(result, console)
        if verification is not None:
            from .verify import render_verify_text

            render_verify_text(verification, console)
        if costed is not None:
            from .hypothetical import render_hypothetical_text

            render_hypothetical_text(costed, console)
    return 1 if result["skipped"] else 0


def render_advice_text(result: dict[str, Any], console) -> None:
    if not result["proposals"]:
        console.print("[green]No new indexes: the existing ones serve the workload.[/]")
    for proposal in result["proposals"]:
        console.print(f"\n[bold]{proposal['sql']}[/]")
        console.print(f"  serves: {', '.join(proposal['serves'])}")
        for reason in proposal["reasons"]:
            console.print(f"  - {reason}")
        console.print(f"  [dim]write cost:[/] {proposal['write_cost']['text']}")
    if result["served"]:
        console.print("\n[bold]Already served[/]")
        for item in result["served"]:
            console.print(f"  {item['query']}: {item['candidate']} — by {item['served_by']} ({item['why']})")
    for item in result["skipped"]:
        console.print(f"[red]query {item['query']} skipped:[/] {'; '.join(item['problems'])}")
    if result["patch"]:
        console.print("\n[bold]Design-document patch[/]")
        console.print(result["patch"], markup=False)


# ---------------------------------------------------------------------------------------------
# validate, levels 2 and 3


def validate_workload(design: Design, queries: str | None = None, scale: str | None = None, db: str | None = None) -> dict[str, Any]:
    """Coverage (level 2) and the load model (level 3). `scale` is an optional YAML file with
    `growth:` (horizon_months, drivers) and/or `expected_rows: {table: rows}` overriding the design's."""
    from .coverage import check_coverage
    from .load_model import load_model
    from .plot import growth_svg

    check_server_url(db)
    sized = _apply_scale(design, scale) if scale else design
    workload = _queries(design, queries) if (queries or design.queries) else []
    coverage = check_coverage(design, workload, db=db) if workload else {"summary": {"queries": 0, "covered": 0, "uncovered": 0, "failed": 0, "flagged": 0, "ok": False, "max_joins": 2}, "queries": []}
    model = load_model(sized)
    model["svg"] = growth_svg(model)
    return {"coverage": coverage, "load": model}


def _apply_scale(design: Design, scale: str) -> Design:
    """The design with a scale file's row counts and growth drivers in place of its own."""
    from ..model.document import Growth
    from .scale_file import read_scale_file

    read = read_scale_file(scale)
    copy = design.model_copy(deep=True)
    if read.growth is not None:
        try:
            copy.growth = Growth(**read.growth)
        except Exception as error:  # noqa: BLE001 - pydantic's message names the field
            raise SchemasmithError(f"{scale}: growth: {error}") from None
    for table, rows in read.rows.items():
        if table not in copy.tables:
            raise SchemasmithError(f"{scale}: expected_rows: no table {table} in the design")
        copy.tables[table].expected_rows = rows
    return copy


def render_workload_text(result: dict[str, Any], console) -> None:
    from rich.table import Table as RichTable

    from .load_model import human_bytes, human_rows

    coverage = result["coverage"]
    summary = coverage["summary"]
    table = RichTable(title=f"level 2 — coverage: {summary['covered']}/{summary['queries']} stories covered, joins flagged above {summary['max_joins']}")
    for column in ("query", "story", "status", "joins", "plan"):
        table.add_column(column)
    for row in coverage["queries"]:
        status = {"covered": "[green]covered[/]", "uncovered": "[yellow]uncovered[/]"}.get(row["status"], "[red]failed[/]")
        joins = f"[yellow]{row['joins']} (>{summary['max_joins']})[/]" if row["flagged"] else str(row["joins"])
        table.add_row(row["id"], (row["story"] or "")[:70], status, joins, row["plan"] or "; ".join(row["problems"]))
    console.print(table)
    load = result["load"]
    months = load["months"]
    table = RichTable(title=f"level 3 — load model ({load['assumption']})")
    table.add_column("table")
    table.add_column("bytes/row", justify="right")
    for m in months:
        table.add_column(f"rows {m} mo", justify="right")
    for m in months:
        table.add_column(f"size {m} mo", justify="right")
    for row in load["tables"]:
        sizes = [human_bytes((row["table_bytes"][m] or 0) + (row["index_bytes"][m] or 0)) if row["rows"][m] is not None else "?" for m in months]
        table.add_row(row["table"], str(row["row_bytes"]), *[human_rows(row["rows"][m]) for m in months], *sizes)
    console.print(table)
    console.print("total (tables + indexes): " + ", ".join(f"{m} months {human_bytes(load['total_bytes'][m])}" for m in months))
    for advice in load["advice"]:
        console.print(f"[yellow]advice[/] {advice}")
