"""`schemasmith impact SCHEMA TABLE[.COLUMN]` as one plain function; cli.py registers it."""

from __future__ import annotations

import json
import sys

from ..errors import SchemasmithError
from .analysis import analyze, render_text

FORMATS = ("text", "json")


def impact_command(
    schema: str,
    target: str,
    format: str = "text",
    split_to: str | None = None,
    rename_to: str | None = None,
) -> int:
    """Print what depends on TABLE[.COLUMN] (and a compatibility view for a split or rename)."""
    if format not in FORMATS:
        raise SchemasmithError(f"--format: unknown format {format!r}; use one of {', '.join(FORMATS)}")
    impact = analyze(schema, target, split_to=split_to, rename_to=rename_to)
    if format == "json":
        sys.stdout.write(json.dumps(impact.to_data(), indent=2) + "\n")
    else:
        for warning in impact.warnings:
            sys.stderr.write(f"warning: {warning}\n")
        sys.stdout.write(render_text(impact))
    return 0
