r"""Which rows each step of training sees: the validation split and the mini-batches.

:func:`descentlab.core.trainer.train` trains on ``X[rows]``: ``rows`` lists the training
rows in order, and a row index may repeat. A row listed :math:`c` times is :math:`c`
*virtual rows*, and every random draw is made over the :math:`N` virtual rows: the
validation split holds out a share of them, each epoch shuffles them into mini-batches.
So ``rows = np.repeat(order, counts[order])`` trains exactly as the rows repeated
``counts`` times, in that order, do. Without ``rows`` the virtual rows are ``X``'s rows,
once each, in order.

Row weights :math:`w` (``sample_weight``) multiply each virtual row's loss term, scaled to
mean 1 over the virtual rows of a set, so a mini-batch's mean loss is an unbiased
estimate of the weighted mean :math:`\sum_k w_k \ell_k / \sum_k w_k`.

A full batch needs no virtual row one by one: each distinct row once, weighted by its
count times its weight, gives the same weighted mean (:meth:`RowSet.full`). The
validation loss is that weighted mean over the held-out virtual rows: a held-out row that
repeats counts as many times as it repeats.
"""

from collections.abc import Iterator, Sequence

import numpy as np
from numpy.typing import NDArray

from descentlab.core.xp import Array, device, is_numpy, like, namespace
from descentlab.errors import DescentlabError

# Row indices into X (NumPy integers, on the host whatever the namespace of X), and one batch's
# X, y, w (w None without weights). Comments: autodoc fails on documented generic aliases.
Rows = NDArray[np.intp]
Batch = tuple[Array, Array, Array | None]


def batches(n_samples: int, batch_size: int | None, rng: np.random.Generator) -> Iterator[slice | Rows]:
    """Index arrays for one epoch: one full batch (``slice(None)``), or shuffled mini-batches.

    >>> list(batches(5, 2, np.random.default_rng(0))), list(batches(5, None, np.random.default_rng(0)))
    ([array([2, 4]), array([3, 0]), array([1])], [slice(None, None, None)])
    """
    if batch_size is None or batch_size >= n_samples:
        yield slice(None)
        return
    order = rng.permutation(n_samples)
    for start in range(0, n_samples, batch_size):
        yield order[start:start + batch_size]


class RowSet:
    """The virtual rows ``X[rows]`` of one set (training or validation) and their weights.

    Parameters
    ----------
    X : ndarray of shape (n_rows, n_features)
    y : ndarray of shape (n_rows,) or (n_rows, n_outputs)
    sample_weight : ndarray of shape (n_rows,) or None
        The weight of each row of ``X``; scaled here to mean 1 over the virtual rows.
    rows : ndarray of int of shape (n_samples,) or None
        The virtual rows, indices into ``X`` (they may repeat); None is every row once.
    name : str
        How an error names the set.

    Examples
    --------
    >>> X, y = np.arange(6.0).reshape(3, 2), np.array([0.0, 1.0, 2.0])
    >>> rowset = RowSet(X, y, rows=[0, 0, 2])  # row 0 twice, row 2 once
    >>> rowset.n_samples, rowset.full()  # one batch: row 0 weighted 2 : 1 (mean 1)
    (3, (array([[0., 1.],
           [4., 5.]]), array([0., 2.]), array([1.33333333, 0.66666667])))
    """

    def __init__(self, X: Array, y: Array, sample_weight: Array | None = None,
                 rows: Sequence[int] | Rows | None = None, name: str = "training") -> None:
        self.X, self.y = X, y
        self.rows = None if rows is None else np.asarray(rows, dtype=np.intp)
        self.n_samples = X.shape[0] if self.rows is None else self.rows.size
        w = sample_weight
        if w is not None:
            total = float(namespace(w).sum(w if self.rows is None else take(w, self.rows)))
            if not total > 0:
                raise DescentlabError(f"the {name} rows' sample weights are all 0: give some rows a "
                                      "positive weight (or another random_state)")
            w = w * (self.n_samples / total)
        self.w: Array | None = w
        self._full: Batch | None = None

    def batch(self, idx: slice | Rows) -> Batch:
        """``X, y, w`` of the virtual rows ``idx``: an index array, or ``slice(None)`` for all.

        >>> RowSet(np.arange(6.0).reshape(3, 2), np.array([0.0, 1.0, 2.0])).batch(np.array([2, 0]))
        (array([[4., 5.],
               [0., 1.]]), array([2., 0.]), None)
        """
        if isinstance(idx, slice):
            return self.full()
        r = idx if self.rows is None else self.rows[idx]
        return take(self.X, r), take(self.y, r), None if self.w is None else take(self.w, r)

    def full(self) -> Batch:
        r"""All the virtual rows as one weighted batch ``X, y, w``: each distinct row once,
        weighted by its count :math:`c_i` times its weight (scaled to mean 1), so
        :math:`\operatorname{mean}_i(w_i \ell_i)` is the mean over the virtual rows."""
        if self.rows is None:
            return self.X, self.y, self.w
        if self._full is None:
            unique, counts = np.unique(self.rows, return_counts=True)
            if unique.size == self.rows.size:  # no row repeats: the rows in their order
                r, w = self.rows, None if self.w is None else take(self.w, self.rows)
            else:
                counts = counts if is_numpy(self.X) or hasattr(self.X, "take_rows") else like(counts.astype(float), self.X)
                r, w = unique, counts * (1.0 if self.w is None else take(self.w, unique))
                w = w * (unique.size / float(namespace(w).sum(w)))
            self._full = take(self.X, r), take(self.y, r), w
        return self._full


