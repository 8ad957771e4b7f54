"""The EXPLAIN reader: read a PostgreSQL plan (text or JSON, with or without ANALYZE) and say what
is wrong with it, why, and what to do.

Both formats become the same tree of plain dicts keyed like PostgreSQL's JSON format ("Node Type",
"Actual Rows", "Sort Space Type", …), so every check is written once. Findings that need measured
figures (rows removed, spills, lossy blocks, batches) are only reported from ANALYZE plans: the
reader never guesses what was not measured.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from ..errors import SchemasmithError

# Thresholds; named so the rules' documentation and the code agree.
LARGE_SCAN_ROWS = 10_000  # a sequential scan that discards at least this many rows is "large"
SELECTIVE_SHARE = 0.10  # … and keeps less than this share of what it read is "selective"
NESTED_LOOP_LOOPS = 1_000  # inner side executed at least this often
MISESTIMATE_FACTOR = 10.0  # actual vs planned rows
MISESTIMATE_MIN_ROWS = 100  # ignore misestimates where both sides are tiny


class PlanError(SchemasmithError):
    """A PLAN input that is not an EXPLAIN output."""


@dataclass
class PlanFinding:
    code: str
    name: str
    severity: str
    node: str  # "Seq Scan on tasks", with its path in the tree
    message: str
    reason: str
    fix: str
    figures: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Plan:
    root: dict[str, Any]
    analyzed: bool
    planning_ms: float | None = None
    execution_ms: float | None = None
    source_format: str = "json"

    def nodes(self):
        """Every node with its parent, depth first."""
        stack = [(self.root, None)]
        while stack:
            node, parent = stack.pop()
            yield node, parent
            for child in reversed(node.get("Plans", [])):
                stack.append((child, node))


# ---------------------------------------------------------------------------------------------
# reading


def read_plan(text: str) -> Plan:
    """Parse EXPLAIN output in JSON or text format (psql decorations tolerated)."""
    stripped = text.strip()
    if not stripped:
        raise PlanError("the plan is empty")
    cleaned = _strip_psql(stripped)
    if cleaned.lstrip().startswith(("[", "{")):
        try:
            data = json.loads(cleaned)
        except json.JSONDecodeError as error:
            raise PlanError(f"the plan looks like JSON but does not parse: line {error.lineno}: {error.msg}") from None
        return _from_json(data)
    if not re.search(r"\((?:cost=|actual |never executed)|^\s*->", cleaned, re.MULTILINE):
        raise PlanError("no plan node found; expected EXPLAIN output in text or JSON format")
    return _from_text(cleaned)


def _strip_psql(text: str) -> str:
    lines = text.splitlines()
    out = []
    for line in lines:
        if re.match(r"^\s*QUERY PLAN\s*$", line) or re.match(r"^\s*-{3,}\s*$", line) or re.match(r"^\s*\(\d+ rows?\)\s*$", line):
            continue
        if line.endswith("+"):
            line = line[:-1].rstrip()
        out.append(line)
    # psql's aligned format indents every line by one space
    if out and all(not line or line.startswith(" ") for line in out):
        out = [line[1:] for line in out]
    return "\n".join(out)


def _from_json(data: Any) -> Plan:
    if isinstance(data, list):
        if not data:
            raise PlanError("the JSON plan is an empty list")
        data = data[0]
    if not isinstance(data, dict) or "Plan" not in data or not isinstance(data["Plan"], dict):
        raise PlanError('a JSON plan is EXPLAIN (FORMAT JSON) output: [{"Plan": {…}}]')
    root = data["Plan"]
    analyzed = any("Actual Loops" in node for node in _walk(root))
    return Plan(root, analyzed, data.get("Planning Time"), data.get("Execution Time"), "json")


def _walk(node):
    yield node
    for child in node.get("Plans", []):
        yield from _walk(child)


_NODE = re.compile(
    r"^(?P<indent>\s*)(?:->\s+)?(?P<label>.+?)"
    r"(?:\s+\(cost=(?P<startup>[\d.]+)\.\.(?P<total>[\d.]+) rows=(?P<rows>[\d.]+) width=(?P<width>\d+)\))?"
    r"(?:\s+\((?:actual (?:time=(?P<t1>[\d.]+)\.\.(?P<t2>[\d.]+) )?rows=(?P<arows>[\d.]+) loops=(?P<loops>\d+)|(?P<never>never executed))\))?\s*$"
)
_JOIN = re.compile(r"^(?P<kind>Hash|Merge) (?:(?P<type>Left|Right|Full|Semi|Anti|Right Semi|Right Anti) )?Join$")
_LOOP = re.compile(r"^Nested Loop(?: (?P<type>Left|Semi|Anti|Right|Full) Join)?$")
_SCAN = re.compile(
    r"^(?P<type>Seq Scan|Index Scan|Index Scan Backward|Index Only Scan|Index Only Scan Backward|Bitmap Heap Scan|Bitmap Index Scan|Tid Scan|Tid Range Scan|Sample Scan|Subquery Scan|Function Scan|CTE Scan|Values Scan|Foreign Scan)"
    r"(?: using (?P<index>\S+))?(?: on (?P<rel>\S+)(?: (?P<alias>\S+))?)?$"
)


def _label(label: str) -> dict[str, Any]:
    node: dict[str, Any] = {}
    if label.startswith("Parallel "):
        node["Parallel Aware"] = True
        label = label[len("Parallel "):]
    if match := _JOIN.match(label):
        node["Node Type"] = f"{match['kind']} Join"
        node["Join Type"] = match["type"] or "Inner"
        return node
    if match := _LOOP.match(label):
        node["Node Type"] = "Nested Loop"
        node["Join Type"] = match["type"] or "Inner"
        return node
    if match := _SCAN.match(label):
        kind = match["type"]
        if kind.endswith(" Backward"):
            kind = kind[: -len(" Backward")]
            node["Scan Direction"] = "Backward"
        node["Node Type"] = kind
        if kind == "Bitmap Index Scan":
            node["Index Name"] = match["rel"]
            return node
        if match["index"]:
            node["Index Name"] = match["index"]
        if match["rel"]:
            node["Relation Name"] = match["rel"]
            node["Alias"] = match["alias"] or match["rel"]
        return node
    node["Node Type"] = label
    return node


def _number(text: str) -> float | int:
    value = float(text)
    return int(value) if value.is_integer() else value


def _kb(text: str) -> int:
    match = re.match(r"(\d+)\s*kB", text)
    return int(match[1]) if match else 0


def _detail(node: dict[str, Any], key: str, value: str) -> None:
    if key.startswith("Worker ") and ":" in value:  # "Worker 0:  Sort Method: external merge  Disk: 1kB"
        inner_key, _, inner_value = value.partition(":")
        _detail(node.setdefault("Workers", {}).setdefault(key, {}), inner_key.strip(), inner_value.strip())
        return
    if key == "Sort Method":
        parts = re.split(r"\s{2,}", value)
        node["Sort Method"] = parts[0]
        for part in parts[1:]:
            space, _, amount = part.partition(":")
            node["Sort Space Type"] = space.strip()
            node["Sort Space Used"] = _kb(amount.strip())
    elif key == "Buckets":
        match = re.search(r"Batches: (\d+)(?: \(originally (\d+)\))?", "Buckets: " + value)
        if match:
            node["Hash Batches"] = int(match[1])
            node["Original Hash Batches"] = int(match[2] or match[1])
        memory = re.search(r"Memory Usage: (\d+)kB", value)
        if memory:
            node["Peak Memory Usage"] = int(memory[1])
    elif key == "Heap Blocks":
        for name, amount in re.findall(r"(exact|lossy)=(\d+)", value):
            node[f"{name.title()} Heap Blocks"] = int(amount)
    elif key.startswith("Rows Removed by"):
        node[key] = _number(value)
    elif key == "Buffers":
        for scope, part in re.findall(r"(shared|local|temp) ([^,]+)", value):
            for name, amount in re.findall(r"(hit|read|dirtied|written)=(\d+)", part):
                node[f"{scope.title()} {name.title()} Blocks"] = int(amount)
    elif key in ("Disk Usage", "Peak Memory Usage"):
        node[key] = _kb(value)
    elif key in ("Batches", "HashAgg Batches"):
        node["HashAgg Batches"] = int(value.split()[0])
    else:
        node[key] = value


def _from_text(text: str) -> Plan:
    root: dict[str, Any] | None = None
    stack: list[tuple[int, dict[str, Any]]] = []  # (indent, node)
    planning = execution = None
    current: dict[str, Any] | None = None
    for line in text.splitlines():
        if not line.strip():
            continue
        body = line.strip()
        timing = re.match(r"^(Planning|Execution) [Tt]ime: ([\d.]+) ms$", body)
        if timing:
            if timing[1] == "Planning":
                planning = float(timing[2])
            else:
                execution = float(timing[2])
            continue
        if body.startswith(("Planning:", "JIT:", "Settings:", "Query Identifier:", "Serialization:")) or (
            current is None and root is not None and ":" in body
        ):
            current = None  # summary sections: not part of any node
            continue
        is_child = body.startswith("->")
        if root is None or is_child:
            match = _NODE.match(line)
            if not match:
                raise PlanError(f"line {line!r} is not a plan node")
            node = _label(match["label"].strip())
            if match["rows"] is not None:
                node["Startup Cost"] = float(match["startup"])
                node["Total Cost"] = float(match["total"])
                node["Plan Rows"] = _number(match["rows"])
                node["Plan Width"] = int(match["width"])
            if match["arows"] is not None:
                node["Actual Rows"] = _number(match["arows"])
                node["Actual Loops"] = int(match["loops"])
                if match["t2"] is not None:
                    node["Actual Startup Time"] = float(match["t1"])
                    node["Actual Total Time"] = float(match["t2"])
            elif match["never"]:
                node["Actual Rows"] = 0
                node["Actual Loops"] = 0
            indent = line.index("->") if is_child else len(match["indent"])
            if root is None:
                root = node
            else:
                while stack and stack[-1][0] >= indent:
                    stack.pop()
                if not stack:
                    raise PlanError(f"line {line!r}: a plan node without a parent")
                stack[-1][1].setdefault("Plans", []).append(node)
            stack.append((indent, node))
            current = node
            continue
        if current is None:
            continue
        key, sep, value = body.partition(":")
        if not sep:
            continue
        _detail(current, key.strip(), value.strip())
    if root is None:
        raise PlanError("no plan node found; expected EXPLAIN output in text or JSON format")
    analyzed = any("Actual Loops" in node for node in _walk(root))
    return Plan(root, analyzed, planning, execution, "text")


# ---------------------------------------------------------------------------------------------
# describing


def describe(node: dict[str, Any]) -> str:
    kind = node.get("Node Type", "?")
    if node.get("Parallel Aware"):
        kind = "Parallel " + kind
    if node.get("Join Type") not in (None, "Inner") and "Join" in kind or (kind == "Nested Loop" and node.get("Join Type") not in (None, "Inner")):
        kind += f" ({node['Join Type']})"
    if node.get("Index Name") and node.get("Relation Name"):
        return f"{kind} using {node['Index Name']} on {node['Relation Name']}"
    if node.get("Relation Name"):
        return f"{kind} on {node['Relation Name']}"
    if node.get("Index Name"):
        return f"{kind} on {node['Index Name']}"
    return kind


def _total_rows(node: dict[str, Any]) -> float:
    return float(node.get("Actual Rows", 0)) * max(int(node.get("Actual Loops", 1)), 1)


def _loops(node: dict[str, Any]) -> int:
    return int(node.get("Actual Loops", 1))


def _columns_of(expression: str | None) -> list[str]:
    """Column names in a plan's condition text, `((status <> 'done'::task_status) AND …)`."""
    if not expression:
        return []
    try:
        import pglast
        from pglast.visitors import Visitor

        tree = pglast.parse_sql(f"SELECT 1 WHERE {expression}")
    except Exception:  # noqa: BLE001 - plan text is not always valid SQL; fall back to nothing
        return []
    names: list[str] = []

    class Columns(Visitor):
        def visit_ColumnRef(self, ancestors, node):
            parts = [getattr(f, "sval", None) for f in node.fields]
            if parts and parts[-1] and parts[-1] not in names:
                names.append(parts[-1])

    Columns()(tree)
    return names


