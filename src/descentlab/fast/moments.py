r"""The data's moments: all the squared loss of a linear model needs, after one pass.

:class:`Moments` holds the first and second moments of ``(X, y)`` (from the augmented Gram
matrix of :mod:`descentlab.fast.gram`, in memory, in blocks or as one Dask reduction);
its :meth:`~Moments.loss_grad` gives the half-MSE and its gradients in :math:`O(n^2)`
whatever the number of rows, and :func:`quadratic_form` the loss as the quadratic of
:mod:`descentlab.core.quadratic`.
"""

from dataclasses import dataclass
from typing import Any

import numpy as np

from descentlab.core.xp import device, is_numpy, namespace
from descentlab.data.blocks import float_dtype
from descentlab.fast.gram import _shifts, augmented_gram


@dataclass
class Moments:
    r"""First and second moments of ``(X, y)``: all the squared loss of a linear model needs.

    Attributes
    ----------
    n : int
    mean_x : ndarray of shape (n_features,)
        :math:`\mu_x`.
    mean_y : float
        :math:`\mu_y`.
    cov : ndarray of shape (n_features, n_features)
        :math:`\Sigma = \frac1N \sum (x_i - \mu_x)(x_i - \mu_x)^\top`.
    cross : ndarray of shape (n_features,)
        :math:`c_{xy} = \frac1N \sum (x_i - \mu_x)(y_i - \mu_y)`.
    var_y : float
        :math:`v = \frac1N \sum (y_i - \mu_y)^2`.

    Notes
    -----
    With :math:`e = \mu_x^\top W + b - \mu_y` the mean residual,

    .. math::

        L(W, b) = \tfrac12\left(W^\top \Sigma W - 2 W^\top c_{xy} + v + e^2\right),\quad
        \frac{\partial L}{\partial W} = \Sigma W - c_{xy} + e\,\mu_x,\quad
        \frac{\partial L}{\partial b} = e.

    Derivation, and the quadratic form: :doc:`/maths/moments`, "The squared loss from the data's moments".

    Examples
    --------
    On three rows, the second moment is the direct ``X.T @ X / n`` about the mean:

    >>> import numpy as np
    >>> X, y = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 7.0]]), np.array([1.0, 0.0, 2.0])
    >>> m = Moments.from_arrays(X, y)
    >>> Xc = X - X.mean(axis=0)
    >>> bool(np.allclose(m.cov, Xc.T @ Xc / 3)), m.mean_x.tolist(), m.mean_y
    (True, [3.0, 4.333333333333333], 1.0)
    >>> loss, dW, db = m.loss_grad(np.zeros(2), 0.0)
    >>> round(loss, 4), round(float(np.mean(y ** 2) / 2), 4)
    (0.8333, 0.8333)
    >>> Xt = np.column_stack([X, np.ones(3)])  # H: the second moment of the rows [x, 1]
    >>> m.n_features, bool(np.allclose(m.hessian(), Xt.T @ Xt / 3))
    (2, True)
    """

    n: int
    mean_x: np.ndarray
    mean_y: float
    cov: np.ndarray
    cross: np.ndarray
    var_y: float

    @classmethod
    def from_sums(cls, n: float, shift: np.ndarray, sx: np.ndarray, sy: float, sxx: np.ndarray, sxy: np.ndarray,
                  syy: float, shift_y: float = 0.0) -> "Moments":
        """Moments from sums over rows of the shifted data ``x - shift``, ``y - shift_y``.

        >>> m = Moments.from_sums(2, np.zeros(1), sx=np.array([4.0]), sy=2.0, sxx=np.array([[10.0]]),
        ...                       sxy=np.array([6.0]), syy=4.0)  # the rows x = 1, 3 and y = 0, 2
        >>> m.mean_x, m.cov, m.cross, m.var_y
        (array([2.]), array([[1.]]), array([1.]), 1.0)
        """
        dx, my = sx / n, sy / n
        cov = sxx / n - dx[:, None] * dx[None, :]  # np.outer, in any namespace
        cross = sxy / n - dx * my
        var_y = float(syy / n - my * my)
        return cls(n=int(round(float(n))), mean_x=shift + dx, mean_y=float(shift_y + my), cov=(cov + cov.T) / 2,
                   cross=cross, var_y=float(max(var_y, 0.0)))

    @classmethod
    def from_gram(cls, G: np.ndarray, shift: np.ndarray, shift_y: float, n: int | None = None) -> "Moments":
        r"""Moments from the augmented Gram matrix :math:`G` of :func:`augmented_gram`.

        .. math:: G = A^\top A = \begin{bmatrix} \sum \tilde x \tilde x^\top & \sum \tilde x \tilde y
                  & \sum \tilde x \\ \cdot & \sum \tilde y^2 & \sum \tilde y \\ \cdot & \cdot & N
                  \end{bmatrix}, \qquad \tilde x = x - s,\; \tilde y = y - s_y.

        With row weights the sums are weighted and the corner is :math:`\sum_i w_i`, which
        the means divide by; ``n`` (the number of rows) is then given apart.

        >>> Moments.from_gram(*augmented_gram(np.array([[1.0], [3.0]]), np.array([0.0, 2.0]))).cov
        array([[1.]])
        """
        d = G.shape[0] - 2
        shift = np.asarray(shift, dtype=np.float64) if is_numpy(G) else namespace(G).astype(shift, G.dtype)
        moments = cls.from_sums(G[-1, -1], shift, G[:d, -1], G[d, -1],
                                G[:d, :d], G[:d, d], G[d, d], float(shift_y))
        if n is not None:
            moments.n = int(n)
        return moments

    @classmethod
    def from_arrays(cls, X: Any, y: Any, block_rows: int | None = None, sample_weight: Any = None) -> "Moments":
        r"""One pass over row blocks of ``X`` (ndarray, memmap, :class:`~descentlab.data.blocks.NpyRows`).

        With ``sample_weight`` (non-negative, of mean 1 so that :math:`\sum_i w_i = N`) the
        moments are the weighted ones: integer weights give the repeated rows' moments.
        """
        G, shift, shift_y = augmented_gram(X, y, block_rows, sample_weight=sample_weight)
        return cls.from_gram(G, shift, shift_y, n=X.shape[0])

    @classmethod
    def from_device(cls, X: Any, y: Any, sample_weight: Any = None) -> "Moments":
        r"""The same Gram matrix from arrays of another namespace (PyTorch, CuPy, JAX), on their
        device: one product :math:`A^\top A`, :math:`A = [X - s,\; y - s_y,\; 1]` (times
        :math:`\sqrt{w_i}` by row), in ``X``'s precision, then the moments in the device's
        widest float (float64 where it has one).

        >>> m = Moments.from_device(np.array([[1.0], [3.0]]), np.array([0.0, 2.0]))  # NumPy's too
        >>> m, m.cov
        (Moments(n=2, n_features=1), array([[1.]]))
        """
        from sklearn.utils._array_api import _max_precision_float_dtype

        xp, on = namespace(X), device(X)
        head = min(X.shape[0], 1024)
        shift = xp.mean(X[:head, ...], axis=0)
        y = xp.astype(y, X.dtype)
        shift_y = xp.mean(y[:head])
        A = xp.concat([X - shift, xp.reshape(y - shift_y, (-1, 1)),
                       xp.ones((X.shape[0], 1), dtype=X.dtype, device=on)], axis=1)
        if sample_weight is not None:
            A = A * xp.reshape(xp.sqrt(xp.astype(sample_weight, X.dtype)), (-1, 1))
        widest = _max_precision_float_dtype(xp, on)
        G = xp.astype(A.T @ A, widest)
        return cls.from_gram(G, xp.astype(shift, widest), float(shift_y), n=X.shape[0])

    @classmethod
    def from_dask(cls, X: Any, y: Any, sample_weight: Any = None) -> "Moments":
        """The same Gram matrix as one Dask reduction: a product per chunk, summed in a tree;
        weighted by ``sample_weight`` (a Dask array of mean 1) chunk by chunk.

        >>> import dask.array as da
        >>> X, y = da.from_array(np.array([[1.0], [3.0], [5.0]]), chunks=2), da.from_array(np.arange(3.0), chunks=2)
        >>> m = Moments.from_dask(X, y); m.cov.round(6), m.cross.round(6)  # from two chunks
        (array([[2.666667]]), array([1.333333]))
        """
        import dask

        dtype = float_dtype(X)
        head = min(X.shape[0], 1024)
        X_head, y_head = dask.compute(X[:head], y[:head])
        shift, shift_y = _shifts(X_head, y_head, dtype)
        X = X.rechunk({1: -1})
        y = y.rechunk((X.chunks[0],))
        n = X.shape[0]
        ws = [None] * len(X.chunks[0]) if sample_weight is None else \
            sample_weight.rechunk((X.chunks[0],)).to_delayed().ravel()
        parts = [dask.delayed(_chunk_gram)(Xb, yb, (shift, shift_y), wb)
                 for Xb, yb, wb in zip(X.to_delayed().ravel(), y.to_delayed().ravel(), ws, strict=False)]
        while len(parts) > 1:  # a tree of sums: log2(chunks) levels, each in parallel
            parts = [dask.delayed(np.add)(*parts[i:i + 2]) if i + 1 < len(parts) else parts[i]
                     for i in range(0, len(parts), 2)]
        (G,) = dask.compute(parts[0])
        return cls.from_gram(G, shift, shift_y, n=None if sample_weight is None else n)

    @property
    def n_features(self) -> int:
        return int(self.mean_x.shape[0])

    def loss_grad(self, W: np.ndarray, b: Any) -> tuple[float, np.ndarray, np.ndarray]:
        """The half-MSE, ``dW`` and ``db`` at ``(W, b)``, in :math:`O(n^2)` (see Notes)."""
        # ndarray.dot: the product @ takes here, at half its call overhead (0.2 us, not 0.45)
        e = float(self.mean_x.dot(W)) + float(b) - self.mean_y
        g = self.cov.dot(W) - self.cross  # Sigma W - c_xy: the gradient but for the mean residual
        loss = 0.5 * (float((g - self.cross).dot(W)) + self.var_y + e * e)  # W^T Sigma W - 2 W^T c_xy + ...
        return max(loss, 0.0), g + e * self.mean_x, np.asarray(e)

    def loss_grad_device(self, W: Any, b: Any) -> tuple[float, Any, Any]:
        """:meth:`loss_grad` for moments held in another namespace, on its device: the same
        formulas, the products there and one transfer, the loss.

        >>> m = Moments.from_arrays(np.array([[1.0], [3.0]]), np.array([0.0, 2.0]))
        >>> m.loss_grad_device(np.ones(1), 0.0), m.loss_grad(np.ones(1), 0.0)[0]  # residuals 1, 1
        ((0.5, array([2.]), np.float64(1.0)), 0.5)
        """
        e = self.mean_x @ W + b - self.mean_y
        g = self.cov @ W - self.cross
        loss = 0.5 * ((g - self.cross) @ W + self.var_y + e * e)
        return max(float(loss), 0.0), g + e * self.mean_x, e

    def hessian(self) -> Any:  # an ndarray, or the moments' own namespace's array
        """:math:`H`, shape (n_features + 1, n_features + 1): :func:`descentlab.core.quadratic.second_moment` of the rows."""
        mu = self.mean_x
        if not is_numpy(mu):
            xp = namespace(mu)
            top = xp.concat([self.cov + mu[:, None] * mu[None, :], mu[:, None]], axis=1)
            return xp.concat([top, xp.concat([mu[None, :], xp.ones_like(mu[:1])[None, :]], axis=1)])
        return np.block([[self.cov + np.outer(mu, mu), mu[:, None]], [mu[None, :], np.ones((1, 1))]])

    def quadratic_form(self) -> tuple[np.ndarray, np.ndarray, float]:
        """``(H, c, s)`` of the loss (see Notes), for :func:`descentlab.core.quadratic.quadratic_loss`.

        >>> Moments.from_arrays(np.array([[1.0], [3.0]]), np.array([0.0, 2.0])).quadratic_form()  # x, y = 1, 3 and 0, 2
        (array([[5., 2.],
               [2., 1.]]), array([3., 1.]), 1.0)
        """
        c = np.append(self.cross + self.mean_x * self.mean_y, self.mean_y)
        return self.hessian(), c, 0.5 * (self.var_y + self.mean_y ** 2)

    def standardized(self, scale_x: np.ndarray, scale_y: float = 1.0) -> "Moments":
        r"""The moments of :math:`z = (x - \mu_x) / s_x` and :math:`t = (y - \mu_y) / s_y`.

        .. math:: \Sigma_z = D^{-1} \Sigma D^{-1}, \quad c_z = \frac{D^{-1} c_{xy}}{s_y}, \quad
                  v_z = \frac{v}{s_y^2}, \quad \mu_z = 0, \qquad D = \operatorname{diag}(s_x).

        >>> m = Moments.from_arrays(np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 7.0]]), np.array([1.0, 0.0, 2.0]))
        >>> m.standardized(np.sqrt(np.diag(m.cov))).cov.round(3)  # the correlations
        array([[1.   , 0.993],
               [0.993, 1.   ]])
        """
        return Moments(n=self.n, mean_x=namespace(self.mean_x).zeros_like(self.mean_x), mean_y=0.0,
                       cov=self.cov / (scale_x[:, None] * scale_x[None, :]), cross=self.cross / (scale_x * scale_y),
                       var_y=self.var_y / scale_y**2)

    def __repr__(self) -> str:
        return f"Moments(n={self.n}, n_features={self.n_features})"


