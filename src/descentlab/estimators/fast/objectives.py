r"""The regressor's fast paths as training objectives, on standardised coordinates.

:class:`descentlab.estimators.linear.GDRegressor` trains on standardised features and target
(:mod:`descentlab.core.scaling`). Both fast paths give :func:`descentlab.core.trainer.train` the
loss and gradients of exactly that problem without forming the standardised data:

* :class:`MomentsObjective` standardises the moments instead
  (:meth:`descentlab.core.quadratic.Moments.standardized`): one pass over the data, then
  :math:`O(n^2)` per epoch; it works on memmaps, streamed ``.npy`` files and Dask
  arrays, since only the moments are kept;
* :class:`FusedObjective` moves the standardisation onto the weights: the prediction
  :math:`\mu_y + s_y (Z W + b)` is :math:`X W' + b'` with :math:`W' = s_y W / s` and
  :math:`b' = s_y (b - \mu^\top W / s) + \mu_y`, so each epoch is one fused pass over the
  raw rows (:class:`descentlab.estimators.fast.kernels.FusedLinear`), and

  .. math::

      \frac{\partial L_z}{\partial W} = \frac{\nabla_{W'} - \mu\,\nabla_{b'}}{s\,s_y}, \qquad
      \frac{\partial L_z}{\partial b} = \frac{\nabla_{b'}}{s_y}, \qquad
      L_z = \frac{L'}{s_y^2}.
"""

import os

import numpy as np

from descentlab.core.quadratic import Moments
from descentlab.core.scaling import column_mean_std, column_scale, no_scaling
from descentlab.core.stepsize import top_eigenvalue
from descentlab.data.blocks import NpyRows
from descentlab.errors import DescentlabError
from descentlab.estimators.fast.kernels import FusedLinear
from descentlab.estimators.problem import Problem


def is_dask(X):
    """Whether ``X`` is a Dask collection (without importing Dask)."""
    return hasattr(X, "dask") and hasattr(X, "chunks")


def is_streamed(X):
    """Inputs that are read in blocks rather than held in memory as one ndarray."""
    return is_dask(X) or isinstance(X, (NpyRows, np.memmap))


def standardized(moments, standardize=True):
    """The moments of the standardised problem, and the scaling that maps back.

    Returns
    -------
    moments_z : Moments
    scaling : dict
        ``x_mean_``, ``x_scale_``, ``y_mean_``, ``y_scale_`` as the estimators store them.
    """
    m = moments
    if not standardize:
        return m, _scaling(no_scaling(m.n_features), no_scaling())
    s = column_scale(m.mean_x, np.sqrt(np.diag(m.cov)), m.n)
    sy = float(column_scale(m.mean_y, np.sqrt(m.var_y), m.n))
    return m.standardized(s, sy), _scaling((m.mean_x, s), (m.mean_y, sy))


class MomentsObjective:
    """The half-MSE of a linear model and its gradients from the data's moments.

    ``objective(params) -> (loss, {"W": dW, "b": db})``, in :math:`O(n^2)`.
    """

    def __init__(self, moments):
        self.moments = moments
        self.n_samples = moments.n

    def __call__(self, params):
        loss, dW, db = self.moments.loss_grad(params["W"], params["b"])
        return loss, {"W": dW, "b": db}

    def curvature(self):
        r""":math:`\lambda_{\max}` of the Hessian :math:`H` (:meth:`Moments.hessian`), exactly."""
        return top_eigenvalue(self.moments.hessian())

    def __repr__(self):
        return f"MomentsObjective(n_samples={self.n_samples}, n_features={self.moments.n_features})"


