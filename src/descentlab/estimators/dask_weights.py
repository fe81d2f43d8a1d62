r"""``sample_weight`` and ``class_weight`` on Dask arrays: the rows' weights, lazily, as a Dask array.

The in-memory fit's weights (:func:`descentlab.estimators.rows.row_weights`) built where
the rows live: :math:`w_i = s_i\,c_{y_i}`, scaled to mean 1, chunked as ``X``'s rows, so
the full-batch fits (the moments pass, the blockwise objective) weigh each chunk's rows
there. Only the labels' list, the class totals and two sums come back to the client.
"""

from typing import TYPE_CHECKING

import numpy as np

from descentlab.errors import DescentlabError
from descentlab.estimators.classes import class_weights
from descentlab.estimators.device import Array

if TYPE_CHECKING:
    from descentlab.estimators.base import GDEstimator


def dask_row_weights(est: "GDEstimator", X: Array, y: Array, sample_weight: Array = None) -> Array:
    """The rows' weights of mean 1 as a Dask array chunked like ``X``'s rows, or None.

    ``sample_weight``: a Dask or NumPy array of shape (n_samples,), non-negative, not all
    0; ``est``'s ``class_weight`` ("balanced" or a dict of labels) multiplies it in, as
    scikit-learn's ``compute_class_weight`` with the summed sample weights.

    >>> import dask.array as da
    >>> from descentlab.estimators import GDClassifier
    >>> X, y = da.zeros((4, 1), chunks=2), da.from_array(np.array([0, 0, 0, 1]), chunks=2)
    >>> dask_row_weights(GDClassifier(class_weight="balanced"), X, y).compute()  # 4 / (2 * 3), 4 / (2 * 1)
    array([0.66666667, 0.66666667, 0.66666667, 2.        ])
    """
    import dask
    import dask.array as da

    class_weight = getattr(est, "class_weight", None)
    if sample_weight is None and class_weight is None:
        return None
    n, chunks = X.shape[0], X.chunks[0]
    s: Array = None  # a Dask array of the sample weights, once given
    if sample_weight is not None:
        s = sample_weight if hasattr(sample_weight, "dask") else da.from_array(np.asarray(sample_weight))
        if s.ndim != 1 or s.shape[0] != n:
            raise DescentlabError(f"sample_weight must hold one weight per row of X ({n}), not shape "
                                  f"{tuple(s.shape)}")
        s = s.astype(np.float64).rechunk({0: chunks})
        low, total = dask.compute(s.min(), s.sum())
        if not (np.isfinite(low) and np.isfinite(total)) or low < 0:
            raise DescentlabError("sample_weight holds negative or non-finite weights: give "
                                  "finite weights of 0 or more")
        if not total > 0:
            raise ValueError("sample_weight holds only zero weights: at least one weight must be positive")
    w = s if class_weight is None else _with_class_weights(est, y.rechunk({0: chunks}), s)
    total = float(w.sum().compute()) if class_weight is not None else float(total)
    if not total > 0:
        raise ValueError("sample_weight holds only zero weights: at least one weight must be positive")
    return w * (n / total)


def _with_class_weights(est: "GDEstimator", y: Array, s: Array) -> Array:
    """``s`` times each row's class weight (``s`` None: the class weights alone)."""
    import dask.array as da

    classes = np.unique(da.unique(y).compute())
    codes = y.map_blocks(lambda yb: np.searchsorted(classes, yb), dtype=np.intp)
    ones = da.ones_like(codes, dtype=np.float64) if s is None else s
    totals = np.asarray(da.bincount(codes, weights=ones, minlength=len(classes)).compute(), dtype=float)
    per_class = class_weights(est.class_weight, classes, totals)
    return codes.map_blocks(lambda cb: per_class[cb], dtype=np.float64) * ones