def _workers_disk(node: dict[str, Any]) -> int:
    used = 0
    for worker in node.get("Workers", {}).values() if isinstance(node.get("Workers"), dict) else node.get("Workers", []):
        if worker.get("Sort Space Type") == "Disk":
            used = max(used, int(worker.get("Sort Space Used", 0)))
    return used


def analyse(plan: Plan) -> list[PlanFinding]:
    """The findings, worst first within the order of the plan's nodes."""
    findings: list[PlanFinding] = []
    for node, _parent in plan.nodes():
        name = describe(node)
        measured = "Actual Loops" in node and _loops(node) > 0
        for check in _NODE_CHECKS:
            finding = check(node, name, measured)
            if finding is not None:
                findings.append(finding)
    return findings


def _seq_scan_selective_filter(node: dict[str, Any], name: str, measured: bool) -> PlanFinding | None:
    """A sequential scan that read many rows to keep a small share of them (ANALYZE only)."""
    if not (node.get("Node Type") == "Seq Scan" and node.get("Filter") and measured):
        return None
    removed = float(node.get("Rows Removed by Filter", 0)) * _loops(node)
    kept = _total_rows(node)
    read = removed + kept
    if removed >= LARGE_SCAN_ROWS and kept < SELECTIVE_SHARE * read:
        relation = node.get("Relation Name", "the table")
        columns = _columns_of(node.get("Filter"))
        key = ", ".join(columns) or "<the filtered columns>"
        return PlanFinding(
            "EX001", "seq-scan-selective-filter", "warning", name,
            f"sequential scan of {relation} read {read:,.0f} rows to keep {kept:,.0f} ({kept / read:.1%})",
            f"the filter {node['Filter']} keeps a small share of the table, yet every row was read; the cost grows with the table, not with the answer",
            f"CREATE INDEX CONCURRENTLY ON {relation} ({key}); equality columns first, a range column last; "
            "for a constant filter on a low-cardinality column (status <> 'done') make it a partial index (WHERE …)",
            {"rows_read": read, "rows_kept": kept, "filter": node["Filter"], "columns": columns},
        )
    return None


