"""Names and documentation: table comments, reserved words, one naming style, singular or plural."""

from __future__ import annotations

import re

from pglast import keywords

from ...model.conventions import CASES, bare_name, in_case, naming_parts, words
from ...text.words import is_plural, last_word, plural
from ..context import Context
from ..definition import rule
from ..finding import Violation
from ..words import singular, snake_case

#: Words PostgreSQL reserves (or allows only in some places): as names they need quotes everywhere.
RESERVED = frozenset(keywords.RESERVED_KEYWORDS) | frozenset(keywords.TYPE_FUNC_NAME_KEYWORDS)
#: Better names for reserved words that are commonly used as column names.
COLUMN_RENAMES = {
    "order": "sort_order", "user": "user_name", "group": "group_name", "default": "is_default", "from": "starts_at",
    "to": "ends_at", "limit": "max_count", "offset": "position", "check": "check_value", "table": "table_name",
    "column": "column_name", "end": "ends_at", "both": "both_sides", "left": "left_value", "right": "right_value",
    "primary": "is_primary", "unique": "is_unique", "desc": "description", "asc": "ascending", "window": "time_window",
    "only": "is_only", "analyze": "analysis", "references": "reference_list", "authorization": "authorization_code",
    "full": "is_full", "similar": "similar_to", "verbose": "is_verbose", "freeze": "is_frozen", "like": "like_count",
}
_SNAKE = re.compile(r"^[a-z_][a-z0-9_]*$")


def _free(name: str, taken: set[str], fallback: str) -> str:
    """`name` made a usable new identifier: not empty, not reserved, not already taken."""
    if not _SNAKE.match(name) or name in RESERVED:
        name = f"{fallback}_{name}" if _SNAKE.match(f"{fallback}_{name}") else fallback
    candidate, number = name, 1
    while candidate in taken:
        candidate, number = f"{name}_{number}", number + 1
    return candidate


@rule("SS306", "table-without-comment", "info", "operations")
def table_without_comment(ctx: Context):
    """
    ## What it does
    Finds tables without a comment.

    ## Why is this bad?
    A table name says what a row is called, not what it means: whether `accounts` are logins
    or ledgers, whether a `session` is a login or a class. The comment travels with the schema
    into the database (`COMMENT ON`), the generated docs, ORMs and every SQL client, where the
    next developer reads it at the moment they need it. One sentence saves a meeting. A schema
    read from DDL or a database where most tables have no comment gets one finding, not one per
    table; a design whose `conventions.table_comments` is false (as `import` writes for such a
    schema) gets none. Partitions share their parent's documentation.

    ## Example
    ```yaml
    tables:
      accounts:
        columns:
          id: {type: uuid}
        primary_key: [id]
    ```

    ## Use instead
    ```yaml
    tables:
      accounts:
        comment: A ledger account of the chart of accounts (not a login).
        columns:
          id: {type: uuid}
        primary_key: [id]
    ```
    """
    tables = ctx.tables
    missing = [name for name, table in tables.items() if not (table.comment and table.comment.strip())]
    if ctx.from_design and not ctx.table_comments:
        return  # the design says its tables carry no comments: that is its convention, recorded
    if not ctx.from_design and missing and len(tables) > 1 and (len(missing) == len(tables) or not ctx.table_comments):
        # A database that (mostly) never used comments: one finding, not one per table.
        yield Violation(
            table=None,
            message=f"none of the {len(missing)} tables has a comment" if len(missing) == len(tables)
            else f"{len(missing)} of the {len(tables)} tables have no comment",
            reason="Say in one sentence per table what a row is; comments reach the database, the docs and every SQL client.",
            sql="\n".join(ctx.sql.comment_on_table(name, f"WHAT one row of {name} means") for name in missing),
        )
        return
    for name in missing:
        text = f"WHAT one row of {name} means"
        yield Violation(
            table=name,
            message=f"{name} has no comment",
            reason="Say in one sentence what a row is; the comment reaches the database, the docs and every SQL client.",
            sql=ctx.sql.comment_on_table(name, text),
            design=ctx.patch(name, comment=text),
        )


