"""`schemasmith build`: compute each target's files from the design and write them all at once."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import SchemasmithError
from .fileio import write_files_atomic
from .model.document import Design

#: Every target of the contract, mapped to the module that renders it (None: not built yet).
#: Each module offers `render(design, ...) -> DdlOutput`; those that depend on the PostgreSQL
#: version (uuidv7 defaults) take `postgres_version`.
TARGET_MODULES: dict[str, str | None] = {
    "postgres": "schemasmith.dialects.postgres",
    "sqlite": "schemasmith.dialects.sqlite",
    "mysql": "schemasmith.dialects.mysql",
    "sqlmodel": "schemasmith.emit.sqlmodel",
    "sqlalchemy": "schemasmith.emit.sqlalchemy",
    "alembic": "schemasmith.emit.alembic",
    "prisma": "schemasmith.emit.prisma",
    "kysely": "schemasmith.emit.kysely",
    "mermaid": "schemasmith.emit.mermaid",
    "dbml": "schemasmith.emit.dbml",
    "markdown": "schemasmith.emit.markdown",
}
KNOWN = tuple(TARGET_MODULES)
BUILT = tuple(target for target, module in TARGET_MODULES.items() if module)
_TAKES_VERSION = {"postgres", "prisma", "kysely", "mermaid", "dbml", "markdown"}


@dataclass
class BuildResult:
    files: list[Path] = field(default_factory=list)
    #: One line per fact: the same warning for many tables (or from several targets) is one line
    #: with the count and the first names (`group_warnings`).
    warnings: list[str] = field(default_factory=list)
    #: Every warning as its target said it, one per table or column (for --verbose or a report).
    warning_details: list[str] = field(default_factory=list)


def parse_targets(text: str) -> tuple[list[str], list[str]]:
    """(targets to build, known targets not built yet) from `postgres,sqlite` or `all`."""
    names = [part.strip().lower() for part in text.split(",") if part.strip()]
    if not names:
        raise SchemasmithError("--target needs at least one target")
    if names == ["all"]:
        return list(BUILT), [name for name in KNOWN if name not in BUILT]
    unknown = [name for name in names if name not in KNOWN]
    if unknown:
        raise SchemasmithError(f"unknown target(s) {', '.join(unknown)}; targets are {', '.join(KNOWN)} or all")
    names = list(dict.fromkeys(names))
    return [name for name in names if name in BUILT], [name for name in names if name not in BUILT]


def render_target(design: Design, target: str, *, pg_version: int | None = None):
    """One target's files and warnings, computed from the design (nothing written)."""
    import importlib

    module_name = TARGET_MODULES.get(target)
    if module_name is None:
        raise SchemasmithError(f"target {target} is not built yet")
    module = importlib.import_module(module_name)
    if target in _TAKES_VERSION:
        return module.render(design, postgres_version=pg_version)
    return module.render(design)


def build_targets(design: Design, targets: list[str], output: Path, *, pg_version: int | None = None) -> BuildResult:
    """Render every target first, then write all files together: an error leaves nothing behind."""
    result = BuildResult()
    files: dict[str, str] = {}
    said: list[tuple[str, str]] = []
    for target in targets:
        rendered = render_target(design, target, pg_version=pg_version)
        said.extend((target, warning) for warning in rendered.warnings)
        for name, text in rendered.files.items():
            files[f"{target}/{name}"] = text
    if output.exists() and not output.is_dir():
        raise SchemasmithError(f"{output}: exists and is not a folder")
    result.files = write_files_atomic(output, files)
    result.warning_details = [f"{target}: {warning}" for target, warning in said]
    result.warnings = group_warnings(design, said)
    return result


#: How each target names itself in its warnings ("has no MySQL equivalent"): the same fact said
#: by two targets differs only in that word.
TARGET_WORDS = {
    "postgres": "PostgreSQL", "sqlite": "SQLite", "mysql": "MySQL", "sqlmodel": "SQLModel", "sqlalchemy": "SQLAlchemy",
    "alembic": "Alembic", "prisma": "Prisma", "kysely": "Kysely", "mermaid": "Mermaid", "dbml": "DBML", "markdown": "Markdown",
}
#: Names a grouped warning lists before "and N more".
SHOWN_NAMES = 5
_TARGET_MARK, _TABLE_MARK, _COLUMN_MARK, _NAME_MARK = "\x00target\x00", "<table>", "<column>", "<name>"
_KIND_WORDS = {
    "table": ("table", "tables"), "column": ("column", "columns"), "object": ("object", "objects"),
    "view": ("view", "views"), "virtual table": ("virtual table", "virtual tables"), "sequence": ("sequence", "sequences"),
}  # (one, many)
#: Warnings about a design object other than a table open with its noun and name: `view actor_info is …`.
_NAMED_OBJECTS = {"view": "views", "virtual table": "virtual_tables", "sequence": "sequences"}
_NAMED_OBJECT = re.compile(r"^(?P<noun>view|virtual table|sequence) (?P<name>[^\s:]+) (?!.*: )")


