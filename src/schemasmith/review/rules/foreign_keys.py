"""Foreign keys: indexed, ON DELETE decided, actions that can work, matching types, safe cascades."""

from __future__ import annotations

from ...model import naming
from ...model.document import ForeignKey, Index
from ..context import Context
from ..finding import Violation
from ..fixes import column_flow
from ..definition import rule
from ..words import last_word, singular


def fk_label(table: str, foreign_key: ForeignKey) -> str:
    return f"{table}({', '.join(foreign_key.columns)}) → {foreign_key.references.table}"


def fk_name(table: str, foreign_key: ForeignKey) -> str:
    return foreign_key.name or naming.foreign_key_name(table, foreign_key.columns)


def fk_data(foreign_key: ForeignKey, **changes) -> dict:
    """A foreign key as the design writes it, with `changes` applied (None removes a key)."""
    data = foreign_key.model_dump(mode="json", exclude_defaults=True)
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    order = ["name", "columns", "references", "on_delete", "on_update", "deferrable", "initially_deferred", "reason"]
    return {key: data[key] for key in order if key in data}


def fk_patch_path(table: str, ctx: Context, foreign_key: ForeignKey) -> tuple:
    return ("tables", table, "foreign_keys", ctx.design.tables[table].foreign_keys.index(foreign_key))


@rule("SS102", "unindexed-foreign-key", "warning", "integrity")
def unindexed_foreign_key(ctx: Context):
    """
    ## What it does
    Finds foreign keys whose columns do not lead any index of the referencing table. The primary
    key and unique constraints count, and so does a partial index whose condition is
    `column IS NOT NULL`: PostgreSQL uses both for the lookups a foreign key makes.

    ## Why is this bad?
    PostgreSQL indexes the referenced key, never the referencing columns. Every delete (or key
    update) of a parent row then looks for its children with a full scan of the child table,
    whatever ON DELETE says, and the joins from parent to children scan too. On a table of
    millions of rows, deleting one user turns into seconds of locked scanning per table.

    ## Example
    ```yaml
    tables:
      users:
        columns:
          id: {type: uuid}
        primary_key: [id]
      comments:
        columns:
          id: {type: uuid}
          author_id: {type: uuid}
        primary_key: [id]
        foreign_keys:
          - {columns: [author_id], references: {table: users, columns: [id]}, on_delete: cascade}
    ```

    ## Use instead
    ```yaml
    tables:
      users:
        columns:
          id: {type: uuid}
        primary_key: [id]
      comments:
        columns:
          id: {type: uuid}
          author_id: {type: uuid}
        primary_key: [id]
        foreign_keys:
          - {columns: [author_id], references: {table: users, columns: [id]}, on_delete: cascade}
        indexes:
          - {columns: [author_id]}
    ```
    """
    for name, table in ctx.design.tables.items():
        for foreign_key in table.foreign_keys:
            if ctx.starts_an_index(table, foreign_key.columns):
                continue
            parent = foreign_key.references.table
            columns = foreign_key.columns
            nullable = len(columns) == 1 and table.columns[columns[0]].nullable
            where = f"{columns[0]} IS NOT NULL" if nullable else None
            index = Index(columns=list(columns), where=where, reason="Foreign-key index: deletes of the referenced row, and joins.")
            child = f"all {ctx.number(table.expected_rows)} {name}" if table.expected_rows else f"all of {name}"
            parent_one = singular(parent)
            action = {
                "cascade": f"Deleting a {parent_one} deletes its {name} rows, and has to find them first",
                "set null": f"Deleting a {parent_one} sets {', '.join(columns)} to NULL on its {name} rows, and has to find them first",
            }.get(foreign_key.on_delete or "", f"Deleting a {parent_one} checks that no {name} row still references it")
            item = {"columns": list(columns)}
            if where:
                item["where"] = where
            item["reason"] = f"Foreign-key index: deletes of {parent}, and joins from {parent} to {name}."
            yield Violation(
                table=name,
                column=columns[0] if len(columns) == 1 else None,
                constraint=fk_name(name, foreign_key),
                message=f"{fk_label(name, foreign_key)} has no index starting with {', '.join(columns)}",
                reason=f"PostgreSQL does not index referencing columns. {action}: without an index, that is a scan of"
                f" {child} per deleted {parent_one} (and joins from {parent} to {name} scan too).",
                sql=ctx.sql.create_index(name, table, index),
                design=ctx.patch(name, indexes=[item]),
                path=fk_patch_path(name, ctx, foreign_key),
            )


