"""The SQLAlchemy target, checked by SQLAlchemy, Alembic and ruff on real databases.

For every example design and hostile fixture: the generated `models.py` imports on its own,
`metadata.create_all` builds it on the embedded PostgreSQL and on SQLite, and Alembic's
`compare_metadata` finds no difference between the models and a database built from our DDL
(types, nullability, keys, unique constraints, foreign keys, indexes, comments; plus the names
of every constraint and index, which autogenerate alone does not look at).

The helpers here are shared by test_sqlmodel.py and test_alembic.py.
"""

from __future__ import annotations

import importlib.util
import itertools
import re
import shutil
import subprocess
import sys
import warnings
from pathlib import Path
from types import ModuleType

import pytest
import sqlalchemy as sa

from schemasmith.db.apply import apply_postgres_file, apply_sqlite_file
from schemasmith.db.urls import sqlalchemy_url
from schemasmith.dialects import postgres as postgres_dialect
from schemasmith.dialects import sqlite as sqlite_dialect
from schemasmith.emit import sqlalchemy as sqlalchemy_target
from schemasmith.model import load_design

REPO = Path(__file__).resolve().parents[2]
DESIGNS = sorted((REPO / "examples").glob("*.yaml")) + sorted((REPO / "tests" / "fixtures" / "hostile").glob("*.yaml"))
RUFF = Path(sys.executable).parent / "ruff"
_counter = itertools.count()


# --- helpers shared by the Python-view tests ---------------------------------------------------


def load_generated(path: Path) -> ModuleType:
    """Import a generated module from its file under a fresh name (it must stand on its own)."""
    name = f"schemasmith_generated_{path.stem}_{next(_counter)}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # SQLAlchemy resolves annotations through the module
    with warnings.catch_warnings():
        warnings.simplefilter("error", sa.exc.SAWarning)
        spec.loader.exec_module(module)
    return module


def write_files(files: dict[str, str], folder: Path) -> None:
    for relative, text in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def ruff_problems(folder: Path) -> list[str]:
    """What `ruff format --check` and `ruff check --select F401,F811,E` say about generated code."""
    problems = []
    for command in (
        [str(RUFF), "format", "--isolated", "--check", "--diff", str(folder)],
        [str(RUFF), "check", "--isolated", "--select", "F401,F811,E", "--output-format", "concise", str(folder)],
    ):
        completed = subprocess.run(command, capture_output=True, text=True)
        if completed.returncode != 0:
            problems.append(completed.stdout + completed.stderr)
    return problems


def postgres_ddl_database(design, url: str, folder: Path) -> None:
    """Build a PostgreSQL database from our DDL, applied by psql."""
    ddl = folder / "postgres.sql"
    ddl.write_text(postgres_dialect.render(design).files["schema.sql"], encoding="utf-8")
    apply_postgres_file(url, ddl)


def sqlite_ddl_database(design, folder: Path) -> str:
    """Build a SQLite database from our DDL; its SQLAlchemy URL."""
    ddl = folder / "sqlite.sql"
    ddl.write_text(sqlite_dialect.render(design).files["schema.sql"], encoding="utf-8")
    database = folder / "ddl.db"
    apply_sqlite_file(database, ddl)
    return f"sqlite:///{database}"


def _params(compiled: str) -> str:
    match = re.search(r"\((.*)\)", compiled)
    return re.sub(r"\s+", "", match.group(1)) if match else ""


def sqlite_compare_type(context, inspected_column, metadata_column, inspected_type, metadata_type):
    """On SQLite a declared type means its affinity (UUID_TEXT and TEXT are one type there).

    Lengths and precisions still have to agree where both sides state them.
    """
    dialect = context.dialect
    inspected = inspected_type.compile(dialect=dialect)
    declared = metadata_type.compile(dialect=dialect)
    if sqlite_dialect.affinity(inspected) != sqlite_dialect.affinity(declared):
        return True
    left, right = _params(inspected), _params(declared)
    return bool(left and right and left != right)


