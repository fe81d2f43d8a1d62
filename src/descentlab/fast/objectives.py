r"""The regressor's fast paths as training objectives, on standardised coordinates.

:class:`descentlab.estimators.linear.GDRegressor` trains on standardised features and target
(:mod:`descentlab.core.scaling`). Both fast paths give :func:`descentlab.core.trainer.train` the
loss and gradients of exactly that problem without forming the standardised data:

* :class:`MomentsObjective` standardises the moments instead
  (:meth:`descentlab.fast.moments.Moments.standardized`): one pass over the data, then
  :math:`O(n^2)` per epoch; it works on memmaps, streamed ``.npy`` files and Dask
  arrays, since only the moments are kept;
* :class:`FusedObjective` moves the standardisation onto the weights,
  :math:`W' = s_y W / s`, :math:`b' = s_y (b - \mu^\top W / s) + \mu_y`: each epoch is one
  fused pass over the raw rows (:class:`descentlab.fast.kernels.FusedLinear`), and
  :math:`\partial L_z/\partial W = (\nabla_{W'} - \mu\,\nabla_{b'}) / (s\,s_y)`,
  :math:`\partial L_z/\partial b = \nabla_{b'}/s_y`.

Derivation: :doc:`/maths/moments`, "Back to the data's units".
"""

import os
from contextlib import nullcontext
from typing import Any

import numpy as np

from descentlab.core.scaling import column_mean_std, column_scale, diagonal_scale, no_scaling
from descentlab.core.stepsize import top_eigenvalue
from descentlab.core.xp import all_finite, is_device_array, is_numpy, like, namespace
from descentlab.data.blocks import NpyRows, row_blocks
from descentlab.errors import DescentlabError
from descentlab.fast.blas import blas_for
from descentlab.fast.kernels import FusedLinear
from descentlab.fast.moments import Moments
from descentlab.fast.sparse import is_sparse, sparse_moments


def is_dask(X: Any) -> bool:
    """Whether ``X`` is a Dask collection (without importing Dask).

    Examples
    --------
    >>> import numpy as np
    >>> is_dask(np.zeros((2, 2)))
    False
    """
    return hasattr(X, "dask") and hasattr(X, "chunks")


def is_streamed(X: Any) -> bool:
    """Inputs that are read in blocks rather than held in memory as one ndarray.

    Examples
    --------
    >>> import numpy as np
    >>> is_streamed(np.zeros((2, 2)))
    False
    """
    return is_dask(X) or isinstance(X, (NpyRows, np.memmap))


def standardized(moments: Moments, standardize: bool = True) -> tuple[Moments, dict[str, Any]]:
    """The moments of the standardised problem, and the scaling that maps back.

    Returns
    -------
    moments_z : Moments
    scaling : dict
        ``x_mean_``, ``x_scale_``, ``y_mean_``, ``y_scale_`` as the estimators store them.

    Examples
    --------
    >>> import numpy as np
    >>> X, y = np.array([[1.0], [2.0], [3.0]]), np.array([2.0, 4.0, 6.0])
    >>> mz, scaling = standardized(Moments.from_arrays(X, y))
    >>> round(float(mz.cov[0, 0]), 6), round(mz.var_y, 6), round(abs(float(mz.cross[0])), 6)
    (1.0, 1.0, 1.0)
    """
    m = moments
    if not standardize:
        return m, _scaling(tuple(like(a, m.cov) for a in no_scaling(m.n_features)), no_scaling())
    xp = namespace(m.cov)
    s = column_scale(m.mean_x, xp.sqrt(xp.linalg.diagonal(m.cov) if xp is not np else np.diag(m.cov)), m.n)
    sy = float(column_scale(m.mean_y, np.sqrt(m.var_y), m.n))
    return m.standardized(s, sy), _scaling((m.mean_x, s), (m.mean_y, sy))


def diagonally_scaled(moments: Moments) -> tuple[Moments, dict[str, Any]]:
    """The moments of raw features over their root mean square, the diagonal preconditioner
    (:func:`descentlab.core.scaling.diagonal_scale`; not centred), the target as it is.

    Examples
    --------
    >>> import numpy as np
    >>> X, y = np.array([[1.0], [2.0], [3.0]]), np.array([2.0, 4.0, 6.0])
    >>> md, scaling = diagonally_scaled(Moments.from_arrays(X, y))
    >>> round(float(md.cov[0, 0] + md.mean_x[0] ** 2), 6)  # mean of (x / rms)^2
    1.0
    """
    m, xp = moments, namespace(moments.cov)
    d = diagonal_scale(m.mean_x, xp.sqrt(xp.linalg.diagonal(m.cov) if xp is not np else np.diag(m.cov)))
    scaled = Moments(n=m.n, mean_x=m.mean_x / d, mean_y=m.mean_y, cov=m.cov / (d[:, None] * d[None, :]),
                     cross=m.cross / d, var_y=m.var_y)
    return scaled, _scaling((xp.zeros_like(d), d), no_scaling())


