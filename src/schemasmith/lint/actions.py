"""What a statement does, in the words of `migrate.safety.FACTS`: one `Action` per effect.

An ALTER TABLE with three sub-commands is three actions on one table. Each action names the
FACTS row (`kind`) that says what it locks, rewrites and scans, so lint and `diff` share one
table of those facts. What only the database can tell (does a DROP CONSTRAINT drop a unique
key? is a NOT NULL already proven by a validated CHECK?) is asked in replay.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pglast import ast, enums

AT = enums.AlterTableType
CT = enums.ConstrType
OBJ = enums.ObjectType

#: Functions whose value differs per row: a default calling one is computed for every row.
VOLATILE_FUNCTIONS = {"random", "gen_random_uuid", "uuid_generate_v4", "uuid_generate_v1", "clock_timestamp", "timeofday", "nextval", "uuidv4", "uuidv7", "txid_current"}


@dataclass
class Action:
    kind: str  # a key of migrate.safety.FACTS
    table: str | None  # as written (schema.table when qualified)
    column: str | None = None
    constraint: str | None = None
    command: int | None = None  # the ALTER TABLE sub-command's position
    detail: dict = field(default_factory=dict)


def relation_name(relation) -> str | None:
    if relation is None:
        return None
    return f"{relation.schemaname}.{relation.relname}" if relation.schemaname else relation.relname


def _names(node) -> str:
    """A dotted name from a list of String nodes (DROP TABLE a.b, DROP INDEX i, DROP FUNCTION f(int))."""
    if isinstance(node, ast.ObjectWithArgs):
        node = node.objname
    parts = node if isinstance(node, (list, tuple)) else getattr(node, "names", None) or [node]
    return ".".join(getattr(part, "sval", str(part)) for part in parts)


def _calls(node) -> set[str]:
    """Names of the functions an expression calls."""
    found: set[str] = set()

    def walk(item):
        if isinstance(item, ast.FuncCall):
            found.add(getattr(item.funcname[-1], "sval", "").lower())
        if isinstance(item, ast.Node):
            for name in item:
                walk(getattr(item, name))
        elif isinstance(item, (list, tuple)):
            for child in item:
                walk(child)

    walk(node)
    return found


def _column_actions(table: str, column: ast.ColumnDef, index: int) -> list[Action]:
    constraints = list(column.constraints or ())
    types = {constraint.contype for constraint in constraints}
    default = next((c.raw_expr for c in constraints if c.contype == CT.CONSTR_DEFAULT), None)
    name = column.colname
    actions = []
    if CT.CONSTR_GENERATED in types:
        kind = "add_column_generated"
    elif CT.CONSTR_IDENTITY in types or (column.typeName and _names(column.typeName.names).lower().split(".")[-1] in ("serial", "bigserial", "smallserial", "serial4", "serial8", "serial2")):
        kind = "add_column_identity"
    elif default is not None and _calls(default) & VOLATILE_FUNCTIONS:
        kind = "add_column_volatile_default"
    elif CT.CONSTR_NOTNULL in types and default is None:
        kind = "add_column_not_null"
    elif default is not None:
        kind = "add_column_default"
    else:
        kind = "add_column"
    actions.append(Action(kind, table, name, command=index))
    for constraint in constraints:
        if constraint.contype == CT.CONSTR_FOREIGN:
            kind = "add_foreign_key_not_valid" if constraint.skip_validation else "add_foreign_key"
            actions.append(Action(kind, table, name, constraint.conname, index, {"references": relation_name(constraint.pktable), "new_column": True}))
        elif constraint.contype in (CT.CONSTR_UNIQUE, CT.CONSTR_PRIMARY):
            kind = "add_primary_key" if constraint.contype == CT.CONSTR_PRIMARY else "add_unique"
            actions.append(Action(kind, table, name, constraint.conname, index, {"new_column": True}))
        elif constraint.contype == CT.CONSTR_CHECK:
            actions.append(Action("add_check_not_valid" if constraint.skip_validation else "add_check", table, name, constraint.conname, index, {"new_column": True}))
    return actions


def _constraint_action(table: str, constraint: ast.Constraint, index: int) -> Action:
    columns = [getattr(key, "sval", None) for key in (constraint.keys or constraint.fk_attrs or ())]
    detail = {"columns": [c for c in columns if c]}
    name = constraint.conname
    if constraint.contype == CT.CONSTR_CHECK:
        kind = "add_check_not_valid" if constraint.skip_validation else "add_check"
    elif constraint.contype == CT.CONSTR_FOREIGN:
        kind = "add_foreign_key_not_valid" if constraint.skip_validation else "add_foreign_key"
        detail["references"] = relation_name(constraint.pktable)
    elif constraint.contype == CT.CONSTR_PRIMARY:
        kind = "add_primary_key_using_index" if constraint.indexname else "add_primary_key"
    elif constraint.contype == CT.CONSTR_UNIQUE:
        kind = "add_unique_using_index" if constraint.indexname else "add_unique"
    elif constraint.contype == CT.CONSTR_EXCLUSION:
        kind = "add_exclusion"
    else:
        kind = "sql"
    return Action(kind, table, detail["columns"][0] if len(detail["columns"]) == 1 else None, name, index, detail)


def _alter_table(statement: ast.AlterTableStmt) -> list[Action]:
    table = relation_name(statement.relation)
    if statement.objtype not in (OBJ.OBJECT_TABLE,):
        kind = {OBJ.OBJECT_INDEX: "rename_index", OBJ.OBJECT_MATVIEW: "replace_view", OBJ.OBJECT_VIEW: "replace_view", OBJ.OBJECT_SEQUENCE: "alter_sequence"}.get(statement.objtype, "sql")
        return [Action(kind, table)]
    actions: list[Action] = []
    for index, command in enumerate(statement.cmds or ()):
        subtype = command.subtype
        column = command.name
        if subtype == AT.AT_AddColumn:
            actions += _column_actions(table, command.def_, index)
        elif subtype == AT.AT_AddConstraint:
            actions.append(_constraint_action(table, command.def_, index))
        elif subtype == AT.AT_ValidateConstraint:
            actions.append(Action("validate_constraint", table, constraint=command.name, command=index))
        elif subtype == AT.AT_SetNotNull:
            actions.append(Action("set_not_null", table, column, command=index))
        elif subtype == AT.AT_DropNotNull:
            actions.append(Action("drop_not_null", table, column, command=index))
        elif subtype == AT.AT_DropColumn:
            actions.append(Action("drop_column", table, column, command=index))
        elif subtype == AT.AT_DropConstraint:
            actions.append(Action("drop_constraint", table, constraint=command.name, command=index))
        elif subtype == AT.AT_AlterColumnType:
            actions.append(Action("alter_column_type", table, column, command=index))
        elif subtype == AT.AT_ColumnDefault:
            actions.append(Action("set_default" if command.def_ is not None else "drop_default", table, column, command=index))
        elif subtype in (AT.AT_SetLogged, AT.AT_SetUnLogged, AT.AT_SetTableSpace, AT.AT_SetAccessMethod):
            actions.append(Action("table_option", table, command=index, detail={"rewrites": True}))
        elif subtype == AT.AT_AttachPartition:
            actions.append(Action("attach_partition", table, command=index))
        elif subtype == AT.AT_DetachPartition:
            actions.append(Action("detach_partition", table, command=index))
        elif subtype == AT.AT_AddIdentity:
            actions.append(Action("add_identity", table, column, command=index))
        elif subtype in (AT.AT_EnableRowSecurity, AT.AT_DisableRowSecurity, AT.AT_ForceRowSecurity, AT.AT_NoForceRowSecurity):
            actions.append(Action("row_level_security", table, command=index))
        else:
            actions.append(Action("table_option", table, column, command=index))
    return actions


def _drop(statement: ast.DropStmt) -> list[Action]:
    kinds = {
        OBJ.OBJECT_TABLE: "drop_table",
        OBJ.OBJECT_INDEX: "drop_index_concurrently" if statement.concurrent else "drop_index",
        OBJ.OBJECT_VIEW: "drop_view",
        OBJ.OBJECT_MATVIEW: "drop_materialized_view",
        OBJ.OBJECT_SEQUENCE: "drop_sequence",
        OBJ.OBJECT_TYPE: "drop_type",
        OBJ.OBJECT_FUNCTION: "drop_routine",
        OBJ.OBJECT_TRIGGER: "drop_trigger",
        OBJ.OBJECT_SCHEMA: "drop_schema",
        OBJ.OBJECT_EXTENSION: "drop_extension",
    }
    kind = kinds.get(statement.removeType, "sql")
    actions = []
    for item in statement.objects or ():
        name = _names(item)
        if kind == "drop_trigger":
            # DROP TRIGGER name ON table: the object is [schema.]table.trigger
            actions.append(Action(kind, name.rsplit(".", 1)[0] if "." in name else None, detail={"object": name}))
        elif kind in ("drop_index", "drop_index_concurrently"):
            actions.append(Action(kind, None, detail={"index": name, "if_exists": bool(statement.missing_ok)}))
        else:
            actions.append(Action(kind, name if kind in ("drop_table", "drop_view", "drop_materialized_view") else None, detail={"object": name, "if_exists": bool(statement.missing_ok)}))
    return actions


def _rename(statement: ast.RenameStmt) -> list[Action]:
    table = relation_name(statement.relation)
    kind = {
        OBJ.OBJECT_TABLE: "rename_table",
        OBJ.OBJECT_COLUMN: "rename_column",
        OBJ.OBJECT_INDEX: "rename_index",
        OBJ.OBJECT_TABCONSTRAINT: "rename_constraint",
        OBJ.OBJECT_TRIGGER: "rename_trigger",
    }.get(statement.renameType, "sql")
    if kind == "rename_index":
        return [Action(kind, None, detail={"index": table})]
    return [Action(kind, table, statement.subname, detail={"new_name": statement.newname})]


def _has_where(statement) -> bool:
    return getattr(statement, "whereClause", None) is not None


def _references(node: ast.CreateStmt) -> list[Action]:
    """The tables a new table's foreign keys lock (SHARE ROW EXCLUSIVE, while CREATE TABLE runs)."""
    found = []
    for element in node.tableElts or ():
        constraints = element.constraints if isinstance(element, ast.ColumnDef) else [element] if isinstance(element, ast.Constraint) else []
        for constraint in constraints or ():
            if isinstance(constraint, ast.Constraint) and constraint.contype == CT.CONSTR_FOREIGN:
                referenced = relation_name(constraint.pktable)
                if referenced and referenced != relation_name(node.relation) and referenced not in found:
                    found.append(referenced)
    return [Action("reference_lock", name) for name in found]


