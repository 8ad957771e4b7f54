"""Invariants of a design that no single field can check: references between its parts.

Each problem names its place as table.column (or table.constraint) and, when the design came
from a file, the line it was written on. These are errors — a design that breaks one cannot be
turned into DDL that applies. Style and judgement calls belong to the review rules instead.
"""

from __future__ import annotations

from ..errors import Problem
from .document import Design, Table
from .locations import UNLOCATED, Locator
from .object_invariants import check_object_invariants
from .types import INTEGER_KINDS, TEXT_KINDS, PortableType

#: PostgreSQL truncates longer identifiers silently (NAMEDATALEN - 1 bytes).
MAX_IDENTIFIER_BYTES = 63


def type_family(portable: PortableType) -> str:
    """Types in one family can reference each other (integer → bigint, varchar → text)."""
    if portable.kind in INTEGER_KINDS:
        return "integer"
    if portable.kind in TEXT_KINDS:
        return "text"
    if portable.is_array:
        return "array:" + type_family(portable.element)  # type: ignore[arg-type]
    if portable.is_enum:
        return f"enum:{portable.enum}"
    return portable.kind


def check_invariants(design: Design, lines: Locator | None = None) -> list[Problem]:
    """All invariant problems of a design, in document order (empty when it is consistent)."""
    lines = lines or UNLOCATED
    problems: list[Problem] = []

    def report(message: str, path: tuple, where: str) -> None:
        problems.append(lines.problem(message, path, where))

    for enum_name, values in design.enums.items():
        path = ("enums", enum_name)
        if not values:
            report("an enum needs at least one value", path, f"enum {enum_name}")
        duplicates = sorted({value for value in values if values.count(value) > 1})
        if duplicates:
            report(f"repeated values {duplicates}", path, f"enum {enum_name}")
        _check_name_length(enum_name, path, f"enum {enum_name}", report)

    query_ids = [query.id for query in design.queries]
    for index, query in enumerate(design.queries):
        if query_ids.count(query.id) > 1 and query_ids.index(query.id) != index:
            report(f"query id {query.id!r} is used twice", ("queries", index, "id"), f"query {query.id}")

    index_names: dict[str, str] = {}
    for table_name, table in design.tables.items():
        _check_table(design, table_name, table, report, set(query_ids), index_names)
    check_object_invariants(design, report)
    return problems


def _check_name_length(name: str, path: tuple, where: str, report) -> None:
    if name and len(name) <= MAX_IDENTIFIER_BYTES and name.isascii() and "." not in name and "\x00" not in name:
        return  # the common case, decided without splitting or encoding (ASCII: one byte a character)
    name = name.split(".", 1)[1] if "." in name and name.split(".", 1)[0] and name.split(".", 1)[1] else name
    if not name:
        report("names cannot be empty", path, where)
    elif "\x00" in name:
        report("names cannot contain a NUL character, which PostgreSQL cannot store", path, where.replace("\x00", "\\x00"))
    elif len(name.encode("utf-8")) > MAX_IDENTIFIER_BYTES:
        report(
            f"name is {len(name.encode('utf-8'))} bytes; PostgreSQL keeps only {MAX_IDENTIFIER_BYTES}"
            " and would silently truncate it",
            path,
            where,
        )