class MomentsObjective:
    """The half-MSE of a linear model and its gradients from the data's moments.

    ``objective(params) -> (loss, {"W": dW, "b": db})``, in :math:`O(n^2)`.

    Examples
    --------
    >>> import numpy as np
    >>> X, y = np.array([[1.0], [2.0], [3.0]]), np.array([2.0, 4.0, 6.0])
    >>> objective = MomentsObjective(Moments.from_arrays(X, y))
    >>> loss, grads = objective({"W": np.array([2.0]), "b": np.array(0.0)})
    >>> round(loss, 6), np.round(grads["W"], 6).tolist()
    (0.0, [0.0])
    >>> round(objective.curvature(), 4)  # lambda_max of [[14/3, 2], [2, 1]], the rows [x, 1]'s second moment
    5.5465
    """

    def __init__(self, moments: Moments) -> None:
        self.moments = moments
        self.n_samples = moments.n
        # chosen once: NumPy's float arithmetic, or the products on the moments' device
        self._loss_grad = moments.loss_grad if is_numpy(moments.cov) else moments.loss_grad_device

    def __call__(self, params: dict[str, np.ndarray]) -> tuple[float, dict[str, np.ndarray]]:
        loss, dW, db = self._loss_grad(params["W"], params["b"])
        return loss, {"W": dW, "b": db}

    def curvature(self) -> float:
        r""":math:`\lambda_{\max}` of the Hessian :math:`H` (:meth:`Moments.hessian`), exactly."""
        H = self.moments.hessian()
        with blas_for(len(H)) if is_numpy(H) else nullcontext():  # a small one: on one thread
            return top_eigenvalue(H)

    def __repr__(self) -> str:
        return f"MomentsObjective(n_samples={self.n_samples}, n_features={self.moments.n_features})"


class FusedObjective:
    r"""The standardised problem's loss and gradients from one fused pass over the raw rows.

    With ``sample_weight`` (mean 1) the pass is NumPy's, :math:`r = XW' + b' - y`,
    :math:`L' = \tfrac{1}{2N}\sum_i w_i r_i^2`, :math:`\nabla_{W'} = X^\top (w r)/N`,
    :math:`\nabla_{b'} = \sum_i w_i r_i / N` (the compiled kernel takes no weights).

    Examples
    --------
    >>> import numpy as np
    >>> X, y = np.array([[1.0], [2.0], [3.0]]), np.array([2.0, 4.0, 6.0])
    >>> objective = FusedObjective(X, y, row_scaling(X, y, standardize=False), n_threads=1)
    >>> loss, grads = objective({"W": np.array([0.0]), "b": np.array(0.0)})
    >>> round(loss, 4), round(float(np.mean(y ** 2) / 2), 4)
    (9.3333, 9.3333)
    >>> round(objective.curvature(), 4)  # as MomentsObjective's, from the rows themselves
    5.5465
    >>> objective.close()
    """

    def __init__(self, X: Any, y: Any, scaling: dict[str, Any], n_threads: int | None = None,
                 sample_weight: Any = None) -> None:
        self.fused = FusedLinear(X, y, n_threads=n_threads or os.cpu_count() or 1)
        self.w = sample_weight
        self.n_samples = X.shape[0]
        self.mu, self.s = scaling["x_mean_"], scaling["x_scale_"]
        self.my, self.sy = scaling["y_mean_"], scaling["y_scale_"]

    def __call__(self, params: dict[str, np.ndarray]) -> tuple[float, dict[str, np.ndarray]]:
        W, b = params["W"], float(params["b"])
        Ws = W / self.s
        loss_grad = self.fused.loss_grad if self.w is None else self._weighted_loss_grad
        loss, dW, db = loss_grad(self.sy * Ws, self.sy * (b - self.mu @ Ws) + self.my)
        db = float(db)
        return loss / self.sy**2, {"W": (dW - self.mu * db) / (self.s * self.sy),
                                   "b": np.asarray(db / self.sy)}

    def _weighted_loss_grad(self, W: np.ndarray, b: float) -> tuple[float, np.ndarray, float]:
        X, n = self.fused.X, self.n_samples
        r = X @ W + b - self.fused.y
        wr = self.w * r
        return 0.5 * float(wr @ r) / n, X.T @ wr / n, wr.sum() / n

    def curvature(self) -> float:
        r""":math:`\lambda_{\max}` of the standardised Hessian, estimated on evenly spaced
        rows (:func:`descentlab.core.stepsize.curvature`), standardised here."""
        from descentlab.core.losses import MeanSquaredError
        from descentlab.core.stepsize import curvature, row_sample

        sample = np.asarray(row_sample(self.fused.X), dtype=np.float64)
        w = None if self.w is None else row_sample(self.w)
        return curvature((sample - self.mu) / self.s, MeanSquaredError(), sample_weight=w)

    def close(self) -> None:
        self.fused.close()

    def __repr__(self) -> str:
        return f"FusedObjective(n_samples={self.n_samples}, threads={self.fused.n_threads})"


