r"""scikit-learn estimators over the one training loop: ``GDRegressor``, ``GDClassifier``.

``fit`` (:class:`descentlab.estimators.base.GDEstimator`): data -> standardise -> model -> ``train``
-> coefficients in the data's units, so raw data trains with the defaults (lazily exported).
"""

from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.utils.validation import check_is_fitted

from descentlab.core.models import LinearModel, LogisticModel, SoftmaxModel, linear_forward
from descentlab.core.scaling import to_data_units
from descentlab.core.xp import all_finite, in_dtype_of, is_numpy, namespace, stacked
from descentlab.data.blocks import row_blocks
from descentlab.errors import DescentlabError
from descentlab.estimators.base import EstimatorMixin, GDEstimator
from descentlab.estimators.classes import LabelClassifier, class_weights, encode_labels
from descentlab.estimators.constraints import BASE_CONSTRAINTS, CLASSIFIER_CONSTRAINTS, REGRESSOR_CONSTRAINTS
from descentlab.estimators.dask_predict import lazy_on_dask
from descentlab.estimators.device import Array, device_solver
from descentlab.estimators.intercept import through_origin
from descentlab.estimators.kinked import ClassifierLosses, RegressorLosses, rows_solver, target_degree
from descentlab.estimators.problem import Problem, softmax_problem
from descentlab.estimators.regressor import StandardizedTargetRegressor
from descentlab.estimators.sparse import sparse_solver
from descentlab.estimators.start_step import HalveOnRise, start_step
from descentlab.estimators.streamed import fast_problem
from descentlab.estimators.targets import MultiTarget
from descentlab.fast.objectives import is_dask, is_streamed

if TYPE_CHECKING:
    from descentlab.core.models import Model

__all__ = ["GDRegressor", "GDClassifier"]


class _LinearMixin(EstimatorMixin):
    """Linear estimators predict from ``coef_`` and ``intercept_`` in the data's units."""

    _per_feature: tuple[str, ...] = ("coef_",)
    _accepts_sparse = True  # SciPy sparse X (descentlab.estimators.sparse)
    _diagonal_preconditioner = True  # standardize=False: raw features, each step over H's diagonal

    def _penalty_scales(self, problem: Problem, model: "Model") -> tuple[dict[str, Array], float]:
        """The penalty on ``coef_ = s_y W / s`` on the loss divided by :math:`s_y^p` (``target_degree``; see
        :class:`~descentlab.estimators.base.GDEstimator`'s Notes)."""
        sy = problem.attrs.get("y_scale_", 1.0)
        scale = sy / problem.x_scale
        if model.params["W"].ndim == 2:  # softmax: one column of weights per class
            scale = scale[:, None]
        return {"W": scale}, 1.0 / sy**target_degree(self)

    def _store(self, model: "Model") -> None:
        W, b = model.params["W"], float(model.params["b"])
        coef, intercept = to_data_units(W, b, self.x_mean_, self.x_scale_,
                                        getattr(self, "y_mean_", 0.0), getattr(self, "y_scale_", 1.0))
        if not (all_finite(coef) and np.isfinite(intercept)):
            raise DescentlabError("the coefficients overflow in the data's units: rescale the "
                                  "features (some columns are nearly constant)")
        self.coef_, self.intercept_ = coef, intercept

    def _check_state(self) -> None:
        super()._check_state()
        if np.ndim(self.intercept_) != np.ndim(self.coef_) - 1:
            raise ValueError("intercept_ must be one number, or one per row of coef_")

    def _linear(self, X: Array) -> Array:
        X = self._check_X(X)
        coef = self.coef_.T if np.ndim(self.coef_) == 2 else self.coef_  # (k, n): k targets
        return in_dtype_of(linear_forward(X, coef, self.intercept_), X)


