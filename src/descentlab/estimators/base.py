r"""The base of descentlab's scikit-learn estimators: validate -> standardise -> train.

:class:`GDEstimator` holds everything the estimators share: the hyperparameters, their
checks, standardisation, the step size chosen from the data, the call to the one training
loop (:func:`descentlab.core.trainer.train`) and a divergence error that names the stable
bound. A concrete estimator is a thin subclass: ``_build_model(n_features, rng)`` (the
model to train on standardised features), ``_loss()``, ``_encode_target(y)`` where the
target needs it, and ``_store(model)`` / ``predict``. The default ``_store`` keeps the
trained model as ``model_``, and
:class:`descentlab.estimators.regressor.StandardizedTargetRegressor` predicts with it, so a network
regressor is that class plus ``_build_model`` (and, to be saved, its parameters in
``_saved_attributes``). A later ``solver=`` option can replace the call to ``train``.
"""

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Self

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from descentlab.core.losses import MeanSquaredError
from descentlab.core.optimizers import check_prox, make_optimizer
from descentlab.core.penalties import make_penalty
from descentlab.core.schedules import get_schedule
from descentlab.core.stepsize import default_lr, with_penalty
from descentlab.core.trainer import train
from descentlab.core.xp import in_dtype_of
from descentlab.data.magnitude import scaled
from descentlab.errors import DescentlabError, DivergenceError
from descentlab.estimators.constraints import BASE_CONSTRAINTS, check_columns, check_state, declared_init, stops_early
from descentlab.estimators.convergence import divergence_error
from descentlab.estimators.dask_predict import frames_as_arrays
from descentlab.estimators.device import Array, check_predict_namespace, device_support, dtype_for, fit_device
from descentlab.estimators.incremental import Incremental, continue_from, continued_problem
from descentlab.estimators.intercept import without_intercept
from descentlab.estimators.problem import Problem, rows_problem
from descentlab.estimators.rescaled import ColumnsToScale, fit_extremes, fit_scaled
from descentlab.estimators.rows import ValidationData, fit_weights, split_off, validation_rows
from descentlab.estimators.sparse import checked_sparse, sparse_problem
from descentlab.fast.sparse import ScaledSparse
from descentlab.fast.sparse import is_sparse as issparse
from descentlab.settings import Setting, check_params

if TYPE_CHECKING:
    from sklearn.utils import Tags

    from descentlab.core.history import History
    from descentlab.core.losses import Loss
    from descentlab.core.models import Model
    from descentlab.core.optimizers import Optimizer
    from descentlab.core.penalties import Penalty
    from descentlab.estimators.continuation import Continuation
    from descentlab.estimators.convergence import OptimumCheck


