"""What an estimator accepts and how its state is checked: the one declaration of every
hyperparameter (in the spirit of scikit-learn's ``_parameter_constraints``), and the
checks of the columns a fitted estimator is given.
"""

import inspect
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np

from descentlab.core.optimizers import OPTIMIZERS
from descentlab.core.penalties import PENALTIES
from descentlab.core.schedules import SCHEDULES
from descentlab.errors import DescentlabError
from descentlab.settings import LEARNING_RATE, Setting

if TYPE_CHECKING:
    from descentlab.estimators.base import GDEstimator

#: Every hyperparameter of the estimators, declared once: its accepted values, meaning and
#: default. ``__init__`` is built from it (:func:`declared_init`), ``fit`` checks it, and
#: ``descentlab fit`` makes an option of each one marked ``cli``. Subclasses merge theirs in.
#:
#: :meta hide-value:
BASE_CONSTRAINTS: dict[str, Setting] = {
    "optimizer": Setting("the update rule", kind="choice", choices=tuple(OPTIMIZERS),
                         default="nesterov", cli=True),
    "lr": replace(LEARNING_RATE, none="chosen from the data: 1/L (L the loss's largest curvature plus the "
                  "l2 penalty's); (1 - momentum)/L for momentum or Nesterov on mini-batches; 0.01 for Adam",
                  cli=True),
    "momentum": Setting("beta of momentum and Nesterov, beta1 of Adam", low=0, high=1,
                        high_open=True, default=0.9, cli=True),
    "schedule": Setting("learning-rate schedule over the whole run", kind="choice",
                        choices=tuple(SCHEDULES), callable_ok=True, default="constant", cli=True),
    "schedule_options": Setting("settings of the schedule, e.g. lr_min=0.001",
                                kind="options", none="the schedule's defaults", cli=True),
    "epochs": Setting("epoch budget", kind="int", low=1, default=1000, cli=True),
    "batch_size": Setting("mini-batch size", kind="int", low=1,
                          none="full batch; 1 is stochastic gradient descent", cli=True),
    "tol": Setting("stop when the loss improves by less than this for n_iter_no_change "
                   "epochs", low=0, none="run every epoch", default=1e-7, cli=True),
    "fit_intercept": Setting("fit an intercept (False: a linear model through the origin)",
                             kind="bool", default=True),
    "gtol": Setting("linear models stop as converged only within this relative distance of "
                    "the optimum on coef_ (the Newton step's estimate; exact for the squared loss)",
                    low=0, low_open=True, none="the loss rule tol alone", default=1e-4, cli=True),
    "n_iter_no_change": Setting("epochs without improvement before stopping", kind="int", low=1,
                                default=10),
    "early_stopping": Setting("hold out validation_fraction of the rows and stop when their "
                              "loss stops improving", kind="bool", default=False, cli=True),
    "validation_fraction": Setting("the rows held out for early stopping", kind="fraction",
                                   default=0.1),
    "standardize": Setting("train on standardised features (and target); False: raw ones (with "
                           "lr unset, each step over the Hessian's diagonal)", kind="bool",
                           default=True),
    "random_state": Setting("seed of the initialisation, the mini-batches and the validation "
                            "split", kind="seed", none="fresh randomness on every fit",
                            instances=(np.random.RandomState,), default=0),
    "solver": Setting("how each epoch's loss and gradients are computed", kind="choice",
                      choices=("auto", "gd"), default="auto", cli=True),
    "penalty": Setting("the penalty on the coefficients (l1 and elasticnet give exact zeros)",
                       kind="choice", choices=PENALTIES, none="no penalty", cli=True),
    "alpha": Setting("the penalty's strength", low=0, default=0.0001, cli=True),
    "l1_ratio": Setting("the l1 share of the elasticnet penalty", low=0, high=1, default=0.15,
                        cli=True),
    "warm_start": Setting("continue from the fitted model on the next fit", kind="bool",
                          default=False),
}

