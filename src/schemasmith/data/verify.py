"""Checks by query on a loaded database: foreign keys that point nowhere, duplicate keys, tree depth.

The database enforces its constraints while loading; these queries say so independently after
the fact (copy-data reports them; the tests assert them).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..dialects.registry import get_dialect
from ..model.document import Design
from ..model.implied import with_implied


@dataclass
class Verification:
    row_counts: dict[str, int] = field(default_factory=dict)
    foreign_key_violations: dict[str, int] = field(default_factory=dict)  # "table (cols) → parent": rows
    duplicate_keys: dict[str, int] = field(default_factory=dict)  # "table (cols)": duplicated values
    too_deep: dict[str, int] = field(default_factory=dict)  # "table.column": rows deeper than allowed

    @property
    def clean(self) -> bool:
        return not any(self.foreign_key_violations.values()) and not any(self.duplicate_keys.values()) and not any(self.too_deep.values())


def verify(connection, dialect: str, design: Design, tables: list[str] | None = None) -> Verification:
    """Row counts, FK violations, duplicate keys and max_depth breaches, each by one query."""
    q = get_dialect(dialect).quote_identifier
    if get_dialect(dialect).schema_namespaces:
        from ..dialects.postgres import quote_qualified as qt
    else:
        qt = q
    design = with_implied(design)
    result = Verification()

    def scalar(sql: str) -> int:
        row = connection.execute(sql).fetchone()
        return int(row[0] or 0)

    for name, table in design.tables.items():
        if tables is not None and name not in tables:
            continue
        t = qt(name)
        result.row_counts[name] = scalar(f"SELECT count(*) FROM {t}")
        for fk in table.foreign_keys:
            parent = qt(fk.references.table)
            not_null = " AND ".join(f"c.{q(c)} IS NOT NULL" for c in fk.columns)
            match = " AND ".join(f"p.{q(r)} = c.{q(c)}" for c, r in zip(fk.columns, fk.references.columns))
            label = f"{name} ({', '.join(fk.columns)}) → {fk.references.table}"
            result.foreign_key_violations[label] = scalar(
                f"SELECT count(*) FROM {t} AS c WHERE {not_null} AND NOT EXISTS (SELECT 1 FROM {parent} AS p WHERE {match})"
            )
        keys = []
        if table.primary_key:
            keys.append(list(table.primary_key))
        keys += [list(unique.columns) for unique in table.unique]
        for index in table.indexes:
            if index.unique:
                columns = [q(key.column) for key in index.keys(set(table.columns))]
                keys.append([None, index.where] + columns + list(index.expressions))  # type: ignore[list-item]
        for key in keys:
            where = None
            if key and key[0] is None:
                where, parts = key[1], key[2:]
                label = f"{name} ({', '.join(parts)})" + (f" WHERE {where}" if where else "")
            else:
                parts = [q(c) for c in key]
                label = f"{name} ({', '.join(key)})"
            every = " AND ".join(f"({part}) IS NOT NULL" for part in parts) + (f" AND ({where})" if where else "")
            result.duplicate_keys[label] = scalar(
                f"SELECT count(*) FROM (SELECT 1 FROM {t} WHERE {every} GROUP BY {', '.join(parts)} HAVING count(*) > 1) AS d"
            )
        for trigger in table.triggers:
            if trigger.kind != "max_depth":
                continue
            fk = next((f for f in table.foreign_keys if f.references.table == name and f.columns == [trigger.column]), None)
            if fk is None:
                continue
            key, parent = q(fk.references.columns[0]), q(trigger.column or "")
            limit = int(trigger.depth or 0)
            result.too_deep[f"{name}.{trigger.column}"] = scalar(
                f"WITH RECURSIVE walk(node, depth) AS ("
                f" SELECT {key}, 0 FROM {t} WHERE {parent} IS NULL"
                f" UNION ALL SELECT c.{key}, walk.depth + 1 FROM {t} AS c JOIN walk ON c.{parent} = walk.node"
                f" WHERE walk.depth <= {limit + 1})"
                f" SELECT count(*) FROM walk WHERE depth > {limit}"
            )
    return result
