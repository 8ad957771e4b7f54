"""`indexes --verify`: measure the advice on synthetic data at projected scale.

A scratch PostgreSQL database gets the design's DDL with only primary-key, unique and
foreign-key indexes (`strip_to_pk_fk`), then synthetic rows, set-based with generate_series:
rows per table = the load model's rows at the growth horizon × `scale_factor`, for the tables the
workload reads and the tables they reference. Foreign keys and triggers are not checked while
loading (session_replication_role = replica); values are drawn so references point at rows
that exist. Constant filters of the workload shape the data: for `status <> 'done'` most rows
are 'done' (85 %), the skew such a filter is written for.

Each query runs with EXPLAIN (ANALYZE, BUFFERS) before and after the proposed indexes (best of
`RUNS`, warm cache); indexes that no plan uses are dropped from the advice.
"""

from __future__ import annotations

import re
import tempfile
import time
from pathlib import Path
from typing import Any

from ..db.apply import apply_postgres_file
from ..db.embedded import scratch_database
from ..dialects.postgres import quote_identifier, quote_literal
from ..model.document import Design
from ..model.naming import index_names
from ..model.types import parse_type
from .advisor import Candidate, existing_indexes, index_sql, strip_to_pk_fk
from .explain import describe
from .load_model import horizon_rows
from .queries import AnalysedQuery

RUNS = 3
WORDS = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "theta", "kappa", "lambda", "sigma", "omega", "report", "invoice", "deploy", "review", "release", "budget", "design", "backend", "frontend", "mobile", "api", "database", "migration", "login", "billing", "search", "export", "import", "onboarding", "customer", "support", "ticket", "bug", "feature", "docs", "test", "staging", "cache", "queue", "email", "webhook", "payment", "refund", "audit", "security", "upgrade", "cleanup", "roadmap", "planning", "sprint", "retro", "hiring", "office", "travel", "launch", "marketing", "sales"]
_WORDS_SQL = "ARRAY[" + ", ".join(quote_literal(w) for w in WORDS) + "]"


def _word() -> str:
    return f"({_WORDS_SQL})[1 + floor(random() * {len(WORDS)})::int]"


def tables_needed(design: Design, analysed: list[AnalysedQuery]) -> list[str]:
    needed: list[str] = []
    stack = [t for a in analysed for t in a.tables]
    while stack:
        name = stack.pop()
        if name in needed or name not in design.tables:
            continue
        needed.append(name)
        stack.extend(fk.references.table for fk in design.tables[name].foreign_keys)
    return [name for name in design.tables if name in needed]


def column_skews(analysed: list[AnalysedQuery]) -> dict[tuple[str, str], str]:
    skew = {}
    for item in analysed:
        for p in item.predicates:
            if p.kind == "filter" and p.op in ("<>", "!=") and p.text:
                match = re.search(r"'((?:[^']|'')*)'", p.text)
                if match:
                    skew[(p.table, p.column)] = match[1].replace("''", "'")
    return skew


def _key_expression(design: Design, table: str, k: str) -> str | None:
    """The value of row number `k` (SQL) of `table`'s single-column primary key."""
    target = design.tables[table]
    if len(target.primary_key) != 1:
        return None
    column = target.columns[target.primary_key[0]]
    kind = parse_type(column.type).kind
    if kind == "uuid":
        return f"md5({quote_literal(table + ':')} || ({k}))::uuid"
    if kind in ("integer", "bigint", "smallint"):
        return f"({k})"
    return f"{quote_literal(table + '-')} || ({k})"


