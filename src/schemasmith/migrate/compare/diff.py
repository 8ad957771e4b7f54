"""The comparison of two designs: project both onto the dialect, run every rule, sort the operations."""

from __future__ import annotations

from dataclasses import dataclass, field

from ...dialects.base import Dialect
from ...dialects.registry import get_dialect
from ...dialects.sqlite import names_in
from ...model.document import Design
from ...model.implied import with_implied
from .. import operations as ops
from ..context import PgContext
from ..renames import Renames, declared_renames, suggest_renames
from .columns import ColumnRules
from .constraints import ConstraintRules
from .enums import EnumRules
from .indexes import IndexRules
from .objects import ObjectRules
from .security import SecurityRules
from .table_options import TableOptionRules
from .tables import TableRules
from .triggers import TriggerRules
from .views import ViewRules


@dataclass
class Diff:
    """The operations from OLD to NEW and everything the report says about them."""

    dialect: str
    old: Design  # projected, implications written out
    new: Design
    operations: list[ops.Operation]
    renames: Renames
    notes: list[str] = field(default_factory=list)
    missing_backfills: list[str] = field(default_factory=list)  # table.column: NOT NULL added to rows with no value
    context: PgContext | None = None

    @property
    def empty(self) -> bool:
        return not self.operations

    @property
    def target(self) -> Dialect:
        """The dialect object of `dialect`, for its capability flags."""
        return get_dialect(self.dialect)


def project(design: Design, dialect: str) -> Design:
    """`design` as the dialect's database holds it, with its conventions' implications written out."""
    return with_implied(get_dialect(dialect).project(design))


def diff(
    old_raw: Design,
    new_raw: Design,
    *,
    dialect: str = "postgres",
    backfills: dict[tuple[str, str], str] | None = None,
    rows: dict[str, int | None] | None = None,
    postgres_version: int | None = None,
) -> Diff:
    """The operations that turn `old_raw` into `new_raw` on `dialect`.

    `backfills` maps (new table, column) to the SQL value existing rows get when a column
    becomes NOT NULL (from `--backfill`; a column's own `backfill:` is read too); `rows` maps
    OLD table names to their row counts where known (0 lets NOT NULL be added without one).
    """
    from ...gcpause import gc_paused

    with gc_paused():
        return _diff(old_raw, new_raw, dialect, backfills, rows, postgres_version)


def _involved(old: Design, new: Design, renames: Renames) -> tuple[set[str], set[str]]:
    """The tables of OLD and NEW that can take part in the diff; the others are identical and untouched.

    Identical means the same definition under the same name, using no enum whose values change
    and referencing no table that changes (whose keys may be rebuilt). The targets of new tables'
    foreign keys are kept too (whether a key already exists decides where a foreign key goes).
    """
    changed_enums = {name for name in set(old.enums) | set(new.enums) if old.enums.get(name) != new.enums.get(name)}
    renamed = set(renames.tables) | set(renames.tables.values()) | set(renames.columns)
    same = set()
    for name, table in new.tables.items():
        if name in renamed or old.tables.get(name) != table:
            continue
        if changed_enums and any((c.portable_type.element or c.portable_type).enum in changed_enums
                                 for c in table.columns.values() if c.portable_type.is_enum or c.portable_type.is_array):
            continue
        same.add(name)
    changed = set(new.tables) - same
    for name in list(same):
        if any(fk.references.table in changed or fk.references.table not in new.tables for fk in new.tables[name].foreign_keys):
            same.discard(name)
    _keep_triggers_that_read(new, same, changed)
    for name in set(new.tables) - set(old.tables):
        for fk in new.tables[name].foreign_keys:
            same.discard(fk.references.table)
    return set(old.tables) - same, set(new.tables) - same


def _keep_triggers_that_read(new: Design, same: set[str], changed: set[str]) -> None:
    """Tables whose kept-as-SQL triggers name a changed table take part: a SQLite rebuild of that
    table must drop and re-create those triggers (its RENAME refuses a trigger naming a missing table)."""
    lowered = {name.lower() for name in changed}
    for name in list(same):
        for trigger in new.tables[name].triggers:
            if trigger.definition is not None and lowered & names_in(trigger.definition):
                same.discard(name)
                break


def _subset(design: Design, names: set[str]) -> Design:
    if len(names) == len(design.tables):
        return design
    return design.model_copy(update={"tables": {name: table for name, table in design.tables.items() if name in names}})


def _uses_updated_at(tables) -> bool:
    """Whether any of these tables has the updated_at trigger, spelled out or implied by its column."""
    for table in tables:
        if any(trigger.kind == "updated_at" for trigger in table.triggers):
            return True
        column = table.columns.get("updated_at")
        if column is not None and column.portable_type.kind in ("timestamp", "timestamptz"):
            return True
    return False


def _diff(old_raw: Design, new_raw: Design, dialect: str, backfills, rows, postgres_version) -> Diff:
    renames = declared_renames(old_raw, new_raw)
    renames.suggestions = suggest_renames(old_raw, new_raw, renames)
    old_names, new_names = _involved(old_raw, new_raw, renames)
    untouched = [table for name, table in new_raw.tables.items() if name not in new_names]
    old = project(_subset(old_raw, old_names), dialect)
    new = project(_subset(new_raw, new_names), dialect)
    if old_raw.conventions.enum_style == new_raw.conventions.enum_style == "check" or not get_dialect(dialect).native_enums:
        new = new.model_copy(update={"conventions": new.conventions.model_copy(update={"enum_style": "check"})})
    version = postgres_version or new_raw.conventions.postgres_version
    context = PgContext(old, new, version)
    values = dict(backfills or {})
    for table_name, table in new_raw.tables.items():
        for column_name, column in table.columns.items():
            if column.backfill is not None:
                values.setdefault((table_name, column_name), column.backfill)
    builder = Builder(old, new, renames, dialect, context, values, rows or {}, version)
    builder.untouched_use_updated_at = _uses_updated_at(untouched)
    builder.whole_old, builder.whole_new = old_raw, new_raw
    builder.run()
    result = Diff(dialect, old, new, builder.sorted(), renames, builder.notes + renames.notes, builder.missing, context)
    return result


class Builder(TableRules, EnumRules, ColumnRules, ConstraintRules, IndexRules, TriggerRules, SecurityRules, TableOptionRules,
              ObjectRules, ViewRules):
    """One comparison of OLD and NEW: every concern's rules over the shared state."""

    def run(self) -> None:
        super().run()  # the tables first: the objects beside them look at what changes there
        self.objects()
        self.kept_sql_views()
        self.sqlite_rebuild_options()
