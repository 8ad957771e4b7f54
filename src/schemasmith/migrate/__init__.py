"""Evolution: diff two designs into ordered UP/DOWN migration steps, with a safety report and safe plans.

Three layers, as Alembic's autogenerate splits compare and render: `compare` (one module per
concern) builds the `operations` from OLD to NEW, plain data that knows its inverse; `render`
(postgres, sqlite, alembic) spells them. Below them: `renames` (declared and suggested renames),
`type_changes` (what a type change does), `context` (both designs as PostgreSQL spells their
pieces). Above them: `safety` (what each operation does to a live PostgreSQL), `planner` (direct
or safe steps: concurrent indexes, NOT VALID + VALIDATE, batched backfills, expand–contract),
`report`, `files` (the naming contract the runner reads), `command` (the `diff` flow) and
`runner` (the `migrate` flow: engine, history table, command). No layer imports one above it.
"""

from .command import diff_command, run_diff
from .compare import Diff, diff

__all__ = ["Diff", "diff", "diff_command", "run_diff"]
