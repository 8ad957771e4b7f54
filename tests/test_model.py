"""The design-document model through its public functions: what a user sees, nothing internal.

Loading and saving (every example and hostile fixture round-trips byte-stable), the messages bad
documents get (file:line and table.column, checked against the line the mistake is really on),
defaults, portable types, implied conventions, comparison and generated names. No database.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from schemasmith.errors import SchemaError
from schemasmith.model import (
    Design,
    design_differences,
    dump_design,
    load_design,
    load_design_text,
    parse_type,
    save_design,
    with_implied,
)
from schemasmith.model import naming
from schemasmith.model.types import UnknownTypeError

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
HOSTILE = REPO / "tests" / "fixtures" / "hostile"
REQUIREMENTS = REPO.parent / "shared" / "examples"
FILE = "design.yaml"

DESIGN_FILES = sorted(EXAMPLES.glob("*.yaml")) + sorted(HOSTILE.glob("*.yaml"))


# --- helpers --------------------------------------------------------------------------------


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """The 1-based line of the `occurrence`-th line of `text` that contains `needle`."""
    hits = [number for number, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert len(hits) >= occurrence, f"{needle!r} not in the test document"
    return hits[occurrence - 1]


def load_error(text: str) -> SchemaError:
    with pytest.raises(SchemaError) as caught:
        load_design_text(text, FILE)
    return caught.value


def assert_only_problem(text: str, line: int, where: str, *fragments: str) -> str:
    """Loading `text` fails with exactly one problem, at `FILE:line`, naming `where`."""
    error = load_error(text)
    message = str(error)
    assert len(error.problems) == 1, message
    assert f"{FILE}:{line}: {where}: " in message, message
    for fragment in fragments:
        assert fragment in message, message
    return message


def table_design(columns: dict, **table) -> Design:
    return Design(name="t", tables={"t": {"columns": columns, **table}})


# A small, valid document the error cases below each break in one place.
BASE = """\
name: shop
enums:
  colour: [red, green]
tables:
  parents:
    columns:
      id: {type: uuid}
      code: {type: text}
      number: {type: bigint}
    primary_key: [id]
    unique:
      - {columns: [number]}
  kids:
    columns:
      id: {type: uuid}
      parent_id: {type: uuid}
      n: {type: bigint}
      label: {type: text, nullable: true}
    primary_key: [id]
