"""Where the diagram's hand-placed positions live: `NAME.layout.json` beside the design file.

Kept out of the design document on purpose: moving a box is not a design change, and the
design's diffs and reviews must not see it. Only positions of known tables are accepted, so the
page cannot make the server write anything else.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from ..errors import SchemasmithError
from ..fileio import write_text_atomic


def layout_path(schema: str) -> Path | None:
    """`schema.layout.json` for `schema.yaml`; None for a database URL (nothing to sit beside)."""
    path = Path(schema)
    if "://" in schema or not path.is_file():
        return None
    return path.with_name(path.stem + ".layout.json")


def load_positions(path: Path | None) -> dict[str, dict[str, float]]:
    if path is None or not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # a broken layout file only costs the hand placement: lay out again
    positions = data.get("positions", {}) if isinstance(data, dict) else {}
    return {name: place for name, place in positions.items() if _valid_place(place)}


def _valid_place(place: Any) -> bool:
    return (isinstance(place, dict) and set(place) == {"x", "y"}
            and all(isinstance(place[axis], int | float) and not isinstance(place[axis], bool) and math.isfinite(place[axis])
                    for axis in ("x", "y")))


def clean_positions(positions: Any, known: set[str]) -> dict[str, dict[str, float]]:
    """The positions the page sent, checked: known node names, finite numbers; raise otherwise."""
    if not isinstance(positions, dict):
        raise SchemasmithError("positions must be an object of name → {x, y}")
    unknown = sorted(set(positions) - known)
    if unknown:
        raise SchemasmithError(f"unknown table(s) in the layout: {', '.join(unknown[:5])}")
    bad = sorted(name for name, place in positions.items() if not _valid_place(place))
    if bad:
        raise SchemasmithError(f"positions need finite x and y numbers: {', '.join(bad[:5])}")
    return {name: {"x": round(float(place["x"]), 1), "y": round(float(place["y"]), 1)} for name, place in sorted(positions.items())}


def save_positions(path: Path, positions: dict[str, dict[str, float]]) -> None:
    """Sorted and indented, so the file diffs well if a team chooses to commit it."""
    write_text_atomic(path, json.dumps({"format": 1, "positions": positions}, indent=2, sort_keys=True) + "\n")
