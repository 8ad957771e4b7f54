"""The Prisma target, checked by Prisma's own validator and formatter (@prisma/prisma-schema-wasm).

One Node process validates every schema of this file (the examples, the hostile fixtures, an
edge-case design and deliberately broken schemas); the DMMF Prisma builds from each schema is
compared with the design, so a name mapped wrongly or a relation lost fails here. prisma.config.ts
is type-checked against the real `prisma/config` types with the pinned TypeScript.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from schemasmith.emit import prisma
from schemasmith.emit.js_tools import (
    NodeToolsMissing,
    require_node_tools,
    run_checker,
    run_tsc,
)
from schemasmith.model import load_design, load_design_text

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
HOSTILE = ROOT / "tests" / "fixtures" / "hostile"
DESIGN_FILES = sorted(EXAMPLES.glob("*.yaml")) + sorted(HOSTILE.glob("*.yaml"))

EDGE = """
name: edge cases
conventions: {primary_key: identity, postgres_version: 18}
enums:
  mood: [happy, "so-so", "😀"]
tables:
  accounts:
    comment: "<script>alert(1)</script>"
    columns:
      id: {type: uuid}
      tenant: {type: text}
      balance: {type: "numeric(12,2)", default: 0}
      ratio: {type: real, default: 1.5}
      active: {type: boolean, default: true}
      wait: {type: interval, nullable: true}
      starts: {type: time, nullable: true}
      raw: {type: bytes, nullable: true}
      moods: {type: "enum:mood[]", nullable: true}
      scores: {type: "integer[]", default: "{}"}
      stamps: {type: "timestamptz[]", nullable: true}
      doc: {type: json, default: "{}"}
      created_on: {type: date, default: "2024-01-01"}
    primary_key: [id]
    row_level_security: true
    policies:
      - {name: tenant isolation, using: "tenant = current_user", roles: [app]}
  profiles:
    columns:
      account_id: {type: uuid, default: {sql: "gen_random_uuid()"}}
      bio: {type: text, nullable: true}
      mood: {type: "enum:mood", default: "so-so"}
    primary_key: [account_id]
    foreign_keys:
      - {columns: [account_id], references: {table: accounts, columns: [id]}, on_delete: cascade}
  events:
    columns:
      account_id: {type: uuid, nullable: true}
      at: {type: timestamptz, default: now()}
    foreign_keys:
      - {columns: [account_id], references: {table: accounts, columns: [id]}}
  transfers:
    columns:
      id: {type: bigint}
      from_account: {type: uuid}
      to_account: {type: uuid}
      amount: {type: "numeric(12,2)"}
      cents: {type: bigint, generated: "(amount * 100)::bigint"}
    primary_key: [id]
    checks: [{expression: "from_account <> to_account", reason: "Money moves between two accounts."}]
    foreign_keys:
      - {columns: [from_account], references: {table: accounts, columns: [id]}, on_delete: restrict}
      - {columns: [to_account], references: {table: accounts, columns: [id]}, on_delete: restrict}
    unique:
      - {columns: [from_account, to_account, amount], nulls_not_distinct: true}
    indexes:
      - {columns: [to_account], include: [amount]}
      - {columns: [amount], method: brin}
  "100 children":
    columns:
      account_id: {type: uuid}
      other_id: {type: uuid, nullable: true}
    primary_key: [account_id]
    foreign_keys:
      - {columns: [account_id], references: {table: accounts, columns: [id]}, on_delete: cascade, on_update: cascade}
      - {columns: [other_id], references: {table: accounts, columns: [id]}, deferrable: true}
    unique:
      - {name: one other, columns: [other_id], nulls_not_distinct: true}
"""

BROKEN = {
    "broken:unknown-type": 'datasource db {\n  provider = "postgresql"\n}\n\nmodel A {\n  id Int @id\n  name Strin\n}\n',
    "broken:no-unique": 'datasource db {\n  provider = "postgresql"\n}\n\nmodel A {\n  name String\n}\n',
}


def _designs():
    designs = {path.stem: load_design(path) for path in DESIGN_FILES}
    designs["edge"] = load_design_text(EDGE)
    return designs


@pytest.fixture(scope="module")
def designs():
    return _designs()


@pytest.fixture(scope="module")
def rendered(designs):
    return {name: prisma.render(design) for name, design in designs.items()}


@pytest.fixture(scope="module")
def checked(rendered):
    """Every schema of this file through Prisma's validator, in one Node process."""
    items = {name: output.files["schema.prisma"] for name, output in rendered.items()}
    # A generated schema broken on purpose: a relation whose references were cut off.
    taskhub = items["taskhub"]
    items["broken:generated"] = taskhub.replace("references: [id], onDelete: Cascade", "onDelete: Cascade", 1)
    items.update(BROKEN)
    results, _versions = run_checker("prisma", items)
    return results