@rule("SS307", "reserved-word-identifier", "warning", "operations")
def reserved_word_identifier(ctx: Context):
    """
    ## What it does
    Finds table and column names that PostgreSQL reserves as keywords, such as `user`,
    `order`, `group`, `table`, `check`, `default`, `limit` and `end`.

    ## Why is this bad?
    A reserved word works as a name only in double quotes, everywhere, forever: every
    hand-written query, every tool and every ORM that forgets the quotes fails with a syntax
    error, and `SELECT user FROM …` even succeeds while returning the session user instead of
    the column. Renaming now costs one line; renaming later costs a migration and every query.

    ## Example
    ```yaml
    tables:
      order:
        columns:
          id: {type: uuid}
          user: {type: text}
        primary_key: [id]
    ```

    ## Use instead
    ```yaml
    tables:
      orders:
        columns:
          id: {type: uuid}
          customer_name: {type: text}
        primary_key: [id]
    ```
    """
    for name, table in ctx.design.tables.items():
        if name.lower() in RESERVED:
            new = plural(name.lower()) if plural(name.lower()) not in RESERVED else f"{name.lower()}_items"
            yield Violation(
                table=name,
                message=f"table name {name!r} is a reserved word",
                reason="It works only in double quotes, in every query and tool, forever; a plural (the conventions' style) is free.",
                sql=ctx.sql.rename_table(name, new),
                design=ctx.patch(new, renamed_from=name) + f"\n    # …and the rest of {name}, renamed (update foreign keys that reference it)" if ctx.from_design else None,
                path=("tables", name),
            )
        for column_name in table.columns:
            if column_name.lower() not in RESERVED:
                continue
            new = COLUMN_RENAMES.get(column_name.lower(), f"{singular(name)}_{column_name.lower()}")
            yield Violation(
                table=name,
                column=column_name,
                message=f"column name {name}.{column_name} is a reserved word",
                reason=f"It works only in double quotes; `SELECT {column_name} …` without them fails (or, for user, returns"
                " something else). Rename it while it is cheap.",
                sql=ctx.sql.rename_column(name, column_name, new),
                design=ctx.patch(name, columns={new: _renamed_column(table, column_name)}),
            )


