r"""What the page draws, computed from a finished run (its History) and the data.

* the loss surface over :math:`(m, b)`: a grid of :math:`L(m, b)` from the loss's
  quadratic form (:func:`descentlab.fast.moments.quadratic_form`), so the grid costs the
  same for any number of rows;
* a network's fit at a capped, evenly spaced choice of epochs (its frames), and for the
  linear network the one line :math:`W_1 W_2,\; b_1 W_2 + b_2` it collapses to
  (:func:`descentlab.collapse.collapse`).
"""

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from descentlab.core.history import History
from descentlab.core.losses import MeanSquaredError
from descentlab.core.models import linear_forward
from descentlab.core.network import Network
from descentlab.core.penalties import Penalty
from descentlab.core.quadratic import least_squares, quadratic_loss
from descentlab.fast.moments import quadratic_form
from descentlab.lessons.collapse import collapse, equivalent_line, network_inputs
from descentlab.viz.sampling import frame_epochs

#: The contour grid's sizes: round bowls need few points, a narrow valley (a large condition
#: number: it is about 1/sqrt(condition) of the square window wide) needs more to be smooth.
GRIDS = ((4.0, 51), (100.0, 81), (float("inf"), 121))


def grid_size(H: NDArray[np.float64]) -> int:
    """The grid's points per side for a loss whose Hessian (with the penalty) is ``H``.

    >>> grid_size(np.diag([1.0, 2.0])), grid_size(np.diag([1.0, 1000.0]))  # a round bowl, a narrow valley
    (51, 121)
    """
    lams = np.linalg.eigvalsh(H)
    condition = lams[-1] / lams[0] if lams[0] > 0 else float("inf")
    return next(n for limit, n in GRIDS if condition <= limit)
MAX_FRAMES = 100
CURVE_POINTS = 60


def penalized_minimum(form: tuple[NDArray[np.float64], NDArray[np.float64], float],
                      penalty: Penalty) -> tuple[float, float]:
    r"""The minimum :math:`(m, b)` of the half-MSE plus ``penalty`` on the slope, one feature.

    Notes
    -----
    With the quadratic form :math:`(H, c, s)` and the penalty's :math:`\lambda` (l2) and
    :math:`\kappa` (l1) on :math:`m` (:class:`descentlab.core.penalties.Penalty`), the
    objective :math:`\tfrac12\theta^\top H\theta - c^\top\theta + \tfrac12\lambda m^2 +
    \kappa|m|` is minimised where :math:`(H + \lambda e_1 e_1^\top)\theta = c - \kappa\,
    \operatorname{sign}(m)\, e_1` for the sign the solution itself has, or else at
    :math:`m = 0`, :math:`b = c_2 / H_{22}` (the l1 part's exact zero).

    Examples
    --------
    >>> from descentlab.core.penalties import make_penalty
    >>> form = (np.eye(2), np.array([2.0, 1.0]), 0.0)  # unpenalised minimum: m = 2, b = 1
    >>> penalized_minimum(form, make_penalty("l2", 1.0, 0.0, {"W": 1.0}))  # the slope pulled towards 0
    (1.0, 1.0)
    >>> penalized_minimum(form, make_penalty("l1", 3.0, 1.0, {"W": 1.0}))  # an l1 part that strong: exactly 0
    (0.0, 1.0)
    """
    H, c, _ = form
    lam, kappa = float(penalty.l2["W"]), float(penalty.l1["W"])
    H_pen = H + np.diag([lam, 0.0])
    for sign in (1.0, -1.0):
        theta = np.linalg.solve(H_pen, c - kappa * sign * np.array([1.0, 0.0]))
        if np.sign(theta[0]) == sign or kappa == 0:
            return float(theta[0]), float(theta[1])
    return 0.0, float(c[1] / H[1, 1])


