r"""How far a linear fit stands from its optimum, so that "converged" means it.

A loss that stops improving by ``tol`` is only a hint: on an ill-conditioned problem the
loss flattens long before the coefficients settle. :class:`OptimumCheck` estimates the
distance to the minimiser by the Newton step, :math:`\theta - \theta^* \approx H(\theta)^{-1}
G(\theta)` (exact for the squared loss), on ``coef_`` in the data's units, relative:
:math:`\lVert \Delta\text{coef}\rVert / \lVert\text{coef} - \Delta\text{coef}\rVert \le \text{gtol}`.
It is checked when the loss stalls: "converged" needs both. :math:`H` is factored once
(:mod:`descentlab.estimators.newton`), so with the moments' constant :math:`H` a check costs
:math:`O(n^2)`. On rows a new :math:`H` costs a pass: the next new one waits a tenth of the
epochs run (at least 10), the epochs between solve the last one's factor again, and a step
below ``gtol`` there is confirmed on a new :math:`H`.
Derivation: :doc:`/maths/convergence`, "The Newton step as a distance".
"""

import math
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from descentlab.core.models import linear_backward, linear_forward, linear_hessian
from descentlab.core.stepsize import row_sample
from descentlab.core.xp import is_numpy, namespace, to_numpy
from descentlab.errors import DivergenceError, divergence_message
from descentlab.estimators.device import Array
from descentlab.estimators.newton import NewtonSolver
from descentlab.fast.sparse import MAX_HESSIAN_FEATURES

if TYPE_CHECKING:
    from descentlab.core.losses import Loss
    from descentlab.core.optimizers import Optimizer
    from descentlab.core.penalties import Penalty
    from descentlab.estimators.base import GDEstimator
    from descentlab.estimators.problem import Objective, Problem

#: Rows the Hessian of a rows problem is estimated on (the gradient uses all of them).
HESSIAN_ROWS = 20_000