class GDEstimator(Incremental, BaseEstimator):  # type: ignore[misc]  # scikit-learn has no type stubs
    r"""What every gradient-descent estimator shares: validation, scaling, step size, training.

    Parameters
    ----------
    optimizer : {"gd", "momentum", "nesterov", "adam"}, default="nesterov"
        The update rule (:mod:`descentlab.core.optimizers`); "gd" is the article's.
    lr : float or None, default=None
        The learning rate. None chooses it from the data: :math:`1/\lambda_{\max}` of the
        loss's Hessian bound (:func:`descentlab.core.stepsize.curvature`; 0.01 for Adam).
    momentum : float, default=0.9
        :math:`\beta` of momentum and Nesterov (with adaptive restart), :math:`\beta_1` of Adam.
    schedule : str or callable, default="constant"
        A schedule of :mod:`descentlab.core.schedules` or ``f(t, lr)``, spanning the whole run.
    schedule_options : dict or None, default=None
        Settings of a named schedule, e.g. ``{"lr_min": 1e-4}`` for "cosine".
    epochs : int, default=1000
    batch_size : int or None, default=None
        None is full-batch gradient descent; 1 is stochastic gradient descent. The batches
        do not depend on the rows' order (:mod:`descentlab.estimators.rows`).
    tol : float or None, default=1e-7
        Stop once the loss (on the standardised scale) has not improved by ``tol`` for
        ``n_iter_no_change`` epochs; None runs every epoch.
    gtol : float or None, default=1e-4
        Linear estimators: "converged" also needs ``coef_`` within ``gtol`` of the optimum,
        relative (:mod:`descentlab.estimators.convergence`). None: ``tol`` alone.
    n_iter_no_change : int, default=10
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the rows and stop when their loss stops
        improving, keeping the best parameters.
    validation_fraction : float, default=0.1
    standardize : bool, default=True
        Train on standardised features (and target, for regression). False: on the raw ones
        (the linear estimators with ``lr=None`` precondition them by
        :func:`descentlab.core.scaling.diagonal_scale`).
    random_state : int, RandomState or None, default=0
        Seeds the initialisation, the mini-batches and the validation split.
    solver : str, default="auto"
        How an epoch's loss and gradients are computed: ``"gd"``, the article's readable path,
        or a fast path (:class:`descentlab.estimators.linear.GDRegressor`); ``"auto"`` picks
        the fastest that gives the same result.
    penalty : {None, "l2", "l1", "elasticnet"}, default=None
        On ``coef_`` in the data's units (linear estimators, see Notes) or on every weight
        (networks). "l1" and "elasticnet" take a proximal step, which Adam has not.
    alpha : float, default=0.0001
        :math:`a`, the penalty's strength.
    l1_ratio : float, default=0.15
        :math:`\rho`, the l1 share of "elasticnet".
    warm_start : bool, default=False
        A second ``fit`` continues from the model trained so far, on the first fit's scaling.

    Attributes
    ----------
    n_iter_ : int
        Epochs of the last ``fit`` (with ``partial_fit``: of all calls so far).
    t_ : int
        Updates made since the model was created (over warm starts and partial fits).
    loss_curve_ : list of float
        The training loss per epoch (:attr:`history_`'s), over warm starts and partial fits.

    Notes
    -----
    With a penalty the objective is the (weighted) mean loss plus

    .. math:: a\,\Omega(\text{coef}) = a \Bigl(\tfrac{1-\rho}{2}\lVert \text{coef}\rVert_2^2
              + \rho\,\lVert \text{coef}\rVert_1\Bigr),

    the intercept free: scikit-learn's ``Ridge``, ``Lasso``, ``ElasticNet`` and
    ``LogisticRegression`` objectives, with the alphas of :doc:`/maths/penalties`, "The
    elastic net on scaled weights".

    Examples
    --------
    >>> from descentlab.estimators import GDRegressor
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> reg = GDRegressor(optimizer="gd", tol=None, epochs=20).fit(X, 2 * X[:, 0] + 1)
    >>> reg.n_iter_, reg.t_, reg.history_.status, reg.coef_.round(3)
    (20, 20, 'completed', array([2.]))
    """

    _parameter_constraints: dict[str, Setting] = BASE_CONSTRAINTS

    _y_numeric = True
    _accepts_sparse = False  # the linear estimators take SciPy sparse X (descentlab.estimators.sparse)
    _multi_output = False  # whether y may be (n_samples, n_outputs): networks
    # what a saved model keeps (descentlab.estimators.persist); subclasses add theirs
    _saved_attributes: tuple[str, ...] = ("n_features_in_", "n_iter_", "x_mean_", "x_scale_")

    if TYPE_CHECKING:  # built from the table at run time: any hyperparameter by keyword
        def __init__(self, *args: Any, **kwargs: Any) -> None: ...
    else:
        __init__ = declared_init(BASE_CONSTRAINTS)
    _positional: tuple[str, ...] = ()  # hyperparameters that may be given by position too
    # the learned state fit and partial_fit set (declared for type checkers)
    n_features_in_: int
    n_iter_: int
    t_: int
    history_: "History"
    x_mean_: Array
    x_scale_: Array
    coef_: Array  # the linear estimators' (fit keeps them float32 for float32 X)
    intercept_: Array
    _model: "Model"
    _optimizer: "Optimizer"
    _penalty: "Penalty | None"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """A subclass's ``__init__`` is built from its own table, unless it writes one."""
        super().__init_subclass__(**kwargs)
        if "__init__" not in cls.__dict__:  # (mypy refuses `cls.__init__ = ...`; setattr says the same)
            setattr(cls, "__init__", declared_init(cls._parameter_constraints, cls._positional))  # noqa: B010

    def __sklearn_tags__(self) -> "Tags":
        tags = super().__sklearn_tags__()
        tags.array_api_support = device_support(self)  # fit, predict, proba in X's namespace
        tags.input_tags.sparse = self._accepts_sparse and getattr(self, "solver", "auto") != "fused"
        tags.target_tags.multi_output = bool(getattr(self, "_multi_output", False))  # estimators.targets
        return tags

    # -- hooks for subclasses ------------------------------------------------------------
    def _build_model(self, n_features: int, rng: np.random.Generator) -> "Model":
        """The model to train on ``n_features`` standardised features."""
        raise NotImplementedError

    def _loss(self) -> "Loss":
        return MeanSquaredError()

    def _loss_for(self, problem: Problem) -> "Loss":
        """The loss of a ``fit`` on ``problem`` (the linear estimators' on its target scale)."""
        return self._loss()

    def _encode_target(self, y: Array, sample_weight: Array = None) -> tuple[Array, dict[str, Any]]:
        """The training target and the attributes that map predictions back: ``t, attrs``."""
        return y, {}

    def _encode_validation(self, y: ArrayLike, attrs: dict[str, Any]) -> NDArray[np.float64]:
        """A validation target on the training target's scale (as ``_encode_target`` made it)."""
        return np.asarray(y, dtype=float)

    def _penalty_scales(self, problem: Problem, model: "Model") -> tuple[dict[str, Array], float]:
        """The penalty's ``scales`` and ``loss_scale`` (:class:`~descentlab.core.penalties.Penalty`):
        every weight matrix as it is (networks); linear models put it in data units."""
        return {k: 1.0 for k in model.params if k.split(".")[-1] == "W"}, 1.0

    def _optimum_check(self, problem: Problem, loss: "Loss", penalty: "Penalty | None", model: "Model",
                       optimizer: "Optimizer | None" = None,
                       ) -> "OptimumCheck | Continuation | None":  # the linear ones have one
        return None

    def _step_rules(self, optimizer: "Optimizer") -> list[object]:
        """Callbacks of the fit that adjust ``optimizer``'s step as it goes (the softmax's); none here."""
        return []

    def _store(self, model: "Model") -> None:
        """Keep what prediction needs from the trained ``model``."""
        self.model_ = model

    # -- the shared fit ------------------------------------------------------------------
    def fit(self, X: Array, y: Array, sample_weight: Array = None, callbacks: Sequence[object] = (),
            validation_data: ValidationData = None) -> Self:
        """Train on ``X`` of shape (n_samples, n_features) and ``y`` of shape (n_samples,).

        ``sample_weight`` of shape (n_samples,) weighs each row's loss; integer weights are
        counts, the fit that of the rows repeated (:mod:`descentlab.estimators.rows`).
        ``callbacks`` go to :func:`descentlab.core.trainer.train` (the model they see is on
        standardised data). ``validation_data=(X_val, y_val)``, or a fraction of the rows, is
        scored every epoch into ``history_.val_loss``; with ``early_stopping`` it replaces
        ``validation_fraction``. Ctrl-C keeps the model trained so far. Returns ``self``.

        Raises
        ------
        DivergenceError
            When the loss blows up: names the epoch, the stable bound and the fix. The
            estimator is then left as it was, never with non-finite coefficients.
        """
        self._check_params()
        X, y, sample_weight, names = frames_as_arrays(X, y, sample_weight)  # Dask DataFrames
        on_device, y, sample_weight = fit_device(self, X, y, sample_weight, validation_data)  # once
        if not on_device and fit_extremes(self, X, y, sample_weight, callbacks, validation_data):
            return self  # columns near 1e300 or 1e-300: fitted on powers of two, exactly
        # coef_ in float32 too for float32 X, as scikit-learn's (on a device, in its namespace)
        float32 = getattr(X, "dtype", None) == (on_device[0].float32 if on_device else np.float32)
        x_ref, early = X, stops_early(self, X)
        X, y, sample_weight, validation_data = split_off(X, y, sample_weight, validation_data,
                                                         self.random_state)
        warm = self.warm_start and hasattr(self, "_model")
        try:
            problem = (continued_problem(self, X, y, sample_weight) if warm
                       else self._prepare(X, y, sample_weight))
        except ColumnsToScale as found:  # found by the moments pass (fit_extremes left it to it)
            return fit_scaled(self, scaled(X, found.kx), y, _exponents=(found.kx, 0), callbacks=callbacks)
        held_out = early and validation_data is None
        problem = problem if warm else without_intercept(self, problem)  # fit_intercept=False
        problem.choose_rows(held_out)  # a stochastic run: the virtual rows, in canonical order
        rng = np.random.default_rng(check_random_state(self.random_state).randint(2**31 - 1))
        model = continue_from(self) if warm else self._build_model(problem.n_features, rng)
        model = model.like(problem.x_scale) if on_device else model  # on the data's device, if any
        loss = self._loss_for(problem)
        penalty = make_penalty(self.penalty, self.alpha, self.l1_ratio,
                               *self._penalty_scales(problem, model))
        lr, lam = self._step_size(problem, loss, penalty)
        optimizer = make_optimizer(self.optimizer, lr, momentum=self.momentum,
                                   schedule=self.schedule, restart=True,
                                   schedule_options=self.schedule_options)  # train sets its length
        try:
            validation = self._validation(validation_data, problem)
            history = train(model, problem.Z, problem.t, loss=loss, optimizer=optimizer,
                            epochs=self.epochs, batch_size=self.batch_size,
                            seed=int(rng.integers(2**31 - 1)), callbacks=[*callbacks, *self._step_rules(optimizer)], tol=self.tol,
                            n_iter_no_change=self._patience(problem.n_samples, early),
                            validation_fraction=self.validation_fraction if held_out else None,
                            record_params=False, objective=problem.objective, penalty=penalty,
                            sample_weight=problem.sample_weight, validation_data=validation,
                            stop_on_validation=early, rows=problem.rows,
                            converged=self._optimum_check(problem, loss, penalty, model, optimizer))
        except DivergenceError as exc:
            lam = self._curvature(problem, loss, penalty) if lam is None else lam
            raise self._divergence_error(exc, lr, optimizer, lam, problem.n_samples) from None
        finally:
            problem.close()
        target_attrs, x_mean, x_scale = problem.attrs, problem.x_mean, problem.x_scale
        history.meta.update(lr=float(lr), standardize=bool(self.standardize))
        if penalty is not None:
            history.meta["penalty"] = {"penalty": self.penalty, "alpha": float(self.alpha),
                                       "l1_ratio": float(self.l1_ratio)}
        for name, value in dict(target_attrs, x_mean_=x_mean, x_scale_=x_scale).items():
            setattr(self, name, value)
        self._store(model)
        if float32 and hasattr(self, "coef_"):
            self.coef_ = in_dtype_of(self.coef_, x_ref)
            if getattr(self.intercept_, "ndim", 0):
                self.intercept_ = in_dtype_of(self.intercept_, x_ref)
        if warm:  # one loss curve and one update count over the warm starts
            history.meta["loss_curve"] = self.history_.meta.get("loss_curve", self.history_.loss) + history.loss
        self.t_ = (self.t_ if warm else 0) + optimizer.t
        self._model, self._optimizer, self._penalty = model, optimizer, penalty
        self.history_, self.n_iter_ = history, history.n_epochs
        if names is not None:
            self.feature_names_in_ = names
        return self

    def _prepare(self, X: Array, y: Array, sample_weight: Array = None) -> Problem:
        """Validate, encode the target and standardise: the :class:`Problem` to train on.

        Dask arrays, memmaps and ``.npy`` streams are read in blocks instead
        (:mod:`descentlab.estimators.streamed`; a memmap with weights is read whole).
        """
        from descentlab.estimators.streamed import streamed_problem, wants_blocks

        if issparse(X) and self._accepts_sparse:  # CSR rows, standardised implicitly (never densified)
            return sparse_problem(self, X, y, sample_weight)
        weights = {"sample_weight": sample_weight, "class_weight": getattr(self, "class_weight", None)}
        if wants_blocks(self, X, weighted=any(w is not None for w in weights.values())):
            problem = streamed_problem(self, X, y, weights)
            self._saw_columns(problem.n_features)
            return problem
        return rows_problem(self, X, y, sample_weight)

    def _saw_columns(self, n_features: int) -> None:
        """What ``fit`` keeps of a stream's columns (scikit-learn's ``validate_data`` does it
        for arrays): their number, and no names, which a stream has not."""
        self.n_features_in_ = int(n_features)
        if hasattr(self, "feature_names_in_"):
            del self.feature_names_in_

    def _sample_weight(self, sample_weight: ArrayLike | None, X: Array,
                       y: NDArray[Any]) -> NDArray[np.float64] | None:
        """Row weights of mean 1 (``class_weight`` folded in), or None for equal rows."""
        return fit_weights(self, sample_weight, X, y)[0]

    def _class_weights(self, y: NDArray[Any],
                       sample_weight: NDArray[np.float64] | None = None) -> NDArray[np.float64] | None:
        """Each row's class weight (classifiers), or None."""
        return None

    def _validation(self, validation_data: Sequence[Array] | None,
                    problem: Problem) -> tuple[Array, Array] | None:
        """``validation_data`` standardised and encoded like the training rows, or None."""
        if validation_data is None:
            return None
        X_val, y_val = validation_rows(self, validation_data)
        Z_val = ScaledSparse(X_val, problem.x_mean, problem.x_scale) if issparse(X_val) \
            else (X_val - problem.x_mean) / problem.x_scale
        return Z_val, self._encode_validation(y_val, problem.attrs)

    def _check_params(self) -> None:
        check_params(self, self._parameter_constraints)
        if self.alpha > 0:
            check_prox(self.optimizer, self.penalty)
        if self.schedule_options and not isinstance(self.schedule, str):
            raise DescentlabError(f"{type(self).__name__}: schedule_options are for a named "
                                  "schedule: bind them into your function instead")
        if self.schedule_options:
            get_schedule(self.schedule, **self.schedule_options)

    def _divergence_error(self, exc: DivergenceError, lr: float, optimizer: "Optimizer", lam: float,
                          n_samples: int) -> DivergenceError:
        return divergence_error(self, exc, lr, optimizer, lam, n_samples)

    def _patience(self, n_samples: int, early: bool = False) -> int:
        """``n_iter_no_change``; a network resolves its None here (``early``: on held-out rows)."""
        assert self.n_iter_no_change is not None  # None is a network's only
        return self.n_iter_no_change

    def _step_size(self, problem: Problem, loss: "Loss", penalty: "Penalty | None") -> tuple[float, float | None]:
        """``(lr, L)``: the learning rate, ``lr`` or for None the default step from the
        curvature :math:`L` of the loss and penalty (None when not needed)."""
        if self.lr is not None:
            return self.lr, None
        lam = self._curvature(problem, loss, penalty)
        return self._default_lr(lam, problem.n_samples), lam

    def _curvature(self, problem: Problem, loss: "Loss", penalty: "Penalty | None") -> float:
        """:math:`L` of the loss on the problem's rows plus the penalty's (:mod:`descentlab.core.stepsize`)."""
        return with_penalty(problem.curvature(loss), penalty)

    def _default_lr(self, lam: float, n_samples: int) -> float:
        minibatch = self.batch_size is not None and self.batch_size < n_samples
        return default_lr(lam, self.optimizer, self.momentum, minibatch)

    def _check_state(self) -> None:
        """Check loaded learned attributes (:mod:`descentlab.estimators.persist`); raise ValueError."""
        check_state(self)

    def _standardized(self, X: Array) -> Array:
        return (X - self.x_mean_) / self.x_scale_

    def _check_X(self, X: Array) -> Array:
        check_is_fitted(self)
        check_columns(self, X)  # before scikit-learn's own check, which only warns or says it in lines
        check_predict_namespace(self, X)
        if issparse(X):
            return checked_sparse(self, X, reset=False) if self._accepts_sparse else validate_data(self, X, reset=False)
        return validate_data(self, X, dtype=dtype_for(X, np.float64, np.float32), reset=False)


if TYPE_CHECKING:  # the base of a mixin of GDEstimator's subclasses: typed as one, object when run
    EstimatorMixin = GDEstimator
else:
    EstimatorMixin = object
