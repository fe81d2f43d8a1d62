r"""Training that goes on: ``partial_fit`` on batches that arrive over time, and ``warm_start``.

Both continue from the model trained so far (``_model``, the model on standardised data
that :meth:`GDEstimator.fit` keeps) and keep the scaling of the first fit: the features'
``x_mean_``/``x_scale_`` (and a regressor's ``y_mean_``/``y_scale_``) come from the first
batch and stay fixed, so the coefficients of later batches live on the same scale. The
step size is chosen on the first batch too. A first batch much smaller than the data, or
unlike it, therefore gives a rougher scaling: pass a representative first batch, or
``standardize=False`` with features already on a common scale.

``partial_fit`` runs one epoch (one pass over the rows given, in mini-batches of
``batch_size``) with the same optimizer from call to call (Adam's and momentum's state
carry over) and never stops on ``tol``. Each call adds 1 to ``n_iter_``, the updates to
``t_`` and the epoch's loss to ``loss_curve_``. This is the interface dask-ml's
``Incremental`` wrapper drives.
"""

import copy
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Self

import numpy as np
from numpy.typing import ArrayLike
from sklearn.base import BaseEstimator, is_classifier
from sklearn.utils import check_random_state
from sklearn.utils.validation import validate_data

from descentlab.core.history import History
from descentlab.core.optimizers import make_optimizer
from descentlab.core.penalties import make_penalty
from descentlab.core.scaling import diagonal_scale, no_scaling, standardize
from descentlab.core.trainer import train
from descentlab.errors import DescentlabError, DivergenceError
from descentlab.estimators.constraints import Hyperparameters
from descentlab.estimators.device import Array, refuse_partial_fit
from descentlab.estimators.intercept import without_intercept
from descentlab.estimators.problem import Problem, preconditioned
from descentlab.estimators.sparse import checked_sparse, sparse_problem
from descentlab.fast.sparse import ScaledSparse
from descentlab.fast.sparse import is_sparse as issparse

if TYPE_CHECKING:
    from descentlab.core.models import Model
    from descentlab.estimators.base import GDEstimator


def continued_problem(est: "GDEstimator", X: Array, y: Array,
                      sample_weight: ArrayLike | None = None) -> Problem:
    """The rows of ``X``, ``y`` on the scale of ``est``'s first fit: a :class:`Problem`.

    >>> from descentlab.estimators import GDRegressor
    >>> reg = GDRegressor().partial_fit([[0.0], [1.0]], [1.0, 3.0])  # x_mean_ 0.5, x_scale_ 0.5
    >>> continued_problem(reg, [[4.0]], [9.0]).Z  # (4 - 0.5) / 0.5
    array([[7.]])
    """
    sparse = issparse(X) and est._accepts_sparse  # CSR rows, standardised implicitly
    X, y = checked_sparse(est, X, y, reset=False) if sparse else \
        validate_data(est, X, y, dtype=np.float64, y_numeric=est._y_numeric, reset=False,
                      multi_output=est._multi_output)
    w = est._sample_weight(sample_weight, X, y)
    if hasattr(est, "classes_"):
        t, attrs = encode_with_classes(est, y, est.classes_)
    else:
        attrs = {"y_mean_": est.y_mean_, "y_scale_": est.y_scale_}
        t = est._encode_validation(y, attrs)  # (y - y_mean_) / y_scale_, per output
    Z = ScaledSparse(X, est.x_mean_, est.x_scale_) if sparse else (X - est.x_mean_) / est.x_scale_
    return Problem(Z=Z, t=t, attrs=attrs, x_mean=est.x_mean_, x_scale=est.x_scale_,
                   batch_size=est.batch_size, sample_weight=w)


def continue_from(est: "GDEstimator") -> "Model":
    """The model to go on training: a copy, so a diverging run leaves ``est`` as it was.

    >>> from descentlab.estimators import GDRegressor
    >>> reg = GDRegressor().partial_fit([[0.0], [1.0]], [1.0, 3.0])
    >>> model = continue_from(reg)
    >>> type(model).__name__, model is reg._model
    ('LinearModel', False)
    """
    return copy.deepcopy(est._model)


