r"""From settings to the library's objects: the model, its loss, the optimizer and the bound.

Nothing here trains or computes a gradient: the model, loss and optimizer classes are
the library's, and the bound is :func:`descentlab.stability_bound` (or, for the linear
network, :func:`descentlab.core.stepsize.linear_network_bound`) turned into the bound of the
chosen optimizer by its ``stable_lr``.
"""

import numpy as np
from numpy.typing import NDArray

from descentlab.core.losses import BinaryCrossEntropy, MeanSquaredError
from descentlab.core.models import LinearModel, LogisticModel, Model
from descentlab.core.network import make_network
from descentlab.core.optimizers import Optimizer, make_optimizer
from descentlab.core.penalties import Penalty, make_penalty
from descentlab.core.stepsize import curvature, linear_network_sharpness, stable_rate, with_penalty
from descentlab.errors import DescentlabError
from descentlab.lessons.collapse import article_network, network_inputs
from descentlab.playground.problems import Problem
from descentlab.playground.settings import Settings


def inputs(s: Settings, X: NDArray[np.float64]) -> NDArray[np.float64]:
    """``X`` as the model of ``s`` sees it: ``[x, 1]`` for the x0 network, ``X`` otherwise.

    >>> from descentlab.playground.settings import validate
    >>> inputs(validate({"model": "network", "activation": "identity", "bias_form": "x0"}), np.array([[2.0], [3.0]]))
    array([[2., 1.],
           [3., 1.]])
    """
    return network_inputs(X, s["bias_form"]) if s["model"] == "network" else X


def make_model(s: Settings, n_features: int) -> Model:
    """The model of settings ``s``, starting at ``m``, ``b`` or ``params`` when given (for
    the x0 network ``n_features`` is the data's; the bias column is added here).

    >>> from descentlab.playground.settings import validate
    >>> make_model(validate({"m": 1.5, "b": 0.0}), n_features=1).params
    {'W': array([1.5]), 'b': array(0.)}
    >>> sorted(make_model(validate({"model": "network", "hidden": 4}), 1).params)  # 1-4-1
    ['0.W', '0.b', '1.W', '1.b']
    """
    if s["model"] == "network" and s["bias_form"] == "x0":  # the collapse lesson's own network
        model: Model = article_network("x0", s["hidden"], "xavier", s["seed"])
    elif s["model"] == "network":
        model = make_network([n_features, s["hidden"], 1], s["activation"], seed=s["seed"])
    elif s["model"] == "logistic":
        model = LogisticModel(n_features, seed=s["seed"], init_scale=1.0)
    else:
        model = LinearModel(n_features, seed=s["seed"])
        if s["m"] is not None:
            model.params["W"][...] = s["m"]
        if s["b"] is not None:
            model.params["b"][...] = s["b"]
    if s["params"] is not None:
        _set_params(model, s["params"])
    return model


def _set_params(model: Model, values: dict[str, object]) -> None:
    """Copy ``values`` (name -> nested list) into the model, checking names and shapes."""
    if set(values) != set(model.params):
        raise DescentlabError(f"params must have exactly the keys {', '.join(sorted(model.params))} "
                              "of this model: send the frames' params of the same settings")
    for key, value in values.items():
        array = np.asarray(value, dtype=float)
        if array.shape != model.params[key].shape:
            raise DescentlabError(f"params {key!r} has shape {list(array.shape)} but this model's is "
                                  f"{list(model.params[key].shape)}")
        model.params[key][...] = array


def make_loss(s: Settings) -> BinaryCrossEntropy | MeanSquaredError:
    """Binary cross-entropy (from logits) for logistic regression, the half-MSE otherwise.

    >>> from descentlab.playground.settings import validate
    >>> type(make_loss(validate({"data": "blobs", "model": "logistic"}))).__name__, make_loss(validate({})).name
    ('BinaryCrossEntropy', 'mse')
    """
    return BinaryCrossEntropy() if s["model"] == "logistic" else MeanSquaredError()


def make_penalty_of(s: Settings) -> Penalty | None:
    r"""The :class:`descentlab.core.penalties.Penalty` of ``s`` on the slope ``W`` (the bias is
    free), in the data's units, or None: the objective is the half-MSE plus
    :math:`a\bigl(\tfrac{1-\rho}{2} m^2 + \rho |m|\bigr)`, the estimators' (their Notes).

    >>> from descentlab.playground.settings import validate
    >>> make_penalty_of(validate({"penalty": "l2", "alpha": 2.0})), make_penalty_of(validate({}))
    (Penalty(alpha=2.0, l1_ratio=0.0, params=['W']), None)
    """
    if s["penalty"] == "none":
        return None
    return make_penalty(s["penalty"], s["alpha"], s["l1_ratio"], {"W": 1.0})


def make_rule(s: Settings) -> Optimizer:
    """The optimizer of ``s``, its schedule's step advanced to ``start_epoch`` (a continued run).

    A decaying schedule spans the whole run: ``train`` sets its length to the steps so far
    plus this request's.

    >>> from descentlab.playground.settings import validate
    >>> rule = make_rule(validate({"optimizer": "momentum", "start_epoch": 10}))
    >>> rule, rule.t
    (Momentum(lr=0.05, momentum=0.9, schedule='constant'), 10)
    """
    optimizer = make_optimizer(s["optimizer"], s["lr"], momentum=s["momentum"], schedule=s["schedule"])
    optimizer.t = s["start_epoch"]
    return optimizer