def on_delete_meanings(ctx: Context, table: str, foreign_key: ForeignKey) -> tuple[str, str]:
    """What each ON DELETE choice means for this foreign key, and the choice to suggest."""
    parent = singular(foreign_key.references.table)
    model = ctx.design.tables[table]
    columns = ", ".join(foreign_key.columns)
    nullable = all(model.columns[column].nullable for column in foreign_key.columns)
    owned = ctx.is_junction(table) or set(foreign_key.columns) <= set(model.primary_key)
    meanings = [
        f"cascade: deleting a {parent} deletes its {table} rows",
        f"set null: its {table} rows stay with {columns} emptied" if nullable else f"set null: impossible, {columns} is NOT NULL",
        f"restrict: a {parent} that still has {table} rows cannot be deleted (today's behaviour, undeclared)",
    ]
    suggestion = "cascade" if owned else "set null" if nullable else "restrict"
    return "; ".join(meanings), suggestion


@rule("SS103", "undecided-on-delete", "warning", "integrity")
def undecided_on_delete(ctx: Context):
    """
    ## What it does
    Finds foreign keys without an explicit ON DELETE: the database default (NO ACTION) stands
    for a decision nobody made. The finding says what each choice means for that relationship.

    ## Why is this bad?
    What happens to the children when a parent is deleted is a product decision: delete them
    with it (cascade), keep them detached (set null), or refuse the delete (restrict). Left at
    the default, the first delete of a parent with children fails in production with a
    foreign-key error, and nobody can tell whether that was intended. Writing the choice down,
    with a reason, turns an accident into a decision.

    ## Example
    ```yaml
    tables:
      projects:
        columns:
          id: {type: uuid}
        primary_key: [id]
      tasks:
        columns:
          id: {type: uuid}
          project_id: {type: uuid}
        primary_key: [id]
        foreign_keys:
          - {columns: [project_id], references: {table: projects, columns: [id]}}
        indexes:
          - {columns: [project_id]}
    ```

    ## Use instead
    ```yaml
    tables:
      projects:
        columns:
          id: {type: uuid}
        primary_key: [id]
      tasks:
        columns:
          id: {type: uuid}
          project_id: {type: uuid}
        primary_key: [id]
        foreign_keys:
          - {columns: [project_id], references: {table: projects, columns: [id]}, on_delete: cascade, reason: Tasks have no meaning outside their project.}
        indexes:
          - {columns: [project_id]}
    ```
    """
    for name, table in ctx.design.tables.items():
        for foreign_key in table.foreign_keys:
            if foreign_key.on_delete is not None:
                continue
            meanings, suggestion = on_delete_meanings(ctx, name, foreign_key)
            constraint = fk_name(name, foreign_key)
            clause = ctx.sql.foreign_key_clause(foreign_key.columns, foreign_key.references.table, foreign_key.references.columns, suggestion)
            yield Violation(
                table=name,
                column=foreign_key.columns[0] if len(foreign_key.columns) == 1 else None,
                constraint=constraint,
                message=f"{fk_label(name, foreign_key)}: ON DELETE was never decided",
                reason=f"Choose one and give the reason — {meanings}. The fix writes down {suggestion}.",
                sql=ctx.sql.replace_foreign_key(name, constraint, clause),
                design=ctx.patch(name, foreign_keys=[fk_data(foreign_key, on_delete=suggestion, reason="WHY (say what deleting the parent means here)")]),
                path=fk_patch_path(name, ctx, foreign_key),
            )


@rule("SS104", "set-null-on-not-null-column", "error", "integrity")
def set_null_on_not_null_column(ctx: Context):
    """
    ## What it does
    Finds foreign keys with ON DELETE (or ON UPDATE) SET NULL on a NOT NULL column, and SET
    DEFAULT on a column without a default. A design document cannot hold these (loading it
    fails); they are found in schemas imported from DDL or a live database, which accept them.

    ## Why is this bad?
    PostgreSQL and SQLite create the constraint without complaint; the contradiction surfaces
    only when a parent row is deleted: the delete fails with a not-null violation (or, for SET
    DEFAULT, points the children at a row that may not exist). The intent — keep the children
    — silently became "refuse the delete".

    ## Example
    ```sql
    CREATE TABLE users (id uuid PRIMARY KEY);
    CREATE TABLE comments (
        id uuid PRIMARY KEY,
        author_id uuid NOT NULL REFERENCES users (id) ON DELETE SET NULL
    );
    ```

    ## Use instead
    ```sql
    CREATE TABLE users (id uuid PRIMARY KEY);
    CREATE TABLE comments (
        id uuid PRIMARY KEY,
        author_id uuid REFERENCES users (id) ON DELETE SET NULL
    );
    ```
    """
    for name, table in ctx.design.tables.items():
        for foreign_key in table.foreign_keys:
            for event, action in (("DELETE", foreign_key.on_delete), ("UPDATE", foreign_key.on_update)):
                if action == "set null":
                    broken = [column for column in foreign_key.columns if not table.columns[column].nullable]
                    problem = "is NOT NULL"
                elif action == "set default":
                    broken = [column for column in foreign_key.columns if table.columns[column].default is None]
                    problem = "has no default"
                else:
                    continue
                if not broken:
                    continue
                column = broken[0]
                if action == "set null":
                    sql = ctx.sql.drop_not_null(name, column)
                    design = ctx.patch(name, columns={column: column_flow(table.columns[column].type, nullable=True)})
                    fix = f"make {column} nullable (the children stay, detached), or choose cascade or restrict"
                else:
                    clause = ctx.sql.foreign_key_clause(foreign_key.columns, foreign_key.references.table, foreign_key.references.columns, "restrict")
                    sql = ctx.sql.replace_foreign_key(name, fk_name(name, foreign_key), clause)
                    design = ctx.patch(name, foreign_keys=[fk_data(foreign_key, on_delete="restrict")])
                    fix = "choose restrict, cascade or set null instead"
                yield Violation(
                    table=name,
                    column=column,
                    constraint=fk_name(name, foreign_key),
                    message=f"{fk_label(name, foreign_key)}: ON {event} {action.upper()} but {name}.{column} {problem}",
                    reason=f"The constraint is accepted but every {event.lower()} of a referenced row fails (or misdirects"
                    f" its children); {fix}.",
                    sql=sql,
                    design=design,
                    path=fk_patch_path(name, ctx, foreign_key),
                )
                break


