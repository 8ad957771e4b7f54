"""Design smells of redundancy: copied columns, stored derived values, thin lookups, hidden M:N."""

from __future__ import annotations

import re

from ...text.words import plural
from ..context import Context
from ..definition import rule
from ..finding import Violation
from ..words import mentions, regex, singular

_SNAPSHOT = re.compile(
    r"snapshot|at the time|at (?:order|purchase|booking|checkout|signing|creation|sale) time|as of|when (?:ordered|bought|sold|booked|placed|written)"
    r"|historical|frozen|copied|kept as|denormali[sz]ed|does not change|never changes|as it was"
)
_PRICE_LIKE = frozenset({"price", "amount", "cost", "rate", "fee", "tax", "discount", "total", "address", "name", "email", "title"})
_VOLATILE_PRICE = frozenset({"price", "amount", "cost", "rate", "fee", "tax", "discount", "total"})


@rule("SS201", "copied-column", "warning", "design")
def copied_column(ctx: Context):
    """
    ## What it does
    Finds columns that copy a column of a referenced table next to the foreign key:
    `customer_email` beside `customer_id` when `customers` has `email`. A copy whose comment (or
    the table's rationale) says it is a snapshot — "price at order time", "as of", "copied",
    "historical" — is deliberate and not reported.

    ## Why is this bad?
    Two places hold one fact, and nothing keeps them equal: the customer changes their email,
    the orders keep the old one, and nobody can tell which is right (an update anomaly).
    Sometimes the copy is the point — an order must keep the price it was sold at — but then
    it is a snapshot, and its comment should say so, so the next developer does not "fix" it
    into a join or a trigger.

    ## Example
    ```yaml
    tables:
      customers:
        columns:
          id: {type: uuid}
          email: {type: text}
        primary_key: [id]
      orders:
        columns:
          id: {type: uuid}
          customer_id: {type: uuid}
          customer_email: {type: text}
        primary_key: [id]
        foreign_keys:
          - {columns: [customer_id], references: {table: customers, columns: [id]}, on_delete: restrict}
        indexes:
          - {columns: [customer_id]}
    ```

    ## Use instead
    ```yaml
    tables:
      customers:
        columns:
          id: {type: uuid}
          email: {type: text}
        primary_key: [id]
      orders:
        columns:
          id: {type: uuid}
          customer_id: {type: uuid}
          customer_email: {type: text, comment: "Snapshot: the address the receipt was sent to, as it was at order time."}
        primary_key: [id]
        foreign_keys:
          - {columns: [customer_id], references: {table: customers, columns: [id]}, on_delete: restrict}
        indexes:
          - {columns: [customer_id]}
    ```
    """
    for name, table in ctx.design.tables.items():
        rationale = (table.rationale or "").lower()
        for foreign_key in table.foreign_keys:
            if len(foreign_key.columns) != 1 or not foreign_key.columns[0].endswith("_id"):
                continue
            target = ctx.design.tables.get(foreign_key.references.table)
            if target is None or foreign_key.references.table == name:
                continue
            prefix = foreign_key.columns[0][: -len("_id")] + "_"
            for column_name, column in table.columns.items():
                if not column_name.startswith(prefix) or column_name in foreign_key.columns:
                    continue
                copied = column_name[len(prefix):]
                if copied not in target.columns or copied in target.primary_key or column.generated:
                    continue
                said = (column.comment or "").lower()
                if _SNAPSHOT.search(said) or (mentions(rationale, column_name) and _SNAPSHOT.search(rationale)):
                    continue
                source = f"{foreign_key.references.table}.{copied}"
                if copied in _VOLATILE_PRICE:
                    reason = (f"If {column_name} is the value at the time the row was written (a snapshot), say so in its"
                              f" comment; if it should follow {source}, drop it and join: two copies drift apart.")
                else:
                    reason = (f"{source} and {name}.{column_name} hold one fact in two places; when it changes there, the"
                              f" copy here goes stale (an update anomaly). Join through {foreign_key.columns[0]} instead,"
                              " or say in the comment that it is a deliberate snapshot.")
                yield Violation(
                    table=name,
                    column=column_name,
                    message=f"{name}.{column_name} copies {source} next to {foreign_key.columns[0]}",
                    reason=reason,
                    sql=f"ALTER TABLE {ctx.sql.q(name)} DROP COLUMN {ctx.sql.q(column_name)};  -- read {source} through a join instead",
                    design=ctx.patch(name, columns={column_name: _snapshot_comment(column)}),
                )


def _snapshot_comment(column):
    from ..fixes import Flow

    data = column.model_dump(mode="json", exclude_defaults=True)
    if column.default is not None:
        data["default"] = column.default.to_yaml()
    data["comment"] = "Snapshot: the value at the time the row was written (WHY it must not follow the source)."
    return Flow(data)


