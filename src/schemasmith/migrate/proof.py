"""Prove a migration on real databases: UP from OLD reaches NEW, and DOWN comes back to OLD.

What "reaches" means is the same catalog facts (db/fingerprint.py) as a database built straight
from the other side. Used by the tests over migra's fixture pairs and by benchmarks/migra_reach.py.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..db.apply import apply_script
from ..db.embedded import scratch_database
from ..db.fingerprint import differences, fingerprint
from .files import steps_in


@dataclass
class Replay:
    """The facts UP missed or added against NEW, and DOWN against OLD ('-' missing, '+' extra)."""

    up: list[str] = field(default_factory=list)
    down: list[str] = field(default_factory=list)
    steps: int = 0


def replay_pair(old_sql: str, new_sql: str, *, safe: bool | None = False, server_url: str | None = None) -> Replay:
    """Diff two SQL schemas with `schemasmith diff`, then apply UP and DOWN to a copy of OLD."""
    from .command import run_diff

    with tempfile.TemporaryDirectory(prefix="schemasmith-proof-") as folder:
        old_path, new_path, out = Path(folder) / "old.sql", Path(folder) / "new.sql", Path(folder) / "migration"
        old_path.write_text(old_sql, encoding="utf-8")
        new_path.write_text(new_sql, encoding="utf-8")
        run_diff(str(old_path), str(new_path), dialect=None, format="sql", output=str(out), backfill=[], safe=safe)
        steps = steps_in(out)
        with (
            scratch_database(server_url, prefix="old") as old_url,
            scratch_database(server_url, prefix="new") as new_url,
            scratch_database(server_url, prefix="replay") as replay_url,
        ):
            apply_script(old_url, old_sql, "old.sql")
            apply_script(new_url, new_sql, "new.sql")
            apply_script(replay_url, old_sql, "old.sql")
            for _, _, up, _ in steps:
                apply_script(replay_url, up.read_text(encoding="utf-8"), up.name)
            replay = Replay(up=differences(_facts(new_url), _facts(replay_url)), steps=len(steps))
            for _, _, _, down in reversed(steps):
                if down is not None:
                    apply_script(replay_url, down.read_text(encoding="utf-8"), down.name)
            replay.down = differences(_facts(old_url), _facts(replay_url))
            return replay


def _facts(url: str) -> dict[str, set[tuple]]:
    return fingerprint(url, column_order=False)
