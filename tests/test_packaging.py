"""What a user installing descentlab can trust: one version, a licence, type hints."""

import inspect
import re
import tomllib
import typing
from pathlib import Path

import descentlab as dl
from descentlab._version import __version__

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_one_source_for_the_version():
    project = PYPROJECT["project"]
    assert "version" not in project and "version" in project["dynamic"]
    attr = PYPROJECT["tool"]["setuptools"]["dynamic"]["version"]["attr"]
    assert attr == "descentlab._version.__version__"
    assert dl.__version__ == __version__ and re.fullmatch(r"\d+\.\d+\.\d+\S*", __version__)


def test_licence_changelog_and_py_typed_ship():
    assert PYPROJECT["project"]["license"] == "MIT"
    assert "MIT License" in (ROOT / "LICENSE").read_text()
    assert PYPROJECT["project"]["license-files"] == ["LICENSE"]
    assert (ROOT / "src" / "descentlab" / "py.typed").exists()
    assert "py.typed" in PYPROJECT["tool"]["setuptools"]["package-data"]["descentlab"]
    assert "## 0.1.0" in (ROOT / "CHANGELOG.md").read_text()


def test_public_functions_are_typed():
    functions = [name for name in dl.__all__ if inspect.isfunction(getattr(dl, name))]
    assert {"run_tutorial", "train", "lr_study", "least_squares", "stability_bound",
            "make_article_data", "split"} <= set(functions)
    untyped = [name for name in functions if name not in ("load_history", "save_model", "load_model",
                                                          "save_tutorial")
               and "return" not in typing.get_type_hints(getattr(dl, name))]
    assert not untyped
    assert typing.get_type_hints(dl.train)["return"] is dl.History