@pytest.mark.parametrize("name", [path.stem for path in DESIGN_FILES] + ["edge"])
def test_schema_validates_and_is_already_formatted(name, rendered, checked):
    result = checked[name]
    assert result["ok"], result.get("error")
    assert result["formatted"] == rendered[name].files["schema.prisma"], "the schema is not in `prisma format` layout"


@pytest.mark.parametrize("name", ["broken:generated", "broken:unknown-type", "broken:no-unique"])
def test_broken_schemas_fail_the_validator(name, checked):
    result = checked[name]
    assert not result["ok"]
    assert "error" in result["error"].lower() or "P1012" in result["error"]


@pytest.mark.parametrize("name", [path.stem for path in DESIGN_FILES] + ["edge"])
def test_every_table_column_and_enum_value_maps_to_its_database_name(name, designs, rendered, checked):
    design = designs[name]
    result = checked[name]
    schema = rendered[name].files["schema.prisma"]
    # A model without a unique criterion is @@ignore'd: Prisma leaves it out of the DMMF.
    ignored = {table for table in design.tables if f"@@map({json.dumps(table, ensure_ascii=False)})\n  @@ignore" in schema}
    models = {model["dbName"] or model["name"]: model for model in result["models"]}
    assert set(models) == set(design.tables) - ignored
    for table_name, table in design.tables.items():
        if table_name in ignored:
            continue
        scalars = {field["dbName"] or field["name"]: field for field in models[table_name]["fields"] if field["kind"] != "object"}
        # Unsupported("…") fields are left out of the DMMF (and of Prisma Client).
        unsupported = {name for name, column in table.columns.items() if "interval" in column.type}
        assert set(scalars) == set(table.columns) - unsupported, table_name
        for column_name, column in table.columns.items():
            if column_name in unsupported:
                continue
            field = scalars[column_name]
            if not field["isList"]:
                assert field["isRequired"] == (not column.nullable), f"{table_name}.{column_name}"
    if design.conventions.enum_style == "native":
        enums = {enum["dbName"] or enum["name"]: enum for enum in result["enums"]}
        assert set(enums) == set(design.enums)
        for enum, values in design.enums.items():
            assert [value["dbName"] or value["name"] for value in enums[enum]["values"]] == values
    else:
        assert result["enums"] == []


def _model(result, table):
    return next(model for model in result["models"] if (model["dbName"] or model["name"]) == table)


def _field(model, name):
    return next(field for field in model["fields"] if field["name"] == name)


def test_taskhub_relations_keys_and_native_types(checked):
    result = checked["taskhub"]
    task = _model(result, "tasks")
    assert task["name"] == "Task"
    parent = _field(task, "parent")
    assert parent["relationName"] == "TaskParent"  # a self-reference needs a name
    assert parent["relationFromFields"] == ["parentId"] and parent["relationOnDelete"] == "Cascade"
    assert not parent["isRequired"]
    children = _field(task, "children")  # the other side of a self-reference named by its role
    assert children["relationName"] == "TaskParent" and children["isList"]
    assignee = _field(task, "assignee")
    assert assignee["type"] == "User" and assignee["relationOnDelete"] == "SetNull"
    assert _field(task, "title")["nativeType"] == ["VarChar", ["200"]]
    assert _field(task, "updatedAt")["isUpdatedAt"] is True  # the updated_at trigger
    assert _field(task, "status")["type"] == "TaskStatus"
    user = _model(result, "users")
    assert _field(user, "tasks")["isList"]  # the other side of tasks.assignee_id
    membership = _model(result, "memberships")
    assert membership["primaryKey"]["fields"] == ["organizationId", "userId"]
    organization = _model(result, "organizations")
    assert _field(organization, "slug")["isUnique"]
    indexes = [index for index in result["indexes"] if index["model"] == "Task" and index["type"] == "normal"]
    board = next(index for index in indexes if [f["name"] for f in index["fields"]] == ["projectId", "priority", "createdAt"])
    assert board["fields"][1].get("sortOrder") == "desc"


