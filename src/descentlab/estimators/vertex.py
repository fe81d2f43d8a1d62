r"""The exact optimum of a piecewise-linear loss, from the rows gradient descent found near its kinks.

Gradient descent on the smoothed loss (:class:`descentlab.estimators.continuation.Continuation`)
gets near the optimum, but the exact optimum of a piecewise-linear loss sits where some rows lie
*exactly* on a kink (a linear program's vertex): the smoothing only approaches it. GD's part is to
find the few rows that matter: those within the kinks' bands (:math:`B`); every other row keeps
its side, so its loss is linear near the optimum. The finish of Madsen and Nielsen's finite
smoothing algorithm ("A finite smoothing algorithm for linear l1 estimation", SIAM J. Optim. 1993)
then solves for the vertex:

1. Without a penalty, the small linear program on :math:`B` (the other rows a linear term), by
   SciPy's HiGHS (:meth:`_Column._vertex`); a row outside :math:`B` that crosses its kink joins.
2. The rows :math:`A` of its answer on their kinks fix the parameters :math:`\theta = [W, b]`
   exactly: :math:`\tilde Z_A \theta = k_A`, with :math:`\tilde z_i = (z_i, 1)` and :math:`k_i`
   the prediction at row :math:`i`'s kink (with an l2 penalty :math:`P`, the KKT system
   :math:`P\theta + \tilde Z_A^\top \nu = -g - \kappa\operatorname{sign}\theta`, :math:`\tilde Z_A \theta = k_A`).
3. The certificate, the optimality conditions of the convex problem, all checked on every row:
   the kink rows' slopes :math:`\nu_i N / w_i` within their intervals :math:`[l_i, h_i]` of
   :math:`\partial\ell/\partial\hat y` (bounded least squares where the rows outnumber the
   parameters) with

   .. math:: g + \tilde Z_A^\top \nu + P\theta + \kappa \operatorname{sign}\theta = 0, \qquad
             g = \tfrac1N \sum_{i \notin A} w_i\,\ell'_i(\theta)\,\tilde z_i,

   every other row on the side its slope :math:`\ell'_i` assumed, a weight at 0 under l1 with
   :math:`|\partial_j| \le \kappa_j` and one off 0 keeping its sign. Then 0 is in the
   subdifferential: :math:`\theta` is a minimiser, exact to rounding.

Where a check fails the rows were not yet the right ones: :func:`exact_optimum` says None and GD
goes on. The certificate, not HiGHS's word, is what "converged" rests on.
Derivation: :doc:`/maths/kinks`, "The exact finish".
"""

from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from descentlab.core.losses import EpsilonInsensitive, Hinge, QuantileLoss
from descentlab.core.models import linear_backward, linear_forward
from descentlab.core.xp import like, to_numpy
from descentlab.estimators.newton_finish import smoothed_minimiser

if TYPE_CHECKING:
    from descentlab.estimators.convergence import OptimumCheck

Floats = NDArray[np.float64]
#: Relative tolerance of the certificate (slopes, sides, the system's residual): rounding, not accuracy.
TOL = 1e-9
#: The most rows in the bands a finish starts from: per free parameter, and as a share of all rows
#: (more: GD has not yet found the kinks' rows; the finish is a small problem beside the GD).
MAX_ROWS_PER_PARAM, MAX_SHARE = 50, 0.1
#: The most kink rows of a system with an l2 penalty, per parameter (its KKT matrix is square in
#: parameters plus rows; the optimum generically has at most as many rows on the margin as parameters).
MAX_KKT_ROWS = 2
#: The smallest smoothing Newton's continuation goes down to (the continuation's last).
NEWTON_FLOOR = 1e-6


