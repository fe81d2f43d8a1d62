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
from .pipeline import TutorialConfig, TutorialResult, result_from_history, run_tutorial, save_tutorial
from .studies import LRStudy, lr_study
from .trainer import train
# Beyond one neuron: layers, networks and the studies of issue 4
from .collapse import CollapseConfig, CollapseResult, run_collapse
from .layers import Dense
from .logistic import LogisticConfig, LogisticResult, run_logistic
from .losses import BinaryCrossEntropy
from .models import LogisticModel
from .network import Network, make_network
from .nonlinear import NonlinearConfig, NonlinearResult, run_nonlinear

__version__ = "0.1.0"

# scikit-learn estimators and model files import scikit-learn: loaded on first use.
_LAZY = {"GDRegressor": "estimators", "GDClassifier": "estimators", "GDEstimator": "estimators",
         "GDNetworkRegressor": "network_estimator",
         "save_model": "persist", "load_model": "persist"}

__all__ = [
    "Adam", "Dataset", "DescentlabError", "DivergenceError", "GradientDescent", "History",
    "LRStudy", "LinearModel", "MeanSquaredError", "Momentum", "Nesterov", "TutorialConfig",
    "TutorialResult", "least_squares", "linear_backward", "linear_forward", "load_history",
    "lr_study", "make_article_data", "power_iteration", "result_from_history", "run_tutorial",
    "save_tutorial", "split", "stability_bound", "train", *_LAZY,
    "BinaryCrossEntropy", "CollapseConfig", "CollapseResult", "Dense", "LogisticConfig",
    "LogisticModel", "LogisticResult", "Network", "NonlinearConfig", "NonlinearResult",
    "make_network", "run_collapse", "run_logistic", "run_nonlinear",
]


def __getattr__(name):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
