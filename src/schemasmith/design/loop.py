"""The critique → revise loop: a designer proposes, the review rules judge, until no errors remain.

Workflow steps 6 and 7: the proposal is reviewed with the named rules; errors and warnings go
back to the designer with the design; this repeats until no errors remain, nothing changes, or
the rounds run out. Every round records what was fixed and what is left, so the report can say
why the locked design is the way it is.
"""

from __future__ import annotations

import time
from pathlib import Path

from ..errors import SchemasmithError
from ..model.document import Conventions
from .designer import Designer, Proposal
from .report import design_report
from .run import DesignRun, Round

BLOCKING = ("error", "warning")


def _label(finding) -> str:
    return f"{finding.code} {finding.location}"


def critique_loop(
    proposal: Proposal,
    designer: Designer,
    requirements,
    *,
    rounds: int = 3,
    profile: str | None = None,
    on_round=None,
) -> tuple[Proposal, list[Round], list]:
    """Review and revise `proposal` until no errors remain, it stops changing, or `rounds` pass.

    Returns the final proposal, the rounds and the findings of the final design.
    """
    from ..review.engine import review_design

    if rounds < 0:
        raise SchemasmithError("--rounds must be 0 or more")
    history: list[Round] = []
    findings = review_design(proposal.design, profile=profile).findings
    for number in range(1, rounds + 1):
        blocking = [finding for finding in findings if finding.severity in BLOCKING]
        if not blocking:
            break
        started = time.perf_counter()
        revised = designer.revise(proposal, blocking, requirements)
        after = review_design(revised.design, profile=profile).findings
        left = {_label(finding) for finding in after}
        round_ = Round(
            number=number,
            errors=sum(f.severity == "error" for f in findings),
            warnings=sum(f.severity == "warning" for f in findings),
            infos=sum(f.severity == "info" for f in findings),
            fixed=[_label(finding) for finding in blocking if _label(finding) not in left],
            seconds=time.perf_counter() - started,
        )
        history.append(round_)
        if on_round is not None:
            on_round(round_)
        unchanged = revised.design == proposal.design
        proposal, findings = revised, after
        if unchanged:
            break  # the designer has nothing more to offer; what is left stays, with reasons
    return proposal, history, findings


def run_design(
    requirements_path: Path,
    designer: Designer,
    *,
    rounds: int = 3,
    conventions: Conventions | None = None,
    profile: str | None = None,
    on_round=None,
) -> DesignRun:
    """Requirements file → proposal → critique loop → a run ready to be locked (written)."""
    from .requirements import parse_requirements

    try:
        text = requirements_path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SchemasmithError(f"{requirements_path}: no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise SchemasmithError(f"{requirements_path}: cannot be read ({error})") from None
    requirements = parse_requirements(text, str(requirements_path))
    if not requirements.statements and not requirements.stories:
        raise SchemasmithError(
            f"{requirements_path}: no requirements found — write what the product must hold as bullets or"
            " sentences (\"Organizations have projects.\") and user stories (\"As a …, I want …\")"
        )
    proposal = designer.propose(requirements, conventions or Conventions())
    if not proposal.design.tables:
        from ..errors import Problem

        raise SchemasmithError(
            f"{requirements_path}: no entity could be read from the requirements; nothing was written",
            [Problem(f"not read ({item.why}): {item.text}", file=str(requirements_path), line=item.line) for item in proposal.unread[:10]],
        )
    proposal, history, remaining = critique_loop(
        proposal, designer, requirements, rounds=rounds, profile=profile, on_round=on_round
    )
    return DesignRun(proposal, history, remaining, str(requirements_path), getattr(designer, "name", "designer"))


def lock(run: DesignRun, output: Path) -> list[Path]:
    """Write the design document and its report beside it, all or nothing."""
    from ..fileio import write_files_atomic
    from ..model.yamlio import dump_design

    if output.suffix.lower() not in (".yaml", ".yml"):
        raise SchemasmithError(f"{output}: the output must be a .yaml design document")
    report_name = output.with_suffix("").name + ".report.md"
    files = {output.name: dump_design(run.design), report_name: design_report(run, output.name)}
    return write_files_atomic(output.parent if str(output.parent) else Path("."), files)
