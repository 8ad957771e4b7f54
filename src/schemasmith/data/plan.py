"""What seeding will do, decided before any row exists: row counts, order, and per table how each
constraint is honoured.

- Row counts come from `--rows`, a scale file, the design's `expected_rows`, or its `growth`
  drivers (`users_per_organization: 20` → users = 20 × organizations), in that order.
- Tables are filled in `creation_order`; a reference to a table filled later (a cycle) is
  loaded deferred or closed by an UPDATE at the end.
- Uniqueness is built in, never checked after the fact: a single-column key or unique column
  gets values that are distinct by construction; a composite key that contains a foreign key
  lays the rows out in groups per parent (`group`), and the other columns of the key count
  through distinct values inside each group (`within`). Child counts per parent are skewed
  (lognormal weights): a few big parents, many small ones.
- A self-reference builds trees whose rows point only at earlier rows at most `max_depth`
  levels below a root (`tree`), or chains when the reference is itself unique (`chain`).
- CHECKs give hints to the generators; every generated row is then judged by the CHECK
  (see checks.py) and drawn again if it fails.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from ..errors import Problem, SchemasmithError
from ..model.document import Design, ForeignKey, Table
from ..model.implied import with_implied
from ..model.ordering import creation_order
from . import checks as check_module
from .generators import ColumnContext, Generator, choose

DEFAULT_ROWS = 1000
DEFAULT_TREE_DEPTH = 3


class SeedError(SchemasmithError):
    """Seeding cannot go ahead: bad row counts, a scale file, constraints no data can satisfy."""


# --- row counts ------------------------------------------------------------------------------


def load_scale_file(path: str) -> dict[str, int]:
    """The row counts of a scale file (workload/scale_file.py: the format `validate --scale` reads too)."""
    from ..workload.scale_file import read_scale_file

    scale = read_scale_file(path)
    if not scale.rows:
        raise SeedError(f"{path}: seed needs row counts (`expected_rows: {{users: 10000}}`); this file gives only growth:")
    return scale.rows


def _table_for(design: Design, word: str) -> str | None:
    """The table a growth driver's word names: exact, plural or singular."""
    candidates = [word, word + "s", word + "es", re.sub(r"y$", "ies", word), word.rstrip("s")]
    for candidate in candidates:
        if candidate in design.tables:
            return candidate
    return None


def growth_counts(design: Design) -> dict[str, int]:
    """Row counts the growth drivers imply (`organizations: 500`, `users_per_organization: 20`)."""
    if design.growth is None:
        return {}
    drivers = design.growth.drivers
    counts: dict[str, int] = {}
    for _ in range(len(drivers) + 1):
        for key, value in drivers.items():
            table = _table_for(design, key)
            if table is not None:
                counts.setdefault(table, int(value))
                continue
            if "_per_" in key:
                child_word, parent_word = key.split("_per_", 1)
                child, parent = _table_for(design, child_word), _table_for(design, parent_word)
                if child is not None and parent is not None and parent in counts and child not in counts:
                    counts[child] = round(value * counts[parent])
    return counts


def row_counts(design: Design, rows: int | None, scale: dict[str, int] | None, scale_name: str = "scale file") -> dict[str, int]:
    if rows is not None and rows < 0:
        raise SeedError(f"--rows must be 0 or more, got {rows}")
    if scale is not None:
        unknown = [name for name in scale if name not in design.tables]
        if unknown:
            raise SeedError(
                f"{scale_name}: no table {', '.join(sorted(unknown))} in the design",
                [Problem(f"tables are: {', '.join(design.tables)}")],
            )
    growth = growth_counts(design)
    counts = {}
    for name, table in design.tables.items():
        if rows is not None:
            counts[name] = rows
        elif scale is not None and name in scale:
            counts[name] = scale[name]
        elif table.expected_rows is not None:
            counts[name] = table.expected_rows
        elif name in growth:
            counts[name] = growth[name]
        else:
            counts[name] = DEFAULT_ROWS
    return counts


# --- per-table plans --------------------------------------------------------------------------


@dataclass
class UniqueSet:
    columns: tuple[str, ...]
    nulls_not_distinct: bool = False
    where: str = ""  # the constraint, for messages


@dataclass
class FkPlan:
    position: int
    fk: ForeignKey
    parent: str
    columns: list[str]
    ref_columns: list[str]
    nullable: bool
    self_ref: bool
    forward: bool  # the parent is filled after this table
    mode: str = "independent"  # group, within, global, one_to_one, independent, tree, chain
    distinct_from: int | None = None  # position of an FK to the same parent it must differ from
    deferred_load: bool = False  # loaded as NULL and set by an UPDATE at the end

    @property
    def label(self) -> str:
        return f"({', '.join(self.columns)}) → {self.parent}"


@dataclass
class Item:
    """One part of a composite key counted through inside a group (or over all rows)."""

    fk: int | None = None  # an FK position
    column: str | None = None
    domain: int | None = None  # None: unbounded
    whole: bool = False  # injective on the whole counter (not one digit of it)


@dataclass
class CheckPlan:
    name: str
    expression: str
    tree: object | None
    columns: set[str]
    local: bool  # judged in Python; otherwise by the database
    note: str = ""