"""


def with_kids(*lines: str, key: str = "foreign_keys") -> str:
    """BASE with a list under `kids.<key>`, one item per line."""
    return BASE + f"    {key}:\n" + "".join(f"      - {line}\n" for line in lines)


def test_base_document_is_valid():
    design = load_design_text(BASE, FILE)
    assert list(design.tables) == ["parents", "kids"]


# --- round trips ----------------------------------------------------------------------------


def test_every_example_is_covered():
    names = {path.name for path in DESIGN_FILES}
    assert {"taskhub.yaml", "taco-reviews.yaml", "model-catalogue.yaml", "hostile.yaml"} <= names


@pytest.mark.parametrize("path", DESIGN_FILES, ids=lambda path: path.name)
def test_load_dump_load_is_equal_and_byte_stable(path):
    design = load_design(path)
    text = dump_design(design)
    assert dump_design(design) == text  # dumping twice: identical bytes
    again = load_design_text(text, "dumped.yaml")
    assert again == design
    assert design_differences(design, again) == []
    assert dump_design(again) == text  # dump(load(dump(d))) == dump(d)


@pytest.mark.parametrize("path", DESIGN_FILES, ids=lambda path: path.name)
def test_save_design_writes_what_loads_back(path, tmp_path):
    design = load_design(path)
    target = tmp_path / "out" / "schema.yaml"
    save_design(design, target)
    assert target.read_text(encoding="utf-8") == dump_design(design)
    assert load_design(target) == design
    assert [entry.name for entry in target.parent.iterdir()] == ["schema.yaml"]  # no temporary left


def test_dump_layout_is_one_line_per_column_and_constraint():
    text = dump_design(load_design(EXAMPLES / "taskhub.yaml"))
    assert "      title: {type: varchar(200)}\n" in text
    assert "    - {columns: [project_id, priority desc, created_at], serves: [project_board]" in text
    assert text.index("name:") < text.index("conventions:") < text.index("tables:") < text.index("queries:")


def test_strings_that_yaml_would_misread_round_trip():
    awkward = ["0", "true", "null", "yes", "~", "", "- x", "# c", "a: b", " lead", "trail ", "a,b", "it's", 'x"y']
    awkward += ["line1\nline2", "end\n\n", "\nstarts with a newline", "é ü", "{}", "[]", "*x", "&x", "!x", "%x", "@x"]
    for value in awkward:
        design = Design(
            name="t",
            description=value,
            tables={"t": {"comment": value, "rationale": value, "columns": {"a": {"type": "text", "default": value, "comment": value}}}},
            queries=[{"id": "q", "sql": value or "SELECT 1"}],
        )
        text = dump_design(design)
        again = load_design_text(text)
        assert again == design, value
        assert dump_design(again) == text, value


def test_hostile_names_round_trip():
    for name in ["select", "order line", "Mixed Case", 'quote"inside', "it's", "a,b", "x: y", "on", "null", "1", "é"]:
        design = Design(
            name=name,
            enums={name: [name, "other"]},
            tables={
                name: {
                    "columns": {name: {"type": f"enum:{name}", "default": name}, "id": {"type": "bigint"}},
                    "primary_key": [name],
                    "foreign_keys": [{"columns": [name], "references": {"table": name, "columns": [name]}}],
                    "indexes": [{"columns": [name], "name": name, "include": ["id"]}],
                }
            },
        )
        text = dump_design(design)
        assert load_design_text(text) == design, name
        assert dump_design(load_design_text(text)) == text, name


# --- the hand-written examples say what their requirements say ------------------------------


def test_taco_reviews_design_follows_its_requirements():
    design = load_design(EXAMPLES / "taco-reviews.yaml")
    tables = design.tables
    assert set(tables) >= {"users", "spots", "reviews", "photos", "favourites", "tags", "spot_tags"}
    reviews = tables["reviews"]
    assert [unique.columns for unique in reviews.unique] == [["user_id", "spot_id"]]  # at most once
    assert any("BETWEEN 1 AND 5" in check.expression for check in reviews.checks)
    assert tables["favourites"].primary_key == ["user_id", "spot_id"]
    assert tables["spot_tags"].primary_key == ["spot_id", "tag_id"]
    assert tables["spots"].columns["website"].nullable and tables["photos"].columns["caption"].nullable
    assert not any(column.nullable for column in reviews.columns.values())
    assert all(fk.on_delete and fk.reason for table in tables.values() for fk in table.foreign_keys)
    assert "lower(email)" in tables["users"].indexes[0].expressions and tables["users"].indexes[0].unique


def test_model_catalogue_design_follows_its_requirements():
    design = load_design(EXAMPLES / "model-catalogue.yaml")
    tables = design.tables
    for name in ("benchmark_results", "opinions", "use_cases"):
        to_models = [fk for fk in tables[name].foreign_keys if fk.references.table == "models"]
        assert [fk.on_delete for fk in to_models] == ["cascade"], name  # deleting a model removes them
    results = tables["benchmark_results"]
    assert [unique.columns for unique in results.unique] == [["model_id", "benchmark_id", "tested_on"]]
    assert tables["opinions"].columns["tags"].type == "text[]"
    assert tables["opinions"].columns["sentiment"].type == "enum:opinion_sentiment"
    assert design.enums["opinion_sentiment"] == ["positive", "negative", "neutral", "mixed"]
    metadata_index = next(index for index in tables["models"].indexes if index.columns == ["metadata"])
    assert metadata_index.method == "gin" and metadata_index.serves == ["multimodal_models"]
    assert any(index.columns == ["benchmark_id", "score desc"] for index in results.indexes)
    nullable = {f"{t}.{c}" for t, table in tables.items() for c, column in table.columns.items() if column.nullable}
    assert nullable == {"models.released_on", "models.licence", "benchmarks.category"}  # the optional ones


@pytest.mark.parametrize(
    ("design_file", "requirements_file"),
    [
        ("taskhub.yaml", "project-management.md"),
        ("taco-reviews.yaml", "taco-reviews.md"),
        ("model-catalogue.yaml", "model-catalogue.md"),
    ],
)
def test_every_user_story_has_a_query(design_file, requirements_file):
    requirements = REQUIREMENTS / requirements_file
    if not requirements.exists():
        pytest.skip(f"{requirements} is not here")
    stories = re.findall(r"^- (As an? .+)$", requirements.read_text(encoding="utf-8"), re.M)
    design = load_design(EXAMPLES / design_file)
    assert len(design.queries) == len(stories)
    for story, query in zip(stories, design.queries):
        # The design may shorten a story's tail, never change its start.
        assert story.startswith(query.story.rstrip(".")), (story, query.story)
        assert query.sql.strip().upper().startswith("SELECT")
    served = {query_id for table in design.tables.values() for index in table.indexes for query_id in index.serves}
    assert served <= {query.id for query in design.queries}


def test_audit_fields_follow_the_conventions():
    for name in ("taco-reviews.yaml", "model-catalogue.yaml"):
        design = load_design(EXAMPLES / name)
        for table_name, table in design.tables.items():
            assert "created_at" in table.columns, f"{name}: {table_name}"
            if "updated_at" in table.columns:
                assert any(trigger.kind == "updated_at" for trigger in table.triggers), f"{name}: {table_name}"
            else:
                assert table.kind == "junction" and table.rationale, f"{name}: {table_name} must say why"


# --- malformed documents --------------------------------------------------------------------


def test_malformed_yaml_names_file_and_line():
    text = "name: shop\ntables:\n  a:\n    columns: {id: {type: uuid}\n  b: 1\n"
    error = load_error(text)
    assert str(error).startswith("malformed YAML\n")
    assert f"{FILE}:5: " in str(error)  # PyYAML notices the missing `}` on the next line
    assert "expected ',' or '}'" in str(error)


def test_malformed_yaml_mapping_inside_plain_value():
    text = "name: shop\ntables:\n  a:\n    comment: one: two\n"
    assert f"{FILE}:4: mapping values are not allowed" in str(load_error(text))


def test_malformed_yaml_file_is_named_by_its_path(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("name: shop\ntables:\n\tbad: {}\n", encoding="utf-8")
    with pytest.raises(SchemaError) as caught:
        load_design(path)
    assert f"{path}:3: " in str(caught.value)


def test_missing_file_is_named():
    with pytest.raises(SchemaError, match="no-such.yaml: no such file"):
        load_design(REPO / "no-such.yaml")


def test_not_a_mapping():
    assert f"{FILE}:1: expected a mapping" in str(load_error("- a\n- b\n"))


@pytest.mark.parametrize(
    "value, fragment",
    [
        ("1" * 5000, "cannot be read as int: Exceeds the limit (4300 digits)"),  # found by the fuzz test: ValueError
        ("2001-13-45", "'2001-13-45' cannot be read as timestamp: month must be in 1..12"),
        ("!!int twelve", "'twelve' cannot be read as int"),
        ("!!bool maybe", "'maybe' cannot be read as bool"),  # was a KeyError
        ("!!timestamp soon", "'soon' cannot be read as timestamp"),  # was an AttributeError
    ],
)
def test_a_scalar_yaml_cannot_convert_names_its_line(value, fragment):
    text = BASE.replace("      code: {type: text}\n", f"      code: {{type: text, comment: {value}}}\n")
    message = str(load_error(text))
    assert message.startswith("malformed YAML\n") and f"{FILE}:{line_of(text, 'comment:')}: " in message
    assert fragment in message, message


@pytest.mark.parametrize("alias", ["&loop [*loop]", "&loop {a: *loop}"])
def test_an_alias_inside_its_own_value_is_refused_at_its_line(alias):
    text = BASE.replace("      code: {type: text}\n", f"      code: {{type: text, comment: {alias}}}\n")  # was a RecursionError
    assert f"{FILE}:{line_of(text, 'comment:')}: an alias refers to the value it is written inside" in str(load_error(text))


def test_aliases_that_expand_a_billion_times_are_refused_at_once():
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 9)]
    message = str(load_error("\n".join(levels) + "\n" + BASE))  # took hours, walking every expanded value
    assert re.search(rf"{FILE}:1: aliases expand this document to 1,\d{{3}},\d{{3}},\d{{3}} values, from \d+ written", message), message


def test_aliases_that_share_a_few_definitions_still_load():
    text = BASE.replace("      code: {type: text}\n", "      code: &text {type: text}\n      name: *text\n")
    assert load_design_text(text, FILE).tables["parents"].columns["name"].type == "text"


@pytest.mark.parametrize("depth", [150, 600, 990])
def test_values_nested_hundreds_deep_are_refused_at_their_line(depth):
    nested = "[" * depth + "]" * depth  # 300 to 990 levels raised RecursionError; libyaml stops at 1,000
    text = BASE.replace("      code: {type: text}\n", f"      code: {{type: text, comment: {nested}}}\n")
    assert f"{FILE}:{line_of(text, 'comment:')}: values nest more than 100 levels deep" in str(load_error(text))
    with_duplicate = text + "  parents:\n    columns: {}\n"
    assert "values nest more than 100 levels deep" in str(load_error(with_duplicate))


def test_duplicate_table_key_names_the_line_of_the_duplicate():
    text = BASE + "  parents:\n    columns:\n      id: {type: uuid}\n"
    message = assert_only_problem(text, line_of(text, "  parents:", 2), "parents", "duplicate key 'parents'")
    assert f"(first written on line {line_of(text, '  parents:')})" in message


def test_duplicate_column_key_names_the_line_of_the_duplicate():
    text = BASE.replace("      code: {type: text}\n", "      code: {type: text}\n      code: {type: varchar(9)}\n")
    error = load_error(text)
    assert len(error.problems) == 1
    problem = error.problems[0]
    assert (problem.file, problem.line) == (FILE, line_of(text, "code: {type: varchar(9)}"))
    assert f"duplicate key 'code' (first written on line {line_of(text, 'code: {type: text}')})" in str(error)
    assert "parents" in problem.where and "code" in problem.where


def test_duplicate_column_key_is_placed_as_table_column():
    text = BASE.replace("      code: {type: text}\n", "      code: {type: text}\n      code: {type: varchar(9)}\n")
    assert f"{FILE}:{line_of(text, 'varchar(9)')}: parents.code: duplicate key 'code'" in str(load_error(text))


def test_unknown_key_names_table_column_and_line():
    text = BASE.replace("code: {type: text}", "code: {type: text, nulable: true}")
    assert_only_problem(text, line_of(text, "nulable"), "parents.code.nulable", "unknown key 'nulable'")


def test_unknown_table_key():
    text = BASE.replace("    unique:\n", "    uniqe:\n")
    assert_only_problem(text, line_of(text, "uniqe"), "parents.uniqe", "unknown key 'uniqe'")


def test_unknown_type_lists_the_portable_types():
    text = BASE.replace("label: {type: text, nullable: true}", "label: {type: strng, nullable: true}")
    message = assert_only_problem(text, line_of(text, "strng"), "kids.label.type", "unknown type 'strng'")
    portable = ["uuid", "text", "varchar(n)", "smallint", "integer", "bigint", "numeric(p,s)", "real", "double"]
    portable += ["boolean", "date", "time", "timestamp", "timestamptz", "interval", "json", "bytes", "enum:NAME", "T[]"]
    for name in portable:
        assert re.search(rf"(?<![\w:(]){re.escape(name)}(?![\w(])", message), name


def test_unquoted_numeric_in_a_flow_mapping_gets_the_quoting_hint():
    text = BASE.replace("code: {type: text}", "code: {type: numeric(10,2)}")
    error = load_error(text)
    line = line_of(text, "numeric(10,2)")
    assert f'{FILE}:{line}: parents.code.type: unknown type \'numeric(10\'' in str(error)
    assert 'so quote it: "numeric(10,2)"' in str(error)
    assert all(problem.line == line for problem in error.problems)


def test_quoted_numeric_is_fine():
    text = BASE.replace("code: {type: text}", 'code: {type: "numeric(10,2)"}')
    assert load_design_text(text).tables["parents"].columns["code"].type == "numeric(10,2)"


def test_bad_value_of_a_known_key():
    text = with_kids("{columns: [parent_id], references: {table: parents, columns: [id]}, on_delete: delete}")
    assert_only_problem(text, line_of(text, "on_delete"), "kids.foreign_keys.0.on_delete", "'cascade', 'set null'")


# --- inconsistent documents -----------------------------------------------------------------


def test_foreign_key_to_a_missing_table():
    text = with_kids("{columns: [parent_id], references: {table: parent, columns: [id]}}")
    assert_only_problem(
        text, line_of(text, "table: parent,"), "kids(parent_id)", "references table 'parent', which is not in the design"
    )


def test_foreign_key_to_a_missing_column():
    text = with_kids("{columns: [parent_id], references: {table: parents, columns: [uid]}}")
    assert_only_problem(text, line_of(text, "columns: [uid]"), "kids(parent_id)", "references parents.uid, which does not exist")


def test_foreign_key_from_a_missing_column():
    text = with_kids("{columns: [parentid], references: {table: parents, columns: [id]}}")
    assert_only_problem(text, line_of(text, "parentid"), "kids.parentid", "a foreign key names column 'parentid'")


def test_foreign_key_column_count_mismatch():
    text = with_kids("{columns: [parent_id, n], references: {table: parents, columns: [id]}}")
    assert_only_problem(
        text, line_of(text, "parent_id, n"), "kids(parent_id, n)", "foreign key has 2 column(s) but references 1 in parents"
    )


def test_foreign_key_type_family_mismatch():
    text = with_kids("{columns: [parent_id], references: {table: parents, columns: [number]}}")
    assert_only_problem(
        text, line_of(text, "columns: [number]}}"), "kids.parent_id", "kids.parent_id is uuid but references parents.number of type bigint"
    )


def test_foreign_key_within_a_type_family_is_fine():
    text = with_kids("{columns: [n], references: {table: parents, columns: [number]}}")  # bigint → bigint
    load_design_text(text, FILE)
    text = BASE.replace("n: {type: bigint}", "n: {type: integer}")
    load_design_text(text + "    foreign_keys:\n      - {columns: [n], references: {table: parents, columns: [number]}}\n")


def test_foreign_key_to_a_non_unique_column():
    text = with_kids("{columns: [label], references: {table: parents, columns: [code]}, on_delete: set null}")
    assert_only_problem(
        text, line_of(text, "columns: [code]"), "kids(label)", "references parents(code), which is neither its primary key nor unique"
    )


def test_set_null_on_a_not_null_column():
    text = with_kids("{columns: [parent_id], references: {table: parents, columns: [id]}, on_delete: set null}")
    assert_only_problem(text, line_of(text, "set null"), "kids.parent_id", "SET NULL on a NOT NULL column")


def test_index_on_a_missing_column():
    text = with_kids("{columns: [n, nope desc]}", key="indexes")
    assert_only_problem(text, line_of(text, "nope desc"), "kids.nope", "an index names column 'nope', which kids does not have")


def test_index_include_of_a_missing_column():
    text = with_kids("{columns: [n], include: [nope]}", key="indexes")
    assert_only_problem(text, line_of(text, "include"), "kids.nope", "an index's include names column 'nope'")


def test_index_serves_an_unknown_query():
    text = with_kids("{columns: [n], serves: [best_sellers]}", key="indexes")
    text += "queries:\n  - {id: bestsellers, sql: SELECT 1}\n"
    assert_only_problem(text, line_of(text, "serves"), "kids", "index serves query 'best_sellers', which is not in `queries`")


def test_enum_column_naming_a_missing_enum():
    text = BASE.replace("label: {type: text, nullable: true}", 'label: {type: "enum:color", nullable: true}')
    assert_only_problem(text, line_of(text, "enum:color"), "kids.label", "names enum 'color', which is not in `enums`")


def test_enum_default_not_among_the_values():
    text = BASE.replace("label: {type: text, nullable: true}", 'label: {type: "enum:colour", default: blue}')
    assert_only_problem(text, line_of(text, "blue"), "kids.label", "default 'blue' is not a value of enum colour (red, green)")


def test_identity_on_a_text_column():
    text = BASE.replace("code: {type: text}", "code: {type: text, identity: always}")
    assert_only_problem(text, line_of(text, "identity"), "parents.code", "identity needs an integer type, not text")


def test_nullable_primary_key_column():
    text = BASE.replace("      id: {type: uuid}\n      code", "      id: {type: uuid, nullable: true}\n      code")
    assert_only_problem(text, line_of(text, "nullable: true}"), "parents.id", "a primary-key column cannot be nullable")


@pytest.mark.parametrize("name", ["c" * 64, "é" * 32, "a" + "é" * 31 + "b"], ids=["ascii64", "utf8-64", "utf8-64-odd"])
def test_name_of_64_bytes_is_rejected(name):
    assert len(name.encode("utf-8")) > 63
    text = BASE.replace("      n: {type: bigint}", f"      {name}: {{type: bigint}}")
    assert_only_problem(text, line_of(text, name), f"kids.{name}", f"is {len(name.encode())} bytes; PostgreSQL keeps only 63")


@pytest.mark.parametrize("name", ["c" * 63, "a" + "é" * 31], ids=["ascii63", "utf8-63"])
def test_name_of_63_bytes_passes(name):
    assert len(name.encode("utf-8")) == 63
    text = BASE.replace("      n: {type: bigint}", f"      {name}: {{type: bigint}}")
    assert name in load_design_text(text, FILE).tables["kids"].columns


def test_table_name_of_64_bytes_is_rejected():
    name = "t" * 64
    text = BASE.replace("  kids:", f"  {name}:")
    assert_only_problem(text, line_of(text, name), name, "is 64 bytes")


def test_a_table_with_an_empty_name_is_placed_even_without_a_file():
    from schemasmith.model.yamlio import design_from_data

    with pytest.raises(SchemaError) as caught:  # found by the fuzz test: "names cannot be empty", with no place
        design_from_data({"name": "t", "tables": {"": {"columns": {}}}})
    assert [str(problem) for problem in caught.value.problems] == ["table '': names cannot be empty"]


def test_a_name_with_a_nul_character_is_refused_at_its_line():
    text = BASE.replace("      n: {type: bigint}", '      "n\\0": {type: bigint}')  # loaded, then build failed naming no place
    assert_only_problem(text, line_of(text, "n\\0"), "kids.n\\x00", "names cannot contain a NUL character")


@pytest.mark.parametrize("key", ["[bracket]", "list[str]", "str"])
def test_an_unknown_key_spelt_like_a_pydantic_branch_is_named(key):
    text = BASE.replace("name: shop\n", f"name: shop\n'{key}': 1\n")  # `[bracket]` raised IndexError
    assert_only_problem(text, 2, key, f"unknown key {key!r}")


def test_max_depth_on_a_column_that_is_not_a_self_reference():
    text = with_kids("{columns: [parent_id], references: {table: parents, columns: [id]}, on_delete: cascade}")
    text += "    triggers:\n      - {kind: max_depth, column: parent_id, depth: 1}\n"
    assert_only_problem(
        text, line_of(text, "max_depth"), "kids.parent_id", "max_depth needs parent_id to be a foreign key to kids itself"
    )


def test_max_depth_on_a_self_reference_is_fine():
    text = BASE.replace("      label:", "      up_id: {type: uuid, nullable: true}\n      label:")
    text += "    foreign_keys:\n      - {columns: [up_id], references: {table: kids, columns: [id]}, on_delete: cascade}\n"
    text += "    triggers:\n      - {kind: max_depth, column: up_id, depth: 2}\n"
    trigger = load_design_text(text, FILE).tables["kids"].triggers[0]
    assert (trigger.kind, trigger.column, trigger.depth) == ("max_depth", "up_id", 2)


def test_several_problems_are_all_reported_in_document_order():
    text = BASE.replace("code: {type: text}", "code: {type: text, identity: always}")
    text = text.replace("label: {type: text, nullable: true}", 'label: {type: "enum:colour", default: blue}')
    message = str(load_error(text))
    assert message.index("parents.code") < message.index("kids.label")


def test_unquoted_key_that_yaml_reads_as_a_boolean_keeps_its_name():
    text = BASE.replace("      label:", "      on: {type: boolean}\n      label:")
    assert "on" in load_design_text(text, FILE).tables["kids"].columns


# --- defaults -------------------------------------------------------------------------------


DEFAULTS = """\
name: d
tables:
  t:
    columns:
      a: {type: timestamptz, default: now()}
      b: {type: text, default: member}
      c: {type: text, default: {value: "now()"}}
      d: {type: json, default: {sql: "'{}'::jsonb"}}
      e: {type: integer, default: 0}
      f: {type: boolean, default: false}
      g: {type: text, default: "0"}
