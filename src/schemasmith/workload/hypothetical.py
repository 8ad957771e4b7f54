"""`indexes --hypothetical`: cost the advice with HypoPG's hypothetical indexes (the fast path).

On a PostgreSQL server where `CREATE EXTENSION hypopg` works, a scratch database gets the
design's DDL (its own indexes included: the advice was deduplicated against them) and a small
synthetic sample, then ANALYZE. Each query is PREPAREd as in coverage (parameters left to
PostgreSQL's generic plan, `plan_cache_mode = force_generic_plan`) and EXPLAINed (no ANALYZE)
before and after `hypopg_create_index(…)` for every proposal. Per query: the planner's estimated
total cost before and after, and which hypothetical index the plan uses. A proposal that no plan
uses is marked unused.

Why a sample and not the projected scale: PostgreSQL's planner takes a table's size in pages
from the file on disk (RelationGetNumberOfBlocks); pg_class.reltuples / relpages only give the
tuple density. Setting them to the projected counts on an empty (or small) table does not make
estimates grow: on an empty table the Seq Scan cost even drops to 0. So a sample is loaded
(`verify.load_synthetic`, the same generator `--verify` uses): every table scaled by one factor so
the largest has at most `sample_rows` rows (default 50 000), which keeps the distribution shape
of the projection (ratios between tables, skew of filtered values) and takes about a second.
Costs are therefore the planner's estimates at that sample scale, stated in the result.

HypoPG (1.3) supports btree, brin, hash and bloom; it refuses GIN and GiST ("access method
"gin" is not supported"). Such proposals are reported as `not_costed` with HypoPG's reason, not
as unused.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from ..db.apply import apply_postgres_file
from ..db.embedded import redact, scratch_database
from ..dialects.postgres import quote_identifier
from ..errors import SchemasmithError
from ..model.document import Design
from .advisor import Candidate
from .coverage import statement_types
from .explain import describe
from .load_model import horizon_rows
from .queries import AnalysedQuery
from .verify import column_skews, tables_needed, load_synthetic

SAMPLE_ROWS = 50_000


class HypoPGMissing(SchemasmithError):
    """The server cannot CREATE EXTENSION hypopg."""


def _hypo_sql(candidate: Candidate) -> str:
    """CREATE INDEX for hypopg_create_index: no name, no CONCURRENTLY / IF NOT EXISTS."""
    from ..model.document import IndexKey

    keys = []
    for text in candidate.columns:
        key = IndexKey.parse(text)
        keys.append(quote_identifier(key.column) + (" DESC" if key.descending else ""))
    keys += [f"({e})" for e in candidate.expressions]
    sql = f"CREATE {'UNIQUE ' if candidate.unique else ''}INDEX ON {quote_identifier(candidate.table)}"
    if candidate.method != "btree":
        sql += f" USING {candidate.method}"
    sql += f" ({', '.join(keys)})"
    if candidate.include:
        sql += f" INCLUDE ({', '.join(quote_identifier(c) for c in candidate.include)})"
    if candidate.where:
        sql += f" WHERE {candidate.where}"
    return sql


def require_hypopg(connection, server_url: str | None) -> str:
    """CREATE EXTENSION hypopg in the scratch database; a clear error when the server lacks it."""
    import psycopg

    version = connection.execute("SHOW server_version_num").fetchone()[0]
    major = int(version) // 10000
    try:
        with connection.transaction():
            connection.execute("CREATE EXTENSION IF NOT EXISTS hypopg")
    except psycopg.Error as error:
        where = redact(server_url) if server_url else "the embedded PostgreSQL"
        detail = (error.diag.message_primary or str(error)).strip()
        raise HypoPGMissing(
            f"--hypothetical needs the HypoPG extension, and {where} (PostgreSQL {major}) does not have it ({detail}). "
            f"Install it on that server (Debian/Ubuntu: apt-get install postgresql-{major}-hypopg; other systems: "
            f"https://github.com/HypoPG/hypopg) and pass its URL with --db, or use --verify instead, which measures "
            f"the advice on synthetic data without any extension."
        ) from None
    return connection.execute("SELECT extversion FROM pg_extension WHERE extname = 'hypopg'").fetchone()[0]


def _explain(connection, item: AnalysedQuery, name: str) -> dict[str, Any]:
    """EXPLAIN (FORMAT JSON) EXECUTE of the prepared generic plan: cost, shape, index names."""
    import psycopg

    with connection.transaction():
        try:
            with connection.transaction():
                connection.execute(f"PREPARE {name} AS {item.sql}")
        except psycopg.errors.IndeterminateDatatype:
            connection.execute(f"PREPARE {name} ({', '.join(statement_types(connection, item))}) AS {item.sql}")
        nulls = ", ".join(["NULL"] * len(item.params))
        plan = connection.execute(f"EXPLAIN (FORMAT JSON) EXECUTE {name}{f'({nulls})' if item.params else ''}").fetchone()[0][0]
        connection.execute(f"DEALLOCATE {name}")
    nodes, indexes, stack = [], [], [plan["Plan"]]
    while stack:
        node = stack.pop(0)
        nodes.append(describe(node))
        if node.get("Index Name") and node["Index Name"] not in indexes:
            indexes.append(node["Index Name"])
        stack.extend(node.get("Plans", []))
    return {"cost": round(float(plan["Plan"].get("Total Cost", 0.0)), 2), "shape": " > ".join(nodes[:6]), "indexes": indexes}


def hypothetical_advice(design: Design, analysed: list[AnalysedQuery], advice: dict[str, Any], *, db: str | None = None,
                        sample_rows: int = SAMPLE_ROWS) -> dict[str, Any]:
    """Estimated cost of each query before/after the advice's indexes, created hypothetically."""
    import psycopg

    from ..dialects import postgres

    runnable = [item for item in analysed if not item.problems]
    rows = horizon_rows(design)
    projected = {name: max(1, round(rows.get(name) or 1000)) for name in design.tables}
    tables = tables_needed(design, runnable)
    largest = max((projected[t] for t in tables), default=1)
    factor = min(1.0, sample_rows / largest)
    counts = {name: max(1, round(n * factor)) for name, n in projected.items()}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="schemasmith-hypo-") as folder:
        path = Path(folder) / "schema.sql"
        path.write_text(postgres.render(design).files["schema.sql"], encoding="utf-8")
        with scratch_database(db, prefix="hypo") as url:
            with psycopg.connect(url, autocommit=True) as connection:
                version = require_hypopg(connection, db)  # before any work: fail fast
            apply_postgres_file(url, path, proof=True)
            with psycopg.connect(url, autocommit=True) as connection:
                load_seconds = load_synthetic(connection, design, tables, counts, column_skews(runnable))
                connection.execute("SET plan_cache_mode = force_generic_plan")  # as in coverage: plan for any value
                connection.execute("SET max_parallel_workers_per_gather = 0")
                queries = []
                for number, item in enumerate(runnable):
                    queries.append({"id": item.query.id, "before": _explain(connection, item, f"schemasmith_h{number}")})
                hypothetical: dict[str, str] = {}  # plan's index name -> proposal name
                sizes: dict[str, int] = {}
                not_costed = []
                for candidate in advice["candidates"]:
                    try:
                        with connection.transaction():
                            oid, index_name = connection.execute("SELECT indexrelid, indexname FROM hypopg_create_index(%s)", (_hypo_sql(candidate),)).fetchone()
                    except psycopg.Error as error:
                        not_costed.append({"name": candidate.name, "why": f"HypoPG {version} cannot create it ({(error.diag.message_primary or str(error)).strip()}); use --verify to measure it"})
                        continue
                    hypothetical[index_name] = candidate.name
                    sizes[candidate.name] = int(connection.execute("SELECT hypopg_relation_size(%s)", (oid,)).fetchone()[0])
                for number, (entry, item) in enumerate(zip(queries, runnable)):
                    entry["after"] = _explain(connection, item, f"schemasmith_h{number}")
                    entry["uses"] = [hypothetical[name] for name in entry["after"]["indexes"] if name in hypothetical]
                    entry["after"]["indexes"] = [hypothetical.get(name, name) for name in entry["after"]["indexes"]]
                    entry["after"]["shape"] = _rename(entry["after"]["shape"], hypothetical)
                    entry["ratio"] = round(entry["before"]["cost"] / max(entry["after"]["cost"], 0.01), 1)
                connection.execute("SELECT hypopg_reset()")
    used = {name for entry in queries for name in entry["uses"]}
    skipped_names = {item["name"] for item in not_costed}
    proposals = []
    for p in advice["proposals"]:
        status = "not_costed" if p["name"] in skipped_names else ("used" if p["name"] in used else "unused")
        proposals.append({"name": p["name"], "sql": p["sql"], "status": status, "used_by": [q["id"] for q in queries if p["name"] in q["uses"]],
                          "sample_size_bytes": sizes.get(p["name"])})
    return {
        "method": "hypopg",
        "hypopg_version": version,
        "estimates": "planner estimates (EXPLAIN without ANALYZE), generic plans",
        "sample_factor": round(factor, 6),
        "rows": {t: counts[t] for t in tables},
        "projected_rows": {t: projected[t] for t in tables},
        "load_seconds": round(sum(load_seconds.values()), 2),
        "seconds": round(time.perf_counter() - started, 2),
        "queries": queries,
        "total_cost_before": round(sum(q["before"]["cost"] for q in queries), 2),
        "total_cost_after": round(sum(q["after"]["cost"] for q in queries), 2),
        "proposals": proposals,
        "unused": [p["name"] for p in proposals if p["status"] == "unused"],
        "not_costed": not_costed,
    }


