"""Generated-views benchmark: every build target for a generated 1,000-table design.

Times each target's render (in-process, nothing written) for the same design the foundation
benchmark generates, and the whole `--target all` build, as a ratio to the PostgreSQL DDL alone
(the cheapest view, which every other view is measured against in the same run).

Run: .venv/bin/python benchmarks/views.py [--tables 1000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from foundation import generate  # noqa: E402

from schemasmith.build import BUILT, render_target  # noqa: E402
from schemasmith.model import load_design_text  # noqa: E402


def best(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tables", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    design = load_design_text(generate(args.tables))
    times = {target: best(lambda target=target: render_target(design, target), args.repeat) for target in BUILT}
    baseline = times["postgres"]
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print()
    print(f"| target ({args.tables:,} tables) | render | ratio to postgres DDL |")
    print("|---|---:|---:|")
    for target, seconds in times.items():
        print(f"| {target} | {seconds:.2f} s | {seconds / baseline:.1f}× |")
    total = sum(times.values())
    print(f"| **all** | {total:.2f} s | {total / baseline:.1f}× |")


if __name__ == "__main__":
    main()
