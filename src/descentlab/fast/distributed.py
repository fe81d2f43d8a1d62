r"""Gradient descent where a Dask array lives: each epoch one reduction over its chunks.

The way dask-glm trains: the rows are persisted on the workers once
(``dask.persist``, on the ``dask.distributed`` cluster when a client is active); every
call of the objective then sends the parameters, runs
:func:`descentlab.fast.blockwise.block_loss_grad` on each chunk where it sits,
adds the terms up in a tree (``split_every`` at a time, on the workers) and brings back
one loss and one gradient per parameter, in a single ``dask.compute``:

.. math:: (L, \nabla L) = \sum_k \frac{n_k}{N} (L_k, \nabla L_k).

The rows never travel to the client; only the parameters go out and sums come back.
"""

from collections.abc import Callable
from typing import Any

import numpy as np

from descentlab.errors import DescentlabError
from descentlab.fast.blockwise import ArrayBlocks, Scaling, SummedObjective, add


def _apply(func: Callable[..., Any], combine: Callable[[Any, Any], Any], Xb: np.ndarray, yb: Any, start: int,
           args: tuple[Any, ...], wb: Any = None) -> Any:
    """``func`` over one chunk, in blocks of rows (:class:`ArrayBlocks`, views of the chunk)."""
    return ArrayBlocks(Xb, yb, offset=start, w=wb).reduce(func, *args, combine=combine)


def _combine_all(combine: Callable[[Any, Any], Any], parts: list[Any]) -> Any:
    total = parts[0]
    for part in parts[1:]:
        total = combine(total, part)
    return total


class DaskBlocks:
    """The row chunks of Dask arrays ``X`` (2-D) and ``y`` (1-D), persisted where they are computed.

    Parameters
    ----------
    X : dask array of shape (n_samples, n_features)
        Rechunked to whole rows (one chunk across the columns) if needed.
    y : dask array of shape (n_samples,)
        Rechunked to ``X``'s row chunks.
    split_every : int, default=8
        How many partial sums one task of the tree reduction adds.
    w : dask array of shape (n_samples,) or None
        The rows' weights (mean 1), chunked as ``X``'s rows: a weighted source
        (:mod:`descentlab.fast.blockwise`).

    Examples
    --------
    >>> import dask.array as da, numpy as np
    >>> blocks = DaskBlocks(da.from_array(np.arange(10.0).reshape(5, 2), chunks=(2, 2)), da.zeros(5, chunks=2))
    >>> blocks, blocks.reduce(lambda Xb, yb, start: float(Xb.sum()))
    (DaskBlocks(n_samples=5, n_features=2, chunks=3), 45.0)
    >>> blocks.close(); blocks.X is None  # the persisted chunks let go
    True
    """

    def __init__(self, X: Any, y: Any, split_every: int = 8, w: Any = None) -> None:
        import dask

        if any(np.isnan(c) for c in X.chunks[0]):
            X = X.compute_chunk_sizes()
        if len(X.chunks[1]) > 1:
            X = X.rechunk({1: -1})
        if len(y.chunks[0]) != len(X.chunks[0]) or y.chunks[0] != X.chunks[0]:
            y = y.rechunk({0: X.chunks[0]})
        if w is not None and w.chunks[0] != X.chunks[0]:
            w = w.rechunk({0: X.chunks[0]})
        self.X, self.y, self.w = dask.persist(X, y, w)  # once: the epochs read the persisted chunks
        self.n_samples, self.n_features = (int(n) for n in X.shape)
        self.split_every = split_every
        self._starts = np.concatenate([[0], np.cumsum(X.chunks[0])[:-1]]).astype(int)

    def reduce(self, func: Callable[..., Any], *args: Any, combine: Callable[[Any, Any], Any] = add) -> Any:
        """``combine`` of ``func(X_chunk, y_chunk, start, *args)`` over the chunks, in one compute."""
        import dask
        from dask import delayed

        shared = delayed(args, traverse=False)  # one key: sent to each worker once a call
        ws = [None] * len(self._starts) if self.w is None else self.w.to_delayed().ravel()
        parts = [delayed(_apply)(func, combine, Xb, yb, int(start), shared, wb) for Xb, yb, start, wb
                 in zip(self.X.to_delayed().ravel(), self.y.to_delayed().ravel(), self._starts, ws, strict=False)]
        while len(parts) > 1:
            parts = [delayed(_combine_all)(combine, parts[i:i + self.split_every])
                     for i in range(0, len(parts), self.split_every)]
        (result,) = dask.compute(parts[0])
        return result

    def close(self) -> None:
        self.X = self.y = self.w = None  # drop the persisted chunks

    def __repr__(self) -> str:
        return (f"DaskBlocks(n_samples={self.n_samples}, n_features={self.n_features}, "
                f"chunks={len(self._starts)})")


class DistributedObjective(SummedObjective):
    """:class:`SummedObjective` over the chunks of Dask arrays: ``DistributedObjective(model,
    loss, X, y, scaling)``, with ``scaling`` a :class:`Scaling` (identity when None).

    Examples
    --------
    The loss of the rows of 2 chunks, as on the whole array:

    >>> import dask.array as da, numpy as np
    >>> from descentlab.core.losses import MeanSquaredError
    >>> from descentlab.core.models import LinearModel
    >>> X, y = np.arange(4.0).reshape(4, 1), np.array([1.0, 0.0, 2.0, 1.0])
    >>> objective = DistributedObjective(LinearModel(1), MeanSquaredError(), da.from_array(X, chunks=(2, 1)),
    ...                                  da.from_array(y, chunks=2))
    >>> loss, grads = objective({"W": np.array([0.5]), "b": np.array(0.0)})
    >>> round(loss, 6), round(MeanSquaredError().loss(y, 0.5 * X[:, 0]), 6)
    (0.3125, 0.3125)
    """

    def __init__(self, model: Any, loss: Any, X: Any, y: Any, scaling: Scaling | None = None) -> None:
        from descentlab.fast.blockwise import Standardized

        if scaling is None:
            scaling = Scaling(0.0, 1.0, Standardized(0.0, 1.0))
        super().__init__(DaskBlocks(X, y), model, loss, scaling)


def check_dask_input(X: Any, y: Any) -> None:
    """One-line errors for what a Dask fit cannot take.

    Examples
    --------
    >>> import dask.array as da, numpy as np
    >>> check_dask_input(da.zeros((3, 1)), np.zeros(3))
    Traceback (most recent call last):
    ...
    descentlab.errors.DescentlabError: X is a Dask array but y is not: ...
    """
    if not (hasattr(y, "dask") and hasattr(y, "chunks")):
        raise DescentlabError("X is a Dask array but y is not: pass y as a Dask array with the "
                              "same row chunks (e.g. da.from_array(y, chunks=X.chunks[0]))")
