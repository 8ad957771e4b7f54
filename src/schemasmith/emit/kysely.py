"""Kysely (TypeScript) types for the database the PostgreSQL DDL creates.

`render` writes `database.ts`: a `Database` interface whose keys are the exact table names, one
interface per table whose keys are the exact column names, and `Selectable` / `Insertable` /
`Updateable` aliases per table. Types follow what node-postgres hands back by default (bigint and
numeric as strings, timestamps and dates as `Date`); columns the database fills are `Generated<>`
(optional on insert), columns it refuses to take (identity ALWAYS, generated columns) are
`ColumnType<S, never, never>`, enums are unions of string literals. Constraints, indexes and
triggers are not types: they stay in the database, and the file's header says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..dialects.base import DdlOutput
from ..model.document import Column, Design
from ..model.implied import with_implied
from ..model.types import PortableType
from .js_names import (
    NameTable,
    js_comment_text,
    js_string,
    one_line,
    pascal_case,
    ts_property,
)

#: Names the file must not declare: its own helper types, Kysely's, and TypeScript's globals.
RESERVED = frozenset(
    {
        "Database", "ColumnType", "Generated", "Insertable", "Selectable", "Updateable", "Kysely",
        "Json", "JsonArray", "JsonObject", "JsonPrimitive", "JsonValue", "Timestamp", "Int8", "Numeric",
        "Interval", "PostgresInterval", "Date", "Uint8Array", "Array", "ReadonlyArray", "Record", "Partial",
        "Required", "Readonly", "Pick", "Omit", "Exclude", "Extract", "NonNullable", "Object", "String",
        "Number", "Boolean", "BigInt", "Symbol", "Function", "Promise", "Map", "Set", "WeakMap", "WeakSet",
        "Error", "RegExp", "Math", "JSON", "Buffer", "Iterable", "Iterator", "Awaited", "ReturnType",
        "Parameters", "InstanceType", "Uppercase", "Lowercase", "Capitalize", "Uncapitalize", "NoInfer",
        "PropertyKey", "ArrayBuffer", "DataView", "Intl", "Proxy", "Reflect", "Element", "Node", "Event",
        "Window", "Document", "Response", "Request", "Headers", "URL", "Blob", "File", "Text",
    }
)


@dataclass(frozen=True)
class _Type:
    """A column's TypeScript type: an alias name when one fits, and the select type behind it."""

    text: str  # what the column's property is declared as (before null / Generated)
    select: str  # what a SELECT reads (for ColumnType<S, never, never>)


#: Kysely's own Generated<S> is ColumnType<S, S | undefined, S>, which nests when S is itself a
#: ColumnType (Timestamp, Int8, …); this one unwraps it, as kysely-codegen's does.
_GENERATED = (
    "/** A column the database fills when an insert leaves it out (a default or an identity). */\n"
    "export type Generated<T> = T extends ColumnType<infer S, infer I, infer U>\n"
    "  ? ColumnType<S, I | undefined, U>\n"
    "  : ColumnType<T, T | undefined, T>;"
)

_HELPERS = {
    "Json": (
        "/** json/jsonb: read as parsed JSON; written as JSON text (node-postgres would send a JS array as a PostgreSQL array). */\n"
        "export type Json = ColumnType<JsonValue, string, string>;\n\n"
        "export type JsonArray = JsonValue[];\n\n"
        "export type JsonObject = { [key: string]: JsonValue | undefined };\n\n"
        "export type JsonPrimitive = boolean | number | string | null;\n\n"
        "export type JsonValue = JsonArray | JsonObject | JsonPrimitive;"
    ),
    "Timestamp": (
        "/** timestamp, timestamptz and date: read as Date; written as Date or ISO text. */\n"
        "export type Timestamp = ColumnType<Date, Date | string, Date | string>;"
    ),
    "Int8": (
        "/** bigint: node-postgres reads it as text (it may not fit a JS number). */\n"
        "export type Int8 = ColumnType<string, bigint | number | string, bigint | number | string>;"
    ),
    "Numeric": (
        "/** numeric: read as text, so no digit is lost. */\n"
        "export type Numeric = ColumnType<string, number | string, number | string>;"
    ),
    "Interval": (
        "/** interval: node-postgres reads it as an object of parts; write it as PostgreSQL interval text. */\n"
        "export interface PostgresInterval {\n"
        "  years?: number;\n  months?: number;\n  days?: number;\n  hours?: number;\n"
        "  minutes?: number;\n  seconds?: number;\n  milliseconds?: number;\n"
        "}\n\n"
        "export type Interval = ColumnType<PostgresInterval, string, string>;"
    ),
}

#: Alias → (select, insert, update) of one value, for arrays of aliased types.
_ALIAS_PARTS = {
    "Json": ("JsonValue", "string", "string"),
    "Timestamp": ("Date", "Date | string", "Date | string"),
    "Int8": ("string", "bigint | number | string", "bigint | number | string"),
    "Numeric": ("string", "number | string", "number | string"),
    "Interval": ("PostgresInterval", "string", "string"),
}

_SCALARS = {
    "uuid": "string",
    "text": "string",
    "varchar": "string",
    "smallint": "number",
    "integer": "number",
    "real": "number",
    "double": "number",
    "boolean": "boolean",
    "time": "string",
    "bytes": "Uint8Array",
    "bigint": "Int8",
    "numeric": "Numeric",
    "date": "Timestamp",
    "timestamp": "Timestamp",
    "timestamptz": "Timestamp",
    "json": "Json",
    "interval": "Interval",
}


