r"""The linear estimators' other losses, and honest stopping on the ones with kinks.

``GDRegressor(loss=...)``: "huber", "epsilon_insensitive", "quantile"; ``GDClassifier(loss=...)``:
"hinge", "modified_huber" (:mod:`descentlab.core.losses`). Huber and modified Huber have a
Lipschitz gradient and stop by the Newton-step rule (:class:`~descentlab.estimators.convergence.OptimumCheck`).
The piecewise-linear ones train on their smoothing :math:`\varphi_\mu` by continuation
(:class:`Continuation`: :math:`\mu` shrinks tenfold per stage from :data:`MU_START` to :data:`MU_END`;
only the last may say "converged"). Derivation: :doc:`/maths/kinks`, "Continuation".
"""

import math
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray
from sklearn.utils.metaestimators import available_if

from descentlab.core.losses import EpsilonInsensitive, Hinge, HuberLoss, MeanSquaredError, ModifiedHuber, QuantileLoss
from descentlab.core.stepsize import top_eigenvalue
from descentlab.errors import DescentlabError
from descentlab.estimators.base import EstimatorMixin
from descentlab.estimators.convergence import OptimumCheck, _host, optimum_check
from descentlab.estimators.device import Array, device_solver
from descentlab.estimators.problem import Problem
from descentlab.fast.objectives import is_streamed

if TYPE_CHECKING:
    from descentlab.core.models import Model
    from descentlab.core.optimizers import Optimizer
    from descentlab.core.penalties import Penalty
    from descentlab.estimators.base import GDEstimator

Kinked = EpsilonInsensitive | QuantileLoss | Hinge  #: the losses with kinks, each smoothed by its mu
#: A kink's first and last smoothing (standardised target or logit); a stage's step sized on the rows within
#: NEAR bands; STAGES from MU_START to MU_END plus one at MU_END (without ``tol``, equal shares of the epochs).
MU_START, MU_END, MU_FACTOR, NEAR, STAGES = 1.0, 1e-6, 0.1, 10.0, 7


def regression_loss(est: "GDEstimator", y_scale: float = 1.0) -> Any:  # one of core's losses
    """``est.loss`` as a loss object on the target standardised by ``y_scale`` (``epsilon``
    in ``y``'s units becomes ``epsilon / y_scale``).

    >>> from descentlab.estimators import GDRegressor
    >>> regression_loss(GDRegressor(loss="huber", epsilon=1.0), y_scale=2.0).epsilon  # a HuberLoss
    0.5
    """
    if est.loss == "squared_error":
        return MeanSquaredError()
    if est.loss == "quantile":
        return QuantileLoss(est.quantile)
    return {"huber": HuberLoss, "epsilon_insensitive": EpsilonInsensitive}[est.loss](est.epsilon / y_scale)


def target_degree(est: "GDEstimator") -> int:
    r""":math:`p` with :math:`\ell(s r) = s^p \ell(r)`: the standardised loss is the loss over
    :math:`s_y^p` (2 for squared and Huber, 1 for the piecewise-linear ones).

    >>> from descentlab.estimators import GDRegressor
    >>> target_degree(GDRegressor()), target_degree(GDRegressor(loss="quantile"))
    (2, 1)
    """
    return 1 if getattr(est, "loss", None) in ("epsilon_insensitive", "quantile") else 2


def classification_loss(est: "GDEstimator", n_classes: int) -> Any:  # Hinge, ModifiedHuber or None
    """``est.loss`` ("hinge", "modified_huber") for two classes; None for "log_loss".

    >>> from descentlab.estimators import GDClassifier
    >>> type(classification_loss(GDClassifier(loss="hinge"), 2)).__name__, classification_loss(GDClassifier(), 2)
    ('Hinge', None)
    """
    if est.loss == "log_loss":
        return None
    return Hinge() if est.loss == "hinge" else ModifiedHuber()  # 3+ classes: one score each, one versus rest