def _sort_spills_to_disk(node: dict[str, Any], name: str, measured: bool) -> PlanFinding | None:
    """A sort, of the node or of one of its workers, that wrote to disk."""
    if node.get("Node Type") not in ("Sort", "Incremental Sort"):
        return None
    disk = int(node.get("Sort Space Used", 0)) if node.get("Sort Space Type") == "Disk" else 0
    disk = max(disk, _workers_disk(node))
    if disk:
        suggested = _next_work_mem(disk)
        sort_key = ", ".join(node.get("Sort Key", [])) if isinstance(node.get("Sort Key"), list) else node.get("Sort Key", "")
        return PlanFinding(
            "EX002", "sort-spills-to-disk", "warning", name,
            f"the sort ({node.get('Sort Method', 'external')}) wrote {disk:,} kB to disk",
            "work_mem is smaller than the rows to sort, so PostgreSQL sorts in temporary files: many times slower than in memory",
            f"SET LOCAL work_mem = '{suggested}' for this query (not globally: each sort and hash may take that much), "
            f"or an index whose key order matches the sort ({sort_key}) so no sort is needed, or a LIMIT",
            {"disk_kb": disk, "sort_key": sort_key, "suggested_work_mem": suggested},
        )
    return None


def _nested_loop_many_rows(node: dict[str, Any], name: str, measured: bool) -> PlanFinding | None:
    """A nested loop whose inner side ran thousands of times without an index lookup, or discarded many pairs."""
    if not (node.get("Node Type") == "Nested Loop" and measured and len(node.get("Plans", [])) == 2):
        return None
    outer, inner = node["Plans"]
    inner_loops = _loops(inner)
    inner_type = inner.get("Node Type", "")
    removed = float(node.get("Rows Removed by Join Filter", 0)) * _loops(node)
    indexed = inner_type in ("Index Scan", "Index Only Scan", "Bitmap Heap Scan", "Memoize")
    if inner_loops >= NESTED_LOOP_LOOPS and (not indexed or removed >= 100_000 or inner_loops >= 100_000):
        planned_outer = outer.get("Plan Rows")
        estimate = ""
        if planned_outer is not None and _total_rows(outer) > MISESTIMATE_FACTOR * max(float(planned_outer), 1):
            estimate = f"; the planner expected {planned_outer:,} outer rows, so the loop looked cheap"
        return PlanFinding(
            "EX003", "nested-loop-many-rows", "warning", name,
            f"nested loop ran its inner side ({describe(inner)}) {inner_loops:,} times for {_total_rows(outer):,.0f} outer rows{estimate}",
            "a nested loop is right for a few outer rows; for thousands, each inner execution repeats the same work"
            + (f" and {removed:,.0f} row pairs were discarded by the join filter" if removed else ""),
            "index the inner table's join column so each loop is an index lookup, or fix the row estimate (ANALYZE, CREATE STATISTICS) "
            "so the planner picks a hash or merge join; check the join condition is an equality the planner can hash",
            {"inner_loops": inner_loops, "outer_rows": _total_rows(outer), "join_filter_removed": removed},
        )
    return None