def render(design: Design, *, postgres_version: int | None = None) -> DdlOutput:
    """`database.ts` for `design` (types only; nothing a type cannot say is lost from the database).

    `postgres_version` is accepted like every target's, and changes nothing: the types are the same.
    """
    return _Renderer(with_implied(design)).render()


class _Renderer:
    def __init__(self, design: Design):
        self.design = design
        self.names = NameTable(RESERVED)
        self.used_helpers: set[str] = set()
        self.warnings: list[str] = []
        self.enum_types = {enum: self.names.claim(_type_name(pascal_case(enum)), "Enum") for enum in design.enums}
        self.table_types: dict[str, tuple[str, str, str, str]] = {}
        for table_name in design.tables:
            singular = _type_name(pascal_case(table_name, singularize=True)) or "Row"
            interface = self.names.claim(_type_name(pascal_case(table_name) or singular) + "Table", "RowTable")
            row = self.names.claim(singular, "Row")
            new = self.names.claim(f"New{singular}", "NewRow")
            update = self.names.claim(f"{singular}Update", "RowUpdate")
            self.table_types[table_name] = (interface, row, new, update)

    def render(self) -> DdlOutput:
        design = self.design
        sections: list[str] = []
        for enum, values in design.enums.items():
            doc = f"Enum {enum}" + (" (a CHECK on text columns in the database)" if design.conventions.enum_style == "check" else "") + "."
            union = " | ".join(js_string(value) for value in values) if values else "never"
            sections.append(f"{js_comment(doc)}\nexport type {self.enum_types[enum]} = {union};")
        tables = [self._table(name) for name in design.tables]
        database_lines = [
            f"  {ts_property(name)}: {self.table_types[name][0]};" for name in design.tables
        ]
        database = "/** Every table, by its name in the database. */\nexport interface Database {\n" + "\n".join(database_lines) + "\n}"
        aliases = []
        for name in design.tables:
            interface, row, new, update = self.table_types[name]
            aliases.append(
                f"export type {row} = Selectable<{interface}>;\n"
                f"export type {new} = Insertable<{interface}>;\n"
                f"export type {update} = Updateable<{interface}>;"
            )
        helpers = [_HELPERS[name] for name in ("Int8", "Interval", "Json", "Numeric", "Timestamp") if name in self.used_helpers]
        body = "\n\n".join(helpers + sections + tables + [database] + aliases)
        if "Generated<" in body:
            body = _GENERATED + "\n\n" + body
        imports = ["ColumnType", "Insertable", "Selectable", "Updateable"] if "ColumnType<" in body else ["Insertable", "Selectable", "Updateable"]
        header = [
            f"// {one_line(design.name)}: Kysely types generated by schemasmith from the design document.",
            "// The database is created by the PostgreSQL DDL (postgres/schema.sql). Types cannot hold its",
            "// constraints, indexes, triggers or policies: the database enforces those. Use with",
            "// `new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })`.",
            "",
            f"import type {{ {', '.join(imports)} }} from \"kysely\";",
        ]
        return DdlOutput(files={"database.ts": "\n".join(header) + "\n\n" + body + "\n"}, warnings=self.warnings)

    def _table(self, table_name: str) -> str:
        table = self.design.tables[table_name]
        lines = [js_comment(table.comment)] if table.comment else []
        lines.append(f"export interface {self.table_types[table_name][0]} {{")
        for column_name, column in table.columns.items():
            if column.comment:
                lines.append("  " + js_comment(column.comment))
            lines.append(f"  {ts_property(column_name)}: {self._column_type(column)};")
        lines.append("}")
        return "\n".join(lines)

    def _column_type(self, column: Column) -> str:
        kind = self._type(column.portable_type)
        if column.identity == "always" or column.generated:
            select = kind.select + (" | null" if column.nullable else "")
            return f"ColumnType<{select}, never, never>"
        text = kind.text + (" | null" if column.nullable else "")
        if column.identity or column.default is not None:
            return f"Generated<{text}>"
        return text

    def _type(self, portable: PortableType) -> _Type:
        if portable.is_array:
            element = self._type(portable.element)  # type: ignore[arg-type]
            if element.text in _ALIAS_PARTS:
                select, insert, update = _ALIAS_PARTS[element.text]
                return _Type(f"ColumnType<{_array(select)}, {_array(insert)}, {_array(update)}>", _array(select))
            return _Type(_array(element.text), _array(element.text))
        if portable.is_enum:
            name = self.enum_types.get(portable.enum or "")
            return _Type(name, name) if name else _Type("string", "string")
        text = _SCALARS[portable.kind]
        if text in _ALIAS_PARTS:
            self.used_helpers.add(text)
            return _Type(text, _ALIAS_PARTS[text][0])
        return _Type(text, text)


def _type_name(text: str) -> str:
    """A TypeScript type name cannot start with a digit: `100Real` → `T100Real`."""
    return "T" + text if text[:1].isdigit() else text


def _array(text: str) -> str:
    return f"({text})[]" if " " in text else f"{text}[]"


def js_comment(text: str) -> str:
    """`text` as a one-line `/** … */` comment, whatever it holds."""
    return f"/** {js_comment_text(one_line(text)).strip()} */"
