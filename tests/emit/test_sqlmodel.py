"""The SQLModel target, checked by SQLModel, pydantic, Alembic and ruff on real databases.

The tables must equal our DDL exactly as the SQLAlchemy models do (same Alembic comparison), and
the API schemas must behave as an API needs: Create without what the database fills in, Read
with it, Update with every field optional.
"""

from __future__ import annotations

from pathlib import Path

import pydantic
import pytest
import sqlalchemy as sa
from test_sqlalchemy import (
    DESIGNS,
    create_all_and_compare,
    load_generated,
    postgres_ddl_database,
    ruff_problems,
    schema_differences,
    sqlite_ddl_database,
    write_files,
)

from schemasmith.db.urls import sqlalchemy_url
from schemasmith.emit import sqlmodel as sqlmodel_target
from schemasmith.model import load_design


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sqlmodel")
    modules = {}
    for path in DESIGNS:
        design = load_design(path)
        target = folder / path.stem
        write_files(sqlmodel_target.render(design).files, target)
        modules[path.stem] = (design, load_generated(target / "models.py"), target)
    return modules


@pytest.mark.parametrize("path", DESIGNS, ids=lambda p: p.stem)
def test_tables_match_our_ddl(path: Path, generated, pg_url: str, tmp_path: Path):
    design, module, _ = generated[path.stem]
    postgres_ddl_database(design, pg_url, tmp_path)
    assert schema_differences(pg_url, module.Base.metadata) == []
    assert schema_differences(sqlite_ddl_database(design, tmp_path), module.Base.metadata) == []


@pytest.mark.parametrize("path", DESIGNS, ids=lambda p: p.stem)
def test_create_all_on_postgres_and_sqlite(path: Path, generated, pg_url: str, tmp_path: Path):
    _, _, folder = generated[path.stem]
    assert create_all_and_compare(load_generated(folder / "models.py").Base.metadata, pg_url) == []
    metadata = load_generated(folder / "models.py").Base.metadata
    assert create_all_and_compare(metadata, f"sqlite:///{tmp_path / 'models.db'}") == []


def test_api_schemas(generated):
    _, module, _ = generated["taskhub"]
    create_fields = set(module.TaskCreate.model_fields)
    assert {"id", "created_at", "updated_at"}.isdisjoint(create_fields)
    assert {"project_id", "title", "status", "priority", "parent_id"} <= create_fields
    assert module.TaskCreate.model_fields["status"].default == "todo"
    assert {"id", "created_at", "updated_at"} <= set(module.TaskRead.model_fields)
    assert all(not field.is_required() for field in module.TaskUpdate.model_fields.values())
    assert module.TaskUpdate().model_dump(exclude_unset=True) == {}
    with pytest.raises(pydantic.ValidationError):
        module.TaskCreate(project_id="00000000-0000-0000-0000-000000000000", title="x" * 201)
    with pytest.raises(pydantic.ValidationError):
        module.TaskCreate(project_id="00000000-0000-0000-0000-000000000000", title="t", status="nope")
    # identity keys are read, never sent
    assert "id" not in module.TaskActivityCreate.model_fields
    assert "id" in module.TaskActivityRead.model_fields


def test_api_flow_on_postgres_ddl(generated, pg_url: str, tmp_path: Path):
    """Create → table row → Read against a PostgreSQL database built from our DDL (with its triggers)."""
    from sqlmodel import Session

    design, module, _ = generated["taskhub"]
    postgres_ddl_database(design, pg_url, tmp_path)
    engine = sa.create_engine(sqlalchemy_url(pg_url))
    try:
        with Session(engine) as session:
            organization = module.Organization.model_validate(module.OrganizationCreate(name="Acme", slug="acme"))
            session.add(organization)
            session.commit()
            session.refresh(organization)
            project = module.Project.model_validate(module.ProjectCreate(organization_id=organization.id, name="Launch"))
            session.add(project)
            session.commit()
            created = module.TaskCreate(project_id=project.id, title="Plan", priority="urgent")
            task = module.Task.model_validate(created)
            session.add(task)
            session.commit()
            session.refresh(task)
            read = module.TaskRead.model_validate(task)
            assert read.id is not None and read.created_at is not None and read.status == "todo"
            task.sqlmodel_update(module.TaskUpdate(title="Plan it").model_dump(exclude_unset=True))
            session.add(task)
            session.commit()
            session.refresh(task)
            assert task.title == "Plan it" and task.updated_at >= read.updated_at
            assert project.tasks[0].id == task.id
    finally:
        engine.dispose()


def test_hostile_names_stay_exact(generated):
    _, module, _ = generated["hostile"]
    table = module.Base.metadata.tables["order"]
    assert "a_sixty_three_character_column_name_that_is_exactly_at_the_limi" in table.c
    assert set(module.Base.metadata.tables) == {"user", "order", "order line"}
    assert module.Base.metadata.tables["user"].c["Mixed Case"].server_default.arg == "O'Brien"


def test_deterministic_and_ruff_clean(tmp_path: Path):
    for path in DESIGNS:
        design = load_design(path)
        first = sqlmodel_target.render(design)
        assert sqlmodel_target.render(design).files == first.files
        write_files(first.files, tmp_path / path.stem)
    assert ruff_problems(tmp_path) == []
