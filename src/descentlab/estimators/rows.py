r"""What a fit takes besides ``X`` and ``y``: the rows' weights and a validation set, checked.

:class:`descentlab.estimators.base.GDEstimator` turns ``sample_weight`` (and a classifier's
``class_weight``) into weights of mean 1 for :func:`descentlab.core.trainer.train`, and
checks ``validation_data`` against the fitted features.

**Integer weights are counts of virtual rows.** When every weight (``sample_weight``
times the class weight) is a whole number, :func:`row_counts` takes it as a count: a row
of weight :math:`c` is :math:`c` virtual rows, one of weight 0 none. A stochastic run
(mini-batches of fewer than :math:`N = \sum_i c_i` rows, or a held-out
``validation_fraction``) then trains on the :math:`N` virtual rows
(:func:`virtual_rows`): every random draw, the validation split and each epoch's shuffle,
is made over them, so the run is the run on the rows repeated, not only equal to it in
expectation. Everything derived from the number of rows (mini-batch or full batch, the
step size, the batches per epoch, a network's patience) counts :math:`N`. Fractional
weights multiply each row's loss term instead: a mini-batch's loss is then the weighted
mean over its rows, equal to repetition in expectation only. Full-batch runs are
weighted in both cases (the weighted mean loss is the repeated rows' exactly).

**Canonical row order.** The virtual rows are laid out in the order of
:func:`content_order`, which depends on the rows' content only, so a stochastic fit does
not depend on the order of the input rows: permuted rows, or weighted rows against the
same rows repeated, give the same run.
"""

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray
from sklearn.utils.validation import _check_sample_weight, validate_data

from descentlab.errors import DescentlabError
from descentlab.estimators.device import Array
from descentlab.settings import Setting

if TYPE_CHECKING:
    from descentlab.estimators.base import GDEstimator

#: ``fit``'s ``validation_data``: a pair ``(X_val, y_val)``, a share of the rows to hold out, or None.
ValidationData: TypeAlias = Sequence[Array] | float | None

FRACTION = Setting("the share of rows held out for validation", kind="fraction")
#: the most virtual rows integer weights may stand for (an index of 8 bytes each); weights
#: that add up to more are taken as fractional weights
MAX_VIRTUAL_ROWS = 10**8
#: seeds the fixed random direction of :func:`content_order`'s key
_KEY_SEED = 20240611
_BLOCK_ROWS = 4096


def row_weights(sample_weight: ArrayLike | None, X: Array,
                class_weight: NDArray[np.float64] | None = None) -> NDArray[np.float64] | None:
    r"""The rows' weights scaled to mean 1, or None when every row weighs the same.

    Parameters
    ----------
    sample_weight : array-like of shape (n_samples,) or None
        Non-negative; not all 0.
    X : ndarray of shape (n_samples, n_features)
    class_weight : ndarray of shape (n_samples,) or None
        Each row's class weight, multiplied in.

    Returns
    -------
    ndarray of shape (n_samples,) or None

    Notes
    -----
    :math:`w_i \leftarrow N w_i / \sum_k w_k`: the weighted mean loss
    :math:`\sum_i w_i \ell_i / \sum_i w_i` is then the plain mean of :math:`w_i \ell_i`,
    and integer weights give the loss of the rows repeated that many times.

    Examples
    --------
    >>> row_weights([1, 3], np.zeros((2, 1)))
    array([0.5, 1.5])
    """
    if sample_weight is None and class_weight is None:
        return None
    w = checked_weights(sample_weight, X)
    w = w if class_weight is None else w * class_weight
    if not np.sum(w) > 0:
        raise ValueError("sample_weight holds only zero weights: at least one weight must be positive")
    return w * (w.size / np.sum(w))


def fit_weights(est: "GDEstimator", sample_weight: ArrayLike | None, X: Array,
                y: NDArray[Any]) -> tuple[NDArray[np.float64] | None, NDArray[np.int64] | None]:
    """The rows' weights of mean 1 (:func:`row_weights`, ``est``'s class weights folded in)
    and, when they are whole numbers, their counts (:func:`row_counts`); None for either
    where it does not apply.

    >>> from descentlab.estimators import GDClassifier
    >>> fit_weights(GDClassifier(class_weight="balanced"), None, np.zeros((4, 1)), np.array([0, 0, 0, 1]))
    (array([0.66666667, 0.66666667, 0.66666667, 2.        ]), None)
    """
    if sample_weight is not None:  # checked (shape, signs, not all 0) before its classes
        sample_weight = checked_weights(sample_weight, X)
    class_weight = est._class_weights(y, sample_weight)
    return row_weights(sample_weight, X, class_weight), row_counts(sample_weight, class_weight)