def start_smoothing(est: "GDEstimator", loss: Any) -> Any:  # a loss, its mu set if kinked
    """``loss`` with its first smoothing, :data:`MU_START` (a :class:`Continuation` shrinks it).

    >>> from descentlab.estimators import GDRegressor
    >>> start_smoothing(GDRegressor(loss="quantile"), QuantileLoss(0.5)).mu == MU_START
    True
    """
    if getattr(loss, "kinked", False):
        if est.early_stopping:
            raise DescentlabError(f"loss={est.loss!r} trains on a smoothing of its kinks that shrinks "
                                  "as it goes, so held-out losses of different epochs do not compare: "
                                  "leave early_stopping off (validation_data= still records them)")
        loss.mu = MU_START
    return loss


def margin_proba(z: NDArray[np.floating[Any]]) -> NDArray[np.floating[Any]]:
    """scikit-learn's probabilities of ``loss="modified_huber"``: :math:`p = (\\operatorname{clip}(z, -1, 1) + 1)/2`,
    for 3+ classes normalised over the classes (uniform where all are 0).

    >>> margin_proba(np.array([-2.0, 0.0, 0.5]))
    array([[1.  , 0.  ],
           [0.5 , 0.5 ],
           [0.25, 0.75]])
    """
    p = (np.clip(z, -1.0, 1.0) + 1.0) / 2.0
    if p.ndim == 1:
        return np.column_stack([1.0 - p, p])
    total = p.sum(axis=1, keepdims=True)
    proba: NDArray[np.floating[Any]] = np.where(total > 0, p / np.where(total > 0, total, 1.0), 1.0 / p.shape[1])
    return proba


def rows_solver(est: "GDEstimator", X: Array) -> str:
    """The solver of a loss other than the squared one: ``"gd"`` on the rows (the fast paths sum squares).

    >>> from descentlab.estimators import GDRegressor
    >>> rows_solver(GDRegressor(loss="huber"), np.ones((2, 1)))
    'gd'
    """
    if est.solver in ("moments", "fused") or (is_streamed(X) and not isinstance(X, np.memmap)):
        raise DescentlabError(f"loss={est.loss!r} trains on the rows in memory: use solver='gd' "
                              "(or 'auto') with X as an array, or loss='squared_error'")
    return device_solver(est.solver, "gd", X)


class _Losses(EstimatorMixin):
    """What both linear estimators' ``loss`` share: the converged rule around the Newton check."""

    def _optimum_check(self, problem: Problem, loss: Any, penalty: "Penalty | None", model: "Model",
                       optimizer: "Optimizer | None" = None) -> "OptimumCheck | Continuation | None":
        check = optimum_check(self, problem, loss, penalty, model, always=getattr(loss, "kinked", False))
        return kinked_rule(self, problem, loss, penalty, optimizer, check)


class RegressorLosses(_Losses):
    """``GDRegressor``'s ``loss``: the loss object, on the target's standardised scale.

    >>> from descentlab.estimators import GDRegressor
    >>> reg = GDRegressor(loss="epsilon_insensitive", epsilon=0.1).fit([[0], [1], [2], [3], [4]], [0, 1, 2, 3, 40])
    >>> reg.coef_.round(2), round(reg.intercept_, 2), reg.history_.status  # the outlier barely pulls
    (array([1.1]), -0.1, 'converged')
    """

    def _loss(self) -> Any:
        return regression_loss(self, getattr(self, "y_scale_", 1.0))

    def _loss_for(self, problem: Problem) -> Any:
        return start_smoothing(self, regression_loss(self, problem.attrs.get("y_scale_", 1.0)))


