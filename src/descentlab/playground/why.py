r"""The why, live: the curvature of the loss a line is fitted on and what each rate does to it.

For a line :math:`y = m x + b` the half-MSE is a quadratic in :math:`\theta = (m, b)` with
Hessian :math:`H = \tilde X^\top \tilde X / N` (plus the l2 penalty's curvature on
:math:`m`). Its eigenvectors are the directions the contour map's valley runs along
(:math:`\lambda_{\min}`, the flat floor) and across (:math:`\lambda_{\max}`, the steep
walls); along each the error is multiplied every step by the optimizer's factor
(:func:`descentlab.core.convergence.contraction`): :math:`|1 - \alpha\lambda|` for plain
gradient descent, so steps start to overshoot at :math:`1/\lambda_{\max}` and diverge
past :math:`2/\lambda_{\max}`. Anchor: Goh, "Why Momentum Really Works", Distill 2017.
"""

import numpy as np
from numpy.typing import NDArray

from descentlab.core.convergence import contraction
from descentlab.core.penalties import Penalty
from descentlab.fast.moments import quadratic_form
from descentlab.playground.settings import Settings

#: The (lr, beta) map of momentum's rate: this many rates (log-spaced) by this many betas.
MAP_RATES, MAP_BETAS = 64, 50


def hessian(X: NDArray[np.float64], penalty: Penalty | None = None) -> NDArray[np.float64]:
    """The Hessian of the half-MSE of a line in ``(m, b)``, plus ``penalty``'s l2 part on ``m``.

    >>> hessian(np.array([[1.0], [3.0]]))  # [[mean x^2, mean x], [mean x, 1]]
    array([[5., 2.],
           [2., 1.]])
    """
    H, _, _ = quadratic_form(X, np.zeros(X.shape[0]))
    if penalty is not None:
        H = H + np.diag([float(penalty.l2["W"]), 0.0])
    return H


def curvature_view(s: Settings, H: NDArray[np.float64], bound: float | None) -> dict[str, object]:
    """What the page shows beside the rate slider, for validated settings ``s``.

    Returns
    -------
    dict
        ``eigenvalues`` ``[lam_min, lam_max]``, ``lam_min``, ``lam_max``, ``condition``
        (``lam_max / lam_min``, null when ``lam_min`` is 0); ``directions``: the unit
        eigenvectors in ``(m, b)``, ``[[m, b] of lam_min, [m, b] of lam_max]``;
        ``overshoot_lr`` (``1 / lam_max``) and ``diverge_lr`` (``2 / lam_max``);
        ``factors``: the optimizer's factor per step along each direction at this rate
        (null for Adam); ``rate``: the larger one (the whole error's factor per step);
        ``at_bound``: a sentence when the rate is at the optimizer's bound, else null.

    Examples
    --------
    >>> from descentlab.playground.settings import validate
    >>> view = curvature_view(validate({"lr": 0.25}), np.diag([4.0, 1.0]), bound=0.5)
    >>> view["condition"], view["overshoot_lr"], view["diverge_lr"], view["factors"]  # |1 - 0.25 lam|
    (4.0, 0.25, 0.5, [0.75, 0.0])
    """
    lams, vectors = np.linalg.eigh(H)
    lam_min, lam_max = float(lams[0]), float(lams[-1])
    factors = None
    if s["optimizer"] != "adam":
        beta = s["momentum"] if s["optimizer"] != "gd" else 0.0
        factors = [float(f) for f in contraction(s["lr"], lams, beta, s["optimizer"] == "nesterov")]
    return {
        "eigenvalues": [lam_min, lam_max], "lam_min": lam_min, "lam_max": lam_max,
        "condition": lam_max / lam_min if lam_min > 0 else None,
        "directions": [[float(v) for v in vectors[:, 0]], [float(v) for v in vectors[:, -1]]],
        "overshoot_lr": 1.0 / lam_max, "diverge_lr": 2.0 / lam_max,
        "factors": factors, "rate": None if factors is None else max(factors),
        "at_bound": at_bound(s, bound, factors),
    }


def at_bound(s: Settings, bound: float | None, factors: list[float] | None, rtol: float = 1e-6) -> str | None:
    """The sentence for a rate at the bound (within ``rtol``), else None.

    >>> from descentlab.playground.settings import validate
    >>> at_bound(validate({"lr": 0.5}), 0.5, [1.0, 0.5])[:57], at_bound(validate({"lr": 0.4}), 0.5, [0.6, 0.2])
    ('At the bound the factor along the steepest direction is 1', None)
    """
    if bound is None or factors is None or abs(s["lr"] - bound) > rtol * bound:
        return None
    return ("At the bound the factor along the steepest direction is 1: that part of the error "
            "neither shrinks nor grows, it only flips sign every step, so the loss stays flat instead "
            "of falling or blowing up. Any smaller rate converges, any larger one diverges.")


def rate_map(s: Settings, H: NDArray[np.float64]) -> dict[str, object]:
    r"""Momentum's factor per step (the worse of the two directions) over a grid of rates
    and betas, and the best point: :math:`\alpha^* = (2 / (\sqrt{\lambda_{\max}} +
    \sqrt{\lambda_{\min}}))^2`, :math:`\beta^* = ((\sqrt\kappa - 1)/(\sqrt\kappa + 1))^2`
    for heavy-ball momentum (Polyak).

    Returns
    -------
    dict
        ``lr``: ``MAP_RATES`` rates, log-spaced from ``0.01 / lam_max`` to ``4 / lam_max``;
        ``beta``: ``MAP_BETAS`` betas from 0 to 0.99; ``rate``: ``MAP_BETAS`` rows (one per
        beta) of ``MAP_RATES`` factors (1 or more: no convergence); ``current``: this
        run's ``{"lr", "beta", "rate"}``; ``best``: heavy-ball momentum's optimum.

    Examples
    --------
    >>> from descentlab.playground.settings import validate
    >>> grid = rate_map(validate({"optimizer": "momentum"}), np.diag([4.0, 1.0]))  # kappa = 4
    >>> len(grid["rate"]), len(grid["rate"][0]), {k: round(v, 4) for k, v in grid["best"].items()}
    (50, 64, {'lr': 0.4444, 'beta': 0.1111, 'rate': 0.3333})
    """
    lams = np.linalg.eigvalsh(H)
    lam_min, lam_max = float(lams[0]), float(lams[-1])
    nesterov = s["optimizer"] == "nesterov"
    lrs = np.geomspace(0.01 / lam_max, 4.0 / lam_max, MAP_RATES)
    betas = np.linspace(0.0, 0.99, MAP_BETAS)
    grid = np.maximum(*(contraction(lrs[None, :], lam, betas[:, None], nesterov) for lam in (lam_min, lam_max)))
    current = max(float(contraction(s["lr"], lam, s["momentum"], nesterov)) for lam in (lam_min, lam_max))
    out = {"lr": lrs.tolist(), "beta": betas.tolist(), "rate": grid.tolist(),
           "current": {"lr": s["lr"], "beta": s["momentum"], "rate": current}, "best": None}
    if lam_min > 0 and not nesterov:
        kappa = lam_max / lam_min
        best_lr = (2.0 / (np.sqrt(lam_max) + np.sqrt(lam_min))) ** 2
        best_beta = ((np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)) ** 2
        out["best"] = {"lr": float(best_lr), "beta": float(best_beta),
                       "rate": float((np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1))}
    return out
