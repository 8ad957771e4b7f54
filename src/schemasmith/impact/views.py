"""Compatibility views for the expand phase: the old shape of a renamed or split table over the new tables."""

from __future__ import annotations

from ..model import naming
from ..model.document import Design, Table
from .model import (
    BASE_SCHEMA,
    COMPAT_SCHEMA,
    Compat,
    ImpactError,
    did_you_mean,
    find_name,
)
from .queries import mentions


def _q(name: str) -> str:
    from ..dialects.postgres import quote_identifier

    return quote_identifier(name)


def _lit(text: str) -> str:
    from ..dialects.postgres import quote_literal

    return quote_literal(text)


def _qualified(schema: str, name: str) -> str:
    return f"{_q(schema)}.{_q(name)}"


def _security(table: Table) -> tuple[str, list[str]]:
    if table.row_level_security or table.policies:
        return " WITH (security_invoker = true)", [
            "-- security_invoker (PostgreSQL 15+): the base tables' row-level-security policies apply to the caller, as before."
        ]
    return "", []


def _identifier_ok(name: str, what: str) -> str:
    cleaned = name.strip()
    if not cleaned:
        raise ImpactError(f"{what}: a name is needed")
    if len(cleaned.encode("utf-8")) > 63:
        raise ImpactError(f"{what} {cleaned!r}: longer than PostgreSQL's 63-byte identifiers")
    return cleaned


def rename_view(design: Design, table_name: str, column: str | None, new_name: str) -> Compat:
    """The old shape over a renamed column (or a renamed table): a simple, updatable view."""
    table = design.tables[table_name]
    new_name = _identifier_ok(new_name, "--rename-to")
    security, notes = _security(table)
    view = _qualified(COMPAT_SCHEMA, table_name)
    if column is not None:
        if new_name == column:
            raise ImpactError(f"--rename-to {new_name}: that is already the column's name")
        if find_name(new_name, table.columns) is not None:
            raise ImpactError(f"--rename-to {new_name}: {table_name} already has a column {new_name!r}")
        base = _qualified(BASE_SCHEMA, table_name)
        selected = [f"{_q(new_name)} AS {_q(name)}" if name == column else _q(name) for name in table.columns]
        kind = "rename-column"
        assumes = f"{table_name}.{column} renamed to {table_name}.{new_name} (ALTER TABLE {_q(table_name)} RENAME COLUMN {_q(column)} TO {_q(new_name)})"
    else:
        if new_name == table_name:
            raise ImpactError(f"--rename-to {new_name}: that is already the table's name")
        base = _qualified(BASE_SCHEMA, new_name)
        selected = [_q(name) for name in table.columns]
        kind = "rename-table"
        assumes = f"table {table_name} renamed to {new_name} (ALTER TABLE {_q(table_name)} RENAME TO {_q(new_name)})"
    writes = (
        "INSERT, UPDATE and DELETE through the view reach the table directly: a single-table view without"
        " aggregates is automatically updatable in PostgreSQL, and omitted columns take the table's defaults."
    )
    lines = [
        f"-- Compatibility view for readers of the old shape: {assumes}.",
        f"-- Old readers: SET search_path = {COMPAT_SCHEMA}, {BASE_SCHEMA};  (or name {COMPAT_SCHEMA}.{table_name})",
        f"-- Writes: {writes}",
        *notes,
        f"CREATE SCHEMA IF NOT EXISTS {_q(COMPAT_SCHEMA)};",
        f"CREATE OR REPLACE VIEW {view}{security} AS",
        "SELECT " + ",\n       ".join(selected),
        f"FROM {base};",
        f"COMMENT ON VIEW {view} IS {_lit('schemasmith compatibility view: ' + assumes + '; drop it once no reader needs the old shape')};",
        "",
    ]
    return Compat(kind, f"{COMPAT_SCHEMA}.{table_name}", "\n".join(lines), writes, assumes)


def parse_split(spec: str) -> tuple[str, list[str]]:
    """`new_table:col1,col2` → ("new_table", ["col1", "col2"])."""
    if ":" not in spec:
        raise ImpactError(f"--split-to {spec!r}: expected NEW_TABLE:COLUMN[,COLUMN…], e.g. user_profiles:display_name")
    name, _, columns = spec.partition(":")
    moved = [column.strip() for column in columns.split(",") if column.strip()]
    if not name.strip() or not moved:
        raise ImpactError(f"--split-to {spec!r}: expected NEW_TABLE:COLUMN[,COLUMN…], e.g. user_profiles:display_name")
    return _identifier_ok(name, "--split-to"), moved