@dataclass
class _Said:
    target: str
    warning: str  # as the target said it, without the target
    kind: str | None = None  # "table", "column", "object" (table.index, table.trigger…); None: no place
    place: str = ""
    template: str = ""  # the message with the place's names and the target's word marked
    plain: str = ""  # the message with only the target's word marked


def _mark(text: str, name: str, mark: str) -> str:
    """`text` with `name` (where it stands as a name, not inside a longer word) replaced by `mark`."""
    return re.sub(rf"(?<![A-Za-z0-9$]){re.escape(name)}(?![A-Za-z0-9$])", lambda _: mark, text)


def _read(design: Design, target: str, warning: str) -> _Said:
    said = _Said(target, warning)
    named = _NAMED_OBJECT.match(warning)
    if named and named["name"] in getattr(design, _NAMED_OBJECTS[named["noun"]]):
        said.kind, said.place = named["noun"], named["name"]
        said.template = _target_marked(target, warning[: named.start("name")] + _NAME_MARK + warning[named.end("name") :])
        said.plain = said.template
        return said
    place, separator, message = warning.partition(": ")
    if not separator or not place or " " in place:
        return said
    kind, table, second = None, place, None
    if place in design.tables:
        kind = "table"
    elif "." in place:
        table, _, second = place.rpartition(".")
        if table in design.tables:
            kind = "column" if second in design.tables[table].columns else "object"
    if kind is None:
        return said
    template = message
    if second is not None:
        template = _mark(template, second, _COLUMN_MARK if kind == "column" else _NAME_MARK)
    template = _mark(template, table, _TABLE_MARK)
    said.kind, said.place, said.template = kind, place, _target_marked(target, template)
    said.plain = _target_marked(target, message)
    return said


def _target_marked(target: str, text: str) -> str:
    word = TARGET_WORDS.get(target)
    return text.replace(word, _TARGET_MARK) if word else text


def _names(places: list[str]) -> str:
    shown = ", ".join(places[:SHOWN_NAMES])
    return f"{shown} and {len(places) - SHOWN_NAMES} more" if len(places) > SHOWN_NAMES else shown


def group_warnings(design: Design, said: list[tuple[str, str]]) -> list[str]:
    """One line per fact, from each target's warnings (`target`, `place: message`).

    Warnings that say the same of many tables or columns (the message the same once the place's
    own names are set aside: `default nextval('actor_actor_id_seq')` for actor.actor_id is
    `default nextval('<table>_<column>_seq')`) become one line with the count and the first names;
    the same group from several targets (the same message but for the target's own name, the same
    places) becomes one line naming them all. A warning alone keeps its own words. Nothing is
    dropped: each grouped line says how many it stands for, and `warning_details` keeps them all.
    """
    read = [_read(design, target, warning) for target, warning in said]
    # First the messages said word for word of several places; then, of those left alone, the
    # ones alike once each place's own names are marked (so a table called `store` does not keep
    # "… (store UTC)" from joining the same words said of every other table).
    word_for_word: dict[tuple, list[int]] = {}
    for index, item in enumerate(read):
        if item.kind:
            word_for_word.setdefault((item.target, item.kind, item.plain), []).append(index)
    group_of: dict[int, tuple] = {}
    for key, indexes in word_for_word.items():
        if len(indexes) > 1:
            group_of.update((index, ("plain", *key)) for index in indexes)
    groups: dict[tuple, list[_Said]] = {}
    for index, item in enumerate(read):
        if index not in group_of:
            group_of[index] = ("marked", item.target, item.kind, item.template) if item.kind else ("alone", index)
        groups.setdefault(group_of[index], []).append(item)
    # Then the same group from several targets: the same places, the same words but each target's name.
    merged: dict[tuple, list[list[_Said]]] = {}
    for key, members in groups.items():
        if key[0] != "alone":
            template = members[0].plain if key[0] == "plain" else members[0].template
            key = (members[0].kind, template, tuple(member.place for member in members))
        merged.setdefault(key, []).append(members)
    lines = []
    for key, sets in merged.items():
        targets = [members[0].target for members in sets]
        words = "/".join(dict.fromkeys(TARGET_WORDS.get(target, target) for target in targets))
        members = sets[0]
        first = members[0]
        if len(members) == 1:
            own = TARGET_WORDS.get(first.target)
            text = first.warning.replace(own, words) if len(sets) > 1 and own else first.warning
            lines.append(f"{', '.join(targets)}: {text}")
            continue
        plural = _KIND_WORDS[first.kind][1]
        places = [member.place for member in members]
        lines.append(f"{', '.join(targets)}: {key[1].replace(_TARGET_MARK, words)} — {len(places)} {plural}: {_names(places)}")
    return lines
