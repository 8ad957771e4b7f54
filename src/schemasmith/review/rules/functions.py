"""Functions and the triggers that call them: whose rights and search path a function runs with,
and what its declared volatility promises."""

from __future__ import annotations

from ..context import Context
from ..definition import rule
from ..finding import Violation
from ..fixes import Block
from ..objects import FunctionFacts, row_only_calls, with_clause

#: Built-in functions that are STABLE or IMMUTABLE and that trigger functions call to compute a
#: row's values. A call to anything else (clock_timestamp, random, gen_random_uuid, nextval,
#: pg_notify, set_config, a function of the design) keeps a trigger function out of SS311.
NON_VOLATILE_CALLS = frozenset(
    {
        "now", "statement_timestamp", "transaction_timestamp", "current_setting", "current_database",
        "current_schema", "lower", "upper", "initcap", "btrim", "ltrim", "rtrim", "trim", "length",
        "char_length", "octet_length", "substring", "substr", "left", "right", "replace", "regexp_replace",
        "translate", "concat", "concat_ws", "format", "md5", "encode", "decode", "split_part", "strpos",
        "position", "to_tsvector", "setweight", "to_char", "to_date", "to_timestamp", "date_trunc", "date_part",
        "extract", "age", "make_date", "make_timestamp", "make_timestamptz", "abs", "round", "floor", "ceil",
        "ceiling", "trunc", "greatest", "least", "coalesce", "nullif", "array_length", "array_append",
        "array_prepend", "array_remove", "cardinality", "jsonb_build_object", "json_build_object", "jsonb_set",
        "jsonb_strip_nulls", "to_jsonb", "to_json", "row_to_json", "jsonb_populate_record", "jsonb_build_array",
    }
)


def function_sql_name(ctx: Context, signature: str, facts: FunctionFacts) -> str:
    """`public.f(integer)` for ALTER FUNCTION: the name as the definition writes it, quoted."""
    return ".".join(ctx.sql.q(part) for part in facts.name) + signature[signature.index("("):]


def changed_definition(ctx: Context, signature: str, clause: str) -> str | None:
    """The design change that adds a clause to a function's definition."""
    definition = with_clause(ctx.design.functions[signature].definition, clause)
    return ctx.object_patch("functions", signature, definition=Block(definition)) if definition else None


@rule("SS408", "security-definer-without-search-path", "error", "security", profiles=("postgres",))
def security_definer_without_search_path(ctx: Context):
    """
    ## What it does
    Finds `SECURITY DEFINER` functions whose definition sets no `search_path`.

    ## Why is this bad?
    A security-definer function runs with its owner's rights but resolves every unqualified
    name (tables, functions, operators) through the caller's `search_path`. A caller who can
    create objects in any schema on that path, or a temporary table (the session's `pg_temp` is
    searched first for relations unless the path names it), puts an object of the same name
    there and the function uses it with the owner's rights: a function or operator of theirs runs
    as the owner, often a superuser. The PostgreSQL manual's fix is a fixed path that names only
    trusted schemas, `pg_temp` last. The fix below keeps the function's own schema, which is safe
    when only trusted roles can create objects in it (the default for `public` from PostgreSQL
    15); otherwise set `search_path = pg_catalog, pg_temp` and qualify every name in the body.

    ## Example
    ```sql
    CREATE TABLE accounts (id bigint PRIMARY KEY, balance numeric(12,2) NOT NULL);
    CREATE FUNCTION account_balance(account bigint) RETURNS numeric
        LANGUAGE sql SECURITY DEFINER
        AS $$ SELECT balance FROM accounts WHERE id = account $$;
    ```

    ## Use instead
    ```sql
    CREATE TABLE accounts (id bigint PRIMARY KEY, balance numeric(12,2) NOT NULL);
    CREATE FUNCTION account_balance(account bigint) RETURNS numeric
        LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp
        AS $$ SELECT balance FROM public.accounts WHERE id = account $$;
    ```
    """
    for signature, facts in ctx.function_facts.items():
        if not facts.security_definer or "search_path" in facts.settings:
            continue
        schema = facts.name[0] if len(facts.name) > 1 else "public"
        path = f"{ctx.sql.q(schema)}, pg_temp"
        yield Violation(
            table=signature,
            message=f"SECURITY DEFINER function {signature} sets no search_path, so callers choose what its names resolve to",
            reason=f"It runs with its owner's rights but finds unqualified tables, functions and operators through the"
            f" caller's search_path (temporary tables first): an object planted there runs or is read as the owner. Fix"
            f" the path to trusted schemas with pg_temp last (only trusted roles may create objects in {schema}).",
            sql=f"ALTER FUNCTION {function_sql_name(ctx, signature, facts)} SET search_path = {path};",
            design=changed_definition(ctx, signature, f"SET search_path = {path}"),
            path=("functions", signature),
        )


