"""Validation level 2, coverage: every user story has a query, every query parses, names only
tables and columns that exist, and runs (EXPLAIN) on a real PostgreSQL with the design's DDL.

Parameters (`:name`) become `$n`; the statement is PREPAREd with the parameter types left to
PostgreSQL (retried with the compared column's type, else text, where it cannot infer one) and
EXPLAINed with every parameter NULL. A query with more than `MAX_JOINS` joins is flagged.
"""

from __future__ import annotations

import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..db.apply import apply_postgres_file
from ..db.embedded import scratch_database
from ..model.document import Design, Query
from .queries import AnalysedQuery, analyse_workload

MAX_JOINS = 2


@dataclass
class CoverageRow:
    id: str
    story: str | None
    status: str  # covered, uncovered, failed
    joins: int
    flagged: bool  # more than MAX_JOINS joins
    tables: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    plan: str | None = None  # the top of the EXPLAIN plan
    cost: float | None = None


def statement_types(connection, analysed: AnalysedQuery) -> list[str]:
    types = []
    for number in range(1, len(analysed.params) + 1):
        column = analysed.param_columns.get(f"${number}")
        found = None
        if column:
            row = connection.execute(
                "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = to_regclass(%s) AND attname = %s",
                (f'"{column[0]}"', column[1]),
            ).fetchone()
            found = row[0] if row else None
        types.append(found or "text")
    return types


def explain_query(connection, analysed: AnalysedQuery, name: str) -> tuple[str, float]:
    """PREPARE and EXPLAIN one query with NULL parameters; raises psycopg.Error when it fails."""
    import psycopg

    with connection.transaction():
        try:
            with connection.transaction():
                connection.execute(f"PREPARE {name} AS {analysed.sql}")
        except psycopg.errors.IndeterminateDatatype:
            types = statement_types(connection, analysed)
            connection.execute(f"PREPARE {name} ({', '.join(types)}) AS {analysed.sql}")
        nulls = ", ".join(["NULL"] * len(analysed.params))
        plan = connection.execute(f"EXPLAIN (FORMAT JSON) EXECUTE {name}{f'({nulls})' if analysed.params else ''}").fetchone()[0]
        connection.execute(f"DEALLOCATE {name}")
    from .explain import describe

    top = plan[0]["Plan"]
    return describe(top), float(top.get("Total Cost", 0.0))


def check_coverage(design: Design, queries: list[Query] | None = None, *, db: str | None = None) -> dict[str, Any]:
    """Level 2 on a scratch database (embedded PostgreSQL, or a server named by `db`)."""
    import psycopg

    from ..dialects import postgres

    queries = design.queries if queries is None else queries
    analysed = analyse_workload(design, queries)
    rows: list[CoverageRow] = []
    runnable = [a for a in analysed if not a.problems]
    outcomes: dict[str, tuple[str | None, float | None, str | None]] = {}
    if runnable:
        with tempfile.TemporaryDirectory(prefix="schemasmith-coverage-") as folder:
            path = Path(folder) / "schema.sql"
            path.write_text(postgres.render(design).files["schema.sql"], encoding="utf-8")
            with scratch_database(db, prefix="coverage") as url:
                apply_postgres_file(url, path, proof=True)
                with psycopg.connect(url, autocommit=True) as connection:
                    connection.execute("SET plan_cache_mode = force_generic_plan")  # plan for any value, not for NULL
                    for number, item in enumerate(runnable):
                        try:
                            top, cost = explain_query(connection, item, f"schemasmith_q{number}")
                            outcomes[item.query.id] = (top, cost, None)
                        except psycopg.Error as error:
                            message = (error.diag.message_primary or str(error)).strip()
                            outcomes[item.query.id] = (None, None, f"does not run: {message}")
    for item in analysed:
        problems = list(item.problems)
        top = cost = None
        if item.query.id in outcomes:
            top, cost, error = outcomes[item.query.id]
            if error:
                problems.append(error)
        if not item.query.sql.strip():
            status = "uncovered"
        else:
            status = "failed" if problems else "covered"
        rows.append(CoverageRow(item.query.id, item.query.story, status, item.joins, item.joins > MAX_JOINS, item.tables, problems, top, cost))
    summary = {
        "queries": len(rows),
        "covered": sum(row.status == "covered" for row in rows),
        "uncovered": sum(row.status == "uncovered" for row in rows),
        "failed": sum(row.status == "failed" for row in rows),
        "flagged": sum(row.flagged for row in rows),
        "max_joins": MAX_JOINS,
    }
    summary["ok"] = summary["covered"] == len(rows)
    return {"summary": summary, "queries": [asdict(row) for row in rows]}
