"""Rows from row indices: the engine behind seeding.

`TableModel.rows(idx)` computes every inserted column for the rows `idx` of one table: keys,
foreign keys (a parent's key is recomputed from the parent's row index), values by meaning,
NULLs, and then judges the rows by the table's CHECKs, drawing failing rows again with another
salt. Only the layout of grouped tables (child counts per parent, one integer per parent row)
is held in memory; everything else is computed per batch.
"""

from __future__ import annotations

import numpy as np

from . import checks as check_module
from .plan import FkPlan, Item, SeedError, SeedPlan, TablePlan
from .streams import Permutation, Stream, group_permutation, key_of
from .values import Values

MAX_ATTEMPTS = 60
#: Parents up to this size are sampled by their popularity weights; larger ones by a power law.
WEIGHTED_PARENTS = 2_000_000


class SeedModel:
    """All tables of a plan; `judge` asks the database about CHECKs Python cannot evaluate."""

    def __init__(self, plan: SeedPlan, judge=None, fetch_keys=None):
        self.plan = plan
        self.judge = judge
        self.tables = {
            name: ExistingRows(table_plan, fetch_keys) if table_plan.rows == 0 and table_plan.existing_rows and fetch_keys
            else TableModel(self, table_plan)
            for name, table_plan in plan.tables.items()
        }
        self.notes: list[str] = []
        self._popularity: dict[str, np.ndarray] = {}

    def popularity(self, table: str) -> np.ndarray:
        """Lognormal weights of a table's rows: how many children each row attracts."""
        if table not in self._popularity:
            rows = self.plan.tables[table].referable
            stream = Stream(self.plan.seed, table, "<popularity>")
            self._popularity[table] = np.exp(1.0 * stream.normal(np.arange(rows, dtype=np.int64)))
        return self._popularity[table]


