"""The objects beside tables: schemas, extensions, collations, domains, types, sequences, routines,
views and materialized views, grants and default privileges.

Objects are matched by their design key. A changed object is altered in place where PostgreSQL
can (extension version, domain defaults and checks, composite attributes, sequence options),
replaced where `CREATE OR REPLACE` accepts the change (a routine with the same signature and
result; a view whose columns only grow at the end), and otherwise dropped and created again —
together with the views that read it, and with the views over a table column whose type
changes or that is dropped (PostgreSQL refuses both while a view uses the column). Grants on an
object created again are revoked before and granted after, so the DOWN restores them too.
"""

from __future__ import annotations

from typing import Any

from ...dialects.pg_definitions import (
    dependency_order,
    normal_key,
    query_facts,
    routine_facts,
    split_signature,
    trigger_function,
)
from ...dialects.pg_objects import view_index_names
from ...dialects.registry import get_dialect
from ...model.document import Design
from ...model.objects import View
from .. import operations as ops
from .state import Comparison

#: The phases of creating, and of dropping, each object class that has no more particular rule.
SIMPLE_PHASES = {
    "schema": ("create_schema", "drop_schema"),
    "extension": ("create_extension", "drop_extension"),
    "collation": ("create_collation", "drop_collation"),
    "domain": ("create_domain", "drop_domain"),
    "type": ("create_type", "drop_type"),
    "sequence": ("create_sequence", "drop_sequence"),
}


#: The design's sections beside tables and enums.
OBJECT_SECTIONS = ("schemas", "extensions", "collations", "domains", "types", "sequences", "functions", "views", "grants", "default_privileges")


def without_comments(item: Any, *fields: str) -> Any:
    """The object with its comments (and `fields`) left out: what a change other than a comment shows."""
    update: dict[str, Any] = {"comment": None}
    if isinstance(item, View):
        update["column_comments"] = {}
    for name in fields:
        update[name] = None
    return item.model_copy(update=update)


def flatten(operations: list[ops.Operation]) -> list[ops.Operation]:
    """Operations with composites opened (an expand–contract swap holds column changes)."""
    result = []
    for operation in operations:
        result += flatten(operation.parts) if isinstance(operation, ops.Composite) else [operation]
    return result


def routine_text(definition: str) -> str:
    return " ".join(definition.strip().rstrip(";").split())


def replaceable_routine(old: str, new: str) -> bool:
    """Whether CREATE OR REPLACE accepts `new` over `old`: same kind, result, parameter names and modes, no default removed."""
    before, after = routine_facts(old), routine_facts(new)
    if before.kind != after.kind or before.result != after.result or len(before.parameters) != len(after.parameters):
        return False
    for (name, mode, kind, default), (new_name, new_mode, new_kind, new_default) in zip(before.parameters, after.parameters):
        if (name, mode, kind) != (new_name, new_mode, new_kind) or (default and not new_default):
            return False
    return True


def view_columns(view: View) -> tuple[list[str] | None, list[str]]:
    """(the view's column names, each column's expression) as its query gives them (names None behind `*`)."""
    facts = query_facts(view.query.strip().rstrip(";"))
    names = list(view.columns) if view.columns else facts.outputs
    return names, facts.targets


def replaceable_view(old: View, new: View) -> bool:
    """CREATE OR REPLACE VIEW keeps every old column, same name, same expression, and only adds at the end."""
    if old.materialized or new.materialized:
        return False
    old_names, old_targets = view_columns(old)
    new_names, new_targets = view_columns(new)
    if old_names is None or new_names is None or new_names[: len(old_names)] != old_names:
        return False
    return new_targets[: len(old_targets)] == old_targets


def grant_key(grant) -> tuple:
    """A grant (or default privilege) by what it gives: object, privileges, grantee, grant option."""
    data = grant.model_dump()
    data["privileges"] = sorted(" ".join(text.lower().split()) for text in grant.privileges)
    for key in ("object", "to", "for_role", "in_schema"):
        if isinstance(data.get(key), str):
            data[key] = " ".join(data[key].lower().replace(", ", ",").split())
    return tuple(sorted((key, str(value)) for key, value in data.items()))


def grant_target(grant) -> tuple[str, str] | None:
    """("view", key) / ("routine", signature) of the object a grant names, for objects created again."""
    kind, _, name = " ".join(grant.object.split()).partition(" ")
    kind = kind.lower()
    if kind in ("table", "view") or grant.object.lower().startswith("materialized view "):
        name = name.split(" ", 1)[1] if grant.object.lower().startswith("materialized view ") else name
        return "view", normal_key(name)
    if kind in ("function", "procedure", "routine"):
        return "routine", signature_key(name)
    return None


