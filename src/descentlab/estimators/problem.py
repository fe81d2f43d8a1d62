"""What an estimator trains on: standardised rows, or a fast path's full-batch objective.

:class:`descentlab.estimators.base.GDEstimator` builds a :class:`Problem` from the rows
(:func:`rows_problem`); :func:`descentlab.estimators.streamed.fast_problem` builds
one from the data's moments or a fused pass.
"""

from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np
from numpy.typing import NDArray
from sklearn.utils.validation import validate_data

from descentlab.core.batches import take
from descentlab.core.scaling import diagonal_scale, no_scaling, standardize
from descentlab.core.stepsize import curvature, hessian_bound, row_sample
from descentlab.core.xp import is_numpy, like, to_numpy
from descentlab.estimators.constraints import stops_early
from descentlab.estimators.device import Array, dtype_for
from descentlab.estimators.rows import content_order, fit_weights, virtual_rows

if TYPE_CHECKING:
    from descentlab.estimators.base import GDEstimator
    from descentlab.fast.blockwise import SummedObjective
    from descentlab.fast.objectives import FusedObjective, MomentsObjective
    from descentlab.fast.softmax import SoftmaxObjective

#: A fast path's full-batch objective for :func:`descentlab.core.trainer.train`: parameters
#: -> loss, gradients, from the moments, a fused pass, blocks, or the softmax's rows.
Objective: TypeAlias = "MomentsObjective | FusedObjective | SummedObjective | SoftmaxObjective"


class Problem:
    """What :meth:`GDEstimator.fit` trains on: standardised rows, or a fast-path objective.

    ``Z``, ``t``: the standardised features and the target (None with an ``objective``);
    ``attrs``: the target's attributes (``y_mean_``, ``classes_``, ...); ``x_mean``,
    ``x_scale``: the features' standardisation; ``objective``: a full-batch objective for
    :func:`descentlab.core.trainer.train`, or None; ``sample_weight``: the rows' weights
    (mean 1) for the rows path, or None; ``counts``: the weights as counts of virtual rows
    when they are whole numbers (:func:`descentlab.estimators.rows.row_counts`), or None;
    ``order``: the rows' canonical order (:func:`descentlab.estimators.rows.content_order`),
    or None where no run on them can be stochastic.

    ``n_samples`` is :math:`N`, the number of virtual rows (the sum of the counts), so
    weighted rows and the same rows repeated make the same decisions. ``rows`` is set by
    :meth:`choose_rows`: the training rows of a stochastic run, in order, or None.

    >>> from descentlab.estimators import GDRegressor
    >>> X, y = np.array([[0.0], [1.0], [2.0], [3.0]]), np.array([1.0, 3.0, 5.0, 7.0])
    >>> problem = rows_problem(GDRegressor(batch_size=2), X, y, sample_weight=[2, 1, 1, 0])
    >>> problem.choose_rows(held_out=False)  # mini-batches: the virtual rows, in canonical order
    >>> problem.n_samples, problem.rows, problem.sample_weight
    (4, array([2, 1, 0, 0]), None)
    >>> from descentlab.core.losses import MeanSquaredError
    >>> round(problem.curvature(MeanSquaredError()), 4); problem.close()  # L of the virtual rows; nothing held
    2.6364
    """

    def __init__(self, *, Z: Array = None, t: Array = None, attrs: dict[str, Any] | None = None,
                 x_mean: Array, x_scale: Array, objective: "Objective | None" = None, n_samples: int | None = None,
                 batch_size: int | None = None, sample_weight: Array = None,
                 counts: NDArray[np.int64] | None = None, order: NDArray[np.intp] | None = None) -> None:
        self.Z, self.t, self.attrs = Z, t, attrs or {}
        self.x_mean, self.x_scale, self.objective = x_mean, x_scale, objective
        if n_samples is None:
            n_samples = Z.shape[0] if counts is None else int(np.sum(counts))
        self.n_samples = n_samples
        self.n_features = x_mean.shape[0]
        self.batch_size = batch_size
        self.sample_weight = sample_weight  # rows' weights of mean 1, or None
        self.counts, self.order = counts, order
        self.rows: NDArray[np.intp] | None = None

    def choose_rows(self, held_out: bool) -> None:
        """Fix the rows of a stochastic run: mini-batches of fewer than ``n_samples`` rows,
        or ``held_out`` rows for early stopping (:mod:`descentlab.estimators.rows`).

        Such a run trains on ``Z[rows]``, the virtual rows in canonical order; with
        ``counts`` each row repeats its count and ``sample_weight`` becomes None (each
        virtual row weighs 1). A full-batch run keeps the rows and their weights.
        """
        minibatch = self.batch_size is not None and self.batch_size < self.n_samples
        if self.order is None or not (minibatch or held_out):
            return
        self.rows = virtual_rows(self.order, self.counts)
        if self.counts is not None:
            self.sample_weight = None

    def curvature(self, loss: object) -> float:
        """The loss's largest curvature :math:`L` (:func:`descentlab.core.stepsize.curvature`):
        from an objective's own :math:`\\lambda_{\\max}` when it has one, else from the rows;
        from the virtual rows when some repeat or only a sample of them is read."""
        if self.objective is not None and hasattr(self.objective, "curvature"):
            return float(hessian_bound(loss) * self.objective.curvature())
        if hasattr(self.Z, "second_moment_top"):  # sparse rows (descentlab.fast.sparse)
            return sparse_curvature(self, loss)
        sample = None if self.rows is None else row_sample(self.rows)
        if sample is None or self.rows is None or (sample.size == self.rows.size == self.Z.shape[0] and (
                self.counts is None or np.all(self.counts == 1))):  # each row once: all of Z
            return curvature(self.Z, loss, self.batch_size, sample_weight=self.sample_weight)
        w = None if self.sample_weight is None else take(self.sample_weight, sample)
        return curvature(take(self.Z, sample), loss, self.batch_size, sample_weight=w)

    def close(self) -> None:
        """Release what the objective holds (a fused pass's threads), if anything."""
        if self.objective is not None and hasattr(self.objective, "close"):
            self.objective.close()


