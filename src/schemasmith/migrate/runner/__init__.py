"""The migration runner: `engine` applies, reverts and lists a folder of migrations, `history`
is the table that records them, and `command` is the `schemasmith migrate` flow (cli.py calls it).
"""

from .engine import (
    LOCK_KEY,
    MigrationError,
    RunResult,
    StatusResult,
    environment_db,
    notices,
    postgres_statements,
    read_directory,
    run,
    status,
)

__all__ = [
    "LOCK_KEY",
    "MigrationError",
    "RunResult",
    "StatusResult",
    "environment_db",
    "notices",
    "postgres_statements",
    "read_directory",
    "run",
    "status",
]
