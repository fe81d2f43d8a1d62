r"""Fast paths for the squared loss of a linear model, equal to the readable path.

The readable path (:mod:`descentlab.core.models` + :mod:`descentlab.core.losses`) computes an
epoch as ``y_pred = X @ W + b``, then ``X.T @ (y_pred - y) / N``: two passes over
``X``. For a linear model and the half-MSE there are two faster routes to the *same*
loss and gradient:

* **fused**: one pass over ``X`` in cache-sized row blocks, each block used for both
  products while it is in cache (:class:`FusedLinear`, here);
* **moments**: one pass to collect the first and second moments of ``(X, y)``, after
  which an epoch costs :math:`O(n^2)` whatever the number of rows
  (:class:`descentlab.fast.moments.Moments`, the quadratic's one home).

The tests check both routes against the readable path.
"""

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from descentlab.errors import DescentlabError
from descentlab.fast.blas import one_blas_thread


def _block_loss_grad(X: np.ndarray, y: np.ndarray, W: np.ndarray, b: float, lo: int, hi: int,
                     block_rows: int) -> tuple[float, np.ndarray, float]:
    """Sum of squared residuals, X^T r and sum(r) over rows lo..hi, one cached block at a time.

    Each block is read from memory once: ``r = X_b W + b - y_b`` brings it into cache and
    ``X_b^T r`` reuses it there. Buffers are allocated once, not per block.
    """
    n_features = X.shape[1]
    g, tmp = np.zeros(n_features), np.empty(n_features, dtype=X.dtype)
    r_buf = np.empty(block_rows, dtype=X.dtype)
    sq = s = 0.0
    for start in range(lo, hi, block_rows):
        stop = min(start + block_rows, hi)
        Xb, r = X[start:stop], r_buf[:stop - start]
        np.dot(Xb, W, out=r)
        r += b
        r -= y[start:stop]
        sq += float(np.dot(r, r))
        s += float(r.sum())
        np.dot(r, Xb, out=tmp)
        g += tmp
    return sq, g, s


class FusedLinear:
    """The half-MSE and its gradient in one pass over ``X``, split over threads.

    ``X`` is read from memory once per epoch instead of twice. With Numba installed
    (``backend="numba"``, the default when it is there) one compiled loop reads each row
    once and uses it for both products (:mod:`descentlab.fast.numba_kernel`); without it,
    each thread walks its share of the rows in blocks small enough to stay in cache,
    using each block for both ``X_b W`` and ``X_b^T r`` while it is there.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        float64 or float32 (float32 halves the bytes read; sums stay accurate enough
        for gradient descent, and are accumulated per block).
    y : ndarray of shape (n_samples,)
    n_threads : int, default=2
    block_rows : int, optional
        Rows per block of the NumPy backend.
    backend : {"auto", "numba", "numpy"}, default="auto"
        "auto" is Numba when it is installed.

    Examples
    --------
    The same loss and gradient as the readable two-pass path:

    >>> import numpy as np
    >>> X, y = np.array([[1.0, 0.0], [0.0, 2.0], [1.0, 1.0]]), np.array([1.0, 2.0, 0.0])
    >>> fused = FusedLinear(X, y, n_threads=1, backend="numpy")
    >>> loss, dW, db = fused.loss_grad(np.array([1.0, 1.0]), 0.5)
    >>> r = X @ np.array([1.0, 1.0]) + 0.5 - y
    >>> round(loss, 4), bool(np.allclose(dW, X.T @ r / 3)), round(float(db), 4)
    (1.125, True, 1.1667)
    >>> fused.close()
    """

    def __init__(self, X: Any, y: Any, n_threads: int = 2, block_rows: int | None = None,
                 backend: str = "auto") -> None:
        self.X, self.y = X, np.asarray(y, dtype=X.dtype)
        self.n_threads = n_threads
        self._kernel = _numba_kernel() if backend in ("auto", "numba") else None
        if backend == "numba" and self._kernel is None:
            raise DescentlabError("backend='numba' needs Numba: pip install numba")
        if self._kernel is not None:
            # once, not per epoch: the layout the kernel is compiled for (a copy only for
            # Fortran-ordered or strided X), so every input layout shares one compile
            from descentlab.fast.numba_kernel import kernel_array

            self.X = kernel_array(X)
        self.backend = "numba" if self._kernel is not None else "numpy"
        # about 1.2 MiB a block: the size of one core's L2 cache on the machines we measured
        self.block_rows = block_rows or max(256, 1_250_000 // (X.itemsize * X.shape[1]))
        n = X.shape[0]
        edges = np.linspace(0, n, n_threads + 1).astype(int)
        self._parts = list(zip(edges[:-1], edges[1:], strict=False))
        self._pool = ThreadPoolExecutor(n_threads) if n_threads > 1 and self._kernel is None else None

    def loss_grad(self, W: np.ndarray, b: float) -> tuple[float, np.ndarray, np.ndarray]:
        """The half-MSE, ``dW`` and ``db`` at ``(W, b)``, as float64."""
        W = np.asarray(W, dtype=self.X.dtype)
        b = self.X.dtype.type(b)
        if self._kernel is not None:
            sq, g, s = self._kernel(self.X, self.y, W, b, self.n_threads)
            n = self.X.shape[0]
            return 0.5 * float(sq) / n, np.asarray(g, dtype=np.float64) / n, np.asarray(float(s) / n)
        if self._pool is None:
            parts = [_block_loss_grad(self.X, self.y, W, b, *self._parts[0], self.block_rows)]
        else:
            with one_blas_thread():
                futures = [self._pool.submit(_block_loss_grad, self.X, self.y, W, b, lo, hi,
                                             self.block_rows) for lo, hi in self._parts]
                parts = [f.result() for f in futures]
        n = self.X.shape[0]
        sq = sum(p[0] for p in parts)
        g = sum(p[1] for p in parts)
        s = sum(p[2] for p in parts)
        return 0.5 * sq / n, g / n, np.asarray(s / n)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()

    def __repr__(self) -> str:
        return (f"FusedLinear(shape={self.X.shape}, dtype={self.X.dtype}, n_threads={self.n_threads}, "
                f"backend={self.backend!r})")


def _numba_kernel() -> Any:
    """The compiled row loop, or None when Numba is not installed."""
    try:
        from descentlab.fast.numba_kernel import rows_loss_grad
    except ImportError:
        return None
    return rows_loss_grad


def fused_loss_grad(X: Any, y: Any, W: np.ndarray, b: float, n_threads: int = 1,
                    backend: str = "auto") -> tuple[float, np.ndarray, np.ndarray]:
    """One-call form of :class:`FusedLinear` (for tests and small data).

    Examples
    --------
    >>> import numpy as np
    >>> X, y = np.array([[1.0], [2.0], [3.0]]), np.array([2.0, 4.0, 6.0])
    >>> loss, dW, db = fused_loss_grad(X, y, np.array([2.0]), 0.0, backend="numpy")
    >>> loss, dW.tolist(), float(db)
    (0.0, [0.0], 0.0)
    """
    fused = FusedLinear(X, y, n_threads=n_threads, backend=backend)
    try:
        return fused.loss_grad(W, b)
    finally:
        fused.close()
