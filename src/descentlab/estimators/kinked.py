r"""The linear estimators' other losses, and honest stopping on the ones with kinks.

``GDRegressor(loss=...)``: ``"huber"``, ``"epsilon_insensitive"``, ``"quantile"``;
``GDClassifier(loss=...)``: ``"hinge"``, ``"modified_huber"`` (:mod:`descentlab.core.losses`,
scikit-learn's definitions). Huber and modified Huber have a Lipschitz gradient: they
train as the squared loss does, and "converged" is the same Newton-step rule
(:class:`~descentlab.estimators.convergence.OptimumCheck`, on their curvature per row).

The piecewise-linear ones have no gradient at their kinks, and a constant step ends up
bouncing across a kink while the loss looks flat: "converged" would mean nothing. They
train on the smoothed loss :math:`\varphi_\mu` (:mod:`descentlab.core.losses`) by
continuation (:class:`Continuation`): from :data:`MU_START`, each time the smoothed
problem is solved (its Newton step within ``gtol``) :math:`\mu` shrinks tenfold, with the
step :math:`1/L_\mu`, down to :data:`MU_END`. "Converged" is said only there: within
``gtol`` of the minimiser of a loss at most :math:`\mu/2` (on the standardised scale)
below the exact one. Otherwise a ConvergenceWarning says at which :math:`\mu` it stopped.
"""

import math

import numpy as np
from sklearn.utils.metaestimators import available_if

from descentlab.core.losses import EpsilonInsensitive, Hinge, HuberLoss, MeanSquaredError, ModifiedHuber, QuantileLoss
from descentlab.core.stepsize import top_eigenvalue
from descentlab.errors import DescentlabError
from descentlab.estimators.convergence import _host, optimum_check
from descentlab.estimators.device import device_solver
from descentlab.fast.objectives import is_streamed

#: The first and the last smoothing of a kink (on the standardised target, or the logit).
MU_START, MU_END, MU_FACTOR = 1.0, 1e-6, 0.1
#: A stage's step is sized on the rows within this many times its band (:meth:`Continuation._local_curvature`).
NEAR = 10.0
#: The stages from MU_START to MU_END, plus one at MU_END: without ``tol`` each gets an equal share of the epochs.
STAGES = 7


def regression_loss(est, y_scale=1.0):
    """``est.loss`` as a loss object on the target standardised by ``y_scale`` (``epsilon``
    in ``y``'s units becomes ``epsilon / y_scale``)."""
    if est.loss == "squared_error":
        return MeanSquaredError()
    if est.loss == "quantile":
        return QuantileLoss(est.quantile)
    return {"huber": HuberLoss, "epsilon_insensitive": EpsilonInsensitive}[est.loss](est.epsilon / y_scale)


def target_degree(est):
    r""":math:`p` with :math:`\ell(s r) = s^p \ell(r)`: the standardised loss is the loss over
    :math:`s_y^p` (2 for squared and Huber, 1 for the piecewise-linear ones)."""
    return 1 if getattr(est, "loss", None) in ("epsilon_insensitive", "quantile") else 2


def classification_loss(est, n_classes):
    """``est.loss`` ("hinge", "modified_huber") for two classes; None for "log_loss"."""
    if est.loss == "log_loss":
        return None
    return Hinge() if est.loss == "hinge" else ModifiedHuber()  # 3+ classes: one score each, one versus rest


def start_smoothing(est, loss):
    """``loss`` with its first smoothing, :data:`MU_START` (a :class:`Continuation` shrinks it)."""
    if getattr(loss, "kinked", False):
        if est.early_stopping:
            raise DescentlabError(f"loss={est.loss!r} trains on a smoothing of its kinks that shrinks "
                                  "as it goes, so held-out losses of different epochs do not compare: "
                                  "leave early_stopping off (validation_data= still records them)")
        loss.mu = MU_START
    return loss


def margin_proba(z):
    """scikit-learn's probabilities of ``loss="modified_huber"``: :math:`p = (\\operatorname{clip}(z, -1, 1) + 1)/2`,
    for 3+ classes normalised over the classes (uniform where all are 0)."""
    p = (np.clip(z, -1.0, 1.0) + 1.0) / 2.0
    if p.ndim == 1:
        return np.column_stack([1.0 - p, p])
    total = p.sum(axis=1, keepdims=True)
    return np.where(total > 0, p / np.where(total > 0, total, 1.0), 1.0 / p.shape[1])


def rows_solver(est, X):
    """The solver of a loss other than the squared one: ``"gd"`` on the rows (the fast paths
    sum squares)."""
    if est.solver in ("moments", "fused") or (is_streamed(X) and not isinstance(X, np.memmap)):
        raise DescentlabError(f"loss={est.loss!r} trains on the rows in memory: use solver='gd' "
                              "(or 'auto') with X as an array, or loss='squared_error'")
    return device_solver(est.solver, "gd", X)


class _Losses:
    """What both linear estimators' ``loss`` share: the converged rule around the Newton check."""

    def _optimum_check(self, problem, loss, penalty, model, optimizer=None):
        check = optimum_check(self, problem, loss, penalty, model, always=getattr(loss, "kinked", False))
        return kinked_rule(self, problem, loss, penalty, optimizer, check)


class RegressorLosses(_Losses):
    """``GDRegressor``'s ``loss``: the loss object, on the target's standardised scale."""

    def _loss(self):
        return regression_loss(self, getattr(self, "y_scale_", 1.0))

    def _loss_for(self, problem):
        return start_smoothing(self, regression_loss(self, problem.attrs.get("y_scale_", 1.0)))