@rule("SS105", "foreign-key-type-mismatch", "warning", "integrity")
def foreign_key_type_mismatch(ctx: Context):
    """
    ## What it does
    Finds foreign-key columns whose type differs from the referenced column's, such as an
    `integer` column referencing a `bigint` key, or `varchar(36)` referencing `text`.

    ## Why is this bad?
    A narrower column cannot hold every key it may have to reference: once the parent's bigint
    ids pass 2,147,483,647, inserting a child fails. Different types also make every join
    compare across types (casts, worse estimates, sometimes no index use), and the mismatch is
    usually a copy-paste accident that a later migration has to undo under a table rewrite.

    ## Example
    ```yaml
    tables:
      orders:
        columns:
          id: {type: bigint, identity: always}
        primary_key: [id]
      order_lines:
        columns:
          id: {type: bigint, identity: always}
          order_id: {type: integer}
        primary_key: [id]
        foreign_keys:
          - {columns: [order_id], references: {table: orders, columns: [id]}, on_delete: cascade}
    ```

    ## Use instead
    ```yaml
    tables:
      orders:
        columns:
          id: {type: bigint, identity: always}
        primary_key: [id]
      order_lines:
        columns:
          id: {type: bigint, identity: always}
          order_id: {type: bigint}
        primary_key: [id]
        foreign_keys:
          - {columns: [order_id], references: {table: orders, columns: [id]}, on_delete: cascade}
    ```
    """
    for name, table in ctx.design.tables.items():
        for foreign_key in table.foreign_keys:
            target = ctx.design.tables.get(foreign_key.references.table)
            if target is None:
                continue
            for local, remote in zip(foreign_key.columns, foreign_key.references.columns):
                if local not in table.columns or remote not in target.columns:
                    continue
                local_type = table.columns[local].portable_type
                remote_type = target.columns[remote].portable_type
                if local_type == remote_type:
                    continue
                narrower = local_type.is_integer and remote_type.is_integer and _rank(local_type.kind) < _rank(remote_type.kind)
                consequence = (
                    f"{local} cannot hold {foreign_key.references.table} keys above the {local_type} range, so inserts fail once"
                    " the parent's ids grow past it"
                    if narrower
                    else "joins compare across types and the mismatch has to be migrated away later"
                )
                yield Violation(
                    table=name,
                    column=local,
                    constraint=fk_name(name, foreign_key),
                    message=f"{name}.{local} is {local_type} but references {foreign_key.references.table}.{remote} of type {remote_type}",
                    reason=f"A foreign key should have exactly the referenced type: {consequence}.",
                    sql=ctx.sql.alter_type(name, local, str(remote_type)),
                    design=ctx.patch(name, columns={local: column_flow(str(remote_type), nullable=table.columns[local].nullable or None)}),
                )


def _rank(kind: str) -> int:
    return ("smallint", "integer", "bigint").index(kind)


#: Table words (singular) and column names that mark rows a person wrote.
CONTENT_WORDS = frozenset(
    {
        "comment", "post", "message", "review", "note", "document", "article", "photo", "file", "attachment",
        "upload", "answer", "reply", "thread", "page", "story", "entry", "submission", "image", "video", "draft",
    }
)
CONTENT_COLUMNS = frozenset({"body", "content", "markdown", "text", "message", "caption", "html"})


