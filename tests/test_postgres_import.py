"""Importing PostgreSQL: DDL applied to a scratch database by the real psql, and live databases,
including the classic sample databases nobody on the team wrote."""

from __future__ import annotations

import subprocess
from pathlib import Path

import psycopg
import pytest
from conftest import EXTERNAL_PG, SHARED

from schemasmith.db.embedded import psql_path
from schemasmith.db.urls import libpq_url
from schemasmith.dialects import postgres
from schemasmith.errors import SourceError
from schemasmith.importers.postgres import (
    clean_expression,
    import_database,
    import_ddl,
    scan_script,
)
from schemasmith.model import design_differences, dump_design, load_design_text

SAMPLES = SHARED / "corpora" / "sample-databases"
CHINOOK = SAMPLES / "chinook" / "Chinook_PostgreSql.sql"
PAGILA = SAMPLES / "pagila" / "pagila-schema.sql"


def apply_with_psql(url: str, text: str, tmp_path: Path) -> None:
    path = tmp_path / "rebuilt.sql"
    path.write_text(text, encoding="utf-8")
    completed = subprocess.run(
        [str(psql_path()), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", libpq_url(url), "-f", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr


def any_warning(warnings: list[str], *fragments: str) -> str:
    """The one warning that holds every fragment (fails with the warnings listed otherwise)."""
    matches = [warning for warning in warnings if all(fragment in warning for fragment in fragments)]
    assert matches, f"no warning with {fragments}:\n" + "\n".join(warnings)
    return matches[0]


# --- bad input -------------------------------------------------------------------------------


def test_invalid_sql_names_the_file_line_and_statement(pg_server):
    sql = "CREATE TABLE a (id int);\n\n-- the next one is misspelled\nCREATE TABEL b (id int);\nCREATE TABLE c (id int);\n"
    with pytest.raises(SourceError) as error:
        import_ddl(sql, file="schema/broken.sql")
    message = str(error.value)
    assert message.startswith('schema/broken.sql:4: syntax error at or near "TABEL"')
    assert "in: CREATE TABEL b (id int);" in message


def test_a_failing_statement_is_shown_whole_and_short(pg_server):
    sql = "CREATE TABLE a (id int);\n\nCREATE TABLE b (\n    id int,\n    x nosuchtype\n);\n"
    with pytest.raises(SourceError) as error:
        import_ddl(sql, file="b.sql")
    assert str(error.value).splitlines() == [
        'b.sql:6: type "nosuchtype" does not exist [on PostgreSQL ' + str(error.value).split("[on PostgreSQL ")[1].split("\n")[0],
        "  in: CREATE TABLE b ( id int, x nosuchtype );",
    ]


def test_unreachable_database_is_one_sentence_without_the_password():
    with pytest.raises(SourceError) as error:
        import_database("postgresql://alice:s3cret-pw@127.0.0.1:1/app")
    message = str(error.value)
    assert message.startswith("cannot connect to the PostgreSQL database at postgresql://alice:***@127.0.0.1:1/app: ")
    assert "s3cret-pw" not in message and "\n" not in message


def test_malformed_url_is_reported_without_the_password():
    with pytest.raises(SourceError) as error:
        import_database("postgresql://alice:s3cret-pw@localhost:notaport/app")
    assert "s3cret-pw" not in str(error.value)


def test_missing_schema_is_named(pg_url: str):
    with pytest.raises(SourceError, match="schema 'nowhere' does not exist"):
        import_database(pg_url, schema="nowhere")


@pytest.mark.parametrize(
    "sql, refused",
    [
        ("CREATE TABLE a (id int);\n\\! touch {marker}\n", r"psql command \\! touch"),
        ("CREATE TABLE a (id int);\nCOPY a FROM PROGRAM 'touch {marker}';\n", "COPY … PROGRAM"),
    ],
)
def test_commands_that_run_programs_are_refused(sql: str, refused: str, tmp_path: Path, pg_server):
    marker = tmp_path / "ran"
    with pytest.raises(SourceError, match=refused) as error:
        import_ddl(sql.format(marker=marker), file="evil.sql")
    assert str(error.value).startswith("evil.sql:2: ")
    assert not marker.exists()


def test_scanner_does_not_see_statements_inside_comments_strings_and_dollar_quotes():
    sql = (
        "/* DROP DATABASE x; /* nested; */ still comment; */\n"
        "-- CREATE DATABASE y;\n"
        "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $body$ SELECT 1; $body$;\n"
        "SELECT E'it\\'s; fine', 'a''b;', \"odd;name\";\n"
        "COPY t FROM stdin;\n1;2\n\\.\n"
        "\\c other\n"
        "SELECT 2;\n"
    )
    pieces = [(kind, sql[start:end].strip()) for kind, start, end in scan_script(sql)]
    assert pieces == [
        ("statement", "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $body$ SELECT 1; $body$;"),
        ("statement", "SELECT E'it\\'s; fine', 'a''b;', \"odd;name\";"),
        ("statement", "COPY t FROM stdin;"),
        ("meta", "\\c other"),
        ("statement", "SELECT 2;"),
    ]


# --- what a hand-written schema becomes --------------------------------------------------------

HAND_WRITTEN = """
CREATE TYPE ticket_state AS ENUM ('open', 'closed');
CREATE TABLE people (
    id serial PRIMARY KEY,
    email varchar(200) NOT NULL,
    kind varchar(10) NOT NULL DEFAULT 'staff'::character varying CHECK (kind IN ('staff', 'guest')),
    country character(2),
    wallet money,
    wakes time with time zone,
    seen timestamp(3) without time zone,
    score integer DEFAULT -1,
    created_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT people_email_unique UNIQUE (email)
);
COMMENT ON COLUMN people.email IS 'Where we write to.';
CREATE UNIQUE INDEX people_lower_email ON people (lower(email));
CREATE INDEX ON people (country) WHERE kind::text <> 'guest'::text;
CREATE TABLE tickets (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    owner_id integer REFERENCES people (id) ON DELETE NO ACTION ON UPDATE CASCADE,
    state ticket_state NOT NULL DEFAULT 'open',
    title text NOT NULL DEFAULT '',
    CONSTRAINT tickets_title_check CHECK (char_length(title) <= 200)
);
CREATE FUNCTION audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE NOTICE 'x'; RETURN NEW; END $$;
CREATE TRIGGER tickets_audit AFTER INSERT ON tickets FOR EACH ROW EXECUTE FUNCTION audit();
ALTER TABLE tickets ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_tickets ON tickets FOR SELECT TO CURRENT_USER USING (owner_id IS NOT NULL);
"""


def test_a_hand_written_schema_becomes_a_readable_design(pg_server):
    result = import_ddl(HAND_WRITTEN, file="/somewhere/Help Desk.sql")
    design = result.design
    assert design.name == "help_desk"
    people = design.tables["people"]
    columns = people.columns
    # A serial column stays what it is: a default naming its sequence, owned by the column.
    assert columns["id"].identity is None and columns["id"].default.value == "nextval('people_id_seq'::regclass)"
    assert design.sequences["people_id_seq"].owned_by == "people.id"
    assert columns["kind"].type == "varchar(10)" and columns["kind"].default.value == "staff"
    assert not columns["kind"].default.is_expression
    assert columns["score"].default.value == -1
    assert columns["created_at"].default.value == "CURRENT_TIMESTAMP" and columns["created_at"].default.is_expression
    assert columns["email"].comment == "Where we write to."
    # Types exactly as PostgreSQL spells them; each still has its nearest portable type for the other views.
    assert (columns["country"].type, columns["wallet"].type, columns["wakes"].type, columns["seen"].type) == (
        "character(2)", "money", "time with time zone", "timestamp(3) without time zone",
    )
    assert str(columns["country"].portable_type.nearest) == "varchar(2)"
    assert [check.expression for check in people.checks] == ["kind IN ('staff', 'guest')"]
    assert people.checks[0].name == "people_kind_check"  # PostgreSQL's name, not the design's people_check: kept
    assert [(unique.name, unique.columns) for unique in people.unique] == [("people_email_unique", ["email"])]
    assert [(index.name, index.expressions, index.columns, index.where) for index in people.indexes] == [
        ("people_lower_email", ["lower(email)"], [], None),
        (None, [], ["country"], "kind <> 'guest'"),
    ]
    # people.updated_at has no trigger: the conventions would add one, so the design implies nothing.
    assert design.conventions.implied is False
    tickets = design.tables["tickets"]
    assert tickets.columns["id"].default.value == "gen_random_uuid()"
    assert tickets.columns["state"].type == "enum:ticket_state" and tickets.columns["state"].default.value == "open"
    assert tickets.columns["title"].default.value == ""
    foreign_key = tickets.foreign_keys[0]
    assert (foreign_key.name, foreign_key.on_delete, foreign_key.on_update) == (None, None, "cascade")
    assert [(check.name, check.expression) for check in tickets.checks] == [("tickets_title_check", "char_length(title) <= 200")]
    assert tickets.row_level_security
    assert [(p.name, p.command, p.roles, p.using) for p in tickets.policies] == [
        ("own_tickets", "select", ["postgres"], "owner_id IS NOT NULL")
    ]
    assert [(t.name, t.definition) for t in tickets.triggers] == [
        ("tickets_audit", "CREATE TRIGGER tickets_audit AFTER INSERT ON public.tickets FOR EACH ROW EXECUTE FUNCTION audit()")
    ]
    assert "RAISE NOTICE 'x'" in design.functions["audit()"].definition
    assert design.enums == {"ticket_state": ["open", "closed"]}
    assert result.warnings == []  # nothing was approximated, so there is nothing to warn about
    # The design is a valid document, and rebuilds DDL that applies.
    assert dump_design(load_design_text(dump_design(design))) == dump_design(design)


def test_the_hand_written_design_rebuilds_and_reads_back_the_same(pg_url: str, tmp_path: Path):
    design = import_ddl(HAND_WRITTEN, name="help desk").design
    text = postgres.render(design).files["schema.sql"]
    apply_with_psql(pg_url, text.replace("TO postgres", "TO CURRENT_USER"), tmp_path)
    again = import_database(pg_url, name="help desk")
    assert design_differences(postgres.project(design), again.design) == []


def test_other_schemas_are_read_as_schema_qualified_names(pg_server):
    sql = "CREATE SCHEMA app;\nCREATE TABLE app.things (id bigint PRIMARY KEY, label text);\nCREATE TABLE things (id int);\n"
    result = import_ddl(sql, name="app")
    assert list(result.design.tables) == ["app.things", "things"]
    assert list(result.design.schemas) == ["app"]
    text = postgres.render(result.design).files["schema.sql"]
    assert 'CREATE TABLE app.things (' in text


def test_expressions_read_like_a_person_wrote_them():
    assert clean_expression("((\"Mixed Case\")::text <> 'x''y'::text)", {"Mixed Case"}) == "\"Mixed Case\" <> 'x''y'"
    assert clean_expression("(status = ANY (ARRAY['a'::text, 'b'::text]))") == "status IN ('a', 'b')"
    assert clean_expression("(status <> ALL (ARRAY['a'::text]))") == "status NOT IN ('a')"
    assert clean_expression("to_tsvector('simple'::regconfig, (title)::text)", {"title"}) == "to_tsvector('simple', title)"
    assert clean_expression("(balance > '-1000'::integer::numeric)") == "balance > -1000"
    assert clean_expression("(created_at > (now() - '1 day'::interval))") == "created_at > now() - CAST('1 day' AS interval)"
    assert clean_expression("COALESCE(a, 'COALESCE('::text)") == "coalesce(a, 'COALESCE(')"


# --- the sample databases ----------------------------------------------------------------------


def test_chinook_imports_with_its_data_statements(pg_url: str, tmp_path: Path):
    result = import_ddl(CHINOOK.read_text(encoding="utf-8"), file=str(CHINOOK))
    design = result.design
    assert list(design.tables) == [
        "album", "artist", "customer", "employee", "genre", "invoice", "invoice_line", "media_type", "playlist",
        "playlist_track", "track",
    ]
    assert result.warnings == [
        (
            f"{CHINOOK}: skipped DROP DATABASE IF EXISTS chinook; CREATE DATABASE chinook; \\c chinook"
            " — the schema was read from a scratch database instead"
        )
    ]
    track = design.tables["track"]
    assert track.columns["unit_price"].type == "numeric(10,2)"
    assert [(fk.columns, fk.references.table, fk.on_delete) for fk in track.foreign_keys] == [
        (["album_id"], "album", None), (["genre_id"], "genre", None), (["media_type_id"], "media_type", None),
    ]
    assert design.tables["employee"].foreign_keys[0].references.table == "employee"  # self-reference
    assert design.tables["playlist_track"].primary_key == ["playlist_id", "track_id"]
    # The design rebuilds a schema that applies and reads back the same.
    apply_with_psql(pg_url, postgres.render(design).files["schema.sql"], tmp_path)
    assert design_differences(postgres.project(design), import_database(pg_url, name=design.name).design) == []


def test_pagila_imports_whole(pg_url: str, tmp_path: Path):
    result = import_ddl(PAGILA.read_text(encoding="utf-8"), file=str(PAGILA))
    design = result.design
    assert design.name == "pagila_schema"
    plain = {name for name, table in design.tables.items() if table.partition_of is None}
    assert plain == {
        "actor", "address", "category", "city", "country", "customer", "film", "film_actor", "film_category",
        "film_embedding", "inventory", "language", "payment", "rental", "staff", "store",
    }
    partitions = [name for name, table in design.tables.items() if table.partition_of == "payment"]
    assert len(partitions) == 55 and design.tables["payment"].partition_by == "RANGE (payment_date)"
    assert design.enums == {"mpaa_rating": ["G", "PG", "PG-13", "R", "NC-17"]}
    assert design.conventions.postgres_version == 18  # its uuid columns default to uuidv7()
    film = design.tables["film"]
    assert film.columns["rating"].type == "enum:mpaa_rating" and film.columns["rating"].default.value == "G"
    assert film.columns["rental_rate"].default.value == 4.99
    assert film.columns["release_year"].type == "domain:year" and "year" in design.domains
    assert film.columns["fulltext"].type == "tsvector"
    assert film.columns["length_hours"].generated == "round(length / 60.0, 2)" and film.columns["length_hours"].virtual
    assert design.tables["film_embedding"].columns["embedding"].type == "vector(20)"
    assert {"actor_info", "sales_by_store", "rental_by_category"} <= set(design.views)
    assert design.views["rental_by_category"].materialized
    assert "rewards_report(integer, numeric)" in design.functions and "group_concat(text)" in design.functions
    assert "vector" in design.extensions
    assert [trigger.name for trigger in design.tables["actor"].triggers] == ["last_updated"]
    assert result.warnings == []

    # What was imported builds again on PostgreSQL 18, and reads back as the same design.
    output = postgres.render(design)
    assert output.warnings == []
    apply_with_psql(pg_url, output.files["schema.sql"], tmp_path)
    assert design_differences(design, import_database(pg_url, name=design.name).design) == []


@pytest.mark.skipif(not EXTERNAL_PG, reason="needs SCHEMASMITH_TEST_PG_URL (an older PostgreSQL)")
def test_pagila_on_an_older_server_says_why_it_cannot_apply():
    with psycopg.connect(EXTERNAL_PG) as connection:
        if connection.info.server_version >= 180000:
            pytest.skip("the server has uuidv7()")
    with pytest.raises(SourceError) as error:
        import_ddl(PAGILA.read_text(encoding="utf-8"), file="pagila-schema.sql", server_url=EXTERNAL_PG)
    first_line = str(error.value).splitlines()[0]
    # Checked before anything is applied: the pgvector extension the schema creates is not on that server.
    assert first_line.startswith("pagila-schema.sql: needs the PostgreSQL extension vector, which the server at")
    assert "(PostgreSQL 1" in first_line


def test_a_primary_key_name_that_is_not_conventional_is_kept(pg_url: str, tmp_path: Path):
    sql = 'CREATE TABLE "Album" ("AlbumId" integer NOT NULL, CONSTRAINT "PK_Album" PRIMARY KEY ("AlbumId"));\n'
    design = import_ddl(sql, file="album.sql").design
    assert design.tables["Album"].primary_key_name == "PK_Album"
    rebuilt = postgres.render(design).files["schema.sql"]
    assert 'CONSTRAINT "PK_Album" PRIMARY KEY ("AlbumId")' in rebuilt
    apply_with_psql(pg_url, rebuilt, tmp_path)
    assert design_differences(design, import_database(pg_url, name=design.name).design) == []
