"""What in a design depends on a table or a column: keys, constraints, indexes, triggers, policies, queries."""

from __future__ import annotations

import re

from ..model import naming
from ..model.document import Design, Table
from .model import Dependent, one_line
from .queries import mentions, query_references


def _columns_text(columns: list[str]) -> str:
    return ", ".join(columns)


def _foreign_key_detail(table: str, foreign_key) -> str:
    text = f"{table}({_columns_text(foreign_key.columns)}) → {foreign_key.references.table}({_columns_text(foreign_key.references.columns)})"
    if foreign_key.on_delete:
        text += f", on delete {foreign_key.on_delete}"
    if foreign_key.on_update:
        text += f", on update {foreign_key.on_update}"
    return text


def _used(columns: list[str], column: str | None) -> list[str]:
    return [c for c in columns if column is None or c == column]


def _key_dependents(design: Design, table_name: str, column: str | None) -> list[Dependent]:
    """The primary key, foreign keys both ways, unique and check constraints on the target."""
    table = design.tables[table_name]
    found: list[Dependent] = []
    if table.primary_key and (column is None or column in table.primary_key):
        found.append(Dependent("primary_key", naming.table_primary_key_name(table_name, table), table_name,
                               f"PRIMARY KEY ({_columns_text(table.primary_key)})", columns=_used(table.primary_key, column)))
    for foreign_key in table.foreign_keys:
        if column is None or column in foreign_key.columns:
            self_reference = foreign_key.references.table == table_name
            found.append(Dependent("foreign_key", foreign_key.name or naming.foreign_key_name(table_name, foreign_key.columns), table_name,
                                   _foreign_key_detail(table_name, foreign_key), "self" if self_reference and column is None else "outgoing",
                                   columns=_used(foreign_key.columns, column)))
    for other_name, other in design.tables.items():
        for foreign_key in other.foreign_keys:
            if foreign_key.references.table != table_name:
                continue
            if column is None and other_name == table_name:
                continue  # listed above as a self-reference
            if column is None or column in foreign_key.references.columns:
                found.append(Dependent("foreign_key", foreign_key.name or naming.foreign_key_name(other_name, foreign_key.columns), other_name,
                                       _foreign_key_detail(other_name, foreign_key), "incoming",
                                       columns=_used(foreign_key.references.columns, column)))
    for unique in table.unique:
        if column is None or column in unique.columns:
            found.append(Dependent("unique", unique.name or naming.unique_name(table_name, unique.columns), table_name,
                                   f"UNIQUE ({_columns_text(unique.columns)})", columns=_used(unique.columns, column)))
    for position, check in enumerate(table.checks):
        if column is None or mentions(check.expression, column):
            found.append(Dependent("check", check.name or naming.check_name(table_name, position), table_name,
                                   f"CHECK ({check.expression})", columns=[column] if column else []))
    for column_name, definition in table.columns.items():
        if definition.type.startswith("enum:") and column in (None, column_name) and design.conventions.enum_style == "check":
            found.append(Dependent("check", naming.enum_check_name(table_name, column_name, definition.type[5:]), table_name,
                                   f"CHECK ({column_name} IN the values of enum {definition.type[5:]})", columns=[column_name]))
    return found


def _index_dependents(table_name: str, table: Table, column: str | None) -> list[Dependent]:
    """Indexes using the target in their keys, expressions, partial `where` or `include`."""
    found: list[Dependent] = []
    known = set(table.columns)
    for name, index in zip(naming.index_names(table_name, table), table.indexes):
        keys = [key.column for key in index.keys(known)]
        parts = []
        if column is None or column in keys:
            parts.append("key")
        if column is not None and any(mentions(expression, column) for expression in index.expressions):
            parts.append("expression")
        if column is not None and mentions(index.where, column):
            parts.append("where")
        if column is not None and column in index.include:
            parts.append("include")
        if column is None or parts:
            shown = [str(key) for key in index.keys(known)] + list(index.expressions)
            detail = ("UNIQUE " if index.unique else "") + f"{table_name} " + (f"USING {index.method} " if index.method != "btree" else "")
            detail += f"({_columns_text(shown)})"
            if index.include:
                detail += f" INCLUDE ({_columns_text(index.include)})"
            if index.where:
                detail += f" WHERE {index.where}"
            if index.serves:
                detail += f"; serves {', '.join(index.serves)}"
            if column is not None and parts != ["key"]:
                detail += f"; uses {column} in its {' and '.join(parts)}"
            found.append(Dependent("index", name, table_name, detail, columns=[column] if column else []))
    return found


def _behaviour_dependents(table_name: str, table: Table, column: str | None) -> list[Dependent]:
    """Triggers, row-level-security policies and generated columns that use the target."""
    found: list[Dependent] = []
    for trigger in table.triggers:
        name = naming.trigger_name(table_name, trigger.kind, trigger.column)
        related = trigger.column == column or (trigger.kind == "max_depth" and column in table.primary_key)
        if column is None or related:
            if trigger.kind == "updated_at":
                detail = f"BEFORE UPDATE: sets {trigger.column} = now()"
            else:
                detail = f"BEFORE INSERT OR UPDATE: {trigger.column} trees at most {trigger.depth} level(s) deep"
            found.append(Dependent("trigger", name, table_name, detail, columns=[column] if column else []))
    for policy in table.policies:
        if column is None or mentions(policy.using, column) or mentions(policy.with_check, column):
            detail = f"FOR {policy.command.upper()}"
            if policy.using:
                detail += f" USING ({policy.using})"
            if policy.with_check:
                detail += f" WITH CHECK ({policy.with_check})"
            found.append(Dependent("policy", policy.name, table_name, detail, columns=[column] if column else []))
    for column_name, definition in table.columns.items():
        if definition.generated and column_name != column and (column is None or mentions(definition.generated, column)):
            found.append(Dependent("generated_column", f"{table_name}.{column_name}", table_name,
                                   f"GENERATED ALWAYS AS ({definition.generated}) STORED", columns=[column] if column else []))
    return found


def _query_dependents(design: Design, table_name: str, column: str | None, warnings: list[str]) -> list[Dependent]:
    """The workload's queries that read or write the target (by their words when the parser cannot read one)."""
    found: list[Dependent] = []
    for query in design.queries:
        try:
            references = query_references(design, query.sql)
        except ValueError as error:
            warnings.append(f"query {query.id}: PostgreSQL's parser cannot read it ({error}); matched by its words instead")
            words = {word.lower() for word in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", query.sql)}
            if table_name.lower() in words and (column is None or column.lower() in words):
                found.append(Dependent("query", query.id, table_name, one_line(query.sql), columns=[column] if column else []))
            continue
        relevant = [r for r in references if r.table == table_name and (column is None or r.column in (column, "*"))]
        if not relevant:
            continue
        clauses = list(dict.fromkeys(r.clause for r in relevant if column is not None or r.column is not None or r.clause != "from"))
        if column is None:
            used = list(dict.fromkeys(r.column for r in relevant if r.column))
        else:
            used = [column]
        if not clauses:
            clauses = ["from"]
        found.append(Dependent("query", query.id, table_name, one_line(query.sql), columns=used, clauses=clauses))
    return found


def design_dependents(design: Design, table_name: str, column: str | None) -> tuple[list[Dependent], list[str]]:
    """What in the design depends on `table_name` (or one of its columns)."""
    table = design.tables[table_name]
    warnings: list[str] = []
    found = _key_dependents(design, table_name, column)
    found += _index_dependents(table_name, table, column)
    found += _behaviour_dependents(table_name, table, column)
    found += _query_dependents(design, table_name, column, warnings)
    return found, warnings
