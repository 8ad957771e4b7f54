"""Relation names a user reads: Prisma fields and SQLAlchemy/SQLModel relationships on real schemas.

Pagila and Chinook (imported from their SQL, as a user would) and a small design with what makes
naming hard: two keys to one table, self-references, a key column named like its relation, a
reserved word, an irregular plural. Prisma's validator takes every schema; the Python models map.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import SHARED
from test_sqlalchemy import load_generated, write_files

from schemasmith.emit import prisma, sqlalchemy, sqlmodel
from schemasmith.emit.js_names import ascii_words
from schemasmith.emit.js_tools import run_checker
from schemasmith.emit.py_names import SQLALCHEMY_RESERVED
from schemasmith.emit.py_schema import build
from schemasmith.emit.relation_names import plural, plural_words
from schemasmith.model import load_design_text

SAMPLES = SHARED / "corpora" / "sample-databases"
PAGILA = SAMPLES / "pagila" / "pagila-schema.sql"
CHINOOK = SAMPLES / "chinook" / "Chinook_PostgreSql.sql"

NAMES = """
name: relation names
conventions: {primary_key: identity}
tables:
  address:
    columns:
      id: {type: bigint, identity: by default}
      street: {type: text}
    primary_key: [id]
  customer:
    columns:
      id: {type: bigint, identity: by default}
      name: {type: text}
      home_address_id: {type: bigint}
      work_address_id: {type: bigint, nullable: true}
      referred_by_id: {type: bigint, nullable: true}
    primary_key: [id]
    foreign_keys:
      - {columns: [home_address_id], references: {table: address, columns: [id]}}
      - {columns: [work_address_id], references: {table: address, columns: [id]}}
      - {columns: [referred_by_id], references: {table: customer, columns: [id]}}
  employee:
    columns:
      id: {type: bigint, identity: by default}
      reports_to: {type: bigint, nullable: true}
    primary_key: [id]
    foreign_keys:
      - {columns: [reports_to], references: {table: employee, columns: [id]}}
  category:
    columns:
      id: {type: bigint, identity: by default}
      parent_id: {type: bigint, nullable: true}
    primary_key: [id]
    foreign_keys:
      - {columns: [parent_id], references: {table: category, columns: [id]}, on_delete: cascade}
  company:
    columns:
      id: {type: bigint, identity: by default}
    primary_key: [id]
  person:
    columns:
      id: {type: bigint, identity: by default}
      company_id: {type: bigint}
    primary_key: [id]
    foreign_keys:
      - {columns: [company_id], references: {table: company, columns: [id]}}
  class:
    columns:
      id: {type: bigint, identity: by default}
    primary_key: [id]
  metadata:
    columns:
      id: {type: bigint, identity: by default}
    primary_key: [id]
  rental:
    columns:
      id: {type: bigint, identity: by default}
      customer: {type: bigint}
      person_id: {type: bigint, nullable: true}
      class_id: {type: bigint, nullable: true}
      metadata_id: {type: bigint, nullable: true}
    primary_key: [id]
    foreign_keys:
      - {columns: [customer], references: {table: customer, columns: [id]}}
      - {columns: [person_id], references: {table: person, columns: [id]}}
      - {columns: [class_id], references: {table: class, columns: [id]}}
      - {columns: [metadata_id], references: {table: metadata, columns: [id]}}
"""


@pytest.fixture(scope="module")
def designs(pg_server):
    """Pagila and Chinook imported from their SQL (on the embedded PostgreSQL), and the design above."""
    from schemasmith.importers.postgres import import_ddl

    if not (PAGILA.is_file() and CHINOOK.is_file()):
        pytest.skip("the shared corpus is not here")
    return {
        "pagila": import_ddl(PAGILA.read_text(encoding="utf-8"), file=str(PAGILA)).design,
        "chinook": import_ddl(CHINOOK.read_text(encoding="utf-8"), file=str(CHINOOK)).design,
        "names": load_design_text(NAMES),
    }


@pytest.fixture(scope="module")
def schemas(designs):
    return {name: prisma.render(design).files["schema.prisma"] for name, design in designs.items()}


@pytest.fixture(scope="module")
def checked(schemas):
    results, _versions = run_checker("prisma", schemas)
    return results


def _relations(result, table: str) -> dict[str, str]:
    """A model's relation fields as Prisma reads them: name → type (`Rental[]`, `Customer?`)."""
    model = next(model for model in result["models"] if (model["dbName"] or model["name"]) == table)
    return {
        field["name"]: field["type"] + ("[]" if field["isList"] else "" if field["isRequired"] else "?")
        for field in model["fields"]
        if field["kind"] == "object"
    }


