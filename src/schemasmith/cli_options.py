"""The command line's vocabulary: every option name with its one meaning, shared by all commands.

One concept, one name (DESIGN.md): `--format` is always the format of what is printed, `-o` is
always what is written, `--target` always what is generated. Commands take their options from
here, so a name cannot drift to a second meaning; `tests/test_cli_vocabulary.py` holds every
registered option to this table, and `tools/cli_reference.py` writes docs/cli.md from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


@dataclass(frozen=True)
class Meaning:
    """What an option name means in every command that has it, and the kind of value it takes."""

    kind: str  # path, url, text, int, float, choice, flag
    meaning: str


VOCABULARY: dict[str, Meaning] = {
    "--help": Meaning("flag", "Show the command's help and exit (also -h)."),
    "--quiet": Meaning("flag", "Print results, warnings and errors only: no progress, notes or \"wrote …\" lines."),
    "--verbose": Meaning("flag", "Also print what the command did on the way: timings, the server used."),
    "--output": Meaning("path", "The file or folder the command writes (-o); missing parent folders are created."),
    "--format": Meaning("choice", "The format of what the command prints on standard output."),
    "--target": Meaning("choice", "What the command generates: a dialect or an artifact kind."),
    "--dialect": Meaning("choice", "The SQL dialect a .sql SCHEMA is written in (detected when left out)."),
    "--db": Meaning("url", "The database (server) the command runs on: sqlite:///file.db or postgresql://…; default embedded or $DATABASE_URL."),
    "--queries": Meaning("path", "The workload: a YAML file like the design's `queries:`, or .sql with `-- story:` comments."),
    "--scale": Meaning("path", "A scale file (YAML/TOML): `expected_rows:` (table: rows) and/or `growth:`."),
    "--scale-factor": Meaning("float", "Fraction of the projected rows to generate."),
    "--pg-version": Meaning("int", "The oldest PostgreSQL major version the generated SQL must run on."),
    "--name": Meaning("text", "The name of the design."),
    "--plot": Meaning("path", "Also write the growth chart (SVG) to this file."),
    "--verify": Meaning("flag", "Measure the advice with EXPLAIN ANALYZE on synthetic data at projected scale."),
    "--hypothetical": Meaning("flag", "Cost the advice with HypoPG hypothetical indexes (planner estimates; needs hypopg on --db)."),
    "--fail-on": Meaning("choice", "Exit 1 when a finding reaches this severity."),
    "--profile": Meaning("text", "Review profiles, comma-separated: postgres (default), sqlite, supabase, multi-tenant."),
    "--config": Meaning("path", "The schemasmith.toml or pyproject.toml to read (default: found from the current folder)."),
    "--provider": Meaning("choice", "Who proposes the design: rules (offline, default), openai, anthropic or ollama."),
    "--model": Meaning("text", "The model name for a language-model provider."),
    "--base-url": Meaning("url", "The endpoint of an OpenAI-compatible server (vLLM, LM Studio, …)."),
    "--rounds": Meaning("int", "Critique → revise rounds at most."),
    "--replay": Meaning("path", "Reproduce a design from a transcript, with no model."),
    "--dir": Meaning("path", "The migrations folder: NNNN_name.up.sql / NNNN_name.down.sql files."),
    "--dry-run": Meaning("flag", "Print what would run; run nothing."),
    "--allow-data-loss": Meaning("flag", "Also run migrations marked data-loss."),
    "--to-version": Meaning("text", "Apply up to this version; revert back to it (0: revert all)."),
    "--steps": Meaning("int", "Apply the next N migrations, or revert the last N."),
    "--backfill": Meaning("text", "TABLE.COLUMN=SQL: the value existing rows get (repeatable)."),
    "--safe": Meaning("flag", "Force the safe multi-step plans (--direct: plain DDL); default: safe where a table is big."),
    "--split-to": Meaning("text", "NEW_TABLE:COL[,COL…]: the compatibility view for splitting columns out."),
    "--rename-to": Meaning("text", "NEW_NAME: the compatibility view for a rename."),
    "--rows": Meaning("int", "Rows per table."),
    "--seed": Meaning("int", "Random seed: the same seed gives the same data."),
    "--null-rate": Meaning("float", "Share of NULLs in nullable columns (0 to 1)."),
    "--from": Meaning("url", "The database to copy from."),
    "--to": Meaning("url", "The database to copy into."),
    "--schema": Meaning("text", "The schema the files run on: a design (.yaml), DDL (.sql) or database URL, copied to a scratch database."),
    "--fix": Meaning("flag", "Also write each file with its hazards replaced by their safe forms, beside it (FILE.fixed.sql)."),
    "--in-place": Meaning("flag", "With --fix: replace the files themselves instead of writing FILE.fixed.sql."),
    "--version": Meaning("flag", "Print schemasmith's version and exit."),
    "--port": Meaning("int", "The port the studio listens on (0: any free port)."),
    "--host": Meaning("text", "The address the studio binds to; anything but 127.0.0.1 requires the token it prints."),
    "--open": Meaning("flag", "Open the studio in the default browser."),
}


#: How each kind of value is shown in `--help` (choices show their values; flags nothing).
METAVARS = {"path": "<path>", "url": "<url>", "text": "<text>", "int": "<n>", "float": "<number>"}


def help_for(name: str) -> str:
    return VOCABULARY[name].meaning


def option(name: str, *aliases: str, help: str | None = None, **settings):
    """A typer option named from the vocabulary: its help defaults to the name's one meaning and
    its metavar to the kind of value it takes."""
    import typer

    meaning = VOCABULARY[name]
    if meaning.kind in METAVARS:
        settings.setdefault("metavar", METAVARS[meaning.kind])
    elif meaning.kind == "flag":
        settings.setdefault("metavar", "")
    return typer.Option(name, *aliases, help=help if help is not None else meaning.meaning, **settings)


class TextOrJson(str, Enum):
    text = "text"
    json = "json"


class ReviewFormat(str, Enum):
    text = "text"
    json = "json"
    sarif = "sarif"
    markdown = "markdown"
    github = "github"


class LintFormat(str, Enum):
    text = "text"
    json = "json"
    sarif = "sarif"
    github = "github"


class DocFormat(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"


class Severity(str, Enum):
    error = "error"
    warning = "warning"


class Provider(str, Enum):
    rules = "rules"
    openai = "openai"
    anthropic = "anthropic"
    ollama = "ollama"


class SqlDialect(str, Enum):
    postgres = "postgres"
    sqlite = "sqlite"


class MigrationTarget(str, Enum):
    """What `diff` writes: PostgreSQL SQL, SQLite SQL (table rebuilds where needed), or an Alembic revision."""

    postgres = "postgres"
    sqlite = "sqlite"
    alembic = "alembic"