"""


def test_defaults_tell_values_from_expressions():
    columns = load_design_text(DEFAULTS, FILE).tables["t"].columns
    seen = {name: (column.default.value, column.default.is_expression) for name, column in columns.items()}
    assert seen == {
        "a": ("now()", True),
        "b": ("member", False),
        "c": ("now()", False),
        "d": ("'{}'::jsonb", True),
        "e": (0, False),
        "f": (False, False),
        "g": ("0", False),
    }


def test_defaults_dump_in_their_shortest_unambiguous_form():
    text = dump_design(load_design_text(DEFAULTS, FILE))
    assert "      a: {type: timestamptz, default: now()}\n" in text
    assert "      b: {type: text, default: member}\n" in text
    assert "      c: {type: text, default: {value: now()}}\n" in text
    assert "      d: {type: json, default: {sql: '''{}''::jsonb'}}\n" in text
    assert "      g: {type: text, default: '0'}\n" in text
    again = load_design_text(text)
    assert again == load_design_text(DEFAULTS) and dump_design(again) == text


def test_infinite_and_nan_defaults_round_trip():
    # Found by the fuzz test: SQLite's `DEFAULT 1e400` imported as infinity, which was saved as `default: null`.
    text = "name: t\ntables:\n  t:\n    columns:\n      a: {type: real, default: .inf}\n      b: {type: real, default: -.inf}\n"
    text += "      c: {type: real, default: .nan}\n"
    dumped = dump_design(load_design_text(text, FILE))
    for line in ("a: {type: real, default: .inf}", "b: {type: real, default: -.inf}", "c: {type: real, default: .nan}"):
        assert line in dumped, dumped
    assert dump_design(load_design_text(dumped, FILE)) == dumped


def test_a_literal_default_and_an_expression_default_differ():
    literal = table_design({"a": {"type": "text", "default": {"value": "now()"}}})
    expression = table_design({"a": {"type": "text", "default": "now()"}})
    assert design_differences(literal, expression) != []


def test_bad_default_is_reported_at_its_column():
    text = BASE.replace("n: {type: bigint}", "n: {type: bigint, default: {sql: x, value: y}}")
    assert_only_problem(text, line_of(text, "sql: x"), "kids.n.default", "exactly one key: sql or value")


# --- portable types -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("int", "integer"),
        ("bool", "boolean"),
        ("double precision", "double"),
        ("jsonb", "json"),
        ("VARCHAR(64)", "varchar(64)"),
        ("text[]", "text[]"),
        ("array of integer", "integer[]"),
        ("enum:x", "enum:x"),
        ("Numeric(10, 2)", "numeric(10,2)"),
        ("decimal(5)", "numeric(5)"),
        ("character varying(10)", "varchar(10)"),
        ("timestamp with time zone", "timestamptz"),
        ("int8", "bigint"),
        ("bytea", "bytes"),
        ("array of enum:x", "enum:x[]"),
        ("double precision[]", "double[]"),
        ("array of varchar(3)", "varchar(3)[]"),
    ],
)
def test_parse_type_canonical_spelling(written, canonical):
    parsed = parse_type(written)
    assert str(parsed) == canonical
    assert parse_type(canonical) == parsed  # the canonical spelling parses to the same type


def test_parse_type_structure():
    assert parse_type("array of integer").element == parse_type("integer")
    assert parse_type("array of integer").is_array
    assert parse_type("enum:task_status").enum == "task_status"
    numeric = parse_type("numeric(10,2)")
    assert (numeric.kind, numeric.precision, numeric.scale) == ("numeric", 10, 2)
    assert parse_type("varchar(64)").length == 64


@pytest.mark.parametrize(
    ("written", "fragment"),
    [
        ("text[][]", "nested arrays are not portable"),
        ("array of text[]", "nested arrays are not portable"),
        ("numeric(2,5)", "numeric(p,s) needs 1 <= p and s <= p"),
        ("varchar(0)", "varchar length must be at least 1"),
        ("serial", "unknown type 'serial'; portable types are"),
        ("", "non-empty"),
        ("enum:", "enum type needs a name"),
    ],
)
def test_parse_type_errors(written, fragment):
    with pytest.raises(UnknownTypeError, match=re.escape(fragment)):
        parse_type(written)


def test_type_aliases_are_saved_canonically():
    design = load_design_text("name: t\ntables:\n  t:\n    columns:\n      a: {type: int}\n      b: {type: jsonb}\n")
    assert "      a: {type: integer}\n      b: {type: json}\n" in dump_design(design)


# --- implied conventions and comparison -----------------------------------------------------


def test_with_implied_gives_a_single_uuid_key_a_generated_default():
    design = table_design({"id": {"type": "uuid"}, "name": {"type": "text"}}, primary_key=["id"])
    key = with_implied(design).tables["t"].columns["id"]
    assert (key.default.value, key.default.is_expression) == ("gen_random_uuid()", True)
    assert design.tables["t"].columns["id"].default is None  # the original is left alone


def test_with_implied_leaves_a_composite_uuid_key_alone():
    design = table_design({"a": {"type": "uuid"}, "b": {"type": "uuid"}}, primary_key=["a", "b"])
    assert all(column.default is None for column in with_implied(design).tables["t"].columns.values())


def test_with_implied_identity_convention_makes_an_integer_key_identity():
    columns = {"id": {"type": "bigint"}, "name": {"type": "text"}}
    identity = Design(name="t", conventions={"primary_key": "identity"}, tables={"t": {"columns": columns, "primary_key": ["id"]}})
    assert with_implied(identity).tables["t"].columns["id"].identity == "by default"
    uuid_convention = Design(name="t", tables={"t": {"columns": columns, "primary_key": ["id"]}})
    assert with_implied(uuid_convention).tables["t"].columns["id"].identity is None


def test_with_implied_keeps_an_explicit_identity():
    design = Design(
        name="t", conventions={"primary_key": "identity"}, tables={"t": {"columns": {"id": {"type": "bigint", "identity": "always"}}, "primary_key": ["id"]}}
    )
    assert with_implied(design).tables["t"].columns["id"].identity == "always"


def test_with_implied_adds_the_updated_at_trigger_when_the_column_exists():
    with_column = table_design({"id": {"type": "uuid"}, "updated_at": {"type": "timestamptz", "default": "now()"}})
    assert [trigger.kind for trigger in with_implied(with_column).tables["t"].triggers] == ["updated_at"]
    without = table_design({"id": {"type": "uuid"}, "created_at": {"type": "timestamptz"}})
    assert with_implied(without).tables["t"].triggers == []
    already = table_design({"updated_at": {"type": "timestamptz"}}, triggers=["updated_at"])
    assert len(with_implied(already).tables["t"].triggers) == 1


def test_implied_and_explicit_spellings_compare_equal():
    implicit = table_design({"id": {"type": "uuid"}, "updated_at": {"type": "timestamptz"}}, primary_key=["id"])
    explicit = table_design(
        {"id": {"type": "uuid", "default": "gen_random_uuid()"}, "updated_at": {"type": "timestamptz"}},
        primary_key=["id"],
        triggers=["updated_at"],
    )
    assert design_differences(implicit, explicit) == []


def _checked(check: str, where: str, column_type: str = "integer") -> Design:
    return table_design(
        {"id": {"type": "uuid"}, "a": {"type": column_type}, "status": {"type": "text"}},
        primary_key=["id"],
        checks=[{"expression": check}],
        indexes=[{"columns": ["a"], "where": where}],
    )


def test_design_differences_ignores_expression_spelling():
    database = _checked("((a >= 1) AND (a <= 5))", "status <> 'done'::text")
    written = _checked("a >= 1 AND a <= 5", "status <> 'done'")
    assert design_differences(database, written) == []


def test_design_differences_reports_a_changed_column_type():
    differences = design_differences(_checked("a >= 1", "a > 0"), _checked("a >= 1", "a > 0", column_type="bigint"))
    assert differences == ["tables.t.columns.a.type: 'integer' != 'bigint'"]


def test_design_differences_reports_a_changed_expression():
    differences = design_differences(_checked("a >= 1 AND a <= 5", "a > 0"), _checked("a >= 1 AND a <= 6", "a > 0"))
    assert len(differences) == 1 and differences[0].startswith("tables.t.checks[0].expression")


def test_design_differences_reports_column_order():
    first = table_design({"a": {"type": "text"}, "b": {"type": "text"}})
    second = table_design({"b": {"type": "text"}, "a": {"type": "text"}})
    assert any("column order differs" in difference for difference in design_differences(first, second))


def test_design_differences_ignores_default_expression_spelling():
    lower = table_design({"a": {"type": "timestamptz", "default": "now()"}})
    upper = table_design({"a": {"type": "timestamptz", "default": "NOW()"}})
    assert design_differences(lower, upper) == []


# --- generated names ------------------------------------------------------------------------


def test_fit_keeps_names_of_63_bytes():
    assert naming.fit("a" * 63) == "a" * 63
    assert naming.fit("a" + "é" * 31) == "a" + "é" * 31


def test_fit_shortens_longer_names_deterministically_and_distinctly():
    long_names = ["a" * 64, "a" * 65, "a" * 64 + "b", "é" * 40, "a" + "é" * 40, "x" * 55 + "_tail_one", "x" * 55 + "_tail_two"]
    fitted = [naming.fit(name) for name in long_names]
    assert fitted == [naming.fit(name) for name in long_names]  # deterministic
    assert len(set(fitted)) == len(long_names)  # distinct names stay distinct
    for name, short in zip(long_names, fitted):
        assert len(short.encode("utf-8")) <= 63
        assert re.fullmatch(r".+_[0-9a-f]{8}", short)
        short.encode("utf-8").decode("utf-8")  # never cut inside a character
        assert name.startswith(short[:-9])


def test_conventional_names_follow_postgresql():
    assert naming.primary_key_name("tasks") == "tasks_pkey"
    assert naming.unique_name("projects", ["organization_id", "name"]) == "projects_organization_id_name_key"
    assert naming.foreign_key_name("tasks", ["project_id"]) == "tasks_project_id_fkey"
    assert [naming.check_name("tasks", position) for position in range(3)] == ["tasks_check", "tasks_check1", "tasks_check2"]
    assert naming.trigger_name("tasks", "updated_at", None) == "tasks_set_updated_at"
    long = naming.foreign_key_name("t" * 40, ["c" * 40])
    assert len(long.encode()) == 63


def test_index_names_number_clashes():
    design = table_design(
        {"a": {"type": "integer"}, "b": {"type": "text"}},
        indexes=[
            {"columns": ["a"]},
            {"columns": ["a desc"]},
            {"columns": ["a"], "where": "a > 0"},
            {"expressions": ["lower(b)"]},
            {"name": "my_index", "columns": ["b"]},
        ],
    )
    assert naming.index_names("t", design.tables["t"]) == ["t_a_idx", "t_a_idx1", "t_a_idx2", "t_lower_b_idx", "my_index"]


def test_index_names_of_the_examples_are_unique_per_table():
    for path in DESIGN_FILES:
        for table_name, table in load_design(path).tables.items():
            names = naming.index_names(table_name, table)
            assert len(names) == len(set(names)), (path.name, table_name, names)
            assert all(len(name.encode()) <= 63 for name in names)


def test_index_names_never_repeat_an_explicit_name():
    design = table_design(
        {"a": {"type": "integer"}},
        indexes=[{"columns": ["a"]}, {"columns": ["a"], "where": "a > 0"}, {"columns": ["a"], "name": "t_a_idx1"}],
    )
    names = naming.index_names("t", design.tables["t"])
    assert len(set(names)) == 3, names


@pytest.mark.parametrize(
    ("table", "column", "enum"),
    [("tasks", "status", "task_status"), ("order line", "status", "order status"), ("t_x", "y", "z"), ("t", "x_y", "z_enum")],
)
def test_enum_from_check_name_inverts_enum_check_name(table, column, enum):
    name = naming.enum_check_name(table, column, enum)
    assert name == f"{table}_{column}_{enum}_enum"
    assert naming.enum_from_check_name(table, column, name) == enum


def test_enum_from_check_name_ignores_other_names():
    assert naming.enum_from_check_name("tasks", "status", "tasks_status_check") is None
    assert naming.enum_from_check_name("tasks", "status", "tasks_status_enum") is None
    assert naming.enum_from_check_name("tasks", "status", "projects_status_task_status_enum") is None


def test_enum_from_check_name_inverts_a_shortened_name():
    table, column, enum = "organization_memberships", "membership_role", "organization_membership_role"
    name = naming.enum_check_name(table, column, enum)
    assert len(name.encode()) <= 63
    assert naming.enum_from_check_name(table, column, name) == enum


def test_creation_order_puts_referenced_tables_first_and_breaks_cycles_in_design_order():
    from schemasmith.model.ordering import creation_order

    design = load_design_text(
        "name: x\ntables:\n"
        "  a: {columns: {id: {type: uuid}, b_id: {type: uuid}}, primary_key: [id],"
        " foreign_keys: [{columns: [b_id], references: {table: b, columns: [id]}}]}\n"
        "  b: {columns: {id: {type: uuid}, c_id: {type: uuid}}, primary_key: [id],"
        " foreign_keys: [{columns: [c_id], references: {table: c, columns: [id]}}]}\n"
        "  c: {columns: {id: {type: uuid}}, primary_key: [id]}\n"
        "  d: {columns: {id: {type: uuid}, e_id: {type: uuid}}, primary_key: [id],"
        " foreign_keys: [{columns: [e_id], references: {table: e, columns: [id]}}]}\n"
        "  e: {columns: {id: {type: uuid}, d_id: {type: uuid}}, primary_key: [id],"
        " foreign_keys: [{columns: [d_id], references: {table: d, columns: [id]}}]}\n"
    )
    assert creation_order(design) == ["c", "b", "a", "d", "e"]