@rule("SS308", "non-snake-case-identifier", "warning", "operations")
def non_snake_case_identifier(ctx: Context):
    """
    ## What it does
    Finds table and column names that are not lower snake_case: `orderItems`, `UserId`,
    `Created At`, `e-mail`.

    ## Why is this bad?
    PostgreSQL folds unquoted names to lower case, so `orderItems` exists only as
    `"orderItems"` in double quotes: `SELECT orderItems.id` fails with "relation orderitems
    does not exist". Mixed styles also make every name a guess. One style (snake_case, the SQL
    convention) means names work unquoted in every dialect and tool. A schema that uses another
    style for most of its names gets one finding for all of them. A design whose
    `conventions.naming` names another case (`PascalCase_singular`, as `import` records for
    Chinook) has made that choice: its names are held to that case instead, and only a name
    written in neither is reported.

    ## Example
    ```yaml
    tables:
      orderItems:
        columns:
          id: {type: uuid}
          unitPrice: {type: "numeric(12,2)"}
        primary_key: [id]
    ```

    ## Use instead
    ```yaml
    tables:
      order_items:
        columns:
          id: {type: uuid}
          unit_price: {type: "numeric(12,2)"}
        primary_key: [id]
    ```
    """
    case, _ = naming_parts(ctx.naming)
    if ctx.from_design and case in CASES and case != "snake_case":
        yield from _against_declared_case(ctx, case)
        return
    identifiers = [(name, None) for name in ctx.design.tables]
    identifiers += [(name, column) for name, table in ctx.design.tables.items() for column in table.columns]
    offending = [(name, column) for name, column in identifiers if not _SNAKE.match(column if column is not None else name)]
    if len(offending) * 2 > len(identifiers) and len(offending) > 3:
        # A schema written in another style throughout: one finding, not one per name.
        style = _style([column if column is not None else name for name, column in offending])
        renames = []
        for name, column in offending:
            if column is not None:
                renames.append(ctx.sql.rename_column(name, column, _free(snake_case(column), set(ctx.design.tables[name].columns), "column")))
        for name, column in offending:
            if column is None:
                renames.append(ctx.sql.rename_table(name, _table_name(ctx, name)))
        yield Violation(
            table=None,
            message=f"{len(offending)} of {len(identifiers)} table and column names are {style}, not snake_case",
            reason=("SQLite matches names without regard to case, but PostgreSQL, where a prototype usually moves, folds"
                    " unquoted names to lower case: there each of these needs double quotes in every query, ORM and tool."
                    if not ctx.sql.target.folds_unquoted_names else
                    "Unquoted names fold to lower case, so each of these needs double quotes in every query, ORM and"
                    " tool, forever; renaming them (with compatibility views while clients move) makes names work bare."),
            sql="\n".join(renames),
        )
        return
    for name, table in ctx.design.tables.items():
        if not _SNAKE.match(name):
            new = _table_name(ctx, name)
            yield Violation(
                table=name,
                message=f"table name {name!r} is not snake_case",
                reason="Unquoted names fold to lower case, so this name needs double quotes in every query; snake_case works bare.",
                sql=ctx.sql.rename_table(name, new),
                design=(ctx.patch(new, renamed_from=name) + f"\n    # …and the rest of {name}, renamed") if ctx.from_design else None,
                path=("tables", name),
            )
        for column_name in table.columns:
            if _SNAKE.match(column_name):
                continue
            new = _free(snake_case(column_name), set(table.columns), "column")
            yield Violation(
                table=name,
                column=column_name,
                message=f"column name {name}.{column_name} is not snake_case",
                reason="Unquoted names fold to lower case, so this one needs double quotes in every query; snake_case works bare.",
                sql=ctx.sql.rename_column(name, column_name, new),
                design=ctx.patch(name, columns={new: _renamed_column(table, column_name)}),
            )


def _against_declared_case(ctx: Context, case: str):
    """Names in neither the declared case nor snake_case, under a naming convention of another case."""
    pattern = CASES[case]

    def follows(name: str) -> bool:
        return bool(pattern.match(name) or _SNAKE.match(name) and "_" not in name and case != "UPPER_CASE")

    for name, table in ctx.design.tables.items():
        if not follows(bare_name(name)):
            new = in_case(words(bare_name(name)) or ["table"], case)
            yield Violation(
                table=name,
                message=f"table name {name!r} is not {case}, as conventions.naming is {ctx.naming}",
                reason=f"The other names are {case}; one written otherwise makes every name a guess.",
                sql=ctx.sql.rename_table(name, new),
                design=(ctx.patch(new, renamed_from=name) + f"\n    # …and the rest of {name}, renamed") if ctx.from_design else None,
                path=("tables", name),
            )
        for column_name in table.columns:
            if follows(column_name):
                continue
            new = in_case(words(column_name) or ["column"], case)
            if new in table.columns:
                continue
            yield Violation(
                table=name,
                column=column_name,
                message=f"column name {name}.{column_name} is not {case}, as conventions.naming is {ctx.naming}",
                reason=f"The other names are {case}; one written otherwise makes every name a guess.",
                sql=ctx.sql.rename_column(name, column_name, new),
                design=ctx.patch(name, columns={new: _renamed_column(table, column_name)}),
            )


