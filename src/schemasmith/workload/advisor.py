"""The index advisor: candidates from each query's predicates, joins, ORDER BY and GROUP BY,
deduplicated against the design's indexes (primary key and unique constraints included) and
against each other, each with its write cost, as DDL and as design-document patches.

Shape of a B-tree candidate: equality columns first (their order is free), then the range
column, then the sort columns in the query's direction (when a range column is also the first
sort column the two merge; after any other range column a sort order is lost, so sort columns are
left out). Constant filters on low-cardinality columns (enums, booleans: `status <> 'done'`) and
`IS [NOT] NULL` tests become the partial index's WHERE, not keys; a nullable leading equality
column adds `col IS NOT NULL`. Full-text (`to_tsvector(…) @@ …`) and JSON containment (`@>`, `?`)
get GIN; `lower(email) = :e` gets an expression index. INCLUDE is added for index-only scans when
the remaining selected columns are few (≤ 3) and fixed-width (cheap).

Redundancy: a candidate is dropped when an index (existing or another candidate) has its
equality columns first in any order, then its other keys in order and direction (or all
reversed), the same method and a compatible WHERE. A candidate that only adds GROUP BY columns
behind an equality prefix another index already has is dropped when that prefix narrows to at
most NARROW_ROWS rows (estimated from the load model): the extra index would cost every write
to save grouping a few hundred rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from ..model.document import Design, Index, IndexKey, Table
from ..model.expressions import normalize_expression
from ..model.types import parse_type
from .load_model import FIXED_WIDTH, horizon_rows, human_bytes, index_bytes
from .queries import AnalysedQuery, analyse_workload

NARROW_ROWS = 1000


def _q(name: str) -> str:
    from ..dialects.postgres import quote_identifier

    return quote_identifier(name)
CHEAP_INCLUDE = 3


@dataclass
class Candidate:
    table: str
    columns: list[str] = field(default_factory=list)  # "col", "col desc"
    expressions: list[str] = field(default_factory=list)
    method: str = "btree"
    where: str | None = None
    include: list[str] = field(default_factory=list)
    serves: list[str] = field(default_factory=list)
    n_eq: int = 0
    extra: str = ""  # what the keys after the equality prefix do: range, sort, group, ""
    reasons: list[str] = field(default_factory=list)
    name: str = ""
    unique: bool = False
    existing: bool = False
    label: str = ""  # for existing indexes: primary key / unique (…) / the index name

    def keys(self) -> list[tuple[str, bool]]:
        out = []
        for text in self.columns:
            key = IndexKey.parse(text)
            out.append((key.column, key.descending))
        out.extend((f"expr:{normalize_expression(e)}", False) for e in self.expressions)
        return out

    def as_index(self) -> Index:
        return Index(name=self.name or None, columns=self.columns, expressions=self.expressions, method=self.method,
                     where=self.where, include=self.include, serves=self.serves, unique=self.unique)


def _same_where(one: str | None, two: str | None) -> bool:
    if one is None or two is None:
        return one is two
    return normalize_expression(one).lower() == normalize_expression(two).lower()


def covers(index: Candidate, candidate: Candidate) -> bool:
    """True when `index` serves everything `candidate` would."""
    if index.table != candidate.table or index.method != candidate.method:
        return False
    if index.where is not None and not _same_where(index.where, candidate.where):
        eq_columns = {column for column, _ in candidate.keys()[: candidate.n_eq]}
        implied = [f"{_q(column)} IS NOT NULL" for column in eq_columns]
        if not any(_same_where(index.where, text) for text in implied):
            return False
    if candidate.where is not None and not _same_where(index.where, candidate.where):
        return False
    mine, theirs = candidate.keys(), index.keys()
    if index.method != "btree":
        return {k for k, _ in mine} <= {k for k, _ in theirs}
    if len(mine) > len(theirs):
        return False
    n = candidate.n_eq
    if {k for k, _ in mine[:n]} != {k for k, _ in theirs[:n]}:
        return False
    rest, other = mine[n:], theirs[n : len(mine)]
    if [k for k, _ in rest] != [k for k, _ in other]:
        return False
    flips = {a != b for (_, a), (_, b) in zip(rest, other)}
    return not (candidate.extra == "sort" and len(flips) > 1)


def existing_indexes(design: Design) -> list[Candidate]:
    found = []
    for name, table in design.tables.items():
        if table.primary_key:
            found.append(Candidate(name, list(table.primary_key), unique=True, existing=True, label=f"{name} primary key ({', '.join(table.primary_key)})"))
        for unique in table.unique:
            found.append(Candidate(name, list(unique.columns), unique=True, existing=True, label=f"{name} unique ({', '.join(unique.columns)})"))
        for index in table.indexes:
            keys = [str(key) for key in index.keys(set(table.columns))]
            text = ", ".join(keys + index.expressions)
            label = index.name or f"{name} ({text})" + (f" WHERE {index.where}" if index.where else "") + (f" USING {index.method}" if index.method != "btree" else "")
            found.append(Candidate(name, keys, list(index.expressions), index.method, index.where, list(index.include), list(index.serves),
                                   unique=index.unique, existing=True, label=label))
    return found


def strip_to_pk_fk(design: Design) -> Design:
    """A copy keeping only the primary key, unique constraints and plain foreign-key indexes
    (indexes that lead with a foreign key's columns and serve no query): the advisor's baseline."""
    copy_ = design.model_copy(deep=True)
    for table in copy_.tables.values():
        fk_columns = [fk.columns for fk in table.foreign_keys]
        kept = []
        for index in table.indexes:
            keys = [key.column for key in index.keys(set(table.columns))]
            if not index.serves and not index.expressions and any(keys[: len(columns)] == columns for columns in fk_columns):
                kept.append(index)
        table.indexes = kept
    copy_.queries = list(design.queries)
    return copy_


# ---------------------------------------------------------------------------------------------
# candidates


def _low_cardinality(design: Design, table: Table, column: str) -> bool:
    col = table.columns.get(column)
    if col is None:
        return False
    portable = parse_type(col.type)
    return portable.kind in ("enum", "boolean")


def distinct_values(design: Design, table_name: str, column: str, rows: dict[str, float | None]) -> float:
    table = design.tables[table_name]
    total = rows.get(table_name) or 1000.0
    col = table.columns.get(column)
    if col is None:
        return total
    portable = parse_type(col.type)
    if portable.kind == "enum":
        return float(len(design.enums.get(portable.enum or "", [])) or 4)
    if portable.kind == "boolean":
        return 2.0
    if table.primary_key == [column] or any(u.columns == [column] for u in table.unique):
        return total
    for fk in table.foreign_keys:
        if fk.columns == [column]:
            return min(total, rows.get(fk.references.table) or total)
    return max(total / 10, 1.0)


def _query_candidates(design: Design, analysed: AnalysedQuery) -> list[Candidate]:
    rows = horizon_rows(design)
    candidates: list[Candidate] = []
    single = len(analysed.tables) == 1
    qid = analysed.query.id
    own_eq = {t for t in analysed.tables if any(p.table == t and p.kind in ("eq", "expr_eq") for p in analysed.predicates)}
    for table_name in analysed.tables:
        table = design.tables[table_name]
        preds = [p for p in analysed.predicates if p.table == table_name or (p.kind == "join" and p.other and p.other[0] == table_name)]
        eq: list[str] = []
        reasons: list[str] = []
        for p in preds:
            if p.kind == "eq" and p.table == table_name and p.column not in eq:
                eq.append(p.column)
            if p.kind == "filter" and p.table == table_name and p.op == "=" and not _low_cardinality(design, table, p.column) and p.column not in eq:
                eq.append(p.column)
        for p in preds:
            if p.kind != "join":
                continue
            here, there = ((p.table, p.column), p.other) if p.table == table_name else (p.other, (p.table, p.column))
            if here[0] == there[0]:
                continue
            inner = table_name not in own_eq and (there[0] in own_eq or (rows.get(table_name) or 0) >= (rows.get(there[0]) or 0))
            if inner and here[1] not in eq:
                eq.append(here[1])
                reasons.append(f"{here[1]} is the join column from {there[0]}")
        ranges = [p.column for p in preds if p.kind == "range" and p.table == table_name]
        where_parts = []
        for p in preds:
            if p.table != table_name:
                continue
            if p.kind == "filter" and _low_cardinality(design, table, p.column) or p.kind == "null" and table.columns[p.column].nullable and p.column not in eq:
                where_parts.append(p.text)
        sort = [(c, d) for t, c, d in analysed.order_by] if single and all(t == table_name for t, _, _ in analysed.order_by) else []
        group = [c for t, c in analysed.group_by] if single and all(t == table_name for t, _ in analysed.group_by) else []
        # full-text / JSON containment / expression equality
        for p in preds:
            if p.table != table_name:
                continue
            if p.kind == "gin":
                is_expression = "(" in (p.text or "")
                candidates.append(Candidate(table_name, [] if is_expression else [p.column], [p.text] if is_expression else [], "gin",
                                            serves=[qid], reasons=[f"{'full-text search' if p.op == '@@' else 'JSON ' + p.op} on {p.column} needs GIN; a B-tree cannot answer it"]))
            if p.kind == "expr_eq":
                candidates.append(Candidate(table_name, [], [p.text], serves=[qid], n_eq=1,
                                            reasons=[f"equality on {p.text}: only an expression index matches it (a plain index on {p.column} does not)"]))
        keys: list[str] = list(eq)
        extra = ""
        if ranges:
            first = ranges[0]
            if sort and sort[0][0] == first:
                keys += [f"{c} desc" if d else c for c, d in sort if c not in eq]
                extra = "sort"
                reasons.append(f"range on {first} is also the sort: index order gives the rows sorted")
            else:
                keys.append(first)
                extra = "range"
                reasons.append(f"range on {first} after the equality columns")
        elif sort:
            keys += [f"{c} desc" if d else c for c, d in sort if c not in eq]
            extra = "sort"
            reasons.append("the sort columns in the query's directions follow, so rows come out in index order without a sort")
        elif group and eq:
            keys += [c for c in group if c not in eq]
            extra = "group"
            reasons.append(f"GROUP BY {', '.join(group)} after the equality columns reads each group in order")
        if not keys:
            continue
        if eq:
            reasons.insert(0, f"equality on {', '.join(eq)} first")
        if not where_parts and eq and table.columns.get(eq[0]) is not None and table.columns[eq[0]].nullable and len(eq) == 1 and not extra:
            where_parts.append(f"{_q(eq[0])} IS NOT NULL")
            reasons.append(f"{eq[0]} is nullable and the query never looks for NULL: the partial index leaves those rows out")
        where = " AND ".join(where_parts) if where_parts else None
        if where and where != f"{_q(eq[0]) if eq else ''} IS NOT NULL":
            reasons.append(f"partial index WHERE {where}: a constant filter on a low-cardinality column keeps the index to the rows the query wants")
        include: list[str] = []
        if single and not analysed.star:
            key_columns = {IndexKey.parse(k).column for k in keys}
            missing = [c for t, c in analysed.selected if t == table_name and c not in key_columns and c not in include]
            missing = list(dict.fromkeys(missing))
            if missing and len(missing) <= CHEAP_INCLUDE and all(parse_type(table.columns[c].type).kind in FIXED_WIDTH for c in missing):
                include = missing
                reasons.append(f"INCLUDE ({', '.join(include)}): few fixed-width columns, so the query can be answered by an index-only scan")
        candidates.append(Candidate(table_name, keys, [], "btree", where, include, [qid], len(eq), extra, reasons))
    return candidates


def _name(candidate: Candidate, taken: set[str]) -> str:
    if candidate.columns:
        words = [IndexKey.parse(c).column.replace(" ", "_") for c in candidate.columns]
    else:
        import re

        words = [w for w in re.findall(r"[a-z_][a-z0-9_]*", " ".join(candidate.expressions).lower()) if w not in ("simple", "english")][-2:]
    base = f"{candidate.table}_{'_'.join(words)}"
    if candidate.where:
        base += "_partial"
    base += "_gin" if candidate.method == "gin" else "_idx"
    base = base[:63]
    name, number = base, 2
    while name in taken:
        name = f"{base[:60]}_{number}"
        number += 1
    taken.add(name)
    return name


def _write_cost(design: Design, candidate: Candidate, rows: dict[str, float | None]) -> dict[str, Any]:
    table = design.tables[candidate.table]
    horizon = design.growth.horizon_months if design.growth else 12
    total = rows.get(candidate.table)
    per_hour = (total / (horizon * 730)) if total else None
    columns = sorted({IndexKey.parse(k).column for k in candidate.columns} | set(candidate.include))
    size = index_bytes(table, candidate.as_index(), total) if total else None
    words = "one index entry per INSERT"
    if per_hour is not None:
        words += f" (~{per_hour:,.0f}/hour at projected growth)"
    words += " and per DELETE's cleanup"
    if columns:
        words += f"; an UPDATE of {', '.join(columns)} writes a new entry and is never HOT"
    if candidate.method == "gin":
        words += "; GIN batches inserts in its pending list (fastupdate), so writes are cheap but searches re-read the list until it is merged"
    if size:
        words += f"; ~{human_bytes(size)} at {horizon} months"
    return {"inserts_per_hour": per_hour, "bytes_at_horizon": size, "text": words}


def index_sql(candidate: Candidate, concurrently: bool = True) -> str:
    from ..dialects.postgres import quote_identifier

    keys = []
    for text in candidate.columns:
        key = IndexKey.parse(text)
        keys.append(quote_identifier(key.column) + (" DESC" if key.descending else ""))
    keys += [f"({e})" for e in candidate.expressions]
    sql = f"CREATE {'UNIQUE ' if candidate.unique else ''}INDEX {'CONCURRENTLY ' if concurrently else ''}IF NOT EXISTS {quote_identifier(candidate.name)} ON {quote_identifier(candidate.table)}"
    if candidate.method != "btree":
        sql += f" USING {candidate.method}"
    sql += f" ({', '.join(keys)})"
    if candidate.include:
        sql += f" INCLUDE ({', '.join(quote_identifier(c) for c in candidate.include)})"
    if candidate.where:
        sql += f" WHERE {candidate.where}"
    return sql + ";"


def _patch(proposals: list[Candidate]) -> str:
    tables: dict[str, list[dict[str, Any]]] = {}
    for candidate in proposals:
        entry: dict[str, Any] = {"name": candidate.name}
        if candidate.columns:
            entry["columns"] = candidate.columns
        if candidate.expressions:
            entry["expressions"] = candidate.expressions
        if candidate.method != "btree":
            entry["method"] = candidate.method
        if candidate.where:
            entry["where"] = candidate.where
        if candidate.include:
            entry["include"] = candidate.include
        entry["serves"] = candidate.serves
        tables.setdefault(candidate.table, []).append(entry)
    lines = ["tables:"]
    for table, entries in tables.items():
        lines += [f"  {table}:", "    indexes:"]
        for entry in entries:
            flow = yaml.safe_dump(entry, default_flow_style=True, sort_keys=False, width=10_000).strip()
            lines.append(f"      - {flow}")
    return "\n".join(lines) + "\n"


def advise(design: Design, analysed: list[AnalysedQuery] | None = None) -> dict[str, Any]:
    """Index advice for the design's workload (or the given analysed queries)."""
    analysed = analyse_workload(design, design.queries) if analysed is None else analysed
    rows = horizon_rows(design)
    existing = existing_indexes(design)
    skipped = [{"query": a.query.id, "problems": a.problems} for a in analysed if a.problems]
    raw: list[Candidate] = []
    for item in analysed:
        if not item.problems and item.kind == "select" or (not item.problems and item.predicates):
            raw.extend(_query_candidates(design, item))
    # strongest first: more keys, partial before plain, so prefixes fold into them
    raw.sort(key=lambda c: (-len(c.keys()), c.where is None, c.table))
    accepted: list[Candidate] = []
    served: list[dict[str, Any]] = []
    for candidate in raw:
        text = _describe(candidate)
        by = next((index for index in existing if covers(index, candidate)), None)
        if by is not None:
            served.append({"query": candidate.serves[0], "candidate": text, "served_by": by.label, "why": "an existing index already has these keys"})
            continue
        twin = next((other for other in accepted if covers(other, candidate)), None)
        if twin is not None:
            for qid in candidate.serves:
                if qid not in twin.serves:
                    twin.serves.append(qid)
            served.append({"query": candidate.serves[0], "candidate": text, "served_by": f"proposed {_describe(twin)}", "why": "prefix of (or the same keys as) another proposal"})
            continue
        if candidate.extra == "group" and candidate.where is None:
            prefix = Candidate(candidate.table, candidate.columns[: candidate.n_eq], n_eq=candidate.n_eq)
            narrow = rows.get(candidate.table) or 0.0
            for column in prefix.columns:
                narrow /= distinct_values(design, candidate.table, column, rows)
            holder = next((index for index in existing + accepted if covers(index, prefix)), None)
            if holder is not None and narrow <= NARROW_ROWS:
                if not holder.existing and candidate.serves[0] not in holder.serves:
                    holder.serves.append(candidate.serves[0])
                where = holder.label if holder.existing else f"proposed {_describe(holder)}"
                served.append({"query": candidate.serves[0], "candidate": text, "served_by": where,
                               "why": f"{', '.join(prefix.columns)} narrows to ~{narrow:,.0f} rows; grouping them needs no index of its own"})
                continue
        accepted.append(candidate)
    taken = {index.label for index in existing}
    for table in design.tables.values():
        taken.update(index.name for index in table.indexes if index.name)
    proposals = []
    for candidate in accepted:
        candidate.name = _name(candidate, taken)
        cost = _write_cost(design, candidate, rows)
        proposals.append({
            "name": candidate.name,
            "table": candidate.table,
            "columns": candidate.columns,
            "expressions": candidate.expressions,
            "method": candidate.method,
            "where": candidate.where,
            "include": candidate.include,
            "serves": candidate.serves,
            "reasons": candidate.reasons,
            "write_cost": cost,
            "sql": index_sql(candidate),
        })
    return {
        "proposals": proposals,
        "served": served,
        "skipped": skipped,
        "ddl": "\n".join(p["sql"] for p in proposals) + ("\n" if proposals else ""),
        "patch": _patch(accepted) if accepted else "",
        "candidates": accepted,
    }


def _describe(candidate: Candidate) -> str:
    keys = ", ".join(candidate.columns + candidate.expressions)
    text = f"{candidate.table} ({keys})"
    if candidate.method != "btree":
        text = f"{candidate.table} USING {candidate.method} ({keys})"
    if candidate.include:
        text += f" INCLUDE ({', '.join(candidate.include)})"
    if candidate.where:
        text += f" WHERE {candidate.where}"
    return text


def public(result: dict[str, Any]) -> dict[str, Any]:
    """The advice without internal objects (for JSON)."""
    return {key: value for key, value in result.items() if key != "candidates"}


def compare_with_design(design: Design) -> list[dict[str, Any]]:
    """Advise on a copy stripped to PK/unique/FK indexes and match each proposal to the design's
    own indexes: `same` (the design's index covers it and it covers the design's), `covered`
    (the design's index serves it), or `differs`."""
    result = advise(strip_to_pk_fk(design))
    existing = existing_indexes(design)
    rows = []
    for candidate in result["candidates"]:
        match = next((index for index in existing if covers(index, candidate)), None)
        if match is not None:
            reverse = Candidate(match.table, match.columns, match.expressions, match.method, match.where, n_eq=candidate.n_eq, extra=candidate.extra)
            status = "same" if covers(candidate, reverse) else "covered"
        else:
            status = "differs"
        rows.append({"proposal": _describe(candidate), "serves": candidate.serves, "design": match.label if match else None, "status": status})
    return rows
