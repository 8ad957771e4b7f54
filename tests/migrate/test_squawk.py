"""Squawk (the PostgreSQL migration linter) as an outside referee of the safety report and the safe plan.

1. On the direct (unsafe) SQL, everything Squawk flags must be flagged by our report too: the
   operation the statement belongs to has a finding with severity medium or more, data loss,
   a backward incompatibility or a safe alternative. Rules about schema *design* rather than
   migration safety, and the few places where we disagree with Squawk on the facts, are listed
   below with the reason — an explicit list, so a new disagreement fails the test.
2. On the safe plan, Squawk's lock rules must not fire; what it still says about compatibility
   (dropping, renaming) must sit in a step the application was told to prepare for, or be one of
   the accepted cases listed with its reason.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from migrate_helpers import DESIGNS, EXAMPLES

from schemasmith.migrate import run_diff
from schemasmith.migrate.files import read_directives, steps_in

SQUAWK = shutil.which("squawk") or str(Path(sys.executable).parent / "squawk")
pytestmark = pytest.mark.skipif(not Path(SQUAWK).exists(), reason="squawk-cli is not installed (pip install squawk-cli)")

SHOP = DESIGNS / "shop.yaml"
CASES = ["rename_column", "change_type", "not_null", "enum_add", "enum_rename", "enum_remove", "split", "rename_table", "constraints"]

#: Squawk rules about the schema's design, not the migration's safety: the review rules own these.
DESIGN_RULES = {
    "prefer-bigint-over-int": "integer width is a design choice (review rules), not a migration risk",
    "prefer-bigint-over-smallint": "integer width is a design choice (review rules), not a migration risk",
    "prefer-text-field": "varchar(n) in the design is deliberate (the length is a constraint the design states)",
    "prefer-timestamptz": "a design choice the review rules check",
    "prefer-identity": "a design choice the review rules check",
    "ban-char-field": "a design choice the review rules check",
}
#: (rule, our operation kind): where we state other facts than Squawk, and why.
DISAGREE = {
    ("changing-column-type", "alter_column_type_coercible"): (
        "binary-coercible change (longer varchar, numeric with more precision): PostgreSQL changes the catalog only, no"
        " rewrite and no scan; we report the brief ACCESS EXCLUSIVE lock"
    ),
    ("prefer-text-field", "alter_column_type_coercible"): "same: widening a varchar is catalog-only (we report the brief lock)",
    ("renaming-object", "rename_index"): "index names are not used by application queries; renamed to keep conventional names",
    ("renaming-object", "rename_constraint"): "constraint names are not used by application queries; renamed to keep conventional names",
    ("ban-drop-constraint", "drop_check"): "removing a CHECK only admits more rows; no running code breaks",
}
#: Squawk's rules about locks: the safe plan must not trip them (outside the accepted cases).
LOCK_RULES = {
    "require-concurrent-index-creation",
    "require-concurrent-index-deletion",
    "constraint-missing-not-valid",
    "adding-foreign-key-constraint",
    "disallowed-unique-constraint",
    "adding-not-nullable-field",
    "adding-required-field",
    "adding-field-with-default",
    "changing-column-type",
    "require-timeout-settings",
    "require-lock-timeout",
    "require-statement-timeout",
    "ban-concurrent-index-creation-in-transaction",
    "adding-serial-primary-key-field",
    "prefer-robust-stmts",
}
#: (rule, our operation kind) Squawk reports on the safe plan that we accept, and why.
SAFE_ACCEPTED = {
    ("ban-drop-constraint", "drop_check"): "the helper CHECK (col IS NOT NULL) the safe plan adds is dropped once SET NOT NULL holds",
    ("changing-column-type", "alter_column_type_coercible"): DISAGREE[("changing-column-type", "alter_column_type_coercible")],
    ("prefer-text-field", "alter_column_type_coercible"): DISAGREE[("prefer-text-field", "alter_column_type_coercible")],
    ("renaming-object", "rename_index"): DISAGREE[("renaming-object", "rename_index")],
    ("renaming-object", "rename_constraint"): DISAGREE[("renaming-object", "rename_constraint")],
    ("renaming-object", "rename_enum_value"): "reported as backward-incompatible; PostgreSQL has no expand–contract for an enum value",
    ("renaming-table", "rename_table"): "a view under the old name keeps running code working until the contract step",
    # PostgreSQL cannot remove an enum value without rebuilding the type and rewriting its columns;
    # the report says so (severity high, no lock-free form).
    **{(rule, "swap_enum"): "removing an enum value has no lock-free form; the report says so" for rule in (
        "require-concurrent-index-deletion", "require-concurrent-index-creation", "changing-column-type", "ban-drop-type",
        "renaming-object", "ban-drop-default",
    )},
}
#: Compatibility rules that are expected in a step carrying `-- schemasmith: after-deploy`.
AFTER_DEPLOY_RULES = {"ban-drop-column", "ban-drop-table", "ban-drop-function", "ban-drop-view", "renaming-column"}


def squawk(paths: list[Path]) -> list[dict]:
    completed = subprocess.run([SQUAWK, "--pg-version", "14", "--reporter", "json", *map(str, paths)], capture_output=True, text=True, check=False)
    assert completed.returncode in (0, 1), completed.stderr
    return json.loads(completed.stdout or "[]")


def operation_at(path: Path, line: int, descriptions: set[str]) -> str | None:
    """The operation (its description comment) a statement on `line` of a step file belongs to."""
    found = None
    for number, text in enumerate(path.read_text().splitlines(), 1):
        if number > line:
            break
        if text.startswith("-- ") and text[3:] in descriptions:
            found = text[3:]
    return found


def _plans(tmp_path: Path, safe: bool):
    pairs = [(SHOP, DESIGNS / f"shop_{name}.yaml", name) for name in CASES]
    pairs.append((EXAMPLES / "taskhub.yaml", tmp_path / "labels.yaml", "labels"))
    from migrate_helpers import taskhub_with_labels

    (tmp_path / "labels.yaml").write_text(taskhub_with_labels())
    for old, new, name in pairs:
        folder = tmp_path / f"{name}_{'safe' if safe else 'direct'}"
        report = run_diff(str(old), str(new), dialect=None, format="sql", output=str(folder), backfill=[], safe=safe)
        yield name, folder, report


def test_what_squawk_flags_on_the_direct_sql_we_flag_too(tmp_path: Path):
    missing, disagreements, checked = [], set(), 0
    for name, folder, report in _plans(tmp_path, safe=False):
        findings = {finding.operation: finding for finding in report.findings}
        steps = {path.name: path for _, _, path, _ in steps_in(folder)}
        for violation in squawk(list(steps.values())):
            rule = violation["rule_name"]
            if rule in DESIGN_RULES:
                continue
            checked += 1
            path = steps[Path(violation["file"]).name]
            operation = operation_at(path, violation["line"] + 1, set(findings))
            finding = findings.get(operation) if operation else None
            if finding is None:
                missing.append(f"{name}: {rule} at {path.name}:{violation['line'] + 1} has no finding of ours")
                continue
            flagged = finding.severity in ("medium", "high", "critical") or finding.data_loss or finding.backward_incompatible or finding.safe_alternative
            if (rule, finding.kind) in DISAGREE:
                disagreements.add((rule, finding.kind))
            elif not flagged:
                missing.append(f"{name}: {rule} on '{finding.operation}' ({finding.kind}) — we do not flag it")
    assert checked >= 15, "squawk found too little to compare against"
    assert missing == []
    print(f"\nsquawk violations on the direct SQL checked: {checked}; documented disagreements: {sorted(disagreements)}")


def test_the_safe_plan_passes_squawks_lock_rules(tmp_path: Path):
    problems, accepted = [], set()
    for name, folder, report in _plans(tmp_path, safe=True):
        all_operations = {o["operation"]: o["kind"] for step in report.steps for o in step.operations}
        descriptions = set(all_operations)
        steps = {path.name: path for _, _, path, _ in steps_in(folder)}
        for violation in squawk(list(steps.values())):
            rule = violation["rule_name"]
            if rule in DESIGN_RULES:
                continue
            path = steps[Path(violation["file"]).name]
            operation = operation_at(path, violation["line"] + 1, descriptions)
            kind = all_operations.get(operation or "", "?")
            if (rule, kind) in SAFE_ACCEPTED:
                accepted.add((rule, kind))
                continue
            if rule in AFTER_DEPLOY_RULES and read_directives(path.read_text()).after_deploy:
                accepted.add((rule, "after-deploy step"))
                continue
            problems.append(f"{name}: {rule} at {path.name}:{violation['line'] + 1} ({kind}: {operation})")
    assert problems == []
    assert not any(rule in LOCK_RULES for rule, kind in accepted if kind not in ("swap_enum", "alter_column_type_coercible"))
    print(f"\naccepted squawk findings on the safe plan: {sorted(accepted)}")
