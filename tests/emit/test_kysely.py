"""The Kysely target, checked by the TypeScript compiler against the real Kysely types.

One `tsc --noEmit --strict` run compiles, for every design, the generated `database.ts` with a
file of typed queries (a select and a minimal insert per table, plus the example's own
queries), and a set of queries that must not compile: a wrong column, a wrong table, a value
outside an enum, a missing required column, a write to a generated-always column. Each of those
files must have an error and every other file none.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from schemasmith.emit import kysely
from schemasmith.emit.js_tools import require_node_tools, run_tsc
from schemasmith.model import load_design, load_design_text
from schemasmith.model.document import Column, Design

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
HOSTILE = ROOT / "tests" / "fixtures" / "hostile"
DESIGN_FILES = sorted(EXAMPLES.glob("*.yaml")) + sorted(HOSTILE.glob("*.yaml"))

EDGE = """
name: edge cases
conventions: {primary_key: identity}
enums:
  mood: [happy, "so-so", "😀"]
tables:
  accounts:
    columns:
      id: {type: uuid}
      balance: {type: "numeric(12,2)", default: 0}
      active: {type: boolean, nullable: true}
      wait: {type: interval, nullable: true}
      starts: {type: time}
      raw: {type: bytes, nullable: true}
      moods: {type: "enum:mood[]", nullable: true}
      scores: {type: "integer[]", default: "{}"}
      stamps: {type: "timestamptz[]", nullable: true}
      doc: {type: json, default: "{}"}
      big: {type: bigint}
      cents: {type: bigint, generated: "big * 100", nullable: true}
    primary_key: [id]
  dates:
    columns:
      id: {type: integer}
      on: {type: date}
    primary_key: [id]
  "100% real":
    columns:
      id: {type: integer}
    primary_key: [id]
"""

TSCONFIG = {
    "compilerOptions": {
        "strict": True,
        "noEmit": True,
        "target": "es2022",
        "lib": ["es2022"],
        "module": "preserve",
        "moduleResolution": "bundler",
        "skipLibCheck": True,
        "types": [],
    },
    "include": ["*/*.ts"],
}

HEADER = 'import type { Kysely, Selectable } from "kysely";\nimport type { Database } from "./database";\n\ndeclare const db: Kysely<Database>;\n'

TASKHUB_QUERIES = """
import type { NewTask, Task, TaskActivity } from "./database";

export async function projectBoard(projectId: string): Promise<Pick<Task, "id" | "title">[]> {
  return db.selectFrom("tasks").select(["id", "title"]).where("project_id", "=", projectId)
    .orderBy("priority", "desc").orderBy("created_at").execute();
}

export async function addTask(projectId: string): Promise<void> {
  const task: NewTask = { project_id: projectId, title: "Write docs" };  // id, status, timestamps: Generated
  await db.insertInto("tasks").values(task).execute();
  await db.insertInto("tasks").values({ project_id: projectId, title: "Review", status: "in-progress", due_date: "2025-01-31" }).execute();
  await db.updateTable("tasks").set({ status: "done", assignee_id: null }).where("id", "=", "x").execute();
}

