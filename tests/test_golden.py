"""Golden files: what the commands write and print, byte for byte, reviewed in diffs.

Each case runs a real command in-process (`build`, `import`, `diff`, `review`) on a file copied
into an empty folder, so the paths it prints are the same on every machine, and compares every
file it wrote, and what it printed, with `tests/golden/<case>/`. A change to generated DDL,
migrations, models or review text shows up here as a readable diff. After a deliberate change,
rewrite the files with `SCHEMASMITH_UPDATE_GOLDEN=1 pytest tests/test_golden.py` and review the
diff before committing it.

Rule fixtures keep their golden finding text beside them (`triggers.findings.txt`).
"""

from __future__ import annotations

import difflib
import os
import shutil
from io import StringIO
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from conftest import EXAMPLES, REPO, SHARED
from schemasmith import cli
from schemasmith.review import formats
from schemasmith.review.registry import all_rules

GOLDEN = REPO / "tests" / "golden"
UPDATE = os.environ.get("SCHEMASMITH_UPDATE_GOLDEN") == "1"
CORPORA = SHARED / "corpora"
MIGRA = CORPORA / "migra-fixtures"
WIDTH = 100

DESIGN_FILES = {
    # taskhub-v2 is taskhub one release later: its golden is the migration to it (test below), not a
    # second copy of every artifact.
    **{f"example-{path.stem}": path for path in sorted(EXAMPLES.glob("*.yaml")) if path.stem != "taskhub-v2"},
    **{f"requirements-{path.name.removesuffix('.expected.yaml')}": path for path in sorted((EXAMPLES / "requirements").glob("*.expected.yaml"))},
    **{f"hostile-{path.stem}": path for path in sorted((REPO / "tests" / "fixtures" / "hostile").glob("*.yaml"))},
    **{f"data-{path.stem}": path for path in sorted((REPO / "tests" / "data" / "fixtures").glob("*.yaml"))},
    "migrate-shop": REPO / "tests" / "migrate" / "designs" / "shop.yaml",
}
CORPUS_FILES = {
    "feedbin": CORPORA / "real-schemas" / "feedbin.sql",
    "zync": CORPORA / "real-schemas" / "zync.sql",
    "pagila": CORPORA / "sample-databases" / "pagila" / "pagila-schema.sql",
    "chinook-postgres": CORPORA / "sample-databases" / "chinook" / "Chinook_PostgreSql.sql",
    "chinook-sqlite": CORPORA / "sample-databases" / "chinook" / "Chinook_Sqlite.sql",
}
MIGRA_PAIRS = sorted(path.name for path in MIGRA.iterdir() if path.is_dir()) if MIGRA.is_dir() else []
SHOP = REPO / "tests" / "migrate" / "designs"
SHOP_CHANGES = sorted(path.stem for path in SHOP.glob("shop_*.yaml"))


def _run(args: list[str], cwd: Path) -> str:
    """Run one command in-process in `cwd`; the exit code and what it printed, as one text."""
    runner = CliRunner()
    previous = Path.cwd()
    os.chdir(cwd)
    try:
        result = runner.invoke(cli.app, args, catch_exceptions=False, env={"COLUMNS": str(WIDTH), "SCHEMASMITH_DEBUG": None})
    finally:
        os.chdir(previous)
    return f"$ schemasmith {' '.join(args)}\nexit: {result.exit_code}\n--- stdout\n{result.stdout}--- stderr\n{result.stderr}"


