"""Every estimator on data that is not one ndarray in memory: the entry to the block sources.

A Dask array trains on its chunks where they live
(:class:`descentlab.estimators.fast.distributed.DaskBlocks`); a memmap or a
:class:`descentlab.data.blocks.NpyRows` file is read a block of rows at a time in this
process (:class:`descentlab.estimators.fast.blockwise.ArrayBlocks`), so a file larger
than memory trains in bounded memory. Both train full-batch: a mini-batch step needs
rows drawn from anywhere in the data, one round trip per step.
"""

import numpy as np

from descentlab.data.blocks import NpyRows
from descentlab.errors import DescentlabError
from descentlab.estimators.fast.blockwise import ArrayBlocks, blockwise_problem
from descentlab.estimators.fast.objectives import check_streamed, is_dask

MINIBATCH_ON_DASK = ("Dask arrays train full-batch (each epoch one reduction over the chunks): "
                     "leave batch_size and early_stopping unset, or for mini-batches wrap an "
                     "estimator that has partial_fit in dask_ml.wrappers.Incremental")


def _full_batch(estimator, X):
    """No mini-batches and no held-out split: a batch as large as the data is the full batch
    (as in the trainer), so a network's default ``batch_size=200`` on fewer rows is full batch."""
    batch = estimator.batch_size
    rows = X.shape[0]  # NaN for a Dask array of unknown chunk sizes
    return (batch is None or (rows == rows and batch >= rows)) and not estimator.early_stopping


def wants_blocks(estimator, X, weighted=False):
    """Whether ``estimator.fit`` should read ``X`` in blocks: Dask arrays and ``.npy`` streams
    always, a memmap when training full-batch without row or class weights (with mini-batches
    or weights it is read as an array)."""
    memmap = isinstance(X, np.memmap) and _full_batch(estimator, X) and not weighted
    return is_dask(X) or isinstance(X, NpyRows) or memmap


def streamed_problem(estimator, X, y, weights=None):
    """The :class:`~descentlab.estimators.problem.Problem` of ``estimator`` on ``X`` in blocks.

    ``weights`` (name -> the ``sample_weight`` or ``class_weight`` given, or None) must all
    be None: the blocks take no weights (a memmap with weights is read as an array instead,
    :func:`wants_blocks`).
    """
    for name, given in (weights or {}).items():
        if given is not None:
            raise DescentlabError(f"{name} needs X in memory: load the data as an array "
                                  "(the .npy stream and Dask paths take no weights)")
    if not _full_batch(estimator, X):
        if is_dask(X):
            raise DescentlabError(MINIBATCH_ON_DASK)
        raise DescentlabError(f"a {type(X).__name__} file trains full-batch, a block at a time: "
                              "leave batch_size and early_stopping unset, or load it with np.load")
    if is_dask(X):
        from descentlab.estimators.fast.distributed import DaskBlocks, check_dask_input

        check_dask_input(X, y)
        check_streamed(X, y)
        blocks = DaskBlocks(X, y)
    else:
        if is_dask(y):
            raise DescentlabError("y is a Dask array but X is not: pass both as Dask arrays")
        check_streamed(X, y)
        blocks = ArrayBlocks(X, y)
    estimator.n_features_in_ = int(X.shape[1])
    if hasattr(estimator, "feature_names_in_"):
        del estimator.feature_names_in_
    return blockwise_problem(estimator, blocks)