def actions_of(node) -> list[Action]:
    """The actions one parsed statement takes, in order."""
    if isinstance(node, ast.CreateStmt):
        return [Action("create_table", relation_name(node.relation)), *_references(node)]
    if isinstance(node, ast.CreateTableAsStmt):
        kind = "create_materialized_view" if node.objtype == OBJ.OBJECT_MATVIEW else "create_table"
        return [Action(kind, relation_name(node.into.rel))]
    if isinstance(node, ast.IndexStmt):
        kind = "create_index_concurrently" if node.concurrent else "create_index"
        return [Action(kind, relation_name(node.relation), detail={"index": node.idxname, "unique": bool(node.unique), "if_not_exists": bool(node.if_not_exists)})]
    if isinstance(node, ast.AlterTableStmt):
        return _alter_table(node)
    if isinstance(node, ast.DropStmt):
        return _drop(node)
    if isinstance(node, ast.RenameStmt):
        return _rename(node)
    if isinstance(node, ast.TruncateStmt):
        return [Action("truncate", relation_name(relation)) for relation in node.relations or ()]
    if isinstance(node, ast.UpdateStmt):
        return [Action("backfill", relation_name(node.relation), detail={"where": _has_where(node)})]
    if isinstance(node, ast.DeleteStmt):
        return [Action("delete_rows", relation_name(node.relation), detail={"where": _has_where(node)})]
    if isinstance(node, ast.AlterEnumStmt):
        return [Action("rename_enum_value" if node.oldVal else "add_enum_value", None)]
    if isinstance(node, ast.RefreshMatViewStmt):
        kind = "refresh_materialized_view_no_data" if node.skipData else ("sql" if node.concurrent else "refresh_materialized_view")
        return [Action(kind, relation_name(node.relation))]
    if isinstance(node, ast.CreateFunctionStmt):
        return [Action("replace_routine" if node.replace else "create_routine", None, detail={"object": _names(node.funcname)})]
    if isinstance(node, ast.CreateTrigStmt):
        return [Action("create_trigger", relation_name(node.relation))]
    return []