def checked_weights(sample_weight: ArrayLike | None, X: Array) -> NDArray[np.float64]:
    """``sample_weight`` as floats of shape (n_samples,): checked, non-negative, not all 0.

    >>> checked_weights([1, 2], np.zeros((2, 1)))
    array([1., 2.])
    """
    w: NDArray[np.float64] = _check_sample_weight(sample_weight, X, dtype=np.float64,
                                                  ensure_non_negative=True)
    if not np.sum(w) > 0:
        raise ValueError("sample_weight holds only zero weights: at least one weight must be positive")
    return w


def row_counts(sample_weight: NDArray[np.float64] | None,
               class_weight: NDArray[np.float64] | None = None) -> NDArray[np.int64] | None:
    r"""The rows' weights as counts of virtual rows, when they are whole numbers.

    Parameters
    ----------
    sample_weight : ndarray of shape (n_samples,) or None
        As given (checked by :func:`checked_weights`), not scaled.
    class_weight : ndarray of shape (n_samples,) or None
        Each row's class weight, multiplied in.

    Returns
    -------
    ndarray of int64 of shape (n_samples,) or None
        :math:`c_i = w_i` when every :math:`w_i` is a whole number and
        :math:`\sum_i c_i` is at most :data:`MAX_VIRTUAL_ROWS`; None otherwise, and
        when no weight is given (every row once).

    Examples
    --------
    >>> row_counts(np.array([2.0, 0.0, 1.0])), row_counts(np.array([0.5, 1.0]))
    (array([2, 0, 1]), None)
    """
    if sample_weight is None:
        if class_weight is None:
            return None
        w = class_weight
    else:
        w = sample_weight if class_weight is None else sample_weight * class_weight
    if not (np.all(w == np.floor(w)) and np.sum(w) <= MAX_VIRTUAL_ROWS):
        return None
    return w.astype(np.int64)


def content_order(X: ArrayLike, target: ArrayLike | None = None) -> NDArray[np.intp]:
    r"""The rows' canonical order: sorted by their content, wherever they sit.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    target : ndarray of shape (n_samples,) or (n_samples, n_outputs) or None
        Numbers (a classifier's encoded labels), part of each row's content.

    Returns
    -------
    order : ndarray of int of shape (n_samples,)
        A permutation of the rows; identical rows are neighbours.

    Notes
    -----
    Each row's key is :math:`k_i = \sum_j x_{ij} v_j` (the target's columns after
    ``X``'s), :math:`v` a fixed random vector, summed column by column with elementwise
    NumPy: the same operations on the same numbers for every row, so identical rows get
    identical keys wherever they sit (a BLAS product may round a row by its position).
    A stable argsort orders the keys. Should two different rows share a key, or a key
    overflow, the rows are sorted lexicographically instead (``np.lexsort``), exact but
    slower.

    Examples
    --------
    >>> X = np.array([[2.0], [1.0], [2.0]])
    >>> bool(np.array_equal(X[content_order(X)], X[::-1][content_order(X[::-1])]))
    True
    """
    if sp.issparse(X):
        return _sparse_order(X, target)
    parts = [np.asarray(X, dtype=float)]
    if target is not None:
        parts.append(np.asarray(target, dtype=float).reshape(parts[0].shape[0], -1))
    n = parts[0].shape[0]
    v = np.random.default_rng(_KEY_SEED).standard_normal(sum(p.shape[1] for p in parts))
    key = np.zeros(n)
    with np.errstate(over="ignore", invalid="ignore"):
        for start in range(0, n, _BLOCK_ROWS):  # row blocks: the columns of a block stay in cache
            block, j = key[start:start + _BLOCK_ROWS], 0
            for part in parts:
                for column in part[start:start + _BLOCK_ROWS].T:
                    block += column * v[j]
                    j += 1
    order = np.argsort(key, kind="stable")
    if np.all(np.isfinite(key)) and not _different_rows_tie(parts, key, order):
        return order
    lexical: NDArray[np.intp] = np.lexsort([column for part in reversed(parts) for column in part.T[::-1]])
    return lexical