def signature_key(signature: str) -> str:
    name, arguments = split_signature(signature)
    return f"{normal_key(name)}({','.join(part.strip().lower() for part in arguments.split(','))})"


class ObjectRules(Comparison):
    """Every object class beside tables, in dependency order both ways."""

    #: The whole designs (the comparison's `old` and `new` hold only the tables that change).
    whole_old: Design | None = None
    whole_new: Design | None = None

    def objects(self) -> None:
        self.recreated: set[tuple[str, str]] = set()
        self.target = get_dialect(self.dialect)
        self.not_held()
        old, new = self.old, self.new
        self.keyed("schema", old.schemas, new.schemas)
        self.keyed("extension", old.extensions, new.extensions, self.alter_extension)
        self.keyed("collation", old.collations, new.collations)
        self.keyed("domain", old.domains, new.domains, self.alter_domain)
        self.keyed("type", old.types, new.types, self.alter_type)
        self.keyed("sequence", old.sequences, new.sequences, self.alter_sequence)
        for name, sequence in new.sequences.items():
            before = old.sequences.get(name)
            if sequence.owned_by != (before.owned_by if before is not None else None) and (before is not None or sequence.owned_by):
                self.add("sequence_owner", ops.SetSequenceOwner(name, before.owned_by if before is not None else None, sequence.owned_by))
        for name, sequence in old.sequences.items():
            if name not in new.sequences and sequence.owned_by:
                # let go of the owner first: the DOWN sets it again once the table is back
                self.add("sequence_owner", ops.SetSequenceOwner(name, sequence.owned_by, None))
        self.routines()
        self.views()
        self.privileges()

    def not_held(self) -> None:
        """A note for each section that changes between the designs but that the target's database cannot hold."""
        whole_old, whole_new = self.whole_old, self.whole_new
        if whole_old is None or whole_new is None:
            return
        for section in OBJECT_SECTIONS:
            if getattr(whole_old, section) != getattr(whole_new, section) and not (getattr(self.old, section) or getattr(self.new, section)):
                self.notes.append(f"{section.replace('_', ' ')} change between OLD and NEW, but {self.target.label} has no such objects: not migrated")

    # --- objects with a key and a definition --------------------------------------------------------

    def keyed(self, kind: str, old: dict, new: dict, alter=None) -> None:
        """Created, dropped, changed (altered, or dropped and created again) and re-commented objects of one class."""
        create, drop = SIMPLE_PHASES[kind]
        for name, item in new.items():
            if name not in old:
                self.add(create, ops.CreateObject(kind, name, item))
        for name, item in old.items():
            if name not in new:
                self.add(drop, ops.DropObject(kind, name, item))
        for name, after in new.items():
            before = old.get(name)
            if before is None:
                continue
            ignored = ("owned_by",) if kind == "sequence" else ()
            if without_comments(before, *ignored) != without_comments(after, *ignored):
                if alter is None or not alter(name, before, after):
                    self.add("drop_recreated_object", ops.DropObject(kind, name, before, recreated=True))
                    self.add(create, ops.CreateObject(kind, name, after, recreated=True))
                    self.recreated.add((kind, normal_key(name)))
                    continue
            if before.comment != after.comment:
                self.add("comment", ops.SetObjectComment(kind, name, after, before.comment, after.comment))

    def alter_extension(self, name: str, before, after) -> bool:
        self.add("alter_extension", ops.AlterObject("extension", name, before, after))
        if before.version != after.version:
            self.notes.append(
                f"extension {name}: the DOWN runs ALTER EXTENSION … UPDATE TO {before.version or 'its default version'},"
                " which works only where the extension ships that downgrade script"
            )
        return True

    def alter_domain(self, name: str, before, after) -> bool:
        if before.type != after.type or before.collation != after.collation:
            return False
        self.add("alter_domain", ops.AlterObject("domain", name, before, after))
        return True

    def alter_type(self, name: str, before, after) -> bool:
        if before.definition is not None or after.definition is not None:
            return False
        kept = [attribute for attribute in before.attributes if attribute in after.attributes]
        if [attribute for attribute in after.attributes if attribute in before.attributes] != kept:
            return False  # attributes cannot be reordered in place
        self.add("alter_composite_type", ops.AlterObject("type", name, before, after))
        return True

    def alter_sequence(self, name: str, before, after) -> bool:
        self.add("alter_sequence", ops.AlterObject("sequence", name, before, after))
        return True

    # --- routines ----------------------------------------------------------------------------------

    def built(self, kind: str, items: dict) -> dict:
        """The routines (views) written in the target's SQL; the others are left out, with a note."""
        kept = {}
        for name, item in items.items():
            if item.dialect == self.target.name:
                kept[name] = item
            else:
                note = f"{kind} {name} is written for {item.dialect}: not migrated for {self.target.label}"
                if note not in self.notes:
                    self.notes.append(note)
        return kept

    def routine_phase(self, signature: str, definition: str) -> str:
        facts = routine_facts(definition, f"functions.{signature}")
        tables = {normal_key(name) for name in self.new.tables}
        late = facts.atomic_body or bool({normal_key(name) for name in facts.type_names} & tables)
        return "create_routine_late" if late else "create_routine"

    def routine_triggers(self, signature: str) -> list[str]:
        """table.trigger of NEW's general triggers that execute the routine."""
        design = self.whole_new or self.new
        name = normal_key(split_signature(signature)[0])
        return [
            f"{table_name}.{trigger.name}"
            for table_name, table in design.tables.items()
            for trigger in table.triggers
            if trigger.definition is not None and trigger_function(trigger.definition) == name
        ]

    def routines(self) -> None:
        old, new = self.built("function", self.old.functions), self.built("function", self.new.functions)
        for signature, function in new.items():
            if signature not in old:
                self.add(self.routine_phase(signature, function.definition), ops.CreateObject("routine", signature, function))
        for signature, function in old.items():
            if signature not in new:
                self.add("drop_routine", ops.DropObject("routine", signature, function))
        for signature, after in new.items():
            before = old.get(signature)
            if before is None:
                continue
            if routine_text(before.definition) != routine_text(after.definition):
                # Replaced in place only when the DOWN can replace it back too (a removed default cannot come back).
                if replaceable_routine(before.definition, after.definition) and replaceable_routine(after.definition, before.definition):
                    self.add("replace_routine", ops.ReplaceObject("routine", signature, before, after, self.routine_triggers(signature)))
                else:
                    self.add("drop_routine", ops.DropObject("routine", signature, before, recreated=True))
                    self.add("create_routine_late", ops.CreateObject("routine", signature, after, recreated=True))
                    self.recreated.add(("routine", signature_key(signature)))
                    continue
            if before.comment != after.comment:
                self.add("comment", ops.SetObjectComment("routine", signature, after, before.comment, after.comment))

    # --- views -------------------------------------------------------------------------------------

    def changed_columns(self) -> set[tuple[str, str]]:
        """(table as OLD names it, column) whose type changes or that is dropped: views over them must go first."""
        found = set()
        for item in list(self.planned):
            for operation in flatten([item.operation]):
                if isinstance(operation, (ops.AlterColumnType, ops.DropColumn)):
                    found.add((normal_key(self.renames.old_table(operation.table)), operation.column))
                elif isinstance(operation, ops.EnumSwap):
                    found.update((normal_key(self.renames.old_table(column.table)), column.column) for column in operation.columns)
                elif isinstance(operation, ops.AddEnumValues) and operation.undo is not None:
                    # the DOWN of added values swaps the type: the views over its columns go both ways
                    found.update((normal_key(self.renames.old_table(column.table)), column.column) for column in operation.undo.columns)
                elif isinstance(operation, ops.DropTable):
                    found.add((normal_key(operation.table), "*"))
        return found

    def views_to_recreate(self, old: dict[str, View], new: dict[str, View]) -> tuple[set[str], set[str]]:
        """(views dropped and created again, views replaced in place)."""
        recreate, replace = set(), set()
        for name, after in new.items():
            before = old.get(name)
            if before is None or without_comments(before, "indexes", "with_data") == without_comments(after, "indexes", "with_data"):
                continue
            (replace if replaceable_view(before, after) else recreate).add(name)
        changed = self.changed_columns()
        facts = {name: query_facts(view.query.strip().rstrip(";"), f"views.{name}") for name, view in old.items()}
        for name in list(replace):
            # A view that grew cannot shrink back in place: the DOWN drops and creates it, which only
            # works when no view reads it and no grant is lost; otherwise both ways recreate it.
            if not replaceable_view(new[name], old[name]) and (self.view_readers(name, facts) or self.view_granted(name)):
                replace.discard(name)
                recreate.add(name)
        for name, fact in facts.items():
            if name not in new:
                continue
            for table, column in changed:
                if table in fact.relations and (column == "*" or fact.whole_rows or column in fact.columns):
                    recreate.add(name)
                    replace.discard(name)
        # Views that read a view dropped (or created again) go first and come back after.
        gone = {normal_key(name) for name in recreate} | {normal_key(name) for name in old if name not in new}
        gone |= {key for kind, key in self.recreated if kind == "view"}
        growing = True
        while growing:
            growing = False
            for name, fact in facts.items():
                if name in new and name not in recreate and {normal_key(r) for r in fact.relations} & gone:
                    recreate.add(name)
                    replace.discard(name)
                    gone.add(normal_key(name))
                    growing = True
        return recreate, replace

    def view_readers(self, name: str, facts: dict) -> list[str]:
        return [other for other, fact in facts.items() if normal_key(name) in {normal_key(r) for r in fact.relations}]

    def view_granted(self, name: str) -> bool:
        return any(grant_target(grant) == ("view", normal_key(name)) for grant in [*self.old.grants, *self.new.grants])

    def views(self) -> None:
        old, new = self.built("view", self.old.views), self.built("view", self.new.views)
        recreate, replace = self.views_to_recreate(old, new)
        for name in reversed(self.view_order(old)):
            if name not in new or name in recreate:
                self.add("drop_view", ops.DropObject("view", name, old[name], recreated=name in recreate))
        for name in self.view_order(new):
            after = new[name]
            if name not in old or name in recreate:
                self.add("create_view", ops.CreateObject("view", name, after, recreated=name in recreate))
                if name in recreate:
                    self.recreated.add(("view", normal_key(name)))
                continue
            before = old[name]
            if name in replace:
                self.add("create_view", ops.ReplaceObject("view", name, before, after, reversible=replaceable_view(after, before)))
            self.view_details(name, before, after)

    def view_order(self, views: dict[str, View]) -> list[str]:
        depends = {}
        by_key = {normal_key(name): name for name in views}
        for name, view in views.items():
            relations = query_facts(view.query.strip().rstrip(";"), f"views.{name}").relations
            depends[name] = {by_key[normal_key(r)] for r in relations if normal_key(r) in by_key}
        return dependency_order(list(views), depends, later={name for name, view in views.items() if view.materialized})

    def view_details(self, name: str, before: View, after: View) -> None:
        """A kept view's comments; a kept materialized view's indexes and populated state."""
        if before.comment != after.comment:
            self.add("comment", ops.SetObjectComment("view", name, after, before.comment, after.comment))
        for column in dict.fromkeys([*before.column_comments, *after.column_comments]):
            if before.column_comments.get(column) != after.column_comments.get(column):
                self.add("comment", ops.SetObjectComment("view", name, after, before.column_comments.get(column), after.column_comments.get(column), column))
        old_indexes = dict(zip(view_index_names(name, before), before.indexes))
        new_indexes = dict(zip(view_index_names(name, after), after.indexes))
        for index_name, index in old_indexes.items():
            if new_indexes.get(index_name) != index:
                self.add("drop_view_index", ops.ViewIndex(name, index_name, index, create=False))
        for index_name, index in new_indexes.items():
            if old_indexes.get(index_name) != index:
                self.add("create_view_index", ops.ViewIndex(name, index_name, index))
        if before.materialized and before.with_data != after.with_data:
            self.add("refresh_view", ops.RefreshView(name, after.with_data))

    # --- privileges --------------------------------------------------------------------------------

    def privileges(self) -> None:
        """Grants and default privileges: revoked first, granted last; again for objects created again."""
        for default, old, new in ((False, self.old.grants, self.new.grants), (True, self.old.default_privileges, self.new.default_privileges)):
            old_keys = {grant_key(grant) for grant in old}
            new_keys = {grant_key(grant) for grant in new}
            for grant in old:
                again = not default and grant_target(grant) in self.recreated
                if grant_key(grant) not in new_keys or again:
                    self.add("revoke", ops.GrantPrivileges(grant, revoke=True, default=default))
            for grant in new:
                again = not default and grant_target(grant) in self.recreated
                if grant_key(grant) not in old_keys or again:
                    self.add("grant", ops.GrantPrivileges(grant, default=default))