def kinks(loss: Any, t: Floats, y_pred: Floats) -> tuple[Floats, Floats, Floats, Floats]:
    r"""Per row: the prediction at its nearest kink, the interval ``[lo, hi]`` of the loss's
    slopes :math:`\partial\ell/\partial\hat y` there, and its (exact) slope at ``y_pred``.

    >>> k, lo, hi, slope = kinks(QuantileLoss(0.2), np.array([1.0, 1.0]), np.array([0.0, 2.0]))
    >>> k, lo, hi, slope  # the kink at y; under-predicting costs -q, over 1 - q
    (array([1., 1.]), array([-0.2, -0.2]), array([0.8, 0.8]), array([-0.2,  0.8]))
    """
    if isinstance(loss, QuantileLoss):
        q, u = loss.quantile, t - y_pred
        lo, hi = np.full_like(u, -q), np.full_like(u, 1.0 - q)
        return t, lo, hi, np.where(u > 0, lo, np.where(u < 0, hi, 0.0))
    if isinstance(loss, EpsilonInsensitive):
        r = y_pred - t
        side = np.where(r >= 0, 1.0, -1.0)  # the tube's nearer edge (epsilon 0: one kink, slopes [-1, 1])
        lo, hi = np.minimum(side, 0.0), np.maximum(side, 0.0)
        if loss.epsilon == 0:
            lo, hi = -np.ones_like(r), np.ones_like(r)
        return t + side * loss.epsilon, lo, hi, np.sign(r) * (np.abs(r) > loss.epsilon)
    if isinstance(loss, Hinge):
        s = 2.0 * t - 1.0
        return s, np.minimum(-s, 0.0), np.maximum(-s, 0.0), -s * (s * y_pred < 1.0)
    raise TypeError(f"{type(loss).__name__} has no kinks to finish on")


def exact_optimum(check: "OptimumCheck", params: dict[str, Any], mu: float,
                  newton: bool = True) -> dict[str, Any] | None:
    """The certified exact optimum near ``params`` (in their namespace), or None where the rows
    on the kinks (within ``mu``'s band) do not give one. A pass over ``check``'s rows per try;
    ``newton``: with l2, Newton's steps too (:meth:`_Column._newton`, the costly part).

    >>> from descentlab.estimators.convergence import OptimumCheck
    >>> Z, t = np.arange(5.0)[:, None], np.array([0.0, 1.2, 1.9, 3.1, 4.0])
    >>> check = OptimumCheck(1e-4, np.ones(1), Z=Z, t=t, loss=QuantileLoss(0.5))
    >>> exact = exact_optimum(check, {"W": np.array([0.98]), "b": np.array(0.05)}, mu=0.1)
    >>> exact["W"], abs(float(exact["b"])) < 1e-12  # the median line, through (0, 0) and (4, 4)
    (array([1.]), True)
    >>> exact_optimum(check, {"W": np.array([0.5]), "b": np.array(0.0)}, mu=0.1) is None  # too far
    True
    """
    if check.loss is None or check.Z is None:
        return None
    Z, W_ref, b_ref, t_ref = check.Z, params["W"], params["b"], check.t
    W, b = to_numpy(W_ref).astype(float), to_numpy(b_ref).astype(float)
    n, d = Z.shape
    t = to_numpy(t_ref).astype(float).reshape(n, -1)
    y_pred = to_numpy(linear_forward(Z, W_ref, b_ref)).reshape(n, -1)
    c = np.ones(n) / n if check.w is None else to_numpy(check.w).astype(float) / n
    cols, pen = t.shape[1], check.penalty
    l2, l1 = ((np.zeros((d, cols)) if pen is None or "W" not in part else
               np.reshape(np.broadcast_to(to_numpy(part["W"]), W.shape), (d, cols)))
              for part in ({} if pen is None else pen.l2, {} if pen is None else pen.l1))
    W2, b1 = W.reshape(d, cols).copy(), np.atleast_1d(b).astype(float).copy()

    def forward(theta: Floats) -> Floats:
        return to_numpy(linear_forward(Z, like(theta[:-1], W_ref), like(theta[-1], b_ref)))

    def backward(g: Floats) -> Floats:
        gW, gb = linear_backward(Z, like(g, t_ref))
        grad: Floats = np.r_[to_numpy(gW), float(to_numpy(gb))]
        return grad

    for j in range(cols):
        column = _Column(check.loss, t[:, j], c, forward, backward, Z,
                        np.r_[W2[:, j], b1[j]], l2[:, j], l1[:, j], check.fit_intercept)
        theta = column.optimum(y_pred[:, j], mu, newton)
        if theta is None:
            return None
        W2[:, j], b1[j] = theta[:-1], theta[-1]
    return {"W": like(W2.reshape(W.shape), W_ref), "b": like(b1.reshape(np.shape(b)), b_ref)}


