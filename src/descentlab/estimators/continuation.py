r"""Training on a kinked loss by continuation, and the exact finish that makes "converged" mean it.

A piecewise-linear loss (``epsilon_insensitive``, ``quantile``, ``hinge``) trains on its smoothing
:math:`\varphi_\mu` (:class:`descentlab.core.losses._Kinked`): each solved stage shrinks :math:`\mu`
tenfold from :data:`MU_START` (:class:`Continuation`). After each stage the rows within the kinks'
bands say where the exact optimum's vertex is: :func:`descentlab.estimators.vertex.exact_optimum`
solves for it and certifies it by the optimality conditions; certified, the fit ends "converged"
at the exact optimum. Else the stages go on to :data:`MU_END`, where "converged" means within
``gtol`` of the minimiser of a loss at most :math:`\mu/2` below the exact one; a fit that gets
neither warns, naming its :math:`\mu`. Derivation: :doc:`/maths/kinks`, "Continuation".
"""

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from descentlab.core.losses import EpsilonInsensitive, Hinge, QuantileLoss
from descentlab.core.stepsize import top_eigenvalue
from descentlab.estimators.convergence import OptimumCheck, _host
from descentlab.estimators.device import Array
from descentlab.estimators.problem import Problem
from descentlab.estimators.vertex import exact_optimum

if TYPE_CHECKING:
    from descentlab.core.models import Model
    from descentlab.core.optimizers import Optimizer
    from descentlab.core.penalties import Penalty
    from descentlab.estimators.base import GDEstimator

Kinked = EpsilonInsensitive | QuantileLoss | Hinge  #: the losses with kinks, each smoothed by its mu
#: A kink's first and last smoothing (standardised target or logit); a stage's step sized on the rows within
#: NEAR bands; STAGES from MU_START to MU_END plus one at MU_END (without ``tol``, equal shares of the epochs).
MU_START, MU_END, MU_FACTOR, NEAR, STAGES = 1.0, 1e-6, 0.1, 10.0, 7
#: Epochs between tries of the exact finish within a stage (then a tenth of the epochs run, if more).
FINISH_EVERY = 10


class Continuation:
    """``converged(params, grads, stalled)`` for :func:`descentlab.core.trainer.train` on a
    smoothed kinked loss: each solved stage shrinks ``loss.mu`` and the ``optimizer``'s step
    (:math:`1/L_\\mu`, :math:`L_\\mu = lam / \\mu + L_{pen}`, or the given rate times
    :math:`\\mu/\\mu_0` unless ``chosen``); only the last may say converged. ``check`` says
    whether a stage is solved (None: the loss rule), its Hessian sizing the step; ``every``
    (no ``tol``): a stage every ``every`` epochs; ``new_stage``: set when ``mu`` shrank. With a
    ``model`` each solved stage tries the exact finish (:func:`~descentlab.estimators.vertex.exact_optimum`):
    certified, the ``model`` takes the exact optimum and the fit is converged (``exact`` True).

    >>> from descentlab.core.optimizers import make_optimizer
    >>> loss = QuantileLoss(0.5, mu=MU_START)
    >>> rule = Continuation(loss, make_optimizer("gd", 0.1), None, lam=1.0)
    >>> rule({}, None, stalled=True), loss.mu  # a stage solved: mu shrinks tenfold, not converged yet
    (False, 0.1)
    >>> rule.holds({}), rule.unconverged_message(30, {})  # not yet at the last smoothing
    (False, "training used all 30 epochs on the kinks of loss='quantile' smoothed to mu=1e-01 ...")
    """

    def __init__(self, loss: Kinked, optimizer: "Optimizer", check: OptimumCheck | None, lam: float,
                 penalty_curvature: float = 0.0, chosen: bool = True, every: int | None = None,
                 model: "Model | None" = None) -> None:
        self.loss, self.optimizer, self.check, self.model = loss, optimizer, check, model
        self.exact, self.newton_mu = False, math.inf  # the model holds the exact optimum; Newton tried at
        self.lam, self.pen, self.chosen = lam, penalty_curvature, chosen
        self.lr0, self.mu0, self.new_stage = optimizer.lr, loss.mu, False
        self.gtol = None if check is None else check.gtol
        self.safe, self.stage_grad = optimizer.lr, math.inf
        self.every, self.in_stage = every, 0  # with every: a stage each `every` epochs (no tol)
        self.epoch, self.next_finish = 0, FINISH_EVERY  # the finish is tried on a geometric schedule too

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
        self.epoch += 1
        if not solved:
            if self.epoch < self.next_finish:
                return False
            self.next_finish = self.epoch + max(FINISH_EVERY, self.epoch // 10)
            return self._finish(params)  # within a stage too: the bands may already hold the kinks' rows
        if self._finish(params) or self.loss.mu <= MU_END:
            return True
        self._next_stage(params)
        return False

    def _finish(self, params: dict[str, Array], last: bool = False) -> bool:
        """Try the exact optimum from the rows in this stage's bands; certified, the model takes it.
        With l2, Newton's steps once per smoothing (and ``last``, when the epochs ran out)."""
        if self.model is None or self.check is None or self.gtol is None:
            return False
        newton, self.newton_mu = self.loss.mu < self.newton_mu, min(self.newton_mu, self.loss.mu)
        exact = exact_optimum(self.check, params, self.loss.mu, newton=newton or last)
        if exact is None:
            return False
        self.model.set_params(exact)
        self.exact, self.check.distance = True, 0.0
        return True

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
        """The exact optimum certified from where it stopped (the model takes it), or at the last
        smoothing within ``gtol`` of its optimum (asked when the epochs run out)."""
        if self._finish(params, last=True):
            return True
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
                optimizer: "Optimizer | None", check: OptimumCheck | None,
                model: "Model | None" = None) -> "OptimumCheck | Continuation | None":
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
    return Continuation(loss, optimizer, check, lam, pen, chosen=est.lr is None, every=every, model=model)
