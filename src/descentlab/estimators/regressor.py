r"""The base of every regressor: train on the standardised target, predict in ``y``'s units.

:class:`StandardizedTargetRegressor` is :class:`descentlab.estimators.base.GDEstimator` plus
the target's scaling; :class:`descentlab.estimators.linear.GDRegressor` and
:class:`descentlab.estimators.network.GDNetworkRegressor` are it plus a model.
"""

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import RegressorMixin

from descentlab.core.scaling import no_scaling, standardize
from descentlab.core.xp import in_dtype_of
from descentlab.estimators.base import GDEstimator
from descentlab.estimators.dask_predict import lazy_on_dask
from descentlab.estimators.device import Array, host_score, immutable


class StandardizedTargetRegressor(RegressorMixin, GDEstimator):  # type: ignore[misc]  # sklearn: no stubs
    r"""A regressor that trains on the standardised target: the base of every regressor.

    ``fit`` keeps ``y_mean_`` and ``y_scale_``; :meth:`predict` maps the trained model's
    output back, :math:`\hat y = s_y\, f(z) + \mu_y` with :math:`z` the standardised
    features. A new regressor (a network) needs only ``_build_model(n_features, rng)``;
    the trained model is kept as ``model_``.

    >>> from descentlab.estimators import GDRegressor
    >>> reg = GDRegressor().fit([[0.0], [1.0], [2.0]], [10.0, 20.0, 30.0])
    >>> reg.y_mean_, round(reg.y_scale_, 3), reg.predict([[3.0]]).round(2)
    (20.0, 8.165, array([40.]))
    >>> round(reg.score([[3.0], [4.0]], [40.0, 50.0]), 6)  # R^2 of new rows on the same line
    1.0
    """

    _saved_attributes = GDEstimator._saved_attributes + ("y_mean_", "y_scale_")
    y_mean_: float | NDArray[np.float64]  # one per output for several (networks, GDRegressor)
    y_scale_: float | NDArray[np.float64]

    def _encode_target(self, y: Array, sample_weight: Array = None) -> tuple[Array, dict[str, Any]]:
        t, y_mean, y_scale = standardize(y, sample_weight) if self.standardize else (y, *no_scaling())
        return t, {"y_mean_": float(y_mean), "y_scale_": float(y_scale)}

    def _encode_validation(self, y: ArrayLike, attrs: dict[str, Any]) -> NDArray[np.float64]:
        t: NDArray[np.float64] = (np.asarray(y, dtype=float) - attrs["y_mean_"]) / attrs["y_scale_"]
        return t

    def _check_state(self) -> None:
        super()._check_state()
        if max(np.ndim(self.y_mean_), np.ndim(self.y_scale_)) > self._multi_output or np.min(self.y_scale_) <= 0:
            raise ValueError("y_mean_ must be a number and y_scale_ a positive number (networks: one per output)")

    @lazy_on_dask("values")
    def predict(self, X: Array) -> Array:
        """Predictions for ``X`` of shape (n_samples, n_features), shape (n_samples,); a lazy
        Dask array for a Dask array (:mod:`descentlab.estimators.dask_predict`)."""
        X = self._check_X(X)
        return in_dtype_of(self.model_.predict(self._standardized(X)) * self.y_scale_ + self.y_mean_, X)

    @lazy_on_dask("score")
    def score(self, X: Array, y: Array, sample_weight: Array = None) -> float:
        """The :math:`R^2` of :meth:`predict` on ``X`` against ``y`` (scikit-learn's); on a Dask
        array from sums over its chunks."""
        if immutable(X):
            from sklearn.metrics import r2_score

            return host_score(r2_score, y, self.predict(X), sample_weight)
        return float(super().score(X, y, sample_weight=sample_weight))
