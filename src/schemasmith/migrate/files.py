"""The migration folder's file-naming contract, shared by `schemasmith diff` (writer) and `migrate` (runner).

A migration folder (DIR) holds a history of migrations, one *step* per number:

    DIR/0001_initial.up.sql            applied by `migrate apply`, in ascending number order
    DIR/0001_initial.down.sql          applied by `migrate down`, in descending number order
    DIR/0002_add_labels.up.sql
    DIR/0002_add_labels.down.sql
    DIR/0003_add_labels_index_tasks_x_idx.up.sql     (a no-transaction step)
    DIR/0003_add_labels_index_tasks_x_idx.down.sql
    DIR/0002_add_labels.report.md      the safety report of one `diff` run (not applied)

The contract, precisely:

1. File names match `^(?P<number>\\d{4,})_(?P<name>[a-z0-9_]+)\\.(?P<direction>up|down)\\.sql$`.
   The step's *version* is `int(number)`; its *id* is `<number>_<name>` (the stem before
   `.up.sql`). Numbers are zero-padded to 4 digits, so name order equals number order up to 9999;
   a runner orders by the integer version, never by the name. Each version has exactly one
   `.up.sql` and one `.down.sql` file with the same id. Other files (`*.report.md`, `README*`,
   Alembic `*.py`) are not steps and are ignored by a runner.
2. `diff` numbers new steps from the highest version already in DIR plus one (any file whose name
   starts with `<digits>_` counts), so DIR accumulates a history in application order.
3. Every file applies with `psql -v ON_ERROR_STOP=1 -f FILE` (PostgreSQL) or statement by
   statement with stop-on-error (SQLite: `schemasmith.db.apply.apply_sqlite_file`,
   `sqlite3 -bail`).
4. Directives are lines of the leading comment block (before the first line that is not a `--`
   comment or blank) of the form `-- schemasmith: KEY` or `-- schemasmith: KEY: VALUE`:
   - `no-transaction` — always the **first line** of the file when present. The file must NOT be
     wrapped in a transaction by the runner (CREATE/DROP INDEX CONCURRENTLY, batched backfills
     that COMMIT per batch, ALTER TYPE … ADD VALUE before PostgreSQL 12). Its statements are
     written to be safe to re-run after a failure part-way (e.g. `DROP INDEX CONCURRENTLY IF
     EXISTS` before `CREATE INDEX CONCURRENTLY`, an invalid index left by a failed build).
   - `data-loss: REASON` — applying the file destroys stored data (DROP COLUMN, DROP TABLE, a
     narrowing type change). A runner refuses such a file unless given `--allow-data-loss`.
     May appear several times (one reason each).
   - `irreversible: REASON` — only in `.down.sql`: the DOWN restores the structure but cannot
     restore data (values of a dropped column, precision lost by narrowing). May repeat.
   - `after-deploy: TEXT` — what the application must already do before this file is applied
     (expand–contract: "reads and writes tasks.owner_id only"). A runner should stop before a
     file carrying it unless told to continue; `status` should show the text.
   - `step: ID`, `of: N` (which step of a multi-step safe plan), `generated-by: schemasmith …`
     are informational.
5. A file without `no-transaction` is transactional and wraps itself: it has exactly one line
   `BEGIN;` and exactly one line `COMMIT;`, and everything between them is the transaction. In a
   PostgreSQL file `BEGIN;` is the first statement and `COMMIT;` the last non-blank line. A
   SQLite file may set connection PRAGMAs outside the transaction: `PRAGMA foreign_keys = OFF;`
   and `PRAGMA busy_timeout = …;` before `BEGIN;` (foreign_keys cannot change inside one; the
   table rebuilds need it off, and `PRAGMA foreign_key_check` runs before COMMIT) and
   `PRAGMA foreign_keys = ON;` after `COMMIT;`. A runner that records its history row in the
   same transaction inserts its statement just before the `COMMIT;` line (for no-transaction
   files it records the row after the file succeeded). PostgreSQL files set `lock_timeout` and
   `statement_timeout` themselves (`SET LOCAL` inside the transaction, `SET` in a
   no-transaction file).
6. A DOWN file may hold no statement at all (only comments), e.g. the DOWN of a backfill; applying
   it is then a no-op that still counts as undoing the step.
7. The checksum a runner records is over the file's bytes as written (UTF-8, `\\n` line endings).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

#: A step's file name (see the module docstring).
STEP_FILE = re.compile(r"^(?P<number>\d{4,})_(?P<name>[a-z0-9_]+)\.(?P<direction>up|down)\.sql$")
#: Any file that takes part in the numbering (steps, reports, Alembic revisions).
NUMBERED_FILE = re.compile(r"^(?P<number>\d+)_")
DIRECTIVE = re.compile(r"^--\s*schemasmith:\s*(?P<key>[a-z][a-z-]*)\s*(?::\s*(?P<value>.*?))?\s*$")

NO_TRANSACTION = "no-transaction"
DATA_LOSS = "data-loss"
IRREVERSIBLE = "irreversible"
AFTER_DEPLOY = "after-deploy"

NAME_LIMIT = 60


@dataclass
class Directives:
    """The `-- schemasmith:` lines of one file."""

    no_transaction: bool = False
    data_loss: list[str] = field(default_factory=list)
    irreversible: list[str] = field(default_factory=list)
    after_deploy: list[str] = field(default_factory=list)
    other: dict[str, str] = field(default_factory=dict)


def slug(text: str, limit: int = NAME_LIMIT) -> str:
    """`text` as a file-name part: lower-case letters, digits and single underscores."""
    cleaned = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    cleaned = re.sub(r"_+", "_", cleaned)
    if len(cleaned) > limit:
        cleaned = cleaned[:limit].rstrip("_")
    return cleaned or "migration"


def step_id(number: int, name: str) -> str:
    return f"{number:04d}_{slug(name)}"


def report_file(number: int, name: str) -> str:
    return f"{step_id(number, name)}.report.md"


def highest_number(folder: Path) -> int:
    """The highest number any file in `folder` starts with (0 for an empty or missing folder)."""
    if not folder.is_dir():
        return 0
    numbers = [int(match["number"]) for path in folder.iterdir() if (match := NUMBERED_FILE.match(path.name))]
    return max(numbers, default=0)


def steps_in(folder: Path) -> list[tuple[int, str, Path, Path | None]]:
    """(version, id, up path, down path or None) of every step in `folder`, in version order."""
    found: dict[tuple[int, str], dict[str, Path]] = {}
    if folder.is_dir():
        for path in folder.iterdir():
            match = STEP_FILE.match(path.name)
            if match:
                key = (int(match["number"]), f"{match['number']}_{match['name']}")
                found.setdefault(key, {})[match["direction"]] = path
    return [(version, ident, paths["up"], paths.get("down")) for (version, ident), paths in sorted(found.items()) if "up" in paths]


def directive_line(key: str, value: str | None = None) -> str:
    """One `-- schemasmith: key[: value]` line (the value folded onto one line)."""
    if value is None:
        return f"-- schemasmith: {key}"
    one_line = " ".join(value.split())
    return f"-- schemasmith: {key}: {one_line}"


def read_directives(text: str) -> Directives:
    """The directives of a file's leading comment block."""
    directives = Directives()
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("--"):
            break
        match = DIRECTIVE.match(stripped)
        if not match:
            continue
        key, value = match["key"], match["value"] or ""
        if key == NO_TRANSACTION:
            directives.no_transaction = True
        elif key == DATA_LOSS:
            directives.data_loss.append(value)
        elif key == IRREVERSIBLE:
            directives.irreversible.append(value)
        elif key == AFTER_DEPLOY:
            directives.after_deploy.append(value)
        else:
            directives.other[key] = value
    return directives
