"""`schemasmith demo`: the whole workflow on the bundled TaskHub requirements, offline.

design (rules designer + critique loop) → review → build every target → apply to embedded
PostgreSQL and SQLite → seed a SQLite prototype with mock data → docs. Each step prints its timing; the end lists every artifact.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from .errors import SchemasmithError


@dataclass
class DemoStep:
    name: str
    seconds: float
    summary: str
    artifacts: list[Path] = field(default_factory=list)


def bundled_requirements() -> str:
    return resources.files("schemasmith").joinpath("bundled/project-management.md").read_text(encoding="utf-8")


def run_demo(output: Path, report: Callable[[DemoStep], None]) -> list[DemoStep]:
    """Run every step into `output`, calling `report` after each; raise on the first failure."""
    from .build import BUILT, build_targets
    from .data.load import open_target
    from .data.progress import TableProgress
    from .data.seed import seed_database
    from .design.designers import make_designer
    from .design.loop import lock, run_design
    from .fileio import write_text_atomic
    from .review.engine import review_design
    from .review.formats import render_markdown
    from .validation import check_formal

    steps: list[DemoStep] = []

    def step(name: str, started: float, summary: str, artifacts: list[Path]) -> None:
        done = DemoStep(name, time.perf_counter() - started, summary, artifacts)
        steps.append(done)
        report(done)

    output.mkdir(parents=True, exist_ok=True)
    requirements = output / "requirements.md"
    write_text_atomic(requirements, bundled_requirements())

    started = time.perf_counter()
    designer = make_designer("rules", None, None, None, None)
    run = run_design(requirements, designer, rounds=3)
    files = lock(run, output / "design.yaml")
    design = run.design
    step(
        "design",
        started,
        f"{len(design.tables)} tables, {len(design.enums)} enums, {len(design.queries)} queries from the requirements;"
        f" {len(run.rounds)} critique round(s)",
        files,
    )

    started = time.perf_counter()
    review = review_design(design, file=str(output / "design.yaml"))
    review_file = output / "review.md"
    write_text_atomic(review_file, render_markdown(review, command=f"schemasmith review {output / 'design.yaml'}"))
    counts = review.counts()
    step("review", started, f"{counts['error']} errors, {counts['warning']} warnings, {counts['info']} info", [review_file])

    started = time.perf_counter()
    built = build_targets(design, list(BUILT), output / "build")
    step("build", started, f"{len(BUILT)} targets: {', '.join(BUILT)}", built.files)

    started = time.perf_counter()
    checks = check_formal(design)
    failed = [check for check in checks if not check.applied]
    if failed:
        raise SchemasmithError("the generated DDL did not apply: " + "; ".join(f"{c.dialect}: {c.error}" for c in failed))
    step("apply", started, "; ".join(f"{c.database}: applied in {c.seconds:.2f} s" for c in checks), [])

    started = time.perf_counter()
    database = output / "taskhub.db"
    database.unlink(missing_ok=True)
    target = open_target(f"sqlite:///{database}")
    try:
        seeded = seed_database(design, target, rows=1000, scale=None, seed=42, null_rate=0.1, quiet=True,
                               scale_name="demo", progress=TableProgress(True))
    finally:
        target.close()
    step("seed", started, f"{seeded.rows:,} constraint-correct rows (1,000 per table) into SQLite", [database])

    docs = output / "build" / "markdown" / "README.md"
    step("docs", time.perf_counter(), "the design documented for humans (tables, reasons, diagram, DDL, plan)", [docs])
    return steps
