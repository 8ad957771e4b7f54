"""Multi-tenant isolation: a tenant key on every tenant-owned table, and FKs that stay in a tenant."""

from __future__ import annotations

from dataclasses import dataclass

from ...model import naming
from ...model.document import ForeignKey
from ..context import Context
from ..finding import Violation
from ..definition import rule
from ..words import singular
from .foreign_keys import fk_data, fk_name, fk_patch_path


def tenant_paths(ctx: Context) -> dict[str, list[str]]:
    """Tables that belong to a tenant (a chain of NOT NULL foreign keys reaches the tenant table).

    Each maps to its chain of parents, nearest first, ending at the tenant table.
    """
    tenant = ctx.tenant_table
    if tenant is None:
        return {}
    cache = ctx.__dict__.get("_tenant_paths")
    if cache is not None:
        return cache
    paths: dict[str, list[str]] = {tenant: []}
    frontier = [tenant]
    while frontier:
        following = []
        for parent in frontier:
            for child, foreign_key in ctx.incoming.get(parent, []):
                if child in paths or child == parent:
                    continue
                columns = ctx.design.tables[child].columns
                if any(columns[column].nullable for column in foreign_key.columns):
                    continue  # an optional link does not make the row the tenant's
                paths[child] = [parent, *paths[parent]]
                following.append(child)
        frontier = following
    del paths[tenant]
    ctx.__dict__["_tenant_paths"] = paths
    return paths


@rule("SS405", "missing-tenant-key", "error", "security", profiles=("multi-tenant",))
def missing_tenant_key(ctx: Context):
    """
    ## What it does
    Under the multi-tenant profile, finds tenant-owned tables without a tenant key. A table
    is tenant-owned when NOT NULL foreign keys lead from it to the tenant table (`tenants`,
    `organizations`, `workspaces`, … or `tenant-table` in the configuration).

    ## Why is this bad?
    A row that knows its tenant only through its parent's parent can be filtered by tenant only
    with joins: every query, policy and export must remember the whole chain, one that forgets
    shows one customer another's data, and row-level security on the table cannot name the
    tenant at all. Partitioning or moving a tenant to its own database becomes a project. A
    tenant key on every tenant-owned row makes isolation one condition.

    ## Example
    ```yaml
    tables:
      organizations:
        columns:
          id: {type: uuid}
        primary_key: [id]
      projects:
        columns:
          id: {type: uuid}
          organization_id: {type: uuid}
        primary_key: [id]
        foreign_keys:
          - {columns: [organization_id], references: {table: organizations, columns: [id]}, on_delete: cascade}
      tasks:
        columns:
          id: {type: uuid}
          project_id: {type: uuid}
        primary_key: [id]
        foreign_keys:
          - {columns: [project_id], references: {table: projects, columns: [id]}, on_delete: cascade}
    ```

    ## Use instead
    ```yaml
    tables:
      organizations:
        columns:
          id: {type: uuid}
        primary_key: [id]
      projects:
        columns:
          id: {type: uuid}
          organization_id: {type: uuid}
        primary_key: [id]
        unique:
          - {columns: [organization_id, id]}
        foreign_keys:
          - {columns: [organization_id], references: {table: organizations, columns: [id]}, on_delete: cascade}
      tasks:
        columns:
          id: {type: uuid}
          organization_id: {type: uuid}
          project_id: {type: uuid}
        primary_key: [id]
        foreign_keys:
          - {columns: [organization_id, project_id], references: {table: projects, columns: [organization_id, id]}, on_delete: cascade}
    ```
    """
    key = ctx.tenant_key
    tenant = ctx.tenant_table
    if key is None or tenant is None:
        return
    tenant_model = ctx.design.tables[tenant]
    key_type = tenant_model.columns[tenant_model.primary_key[0]].type if len(tenant_model.primary_key) == 1 else "uuid"
    for name, chain in tenant_paths(ctx).items():
        table = ctx.design.tables[name]
        if key in table.columns:
            continue
        parent = chain[0]
        q = ctx.sql.q
        link = next(fk for fk in table.foreign_keys if fk.references.table == parent)
        statements = [ctx.sql.add_column(name, key, key_type)]
        parent_has_key = key in ctx.design.tables[parent].columns
        if parent_has_key and len(link.columns) == 1:
            statements.append(
                f"UPDATE {q(name)} SET {q(key)} = (SELECT {q(key)} FROM {q(parent)}"
                f" WHERE {q(parent)}.{q(link.references.columns[0])} = {q(name)}.{q(link.columns[0])});"
            )
            if not ctx.sql.rebuilds_tables:
                statements.append(f"ALTER TABLE {q(name)} ALTER COLUMN {q(key)} SET NOT NULL;")
        column: dict = {"type": key_type}
        if parent_has_key and len(link.columns) == 1:
            column["backfill"] = f"(SELECT {key} FROM {parent} WHERE {parent}.{link.references.columns[0]} = {name}.{link.columns[0]})"
        from ..fixes import Flow

        route = " → ".join([name, *chain])
        yield Violation(
            table=name,
            message=f"{name} belongs to one {singular(tenant)} ({route}) but has no {key}",
            reason=f"Filtering {name} by tenant needs joins up the chain in every query and policy, and one that forgets"
            f" leaks another tenant's rows; a {key} on the row (kept equal to the parent's by a composite foreign key)"
            " makes isolation one condition.",
            sql="\n".join(statements),
            design=ctx.patch(name, columns={key: Flow(column)}),
        )