def _rename(shape: str, names: dict[str, str]) -> str:
    for hypo, proposal in names.items():
        shape = shape.replace(hypo, f"{proposal} (hypothetical)")
    return shape


def markdown_table(result: dict[str, Any]) -> str:
    lines = [
        f"HypoPG {result['hypopg_version']}, {result['estimates']}; sample of "
        + ", ".join(f"{t} {n:,}" for t, n in result["rows"].items())
        + f" rows (projection × {result['sample_factor']:g}).",
        "",
        "| query | cost before | plan before | cost after | plan after | hypothetical index used | ratio |",
        "| --- | ---: | --- | ---: | --- | --- | ---: |",
    ]
    for q in result["queries"]:
        lines.append(f"| {q['id']} | {q['before']['cost']:,.2f} | {q['before']['shape']} | {q['after']['cost']:,.2f} | {q['after']['shape']} | "
                     f"{', '.join(q['uses']) or '—'} | {q['ratio']}× |")
    ratio = round(result["total_cost_before"] / max(result["total_cost_after"], 0.01), 1)
    lines.append(f"| **total** | {result['total_cost_before']:,.2f} | | {result['total_cost_after']:,.2f} | | | **{ratio}×** |")
    return "\n".join(lines) + "\n"


def render_hypothetical_text(result: dict[str, Any], console) -> None:
    console.print(f"\n[bold]Hypothetical indexes (HypoPG)[/] costed in {result['seconds']} s (sample loaded in {result['load_seconds']} s); "
                  "costs are the planner's estimates, not timings — use --verify to measure")
    console.print(markdown_table(result), markup=False)
    for p in result["proposals"]:
        if p["status"] == "unused":
            console.print(f"[yellow]unused[/] {p['name']}: no query's plan uses it")
    for item in result["not_costed"]:
        console.print(f"[cyan]not costed[/] {item['name']}: {item['why']}")