def is_content(ctx: Context, name: str) -> bool:
    if singular(last_word(name)) in CONTENT_WORDS:
        return True
    return any(column.lower() in CONTENT_COLUMNS for column in ctx.design.tables[name].columns)


@rule("SS110", "cascade-deletes-user-content", "warning", "integrity")
def cascade_deletes_user_content(ctx: Context):
    """
    ## What it does
    Finds authored content that deleting a user deletes through ON DELETE CASCADE. The
    review follows cascades from the users table, directly or down a chain, to tables of content
    (comments, posts, messages, reviews, documents, photos, or any table with a body/content
    column). Chains whose every foreign key carries a `reason` are a documented decision and are
    not reported.

    ## Why is this bad?
    Deleting an account is routine (a GDPR request, a cleanup script); silently deleting what
    that person wrote is not. Threads lose replies, other people's work loses its history, and
    the delete itself can lock large parts of the database. Usually the content should outlive
    its author (SET NULL, shown as "deleted user") or the delete should be refused until the
    content is handled on purpose.

    ## Example
    ```yaml
    tables:
      users:
        columns:
          id: {type: uuid}
        primary_key: [id]
      posts:
        columns:
          id: {type: uuid}
          author_id: {type: uuid}
          body: {type: text}
        primary_key: [id]
        foreign_keys:
          - {columns: [author_id], references: {table: users, columns: [id]}, on_delete: cascade}
        indexes:
          - {columns: [author_id]}
    ```

    ## Use instead
    ```yaml
    tables:
      users:
        columns:
          id: {type: uuid}
        primary_key: [id]
      posts:
        columns:
          id: {type: uuid}
          author_id: {type: uuid, nullable: true}
          body: {type: text}
        primary_key: [id]
        foreign_keys:
          - {columns: [author_id], references: {table: users, columns: [id]}, on_delete: set null, reason: Posts outlive their author's account.}
        indexes:
          - {columns: [author_id]}
    ```
    """
    users = ctx.user_table
    if users is None:
        return
    reached = _cascade_chains(ctx, users)
    for name in ctx.design.tables:
        chain = reached.get(name)
        if not chain or not is_content(ctx, name):
            continue
        if all(foreign_key.reason for _, foreign_key in chain):
            continue
        first_table, first_key = chain[0]
        route = " → ".join([users] + [table for table, _ in chain])
        column = first_key.columns[0]
        sql, design = _set_null_fix(ctx, users, first_table, first_key)
        yield Violation(
            table=name,
            constraint=fk_name(chain[-1][0], chain[-1][1]),
            message=f"deleting a {singular(users)} deletes their {name} ({route}, all ON DELETE CASCADE)",
            reason=f"Deleting an account silently deletes what it wrote; keep the {name} with {first_table}.{column}"
            " set to NULL (shown as a deleted user), or restrict, or give each foreign key of the chain a reason"
            " if this is the intended policy.",
            sql=sql,
            design=design,
            path=fk_patch_path(first_table, ctx, first_key),
        )


def _cascade_chains(ctx: Context, users: str) -> dict[str, list[tuple[str, ForeignKey]]]:
    """Every table a delete of a user cascades to, with the chain of (child, foreign key) that
    reaches it. Breadth-first over cascading foreign keys, so each table gets its shortest chain."""
    reached: dict[str, list[tuple[str, ForeignKey]]] = {users: []}
    frontier = [users]
    while frontier:
        following = []
        for parent in frontier:
            for child, foreign_key in ctx.incoming.get(parent, []):
                if foreign_key.on_delete != "cascade" or child in reached:
                    continue
                reached[child] = reached[parent] + [(child, foreign_key)]
                following.append(child)
        frontier = following
    return reached


def _set_null_fix(ctx: Context, users: str, first_table: str, first_key: ForeignKey) -> tuple[str | None, str | None]:
    """SQL and design patch that make the chain's first link ON DELETE SET NULL (and its column
    nullable), so the content outlives its author; none for a composite key, where SET NULL would
    blank columns that may belong to other keys."""
    if len(first_key.columns) != 1:
        return None, None
    model = ctx.design.tables[first_table]
    column = first_key.columns[0]
    clause = ctx.sql.foreign_key_clause(first_key.columns, users, first_key.references.columns, "set null")
    sql = ctx.sql.replace_foreign_key(first_table, fk_name(first_table, first_key), clause)
    if not model.columns[column].nullable:
        sql = ctx.sql.drop_not_null(first_table, column) + "\n" + sql
    design = ctx.patch(
        first_table,
        columns={column: column_flow(model.columns[column].type, nullable=True)},
        foreign_keys=[fk_data(first_key, on_delete="set null", reason="Content outlives its author's account.")],
    )
    return sql, design