@dataclass
class TablePlan:
    name: str
    table: Table
    requested: int
    rows: int = 0
    decided: bool = False  # rows is final
    existing_rows: int = 0  # rows already in the database (appending)
    index_offset: int = 0
    key_offset: int = 0
    columns: list[str] = field(default_factory=list)  # inserted, in table order
    generators: dict[str, Generator] = field(default_factory=dict)
    fks: list[FkPlan] = field(default_factory=list)
    fk_of_column: dict[str, int] = field(default_factory=dict)
    group: int | None = None
    slot_columns: list[str] = field(default_factory=list)  # grouping by plain columns instead of an FK
    slot_count: int = 1
    within: list[Item] = field(default_factory=list)
    global_items: list[list[Item]] = field(default_factory=list)
    row_unique: set[str] = field(default_factory=set)
    no_nulls: set[str] = field(default_factory=set)
    structural: set[str] = field(default_factory=set)  # never drawn again by rejection
    checks: list[CheckPlan] = field(default_factory=list)
    hints: check_module.TableHints = field(default_factory=check_module.TableHints)
    tree_fk: int | None = None
    tree_depth: int = DEFAULT_TREE_DEPTH
    group_capacity: int | None = None
    notes: list[str] = field(default_factory=list)
    parent_time_column: str | None = None  # the group parent's creation time column

    @property
    def referable(self) -> int:
        """Rows a reference can point at: this run's, or the existing ones when this run adds none."""
        return self.rows if self.rows > 0 else self.existing_rows

    def describe(self) -> dict:
        return {
            "rows": self.rows,
            "group": self.fks[self.group].parent if self.group is not None else None,
            "columns": {name: self.generators[name].describe() for name in self.columns if name in self.generators},
        }


@dataclass
class SeedPlan:
    design: Design
    seed: int
    null_rate: float
    order: list[str]
    tables: dict[str, TablePlan]
    notes: list[str] = field(default_factory=list)


_CREATED = ("created_at", "created_on", "inserted_at", "createdat")


def unique_sets(table_name: str, table: Table) -> tuple[list[UniqueSet], list[str], set[str]]:
    """Every uniqueness rule of a table as column sets; notes; columns unique without regard to case."""
    sets: list[UniqueSet] = []
    notes: list[str] = []
    case_insensitive: set[str] = set()
    if table.primary_key:
        sets.append(UniqueSet(tuple(table.primary_key), where="primary key"))
    for unique in table.unique:
        sets.append(UniqueSet(tuple(unique.columns), unique.nulls_not_distinct, f"unique ({', '.join(unique.columns)})"))
    for index in table.indexes:
        if not index.unique:
            continue
        columns = [key.column for key in index.keys(set(table.columns))]
        for expression in index.expressions:
            try:
                tree = check_module.parse_check(expression)
            except check_module.Unsupported:
                tree = None
            if tree is not None and tree[0] == "func" and tree[1] in ("lower", "upper") and len(tree[2]) == 1 and tree[2][0][0] == "col":
                columns.append(tree[2][0][1])
                case_insensitive.add(tree[2][0][1])
            else:
                referenced = sorted(check_module.columns_of(tree)) if tree is not None else []
                if not referenced:
                    notes.append(f"{table_name}: unique index on {expression}: not understood; the database is left to enforce it")
                    continue
                notes.append(f"{table_name}: unique index on {expression}: its columns are made distinct together")
                columns.extend(referenced)
        if columns:
            sets.append(UniqueSet(tuple(dict.fromkeys(columns)), where=f"unique index ({', '.join(index.columns + index.expressions)})"))
    return sets, notes, case_insensitive


def build_plan(
    design: Design,
    counts: dict[str, int],
    *,
    seed: int = 42,
    null_rate: float = 0.1,
    offsets: dict[str, tuple[int, int]] | None = None,
    defer_all: bool = True,
) -> SeedPlan:
    """Decide everything per table. `offsets`: table → (existing rows, largest integer key).

    `defer_all`: the target checks every foreign key at COMMIT (SQLite's defer_foreign_keys);
    otherwise only DEFERRABLE keys are, and a reference to a table filled later is loaded as
    NULL and set by an UPDATE at the end.
    """
    if not 0.0 <= null_rate <= 1.0:
        raise SeedError(f"--null-rate must be between 0 and 1, got {null_rate}")
    design = with_implied(design)
    order = creation_order(design)
    position = {name: index for index, name in enumerate(order)}
    offsets = offsets or {}
    referenced: dict[str, set[str]] = {name: set() for name in design.tables}
    for table in design.tables.values():
        for fk in table.foreign_keys:
            if fk.references.table in referenced:
                referenced[fk.references.table].update(fk.references.columns)

    plans: dict[str, TablePlan] = {}
    notes: list[str] = []
    for name in order:
        table = design.tables[name]
        plan = TablePlan(name, table, counts.get(name, 0))
        plan.index_offset, plan.key_offset = offsets.get(name, (0, 0))
        plan.existing_rows = plan.index_offset
        plan.columns = [column for column, spec in table.columns.items() if spec.generated is None]
        plan.no_nulls |= referenced[name]
        plans[name] = plan
        _plan_checks(plan, design)
        _plan_partitions(design, plan)
        _plan_keys(design, plan, position, plans, defer_all)

    # Row counts after the capacity of keys is known, parents first.
    for name in order:
        _plan_rows(plans[name], plans)
        _plan_generators(design, plans[name], plans, seed, null_rate)
        notes.extend(plans[name].notes)
    return SeedPlan(design, seed, null_rate, order, plans, notes)


