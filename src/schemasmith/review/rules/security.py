"""Row-level security: on for every table Supabase serves, with policies that name an owner."""

from __future__ import annotations

import re

from ..context import Context
from ..definition import rule
from ..finding import Violation
from ..words import identifiers

#: Columns that name who owns a row.
USER_KEYS = ("user_id", "owner_id", "author_id", "created_by", "member_id", "profile_id", "account_id")
TENANT_KEYS = ("tenant_id", "organization_id", "organisation_id", "org_id", "workspace_id", "team_id", "company_id")
#: Functions through which a policy learns who is asking.
_WHO = re.compile(r"auth\s*\.\s*(?:uid|jwt|role)\s*\(|\bcurrent_user\b|\bsession_user\b|\bcurrent_setting\s*\(", re.IGNORECASE)


def user_columns(ctx: Context, name: str) -> list[str]:
    """Columns of a table that name the user a row belongs to, best first.

    Under Supabase only uuid columns count: auth.uid() is a uuid, nothing else can equal it.
    """
    table = ctx.design.tables[name]
    found = [column for column in USER_KEYS if column in table.columns]
    found += [fk.columns[0] for fk in table.foreign_keys if fk.references.table == ctx.user_table and len(fk.columns) == 1]
    if name == ctx.user_table and len(table.primary_key) == 1:
        found.append(table.primary_key[0])
    if "supabase" in ctx.profile:
        found = [column for column in found if table.columns[column].portable_type.kind == "uuid"]
    return list(dict.fromkeys(found))


def tenant_columns(ctx: Context, name: str) -> list[str]:
    table = ctx.design.tables[name]
    found = [column for column in (ctx.tenant_key, *TENANT_KEYS) if column and column in table.columns]
    found += [fk.columns[0] for fk in table.foreign_keys if fk.references.table == ctx.tenant_table and len(fk.columns) == 1]
    return list(dict.fromkeys(found))


def owner_columns(ctx: Context, name: str) -> list[str]:
    """Columns of a table that tie a row to a user or a tenant."""
    return list(dict.fromkeys(tenant_columns(ctx, name) + user_columns(ctx, name)))


def membership_table(ctx: Context) -> tuple[str, str, str] | None:
    """(table, tenant column, user column) of the table linking users to tenants, if there is one."""
    if "_membership" in ctx.__dict__:
        return ctx.__dict__["_membership"]
    found = None
    if ctx.tenant_table is not None:
        for name in ctx.design.tables:
            tenants, users = tenant_columns(ctx, name), user_columns(ctx, name)
            if tenants and users and name not in (ctx.user_table, ctx.tenant_table):
                found = (name, tenants[0], users[0])
                break
    ctx.__dict__["_membership"] = found
    return found


def _asking_user(ctx: Context) -> str:
    """SQL for the id of the user asking: Supabase's auth.uid(), else a session setting."""
    if "supabase" in ctx.profile:
        return "(select auth.uid())"
    users = ctx.design.tables.get(ctx.user_table or "")
    key_type = "uuid"
    if users is not None and len(users.primary_key) == 1 and users.primary_key[0] in users.columns:
        key_type = ctx.sql.type_sql(users.columns[users.primary_key[0]].type)
    return f"current_setting('app.user_id')::{key_type}"


