"""descentlab: gradient-descent learning, taught and performed.

The data flows one way: data -> model -> loss -> gradient -> optimizer step ->
History -> plots -> command line. Importing descentlab loads NumPy only; scikit-learn
and matplotlib are imported inside the functions that need them.
"""

from .analysis import least_squares, power_iteration, stability_bound
from .data import Dataset, make_article_data, split
from .errors import DescentlabError, DivergenceError
from .history import History, load_history
from .losses import MeanSquaredError
from .models import LinearModel, linear_backward, linear_forward
from .optimizers import Adam, GradientDescent, Momentum, Nesterov
from .pipeline import TutorialConfig, TutorialResult, run_tutorial, save_tutorial
from .trainer import train

__version__ = "0.1.0"

# scikit-learn estimators and model files import scikit-learn: loaded on first use.
_LAZY = {"GDRegressor": "estimators", "GDClassifier": "estimators", "GDEstimator": "estimators",
         "save_model": "persist", "load_model": "persist"}

__all__ = [
    "Adam", "Dataset", "DescentlabError", "DivergenceError", "GradientDescent", "History",
    "LinearModel", "MeanSquaredError", "Momentum", "Nesterov", "TutorialConfig", "TutorialResult",
    "least_squares", "linear_backward", "linear_forward", "load_history",
    "make_article_data", "power_iteration", "run_tutorial", "save_tutorial", "split",
    "stability_bound", "train", *_LAZY,
]


def __getattr__(name):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