class ClassifierLosses(_Losses):
    """``GDClassifier``'s ``loss``: the loss object, and probabilities where the loss has them."""

    def _loss(self):
        return classification_loss(self, len(self._fit_classes)) or super()._loss()

    def _loss_for(self, problem):
        return start_smoothing(self, self._loss())

    @available_if(lambda self: self.loss != "hinge")
    def predict_proba(self, X):
        """The probability of each of ``classes_``, shape (n_samples, n_classes); for
        ``loss="modified_huber"`` scikit-learn's (:func:`margin_proba`); ``loss="hinge"`` has none."""
        if self.loss == "modified_huber":
            return margin_proba(self.decision_function(X))
        return super().predict_proba(X)

    @available_if(lambda self: self.loss != "hinge")
    def predict_log_proba(self, X):
        """The log of :meth:`predict_proba`."""
        if self.loss == "modified_huber":
            with np.errstate(divide="ignore"):
                return np.log(self.predict_proba(X))
        return super().predict_log_proba(X)


class Continuation:
    """``converged(params, grads, stalled)`` for :func:`descentlab.core.trainer.train` on a
    smoothed kinked loss: each solved stage shrinks ``loss.mu`` (and the step with it); only
    the last stage may say converged.

    Parameters
    ----------
    loss : a loss of :mod:`descentlab.core.losses` with ``kinked`` True, its ``mu`` changed here.
    optimizer : its ``lr`` follows :math:`1/L_\\mu` (or the given rate times :math:`\\mu/\\mu_0`).
    check : OptimumCheck or None
        Whether a stage is solved (on the loss as it is smoothed now; with ``gtol`` None the
        loss rule decides), and its Hessian sizes each stage's step.
    lam : float
        The data's curvature for a loss of curvature 1 (:math:`L_\\mu = lam / \\mu + L_{pen}`).
    penalty_curvature : float
    chosen : bool
        Whether the step was chosen from the data (``lr=None``).
    every : int or None
        Without ``tol``: a new stage every ``every`` epochs (the run never stops early).

    Attributes
    ----------
    new_stage : bool
        Set by a call that shrank ``mu``: the loss changed, so the trainer's window restarts.
    """

    def __init__(self, loss, optimizer, check, lam, penalty_curvature=0.0, chosen=True, every=None):
        self.loss, self.optimizer, self.check = loss, optimizer, check
        self.lam, self.pen, self.chosen = lam, penalty_curvature, chosen
        self.lr0, self.mu0, self.new_stage = optimizer.lr, loss.mu, False
        self.gtol = None if check is None else check.gtol
        self.safe, self.stage_grad = optimizer.lr, math.inf
        self.every, self.in_stage = every, 0  # with every: a stage each `every` epochs (no tol)

    def __call__(self, params, grads, stalled):
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
            self.check.gtol = self.gtol if self.loss.mu <= MU_END else max(self.gtol, self.loss.mu)
            solved = self.check(params, grads, stalled)
        if not solved:
            return False
        if self.loss.mu <= MU_END:
            return True
        self._next_stage(params)
        return False

    def _next_stage(self, params):
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

    def _local_curvature(self, params):
        r"""The curvature of the rows within :data:`NEAR` times the new band, at curvature
        :math:`1/\mu`: near the optimum only they bend the loss (:math:`1/L_\mu` counts every row)."""
        mu = self.loss.mu
        self.loss.mu = NEAR * mu
        try:
            H = self.check._hessian(_host(params))
        finally:
            self.loss.mu = mu
        return NEAR * top_eigenvalue(H)

    def _steady(self, grads):
        """A safeguard on the local step: a gradient that grows tenfold within a stage falls
        back to the safe step."""
        if grads is None or self.optimizer.lr <= self.safe:
            return
        size = math.sqrt(sum(float(np.vdot(g, g)) for g in _host(grads).values()))
        self.stage_grad = min(self.stage_grad, size)
        if size > 10 * self.stage_grad:
            self.optimizer.lr, self.optimizer.state = self.safe, {}

    def unconverged_message(self, n_epochs, params):
        """How far it got: the smoothing reached, and the Newton step's distance there."""
        if self.gtol is None:
            where = "before the loss stopped improving by tol"
        else:
            self.check.measure(params)
            where = (f"an estimated {self.check.distance:.2g} (relative, on coef_) from the smoothed optimum"
                     if self.check.solvable else "where the smoothed loss is flat along some direction "
                     "(rows at the edges of the kinks' bands), so no distance can be estimated")
        return (f"training used all {n_epochs} epochs on the kinks of loss={self.loss.name!r} "
                f"smoothed to mu={self.loss.mu:.0e} (converged means mu={MU_END:.0e}) and stopped "
                f"{where}: raise epochs (e.g. epochs={4 * n_epochs})")

    def __repr__(self):
        return f"Continuation(mu={self.loss.mu:.0e}, check={self.check!r})"


def kinked_rule(est, problem, loss, penalty, optimizer, check):
    """The ``converged`` rule of a fit on ``loss``: ``check`` as it is for a smooth loss, a
    :class:`Continuation` around it for a kinked one (None where the loss does not shrink)."""
    if not getattr(loss, "kinked", False) or loss.mu <= MU_END or optimizer is None:
        return check
    lam = problem.curvature(loss) * loss.mu  # the data's, for a loss of curvature 1
    pen = 0.0 if penalty is None else penalty.curvature()
    every = None if est.tol is not None else max(1, est.epochs // STAGES)  # no tol: mu on a schedule
    return Continuation(loss, optimizer, check, lam, pen, chosen=est.lr is None, every=every)
