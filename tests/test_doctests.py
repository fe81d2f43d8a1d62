"""The examples in the docstrings run, and say what they show (issue 25, item 12).

Every module of the package whose docstrings hold an example (``>>>``) is run through
:mod:`doctest`; a module with none is skipped. An example that stops matching its output
fails here, in the inner loop and in CI.
"""

import doctest
import importlib
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "src" / "descentlab"
WITH_EXAMPLES = sorted(".".join(p.relative_to(PKG.parent).with_suffix("").parts)
                       for p in PKG.rglob("*.py") if ">>>" in p.read_text())


def test_the_core_functions_have_examples():
    assert {"descentlab.core.models", "descentlab.core.losses", "descentlab.core.optimizers",
            "descentlab.core.stepsize", "descentlab.core.trainer", "descentlab.tutorial"} <= set(WITH_EXAMPLES)


@pytest.mark.parametrize("name", WITH_EXAMPLES)
def test_the_examples_run(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