def _sparse_order(X: Any, target: ArrayLike | None) -> NDArray[np.intp]:
    """:func:`content_order` of canonical CSR rows: the key from one sparse product (a row's
    nonzeros summed in column order, so equal rows get equal keys); a tie of different rows,
    the keys of a second direction as well."""
    t = None if target is None else np.asarray(target, dtype=float).reshape(X.shape[0], -1)
    keys = []
    for seed in (_KEY_SEED, _KEY_SEED + 1):
        v = np.random.default_rng(seed).standard_normal(X.shape[1] + (0 if t is None else t.shape[1]))
        keys.append(np.asarray(X @ v[:X.shape[1]]).ravel() + (0.0 if t is None else t @ v[X.shape[1]:]))
        order = np.lexsort(keys[::-1])
        tied = np.flatnonzero(np.all([k[order[1:]] == k[order[:-1]] for k in keys], axis=0))
        a, b = order[tied], order[tied + 1]
        if not tied.size or ((X[a] != X[b]).nnz == 0 and (t is None or np.all(t[a] == t[b]))):
            break
    return order


def _different_rows_tie(parts: list[NDArray[np.float64]], key: NDArray[np.float64],
                        order: NDArray[np.intp]) -> bool:
    """Whether two different rows got the same key (neighbours in ``order``)."""
    tied = np.flatnonzero(key[order[1:]] == key[order[:-1]])
    for start in range(0, tied.size, _BLOCK_ROWS):
        a, b = order[tied[start:start + _BLOCK_ROWS]], order[tied[start:start + _BLOCK_ROWS] + 1]
        if any(np.any(part[a] != part[b]) for part in parts):
            return True
    return False


def virtual_rows(order: NDArray[np.intp], counts: NDArray[np.int64] | None = None) -> NDArray[np.intp]:
    """The virtual rows in canonical order: ``order`` with each row repeated its count
    (rows of count 0 vanish), or ``order`` itself without counts.

    >>> virtual_rows(np.array([2, 0, 1]), counts=np.array([1, 0, 3]))
    array([2, 2, 2, 0])
    """
    return order if counts is None else np.repeat(order, counts[order])


def validation_rows(estimator: "GDEstimator",
                    validation_data: Sequence[Array]) -> tuple[NDArray[np.float64], NDArray[Any]]:
    """``(X_val, y_val)`` checked against the features ``estimator`` was fitted on.

    >>> from descentlab.estimators import GDRegressor
    >>> reg = GDRegressor().fit([[0.0], [1.0]], [1.0, 3.0])
    >>> validation_rows(reg, ([[4.0]], [9.0]))
    (array([[4.]]), array([9.]))
    """
    try:
        X_val, y_val = validation_data
    except (TypeError, ValueError):
        raise DescentlabError("validation_data must be a pair (X_val, y_val)") from None
    X_val = validate_data(estimator, X_val, dtype=np.float64, reset=False,
                          accept_sparse="csr" if getattr(estimator, "_accepts_sparse", False) else False)
    y_val = np.asarray(y_val)
    if y_val.shape != (X_val.shape[0],):
        raise DescentlabError(f"validation_data: y_val must hold one value per row of X_val "
                              f"({X_val.shape[0]}), not shape {y_val.shape}")
    return X_val, y_val


def split_off(X: Array, y: Array, sample_weight: Array, validation_data: ValidationData,
              random_state: int | np.random.RandomState | None,
              ) -> tuple[Array, Array, Array, Sequence[Array] | None]:
    """``validation_data`` given as a fraction: hold out that share of the rows, at random.

    Returns ``X, y, sample_weight, validation_data`` with the held-out rows as
    ``(X_val, y_val)`` (scikit-learn's ``train_test_split``, seeded by an integer
    ``random_state``); anything else passes through unchanged.

    >>> X, y = np.arange(4.0).reshape(4, 1), np.arange(4.0)
    >>> split_off(X, y, None, 0.25, random_state=0)[3]  # the held-out quarter: (X_val, y_val)
    (array([[2.]]), array([2.]))
    """
    if validation_data is None or isinstance(validation_data, (tuple, list)):
        return X, y, sample_weight, validation_data
    reason = FRACTION.problem(validation_data)
    if reason is not None:
        raise DescentlabError(f"validation_data={validation_data!r} {reason}: give (X_val, y_val) "
                              "or a fraction of the rows such as 0.2")
    from sklearn.model_selection import train_test_split

    weights = [] if sample_weight is None else [np.asarray(sample_weight)]
    seed = random_state if isinstance(random_state, (int, np.integer)) else 0
    parts = train_test_split(X, y, *weights, test_size=validation_data, random_state=seed)
    w = parts[4] if weights else None
    return parts[0], parts[2], w, (parts[1], parts[3])
