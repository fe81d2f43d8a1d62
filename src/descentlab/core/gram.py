r"""The moments pass: the augmented Gram matrix of ``(X, y)`` in one read of the rows.

:class:`descentlab.core.quadratic.Moments` is built from it (:meth:`~descentlab.core.quadratic.Moments.from_gram`).
"""

import os
from contextlib import contextmanager

import numpy as np

from descentlab.data.blocks import GRAM_BLOCK_BYTES, block_rows_for, float_dtype, native_blocks


def _shifts(Xb, yb, dtype):
    """The first block's means in the data's own dtype: what :func:`augmented_gram` subtracts."""
    return (Xb.mean(axis=0, dtype=np.float64).astype(dtype),
            float(dtype.type(np.mean(yb, dtype=np.float64))))


def block_gram(Xb, yb, shift, shift_y, out=None):
    r""":math:`A^\top A` of one block, :math:`A = [X_b - s,\; y_b - s_y,\; 1]`, as float64.

    One symmetric product (the BLAS's ``syrk``, in the block's own precision) gives the
    sums of squares, the cross products and the sums at once. ``out`` is a reusable
    buffer of at least ``len(Xb)`` rows and ``n_features + 2`` columns whose last column
    holds ones.
    """
    m, d = Xb.shape
    if out is None:
        out = np.empty((m, d + 2), dtype=float_dtype(Xb))
        out[:, -1] = 1
    A = _fill(out, Xb, yb, shift, shift_y)
    return (A.T @ A).astype(np.float64, copy=False)


def augmented_gram(X, y, block_rows=None):
    r"""The moments pass: :math:`G = \sum_b A_b^\top A_b`, one symmetric product per row block.

    Parameters
    ----------
    X : ndarray, memmap or NpyRows of shape (n_samples, n_features)
        float32 data is computed in float32 (``ssyrk``), other data in float64.
    y : ndarray of shape (n_samples,)
    block_rows : int, optional
        Rows per block; by default about ``GRAM_BLOCK_BYTES`` of the augmented block.

    Returns
    -------
    G : ndarray of shape (n_features + 2, n_features + 2)
        Accumulated across blocks in float64 (:meth:`Moments.from_gram`).
    shift : ndarray of shape (n_features,)
    shift_y : float

    Notes
    -----
    The shift :math:`s` is the first block's column means: sums of squares taken about a
    value near the mean avoid the cancellation of :math:`\sum x^2 - N\mu^2` on data far
    from 0. Each block is shifted into one preallocated buffer, so the pass allocates
    nothing per block and reads the data once.
    """
    d, dtype = X.shape[1], float_dtype(X)
    block_rows = block_rows or block_rows_for(d + 2, GRAM_BLOCK_BYTES, dtype.itemsize)
    blocks = native_blocks(X, y, block_rows)
    _, Xb, yb = next(blocks)
    shift, shift_y = _shifts(Xb, yb, dtype)
    bufs = [np.empty((min(block_rows, X.shape[0]), d + 2), dtype=dtype) for _ in range(2)]
    for buf in bufs:
        buf[:, -1] = 1
    G = np.zeros((d + 2, d + 2))
    with _pipeline() as pool:
        # while the BLAS multiplies one block, another thread shifts the next into the
        # other buffer: the memory reads overlap the products, as inside one X.T @ X
        filling = pool.submit(_fill, bufs[0], Xb, yb, shift, shift_y)
        for i, (_, Xb, yb) in enumerate(blocks, start=1):
            A = filling.result()
            filling = pool.submit(_fill, bufs[i % 2], Xb, yb, shift, shift_y)
            G += A.T @ A
        A = filling.result()
        G += A.T @ A
    return G, shift, shift_y


def _fill(buf, Xb, yb, shift, shift_y):
    """``buf[:len(Xb)] = [Xb - shift, yb - shift_y, 1]`` (the ones are already there)."""
    A = buf[:Xb.shape[0]]
    np.subtract(Xb, shift, out=A[:, :-2])
    np.subtract(yb, shift_y, out=A[:, -2])
    return A


class _Serial:
    """A stand-in pool that runs each task at once (one core, or no threadpoolctl)."""

    def submit(self, fn, *args):
        from concurrent.futures import Future

        future = Future()
        future.set_result(fn(*args))
        return future


@contextmanager
def _pipeline():
    """A one-thread pool for shifting blocks, with the BLAS on one thread meanwhile so the
    two share the cores instead of fighting for them; serial on a single core."""
    if (os.cpu_count() or 1) < 2:
        yield _Serial()
        return
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        yield _Serial()
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool, threadpool_limits(1, user_api="blas"):
        yield pool