#: The linear regressor's own: scikit-learn's losses (:mod:`descentlab.core.losses`).
#:
#: :meta hide-value:
REGRESSOR_CONSTRAINTS: dict[str, Setting] = {
    "loss": Setting("the loss: squared_error, huber, epsilon_insensitive, quantile (regression); "
                    "log_loss, hinge, modified_huber (classification)", kind="choice",
                    choices=("squared_error", "huber", "epsilon_insensitive", "quantile"),
                    default="squared_error", cli=True),
    "epsilon": Setting("huber's and epsilon_insensitive's epsilon, in the target's units",
                       low=0, default=0.1, cli=True),
    "quantile": Setting("the quantile of loss='quantile'", low=0, high=1, low_open=True,
                        high_open=True, default=0.5, cli=True),
}

#: The linear classifier's own.
#:
#: :meta hide-value:
CLASSIFIER_CONSTRAINTS: dict[str, Setting] = {
    "loss": replace(REGRESSOR_CONSTRAINTS["loss"], choices=("log_loss", "hinge", "modified_huber"),
                    default="log_loss"),
    "class_weight": Setting("weights of the classes", kind="weights", none="every class weighs 1",
                            cli=True),
}

#: The estimator settings ``descentlab fit`` exposes: those declared ``cli``.
FIT_PARAMS = tuple(name for name, s in {**BASE_CONSTRAINTS, **REGRESSOR_CONSTRAINTS,
                                          **CLASSIFIER_CONSTRAINTS}.items() if s.cli)


class Hyperparameters:
    """The types of :data:`BASE_CONSTRAINTS`' values, for type checkers: annotations only
    (``__init__`` stores the values, :func:`declared_init`); the table says what each accepts.

    >>> from descentlab.estimators import GDRegressor
    >>> GDRegressor().epochs, set(Hyperparameters.__annotations__) == set(BASE_CONSTRAINTS)
    (1000, True)
    """

    optimizer: str
    lr: float | None
    momentum: float
    schedule: str | Callable[[int, float], float]
    schedule_options: dict[str, Any] | None
    epochs: int
    batch_size: int | None
    tol: float | None
    fit_intercept: bool
    gtol: float | None
    n_iter_no_change: int | None  # None: a network's, chosen from the batches
    early_stopping: bool
    validation_fraction: float
    standardize: bool
    random_state: int | np.random.RandomState | None
    solver: str
    penalty: str | None
    alpha: float
    l1_ratio: float
    warm_start: bool


def declared_init(constraints: dict[str, Setting],
                  positional: tuple[str, ...] = ()) -> Callable[..., None]:
    """An ``__init__`` that stores each hyperparameter of ``constraints`` (name -> Setting)
    under its name, with its declared default: scikit-learn's contract (``__init__`` only
    stores keywords) and the signature ``get_params`` and ``clone`` read, from the table.

    ``positional`` names the few that may also be given by position (a network's sizes).

    >>> class Toy:
    ...     __init__ = declared_init({"epochs": Setting("epoch budget", kind="int", low=1, default=10)})
    >>> Toy().epochs, Toy(epochs=3).epochs
    (10, 3)
    """
    P = inspect.Parameter
    params = [P("self", P.POSITIONAL_OR_KEYWORD)]
    params += [P(n, P.POSITIONAL_OR_KEYWORD, default=constraints[n].default) for n in positional]
    params += [P(n, P.KEYWORD_ONLY, default=s.default) for n, s in constraints.items()
               if n not in positional]
    signature = inspect.Signature(params)

    def __init__(self: object, *args: Any, **kwargs: Any) -> None:
        try:
            bound = signature.bind(self, *args, **kwargs)
        except TypeError as exc:  # as Python says it of a written-out __init__
            raise TypeError(f"{type(self).__name__}(): {exc}") from None
        bound.apply_defaults()
        for name, value in list(bound.arguments.items())[1:]:
            setattr(self, name, value)

    __init__.__signature__ = signature  # type: ignore[attr-defined]
    __init__.__doc__ = "Store the hyperparameters (the class's Parameters); ``fit`` checks them."
    return __init__


def _is_count(value: object) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool) and bool(value >= 1)


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)