def _moved_columns(table_name: str, table: Table, requested: list[str]) -> list[str]:
    """The columns a split moves, each checked: it exists, is no key and no generated column or input of one."""
    moved = []
    for name in requested:
        column = find_name(name, table.columns)
        if column is None:
            raise ImpactError(f"--split-to: no column {table_name}.{name}{did_you_mean(name, table.columns)}")
        if column in table.primary_key:
            raise ImpactError(f"--split-to: {table_name}.{column} is part of the primary key; it stays in {table_name}")
        if table.columns[column].generated:
            raise ImpactError(f"--split-to: {table_name}.{column} is a generated column; it cannot move without its inputs")
        moved.append(column)
    for name, definition in table.columns.items():
        inputs = sorted(c for c in moved if definition.generated and name not in moved and mentions(definition.generated, c))
        if inputs:
            raise ImpactError(f"--split-to: the generated column {table_name}.{name} is computed from {', '.join(inputs)}; they cannot move away from it")
    return moved


def _split_write_body(table: Table, keys: dict[str, str], moved: list[str], staying: list[str], main: str, other: str) -> list[str]:
    """The INSTEAD OF trigger function's body: writes through the view reach both tables."""
    writable_main = [name for name in staying if not table.columns[name].generated]
    identity_always = any(table.columns[name].identity == "always" for name in writable_main)
    key_match = " AND ".join(f"{_q(key)} = OLD.{_q(key)}" for key in table.primary_key)
    part_match = " AND ".join(f"{_q(keys[key])} = OLD.{_q(key)}" for key in table.primary_key)
    part_columns = [keys[key] for key in table.primary_key] + moved
    part_values = [f"NEW.{_q(key)}" for key in table.primary_key] + [f"NEW.{_q(name)}" for name in moved]
    conflict = ", ".join(_q(keys[key]) for key in table.primary_key)
    upsert_set = ", ".join(f"{_q(name)} = EXCLUDED.{_q(name)}" for name in moved)
    returning_targets = ", ".join(f"NEW.{_q(name)}" for name in staying)  # generated values too
    return [
        "BEGIN",
        "  IF TG_OP = 'INSERT' THEN",
        f"    INSERT INTO {main} ({', '.join(_q(n) for n in writable_main)})" + (" OVERRIDING SYSTEM VALUE" if identity_always else ""),
        f"    VALUES ({', '.join(f'NEW.{_q(n)}' for n in writable_main)})",
        f"    RETURNING {', '.join(_q(n) for n in staying)} INTO {returning_targets};",
        f"    INSERT INTO {other} ({', '.join(_q(n) for n in part_columns)})",
        f"    VALUES ({', '.join(part_values)});",
        "    RETURN NEW;",
        "  ELSIF TG_OP = 'UPDATE' THEN",
        f"    UPDATE {main} SET {', '.join(f'{_q(n)} = NEW.{_q(n)}' for n in writable_main)}",
        f"    WHERE {key_match};",
        f"    INSERT INTO {other} ({', '.join(_q(n) for n in part_columns)})",
        f"    VALUES ({', '.join(part_values)})",
        f"    ON CONFLICT ({conflict}) DO UPDATE SET {upsert_set};",
        "    RETURN NEW;",
        "  ELSE",
        f"    DELETE FROM {other} WHERE {part_match};",
        f"    DELETE FROM {main} WHERE {key_match};",
        "    RETURN OLD;",
        "  END IF;",
        "END",
    ]


def _split_defaults(table_name: str, table: Table, part: str, moved: list[str]) -> list[str]:
    """A DO block giving each view column the default of the base table it comes from (identity: its sequence)."""
    default_rows = ", ".join(f"({_lit(part if name in moved else table_name)}, {_lit(name)})" for name in table.columns)
    return [
        "-- Column defaults for writes through the view, copied from the base tables (identity columns: their sequence).",
        "DO $compat$",
        "DECLARE",
        "  source record;",
        "BEGIN",
        "  FOR source IN",
        "    SELECT a.attname, CASE WHEN a.attidentity <> ''",
        f"                           THEN format('nextval(%L)', pg_get_serial_sequence(format('%I.%I', {_lit(BASE_SCHEMA)}, w.tab), a.attname))",
        "                           ELSE pg_get_expr(d.adbin, d.adrelid) END AS expression",
        f"    FROM (VALUES {default_rows}) AS w(tab, col)",
        f"    JOIN pg_attribute a ON a.attrelid = format('%I.%I', {_lit(BASE_SCHEMA)}, w.tab)::regclass AND a.attname = w.col",
        "    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum",
        "    WHERE a.attgenerated = '' AND (a.attidentity <> '' OR d.adbin IS NOT NULL)",
        "  LOOP",
        f"    EXECUTE format('ALTER VIEW %I.%I ALTER COLUMN %I SET DEFAULT %s', {_lit(COMPAT_SCHEMA)}, {_lit(table_name)}, source.attname, source.expression);",
        "  END LOOP;",
        "END",
        "$compat$;",
    ]


