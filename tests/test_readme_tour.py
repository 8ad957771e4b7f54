"""The README's tour, run command by command exactly as written, in a scratch folder.

The two server URLs the tour uses point at scratch databases on the embedded PostgreSQL, so the
tour runs on a machine with no server at all. A line that fails, or names a file the checkout
does not have, fails the test with that line.
"""

from __future__ import annotations

import re

from conftest import REPO
from schemasmith.db.embedded import scratch_database
from shell_tour import run_lines, scratch_checkout


def tour_lines() -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## A short tour", 1)[1]
    block = re.search(r"```bash\n(.*?)```", section, re.S)
    assert block, "the README's tour has no ```bash block"
    return block.group(1).splitlines()


def test_the_readme_tour_runs_as_written(pg_server, tmp_path):
    repo = scratch_checkout(tmp_path)
    with scratch_database(prefix="tour") as taskhub_url, scratch_database(prefix="taco") as taco_url:
        result = run_lines(tour_lines(), repo, {"DATABASE_URL": taskhub_url, "TACO_URL": taco_url})
    assert result.returncode == 0, f"{result.failed_line}\n{result.output[-6000:]}"
    # What the tour promises is there afterwards.
    for path in ("taco.yaml", "taco2.yaml", "out/postgres/schema.sql", "out/prisma/schema.prisma", "growth.svg",
                 "taco.db", "migrations", "pagila.yaml", "live.yaml"):
        assert (repo / path).exists(), path
    assert "labels" in (repo / "live.yaml").read_text(encoding="utf-8"), "the live database reached taskhub-v2 through migrate apply"