def _column_sql(design: Design, table: str, column_name: str, counts: dict[str, int], skews) -> str | None:
    target = design.tables[table]
    column = target.columns[column_name]
    if column.identity == "always" or column.generated:
        return None
    portable = parse_type(column.type)
    if target.primary_key == [column_name]:
        return _key_expression(design, table, "g")
    for fk in target.foreign_keys:
        if column_name in fk.columns and len(fk.columns) == 1:
            parent = fk.references.table
            if parent == table and column.nullable:
                return "NULL"
            n = max(counts.get(parent, 1), 1)
            value = _key_expression(design, parent, f"1 + floor(random() * {n})::bigint") if parent in design.tables else None
            if value is None:
                break
            return f"CASE WHEN random() < 0.2 THEN NULL ELSE {value} END" if column.nullable else value
    kind = portable.kind
    if kind == "enum":
        values = design.enums.get(portable.enum or "", []) or ["x"]
        dominant = skews.get((table, column_name))
        choices = "ARRAY[" + ", ".join(quote_literal(v) for v in values if v != dominant) + "]"
        pick = f"({choices})[1 + floor(random() * {max(len(values) - (1 if dominant in values else 0), 1)})::int]"
        if dominant in values and len(values) > 1:
            return f"CASE WHEN random() < 0.85 THEN {quote_literal(dominant)} ELSE {pick} END"
        return pick
    if kind == "boolean":
        return "random() < 0.5"
    if kind in ("smallint", "integer", "bigint"):
        return "floor(random() * 1000)::int"
    if kind in ("numeric", "real", "double"):
        return "round((random() * 1000)::numeric, 2)"
    if kind == "date":
        return "current_date + (floor(random() * 180)::int - 90)"
    if kind in ("timestamp", "timestamptz"):
        return "now() - random() * interval '365 days'"
    if kind == "time":
        return "time '00:00' + random() * interval '24 hours'"
    if kind == "interval":
        return "random() * interval '10 days'"
    if kind == "uuid":
        return "md5(random()::text || g)::uuid"
    if kind == "json":
        return f"jsonb_build_object('field', {_word()}, 'n', g)"
    if kind == "bytes":
        return "decode(md5(g::text), 'hex')"
    if kind == "array":
        return "'{}'"
    if kind in ("text", "varchar"):
        if "email" in column_name:
            text = "'user' || g || '@example.com'"
        else:
            text = f"{_word()} || ' ' || {_word()} || ' ' || {_word()} || ' ' || g"
        return f"left({text}, {portable.length})" if portable.length else text
    return "NULL" if column.nullable else "g::text"


def load_synthetic(connection, design: Design, tables: list[str], counts: dict[str, int], skews) -> dict[str, float]:
    """Fill `tables` set-based; returns seconds per table."""
    import psycopg

    timings = {}
    connection.execute("SET session_replication_role = replica")
    connection.execute("SELECT setseed(0.42)")
    for table in tables:
        names, values = [], []
        for column in design.tables[table].columns:
            sql = _column_sql(design, table, column, counts, skews)
            if sql is None:
                continue
            types = connection.execute(
                "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = %s::regclass AND attname = %s",
                (quote_identifier(table), column),
            ).fetchone()
            names.append(quote_identifier(column))
            values.append(f"({sql})::{types[0]}")
        statement = (
            f"INSERT INTO {quote_identifier(table)} ({', '.join(names)}) SELECT {', '.join(values)} "
            f"FROM generate_series(1, {counts[table]}) AS g ON CONFLICT DO NOTHING"
        )
        started = time.perf_counter()
        try:
            with connection.transaction():
                connection.execute(statement)
        except psycopg.errors.CheckViolation:
            for (name,) in connection.execute(
                "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'c'", (quote_identifier(table),)
            ).fetchall():
                connection.execute(f"ALTER TABLE {quote_identifier(table)} DROP CONSTRAINT {quote_identifier(name)}")
            connection.execute(statement)
        timings[table] = time.perf_counter() - started
    connection.execute("SET session_replication_role = DEFAULT")
    for table in tables:
        connection.execute(f"VACUUM ANALYZE {quote_identifier(table)}")
    return timings


def _bind(connection, item: AnalysedQuery) -> tuple[str, dict[str, str]]:
    values: dict[str, str] = {}
    for number, name in enumerate(item.params, start=1):
        column = item.param_columns.get(f"${number}")
        value = None
        if column:
            row = connection.execute(
                f"SELECT {quote_identifier(column[1])}::text FROM {quote_identifier(column[0])} "
                f"WHERE {quote_identifier(column[1])} IS NOT NULL OFFSET 7 LIMIT 1"
            ).fetchone()
            value = row[0] if row else None
        values[name] = value if value is not None else WORDS[0]
    sql = re.sub(r"\$(\d+)\b", lambda m: quote_literal(values[item.params[int(m[1]) - 1]]), item.sql)
    return sql, values