def _bound_value(text: str):
    import datetime as dt

    text = text.strip().strip("'")
    for parse in (int, float):
        try:
            return parse(text)
        except ValueError:
            pass
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo else value


def _range_bound(bound: str | None) -> tuple[object, object] | None:
    match = re.match(r"\s*FOR VALUES FROM \((.+?)\) TO \((.+?)\)\s*$", bound or "", re.IGNORECASE)
    if not match or "," in match.group(1) or "," in match.group(2):
        return None
    low, high = _bound_value(match.group(1)), _bound_value(match.group(2))
    return (low, high) if low is not None and high is not None else None


def _list_bound(bound: str | None) -> list | None:
    match = re.match(r"\s*FOR VALUES IN \((.+)\)\s*$", bound or "", re.IGNORECASE)
    if not match:
        return None
    return [_bound_value(item) if _bound_value(item) is not None else item.strip().strip("'") for item in match.group(1).split(",")]


def _no_rows(plan: TablePlan) -> None:
    plan.rows = 0
    if hasattr(plan, "requested"):
        plan.requested = 0


def _plan_partitions(design: Design, plan: TablePlan) -> None:
    """Rows of a partitioned table fall inside a partition's bounds (by construction, as CHECKs do).

    A partition is seeded directly within its own FOR VALUES bounds; its parent within the
    longest run of adjacent range partitions (or the union of list partitions). A parent with
    no partition at all can hold no row.
    """
    table = plan.table
    if table.partition_of is not None and table.partition_of in design.tables:
        # Rows reach a partition through its parent (one key sequence, one set of unique values).
        _no_rows(plan)
        return
    if table.partition_of is not None:
        parent = None
        bounds = [table.partition_bound]
    elif table.partition_by is not None:
        parent = table
        bounds = [child.partition_bound for child in design.tables.values() if child.partition_of == plan.name]
        if not bounds:
            if plan.rows:
                plan.notes.append(f"{plan.name}: no rows: it is partitioned ({table.partition_by}) and has no partition to hold them")
            _no_rows(plan)
            return
    else:
        return
    by = (parent.partition_by or "") if parent is not None else ""
    match = re.match(r"\s*(RANGE|LIST)\s*\(\s*\"?(\w+)\"?\s*\)\s*$", by, re.IGNORECASE)
    if not match or any((bound or "").strip().upper() == "DEFAULT" for bound in bounds) or match.group(2) not in table.columns:
        return
    hints = plan.hints.column(match.group(2))
    hints.not_null = True
    if match.group(1).upper() == "LIST":
        lists = [_list_bound(bound) for bound in bounds]
        if all(item is not None for item in lists):
            values = [value for item in lists for value in item]  # type: ignore[union-attr]
            hints.allowed = values if hints.allowed is None else [v for v in hints.allowed if v in values]
        return
    ranges = sorted((item for item in map(_range_bound, bounds) if item is not None), key=lambda item: item[0])  # type: ignore[arg-type,return-value]
    if not ranges:
        return
    runs: list[list] = []
    for low, high in ranges:
        if runs and runs[-1][1] == low:
            runs[-1][1] = high
        else:
            runs.append([low, high])
    low, high = max(runs, key=lambda run: run[1] - run[0])
    hints.tighten_low(low, False)
    hints.tighten_high(high, True)


def domain_checks(design: Design, table: Table) -> list[tuple[str, str, str]]:
    """(column, constraint name, expression over the column) of every domain CHECK the table's
    columns are held to (a domain over a domain adds both); `VALUE` becomes the column."""
    out: list[tuple[str, str, str]] = []
    for column_name, column in table.columns.items():
        type_text, depth = column.type, 0
        while type_text.startswith("domain:") and depth < 8:
            domain_name = type_text[len("domain:"):]
            domain = design.domains.get(domain_name)
            if domain is None:
                break
            for position, check in enumerate(domain.checks):
                quoted = '"' + column_name.replace('"', '""') + '"'
                expression = re.sub(r"\bVALUE\b", lambda _: quoted, check.expression, flags=re.IGNORECASE)
                out.append((column_name, check.name or f"{domain_name}_check{position or ''}", expression))
            type_text, depth = domain.type, depth + 1
    return out