def _relationships(design, table: str) -> dict[str, str]:
    """A class's relationships: attribute → target class (`list[Rental]`, `Customer | None`)."""
    view = build(design, SQLALCHEMY_RESERVED)
    found = {}
    for relationship in view.table(table).relationships:
        target = relationship.target_class
        found[relationship.attr] = f"list[{target}]" if relationship.collection else target + (" | None" if relationship.optional else "")
    return found


@pytest.mark.parametrize("name", ["pagila", "chinook", "names"])
def test_prisma_validates_the_schema(name, schemas, checked):
    result = checked[name]
    assert result["ok"], result.get("error")
    if name != "pagila":
        # Pagila's models mix @@unique and @@index around the // notes, which `prisma format`
        # reorders (a layout matter of the block attributes, not of the names).
        assert result["formatted"] == schemas[name], "the schema is not in `prisma format` layout"


def test_pagila_prisma_names(checked, schemas):
    result = checked["pagila"]
    # (The payment partitions have no key, so Prisma ignores them and the fields to them.)
    assert _relations(result, "customer") == {"address": "Address", "store": "Store", "rentals": "Rental[]"}
    assert "  paymentP202201 PaymentP202201[] @ignore\n" in schemas["pagila"]  # digits at the end: no plural to make
    assert _relations(result, "staff") == {"address": "Address", "store": "Store", "rentals": "Rental[]"}
    assert _relations(result, "rental") == {"customer": "Customer", "inventory": "Inventory", "staff": "Staff"}
    assert _relations(result, "film") == {
        "language": "Language",
        "originalLanguage": "Language?",
        "filmActors": "FilmActor[]",
        "filmCategories": "FilmCategory[]",
        "filmEmbedding": "FilmEmbedding?",  # one-to-one: singular
        "inventory": "Inventory[]",  # a mass noun keeps its form
    }
    assert _relations(result, "language") == {"films": "Film[]", "originalLanguageFilms": "Film[]"}
    assert _relations(result, "store") == {"address": "Address", "customers": "Customer[]", "inventory": "Inventory[]", "staff": "Staff[]"}
    assert _relations(result, "actor") == {"filmActors": "FilmActor[]"}
    assert _relations(result, "address") == {"city": "City", "customers": "Customer[]", "staff": "Staff[]", "stores": "Store[]"}
    assert _relations(result, "country") == {"cities": "City[]"}


def test_chinook_prisma_names(checked):
    result = checked["chinook"]
    assert _relations(result, "employee") == {"manager": "Employee?", "reports": "Employee[]", "customers": "Customer[]"}
    employee = next(model for model in result["models"] if model["dbName"] == "employee")
    manager = next(field for field in employee["fields"] if field["name"] == "manager")
    assert manager["relationFromFields"] == ["reportsTo"] and manager["relationName"] == "EmployeeManager"
    assert _relations(result, "customer") == {"supportRep": "Employee?", "invoices": "Invoice[]"}
    assert _relations(result, "artist") == {"albums": "Album[]"}
    assert _relations(result, "album") == {"artist": "Artist", "tracks": "Track[]"}
    assert _relations(result, "track") == {
        "album": "Album?", "genre": "Genre?", "mediaType": "MediaType",
        "invoiceLines": "InvoiceLine[]", "playlistTracks": "PlaylistTrack[]",
    }
    assert _relations(result, "playlist") == {"playlistTracks": "PlaylistTrack[]"}


def test_hard_cases_prisma_names(checked, schemas):
    result = checked["names"]
    assert _relations(result, "address") == {"homeAddressCustomers": "Customer[]", "workAddressCustomers": "Customer[]"}
    assert _relations(result, "customer") == {
        "homeAddress": "Address",
        "workAddress": "Address?",
        "referredBy": "Customer?",
        "referredByCustomers": "Customer[]",  # a self-reference without an English inverse: role + plural
        "rentals": "Rental[]",
    }
    assert _relations(result, "employee") == {"manager": "Employee?", "reports": "Employee[]"}
    assert _relations(result, "category") == {"parent": "Category?", "children": "Category[]"}
    assert _relations(result, "company") == {"people": "Person[]"}
    # The key column is called `customer`: the scalar keeps its name, the relation says Record.
    assert _relations(result, "rental") == {
        "customerRecord": "Customer", "person": "Person?", "class": "Class?", "metadata": "Metadata?",
    }
    assert "  customer       BigInt" in schemas["names"]