def _measure(connection, sql: str) -> dict[str, Any]:
    best = None
    for _ in range(RUNS):
        plan = connection.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}").fetchone()[0][0]
        if best is None or plan["Execution Time"] < best["Execution Time"]:
            best = plan
    nodes, indexes, stack = [], [], [best["Plan"]]
    while stack:
        node = stack.pop(0)
        nodes.append(describe(node))
        if node.get("Index Name") and node["Index Name"] not in indexes:
            indexes.append(node["Index Name"])
        stack.extend(node.get("Plans", []))
    root = best["Plan"]
    return {
        "ms": round(best["Execution Time"], 3),
        "shape": " > ".join(nodes[:6]),
        "buffers": int(root.get("Shared Hit Blocks", 0)) + int(root.get("Shared Read Blocks", 0)),
        "indexes": indexes,
        "rows": root.get("Actual Rows"),
    }


def design_index_names(design: Design) -> list[tuple[Candidate, str]]:
    """Each of the design's own indexes (not primary keys or unique constraints), with the name
    the build gives it: its own `name:`, or the conventional `{table}_{keys}_idx`."""
    found: list[tuple[Candidate, str]] = []
    candidates = existing_indexes(design)
    for table_name, table in design.tables.items():
        if not table.indexes:
            continue
        mine = [candidate for candidate in candidates if candidate.table == table_name]
        # existing_indexes lists a table's primary key and unique constraints, then its indexes in order
        found.extend(zip(mine[len(mine) - len(table.indexes) :], index_names(table_name, table)))
    return found


def _shown_names(entry: dict[str, Any], shown: dict[str, str]) -> None:
    """Say the design's index names where a plan names an index built under a stand-in name."""
    if not shown:
        return
    pattern = re.compile(r"(?<![\w$])(" + "|".join(re.escape(name) for name in sorted(shown, key=len, reverse=True)) + r")(?![\w$])")
    for side in ("before", "after"):
        plan = entry.get(side)
        if plan:
            plan["shape"] = pattern.sub(lambda match: shown[match[1]], plan["shape"])
            plan["indexes"] = [shown.get(name, name) for name in plan["indexes"]]


def _per_hour(frequency: str | None) -> float | None:
    if not frequency:
        return None
    match = re.match(r"\s*([\d.]+)\s*/\s*(second|sec|s|minute|min|hour|h|day|d)\b", frequency)
    if not match:
        return None
    factor = {"second": 3600, "sec": 3600, "s": 3600, "minute": 60, "min": 60, "hour": 1, "h": 1, "day": 1 / 24, "d": 1 / 24}[match[2]]
    return float(match[1]) * factor