def owner_expression(ctx: Context, name: str, depth: int = 0) -> str | None:
    """A USING expression limiting a table's rows to those of the asking user (or their tenants).

    The user's own rows by a user key; a tenant's rows through the membership table; rows of a
    table owned by a parent through the parent's own expression. None: nothing ties a row to
    anyone (public data, or a design question).
    """
    q = ctx.sql.q
    uid = _asking_user(ctx)
    membership = membership_table(ctx)
    table = ctx.design.tables[name]
    if membership is not None and name != membership[0]:
        link, tenant_column, user_column = membership
        members = f"SELECT {q(tenant_column)} FROM {q(link)} WHERE {q(user_column)} = {uid}"
        if name == ctx.tenant_table and len(table.primary_key) == 1:
            return f"{q(table.primary_key[0])} IN ({members})"
        tenants = tenant_columns(ctx, name)
        if tenants:
            return f"{q(tenants[0])} IN ({members})"
    users = user_columns(ctx, name)
    if users and (name == ctx.user_table or name == (membership or ("",))[0] or membership is None):
        return f"{q(users[0])} = {uid}"
    if depth < 3:
        # Owned through a parent: the row is visible when its parent is.
        for foreign_key in table.foreign_keys:
            parent = foreign_key.references.table
            if parent == name or len(foreign_key.columns) != 1 or table.columns[foreign_key.columns[0]].nullable:
                continue
            parent_expression = owner_expression(ctx, parent, depth + 1)
            if parent_expression is not None:
                key = foreign_key.references.columns[0]
                return f"{q(foreign_key.columns[0])} IN (SELECT {q(key)} FROM {q(parent)} WHERE {parent_expression})"
    if users:
        return f"{q(users[0])} = {uid}"
    return None


@rule("SS401", "table-without-rls", "error", "security", profiles=("supabase",))
def table_without_rls(ctx: Context):
    """
    ## What it does
    Under the supabase profile, finds tables without row-level security.

    ## Why is this bad?
    Supabase serves every table of the `public` schema through its Data API to anyone holding
    the anon key, which ships inside every web and mobile client. Without row-level security
    that key reads, changes and deletes every row of the table: one curl command dumps the
    users' data. With RLS on and no policy, nothing is visible; each policy then opens exactly
    the rows a user may see.

    ## Example
    ```yaml
    tables:
      notes:
        columns:
          id: {type: uuid}
          user_id: {type: uuid}
          body: {type: text}
        primary_key: [id]
    ```

    ## Use instead
    ```yaml
    tables:
      notes:
        columns:
          id: {type: uuid}
          user_id: {type: uuid}
          body: {type: text}
        primary_key: [id]
        row_level_security: true
        policies:
          - {name: own notes, roles: [authenticated], using: user_id = (select auth.uid()), with_check: user_id = (select auth.uid())}
    ```
    """
    for name, table in ctx.design.tables.items():
        if table.row_level_security:
            continue
        using = owner_expression(ctx, name)
        if using is not None:
            policy = {"name": f"{name} of the signed-in user", "roles": ["authenticated"], "using": using, "with_check": using}
            command, check = "all", using
        elif name == ctx.user_table:
            policy = None  # no uuid column to compare with auth.uid(): closed to clients until one exists
        else:
            # Nothing ties a row to a user: public data at most, readable and not writable by clients.
            policy = {"name": f"{name} are public", "command": "select", "roles": ["anon", "authenticated"], "using": "true"}
            command, check = "select", None
        sql = ctx.sql.enable_rls(name)
        if policy is not None:
            sql += "\n" + ctx.sql.create_policy(name, policy["name"], command, policy["roles"], policy["using"], check)
        else:
            sql += f"\n-- no policy: {name} has no uuid key to compare with auth.uid(), so clients see nothing (see SS404)"
        yield Violation(
            table=name,
            message=f"{name} has no row-level security, so the anon key reads and writes all of it",
            reason="Supabase serves every public table through its Data API to any client with the anon key; enable RLS"
            " and open only the rows a user may see (the policy below is a start: check it against the product).",
            sql=sql,
            design=ctx.patch(name, row_level_security=True, **({"policies": [policy]} if policy else {})),
            path=("tables", name),
        )


