r"""Prediction on Dask arrays: lazy, chunk by chunk where the rows live.

Every estimator's ``predict``, ``predict_proba``, ``predict_log_proba`` and
``decision_function`` carries :func:`lazy_on_dask`: given a Dask array ``X`` of shape
(n_samples, n_features), chunked by rows, or a Dask DataFrame of those columns, it returns
a Dask array, ``X.map_blocks(method)``, as dask-ml's ``ParallelPostFit`` does. Nothing is computed
until the caller asks (``.compute()``, ``dask.compute``, ``.to_zarr``...); each chunk is
then predicted on the worker that holds it by the estimator's own in-memory method, so
the result is the in-memory one and ``X`` is never gathered into the client. Other inputs
go to the method unchanged.

``score(X, y)`` on a Dask array is a number, computed from sums over the chunks in one
``dask.compute`` (only those sums come back): the accuracy
:math:`\sum_i w_i [\hat y_i = y_i] / \sum_i w_i` of a classifier and the :math:`R^2`
of a regressor,

.. math:: R^2 = 1 - \frac{\sum_i w_i (y_i - \hat y_i)^2}{\sum_i w_i (y_i - \bar y_w)^2},
          \qquad \bar y_w = \frac{\sum_i w_i y_i}{\sum_i w_i},

as scikit-learn's ``score`` (a constant ``y`` scores 1 when predicted exactly, else 0).
Dask is imported only when a Dask array arrives.
"""

import functools

import numpy as np
from sklearn.utils.validation import check_is_fitted

from descentlab.errors import DescentlabError
from descentlab.estimators.constraints import check_columns
from descentlab.fast.objectives import is_dask

#: What each wrapped method returns per row: ``values`` and ``labels`` one value (a float, a
#: label of ``classes_``), ``classes`` one column per class, ``logits`` one value for two
#: classes, else one column per class.
OUTPUTS = ("values", "labels", "classes", "logits", "score")


def lazy_on_dask(output):
    """Decorate an estimator method ``f(self, X, ...)`` to map it over a Dask array's chunks.

    ``output`` is one of :data:`OUTPUTS`; ``"score"`` wraps ``score(X, y,
    sample_weight=None)`` with :func:`dask_score`.
    """
    if output not in OUTPUTS:
        raise ValueError(f"output must be one of {OUTPUTS}, not {output!r}")

    def wrap(method):
        @functools.wraps(method)
        def run(self, X, *args, **kwargs):
            if is_dask_frame(X):
                X = _frame_rows(self, X)
            elif not is_dask(X):
                return method(self, X, *args, **kwargs)
            if output == "score":
                return dask_score(self, X, *args, **kwargs)
            return map_rows(self, method.__name__, X, output)
        return run
    return wrap


def is_dask_frame(X):
    """Whether ``X`` is a Dask DataFrame or Series (without importing Dask)."""
    return hasattr(X, "dask") and hasattr(X, "to_dask_array")


def frames_as_arrays(X, y, sample_weight=None):
    """Dask DataFrames and Series given to ``fit`` as Dask arrays (row lengths computed, the
    data not gathered), and the columns' names for ``feature_names_in_`` (None for arrays)."""
    if not is_dask_frame(X):
        return X, y, sample_weight, None
    names = np.asarray([str(c) for c in X.columns], dtype=object)
    X = X.to_dask_array(lengths=True)
    y, sample_weight = (_as_rows(v, X.chunks[0], what) if v is not None and is_dask_frame(v) else v
                        for v, what in ((y, "y"), (sample_weight, "sample_weight")))
    return X, y, sample_weight, names


def _frame_rows(estimator, X):
    """A Dask DataFrame's rows as a Dask array (row chunks of unknown size, nothing computed),
    its columns checked against the names the estimator was fitted with, if any."""
    check_columns(estimator, X)
    return X.to_dask_array()