def _row_misestimate(node: dict[str, Any], name: str, measured: bool) -> PlanFinding | None:
    """Actual rows far from the planned rows: the planner's later choices rest on that estimate."""
    if not (measured and "Plan Rows" in node):
        return None
    actual = float(node.get("Actual Rows", 0))
    planned = float(node["Plan Rows"])
    high, low = max(actual, planned), max(min(actual, planned), 1.0)
    if high >= MISESTIMATE_MIN_ROWS and high / low > MISESTIMATE_FACTOR:
        direction = "under" if actual > planned else "over"
        condition = node.get("Filter") or node.get("Index Cond") or node.get("Recheck Cond") or node.get("Hash Cond") or node.get("Join Filter")
        columns = _columns_of(condition)
        fix = f"ANALYZE {node['Relation Name']}" if node.get("Relation Name") else "ANALYZE the tables below this node"
        fix += " (statistics may be stale: autovacuum has not analysed since the data changed)"
        if len(columns) >= 2 and node.get("Relation Name"):
            fix += f"; if the columns are correlated, CREATE STATISTICS ON {', '.join(columns)} FROM {node['Relation Name']}; then ANALYZE"
        else:
            fix += "; for skewed columns raise the statistics target (ALTER TABLE … ALTER COLUMN … SET STATISTICS 1000)"
        return PlanFinding(
            "EX004", "row-misestimate", "warning" if high / low > 100 else "info", name,
            f"planned {planned:,.0f} rows, got {actual:,.0f} per loop ({direction}estimated {high / low:,.0f}×)",
            "the planner chose join methods, join order and memory from the estimate; an estimate this far off makes those choices guesses",
            fix,
            {"planned": planned, "actual": actual, "factor": round(high / low, 1), "condition": condition},
        )
    return None


