"""Concrete fixes: SQL in the review's dialect, and the design-document change as YAML.

SQL quotes every identifier through the dialect module's `quote_identifier` and every piece of
text through its `quote_literal`. Where SQLite cannot change a table in place (constraints,
column types), the SQLite fix says so and names what the rebuilt table needs.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..dialects import postgres, sqlite
from ..dialects.registry import get_dialect
from ..model import naming
from ..model.document import Index, Table
from ..model.types import parse_type


class Flow:
    """A value written on one line in a YAML snippet: a column, a constraint, an index."""

    def __init__(self, value: Any):
        self.value = value


class Block:
    """Text written as a YAML literal block (`key: |`), so a SQL body keeps its lines."""

    def __init__(self, text: str):
        self.text = text

    def lines(self, label: str, pad: str) -> list[str]:
        chomp = "-" if not self.text.endswith("\n") else ("+" if self.text.endswith("\n\n") else "")
        indicator = "2" if self.text[:1] in (" ", "\n") else ""
        body = self.text.rstrip("\n").split("\n") if self.text.strip("\n") else []
        return [f"{pad}{label}: |{indicator}{chomp}", *(f"{pad}  {line}" if line else "" for line in body)]


#: Text YAML reads back as the same string when written bare inside a flow collection.
_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:[ .()<>=!*+/'-]+[A-Za-z0-9_()<>=!*+/'.-]*)*")
#: Words YAML 1.1 reads as booleans or null.
_SPECIAL_WORDS = frozenset(
    {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "none", "~"}
)


def flow(value: Any) -> str:
    """`value` as one line of YAML flow style (what the design document writes per item).

    Hand-written rather than `yaml.safe_dump` per value, which costs a millisecond each and a
    review of a large schema writes thousands: strings are bare when that reads back the same,
    otherwise double-quoted (JSON's escaping is valid YAML).
    """
    if isinstance(value, dict):
        return "{" + ", ".join(f"{flow(key)}: {flow(item)}" for key, item in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(flow(item) for item in value) + "]"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value)
    if _PLAIN.fullmatch(text) and text.lower() not in _SPECIAL_WORDS and not text.endswith(" "):
        return text
    return json.dumps(text, ensure_ascii=False)


def yaml_snippet(tree: dict[str, Any], indent: int = 0) -> str:
    """Block mappings down to `Flow` leaves; a list becomes one `- {…}` line per item."""
    lines: list[str] = []
    pad = "  " * indent
    for key, value in tree.items():
        label = flow(key)
        if isinstance(value, Flow):
            lines.append(f"{pad}{label}: {flow(value.value)}")
        elif isinstance(value, Block):
            lines.extend(value.lines(label, pad))
        elif isinstance(value, dict):
            lines.append(f"{pad}{label}:")
            lines.append(yaml_snippet(value, indent + 1))
        elif isinstance(value, list):
            lines.append(f"{pad}{label}:")
            lines.extend(f"{pad}  - {flow(item)}" for item in value)
        else:
            lines.append(f"{pad}{label}: {flow(value)}")
    return "\n".join(lines)


def table_snippet(table: str, **sections: Any) -> str:
    """`tables: {table: sections}` as YAML; sections in the order given."""
    return yaml_snippet({"tables": {table: sections}})


def column_flow(type_text: str, **extra: Any) -> Flow:
    data: dict[str, Any] = {"type": type_text}
    data.update({key: value for key, value in extra.items() if value is not None})
    return Flow(data)


class SqlWriter:
    """SQL statements for fixes, in one dialect (`postgres` or `sqlite`)."""

    def __init__(self, dialect: str, *, live: bool = False, enum_style: str = "native"):
        self.dialect = dialect
        self.live = live  # the schema came from a database: prefer statements that do not block it
        self.enum_style = enum_style
        self.target = get_dialect(dialect)
        self.q = self.target.quote_identifier
        self.literal = self.target.quote_literal

    @property
    def rebuilds_tables(self) -> bool:
        """ALTER TABLE cannot add constraints or change a column here (SQLite): such fixes rebuild the table."""
        return not self.target.alter_column_type

    def columns(self, names: list[str]) -> str:
        return ", ".join(self.q(name) for name in names)

    def type_sql(self, type_text: str) -> str:
        portable = parse_type(type_text)
        return self.target.column_type(portable, self.enum_style)

    def rebuild(self, table: str, what: str) -> str:
        """SQLite's answer to a change it cannot make with ALTER TABLE."""
        t = self.q(table)
        return (
            f"-- SQLite cannot {what} on an existing table: rebuild {t} with it.\n"
            f"-- `schemasmith build --target sqlite` from the changed design writes the new CREATE TABLE;\n"
            f"-- then: INSERT INTO new SELECT … FROM {t}; DROP TABLE {t}; ALTER TABLE new RENAME TO {t};"
        )

    # --- statements -------------------------------------------------------------------------

    def create_index(self, table: str, table_model: Table, index: Index) -> str:
        name = naming.index_names(table, table_model.model_copy(update={"indexes": [*table_model.indexes, index]}))[-1]
        parts = []
        for key in index.keys(set(table_model.columns)):
            text = self.q(key.column) + (" DESC" if key.descending else "")
            parts.append(text + (f" NULLS {key.nulls.upper()}" if key.nulls else ""))
        parts += [f"({expression})" for expression in index.expressions]
        keys = ", ".join(parts)
        head = "CREATE UNIQUE INDEX" if index.unique else "CREATE INDEX"
        if self.live and self.target.concurrent_index_builds:
            head += " CONCURRENTLY"
        method = f" USING {index.method}" if index.method != "btree" and self.target.index_methods else ""
        text = f"{head} {self.q(name)} ON {self.q(table)}{method} ({keys})"
        if index.where:
            text += f" WHERE {index.where}"
        return text + ";"

    def drop_index(self, name: str) -> str:
        if self.live and self.target.concurrent_index_builds:
            return f"DROP INDEX CONCURRENTLY {self.q(name)};"
        return f"DROP INDEX {self.q(name)};"

    def add_constraint(self, table: str, name: str, clause: str) -> str:
        if self.rebuilds_tables:
            return self.rebuild(table, f"add a constraint ({clause})")
        if self.live and clause.startswith(("FOREIGN KEY", "CHECK")):
            # NOT VALID takes a brief lock; VALIDATE checks existing rows without blocking writes.
            return (
                f"ALTER TABLE {self.q(table)} ADD CONSTRAINT {self.q(name)} {clause} NOT VALID;\n"
                f"ALTER TABLE {self.q(table)} VALIDATE CONSTRAINT {self.q(name)};"
            )
        return f"ALTER TABLE {self.q(table)} ADD CONSTRAINT {self.q(name)} {clause};"

    def foreign_key_clause(self, columns: list[str], table: str, referenced: list[str], on_delete: str | None) -> str:
        text = f"FOREIGN KEY ({self.columns(columns)}) REFERENCES {self.q(table)} ({self.columns(referenced)})"
        if on_delete:
            text += f" ON DELETE {on_delete.upper()}"
        return text

    def replace_foreign_key(self, table: str, name: str, clause: str) -> str:
        if self.rebuilds_tables:
            return self.rebuild(table, f"change a foreign key (to {clause})")
        return f"ALTER TABLE {self.q(table)}\n    DROP CONSTRAINT {self.q(name)},\n    ADD CONSTRAINT {self.q(name)} {clause};"

    def alter_type(self, table: str, column: str, type_text: str, using: str | None = None) -> str:
        if self.rebuilds_tables:
            return self.rebuild(table, f"change the type of {self.q(column)} to {self.type_sql(type_text)}")
        text = f"ALTER TABLE {self.q(table)} ALTER COLUMN {self.q(column)} TYPE {self.type_sql(type_text)}"
        if using:
            text += f" USING {using}"
        return text + ";"

    def drop_not_null(self, table: str, column: str) -> str:
        if self.rebuilds_tables:
            return self.rebuild(table, f"drop NOT NULL from {self.q(column)}")
        return f"ALTER TABLE {self.q(table)} ALTER COLUMN {self.q(column)} DROP NOT NULL;"

    def add_column(self, table: str, column: str, type_text: str, *, default: str | None = None, nullable: bool = True) -> str:
        text = f"ALTER TABLE {self.q(table)} ADD COLUMN {self.q(column)} {self.type_sql(type_text)}"
        if default is not None:
            if self.rebuilds_tables and default.lower() in ("now()", "current_timestamp"):
                # SQLite's ADD COLUMN takes constant defaults only: existing rows get the epoch.
                default = "'1970-01-01 00:00:00'"
            text += f" DEFAULT {default}"
        if not nullable:
            text += " NOT NULL"
        return text + ";"

    def rename_table(self, table: str, new: str) -> str:
        return f"ALTER TABLE {self.q(table)} RENAME TO {self.q(new)};"

    def rename_column(self, table: str, column: str, new: str) -> str:
        return f"ALTER TABLE {self.q(table)} RENAME COLUMN {self.q(column)} TO {self.q(new)};"

    def comment_on_table(self, table: str, text: str) -> str:
        if not self.target.keeps_comments:
            return f"-- {self.target.label} keeps no comments; the design document keeps it for {self.q(table)}."
        return f"COMMENT ON TABLE {self.q(table)} IS {self.literal(text)};"

    def enable_rls(self, table: str) -> str:
        return f"ALTER TABLE {self.q(table)} ENABLE ROW LEVEL SECURITY;"

    def create_policy(self, table: str, name: str, command: str, roles: list[str], using: str | None, with_check: str | None = None) -> str:
        text = f"CREATE POLICY {self.q(name)} ON {self.q(table)} FOR {command.upper()}"
        if roles:
            text += " TO " + ", ".join(self.q(role) for role in roles)
        if using:
            text += f" USING ({using})"
        if with_check:
            text += f" WITH CHECK ({with_check})"
        return text + ";"

    def updated_at_trigger(self, table: str, table_model: Table, column: str) -> str:
        if not self.target.trigger_functions:
            return sqlite.updated_at_trigger_sql(table, column, sqlite.row_match_columns(table_model))
        trigger = self.q(naming.trigger_name(table, "updated_at", column))
        return (
            postgres.updated_at_function_sql()
            + f"\nCREATE TRIGGER {trigger} BEFORE UPDATE ON {self.q(table)}\n"
            + f"    FOR EACH ROW EXECUTE FUNCTION {postgres.UPDATED_AT_FUNCTION}({self.literal(column)});"
        )
