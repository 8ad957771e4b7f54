"""What changed between two designs, as lines a person reads: `added table labels (5 columns; …)`,
`table tasks: added column label_id uuid NOT NULL → labels.id ON DELETE CASCADE`.

It reads the same comparable form as `compare.design_differences` (implications written out,
expressions normalized), so a difference the comparison sees is never missing here: whatever has
no sentence of its own is still said, as `path: old → new`.
"""

from __future__ import annotations

from typing import Any

from .compare import comparable
from .document import Design

#: Top-level collections keyed by name, and what one of their entries is called.
_NAMED = {
    "schemas": "schema",
    "extensions": "extension",
    "collations": "collation",
    "domains": "domain",
    "types": "type",
    "sequences": "sequence",
    "functions": "function",
    "views": "view",
    "virtual_tables": "virtual table",
}
#: A table's lists of parts, and what one of them is called.
_PARTS = {
    "foreign_keys": "foreign key",
    "indexes": "index",
    "unique": "unique constraint",
    "checks": "check",
    "triggers": "trigger",
    "policies": "policy",
    "exclusions": "exclusion",
}
_SHORT = 70


def describe_changes(old: Design, new: Design) -> list[str]:
    """One readable line per change from `old` to `new` (empty when they mean the same)."""
    left, right = comparable(old), comparable(new)
    out: list[str] = []
    for key in _keys(left, right):
        before, after = left.get(key), right.get(key)
        if before == after:
            continue
        if key == "tables":
            _tables(before or {}, after or {}, out)
        elif key == "enums":
            _enums(before or {}, after or {}, out)
        elif key == "queries":
            _keyed(before or [], after or [], "query", lambda item: item.get("id"), "", out)
        elif key in _NAMED and isinstance(before or after, dict):
            _named(_NAMED[key], before or {}, after or {}, out)
        else:
            _generic(key, before, after, out)
    return out


def _keys(left: dict, right: dict) -> list[str]:
    return list(left) + [key for key in right if key not in left]


def _short(value: Any) -> str:
    if isinstance(value, str):
        text = value
    elif isinstance(value, dict):
        text = "{" + ", ".join(f"{key}: {_short(item)}" for key, item in value.items()) + "}"
    elif isinstance(value, list):
        text = "[" + ", ".join(_short(item) for item in value) + "]"
    else:
        text = "none" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
    text = " ".join(text.split())
    return text if len(text) <= _SHORT else text[: _SHORT - 1] + "…"


def _generic(path: str, before: Any, after: Any, out: list[str]) -> None:
    if before is None:
        out.append(f"{path}: set to {_short(after)}")
    elif after is None:
        out.append(f"{path}: removed (was {_short(before)})")
    else:
        out.append(f"{path}: {_short(before)} → {_short(after)}")


def _fields(before: dict, after: dict) -> str:
    """`on_delete cascade → restrict, reason changed`: how two entries of the same thing differ."""
    said = []
    for key in _keys(before, after):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        if key in ("reason", "rationale", "comment", "story") and old is not None and new is not None:
            said.append(f"{key} changed")
        elif old is None:
            said.append(f"{key} {_short(new)} added")
        elif new is None:
            said.append(f"{key} {_short(old)} removed")
        else:
            said.append(f"{key} {_short(old)} → {_short(new)}")
    return ", ".join(said)


def _named(noun: str, before: dict, after: dict, out: list[str], prefix: str = "") -> None:
    for name in _keys(before, after):
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        if old is None:
            out.append(f"{prefix}added {noun} {name}")
        elif new is None:
            out.append(f"{prefix}removed {noun} {name}")
        elif isinstance(old, dict) and isinstance(new, dict):
            out.append(f"{prefix}{noun} {name}: {_fields(old, new)}")
        else:
            out.append(f"{prefix}{noun} {name}: {_short(old)} → {_short(new)}")


