"""Constraints that keep data honest: unique keys with NULLs, enum-like text, junction pairs, trees."""

from __future__ import annotations

import re

from ...model import naming
from ...model.document import Index
from ...model.expressions import same_expression
from ..context import Context
from ..definition import rule
from ..finding import Violation
from ..fixes import Flow
from ..words import regex, singular

NULLS_NOT_DISTINCT_VERSION = 15


@rule("SS106", "nullable-column-in-unique", "warning", "integrity")
def nullable_column_in_unique(ctx: Context):
    """
    ## What it does
    Finds multi-column unique constraints that do not hold when a column is NULL. A unique
    constraint (or plain unique index) over two or more columns, one of them nullable, lets rows
    with a NULL there repeat, unless NULLs are declared equal (`nulls_not_distinct`) or a partial
    unique index covers those rows. A single nullable unique column is not reported: "unique
    when present" is what it usually means.

    ## Why is this bad?
    In SQL two NULLs are never equal, so a row with a NULL in any of the columns never collides
    with another: `unique (organization_id, parent_id, name)` lets any number of root folders
    (parent_id NULL) share a name. The constraint looks like it protects the data and does not
    for exactly the rows where it matters.

    ## Example
    ```yaml
    tables:
      folders:
        columns:
          id: {type: uuid}
          parent_id: {type: uuid, nullable: true}
          name: {type: text}
        primary_key: [id]
        unique:
          - {columns: [parent_id, name]}
    ```

    ## Use instead
    ```yaml
    conventions: {postgres_version: 15}
    tables:
      folders:
        columns:
          id: {type: uuid}
          parent_id: {type: uuid, nullable: true}
          name: {type: text}
        primary_key: [id]
        unique:
          - {columns: [parent_id, name], nulls_not_distinct: true}
    ```
    """
    version = ctx.design.conventions.postgres_version
    for name, table in ctx.design.tables.items():
        known = set(table.columns)
        candidates = [(unique.name or naming.unique_name(name, unique.columns), list(unique.columns), unique.nulls_not_distinct, unique) for unique in table.unique]
        index_names = naming.index_names(name, table)
        candidates += [
            (index_name, [key.column for key in index.keys(known)], False, index)
            for index_name, index in zip(index_names, table.indexes)
            if index.unique and not index.where and not index.expressions
        ]
        for constraint, columns, not_distinct, item in candidates:
            if not_distinct or len(columns) < 2:
                continue
            nullable = [column for column in columns if column in table.columns and table.columns[column].nullable]
            if not nullable:
                continue
            others = [column for column in columns if column not in nullable]
            where = " AND ".join(f"{column} IS NULL" for column in nullable)
            if any(
                index.unique and index.where and {key.column for key in index.keys(known)} == set(others or columns)
                and same_expression(index.where, where)
                for index in table.indexes
            ):
                continue  # the NULL rows have their own partial unique index
            if ctx.sql.rebuilds_tables or version < NULLS_NOT_DISTINCT_VERSION:
                index = Index(columns=others or columns, unique=True, where=where)
                sql = ctx.sql.create_index(name, table, index)
                design = ctx.patch(name, indexes=[{"columns": others or columns, "unique": True, "where": where, "reason": f"Unique also when {', '.join(nullable)} is NULL."}])
                how = f"add a partial unique index for the rows where {', '.join(nullable)} IS NULL"
                if not ctx.sql.rebuilds_tables:
                    how += f" (or NULLS NOT DISTINCT from PostgreSQL {NULLS_NOT_DISTINCT_VERSION} on)"
            else:
                clause = f"UNIQUE NULLS NOT DISTINCT ({ctx.sql.columns(columns)})"
                sql = f"ALTER TABLE {ctx.sql.q(name)} DROP CONSTRAINT {ctx.sql.q(constraint)},\n    ADD CONSTRAINT {ctx.sql.q(constraint)} {clause};"
                design = ctx.patch(name, unique=[{"columns": columns, "nulls_not_distinct": True}])
                how = "declare NULLS NOT DISTINCT"
            yield Violation(
                table=name,
                column=nullable[0],
                constraint=constraint,
                message=f"unique ({', '.join(columns)}) does not hold when {', '.join(nullable)} is NULL",
                reason=f"NULLs never collide, so rows with {', '.join(nullable)} NULL may repeat ({', '.join(others) or 'the other columns'})"
                f" freely; {how}, or make the column NOT NULL.",
                sql=sql,
                design=design,
            )


