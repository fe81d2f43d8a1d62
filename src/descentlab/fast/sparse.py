r"""Sparse (CSR) features, standardised without ever being densified.

Centring a sparse column fills it in, so the standardised features
:math:`z = (x - \mu) / s` are never formed: :class:`ScaledSparse` keeps the CSR rows,
:math:`\mu` and :math:`s`, and answers the two products a linear model asks of its input,

.. math::

    Z W = X (W / s) - \mu^\top (W / s), \qquad
    Z^\top G = \bigl(X^\top G - \mu\, \mathbf 1^\top G\bigr) / s,

in :math:`O(\text{nnz} + n)`; its rows (``Z[rows]``, mini-batches) are the CSR rows
sliced. So training on it is training on the dense standardised rows, to rounding. The
squared loss's moments come from sparse products too (:func:`sparse_moments`): the
centring then happens on the :math:`n \times n` Gram matrix, by the algebra of
:meth:`descentlab.fast.moments.Moments.from_sums`.
"""

from typing import Any

import numpy as np
import scipy.sparse as sp

from descentlab.fast.moments import Moments

#: above this many features the Hessian (n x n) of the optimum check is not formed
MAX_HESSIAN_FEATURES = 2048


def weighted_mean_var(X: Any, sample_weight: Any = None) -> tuple[np.ndarray, np.ndarray]:
    r"""Each column's (weighted) mean and variance from sparse products, nothing densified:
    :math:`\mu = X^\top w / \sum w`, :math:`\sigma^2 = (X \circ X)^\top w / \sum w - \mu^2`.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> mean, var = weighted_mean_var(sp.csr_matrix([[1.0, 0.0], [3.0, 2.0]]))
    >>> mean.tolist(), var.tolist()
    ([2.0, 1.0], [1.0, 1.0])
    """
    w = np.ones(X.shape[0]) if sample_weight is None else np.asarray(sample_weight, dtype=float)
    total = float(w.sum())
    mean = X.T @ w / total
    var = X.multiply(X).T @ w / total - mean**2
    return np.asarray(mean).ravel(), np.maximum(np.asarray(var).ravel(), 0.0)


class ScaledSparse:
    r"""The standardised features :math:`Z = (X - \mathbf 1 \mu^\top) D^{-1}` of CSR rows ``X``,
    as the products a linear model needs (see the module's Notes).

    Parameters
    ----------
    X : scipy.sparse CSR matrix or array of shape (n_samples, n_features)
    mean, scale : ndarray of shape (n_features,)
        :math:`\mu` and :math:`s` (0 and 1: the rows as they are).

    Examples
    --------
    ``Z @ W`` equals the dense standardised product:

    >>> import numpy as np, scipy.sparse as sp
    >>> X = sp.csr_matrix([[1.0, 0.0], [3.0, 2.0]])
    >>> Z = ScaledSparse(X, mean=np.array([2.0, 1.0]), scale=np.array([1.0, 2.0]))
    >>> (Z @ np.array([1.0, 1.0])).tolist(), ((X.toarray() - [2.0, 1.0]) / [1.0, 2.0]).sum(axis=1).tolist()
    ([-1.5, 1.5], [-1.5, 1.5])
    >>> (Z.T @ np.array([1.0, 2.0])).tolist(), Z.row_norms().tolist(), (Z.take_rows([1]) @ np.ones(2)).tolist()
    ([1.0, 0.5], [1.25, 1.25], [1.5])
    >>> Z.weighted_gram(np.ones(2)), Z.second_moment_top()  # the sum of [z, 1] [z, 1]^T; lambda_max of its mean
    (array([[2. , 1. , 0. ], [1. , 0.5, 0. ], [0. , 0. , 2. ]]), 1.25)
    """

    ndim = 2

    def __init__(self, X: Any, mean: np.ndarray, scale: np.ndarray) -> None:
        self.X, self.mean, self.scale = X, np.asarray(mean, dtype=float), np.asarray(scale, dtype=float)
        self.shape, self.dtype = X.shape, np.dtype(np.float64)
        self._m = self.mean / self.scale  # mu / s: Z's row offset

    def take_rows(self, rows: Any) -> "ScaledSparse":
        """``Z[rows]``: the CSR rows sliced, the same standardisation."""
        return ScaledSparse(self.X[rows], self.mean, self.scale)

    def __getitem__(self, key: Any) -> "ScaledSparse":
        rows = key[0] if isinstance(key, tuple) else key
        return self.take_rows(rows)

    def __matmul__(self, W: np.ndarray) -> np.ndarray:
        Ws = W / self.scale if W.ndim == 1 else W / self.scale[:, None]
        out: np.ndarray = np.asarray(self.X @ Ws) - self.mean @ Ws  # SciPy's products are untyped
        return out

    def __add__(self, shift: Any) -> "ScaledSparse":
        r""":math:`Z + c = (X - (\mu - c\,s)) / s`: the same rows, another centre."""
        return ScaledSparse(self.X, self.mean - np.asarray(shift) * self.scale, self.scale)

    @property
    def T(self) -> "_Transposed":
        return _Transposed(self)

    def row_norms(self) -> np.ndarray:
        r""":math:`\lVert z_i \rVert^2` of each row, from :math:`X`'s nonzeros:
        :math:`\sum_j x_{ij}^2/s_j^2 - 2\sum_j x_{ij}\mu_j/s_j^2 + \sum_j \mu_j^2/s_j^2`."""
        inv2 = 1.0 / self.scale**2
        norms: np.ndarray = (np.asarray(self.X.multiply(self.X) @ inv2).ravel()
                             - 2 * np.asarray(self.X @ (self.mean * inv2)).ravel() + float(self._m @ self._m))
        return norms

    def second_moment_top(self, sample_weight: Any = None) -> float:
        r""":math:`\lambda_{\max}` of :math:`\tfrac1N \sum_i w_i \tilde z_i \tilde z_i^\top`,
        :math:`\tilde z_i = (z_i, 1)`, by Lanczos (``scipy.sparse.linalg.eigsh``) on its products."""
        from scipy.sparse.linalg import LinearOperator, eigsh

        n, d = self.shape
        w = np.ones(n) if sample_weight is None else np.asarray(sample_weight, dtype=float)

        def matvec(v: np.ndarray) -> np.ndarray:
            v = np.ravel(v)
            r = w * (self @ v[:d] + v[d])
            out: np.ndarray = np.append(self.T @ r, r.sum()) / n
            return out

        if d < 1024:  # small: the matrix itself (one sparse product), exactly, as on dense rows
            return float(np.linalg.eigvalsh(self.weighted_gram(w) / n)[-1])
        op = LinearOperator((d + 1, d + 1), matvec=matvec, dtype=float)
        return float(eigsh(op, k=1, which="LA", v0=np.ones(d + 1), tol=1e-3,
                           return_eigenvectors=False)[0])

    def weighted_gram(self, h: np.ndarray) -> np.ndarray:
        r""":math:`\sum_i h_i \tilde z_i \tilde z_i^\top`, shape (n + 1, n + 1), from one sparse
        product :math:`A = X^\top \operatorname{diag}(h) X` centred by the algebra
        :math:`D^{-1}(A - \mu a^\top - a \mu^\top + H \mu\mu^\top)D^{-1}`, :math:`a = X^\top h`,
        :math:`H = \sum_i h_i` (what :func:`descentlab.core.models.linear_hessian` gives on rows)."""
        X, mu, s = self.X, self.mean, self.scale
        A = (X.T @ sp.csr_matrix(X.multiply(h[:, None]))).toarray()
        a, total = np.asarray(X.T @ h).ravel(), float(h.sum())
        C = (A - np.outer(mu, a) - np.outer(a, mu) + total * np.outer(mu, mu)) / np.outer(s, s)
        za = (a - total * mu) / s
        return np.block([[C, za[:, None]], [za[None, :], np.full((1, 1), total)]])

    def __repr__(self) -> str:
        return f"ScaledSparse(shape={self.shape}, nnz={self.X.nnz})"


