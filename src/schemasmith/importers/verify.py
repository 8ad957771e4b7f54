"""Prove an import: rebuild the imported design on a fresh database and compare the two catalogs.

The promise of `import` is that the design holds everything the schema held. This is the check:
the schema's facts (db/fingerprint.py) against those of the database built from the design.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..db.apply import apply_script
from ..db.embedded import scratch_database
from ..db.fingerprint import differences, fingerprint, reproduced
from ..dialects.postgres import render
from ..model import dump_design, load_design_text
from .postgres import import_database, prepare_import_script


@dataclass
class RoundTrip:
    """What a round trip found: facts per class of the original and of the rebuilt database."""

    original: dict[str, set[tuple]]
    rebuilt: dict[str, set[tuple]]
    warnings: list[str]

    @property
    def differences(self) -> list[str]:
        return differences(self.original, self.rebuilt)

    @property
    def counts(self) -> dict[str, tuple[int, int]]:
        return reproduced(self.original, self.rebuilt)


def round_trip_sql(sql: str, label: str, server_url: str | None = None) -> RoundTrip:
    """Apply `sql` to a scratch database, import it, rebuild the design on another, compare."""
    prepared, _notes = prepare_import_script(sql, label)  # as `import` does: a dump's own \\connect is left out
    with scratch_database(server_url, prefix="original") as original:
        apply_script(original, prepared, label)
        return round_trip_database(original, server_url)


def round_trip_database(url: str, server_url: str | None = None) -> RoundTrip:
    """Import the database at `url`, rebuild the design (through its YAML text) on a scratch database, compare."""
    result = import_database(url)
    design = load_design_text(dump_design(result.design), "imported.yaml")
    with scratch_database(server_url, prefix="rebuilt") as rebuilt:
        apply_script(rebuilt, render(design).files["schema.sql"], "the schema.sql built from the imported design")
        return RoundTrip(fingerprint(url), fingerprint(rebuilt), result.warnings)