#: (derived column names, the columns it is computed from (each: alternatives), expression).
DERIVED = (
    (("total", "line_total", "total_price", "total_amount", "amount_total", "subtotal", "total_cost"),
     (("price", "unit_price", "unit_amount", "unit_cost"), ("quantity", "qty", "units")), "{0} * {1}"),
    (("full_name", "display_name_full"), (("first_name", "given_name"), ("last_name", "family_name", "surname")), "{0} || ' ' || {1}"),
    (("age",), (("birth_date", "date_of_birth", "birthday", "born_on"),), None),
)


@rule("SS202", "stored-derived-value", "warning", "design")
def stored_derived_value(ctx: Context):
    """
    ## What it does
    Finds columns that store what other columns of the same row already say: a `total` beside
    `price` and `quantity`, a `full_name` beside `first_name` and `last_name`, an `age` beside
    a birth date. Generated columns are not reported.

    ## Why is this bad?
    Every write has to remember to update the derived value, and one code path will not: a
    quantity changes, the total does not, and invoices disagree with their own lines. A
    generated column (computed by the database on every write) or a computation in the query
    cannot drift. An age stored today is wrong next year whatever the code does.

    ## Example
    ```yaml
    tables:
      order_lines:
        columns:
          id: {type: uuid}
          price: {type: "numeric(12,2)"}
          quantity: {type: integer}
          total: {type: "numeric(12,2)"}
        primary_key: [id]
    ```

    ## Use instead
    ```yaml
    tables:
      order_lines:
        columns:
          id: {type: uuid}
          price: {type: "numeric(12,2)"}
          quantity: {type: integer}
          total: {type: "numeric(12,2)", generated: price * quantity}
        primary_key: [id]
    ```
    """
    for name, table in ctx.design.tables.items():
        columns = {column.lower(): column for column in table.columns}
        for derived_names, sources, expression in DERIVED:
            found = [columns[candidate] for candidate in derived_names if candidate in columns]
            if not found:
                continue
            inputs = []
            for alternatives in sources:
                match = next((columns[candidate] for candidate in alternatives if candidate in columns), None)
                if match is None:
                    break
                inputs.append(match)
            else:
                for derived in found:
                    column = table.columns[derived]
                    if column.generated:
                        continue
                    if expression is None:
                        reason = f"{derived} is true only on the day it was written; compute it from {inputs[0]} when it is read."
                        sql = f"ALTER TABLE {ctx.sql.q(name)} DROP COLUMN {ctx.sql.q(derived)};  -- compute it from {inputs[0]} in queries"
                        design = None
                    else:
                        formula = expression.format(*inputs)
                        reason = (f"{derived} can be computed from {', '.join(inputs)}; stored, it drifts the first time a write"
                                  " updates one and not the other. Make it a generated column (or compute it in queries).")
                        sql = _generated_sql(ctx, name, derived, column.type, formula)
                        from ..fixes import column_flow

                        design = ctx.patch(name, columns={derived: column_flow(column.type, generated=formula)})
                    yield Violation(
                        table=name,
                        column=derived,
                        message=f"{name}.{derived} stores what {', '.join(inputs)} already say",
                        reason=reason,
                        sql=sql,
                        design=design,
                    )


def _generated_sql(ctx: Context, table: str, column: str, type_text: str, formula: str) -> str:
    if ctx.sql.rebuilds_tables:
        return ctx.sql.rebuild(table, f"turn {ctx.sql.q(column)} into a generated column (GENERATED ALWAYS AS ({formula}) STORED)")
    q = ctx.sql.q
    return (
        f"ALTER TABLE {q(table)} DROP COLUMN {q(column)};\n"
        f"ALTER TABLE {q(table)} ADD COLUMN {q(column)} {ctx.sql.type_sql(type_text)} GENERATED ALWAYS AS ({formula}) STORED;"
    )


_NAME_COLUMNS = frozenset({"name", "label", "title", "code", "value", "description", "slug"})
_CODE_TABLE = re.compile(r"(?:^|_)(?:status(?:es)?|types?|kinds?|roles?|priorit(?:y|ies)|categor(?:y|ies)|states?|levels?|stages?)$")


