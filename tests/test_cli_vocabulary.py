"""One vocabulary for all commands: each option name has one meaning and one kind of value, and
docs/cli.md (the table of every command's options) is what the command line really has."""

from __future__ import annotations

import importlib.util
from enum import Enum
from pathlib import Path

from conftest import REPO
from schemasmith.cli_options import VOCABULARY

_spec = importlib.util.spec_from_file_location("cli_reference", REPO / "tools" / "cli_reference.py")
cli_reference = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cli_reference)

#: The Python types each kind of value may be declared with.
KINDS = {
    "flag": (bool,),
    "int": (int,),
    "float": (float,),
    "path": (Path, str),
    "url": (str,),
    "text": (str, list),
    "choice": (Enum, str),
}


def _matches(annotation, kind: str) -> bool:
    origin = getattr(annotation, "__origin__", None)
    if origin is not None:
        return list in KINDS[kind] and origin is list
    return any(isinstance(annotation, type) and issubclass(annotation, allowed) for allowed in KINDS[kind])


def test_every_option_is_in_the_vocabulary_with_its_kind_of_value():
    wrong = []
    for path, command in cli_reference.commands().items():
        for param in cli_reference.options(command):
            name = cli_reference.long_name(param)
            if name not in VOCABULARY:
                wrong.append(f"{path} {name}: not in cli_options.VOCABULARY (say what it means there)")
                continue
            kind = VOCABULARY[name].kind
            if not _matches(param.type_descriptor.annotation, kind):
                wrong.append(f"{path} {name}: takes {param.type_descriptor.annotation}, but {name} is a {kind} everywhere")
    assert not wrong, "\n".join(wrong)


def test_short_options_mean_one_long_option():
    seen: dict[str, str] = {}
    for path, command in cli_reference.commands().items():
        for param in cli_reference.options(command):
            name = cli_reference.long_name(param)
            for short in (option for option in param.opts if not option.startswith("--")):
                assert seen.setdefault(short, name) == name, f"{path}: {short} is {name} here but {seen[short]} elsewhere"
    assert seen["-o"] == "--output" and seen["-q"] == "--quiet" and seen["-v"] == "--verbose"


def test_format_is_always_what_is_printed_and_every_machine_readable_command_offers_json():
    for path, command in cli_reference.commands().items():
        formats = [param for param in cli_reference.options(command) if cli_reference.long_name(param) == "--format"]
        for param in formats:
            values = {member.value for member in param.type_descriptor.annotation}
            assert "text" in values and "json" in values, f"{path} --format: {values}"


def test_every_command_writes_through_output_and_shares_quiet_and_verbose():
    for path, command in cli_reference.commands().items():
        names = {cli_reference.long_name(param) for param in cli_reference.options(command)}
        assert {"--quiet", "--verbose"} <= names, path
        assert not names & {"--out", "--output-dir", "--file", "--migrations"}, f"{path}: writes through -o/--output (or --dir for migrations)"


def test_docs_cli_md_is_the_command_line_as_it_is():
    written = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    assert written == cli_reference.reference_markdown(), "docs/cli.md is stale: run `python tools/cli_reference.py`"
