r"""Several targets at once: ``GDRegressor`` on ``y`` of shape (n_samples, k), as ``Ridge`` does.

Each target is standardised on its own (:math:`\mu_{y,k}`, :math:`s_{y,k}`), the model has
one column of weights per target (:math:`W` of shape (n_features, k), :math:`b` of shape
(k,)) and the loss is the mean squared error over all :math:`N k` entries, so the
objective is :math:`\tfrac1k \sum_k \bigl(L_k + a\,\Omega(\text{coef}_k)\bigr)`: k separate
fits, each scikit-learn's (``Ridge(alpha=N a)`` for "l2"). Its curvature is
:math:`1/k` of one target's; back in the data's units ``coef_`` has a row per target.
The fast paths hold one target's moments, so k targets train on the rows ("gd").
"""

from typing import TYPE_CHECKING, Any

import numpy as np

from descentlab.core.models import init_normal
from descentlab.core.scaling import no_scaling, standardize, to_data_units
from descentlab.core.stepsize import with_penalty
from descentlab.errors import DescentlabError
from descentlab.estimators.base import EstimatorMixin
from descentlab.estimators.device import Array

if TYPE_CHECKING:
    from descentlab.core.losses import Loss
    from descentlab.core.models import LinearModel, Model
    from descentlab.core.penalties import Penalty
    from descentlab.estimators.problem import Problem


class MultiTarget(EstimatorMixin):
    """What ``GDRegressor`` adds for ``y`` of shape (n_samples, k); 1-D ``y`` passes through.

    >>> from descentlab.estimators import GDRegressor
    >>> X, Y = np.array([[0.0], [1.0], [2.0]]), np.array([[1.0, 0.0], [3.0, -1.0], [5.0, -2.0]])
    >>> reg = GDRegressor().fit(X, Y)  # two targets: y1 = 2x + 1, y2 = -x
    >>> reg.coef_.round(3), reg.intercept_.round(3), reg.predict([[3.0]]).round(3)
    (array([[ 2.],
           [-1.]]), array([1., 0.]), array([[ 7., -3.]]))
    """

    _n_targets: int | None = None

    @property
    def _multi_output(self) -> bool:  # type: ignore[override]  # base: a class attribute; here from settings
        """k targets train on the rows with the squared loss (the fast paths and the other
        losses take one target: y of shape (n, 1) is then raveled, as scikit-learn does)."""
        return getattr(self, "loss", "squared_error") == "squared_error" and self.solver in ("auto", "gd")

    def _with_targets(self, model: "LinearModel") -> "LinearModel":
        """``model`` (a new linear model) with a column of zero weights per target (drawing
        nothing from the fit's generator, so its later draws are one target's)."""
        if self._n_targets:
            model.params = init_normal(model.n_features, np.random.default_rng(0), 0.0, n_outputs=self._n_targets)
        return model

    def _encode_target(self, y: Array, sample_weight: Array = None) -> tuple[Array, dict[str, Any]]:
        self._n_targets = y.shape[1] if np.ndim(y) == 2 else None
        if not self._n_targets:
            return super()._encode_target(y, sample_weight)
        t, y_mean, y_scale = standardize(y, sample_weight) if self.standardize else (y, *no_scaling())
        return t, {"y_mean_": np.broadcast_to(y_mean, y.shape[1:]).astype(float),  # one per target
                   "y_scale_": np.broadcast_to(y_scale, y.shape[1:]).astype(float)}

    def _curvature(self, problem: "Problem", loss: "Loss", penalty: "Penalty | None") -> float:
        """The MSE of k targets is their mean: its curvature is 1/k of one target's."""
        return with_penalty(problem.curvature(loss) / (self._n_targets or 1), penalty)

    def _penalty_scales(self, problem: "Problem", model: "Model") -> tuple[dict[str, Array], float]:
        r""":math:`\text{coef}_{jk} = s_{y,k} W_{jk} / s_j`, on the loss divided by :math:`k s_{y,k}^2`."""
        sy = problem.attrs.get("y_scale_", 1.0)
        if not np.ndim(sy):
            return super()._penalty_scales(problem, model)
        return {"W": sy[None, :] / problem.x_scale[:, None]}, 1.0 / (sy.size * sy**2)

    def _store(self, model: "Model") -> None:
        W, b = model.params["W"], model.params["b"]
        if W.ndim == 1:
            return super()._store(model)
        pairs = [to_data_units(W[:, k], b[k], self.x_mean_, self.x_scale_, self.y_mean_[k], self.y_scale_[k])
                 for k in range(W.shape[1])]
        coef, intercept = np.array([c for c, _ in pairs]), np.array([i for _, i in pairs])
        if not (np.all(np.isfinite(coef)) and np.all(np.isfinite(intercept))):
            raise DescentlabError("the coefficients overflow in the data's units: rescale the "
                                  "features (some columns are nearly constant)")
        self.coef_, self.intercept_ = coef, intercept

    def _targets_solver(self, X: Array, y: Array, solver: str) -> str:
        """The solver for ``y``: "gd" for k targets, or a one-line error for a fast path asked for."""
        shape = getattr(y, "shape", None)
        shape = np.shape(np.asarray(y)) if shape is None else tuple(shape)  # lists, array-likes
        if len(shape) != 2:
            return solver
        if self._multi_output:
            return "gd"
        if shape[1] > 1:  # a fast path or another loss takes one target ((n, 1) is raveled)
            what = f"solver={self.solver!r}" if self.solver not in ("auto", "gd") else f"loss={self.loss!r}"
            raise DescentlabError(f"{what} fits one target: use solver='auto' or 'gd' and the squared "
                                  "loss for y of shape (n_samples, n_targets)")
        return solver
