"""`--fix`: each flagged statement replaced by its safe form, beside the file (FILE.fixed.sql).

Everything else in the file (comments, the statements nobody flagged) stays as written; the file
itself is only replaced with `--in-place`, and then atomically.
"""

from __future__ import annotations

from pathlib import Path

from ..fileio import write_text_atomic
from .engine import LintResult


def fixed_text(text: str, replacements: dict[tuple[int, int], str]) -> str:
    """`text` with each (start, end) span replaced, from the end so earlier offsets stay valid."""
    for (start, end), new in sorted(replacements.items(), reverse=True):
        # the span ends before the statement's ';' — the safe form brings its own
        tail = end
        while tail < len(text) and text[tail] in " \t":
            tail += 1
        if tail < len(text) and text[tail] == ";":
            end = tail + 1
        text = text[:start] + new + text[end:]
    return text


def write_fixes(result: LintResult, *, in_place: bool) -> list[Path]:
    """Write the fixed files; returns their paths (only files with a finding that has a safe form)."""
    written = []
    statements = {(s.file, s.line): s for migration in result.files for s in migration.statements}
    for migration in result.files:
        replacements: dict[tuple[int, int], str] = {}
        for finding in result.findings:
            if finding.file != migration.path or not finding.fix_sql or finding.code == "SM111":
                continue
            statement = statements.get((finding.file, finding.line))
            if statement is None or (statement.start, statement.end) in replacements:
                continue
            replacements[(statement.start, statement.end)] = f"-- schemasmith {finding.code}: was: {' '.join(statement.sql.split())}\n{finding.fix_sql}"
        timeout = any(f.code == "SM111" and f.file == migration.path for f in result.findings)
        if not replacements and not timeout:
            continue
        text = fixed_text(migration.text, replacements)
        if timeout and "lock_timeout" not in text:
            text = "SET lock_timeout = '2s';\n" + text
        if migration.kind == "sql" and in_place:
            target = Path(migration.path)
        else:
            source = Path(migration.path)
            target = source.with_name(source.name + ".fixed.sql") if migration.kind == "alembic" else source.with_suffix(".fixed.sql")
        write_text_atomic(target, text)
        written.append(target)
    return written
