"""The code's shape, held by tests: the measures of tools/architecture.py must all stay at zero.

Each rule keeps a seam from coming back: a private name used from another module, an import
cycle (function-local imports included), a dialect-name comparison outside the dialect registry,
a function over 100 lines. A failure lists each place, as `python tools/architecture.py --list`
does.
"""

from __future__ import annotations

import importlib.util
import sys

import pytest

from conftest import REPO

_spec = importlib.util.spec_from_file_location("architecture", REPO / "tools" / "architecture.py")
architecture = importlib.util.module_from_spec(_spec)
sys.modules["architecture"] = architecture
_spec.loader.exec_module(architecture)


@pytest.fixture(scope="module")
def report():
    return architecture.measure()


def test_no_private_names_across_modules(report):
    assert report.private_uses == []


def test_no_import_cycles(report):
    assert report.cycles == []


def test_dialect_names_are_compared_only_in_the_registry(report):
    assert report.dialect_comparisons == []


def test_no_function_over_100_lines(report):
    assert report.long_functions == []


def test_the_measure_sees_a_planted_seam(tmp_path):
    """The checks are not vacuous: a small package with each seam is caught."""
    package = tmp_path / "schemasmith"
    (package / "dialects").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "dialects" / "__init__.py").write_text("")
    (package / "a.py").write_text(
        "from .b import _hidden\n"
        "def f(dialect):\n    return dialect == 'sqlite'\n"
        "def g():\n" + "    x = 1\n" * 101
    )
    (package / "b.py").write_text("def _hidden():\n    from . import a\n")
    found = architecture.measure(package)
    assert found.private_uses and found.cycles == [["schemasmith.a", "schemasmith.b"]]
    assert found.dialect_comparisons and found.long_functions