def _chunk_gram(Xb: np.ndarray, yb: np.ndarray, shifts: tuple[np.ndarray, float], wb: Any = None) -> np.ndarray:
    """One Dask chunk's part of :func:`augmented_gram`, cache-blocked, about the shared shifts."""
    return augmented_gram(Xb, yb, shifts=shifts, pipeline=False, sample_weight=wb)[0]


def quadratic_form(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    r"""The half-MSE of a linear model written as a quadratic in :math:`\theta = [W; b]`.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)

    Returns
    -------
    H : ndarray of shape (n_features + 1, n_features + 1)
    c : ndarray of shape (n_features + 1,)
    s : float

    Notes
    -----
    .. math::

        L(\theta) = \tfrac12 \theta^\top H \theta - c^\top \theta + s,
        \quad H = \tfrac1N \tilde X^\top \tilde X,\;
        c = \tfrac1N \tilde X^\top y,\;
        s = \tfrac{1}{2N} y^\top y,

    computed from the data's :class:`Moments`; :math:`\nabla L = H\theta - c`.

    Examples
    --------
    >>> import numpy as np
    >>> X, y = np.array([[1.0], [2.0], [4.0]]), np.array([2.0, 3.0, 5.0])
    >>> H, c, s = quadratic_form(X, y)
    >>> Xt = np.column_stack([X, np.ones(3)])
    >>> bool(np.allclose(H, Xt.T @ Xt / 3)), bool(np.allclose(c, Xt.T @ y / 3)), round(s, 4)
    (True, True, 6.3333)
    """
    return Moments.from_arrays(X, y).quadratic_form()