@rule("SS402", "policy-without-owner-key", "warning", "security", profiles=("postgres",))
def policy_without_owner_key(ctx: Context):
    """
    ## What it does
    Finds row-level-security policies that tie rows to no user or tenant. Their USING and
    WITH CHECK expressions name neither a user or tenant key of the table (`user_id`,
    `owner_id`, `organization_id`, a foreign key to the users or tenant table) nor who is asking
    (`auth.uid()`, `auth.jwt()`, `current_user`, `current_setting(…)`): `USING (true)`,
    `USING (status = 'published')`.

    ## Why is this bad?
    Such a policy grants the same rows to everyone it applies to: it does not separate one
    user's or tenant's data from another's, which is what row-level security is for, and on a
    table with an owner column it ignores exactly the column that says whose row it is. Public
    data is not reported: a `select` policy on a table that names no owner, or a `select`
    policy with a condition of its own (`status = 'published'`, a deliberate public subset).

    ## Example
    ```yaml
    tables:
      documents:
        columns:
          id: {type: uuid}
          owner_id: {type: uuid}
        primary_key: [id]
        row_level_security: true
        policies:
          - {name: everything, using: "true"}
    ```

    ## Use instead
    ```yaml
    tables:
      documents:
        columns:
          id: {type: uuid}
          owner_id: {type: uuid}
        primary_key: [id]
        row_level_security: true
        policies:
          - {name: own documents, using: owner_id = current_setting('app.user_id')::uuid}
    ```
    """
    for name, table in ctx.design.tables.items():
        if not table.policies:
            continue
        keys = {key.lower() for key in owner_columns(ctx, name)}
        for position, policy in enumerate(table.policies):
            text = " ".join(part for part in (policy.using, policy.with_check) if part)
            if _WHO.search(text) or identifiers(text) & keys:
                continue
            trivially_true = not text.strip() or text.strip().lower() in ("true", "(true)")
            if policy.command == "select" and (not keys or not trivially_true):
                continue  # public data, or a deliberate public subset (status = 'published')
            using = owner_expression(ctx, name)
            if using is None:
                sql = (f"DROP POLICY {ctx.sql.q(policy.name)} ON {ctx.sql.q(name)};\n"
                       + ctx.sql.create_policy(name, policy.name, "select", list(policy.roles), policy.using or "true"))
                design = ctx.patch(name, policies=[{**policy.model_dump(mode="json", exclude_defaults=True), "command": "select"}])
                how = "nothing in the table names an owner, so at most let everyone read it (select only)"
            else:
                writes = policy.command in ("all", "insert", "update")
                sql = (f"DROP POLICY {ctx.sql.q(policy.name)} ON {ctx.sql.q(name)};\n"
                       + ctx.sql.create_policy(name, policy.name, policy.command, list(policy.roles), using, using if writes else None))
                changed = {**policy.model_dump(mode="json", exclude_defaults=True), "using": using}
                if writes:
                    changed["with_check"] = using
                design = ctx.patch(name, policies=[changed])
                how = "tie it to the row's owner"
            yield Violation(
                table=name,
                constraint=policy.name,
                message=f"policy {policy.name!r} on {name} names no user or tenant key ({text or 'no condition'})",
                reason=f"It grants the same rows to everyone it applies to, so it does not separate one user's or tenant's"
                f" data from another's; {how}.",
                sql=sql,
                design=design,
                path=("tables", name, "policies", position),
            )


