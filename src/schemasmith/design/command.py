"""The `design` and `revise` commands' flows, from the command line's options to the locked files.

`design`: requirements → the designer's proposal → the critique loop → the locked design, its report
and transcript. `revise`: an existing design + a change request → the designer's addition, merged →
the critique loop → the locked design and what changed. The CLI declares the options, calls one of
these and prints what it returns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import SchemasmithError
from ..model.changes import describe_changes
from ..model.document import Design
from ..model.yamlio import design_from_data
from ..sources import load_source
from .amend import assumed_columns, merge_designs, request_as_requirements
from .designer import Proposal
from .designers import make_designer
from .loop import critique_loop, lock, run_design
from .requirements import parse_requirements
from .run import DesignRun, Round


@dataclass
class Designed:
    """What `design` produced: the run, the files written, and the transcript when one was kept."""

    run: DesignRun
    written: list[Path]
    transcript: Path | None


@dataclass
class Revised:
    """What `revise` produced: the design it started from, the run, the files, the changes."""

    base: Design
    run: DesignRun
    written: list[Path]
    changes: list[str]  # one readable line per change: "added table labels (5 columns; …)"


def transcript_path(output: Path) -> Path:
    """`schema.yaml` → `schema.transcript.jsonl`, beside the design document."""
    return output.with_suffix("").with_name(output.with_suffix("").name + ".transcript.jsonl")


def _check_output(output: Path) -> None:
    if output.suffix.lower() not in (".yaml", ".yml"):
        raise SchemasmithError(f"{output}: the output must be a .yaml design document")


def design_command(
    requirements: Path,
    output: Path,
    *,
    provider: str = "rules",
    model: str | None = None,
    base_url: str | None = None,
    rounds: int = 3,
    replay: Path | None = None,
    profile: str | None = None,
    on_round: Callable[[Round], None] | None = None,
    on_unread: Callable[[str], None] | None = None,
) -> Designed:
    """Design from requirements and lock the result; `on_unread` hears each sentence not turned into design."""
    _check_output(output)
    transcript = transcript_path(output)
    designer = make_designer(provider, model, base_url, None if provider == "rules" else transcript, replay)
    run = run_design(requirements, designer, rounds=rounds, profile=profile, on_round=on_round)
    for item in run.proposal.unread:
        if on_unread:
            on_unread(f"{requirements}:{item.line}: not turned into design ({item.why}): {item.text}")
    written = lock(run, output)
    kept = transcript if provider != "rules" and transcript.exists() else None
    return Designed(run, written, kept)


def revise_command(
    schema: str,
    request: str,
    output: Path,
    *,
    provider: str = "rules",
    model: str | None = None,
    base_url: str | None = None,
    rounds: int = 3,
    on_unread: Callable[[str], None] | None = None,
) -> Revised:
    """Merge the designer's reading of `request` into `schema`, critique it, lock it; the changes made."""
    _check_output(output)
    base = load_source(schema).design
    if not request.strip():
        raise SchemasmithError("the change request is empty")
    requirements = parse_requirements(request_as_requirements(request), "change request")
    designer = make_designer(provider, model, base_url, None if provider == "rules" else transcript_path(output), None)
    addition = designer.propose(requirements, base.conventions)
    merged_design = merge_designs(base, addition.design, assumed_columns(addition))
    merged = Proposal(merged_design, addition.decisions, addition.questions, addition.unread)
    merged.design = design_from_data(merged.design.to_data())  # the merge must keep every invariant
    proposal, history, remaining = critique_loop(merged, designer, requirements, rounds=rounds)
    for item in proposal.unread:
        if on_unread:
            on_unread(f"change request: not turned into design ({item.why}): {item.text}")
    run = DesignRun(proposal, history, remaining, "change request", getattr(designer, "name", provider))
    written = lock(run, output)
    return Revised(base, run, written, describe_changes(base, proposal.design))
