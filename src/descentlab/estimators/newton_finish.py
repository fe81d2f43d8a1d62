r"""The exact minimiser of a smoothed kinked loss with an l2 penalty, by Newton's method.

With an l2 penalty a piecewise-linear objective's optimum is no longer a linear program's
vertex, so :mod:`~descentlab.estimators.vertex`'s small linear program does not apply. But the
smoothed objective :math:`F_\mu` is piecewise quadratic: Newton's method with a backtracking line
search reaches its exact minimiser :math:`\theta_\mu` in finitely many steps (each step solves
:math:`H\Delta = G` with :math:`H = \tilde Z_B^\top \operatorname{diag}(w_i/(N\mu)) \tilde Z_B + P`
over the rows :math:`B` in the bands), and :math:`\theta_\mu` is piecewise linear in :math:`\mu`:
once :math:`\mu` is below the last change of which rows lie in the bands, the rows strictly
inside them at :math:`\theta_\mu` are the exact optimum's rows on their kinks (Madsen and
Nielsen, 1993). :func:`smoothed_minimiser` gives :math:`\theta_\mu`; the certificate is
:meth:`descentlab.estimators.vertex._Column._solve`'s, as for every finish.
Derivation: :doc:`/maths/kinks`, "The exact finish".
"""

from typing import Any

import numpy as np
from numpy.typing import NDArray

Floats = NDArray[np.float64]
#: Newton steps per smoothing, and halvings of a step in its line search.
STEPS, HALVINGS = 50, 30


def smoothed_minimiser(column: Any, mu: float, start: Floats | None = None) -> Floats | None:
    """:math:`\\theta_\\mu` of ``column``'s problem (a :class:`~descentlab.estimators.vertex._Column`
    with ``P > 0``) from ``start`` (default: where it stands), or None when Newton's steps do not settle.

    >>> from descentlab.core.losses import Hinge
    >>> from descentlab.estimators.vertex import _Column
    >>> Z, t = np.array([[-2.0], [-1.0], [1.0], [2.0]]), np.array([0.0, 0.0, 1.0, 1.0])
    >>> col = _Column(Hinge(), t, np.full(4, 0.25), lambda th: Z[:, 0] * th[0] + th[1],
    ...               lambda g: np.r_[Z[:, 0] @ g, g.sum()], Z, np.zeros(2), np.array([0.5]), np.zeros(1), True)
    >>> smoothed_minimiser(col, 0.01).round(6)  # within O(mu) of the exact w = 1, b = 0
    array([0.990099, 0.      ])
    """
    loss, old = column.loss, column.loss.mu
    loss.mu = mu
    w, P, free = column.c * len(column.t), column.P, column.free
    theta = (column.theta if start is None else start).copy()

    def objective(th: Floats) -> float:
        return float(loss.loss(column.t, column.forward(th), w) + 0.5 * np.sum(P * th**2))

    try:
        for _ in range(STEPS):
            y = column.forward(theta)
            G = column.backward(loss.grad(column.t, y, w)) + P * theta
            h = loss.hessian_rows(column.t, y)
            rows = np.flatnonzero(h > 0)
            Z1 = np.c_[column.rows(rows), np.ones(len(rows))]
            H = Z1.T @ (Z1 * (column.c[rows] * h[rows])[:, None]) + np.diag(P)
            step = np.zeros_like(theta)
            step[free] = np.linalg.lstsq(H[np.ix_(free, free)], G[free], rcond=None)[0]
            if np.linalg.norm(step) <= 1e-13 * (1.0 + np.linalg.norm(theta)):
                return theta
            f0, t = objective(theta), 1.0
            for _ in range(HALVINGS):  # Armijo: the smoothed objective must fall
                if objective(theta - t * step) <= f0 - 1e-4 * t * float(G @ step):
                    break
                t /= 2
            theta = theta - t * step
        return None
    finally:
        loss.mu = old