@rule("SS403", "rls-without-policies", "warning", "security", profiles=("postgres",))
def rls_without_policies(ctx: Context):
    """
    ## What it does
    Finds tables with row-level security enabled and no policy.

    ## Why is this bad?
    With RLS on and no policy, PostgreSQL shows no rows to anyone but the table's owner and
    superusers, and refuses every write: the application sees an empty table, usually first
    in production, where it connects as a different role than in development.

    ## Example
    ```yaml
    tables:
      notes:
        columns:
          id: {type: uuid}
          user_id: {type: uuid}
        primary_key: [id]
        row_level_security: true
    ```

    ## Use instead
    ```yaml
    tables:
      notes:
        columns:
          id: {type: uuid}
          user_id: {type: uuid}
        primary_key: [id]
        row_level_security: true
        policies:
          - {name: own notes, using: user_id = current_setting('app.user_id')::uuid}
    ```
    """
    for name, table in ctx.design.tables.items():
        if not table.row_level_security or table.policies:
            continue
        using = owner_expression(ctx, name)
        roles = ["authenticated"] if "supabase" in ctx.profile else []
        if using is not None:
            policy = {"name": f"{name} of the current user", **({"roles": roles} if roles else {}), "using": using, "with_check": using}
            sql = ctx.sql.create_policy(name, policy["name"], "all", roles, using, using)
        else:
            policy = {"name": f"{name} are public", "command": "select", **({"roles": roles} if roles else {}), "using": "true"}
            sql = ctx.sql.create_policy(name, policy["name"], "select", roles, "true")
        yield Violation(
            table=name,
            message=f"{name} has row-level security on but no policy, so no role but its owner sees a row",
            reason="RLS without a policy denies everything: the application sees an empty table and cannot write."
            " Add the policies that open the rows each user may see.",
            sql=sql,
            design=ctx.patch(name, policies=[policy]),
            path=("tables", name),
        )


_CREDENTIALS = ("email", "password", "password_hash", "encrypted_password", "hashed_password", "phone")


@rule("SS404", "users-outside-supabase-auth", "warning", "security", profiles=("supabase",))
def users_outside_supabase_auth(ctx: Context):
    """
    ## What it does
    Under the supabase profile, finds a users table of the design's own that keeps sign-in
    facts (email, password, phone) instead of pointing at Supabase Auth's `auth.users`.

    ## Why is this bad?
    Supabase Auth already keeps users, their emails, passwords and sessions in `auth.users`,
    and `auth.uid()` in every policy returns an id from there. A second users table with its
    own emails drifts from it (an email changed in Auth is not changed here), may keep password
    hashes nobody protects, and its ids are not the ones policies compare against. The usual
    shape is a `profiles` table whose `id` references `auth.users(id)` and holds only what the
    app adds (display name, avatar).

    ## Example
    ```yaml
    tables:
      users:
        columns:
          id: {type: uuid}
          email: {type: text}
          password_hash: {type: text}
        primary_key: [id]
        row_level_security: true
        policies:
          - {name: own row, using: id = (select auth.uid())}
    ```

    ## Use instead
    ```yaml
    tables:
      profiles:
        comment: "What the app adds to a Supabase user; id references auth.users(id) (created in a migration: the design cannot name another schema)."
        columns:
          id: {type: uuid}
          display_name: {type: text}
        primary_key: [id]
        row_level_security: true
        policies:
          - {name: own profile, using: id = (select auth.uid())}
    ```
    """
    name = ctx.user_table
    if name is None:
        return
    table = ctx.design.tables[name]
    credentials = [column for column in table.columns if column.lower() in _CREDENTIALS]
    if not credentials:
        return
    q = ctx.sql.q
    key = table.primary_key[0] if len(table.primary_key) == 1 else "id"
    sql = (
        f"ALTER TABLE {q(name)} ADD CONSTRAINT {q(name + '_' + key + '_auth_fkey')} FOREIGN KEY ({q(key)})"
        f" REFERENCES auth.users (id) ON DELETE CASCADE;\n"
        + "\n".join(f"ALTER TABLE {q(name)} DROP COLUMN {q(column)};  -- read it from auth.users" for column in credentials)
    )
    yield Violation(
        table=name,
        column=credentials[0],
        message=f"{name} keeps {', '.join(credentials)} next to Supabase Auth's auth.users",
        reason="Supabase Auth owns sign-in (auth.users, auth.uid()); a second copy of emails or passwords drifts from it"
        " and its ids are not the ones policies compare. Keep only what the app adds, keyed by auth.users(id).",
        sql=sql,
    )