def _plan_checks(plan: TablePlan, design: Design | None = None) -> None:
    from ..model import naming

    generated = {name for name, column in plan.table.columns.items() if column.generated is not None}
    checks = [(check.name or naming.check_name(plan.name, position), check) for position, check in enumerate(plan.table.checks)]
    if design is not None:
        from ..model.objects import CheckConstraint

        for column_name, name, expression in domain_checks(design, plan.table):
            checks.append((f"{name} (domain of {plan.name}.{column_name})", CheckConstraint(name=name, expression=expression)))
            domain_type = plan.table.columns[column_name].type
            domain = design.domains.get(domain_type[len("domain:"):]) if domain_type.startswith("domain:") else None
            if domain is not None and not domain.nullable:
                plan.no_nulls.add(column_name)
    for name, check in checks:
        try:
            tree = check_module.parse_check(check.expression)
            columns = check_module.columns_of(tree)
            check_module.collect_hints(tree, plan.hints)
            local = not (columns & generated)
            note = "" if local else "generated"
            plan.checks.append(CheckPlan(name, check.expression, tree, columns, local, note))
        except check_module.Unsupported as error:
            plan.checks.append(CheckPlan(name, check.expression, None, set(), False, str(error)))


@dataclass
class _TableKeys:
    """A table's unique sets as the key-planning steps read them: all of them, and the columns
    that are unique on their own (a reference through one of those is one-to-one)."""

    sets: list[UniqueSet]
    singles: set[str]

    @property
    def composite(self) -> list[UniqueSet]:
        """Keys of several columns that no single-column key already makes distinct."""
        return [s for s in self.sets if len(s.columns) > 1 and not (set(s.columns) & self.singles)]


# How late each FK mode is decided for a row; for `a <> b` the later one is made to differ.
_DECISION_RANK = {"group": 0, "one_to_one": 1, "global": 2, "within": 3, "independent": 4, "tree": 5, "chain": 5}


def _plan_keys(design: Design, plan: TablePlan, position: dict[str, int], plans: dict[str, TablePlan], defer_all: bool) -> None:
    """Decide how every key and reference of the table is honoured by construction.

    The order matters: references that are structural on their own (self-references, one-to-one)
    are settled first, then the composite keys pick a grouping, the rest of each key counts
    through inside a group or over all rows, and last the hints and cycles adjust what is left.
    """
    keys = _read_unique_sets(plan)
    _plan_references(plan, position)
    _note_unique_columns(plan, keys)
    _plan_self_references(plan, keys)
    _plan_one_to_one(plan, keys)
    composite = keys.composite
    group_columns, grouped_sets = _choose_grouping(plan, composite)
    remaining = [unique_set for unique_set in composite if unique_set not in grouped_sets]
    if grouped_sets:
        _plan_within(plan, grouped_sets, group_columns)
    _plan_global(plan, remaining)
    _plan_distinct_references(plan)
    _plan_forward_references(plan, defer_all)


def _read_unique_sets(plan: TablePlan) -> _TableKeys:
    """The table's unique sets, with their notes and case-insensitive columns recorded on the plan."""
    sets, set_notes, case_insensitive = unique_sets(plan.name, plan.table)
    plan.notes.extend(set_notes)
    plan.case_insensitive = case_insensitive  # type: ignore[attr-defined]
    return _TableKeys(sets, {s.columns[0] for s in sets if len(s.columns) == 1})


def _plan_references(plan: TablePlan, position: dict[str, int]) -> None:
    """One FkPlan per foreign key, and for each column the foreign key it follows."""
    name, table = plan.name, plan.table
    for fk_position, fk in enumerate(table.foreign_keys):
        parent = fk.references.table
        nullable = all(table.columns[column].nullable for column in fk.columns)
        fk_plan = FkPlan(
            fk_position, fk, parent, list(fk.columns), list(fk.references.columns), nullable,
            self_ref=parent == name,
            forward=parent != name and position.get(parent, -1) > position[name],
        )
        plan.fks.append(fk_plan)
        for column in fk.columns:
            # A column in two foreign keys follows the one with more columns (the composite).
            current = plan.fk_of_column.get(column)
            if current is None or len(plan.fks[current].columns) < len(fk.columns):
                plan.fk_of_column[column] = fk_position


def _note_unique_columns(plan: TablePlan, keys: _TableKeys) -> None:
    """Single-column keys are distinct per row; NULLS NOT DISTINCT keys may hold no NULL."""
    plan.row_unique = set(keys.singles)
    for unique_set in keys.sets:
        if unique_set.nulls_not_distinct:
            plan.no_nulls.update(unique_set.columns)


def _fk_units(plan: TablePlan, columns: tuple[str, ...]) -> tuple[list[int], list[str], bool]:
    """FKs wholly inside the set, other columns, and whether an FK only partly overlaps it."""
    fks, others, partial = [], [], False
    for column in columns:
        fk_position = plan.fk_of_column.get(column)
        if fk_position is None:
            others.append(column)
            continue
        fk_columns = plan.fks[fk_position].columns
        if set(fk_columns) <= set(columns):
            if fk_position not in fks:
                fks.append(fk_position)
        else:
            partial = True
    return fks, others, partial


