"""The offline `rules` designer: requirements → design document by sentence patterns, no model.

It reads the requirements twice: the first pass learns which nouns are entities (so that "an
optional assignee" or "one benchmark" can be recognized as references wherever they appear),
the second pass reads every clause with that knowledge. Each clause is offered to the sentence
readers of `extract_relationships` and `extract_entities`; one that no reader understands is
reported in `Proposal.unread` with the reason, never guessed. The draft is then written out as
a design document with keys, audit fields, foreign keys with reasons, enums, checks, indexes
for the workload (`extract_workload`) and the load model (`extract_growth`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ..model.document import Conventions
from ..model.yamlio import design_from_data
from .designer import Decision, Proposal, Unread
from .extract_draft import Draft, DraftEntity, DraftReference, NotANoun, Source
from .extract_entities import ENTITY_READERS, Clause
from .extract_growth import read_growth
from .extract_shapes import EARLY_SHAPE_READERS, SHAPE_READERS, STORY_READERS
from .extract_relationships import RELATIONSHIP_READERS, finish
from .extract_words import An, an, snake
from .extract_workload import read_workload

if TYPE_CHECKING:  # pragma: no cover
    from ..review.finding import Finding
    from .requirements import Requirements

#: After a story's ";" only what a thing has is read ("…; an order has a total amount, a status …").
_STORY_TAIL_READERS = tuple(reader for reader in ENTITY_READERS if reader.__name__ == "read_has_attributes")
READERS = EARLY_SHAPE_READERS + RELATIONSHIP_READERS + ENTITY_READERS + SHAPE_READERS


class RulesDesigner:
    """Deterministic requirements → design: the same text always gives the same design."""

    name = "rules"

    def propose(self, requirements: Requirements, conventions: Conventions) -> Proposal:
        clauses = split_clauses(requirements)
        first = read_clauses(clauses, conventions.naming)
        draft = read_clauses(clauses, conventions.naming, known=first)
        finish(draft)
        data = assemble(draft, requirements, conventions)
        workload = read_workload(requirements, data, draft)
        data["queries"] = workload.queries
        for table, index in workload.indexes:
            _add_index(data["tables"][table], index)
        growth = read_growth(requirements, data, draft)
        if growth is not None:
            data["growth"] = growth
        for table_name, table in data["tables"].items():
            _add_foreign_key_indexes(table_name, table)
        design = design_from_data(_ordered(data))
        return Proposal(design=design, decisions=draft.decisions, questions=draft.questions, unread=_sorted_unread(draft.unread))

    def revise(self, proposal: Proposal, findings: list[Finding], requirements: Requirements) -> Proposal:
        """Apply each finding's design-document change; a change that does not apply is reported.

        The merge itself is `schemasmith.review.patch.apply_design_fix` (the same one a person's
        fix goes through). Until that module exists, the proposal comes back unchanged and each
        finding with a design fix is listed as an open question, so nothing is dropped silently.
        """
        try:
            from ..review.patch import apply_design_fix  # type: ignore[import-not-found]
        except ImportError:  # pragma: no cover - depends on the lead's module being present
            questions = list(proposal.questions)
            for finding in findings:
                if finding.fix_design:
                    questions.append(f"{finding.code} {finding.location}: {finding.message} (design fix not applied: no patch module)")
            return Proposal(proposal.design, list(proposal.decisions), list(dict.fromkeys(questions)), list(proposal.unread))
        data = proposal.design.to_data()
        decisions = list(proposal.decisions)
        questions = list(proposal.questions)
        for finding in findings:
            if not finding.fix_design:
                questions.append(f"{finding.code} {finding.location}: {finding.message} (no design fix offered)")
                continue
            try:
                candidate = apply_design_fix(data, finding.fix_design)
                design_from_data(candidate)
            except Exception as error:  # noqa: BLE001 - a fix that breaks the design is reported, not applied
                questions.append(f"{finding.code} {finding.location}: the suggested fix does not apply ({error})")
                continue
            data = candidate
            decisions.append(Decision(subject=finding.location, choice=f"applied the fix of {finding.code} ({finding.name})", reason=finding.reason))
        return Proposal(design_from_data(data), decisions, list(dict.fromkeys(questions)), list(proposal.unread))


# --- reading ----------------------------------------------------------------------------------

_CLAUSE_BREAKS = re.compile(
    r";\s+|,\s+and\s+(?=(?:each|every|deleting|removing)\b|(?:when|if)\s+\w+\s+\w+)|:\s+(?=(?:a|an|each|every)\s+[a-z]+(?:\s+[a-z]+)?\s+(?:has|have|records|is|are|can)\b)",
    re.IGNORECASE,
)


def split_clauses(requirements: Requirements) -> list[Clause]:
    """The statements of the requirements, cut at clause boundaries ("; ", ", and each …")."""
    clauses = []
    for statement in requirements.statements:
        for part in _CLAUSE_BREAKS.split(statement.text):
            part = part.strip()
            if part:
                clauses.append(Clause(part, Source(statement.line, statement.text)))
    for story in requirements.stories:
        # what a story says a person creates ("I want to create events with a title …") is design too;
        # a story no reader knows is the workload's, so it is never reported unread here
        for number, part in enumerate(_CLAUSE_BREAKS.split(story.text)):
            part = part.strip()
            if part:
                clauses.append(Clause(part, Source(story.line, story.text), story="want" if number == 0 else "tail"))
    return clauses


def read_clauses(clauses: list[Clause], naming: str, known: Draft | None = None) -> Draft:
    draft = Draft(naming, known=dict(known.entities) if known else None)
    if known is not None:
        draft.roles = dict(known.roles)

    def read(clause: Clause) -> bool:
        try:
            return any(reader(draft, clause) for reader in (STORY_READERS if clause.story == "want" else _STORY_TAIL_READERS if clause.story else READERS))
        except NotANoun as error:
            words = error.phrase.strip() or "nothing"
            draft.skip(clause.source, f"{words!r} is where a thing to store was expected, but it names none")
            return True

    draft.reread = read
    for clause in clauses:
        if not read(clause) and not clause.story:
            draft.skip(clause.source, f"no sentence pattern reads {clause.text.strip()!r}")
    return draft


def _sorted_unread(unread: list[Unread]) -> list[Unread]:
    seen, result = set(), []
    for item in sorted(unread, key=lambda item: item.line):
        key = (item.line, item.text, item.why)
        if key not in seen:
            seen.add(key)
            result.append(item)
    return result


# --- writing the design -----------------------------------------------------------------------


def assemble(draft: Draft, requirements: Requirements, conventions: Conventions) -> dict[str, Any]:
    """The draft as design-document data (tables, enums), before workload and growth."""
    enums: dict[str, list[str]] = {}
    tables: dict[str, dict[str, Any]] = {}
    junction_of = {pair.name: pair for pair in draft.many}
    for key, entity in draft.entities.items():
        name = draft.table_of(key)
        if name in tables:
            continue
        pair = junction_of.get(name)
        tables[name] = _junction_table(draft, entity, pair, conventions, enums) if pair else _entity_table(draft, entity, conventions, enums)
    for pair in draft.many:
        if pair.name not in tables:
            entity = DraftEntity(key=pair.name.replace("_", " "), source=pair.source, kind="junction", table=pair.name)
            tables[pair.name] = _junction_table(draft, entity, pair, conventions, enums)
    return {
        "name": snake(requirements.product) or "design",
        "description": requirements.description or None,
        "conventions": conventions.model_dump(mode="json"),
        "enums": enums,
        "tables": tables,
    }


def _key_column(entity: DraftEntity, conventions: Conventions) -> dict[str, Any]:
    if entity.identity_key:
        return {"type": "bigint", "identity": "always"}
    if conventions.primary_key != "uuid":  # an integer style (an imported schema's serial keys too): identity of its type
        return {"type": conventions.key_type, "identity": "by default"}
    return {"type": "uuid"}


def _parent_key_type(draft: Draft, parent: str, conventions: Conventions) -> str:
    entity = draft.entities.get(parent)
    if entity is not None and entity.identity_key:
        return "bigint"
    return conventions.key_type


def _entity_table(draft: Draft, entity: DraftEntity, conventions: Conventions, enums: dict) -> dict[str, Any]:
    name = draft.table_of(entity.key)
    references = sorted((ref for ref in draft.references if ref.child == entity.key), key=_reference_order)
    columns: dict[str, Any] = {"id": _key_column(entity, conventions)}
    foreign_keys, checks, unique, indexes, triggers = [], [], [], [], []
    items: list[tuple[int, str, Any]] = []
    for ref in references:
        column = ref.column_name(draft)
        if column in columns:
            continue
        spec = {"type": _parent_key_type(draft, ref.parent, conventions)}
        if ref.nullable:
            spec["nullable"] = True
        order = -1000 + ref.seq if ref.role in ("owner", "parent") else ref.seq
        items.append((order, column, spec))
        columns[column] = None  # placeholder keeps the name taken
        foreign_keys.append(_foreign_key(draft, ref, column))
        if ref.depth is not None:
            triggers.append({"kind": "max_depth", "column": column, "depth": ref.depth})
        if ref.unique:
            unique.append({"columns": [column], "reason": ref.reason or None})
    if entity.ordered_by and entity.ordered_by not in entity.attributes:
        owner = next((ref for ref in references if ref.role == "owner"), None)
        items.append((999_999, entity.ordered_by, {"type": "integer", "comment": "Place in the fixed order."}))
        if owner is not None:
            unique.append({"columns": [owner.column_name(draft), entity.ordered_by], "reason": "one row per place in the order"})
    for attribute in entity.attributes.values():
        if attribute.name in columns:
            continue
        items.append((attribute.seq, attribute.name, _column(entity, attribute, enums, checks, unique, indexes)))
    for _, column, spec in sorted(items, key=lambda item: item[0]):
        columns[column] = spec
    columns = {key: value for key, value in columns.items() if value is not None}
    audit = [field for field in conventions.audit_fields if field not in columns]
    for field in audit:
        if entity.append_only and field.startswith("updated"):
            continue
        columns[field] = _audit_column(field)
    for unique_fact in draft.uniques:
        if unique_fact.entity == entity.key:
            resolved = [_unique_column(draft, entity, part) for part in unique_fact.columns]
            if all(part is not None and part in columns for part in resolved):
                unique.append({"columns": resolved, "reason": unique_fact.reason})
            else:
                draft.skip(unique_fact.source, f"cannot name every column of the unique key on {name}")
    if "updated_at" in columns and columns["updated_at"].get("type") in ("timestamptz", "timestamp"):
        triggers.insert(0, "updated_at")
    kind = _kind(draft, entity)
    table: dict[str, Any] = {}
    if kind != "core":
        table["kind"] = kind
    table["comment"] = entity.comment or f"{An(entity.key)}."
    table["rationale"] = _rationale(draft, entity, kind)
    table["columns"] = columns
    table["primary_key"] = ["id"]
    if unique:
        table["unique"] = _dedupe(unique)
    if checks:
        table["checks"] = checks
    if foreign_keys:
        table["foreign_keys"] = foreign_keys
    if indexes:
        table["indexes"] = indexes
    if triggers:
        table["triggers"] = triggers
    notes = list(entity.notes)
    if notes:
        table["notes"] = notes
    return table


def _junction_table(draft: Draft, entity: DraftEntity, pair, conventions: Conventions, enums: dict) -> dict[str, Any]:
    left, right = draft.entities[pair.left], draft.entities[pair.right]
    left_column = pair.left_column or f"{snake(left.key)}_id"
    right_column = pair.right_column or f"{snake(right.key)}_id"
    if left_column == right_column:
        right_column = f"other_{right_column}"
    columns: dict[str, Any] = {
        left_column: {"type": _parent_key_type(draft, left.key, conventions)},
        right_column: {"type": _parent_key_type(draft, right.key, conventions)},
    }
    checks, unique, indexes = [], [], []
    payload = [attribute for attribute in entity.attributes.values() if attribute.name not in columns]
    for attribute in payload:
        columns[attribute.name] = _column(entity, attribute, enums, checks, unique, indexes)
    for field in conventions.audit_fields:
        if field in columns or (not payload and field.startswith("updated")):
            continue
        columns[field] = _audit_column(field)
    quote = pair.source.quote()
    foreign_keys = [
        {"columns": [left_column], "references": {"table": draft.table_of(left.key), "columns": ["id"]}, "on_delete": "cascade",
         "reason": f"A {pair.role or 'link'} means nothing without its {left.key}: {quote}."},
        {"columns": [right_column], "references": {"table": draft.table_of(right.key), "columns": ["id"]}, "on_delete": "cascade",
         "reason": f"Deleting {an(right.key)} removes its links: {quote}."},
    ]
    for column, side in ((left_column, left), (right_column, right)):
        draft.decide(f"{pair.name}.{column}", f"references {draft.table_of(side.key)}, NOT NULL, ON DELETE CASCADE", pair.source, pair.reason)
    table: dict[str, Any] = {"kind": "junction"}
    table["comment"] = f"{An(right.key)} linked to {an(left.key)}" + (f" as {an(pair.role)}." if pair.role else ".")
    rationale = f"{draft.table_of(left.key).capitalize()} and {draft.table_of(right.key)} are many-to-many ({quote}); the pair is the primary key, so a link exists once."
    if payload:
        rationale += f" What belongs to the pair ({', '.join(attribute.name for attribute in payload)}) lives here."
    else:
        rationale += " Rows are added or removed, never changed, so there is no updated_at."
    table["rationale"] = rationale
    table["columns"] = columns
    table["primary_key"] = [left_column, right_column]
    if unique:
        table["unique"] = unique
    if checks:
        table["checks"] = checks
    table["foreign_keys"] = foreign_keys
    if indexes:
        table["indexes"] = indexes
    if "updated_at" in columns:
        table["triggers"] = ["updated_at"]
    return table


def _reference_order(ref: DraftReference) -> tuple[int, int]:
    rank = {"owner": 0, "parent": 1}.get(ref.role, 2)
    return rank, ref.seq


def _foreign_key(draft: Draft, ref: DraftReference, column: str) -> dict[str, Any]:
    reason = ref.reason or ""
    quote = ref.source.quote()
    text = f"{reason[0].upper() + reason[1:]}: {quote}." if reason else f"{quote}."
    if ref.source.text.rstrip(".") == reason:
        text = f"{quote}."
    draft.decide(
        f"{draft.table_of(ref.child)}.{column}",
        f"references {draft.table_of(ref.parent)}, {'nullable' if ref.nullable else 'NOT NULL'}, ON DELETE {ref.on_delete.upper()}",
        ref.source,
        reason,
    )
    return {
        "columns": [column],
        "references": {"table": draft.table_of(ref.parent), "columns": ["id"]},
        "on_delete": ref.on_delete,
        "reason": text,
    }


def _column(entity: DraftEntity, attribute, enums: dict, checks: list, unique: list, indexes: list) -> dict[str, Any]:
    spec: dict[str, Any] = {}
    if attribute.enum_values:
        enum_name = f"{snake(entity.key)}_{attribute.name}"
        enums[enum_name] = list(dict.fromkeys(attribute.enum_values))
        spec["type"] = f"enum:{enum_name}"
        if attribute.name in ("status", "state") and not attribute.nullable:
            spec["default"] = {"value": enums[enum_name][0]}
    else:
        spec["type"] = attribute.type
    if attribute.nullable:
        spec["nullable"] = True
    if attribute.default is not None and "default" not in spec:
        spec["default"] = {"value": attribute.default} if isinstance(attribute.default, str) else attribute.default
    comment = attribute.comment
    if attribute.nullable and not comment:
        comment = "Optional."
    if comment:
        spec["comment"] = comment
    if attribute.check:
        checks.append({"expression": attribute.check, "reason": attribute.check_reason})
    if attribute.unique:
        if attribute.unique_index:
            indexes.append({"expressions": [attribute.unique_index], "unique": True,
                            "reason": f"Unique whatever its case: {attribute.source.quote()}."})
        else:
            unique.append({"columns": [attribute.name], "reason": f"Unique: {attribute.source.quote()}."})
    return spec


def _audit_column(field: str) -> dict[str, Any]:
    if field.endswith("_at"):
        return {"type": "timestamptz", "default": {"sql": "now()"}}
    if field.endswith("_by"):
        return {"type": "text", "nullable": True}
    return {"type": "text", "nullable": True}


def _unique_column(draft: Draft, entity: DraftEntity, part: str) -> str | None:
    if part.startswith("->"):
        parent = part[2:]
        for ref in draft.references:
            if ref.child == entity.key and ref.parent == parent:
                return ref.column_name(draft)
        return None
    return part


def _kind(draft: Draft, entity: DraftEntity) -> str:
    if entity.kind == "junction":
        return "junction"
    owns_nothing = not any(ref.child == entity.key and ref.role == "owner" for ref in draft.references)
    small = set(entity.attributes) <= {"name", "code", "description", "label"}
    if entity.shared and owns_nothing and small:
        return "lookup"
    return "core"


def _rationale(draft: Draft, entity: DraftEntity, kind: str) -> str:
    parts = [f"Read from {entity.source.quote()}."]
    if kind == "lookup":
        parts.append(f"{An(entity.key)} is shared by many rows of other tables, so each is one row with a unique name.")
    if entity.append_only:
        parts.append("Append-only: rows are never updated, so there is no updated_at.")
    if entity.identity_key:
        parts.append("The fastest-growing table, written in key order, so its key is a bigint identity rather than a uuid.")
    return " ".join(parts)


def _dedupe(items: list[dict]) -> list[dict]:
    seen, result = set(), []
    for item in items:
        key = tuple(item["columns"])
        if key not in seen:
            seen.add(key)
            result.append({key_: value for key_, value in item.items() if value is not None})
    return result


def _add_index(table: dict[str, Any], index: dict[str, Any]) -> None:
    keys = [column.split()[0] for column in index.get("columns", [])]
    if keys and not index.get("where") and index.get("method", "btree") == "btree" and not any(" desc" in column for column in index["columns"]):
        # a primary or unique key that leads with the same columns already serves the query
        for existing in [table.get("primary_key", [])] + [unique["columns"] for unique in table.get("unique", [])]:
            if existing[: len(keys)] == keys:
                return
    indexes = table.setdefault("indexes", [])
    for existing in indexes:
        if existing.get("columns") == index.get("columns") and existing.get("expressions") == index.get("expressions") and existing.get("where") == index.get("where"):
            existing.setdefault("serves", [])
            for query in index.get("serves", []):
                if query not in existing["serves"]:
                    existing["serves"].append(query)
            return
    # an index that leads with the same columns in the same order already serves this one
    keys = index.get("columns") or []
    for existing in indexes:
        existing_keys = existing.get("columns") or []
        if keys and not index.get("where") and not existing.get("where") and existing.get("method", "btree") == index.get("method", "btree") and existing_keys[: len(keys)] == keys:
            existing.setdefault("serves", []).extend(query for query in index.get("serves", []) if query not in existing.get("serves", []))
            return
    indexes.append(index)


def _add_foreign_key_indexes(table_name: str, table: dict[str, Any]) -> None:
    """Every foreign key leads some index, so deletes of the parent and joins do not scan."""
    leading = [list(table.get("primary_key", []))]
    leading += [list(unique["columns"]) for unique in table.get("unique", [])]
    leading += [[column.split()[0] for column in index.get("columns", [])] for index in table.get("indexes", []) if not index.get("where")]
    for foreign_key in table.get("foreign_keys", []):
        columns = foreign_key["columns"]
        if any(keys[: len(columns)] == columns for keys in leading):
            continue
        index = {"columns": list(columns), "reason": f"Foreign-key index: the {foreign_key['references']['table']} row's {table_name}, and deletes of {foreign_key['references']['table']}."}
        table.setdefault("indexes", []).append(index)
        leading.append(list(columns))


def _ordered(data: dict[str, Any]) -> dict[str, Any]:
    order = ["name", "description", "conventions", "enums", "growth", "tables", "queries"]
    result = {key: data[key] for key in order if key in data and data[key] not in (None, {}, [])}
    result.setdefault("name", "design")
    return result


__all__ = ["RulesDesigner", "assemble", "read_clauses", "split_clauses"]