def verify_advice(design: Design, analysed: list[AnalysedQuery], advice: dict[str, Any], *, db: str | None = None, scale_factor: float = 1.0) -> dict[str, Any]:
    import psycopg

    from ..dialects import postgres

    runnable = [item for item in analysed if not item.problems]
    baseline = strip_to_pk_fk(design)
    rows = horizon_rows(design)
    counts = {name: max(1, round((rows.get(name) or 1000) * scale_factor)) for name in design.tables}
    tables = tables_needed(design, runnable)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="schemasmith-verify-") as folder:
        path = Path(folder) / "baseline.sql"
        path.write_text(postgres.render(baseline).files["schema.sql"], encoding="utf-8")
        with scratch_database(db, prefix="verify") as url:
            apply_postgres_file(url, path, proof=True)
            with psycopg.connect(url, autocommit=True) as connection:
                load_seconds = load_synthetic(connection, design, tables, counts, column_skews(runnable))
                connection.execute("SET max_parallel_workers_per_gather = 0")  # steadier timings
                connection.execute("SET jit = off")
                queries = []
                for item in runnable:
                    sql, values = _bind(connection, item)
                    queries.append({"id": item.query.id, "sql": sql, "params": values, "before": _measure(connection, sql),
                                    "per_hour": _per_hour(item.query.frequency)})
                created, design_indexes, skipped = [], [], []
                for candidate in advice["candidates"]:
                    connection.execute(index_sql(candidate, concurrently=False))
                    created.append(candidate.name)
                # the design's own indexes beyond PK/FK (the advice counted them as already serving),
                # built under the names the build gives them, so plans name them as the design does;
                # a name already taken in the database (by a proposal) gets a stand-in, shown as the design's
                kept_labels = {index.label for index in existing_indexes(baseline)}
                shown: dict[str, str] = {}
                mine = [(i, name) for i, name in design_index_names(design) if i.label not in kept_labels and i.table in tables]
                for number, (index, name) in enumerate(mine, start=1):
                    taken = name in created or connection.execute("SELECT to_regclass(%s)", (quote_identifier(name),)).fetchone()[0]
                    index.name = f"schemasmith_design_index_{number}" if taken else name
                    if taken:
                        shown[index.name] = f"{name} (the design's)"
                    try:
                        with connection.transaction():
                            connection.execute(index_sql(index, concurrently=False))
                        design_indexes.append({"name": name, "index": index.label})
                    except psycopg.Error as error:
                        skipped.append({"name": name, "index": index.label, "why": (error.diag.message_primary or str(error)).strip()})
                for table in {c.table for c in advice["candidates"]} | {i.table for i in existing_indexes(design) if i.table in tables}:
                    connection.execute(f"ANALYZE {quote_identifier(table)}")
                for entry in queries:
                    entry["after"] = _measure(connection, entry["sql"])
                    entry["speedup"] = round(entry["before"]["ms"] / max(entry["after"]["ms"], 0.001), 1)
                    entry["uses"] = [name for name in entry["after"]["indexes"] if name in created]
                    _shown_names(entry, shown)
    used = {name for entry in queries for name in entry["uses"]}
    kept = [p for p in advice["proposals"] if p["name"] in used]
    dropped = [{"name": p["name"], "sql": p["sql"], "why": "no query's plan used it at this scale"} for p in advice["proposals"] if p["name"] not in used]
    before = sum(q["before"]["ms"] for q in queries)
    after = sum(q["after"]["ms"] for q in queries)
    weighted = [q for q in queries if q["per_hour"]]
    return {
        "scale_factor": scale_factor,
        "rows": {t: counts[t] for t in tables},
        "load_seconds": round(sum(load_seconds.values()), 2),
        "seconds": round(time.perf_counter() - started, 2),
        "queries": queries,
        "total_before_ms": round(before, 3),
        "total_after_ms": round(after, 3),
        "speedup": round(before / max(after, 0.001), 1),
        "weighted_before_ms_per_hour": round(sum(q["before"]["ms"] * q["per_hour"] for q in weighted), 1) if weighted else None,
        "weighted_after_ms_per_hour": round(sum(q["after"]["ms"] * q["per_hour"] for q in weighted), 1) if weighted else None,
        "kept": [p["name"] for p in kept],
        "design_indexes": design_indexes,
        "design_indexes_not_built": skipped,
        "dropped": dropped,
        "ddl": "\n".join(p["sql"] for p in kept) + ("\n" if kept else ""),
    }


def markdown_table(result: dict[str, Any]) -> str:
    lines = [
        f"Scale factor {result['scale_factor']} ({', '.join(f'{t} {n:,}' for t, n in result['rows'].items())}); best of {RUNS} runs, warm cache.",
        "",
        "| query | before (ms) | plan before | after (ms) | plan after | index used | buffers before → after | speedup |",
        "| --- | ---: | --- | ---: | --- | --- | ---: | ---: |",
    ]
    for q in result["queries"]:
        lines.append(
            f"| {q['id']} | {q['before']['ms']:.3f} | {q['before']['shape']} | {q['after']['ms']:.3f} | {q['after']['shape']} | "
            f"{', '.join(q['uses']) or '—'} | {q['before']['buffers']:,} → {q['after']['buffers']:,} | {q['speedup']}× |"
        )
    lines.append(f"| **total** | {result['total_before_ms']:.3f} | | {result['total_after_ms']:.3f} | | | | **{result['speedup']}×** |")
    return "\n".join(lines) + "\n"


def render_verify_text(result: dict[str, Any], console) -> None:
    console.print(f"\n[bold]Verified[/] at scale factor {result['scale_factor']} in {result['seconds']} s (data loaded in {result['load_seconds']} s)")
    console.print(markdown_table(result), markup=False)
    for item in result["dropped"]:
        console.print(f"[yellow]dropped[/] {item['name']}: {item['why']}")
    if result["weighted_before_ms_per_hour"]:
        console.print(f"workload weighted by frequency: {result['weighted_before_ms_per_hour']:,.0f} → {result['weighted_after_ms_per_hour']:,.0f} ms of query time per hour")
