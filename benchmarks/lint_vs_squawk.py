"""lint-migration vs Squawk on Matrix Synapse's real PostgreSQL schema deltas, side by side.

    PYTHONPATH=src python benchmarks/lint_vs_squawk.py [--synapse GIT_DIR] [--from 73] [--to 83]

The deltas (synapse/storage/schema/main/delta/NN/*.sql and *.sql.postgres, NN in the range) are
read from a Synapse git checkout (default: the mirror fetched at /work/.mirror/element-hq+synapse/repo)
into a temporary folder, in Synapse's order (version, then name). Squawk (`squawk --reporter json`,
PyPI squawk-cli) lints every file; schemasmith lints the same files replayed in order on a scratch
copy of Synapse's full schema v72 (main + common, full.sql.postgres). Synapse's files carry no
table sizes, so both sides see every existing table as of unknown size.

Every Squawk finding is matched to ours on the same statement (by the Squawk rule's counterpart);
what stays unmatched is classified: Squawk's false alarm (with the reason, from what the replay
knew: the table was created earlier in the same file, the rule is a style or policy rule, …) or
our false negative. Our findings Squawk has no counterpart for are listed too. Prints Markdown.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

DEFAULT_SYNAPSE = Path("/work/.mirror/element-hq+synapse/repo")
SQUAWK = Path(sys.executable).parent / "squawk"

#: Squawk rule → the schemasmith rules that report the same hazard on the same statement.
COUNTERPART = {
    "require-concurrent-index-creation": {"SM101"},
    "require-concurrent-index-deletion": {"SM102"},
    "adding-foreign-key-constraint": {"SM103"},
    "constraint-missing-not-valid": {"SM103"},
    "adding-not-nullable-field": {"SM105", "SM107"},
    "adding-field-with-default": {"SM106"},
    "changing-column-type": {"SM106"},
    "disallowed-unique-constraint": {"SM104"},
    "adding-serial-primary-key-field": {"SM104", "SM106"},
    "ban-drop-table": {"SM108"},
    "ban-drop-column": {"SM108"},
    "ban-truncate-cascade": {"SM108"},
    "renaming-column": {"SM109"},
    "renaming-table": {"SM109"},
    "ban-drop-constraint": {"SM109"},
    "require-lock-timeout": {"SM111"},
    "ban-drop-function": {"SM109"},
    "ban-concurrent-index-creation-in-transaction": {"SM110"},
}
#: Squawk rules about style or the team's policy, not about what a statement does to a live table.
POLICY = {
    "prefer-robust-stmts": "policy: asks for IF [NOT] EXISTS so a half-run migration can be rerun; no lock, rewrite or loss",
    "require-statement-timeout": "policy: asks for statement_timeout before every statement; not a hazard of the statement",
    "prefer-bigint-over-int": "design style (a schema review question, `schemasmith review`), not a migration hazard",
    "prefer-bigint-over-smallint": "design style, not a migration hazard",
    "ban-char-field": "design style (char(n) pads), not a migration hazard",
    "prefer-text-field": "design style, not a migration hazard",
    "prefer-timestamptz": "design style, not a migration hazard",
    "prefer-identity": "design style, not a migration hazard",
}
#: Rules that are about a file, not a statement: matched when ours fired anywhere in the file.
PER_FILE = {"SM111"}


def extract(synapse: Path, first: int, last: int, folder: Path) -> list[Path]:
    listing = subprocess.run(["git", "--git-dir", str(synapse), "ls-tree", "-r", "--name-only", "HEAD", "synapse/storage/schema/main/delta/"],
                             capture_output=True, text=True, check=True).stdout.split()
    chosen = []
    for name in listing:
        parts = name.split("/")
        if len(parts) != 7 or not parts[5].isdigit() or not first <= int(parts[5]) <= last:
            continue
        if not (name.endswith(".sql") or name.endswith(".sql.postgres")):
            continue
        chosen.append((int(parts[5]), parts[6], name))
    files = []
    for version, base, name in sorted(chosen):
        text = subprocess.run(["git", "--git-dir", str(synapse), "show", f"HEAD:{name}"], capture_output=True, text=True, check=True).stdout
        target = folder / f"{version:02d}_{base.removesuffix('.postgres').removesuffix('.sql')}{'.postgres' if base.endswith('.postgres') else ''}.sql"
        target.write_text(text, encoding="utf-8")
        files.append(target)
    return files


def full_schema(synapse: Path, folder: Path) -> Path:
    texts = []
    for name in ("synapse/storage/schema/common/full_schemas/72/full.sql.postgres", "synapse/storage/schema/main/full_schemas/72/full.sql.postgres"):
        texts.append(subprocess.run(["git", "--git-dir", str(synapse), "show", f"HEAD:{name}"], capture_output=True, text=True, check=True).stdout)
    path = folder / "synapse_full_72.sql"
    path.write_text("\n".join(texts), encoding="utf-8")
    return path


def run_squawk(files: list[Path]) -> tuple[list[dict], float]:
    started = time.perf_counter()
    result = subprocess.run([str(SQUAWK), "--reporter", "json", *map(str, files)], capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    return json.loads(result.stdout or "[]"), elapsed


def statement_at(statements, line: int):
    """Our statement that holds `line` (1-based), or None."""
    for statement in statements:
        first = statement.line
        last = first + statement.sql.count("\n")
        if first <= line <= last:
            return statement
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synapse", type=Path, default=DEFAULT_SYNAPSE, help="Synapse git directory")
    parser.add_argument("--from", dest="first", type=int, default=73)
    parser.add_argument("--to", dest="last", type=int, default=83)
    options = parser.parse_args()
    from schemasmith.lint.engine import lint

    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        deltas = folder / "deltas"
        deltas.mkdir()
        files = extract(options.synapse, options.first, options.last, deltas)
        schema = full_schema(options.synapse, folder)
        squawk, squawk_seconds = run_squawk(files)
        from schemasmith.db.embedded import default_server_url

        started = time.perf_counter()
        default_server_url()  # start the embedded PostgreSQL first: a CI job pays it once, not per file
        server_seconds = time.perf_counter() - started
        started = time.perf_counter()
        ours = lint([str(path) for path in files], schema=str(schema))
        our_seconds = time.perf_counter() - started
        from schemasmith.lint.scratch import baseline

        started = time.perf_counter()
        with baseline(str(schema), None):
            pass  # the same scratch copy again, the server already running: what the schema costs
        build_seconds = time.perf_counter() - started
        text_only_started = time.perf_counter()
        text_only = lint([str(path) for path in files])
        text_only_seconds = time.perf_counter() - text_only_started
        report(files, squawk, ours, text_only, squawk_seconds, our_seconds, text_only_seconds, options)
        print(f"\nTimings: starting the embedded PostgreSQL {server_seconds:.2f} s (not in the figures above); building the scratch copy of the v72 schema alone {build_seconds:.2f} s, so the replay and the rules take "
              f"{our_seconds - build_seconds:.2f} s for {sum(len(m.statements) for m in ours.files)} statements; Squawk {squawk_seconds:.2f} s; "
              f"schemasmith text-only {text_only_seconds:.2f} s ({text_only_seconds / squawk_seconds:.1f}× Squawk).")
    return 0


def report(files, squawk, ours, text_only, squawk_seconds, our_seconds, text_only_seconds, options) -> None:
    by_file = {Path(migration.path).name: migration for migration in ours.files}
    observed = {}
    for observation in ours.observations:
        observed.setdefault((Path(observation.statement.file).name, observation.statement.line), []).append(observation)
    our_by_statement: dict[tuple[str, int], set[str]] = {}
    our_files: dict[str, set[str]] = {}
    for finding in ours.findings:
        our_by_statement.setdefault((Path(finding.file).name, finding.line), set()).add(finding.code)
        our_files.setdefault(Path(finding.file).name, set()).add(finding.code)
    squawk_files = {Path(item["file"]).name for item in squawk}
    print(f"## lint-migration vs Squawk on Matrix Synapse's deltas v{options.first}–v{options.last}\n")
    print(f"{len(files)} files. {subprocess.run([str(SQUAWK), '--version'], capture_output=True, text=True).stdout.strip()}: "
          f"{len(squawk)} findings in {len(squawk_files)} files, {squawk_seconds:.2f} s. "
          f"schemasmith with the v72 schema replayed: {len(ours.findings)} findings in {len({Path(f.file).name for f in ours.findings})} files, {our_seconds:.2f} s "
          f"(including building the scratch copy of the schema); text only (no schema): {len(text_only.findings)} findings, {text_only_seconds:.2f} s.\n")
    print("Squawk by rule: " + ", ".join(f"{rule} {count}" for rule, count in Counter(item["rule_name"] for item in squawk).most_common()) + "\n")
    print("schemasmith by rule: " + ", ".join(f"{code} {count}" for code, count in sorted(Counter(f.code for f in ours.findings).items())) + "\n")
    matched = 0
    classes: Counter = Counter()
    rows = []
    explained_ours: set[tuple[str, int, str]] = set()
    for item in squawk:
        name = Path(item["file"]).name
        rule = item["rule_name"]
        statement = statement_at(by_file[name].statements, item["line"] + 1) if name in by_file else None
        line = statement.line if statement else item["line"] + 1
        wanted = COUNTERPART.get(rule, set())
        hit = wanted & (our_files.get(name, set()) if wanted & PER_FILE else our_by_statement.get((name, line), set()))
        if hit:
            matched += 1
            for code in hit:
                explained_ours.add((name, line, code))
            continue
        verdict = classify(rule, observed.get((name, line), []), statement)
        classes[verdict.split(":")[0]] += 1
        rows.append((name, line, rule, verdict))
    print(f"Matched (the same hazard on the same statement): {matched} of {len(squawk)}.\n")
    print("Unmatched Squawk findings by class: " + ", ".join(f"{key} {count}" for key, count in classes.most_common()) + "\n")
    print("| file | line | Squawk rule | classification |\n| --- | --- | --- | --- |")
    for name, line, rule, verdict in rows:
        print(f"| {name} | {line} | {rule} | {verdict} |")
    extra = [f for f in ours.findings if (Path(f.file).name, f.line, f.code) not in explained_ours]
    print(f"\nschemasmith findings Squawk has no counterpart for: {len(extra)}\n")
    print("| file | line | rule | severity | finding |\n| --- | --- | --- | --- | --- |")
    for finding in extra:
        print(f"| {Path(finding.file).name} | {finding.line} | {finding.code} | {finding.severity} | {finding.message} |")


def classify(rule: str, observations, statement) -> str:
    if rule in POLICY:
        return "Squawk false alarm: " + POLICY[rule]
    if rule == "ban-drop-function" and any(observation.new_table for observation in observations):
        return "Squawk false alarm: an earlier file of this run created the function (a migration's own helper; its trigger is dropped just before)"
    if any(observation.new_table for observation in observations):
        return "Squawk false alarm: the table is created earlier in the same file, nobody else can be waiting for it"
    if rule == "ban-drop-constraint":
        kinds = {observation.action.kind for observation in observations}
        if kinds & {"drop_check", "drop_foreign_key", "drop_exclusion"}:
            kinds = sorted(kind.removeprefix("drop_").replace("_", " ") for kind in kinds)
            return f"Squawk false alarm: dropping a {'/'.join(kinds)} constraint is catalog only; it loses no data and breaks no running code"
    if rule == "require-lock-timeout" and not any(observation.fact.lock == "ACCESS EXCLUSIVE" for observation in observations):
        locks = sorted({observation.fact.lock for observation in observations}) or ["none"]
        if not any(lock in ("SHARE", "SHARE ROW EXCLUSIVE", "EXCLUSIVE") for lock in locks):
            what = type(statement.node).__name__ if statement is not None else "statement"
            return f"Squawk false alarm: a {what} takes no lock that blocks reads or writes of an existing table"
    if rule == "adding-foreign-key-constraint" and any(observation.action.detail.get("new_column") for observation in observations):
        return "our false negative? a REFERENCES on a column added in the same statement: the column is all NULL, the check is instant, but the SHARE ROW EXCLUSIVE on the referenced table is still taken"
    if any(observation.action.kind in ("add_foreign_key_not_valid",) for observation in observations):
        return "Squawk false alarm: the constraint is already NOT VALID"
    if observations and all(observation.failed for observation in observations):
        return f"not comparable: the statement did not run on the v72 schema ({observations[0].failed})"
    return "our false negative"


if __name__ == "__main__":
    sys.exit(main())