def test_taskhub_states_what_prisma_cannot_express(rendered):
    output = rendered["taskhub"]
    schema = output.files["schema.prisma"]
    assert "//   index users_lower_email_idx (unique) using btree ((lower(email)))" in schema
    assert "max_depth" in schema
    assert any("users_lower_email_idx" in warning for warning in output.warnings)
    assert any("max_depth" in warning for warning in output.warnings)
    assert any("GENERATED ALWAYS" in warning for warning in output.warnings)
    # Partial indexes are expressible with Prisma's partialIndexes preview feature.
    assert 'previewFeatures = ["partialIndexes"]' in schema
    assert '@@index([dueDate], where: raw("status <> \'done\'"))' in schema


def test_edge_cases(checked, rendered):
    schema = rendered["edge"].files["schema.prisma"]
    warnings = "\n".join(rendered["edge"].warnings)
    result = checked["edge"]
    account = _model(result, "accounts")
    assert _field(account, "id")["default"] == {"name": "dbgenerated", "args": ["uuidv7()"]}  # PostgreSQL 18
    assert 'wait                 Unsupported("interval")?' in schema
    assert _field(account, "profile")["type"] == "Profile" and not _field(account, "profile")["isList"]  # one-to-one
    transfer = _model(result, "transfers")
    # Two foreign keys to one table: both relations are named, both sides. The columns hold the keys
    # (`from_account`, no `_id`), so the relations take `Record` rather than clash with them.
    assert {_field(transfer, "fromAccountRecord")["relationName"], _field(transfer, "toAccountRecord")["relationName"]} == {
        "TransferFromAccountRecord",
        "TransferToAccountRecord",
    }
    assert _field(account, "fromAccountTransfers")["isList"] and _field(account, "toAccountTransfers")["isList"]
    assert "@@ignore" in schema  # events has no key
    children = _model(result, "100 children")
    assert children["name"] == "T100Child"
    assert _field(children, "otherId")["isUnique"]  # NULLS NOT DISTINCT: still unique to Prisma
    assert 'otherId   String?  @unique(map: "one other") @map("other_id") @db.Uuid' in schema
    # One-to-one, named: two keys to accounts; `account_id` is the account itself, `other_id` a role.
    assert _field(account, "t100Child")["type"] == "T100Child" and not _field(account, "t100Child")["isList"]
    assert _field(account, "other100Child")["relationName"] == "T100ChildOther"
    enum = next(enum for enum in result["enums"] if enum["name"] == "Mood")
    assert [value["dbName"] or value["name"] for value in enum["values"]] == ["happy", "so-so", "😀"]
    for expected in ("interval", "nullable array", "row-level security", "no primary key", "generated column",
                     "NULLS NOT DISTINCT", "INCLUDE", "CHECK", "DEFERRABLE"):
        assert expected in warnings, expected


def test_hostile_names_are_mapped(checked):
    result = checked["hostile"]
    order_line = _model(result, "order line")
    assert order_line["name"] == "OrderLine"
    user = _model(result, "user")
    assert {field["dbName"] for field in user["fields"]} >= {"Mixed Case", 'quote"inside'}
    native = checked["hostile-native"]
    cafe = _model(native, "Café Orders")
    assert any(field["dbName"] == "; --" for field in cafe["fields"])


def test_output_is_deterministic(designs):
    for design in designs.values():
        first, second = prisma.render(design), prisma.render(design)
        assert first.files == second.files and first.warnings == second.warnings


def test_prisma_config_typechecks_against_the_real_types(tmp_path: Path):
    folder = require_node_tools("typescript", "@prisma/config")
    (tmp_path / "node_modules").symlink_to(folder, target_is_directory=True)
    (tmp_path / "good").mkdir()
    (tmp_path / "good" / "prisma.config.ts").write_text(prisma.CONFIG_FILE)
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "prisma.config.ts").write_text(prisma.CONFIG_FILE.replace("url: env", "uri: env"))
    (tmp_path / "tsconfig.json").write_text(
        '{"compilerOptions": {"strict": true, "noEmit": true, "target": "es2022", "lib": ["es2022"],'
        ' "module": "preserve", "moduleResolution": "bundler", "skipLibCheck": true, "types": [],'
        ' "paths": {"prisma/config": ["./node_modules/@prisma/config"]}}, "include": ["*/*.ts"]}'
    )
    completed = run_tsc(tmp_path)
    errors = [line for line in completed.stdout.splitlines() if ": error TS" in line]
    assert errors and all(line.startswith("bad/") for line in errors), completed.stdout


def test_missing_node_packages_fail_with_a_clear_message():
    with pytest.raises(NodeToolsMissing, match="run scripts/install"):
        require_node_tools("no-such-package-schemasmith")