class _Column:
    """One output's problem (the losses and penalties are sums over outputs): its rows' targets
    ``t`` and weights ``c`` (over N), ``forward(theta)`` and ``backward(g)`` over all rows."""

    def __init__(self, loss: Any, t: Floats, c: Floats, forward: Any, backward: Any, Z: Any,
                 theta: Floats, l2: Floats, l1: Floats, fit_intercept: bool) -> None:
        self.loss, self.t, self.c, self.forward, self.backward, self.Z = loss, t, c, forward, backward, Z
        self.theta, self.P, self.kappa = theta, np.r_[l2, 0.0], np.r_[l1, 0.0]
        self.free = np.r_[(theta[:-1] != 0) | (l1 == 0), fit_intercept]  # an l1 zero stays 0

    def rows(self, rows: NDArray[np.intp]) -> Floats:
        """The standardised rows ``rows``, dense."""
        return _dense(self.Z, rows)

    def optimum(self, y_pred: Floats, mu: float, newton: bool = True) -> Floats | None:
        """The certified optimum from the rows in ``mu``'s bands: for a linear program (no
        penalty) the small linear program on them (:meth:`_vertex`), else the system on them."""
        k, lo, hi, slope = kinks(self.loss, self.t, y_pred)
        band = np.flatnonzero(np.abs(y_pred - k) <= mu * np.maximum(hi - lo, 1.0))
        n_free = int(self.free.sum())
        if not n_free <= len(band) <= MAX_ROWS_PER_PARAM * n_free:
            return None
        lp = not np.any(self.P > 0)  # with an l1 part too: still a linear program
        theta = self._vertex(band, y_pred) if lp and len(band) <= MAX_SHARE * len(self.t) else None
        theta = theta if theta is not None else self._solve(band, k[band], slope)
        return theta if theta is not None or lp or not newton else self._newton(mu)

    def _newton(self, mu: float) -> Floats | None:
        """With l2: the rows strictly inside the bands at the smoothed minimisers of ``mu`` and
        each tenth of it down to :data:`NEWTON_FLOOR`, each warm-started from the last
        (:func:`~descentlab.estimators.newton_finish.smoothed_minimiser`): continuation by Newton."""
        theta: Floats | None = self.theta
        while mu >= NEWTON_FLOOR and theta is not None:
            theta = smoothed_minimiser(self, mu, theta)
            if theta is None:
                return None
            y = self.forward(theta)
            k, lo, hi, slope = kinks(self.loss, self.t, y)
            inside = np.flatnonzero(((y - k) / mu > lo) & ((y - k) / mu < hi))
            found = self._solve(inside, k[inside], slope, theta) if len(inside) else None
            if found is not None:
                return found
            mu /= 10
        return None

    def _vertex(self, rows: NDArray[np.intp], y_pred: Floats) -> Floats | None:
        r"""The linear program on ``rows``, each as its nearest kink :math:`\max(l(\hat y - k), h(\hat y - k))`
        (a slack :math:`e_i` above both), the others at their slopes (a linear term), by SciPy's
        HiGHS; rows outside that cross a kink join, and it is solved again. An l1 penalty adds
        :math:`\kappa_j s_j` with :math:`s_j \ge |W_j|`. Its rows on their kinks and its zero weights
        then go to :meth:`_solve`."""
        from scipy.optimize import linprog

        theta, l1 = self.theta, np.flatnonzero(self.kappa[:-1] > 0)
        free = np.r_[np.ones(len(theta) - 1, bool), self.free[-1]]  # the program decides the zeros
        p, q = int(free.sum()), len(l1)
        for _ in range(5):
            k, lo, hi, slope = kinks(self.loss, self.t, y_pred)
            inside = np.zeros(len(self.t), bool)
            inside[rows] = True
            g = self.backward(np.where(inside, 0.0, slope) * self.c)
            Z1 = np.c_[_dense(self.Z, rows), np.ones(len(rows))]
            shift = k[rows] - Z1[:, ~free] @ theta[~free]
            m, eye, pick = len(rows), np.eye(len(rows)), np.eye(p)[l1]  # pick: W_j of the l1 weights
            A_ub = np.r_[np.c_[lo[rows, None] * Z1[:, free], -eye, np.zeros((m, q))],
                         np.c_[hi[rows, None] * Z1[:, free], -eye, np.zeros((m, q))],
                         np.c_[pick, np.zeros((q, m)), -np.eye(q)], np.c_[-pick, np.zeros((q, m)), -np.eye(q)]]
            b_ub = np.r_[lo[rows] * shift, hi[rows] * shift, np.zeros(2 * q)]
            res = linprog(np.r_[g[free], self.c[rows], self.kappa[l1]], A_ub=A_ub, b_ub=b_ub,
                          bounds=[(None, None)] * (p + m + q), method="highs")
            if res.status != 0:
                return None  # unbounded on these rows: too few of them
            new = theta.copy()
            new[free] = res.x[:p]
            new[l1[np.abs(new[l1]) <= TOL * (1.0 + np.abs(new[:-1]).max())]] = 0.0  # HiGHS's zeros, exact
            y_pred = self.forward(new)
            k_new, lo_new, hi_new, slope_new = kinks(self.loss, self.t, y_pred)
            crossed = ~inside & (slope_new != slope)
            if not crossed.any():
                break
            rows = np.r_[rows, np.flatnonzero(crossed)]
        else:
            return None
        gap = np.abs(y_pred - k_new) / (1.0 + np.abs(k_new))
        at = np.flatnonzero(gap <= 1e-7)  # on their kinks, to HiGHS's feasibility tolerance
        at = at[np.argsort(gap[at], kind="stable")]
        p = int(np.sum(new[:-1] != 0) + free[-1])  # a vertex: as many rows on kinks as nonzero parameters
        for rows in (at[:p], at) if len(at) > p else (at,):  # nearly degenerate: the vertex's own rows first
            found = self._solve(rows, k_new[rows], slope_new, new) if len(rows) else None
            if found is not None:
                return found
        return None

    def _solve(self, rows: NDArray[np.intp], k: Floats, slope: Floats, theta: Floats | None = None) -> Floats | None:
        """The rows ``rows`` on their kinks ``k``, the others at ``slope``: :math:`\\theta` from the
        system (no l2: the rows alone fix it), then the kink rows' slopes within their intervals
        (bounded least squares where the rows are more than the parameters); a row that crossed a
        kink takes its new slope and it is solved again (3 tries). The certificate, or None.
        ``theta``'s zero weights under l1 stay 0 (default: where GD stands)."""
        theta = self.theta if theta is None else theta
        free = np.r_[(theta[:-1] != 0) | (self.kappa[:-1] == 0), self.free[-1]]
        p = int(free.sum())
        ZA1 = np.c_[_dense(self.Z, rows), np.ones(len(rows))]
        A, c = ZA1[:, free], self.c[rows]
        shift = k - ZA1[:, ~free] @ theta[~free]  # the zero weights (l1) and a bias held at 0
        sign, l2 = np.sign(theta[free]), np.any(self.P > 0)
        if np.any(c <= 0) or (l2 and len(rows) > MAX_KKT_ROWS * p):
            return None
        in_A = np.zeros(len(self.t), bool)
        in_A[rows] = True
        new = theta.copy()
        if not l2:  # a linear program's vertex: the kink rows alone fix theta
            new[free] = np.linalg.lstsq(A, shift, rcond=None)[0]
            if np.linalg.norm(A @ new[free] - shift) > TOL * (1.0 + np.linalg.norm(shift)):
                return None  # no point puts all these rows on their kinks: not the right rows
        for _ in range(3):
            grad = self.backward(np.where(in_A, 0.0, slope) * self.c)
            if l2:  # [[P, A^T], [A, 0]] [theta; nu c] = [-g - kappa sign, k]
                K = np.block([[np.diag(self.P[free]), A.T], [A, np.zeros((len(rows), len(rows)))]])
                rhs = np.r_[-grad[free] - self.kappa[free] * sign, shift]
                x = np.linalg.lstsq(K, rhs, rcond=None)[0]
                if np.linalg.norm(K @ x - rhs) > TOL * (1.0 + np.linalg.norm(rhs)):
                    return None
                new[free] = x[:p]
            y_new = self.forward(new)
            k_new, lo, hi, slope_new = kinks(self.loss, self.t, y_new)
            at_kink = np.abs(y_new - k_new) <= TOL * (1.0 + np.abs(k_new))
            held = in_A | (slope_new == slope) | (at_kink & (lo <= slope) & (slope <= hi))
            if np.all(held):
                break
            slope = np.where(in_A, slope, slope_new)  # the rows that crossed, on their new side
        else:
            return None
        target = -grad[free] - self.kappa[free] * sign - self.P[free] * new[free]
        mu_c = _bounded(A.T, target, lo[rows] * c, hi[rows] * c)  # each kink row's slope, times c
        stationary = grad + ZA1.T @ mu_c  # the loss's gradient at new; l1 zeros need |.| <= kappa
        zeros, l1_signs = ~free[:-1], self.kappa[free] > 0  # a weight off 0 under l1 keeps its sign
        ok = (np.linalg.norm(A.T @ mu_c - target) <= TOL * (1.0 + np.linalg.norm(target))
              and np.all(at_kink[rows]) and np.all(np.sign(new[free])[l1_signs] == sign[l1_signs])
              and np.all(np.abs(stationary[:-1][zeros]) <= self.kappa[:-1][zeros] * (1 + TOL) + TOL))
        return new if ok else None


def _bounded(A: Floats, b: Floats, lo: Floats, hi: Floats) -> Floats:
    """:math:`x` with :math:`A x \\approx b`, :math:`lo \\le x \\le hi`: the least-squares answer
    where it is within the bounds, else SciPy's bounded-variable least squares."""
    x = np.linalg.lstsq(A, b, rcond=None)[0]
    width = TOL * (1.0 + hi - lo)
    if np.all(x >= lo - width) and np.all(x <= hi + width):
        return np.clip(x, lo, hi)
    from scipy.optimize import lsq_linear

    return np.asarray(lsq_linear(A, b, bounds=(lo, hi), method="bvls").x)


def _dense(Z: Any, rows: NDArray[np.intp]) -> Floats:
    """The rows ``rows`` of the standardised ``Z`` as a dense NumPy array (a few rows)."""
    if hasattr(Z, "take_rows"):  # sparse rows: Z[rows] @ I, column by column at once
        return np.asarray(Z.take_rows(rows) @ np.eye(Z.shape[1]))
    if isinstance(Z, np.ndarray):
        return np.asarray(Z[rows], dtype=float)
    from descentlab.estimators.convergence import _rows

    return np.asarray(_rows(Z, rows), dtype=float)