def sparse_curvature(problem: Problem, loss: object) -> float:
    r""":func:`descentlab.core.stepsize.curvature` on sparse rows: :math:`\lambda_{\max}` on
    all of them (products cost a pass over the nonzeros), plus the mini-batch term.

    >>> import scipy.sparse as sp
    >>> from descentlab.core.losses import MeanSquaredError
    >>> from descentlab.estimators import GDRegressor
    >>> from descentlab.estimators.sparse import sparse_problem
    >>> X = sp.csr_matrix(np.array([[0.0, 1.0], [2.0, 0.0], [0.0, 3.0], [4.0, 0.0]]))
    >>> p = sparse_problem(GDRegressor(), X, np.array([1.0, 2.0, 3.0, 4.0]))
    >>> Z1 = np.c_[(X.toarray() - p.x_mean) / p.x_scale, np.ones(4)]  # the dense rows it never builds
    >>> bool(np.isclose(sparse_curvature(p, MeanSquaredError()), np.linalg.eigvalsh(Z1.T @ Z1 / 4).max()))
    True
    """
    Z, w = problem.Z, problem.sample_weight
    if problem.rows is not None:
        Z, w = take(Z, problem.rows), None if w is None else take(w, problem.rows)
    lam: float = Z.second_moment_top(w)  # Z a ScaledSparse
    if problem.batch_size is not None and problem.batch_size < Z.shape[0]:
        lam += float(np.max((1.0 if w is None else w) * (Z.row_norms() + 1.0))) / problem.batch_size
    return hessian_bound(loss) * lam