@rule("SS406", "cross-tenant-foreign-key", "warning", "security", profiles=("multi-tenant",))
def cross_tenant_foreign_key(ctx: Context):
    """
    ## What it does
    Under the multi-tenant profile, finds foreign keys that can cross tenants. Both tables
    carry the tenant key but the foreign key leaves it out: `tasks(project_id) → projects`
    instead of `tasks(organization_id, project_id) → projects(organization_id, id)`.

    ## Why is this bad?
    Nothing then stops a task of tenant A from pointing at a project of tenant B: one bug in
    one endpoint (an id taken from the request) and data crosses the tenant boundary, where
    every tenant-filtered query shows it to the wrong customer or hides it from the right one.
    A composite foreign key makes the database refuse it; the parent needs a unique key on
    (tenant key, id) for it to reference.

    ## Example
    ```yaml
    tables:
      organizations:
        columns:
          id: {type: uuid}
        primary_key: [id]
      projects:
        columns:
          id: {type: uuid}
          organization_id: {type: uuid}
        primary_key: [id]
        foreign_keys:
          - {columns: [organization_id], references: {table: organizations, columns: [id]}, on_delete: cascade}
      tasks:
        columns:
          id: {type: uuid}
          organization_id: {type: uuid}
          project_id: {type: uuid}
        primary_key: [id]
        foreign_keys:
          - {columns: [organization_id], references: {table: organizations, columns: [id]}, on_delete: cascade}
          - {columns: [project_id], references: {table: projects, columns: [id]}, on_delete: cascade}
    ```

    ## Use instead
    ```yaml
    tables:
      organizations:
        columns:
          id: {type: uuid}
        primary_key: [id]
      projects:
        columns:
          id: {type: uuid}
          organization_id: {type: uuid}
        primary_key: [id]
        unique:
          - {columns: [organization_id, id]}
        foreign_keys:
          - {columns: [organization_id], references: {table: organizations, columns: [id]}, on_delete: cascade}
      tasks:
        columns:
          id: {type: uuid}
          organization_id: {type: uuid}
          project_id: {type: uuid}
        primary_key: [id]
        foreign_keys:
          - {columns: [organization_id], references: {table: organizations, columns: [id]}, on_delete: cascade}
          - {columns: [organization_id, project_id], references: {table: projects, columns: [organization_id, id]}, on_delete: cascade}
    ```
    """
    key = ctx.tenant_key
    tenant = ctx.tenant_table
    if key is None or tenant is None:
        return
    for name, foreign_key in _foreign_keys_leaving_out_tenant(ctx, key, tenant):
        fix = _TenantReference.of(ctx, key, name, foreign_key)
        yield Violation(
            table=name,
            column=foreign_key.columns[0] if len(foreign_key.columns) == 1 else None,
            constraint=fk_name(name, foreign_key),
            message=f"{name}({', '.join(foreign_key.columns)}) → {fix.parent} can point at another tenant's {fix.parent}",
            reason=f"Both tables carry {key}, but the foreign key leaves it out, so nothing keeps the two rows in one"
            f" tenant; reference ({', '.join(fix.referenced)}) instead{_set_null_note(key, foreign_key)}.",
            sql=fix.sql(ctx),
            design=fix.design(ctx),
            path=fk_patch_path(name, ctx, foreign_key),
        )