def check_columns(estimator: "GDEstimator", X: object) -> None:
    """scikit-learn's check of a DataFrame's columns against ``feature_names_in_``, in one line.

    Raises
    ------
    DescentlabError
        When the column names differ from those seen in ``fit``, or come in another order
        (the columns would be matched by position, silently wrong).

    Examples
    --------
    >>> import pandas as pd
    >>> from descentlab.estimators import GDRegressor
    >>> reg = GDRegressor().fit(pd.DataFrame({"a": [0.0, 1.0, 2.0], "b": [1.0, 0.0, 1.0]}), [0.0, 1.0, 2.0])
    >>> check_columns(reg, pd.DataFrame({"b": [1.0], "a": [0.0]}))
    Traceback (most recent call last):
    descentlab.errors.DescentlabError: X has the columns b, a but GDRegressor was fitted on a, b (the same columns in another order): pass X[['a', 'b']]
    """
    fitted, columns = getattr(estimator, "feature_names_in_", None), getattr(X, "columns", None)
    if fitted is None or columns is None or [str(c) for c in columns] == list(fitted):
        return
    names = [str(c) for c in columns]
    missing, extra = [n for n in fitted if n not in names], [n for n in names if n not in fitted]
    detail = "; ".join(part for part in (f"missing {_names(missing)}" * bool(missing),
                                         f"not seen in fit {_names(extra)}" * bool(extra)) if part)
    raise DescentlabError(f"X has the columns {_names(names)} but {type(estimator).__name__} was "
                          f"fitted on {_names(fitted)} ({detail or 'the same columns in another order'})"
                          f": pass X[{list(map(str, fitted))!r}]")


def _names(names: Sequence[object], at_most: int = 8) -> str:
    shown = ", ".join(map(str, names[:at_most]))
    return shown + (f", ... ({len(names)} in all)" if len(names) > at_most else "")


def check_state(self: "GDEstimator") -> None:
    """Check an estimator's loaded learned attributes (its model file); raise ValueError.

    >>> from descentlab.estimators import GDRegressor
    >>> reg = GDRegressor().fit([[0.0], [1.0]], [0.0, 1.0])
    >>> reg.x_scale_ = np.array([-1.0])
    >>> check_state(reg)
    Traceback (most recent call last):
    ValueError: x_scale_ must be positive
    """
    n = self.n_features_in_
    if not (_is_count(n) and (self.n_iter_ == 0 or _is_count(self.n_iter_))):
        raise ValueError("n_features_in_ must be a positive integer and n_iter_ a count")
    for name in self._saved_attributes:
        value = np.asarray(getattr(self, name))
        if value.dtype.kind in "iuf" and not np.all(np.isfinite(value)):
            raise ValueError(f"{name} holds a value that is not finite")
    for name in ("x_mean_", "x_scale_") + getattr(self, "_per_feature", ()):
        shape = np.shape(getattr(self, name))  # coef_ may hold a row per target: (k, n)
        if shape[-1:] != (n,) or len(shape) > (1 if name.startswith("x_") else 2):
            raise ValueError(f"{name} must hold {n} numbers, one per feature")
    if not np.all(self.x_scale_ > 0):
        raise ValueError("x_scale_ must be positive")



#: ``early_stopping="auto"`` (the networks' default) holds out ``validation_fraction`` from
#: this many rows on: a wide network memorises a few thousand rows long before the loss
#: on them stops falling; on fewer, every row is worth more for training than for stopping.
AUTO_EARLY_STOPPING_ROWS = 1000


def stops_early(est: Any, X: Any = None) -> bool:
    """Whether a fit of ``est`` on ``X`` holds out rows and stops on their loss:
    ``early_stopping``, with "auto" resolved on ``X`` (on for a NumPy array of at least
    :data:`AUTO_EARLY_STOPPING_ROWS` rows; off on a device, on Dask, or without ``X``).

    >>> from descentlab.estimators import GDNetworkRegressor
    >>> net = GDNetworkRegressor()  # early_stopping="auto"
    >>> stops_early(net, np.zeros((999, 2))), stops_early(net, np.zeros((1000, 2)))
    (False, True)
    """
    if isinstance(est.early_stopping, str):  # "auto"
        return type(X) is np.ndarray and X.shape[0] >= AUTO_EARLY_STOPPING_ROWS
    return bool(est.early_stopping)
