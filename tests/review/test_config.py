"""Configuration: [tool.schemasmith] in pyproject.toml or schemasmith.toml switches rules off,
changes severities and sets the profile; mistakes name the file and key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from schemasmith.config import ConfigError, find_config, load_config
from schemasmith.review.command import review_command
from schemasmith.review.settings import review_settings

TASKHUB = str(Path(__file__).resolve().parents[2] / "examples" / "taskhub.yaml")


def codes_of(capsys) -> list[str]:
    return [finding["code"] for finding in json.loads(capsys.readouterr().out)]


def test_no_file_means_defaults(tmp_path):
    config = load_config(start=tmp_path)
    assert config.path is None and config.data == {}
    assert review_settings(config).ignore == frozenset()


def test_pyproject_tool_table_is_found_from_a_subfolder(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.schemasmith.review]\nignore = ["SS208"]\n')
    (tmp_path / "db").mkdir()
    assert find_config(tmp_path / "db") == tmp_path / "pyproject.toml"
    assert review_settings(load_config(start=tmp_path / "db")).ignore == {"SS208"}


def test_pyproject_without_our_table_is_skipped(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert find_config(tmp_path) is None or find_config(tmp_path) != tmp_path / "pyproject.toml"


def test_schemasmith_toml_wins_over_pyproject(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.schemasmith.review]\nignore = ["SS208"]\n')
    (tmp_path / "schemasmith.toml").write_text('[review]\nignore = ["SS306"]\n')
    assert find_config(tmp_path) == tmp_path / "schemasmith.toml"
    assert review_settings(load_config(start=tmp_path)).ignore == {"SS306"}


def test_ignore_and_severity_change_the_review(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    review_command(TASKHUB, format="json")
    assert "SS208" in codes_of(capsys)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.schemasmith.review]\nignore = ["varchar-without-reason"]\nfail-on = "error"\n\n'
        '[tool.schemasmith.review.severity]\nSS102 = "error"\n'
    )
    assert review_command(TASKHUB, format="json") == 1  # SS102 is an error now, and fail-on comes from the file
    out = json.loads(capsys.readouterr().out)
    assert "SS208" not in [f["code"] for f in out]
    assert {f["severity"] for f in out if f["code"] == "SS102"} == {"error"}
    assert review_command(TASKHUB, format="json", fail_on="warning") == 1
    capsys.readouterr()


def test_profile_from_configuration_and_flag_wins(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "schemasmith.toml").write_text('[review]\nprofile = "supabase"\n')
    review_command(TASKHUB, format="json")
    assert "SS401" in codes_of(capsys)
    review_command(TASKHUB, format="json", profile="postgres")
    assert "SS401" not in codes_of(capsys)


def test_explicit_config_path(tmp_path, capsys):
    path = tmp_path / "review.toml"
    path.write_text('[review]\nignore = ["SS102", "SS208", "SS209"]\n')
    review_command(TASKHUB, format="json", config_path=str(path))
    assert codes_of(capsys) == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[tool.schemasmith.review]\nignore = ["SS999"]\n', r"pyproject.toml: tool.schemasmith.review.ignore: unknown rule 'SS999'"),
        ('[tool.schemasmith.review]\nignroe = ["SS101"]\n', r"tool.schemasmith.review.ignroe: unknown key"),
        ('[tool.schemasmith.review.severity]\nSS101 = "fatal"\n', r"review.severity.SS101: 'fatal' is not one of"),
        ('[tool.schemasmith.review]\nprofile = "oracle"\n', r"tool.schemasmith.review.profile: unknown profile"),
        ('[tool.schemasmith.review]\nignore = "SS101"\n', r"must be a list of rule codes"),
        ('[tool.schemasmith]\nreview = 3\n', r"tool.schemasmith.review must be a table"),
        ("[tool.schemasmith\n", r"malformed TOML"),
    ],
)
def test_bad_configuration_names_file_and_key(tmp_path, text, message):
    (tmp_path / "pyproject.toml").write_text(text)
    with pytest.raises(ConfigError, match=message):
        review_settings(load_config(tmp_path / "pyproject.toml"))


def test_missing_explicit_config_file(tmp_path):
    with pytest.raises(ConfigError, match="no such configuration file"):
        load_config(tmp_path / "nope.toml")