def _plan_self_references(plan: TablePlan, keys: _TableKeys) -> None:
    """Self-references: trees, or chains when the reference must be unique."""
    for fk_plan in plan.fks:
        if not fk_plan.self_ref:
            continue
        in_unique = any(set(fk_plan.columns) & set(s.columns) for s in keys.sets if len(s.columns) > 1) or any(
            column in keys.singles for column in fk_plan.columns)
        fk_plan.mode = "chain" if in_unique else "tree"
        depth = next((t.depth for t in plan.table.triggers if t.kind == "max_depth" and t.column in fk_plan.columns), None)
        if plan.tree_fk is None:
            plan.tree_fk = fk_plan.position
            plan.tree_depth = depth if depth is not None else DEFAULT_TREE_DEPTH
        else:
            fk_plan.mode = "independent"  # a second self-reference: any earlier row
        if not fk_plan.nullable:
            if depth is not None:
                raise SeedError(
                    f"{plan.name}: the self-reference {fk_plan.label} is NOT NULL and bounded by max_depth,"
                    " so no first row can ever be inserted; make it nullable"
                )
            plan.notes.append(f"{plan.name}: {fk_plan.label} is NOT NULL: root rows reference themselves")
        plan.structural.update(fk_plan.columns)


def _is_one_to_one(fk_plan: FkPlan, keys: _TableKeys) -> bool:
    """The reference's columns alone form a key: one row per parent at most."""
    if fk_plan.self_ref:
        return False
    if len(fk_plan.columns) == 1:
        return fk_plan.columns[0] in keys.singles
    return len(fk_plan.columns) > 1 and tuple(fk_plan.columns) in {s.columns for s in keys.sets}


def _plan_one_to_one(plan: TablePlan, keys: _TableKeys) -> None:
    """One-to-one references: the FK column alone is unique."""
    for fk_plan in plan.fks:
        if _is_one_to_one(fk_plan, keys):
            fk_plan.mode = "one_to_one"
            plan.structural.update(fk_plan.columns)


def _covers(fk_plan: FkPlan, unique_set: UniqueSet) -> bool:
    return set(fk_plan.columns) <= set(unique_set.columns)


def _best_group_reference(plan: TablePlan, composite: list[UniqueSet]) -> tuple[FkPlan | None, int]:
    """The reference that lies inside the most composite keys (ties: the first), and how many.

    Only a NOT NULL reference to a parent filled earlier, not yet given a mode, can group rows.
    """
    candidates = [f for f in plan.fks if not f.self_ref and not f.forward and not f.nullable and f.mode == "independent"]
    if not candidates:
        return None, 0
    scored = sorted(candidates, key=lambda f: (-sum(_covers(f, s) for s in composite), f.position))
    return scored[0], sum(_covers(scored[0], s) for s in composite)


def _shared_plain_columns(plan: TablePlan, composite: list[UniqueSet]) -> set[str] | None:
    """Columns that are in every composite key and are neither references nor unique alone."""
    shared: set[str] | None = None
    for unique_set in composite:
        plain = {c for c in unique_set.columns if c not in plan.fk_of_column and c not in plan.row_unique}
        shared = plain if shared is None else shared & plain
    return shared


def _choose_grouping(plan: TablePlan, composite: list[UniqueSet]) -> tuple[set[str], list[UniqueSet]]:
    """How rows are grouped, as the grouping's columns and the composite keys it takes in.

    Keys that share plain columns (room and teacher per weekday and period) group by those when
    that takes in more keys than any one reference would; otherwise the best reference groups.
    """
    group, best = _best_group_reference(plan, composite)
    shared = _shared_plain_columns(plan, composite)
    if len(composite) >= 2 and shared and len(composite) > best:
        plan.slot_columns = [c for c in plan.table.columns if c in shared]
        plan.structural.update(plan.slot_columns)
        return set(plan.slot_columns), list(composite)
    if group is None:
        return set(), []
    group.mode = "group"
    plan.group = group.position
    plan.structural.update(group.columns)
    return set(group.columns), [s for s in composite if _covers(group, s)]


def _partial_overlap_note(plan: TablePlan, unique_set: UniqueSet) -> str:
    return f"{plan.name}: {unique_set.where} overlaps a foreign key only in part; the database is left to enforce it"


def _within_items(plan: TablePlan, unique_set: UniqueSet, group_columns: set[str]) -> list[Item] | None:
    """The parts of a grouped key left to count through inside each group (None: nothing to do)."""
    fks, others, partial = _fk_units(plan, tuple(c for c in unique_set.columns if c not in group_columns))
    if partial:
        plan.notes.append(_partial_overlap_note(plan, unique_set))
    if any(plan.fks[f].mode in ("chain", "one_to_one") for f in fks):
        return None  # a reference that is distinct per row already makes the key distinct
    free_columns = [c for c in others if c not in plan.row_unique]
    items = [Item(fk=f) for f in fks if plan.fks[f].mode in ("independent", "within")] + [
        Item(column=c) for c in free_columns]
    if len(items) < len(fks) + len(free_columns):
        plan.notes.append(f"{plan.name}: {unique_set.where}: part of it is already decided elsewhere; the database is left to enforce it")
    return items


def _one_whole_item_per_key(item_lists: list[list[Item]]) -> list[Item]:
    """With several grouped keys, the last part of each key counts through the whole counter,
    which makes that key distinct on its own; a key with a part already chosen needs none."""
    chosen: dict[tuple, Item] = {}
    for items in item_lists:
        if not items:
            continue
        already = [i for i in items if (i.fk, i.column) in chosen]
        if already:
            continue
        pick = items[-1]
        pick.whole = True
        chosen[(pick.fk, pick.column)] = pick
    return list(chosen.values())