def _enums(before: dict, after: dict, out: list[str]) -> None:
    for name in _keys(before, after):
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        if old is None:
            out.append(f"added enum {name} ({', '.join(map(str, new))})")
        elif new is None:
            out.append(f"removed enum {name}")
        else:
            added = [value for value in new if value not in old]
            removed = [value for value in old if value not in new]
            said = ([f"added values {', '.join(map(str, added))}"] if added else []) + (
                [f"removed values {', '.join(map(str, removed))}"] if removed else []
            )
            out.append(f"enum {name}: {'; '.join(said) or 'values reordered'}")


def _default(value: Any) -> str:
    if isinstance(value, dict) and "sql" in value:
        return str(value["sql"])
    if isinstance(value, dict) and "value" in value:
        value = value["value"]
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return _short(value)


def _column(column: dict) -> str:
    """`uuid NOT NULL DEFAULT gen_random_uuid()`."""
    text = str(column.get("type", "?"))
    if not column.get("nullable"):
        text += " NOT NULL"
    if column.get("identity"):
        text += f" GENERATED {str(column['identity']).upper()} AS IDENTITY"
    if column.get("generated"):
        text += f" GENERATED ALWAYS AS ({column['generated']})"
    if column.get("default") is not None:
        text += f" DEFAULT {_default(column['default'])}"
    return text


def _reference(fk: dict) -> str:
    """`→ organizations.id ON DELETE CASCADE`."""
    target = fk.get("references", {})
    columns = target.get("columns", [])
    where = f"{target.get('table')}.{columns[0]}" if len(columns) == 1 else f"{target.get('table')} ({', '.join(columns)})"
    text = f"→ {where}"
    if fk.get("on_delete"):
        text += f" ON DELETE {str(fk['on_delete']).upper()}"
    if fk.get("on_update"):
        text += f" ON UPDATE {str(fk['on_update']).upper()}"
    return text


def _part(kind: str, item: Any) -> str:
    """One table part as a phrase: `index (author_id) WHERE author_id IS NOT NULL`, `foreign key (a) → t.id`."""
    if not isinstance(item, dict):
        return f"{_PARTS[kind]} {_short(item)}"
    name = f" {item['name']}" if item.get("name") else ""
    keys = ", ".join([*map(str, item.get("columns", [])), *map(str, item.get("expressions", []))])
    if kind == "foreign_keys":
        return f"foreign key{name} ({keys}) {_reference(item)}"
    if kind == "indexes":
        text = f"{'unique ' if item.get('unique') else ''}index{name} ({keys})"
        if item.get("method") and item["method"] != "btree":
            text += f" USING {item['method']}"
        if item.get("where"):
            text += f" WHERE {item['where']}"
        return text
    if kind == "unique":
        return f"unique constraint{name} ({keys})"
    if kind == "checks":
        return f"check{name} ({item.get('expression')})"
    if kind == "triggers":
        what = item.get("name") or item.get("kind") or "trigger"
        return f"trigger {what}" + (f" on {item['column']}" if item.get("column") else "")
    return f"{_PARTS[kind]} {item.get('name') or _short(item)}"


def _identity(kind: str, item: Any) -> Any:
    """What makes two entries the same part, changed (an index's keys, a check's name or expression)."""
    if not isinstance(item, dict):
        return repr(item)
    if item.get("name"):
        return ("name", item["name"])
    if kind == "foreign_keys":
        return tuple(item.get("columns", []))
    if kind == "checks":
        return item.get("expression")
    if kind == "triggers":
        return (item.get("kind"), item.get("column"))
    return (tuple(item.get("columns", [])), tuple(item.get("expressions", [])), item.get("where"), item.get("method"))