def _default_text(default, dialect) -> str | None:
    """The SQL of a model's server default on `dialect`, literals escaped the dialect's way."""
    if not isinstance(default, sa.DefaultClause):
        return None  # no default, or an identity (compared by Alembic itself)
    argument = default.arg
    if isinstance(argument, str):
        return sa.literal(argument).compile(dialect=dialect, compile_kwargs={"literal_binds": True}).string
    return argument.compile(dialect=dialect, compile_kwargs={"literal_binds": True}).string


def _unparenthesized(text: str) -> str:
    text = text.strip()
    while text.startswith("(") and text.endswith(")") and sqlite_dialect.is_self_contained(text[1:-1]):
        text = text[1:-1].strip()
    return text


def default_differences(connection, metadata: sa.MetaData) -> list[str]:
    """Server defaults compared for meaning, column by column.

    Done here rather than by Alembic: its PostgreSQL check does not escape quotes in literal
    defaults, and a custom comparator makes it fail on identity columns.
    """
    dialect = connection.dialect
    inspector = sa.inspect(connection)
    problems = []
    for table in metadata.sorted_tables:
        reflected = {column["name"]: column for column in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name not in reflected or reflected[column.name].get("computed"):
                continue
            actual = reflected[column.name].get("default")
            if reflected[column.name].get("identity") or (dialect.name == "sqlite" and column.autoincrement is True):
                actual = None
            expected = _default_text(column.server_default, dialect)
            if (actual is None) != (expected is None) or (
                actual is not None and _normalized_default(actual) != _normalized_default(expected)
            ):
                problems.append(f"{table.name}.{column.name}: default {expected!r} in the models, {actual!r} in the database")
    return problems


_LITERAL_CAST = re.compile(r"^('(?:[^']|'')*')::[^']+$", re.S)


def _normalized_default(text: str) -> str:
    from schemasmith.model.expressions import normalize_expression

    text = _unparenthesized(text)
    # PostgreSQL gives literal defaults back cast to the column type ('{}'::jsonb); normalize_expression
    # drops such casts only below the top level (reported in notes/python-views-helper.md)
    match = _LITERAL_CAST.match(text)
    if match:
        text = match.group(1)
    return normalize_expression(text)


def _ddl_if_allows(item, dialect: str) -> bool:
    condition = getattr(item, "_ddl_if", None)
    return condition is None or condition.dialect is None or condition.dialect == dialect


def _is_expression_index(index) -> bool:
    return any(not isinstance(expression, sa.Column) for expression in index.expressions)


def _include_object(dialect: str):
    def include(item, name, type_, reflected, compare_to):
        if not reflected and not _ddl_if_allows(item, dialect):
            return False
        if type_ == "index" and dialect == "sqlite" and not reflected and _is_expression_index(item):
            return False  # SQLAlchemy cannot reflect these from SQLite; their names are checked below
        return True

    return include


def schema_differences(url: str, metadata: sa.MetaData, *, server_defaults: bool = True) -> list:
    """Alembic's autogenerate differences between `metadata` and the database, plus name checks."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = sa.create_engine(sqlalchemy_url(url))
    try:
        with engine.connect() as connection:
            dialect = connection.dialect.name
            options = {
                "compare_type": sqlite_compare_type if dialect == "sqlite" else True,
                "compare_server_default": False,  # see default_differences
                "include_object": _include_object(dialect),
            }
            context = MigrationContext.configure(connection, opts=options)
            with warnings.catch_warnings():
                warnings.simplefilter("error")  # "skipping expression-based index" would hide a difference
                if dialect == "sqlite":  # SQLAlchemy cannot reflect these; their names are checked below
                    warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index")
                    warnings.filterwarnings("ignore", "autogenerate skipping metadata-specified expression-based")
                differences = list(compare_metadata(context, metadata))
            differences += name_differences(connection, metadata)
            if server_defaults:
                differences += default_differences(connection, metadata)
            if dialect == "postgresql":
                differences += enum_differences(connection, metadata)
    finally:
        engine.dispose()
    return differences


def name_differences(connection, metadata: sa.MetaData) -> list[str]:
    """Constraint and index names the database has and the models do not, or the other way round."""
    with warnings.catch_warnings():
        # SQLite: SQLAlchemy cannot reflect expression indexes; their names are read from sqlite_master
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index")
        return _name_differences(connection, metadata)


def _name_differences(connection, metadata: sa.MetaData) -> list[str]:
    dialect = connection.dialect.name
    inspector = sa.inspect(connection)
    problems = []
    for table in metadata.sorted_tables:
        expected: set[tuple[str, str]] = set()
        for constraint in table.constraints:
            if not _ddl_if_allows(constraint, dialect) or constraint.name is None:
                continue
            kind = type(constraint).__name__
            if kind == "PrimaryKeyConstraint" and dialect == "sqlite":
                continue  # SQLite keeps no name for INTEGER PRIMARY KEY AUTOINCREMENT
            if kind == "CheckConstraint" and getattr(constraint, "_type_bound", False):
                continue
            expected.add((kind, str(constraint.name)))
        for index in table.indexes:
            if _ddl_if_allows(index, dialect):
                expected.add(("Index", str(index.name)))
        actual: set[tuple[str, str]] = set()
        pk = inspector.get_pk_constraint(table.name)
        if pk.get("name") and dialect != "sqlite":
            actual.add(("PrimaryKeyConstraint", pk["name"]))
        for unique in inspector.get_unique_constraints(table.name):
            if unique.get("name"):
                actual.add(("UniqueConstraint", unique["name"]))
        for check in inspector.get_check_constraints(table.name):
            if check.get("name"):
                name = check["name"]
                if dialect == "sqlite":  # SQLAlchemy hands back a quoted name's doubled quotes as they are
                    name = name.replace('""', '"')
                actual.add(("CheckConstraint", name))
        for foreign_key in inspector.get_foreign_keys(table.name):
            if foreign_key.get("name"):
                actual.add(("ForeignKeyConstraint", foreign_key["name"]))
        if dialect == "sqlite":
            rows = connection.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL", (table.name,)
            )
            actual |= {("Index", row[0]) for row in rows}
        else:
            for index in inspector.get_indexes(table.name):
                if index.get("name") and not index.get("duplicates_constraint"):
                    actual.add(("Index", index["name"]))
        for item in sorted(expected - actual):
            problems.append(f"{table.name}: {item[0]} {item[1]!r} is in the models, not in the database")
        for item in sorted(actual - expected):
            problems.append(f"{table.name}: {item[0]} {item[1]!r} is in the database, not in the models")
    return problems


def enum_differences(connection, metadata: sa.MetaData) -> list[str]:
    """PostgreSQL enum types (names and values in order) of the database against the models."""
    rows = connection.execute(
        sa.text(
            "SELECT t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder) FROM pg_type t"
            " JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname"
        )
    ).all()
    actual = {name: list(values) for name, values in rows}
    expected = {}
    for table in metadata.tables.values():
        for column in table.columns:
            for type_ in (column.type, getattr(column.type, "item_type", None)):
                if isinstance(type_, sa.Enum) and type_.native_enum and type_.name:
                    expected[type_.name] = list(type_.enums)
    problems = []
    for name in sorted(set(expected) | set(actual)):
        if expected.get(name) != actual.get(name):
            problems.append(f"enum {name}: models {expected.get(name)} != database {actual.get(name)}")
    return problems


def create_all_and_compare(metadata: sa.MetaData, url: str) -> list:
    """`create_all` on an empty database, then compare the result with the models themselves."""
    engine = sa.create_engine(sqlalchemy_url(url))
    try:
        metadata.create_all(engine)
    finally:
        engine.dispose()
    return schema_differences(url, metadata, server_defaults=False)


# --- the tests -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """models.py of every design, rendered once and imported."""
    folder = tmp_path_factory.mktemp("sqlalchemy")
    modules = {}
    for path in DESIGNS:
        design = load_design(path)
        target = folder / path.stem
        write_files(sqlalchemy_target.render(design).files, target)
        modules[path.stem] = (design, load_generated(target / "models.py"), target)
    return modules


@pytest.mark.parametrize("path", DESIGNS, ids=lambda p: p.stem)
def test_models_match_postgres_ddl(path: Path, generated, pg_url: str, tmp_path: Path):
    design, module, _ = generated[path.stem]
    postgres_ddl_database(design, pg_url, tmp_path)
    assert schema_differences(pg_url, module.Base.metadata) == []


@pytest.mark.parametrize("path", DESIGNS, ids=lambda p: p.stem)
def test_models_match_sqlite_ddl(path: Path, generated, tmp_path: Path):
    design, module, _ = generated[path.stem]
    url = sqlite_ddl_database(design, tmp_path)
    assert schema_differences(url, module.Base.metadata) == []


@pytest.mark.parametrize("path", DESIGNS, ids=lambda p: p.stem)
def test_create_all_on_postgres_and_sqlite(path: Path, generated, pg_url: str, tmp_path: Path):
    # A fresh import per database: SQLAlchemy marks a foreign key it added with ALTER (a cycle) as
    # created, so one MetaData serves one dialect.
    _, _, folder = generated[path.stem]
    metadata = load_generated(folder / "models.py").Base.metadata
    assert create_all_and_compare(metadata, pg_url) == []
    engine = sa.create_engine(sqlalchemy_url(pg_url))
    try:
        metadata.drop_all(engine)
        assert sa.inspect(engine).get_table_names() == []
    finally:
        engine.dispose()
    metadata = load_generated(folder / "models.py").Base.metadata
    assert create_all_and_compare(metadata, f"sqlite:///{tmp_path / 'models.db'}") == []


def test_orm_round_trip_on_sqlite_ddl(generated, tmp_path: Path):
    """The models read and write a database built from our SQLite DDL: uuids, json, enums, relationships."""
    from sqlalchemy.orm import Session

    design, module, _ = generated["taskhub"]
    url = sqlite_ddl_database(design, tmp_path)
    engine = sa.create_engine(url)
    with Session(engine) as session:
        organization = module.Organization(name="Acme", slug="acme")
        user = module.User(email="a@example.com", display_name="A")
        project = module.Project(organization=organization, name="Launch")
        task = module.Task(project=project, title="Plan", assignee=user, priority="high")
        task.children.append(module.Task(project=project, title="Subtask"))
        session.add_all([organization, user, project, task])
        session.flush()
        session.add(module.TaskActivity(task=task, actor=user, change={"status": ["todo", "done"], "n": 1}))
        session.commit()
        task_id = task.id
    with Session(engine) as session:
        task = session.get(module.Task, task_id)
        assert task is not None and task.title == "Plan" and task.priority == "high" and task.status == "todo"
        assert [child.title for child in task.children] == ["Subtask"]
        assert task.assignee.email == "a@example.com"
        assert task.task_activity[0].change == {"status": ["todo", "done"], "n": 1}
    with engine.connect() as connection:
        stored = connection.execute(sa.text("SELECT id FROM tasks WHERE parent_id IS NULL")).scalar_one()
    assert stored == str(task_id)  # the same 36-character text the DDL's own default writes
    engine.dispose()


def test_deterministic_and_ruff_clean(tmp_path: Path):
    for path in DESIGNS:
        design = load_design(path)
        first = sqlalchemy_target.render(design)
        assert sqlalchemy_target.render(design).files == first.files
        write_files(first.files, tmp_path / path.stem)
    if not RUFF.exists() and shutil.which("ruff") is None:
        pytest.skip("ruff is not installed (pip install -e '.[test]')")
    assert ruff_problems(tmp_path) == []


def test_warnings_name_what_models_cannot_hold():
    output = sqlalchemy_target.render(load_design(REPO / "examples" / "taskhub.yaml"))
    assert any("max_depth" in warning and "tasks" in warning for warning in output.warnings)
    assert any("updated_at trigger" in warning for warning in output.warnings)