def _claim_items(plan: TablePlan, items: list[Item], mode: str) -> None:
    """The items' references take the mode, and their columns are no longer drawn freely."""
    for item in items:
        if item.fk is not None:
            plan.fks[item.fk].mode = mode
            plan.structural.update(plan.fks[item.fk].columns)
        else:
            plan.structural.add(item.column)  # type: ignore[arg-type]


def _plan_within(plan: TablePlan, grouped_sets: list[UniqueSet], group_columns: set[str]) -> None:
    """Inside each group: the rest of every key that contains the group's columns."""
    item_lists = []
    for unique_set in grouped_sets:
        items = _within_items(plan, unique_set, group_columns)
        if items is not None:
            item_lists.append(items)
    plan.within = item_lists[0] if len(item_lists) == 1 else _one_whole_item_per_key(item_lists)
    _claim_items(plan, plan.within, "within")


def _plan_global(plan: TablePlan, remaining: list[UniqueSet]) -> None:
    """Keys without the group's FK: a free column made distinct per row, or counted through."""
    for unique_set in remaining:
        fks, others, partial = _fk_units(plan, unique_set.columns)
        if any(plan.fks[f].mode in ("chain", "one_to_one") for f in fks):
            continue
        free = [c for c in others if c not in plan.structural]
        if partial:
            plan.notes.append(_partial_overlap_note(plan, unique_set))
        items = [Item(fk=f) for f in fks if plan.fks[f].mode == "independent"] + [Item(column=c) for c in free]
        if not items:
            plan.notes.append(f"{plan.name}: {unique_set.where}: every part is already decided elsewhere; the database is left to enforce it")
            continue
        plan.global_items.append(items)
        _claim_items(plan, items, "global")


def _plan_distinct_references(plan: TablePlan) -> None:
    """a <> b between two references to the same parent: the one decided later differs from the
    one decided first."""
    for a, b in plan.hints.distinct:
        fa, fb = plan.fk_of_column.get(a), plan.fk_of_column.get(b)
        if fa is None or fb is None or fa == fb:
            continue
        first, second = plan.fks[fa], plan.fks[fb]
        if first.parent != second.parent or len(first.columns) != 1 or len(second.columns) != 1:
            continue
        rank = _DECISION_RANK
        later, earlier = (second, first) if rank[second.mode] >= rank[first.mode] else (first, second)
        if later.mode in ("within", "independent", "global") and later.distinct_from is None:
            later.distinct_from = earlier.position


def _plan_forward_references(plan: TablePlan, defer_all: bool) -> None:
    """References to a table filled later: loaded as is when checked at COMMIT, otherwise loaded
    as NULL and set by an UPDATE at the end — impossible when the reference is NOT NULL."""
    for fk_plan in plan.fks:
        if fk_plan.forward and not loads_directly(fk_plan, defer_all):
            if not fk_plan.nullable:
                raise SeedError(
                    f"{plan.name}: {fk_plan.label} references a table filled later (a cycle), is NOT NULL and not"
                    " DEFERRABLE, so no row could be inserted first; make it nullable or DEFERRABLE"
                )
            fk_plan.deferred_load = True
            plan.structural.update(fk_plan.columns)


def loads_directly(fk_plan: FkPlan, defer_all: bool) -> bool:
    """Whether a reference to a table filled later can be written as is (checked at COMMIT)."""
    return defer_all or fk_plan.fk.deferrable or fk_plan.fk.initially_deferred


def _plan_rows(plan: TablePlan, plans: dict[str, TablePlan]) -> None:
    rows = plan.requested
    reasons = []

    def parent_rows(fk_plan: FkPlan) -> int:
        if fk_plan.self_ref:
            return rows
        parent = plans.get(fk_plan.parent)
        if parent is None:
            return 0
        return parent.referable if parent.decided else max(parent.requested, parent.existing_rows)

    for fk_plan in plan.fks:
        available = parent_rows(fk_plan)
        if fk_plan.self_ref:
            continue
        if available == 0 and rows > 0:
            if fk_plan.nullable:
                plan.notes.append(f"{plan.name}: {fk_plan.label}: the parent table gets no rows, so the reference stays NULL")
                fk_plan.mode = "empty"
                continue
            raise SeedError(
                f"{plan.name}: needs rows in {fk_plan.parent} ({fk_plan.label} is NOT NULL), but {fk_plan.parent} gets 0 rows"
            )
        if fk_plan.mode == "one_to_one" and rows > available:
            rows = available
            reasons.append(f"each row has its own {fk_plan.parent} row and there are {available}")
        if fk_plan.distinct_from is not None and available < 2 and rows > 0 and not fk_plan.nullable:
            raise SeedError(f"{plan.name}: {fk_plan.label} must differ from another reference to {fk_plan.parent}, which needs 2 rows there")
    # Capacity inside each group.
    if plan.group is not None:
        capacity = _items_capacity(plan, plan.within, parent_rows)
        plan.group_capacity = capacity
        if capacity is not None:
            total = capacity * parent_rows(plan.fks[plan.group])
            if rows > total:
                rows = total
                reasons.append(f"only {total} distinct keys exist ({capacity} per {plan.fks[plan.group].parent} row)")
    for items in plan.global_items:
        capacity = _items_capacity(plan, items, parent_rows)
        if capacity is not None and rows > capacity:
            rows = capacity
            described = ", ".join(plan.fks[i.fk].label if i.fk is not None else str(i.column) for i in items)
            reasons.append(f"only {capacity} distinct ({described}) exist")
    plan.rows = rows
    plan.decided = True
    for fk_plan in plan.fks:
        parent = plans.get(fk_plan.parent)
        if parent is not None and not fk_plan.self_ref and parent.decided and parent.rows == 0 and parent.existing_rows and rows:
            plan.notes.append(f"{plan.name}: {fk_plan.label}: {fk_plan.parent} gets no new rows, so the new rows reference its"
                              f" {parent.existing_rows} existing ones")
    if reasons and rows < plan.requested:
        plan.notes.append(f"{plan.name}: {rows} rows instead of {plan.requested}: " + "; ".join(reasons))


