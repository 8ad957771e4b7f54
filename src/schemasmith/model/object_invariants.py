"""Cross-references of the format-2 sections: schemas named before use, types that exist, parents of partitions.

Kept apart from `invariants.py` (tables, keys, enums) so each file reads as one family of checks.
"""

from __future__ import annotations

from .document import Design
from .types import UnknownTypeError, parse_type

#: Sections whose keys name objects that live in a schema.
QUALIFIED_SECTIONS = ("enums", "domains", "types", "sequences", "collations", "tables", "views")


def check_object_invariants(design: Design, report) -> None:
    """Report (message, path, where) for every broken cross-reference of the object sections."""
    declared = set(design.schemas) | {"public"}
    for section in QUALIFIED_SECTIONS:
        for name in getattr(design, section):
            _check_schema(name, declared, (section, name), report)
    for signature in design.functions:
        _check_schema(signature.split("(", 1)[0], declared, ("functions", signature), report)
    for table_name, table in design.tables.items():
        base = ("tables", table_name)
        for key, parent in [("partition_of", table.partition_of), *(("inherits", name) for name in table.inherits)]:
            if parent is not None and parent not in design.tables:
                report(f"{key} names table {parent!r}, which is not in the design", base + (key,), table_name)
        if table.partition_of is not None and table.partition_bound is None:
            report("a partition needs partition_bound (FOR VALUES … or DEFAULT)", base + ("partition_of",), table_name)
        for column_name, column in table.columns.items():
            if "domain:" in column.type or "type:" in column.type:  # only these name another section
                _check_type(design, column.type, base + ("columns", column_name, "type"), f"{table_name}.{column_name}", report)
    for name, domain in design.domains.items():
        _check_type(design, domain.type, ("domains", name, "type"), f"domain {name}", report)
    for name, composite in design.types.items():
        for attribute, text in composite.attributes.items():
            _check_type(design, text, ("types", name, "attributes", attribute), f"type {name}.{attribute}", report)
        if not composite.attributes and composite.definition is None:
            report("a type needs attributes or a definition", ("types", name), f"type {name}")


def _check_schema(name: str, declared: set[str], path: tuple, report) -> None:
    schema, dot, rest = name.partition(".")
    if dot and rest and schema not in declared:
        report(f"schema {schema!r} is not declared under `schemas` (a name with a dot is schema.name)", path, name)


def _check_type(design: Design, text: str, path: tuple, where: str, report) -> None:
    try:
        portable = parse_type(text)
    except UnknownTypeError:
        return  # the document model reported it already
    if portable.is_array and portable.element is not None:
        portable = portable.element
    native = portable.native or ""
    for prefix, section in (("domain:", "domains"), ("type:", "types")):
        if native.startswith(prefix) and native[len(prefix):] not in getattr(design, section):
            report(f"type {text} names {section[:-1]} {native[len(prefix):]!r}, which is not in `{section}`", path, where)