class TableModel:
    def __init__(self, model: SeedModel, plan: TablePlan):
        self.model = model
        self.plan = plan
        self.seed = model.plan.seed
        self.null_rate = model.plan.null_rate
        self._layout: tuple[np.ndarray, np.ndarray] | None = None
        self._sampling: dict[int, np.ndarray] = {}
        self._level_cumulative: np.ndarray | None = None
        fixed = set(plan.structural) | set(plan.row_unique)
        for fk_plan in plan.fks:
            if fk_plan.mode != "independent" or fk_plan.deferred_load:
                fixed.update(fk_plan.columns)
        for exclusive in plan.hints.exactly_one:
            fixed.difference_update(column for column in exclusive if column not in plan.structural)
        self.fixed = fixed

    @property
    def rows_count(self) -> int:
        return self.plan.rows

    # --- rows with CHECKs -------------------------------------------------------------------

    def rows(self, idx: np.ndarray) -> dict[str, Values]:
        plan = self.plan
        batch = RowBatch(self, idx, 0)
        values = {column: batch.get(column) for column in plan.columns}
        failing = self._failing(values, idx)
        attempt = 0
        while failing.any():
            attempt += 1
            positions = np.nonzero(failing)[0]
            if attempt > MAX_ATTEMPTS:
                self._give_up(values, positions)
            sub_idx = idx[positions]
            fixed = {column: values[column].take(positions) for column in plan.columns if column in self.fixed}
            sub = RowBatch(self, sub_idx, attempt, fixed)
            sub_values = {column: sub.get(column) for column in plan.columns}
            sub_failing = self._failing(sub_values, sub_idx)
            passed = ~sub_failing
            if passed.any():
                targets = positions[passed]
                for column in plan.columns:
                    values[column] = _put(values[column], targets, sub_values[column].take(np.nonzero(passed)[0]))
                failing[targets] = False
        return values

    def _give_up(self, values: dict[str, Values], positions: np.ndarray) -> None:
        plan = self.plan
        row = {column: _show(values[column].take(positions[:1])) for column in plan.columns}
        failed = [check for check in plan.checks if not self._check_passes(check, {c: v.take(positions[:1]) for c, v in values.items()}, positions[:1]).all()]
        names = ", ".join(f"{check.name} ({check.expression})" for check in failed) or "its checks"
        raise SeedError(
            f"{plan.name}: could not generate rows that pass {names} after {MAX_ATTEMPTS} attempts;"
            f" e.g. {row}. Loosen the check or seed with fewer rows."
        )

    def _failing(self, values: dict[str, Values], idx: np.ndarray) -> np.ndarray:
        failing = np.zeros(len(idx), dtype=bool)
        for check in self.plan.checks:
            passes = self._check_passes(check, values, idx)
            failing |= ~passes
        return failing

    def _check_passes(self, check, values: dict[str, Values], idx: np.ndarray) -> np.ndarray:
        if check.note == "generated":
            # A generated column's values exist only in the database: it checks such rows as they load.
            self._note(check, "it reads a generated column, so the database checks it while loading", plain=True)
            return np.ones(len(idx), dtype=bool)
        if check.local:
            env = {column: check_module.env_column(values[column]) for column in check.columns if column in values}
            try:
                return check_module.Evaluator(env, len(idx)).passes(check.tree)
            except check_module.Unsupported as error:
                check.local = False
                self._unsupported = getattr(self, "_unsupported", {})
                self._unsupported[check.name] = str(error)
        if self.model.judge is not None:
            passes = self.model.judge(self.plan, check, values)
            if passes is not None:
                self._note(check, "rows are judged by the database itself and failing rows drawn again")
                return passes
            self._note(check, "this database has no such check, so rows are not judged by it")
        return np.ones(len(idx), dtype=bool)

    def _note(self, check, what: str, plain: bool = False) -> None:
        noted = getattr(self, "_noted", set())
        self._noted = noted
        if check.name in noted:
            return
        noted.add(check.name)
        reason = getattr(self, "_unsupported", {}).get(check.name) or check.note or "it"
        head = f"{self.plan.name}: check {check.name} ({check.expression}): "
        self.model.notes.append(head + what if plain else f"{head}{reason} is not understood by the generator; {what}")

    # --- keys for children --------------------------------------------------------------------

    def key_values(self, columns: list[str], idx: np.ndarray) -> list[Values]:
        batch = RowBatch(self, idx, 0)
        return [batch.get(column) for column in columns]

    # --- layout of grouped rows ---------------------------------------------------------------

    def layout(self) -> tuple[np.ndarray, np.ndarray]:
        """Child count per parent row and their running sum (for a grouped table)."""
        if self._layout is None:
            plan = self.plan
            group = plan.fks[plan.group]  # type: ignore[index]
            parent_rows = self.model.plan.tables[group.parent].referable
            weights = self.model.popularity(group.parent)[:parent_rows]
            counts = allocate(weights, plan.rows, plan.group_capacity)
            self._layout = (counts, np.cumsum(counts))
        return self._layout

    def slots(self, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For grouped rows: (group, position inside the group); the group is a parent row index,
        or a slot (a combination of the shared key columns)."""
        shuffle = Permutation(self.plan.rows, key_of(self.seed, self.plan.name, "<layout>"))
        if self.plan.slot_columns:
            shuffled = shuffle(idx)
            return shuffled % self.plan.slot_count, shuffled // self.plan.slot_count
        counts, ends = self.layout()
        slot = shuffle(idx)
        parent = np.searchsorted(ends, slot, side="right")
        start = ends[parent] - counts[parent]
        return parent.astype(np.int64), (slot - start).astype(np.int64)

    def sample_parent(self, fk_plan: FkPlan, g: np.ndarray, salt: int, size: int) -> np.ndarray:
        """Skewed parent row indices in [0, size): popular parents get more children."""
        stream = Stream(self.seed, self.plan.name, "<fk>", fk_plan.position)
        if size <= 0:
            return np.zeros(len(g), dtype=np.int64)
        parent_rows = self.model.plan.tables[fk_plan.parent].referable
        if size <= WEIGHTED_PARENTS and size <= parent_rows:
            cumulative = self._sampling.get(size)
            if cumulative is None:
                weights = self.model.popularity(fk_plan.parent)[:size]
                cumulative = np.cumsum(weights)
                cumulative /= cumulative[-1]
                self._sampling[size] = cumulative
            return np.minimum(np.searchsorted(cumulative, stream.uniform(g, salt), side="right"), size - 1).astype(np.int64)
        u = stream.uniform(g, salt)
        rank = np.minimum((size * u**2.2).astype(np.int64), size - 1)
        return Permutation(size, key_of(self.seed, fk_plan.parent, "<popular>"))(rank)

    def tree_parents(self, fk_plan: FkPlan, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Parent row (and a root mask) for rows of a self-referencing table.

        Every row has a nominal level (roots are 0); a row of level L points at an earlier row
        of level L-1, so no row is deeper than its level and no level exceeds the max depth.
        """
        depth = self.plan.tree_depth
        count = len(idx)
        if fk_plan.mode == "chain":
            if depth <= 0:
                return np.zeros(count, dtype=np.int64), np.ones(count, dtype=bool)
            level = idx % (depth + 1)
            return np.maximum(idx - 1, 0), level == 0
        if depth <= 0:
            return np.zeros(count, dtype=np.int64), np.ones(count, dtype=bool)
        levels = self._levels(idx)
        parents = np.zeros(count, dtype=np.int64)
        found = np.zeros(count, dtype=bool)
        candidate_stream = Stream(self.seed, self.plan.name, "<tree-candidate>")
        for attempt in range(24):
            pending = ~found & (levels > 0) & (idx > 0)
            if not pending.any():
                break
            where = np.nonzero(pending)[0]
            u = candidate_stream.uniform(idx[where], attempt)
            candidates = np.minimum((idx[where] * u).astype(np.int64), idx[where] - 1)
            good = self._levels(candidates) == levels[where] - 1
            hits = where[good]
            parents[hits] = candidates[good]
            found[hits] = True
        return parents, ~found

    def _levels(self, idx: np.ndarray) -> np.ndarray:
        depth = self.plan.tree_depth
        if self._level_cumulative is None:
            weights = [0.7] + [0.3 * 0.5 ** (level - 1) for level in range(1, depth + 1)]
            cumulative = np.cumsum(weights)
            self._level_cumulative = cumulative / cumulative[-1]
        stream = Stream(self.seed, self.plan.name, "<tree-level>")
        levels = np.searchsorted(self._level_cumulative, stream.uniform(idx), side="right")
        return np.minimum(levels, depth).astype(np.int64)


class ExistingRows:
    """A table this run adds no rows to: references point at the rows it already has.

    Only the referenced key columns are read, once, into arrays (ordered by those columns).
    """

    def __init__(self, plan: TablePlan, fetch_keys):
        self.plan = plan
        self.fetch_keys = fetch_keys
        self._arrays: dict[str, Values] = {}

    def key_values(self, columns: list[str], idx: np.ndarray) -> list[Values]:
        missing = [column for column in columns if column not in self._arrays]
        if missing:
            self._arrays.update(zip(columns, self.fetch_keys(self.plan, columns)))
        return [self._arrays[column].take(idx) for column in columns]


def allocate(weights: np.ndarray, total: int, cap: int | None) -> np.ndarray:
    """Whole child counts proportional to `weights`, each at most `cap`, summing to `total`."""
    parents = len(weights)
    if parents == 0 or total <= 0:
        return np.zeros(parents, dtype=np.int64)
    limit = np.inf if cap is None else float(cap)
    if cap is not None and cap * parents < total:
        raise SeedError(f"cannot place {total} rows under {parents} parents with at most {cap} each")
    low, high = 0.0, total / float(weights.min()) + 1.0
    for _ in range(100):
        middle = (low + high) / 2
        if np.minimum(np.floor(middle * weights), limit).sum() <= total:
            low = middle
        else:
            high = middle
    counts = np.minimum(np.floor(low * weights), limit).astype(np.int64)
    remainder = total - int(counts.sum())
    while remainder > 0:
        room = counts < limit
        fractions = np.where(room, low * weights - np.floor(low * weights), -1.0)
        eligible = int(room.sum())
        take = min(remainder, eligible)
        chosen = np.argpartition(-fractions, take - 1)[:take] if take < parents else np.nonzero(room)[0][:take]
        counts[chosen] += 1
        remainder -= take
    return counts


class RowBatch:
    """The rows `idx` of one table, computed column by column on demand."""

    def __init__(self, table: TableModel, idx: np.ndarray, salt: int, fixed: dict[str, Values] | None = None):
        self.table = table
        self.plan = table.plan
        self.idx = idx.astype(np.int64, copy=False)
        self.g = self.idx + table.plan.index_offset
        self.salt = salt
        self.cache: dict[str, Values] = dict(fixed or {})
        self._slots = None
        self._parent_index: dict[int, np.ndarray] = {}
        self._computing: set[str] = set()
        self._exclusive: dict[str, np.ndarray] = {}

    @property
    def size(self) -> int:
        return len(self.idx)

    def slots(self):
        if self._slots is None:
            self._slots = self.table.slots(self.idx)
        return self._slots

    def parent_time(self) -> np.ndarray | None:
        """Creation times (epoch seconds) of each row's group parent, when it has one."""
        plan = self.plan
        if plan.group is None or plan.parent_time_column is None:
            return None
        parent_plan = plan.fks[plan.group]
        parent = self.table.model.tables[parent_plan.parent]
        (values,) = parent.key_values([plan.parent_time_column], self.slots()[0])
        return values.data.astype("datetime64[s]").astype(np.int64)  # type: ignore[union-attr]

    def get(self, column: str) -> Values:
        cached = self.cache.get(column)
        if cached is not None:
            return cached
        if column in self._computing:
            raise SeedError(f"{self.plan.name}.{column}: its value depends on itself")
        self._computing.add(column)
        try:
            fk_position = self.plan.fk_of_column.get(column)
            if fk_position is not None:
                self._foreign_key(fk_position)
                return self.cache[column]
            values = self._column(column)
            values = values.with_nulls(self._nulls(column))
            self.cache[column] = values
            return values
        finally:
            self._computing.discard(column)

    # --- plain columns ---

    def _column(self, column: str) -> Values:
        plan = self.plan
        generator = plan.generators[column]
        if column in plan.slot_columns:
            # The slot number's digits, one per shared column (bounded ones first).
            slot = self.slots()[0]
            divisor = 1
            for name, domain in zip(plan.slot_columns, plan.slot_domains):  # type: ignore[attr-defined]
                if name == column:
                    digit = slot // divisor
                    if domain is not None:
                        digit = digit % domain
                    return generator.injective(digit, self)
                divisor *= domain or 1
        item, counter = self._item_for(column=column)
        if item is not None:
            return generator.injective(counter, self)
        if column in plan.row_unique:
            return generator.injective(self.g, self)
        return generator.generate(self)

    def _item_for(self, column: str | None = None, fk: int | None = None) -> tuple[Item | None, np.ndarray | None]:
        """The composite-key item of a column or FK and its distinct counter for these rows."""
        plan = self.plan
        for items, within in [(plan.within, True)] + [(items, False) for items in plan.global_items]:
            for position, item in enumerate(items):
                if (column is not None and item.column == column) or (fk is not None and item.fk == fk):
                    if within:
                        parents, k = self.slots()
                        group = parents
                    else:
                        k = self.g
                        group = np.zeros(self.size, dtype=np.int64)
                    sequential = item.column is not None and plan.generators[item.column].kind in ("int", "numeric", "float")
                    return item, _digit(items, position, k, group, key_of(self.table.seed, plan.name, "<item>", position, within),
                                        sequential)
        return None, None

    def _nulls(self, column: str) -> np.ndarray | None:
        plan = self.plan
        spec = plan.table.columns[column]
        exclusive = self._exclusive_nulls(column)
        if exclusive is not None:
            return exclusive
        if not spec.nullable or column in plan.no_nulls or column in plan.structural:
            return None
        hints = plan.hints.columns.get(column)
        if hints is not None and hints.not_null:
            return None
        rate = self.table.null_rate
        if rate <= 0:
            return None
        return Stream(self.table.seed, plan.name, column, "<null>").chance(self.g, rate, self.salt)

    def _exclusive_nulls(self, column: str) -> np.ndarray | None:
        """`exactly one of a, b is set`: pick the one per row; the others are NULL."""
        for group in self.plan.hints.exactly_one:
            if column not in group:
                continue
            key = ",".join(group)
            if key not in self._exclusive:
                table = self.plan.table
                required = [position for position, name in enumerate(group) if not table.columns[name].nullable]
                if len(required) == 1:
                    pick = np.full(self.size, required[0], dtype=np.int64)
                else:
                    pick = Stream(self.table.seed, self.plan.name, "<exactly-one>", key).integers(self.g, len(group), self.salt)
                self._exclusive[key] = pick
            return self._exclusive[key] != group.index(column)
        return None

    # --- foreign keys ---

    def parent_index(self, position: int) -> np.ndarray:
        if position in self._parent_index:
            return self._parent_index[position]
        plan = self.plan
        fk_plan = plan.fks[position]
        parent_rows = self.table.model.plan.tables[fk_plan.parent].referable if not fk_plan.self_ref else plan.rows
        mode = fk_plan.mode
        if mode == "group":
            index = self.slots()[0]
        elif mode in ("within", "global"):
            _, counter = self._item_for(fk=position)
            index = counter  # already mapped to [0, domain)
            if fk_plan.distinct_from is not None:
                other = self.parent_index(fk_plan.distinct_from)
                index = np.where(index >= other, index + 1, index)
        elif mode == "one_to_one":
            index = Permutation(parent_rows, key_of(self.table.seed, plan.name, "<one-to-one>", position))(self.idx)
        elif mode in ("tree", "chain"):
            index, _ = self.table.tree_parents(fk_plan, self.idx)
        elif mode == "empty":
            index = np.zeros(self.size, dtype=np.int64)
        else:
            size = parent_rows - (1 if fk_plan.distinct_from is not None else 0)
            index = self.table.sample_parent(fk_plan, self.g, self.salt, size)
            if fk_plan.distinct_from is not None:
                other = self.parent_index(fk_plan.distinct_from)
                index = np.where(index >= other, index + 1, index)
        self._parent_index[position] = index
        return index

    def _foreign_key(self, position: int) -> None:
        plan = self.plan
        fk_plan = plan.fks[position]
        nulls = self._fk_nulls(fk_plan)
        index = self.parent_index(position)
        if fk_plan.mode == "empty":
            nulls = np.ones(self.size, dtype=bool)
        parent = self.table.model.tables[fk_plan.parent]
        if nulls is not None and nulls.all():
            # No parent key is needed: NULLs of the right kind.
            keys = [_null_like(parent, column, self.size) for column in fk_plan.ref_columns]
        else:
            keys = parent.key_values(fk_plan.ref_columns, index)
        for column, ref_column, values in zip(fk_plan.columns, fk_plan.ref_columns, keys):
            if plan.fk_of_column.get(column) != position:
                continue  # this column follows a wider foreign key
            self.cache[column] = values.with_nulls(nulls)

    def _fk_nulls(self, fk_plan: FkPlan) -> np.ndarray | None:
        plan = self.plan
        for column in fk_plan.columns:
            exclusive = self._exclusive_nulls(column)
            if exclusive is not None:
                return exclusive
        if fk_plan.mode in ("tree", "chain"):
            _, roots = self.table.tree_parents(fk_plan, self.idx)
            if not fk_plan.nullable:
                # NOT NULL self-reference without a depth rule: roots point at themselves.
                self._parent_index[fk_plan.position] = np.where(roots, self.idx, self.parent_index(fk_plan.position))
                return None
            return roots
        if not fk_plan.nullable or fk_plan.mode == "group" or any(column in plan.no_nulls for column in fk_plan.columns):
            return None
        rate = self.table.null_rate
        if rate <= 0:
            return None
        return Stream(self.table.seed, plan.name, "<fk-null>", fk_plan.position).chance(self.g, rate, self.salt)


def _digit(items: list[Item], position: int, counter: np.ndarray, group: np.ndarray, key: int,
           sequential: bool = False) -> np.ndarray:
    """The value index of item `position` for each row: a digit of the counter, permuted per group.

    Numbers count up inside their group (positions 1, 2, 3 …); other values are permuted per
    group, so groups do not all start with the same name or date.
    """
    item = items[position]
    if item.whole:
        value = counter
    else:
        divisor = 1
        for earlier in items[:position]:
            divisor *= max(earlier.domain or 1, 1)
        value = counter // divisor
        if item.domain is not None and position < len(items) - 1 or item.domain is not None:
            value = value % item.domain
    if sequential:
        return value
    if item.domain is not None and item.domain > 0:
        return group_permutation(value, group, item.domain, key)
    # Unbounded: shift per group so groups do not all start at the same value.
    with np.errstate(over="ignore"):
        shift = (group.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15) >> np.uint64(40)).astype(np.int64)
    return value + shift % 1000