ENUM_LIKE = ("status", "role", "kind", "type", "priority", "severity", "visibility", "stage")
_ENUM_LIKE_NAME = re.compile(r"^(?:status|role|kind|type|priority|severity|visibility|stage)$|_(?:status|role|kind|priority|severity|visibility)$")
_VALUE = re.compile(r"'((?:[^']|'')*)'")


@rule("SS107", "enum-like-text-without-check", "warning", "integrity")
def enum_like_text_without_check(ctx: Context):
    """
    ## What it does
    Finds free-text columns that hold one of a few values. Their name says so — `status`,
    `role`, `kind`, `type`, `priority`, `severity`, `visibility`, `stage`, or a name ending in
    `_status`, `_role`, `_kind`, `_priority` — and no CHECK constraint, enum type or foreign key
    to a lookup table limits them.

    ## Why is this bad?
    Every application path that writes the column must then agree on the spelling, and one
    day one of them writes `Done` next to `done`, or `in_progress` next to `in-progress`.
    Reports group by the column and silently split; code that switches on the value meets
    values it never heard of. An enum (or a CHECK listing the values) makes the database
    refuse them at the door.

    ## Example
    ```yaml
    tables:
      tickets:
        columns:
          id: {type: uuid}
          status: {type: text, default: open}
        primary_key: [id]
    ```

    ## Use instead
    ```yaml
    enums:
      ticket_status: [open, pending, closed]
    tables:
      tickets:
        columns:
          id: {type: uuid}
          status: {type: "enum:ticket_status", default: open}
        primary_key: [id]
    ```
    """
    for name, table in ctx.design.tables.items():
        checked = None
        referencing = {column for fk in table.foreign_keys for column in fk.columns}
        for column_name, column in table.columns.items():
            if not column.portable_type.is_textual or not _ENUM_LIKE_NAME.search(column_name.lower()):
                continue
            if column_name in referencing:
                continue
            if checked is None:
                checked = ctx.checked_columns(table)
            if column_name in checked:
                continue
            values = _known_values(ctx, name, column_name, column)
            enum_name = f"{singular(name)}_{column_name}"
            listed = ", ".join(ctx.sql.literal(value) for value in values)
            clause = f"CHECK ({ctx.sql.q(column_name)} IN ({listed}))"
            design_values = [value for value in values if value != "…"] or ["VALUE_1", "VALUE_2"]
            default = column.default.to_yaml() if column.default is not None else None
            design = None
            if ctx.from_design:
                from ..fixes import yaml_snippet

                column_data = {"type": f"enum:{enum_name}"}
                if default is not None:
                    column_data["default"] = default
                if column.nullable:
                    column_data["nullable"] = True
                design = yaml_snippet({"enums": {enum_name: Flow(design_values)}, "tables": {name: {"columns": {column_name: Flow(column_data)}}}})
            found = f" (values seen: {', '.join(v for v in values if v != '…')})" if any(v != "…" for v in values) else ""
            yield Violation(
                table=name,
                column=column_name,
                message=f"{name}.{column_name} is free text but holds one of a few values{found}",
                reason="Without an enum or a CHECK any spelling gets in (Done, done, in_progress, in-progress) and"
                " reports split silently; list the values once and let the database refuse the others.",
                sql=ctx.sql.add_constraint(name, f"{name}_{column_name}_check", clause),
                design=design,
            )


