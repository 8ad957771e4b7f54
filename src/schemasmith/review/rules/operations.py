"""Operations: audit fields the conventions ask for, updated_at kept current, soft delete."""

from __future__ import annotations

import re

from ...model.conventions import SOFT_DELETE_COLUMNS
from ..context import Context
from ..definition import rule
from ..finding import Violation
from ..fixes import column_flow

#: Words in a table's rationale or comment that explain why rows are never updated.
_NEVER_UPDATED = re.compile(
    r"never (?:updated|changed|edited|modified)|append[- ]only|immutable|insert[- ]only|added or removed|write[- ]once|no updated_at"
)
_UPDATE_FIELDS = re.compile(r"^(?:updated|modified|changed|edited)_(?:at|by|on)$")


def audit_column(field: str):
    """How an audit field is usually written: `*_at` a timestamp set on insert, `*_by` a user id."""
    if field.endswith(("_at", "_on")):
        return "timestamptz", "now()", False
    if field.endswith("_by"):
        return "uuid", None, True
    return "text", None, True


@rule("SS301", "missing-audit-fields", "warning", "operations")
def missing_audit_fields(ctx: Context):
    """
    ## What it does
    Finds tables that lack a column named in `conventions.audit_fields` (by default `created_at`
    and `updated_at`). A table whose rationale or comment explains that its rows are never
    updated ("append-only", "never updated", "added or removed, never changed") may leave out
    the update fields (`updated_at`, `updated_by`); it still needs the others.

    ## Why is this bad?
    "When did this row appear, when did it last change?" is the first question of every
    incident, support ticket and data fix, and it cannot be answered after the fact. The
    conventions promise the fields on every table; one table without them is the one the
    question will be about. Junction and log tables are the usual exception, and then the
    reason belongs in the design. A schema read from DDL or a database is held to the audit
    fields most of its own tables have, whatever their names (`last_update`, `inserted_at`, or
    none); `import` records them in `conventions.audit_fields`. Partitions are their parent's.

    ## Example
    ```yaml
    conventions: {audit_fields: [created_at, updated_at]}
    tables:
      invoices:
        columns:
          id: {type: uuid}
          number: {type: text}
        primary_key: [id]
    ```

    ## Use instead
    ```yaml
    conventions: {audit_fields: [created_at, updated_at]}
    tables:
      invoices:
        columns:
          id: {type: uuid}
          number: {type: text}
          created_at: {type: timestamptz, default: now()}
          updated_at: {type: timestamptz, default: now()}
        primary_key: [id]
    ```
    """
    fields = ctx.audit_fields
    if not fields:
        return
    for name, table in ctx.tables.items():
        missing = [field for field in fields if field not in table.columns]
        if not missing:
            continue
        explained = _NEVER_UPDATED.search(ctx.table_prose(name))
        if explained:
            missing = [field for field in missing if not _UPDATE_FIELDS.match(field)]
            if not missing:
                continue
        columns = {}
        statements = []
        for field in missing:
            type_text, default, nullable = audit_column(field)
            columns[field] = column_flow(type_text, default=default, nullable=nullable or None)
            statements.append(ctx.sql.add_column(name, field, type_text, default=default, nullable=nullable))
        junction = " (a junction table may leave out updated_at when its rationale says rows are only added or removed)" if ctx.is_junction(name) else ""
        yield Violation(
            table=name,
            message=f"{name} has no {', '.join(missing)}, which "
            + ("the conventions ask for" if ctx.from_design else "most tables of this schema have"),
            reason="Without them nobody can tell when a row appeared or last changed; add them, or say in the rationale"
            f" why this table is the exception{junction}.",
            sql="\n".join(statements),
            design=ctx.patch(name, columns=columns),
        )


