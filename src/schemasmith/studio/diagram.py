"""The ER diagram's data: tables, columns with their key markers, relationships with cardinality.

The page draws and lays out; this module decides what a marker or a cardinality *is*, from the
design's keys, so the diagram says exactly what the generated DDL will enforce.
"""

from __future__ import annotations

from typing import Any

from ..model.document import Design, ForeignKey, Table


def _unique_sets(table: Table) -> list[frozenset[str]]:
    """Column sets the table holds unique: its primary key, unique constraints and unique indexes."""
    sets = [frozenset(table.primary_key)] if table.primary_key else []
    sets += [frozenset(constraint.columns) for constraint in table.unique]
    for index in table.indexes:
        # Only plain unique indexes over columns ("col desc" is the column col); an expression or
        # a partial index does not make the column itself unique.
        if index.unique and index.columns and not index.expressions and not index.where and not index.definition:
            sets.append(frozenset(_index_column(column, table) for column in index.columns))
    return sets


def _index_column(text: str, table: Table) -> str:
    """The column an index key names: the key itself when a column is so named (names may hold
    spaces), else the key without its ordering words."""
    if text in table.columns:
        return text
    words = text.split()
    while words and words[-1].lower() in ("asc", "desc", "nulls", "first", "last"):
        words.pop()
    return " ".join(words)


def _is_unique(table: Table, columns: list[str]) -> bool:
    """Whether some unique set is contained in `columns` (then at most one row per value)."""
    wanted = frozenset(columns)
    return any(unique and unique <= wanted for unique in _unique_sets(table))


def cardinality(table: Table, foreign_key: ForeignKey) -> dict[str, str]:
    """Both ends of a relationship in crow's-foot terms.

    The referencing side is "many" unless its columns are unique (a 1:1); the referenced side is
    "one", or "zero-or-one" when a referencing column may be NULL (the row need not point anywhere).
    """
    optional = any(table.columns[name].nullable for name in foreign_key.columns if name in table.columns)
    child = "zero-or-one" if _is_unique(table, foreign_key.columns) else "many"
    parent = "zero-or-one" if optional else "one"
    label = ("1" if child == "zero-or-one" else "N") + ":" + ("0..1" if optional else "1")
    return {"from": child, "to": parent, "label": label}


def _column(name: str, column, table: Table, fk_columns: set[str], unique_columns: set[str]) -> dict[str, Any]:
    return {
        "name": name,
        "type": column.type,
        "nullable": column.nullable,
        "pk": name in table.primary_key,
        "fk": name in fk_columns,
        "unique": name in unique_columns,
        "default": None if column.default is None else str(column.default.value),
        "comment": column.comment,
    }


def table_node(name: str, table: Table) -> dict[str, Any]:
    fk_columns = {column for foreign_key in table.foreign_keys for column in foreign_key.columns}
    # A column is marked unique only when it alone is unique; composite sets show in the details.
    unique_columns = {next(iter(unique)) for unique in _unique_sets(table) if len(unique) == 1}
    unique_columns -= set(table.primary_key) if len(table.primary_key) == 1 else set()
    return {
        "name": name,
        "kind": "table",
        "comment": table.comment,
        "rationale": table.rationale,
        "expected_rows": table.expected_rows,
        "primary_key": list(table.primary_key),
        "unique": [list(constraint.columns) for constraint in table.unique],
        "columns": [_column(column_name, column, table, fk_columns, unique_columns) for column_name, column in table.columns.items()],
    }


def relationships(design: Design) -> list[dict[str, Any]]:
    edges = []
    for name, table in design.tables.items():
        for position, foreign_key in enumerate(table.foreign_keys):
            edges.append({
                "id": f"{name}#{position}",
                "name": foreign_key.name,
                "from": name,
                "from_columns": list(foreign_key.columns),
                "to": foreign_key.references.table,
                "to_columns": list(foreign_key.references.columns),
                "on_delete": foreign_key.on_delete,
                "cardinality": cardinality(table, foreign_key),
            })
    return edges


def view_node(name: str, view) -> dict[str, Any]:
    return {
        "name": name,
        "kind": "materialized view" if view.materialized else "view",
        "comment": view.comment,
        "query": view.query,
        "columns": [{"name": column, "type": "", "nullable": True, "pk": False, "fk": False, "unique": False,
                     "default": None, "comment": view.column_comments.get(column)} for column in view.columns],
    }


def diagram(design: Design) -> dict[str, Any]:
    """Everything the page draws, in the design's own order (the layout engine decides places)."""
    nodes = [table_node(name, table) for name, table in design.tables.items()]
    nodes += [view_node(name, view) for name, view in design.views.items()]
    known = {node["name"] for node in nodes}
    # A reference to a table the design does not hold (imported partial schemas) is not drawn.
    edges = [edge for edge in relationships(design) if edge["to"] in known]
    return {"name": design.name, "description": design.description, "nodes": nodes, "edges": edges}
