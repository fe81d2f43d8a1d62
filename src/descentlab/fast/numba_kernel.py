r"""The fused epoch as one compiled loop over the rows (Numba), for :class:`~descentlab.fast.kernels.FusedLinear`.

Imported only when Numba is installed (``pip install descentlab[fast]``). Each row is
read from memory once and used twice while it sits in the CPU's L1 cache:

.. math::

    r_i = x_i^\top W + b - y_i, \qquad
    \textstyle\sum r_i^2, \quad \sum r_i, \quad g \mathrel{+}= r_i\, x_i,

so an epoch costs about one ``X @ w`` pass, the floor. The rows are split evenly
between threads, each with its own partial sums (no shared writes). ``fastmath`` lets
the compiler vectorise the two inner sums, which reorders additions: results agree with
the NumPy path to rounding (the tests check 1e-10).

Numba compiles one machine-code version per argument *type*, and an array's type holds
its layout (C, Fortran, strided) and whether it is writeable: a Fortran-ordered array or
a read-only memmap would each cost a fresh compile of a few seconds. So the kernel only
ever sees C-contiguous, read-only arrays (:func:`kernel_array`): one compiled signature
per dtype (float64, float32) serves every input, and ``cache=True`` keeps it on disk.
"""

import os
import sys
from typing import Any


def _cache_dir() -> None:
    """Compile once per machine: where the package's folder is not writable (a system or
    read-only install), Numba's on-disk cache goes to ``~/.cache/descentlab/numba``, set
    before any kernel compiles; an explicit ``NUMBA_CACHE_DIR`` is left alone."""
    if "NUMBA_CACHE_DIR" in os.environ or os.access(os.path.dirname(os.path.abspath(__file__)), os.W_OK):
        return
    os.environ["NUMBA_CACHE_DIR"] = os.path.join(os.path.expanduser("~"), ".cache", "descentlab", "numba")
    if "numba" in sys.modules:  # imported before us: its configuration was read already
        sys.modules["numba"].core.config.reload_config()


_cache_dir()

import numba  # noqa: E402
import numpy as np  # noqa: E402


def kernel_array(a: Any, dtype: Any = None) -> np.ndarray:
    """``a`` as the one layout the kernel is compiled for: C-contiguous and read-only.

    Copies only when ``a`` is not C-contiguous or not of ``dtype``; otherwise it is a
    read-only view of the same memory (so convert ``X`` once, not every epoch).
    """
    out: np.ndarray = np.ascontiguousarray(a, dtype=dtype)
    if out.flags.writeable:
        out = out.view()
        out.flags.writeable = False
    return out


def rows_loss_grad(X: Any, y: Any, W: np.ndarray, b: float, n_threads: int) -> tuple[float, np.ndarray, float]:
    """Sum of squared residuals, ``X^T r`` and ``sum(r)`` in one pass over the rows of ``X``."""
    sums: tuple[float, np.ndarray, float] = _rows_loss_grad(kernel_array(X), kernel_array(y), kernel_array(W),
                                                            b, n_threads)
    return sums


@numba.njit(parallel=True, fastmath=True, cache=True)
def _rows_loss_grad(X: np.ndarray, y: np.ndarray, W: np.ndarray, b: float,
                    n_threads: int) -> tuple[float, np.ndarray, float]:
    n, d = X.shape
    chunk = (n + n_threads - 1) // n_threads
    G = np.zeros((n_threads, d))
    SQ = np.zeros(n_threads)
    S = np.zeros(n_threads)
    for t in numba.prange(n_threads):
        lo = t * chunk
        hi = min(n, lo + chunk)
        g = np.zeros(d)
        sq = 0.0
        s = 0.0
        for i in range(lo, hi):
            r = b - y[i]
            for j in range(d):
                r += X[i, j] * W[j]
            sq += r * r
            s += r
            for j in range(d):
                g[j] += r * X[i, j]
        G[t] = g
        SQ[t] = sq
        S[t] = s
    return SQ.sum(), G.sum(axis=0), S.sum()