def _check_table(design: Design, table_name: str, table: Table, report, query_ids: set[str], index_names) -> None:
    base = ("tables", table_name)
    shown = table_name or "table ''"  # an empty name still names a place in the message
    _check_name_length(table_name, base, shown, report)
    columns = table.columns  # PostgreSQL allows a table without columns (`CREATE TABLE t ()`), so the design does

    def need_column(name: str, path: tuple, what: str) -> bool:
        if name not in columns:
            report(f"{what} names column {name!r}, which {table_name} does not have", path, f"{table_name}.{name}")
            return False
        return True

    for column_name, column in columns.items():
        path = base + ("columns", column_name)
        where = f"{table_name}.{column_name}"
        _check_name_length(column_name, path, where, report)
        portable = column.portable_type
        element = portable.element if portable.is_array else portable
        if element is not None and element.is_enum and element.enum not in design.enums:
            report(f"type {column.type} names enum {element.enum!r}, which is not in `enums`", path, where)
        if column.identity and not portable.is_integer:
            report(f"identity needs an integer type, not {column.type}", path, where)
        if column.identity and column.default is not None:
            report("a column cannot have both identity and a default", path, where)
        if column.generated and (column.default is not None or column.identity):
            report("a generated column cannot also have a default or identity", path, where)
        if (
            portable.is_enum
            and column.default is not None
            and not column.default.is_expression
            and portable.enum in design.enums
            and column.default.value not in design.enums[portable.enum]
        ):
            report(
                f"default {column.default.value!r} is not a value of enum {portable.enum}"
                f" ({', '.join(design.enums[portable.enum])})",
                path,
                where,
            )

    for position, name in enumerate(table.primary_key):
        if need_column(name, base + ("primary_key", position), "the primary key") and columns[name].nullable:
            report("a primary-key column cannot be nullable", base + ("columns", name), f"{table_name}.{name}")

    for position, unique in enumerate(table.unique):
        for name in unique.columns:
            need_column(name, base + ("unique", position), "a unique constraint")

    for position, foreign_key in enumerate(table.foreign_keys):
        _check_foreign_key(design, table_name, table, position, foreign_key, report, need_column)

    known = set(columns)
    for position, index in enumerate(table.indexes):
        path = base + ("indexes", position)
        for key in index.keys(known):
            need_column(key.column, path, "an index")
        for name in index.include:
            need_column(name, path, "an index's include")
        for query_id in index.serves:
            if query_id not in query_ids:
                report(f"index serves query {query_id!r}, which is not in `queries`", path, table_name)
        if index.name:
            _check_name_length(index.name, path, f"{table_name}.{index.name}", report)
            if index.name in index_names:
                report(
                    f"index name {index.name!r} is already used on {index_names[index.name]}"
                    " (index names are shared by the whole schema)",
                    path,
                    f"{table_name}.{index.name}",
                )
            index_names[index.name] = table_name

    for position, trigger in enumerate(table.triggers):
        path = base + ("triggers", position)
        if trigger.column is None or not need_column(trigger.column, path, f"the {trigger.kind} trigger"):
            continue
        if trigger.kind == "updated_at":
            if columns[trigger.column].portable_type.kind not in ("timestamp", "timestamptz"):
                report("the updated_at trigger needs a timestamp or timestamptz column", path, f"{table_name}.{trigger.column}")
        if trigger.kind == "max_depth":
            self_references = [
                fk for fk in table.foreign_keys if fk.references.table == table_name and fk.columns == [trigger.column]
            ]
            if not self_references:
                report(
                    f"max_depth needs {trigger.column} to be a foreign key to {table_name} itself",
                    path,
                    f"{table_name}.{trigger.column}",
                )

    constraint_names = [
        item.name for item in [*table.unique, *table.checks, *table.foreign_keys] if item.name is not None
    ]
    for name in sorted({name for name in constraint_names if constraint_names.count(name) > 1}):
        report(f"constraint name {name!r} is used twice", base, f"{table_name}.{name}")
    for name in constraint_names:
        _check_name_length(name, base, f"{table_name}.{name}", report)


def _check_foreign_key(design, table_name, table, position, foreign_key, report, need_column) -> None:
    path = ("tables", table_name, "foreign_keys", position)
    target_name = foreign_key.references.table
    label = f"{table_name}({', '.join(foreign_key.columns)})"
    local_ok = all([need_column(name, path, "a foreign key") for name in foreign_key.columns])
    target = design.tables.get(target_name)
    if target is None:
        report(f"foreign key references table {target_name!r}, which is not in the design", path, label)
        return
    missing = [name for name in foreign_key.references.columns if name not in target.columns]
    if missing:
        report(f"foreign key references {target_name}.{missing[0]}, which does not exist", path, label)
        return
    if len(foreign_key.columns) != len(foreign_key.references.columns):
        report(
            f"foreign key has {len(foreign_key.columns)} column(s) but references"
            f" {len(foreign_key.references.columns)} in {target_name}",
            path,
            label,
        )
        return
    if not local_ok:
        return
    referenced = list(foreign_key.references.columns)
    candidate_keys = [target.primary_key] + [unique.columns for unique in target.unique]
    candidate_keys += [index.columns for index in target.indexes if index.unique and not index.where and not index.expressions]
    if not any(sorted(key) == sorted(referenced) for key in candidate_keys if key):
        report(
            f"foreign key references {target_name}({', '.join(referenced)}), which is neither its primary key"
            " nor unique",
            path,
            label,
        )
    for local, remote in zip(foreign_key.columns, referenced):
        local_type = table.columns[local].portable_type
        remote_type = target.columns[remote].portable_type
        if type_family(local_type) != type_family(remote_type):
            report(
                f"{table_name}.{local} is {local_type} but references {target_name}.{remote} of type {remote_type}",
                path,
                f"{table_name}.{local}",
            )
    for action in (foreign_key.on_delete, foreign_key.on_update):
        if action == "set null":
            not_null = [name for name in foreign_key.columns if not table.columns[name].nullable]
            if not_null:
                report(
                    f"ON ... SET NULL on a NOT NULL column: {table_name}.{not_null[0]} cannot be set to null",
                    path,
                    f"{table_name}.{not_null[0]}",
                )
                break

