"""What every designer offers the critique loop, whether it is the offline extractor or a model.

The loop (`loop.py`) asks a designer for a first proposal from the requirements, reviews it with
the named rules, and hands the findings back for a revision until no errors remain or the
rounds run out. A designer never writes files; the loop locks the result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from ..model.document import Conventions, Design

if TYPE_CHECKING:  # pragma: no cover
    from ..review.finding import Finding
    from .requirements import Requirements


@dataclass
class Decision:
    """A choice the designer made, with its reason (the report quotes these)."""

    subject: str  # "tasks.parent_id", "memberships", "enum task_status"
    choice: str  # "self-reference with max_depth 1"
    reason: str  # "Tasks can have subtasks … nested one level deep and no deeper (line 12)"
    assumed: bool = False  # a placeholder the text did not state (e.g. a `name` for a bare entity)


@dataclass
class Unread:
    """A sentence of the requirements the designer could not turn into design, and why."""

    line: int
    text: str
    why: str


@dataclass
class Proposal:
    """A designer's answer: the design, the decisions behind it, open questions, what it skipped."""

    design: Design
    decisions: list[Decision] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)  # e.g. "tasks.assignee_id: will this become M:N?"
    unread: list[Unread] = field(default_factory=list)


class Designer(Protocol):
    """A designer: `rules` (offline), or a language model behind a provider."""

    name: str

    def propose(self, requirements: Requirements, conventions: Conventions) -> Proposal:
        """The first design from the requirements (workflow steps 1–5)."""
        ...

    def revise(self, proposal: Proposal, findings: list[Finding], requirements: Requirements) -> Proposal:
        """A new proposal that answers review findings (errors and warnings) — step 6."""
        ...