class ClassifierLosses(_Losses):
    """``GDClassifier``'s ``loss``: the loss object, and probabilities where the loss has them.

    >>> from descentlab.estimators import GDClassifier
    >>> clf = GDClassifier(loss="modified_huber").fit([[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1])
    >>> clf.predict([[0.0], [3.0]]), hasattr(GDClassifier(loss="hinge"), "predict_proba")
    (array([0, 1]), False)
    >>> clf.predict_proba([[1.4], [3.0]]).round(2), clf.predict_log_proba([[1.4], [3.0]]).round(2)  # 0 past the margin
    (array([[0.83, 0.17], [0.  , 1.  ]]), array([[-0.19, -1.75], [ -inf,  0.  ]]))
    """

    def _loss(self) -> Any:
        return classification_loss(self, len(self._fit_classes)) or super()._loss()

    def _loss_for(self, problem: Problem) -> Any:
        return start_smoothing(self, self._loss())

    @available_if(lambda self: self.loss != "hinge")  # type: ignore[untyped-decorator]  # sklearn: no stubs
    def predict_proba(self, X: Array) -> Array:
        """The probability of each of ``classes_``, shape (n_samples, n_classes); for
        ``loss="modified_huber"`` scikit-learn's (:func:`margin_proba`); ``loss="hinge"`` has none."""
        if self.loss == "modified_huber":
            return margin_proba(self.decision_function(X))
        return super().predict_proba(X)

    @available_if(lambda self: self.loss != "hinge")  # type: ignore[untyped-decorator]  # sklearn: no stubs
    def predict_log_proba(self, X: Array) -> Array:
        """The log of :meth:`predict_proba`."""
        if self.loss == "modified_huber":
            with np.errstate(divide="ignore"):
                return np.log(self.predict_proba(X))
        return super().predict_log_proba(X)