def _items_capacity(plan: TablePlan, items: list[Item], parent_rows) -> int | None:
    """How many distinct combinations the items can make (None: unbounded)."""
    if not items:
        return None
    capacity = 1
    whole = any(item.whole for item in items)
    smallest = None
    for item in items:
        if item.fk is not None:
            fk_plan = plan.fks[item.fk]
            domain = parent_rows(fk_plan) - (1 if fk_plan.distinct_from is not None else 0)
            item.domain = max(domain, 0)
        else:
            item.domain = None  # filled once generators exist; see _plan_generators
            continue
        if whole:
            smallest = item.domain if smallest is None else min(smallest, item.domain)
        else:
            capacity *= item.domain
    if whole:
        return smallest
    return capacity if all(item.domain is not None for item in items) else None


def _plan_generators(design: Design, plan: TablePlan, plans: dict[str, TablePlan], seed: int, null_rate: float) -> None:
    table = plan.table
    siblings = set(table.columns)
    case_insensitive = getattr(plan, "case_insensitive", set())
    # Name-like columns are made distinct together when one of them must be (slug with name).
    identity = {c for c in plan.row_unique if c not in plan.fk_of_column and table.columns[c].portable_type.is_textual}
    identity_family = {"name", "slug", "title", "display_name", "username", "email", "handle", "first_name", "last_name", "full_name"}
    entity_unique = bool(identity & identity_family)
    needed = plan.rows + plan.index_offset + 1
    # Exclusion constraints: a column compared WITH && (overlap) gets values that never overlap.
    disjoint = {match.group(1).strip('"') for exclusion in table.exclusions
                for match in re.finditer(r'("[^"]+"|\w+)\s+WITH\s+&&', exclusion.definition)}
    for column_name in plan.columns:
        if column_name in plan.fk_of_column:
            continue
        column = table.columns[column_name]
        portable = column.portable_type
        hints = plan.hints.columns.get(column_name) or check_module.ColumnHints()
        if column_name in case_insensitive and hints.case is None:
            hints.case = "lower"
        unique = column_name in plan.row_unique
        ctx = ColumnContext(
            seed=seed, table_name=plan.name, table=table, name=column_name, column=column, portable=portable,
            hints=hints, enums=design.enums, unique=unique,
            entity_unique=entity_unique and column_name.lower() in identity_family and portable.is_textual,
            key_offset=plan.key_offset, index_offset=plan.index_offset, generation=plan.index_offset,
            capacity_needed=needed, disjoint=column_name in disjoint,
        )
        if unique and len(table.primary_key) == 1 and table.primary_key[0] == column_name and portable.is_integer:
            from .generators import IntegerKeyGen

            generator: Generator = IntegerKeyGen(ctx)
        else:
            generator = choose(ctx, siblings)
        plan.generators[column_name] = generator
        if unique:
            domain = generator.domain()
            if domain == 0:
                raise SeedError(f"{plan.name}.{column_name}: must be unique, and the generator cannot make distinct values for it")
            if domain is not None and plan.rows > domain:
                plan.notes.append(f"{plan.name}: {domain} rows instead of {plan.rows}: {column_name} is unique and has only {domain} values")
                plan.rows = domain
            plan.structural.add(column_name)

    # Derivations from CHECKs: the later column follows the earlier (a <= b).
    from .generators import NumberGen, TimeGen

    for smaller, larger, strict in plan.hints.order:
        if smaller not in plan.generators or larger not in plan.generators:
            continue
        for follower, base, direction in ((larger, smaller, 1), (smaller, larger, -1)):
            generator = plan.generators[follower]
            if follower in plan.structural or _depends_on(plan, base, follower):
                continue
            if isinstance(generator, TimeGen) and isinstance(plan.generators[base], TimeGen):
                replacement = TimeGen(generator.ctx, "after" if direction == 1 else "before", base=base, direction=direction, strict=strict)
                plan.generators[follower] = replacement
                break
            if isinstance(generator, NumberGen) and isinstance(plan.generators[base], NumberGen):
                plan.generators[follower] = _DerivedNumber(generator, base, direction, strict)
                break

    # Composite-key items: their domains (a referenced table's rows, a column's distinct values).
    for items in [plan.within] + plan.global_items:
        for item in items:
            if item.fk is not None:
                fk_plan = plan.fks[item.fk]
                parent_rows = plan.rows if fk_plan.self_ref else plans[fk_plan.parent].referable
                item.domain = max(parent_rows - (1 if fk_plan.distinct_from is not None else 0), 0)
            if item.column is not None:
                generator = plan.generators.get(item.column)
                domain = generator.domain() if generator is not None else 0
                if domain == 0:
                    raise SeedError(f"{plan.name}.{item.column}: part of a unique key, and the generator cannot make distinct values for it")
                item.domain = domain
    # Items: bounded ones first, the unbounded one last takes the rest of the counter.
    for items in [plan.within] + plan.global_items:
        items.sort(key=lambda item: (item.domain is None, item.domain or 0))
    if plan.group is not None:
        capacity = _items_capacity_final(plan.within)
        plan.group_capacity = capacity
        parent = plans[plan.fks[plan.group].parent]
        if capacity is not None and plan.rows > capacity * parent.referable:
            plan.notes.append(f"{plan.name}: {capacity * parent.referable} rows instead of {plan.rows}: only so many distinct keys exist")
            plan.rows = capacity * parent.referable
        for candidate in _CREATED if parent.rows else ():
            generator = parent.generators.get(candidate)
            if isinstance(generator, TimeGen) and not parent.table.columns[candidate].nullable:
                plan.parent_time_column = candidate
                break
    if plan.slot_columns:
        _plan_slots(plan)
    for items in plan.global_items:
        capacity = _items_capacity_final(items)
        if capacity is not None and plan.rows > capacity:
            plan.notes.append(f"{plan.name}: {capacity} rows instead of {plan.rows}: only so many distinct keys exist")
            plan.rows = capacity