def _foreign_keys_leaving_out_tenant(ctx: Context, key: str, tenant: str):
    """(table, foreign key) for each foreign key between two tables that both carry the tenant
    key, when the foreign key does not include it (references to the tenant table itself are fine)."""
    for name, table in ctx.design.tables.items():
        if key not in table.columns or name == tenant:
            continue
        for foreign_key in table.foreign_keys:
            parent = foreign_key.references.table
            if parent == tenant or key in foreign_key.columns or parent not in ctx.design.tables:
                continue
            if key not in ctx.design.tables[parent].columns:
                continue
            yield name, foreign_key


@dataclass
class _TenantReference:
    """The composite foreign key that keeps a reference inside one tenant: the tenant key added
    in front on both sides, and whether the parent already has the unique key it needs."""

    name: str
    foreign_key: ForeignKey
    parent: str
    columns: list[str]
    referenced: list[str]
    unique_exists: bool

    @classmethod
    def of(cls, ctx: Context, key: str, name: str, foreign_key: ForeignKey) -> _TenantReference:
        parent = foreign_key.references.table
        referenced = [key, *foreign_key.references.columns]
        unique_exists = any(set(referenced) == columns_set for columns_set in ctx.unique_column_sets(ctx.design.tables[parent]))
        return cls(name, foreign_key, parent, [key, *foreign_key.columns], referenced, unique_exists)

    def sql(self, ctx: Context) -> str:
        """The parent's unique key when missing, then the foreign key replaced by the composite one."""
        statements = []
        if not self.unique_exists:
            unique = f"UNIQUE ({ctx.sql.columns(self.referenced)})"
            statements.append(ctx.sql.add_constraint(self.parent, naming.unique_name(self.parent, self.referenced), unique))
        clause = ctx.sql.foreign_key_clause(self.columns, self.parent, self.referenced, self.foreign_key.on_delete)
        statements.append(ctx.sql.replace_foreign_key(self.name, fk_name(self.name, self.foreign_key), clause))
        return "\n".join(statements)

    def design(self, ctx: Context) -> str | None:
        """The same change as a design-document snippet, when the schema is a design document."""
        if not ctx.from_design:
            return None
        from ..fixes import yaml_snippet

        tables = {}
        if not self.unique_exists:
            tables[self.parent] = {"unique": [{"columns": self.referenced}]}
        references = {"table": self.parent, "columns": self.referenced}
        tables[self.name] = {"foreign_keys": [fk_data(self.foreign_key, columns=self.columns, references=references)]}
        return yaml_snippet({"tables": tables})


def _set_null_note(key: str, foreign_key: ForeignKey) -> str:
    """ON DELETE SET NULL on the composite key would blank the tenant key as well."""
    if foreign_key.on_delete != "set null":
        return ""
    return (f" (ON DELETE SET NULL would empty {key} too: from PostgreSQL 15 write"
            f" SET NULL ({', '.join(foreign_key.columns)}))")