def moments_of(X: Any, y: Any, sample_weight: Any = None) -> Moments:
    """The moments of ``(X, y)``: one Dask reduction for Dask arrays, row blocks otherwise
    (:func:`descentlab.fast.gram.augmented_gram`), weighted by ``sample_weight`` if given.

    Examples
    --------
    >>> import numpy as np
    >>> m = moments_of(np.array([[1.0], [2.0], [3.0]]), np.array([2.0, 4.0, 6.0]))
    >>> m.n, m.mean_y, round(float(m.cross[0]), 4)
    (3, 4.0, 1.3333)
    """
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow is reported below, in one line
        if is_dask(X):
            moments = Moments.from_dask(X, y, sample_weight)
        elif is_sparse(X):  # CSR: sparse products, centred on the Gram matrix
            moments = sparse_moments(X, y, sample_weight)
        elif is_device_array(X):  # another namespace's arrays: one product on their device
            moments = Moments.from_device(X, y, sample_weight=sample_weight)
        else:  # weighted rows: each row of the product times the square root of its weight
            moments = Moments.from_arrays(X, y, sample_weight=sample_weight)
    if not (all_finite(moments.cov) and all_finite(moments.cross) and np.isfinite(moments.var_y)):
        if _all_finite(X) and _all_finite(y):
            raise DescentlabError("the squares of X or y overflow a float (values near 1e154 or "
                                  "beyond): scale the columns, e.g. by a power of ten "
                                  "(descentlab fit does this itself)")
        raise DescentlabError("X or y holds NaN or infinite values: remove or fill them first")
    return moments


def row_scaling(X: Any, y: Any, standardize: bool, sample_weight: Any = None) -> dict[str, Any]:
    """Means and scales from the rows (one blocked pass), for the fused path.

    Examples
    --------
    >>> import numpy as np
    >>> s = row_scaling(np.array([[1.0], [2.0], [3.0]]), np.array([2.0, 4.0, 6.0]), standardize=True)
    >>> s["x_mean_"].tolist(), round(float(s["x_scale_"][0]), 4), s["y_mean_"]
    ([2.0], 0.8165, 4.0)
    """
    if not standardize:
        return _scaling(no_scaling(X.shape[1]), no_scaling())
    if sample_weight is not None:
        m = Moments.from_arrays(X, y, sample_weight=sample_weight)
        return _scaling((m.mean_x, column_scale(m.mean_x, np.sqrt(np.diag(m.cov)), m.n)),
                        (m.mean_y, float(column_scale(m.mean_y, np.sqrt(m.var_y), m.n))))
    n = X.shape[0]
    mu, sd = column_mean_std(X)
    my = float(np.mean(y))
    return _scaling((mu, column_scale(mu, sd, n)), (my, float(column_scale(my, np.std(y), n))))


def _scaling(x: tuple[Any, Any], y: tuple[Any, Any]) -> dict[str, Any]:
    """The estimator attributes of a features' and a target's ``(mean, scale)``."""
    return {"x_mean_": x[0], "x_scale_": x[1], "y_mean_": y[0], "y_scale_": y[1]}


def _all_finite(A: Any) -> bool:
    """Whether ``A`` holds only finite numbers (Dask arrays: one reduction)."""
    if is_dask(A):
        return bool(np.isfinite(A).all().compute())
    if is_sparse(A):
        return bool(np.all(np.isfinite(A.data)))
    if is_device_array(A):
        return all_finite(A)
    if np.ndim(A) == 1:
        return bool(np.all(np.isfinite(A)))
    return all(bool(np.all(np.isfinite(block))) for _, block, _ in row_blocks(A))