class FusedObjective:
    """The standardised problem's loss and gradients from one fused pass over the raw rows."""

    def __init__(self, X, y, scaling, n_threads=None):
        self.fused = FusedLinear(X, y, n_threads=n_threads or os.cpu_count() or 1)
        self.n_samples = X.shape[0]
        self.mu, self.s = scaling["x_mean_"], scaling["x_scale_"]
        self.my, self.sy = scaling["y_mean_"], scaling["y_scale_"]

    def __call__(self, params):
        W, b = params["W"], float(params["b"])
        Ws = W / self.s
        loss, dW, db = self.fused.loss_grad(self.sy * Ws, self.sy * (b - self.mu @ Ws) + self.my)
        db = float(db)
        return loss / self.sy**2, {"W": (dW - self.mu * db) / (self.s * self.sy),
                                   "b": np.asarray(db / self.sy)}

    def curvature(self):
        r""":math:`\lambda_{\max}` of the standardised Hessian, estimated on evenly spaced
        rows (:func:`descentlab.core.stepsize.curvature`), standardised here."""
        from descentlab.core.losses import MeanSquaredError
        from descentlab.core.stepsize import curvature, row_sample

        sample = np.asarray(row_sample(self.fused.X), dtype=np.float64)
        return curvature((sample - self.mu) / self.s, MeanSquaredError())

    def close(self):
        self.fused.close()

    def __repr__(self):
        return f"FusedObjective(n_samples={self.n_samples}, threads={self.fused.n_threads})"


def moments_of(X, y):
    """The moments of ``(X, y)``: Dask reductions for Dask arrays, row blocks otherwise."""
    moments = Moments.from_dask(X, y) if is_dask(X) else Moments.from_arrays(X, y)
    if not (np.all(np.isfinite(moments.cov)) and np.all(np.isfinite(moments.cross))
            and np.isfinite(moments.var_y)):
        raise DescentlabError("X or y holds NaN or infinite values: remove or fill them first")
    return moments


def check_streamed(X, y):
    """Shape checks for inputs that are not validated as in-memory arrays."""
    if len(X.shape) != 2:
        raise DescentlabError(f"X must be 2-D (n_samples, n_features), not of shape {tuple(X.shape)}")
    if len(y.shape) != 1 or y.shape[0] != X.shape[0]:
        raise DescentlabError(f"y must be 1-D with one value per row of X ({X.shape[0]}), "
                              f"not of shape {tuple(y.shape)}")
    if X.shape[0] < 2:
        raise DescentlabError("at least 2 rows are needed to fit")


def fast_problem(estimator, X, y, solver):
    """The :class:`~descentlab.estimators.base.Problem` of a fast solver for ``estimator``."""
    from sklearn.utils.validation import validate_data

    if is_streamed(X):
        check_streamed(X, y)
        estimator.n_features_in_ = X.shape[1]
        if hasattr(estimator, "feature_names_in_"):
            del estimator.feature_names_in_
    else:
        # float32 stays float32 (its products run at float32 speed); the moments pass checks
        # finiteness on the moments it returns, so validation need not read X a second time
        X, y = validate_data(estimator, X, y, dtype=(np.float64, np.float32), y_numeric=True,
                             ensure_all_finite=solver != "moments")
    if solver == "moments":
        moments_z, scaling = standardized(moments_of(X, y), estimator.standardize)
        objective = MomentsObjective(moments_z)
    else:
        scaling = _row_scaling(X, y, estimator.standardize)
        objective = FusedObjective(X, y, scaling)
    return Problem(attrs={"y_mean_": float(scaling["y_mean_"]), "y_scale_": float(scaling["y_scale_"])},
                   x_mean=scaling["x_mean_"], x_scale=scaling["x_scale_"], objective=objective,
                   n_samples=X.shape[0])


def _row_scaling(X, y, standardize):
    """Means and scales from the rows (one blocked pass), for the fused path."""
    if not standardize:
        return _scaling(no_scaling(X.shape[1]), no_scaling())
    n = X.shape[0]
    mu, sd = column_mean_std(X)
    my = float(np.mean(y))
    return _scaling((mu, column_scale(mu, sd, n)), (my, float(column_scale(my, np.std(y), n))))


def _scaling(x, y):
    """The estimator attributes of a features' and a target's ``(mean, scale)``."""
    return {"x_mean_": x[0], "x_scale_": x[1], "y_mean_": y[0], "y_scale_": y[1]}