def _lossy_bitmap_heap_scan(node: dict[str, Any], name: str, measured: bool) -> PlanFinding | None:
    """A bitmap heap scan whose bitmap did not fit in work_mem and went lossy."""
    if not (node.get("Node Type") == "Bitmap Heap Scan" and int(node.get("Lossy Heap Blocks", 0)) > 0):
        return None
    lossy = int(node["Lossy Heap Blocks"])
    exact = int(node.get("Exact Heap Blocks", 0))
    return PlanFinding(
        "EX005", "lossy-bitmap-heap-scan", "warning", name,
        f"the bitmap went lossy for {lossy:,} of {lossy + exact:,} heap blocks"
        + (f"; the recheck removed {node['Rows Removed by Index Recheck']:,} rows" if node.get("Rows Removed by Index Recheck") else ""),
        "the bitmap did not fit in work_mem, so it remembers whole pages instead of rows and every row of those pages is re-checked",
        "raise work_mem for this query (SET LOCAL work_mem), or make the condition more selective / use an index that returns fewer rows",
        {"lossy_blocks": lossy, "exact_blocks": exact},
    )


def _hash_batches(node: dict[str, Any], name: str, measured: bool) -> PlanFinding | None:
    """A hash that did not fit in memory and was split into batches."""
    if not (node.get("Node Type") == "Hash" and int(node.get("Hash Batches", 1)) > 1):
        return None
    batches = int(node["Hash Batches"])
    original = int(node.get("Original Hash Batches", batches))
    grew = f" (planned {original})" if original != batches else ""
    return PlanFinding(
        "EX006", "hash-batches", "warning", name,
        f"the hash table was split into {batches} batches{grew}",
        "the hashed side did not fit in work_mem × hash_mem_multiplier, so both sides are written to temporary files and read back per batch"
        + ("; the planner under-estimated the hashed rows" if original < batches else ""),
        "SET LOCAL work_mem (or hash_mem_multiplier) high enough for the hashed side, hash the smaller input "
        "(fix estimates with ANALYZE), or filter earlier so fewer rows are hashed",
        {"batches": batches, "original_batches": original, "memory_kb": node.get("Peak Memory Usage")},
    )


#: The checks of one node, in the order their findings are listed.
_NODE_CHECKS = (
    _seq_scan_selective_filter, _sort_spills_to_disk, _nested_loop_many_rows, _row_misestimate, _lossy_bitmap_heap_scan, _hash_batches,
)


def _next_work_mem(disk_kb: int) -> str:
    needed = disk_kb * 3  # in-memory sorts need more than the compact on-disk runs
    megabytes = 4
    while megabytes * 1024 < needed:
        megabytes *= 2
    return f"{megabytes}MB"


def explain_report(text: str) -> dict[str, Any]:
    plan = read_plan(text)
    findings = analyse(plan)
    return {
        "format": plan.source_format,
        "analyzed": plan.analyzed,
        "planning_ms": plan.planning_ms,
        "execution_ms": plan.execution_ms,
        "root": describe(plan.root),
        "findings": [finding.to_dict() for finding in findings],
    }
