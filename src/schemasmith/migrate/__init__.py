"""Evolution: diff two designs into ordered UP/DOWN migration steps, with a safety report and safe plans.

`differ` lists the operations (`operations`) from OLD to NEW, `renames` finds declared and
suggested renames, `safety` holds what each operation does to a live PostgreSQL, `planner` turns
the operations into steps (direct, or safe: concurrent indexes, NOT VALID + VALIDATE, batched
backfills, expand–contract), `render` (postgres, sqlite, alembic) writes them, `files` is the naming
contract the runner reads, and `command.diff_command` is the CLI entry point.
"""

from .command import diff_command, run_diff
from .differ import Diff, diff

__all__ = ["Diff", "diff", "diff_command", "run_diff"]