@rule("SS311", "volatile-trigger-function", "info", "operations", profiles=("postgres",))
def volatile_trigger_function(ctx: Context):
    """
    ## What it does
    Finds PL/pgSQL trigger functions, used by a trigger of the design, that are `VOLATILE` (the
    default) although their body only computes the row: assignments to `NEW` fields, `IF`,
    `CASE`, `RAISE` and `RETURN`, over expressions that read no table and call only built-in
    STABLE or IMMUTABLE functions (`now()`, `current_setting(…)`, `lower(…)`, …).

    ## Why is this bad?
    A VOLATILE PL/pgSQL function takes a fresh snapshot (and a command-counter increment) for
    each expression that is not immutable, on every row the trigger fires for; a STABLE one uses
    the calling statement's snapshot. A bulk update pays it once per row for nothing, and the
    declaration says the function may write when it cannot. The rule is deliberately narrow,
    because STABLE changes behaviour elsewhere: a STABLE function may not run INSERT, UPDATE or
    DELETE, and it does not see the rows the calling statement changed. So a function that runs
    any SQL statement (SELECT INTO, PERFORM, EXECUTE, loops over queries), reads a table inside
    an expression, or calls a volatile or unknown function (`clock_timestamp()`,
    `gen_random_uuid()`, `nextval`, `pg_notify`, the design's own functions) is never reported.
    The gain is small per row: this is advice, not a defect.

    ## Example
    ```sql
    CREATE TABLE posts (id bigint PRIMARY KEY, title text NOT NULL, updated_at timestamptz NOT NULL DEFAULT now());
    CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql
        AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$;
    CREATE TRIGGER posts_touch BEFORE UPDATE ON posts FOR EACH ROW EXECUTE FUNCTION touch();
    ```

    ## Use instead
    ```sql
    CREATE TABLE posts (id bigint PRIMARY KEY, title text NOT NULL, updated_at timestamptz NOT NULL DEFAULT now());
    CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql STABLE
        AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$;
    CREATE TRIGGER posts_touch BEFORE UPDATE ON posts FOR EACH ROW EXECUTE FUNCTION touch();
    ```
    """
    for signature, uses in ctx.trigger_uses.items():
        facts = ctx.function_facts.get(signature)
        if facts is None or not facts.returns_trigger or facts.language != "plpgsql" or facts.volatility != "volatile":
            continue
        calls = row_only_calls(ctx.design.functions[signature].definition)
        if calls is None or any(call.removeprefix("pg_catalog.") not in NON_VOLATILE_CALLS for call in calls):
            continue
        tables = ", ".join(dict.fromkeys(table for table, _ in uses))
        yield Violation(
            table=signature,
            message=f"trigger function {signature} (triggers on {tables}) is VOLATILE but only computes the row",
            reason="Its body runs no SQL and calls only stable or immutable functions, so STABLE is true of it; a"
            " VOLATILE PL/pgSQL function takes a new snapshot per expression on every row the trigger fires for.",
            sql=f"ALTER FUNCTION {function_sql_name(ctx, signature, facts)} STABLE;",
            design=changed_definition(ctx, signature, "STABLE"),
            path=("functions", signature),
        )
