"""The differ without a database: which operations a pair of designs gives, and in what order."""

from __future__ import annotations

from pathlib import Path

import pytest
from migrate_helpers import DESIGNS, EXAMPLES, labels_yaml_fixture  # noqa: F401 - the labels_yaml fixture

from schemasmith.errors import SchemaError, SchemasmithError
from schemasmith.migrate import diff, run_diff
from schemasmith.migrate import operations as ops
from schemasmith.migrate.files import read_directives, steps_in
from schemasmith.migrate.renames import expression_columns, rename_in_expression
from schemasmith.model import load_design, load_design_text

SHOP = DESIGNS / "shop.yaml"


def kinds(result) -> list[str]:
    return [operation.kind for operation in result.operations]


def shop(name: str):
    return diff(load_design(SHOP), load_design(DESIGNS / f"shop_{name}.yaml"))


def text_design(body: str):
    return load_design_text("name: t\n" + body)


def test_a_design_against_itself_is_empty():
    taskhub = load_design(EXAMPLES / "taskhub.yaml")
    assert diff(taskhub, taskhub).operations == []
    assert diff(taskhub, taskhub, dialect="sqlite").operations == []


def test_expressions_compare_by_meaning():
    old = text_design("tables:\n  t:\n    columns: {id: {type: integer}, x: {type: integer}}\n    primary_key: [id]\n"
                      "    checks: [{expression: 'x BETWEEN 1 AND 5'}]\n    indexes: [{columns: [x], where: '(x > 0)'}]\n")
    new = text_design("tables:\n  t:\n    columns: {id: {type: integer}, x: {type: integer}}\n    primary_key: [id]\n"
                      "    checks: [{expression: '((x >= 1) AND (x <= 5))'}]\n    indexes: [{columns: [x], where: 'x > 0'}]\n")
    assert diff(old, new).operations == []


def test_declared_column_rename_is_a_rename_and_renames_what_is_named_after_it():
    result = shop("rename_column")
    assert ops.RenameColumn("orders", "assignee", "handler") in result.operations
    assert ops.RenameIndex("orders", "orders_assignee_idx", "orders_handler_idx") in result.operations
    assert not any(isinstance(operation, (ops.DropColumn, ops.AddColumn)) for operation in result.operations)


def test_declared_table_rename_renames_conventional_names():
    result = shop("rename_table")
    assert result.operations[0] == ops.RenameTable("orders", "purchases")
    renamed = {(o.old, o.new) for o in result.operations if isinstance(o, (ops.RenameConstraint, ops.RenameIndex))}
    assert ("orders_pkey", "purchases_pkey") in renamed and ("orders_customer_id_fkey", "purchases_customer_id_fkey") in renamed
    assert all(isinstance(o, (ops.RenameTable, ops.RenameConstraint, ops.RenameIndex)) for o in result.operations)


def test_undeclared_rename_is_only_suggested():
    old = load_design(SHOP)
    text = (DESIGNS / "shop_rename_column.yaml").read_text().replace("renamed_from: assignee", "comment: who handles it")
    result = diff(old, load_design_text(text))
    assert [(s.kind, s.old, s.new) for s in result.renames.suggestions] == [("column", "assignee", "handler")]
    assert "renamed_from: assignee" in result.renames.suggestions[0].text()
    assert any(isinstance(o, ops.DropColumn) and o.column == "assignee" for o in result.operations)
    drop = next(o for o in result.operations if isinstance(o, ops.DropColumn))
    assert drop.loses_data


def test_renamed_from_already_applied_is_ignored():
    """The document keeps renamed_from after the migration; diffing from the renamed design is empty."""
    new = load_design(DESIGNS / "shop_rename_column.yaml")
    assert diff(new, new).operations == []


def test_renamed_from_that_clashes_is_an_error():
    old = load_design(SHOP)
    text = (DESIGNS / "shop_rename_column.yaml").read_text().replace("renamed_from: assignee", "renamed_from: note")
    with pytest.raises(SchemaError, match="still has a column note"):
        diff(old, load_design_text(text))


