r"""What an estimator trains on when ``X`` is sparse (SciPy CSR): the same fit, never densified.

``standardize=True`` standardises as on dense rows, centring included, but implicitly
(:class:`descentlab.fast.sparse.ScaledSparse`): the fit follows the dense fit's path to
rounding, full batch or mini-batches (CSR rows sliced). A regressor's full-batch fit on
up to ``MAX_MOMENTS_FEATURES`` features takes the data's moments from sparse products
(:func:`descentlab.fast.sparse.sparse_moments`) instead.
"""

from typing import TYPE_CHECKING, Any, overload

import numpy as np
from numpy.typing import ArrayLike
from sklearn.utils.validation import validate_data

from descentlab.core.scaling import column_scale, diagonal_scale, no_scaling
from descentlab.errors import DescentlabError
from descentlab.estimators.device import Array
from descentlab.estimators.problem import Problem, preconditioned
from descentlab.estimators.rows import content_order, fit_weights
from descentlab.fast.sparse import ScaledSparse, weighted_mean_var
from descentlab.fast.sparse import is_sparse as issparse

if TYPE_CHECKING:
    from descentlab.estimators.base import GDEstimator

#: what ``validate_data`` accepts of sparse input (CSR is sliced by rows; others converted)
ACCEPT_SPARSE = ("csr", "csc", "coo")


@overload
def checked_sparse(est: "GDEstimator", X: Array, y: None = None, reset: bool = True) -> Array: ...
@overload
def checked_sparse(est: "GDEstimator", X: Array, y: ArrayLike, reset: bool = True) -> tuple[Array, Array]: ...
def checked_sparse(est: "GDEstimator", X: Array, y: ArrayLike | None = None, reset: bool = True) -> Any:
    """``X`` (and ``y``) validated as float64 CSR; a one-line error for NaN or infinity.

    >>> import scipy.sparse as sp
    >>> from descentlab.estimators import GDRegressor
    >>> X = sp.csr_matrix(np.array([[0, 1], [2, 0], [0, 3], [4, 0]]))  # integers
    >>> Xc, yc = checked_sparse(GDRegressor(), X, np.arange(4.0))
    >>> type(Xc).__name__, Xc.dtype, Xc.nnz
    ('csr_matrix', dtype('float64'), 4)
    """
    try:
        if y is None:
            return validate_data(est, X, accept_sparse="csr", dtype=np.float64, reset=reset)
        return validate_data(est, X, y, accept_sparse="csr", dtype=np.float64, y_numeric=est._y_numeric,
                             multi_output=getattr(est, "_multi_output", False), reset=reset)
    except ValueError as exc:
        if "NaN" in str(exc) or "infinity" in str(exc):
            raise DescentlabError("X or y holds NaN or infinite values: remove or fill them first") from None
        raise


def sparse_problem(est: "GDEstimator", X: Array, y: Array, sample_weight: ArrayLike | None = None) -> Problem:
    """The :class:`~descentlab.estimators.problem.Problem` of ``est`` on CSR rows ``X``:
    weighted column means and scales from sparse products, ``Z`` a :class:`ScaledSparse`.

    >>> import scipy.sparse as sp
    >>> from descentlab.estimators import GDRegressor
    >>> X = sp.csr_matrix(np.array([[0.0, 1.0], [2.0, 0.0], [0.0, 3.0], [4.0, 0.0]]))
    >>> p = sparse_problem(GDRegressor(), X, np.array([1.0, 2.0, 3.0, 4.0]))
    >>> type(p.Z).__name__, p.x_mean, p.x_scale.round(3)  # the columns' means, never subtracted
    ('ScaledSparse', array([1.5, 1. ]), array([1.658, 1.225]))
    """
    X, y = checked_sparse(est, X, y)
    X.sum_duplicates()  # canonical CSR: equal rows hold equal entries in equal order
    w, counts = fit_weights(est, sample_weight, X, y)
    t, target_attrs = est._encode_target(y, w)
    order = None
    mean: Array  # the columns' means and scales, NumPy vectors of shape (n_features,)
    scale: Array
    if est.batch_size is not None or est.early_stopping:
        order = content_order(X, y if est._y_numeric else t)
    if est.standardize:
        mean, var = weighted_mean_var(X, w)
        n = X.shape[0] if counts is None else int(np.sum(counts))
        scale = column_scale(mean, np.sqrt(var), n)
    elif preconditioned(est):  # raw features over their root mean square (Jacobi), as on dense rows
        wv = np.ones(X.shape[0]) if w is None else w
        mean, scale = np.zeros(X.shape[1]), diagonal_scale(0.0, np.sqrt(X.multiply(X).T @ wv / wv.sum()))
    else:
        mean, scale = no_scaling(X.shape[1])
    return Problem(Z=ScaledSparse(X, mean, scale), t=t, attrs=target_attrs, x_mean=mean, x_scale=scale,
                   batch_size=est.batch_size, sample_weight=w, counts=counts, order=order)


def sparse_solver(asked: str, chosen: str, X: Array) -> str:
    """``GDRegressor``'s solver for sparse ``X``: the fused kernel reads dense rows, so what
    "auto" chose as fused becomes "gd", and ``solver="fused"`` is a one-line error.

    >>> import scipy.sparse as sp
    >>> X = sp.csr_matrix(np.eye(3))
    >>> sparse_solver("auto", "fused", X), sparse_solver("auto", "moments", X)
    ('gd', 'moments')
    """
    if chosen != "fused" or not issparse(X):
        return chosen
    if asked == "auto":
        return "gd"
    raise DescentlabError(f"solver={asked!r} needs dense rows: use solver='auto', 'moments' "
                          "or 'gd' for sparse X (never densified)")