class GDRegressor(MultiTarget, RegressorLosses, _LinearMixin, StandardizedTargetRegressor):
    r"""Linear regression by gradient descent, the article's model on any data.

    Minimises the half mean squared error of :math:`\hat y = X\,\text{coef} + \text{intercept}`
    (or ``loss="huber"``, ``"epsilon_insensitive"``, ``"quantile"`` with ``epsilon``, ``quantile``:
    :mod:`~descentlab.estimators.kinked`), with :class:`GDEstimator`'s parameters, from 0.

    ``solver`` picks how each full-batch epoch is computed; all give the same loss and
    gradients (:mod:`descentlab.fast.objectives`), so the same path down the same bowl:

    * ``"gd"``: the readable path, forward, loss, backward on the rows;
    * ``"moments"``: one pass collects the data's moments, then every epoch costs
      :math:`O(n^2)` whatever the number of rows. Also fits what does not sit in memory
      as one array: a NumPy memmap, a :class:`descentlab.data.blocks.NpyRows` file read in
      blocks, or Dask arrays (the moments are Dask reductions, on a
      ``dask.distributed`` cluster when a client is active);
    * ``"fused"``: one pass over the rows per epoch, cache-blocked, on all cores;
    * ``"auto"`` (default): ``"moments"`` for full-batch training with up to 2048
      features and for every out-of-memory input, ``"fused"`` for more features,
      ``"gd"`` for mini-batches and early stopping (which need the rows); "gd" for sparse
      ``X`` past 2048 features (:mod:`~descentlab.estimators.sparse`) and k targets
      (:mod:`~descentlab.estimators.targets`).

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,), or (k, n_features) for k targets
        In the units of ``y`` per unit of each feature.
    intercept_ : float, or ndarray of shape (k,)
    history_ : History
        The loss per epoch (on the standardised scale) and why training stopped.
    n_iter_ : int
        Epochs run.
    n_features_in_ : int
    x_mean_, x_scale_ : ndarray of shape (n_features,)
    y_mean_, y_scale_ : float, or ndarray of shape (k,)
        The standardisation used in training.

    Examples
    --------
    >>> X = np.random.default_rng(0).normal(size=(50, 2))
    >>> reg = GDRegressor().fit(X, 3 * X[:, 0] - 2 * X[:, 1] + 1)
    >>> reg.coef_.round(3), round(reg.intercept_, 3), reg.n_iter_
    (array([ 3., -2.]), 1.0, 72)
    >>> reg.predict([[1.0, 1.0], [0.0, 0.0]]).round(3)  # 3 - 2 + 1, then the intercept
    array([2., 1.])
    """

    _saved_attributes = StandardizedTargetRegressor._saved_attributes + ("coef_", "intercept_")
    _parameter_constraints = {**StandardizedTargetRegressor._parameter_constraints,
                              "solver": replace(BASE_CONSTRAINTS["solver"],
                                                help="how each epoch's loss and gradients are computed: "
                                                "moments and fused are fast paths to the same result",
                                                choices=("auto", "gd", "moments", "fused")), **REGRESSOR_CONSTRAINTS}
    MAX_MOMENTS_FEATURES = 2048

    def _build_model(self, n_features: int, rng: np.random.Generator) -> LinearModel:
        return through_origin(self, self._with_targets(LinearModel(n_features, seed=0, init_scale=0.0)))

    def _solver_for(self, X: Array, sample_weight: Array = None) -> str:
        if self.loss != "squared_error":  # the fast paths sum squares: other losses need the rows
            return rows_solver(self, X)
        full_batch = self.batch_size is None and not self.early_stopping
        streamed = is_streamed(X) and not isinstance(X, np.memmap)  # only "moments" reads these
        solver = self.solver
        if solver == "auto":
            shape = getattr(X, "shape", None)
            shape = shape if isinstance(shape, tuple) else np.shape(np.asarray(X))
            n_features = shape[-1] if shape else 0
            if streamed:
                solver = "moments"
            elif not full_batch:
                solver = "gd"
            else:
                solver = "moments" if n_features <= self.MAX_MOMENTS_FEATURES else "fused"
        solver = sparse_solver(self.solver, solver, X)  # sparse rows: no fused kernel
        solver = device_solver(self.solver, solver, X)  # a device's arrays: no CPU kernel
        if solver != "gd" and not full_batch:
            raise DescentlabError(f"solver={solver!r} trains full-batch: leave batch_size and "
                                  "early_stopping unset, or use solver='gd' with X in memory")
        if solver != "moments" and streamed:
            raise DescentlabError(f"solver={solver!r} needs X in memory: use solver='moments' "
                                  "(or 'auto') for Dask arrays and streamed files")
        if sample_weight is not None and streamed and not is_dask(X):
            raise DescentlabError("sample_weight needs X in memory: load the data as an array "
                                  "or as Dask arrays (a .npy stream takes no weights)")
        return solver

    def _prepare(self, X: Array, y: Array, sample_weight: Array = None) -> Problem:
        solver = self._targets_solver(X, y, self._solver_for(X, sample_weight))
        if solver == "gd":
            return super()._prepare(X, y, sample_weight)
        problem = fast_problem(self, X, y, solver, sample_weight)
        if is_streamed(X):  # arrays were validated (and their columns kept) by fast_problem
            self._saw_columns(problem.n_features)
        return problem

    @lazy_on_dask("values")
    def predict(self, X: Array) -> Array:
        """Predictions ``X coef_ + intercept_`` for ``X`` of shape (n_samples, n_features).

        A Dask array gives a lazy Dask array, predicted chunk by chunk
        (:mod:`descentlab.estimators.dask_predict`); a memmap or streamed file is predicted
        block by block.
        """
        if is_streamed(X):
            check_is_fitted(self)
            if X.shape[1:] != (self.n_features_in_,):
                raise DescentlabError(f"X has {X.shape[1:]} features per row; this model was "
                                      f"fitted on {self.n_features_in_}")
            return np.concatenate([linear_forward(Xb, self.coef_, self.intercept_)
                                   for _, Xb, _ in row_blocks(X)])
        return self._linear(X)