class OptimumCheck:
    r"""``check(params, grads, stalled) -> bool``: whether ``params`` is within ``gtol`` of the optimum.

    Parameters
    ----------
    gtol : float or None
        The largest relative distance on ``coef_`` that counts as converged (None: the check is used for its Hessian only).
    unit : ndarray
        ``coef_`` per unit of ``W`` (:math:`s_y/s` for a regressor, :math:`1/s` for a classifier).
    penalty : Penalty or None
    objective : callable or None
        A full-batch objective whose ``moments`` give the Hessian (the squared loss), or
        with a ``hessian(params)`` method (data in blocks).
    Z, t, loss, sample_weight : the rows, when there is no objective.
    standardized : bool, default=True
        Whether the features were standardised (the warning says why it matters).

    Examples
    --------
    >>> from descentlab.core.losses import MeanSquaredError
    >>> from descentlab.estimators import GDRegressor
    >>> from descentlab.estimators.problem import rows_problem
    >>> reg = GDRegressor(solver="gd")
    >>> problem = rows_problem(reg, np.array([[0.0], [1.0], [2.0]]), np.array([1.0, 3.0, 5.0]))
    >>> model = reg._build_model(1, np.random.default_rng(0))  # weights 0: the whole way to go
    >>> check = optimum_check(reg, problem, MeanSquaredError(), None, model)
    >>> check.measure(model.params), check(model.params, None, stalled=True)
    (1.0, False)
    >>> check.holds(model.params), check.unconverged_message(50, model.params)  # when the epochs run out
    (False, 'training used all 50 epochs and stopped an estimated 1 (relative, on coef_) from the optimum, ...')
    """

    def __init__(self, gtol: float | None, unit: Array, penalty: "Penalty | None" = None,
                 objective: "Objective | None" = None, Z: Array = None, t: Array = None,
                 loss: "Loss | None" = None, sample_weight: Array = None, standardized: bool = True,
                 fit_intercept: bool = True) -> None:
        self.gtol, self.unit, self.penalty = gtol, np.asarray(to_numpy(unit), dtype=float), penalty
        self.standardized, self.fit_intercept = standardized, fit_intercept
        self.objective, self.Z, self.t, self.loss, self.w = objective, Z, t, loss, sample_weight
        self.distance, self.next_check, self.epoch = math.inf, 0, 0
        self.solvable = True  # whether the last measure had a Newton step (a Hessian with G in its range)
        self.minibatch = False  # set by the first epoch that brings no full gradient
        self._fixed_H: NDArray[np.float64] | None = None
        self._last_H: NDArray[np.float64] | None = None  # the Hessian of the last measure
        self._factor: tuple[bytes, NDArray[np.float64], NewtonSolver] | None = None
        if objective is not None and hasattr(objective, "moments"):
            self._fixed_H = self._with_penalty(to_numpy(objective.moments.hessian()),
                                               (objective.moments.n_features,))

    # -- the pieces of the Newton step ---------------------------------------------------
    def _gradient(self, params: dict[str, Array]) -> dict[str, NDArray[np.float64]]:
        """The smooth part's gradient at ``params`` (loss and l2), over all rows."""
        if self.objective is not None:
            grads = self.objective(params)[1]
        else:
            assert self.loss is not None  # the rows come with their loss
            y_pred = linear_forward(self.Z, params["W"], params["b"])
            g = self.loss.grad(self.t, y_pred) if self.w is None else self.loss.grad(self.t, y_pred, sample_weight=self.w)
            dW, db = linear_backward(self.Z, g)
            grads = {"W": dW, "b": db}
        return _host(grads if self.penalty is None else self.penalty.add_grad(params, grads))

    def _with_penalty(self, H: NDArray[np.float64], W_shape: tuple[int, ...]) -> NDArray[np.float64]:
        """``H`` plus the l2 part's diagonal on the weights (never on the bias)."""
        if self.penalty is None or "W" not in self.penalty.l2:
            return H
        H = H.copy()
        n_w = int(np.prod(W_shape))
        idx = np.arange(n_w)
        H[idx, idx] += np.broadcast_to(to_numpy(self.penalty.l2["W"]), W_shape).ravel()
        return H

    def _hessian(self, params: dict[str, NDArray[np.float64]]) -> NDArray[np.float64]:
        r""":math:`H` over :math:`[\operatorname{vec} W, b]` (:func:`descentlab.core.models.linear_hessian`),
        on at most :data:`HESSIAN_ROWS` evenly spaced rows, or the objective's own."""
        if self._fixed_H is not None:
            return self._fixed_H
        if self.objective is not None and hasattr(self.objective, "hessian"):  # blocks: one pass
            return self._with_penalty(self.objective.hessian(params), np.shape(params["W"]))
        assert self.loss is not None  # the rows come with their loss
        rows = row_sample(np.arange(self.Z.shape[0]), HESSIAN_ROWS)
        Z = _rows(self.Z, rows)  # on the host: the check is O(n^2) NumPy work on a sample
        h = self.loss.hessian_rows(_rows(self.t, rows), linear_forward(Z, params["W"], params["b"]))
        if self.w is not None:
            h = h * np.reshape(_rows(self.w, rows), (-1,) + (1,) * (h.ndim - 1))
        return self._with_penalty(linear_hessian(Z, h) / len(rows), np.shape(params["W"]))

    def _subgradient(self, params: dict[str, NDArray[np.float64]], grads: dict[str, NDArray[np.float64]],
                     ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """The minimum-norm subgradient of loss plus penalty, flattened as ``[vec W, b]``."""
        gW, W = np.asarray(grads["W"], dtype=float), np.asarray(params["W"], dtype=float)
        if self.penalty is not None and self.penalty.has_prox and "W" in self.penalty.l1:
            kappa = np.broadcast_to(to_numpy(self.penalty.l1["W"]), W.shape)
            gW = np.where(W != 0, gW + kappa * np.sign(W), np.sign(gW) * np.maximum(np.abs(gW) - kappa, 0.0))
        return np.concatenate([gW.ravel(), np.ravel(grads["b"])]), W

    # -- the rule ------------------------------------------------------------------------
    def _solver(self, H: NDArray[np.float64], free: NDArray[np.bool_]) -> NewtonSolver:
        """``H[free, free]`` factored (:class:`~descentlab.estimators.newton.NewtonSolver`), kept while both stay."""
        key = free.tobytes()
        if self._factor is None or self._factor[0] != key or self._factor[1] is not H:
            self._factor = key, H, NewtonSolver(H if free.all() else H[np.ix_(free, free)])
        return self._factor[2]

    def measure(self, params: dict[str, Array], grads: dict[str, Array] | None = None,
                reuse: bool = False) -> float:
        """The relative distance on ``coef_`` to the optimum, estimated by the Newton step
        (``reuse``: on the rows Hessian of the last measure, if any, instead of a new one)."""
        grads = self._gradient(params) if grads is None else _host(grads)
        params = _host(params)  # a device fit's parameters, checked on the host
        G, W = self._subgradient(params, grads)
        H = self._last_H if reuse and self._last_H is not None else self._hessian(params)
        self._last_H = H
        free = np.ones(G.size, bool)
        free[:W.size] = (W.ravel() != 0) | (G[:W.size] != 0)  # l1: the zeros that stay zeros are exact
        free[W.size:] = self.fit_intercept  # a bias held at 0 is not free
        step = np.zeros(G.size)
        solvable = True
        if np.any(G[free]):
            # a gradient outside H's range: the quadratic has no minimum there (flat curvature)
            step[free], solvable = self._solver(H, free)(G[free])
        unit = np.broadcast_to(self.unit, W.shape)
        dW = step[:W.size].reshape(W.shape)  # the optimum is about W - dW: measure against it
        delta, coef = np.linalg.norm(unit * dW), np.linalg.norm(unit * (W - dW))
        self.distance = float(delta / coef) if coef > 0 else (0.0 if delta == 0 else math.inf)
        self.solvable = bool(solvable)
        if not solvable:
            return math.inf  # no estimate: not converged
        return self.distance

    @property
    def asks_again(self) -> bool:
        """Whether to be asked again the next stalled epoch after a failed check (``train``'s
        ``converged``): full gradients, and a Hessian kept, so a check costs one solve."""
        return not self.minibatch and (self._fixed_H is not None or self._last_H is not None)

    def __call__(self, params: dict[str, Array], grads: dict[str, Array] | None, stalled: bool) -> bool:
        """Whether training may stop as converged after this epoch: only once the loss
        has stalled (``tol``) *and* the distance is below ``gtol``. ``grads``: the full
        gradient at ``params``, or None after mini-batches (then computed here)."""
        self.epoch += 1
        self.minibatch = grads is None
        if not stalled:
            return False
        assert self.gtol is not None  # None: a check built for its Hessian only (optimum_check's always)
        if self._fixed_H is None and self.epoch < self.next_check:  # rows: a Hessian costs a pass
            if grads is None or self._last_H is None or self.measure(params, grads, reuse=True) > self.gtol:
                return False  # (the last check's Hessian, solved again: a new one only to confirm)
        self.next_check = self.epoch + max(10, self.epoch // 10)
        return self.measure(params, grads) <= self.gtol

    def holds(self, params: dict[str, Array]) -> bool:
        """Whether ``params`` is within ``gtol`` of the optimum now, stalled or not (asked once,
        when the epochs run out: the distance, not the loss's last change, is what converged means)."""
        return self.gtol is not None and self.measure(params) <= self.gtol

    def unconverged_message(self, n_epochs: int, params: dict[str, Array]) -> str:
        """The warning when the budget ran out: how far it stopped and what to change."""
        self.measure(params)
        distance = self.distance  # the Newton step's size, even where it certifies nothing
        why = ("; raw features are scaled (the diagonal preconditioner) but not centred, so columns "
               "far from 0 move with the bias: standardize=True centres them" if not self.standardized else "")
        if self.minibatch:
            why += ("; mini-batch steps of a fixed size wander about the optimum: train full-batch "
                    "(batch_size=None) or with a decaying schedule")
        return (f"training used all {n_epochs} epochs and stopped an estimated {distance:.2g} "
                f"(relative, on coef_) from the optimum, above gtol={self.gtol:g}: raise epochs "
                f"(e.g. epochs={4 * n_epochs}) or gtol{why}")

    def __repr__(self) -> str:
        return f"OptimumCheck(gtol={self.gtol!r}, distance={self.distance:.3g})"


def _host(arrays: dict[str, Array]) -> dict[str, NDArray[np.float64]]:
    """A dict of arrays on the host (NumPy): a device fit's copied (small: one per parameter)."""
    return {k: v if is_numpy(v) else to_numpy(v) for k, v in arrays.items()}


def _take(a: Array, rows: NDArray[np.intp]) -> Array:
    """The rows ``rows`` (a NumPy index) of ``a``, in ``a``'s namespace and on its device."""
    if is_numpy(a):
        return np.asarray(a)[rows]
    if hasattr(a, "take_rows"):  # sparse rows (descentlab.fast.sparse)
        return a.take_rows(rows)
    xp = namespace(a)
    return xp.take(a, xp.asarray(rows, device=a.device), axis=0)


def _rows(a: Array, rows: NDArray[np.intp]) -> NDArray[Any]:
    """The rows ``rows`` of ``a`` as NumPy (taken on ``a``'s device first, then copied)."""
    taken = _take(a, rows)
    return taken if hasattr(taken, "take_rows") else to_numpy(taken)


def optimum_check(est: "GDEstimator", problem: "Problem", loss: "Loss", penalty: "Penalty | None",
                  model: Any, always: bool = False) -> OptimumCheck | None:
    """A linear estimator's :class:`OptimumCheck` for ``problem`` (None where it has none;
    ``always``: on rows whatever the settings, for its Hessian).

    >>> from descentlab.estimators import GDRegressor
    >>> optimum_check(GDRegressor(gtol=None), None, None, None, None) is None  # tol alone
    True
    """
    if not always and (est.gtol is None or est.tol is None or est.early_stopping):
        return None  # (a kinked loss is checked smoothed: descentlab.estimators.kinked)
    unit = est._penalty_scales(problem, model)[0]["W"]
    if problem.objective is not None:
        rows = getattr(problem.objective, "rows", None)  # rows in memory: the Hessian on a sample
        if rows is None and not hasattr(problem.objective, "moments") and not hasattr(problem.objective, "hessian"):
            return None  # the fused pass keeps no rows to take a Hessian from
        return OptimumCheck(est.gtol, unit, penalty, objective=problem.objective, loss=loss, **(rows or {}),
                            standardized=est.standardize, fit_intercept=est.fit_intercept)
    Z, t, w = problem.Z, problem.t, problem.sample_weight
    if hasattr(Z, "weighted_gram") and Z.shape[1] > MAX_HESSIAN_FEATURES:
        return None  # sparse rows with many features: no n x n Hessian, the loss rule tol alone
    if problem.rows is not None:
        Z, t = _take(Z, problem.rows), _take(t, problem.rows)
        w = None if w is None else _take(w, problem.rows)
    return OptimumCheck(est.gtol, unit, penalty, Z=Z, t=t, loss=loss, sample_weight=w,
                        standardized=est.standardize, fit_intercept=est.fit_intercept)


def divergence_error(est: "GDEstimator", exc: DivergenceError, lr: float, optimizer: "Optimizer",
                     lam: float, n_samples: int) -> DivergenceError:
    """The DivergenceError of estimator ``est``: the epoch, the stable bound and the fix.

    >>> from descentlab.estimators import GDRegressor
    >>> GDRegressor(lr=5.0, optimizer="gd").fit([[0.0], [1.0], [2.0], [3.0]], [1.0, 3.0, 5.0, 7.0])
    Traceback (most recent call last):
    descentlab.errors.DivergenceError: training diverged at epoch 4: ... learning rate 5 is above 2, the stable bound of 'gd' on the standardised data: lower the learning rate below 2 (left unset it is 1)
    """
    bound, auto = optimizer.stable_lr(lam), est._default_lr(lam, n_samples)
    data = "the standardised data" if est.standardize else "this data"
    minibatch = est.batch_size is not None and est.batch_size < n_samples
    noisier = " (mini-batches are noisier than the full batch)" if minibatch else ""
    if bound is None:
        name = f"{type(optimizer).__name__} has no fixed stable bound"
        fix = f"lower the learning rate (e.g. {min(lr / 10, auto):.3g}){noisier}"
    else:
        name = f"the stable bound of {est.optimizer!r} on {data}"
        if est.lr is None:
            fix = f"set a learning rate below the one chosen from the data, e.g. lr={lr / 10:.3g}{noisier}"
        elif lr > bound:
            fix = f"lower the learning rate below {bound:.3g} (left unset it is {auto:.3g})"
        else:
            fix = f"lower the learning rate to {min(lr / 10, auto):.3g}{noisier}"
    if not est.standardize:
        fix += " or scale the features (standardize=True)"
    return DivergenceError(divergence_message(exc.epoch, exc.loss, lr, bound, bound_name=name, fix=fix),
                           epoch=exc.epoch, loss=exc.loss, history=exc.history)
