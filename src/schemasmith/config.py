"""Project configuration: `[tool.schemasmith]` in pyproject.toml, or a `schemasmith.toml`.

Every command reads the same file. `schemasmith.toml` holds the keys at its top level (its
`[review]` is pyproject's `[tool.schemasmith.review]`); when both files sit in one folder,
`schemasmith.toml` wins, as `ruff.toml` does over pyproject.toml for Ruff. The search starts in
the current folder and walks up to the filesystem root; the first folder with either file ends
it. Each command validates its own section and names the file and key of any mistake.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import SchemasmithError

CONFIG_FILE = "schemasmith.toml"
PYPROJECT = "pyproject.toml"


class ConfigError(SchemasmithError):
    """The configuration file is malformed or holds a value a command cannot use."""


@dataclass(frozen=True)
class Config:
    """The `[tool.schemasmith]` table (or a schemasmith.toml) and where it was read from."""

    data: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None  # None: no configuration file, every default applies
    prefix: str = ""  # how keys are spelled in that file: "tool.schemasmith." or ""

    def section(self, name: str) -> dict[str, Any]:
        """One sub-table (e.g. "review"), or {} when the file has none; a non-table is an error."""
        value = self.data.get(name, {})
        if not isinstance(value, dict):
            raise ConfigError(f"{self.where(name)} must be a table ([{self.prefix}{name}]), not {type(value).__name__}")
        return value

    def where(self, key: str) -> str:
        """`pyproject.toml: tool.schemasmith.review.ignore`: the place of a key, for messages."""
        file = str(self.path) if self.path else "configuration"
        return f"{file}: {self.prefix}{key}"


def find_config(start: str | Path | None = None) -> Path | None:
    """The configuration file that applies in `start` (default: the current folder), or None."""
    folder = Path(start or Path.cwd()).resolve()
    for candidate in (folder, *folder.parents):
        own = candidate / CONFIG_FILE
        if own.is_file():
            return own
        pyproject = candidate / PYPROJECT
        if pyproject.is_file() and _has_tool_table(pyproject):
            return pyproject
    return None


def _has_tool_table(pyproject: Path) -> bool:
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False  # an unrelated broken pyproject is not ours to report while searching
    return isinstance(data.get("tool"), dict) and "schemasmith" in data["tool"]


def load_config(path: str | Path | None = None, *, start: str | Path | None = None) -> Config:
    """Read the configuration: the file named by `path`, else the one `find_config` finds."""
    if path is None:
        found = find_config(start)
        if found is None:
            return Config()
        chosen = found
    else:
        chosen = Path(path)
        if not chosen.is_file():
            raise ConfigError(f"{chosen}: no such configuration file")
    try:
        text = chosen.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{chosen}: cannot be read ({error})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{chosen}: malformed TOML ({error})") from None
    if chosen.name == PYPROJECT:
        tool = data.get("tool", {})
        section = tool.get("schemasmith", {}) if isinstance(tool, dict) else {}
        if not isinstance(section, dict):
            raise ConfigError(f"{chosen}: tool.schemasmith must be a table")
        return Config(section, chosen, "tool.schemasmith.")
    return Config(data, chosen, "")