class Continuation:
    """``converged(params, grads, stalled)`` for :func:`descentlab.core.trainer.train` on a smoothed kinked loss: each
    solved stage shrinks ``loss.mu`` and the ``optimizer``'s step (:math:`1/L_\\mu`, :math:`L_\\mu = lam / \\mu +
    L_{pen}`, or the given rate times :math:`\\mu/\\mu_0` unless ``chosen``); only the last may say converged.
    ``check`` says whether a stage is solved (None: the loss rule), its Hessian sizing the step; ``every`` (no
    ``tol``): a stage every ``every`` epochs; ``new_stage``: set when ``mu`` shrank.

    >>> from descentlab.core.optimizers import make_optimizer; loss = QuantileLoss(0.5, mu=MU_START)
    >>> rule = Continuation(loss, make_optimizer("gd", 0.1), None, lam=1.0)
    >>> rule({}, None, stalled=True), loss.mu  # a stage solved: mu shrinks tenfold, not converged yet
    (False, 0.1)
    >>> rule.holds({}), rule.unconverged_message(30, {})  # not yet at the last smoothing
    (False, "training used all 30 epochs on the kinks of loss='quantile' smoothed to mu=1e-01 ...")
    """

    def __init__(self, loss: Kinked, optimizer: "Optimizer", check: OptimumCheck | None, lam: float,
                 penalty_curvature: float = 0.0, chosen: bool = True, every: int | None = None) -> None:
        self.loss, self.optimizer, self.check = loss, optimizer, check
        self.lam, self.pen, self.chosen = lam, penalty_curvature, chosen
        self.lr0, self.mu0, self.new_stage = optimizer.lr, loss.mu, False
        self.gtol = None if check is None else check.gtol
        self.safe, self.stage_grad = optimizer.lr, math.inf
        self.every, self.in_stage = every, 0  # with every: a stage each `every` epochs (no tol)

    def __call__(self, params: dict[str, Array], grads: dict[str, Array] | None, stalled: bool) -> bool:
        self.new_stage = False
        self._steady(grads)
        if self.every is not None:
            self.in_stage += 1
            if self.in_stage >= self.every and self.loss.mu > MU_END:
                self._next_stage(params)
            return False
        if self.gtol is None:  # gtol=None: the loss rule alone decides each stage
            solved = stalled
        else:  # a stage's optimum is O(mu) from the next: solved to that
            assert self.check is not None  # a gtol comes with its check
            self.check.gtol = self.gtol if self.loss.mu <= MU_END else max(self.gtol, self.loss.mu)
            solved = self.check(params, grads, stalled)
        if not solved:
            return False
        if self.loss.mu <= MU_END:
            return True
        self._next_stage(params)
        return False

    def _next_stage(self, params: dict[str, Array]) -> None:
        """Shrink ``mu`` tenfold and size the step for it."""
        self.loss.mu, self.in_stage = max(MU_END, self.loss.mu * MU_FACTOR), 0
        safe = 1.0 / (self.lam / self.loss.mu + self.pen)  # 1/L_mu over every row
        if not self.chosen:
            self.optimizer.lr = self.lr0 * self.loss.mu / self.mu0
        elif self.check is not None and self.check.Z is not None:  # the rows near the kinks decide
            self.safe, self.stage_grad = safe, math.inf
            near = self._local_curvature(params)  # 0: no row near a kink, the last step stays
            self.optimizer.lr = min(self.optimizer.lr, max(safe, 1.0 / near if near > 0 else math.inf))
        else:
            self.optimizer.lr = safe
        self.optimizer.state = {}  # the velocity of the last stage's loss
        self.new_stage = True

    def _local_curvature(self, params: dict[str, Array]) -> float:
        r"""The curvature :math:`1/\mu` of the rows within ``NEAR`` times the new band (only they bend it)."""
        mu = self.loss.mu
        assert self.check is not None  # (called only with a check on rows)
        self.loss.mu = NEAR * mu
        try:
            H = self.check._hessian(_host(params))
        finally:
            self.loss.mu = mu
        return NEAR * top_eigenvalue(H)

    def _steady(self, grads: dict[str, Array] | None) -> None:
        """A safeguard on the local step: a gradient that grows tenfold within a stage falls
        back to the safe step."""
        if grads is None or self.optimizer.lr <= self.safe:
            return
        size = math.sqrt(sum(float(np.vdot(g, g)) for g in _host(grads).values()))
        self.stage_grad = min(self.stage_grad, size)
        if size > 10 * self.stage_grad:
            self.optimizer.lr, self.optimizer.state = self.safe, {}

    def holds(self, params: dict[str, Array]) -> bool:
        """At the last smoothing, within ``gtol`` of its optimum (asked when the epochs run out)."""
        check = self.check if self.loss.mu <= MU_END else None  # a gtol comes with its check
        return check is not None and check.measure(params) <= (self.gtol or 0.0)

    def unconverged_message(self, n_epochs: int, params: dict[str, Array]) -> str:
        """How far it got: the smoothing reached, and the Newton step's distance there."""
        if self.gtol is None:
            where = "before the loss stopped improving by tol"
        else:
            assert self.check is not None  # a gtol comes with its check
            self.check.measure(params)
            where = (f"an estimated {self.check.distance:.2g} (relative, on coef_) from the smoothed optimum"
                     if self.check.solvable else "where the smoothed loss is flat along some direction "
                     "(rows at the edges of the kinks' bands), so no distance can be estimated")
        return (f"training used all {n_epochs} epochs on the kinks of loss={self.loss.name!r} "
                f"smoothed to mu={self.loss.mu:.0e} (converged means mu={MU_END:.0e}) and stopped "
                f"{where}: raise epochs (e.g. epochs={4 * n_epochs})")

    def __repr__(self) -> str:
        return f"Continuation(mu={self.loss.mu:.0e}, check={self.check!r})"


def kinked_rule(est: "GDEstimator", problem: Problem, loss: Any, penalty: "Penalty | None",
                optimizer: "Optimizer | None", check: OptimumCheck | None) -> "OptimumCheck | Continuation | None":
    """The ``converged`` rule of a fit on ``loss``: ``check`` as it is for a smooth loss, a
    :class:`Continuation` around it for a kinked one (None where the loss does not shrink).

    >>> from descentlab.core.losses import MeanSquaredError
    >>> kinked_rule(None, None, MeanSquaredError(), None, None, None) is None  # no kinks: the check as is
    True
    """
    if not getattr(loss, "kinked", False) or loss.mu <= MU_END or optimizer is None:
        return check
    lam = problem.curvature(loss) * loss.mu  # the data's, for a loss of curvature 1
    pen = 0.0 if penalty is None else penalty.curvature()
    every = None if est.tol is not None else max(1, est.epochs // STAGES)  # no tol: mu on a schedule
    return Continuation(loss, optimizer, check, lam, pen, chosen=est.lr is None, every=every)
