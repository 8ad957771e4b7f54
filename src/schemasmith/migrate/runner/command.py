"""`schemasmith migrate apply|status|down` as one plain function; cli.py registers it.

Progress and results go to stdout, warnings to stderr; bad input and failed migrations raise
`SchemasmithError` subclasses (the CLI prints them as one message, exit 1).
"""

from __future__ import annotations

import sys

from ...errors import SchemasmithError
from ..files import NO_TRANSACTION
from .engine import RunResult, StatusResult, environment_db, notices, run, status

ACTIONS = ("apply", "status", "down")


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _err(text: str) -> None:
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def migrate_command(
    action: str,
    db: str | None,
    directory: str,
    dry_run: bool = False,
    allow_data_loss: bool = False,
    to: str | None = None,
    steps: int | None = None,
) -> int:
    """Run one migrate action; the exit code (status: 1 when an applied file has changed)."""
    if action not in ACTIONS:
        raise SchemasmithError(f"unknown migrate action {action!r}; use one of {', '.join(ACTIONS)}")
    url = environment_db(db)
    if action == "status":
        if dry_run or allow_data_loss or to is not None or steps is not None:
            raise SchemasmithError("migrate status takes only --db and --dir")
        return _print_status(status(url, directory))
    result = run(action, url, directory, dry_run=dry_run, allow_data_loss=allow_data_loss, to=to, steps=steps, report=_err if dry_run else _out)
    for warning in result.warnings:
        _err(f"warning: {warning}")
    verb = "applied" if action == "apply" else "reverted"
    if dry_run:
        if not result.plan:
            _out(f"-- dry run: nothing to {'apply' if action == 'apply' else 'revert'}")
            _print_gate(result, _out, "-- ")
            return 0
        _out(f"-- dry run: {len(result.plan)} migration(s) would be {verb}, in this order; nothing was run")
        for step in result.plan:
            file = step.file
            how = "runs in one transaction with its history row" if file.transactional else (
                f"{NO_TRANSACTION}: its statements run one by one, outside a transaction"
            )
            _out(f"\n-- ===== {file.name} ({how})")
            for notice in notices(step):
                _out(f"-- note: {notice}")
            _out(file.text.rstrip("\n"))
        _out(f"\n-- the database would then be at version {result.version or 'none (no migration applied)'}")
        _print_gate(result, _out, "-- ")
        for refusal in result.refused:
            _err(f"warning: {refusal}; the real run refuses it without --allow-data-loss")
        return 0
    if not result.plan:
        _out(f"nothing to {'apply' if action == 'apply' else 'revert'}; database at version {result.version or 'none'}")
    else:
        _out(f"{len(result.done)} migration(s) {verb}; database at version {result.version or 'none (no migration applied)'}")
    _print_gate(result, _out, "")
    return 0


def _print_gate(result: RunResult, write, prefix: str) -> None:
    if result.gated is None:
        return
    step = result.gated
    version = step.migration.label
    write(f"{prefix}stopped before {step.file.name}: it waits for the application to be deployed first:")
    for text in step.file.after_deploy:
        write(f"{prefix}  after-deploy: {text}")
    write(f"{prefix}once that is done, run it with `schemasmith migrate apply --to-version {version}` (or --steps 1)")


def _print_status(result: StatusResult) -> int:
    for warning in result.warnings:
        _err(f"warning: {warning}")
    if not result.rows:
        _out(f"no migrations in the folder and none applied to {result.database}")
        return 0
    header = ("version", "name", "state", "applied at", "duration", "mode")
    table = []
    for row in result.rows:
        applied_at = row.applied_at.strftime("%Y-%m-%d %H:%M:%S %Z").strip() if hasattr(row.applied_at, "strftime") else ""
        duration = f"{row.duration_ms} ms" if row.duration_ms is not None else ""
        table.append((row.label, row.name, row.state, applied_at, duration, row.execution or ""))
    widths = [max(len(str(line[i])) for line in [header, *table]) for i in range(len(header))]
    _out("  ".join(text.ljust(width) for text, width in zip(header, widths)).rstrip())
    for line in table:
        _out("  ".join(str(text).ljust(width) for text, width in zip(line, widths)).rstrip())
    counts: dict[str, int] = {}
    for row in result.rows:
        counts[row.state] = counts.get(row.state, 0) + 1
    _out(", ".join(f"{counts[state]} {state}" for state in ("applied", "pending", "changed", "missing") if state in counts))
    for row in result.rows:
        for text in row.after_deploy:
            _out(f"{row.label}_{row.name}: after-deploy: {text}")
    changed = [row for row in result.rows if row.state == "changed"]
    for row in changed:
        _err(f"error: {row.file}: changed since it was applied; restore it and put the change in a new migration")
    return 1 if changed else 0