def take(A: Array, rows: Rows) -> Array:
    """The rows ``rows`` (NumPy integers) of ``A``; on another namespace's array, taken on its
    device (the indices sent there).

    >>> take(np.array([10.0, 20.0, 30.0]), np.array([2, 0, 2]))
    array([30., 10., 30.])
    """
    if is_numpy(A):
        return A[rows]
    if hasattr(A, "take_rows"):  # sparse rows, standardised (descentlab.fast.sparse)
        return A.take_rows(rows)
    xp = namespace(A)
    return xp.take(A, xp.asarray(rows, device=device(A)), axis=0)


def _split_positions(n_samples: int, validation_fraction: float, seed: int | None) -> tuple[Rows, Rows]:
    """Positions of the held-out and the kept virtual rows: a seeded random share."""
    if not 0 < validation_fraction < 1 or n_samples < 2:
        raise DescentlabError(f"validation fraction {validation_fraction!r} must be in (0, 1) and "
                              f"leave rows on both sides (n_samples={n_samples}): try 0.1")
    n_val = min(max(1, round(validation_fraction * n_samples)), n_samples - 1)
    order = np.random.default_rng(np.random.SeedSequence(seed).spawn(1)[0]).permutation(n_samples)
    return order[:n_val], order[n_val:]


def split(X: Array, y: Array, sample_weight: Array | None = None, rows: Sequence[int] | Rows | None = None,
          validation_fraction: float | None = None, seed: int | None = 0) -> tuple[RowSet, RowSet | None]:
    """The training and validation :class:`RowSet`: a random ``validation_fraction`` of the
    virtual rows held out (at least one, never all), or all of them kept and None.

    The draw is seeded by ``seed`` but independent of the mini-batch shuffling.

    >>> fit, val = split(np.arange(6.0).reshape(3, 2), np.arange(3.0), validation_fraction=0.34)
    >>> fit.rows, val.rows
    (array([1, 2]), array([0]))
    """
    if validation_fraction is None:
        return RowSet(X, y, sample_weight, rows), None
    n_samples = X.shape[0] if rows is None else len(rows)
    val, fit = _split_positions(n_samples, validation_fraction, seed)
    if rows is not None:
        rows = np.asarray(rows, dtype=np.intp)
        val, fit = rows[val], rows[fit]
    return (RowSet(X, y, sample_weight, fit),
            RowSet(X, y, sample_weight, val, name="held-out validation"))


def hold_out(X: Array, y: Array, validation_fraction: float | None,
             seed: int | None) -> tuple[Array, Array, Array | None, Array | None]:
    """Split off a random ``validation_fraction`` of the rows (at least one, never all).

    Returns ``X_train, y_train, X_val, y_val``; the last two are None when
    ``validation_fraction`` is None. The same draw as :func:`split` on rows once each.

    >>> X_fit, y_fit, X_val, y_val = hold_out(np.arange(6.0).reshape(3, 2), np.arange(3.0), 0.34, seed=0)
    >>> y_fit, y_val
    (array([1., 2.]), array([0.]))
    """
    if validation_fraction is None:
        return X, y, None, None
    val, fit = _split_positions(X.shape[0], validation_fraction, seed)
    return X[fit], y[fit], X[val], y[val]