def _known_values(ctx: Context, table: str, column_name: str, column) -> list[str]:
    """Values the design shows for a column: its default and literals compared with it in queries."""
    values: list[str] = []
    if column.default is not None and not column.default.is_expression:
        values.append(str(column.default.value))
    pattern = regex(rf"(?<![A-Za-z0-9_]){re.escape(column_name)}\s*(?:=|<>|!=)\s*'((?:[^']|'')*)'", re.IGNORECASE)
    in_list = regex(rf"(?<![A-Za-z0-9_]){re.escape(column_name)}\s+(?:not\s+)?in\s*\(([^)]*)\)", re.IGNORECASE)
    for query in ctx.queries_about(table):
        values.extend(match.replace("''", "'") for match in pattern.findall(query.sql))
        for group in in_list.findall(query.sql):
            values.extend(match.replace("''", "'") for match in _VALUE.findall(group))
    unique = list(dict.fromkeys(values))
    return unique + ["…"] if len(unique) < 2 else unique


@rule("SS108", "junction-without-unique-pair", "error", "integrity")
def junction_without_unique_pair(ctx: Context):
    """
    ## What it does
    Finds junction tables that can store the same link twice. A junction — declared
    `kind: junction`, or two foreign keys and nothing else but a surrogate id and audit fields —
    needs a primary key or unique constraint over exactly its two foreign keys.

    ## Why is this bad?
    A many-to-many link exists once or not at all. Without a key over the pair, a double click
    or a retried request stores the same link twice: a user is twice in a project, counts are
    off, and deleting "the" link leaves a copy behind. The composite key also serves lookups
    from the first side, so it usually replaces an index as well.

    ## Example
    ```yaml
    tables:
      users:
        columns:
          id: {type: uuid}
        primary_key: [id]
      groups:
        columns:
          id: {type: uuid}
        primary_key: [id]
      group_members:
        columns:
          id: {type: uuid}
          group_id: {type: uuid}
          user_id: {type: uuid}
        primary_key: [id]
        foreign_keys:
          - {columns: [group_id], references: {table: groups, columns: [id]}, on_delete: cascade}
          - {columns: [user_id], references: {table: users, columns: [id]}, on_delete: cascade}
        indexes:
          - {columns: [group_id]}
          - {columns: [user_id]}
    ```

    ## Use instead
    ```yaml
    tables:
      users:
        columns:
          id: {type: uuid}
        primary_key: [id]
      groups:
        columns:
          id: {type: uuid}
        primary_key: [id]
      group_members:
        columns:
          group_id: {type: uuid}
          user_id: {type: uuid}
        primary_key: [group_id, user_id]
        foreign_keys:
          - {columns: [group_id], references: {table: groups, columns: [id]}, on_delete: cascade}
          - {columns: [user_id], references: {table: users, columns: [id]}, on_delete: cascade}
        indexes:
          - {columns: [user_id]}
    ```
    """
    for name, table in ctx.design.tables.items():
        if len(table.foreign_keys) < 2 or not ctx.is_junction(name):
            continue
        first, second = table.foreign_keys[0], table.foreign_keys[1]
        pair = [*first.columns, *second.columns]
        if any(set(pair) <= columns for columns in ctx.unique_column_sets(table)):
            continue
        constraint = naming.unique_name(name, pair)
        yield Violation(
            table=name,
            constraint=constraint,
            message=f"junction {name} does not make ({', '.join(pair)}) unique",
            reason=f"The same {singular(first.references.table)}–{singular(second.references.table)} link can be stored twice"
            " (a retried request, a double click); a unique key over the pair stops it and serves lookups by"
            f" {pair[0]}.",
            sql=ctx.sql.add_constraint(name, constraint, f"UNIQUE ({ctx.sql.columns(pair)})"),
            design=ctx.patch(name, unique=[{"columns": pair}]),
        )


_DEPTH_WORDS = re.compile(
    r"\b(?:one|two|three|four|five|\d+)\s+levels?\b|\blevels?\s+deep\b|\bno\s+deeper\b|\bdepth\b|\bnest(?:ed|ing)?\b"
    r"|\bsub(?:task|item|categor|folder|comment|page|team|project)\w*"
)
_TREE_WORDS = re.compile(r"\bhierarch\w*|\btree\b|\bcycles?\b|\bancestors?\b|\breports?\s+to\b|\bmanager\b")
_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}


