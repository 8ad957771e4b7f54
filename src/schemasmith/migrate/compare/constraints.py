"""Primary keys, unique, check and foreign-key constraints of a kept table."""

from __future__ import annotations

from ...dialects.postgres import primary_key_options
from ...model import naming
from ...model.document import Table
from .. import operations as ops
from ..renames import Renames
from .keys import Item, canon, fk_key, match
from .state import Comparison


class ConstraintRules(Comparison):
    """Keys and constraints: matched by content first (a rename), then by name (a change)."""

    def constraints(self, old_name: str, new_name: str, old_table: Table, new_table: Table, mapping: dict[str, str],
                    dependent_fks: set[tuple[str, str]]) -> None:
        # primary key
        old_pk = [mapping.get(c, c) for c in old_table.primary_key]
        old_pk_name = naming.table_primary_key_name(old_name, old_table)
        new_pk_name = naming.table_primary_key_name(new_name, new_table)
        old_options, new_options = primary_key_options(old_table), primary_key_options(new_table)
        if old_pk != list(new_table.primary_key) or (old_pk and old_options != new_options):
            if old_pk:
                self.add("drop_primary_key", ops.DropConstraint(old_name, old_pk_name, "primary key", list(old_table.primary_key),
                                                                options=old_options))
            if new_table.primary_key:
                self.add("add_primary_key", ops.AddConstraint(new_name, new_pk_name, "primary key", list(new_table.primary_key),
                                                              options=new_options))
        elif old_pk and old_pk_name != new_pk_name:
            self.add("rename_object", ops.RenameConstraint(new_name, old_pk_name, new_pk_name))
        # unique
        old_items = [Item(u.name or naming.unique_name(old_name, u.columns), (tuple(mapping.get(c, c) for c in u.columns), *_unique_state(u)), u)
                     for u in old_table.unique]
        new_items = [Item(u.name or naming.unique_name(new_name, u.columns), (tuple(u.columns), *_unique_state(u)), u) for u in new_table.unique]
        self.applymatch(old_name, new_name, "unique", old_items, new_items)
        # checks
        old_items = [Item(c.name or naming.check_name(old_name, i), (canon(c.expression, mapping), c.no_inherit), c)
                     for i, c in enumerate(old_table.checks)]
        new_items = [Item(c.name or naming.check_name(new_name, i), (canon(c.expression), c.no_inherit), c) for i, c in enumerate(new_table.checks)]
        self.applymatch(old_name, new_name, "check", old_items, new_items)
        # exclusion constraints, as PostgreSQL prints them
        old_items = [Item(x.name or "", " ".join(x.definition.split()), x) for x in old_table.exclusions]
        new_items = [Item(x.name or "", " ".join(x.definition.split()), x) for x in new_table.exclusions]
        self.applymatch(old_name, new_name, "exclusion", old_items, new_items)
        # foreign keys
        old_items = []
        forced: set[str] = set()
        for fk in old_table.foreign_keys:
            name = fk.name or naming.foreign_key_name(old_name, fk.columns)
            target = self.renames.new_table(fk.references.table)
            old_items.append(Item(name, fk_key(fk, mapping, self.renames, target), fk))
            if (old_name, name) in dependent_fks:
                forced.add(name)
        new_items = [Item(fk.name or naming.foreign_key_name(new_name, fk.columns), fk_key(fk, {}, Renames(), fk.references.table), fk)
                     for fk in new_table.foreign_keys]
        self.applymatch(old_name, new_name, "foreign key", old_items, new_items, forced)

    def applymatch(self, old_table: str, table: str, kind: str, old_items: list[Item], new_items: list[Item], forced: set[str] | None = None) -> None:
        unchanged, renamed, changed, dropped, added = match(old_items, new_items)
        forced = forced or set()
        phases = {"unique": ("drop_unique", "add_unique"), "check": ("drop_check", "add_check"), "foreign key": ("drop_foreign_key", "add_foreign_key"),
                  "exclusion": ("drop_exclusion", "add_exclusion")}
        drop_phase, add_phase = phases[kind]
        for old, new in unchanged + renamed:
            was, now = _not_valid(old.obj), _not_valid(new.obj)
            if old.name in forced or (was != now and not was):
                changed.append((old, new))  # a constraint cannot become NOT VALID again: drop it and add it so
                continue
            if old.name != new.name:
                self.add("rename_object", ops.RenameConstraint(table, old.name, new.name))
            elif not was:
                self.unchanged_objects.add((table, kind, new.name))
            if was and not now:
                self.validate(old_table, table, new.name, kind, old.obj)
        for old, new in changed:
            self.add(drop_phase, ops.DropConstraint(old_table, old.name, kind, old.obj, not_valid=_not_valid(old.obj)))
            self.add(add_phase, ops.AddConstraint(table, new.name, kind, new.obj, not_valid=_not_valid(new.obj)))
        for old in dropped:
            self.add(drop_phase, ops.DropConstraint(old_table, old.name, kind, old.obj, not_valid=_not_valid(old.obj)))
        for new in added:
            self.add(add_phase, ops.AddConstraint(table, new.name, kind, new.obj, not_valid=_not_valid(new.obj)))

    def validate(self, old_table: str, table: str, name: str, kind: str, definition) -> None:
        """VALIDATE CONSTRAINT; its undo drops the constraint and adds it back NOT VALID, as it was."""
        referenced = definition.references.table if kind == "foreign key" else None
        validate = ops.ValidateConstraint(table, name, kind, referenced)
        undo = [ops.DropConstraint(table, name, kind, definition), ops.AddConstraint(old_table, name, kind, definition, not_valid=True)]
        self.add("validate_constraint", ops.Composite(table, validate.describe(), [validate], undo, "validate_constraint"))


def _not_valid(definition) -> bool:
    return bool(getattr(definition, "not_valid", False))


def _unique_state(unique) -> tuple:
    return unique.nulls_not_distinct, tuple(unique.include), unique.deferrable or unique.initially_deferred, unique.initially_deferred
