"""The :class:`~descentlab.estimators.problem.Problem` of a fast solver, and of every
estimator on data that is not one ndarray in memory: the entry to the block sources.

A Dask array trains on its chunks where they live
(:class:`descentlab.fast.distributed.DaskBlocks`); a memmap or a
:class:`descentlab.data.blocks.NpyRows` file is read a block of rows at a time in this
process (:class:`descentlab.fast.blockwise.ArrayBlocks`), so a file larger
than memory trains in bounded memory. Both train full-batch: a mini-batch step needs
rows drawn from anywhere in the data, one round trip per step.
"""

from typing import TYPE_CHECKING

import numpy as np

from descentlab.core.scaling import column_mean_std, column_scale, diagonal_scale, no_scaling
from descentlab.core.xp import is_numpy, like, to_numpy
from descentlab.data.blocks import NpyRows
from descentlab.errors import DescentlabError
from descentlab.estimators.constraints import stops_early
from descentlab.estimators.dask_weights import dask_row_weights
from descentlab.estimators.device import Array, dtype_for
from descentlab.estimators.problem import Problem, preconditioned
from descentlab.estimators.rescaled import moments_checked
from descentlab.estimators.sparse import checked_sparse
from descentlab.fast.blockwise import (
    ArrayBlocks,
    LabelCodes,
    Scaling,
    Standardized,
    SummedObjective,
    block_squares,
    block_sums,
    combine_sums,
)
from descentlab.fast.objectives import (
    FusedObjective,
    MomentsObjective,
    diagonally_scaled,
    is_dask,
    is_streamed,
    moments_of,
    row_scaling,
    standardized,
)
from descentlab.fast.sparse import is_sparse as issparse

if TYPE_CHECKING:
    from descentlab.estimators.base import GDEstimator
    from descentlab.fast.distributed import DaskBlocks

MINIBATCH_ON_DASK = ("Dask arrays train full-batch (each epoch one reduction over the chunks): "
                     "leave batch_size and early_stopping unset, or for mini-batches wrap an "
                     "estimator that has partial_fit in dask_ml.wrappers.Incremental")


def _full_batch(estimator: "GDEstimator", X: Array) -> bool:
    """No mini-batches and no held-out split: a batch as large as the data is the full batch
    (as in the trainer), so a network's default ``batch_size=200`` on fewer rows is full batch."""
    batch = estimator.batch_size
    rows = X.shape[0]  # NaN for a Dask array of unknown chunk sizes
    return (batch is None or (rows == rows and batch >= rows)) and not stops_early(estimator, X)


def wants_blocks(estimator: "GDEstimator", X: Array, weighted: bool = False) -> bool:
    """Whether ``estimator.fit`` should read ``X`` in blocks: Dask arrays and ``.npy`` streams
    always, a memmap when training full-batch without row or class weights (with mini-batches
    or weights it is read as an array).

    >>> import dask.array as da
    >>> from descentlab.estimators import GDRegressor
    >>> X = np.zeros((4, 1))
    >>> wants_blocks(GDRegressor(), X), wants_blocks(GDRegressor(), da.from_array(X, chunks=2))
    (False, True)
    """
    memmap = isinstance(X, np.memmap) and _full_batch(estimator, X) and not weighted and _summed(estimator)
    return is_dask(X) or isinstance(X, NpyRows) or memmap


def _summed(estimator: "GDEstimator") -> bool:
    """Whether the estimator's loss trains in blocks: the squared and logistic losses (the
    others train on rows: :mod:`descentlab.estimators.kinked`)."""
    return getattr(estimator, "loss", "squared_error") in ("squared_error", "log_loss")


