"""What every dialect module offers, and the parts of a design no database can hold."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from ..errors import SchemaError
from ..model.document import Default, Design, Index, Table
from ..model.types import INTEGER_KINDS, PortableType
from .common import SpecialNumber, boolean_value, checked_expression, fitting_text, number_text


@dataclass
class DdlOutput:
    """DDL for one dialect: files applied in name order, and what could not be expressed."""

    files: dict[str, str]
    warnings: list[str] = field(default_factory=list)


class Dialect:
    """One SQL dialect: what it can hold (capability flags) and how it spells things.

    Callers ask a dialect object (from `registry.get_dialect`) or its flags instead of comparing
    dialect names; each dialect module subclasses this and overrides only what differs. The
    methods are the public pieces every caller needs; the dialect modules' module-level
    functions of the same names are what the methods call (or thin wrappers over them).
    """

    #: The name used on the command line and in the design (`--dialect`, `--target`).
    name: ClassVar[str] = ""
    #: The name people know the product by, for messages.
    label: ClassVar[str] = ""
    #: The `scheme+driver` SQLAlchemy should use for this dialect's URLs (None: the URL as given).
    sqlalchemy_scheme: ClassVar[str | None] = None
    #: Whether a driver the user names in the URL (`mysql+mysqldb://`) is kept.
    keeps_url_driver: ClassVar[bool] = True
    #: DDL runs inside a transaction and rolls back with it.
    transactional_ddl: ClassVar[bool] = True
    #: `CREATE INDEX … WHERE`.
    partial_indexes: ClassVar[bool] = True
    #: `ALTER TABLE … ALTER COLUMN … TYPE` (otherwise: rebuild the table).
    alter_column_type: ClassVar[bool] = True
    #: Identity columns draw from a sequence that rows inserted with explicit keys do not advance
    #: (after a bulk load with keys given, the sequence must be moved past them).
    identity_sequences: ClassVar[bool] = False
    #: `schema.table` names are namespaces (quoted part by part), not one identifier with a dot.
    schema_namespaces: ClassVar[bool] = False
    #: Enums as a type of their own (otherwise a CHECK on text).
    native_enums: ClassVar[bool] = False
    #: Row-level security policies.
    row_level_security: ClassVar[bool] = False
    #: The database is a file on disk (no server to reach).
    file_database: ClassVar[bool] = False
    #: `CREATE INDEX CONCURRENTLY` and lock levels: a migration can be planned in non-blocking steps.
    concurrent_index_builds: ClassVar[bool] = False
    #: Triggers call a stored function (`EXECUTE FUNCTION f()`), which a migration creates and drops.
    trigger_functions: ClassVar[bool] = False
    #: `COMMENT ON` / inline comments: the database keeps table and column comments.
    keeps_comments: ClassVar[bool] = True
    #: Views, virtual tables and their triggers are kept in the design as this dialect's own SQL
    #: (`dialect:` set to it) and the differ creates and drops them from that SQL (SQLite).
    views_as_kept_sql: ClassVar[bool] = False
    #: Unquoted names fold to one case, so a mixed-case name needs quotes forever (SQLite instead
    #: matches every name without regard to case).
    folds_unquoted_names: ClassVar[bool] = True
    #: Index access methods other than the default (`USING gin`, `gist`, …).
    index_methods: ClassVar[bool] = False
    #: Bulk loads stream rows with `COPY … FROM STDIN` (psycopg) rather than batched INSERTs.
    bulk_copy: ClassVar[bool] = False
    #: Validation can create (and drop) scratch databases on a server of this dialect, to apply
    #: DDL and EXPLAIN the workload there.
    scratch_databases: ClassVar[bool] = False

    #: How a string literal carries a backslash: "plain" (no escapes), "escaped" (always `\\`),
    #: or "e-string" (`E'…'` with `\\`, only when the text has one).
    backslashes: ClassVar[str] = "plain"
    #: Why an identifier / a piece of text with a NUL character cannot be written (None: it can).
    nul_identifier_refusal: ClassVar[str | None] = None
    nul_text_refusal: ClassVar[str | None] = None

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"

    # -- quoting ------------------------------------------------------------------------------

    def identifier_preparers(self) -> tuple:
        """SQLAlchemy's identifier preparers for this dialect; the first one quotes.

        An identifier is quoted when any of them says it must be (MySQL and MariaDB reserve
        different words, so the MySQL dialect gives both).
        """
        raise NotImplementedError(f"{self.label or type(self).__name__} has no identifier preparer")

    def reserved_beyond_sqlalchemy(self, name: str) -> bool:
        """Whether `name` must be quoted although SQLAlchemy's preparers would leave it bare."""
        return False

    def quote_identifier(self, name: str) -> str:
        """`name` as an identifier: bare when that is safe, else quoted the dialect's way."""
        if self.nul_identifier_refusal and "\x00" in name:
            raise SchemaError(f"identifier {name!r} contains a NUL character, {self.nul_identifier_refusal}")
        preparers = self.identifier_preparers()
        if any(preparer.quote(name) != name for preparer in preparers) or self.reserved_beyond_sqlalchemy(name):
            return preparers[0].quote_identifier(name)
        return name

    def quote_literal(self, text: str) -> str:
        """`text` as a string literal (quotes doubled; backslashes as `backslashes` says)."""
        if self.nul_text_refusal and "\x00" in text:
            raise SchemaError(f"text {text[:40]!r} contains a NUL character, {self.nul_text_refusal}")
        doubled = text.replace("'", "''")
        if self.backslashes == "escaped":
            return "'" + doubled.replace("\\", "\\\\") + "'"
        if self.backslashes == "e-string" and "\\" in doubled:
            return "E'" + doubled.replace("\\", "\\\\") + "'"
        return "'" + doubled + "'"

    def quote_columns(self, names: list[str]) -> str:
        return ", ".join(self.quote_identifier(name) for name in names)

    # -- literal defaults ---------------------------------------------------------------------

    def number_sql(self, value, where: str, integer: bool) -> str:
        """A numeric literal; NaN/Infinity as a quoted string (override where there is none)."""
        text = number_text(value, where, integer)
        return self.quote_literal(text) if isinstance(text, SpecialNumber) else text

    def boolean_sql(self, value: bool) -> str:
        return "true" if value else "false"

    def literal_sql(self, portable: PortableType, value, where: str) -> str:
        """A literal default as typed, escaped SQL (SchemaError naming `where` when it does not fit)."""
        kind = portable.kind
        if kind in INTEGER_KINDS:
            return self.number_sql(value, where, integer=True)
        if kind in ("numeric", "real", "double"):
            return self.number_sql(value, where, integer=False)
        if kind == "boolean":
            return self.boolean_sql(boolean_value(value, where))
        return self.quote_literal(fitting_text(portable, value, where))

    # -- expressions --------------------------------------------------------------------------

    def checked_expression(self, text: str, where: str, what: str) -> str:
        """`text` stripped, after checking it is one expression of the design's SQL."""
        return checked_expression(text, where, what)

    def clean_expression(self, text: str, **context) -> str:
        """An expression as the database gives it back, in the design's canonical spelling."""
        raise NotImplementedError(f"{self.label} does not read expressions back")

    # -- the pieces of DDL --------------------------------------------------------------------

    def column_type(self, portable: PortableType, enum_style: str = "native") -> str:
        """The column type this dialect declares for a portable type (`enum_style` where it matters)."""
        raise NotImplementedError

    def default_sql(self, default: Default, portable: PortableType, where: str) -> str | None:
        """A column's DEFAULT clause body, or None when this dialect cannot hold it."""
        raise NotImplementedError

    def constraint_sql(self, table_name: str, table: Table, position: int) -> str:
        """The `table`'s foreign key number `position` as a table constraint."""
        raise NotImplementedError

    def index_sql(self, table_name: str, table: Table, index_name: str, index: Index) -> str:
        """The CREATE INDEX statement for one of `table`'s indexes."""
        raise NotImplementedError

    def trigger_statements(self, design: Design) -> list[str]:
        """The trigger (and trigger function) statements the design's behaviour needs."""
        raise NotImplementedError

    # -- whole designs ------------------------------------------------------------------------

    def project(self, design: Design) -> Design:
        """The design as this dialect holds it: what importing its rendered DDL gives back."""
        raise NotImplementedError

    def render(self, design: Design, **options) -> DdlOutput:
        """DDL for `design` and what this dialect could not express."""
        raise NotImplementedError

    # -- URLs ---------------------------------------------------------------------------------

    def sqlalchemy_url(self, url: str) -> str:
        """The URL with the driver SQLAlchemy should use here."""
        if self.sqlalchemy_scheme is None:
            return url
        scheme, rest = url.split("://", 1)
        if self.keeps_url_driver and "+" in scheme:
            return url
        return f"{self.sqlalchemy_scheme}://{rest}"

    def driverless_url(self, url: str) -> str:
        """The URL as the dialect's own client tools read it (no `+driver` suffix)."""
        return url


def strip_documentation(design: Design) -> Design:
    """The design without what lives only in the document (reasons, load model, workload).

    A database keeps tables, columns, constraints, indexes, triggers and comments; it does not
    keep rationale, reasons, `serves`, `expected_rows`, table kinds, notes, review suppressions, queries
    or growth.
    Round-trip comparisons first strip these from the original.
    """
    tables = {}
    for name, table in design.tables.items():
        columns = {
            column_name: column.model_copy(update={"renamed_from": None, "backfill": None})
            for column_name, column in table.columns.items()
        }
        tables[name] = table.model_copy(
            update={
                "kind": None,
                "rationale": None,
                "expected_rows": None,
                "renamed_from": None,
                "notes": [],
                "suppress": [],
                "columns": columns,
                "unique": [item.model_copy(update={"reason": None}) for item in table.unique],
                "checks": [item.model_copy(update={"reason": None}) for item in table.checks],
                "foreign_keys": [item.model_copy(update={"reason": None}) for item in table.foreign_keys],
                "indexes": [item.model_copy(update={"reason": None, "serves": []}) for item in table.indexes],
            }
        )
    return design.model_copy(update={"description": None, "growth": None, "queries": [], "tables": tables})