def _put(target: Values, positions: np.ndarray, source: Values) -> Values:
    """`target` with the rows at `positions` replaced by `source`."""
    if target.codes is not None and source.codes is not None and target.vocab is source.vocab:
        codes = target.codes.copy()
        codes[positions] = source.codes
        data = None
    else:
        if target.codes is not None or source.codes is not None:
            target = Values(target.kind, data=target.array() if target.kind != "uuid" else target.data, nulls=target.nulls,
                            scale=target.scale, timezone=target.timezone)
            source = Values(source.kind, data=source.array() if source.kind != "uuid" else source.data, nulls=source.nulls,
                            scale=source.scale, timezone=source.timezone)
        data = target.data.copy()  # type: ignore[union-attr]
        data[positions] = source.data
        codes = None
    if target.nulls is None and source.nulls is None:
        nulls = None
    else:
        nulls = target.null_mask().copy()
        nulls[positions] = source.null_mask()
    return Values(target.kind, data, nulls, codes, target.vocab if codes is not None else None, target.scale, target.timezone)


def _null_like(parent: TableModel, column: str, size: int) -> Values:
    generator = parent.plan.generators.get(column)
    kind = generator.kind if generator is not None else "int"
    if kind == "uuid":
        data = np.zeros((size, 2), dtype=np.uint64)
    elif kind in ("date",):
        data = np.zeros(size, dtype="datetime64[D]")
    elif kind == "timestamp":
        data = np.zeros(size, dtype="datetime64[us]")
    elif kind in ("text", "json", "array", "bytes"):
        data = np.full(size, "", dtype=object)
    elif kind == "bool":
        data = np.zeros(size, dtype=bool)
    elif kind in ("float", "numeric"):
        data = np.zeros(size)
    else:
        data = np.zeros(size, dtype=np.int64)
    return Values(kind, data=data, nulls=np.ones(size, dtype=bool))


def _show(values: Values):
    if values.null_mask()[0]:
        return None
    item = values.array()[0]
    return item.item() if hasattr(item, "item") else item


def chunk_ranges(rows: int, size: int):
    for start in range(0, rows, size):
        yield start, min(rows, start + size)


__all__ = ["SeedModel", "TableModel", "allocate", "chunk_ranges"]