def _keyed(before: list, after: list, noun: str, identity, prefix: str, out: list[str], phrase=None) -> None:
    """Entries of two lists: added, removed, or the same entry changed (matched by `identity`)."""
    phrase = phrase or (lambda item: f"{noun} {item.get('id') if isinstance(item, dict) else _short(item)}")
    remaining = list(after)
    unmatched_old = []
    for item in before:
        if item in remaining:
            remaining.remove(item)
        else:
            unmatched_old.append(item)
    for item in unmatched_old:
        twin = next((other for other in remaining if identity(other) == identity(item)), None)
        if twin is not None and isinstance(item, dict) and isinstance(twin, dict):
            remaining.remove(twin)
            out.append(f"{prefix}changed {phrase(twin)}: {_fields(item, twin)}")
        else:
            out.append(f"{prefix}removed {phrase(item)}")
    for item in remaining:
        out.append(f"{prefix}added {phrase(item)}")


def _tables(before: dict, after: dict, out: list[str]) -> None:
    for name in _keys(before, after):
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        if old is None:
            columns = new.get("columns", {})
            references = [f"{', '.join(fk.get('columns', []))} {_reference(fk)}" for fk in new.get("foreign_keys", [])]
            detail = f"{len(columns)} column{'s' if len(columns) != 1 else ''}"
            out.append(f"added table {name} ({detail}{'; ' + '; '.join(references) if references else ''})")
        elif new is None:
            out.append(f"removed table {name}")
        else:
            _table(name, old, new, out)


def _table(name: str, old: dict, new: dict, out: list[str]) -> None:
    prefix = f"table {name}: "
    described_fks: list[dict] = []
    for key in _keys(old, new):
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        if key == "columns":
            _columns(prefix, before or {}, after or {}, new, described_fks, out)
        elif key in _PARTS:
            added_fks = [fk for fk in (after or []) if fk not in described_fks]
            items_after = added_fks if key == "foreign_keys" else (after or [])
            if key == "foreign_keys" and described_fks:
                # a new column's own foreign key was said with the column
                before = [fk for fk in (before or []) if fk not in described_fks]
            _keyed(
                before or [],
                items_after,
                _PARTS[key],
                lambda item, k=key: _identity(k, item),
                prefix,
                out,
                phrase=lambda item, k=key: _part(k, item),
            )
        else:
            _generic(f"{prefix}{key}", before, after, out) if not isinstance(before, dict) else out.append(
                f"{prefix}{key}: {_fields(before, after or {})}"
            )


def _columns(prefix: str, before: dict, after: dict, table: dict, described_fks: list[dict], out: list[str]) -> None:
    for column in _keys(before, after):
        old, new = before.get(column), after.get(column)
        if old == new:
            continue
        if old is None:
            fks = [fk for fk in table.get("foreign_keys", []) if fk.get("columns") == [column]]
            described_fks.extend(fks)
            references = "".join(f" {_reference(fk)}" for fk in fks)
            out.append(f"{prefix}added column {column} {_column(new)}{references}")
        elif new is None:
            out.append(f"{prefix}removed column {column}")
        else:
            said = []
            if old.get("type") != new.get("type"):
                said.append(f"type {old.get('type')} → {new.get('type')}")
            if bool(old.get("nullable")) != bool(new.get("nullable")):
                said.append("now nullable" if new.get("nullable") else "now NOT NULL")
            if old.get("default") != new.get("default"):
                if new.get("default") is None:
                    said.append(f"default {_default(old['default'])} dropped")
                elif old.get("default") is None:
                    said.append(f"default {_default(new['default'])} added")
                else:
                    said.append(f"default {_default(old['default'])} → {_default(new['default'])}")
            rest = {key: value for key, value in old.items() if key not in ("type", "nullable", "default")}
            rest_new = {key: value for key, value in new.items() if key not in ("type", "nullable", "default")}
            if rest != rest_new:
                said.append(_fields(rest, rest_new))
            out.append(f"{prefix}column {column}: {', '.join(said)}")
    if list(before) != list(after) and set(before) == set(after):
        out.append(f"{prefix}column order {', '.join(before)} → {', '.join(after)}")