def surface(X: NDArray[np.float64], y: NDArray[np.float64], path_m: Sequence[float], path_b: Sequence[float],
            penalty: Penalty | None = None) -> dict[str, Any]:
    r"""The half-MSE (plus ``penalty``, when given) on an ``n`` x ``n`` grid of
    :math:`(m, b)` around its minimum: the least-squares point, or the penalised one.

    The window is square in :math:`(m, b)` (so the contours show the Hessian's true
    shape), centred on the minimum and wide enough for the start and the path (a path
    that runs off to infinity is cut at three times the start's distance).

    Returns
    -------
    dict
        ``m`` and ``b``: ``[first, last]`` of the grid's axes; ``loss``: ``n`` rows (one
        per ``b``, from the first to the last) of ``n`` values (one per ``m``), ``n`` from
        51 to 121 by the valley's narrowness (:func:`grid_size`);
        ``least_squares``: ``{"m", "b", "loss"}``, the minimum (with ``penalized`` true when
        it is the penalised objective's).

    Examples
    --------
    >>> X = np.array([[0.0], [1.0], [2.0]])
    >>> grid = surface(X, 2 * X[:, 0] + 1, path_m=[0.0], path_b=[0.0])  # y = 2x + 1, from (0, 0)
    >>> minimum = grid["least_squares"]
    >>> len(grid["loss"]), len(grid["loss"][0]), round(minimum["m"], 9), round(minimum["b"], 9)
    (81, 81, 2.0, 1.0)
    """
    form = quadratic_form(X, y)
    if penalty is None:
        W, b_star = least_squares(X, y)
        m_star = float(W[0])
    else:
        m_star, b_star = penalized_minimum(form, penalty)
        W = np.array([m_star])
    pm, pb = np.asarray(path_m, dtype=float), np.asarray(path_b, dtype=float)
    dist = np.maximum(np.abs(pm - m_star), np.abs(pb - b_star))
    dist = dist[np.isfinite(dist)]
    start = dist[0] if dist.size else 1.0
    reach = np.max(np.minimum(dist, 3 * start)) if dist.size else 1.0
    span = 1.15 * max(reach, start, 1e-3 * (1 + abs(m_star) + abs(b_star)))
    H = form[0] if penalty is None else form[0] + np.diag([float(penalty.l2["W"]), 0.0])
    n = grid_size(H)
    ms = np.linspace(m_star - span, m_star + span, n)
    bs = np.linspace(b_star - span, b_star + span, n)
    thetas = np.stack(np.meshgrid(ms, bs), axis=-1)
    loss, _ = quadratic_loss(form, thetas)
    # the floor from the residuals themselves: the expanded quadratic cancels digits there
    ls_loss = MeanSquaredError().loss(y, linear_forward(X, W, b_star))
    minimum: dict[str, object] = {"m": m_star, "b": float(b_star), "loss": float(ls_loss)}
    if penalty is not None:  # the penalty depends on m only: one value per column
        column = np.array([penalty.loss({"W": np.array([m])}) for m in ms])
        loss = loss + column[None, :]
        minimum.update(loss=float(ls_loss) + penalty.loss({"W": W}), penalized=True)
    return {"m": [float(ms[0]), float(ms[-1])], "b": [float(bs[0]), float(bs[-1])],
            "loss": loss.tolist(), "least_squares": minimum}


def network_frames(network: Network, history: History, X: NDArray[np.float64], identity: bool,
                   bias_column: bool = False) -> dict[str, list[Any]]:
    """The network's parameters and fit at up to ``MAX_FRAMES`` epochs (the final ones last).

    Returns
    -------
    dict
        ``epochs``: the frames' epochs (``n_epochs`` is the end of training); ``params``:
        each frame's parameters (name -> nested list, what a continued request sends back);
        ``x``: the curve's grid over the data; ``y``: the prediction on it at each frame;
        for the linear network also ``m`` and ``b``, the line each frame collapses to.
        ``bias_column``: the network's input is ``[x, 1]`` (the article's x0 form).

    Examples
    --------
    >>> from descentlab.core.network import make_network
    >>> from descentlab.core.trainer import train
    >>> X, network = np.array([[0.0], [1.0], [2.0]]), make_network([1, 3, 1], "identity", seed=0)
    >>> frames = network_frames(network, train(network, X, 2 * X[:, 0] + 1, epochs=4), X, identity=True)
    >>> sorted(frames), frames["epochs"], len(frames["y"][0])  # m, b: each frame's line
    (['b', 'epochs', 'm', 'params', 'x', 'y'], [0, 1, 2, 3, 4], 60)
    """
    lo, hi = float(X.min()), float(X.max())
    pad = 0.05 * (hi - lo or 1.0)
    x = np.linspace(lo - pad, hi + pad, CURVE_POINTS)
    frames: dict[str, list[Any]] = {"epochs": [], "params": [], "x": x.tolist(), "y": [], "m": [], "b": []}
    for epoch in frame_epochs(history.n_epochs + 1, MAX_FRAMES).tolist():
        params = history.params_at(epoch)
        network.set_params(params)
        frames["epochs"].append(epoch)
        frames["params"].append({k: np.asarray(v).tolist() for k, v in params.items()})
        with np.errstate(all="ignore"):
            frames["y"].append(network.predict(network_inputs(x[:, None], "x0" if bias_column else "layers")).tolist())
        if identity:
            W, b = collapse(network)
            m, intercept = equivalent_line(W, b, bias_column)
            frames["m"].append(m)
            frames["b"].append(intercept)
    network.set_params(history.final_params)
    if not identity:
        del frames["m"], frames["b"]
    return frames