@rule("SS109", "self-reference-without-depth-rule", "warning", "integrity")
def self_reference_without_depth_rule(ctx: Context):
    """
    ## What it does
    Finds trees without a depth or cycle rule where the design implies one. A tree is a
    self-referencing foreign key (a `parent_id` to the same table); the table's own words imply
    the rule ("one level deep", "no deeper", "nested", "subtasks", "hierarchy", "tree"); the
    design's `max_depth` trigger is the rule. Self-references whose documentation says nothing
    of depth or shape are not reported.

    ## Why is this bad?
    A foreign key only says that the parent exists. Nothing stops a subtask from getting its
    own subtasks when the product allows one level, or a row from becoming its own grandparent:
    a cycle that makes every recursive query loop until it hits its limit. Such rules cannot be
    a CHECK; they need a trigger, and the design's `max_depth` trigger is one (it refuses cycles
    too).

    ## Example
    ```yaml
    tables:
      tasks:
        comment: A task; subtasks are one level deep.
        columns:
          id: {type: uuid}
          parent_id: {type: uuid, nullable: true}
        primary_key: [id]
        foreign_keys:
          - {columns: [parent_id], references: {table: tasks, columns: [id]}, on_delete: cascade}
        indexes:
          - {columns: [parent_id]}
    ```

    ## Use instead
    ```yaml
    tables:
      tasks:
        comment: A task; subtasks are one level deep.
        columns:
          id: {type: uuid}
          parent_id: {type: uuid, nullable: true}
        primary_key: [id]
        foreign_keys:
          - {columns: [parent_id], references: {table: tasks, columns: [id]}, on_delete: cascade}
        indexes:
          - {columns: [parent_id]}
        triggers:
          - {kind: max_depth, column: parent_id, depth: 1}
    ```
    """
    for name, table in ctx.design.tables.items():
        for foreign_key in table.foreign_keys:
            if foreign_key.references.table != name or len(foreign_key.columns) != 1:
                continue
            column = foreign_key.columns[0]
            if any(trigger.kind == "max_depth" and trigger.column == column for trigger in table.triggers):
                continue
            prose = ctx.table_prose(name) + "\n" + (table.columns[column].comment or "").lower()
            depth_match = _DEPTH_WORDS.search(prose)
            tree_match = _TREE_WORDS.search(prose)
            if not depth_match and not tree_match:
                continue
            depth = _depth(prose)
            said = (depth_match or tree_match).group(0)  # type: ignore[union-attr]
            trigger = {"kind": "max_depth", "column": column, "depth": depth}
            yield Violation(
                table=name,
                column=column,
                message=f"{name}.{column} makes a tree but nothing bounds its depth or refuses cycles",
                reason=f"The design says \"{said}\", which a foreign key cannot enforce: rows can nest deeper, or become"
                f" their own ancestors. A max_depth trigger (depth {depth}{' — set the real bound' if depth_match is None or 'level' not in said else ''})"
                " refuses both.",
                sql=_max_depth_sql(ctx, name, column, depth),
                design=ctx.patch(name, triggers=[trigger]),
            )


def _depth(prose: str) -> int:
    match = re.search(r"\b(one|two|three|four|five|\d+)\s+levels?\b", prose)
    if match:
        word = match.group(1)
        return _NUMBERS.get(word, int(word) if word.isdigit() else 1)
    return 1 if re.search(r"\bsub\w+", prose) else 10


def _max_depth_sql(ctx: Context, table: str, column: str, depth: int) -> str:
    if ctx.sql.rebuilds_tables:
        return f"-- `schemasmith build --target sqlite` writes the max_depth triggers (INSERT and UPDATE) for {ctx.sql.q(table)}.{ctx.sql.q(column)}."
    from ...dialects import postgres

    function = postgres.max_depth_function_name(table, column)
    trigger = ctx.sql.q(naming.trigger_name(table, "max_depth", column))
    return (
        postgres.max_depth_function_sql(table, ctx.design.tables[table], column, function)
        + f"\nCREATE TRIGGER {trigger} BEFORE INSERT OR UPDATE ON {ctx.sql.q(table)}\n"
        + f"    FOR EACH ROW EXECUTE FUNCTION {ctx.sql.q(function)}({ctx.sql.literal(column)}, {ctx.sql.literal(str(depth))});"
    )