def test_enum_value_added_renamed_removed():
    added = shop("enum_add")
    (addition,) = [o for o in added.operations if isinstance(o, ops.AddEnumValues)]
    assert addition.additions == [("refunded", "AFTER", "shipped")]
    assert isinstance(addition.inverse(), ops.EnumSwap)  # PostgreSQL cannot drop a value: the DOWN swaps the type
    renamed = shop("enum_rename")
    (rename,) = [o for o in renamed.operations if isinstance(o, ops.RenameEnumValue)]
    assert (rename.enum, rename.old, rename.new) == ("priority", "urgent", "critical")
    assert any("urgent → critical" in note for note in renamed.notes)
    removed = shop("enum_remove")
    (swap,) = [o for o in removed.operations if isinstance(o, ops.EnumSwap)]
    assert swap.removed == ["shipped"]
    assert [(c.table, c.column) for c in swap.columns] == [("orders", "status")]
    # the partial index compares status with a literal: it must be rebuilt around the swap
    assert [d.description for d in swap.dependents] == ["index orders_created_at_idx"]


def test_type_change_facts():
    result = shop("change_type")
    changes = {o.column: o for o in result.operations if isinstance(o, ops.AlterColumnType)}
    assert changes["note"].kind == "alter_column_type_coercible"  # varchar(200) → varchar(500)
    assert changes["total"].kind == "alter_column_type_coercible"  # numeric(10,2) → numeric(12,2)
    assert changes["quantity"].kind == "alter_column_type"  # integer → bigint rewrites
    back = changes["note"].inverse()
    assert back.kind == "alter_column_type" and "longer than 200" in back.may_fail


def test_not_null_backfill_comes_from_the_design_or_the_option(tmp_path: Path):
    result = shop("not_null")
    backfills = {(o.table, o.column): o.value_sql for o in result.operations if isinstance(o, ops.Backfill)}
    assert backfills == {("orders", "note"): "''", ("orders", "position"): "id * 10"}
    text = (DESIGNS / "shop_not_null.yaml").read_text().replace("backfill: id * 10", "comment: sort key")
    (tmp_path / "new.yaml").write_text(text)
    with pytest.raises(SchemasmithError, match="orders.position") as raised:
        run_diff(str(SHOP), str(tmp_path / "new.yaml"), dialect=None, format="sql", output=str(tmp_path / "m"), backfill=[], safe=None)
    assert "--backfill orders.position=<SQL>" in str(raised.value)
    assert not (tmp_path / "m").exists()  # nothing written
    report = run_diff(str(SHOP), str(tmp_path / "new.yaml"), dialect=None, format="sql", output=str(tmp_path / "m"),
                      backfill=["orders.position=0"], safe=False)
    assert report.steps


@pytest.mark.parametrize("option, message", [
    ("orders.position", "expected TABLE.COLUMN=SQL"),
    ("nowhere.x=1", "NEW has no column nowhere.x"),
])
def test_bad_backfill_option(option: str, message: str, tmp_path: Path):
    with pytest.raises(SchemasmithError, match=message):
        run_diff(str(SHOP), str(DESIGNS / "shop_not_null.yaml"), dialect=None, format="sql", output=str(tmp_path), backfill=[option], safe=None)


def test_backfill_must_be_one_expression(tmp_path: Path):
    with pytest.raises(SchemaError, match="not one SQL expression"):
        run_diff(str(SHOP), str(DESIGNS / "shop_not_null.yaml"), dialect=None, format="sql", output=str(tmp_path),
                 backfill=["orders.note=''); DROP TABLE orders; --"], safe=None)


def test_split_copies_the_moved_columns():
    result = shop("split")
    (copy,) = [o for o in result.operations if isinstance(o, ops.CopyRows)]
    assert (copy.source, copy.target, copy.columns) == ("customers", "customer_profiles", [("bio", "bio"), ("avatar_url", "avatar_url")])
    drops = [o for o in result.operations if isinstance(o, ops.DropColumn)]
    assert {o.column for o in drops} == {"bio", "avatar_url"} and all(o.moved_to == "customer_profiles" and not o.loses_data for o in drops)
    order = [type(o).__name__ for o in result.operations]
    assert order.index("CreateTable") < order.index("CopyRows") < order.index("DropColumn")


def test_constraints_policies_comments():
    result = shop("constraints")
    found = {o.kind for o in result.operations}
    assert {"drop_check", "add_check", "drop_index", "create_index", "row_level_security", "create_policy", "comment", "set_default"} <= found
    sqlite = diff(load_design(SHOP), load_design(DESIGNS / "shop_constraints.yaml"), dialect="sqlite")
    assert not ({"row_level_security", "create_policy", "comment"} & {o.kind for o in sqlite.operations})


