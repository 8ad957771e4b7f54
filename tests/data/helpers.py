"""Shared helpers of the data tests: seed a design into a database and look at what it holds."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import psycopg

from schemasmith.data.load import open_target
from schemasmith.data.seed import seed_database
from schemasmith.data.verify import verify
from schemasmith.model import load_design

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
HOSTILE = REPO / "tests" / "fixtures" / "hostile"


def seed(design, url: str, **options):
    target = open_target(url)
    try:
        return seed_database(design, target, **options)
    finally:
        target.close()


def connect(url: str):
    if url.startswith("sqlite"):
        connection = sqlite3.connect(url.split("///", 1)[1])
        connection.execute("PRAGMA foreign_keys = ON")
        return connection
    return psycopg.connect(url, autocommit=True)


def check(url: str, design):
    """verify() on the database at `url`, plus SQLite's own foreign-key check."""
    connection = connect(url)
    try:
        result = verify(connection, "sqlite" if url.startswith("sqlite") else "postgres", design)
        if url.startswith("sqlite"):
            result.sqlite_foreign_key_check = connection.execute("PRAGMA foreign_key_check").fetchall()
        return result
    finally:
        connection.close()


def dump(url: str, design) -> dict[str, list]:
    """Every table's rows, sorted, as Python values."""
    connection = connect(url)
    try:
        out = {}
        for name in design.tables:
            quoted = '"' + name.replace('"', '""') + '"'
            rows = connection.execute(f"SELECT * FROM {quoted}").fetchall()
            out[name] = sorted(rows, key=repr)
        return out
    finally:
        connection.close()


__all__ = ["EXAMPLES", "HOSTILE", "check", "connect", "dump", "load_design", "seed"]