def streamed_problem(estimator: "GDEstimator", X: Array, y: Array,
                     weights: dict[str, object] | None = None) -> Problem:
    """The :class:`~descentlab.estimators.problem.Problem` of ``estimator`` on ``X`` in blocks.

    ``weights`` (name -> the ``sample_weight`` or ``class_weight`` given, or None): Dask
    chunks take them (:mod:`descentlab.estimators.dask_weights`); a file's blocks take none
    (a memmap with weights is read as an array instead, :func:`wants_blocks`).

    >>> from descentlab.estimators import GDRegressor
    >>> X, y = np.array([[0.0], [1.0], [2.0], [3.0]]), np.array([1.0, 3.0, 5.0, 7.0])
    >>> problem = streamed_problem(GDRegressor(), X, y)  # read a block at a time
    >>> type(problem.objective).__name__, problem.x_mean, problem.attrs["y_mean_"]
    ('SummedObjective', array([1.5]), 4.0)
    """
    for name, given in (weights or {}).items():
        if given is not None and not is_dask(X):
            raise DescentlabError(f"{name} needs X in memory: load the data as an array "
                                  "or as Dask arrays (a .npy stream takes no weights)")
    if not _summed(estimator):
        raise DescentlabError(f"loss={estimator.loss!r} trains on rows in memory: load X as an "
                              "array (X.compute(), np.load), or use the default loss")
    if not _full_batch(estimator, X):
        if is_dask(X):
            raise DescentlabError(MINIBATCH_ON_DASK)
        raise DescentlabError(f"a {type(X).__name__} file trains full-batch, a block at a time: "
                              "leave batch_size and early_stopping unset, or load it with np.load")
    if is_dask(X):
        from descentlab.fast.distributed import DaskBlocks, check_dask_input

        check_dask_input(X, y)
        check_streamed(X, y)
        blocks: DaskBlocks | ArrayBlocks = DaskBlocks(X, y, w=dask_row_weights(estimator, X, y, (weights or {}).get("sample_weight")))
    else:
        if is_dask(y):
            raise DescentlabError("y is a Dask array but X is not: pass both as Dask arrays")
        check_streamed(X, y)
        blocks = ArrayBlocks(X, y)
    return blockwise_problem(estimator, blocks)


def blockwise_problem(estimator: "GDEstimator", blocks: "DaskBlocks | ArrayBlocks") -> Problem:
    """The :class:`~descentlab.estimators.problem.Problem` of ``estimator`` over a block
    source: statistics first, then the objective over a model of the estimator's own architecture (``_build_model``, ``_loss``;
    its starting values are never used: each block sets the parameters it is given).

    Two reductions give the means and the standard deviations (two passes, as
    :func:`numpy.std`), of the target too for a regressor; a classifier's labels are the
    union of each block's. The estimator's ``_encode_target`` then codes the classes
    exactly as it codes rows in memory.

    >>> from descentlab.estimators import GDRegressor
    >>> X, y = np.array([[0.0], [1.0], [2.0], [3.0]]), np.array([1.0, 3.0, 5.0, 7.0])
    >>> problem = blockwise_problem(GDRegressor(), ArrayBlocks(X, y, block_rows=2))
    >>> problem.n_samples, problem.x_scale  # the standard deviation, from two passes of sums
    (4, array([1.11803399]))
    """
    numeric = estimator._y_numeric
    n, sx, y_part = blocks.reduce(block_sums, numeric, combine=combine_sums)
    x_mean = sx / n
    y_mean = y_part / n if numeric else None
    sqx, sqy = blocks.reduce(block_squares, x_mean, y_mean)
    x_sd = np.sqrt(sqx / n)
    if not (np.all(np.isfinite(x_mean)) and np.all(np.isfinite(x_sd))
            and (not numeric or np.isfinite(sqy))):
        raise DescentlabError("X or y holds NaN or infinite values: remove or fill them first")
    target: Standardized | LabelCodes
    if numeric:
        assert y_mean is not None  # a numeric target has its mean
        y_mean, y_scale = (y_mean, float(column_scale(y_mean, np.sqrt(sqy / n), n))) \
            if estimator.standardize else no_scaling()
        target, attrs = Standardized(float(y_mean), float(y_scale)), {"y_mean_": float(y_mean),
                                                        "y_scale_": float(y_scale)}
    else:
        codes, attrs = estimator._encode_target(y_part)
        target = LabelCodes(y_part, codes)
    x_mean, x_scale = (x_mean, column_scale(x_mean, x_sd, n)) if estimator.standardize \
        else no_scaling(blocks.n_features)
    if preconditioned(estimator):  # raw features over their root mean square
        x_mean, x_scale = np.zeros(blocks.n_features), diagonal_scale(sx / n, x_sd)
    model = estimator._build_model(blocks.n_features, np.random.default_rng(0))
    objective = SummedObjective(blocks, model, estimator._loss(), Scaling(x_mean, x_scale, target))
    return Problem(attrs=attrs, x_mean=x_mean, x_scale=x_scale, objective=objective, n_samples=n)


