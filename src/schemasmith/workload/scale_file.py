"""The scale file: one format for `seed --scale` and `validate --scale`.

YAML or TOML. Row counts per table under `expected_rows:` (or `tables:`, or at the top level, as
`users: 10000`), and/or the load model's drivers under `growth:`. `validate` reads both; `seed`
reads the row counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import SchemasmithError


class ScaleFileError(SchemasmithError):
    """A scale file that cannot be read; the message names the file and the entry."""


@dataclass
class ScaleFile:
    rows: dict[str, int] = field(default_factory=dict)
    growth: dict[str, Any] | None = None


def read_scale_file(path: str) -> ScaleFile:
    file = Path(path)
    if not file.is_file():
        raise ScaleFileError(f"{path}: no such scale file")
    text = file.read_text(encoding="utf-8", errors="replace")
    try:
        if file.suffix.lower() == ".toml":
            import tomllib

            data = tomllib.loads(text)
        else:
            import yaml

            data = yaml.safe_load(text)
    except Exception as error:  # noqa: BLE001 - any parse error is the user's file
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ScaleFileError(f"{path}: not a valid scale file ({first})") from None
    if not isinstance(data, dict) or not data:
        raise ScaleFileError(f"{path}: a scale file gives row counts (`expected_rows: {{users: 10000}}`) and/or `growth:`")
    growth = data.get("growth")
    if growth is not None and not isinstance(growth, dict):
        raise ScaleFileError(f"{path}: growth: expected a mapping such as `organizations: 500`")
    section = "expected_rows" if "expected_rows" in data else "tables" if "tables" in data else None
    counts = data.get(section) if section else {key: value for key, value in data.items() if key != "growth"}
    if counts is None:
        counts = {}
    if not isinstance(counts, dict):
        raise ScaleFileError(f"{path}: {section}: expected a mapping of table names to row counts")
    rows: dict[str, int] = {}
    for name, value in counts.items():
        if isinstance(value, dict) and "rows" in value:
            value = value["rows"]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 or (isinstance(value, float) and not value.is_integer()):
            where = f"{section}.{name}" if section else str(name)
            raise ScaleFileError(f"{path}: {where}: row count must be a whole number of 0 or more, got {value!r}")
        rows[str(name)] = int(value)
    return ScaleFile(rows=rows, growth=growth)
