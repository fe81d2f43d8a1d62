"""descentlab: gradient-descent learning, taught and performed.

The data flows one way: data -> model -> loss -> gradient -> optimizer step ->
History -> plots -> command line. Importing descentlab loads NumPy only; scikit-learn
and matplotlib are imported inside the functions that need them.
"""

import sys as _sys
from collections.abc import Callable as _Callable
from types import TracebackType as _TracebackType

if _sys.argv[:1] == ["-m"] or _sys.argv[0].rsplit("/", 1)[-1] == "descentlab":
    # the command line is loading: a Ctrl-C before it can handle one is one line, not a traceback
    def _quiet_interrupt(kind: type[BaseException], value: BaseException, tb: _TracebackType | None,
                         _default: _Callable[..., object] = _sys.excepthook) -> None:
        if issubclass(kind, KeyboardInterrupt):
            print("descentlab: interrupted while starting; nothing ran", file=_sys.stderr)
        else:
            _default(kind, value, tb)
    _sys.excepthook = _quiet_interrupt

from descentlab._version import __version__
from descentlab.core.history import History, load_history
from descentlab.core.layers import Dense
from descentlab.core.losses import BinaryCrossEntropy, MeanSquaredError
from descentlab.core.models import LinearModel, LogisticModel, linear_backward, linear_forward
from descentlab.core.network import Network, make_network
from descentlab.core.optimizers import Adam, GradientDescent, Momentum, Nesterov
from descentlab.core.quadratic import least_squares
from descentlab.core.stepsize import power_iteration, stability_bound
from descentlab.core.trainer import train
from descentlab.data.synthetic import Dataset, make_article_data, split
from descentlab.errors import DescentlabError, DivergenceError
from descentlab.lessons.article import TutorialConfig, TutorialResult, result_from_history, run_tutorial

# Beyond one neuron: layers, networks and the studies of issue 4
from descentlab.lessons.collapse import CollapseConfig, CollapseResult, run_collapse
from descentlab.lessons.logistic import LogisticConfig, LogisticResult, run_logistic
from descentlab.lessons.lr_study import LRStudy, lr_study
from descentlab.lessons.nonlinear import NonlinearConfig, NonlinearResult, run_nonlinear

# scikit-learn estimators and model files import scikit-learn: loaded on first use.
_LAZY = {"GDRegressor": "estimators", "GDClassifier": "estimators", "GDEstimator": "estimators",
         "GDNetworkRegressor": "estimators", "GDNetworkClassifier": "estimators",
         "save_model": "outputs.models", "load_model": "estimators",
         "save_tutorial": "outputs.lessons"}

__all__ = [
    "__version__",
    "Adam", "Dataset", "DescentlabError", "DivergenceError", "GradientDescent", "History",
    "LRStudy", "LinearModel", "MeanSquaredError", "Momentum", "Nesterov", "TutorialConfig",
    "TutorialResult", "least_squares", "linear_backward", "linear_forward", "load_history",
    "lr_study", "make_article_data", "power_iteration", "result_from_history", "run_tutorial",
    "split", "stability_bound", "train", *_LAZY,
    "BinaryCrossEntropy", "CollapseConfig", "CollapseResult", "Dense", "LogisticConfig",
    "LogisticModel", "LogisticResult", "Network", "NonlinearConfig", "NonlinearResult",
    "make_network", "run_collapse", "run_logistic", "run_nonlinear",
]


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