def check_streamed(X: Array, y: Array) -> None:
    """Shape checks for inputs that are not validated as in-memory arrays.

    >>> check_streamed(np.zeros((4, 1)), np.zeros(3))
    Traceback (most recent call last):
    descentlab.errors.DescentlabError: y must be 1-D with one value per row of X (4), not of shape (3,)
    """
    if len(X.shape) != 2:
        raise DescentlabError(f"X must be 2-D (n_samples, n_features), not of shape {tuple(X.shape)}")
    if len(y.shape) != 1 or y.shape[0] != X.shape[0]:
        raise DescentlabError(f"y must be 1-D with one value per row of X ({X.shape[0]}), "
                              f"not of shape {tuple(y.shape)}")
    if X.shape[0] < 2:
        raise DescentlabError("at least 2 rows are needed to fit")


def fast_problem(estimator: "GDEstimator", X: Array, y: Array, solver: str,
                 sample_weight: Array = None) -> Problem:
    """The :class:`~descentlab.estimators.problem.Problem` of a fast solver for ``estimator``.

    >>> from descentlab.estimators import GDRegressor
    >>> X, y = np.array([[0.0], [1.0], [2.0], [3.0]]), np.array([1.0, 3.0, 5.0, 7.0])
    >>> problem = fast_problem(GDRegressor(), X, y, "moments")
    >>> type(problem.objective).__name__, problem.attrs["y_mean_"], problem.n_samples
    ('MomentsObjective', 4.0, 4)
    """
    from sklearn.utils.validation import validate_data

    if issparse(X):  # CSR: its moments from sparse products (descentlab.fast.sparse)
        X, y = checked_sparse(estimator, X, y)
        sample_weight = estimator._sample_weight(sample_weight, X, y)
    elif is_dask(X):  # weights as a Dask array, chunked as X's rows
        check_streamed(X, y)
        sample_weight = dask_row_weights(estimator, X, y, sample_weight)
    elif is_streamed(X):
        check_streamed(X, y)
        if sample_weight is not None:  # a memmap (other streams take none): checked, mean 1
            sample_weight = estimator._sample_weight(sample_weight, X, y)
    else:
        # float32 stays float32 (its products run at float32 speed); the moments pass checks
        # finiteness on the moments it returns, so validation need not read X a second time
        X, y = validate_data(estimator, X, y, dtype=dtype_for(X, np.float64, np.float32),
                             y_numeric=True, ensure_all_finite=solver != "moments")
        if is_numpy(X):
            sample_weight = estimator._sample_weight(sample_weight, X, y)
        elif sample_weight is not None:  # checked on the host, used on X's device
            sample_weight = like(estimator._sample_weight(sample_weight, np.empty((X.shape[0], 0)),
                                                          to_numpy(y)), X)
    if solver == "moments":
        moments = moments_checked(estimator, moments_of, X, y, sample_weight)  # columns near 1e300?
        moments_z, scaling = (diagonally_scaled(moments) if preconditioned(estimator)
                              else standardized(moments, estimator.standardize))
        objective: MomentsObjective | FusedObjective = MomentsObjective(moments_z)
    else:
        scaling = row_scaling(X, y, estimator.standardize, sample_weight)
        if preconditioned(estimator):  # raw features over their root mean square
            mu, sd = column_mean_std(X) if sample_weight is None else (
                0.0, np.sqrt(np.average(np.asarray(X) ** 2, axis=0, weights=sample_weight)))
            scaling["x_scale_"] = diagonal_scale(mu, sd)
        objective = FusedObjective(X, y, scaling, sample_weight=sample_weight)
    return Problem(attrs={"y_mean_": float(scaling["y_mean_"]), "y_scale_": float(scaling["y_scale_"])},
                   x_mean=scaling["x_mean_"], x_scale=scaling["x_scale_"], objective=objective,
                   n_samples=X.shape[0])