@rule("SS203", "id-and-name-lookup-table", "info", "design")
def id_and_name_lookup_table(ctx: Context):
    """
    ## What it does
    Finds lookup tables of only a key and a name whose values are a short, fixed list.
    The table holds nothing but a surrogate key and a name (plus audit fields), and its name
    says it is a status, type, kind, role, priority, category or level, or `expected_rows` is 50
    or fewer. Tables whose rationale explains why they are tables are not reported, nor any
    table of a design whose `conventions.enum_style` is `lookup` (a schema that keeps all its
    value lists in lookup tables, as `import` records for one without enums).

    ## Why is this bad?
    A fixed list of names behind surrogate ids costs a join in every query that shows the value,
    makes seed data and every environment agree on generated ids, and hides the meaning in
    code (`status_id = 3`). An enum (or a text column with a CHECK, or the name itself as the
    key) says the same with no join. A table earns its keep when rows are added at run time or
    carry more facts than a name — then say so in its rationale.

    ## Example
    ```yaml
    tables:
      ticket_statuses:
        kind: lookup
        expected_rows: 4
        columns:
          id: {type: uuid}
          name: {type: text}
        primary_key: [id]
        unique:
          - {columns: [name]}
    ```

    ## Use instead
    ```yaml
    enums:
      ticket_status: [open, pending, solved, closed]
    ```
    """
    if ctx.design.conventions.enum_style == "lookup":
        return  # lookup tables are this schema's way of keeping value lists
    audit = set(ctx.design.conventions.audit_fields) | {"created_at", "updated_at", "deleted_at"}
    for name, table in ctx.design.tables.items():
        if table.rationale or ctx.is_junction(name) or table.foreign_keys or len(table.primary_key) != 1:
            continue
        rest = [column for column in table.columns if column not in audit and column not in table.primary_key]
        if len(rest) != 1 or rest[0].lower() not in _NAME_COLUMNS:
            continue
        small = table.expected_rows is not None and table.expected_rows <= 50
        if not (small or _CODE_TABLE.search(name.lower())):
            continue
        enum_name = singular(name)
        referencing = [child for child, _ in ctx.incoming.get(name, [])]
        used = f" (referenced by {', '.join(dict.fromkeys(referencing))})" if referencing else ""
        yield Violation(
            table=name,
            message=f"{name} is only a key and a {rest[0]}{used}",
            reason="A short, fixed list behind surrogate ids costs a join wherever the value is shown and hides it"
            " in code as ids; an enum says the same without a join. If rows are added at run time, say so in the rationale.",
            sql=None if ctx.sql.rebuilds_tables else f"CREATE TYPE {ctx.sql.q(enum_name)} AS ENUM ('…');  -- the values of {ctx.sql.q(name)}.{ctx.sql.q(rest[0])}",
            design=ctx.patch(name, rationale="WHY this list is a table (rows added at run time, more facts than a name)"),
        )


_QUANTIFIED = r"\b(?:multiple|several|many|more than one|one or more|any number of|a list of|a set of|all the)\s+"


@rule("SS204", "hidden-many-to-many", "warning", "design")
def hidden_many_to_many(ctx: Context):
    """
    ## What it does
    Finds single foreign-key columns where the design speaks of many. The table's comment,
    rationale or notes, the column's comment, or a sentence of the design's description or
    stories that names the table say "several assignees", "more than one assignee", "its
    assignees" or "a task's assignees" about an `assignee_id`.

    ## Why is this bad?
    One column holds one value. When the domain has several, people start storing the second in
    a comma-separated text, a JSON array or a duplicate row, and every query grows workarounds.
    Turning a 1:N column into a junction table later means a data migration and rewriting every
    query that reads it; finding it in the design costs one table.

    ## Example
    ```yaml
    tables:
      users:
        columns:
          id: {type: uuid}
        primary_key: [id]
      tasks:
        comment: A unit of work; its assignees are notified on every change.
        columns:
          id: {type: uuid}
          assignee_id: {type: uuid, nullable: true}
        primary_key: [id]
        foreign_keys:
          - {columns: [assignee_id], references: {table: users, columns: [id]}, on_delete: set null}
        indexes:
          - {columns: [assignee_id]}
    ```

    ## Use instead
    ```yaml
    tables:
      users:
        columns:
          id: {type: uuid}
        primary_key: [id]
      tasks:
        comment: A unit of work; its assignees are notified on every change.
        columns:
          id: {type: uuid}
        primary_key: [id]
      task_assignees:
        kind: junction
        columns:
          task_id: {type: uuid}
          user_id: {type: uuid}
        primary_key: [task_id, user_id]
        foreign_keys:
          - {columns: [task_id], references: {table: tasks, columns: [id]}, on_delete: cascade}
          - {columns: [user_id], references: {table: users, columns: [id]}, on_delete: cascade}
        indexes:
          - {columns: [user_id]}
    ```
    """
    sentences = [
        sentence.strip()
        for text in [ctx.design.description or "", *(query.story or "" for query in ctx.design.queries)]
        for sentence in re.split(r"(?<=[.;!?])\s+|\n", text.lower())
        if sentence.strip()
    ]
    for name, table in ctx.design.tables.items():
        if ctx.is_junction(name):
            continue  # its foreign keys are the many side already
        for foreign_key in table.foreign_keys:
            if len(foreign_key.columns) != 1 or not foreign_key.columns[0].endswith("_id"):
                continue
            if foreign_key.references.table == name:
                continue  # a parent is one by nature; children are the many side already
            stem = foreign_key.columns[0][: -len("_id")].lower()
            many = plural(stem)
            if many == stem:
                continue
            # The table's own words (not the reasons of its constraints, which name parents freely).
            own = ctx.table_prose(name) + "\n" + (table.columns[foreign_key.columns[0]].comment or "").lower()
            # "several assignees", "more than one assignee", "its assignees", "a task's assignees".
            owner = re.escape(singular(name).replace("_", " "))
            quantified = regex(rf"(?:{_QUANTIFIED}|\b(?:its|their)\s+|\b{owner}(?:'s|s')\s+){re.escape(stem)}", re.IGNORECASE)
            said = quantified.search(own) is not None or any(
                quantified.search(sentence) and (mentions(sentence, singular(name)) or mentions(sentence, name))
                for sentence in sentences
            )
            if not said:
                continue
            junction = f"{singular(name)}_{many}"
            parent = foreign_key.references.table
            yield Violation(
                table=name,
                column=foreign_key.columns[0],
                message=f"{name}.{foreign_key.columns[0]} holds one {stem}, but the design speaks of {many}",
                reason=f"If a {singular(name)} can have several {many}, one column cannot hold them; a junction table"
                f" {junction}({singular(name)}_id, {singular(parent)}_id) can, and moving later means migrating data and every query.",
                sql=_junction_sql(ctx, name, junction, parent, foreign_key.columns[0]),
                design=None if not ctx.from_design else _junction_yaml(ctx, name, junction, parent),
            )