@rule("SS302", "updated-at-not-maintained", "warning", "operations")
def updated_at_not_maintained(ctx: Context):
    """
    ## What it does
    Finds `updated_at` columns that nothing keeps current. In a design document the
    `updated_at` trigger is implied for every timestamp `updated_at` column, so this finds the
    ones it cannot serve: an `updated_at` of another type (a date, an epoch integer, text). In
    a schema imported from DDL or a database it finds `updated_at` columns without a trigger.

    ## Why is this bad?
    An `updated_at` that depends on every code path remembering to set it is wrong after the
    first raw UPDATE, bulk fix or new service: it then says "unchanged since March" about a row
    changed this morning, and sync jobs, caches and audits that trust it skip real changes. A
    trigger sets it on every update whoever writes; it needs a timestamp column.

    ## Example
    ```yaml
    tables:
      documents:
        columns:
          id: {type: uuid}
          updated_at: {type: date}
        primary_key: [id]
    ```

    ## Use instead
    ```yaml
    tables:
      documents:
        columns:
          id: {type: uuid}
          updated_at: {type: timestamptz, default: now()}
        primary_key: [id]
        triggers: [updated_at]
    ```
    """
    for name, table in ctx.design.tables.items():
        column = table.columns.get("updated_at")
        if column is None:
            continue
        kind = column.portable_type.kind
        has_trigger = any(trigger.kind == "updated_at" and trigger.column == "updated_at" for trigger in table.triggers)
        if kind not in ("timestamp", "timestamptz"):
            yield Violation(
                table=name,
                column="updated_at",
                message=f"{name}.updated_at is {column.portable_type}, so no trigger can keep it current",
                reason="The updated_at trigger sets a timestamp on every update; a column of another type relies on every"
                " writer remembering to set it. Make it timestamptz (the trigger follows from the conventions).",
                sql=ctx.sql.alter_type(name, "updated_at", "timestamptz", None if ctx.sql.rebuilds_tables else f"{ctx.sql.q('updated_at')}::timestamptz"),
                design=ctx.patch(name, columns={"updated_at": column_flow("timestamptz", default="now()")}),
            )
        elif not has_trigger and not ctx.from_design:
            yield Violation(
                table=name,
                column="updated_at",
                message=f"{name}.updated_at has no trigger keeping it current",
                reason="Every writer has to remember to set it, and the first bulk fix or new service will not; a trigger"
                " sets it on every UPDATE.",
                sql=ctx.sql.updated_at_trigger(name, table, "updated_at"),
                design=ctx.patch(name, triggers=["updated_at"]),
            )




@rule("SS303", "missing-soft-delete", "warning", "operations")
def missing_soft_delete(ctx: Context):
    """
    ## What it does
    When `conventions.soft_delete` is true, finds tables without a `deleted_at` column. Junction
    tables (a link is simply removed) and tables whose rationale says rows are never deleted or
    are deleted for real are not reported.

    ## Why is this bad?
    The conventions promise that deleting keeps the row (for undo, audits, legal holds or
    sync). A table without `deleted_at` breaks that promise in one place: its rows vanish, the
    rows that point at them break, and "restore" restores half a record.

    ## Example
    ```yaml
    conventions: {soft_delete: true}
    tables:
      documents:
        columns:
          id: {type: uuid}
          title: {type: text}
        primary_key: [id]
    ```

    ## Use instead
    ```yaml
    conventions: {soft_delete: true}
    tables:
      documents:
        columns:
          id: {type: uuid}
          title: {type: text}
          deleted_at: {type: timestamptz, nullable: true}
        primary_key: [id]
    ```
    """
    if not ctx.design.conventions.soft_delete:
        return
    for name, table in ctx.tables.items():
        if any(column in table.columns for column in SOFT_DELETE_COLUMNS) or ctx.is_junction(name):
            continue
        prose = ctx.table_prose(name)
        if re.search(r"never deleted|hard[- ]delete|deleted for real|purged|soft[- ]delete", prose) or _NEVER_UPDATED.search(prose):
            continue
        yield Violation(
            table=name,
            message=f"{name} has no deleted_at, but the conventions ask for soft delete",
            reason="Deleting a row here removes it for good while the rest of the schema keeps deleted rows; add"
            " deleted_at (NULL while the row is live), or say in the rationale why this table is the exception.",
            sql=ctx.sql.add_column(name, "deleted_at", "timestamptz"),
            design=ctx.patch(name, columns={"deleted_at": column_flow("timestamptz", nullable=True)}),
        )