class _Transposed:
    """:math:`Z^\\top` of a :class:`ScaledSparse`, for ``Z.T @ G`` (the backward pass)."""

    def __init__(self, Z: ScaledSparse) -> None:
        self.Z = Z

    def __matmul__(self, G: np.ndarray) -> np.ndarray:
        Z = self.Z
        out: np.ndarray = np.asarray(Z.X.T @ G)  # SciPy's products are untyped
        if G.ndim == 1:
            res: np.ndarray = (out - Z.mean * G.sum()) / Z.scale
        else:
            res = (out - np.outer(Z.mean, G.sum(axis=0))) / Z.scale[:, None]
        return res


def sparse_moments(X: Any, y: np.ndarray, sample_weight: Any = None) -> Moments:
    r"""The :class:`~descentlab.fast.moments.Moments` of CSR ``X`` and ``y`` from sparse products:
    :math:`X^\top W X` (a dense :math:`n \times n`), :math:`X^\top W y`, :math:`X^\top w`, and
    the centring on them (``y`` is shifted by its mean first, for accuracy).

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> X, y = sp.csr_matrix([[1.0, 0.0], [0.0, 2.0], [1.0, 1.0]]), np.array([1.0, 2.0, 0.0])
    >>> m, dense = sparse_moments(X, y), Moments.from_arrays(X.toarray(), y)
    >>> bool(np.allclose(m.cov, dense.cov) and np.allclose(m.cross, dense.cross)), m.n
    (True, 3)
    """
    n = X.shape[0]
    w = np.ones(n) if sample_weight is None else np.asarray(sample_weight, dtype=float)
    shift_y = float(np.average(y, weights=w))
    yc = y - shift_y
    Xw = sp.csr_matrix(X.multiply(w[:, None]))
    sxx = (X.T @ Xw).toarray()
    sx = np.asarray(Xw.sum(axis=0)).ravel()
    sxy = np.asarray(Xw.T @ yc).ravel()
    moments = Moments.from_sums(float(w.sum()), np.zeros(X.shape[1]), sx, float(w @ yc), sxx, sxy,
                                float(w @ (yc * yc)), shift_y)
    moments.n = n
    return moments


def is_sparse(X: Any) -> bool:
    """Whether ``X`` is a SciPy sparse matrix or array.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> is_sparse(sp.csr_matrix(np.eye(2))), is_sparse(np.eye(2))
    (True, False)
    """
    return bool(sp.issparse(X))