def _junction_sql(ctx: Context, table: str, junction: str, parent: str, column: str) -> str:
    q = ctx.sql.q
    left, right = f"{singular(table)}_id", f"{singular(parent)}_id"
    key_type = ctx.sql.type_sql(ctx.design.tables[table].columns[ctx.design.tables[table].primary_key[0]].type) if ctx.design.tables[table].primary_key else "uuid"
    parent_type = ctx.sql.type_sql(ctx.design.tables[table].columns[column].type)
    own_key = q(ctx.design.tables[table].primary_key[0]) if ctx.design.tables[table].primary_key else q("id")
    parent_key = q(ctx.design.tables[parent].primary_key[0]) if ctx.design.tables[parent].primary_key else q("id")
    return (
        f"CREATE TABLE {q(junction)} (\n"
        f"    {q(left)} {key_type} NOT NULL REFERENCES {q(table)} ({own_key}) ON DELETE CASCADE,\n"
        f"    {q(right)} {parent_type} NOT NULL REFERENCES {q(parent)} ({parent_key}) ON DELETE CASCADE,\n"
        f"    PRIMARY KEY ({q(left)}, {q(right)})\n"
        f");\n"
        f"CREATE INDEX {q(junction + '_' + right + '_idx')} ON {q(junction)} ({q(right)});\n"
        f"INSERT INTO {q(junction)} SELECT {own_key}, {q(column)} FROM {q(table)} WHERE {q(column)} IS NOT NULL;"
    )


def _junction_yaml(ctx: Context, table: str, junction: str, parent: str) -> str:
    from ..fixes import Flow, yaml_snippet

    model = ctx.design.tables[table]
    left, right = f"{singular(table)}_id", f"{singular(parent)}_id"
    own_key = model.primary_key[0] if model.primary_key else "id"
    parent_model = ctx.design.tables[parent]
    parent_key = parent_model.primary_key[0] if parent_model.primary_key else "id"
    left_type = model.columns[own_key].type if own_key in model.columns else "uuid"
    right_type = parent_model.columns[parent_key].type if parent_key in parent_model.columns else "uuid"
    return yaml_snippet(
        {
            "tables": {
                junction: {
                    "kind": "junction",
                    "columns": {left: Flow({"type": left_type}), right: Flow({"type": right_type})},
                    "primary_key": Flow([left, right]),
                    "foreign_keys": [
                        {"columns": [left], "references": {"table": table, "columns": [own_key]}, "on_delete": "cascade"},
                        {"columns": [right], "references": {"table": parent, "columns": [parent_key]}, "on_delete": "cascade"},
                    ],
                    "indexes": [{"columns": [right]}],
                }
            }
        }
    )
