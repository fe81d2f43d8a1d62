r"""The moments pass: the augmented Gram matrix of ``(X, y)`` in one read of the rows.

:class:`descentlab.fast.moments.Moments` is built from it (:meth:`~descentlab.fast.moments.Moments.from_gram`).
"""

import os
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from typing import Any

import numpy as np

from descentlab.data.blocks import GRAM_BLOCK_BYTES, block_rows_for, float_dtype, native_blocks


def _shifts(Xb: np.ndarray, yb: np.ndarray, dtype: np.dtype[Any]) -> tuple[np.ndarray, float]:
    """The first block's means in the data's own dtype: what :func:`augmented_gram` subtracts."""
    return (Xb.mean(axis=0, dtype=np.float64).astype(dtype),
            float(dtype.type(np.mean(yb, dtype=np.float64))))


def augmented_gram(X: Any, y: Any, block_rows: int | None = None, shifts: tuple[np.ndarray, float] | None = None,
                   pipeline: bool = True, sample_weight: Any = None) -> tuple[np.ndarray, np.ndarray, float]:
    r"""The moments pass: :math:`G = \sum_b A_b^\top A_b`, one symmetric product per row block.

    Parameters
    ----------
    X : ndarray, memmap or NpyRows of shape (n_samples, n_features)
        float32 data is computed in float32 (``ssyrk``), other data in float64.
    y : ndarray of shape (n_samples,)
    block_rows : int, optional
        Rows per block; by default about ``GRAM_BLOCK_BYTES`` of the augmented block.
    shifts : tuple (shift, shift_y), optional
        Given shifts (a Dask chunk uses the first chunk's); by default the first block's.
    pipeline : bool, default=True
        Blocks on as many threads as the BLAS would use, each thread's BLAS on one core, so
        one block is read and shifted while others are multiplied (off inside Dask
        workers, which already keep every core busy, and for data of one block).
    sample_weight : ndarray of shape (n_samples,), optional
        Non-negative row weights: each row of :math:`A` is multiplied by :math:`\sqrt{w_i}`,
        so :math:`G` holds the weighted sums :math:`\sum_i w_i \tilde x_i \tilde x_i^\top`,
        ..., and :math:`\sum_i w_i` in its corner.

    Returns
    -------
    G : ndarray of shape (n_features + 2, n_features + 2)
        Accumulated across blocks in float64 (:meth:`Moments.from_gram`).
    shift : ndarray of shape (n_features,)
    shift_y : float

    Notes
    -----
    :math:`A_b = [X_b - s,\; y_b - s_y,\; 1]`, the shift :math:`s` the first block's column means
    (sums about a value near the mean do not cancel). Each block is shifted into one buffer:
    the pass reads the data once and allocates nothing per block.
    Derivation: :doc:`/maths/moments`, "The moments pass: a shifted Gram matrix".

    Examples
    --------
    With ``shifts`` of zero, :math:`G` is the plain Gram matrix of ``[X, y, 1]``:

    >>> import numpy as np
    >>> X, y = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 7.0]]), np.array([1.0, 0.0, 2.0])
    >>> G, shift, shift_y = augmented_gram(X, y, shifts=(np.zeros(2), 0.0))
    >>> A = np.column_stack([X, y, np.ones(3)])
    >>> bool(np.allclose(G, A.T @ A)), float(G[-1, -1])
    (True, 3.0)
    """
    d, dtype = X.shape[1], float_dtype(X)
    block_rows = block_rows or block_rows_for(d + 2, GRAM_BLOCK_BYTES, dtype.itemsize)
    root_w = None if sample_weight is None else np.sqrt(np.asarray(sample_weight, dtype=np.float64))
    errstate = np.geterr()  # the caller's (thread-local) handling of overflow, in the workers too
    with _pipeline(pipeline and X.shape[0] > block_rows) as (pool, k):  # one block: serial
        # k blocks in flight (k: the BLAS's threads), each on its own thread with its own
        # buffer and sums, the BLAS on one thread each: one thread's memory reads overlap
        # the others' products, as inside one X.T @ X; a buffer (and a streamed file's read
        # buffer) is reused only once its last block is done
        blocks = native_blocks(X, y, block_rows, n_buffers=max(k, 2))
        first = next(blocks)
        shift, shift_y = shifts if shifts is not None else _shifts(first[1], first[2], dtype)
        bufs = [np.empty((min(block_rows, X.shape[0]), d + 2), dtype=dtype) for _ in range(k)]
        Gs = [np.zeros((d + 2, d + 2)) for _ in range(k)]
        for buf in bufs:
            buf[:, -1] = 1

        def task(j: int, start: int, Xb: np.ndarray, yb: np.ndarray) -> None:  # shift the block into buffer j, multiply, add to sums j
            with np.errstate(**errstate):
                A = _fill(bufs[j], Xb, yb, shift, shift_y)
                if root_w is not None:
                    A[:, -1] = root_w[start:start + len(A)]
                    A[:, :-1] *= A[:, -1:]
                Gs[j] += A.T @ A

        running = [pool.submit(task, 0, *first)] + [None] * (k - 1)
        for i in range(1, X.shape[0]):
            if running[i % k] is not None:
                running[i % k].result()  # before the next read may reuse its buffers
            item = next(blocks, None)
            if item is None:
                break
            running[i % k] = pool.submit(task, i % k, *item)
        for future in running:
            if future is not None:
                future.result()
    return sum(Gs[1:], Gs[0]), shift, shift_y


def _fill(buf: np.ndarray, Xb: np.ndarray, yb: np.ndarray, shift: np.ndarray, shift_y: float) -> np.ndarray:
    """``buf[:len(Xb)] = [Xb - shift, yb - shift_y, 1]`` (the ones are already there)."""
    A = buf[:Xb.shape[0]]
    np.subtract(Xb, shift, out=A[:, :-2])
    np.subtract(yb, shift_y, out=A[:, -2])
    return A


class _Serial:
    """A stand-in pool that runs each task at once (one core, or no threadpoolctl)."""

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        future: Future[Any] = Future()
        future.set_result(fn(*args))
        return future


@contextmanager
def _pipeline(wanted: bool = True) -> Iterator[tuple[Any, int]]:
    """A pool of as many threads as the BLAS would use, with the BLAS on one thread each
    meanwhile, so they share the cores instead of fighting for them; yields ``(pool, k)``,
    serial (``k = 1``, the BLAS as it was) on a single core or BLAS thread."""
    from descentlab.fast.blas import blas_controller, blas_threads, one_blas_thread

    k = (blas_threads() or os.cpu_count() or 1) if wanted and blas_controller() is not None else 1
    if k < 2:
        yield _Serial(), 1
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(k) as pool, one_blas_thread():
        yield pool, k