def _tree(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def check_golden(case: str, produced: dict[str, str]) -> None:
    """Compare `produced` (relative name → text) with tests/golden/<case>/, or rewrite it."""
    folder = GOLDEN / case
    if UPDATE:
        if folder.exists():
            shutil.rmtree(folder)
        for name, text in produced.items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return
    expected = _tree(folder) if folder.is_dir() else {}
    assert sorted(produced) == sorted(expected), f"{case}: files differ (SCHEMASMITH_UPDATE_GOLDEN=1 rewrites them)"
    problems = []
    for name in sorted(produced):
        if produced[name] != expected[name]:
            delta = difflib.unified_diff(
                expected[name].splitlines(), produced[name].splitlines(), f"golden/{case}/{name}", "produced", lineterm="", n=2
            )
            problems.append("\n".join(list(delta)[:60]))
    assert not problems, "\n\n".join(problems)


def _copy(source: Path, folder: Path, name: str) -> str:
    shutil.copyfile(source, folder / name)
    return name


@pytest.mark.parametrize("case", sorted(DESIGN_FILES))
def test_build_every_target(case, tmp_path):
    name = _copy(DESIGN_FILES[case], tmp_path, "design.yaml")
    printed = _run(["build", name, "--target", "all", "-o", "out"], tmp_path)
    check_golden(f"build/{case}", {"printed.txt": printed, **_tree(tmp_path / "out")})


@pytest.mark.parametrize("case", sorted(DESIGN_FILES))
def test_review_text(case, tmp_path):
    name = _copy(DESIGN_FILES[case], tmp_path, "design.yaml")
    text = _run(["review", name], tmp_path)
    as_json = _run(["review", name, "--format", "json"], tmp_path)
    check_golden(f"review/{case}", {"review.txt": text, "review.json.txt": as_json})


@pytest.mark.postgres
@pytest.mark.parametrize("case", sorted(CORPUS_FILES))
def test_import_corpus_then_build(case, tmp_path, pg_server):
    source = CORPUS_FILES[case]
    if not source.is_file():
        pytest.fail(f"corpus file missing: {source}")
    name = _copy(source, tmp_path, "schema.sql")
    printed = _run(["import", name, "-o", "design.yaml"], tmp_path)
    produced = {"import.txt": printed}
    if (tmp_path / "design.yaml").is_file():
        produced["design.yaml"] = (tmp_path / "design.yaml").read_text(encoding="utf-8")
        produced["build.txt"] = _run(["build", "design.yaml", "--target", "postgres,sqlite,mysql", "-o", "out"], tmp_path)
        produced.update(_tree(tmp_path / "out"))
    check_golden(f"import/{case}", produced)


@pytest.mark.postgres
@pytest.mark.parametrize("pair", MIGRA_PAIRS)
def test_migra_pair_diff(pair, tmp_path, pg_server, migra_role):
    _copy(MIGRA / pair / "a.sql", tmp_path, "a.sql")
    _copy(MIGRA / pair / "b.sql", tmp_path, "b.sql")
    produced = {"direct.txt": _run(["diff", "a.sql", "b.sql", "--direct", "-o", "direct"], tmp_path)}
    produced.update({f"direct/{name}": text for name, text in _tree(tmp_path / "direct").items()})
    produced["safe.txt"] = _run(["diff", "a.sql", "b.sql", "-o", "safe"], tmp_path)
    produced.update({f"safe/{name}": text for name, text in _tree(tmp_path / "safe").items()})
    check_golden(f"migra/{pair}", produced)


@pytest.mark.parametrize("change", SHOP_CHANGES)
def test_design_diff_each_dialect_and_format(change, tmp_path):
    _copy(SHOP / "shop.yaml", tmp_path, "old.yaml")
    _copy(SHOP / f"{change}.yaml", tmp_path, "new.yaml")
    produced = {}
    for label, extra in {
        "postgres": [],
        "postgres-direct": ["--direct"],
        "sqlite": ["--target", "sqlite"],
        "alembic": ["--target", "alembic"],
    }.items():
        produced[f"{label}.txt"] = _run(["diff", "old.yaml", "new.yaml", *extra, "-o", label], tmp_path)
        produced.update({f"{label}/{name}": text for name, text in _tree(tmp_path / label).items()})
    check_golden(f"diff/{change}", produced)


def test_the_readme_tours_migration_taskhub_to_v2(tmp_path):
    """The diff the README's tour writes: a rename kept a rename, a junction, an added column."""
    _copy(EXAMPLES / "taskhub.yaml", tmp_path, "taskhub.yaml")
    _copy(EXAMPLES / "taskhub-v2.yaml", tmp_path, "taskhub-v2.yaml")
    produced = {"printed.txt": _run(["diff", "taskhub.yaml", "taskhub-v2.yaml", "-o", "migrations"], tmp_path)}
    produced.update({f"migrations/{name}": text for name, text in _tree(tmp_path / "migrations").items()})
    check_golden("diff/taskhub-v2", produced)


RULE_FIXTURES = sorted(
    (rule.code, path)
    for rule in all_rules()
    for path in (REPO / "tests" / "review" / "fixtures" / rule.code).glob("triggers*.yaml")
)


@pytest.mark.parametrize(("code", "path"), RULE_FIXTURES, ids=[f"{code}/{path.name}" for code, path in RULE_FIXTURES])
def test_rule_finding_text_beside_its_fixture(code, path):
    """The text a user reads for each rule's triggering fixture, kept as `<fixture>.findings.txt`."""
    from review.helpers import fixture_header, profile_for, review_of

    header = fixture_header(path)
    review = review_of(
        path.read_text(encoding="utf-8"),
        profile=header.get("profile") or profile_for(code),
        origin=header.get("origin", "design"),
        invariants=header.get("invariants", "on") != "off",
    )
    review.findings = [finding for finding in review.findings if finding.code == code]
    buffer = StringIO()
    formats.render_text(review, Console(file=buffer, width=WIDTH, color_system=None))
    golden = path.with_name(path.stem + ".findings.txt")
    text = buffer.getvalue()
    if UPDATE:
        golden.write_text(text, encoding="utf-8")
        return
    assert golden.is_file(), f"{golden.name} missing (SCHEMASMITH_UPDATE_GOLDEN=1 writes it)"
    expected = golden.read_text(encoding="utf-8")
    assert text == expected, "\n".join(difflib.unified_diff(expected.splitlines(), text.splitlines(), golden.name, "produced", lineterm=""))
