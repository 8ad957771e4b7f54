"""The order in which tables can be created: referenced tables first, design order otherwise."""

from __future__ import annotations

import heapq
from collections import defaultdict

from .document import Design


def creation_order(design: Design) -> list[str]:
    """Tables so that each comes after the tables it references; design order breaks ties.

    At each step the first table in design order whose referenced tables all exist is taken;
    when only cycles remain, the first remaining table is taken and the caller closes its
    forward references later (ALTER TABLE). Linear apart from the heap, so 5,000 tables
    order in milliseconds.
    """
    order = list(design.tables)
    position = {name: index for index, name in enumerate(order)}
    dependents: dict[str, list[str]] = defaultdict(list)
    missing: dict[str, int] = {}
    for name, table in design.tables.items():
        needs = {fk.references.table for fk in table.foreign_keys if fk.references.table != name and fk.references.table in position}
        needs |= {parent for parent in [table.partition_of, *table.inherits] if parent in position and parent != name}
        missing[name] = len(needs)
        for need in needs:
            dependents[need].append(name)
    ready = [position[name] for name in order if missing[name] == 0]
    heapq.heapify(ready)
    done: set[str] = set()
    result: list[str] = []
    next_unfinished = 0
    while len(result) < len(order):
        if ready:
            name = order[heapq.heappop(ready)]
            if name in done:
                continue
        else:
            while order[next_unfinished] in done:
                next_unfinished += 1
            name = order[next_unfinished]
        done.add(name)
        result.append(name)
        for dependent in dependents[name]:
            missing[dependent] -= 1
            if missing[dependent] == 0 and dependent not in done:
                heapq.heappush(ready, position[dependent])
    return result