def carries_velocity(s: Settings) -> bool:
    """Whether the run keeps a velocity the page can hand back: momentum or Nesterov on a
    linear or logistic model (a network restarts its velocity from 0 when continued).

    >>> from descentlab.playground.settings import validate
    >>> carries_velocity(validate({"optimizer": "momentum"})), carries_velocity(validate({}))
    (True, False)
    """
    return (s["optimizer"] in ("momentum", "nesterov") and s["model"] != "network"
            and s["penalty"] in ("none", "l2"))  # an l1 part steps by its prox, with no velocity


def start_velocity(s: Settings, model: Model, optimizer: Optimizer) -> dict[str, NDArray[np.float64]]:
    """Seed the optimizer's velocity with ``s["velocity"]`` (a continued run), checked
    against the model's parameters; return the velocity at the start (zeros by default).

    >>> from descentlab.playground.settings import validate
    >>> s = validate({"optimizer": "momentum", "velocity": {"W": [0.5], "b": 0.1}})  # a continued run
    >>> start_velocity(s, make_model(s, 1), make_rule(s))
    {'W': array([0.5]), 'b': array(0.1)}
    """
    v0 = {k: np.zeros_like(p, dtype=float) for k, p in model.params.items()}
    if s["velocity"] is None or not carries_velocity(s):
        return v0
    if set(s["velocity"]) != set(model.params):
        raise DescentlabError(f"velocity must have exactly the keys {', '.join(sorted(model.params))}")
    for key, value in s["velocity"].items():
        v = np.asarray(value, dtype=float)
        if v.shape != v0[key].shape:
            raise DescentlabError(f"velocity {key!r} has shape {list(v.shape)} but its parameter's is "
                                  f"{list(v0[key].shape)}")
        v0[key] = v
    optimizer.state = {k: {"v": v.copy()} for k, v in v0.items()}
    return v0


def bound_of(s: Settings, problem: Problem, optimizer: Optimizer,
             penalty: Penalty | None = None) -> tuple[float | None, float | None, str]:
    r"""The largest stable learning rate of ``optimizer`` here, and what it means.

    Returns
    -------
    bound : float or None
        None where no bound exists (Adam, a nonlinear network).
    lam_max : float or None
        The curvature the bound comes from.
    note : str

    Notes
    -----
    For the half-MSE of a linear model the Hessian is :math:`H = \tilde X^\top \tilde X / N`
    and the optimizer is stable for :math:`\alpha < \text{factor} / \lambda_{\max}(H)`
    (:meth:`descentlab.optimizers.GradientDescent.stable_lr`); an l2 penalty adds its
    :math:`a(1-\rho)` to :math:`\lambda_{\max}` (:func:`descentlab.core.stepsize.with_penalty`),
    an l1 part, taken by its prox, adds nothing. The cross-entropy's
    Hessian is at most :math:`H / 4`, so for logistic regression the bound of
    :math:`\lambda_{\max}/4` is sufficient, not sharp. For the linear network,
    :math:`\lambda_{\max}` is the sharpness of its flattest minimum.

    Examples
    --------
    >>> from descentlab.playground.problems import load_problem
    >>> from descentlab.playground.settings import validate
    >>> s = validate({})  # the article's data and plain gradient descent
    >>> bound, lam_max, note = bound_of(s, load_problem(s), make_rule(s))
    >>> round(bound, 4), round(2 / lam_max, 4), note
    (1.8939, 1.8939, "2 / lambda_max of the loss's Hessian")
    """
    if s["model"] == "network" and s["activation"] != "identity":
        return None, None, "a nonlinear network has no closed-form stable rate"
    if s["model"] == "network":
        output_bias = s["bias_form"] == "layers"
        key = (problem.X_train.tobytes(), problem.y_train.tobytes(), output_bias)
        lam = _cached_sharpness(key, problem, output_bias)
        note = "the largest rate at which gradient descent can settle at a minimum of the linear network"
    else:  # the loss's curvature: lambda_max, times 1/4 for the cross-entropy (its hessian_bound)
        lam = curvature(problem.X_train, make_loss(s))
        note = "2 / lambda_max of the loss's Hessian"
        if s["model"] == "logistic":
            note = "sufficient bound: the cross-entropy curves at most 1/4 as much as the squared loss"
    if penalty is not None and penalty.curvature() > 0:
        lam, note = with_penalty(lam, penalty), note + " plus the l2 penalty's a (1 - l1_ratio)"
    bound = stable_rate(lam, optimizer)
    if bound is None:
        return None, lam, "Adam's step does not scale with the curvature: it has no such bound"
    if s["optimizer"] != "gd":
        note += f", times the stability factor of {s['optimizer']} with beta {s['momentum']:g}"
    return float(bound), float(lam), note


_SHARPNESS: dict[tuple[bytes, bytes, bool], float] = {}


def _cached_sharpness(key: tuple[bytes, bytes, bool], problem: Problem, output_bias: bool = True) -> float:
    if key not in _SHARPNESS:
        if len(_SHARPNESS) > 64:
            _SHARPNESS.clear()
        _SHARPNESS[key] = linear_network_sharpness(problem.X_train, problem.y_train, output_bias=output_bias)
    return _SHARPNESS[key]