export async function activity(taskId: string): Promise<void> {
  await db.insertInto("task_activity").values({ task_id: taskId, change: JSON.stringify({ title: ["a", "b"] }) }).execute();
  const rows: Pick<TaskActivity, "id" | "created_at">[] = await db.selectFrom("task_activity")
    .select(["id", "created_at"]).where("task_id", "=", taskId).execute();
  const id: string = rows[0].id;  // bigint reads as text
  const at: Date = rows[0].created_at;
  void id; void at;
}
"""

HOSTILE_QUERIES = """
export async function hostile(): Promise<void> {
  const lines = await db.selectFrom("order line").select(["id", "price", "parent_id"]).execute();
  const price: string = lines[0].price;  // numeric reads as text
  void price;
  await db.insertInto("user").values({ select: "x", "quote\\"inside": 1 }).execute();
  await db.insertInto("order").values({ user_id: 1, status: "it's paid" }).execute();
}
"""

BAD = {
    "wrong_column": 'export const q = db.selectFrom("tasks").select(["id", "titel"]);',
    "wrong_table": 'export const q = db.selectFrom("task").selectAll();',
    "enum_value": 'export const q = db.insertInto("tasks").values({ project_id: "p", title: "t", status: "doing" });',
    "missing_required": 'export const q = db.insertInto("tasks").values({ title: "t" });',
    "generated_always_insert": 'export const q = db.insertInto("task_activity").values({ id: "1", task_id: "t", change: "{}" });',
    "generated_always_update": 'export const q = db.updateTable("task_activity").set({ id: "2" });',
    "json_as_object": 'export const q = db.insertInto("task_activity").values({ task_id: "t", change: { a: 1 } });',
}


def _designs() -> dict[str, Design]:
    designs = {path.stem: load_design(path) for path in DESIGN_FILES}
    designs["edge"] = load_design_text(EDGE)
    return designs


def _value(design: Design, column: Column) -> str:
    """A TypeScript value the insert type of `column` accepts."""
    portable = column.portable_type
    if portable.is_array:
        return "[]"
    if portable.is_enum:
        return json.dumps(design.enums[portable.enum][0], ensure_ascii=False)  # type: ignore[index]
    return {
        "uuid": '"00000000-0000-0000-0000-000000000000"', "text": '"x"', "varchar": '"x"', "smallint": "1",
        "integer": "1", "bigint": '"1"', "numeric": '"1.5"', "real": "1.5", "double": "1.5", "boolean": "true",
        "date": "new Date(0)", "time": '"12:00"', "timestamp": "new Date(0)", "timestamptz": '"2025-01-01T00:00:00Z"',
        "interval": '"1 day"', "json": '"{}"', "bytes": "new Uint8Array()",
    }[portable.kind]


def _usage(design: Design) -> str:
    """A select and a minimal insert for every table: the types must accept both."""
    lines = [HEADER]
    for position, (table_name, table) in enumerate(design.tables.items()):
        key = json.dumps(table_name, ensure_ascii=False)
        required = {
            name: column
            for name, column in table.columns.items()
            if not column.nullable and column.default is None and not column.identity and not column.generated
            and not (name in table.primary_key and len(table.primary_key) == 1 and column.portable_type.kind == "uuid")
        }
        values = ", ".join(f"{json.dumps(name, ensure_ascii=False)}: {_value(design, column)}" for name, column in required.items())
        lines.append(
            f"export async function read{position}(): Promise<Selectable<Database[{key}]>[]> {{\n"
            f"  return db.selectFrom({key}).selectAll().execute();\n}}\n"
            f"export async function insert{position}(): Promise<void> {{\n"
            f"  await db.insertInto({key}).values({{ {values} }}).execute();\n}}\n"
        )
    return "\n".join(lines)


@pytest.fixture(scope="module")
def designs():
    return _designs()


@pytest.fixture(scope="module")
def compiled(designs, tmp_path_factory):
    """One tsc run over every design's types, its usage and the queries that must not compile."""
    folder = require_node_tools("typescript", "kysely")
    root = tmp_path_factory.mktemp("kysely")
    (root / "node_modules").symlink_to(folder, target_is_directory=True)
    (root / "tsconfig.json").write_text(json.dumps(TSCONFIG))
    for name, design in designs.items():
        project = root / re.sub(r"\W", "_", name)
        project.mkdir()
        (project / "database.ts").write_text(kysely.render(design).files["database.ts"])
        usage = _usage(design)
        if name == "taskhub":
            usage += TASKHUB_QUERIES
        if name == "hostile":
            usage += HOSTILE_QUERIES
        (project / "usage.ts").write_text(usage)
    for name, query in BAD.items():
        (root / "taskhub" / f"bad_{name}.ts").write_text(HEADER + query + "\n")
    completed = run_tsc(root)
    errors: dict[str, list[str]] = {}
    for line in completed.stdout.splitlines():
        match = re.match(r"^(\S.*?)\(\d+,\d+\): error (TS\d+: .*)$", line)
        if match:
            errors.setdefault(match.group(1), []).append(match.group(2))
    return completed, errors


@pytest.mark.parametrize("name", [path.stem for path in DESIGN_FILES] + ["edge"])
def test_types_and_typed_queries_compile(name, compiled):
    completed, errors = compiled
    folder = re.sub(r"\W", "_", name)
    mine = {path: found for path, found in errors.items() if path.startswith(f"{folder}/") and "/bad_" not in path}
    assert not mine, completed.stdout


@pytest.mark.parametrize("name", sorted(BAD))
def test_wrong_queries_do_not_compile(name, compiled):
    completed, errors = compiled
    assert errors.get(f"taskhub/bad_{name}.ts"), f"bad_{name}.ts compiled:\n{completed.stdout}"


def test_only_the_wrong_queries_fail(compiled):
    completed, errors = compiled
    assert set(errors) == {f"taskhub/bad_{name}.ts" for name in BAD}, completed.stdout


def test_table_and_column_keys_are_the_database_names(designs):
    text = kysely.render(designs["hostile"]).files["database.ts"]
    assert '  "order line": OrderLineTable;' in text
    assert '  "Mixed Case": Generated<string | null>;' in text
    assert '  "quote\\"inside": Generated<number>;' in text
    assert "  id: ColumnType<string, never, never>;" in text  # order.id: GENERATED ALWAYS identity
    assert 'export type OrderStatus = "new" | "it\'s paid" | "say \\"hi\\"" | "a,b";' in text
    native = kysely.render(designs["hostile-native"]).files["database.ts"]
    assert '  "; --": string | null;' in native
    assert '  "Café Orders": CafeOrdersTable;' in native


def test_types_follow_node_postgres(designs):
    text = kysely.render(designs["edge"]).files["database.ts"]
    for expected in (
        "  balance: Generated<Numeric>;",
        "  wait: Interval | null;",
        "  starts: string;",
        "  raw: Uint8Array | null;",
        "  moods: Mood[] | null;",
        "  scores: Generated<number[]>;",
        "  stamps: ColumnType<Date[], (Date | string)[], (Date | string)[]> | null;",
        "  doc: Generated<Json>;",
        "  big: Int8;",
        "  cents: ColumnType<string | null, never, never>;",
        "export type Date2 = Selectable<DatesTable>;",  # a table called dates must not hide Date
        '  "100% real": T100RealTable;',  # a type name cannot start with a digit
    ):
        assert expected in text, expected


def test_output_is_deterministic(designs):
    for design in designs.values():
        assert kysely.render(design).files == kysely.render(design).files