def _call(Xb, estimator, name):
    names = getattr(estimator, "feature_names_in_", None)
    if names is not None:  # fitted on a DataFrame: the chunk gets its column names back
        import pandas as pd

        Xb = pd.DataFrame(Xb, columns=names)
    return getattr(estimator, name)(Xb)


def _checked(estimator, X):
    """``X`` as whole rows (one chunk across the columns) of the fitted number of features."""
    check_is_fitted(estimator)
    if X.ndim != 2:
        raise DescentlabError(f"X must be a 2-D Dask array (rows, features), not {X.ndim}-D: "
                              "reshape it, e.g. X.reshape(-1, 1) for one feature")
    if X.shape[1] != estimator.n_features_in_:
        raise DescentlabError(f"X has {X.shape[1]} features per row; this model was fitted on "
                              f"{estimator.n_features_in_}: pass the same columns")
    return X.rechunk({1: -1}) if len(X.chunks[1]) > 1 else X


def map_rows(estimator, name, X, output):
    """The lazy Dask array ``estimator.name(X_chunk)`` over the row chunks of ``X``."""
    X = _checked(estimator, X)
    k = len(estimator.classes_) if hasattr(estimator, "classes_") else np.size(estimator.y_mean_)
    dtype = np.asarray(estimator.classes_).dtype if output == "labels" else np.dtype(np.float64)
    wide = getattr(estimator, "multilabel_", False) or np.ndim(getattr(estimator, "y_mean_", 0.0)) == 1  # networks
    if output == "classes" or (output == "logits" and (k > 2 or wide)) or (output == "values" and wide):
        return X.map_blocks(_call, estimator, name, chunks=(X.chunks[0], (k,)), dtype=dtype,
                            meta=np.empty((0, 0), dtype=dtype))
    return X.map_blocks(_call, estimator, name, drop_axis=1, dtype=dtype,
                        meta=np.empty((0,), dtype=dtype))


def _as_rows(v, chunks, what):
    """``v`` (a Dask or NumPy vector) as a Dask array chunked like the predictions."""
    import dask.array as da

    if is_dask_frame(v):
        import warnings

        with warnings.catch_warnings():  # text labels become object arrays, which compare alike
            warnings.filterwarnings("ignore", "Dask currently has limited support for converting")
            v = v.to_dask_array(lengths=True)
    if not is_dask(v):
        v = np.asarray(v)
        if v.shape != (sum(chunks),):
            raise DescentlabError(f"{what} must hold one value per row of X ({sum(chunks)}), "
                                  f"not shape {v.shape}")
        return da.from_array(v, chunks=(chunks,))
    if v.ndim != 1:
        raise DescentlabError(f"{what} must be 1-D, one value per row of X, not {v.ndim}-D")
    return v if v.chunks[0] == chunks else v.rechunk({0: chunks})


def dask_score(estimator, X, y, sample_weight=None):
    """``estimator.score(X, y, sample_weight)`` for a Dask array ``X``, from sums over its chunks."""
    import dask
    from sklearn.base import is_classifier

    if any(np.isnan(c) for c in X.chunks[0]):
        X = X.compute_chunk_sizes()
    pred = map_rows(estimator, "predict", X, "labels" if is_classifier(estimator) else "values")
    chunks = pred.chunks[0]
    y = _as_rows(y, chunks, "y")
    w = 1.0 if sample_weight is None else _as_rows(sample_weight, chunks, "sample_weight")
    total = w.sum() if sample_weight is not None else pred.shape[0]
    if is_classifier(estimator):
        hits, total = dask.compute((w * (pred == y)).sum(), total)
        return float(hits / total)
    y = y.astype(np.float64)
    y_mean = (w * y).sum() / total
    num, den = dask.compute((w * (y - pred) ** 2).sum(), (w * (y - y_mean) ** 2).sum())
    if den == 0:  # scikit-learn's r2_score(force_finite=True)
        return 1.0 if num == 0 else 0.0
    return float(1.0 - num / den)
