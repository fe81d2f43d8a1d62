r"""The base of descentlab's scikit-learn estimators: validate -> standardise -> train.

:class:`GDEstimator` holds everything the estimators share: the hyperparameters, their
checks, standardisation, the step size chosen from the data, the call to the one training
loop (:func:`descentlab.core.trainer.train`) and a divergence error that names the stable
bound. A concrete estimator is a thin subclass: ``_build_model(n_features, rng)`` (the
model to train on standardised features), ``_loss()``, ``_encode_target(y)`` where the
target needs it, and ``_store(model)`` / ``predict``. The default ``_store`` keeps the
trained model as ``model_``, and
:class:`descentlab.estimators.linear.StandardizedTargetRegressor` predicts with it, so a network
regressor is that class plus ``_build_model`` (and, to be saved, its parameters in
``_saved_attributes``). A later ``solver=`` option can replace the call to ``train``.
"""

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from descentlab.errors import DescentlabError, DivergenceError
from descentlab.core.losses import MeanSquaredError
from descentlab.core.optimizers import OPTIMIZERS, make_optimizer
from descentlab.core.scaling import no_scaling, standardize
from descentlab.core.schedules import SCHEDULES, get_schedule
from descentlab.estimators.problem import Problem
from descentlab.core.stepsize import default_lr, divergence_message
from descentlab.core.trainer import train
from descentlab.settings import Setting, check_params


