"""User stories → the workload: one SQL query per story, and the indexes those queries need (step 4).

A story names what is listed (the target table), what narrows it ("of a project", "in a city",
"assigned to me", "open"), how it is ordered ("by priority and then by creation time", "newest
first", "best score first") and what is counted ("the number of tasks per status"). The query
is PostgreSQL with `:name` parameters; the index for it puts equality columns first and the sort
after, and says which query it serves. A story whose target cannot be found is reported unread.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .designer import Unread
from .extract_draft import Draft
from .extract_words import STOPWORDS, is_plural, singular, snake, verb_lemma

_LABELS = ("name", "title", "subject", "code", "label", "username", "email")
_FINAL_STATES = ("done", "closed", "completed", "solved", "resolved", "cancelled", "canceled", "archived", "delivered", "finished")


@dataclass
class Workload:
    queries: list[dict[str, Any]] = field(default_factory=list)
    indexes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


@dataclass
class _Query:
    table: str
    alias: str
    joins: list[str] = field(default_factory=list)
    where: list[str] = field(default_factory=list)
    select: list[str] = field(default_factory=list)
    group: list[str] = field(default_factory=list)
    order: list[str] = field(default_factory=list)
    limit: int | None = None
    equal_columns: list[str] = field(default_factory=list)  # of the main table, for its index
    order_columns: list[str] = field(default_factory=list)
    special_index: dict[str, Any] | None = None
    child: tuple[str, str] | None = None  # a table joined to reach a filter, reused by aggregates
    used: list[str] = field(default_factory=list)  # what was understood, for the decision

    def sql(self) -> str:
        parts = [f"SELECT {', '.join(dict.fromkeys(self.select))}", f"FROM {self.table} {self.alias}"]
        parts += self.joins
        if self.where:
            parts.append("WHERE " + " AND ".join(dict.fromkeys(self.where)))
        if self.group:
            parts.append("GROUP BY " + ", ".join(dict.fromkeys(self.group)))
        if self.order:
            parts.append("ORDER BY " + ", ".join(dict.fromkeys(self.order)))
        if self.limit:
            parts.append(f"LIMIT {self.limit}")
        return " ".join(parts)


def read_workload(requirements, data: dict[str, Any], draft: Draft) -> Workload:
    """A query for each user story that names something the design holds."""
    workload = Workload()
    taken: set[str] = set()
    for story in requirements.stories:
        reader = _StoryReader(story, data, draft)
        query = reader.read()
        if query is None:
            draft.unread.append(Unread(story.line, story.text, reader.why or "the story names nothing the design holds"))
            continue
        query_id = _query_id(story.want, taken)
        workload.queries.append({"id": query_id, "story": story.text, "sql": query.sql()})
        draft.decide(f"query {query_id}", query.sql(), None, f"{'; '.join(query.used)} — \"{story.text}\" (line {story.line})")
        index = _index_for(query, query_id)
        if index is not None:
            workload.indexes.append((query.table, index))
        if query.special_index is not None:
            special = dict(query.special_index)
            special["serves"] = [query_id]
            workload.indexes.append((query.table, special))
    return workload


def _query_id(want: str, taken: set[str]) -> str:
    words = [word for word in re.findall(r"[a-z0-9]+", want.lower()) if word not in STOPWORDS and not word.isdigit()]
    base = "_".join(words[:4]) or "query"
    candidate, number = base, 2
    while candidate in taken:
        candidate = f"{base}_{number}"
        number += 1
    taken.add(candidate)
    return candidate


def _index_for(query: _Query, query_id: str) -> dict[str, Any] | None:
    columns = list(dict.fromkeys(query.equal_columns)) + [column for column in query.order_columns if column.split()[0] not in query.equal_columns]
    if not columns:
        return None
    return {
        "columns": columns,
        "serves": [query_id],
        "reason": "Equality columns first, then the sort in its direction, so the query reads in index order.",
    }


class _StoryReader:
    def __init__(self, story, data: dict[str, Any], draft: Draft):
        self.story = story
        self.want = " ".join(story.want.lower().replace("’", "'").split())
        self.tables: dict[str, Any] = data["tables"]
        self.draft = draft
        self.why: str | None = None
        self.enums = data.get("enums", {})

    # --- the design, as the reader needs it --------------------------------------------------

    def table_of_phrase(self, phrase: str) -> str | None:
        entity = self.draft.find(phrase)
        if entity is not None:
            name = self.draft.table_of(entity.key)
            return name if name in self.tables else None
        name = snake(phrase)
        for candidate in (name, snake(singular(phrase)) + "s"):
            if candidate in self.tables:
                return candidate
        return None

    def columns(self, table: str) -> dict[str, Any]:
        return self.tables[table]["columns"]

    def foreign_keys(self, table: str) -> list[dict[str, Any]]:
        return self.tables[table].get("foreign_keys", [])

    def column_for(self, table: str, words: str) -> str | None:
        """The column a phrase names: "priority", "creation time" → created_at, "due date" → due_date."""
        words = words.strip()
        if re.fullmatch(r"(?:creation|created)(?: time| date)?|(?:the )?time (?:it was|they were) (?:created|written|added)|newest|oldest", words):
            return "created_at" if "created_at" in self.columns(table) else None
        if re.fullmatch(r"(?:last )?(?:update|change)(?: time)?", words):
            return "updated_at" if "updated_at" in self.columns(table) else None
        name = snake(words)
        columns = self.columns(table)
        if name in columns:
            return name
        if snake(singular(words)) in columns:
            return snake(singular(words))
        for column in columns:
            if column.startswith(name + "_") or column.endswith("_" + name):
                return column
        return None

    def path_to(self, table: str, target: str) -> list[tuple[str, str, str]] | None:
        """Foreign-key hops from `table` to `target`: [(from table, column, to table)], at most two."""
        for foreign_key in self.foreign_keys(table):
            if foreign_key["references"]["table"] == target:
                return [(table, foreign_key["columns"][0], target)]
        for foreign_key in self.foreign_keys(table):
            middle = foreign_key["references"]["table"]
            if middle == table:
                continue
            for second in self.foreign_keys(middle):
                if second["references"]["table"] == target:
                    return [(table, foreign_key["columns"][0], middle), (middle, second["columns"][0], target)]
        return None

    def persons(self) -> list[str]:
        names = [self.draft.table_of(entity.key) for entity in self.draft.persons()]
        return [name for name in names if name in self.tables]

    # --- reading ------------------------------------------------------------------------------

    def read(self) -> _Query | None:
        want = self.want
        target, position = self._target(want)
        if target is None:
            self.why = "no table of the design is named as what the story lists"
            return None
        query = _Query(table=target, alias=_alias(target))
        alias = query.alias
        query.used.append(f"lists {target}")
        self._narrow(query, want, position)
        self._order(query, want)
        self._aggregate(query, want)
        if not query.select:
            query.select = [f"{alias}.id"] + [f"{alias}.{column}" for column in _LABELS if column in self.columns(target)][:1]
            for key in query.order_columns:
                column = key.split()[0]
                if column not in ("created_at",) and f"{alias}.{column}" not in query.select:
                    query.select.append(f"{alias}.{column}")
        self._with(query, want)
        return query

    def _target(self, want: str) -> tuple[str | None, int]:
        words = re.findall(r"[a-z][a-z'\-]*", want)
        # "my favourite spots": a junction named by the adjective leads to its other side
        for size in (2, 1):
            for start in range(len(words) - size + 1):
                phrase = " ".join(words[start:start + size])
                if phrase in STOPWORDS or words[start] in STOPWORDS:
                    continue
                table = self.table_of_phrase(phrase)
                if table is None:
                    continue
                if self.tables[table].get("kind") == "junction" and start + size < len(words):
                    continue
                last = words[start + size - 1]
                counted = re.search(rf"\b(?:count|number of|total)\s+(?:\w+\s+)?{re.escape(phrase)}", want)
                listed = start > 0 and words[start - 1] in ("every", "each", "all", "any")
                # "task titles": a singular entity noun naming what the next (plural) word belongs to
                modifier = start + size < len(words) and is_plural(words[start + size]) and self.table_of_phrase(words[start + size]) is None
                if is_plural(last) or counted or start == 0 or listed or modifier:
                    return table, start
        return None, 0

    def _narrow(self, query: _Query, want: str, position: int) -> None:
        alias, table = query.alias, query.table
        # "my favourite spots": through the junction named by the adjective, for the current person
        for match in re.finditer(r"\bmy\s+(?P<word>[a-z]+)\s+(?P<noun>[a-z]+)", want):
            junction = self.table_of_phrase(match["word"])
            if junction and self.tables[junction].get("kind") == "junction":
                link = self.path_to(junction, table)
                person = next((fk for fk in self.foreign_keys(junction) if fk["references"]["table"] in self.persons()), None)
                if link and person:
                    query.joins.append(f"JOIN {junction} j ON j.{link[0][1]} = {alias}.id")
                    column = person["columns"][0]
                    query.where.append(f"j.{column} = :{column}")
                    query.select = [f"{alias}.id"] + [f"{alias}.{c}" for c in _LABELS if c in self.columns(table)][:1] + ["j.created_at AS since"]
                    query.order.append("j.created_at DESC")
                    query.used.append(f"through {junction} for the current {person['references']['table']}")
        # "of a project", "in a city", "on one benchmark", "about a model", "within a project"
        for match in re.finditer(r"\b(?:of|in|on|within|for|about|from|at)\s+(?:a|an|one|the|this|that|my|a given|each of my)\s+(?P<noun>[a-z][a-z\-]*(?:\s+[a-z][a-z\-]*)?)", want):
            self._filter_by(query, match["noun"], mine=match.group(0).split()[1] == "my")
        # "assigned to me", "written by me"
        for match in re.finditer(r"\b(?P<verb>[a-z]+ed)\s+(?:to|by)\s+me\b", want):
            self._filter_me(query, match["verb"])
        # "my tickets": the current person's rows
        if re.search(rf"\bmy\s+(?:\w+\s+)?{re.escape(table.split('_')[-1])}\b", want) and not any(":" in where for where in query.where):
            self._filter_me(query, None)
        # enum values as adjectives ("open tickets") and conditions in parentheses
        self._states(query, want)
        json_match = re.search(r"whose\s+(?P<column>\w+)\s+(?:says|say|shows|show|lists?)\s+(?:they are|it is|they're)\s+(?P<value>[a-z\-]+)", want)
        if json_match and json_match["column"] in self.columns(table) and self.columns(table)[json_match["column"]]["type"] == "json":
            column = json_match["column"]
            query.where.append(f"{alias}.{column} @> '{{\"{json_match['value']}\": true}}'")
            query.special_index = {"columns": [column], "method": "gin", "reason": "Containment on the json column is answered from a GIN index."}
            query.used.append(f"{column} says {json_match['value']} (json containment)")
        by_match = re.search(r"\bby\s+(?:its|their|the)\s+(?P<words>[a-z ]+?)$", want)
        if by_match:
            column = self.column_for(table, by_match["words"])
            if column:
                query.where.append(f"{alias}.{column} = :{column}")
                query.equal_columns.append(column)
                query.used.append(f"by {column}")
        search = re.search(r"\bsearch\s+(?:\w+\s+)?(?P<column>[a-z]+)\b", want)
        if search:
            column = self.column_for(table, search["column"])
            if column:
                query.where.append(f"to_tsvector('simple', {alias}.{column}) @@ plainto_tsquery('simple', :words)")
                query.special_index = {"expressions": [f"to_tsvector('simple', {column})"], "method": "gin",
                                       "reason": "Full-text search on the column is answered from a GIN index."}
                query.used.append(f"full-text search on {column}")

    def _filter_by(self, query: _Query, noun: str, mine: bool) -> None:
        alias, table = query.alias, query.table
        for phrase in (noun, noun.split()[0]):
            column = self.column_for(table, phrase)
            if column and not column.endswith("_id") and column != "id":
                query.where.append(f"{alias}.{column} = :{column}")
                query.equal_columns.append(column)
                query.used.append(f"where {column} is given")
                return
            other = self.table_of_phrase(phrase)
            if other is None or other == table:
                continue
            path = self.path_to(table, other)
            if path is None:
                self._filter_through_child(query, other)
                return
            if len(path) == 1:
                column = path[0][1]
                query.where.append(f"{alias}.{column} = :{column}")
                query.equal_columns.append(column)
            else:
                (_, first, middle), (_, second, _) = path
                middle_alias = _alias(middle, taken={alias})
                query.joins.append(f"JOIN {middle} {middle_alias} ON {middle_alias}.id = {alias}.{first}")
                query.where.append(f"{middle_alias}.{second} = :{second}")
                query.equal_columns.append(first)
            query.used.append(f"of one {singular(other.replace('_', ' '))}")
            return

    def _filter_through_child(self, query: _Query, other: str) -> None:
        """ "models on one benchmark": the rows of a table that links the target to the other one."""
        alias, table = query.alias, query.table
        for child, spec in self.tables.items():
            links = {fk["references"]["table"]: fk["columns"][0] for fk in spec.get("foreign_keys", [])}
            if child in (table, other) or table not in links or other not in links:
                continue
            child_alias = _alias(child, taken={alias})
            query.joins.append(f"JOIN {child} {child_alias} ON {child_alias}.{links[table]} = {alias}.id")
            query.where.append(f"{child_alias}.{links[other]} = :{links[other]}")
            query.child = (child, child_alias)
            query.used.append(f"through {child} of one {singular(other.replace('_', ' '))}")
            return

    def _filter_me(self, query: _Query, verb: str | None) -> None:
        alias, table = query.alias, query.table
        persons = set(self.persons())
        role_table = self.table_of_phrase(self.story.role)
        if role_table:
            persons.add(role_table)
        candidates = [fk for fk in self.foreign_keys(table) if fk["references"]["table"] in persons and fk["references"]["table"] != table]
        if verb:
            stem = verb_lemma(verb) or verb
            named = [fk for fk in candidates if fk["columns"][0].startswith(stem[:5])]
            candidates = named or candidates
        if role_table:
            candidates = [fk for fk in candidates if fk["references"]["table"] == role_table] or candidates
        if len(candidates) >= 1:
            column = candidates[0]["columns"][0]
            parameter = f"{singular(candidates[0]['references']['table'].replace('_', ' ')).replace(' ', '_')}_id"
            query.where.append(f"{alias}.{column} = :{parameter}")
            query.equal_columns.append(column)
            query.used.append(f"{column} is the current {candidates[0]['references']['table'][:-1]}")

    def _states(self, query: _Query, want: str) -> None:
        alias, table = query.alias, query.table
        enum_columns = {
            name: self.enums.get(spec["type"][5:], []) for name, spec in self.columns(table).items() if spec["type"].startswith("enum:")
        }
        words = set(re.findall(r"[a-z][a-z\-]*", re.sub(r"\([^)]*\)", " ", want)))
        for column, values in enum_columns.items():
            for value in values:
                adjective = value in words and value not in STOPWORDS and not re.search(rf"\bper\s+{re.escape(column)}\b", want)
                before_noun = re.search(rf"\b{re.escape(value)}\s+\w+s\b", want)
                if adjective and before_noun:  # "open tickets"
                    query.where.append(f"{alias}.{column} = '{value}'")
                    query.used.append(f"{column} = {value}")
        for condition_text in re.findall(r"\(([^)]*)\)", want):
            for part in re.split(r"\s+and\s+|,\s*", condition_text):
                part = part.strip()
                past = re.match(r"^(?P<words>[a-z ]+?)\s+in\s+the\s+(?P<when>past|future)$", part)
                negated = re.match(r"^not\s+(?P<value>[a-z\-]+)$", part)
                if past:
                    column = self.column_for(table, past["words"])
                    if column:
                        now = "current_date" if self.columns(table)[column]["type"] == "date" else "now()"
                        query.where.append(f"{alias}.{column} {'<' if past['when'] == 'past' else '>'} {now}")
                        query.used.append(f"{column} in the {past['when']}")
                elif negated:
                    for column, values in enum_columns.items():
                        if negated["value"] in values:
                            query.where.append(f"{alias}.{column} <> '{negated['value']}'")
                            query.used.append(f"{column} not {negated['value']}")

    def _order(self, query: _Query, want: str) -> None:
        table = query.table
        ordered = re.search(r"\b(?:ordered|sorted|ranked)\s+by\s+(?P<keys>.+?)(?:$|,|\s+with\b|\s+for\b)", want)
        if ordered:
            for key in re.split(r"\s+and\s+then\s+by\s+|\s+then\s+by\s+|\s+and\s+by\s+|,\s*then\s+|\s+and\s+", ordered["keys"]):
                key = re.sub(r"^(?:the\s+)", "", key.strip())
                column = self.column_for(table, key)
                if column:
                    descending = column in ("priority", "rating", "score") or column.endswith("_at") and "newest" in key
                    self._sort(query, column, descending)
        for match in re.finditer(r"\b(?P<adjective>best|highest|lowest|worst|newest|latest|oldest|most recent)\s+(?P<words>[a-z ]*?)\s*first\b", want):
            words = match["words"].strip()
            descending = match["adjective"] in ("best", "highest", "newest", "latest", "most recent")
            column = self.column_for(table, words) if words else None
            if column is None and match["adjective"] in ("newest", "latest", "oldest", "most recent"):
                column = "created_at"
            if column is None and words:
                # "best score first" on a table that reaches the score through another
                self._aggregate_child(query, words, descending)
                continue
            if column:
                self._sort(query, column, descending)
                if match["adjective"] in ("best", "newest", "latest"):
                    query.limit = query.limit or 50
        if re.search(r"\b(?:the\s+)?(?:latest|newest|most recent)\s+\w+", want) and not query.order:
            dated = [name for name, spec in self.columns(table).items() if spec["type"] in ("date", "timestamptz") and name not in ("created_at", "updated_at")]
            column = dated[0] if len(dated) == 1 else "created_at"
            self._sort(query, column, True)
            query.limit = 20
        best = re.search(r"\b(?:best|top|highest)[- ]rated\b", want)
        if best:
            self._aggregate_child(query, "rating", True)
            query.limit = 20
        if re.search(r"\bin\s+(?:the\s+)?order\b(?!\s+they)", want) and not query.order:
            for column in ("position", "period", "rank"):
                if column in self.columns(table):
                    self._sort(query, column, False)
                    break
        if re.search(r"\bin\s+the\s+order\s+(?:they|it)\s+(?:were|was)\s+\w+", want) and not query.order:
            self._sort(query, "created_at", False)

    def _sort(self, query: _Query, column: str, descending: bool) -> None:
        query.order.append(f"{query.alias}.{column}{' DESC' if descending else ''}")
        query.order_columns.append(f"{column}{' desc' if descending else ''}")
        query.used.append(f"ordered by {column}{' descending' if descending else ''}")

    def _aggregate_child(self, query: _Query, words: str, descending: bool) -> None:
        """ "best rated spots": the average of a child table's column, per row of the target."""
        alias, table = query.alias, query.table
        children = list(self.tables.items())
        if query.child is not None:
            children.sort(key=lambda item: item[0] != query.child[0])
        for child, spec in children:
            if child == table:
                continue
            column = self.column_for(child, words)
            if not column:
                continue
            link = next((fk for fk in spec.get("foreign_keys", []) if fk["references"]["table"] == table), None)
            if link is None:
                continue
            labels = [f"{alias}.{c}" for c in _LABELS if c in self.columns(table)][:1]
            function = "avg" if column in ("rating", "stars") else "max"
            if query.child is not None and query.child[0] == child:
                child_alias = query.child[1]
            else:
                child_alias = _alias(child, taken={alias})
                query.joins.append(f"JOIN {child} {child_alias} ON {child_alias}.{link['columns'][0]} = {alias}.id")
            query.select = [f"{alias}.id"] + labels + [f"{function}({child_alias}.{column}) AS {function}_{column}"]
            query.group = [f"{alias}.id"] + labels
            query.order.append(f"{function}_{column}{' DESC' if descending else ''}")
            query.used.append(f"{function} of {child}.{column} per {singular(table.replace('_', ' '))}")
            query.limit = query.limit or 50
            return

    def _aggregate(self, query: _Query, want: str) -> None:
        alias, table = query.alias, query.table
        per = re.search(r"\b(?:count|number of|total|average|sum of)\b.*?\bper\s+(?P<key>[a-z][a-z ]*?)(?:\s+(?:in|of|for|within|this)\b|$)", want)
        if not per:
            return
        key = per["key"].strip()
        column = self.column_for(table, key)
        group_column = None
        if column and not column.endswith("_id"):
            group_column = column
        else:
            other = self.table_of_phrase(key)
            path = self.path_to(table, other) if other else None
            if path and len(path) == 1:
                group_column = path[0][1]
        if group_column is None:
            return
        measure = "count(*) AS count"
        total = re.search(r"\btotal\s+(?:\w+\s+)?(?P<column>[a-z]+)\s+per\b", want)
        if total and self.column_for(table, total["column"]):
            measured = self.column_for(table, total["column"])
            measure = f"sum({alias}.{measured}) AS total_{measured}"
        query.select = [f"{alias}.{group_column}", measure]
        query.group = [f"{alias}.{group_column}"]
        query.order = [f"{alias}.{group_column}"]
        query.order_columns = []
        query.equal_columns.append(group_column) if not query.equal_columns else query.order_columns.append(group_column)
        query.used.append(f"counted per {group_column}")

    def _with(self, query: _Query, want: str) -> None:
        """ "with the reviewer's name", "with their driver and vehicle": join what is named."""
        match = re.search(r"\bwith\s+(?:the|their|its)\s+(?P<what>.+)$", want)
        if not match or query.group:
            return
        alias, table = query.alias, query.table
        for part in re.split(r"\s+and\s+|,\s*", match["what"]):
            part = part.strip()
            owner = re.match(r"^(?P<who>[a-z]+)'s\s+(?P<column>[a-z]+)$", part)
            if owner:
                foreign_key = self._reference_named(table, owner["who"])
                if foreign_key:
                    other = foreign_key["references"]["table"]
                    if owner["column"] in self.columns(other):
                        other_alias = _alias(other, taken={alias} | {join.split()[2] for join in query.joins})
                        query.joins.append(f"JOIN {other} {other_alias} ON {other_alias}.id = {alias}.{foreign_key['columns'][0]}")
                        query.select.append(f"{other_alias}.{owner['column']} AS {owner['who']}_{owner['column']}")
                        query.used.append(f"with the {owner['who']}'s {owner['column']}")
                continue
            foreign_key = self._reference_named(table, part)
            if foreign_key:
                other = foreign_key["references"]["table"]
                other_alias = _alias(other, taken={alias} | {join.split()[2] for join in query.joins})
                labels = [c for c in _LABELS if c in self.columns(other)][:1]
                query.joins.append(f"JOIN {other} {other_alias} ON {other_alias}.id = {alias}.{foreign_key['columns'][0]}")
                for label in labels:
                    query.select.append(f"{other_alias}.{label} AS {singular(other.replace('_', ' ')).replace(' ', '_')}_{label}")
                query.used.append(f"with its {other}")
            elif part in self.columns(table):
                query.select.append(f"{alias}.{part}")

    def _reference_named(self, table: str, word: str) -> dict[str, Any] | None:
        """The foreign key a word names: its column ("assignee"), its table ("driver") or a person ("reviewer")."""
        for foreign_key in self.foreign_keys(table):
            column = foreign_key["columns"][0]
            other = foreign_key["references"]["table"]
            if column == f"{word}_id" or other == snake(word) + "s" or self.table_of_phrase(word) == other:
                return foreign_key
        if word.endswith(("er", "or", "ee")):
            people = [fk for fk in self.foreign_keys(table) if fk["references"]["table"] in self.persons()]
            if len(people) == 1:
                return people[0]
        return None


def _alias(table: str, taken: set[str] | None = None) -> str:
    taken = taken or set()
    base = "".join(part[0] for part in table.split("_"))
    candidate, number = base, 2
    while candidate in taken:
        candidate = f"{base}{number}"
        number += 1
    return candidate


__all__ = ["Workload", "read_workload"]
