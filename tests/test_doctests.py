"""The examples in the docstrings run, and say what they show (issue 25, item 12).

Every module of the package whose docstrings hold an example (``>>>``) is run through
:mod:`doctest`; a module with none is skipped. An example that stops matching its output
fails here, in the inner loop and in CI.
"""

import doctest
import importlib
import inspect
import pkgutil
import warnings
from pathlib import Path
from typing import Protocol

import pytest

PKG = Path(__file__).resolve().parents[1] / "src" / "descentlab"
WITH_EXAMPLES = sorted(".".join(p.relative_to(PKG.parent).with_suffix("").parts)
                       for p in PKG.rglob("*.py") if ">>>" in p.read_text())


def test_the_core_functions_have_examples():
    assert {"descentlab.core.models", "descentlab.core.losses", "descentlab.core.optimizers",
            "descentlab.core.stepsize", "descentlab.core.trainer", "descentlab.tutorial"} <= set(WITH_EXAMPLES)


#: The rooms in which every public function and class shows an example (issue 25, item 12).
WITH_AN_EXAMPLE_EACH = ["descentlab.core", "descentlab.lessons", "descentlab.tutorial", "descentlab.fast",
                        "descentlab.data",
                        "descentlab.viz",  # ex-viz
                        "descentlab.memory",  # ex-viz
                        "descentlab.settings",  # ex-viz
                        "descentlab.errors",  # ex-viz
                        "descentlab.exercises",  # ex-exer
                        "descentlab.files",  # ex-exer
                        "descentlab.playground",  # ex-play
                        "descentlab.cli",  # ex-cli
                        "descentlab.outputs",  # ex-cli
                        ]

#: modules left out of that rule: the Numba kernel (compiling its parallel loop takes
#: seconds, far past an example's budget; tests/fast checks it against the NumPy path)
WITHOUT_EXAMPLES = {"descentlab.fast.numba_kernel"}

#: modules (and rooms) whose examples need an optional extra, one module or a tuple of them
#: (the test extras install them; skipped without)
NEEDS = {"descentlab.fast.distributed": "dask", "descentlab.data.folders": "dask.dataframe",
         "descentlab.cli.playground": "uvicorn"}  # its run checks the server's packages first
NEEDS["descentlab.fast.moments"] = "dask"  # Moments.from_dask's example
#: the playground's: the app (starlette), a test client on it (httpx), a server (uvicorn), QR codes (segno)
NEEDS.update(dict.fromkeys(["descentlab.playground", "descentlab.playground.__init__", "descentlab.playground.app",
                            "descentlab.playground.guard", "descentlab.playground.notebook",
                            "descentlab.playground.server"], ("starlette", "httpx", "uvicorn")))
NEEDS["descentlab.playground.classroom"] = ("starlette", "httpx", "segno")


def _skip_without(name):
    """Skip the test when ``name`` needs an optional module that is not installed."""
    needs = NEEDS.get(name, ())
    for module in (needs,) if isinstance(needs, str) else needs:
        pytest.importorskip(module)


def _public(name):
    """Every public function and class defined in the module ``name`` or in the modules of the
    package ``name`` (Protocols, which declare an interface and do nothing, are left out)."""
    top = importlib.import_module(name)
    modules = [top] + [importlib.import_module(f"{name}.{info.name}")
                       for info in pkgutil.iter_modules(getattr(top, "__path__", []))
                       if f"{name}.{info.name}" not in WITHOUT_EXAMPLES]
    for module in modules:
        for attr, obj in vars(module).items():
            if attr.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
                continue
            if inspect.isclass(obj) and Protocol in obj.__mro__[1:] and getattr(obj, "_is_protocol", False):
                continue
            if inspect.isfunction(obj) or inspect.isclass(obj):
                yield f"{module.__name__}.{attr}", obj


@pytest.mark.parametrize("room", WITH_AN_EXAMPLE_EACH)
def test_every_public_function_and_class_has_an_example(room):
    _skip_without(room)
    missing = [name for name, obj in _public(room) if ">>>" not in (inspect.getdoc(obj) or "")]
    assert not missing, f"no example (>>>) in the docstring of: {', '.join(missing)}"


#: The rooms in which every public method of a public class shows an example too: its own
#: ``>>>``, or a use (``.name``) in its class's example (issue 25, item 12).
METHODS_WITH_AN_EXAMPLE = [
    "descentlab.viz",  # ex-methods
    "descentlab.playground",  # ex-methods
    "descentlab.exercises",  # ex-methods
    "descentlab.settings",  # ex-methods
    "descentlab.cli",
    "descentlab.outputs",
    "descentlab.files",
    "descentlab.errors",
    "descentlab.memory",
    "descentlab.core",  # ex-methods2
    "descentlab.fast",  # ex-methods2
    "descentlab.estimators",  # ex-methods2
    "descentlab.lessons",  # ex-methods2
    "descentlab.tutorial",  # ex-methods2
    "descentlab.data",  # ex-methods2
]


def _public_methods(room):
    """Every public method (a function, not a property) defined in a public class of ``room``,
    with that class; methods a class inherits are checked where they are defined."""
    for name, cls in _public(room):
        if not inspect.isclass(cls):
            continue
        for attr, obj in vars(cls).items():
            if isinstance(obj, (staticmethod, classmethod)):
                obj = obj.__func__
            if not attr.startswith("_") and inspect.isfunction(obj):
                yield f"{name}.{attr}", obj, cls


@pytest.mark.parametrize("room", METHODS_WITH_AN_EXAMPLE)
def test_every_public_method_has_an_example(room):
    _skip_without(room)
    missing = [name for name, method, cls in _public_methods(room)
               if ">>>" not in (inspect.getdoc(method) or "")
               and f".{method.__name__}" not in (inspect.getdoc(cls) or "")]
    assert not missing, f"no example (>>>) in the docstring of, nor a use in its class's example of: {', '.join(missing)}"


#: modules whose examples draw whole figures or animations (over a second on this 2-core
#: machine): the slow tier runs them, the inner loop the rest
SLOW_EXAMPLES = {"descentlab.outputs.lessons", "descentlab.outputs.media", "descentlab.viz.report_networks",
                 "descentlab.data.folders", "descentlab.viz.report", "descentlab.viz.logistic"}


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.slow) if n in SLOW_EXAMPLES else n
                                  for n in WITH_EXAMPLES])
def test_the_examples_run(name):
    _skip_without(name)
    module = importlib.import_module(name)
    with warnings.catch_warnings():  # starlette's test client asks for httpx2; httpx is what is installed
        warnings.filterwarnings("ignore", message="Using `httpx` with")
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def test_every_public_function_and_class_of_the_estimators_has_an_example():
    import inspect
    import pkgutil

    import descentlab.estimators as estimators

    missing = []
    for info in pkgutil.iter_modules(estimators.__path__):
        module = importlib.import_module(f"descentlab.estimators.{info.name}")
        missing += [f"{module.__name__}.{name}" for name, obj in vars(module).items()
                    if not name.startswith("_") and (inspect.isfunction(obj) or inspect.isclass(obj))
                    and obj.__module__ == module.__name__ and ">>>" not in (obj.__doc__ or "")]
    assert not missing, f"public names without an example: {missing}"