class GDEstimator(BaseEstimator):
    """What every gradient-descent estimator shares: validation, scaling, step size, training.

    Parameters
    ----------
    optimizer : {"gd", "momentum", "nesterov", "adam"}, default="nesterov"
        The update rule (:mod:`descentlab.core.optimizers`); "gd" is the article's.
    lr : float or None, default=None
        The learning rate. None chooses it from the data: :math:`1/\\lambda_{\\max}` of the
        loss's Hessian bound (:func:`descentlab.core.stepsize.curvature`; 0.01 for Adam).
    momentum : float, default=0.9
        :math:`\\beta` of momentum and Nesterov, :math:`\\beta_1` of Adam; unused by "gd".
        Momentum and Nesterov run with adaptive restart (:class:`descentlab.core.optimizers.GradientDescent`),
        so the loss-based stopping rule is not fooled by overshoot.
    schedule : str or callable, default="constant"
        A learning-rate schedule of :mod:`descentlab.core.schedules` or ``f(t, lr)``; a
        named one spans the whole run (``epochs`` times the batches per epoch).
    schedule_options : dict or None, default=None
        Settings of a named schedule, e.g. ``{"lr_min": 1e-4}`` for "cosine".
    epochs : int, default=1000
        The epoch budget.
    batch_size : int or None, default=None
        None is full-batch gradient descent; 1 is stochastic gradient descent.
    tol : float or None, default=1e-7
        Stop once the loss (on the standardised scale) has not improved by ``tol`` for
        ``n_iter_no_change`` epochs; None runs every epoch.
    n_iter_no_change : int, default=10
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the rows and stop when their loss stops
        improving, keeping the best parameters.
    validation_fraction : float, default=0.1
    standardize : bool, default=True
        Train on standardised features (and target, for regression).
    random_state : int, RandomState or None, default=0
        Seeds the initialisation, the mini-batches and the validation split.
    solver : str, default="auto"
        How an epoch's loss and gradients are computed: ``"gd"``, the readable path
        (model, loss, backward, as in the article). Estimators with fast paths accept
        more (:class:`descentlab.estimators.linear.GDRegressor`: ``"moments"``, ``"fused"``);
        ``"auto"`` picks the fastest that gives the same result.
    """

    #: Every hyperparameter's accepted values and meaning, declared once: ``fit`` checks
    #: them and the command line builds its options from them. Subclasses merge theirs in.
    _parameter_constraints = {
        "optimizer": Setting("the update rule", kind="choice", choices=tuple(OPTIMIZERS)),
        "lr": Setting("learning rate", low=0, low_open=True,
                      none="chosen from the data: 1/L, the largest curvature of the loss"),
        "momentum": Setting("beta of momentum and Nesterov, beta1 of Adam", low=0, high=1,
                            high_open=True),
        "schedule": Setting("learning-rate schedule over the whole run", kind="choice",
                            choices=tuple(SCHEDULES), callable_ok=True),
        "schedule_options": Setting("settings of the schedule, e.g. lr_min=0.001",
                                    kind="options", none="the schedule's defaults"),
        "epochs": Setting("epoch budget", kind="int", low=1),
        "batch_size": Setting("mini-batch size", kind="int", low=1,
                              none="full batch; 1 is stochastic gradient descent"),
        "tol": Setting("stop when the loss improves by less than this for n_iter_no_change "
                       "epochs", low=0, none="run every epoch"),
        "n_iter_no_change": Setting("epochs without improvement before stopping", kind="int", low=1),
        "early_stopping": Setting("hold out validation_fraction of the rows and stop when their "
                                  "loss stops improving", kind="bool"),
        "validation_fraction": Setting("the rows held out for early stopping", kind="fraction"),
        "standardize": Setting("train on standardised features (and target)", kind="bool"),
        "solver": Setting("how each epoch's loss and gradients are computed", kind="choice",
                          choices=("auto", "gd")),
    }

    _y_numeric = True
    # what a saved model keeps (descentlab.estimators.persist); subclasses add theirs
    _saved_attributes = ("n_features_in_", "n_iter_", "x_mean_", "x_scale_")

    def __init__(self, *, optimizer="nesterov", lr=None, momentum=0.9, schedule="constant",
                 schedule_options=None, epochs=1000, batch_size=None, tol=1e-7,
                 n_iter_no_change=10, early_stopping=False, validation_fraction=0.1,
                 standardize=True, random_state=0, solver="auto"):
        self.optimizer = optimizer
        self.lr = lr
        self.momentum = momentum
        self.schedule = schedule
        self.schedule_options = schedule_options
        self.epochs = epochs
        self.batch_size = batch_size
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.standardize = standardize
        self.random_state = random_state
        self.solver = solver

    # -- hooks for subclasses ------------------------------------------------------------
    def _build_model(self, n_features, rng):
        """The model to train on ``n_features`` standardised features."""
        raise NotImplementedError

    def _loss(self):
        return MeanSquaredError()

    def _encode_target(self, y):
        """The training target and the attributes that map predictions back: ``t, attrs``."""
        return y, {}

    def _store(self, model):
        """Keep what prediction needs from the trained ``model``."""
        self.model_ = model

    # -- the shared fit ------------------------------------------------------------------
    def fit(self, X, y, callbacks=()):
        """Train on ``X`` of shape (n_samples, n_features) and ``y`` of shape (n_samples,).

        ``callbacks`` are passed to :func:`descentlab.core.trainer.train` (``f(epoch, history)``,
        e.g. a progress bar). Ctrl-C stops cleanly: the estimator keeps the model trained
        so far and ``history_.status == "interrupted"``.

        Returns
        -------
        self

        Raises
        ------
        DivergenceError
            When the loss blows up: names the epoch, the stable bound and the fix. The
            estimator is then left as it was, never with non-finite coefficients.
        """
        self._check_params()
        problem = self._prepare(X, y)
        rng = np.random.default_rng(check_random_state(self.random_state).randint(2**31 - 1))
        model = self._build_model(problem.n_features, rng)
        loss = self._loss()
        lam = problem.curvature(loss) if self.lr is None else None
        lr = self._default_lr(lam, problem.n_samples) if self.lr is None else self.lr
        batches = 1 if self.batch_size is None else -(-problem.n_samples // self.batch_size)
        optimizer = make_optimizer(self.optimizer, lr, momentum=self.momentum,
                                   schedule=self.schedule, restart=True,
                                   total_steps=self.epochs * batches,
                                   schedule_options=self.schedule_options)
        try:
            history = train(model, problem.Z, problem.t, loss=loss, optimizer=optimizer,
                            epochs=self.epochs, batch_size=self.batch_size,
                            seed=int(rng.integers(2**31 - 1)), callbacks=callbacks, tol=self.tol,
                            n_iter_no_change=self.n_iter_no_change,
                            validation_fraction=self.validation_fraction if self.early_stopping else None,
                            record_params=False, objective=problem.objective)
        except DivergenceError as exc:
            lam = problem.curvature(loss) if lam is None else lam
            raise self._divergence_error(exc, lr, optimizer, lam, problem.n_samples) from None
        finally:
            problem.close()
        target_attrs, x_mean, x_scale = problem.attrs, problem.x_mean, problem.x_scale
        history.meta.update(lr=float(lr), standardize=bool(self.standardize))
        for name, value in dict(target_attrs, x_mean_=x_mean, x_scale_=x_scale).items():
            setattr(self, name, value)
        self._store(model)
        self.history_, self.n_iter_ = history, history.n_epochs
        return self

    def _prepare(self, X, y):
        """Validate, encode the target and standardise: the :class:`Problem` to train on.

        Dask arrays, memmaps and ``.npy`` streams are read in blocks instead
        (:mod:`descentlab.estimators.fast.streamed`).
        """
        from descentlab.estimators.fast.streamed import streamed_problem, wants_blocks

        if wants_blocks(self, X):
            return streamed_problem(self, X, y)
        X, y = validate_data(self, X, y, dtype=np.float64, y_numeric=self._y_numeric)
        t, target_attrs = self._encode_target(y)
        Z, x_mean, x_scale = standardize(X) if self.standardize else (X, *no_scaling(X.shape[1]))
        return Problem(Z=Z, t=t, attrs=target_attrs, x_mean=x_mean, x_scale=x_scale,
                       batch_size=self.batch_size)

    def _check_params(self):
        check_params(self, self._parameter_constraints)
        if self.schedule_options and not isinstance(self.schedule, str):
            raise DescentlabError(f"{type(self).__name__}: schedule_options are for a named "
                                  "schedule: bind them into your function instead")
        if self.schedule_options:
            get_schedule(self.schedule, **self.schedule_options)

    def _divergence_error(self, exc, lr, optimizer, lam, n_samples):
        bound, auto = optimizer.stable_lr(lam), self._default_lr(lam, n_samples)
        data = "the standardised data" if self.standardize else "this data"
        if bound is None:
            name = f"{type(optimizer).__name__} has no fixed stable bound"
            fix = f"lower the learning rate (e.g. {lr / 10:.3g})"
        else:
            name = f"the stable bound of {self.optimizer!r} on {data}"
            target = f"below {bound:.3g}" if lr > bound else f"to {lr / 10:.3g} (mini-batches are noisier)"
            fix = f"lower the learning rate {target} (left unset it is {auto:.3g})"
        if not self.standardize:
            fix += " or scale the features (standardize=True)"
        return DivergenceError(divergence_message(exc.epoch, exc.loss, lr, bound, bound_name=name, fix=fix),
                               epoch=exc.epoch, loss=exc.loss, history=exc.history)

    def _default_lr(self, lam, n_samples):
        minibatch = self.batch_size is not None and self.batch_size < n_samples
        return default_lr(lam, self.optimizer, self.momentum, minibatch)

    def _check_state(self):
        """Check loaded learned attributes (:mod:`descentlab.estimators.persist`); raise ValueError."""
        n = self.n_features_in_
        if not (_is_count(n) and (self.n_iter_ == 0 or _is_count(self.n_iter_))):
            raise ValueError("n_features_in_ must be a positive integer and n_iter_ a count")
        for name in self._saved_attributes:
            value = np.asarray(getattr(self, name))
            if value.dtype.kind in "iuf" and not np.all(np.isfinite(value)):
                raise ValueError(f"{name} holds a value that is not finite")
        for name in ("x_mean_", "x_scale_") + getattr(self, "_per_feature", ()):
            if np.shape(getattr(self, name)) != (n,):
                raise ValueError(f"{name} must hold {n} numbers, one per feature")
        if not np.all(self.x_scale_ > 0):
            raise ValueError("x_scale_ must be positive")

    def _standardized(self, X):
        return (X - self.x_mean_) / self.x_scale_

    def _check_X(self, X):
        check_is_fitted(self)
        return validate_data(self, X, dtype=np.float64, reset=False)


def _is_count(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool) and value >= 1


def _is_number(value):
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