def _plan_slots(plan: TablePlan) -> None:
    """How many slots (combinations of the shared columns) the rows spread over."""
    domains = []
    for column in plan.slot_columns:
        domain = plan.generators[column].domain()
        if domain == 0:
            raise SeedError(f"{plan.name}.{column}: part of a unique key, and the generator cannot make distinct values for it")
        domains.append(domain)
    order = sorted(range(len(domains)), key=lambda i: (domains[i] is None, domains[i] or 0))
    plan.slot_columns = [plan.slot_columns[i] for i in order]
    domains = [domains[i] for i in order]
    plan.slot_domains = domains  # type: ignore[attr-defined]
    per_slot = _items_capacity_final(plan.within)
    plan.group_capacity = per_slot
    available = None if any(d is None for d in domains) else math.prod(domains)  # type: ignore[arg-type]
    if per_slot is None:
        plan.slot_count = 1
        return
    needed = max(1, -(-plan.rows // max(per_slot, 1)))
    if available is not None and needed > available:
        plan.notes.append(
            f"{plan.name}: {available * per_slot} rows instead of {plan.rows}: only so many distinct"
            f" ({', '.join(plan.slot_columns)}) keys exist"
        )
        plan.rows = available * per_slot
        needed = available
    plan.slot_count = needed


def _items_capacity_final(items: list[Item]) -> int | None:
    if not items:
        return None
    if any(item.whole for item in items):
        bounded = [item.domain for item in items if item.domain is not None]
        return min(bounded) if bounded else None
    if any(item.domain is None for item in items):
        return None
    return math.prod(item.domain for item in items)  # type: ignore[misc]


def _depends_on(plan: TablePlan, column: str, target: str, seen: set[str] | None = None) -> bool:
    """Whether `column`'s generator (transitively) reads `target`."""
    seen = seen or set()
    if column == target:
        return True
    if column in seen:
        return False
    seen.add(column)
    generator = plan.generators.get(column)
    if generator is None:
        return False
    return any(_depends_on(plan, need, target, seen) for need in generator.needs)


class _DerivedNumber(Generator):
    """A number that follows another column of the row (min_price <= max_price)."""

    def __init__(self, inner, base: str, direction: int, strict: bool):
        self.ctx = inner.ctx
        self.inner = inner
        self.kind = inner.kind
        self.stream = inner.stream
        self.base = base
        self.direction = direction
        self.strict = strict
        self.needs = (base,)

    def generate(self, batch):
        import numpy as np

        base = batch.get(self.base)
        own = self.inner.generate(batch)
        magnitude = np.abs(own.data.astype(np.float64)) * 0.25 + 1.0
        u = self.stream.sub("derived").uniform(batch.g, batch.salt)
        step = 1.0 if self.kind == "int" else 10.0 ** -(self.ctx.portable.scale or 2)
        delta = np.floor(u * magnitude / step) * step + (step if self.strict else 0.0)
        value = base.data.astype(np.float64) + self.direction * delta
        if base.nulls is not None:
            value = np.where(base.nulls, own.data.astype(np.float64), value)
        return self.inner.to_values(value)

    def domain(self):
        return self.inner.domain()

    def injective(self, ix, batch):
        return self.inner.injective(ix, batch)

    def describe(self) -> str:
        return f"derived from {self.base}"
