"""The safe form of a hazardous statement, written as SQL: the same plans `diff --safe` makes.

`diff`'s safe planner (migrate/planner.py) turns model operations into steps: CONCURRENTLY
index builds and drops, NOT VALID + VALIDATE for checks and foreign keys, a unique index built
CONCURRENTLY then attached with USING INDEX, NOT NULL proven by a validated CHECK. A
hand-written statement has no model operation, so the same plans are written here on pglast's
tree of the statement; the words of each plan come from `migrate.safety.FACTS[kind].safe`.
"""

from __future__ import annotations

import copy

from pglast import ast, enums
from pglast.stream import RawStream

from ..dialects.postgres import quote_identifier
from .replay import Observation

AT = enums.AlterTableType
CT = enums.ConstrType


def sql(node) -> str:
    return RawStream()(node)


def _table_sql(name: str) -> str:
    return ".".join(quote_identifier(part) for part in name.split("."))


def _command(observation: Observation):
    """The ALTER TABLE statement reduced to the one sub-command this action came from."""
    statement = copy.deepcopy(observation.statement.node)
    index = observation.action.command
    if index is not None:
        statement.cmds = (statement.cmds[index],)
    return statement


def _constraint_name(observation: Observation, constraint) -> str:
    if constraint.conname:
        return constraint.conname
    table = observation.action.table.split(".")[-1]
    columns = [getattr(key, "sval", "") for key in (constraint.fk_attrs or constraint.keys or ())]
    suffix = {CT.CONSTR_FOREIGN: "fkey", CT.CONSTR_CHECK: "check", CT.CONSTR_UNIQUE: "key", CT.CONSTR_PRIMARY: "pkey"}.get(constraint.contype, "con")
    return "_".join([table, *columns, suffix])[:63]


def concurrently(observation: Observation) -> str:
    """CREATE/DROP INDEX CONCURRENTLY, in its own step outside a transaction block."""
    statement = copy.deepcopy(observation.statement.node)
    statement.concurrent = True
    return "-- outside a transaction block (CONCURRENTLY cannot run in one)\n" + sql(statement) + ";"


def not_valid_then_validate(observation: Observation) -> str:
    """ADD CONSTRAINT … NOT VALID (brief lock), then VALIDATE CONSTRAINT (SHARE UPDATE EXCLUSIVE)."""
    statement = _command(observation)
    command = statement.cmds[0]
    table = observation.action.table
    if command.subtype == AT.AT_AddColumn:
        # a constraint written on a new column: add the column plain, then the constraint
        column = command.def_
        inline = [c for c in column.constraints or () if c.contype in (CT.CONSTR_FOREIGN, CT.CONSTR_CHECK)]
        column.constraints = tuple(c for c in column.constraints or () if c not in inline) or None
        lines = [sql(statement) + ";"]
        for constraint in inline:
            constraint = copy.deepcopy(constraint)
            if constraint.contype == CT.CONSTR_FOREIGN and not constraint.fk_attrs:
                constraint.fk_attrs = (ast.String(sval=column.colname),)
            lines += _add_not_valid(observation, table, constraint)
        return "\n".join(lines)
    return "\n".join(_add_not_valid(observation, table, copy.deepcopy(command.def_)))


def _add_not_valid(observation: Observation, table: str, constraint) -> list[str]:
    constraint.conname = _constraint_name(observation, constraint)
    constraint.skip_validation = True
    constraint.initially_valid = False
    add = ast.AlterTableStmt(relation=copy.deepcopy(observation.statement.node.relation), objtype=enums.ObjectType.OBJECT_TABLE,
                             cmds=(ast.AlterTableCmd(subtype=AT.AT_AddConstraint, def_=constraint, behavior=enums.DropBehavior.DROP_RESTRICT),))
    return [sql(add) + ";", "-- in its own transaction: reads the table without blocking reads or writes",
            f"ALTER TABLE {_table_sql(table)} VALIDATE CONSTRAINT {quote_identifier(constraint.conname)};"]


def unique_index_then_attach(observation: Observation) -> str:
    """CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT … UNIQUE/PRIMARY KEY USING INDEX."""
    statement = _command(observation)
    command = statement.cmds[0]
    if command.subtype != AT.AT_AddConstraint:
        return ""
    constraint = command.def_
    table = observation.action.table
    name = _constraint_name(observation, constraint)
    columns = ", ".join(quote_identifier(key.sval) for key in constraint.keys or ())
    kind = "PRIMARY KEY" if constraint.contype == CT.CONSTR_PRIMARY else "UNIQUE"
    return (
        "-- outside a transaction block\n"
        f"CREATE UNIQUE INDEX CONCURRENTLY {quote_identifier(name)} ON {_table_sql(table)} ({columns});\n"
        f"ALTER TABLE {_table_sql(table)} ADD CONSTRAINT {quote_identifier(name)} {kind} USING INDEX {quote_identifier(name)};"
    )


def not_null_through_check(observation: Observation) -> str:
    """CHECK (col IS NOT NULL) NOT VALID, VALIDATE, SET NOT NULL (uses the check), drop the check."""
    table, column = observation.action.table, observation.action.column
    name = quote_identifier(f"{table.split('.')[-1]}_{column}_not_null"[:63])
    target = _table_sql(table)
    return (
        f"ALTER TABLE {target} ADD CONSTRAINT {name} CHECK ({quote_identifier(column)} IS NOT NULL) NOT VALID;\n"
        "-- in its own transaction: reads the table without blocking reads or writes\n"
        f"ALTER TABLE {target} VALIDATE CONSTRAINT {name};\n"
        f"ALTER TABLE {target} ALTER COLUMN {quote_identifier(column)} SET NOT NULL;\n"
        f"ALTER TABLE {target} DROP CONSTRAINT {name};"
    )


def add_column_then_backfill(observation: Observation) -> str:
    """The column added without its default or NOT NULL; default for new rows; batched backfill."""
    statement = _command(observation)
    command = statement.cmds[0]
    if command.subtype != AT.AT_AddColumn:
        return ""
    column = command.def_
    constraints = list(column.constraints or ())
    default = next((c.raw_expr for c in constraints if c.contype == CT.CONSTR_DEFAULT), None)
    not_null = any(c.contype == CT.CONSTR_NOTNULL for c in constraints)
    column.constraints = tuple(c for c in constraints if c.contype not in (CT.CONSTR_DEFAULT, CT.CONSTR_NOTNULL)) or None
    table, name = observation.action.table, column.colname
    target, quoted = _table_sql(table), quote_identifier(name)
    lines = [sql(statement) + ";"]
    value = "<value>"
    if default is not None:
        value = RawStream()(default)
        lines.append(f"ALTER TABLE {target} ALTER COLUMN {quoted} SET DEFAULT {value};")
    lines.append(f"-- backfill existing rows in batches that commit one by one, e.g. repeat until it updates 0 rows:\n"
                 f"-- UPDATE {target} SET {quoted} = {value} WHERE ctid IN (SELECT ctid FROM {target} WHERE {quoted} IS NULL LIMIT 10000);")
    if not_null:
        observation.action.column = name
        lines.append(not_null_through_check(observation))
    return "\n".join(lines)