def split_view(design: Design, table_name: str, spec: str) -> Compat:
    """The old table as a join of what stays and the new part, writable through INSTEAD OF triggers."""
    from ..review.words import singular

    table = design.tables[table_name]
    part, requested = parse_split(spec)
    if part == table_name:
        raise ImpactError(f"--split-to {part}: the new table needs another name than {table_name}")
    if not table.primary_key:
        raise ImpactError(f"{table_name} has no primary key: the split-off table needs one to join back on")
    moved = _moved_columns(table_name, table, requested)
    stem = singular(table_name)
    keys = {key: naming.fit(f"{stem}_{key}") for key in table.primary_key}  # users.id → user_profiles.user_id
    for key_column in keys.values():
        if key_column in moved:
            raise ImpactError(f"--split-to: {part}.{key_column} is the join key; it cannot also be a moved column")
    staying = [name for name in table.columns if name not in moved]
    main, other = _qualified(BASE_SCHEMA, table_name), _qualified(BASE_SCHEMA, part)
    view = _qualified(COMPAT_SCHEMA, table_name)
    security, notes = _security(table)
    selected = [f"t.{_q(name)}" if name not in moved else f"p.{_q(name)}" for name in table.columns]
    join = " AND ".join(f"p.{_q(keys[key])} = t.{_q(key)}" for key in table.primary_key)
    function = _qualified(COMPAT_SCHEMA, naming.fit(f"{table_name}_write"))
    trigger = _q(naming.fit(f"{table_name}_write"))
    body = _split_write_body(table, keys, moved, staying, main, other)
    default_block = _split_defaults(table_name, table, part, moved)
    key_text = ", ".join(f"{part}.{keys[key]} → {table_name}.{key}" for key in table.primary_key)
    assumes = (
        f"{', '.join(moved)} moved from {table_name} to a new table {part} keyed by {key_text}"
        f" (its primary key, one row per {stem}; a {stem} without a {part} row reads NULL there)"
    )
    writes = (
        f"a view over a join is not updatable, so INSTEAD OF INSERT/UPDATE/DELETE triggers ({COMPAT_SCHEMA}.{table_name}_write)"
        f" write {table_name} and {part}: INSERT fills both, UPDATE updates {table_name} and upserts {part},"
        f" DELETE removes both. Changing a primary key through the view needs ON UPDATE CASCADE on {part}'s key."
    )
    lines = [
        f"-- Compatibility view for readers of the old {table_name}: {assumes}.",
        f"-- Old readers: SET search_path = {COMPAT_SCHEMA}, {BASE_SCHEMA};  (or name {COMPAT_SCHEMA}.{table_name})",
        f"-- Writes: {writes}",
        *notes,
        f"CREATE SCHEMA IF NOT EXISTS {_q(COMPAT_SCHEMA)};",
        f"CREATE OR REPLACE VIEW {view}{security} AS",
        "SELECT " + ",\n       ".join(selected),
        f"FROM {main} AS t",
        f"LEFT JOIN {other} AS p ON {join};",
        f"COMMENT ON VIEW {view} IS {_lit('schemasmith compatibility view: ' + assumes + '; drop it once no reader needs the old shape')};",
        "",
        *default_block,
        "",
        f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $compat$",
        *body,
        "$compat$;",
        "",
        f"DROP TRIGGER IF EXISTS {trigger} ON {view};",
        f"CREATE TRIGGER {trigger} INSTEAD OF INSERT OR UPDATE OR DELETE ON {view}",
        f"  FOR EACH ROW EXECUTE FUNCTION {function}();",
        "",
    ]
    return Compat("split", f"{COMPAT_SCHEMA}.{table_name}", "\n".join(lines), writes, assumes)
