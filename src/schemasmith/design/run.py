"""What one design run produced: the locked proposal, each critique round, the findings left.

The loop (loop.py) fills it in and the report (report.py) writes it out; neither needs the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model.document import Design
from .designer import Proposal


@dataclass
class Round:
    """One review of a proposal, and what the revision after it changed."""

    number: int
    errors: int
    warnings: int
    infos: int
    fixed: list[str] = field(default_factory=list)  # "SS102 comments.author_id"
    seconds: float = 0.0


@dataclass
class DesignRun:
    """Everything the loop produced: the locked proposal, its rounds, the findings left."""

    proposal: Proposal
    rounds: list[Round]
    remaining: list  # review findings of the locked design
    requirements_file: str | None = None
    designer: str = "rules"

    @property
    def design(self) -> Design:
        return self.proposal.design
