"""Comparison keys computed from the model, and matching by content first, then by name."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...dialects import postgres
from ...model.document import Column, ForeignKey, Index, IndexKey, Policy, Table
from ...model.expressions import normalize_expression
from ...model.types import PortableType
from ..renames import Renames, rename_in_expression


def canon(text: str | None, mapping: dict[str, str] | None = None) -> str | None:
    if text is None:
        return None
    if mapping:
        text = rename_in_expression(text, mapping)
    return normalize_expression(text)


def default_key(column: Column, portable: PortableType) -> Any:
    default = column.default
    if default is None:
        return None
    if default.is_expression:
        return ("sql", canon(str(default.value)))
    return ("value", postgres.canonical_literal(portable, default.value))


def effective_nullable(table: Table, name: str, column: Column) -> bool:
    return column.nullable and name not in table.primary_key and column.identity is None


def index_key(index: Index, known: set[str], mapping: dict[str, str]) -> tuple:
    keys = []
    for key in index.keys(known):
        keys.append(str(IndexKey(mapping.get(key.column, key.column), key.descending, key.nulls)))
    expressions = []
    for text in index.expressions:
        key = IndexKey.parse(text)
        expressions.append((canon(key.column, mapping), key.descending, key.nulls))
    return (
        tuple(keys),
        tuple(expressions),
        index.unique,
        index.method,
        canon(index.where, mapping),
        tuple(mapping.get(c, c) for c in index.include),
    )


def fk_key(fk: ForeignKey, mapping: dict[str, str], renames: Renames, new_target: str) -> tuple:
    target_mapping = renames.column_map(new_target)
    return (
        tuple(mapping.get(c, c) for c in fk.columns),
        new_target,
        tuple(target_mapping.get(c, c) for c in fk.references.columns),
        fk.on_delete if fk.on_delete != "no action" else None,
        fk.on_update if fk.on_update != "no action" else None,
        fk.deferrable or fk.initially_deferred,
        fk.initially_deferred,
        fk.match_full,
    )


def policy_key(policy: Policy, mapping: dict[str, str]) -> tuple:
    return (
        policy.command,
        tuple(sorted(role for role in policy.roles if role.lower() != "public")),
        canon(policy.using, mapping),
        canon(policy.with_check, mapping),
        policy.permissive,
    )


@dataclass
class Item:
    name: str
    key: Any
    obj: Any


def match(old_items: list[Item], new_items: list[Item]):
    """(unchanged, renamed, changed, dropped, added) pairs/items: by content first, then by name."""
    unchanged, renamed, changed = [], [], []
    old_left = list(old_items)
    new_left = []
    for item in new_items:
        same = next((o for o in old_left if o.name == item.name and o.key == item.key), None)
        if same is not None:
            old_left.remove(same)
            unchanged.append((same, item))
        else:
            new_left.append(item)
    still_new = []
    for item in new_left:
        same = next((o for o in old_left if o.key == item.key), None)
        if same is not None:
            old_left.remove(same)
            renamed.append((same, item))
        else:
            still_new.append(item)
    added = []
    for item in still_new:
        same = next((o for o in old_left if o.name == item.name), None)
        if same is not None:
            old_left.remove(same)
            changed.append((same, item))
        else:
            added.append(item)
    return unchanged, renamed, changed, old_left, added