def _renamed_column(table, column_name: str):
    """The design patch's entry for a renamed column: its whole definition plus `renamed_from`."""
    from ..fixes import Flow

    column = table.columns[column_name]
    data = column.model_dump(mode="json", exclude_defaults=True)
    if column.default is not None:
        data["default"] = column.default.to_yaml()
    data["renamed_from"] = column_name
    return Flow(data)


def _table_name(ctx: Context, name: str) -> str:
    """The snake_case name for a table, in the number the naming convention asks for."""
    new = snake_case(name)
    _, number = naming_parts(ctx.naming)
    if number is not None and is_plural(last_word(new)) is not None:
        word = last_word(new)
        new = new[: len(new) - len(word)] + (plural(word) if number == "plural" else singular(word))
    return _free(new, set(ctx.design.tables), "table")


def _style(names: list[str]) -> str:
    styles = {"PascalCase": 0, "camelCase": 0, "upper case": 0, "mixed": 0}
    for name in names:
        if re.fullmatch(r"[A-Z][A-Za-z0-9]*", name) and not name.isupper():
            styles["PascalCase"] += 1
        elif re.fullmatch(r"[a-z]+[A-Z][A-Za-z0-9]*", name):
            styles["camelCase"] += 1
        elif re.fullmatch(r"[A-Z][A-Z0-9_]*", name):
            styles["upper case"] += 1
        else:
            styles["mixed"] += 1
    return max(styles, key=lambda style: styles[style])


@rule("SS309", "table-name-number", "info", "operations")
def table_name_number(ctx: Context):
    """
    ## What it does
    Checks table names against `conventions.naming`: under `snake_case_plural` (the default)
    finds singular table names (`user`, `order_item`), under `snake_case_singular` plural ones,
    and the same for names of another declared case (`PascalCase_singular`: `InvoiceLines`).
    The last word decides (`order_items`); words without a plural (`activity`, `history`,
    `feedback`, `data`) are fine either way. A schema imported from DDL or a database is held
    to the form most of its own table names have (`import` records it). Names that SS307 or
    SS308 rename already are left to them, and partitions are named after their parent.

    ## Why is this bad?
    One rule means nobody has to remember whether it was `user` or `users`: generated models,
    joins and hand-written queries all guess right the first time. A schema that mixes both
    reads as if it were written by several teams who never met.

    ## Example
    ```yaml
    conventions: {naming: snake_case_plural}
    tables:
      customer:
        columns:
          id: {type: uuid}
        primary_key: [id]
    ```

    ## Use instead
    ```yaml
    conventions: {naming: snake_case_plural}
    tables:
      customers:
        columns:
          id: {type: uuid}
        primary_key: [id]
    ```
    """
    convention = ctx.naming
    case, wanted = naming_parts(convention)
    if wanted is None or case not in CASES:
        return
    want_plural = wanted == "plural"
    # Names of the convention's case; names of another case are SS308's (snake_case ones too,
    # unless the design declares another case).
    snake = case == "snake_case" or not ctx.from_design
    pattern = _SNAKE if snake else CASES[case]
    for name in ctx.tables:
        if name.lower() in RESERVED or not pattern.match(name):
            continue  # SS307 or SS308 renames it already
        parts = [last_word(name)] if snake else words(name)
        word = parts[-1]
        number = is_plural(word)
        if number is None or number == want_plural or not word.isalpha():
            continue
        changed = plural(word) if want_plural else singular(word)
        new = name[: len(name) - len(word)] + changed if snake else in_case([*parts[:-1], changed], case)
        if new in ctx.design.tables or new.lower() in RESERVED:
            continue
        yield Violation(
            table=name,
            message=f"table name {name!r} is {'singular' if want_plural else 'plural'}; conventions.naming is {convention}",
            reason=f"Every other name follows one rule; {new!r} does too, and nobody has to remember the exception.",
            sql=ctx.sql.rename_table(name, new),
            design=(ctx.patch(new, renamed_from=name) + f"\n    # …and the rest of {name}, renamed") if ctx.from_design else None,
            path=("tables", name),
        )
