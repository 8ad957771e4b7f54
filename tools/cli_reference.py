"""Write docs/cli.md, the table of every command's options, from the command line itself.

Run `python tools/cli_reference.py` after changing an option; tests/test_cli_vocabulary.py fails
while docs/cli.md differs from what this prints, and while an option name has a second meaning.
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1] / "docs" / "cli.md"


def commands() -> dict[str, object]:
    """Command path ("build", "migrate apply") → the click command typer made, in help order."""
    import typer.main

    from schemasmith.cli import app

    found: dict[str, object] = {}

    def walk(command, path: str) -> None:
        if hasattr(command, "commands"):
            for name, sub in command.commands.items():
                walk(sub, f"{path} {name}".strip())
        elif not command.hidden:
            found[path] = command

    walk(typer.main.get_command(app), "")
    return found


def options(command) -> list:
    return [param for param in command.params if param.param_type_name == "option"]


def long_name(param) -> str:
    return next(name for name in param.opts if name.startswith("--"))


def value_text(param) -> str:
    annotation = param.type_descriptor.annotation
    if param.is_flag:
        return ""
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return " \\| ".join(member.value for member in annotation)
    return (param.metavar or "").strip("<>")


def default_text(param) -> str:
    default = param.default
    if param.is_flag or default is None or param.required:
        return "required" if param.required else ""
    return str(default.value if isinstance(default, Enum) else default)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ") if "\\|" not in text else text


def reference_markdown() -> str:
    from schemasmith.cli_options import VOCABULARY

    found = commands()
    lines = [
        "# Command line reference",
        "",
        "Written by `python tools/cli_reference.py` from the command line itself; do not edit by hand.",
        "Exit codes, for every command: 0 done and clean; 1 ran and found what you asked it to stop on",
        "(review findings at `--fail-on`, a failed validation level, an EXPLAIN warning, a changed",
        "migration); 2 could not run (usage, bad input, an unreachable database, a path that cannot be",
        "written); 70 a bug in schemasmith. `-h` is `--help` everywhere; `schemasmith --version`.",
        "",
        "## One meaning per option",
        "",
        "| option | means, in every command that has it | commands |",
        "| --- | --- | --- |",
    ]
    users: dict[str, list[str]] = {}
    for path, command in found.items():
        for param in options(command):
            users.setdefault(long_name(param), []).append(path)
    for name in sorted(users):
        lines.append(f"| `{name}` | {_cell(VOCABULARY[name].meaning)} | {', '.join(users[name])} |")
    for path, command in found.items():
        summary = (command.help or "").strip().splitlines()[0]
        lines += ["", f"## `schemasmith {path}`", "", summary, "", "| option | value | default | help |", "| --- | --- | --- | --- |"]
        for param in options(command):
            names = ", ".join(f"`{name}`" for name in param.opts + param.secondary_opts)
            lines.append(f"| {names} | {_cell(value_text(param))} | {_cell(default_text(param))} | {_cell(param.help or '')} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    DOCS.write_text(reference_markdown(), encoding="utf-8")
    print(f"wrote {DOCS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