class GDClassifier(ClassifierLosses, _LinearMixin, LabelClassifier, GDEstimator):
    r"""Logistic regression by gradient descent: binary, or multinomial for 3+ classes.

    The labels ``classes_`` may be any values (numbers or strings), sorted. Two classes
    minimise the binary cross-entropy of :math:`p = \sigma(X\,\text{coef} + \text{intercept})`
    for ``classes_[1]``; three or more the softmax cross-entropy of
    :math:`P = \operatorname{softmax}(X\,\text{coef}^\top + \text{intercept})`, one row of
    ``coef_`` per class (:mod:`descentlab.estimators.classes`); ``loss="hinge"``, ``"modified_huber"``: two classes.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    coef_ : ndarray of shape (1, n_features) for 2 classes, else (n_classes, n_features)
        Change in the log-odds of ``classes_[1]`` (for 2 classes), or in each class's
        logit, per unit of each feature (scikit-learn's shapes).
    intercept_ : ndarray of shape (1,) for 2 classes, else (n_classes,)
    history_, n_iter_, x_mean_, x_scale_ : as :class:`GDRegressor`'s

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(50, 2))
    >>> labels = np.where(X[:, 0] + X[:, 1] + rng.normal(size=50) > 0, "yes", "no")
    >>> clf = GDClassifier().fit(X, labels)
    >>> clf.predict(X[:3]), clf.predict_proba(X[:2]).round(2), clf.score(X, labels)
    (array(['yes', 'yes', 'no'], dtype='<U3'), array([[0.36, 0.64],
           [0.04, 0.96]]), 0.92)
    >>> clf.decision_function(X[:2]).round(2)  # the log-odds of "yes": log(0.64 / 0.36), ...
    array([0.57, 3.1 ])
    """

    _saved_attributes = GDEstimator._saved_attributes + ("coef_", "intercept_", "classes_")
    _parameter_constraints = {**GDEstimator._parameter_constraints, **CLASSIFIER_CONSTRAINTS}

    def _class_weights(self, y: NDArray[Any],
                       sample_weight: NDArray[np.float64] | None = None) -> NDArray[np.float64] | None:
        """Each row's weight from ``class_weight`` (:func:`descentlab.estimators.classes.class_weights`)."""
        if self.class_weight is None:
            return None
        classes = np.unique(y)
        codes = np.searchsorted(classes, y)
        totals = np.bincount(codes, weights=None if sample_weight is None else np.asarray(sample_weight, float),
                             minlength=len(classes))
        return class_weights(self.class_weight, classes, totals)[codes]

    def _prepare(self, X: Array, y: Array, sample_weight: Array = None) -> Problem:
        """The rows' :class:`Problem`; 3+ classes full batch through the softmax fast path
        (:func:`descentlab.estimators.problem.softmax_problem`)."""
        return softmax_problem(self, super()._prepare(X, y, sample_weight))

    def _step_size(self, problem: Problem, loss: Any, penalty: Any) -> tuple[float, float | None]:
        """The default step, or for 5+ classes on the softmax fast path the larger one from the
        Hessian at the start (:mod:`descentlab.estimators.start_step`), halved if the loss rises."""
        lr, lam = super()._step_size(problem, loss, penalty)
        self._lr_floor = lr
        return start_step(self, problem, loss, penalty, lr, lam), lam

    def _step_rules(self, optimizer: Any) -> list[object]:
        return [HalveOnRise(optimizer, self._lr_floor)] if optimizer.lr > self._lr_floor else []

    def _encode_validation(self, y: ArrayLike, attrs: dict[str, Any]) -> NDArray[np.float64]:
        try:
            return encode_labels(np.asarray(y), attrs["classes_"])
        except DescentlabError:
            raise DescentlabError("validation_data holds labels not seen in y: use only "
                                  f"{', '.join(map(repr, attrs['classes_'].tolist()))}") from None

    def _build_model(self, n_features: int, rng: np.random.Generator) -> LinearModel:
        k = self._n_outputs()
        model = LogisticModel(n_features, seed=0, init_scale=0.0) if k == 1 else \
            SoftmaxModel(n_features, k, seed=0, init_scale=0.0)
        return through_origin(self, model)

    def _store(self, model: "Model") -> None:
        W, b = model.params["W"], model.params["b"]
        if W.ndim == 1:  # two classes: one row, the log-odds of classes_[1] (scikit-learn's shape)
            W, b = W[:, None], (np.reshape(b, (1,)) if is_numpy(W) else namespace(W).reshape(b, (1,)))
        # each class's logit is a linear model: carry each back to the data's units
        pairs = [to_data_units(W[:, k], b[k], self.x_mean_, self.x_scale_) for k in range(W.shape[1])]
        coef, intercept = stacked([c for c, _ in pairs], W), stacked([b for _, b in pairs], W)
        if not (all_finite(coef) and all_finite(intercept)):
            raise DescentlabError("the coefficients overflow in the data's units: rescale the "
                                  "features (some columns are nearly constant)")
        self.coef_, self.intercept_ = coef, intercept

    _per_feature = ()  # coef_ holds a row per logit, checked below

    def _check_state(self) -> None:
        self._check_classes()
        GDEstimator._check_state(self)
        k, n = len(self.classes_), self.n_features_in_
        if k == 2 and np.ndim(self.coef_) == 1:  # a model file of before the (1, n) shape
            self.coef_, self.intercept_ = np.reshape(self.coef_, (1, -1)), np.reshape(self.intercept_, (1,))
        k = 1 if k == 2 else k
        if np.shape(self.coef_) != (k, n) or np.shape(self.intercept_) != (k,):
            raise ValueError(f"coef_ must have shape ({k}, {n}) and intercept_ ({k},), one row per class")

    @lazy_on_dask("logits")
    def decision_function(self, X: Array) -> Array:
        """The log-odds of ``classes_[1]``, shape (n_samples,), for 2 classes; else each
        class's logit, shape (n_samples, n_classes); float32 for float32 ``X``."""
        X = self._check_X(X)
        z = in_dtype_of(linear_forward(X, self.coef_.T, self.intercept_), X)
        return z[:, 0] if z.shape[1] == 1 else z
