"""`schemasmith lint-migration FILE…`: what the CLI calls; returns the exit code.

0: nothing at `--fail-on`; 1: a finding at or above it; 2: a file could not be read (the other
files are still linted and reported first) or the schema could not be built.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import SourceError
from .engine import lint
from .finding import RANK
from .report import RENDERERS


def lint_migration_command(
    files: list[str], *, schema: str | None, db: str | None, format: str, fail_on: str | None,
    fix: bool, in_place: bool, output: Path | None = None,
) -> int:
    if schema is not None and db is not None:
        raise SourceError("give --schema SCHEMA or --db URL, not both: the replay starts from one schema")
    if in_place and not fix:
        raise SourceError("--in-place only changes what --fix writes; add --fix")
    result = lint(files, schema=schema, db=db)
    text = RENDERERS[format](result)
    if output is not None:
        from ..fileio import write_text_atomic

        write_text_atomic(output, text)
    else:
        sys.stdout.write(text)
    if fix:
        from .fix import write_fixes

        for path in write_fixes(result, in_place=in_place):
            print(f"wrote {path}", file=sys.stderr)
    for error in result.errors:
        print(f"error: {error}", file=sys.stderr)
    if result.errors:
        return 2
    if fail_on is not None and any(RANK[finding.severity] >= RANK[fail_on] for finding in result.findings):
        return 1
    return 0