def rows_problem(est: "GDEstimator", X: Array, y: Array, sample_weight: Array = None) -> Problem:
    """Validate, weigh, encode the target and standardise the rows: ``est``'s :class:`Problem`.

    The canonical order is found when a run can be stochastic (``batch_size`` or
    ``early_stopping`` set), from the rows as given: ``X`` and ``y`` (a classifier's
    encoded labels).

    >>> from descentlab.core.losses import MeanSquaredError
    >>> from descentlab.estimators import GDRegressor
    >>> problem = rows_problem(GDRegressor(), np.array([[0.0], [1.0], [2.0]]), np.array([1.0, 3.0, 5.0]))
    >>> problem.Z.ravel().round(3), problem.attrs["y_mean_"], problem.curvature(MeanSquaredError())
    (array([-1.225,  0.   ,  1.225]), 3.0, 1.0)
    """
    X, y = validate_data(est, X, y, dtype=dtype_for(X, np.float64), y_numeric=est._y_numeric,
                         multi_output=est._multi_output)
    y = to_numpy(y)  # labels, weights and counts on the host (N numbers; NumPy's as they are)
    w, counts = fit_weights(est, sample_weight, _host_rows(X), y)
    t, target_attrs = est._encode_target(y, w)
    order = None
    if est.batch_size is not None or stops_early(est, X):
        order = content_order(to_numpy(X), y if est._y_numeric else t)
    w, t = (None if w is None else like(w, X)), like(t, X)  # to X's device, from here on
    Z, x_mean, x_scale = standardize(X, w) if est.standardize else (X, *no_scaling(X.shape[1]))
    if preconditioned(est):  # raw features: each column over its root mean square (Jacobi)
        w_host = None if w is None else to_numpy(w)
        x_scale = diagonal_scale(0.0, np.sqrt(np.average(to_numpy(X) ** 2, axis=0, weights=w_host)))
        Z = X / like(x_scale, X)
    return Problem(Z=Z, t=t, attrs=target_attrs, x_mean=like(x_mean, X), x_scale=like(x_scale, X),
                   batch_size=est.batch_size, sample_weight=w, counts=counts, order=order)


def softmax_problem(est: "GDEstimator", problem: Problem) -> Problem:
    """``problem`` trained through :class:`descentlab.fast.softmax.SoftmaxObjective` where that
    is the same fit, faster: a multinomial log loss (one-hot ``t``), full batch, on rows in
    memory as a NumPy array, with an intercept and ``solver="auto"``; else ``problem`` as it is.

    >>> from descentlab.estimators import GDClassifier
    >>> X, y = np.array([[0.0], [1.0], [2.0], [3.0]]), np.array([0, 1, 2, 2])
    >>> softmax_problem(GDClassifier(), rows_problem(GDClassifier(), X, y)).objective
    SoftmaxObjective(n_samples=4, n_classes=3)
    >>> softmax_problem(GDClassifier(solver="gd"), rows_problem(GDClassifier(), X, y)).objective is None
    True
    """
    from descentlab.fast.softmax import SoftmaxObjective

    Z, t = problem.Z, problem.t
    if not (est.solver == "auto" and getattr(est, "loss", "log_loss") == "log_loss" and est.fit_intercept
            and est.batch_size is None and not est.early_stopping and problem.objective is None
            and type(Z) is np.ndarray and type(t) is np.ndarray and t.ndim == 2
            and Z.dtype == t.dtype == np.float64):
        return problem
    w = problem.sample_weight
    problem.objective = SoftmaxObjective(Z, t, None if w is None else np.asarray(w, float))
    problem.Z, problem.sample_weight = problem.objective.Z, None  # the objective's rows (one copy) and weights
    return problem


def preconditioned(est: "GDEstimator") -> bool:
    """Whether ``est`` trains raw features with the diagonal preconditioner
    (:func:`descentlab.core.scaling.diagonal_scale`): a linear estimator with
    ``standardize=False`` and the step chosen from the data (a given ``lr`` is the raw
    gradient step, as the article takes it).

    >>> from descentlab.estimators import GDRegressor
    >>> preconditioned(GDRegressor(standardize=False)), preconditioned(GDRegressor())
    (True, False)
    """
    return not est.standardize and est.lr is None and bool(getattr(est, "_diagonal_preconditioner", False))


def _host_rows(X: Array) -> Array:
    """``X`` for the host-side checks of weights, which read only its number of rows."""
    return X if is_numpy(X) else np.empty((X.shape[0], 0))
