"""One resolver from any schema source to the design model.

Every command that takes SCHEMA calls `load_source`: a design document (`.yaml`), DDL (`.sql`,
PostgreSQL or SQLite, named or detected from its content by `sql_dialect`, which also recognises
MySQL DDL and refuses it with its evidence), a SQLite file, or a database URL. DDL and databases go
through a real database and its catalogs, never through a hand-written SQL parser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .db.urls import is_database_url
from .dialects.registry import dialect_for_url, get_dialect, importer_for
from .errors import Problem, SourceError
from .model.document import Design
from .sql_dialect import DISPLAY, DialectGuess, guess_sql_dialect

DDL_DIALECTS = ("postgres", "sqlite")


@dataclass
class Source:
    """A design read from somewhere, and what reading it could not carry over."""

    design: Design
    origin: str  # "design", "postgres", "sqlite"
    warnings: list[str] = field(default_factory=list)


def detect_sql_dialect(sql: str) -> str:
    """The dialect DDL looks written for (`postgres`, `sqlite` or `mysql`); PostgreSQL when nothing tells."""
    return guess_sql_dialect(sql).dialect or "postgres"


def _supported_dialects() -> str:
    return "--dialect postgres or --dialect sqlite"


def refuse_unsupported_dialect(label: str, guess: DialectGuess) -> None:
    """Refuse DDL that looks written for a dialect import cannot read, saying why it looks so."""
    if guess.dialect is None or guess.dialect in DDL_DIALECTS:
        return
    raise SourceError(
        f"{label}: looks like {guess.name} DDL ({guess.evidence()}); schemasmith reads .sql files written for "
        f"PostgreSQL or SQLite, and PostgreSQL or SQLite databases by URL, but not {guess.name} yet. If the file "
        f"is meant for PostgreSQL or SQLite after all, say so with {_supported_dialects()}"
    )


def _with_dialect_hint(error: SourceError, chosen: str, guess: DialectGuess) -> SourceError:
    """`error` from applying DDL as `chosen`, with what the file looks like when that is another dialect."""
    if not guess.clear or guess.dialect == chosen:
        return error
    hint = f"this file looks like {guess.name} ({guess.evidence()}), not {DISPLAY.get(chosen, chosen)}"
    if guess.dialect in DDL_DIALECTS:
        hint += f"; try --dialect {guess.dialect}"
    else:
        hint += ", which schemasmith does not read yet"
    return SourceError(error.args[0], [*error.problems, Problem(hint)]) if error.problems else SourceError(f"{error.args[0]}\n{hint}")


def load_source(source: str, *, dialect: str | None = None, name: str | None = None, server_url: str | None = None) -> Source:
    """Read SCHEMA (`.yaml`, `.sql`, a SQLite file or a database URL) into a design.

    `server_url` is the server a PostgreSQL `.sql` file is applied to for reading (a scratch
    database there); by default $SCHEMASMITH_PG_URL's server, else the embedded one.
    """
    if dialect is not None:
        dialect = _ddl_dialect(dialect)
    if is_database_url(source):
        return _load_url(source, name)
    if "://" in source:
        scheme = source.split("://", 1)[0]
        raise SourceError(f"{source.split('@')[-1]}: unsupported database URL scheme {scheme!r}; use postgresql://, sqlite:/// or mysql://")
    path = Path(source)
    if not path.exists():
        raise SourceError(f"{source}: no such file")
    if path.is_dir():
        raise SourceError(f"{source}: is a folder, expected a .yaml design document, a .sql file or a database URL")
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml", ".sql"):
        refuse_binary(path)
    if suffix in (".yaml", ".yml"):
        from .model.yamlio import load_design

        return Source(load_design(path), "design")
    if suffix in (".db", ".sqlite", ".sqlite3"):
        from .importers import sqlite as sqlite_importer

        result = sqlite_importer.import_database(str(path), name=name or path.stem)
        return Source(result.design, "sqlite", result.warnings)
    if suffix == ".sql":
        try:
            sql = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            sql = path.read_text(encoding="latin-1")
        guess = guess_sql_dialect(sql)
        if dialect is None:
            refuse_unsupported_dialect(str(path), guess)
        chosen = dialect or guess.dialect or "postgres"
        try:
            return _load_ddl(sql, chosen, str(path), name or _design_name(path.stem), server_url)
        except SourceError as error:
            raise _with_dialect_hint(error, chosen, guess) from error
    raise SourceError(
        f"{source}: unknown kind of schema source; expected a .yaml design document, a .sql file, "
        "a SQLite .db file or a database URL"
    )


#: Bytes that never appear in a text file (NUL and the C0 controls other than tab, newlines, form feed).
_BINARY_BYTES = bytes(set(range(32)) - {9, 10, 12, 13})


def refuse_binary(path: Path, sample_size: int = 8192) -> None:
    """Refuse a file that is not text (an image, a dump in a binary format, a compiled file).

    Read as SQL or YAML, such a file gives a baffling parser error about its first bytes; the
    user deserves to hear that the file itself is the wrong kind. A NUL byte, or more than one in
    twenty bytes a control character, in the first 8 KiB decides it, as `grep` and git do.
    """
    with path.open("rb") as handle:
        sample = handle.read(sample_size)
    nul = sample.find(b"\x00")
    controls = sum(sample.count(byte) for byte in _BINARY_BYTES)
    if nul >= 0 or (sample and controls * 20 > len(sample)):
        where = f"byte {nul} is NUL" if nul >= 0 else f"{controls} of its first {len(sample)} bytes are control characters"
        raise SourceError(
            f"{path}: is not a text file ({where}); expected a .yaml design document or a .sql file of DDL"
        )


def require_objects(source: Source, label: str) -> None:
    """Refuse a schema that holds nothing a design can keep (no table, no enum type).

    Importing it would write an empty design and report success, which hides the real mistake
    (the wrong file, the wrong database, a schema the statements did not create objects in).
    """
    design = source.design
    if design.tables or design.enums:
        return
    is_database = "://" in label or label.lower().endswith((".db", ".sqlite", ".sqlite3"))
    what = "database holds" if is_database else "file creates"
    raise SourceError(
        f"{label}: the {what} no tables or enum types, so there is nothing to import "
        "(check the file or database URL, and for PostgreSQL that the objects are in the schema read)"
    )


def require_consistent(source: Source, label: str) -> None:
    """Refuse to save an imported design that the design-document loader would refuse.

    SQLite takes a 64-byte name that PostgreSQL would truncate; such a design can be reviewed or
    diffed with a warning, but written out it would be a file that no command can load.
    """
    from .model.invariants import check_invariants

    problems = check_invariants(source.design)
    if problems:
        raise SourceError(f"{label}: the schema breaks rules every design document keeps, so it cannot be saved as one", problems)


def _ddl_dialect(name: str) -> str:
    """`postgres` or `sqlite` for a --dialect value (aliases such as `postgresql` too); an error otherwise."""
    from .dialects.registry import canonical_name

    canonical = canonical_name(name)
    if canonical in DDL_DIALECTS:
        return canonical
    if canonical is not None:
        shown = DISPLAY.get(canonical, canonical)
        raise SourceError(f"--dialect {name}: schemasmith does not read {shown} DDL yet; use {_supported_dialects()}")
    raise SourceError(f"unknown dialect {name!r}; use one of {', '.join(DDL_DIALECTS)}")


def _design_name(stem: str) -> str:
    return re.sub(r"[^a-z0-9_]+", "_", stem.lower()).strip("_") or "schema"


def _load_ddl(sql: str, dialect: str, file: str, name: str, server_url: str | None = None) -> Source:
    chosen = get_dialect(dialect)
    importer = importer_for(chosen)
    server = {"server_url": server_url} if server_url is not None and chosen.scratch_databases else {}
    result = importer.import_ddl(sql, file=file, name=name, **server)
    return Source(result.design, dialect, result.warnings)


def _load_url(url: str, name: str | None) -> Source:
    dialect = dialect_for_url(url)
    importer = importer_for(dialect) if dialect is not None else None
    if importer is None:
        raise SourceError(f"reading a {dialect.name if dialect else None} database is not built yet; PostgreSQL and SQLite are")
    result = importer.import_database(url, name=name)
    return Source(result.design, dialect.name, result.warnings)