class Incremental(Hyperparameters, BaseEstimator):  # type: ignore[misc]  # scikit-learn has no type stubs
    """``partial_fit`` for :class:`descentlab.estimators.base.GDEstimator` (see the module).

    >>> from descentlab.estimators import GDRegressor
    >>> X, y = np.array([[0.0], [1.0], [2.0], [3.0]]), np.array([1.0, 3.0, 5.0, 7.0])
    >>> reg = GDRegressor(batch_size=2)
    >>> for start in (0, 2):  # two batches, arriving one after the other
    ...     reg = reg.partial_fit(X[start:start + 2], y[start:start + 2])
    >>> reg.n_iter_, reg.t_, np.round(reg.loss_curve_, 3)
    (2, 2, array([0.5  , 6.885]))
    """

    def partial_fit(self, X: Array, y: Array, classes: ArrayLike | None = None,
                    sample_weight: ArrayLike | None = None, callbacks: Sequence[object] = ()) -> Self:
        """One more epoch over ``X`` of shape (n_samples, n_features) and ``y``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        classes : array-like of shape (n_classes,) or None
            Every label ``y`` will ever hold: required on a classifier's first call (a
            batch may miss some); later calls may omit it, and other classes are an error.
        sample_weight : array-like of shape (n_samples,) or None
            Each row's weight in this batch's loss.
        callbacks : sequence of callables
            Passed to :func:`descentlab.core.trainer.train`.

        Returns
        -------
        self
        """
        refuse_partial_fit(self, X)
        first = not hasattr(self, "_optimizer")
        if first:
            self._check_params()
            if is_classifier(self):
                if classes is None:
                    raise DescentlabError(f"{type(self).__name__}.partial_fit needs classes= on its "
                                          "first call: pass every label y will hold")
            problem = _rows(self, X, y, classes, sample_weight)  # the scaling of the first batch, kept from now on
            problem = without_intercept(self, problem)
            self._set_scaling(problem)
            rng = np.random.default_rng(check_random_state(self.random_state).randint(2**31 - 1))
            model = self._build_model(problem.n_features, rng)
            self._penalty = make_penalty(self.penalty, self.alpha, self.l1_ratio,
                                         *self._penalty_scales(problem, model))
            lr, lam = self._step_size(problem, self._loss(), self._penalty)
            self._optimizer = make_optimizer(self.optimizer, lr, momentum=self.momentum,
                                             schedule=self.schedule, restart=True,
                                             total_steps=self.epochs * _batches(self, problem),
                                             schedule_options=self.schedule_options)
            self._seed = int(rng.integers(2**31 - 1))
            self._top_curvature = lam
            self.history_ = History(meta={"lr": float(lr), "standardize": bool(self.standardize),
                                          "partial_fit": True})
            self.t_ = 0
        else:
            if classes is not None and is_classifier(self) and not np.array_equal(
                    np.unique(np.asarray(classes)), self.classes_):
                raise DescentlabError(f"classes={np.unique(np.asarray(classes)).tolist()} differs from "
                                      f"the first call's {self.classes_.tolist()}: pass the same "
                                      "classes, or fit a new estimator for other labels")
            problem = continued_problem(self, X, y, sample_weight)
            model = continue_from(self)
            self._shrink_step(problem)
        steps_before = self._optimizer.t
        try:
            epoch = train(model, problem.Z, problem.t, loss=self._loss(), optimizer=self._optimizer,
                          epochs=1, batch_size=self.batch_size,
                          seed=getattr(self, "_seed", 0) + self.history_.n_epochs,
                          callbacks=callbacks, record_params=False,
                          penalty=getattr(self, "_penalty", None), sample_weight=problem.sample_weight)
        except DivergenceError as exc:
            lam = self._curvature(problem, self._loss(), getattr(self, "_penalty", None))
            raise self._divergence_error(exc, self._optimizer.lr, self._optimizer, lam,
                                         problem.n_samples) from None
        self._store(model)
        self._model = model
        self.history_.record(epoch.loss[0], {})
        if "loss_curve" in self.history_.meta:  # continuing a warm-started fit
            self.history_.meta["loss_curve"].append(epoch.loss[0])
        self.history_.status = epoch.status
        self.t_ += self._optimizer.t - steps_before
        self.n_iter_ = self.history_.n_epochs
        return self

    def _shrink_step(self, problem: Problem) -> None:
        r"""Keep the largest curvature :math:`L` seen over the chunks (each on the first
        chunk's scaling); with ``lr=None`` the step follows it down, :math:`1/L`, so a chunk
        unlike the first (rows sorted by a feature) cannot make the step unstable."""
        if self.lr is not None or getattr(self, "_top_curvature", None) is None:
            return
        lam = self._curvature(problem, self._loss(), getattr(self, "_penalty", None))
        if lam > self._top_curvature:
            self._top_curvature = lam
            self._optimizer.lr = min(self._optimizer.lr, self._default_lr(lam, problem.n_samples))

    def _set_scaling(self, problem: Problem) -> None:
        for name, value in dict(problem.attrs, x_mean_=problem.x_mean, x_scale_=problem.x_scale).items():
            setattr(self, name, value)

    @property
    def loss_curve_(self) -> list[float]:
        """The training loss of every epoch so far (on the standardised scale), a list."""
        return list(self.history_.meta.get("loss_curve", self.history_.loss))


def _batches(est: "GDEstimator", problem: Problem) -> int:
    return 1 if est.batch_size is None else -(-problem.n_samples // est.batch_size)


def encode_with_classes(est: "GDEstimator", y: Array, classes: ArrayLike) -> tuple[Array, dict[str, Any]]:
    """``est._encode_target(y)`` among the given ``classes`` (a batch may miss some labels).

    >>> from descentlab.estimators import GDClassifier
    >>> encode_with_classes(GDClassifier(), np.array(["b"]), ["a", "b", "c"])[0]  # one-hot of 3
    array([[0., 1., 0.]])
    """
    est._given_classes = np.unique(np.asarray(classes))
    try:
        return est._encode_target(y)
    finally:
        del est._given_classes


def _rows(est: "GDEstimator", X: Array, y: Array, classes: ArrayLike | None = None,
          sample_weight: ArrayLike | None = None) -> Problem:
    """The first batch, validated and standardised on its own statistics (rows, never a fast path)."""
    if issparse(X) and est._accepts_sparse:  # CSR rows, standardised implicitly
        est._given_classes = None if classes is None else np.unique(np.asarray(classes))
        try:
            return sparse_problem(est, X, y, sample_weight)
        finally:
            del est._given_classes
    X, y = validate_data(est, X, y, dtype=np.float64, y_numeric=est._y_numeric,
                         multi_output=est._multi_output)
    w = est._sample_weight(sample_weight, X, y)
    t, attrs = est._encode_target(y, w) if classes is None else encode_with_classes(est, y, classes)
    Z, x_mean, x_scale = standardize(X, w) if est.standardize else (X, *no_scaling(X.shape[1]))
    if preconditioned(est):  # raw features over the first batch's root mean squares
        x_scale = diagonal_scale(0.0, np.sqrt(np.average(X**2, axis=0, weights=w)))
        Z = X / x_scale
    return Problem(Z=Z, t=t, attrs=attrs, x_mean=x_mean, x_scale=x_scale, batch_size=est.batch_size,
                   sample_weight=w)