def test_pagila_and_chinook_relationships(designs):
    pagila, chinook = designs["pagila"], designs["chinook"]
    customer = _relationships(pagila, "customer")
    assert {key: customer[key] for key in ("address", "store", "rentals")} == {
        "address": "Address", "store": "Store", "rentals": "list[Rental]",
    }
    assert {key: value for key, value in _relationships(pagila, "rental").items() if "payment" not in key} == {
        "customer": "Customer", "inventory": "Inventory", "staff": "Staff",
    }
    assert _relationships(pagila, "film") == {
        "language": "Language",
        "original_language": "Language | None",
        "film_actors": "list[FilmActor]",
        "film_categories": "list[FilmCategory]",
        "film_embedding": "FilmEmbedding | None",
        "inventory": "list[Inventory]",
    }
    assert _relationships(pagila, "language") == {"films": "list[Film]", "original_language_films": "list[Film]"}
    assert {key: value for key, value in _relationships(pagila, "staff").items() if "payment" not in key} == {
        "address": "Address", "store": "Store", "rentals": "list[Rental]",
    }
    assert _relationships(chinook, "employee") == {
        "customers": "list[Customer]", "manager": "Employee | None", "reports": "list[Employee]",
    }
    assert _relationships(chinook, "artist") == {"albums": "list[Album]"}


def test_hard_cases_relationships(designs):
    names = designs["names"]
    assert _relationships(names, "address") == {"home_address_customers": "list[Customer]", "work_address_customers": "list[Customer]"}
    assert _relationships(names, "customer") == {
        "home_address": "Address",
        "work_address": "Address | None",
        "referred_by": "Customer | None",
        "referred_by_customers": "list[Customer]",
        "rentals": "list[Rental]",
    }
    assert _relationships(names, "employee") == {"manager": "Employee | None", "reports": "list[Employee]"}
    assert _relationships(names, "category") == {"parent": "Category | None", "children": "list[Category]"}
    assert _relationships(names, "company") == {"people": "list[Person]"}
    # `class` is a keyword and `metadata` the declarative base's: both get a trailing underscore.
    assert _relationships(names, "rental") == {
        "customer_record": "Customer", "person": "Person | None", "class_": "Class | None", "metadata_": "Metadata | None",
    }


@pytest.mark.parametrize("target", [sqlalchemy, sqlmodel])
def test_hard_cases_models_map(target, designs, tmp_path: Path):
    """The generated relationships configure (every back_populates names its pair) and load on SQLite."""
    write_files(target.render(designs["names"]).files, tmp_path)
    module = load_generated(tmp_path / "models.py")
    sa.orm.configure_mappers()
    engine = sa.create_engine("sqlite://")
    module.Base.metadata.create_all(engine)
    with sa.orm.Session(engine) as session:
        home, work = module.Address(street="Home Street"), module.Address(street="Work Street")
        boss = module.Employee()
        customer = module.Customer(name="Ada", home_address=home, work_address=work)
        session.add_all([customer, module.Employee(manager=boss)])
        session.add(module.Rental(customer_record=customer))
        session.commit()
        assert [c.name for c in home.home_address_customers] == ["Ada"] and work.work_address_customers[0] is customer
        assert len(boss.reports) == 1 and customer.rentals[0].customer == customer.id


def test_plurals_come_from_inflect_and_keep_the_databases_own():
    assert [plural(word) for word in ("rental", "category", "person", "address", "status")] == [
        "rentals", "categories", "people", "addresses", "statuses",
    ]
    assert [plural(word) for word in ("staff", "inventory", "data", "todos", "01")] == ["staff", "inventory", "data", "todos", "01"]
    assert plural_words("film_actor", ascii_words) == ["film", "actors"]
    assert plural_words("order lines", ascii_words) == ["order", "lines"]


def test_names_are_deterministic(designs):
    for design in designs.values():
        assert prisma.render(design).files == prisma.render(design).files
        assert sqlalchemy.render(design).files == sqlalchemy.render(design).files


def test_kysely_type_names(designs):
    """Kysely has no relation fields; its type names follow Kysely's docs (`PersonTable`, `Person`, `NewPerson`, `PersonUpdate`)."""
    from schemasmith.emit import kysely

    pagila = kysely.render(designs["pagila"]).files["database.ts"]
    for table, row in (("film_actor", "FilmActor"), ("staff", "Staff"), ("rental", "Rental"), ("customer", "Customer")):
        assert f"  {table}: {row}Table;" in pagila
        assert f"export type {row} = Selectable<{row}Table>;\nexport type New{row} = Insertable<{row}Table>;" in pagila
        assert f"export type {row}Update = Updateable<{row}Table>;" in pagila
    chinook = kysely.render(designs["chinook"]).files["database.ts"]
    assert "  playlist_track: PlaylistTrackTable;" in chinook and "export type MediaType = Selectable<MediaTypeTable>;" in chinook