def test_new_tables_in_dependency_order_with_inline_foreign_keys(labels_yaml: Path):
    result = diff(load_design(EXAMPLES / "taskhub.yaml"), load_design(labels_yaml))
    created = [o.table for o in result.operations if isinstance(o, ops.CreateTable)]
    assert created == ["labels", "task_labels"]
    assert all(not o.deferred for o in result.operations if isinstance(o, ops.CreateTable))
    assert ops.CreateUpdatedAtFunction() not in result.operations  # taskhub already has it


def test_every_operation_inverts_back():
    for name in ("rename_column", "change_type", "not_null", "enum_rename", "split", "constraints", "rename_table"):
        for operation in shop(name).operations:
            if isinstance(operation, (ops.AddEnumValues, ops.Backfill)):
                continue
            assert operation.inverse().inverse().describe() == operation.describe(), operation


def test_expression_helpers():
    assert expression_columns("lower(email) = 'x' AND t.a > b") == {"email", "a", "b"}
    assert rename_in_expression("assignee IS NOT NULL AND 'assignee' <> assignee", {"assignee": "handler"}) == (
        "handler IS NOT NULL AND 'assignee' <> handler"
    )


def test_step_files_follow_the_contract(tmp_path: Path):
    run_diff(str(SHOP), str(DESIGNS / "shop_rename_column.yaml"), dialect=None, format="sql", output=str(tmp_path), backfill=[], safe=True)
    steps = steps_in(tmp_path)
    assert [ident for _, ident, _, _ in steps] == [
        "0001_rename_orders_assignee",
        "0002_rename_orders_assignee_index_orders_handler_idx",
        "0003_rename_orders_assignee_backfill",
        "0004_rename_orders_assignee_contract",
    ]
    for _, _, up, down in steps:
        for path in (up, down):
            text = path.read_text()
            directives = read_directives(text)
            lines = [line for line in text.splitlines() if line.strip()]
            if directives.no_transaction:
                assert lines[0] == "-- schemasmith: no-transaction"
                assert "BEGIN;" not in lines
            else:
                assert "BEGIN;" in lines and lines[-1] == "COMMIT;"
            assert "lock_timeout = '5s'" in text and "statement_timeout" in text
    contract = read_directives(steps[-1][2].read_text())
    assert contract.after_deploy == ["the application reads and writes orders.handler only (it may write either column until then)"]
    assert contract.data_loss == []  # the values were copied into handler first


def test_data_loss_and_irreversible_headers(tmp_path: Path):
    text = (DESIGNS / "shop.yaml").read_text().replace("      assignee: {type: text, nullable: true}\n", "")
    text = text.replace("      - {columns: [assignee]}\n", "")
    (tmp_path / "new.yaml").write_text(text)
    run_diff(str(SHOP), str(tmp_path / "new.yaml"), dialect=None, format="sql", output=str(tmp_path / "m"), backfill=[], safe=True)
    steps = steps_in(tmp_path / "m")
    contract = steps[-1]
    assert contract[1].endswith("_contract")
    up, down = read_directives(contract[2].read_text()), read_directives(contract[3].read_text())
    assert up.data_loss == ["drops column orders.assignee and its values"]
    assert up.after_deploy == ["the application no longer reads or writes orders.assignee"]
    assert down.irreversible == ["dropped column orders.assignee and its values"]


def test_enum_values_before_postgresql_12_run_outside_a_transaction(tmp_path: Path):
    """ALTER TYPE … ADD VALUE cannot run in a transaction block before PostgreSQL 12: its own no-transaction step."""
    old = SHOP.read_text().replace("  primary_key: identity\n", "  primary_key: identity\n  postgres_version: 11\n")
    new = (DESIGNS / "shop_enum_add.yaml").read_text().replace("  primary_key: identity\n", "  primary_key: identity\n  postgres_version: 11\n")
    (tmp_path / "old.yaml").write_text(old)
    (tmp_path / "new.yaml").write_text(new)
    run_diff(str(tmp_path / "old.yaml"), str(tmp_path / "new.yaml"), dialect=None, format="sql", output=str(tmp_path / "m"), backfill=[], safe=False)
    (first, second) = steps_in(tmp_path / "m")
    up = first[2].read_text()
    assert up.splitlines()[0] == "-- schemasmith: no-transaction" and "BEGIN;" not in up
    assert "ADD VALUE IF NOT EXISTS 'refunded'" in up
    assert not read_directives(first[3].read_text()).no_transaction  # the DOWN (a type swap) is one transaction
    assert "SET DEFAULT 'paid'" in second[2].read_text()  # the new value is used in the next step only
