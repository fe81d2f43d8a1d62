r"""``fit_intercept=False``: a linear model through the origin, :math:`\hat y = X\,\text{coef}`.

Training on standardised data centres the columns, which moves the origin. Without an
intercept the features (and a regressor's target) are only *scaled*,
:math:`z = x / s`, :math:`t = y / s_y`: the centred problem shifted back by
:math:`\mu / s` and :math:`\mu_y / s_y` (:func:`without_intercept`, on rows or on the
moments, whose covariances a shift leaves as they are), and the bias is held at 0 (its
gradient is 0: :func:`through_origin`). Then :math:`\text{coef} = s_y W / s` and the
intercept is :math:`s_y \cdot 0 + 0 = 0`.
"""

from typing import TYPE_CHECKING, TypeVar

import numpy as np

from descentlab.core.models import LinearModel, LogisticModel, SoftmaxModel
from descentlab.errors import DescentlabError
from descentlab.fast.moments import Moments
from descentlab.fast.objectives import MomentsObjective

if TYPE_CHECKING:
    from descentlab.estimators.base import GDEstimator
    from descentlab.estimators.device import Array
    from descentlab.estimators.problem import Problem

M = TypeVar("M", bound=LinearModel)


class _HeldBias:
    """A linear model whose bias keeps its value: its gradient is always 0."""

    def backward(self, dLdY: "Array") -> dict[str, "Array"]:
        grads: dict[str, Array] = super().backward(dLdY)  # type: ignore[misc]
        return {**grads, "b": np.zeros_like(grads["b"])}


class LinearThroughOrigin(_HeldBias, LinearModel):
    """:class:`~descentlab.core.models.LinearModel` with the bias held at 0.

    >>> model = LinearThroughOrigin(1, init_scale=0.0)
    >>> _ = model.forward(np.array([[1.0], [2.0]]))
    >>> float(model.backward(np.array([1.0, 1.0]))["b"])  # the bias's gradient: held at 0
    0.0
    """


class LogisticThroughOrigin(_HeldBias, LogisticModel):
    """:class:`~descentlab.core.models.LogisticModel` with the bias held at 0.

    >>> model = LogisticThroughOrigin(1, init_scale=0.0)
    >>> _ = model.forward(np.array([[1.0], [2.0]]))
    >>> float(model.backward(np.array([1.0, 1.0]))["b"])
    0.0
    """


class SoftmaxThroughOrigin(_HeldBias, SoftmaxModel):
    """:class:`~descentlab.core.models.SoftmaxModel` with the biases held at 0.

    >>> model = SoftmaxThroughOrigin(1, 3, init_scale=0.0)
    >>> _ = model.forward(np.array([[1.0], [2.0]]))
    >>> model.backward(np.ones((2, 3)))["b"]
    array([0., 0., 0.])
    """


_HELD = {LinearModel: LinearThroughOrigin, LogisticModel: LogisticThroughOrigin,
         SoftmaxModel: SoftmaxThroughOrigin}


def through_origin(est: "GDEstimator", model: M) -> M:
    """``model`` (a new linear model, bias 0), its bias held at 0 when ``est.fit_intercept`` is False.

    >>> from descentlab.estimators import GDRegressor
    >>> type(through_origin(GDRegressor(fit_intercept=False), LinearModel(1, init_scale=0.0))).__name__
    'LinearThroughOrigin'
    """
    if not est.fit_intercept:
        model.__class__ = _HELD[type(model)]
    return model


class _MomentsThroughOrigin(MomentsObjective):
    """The moments' loss with the bias's gradient held at 0."""

    def __call__(self, params: dict[str, np.ndarray]) -> tuple[float, dict[str, np.ndarray]]:
        loss, grads = super().__call__(params)
        return loss, {**grads, "b": np.zeros_like(grads["b"])}


def without_intercept(est: "GDEstimator", problem: "Problem") -> "Problem":
    """``problem`` (centred and scaled) made scaled only when ``est`` fits through the origin.

    >>> from descentlab.estimators import GDRegressor
    >>> reg = GDRegressor(fit_intercept=False).fit([[1.0], [2.0]], [2.0, 4.0])  # (through it)
    >>> round(float(reg.coef_[0]), 3), reg.intercept_
    (2.0, 0.0)
    """
    if getattr(est, "fit_intercept", True):
        return problem
    shift = problem.x_mean / problem.x_scale
    shift_y = problem.attrs.get("y_mean_", 0.0) / problem.attrs.get("y_scale_", 1.0)
    if problem.Z is not None:
        problem.Z = problem.Z + shift
        if "y_mean_" in problem.attrs:
            problem.t = problem.t + shift_y
    elif isinstance(problem.objective, MomentsObjective):
        m = problem.objective.moments
        problem.objective = _MomentsThroughOrigin(Moments(n=m.n, mean_x=shift, mean_y=shift_y, cov=m.cov,
                                                          cross=m.cross, var_y=m.var_y))
    else:
        raise DescentlabError("fit_intercept=False trains on rows or moments in memory: use "
                              "solver='gd' or 'moments' with X as an array (not Dask or a stream)")
    problem.x_mean = np.zeros_like(problem.x_mean)
    if "y_mean_" in problem.attrs:
        problem.attrs["y_mean_"] = 0.0
    return problem
