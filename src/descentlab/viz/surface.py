"""The loss as a landscape: against one parameter (the article's p and a), and over (m, b).

Drawn from a History and the training data; the loss of a grid of parameters comes from
the quadratic form of the half-MSE (:func:`descentlab.fast.moments.quadratic_form`), so it
costs the same for 200 rows or a million. The minimum marked is NumPy's least-squares
solution (:func:`descentlab.core.quadratic.least_squares`). One feature only: with more, the
loss lives in more than two parameters.
"""

from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure
from numpy.typing import NDArray

if TYPE_CHECKING:
    from descentlab.core.history import History

Array = NDArray[np.float64]

from descentlab.core.quadratic import least_squares, quadratic_loss
from descentlab.errors import DescentlabError
from descentlab.fast.moments import quadratic_form
from descentlab.viz.article import LABEL_SIZE, new_figure
from descentlab.viz.sampling import path_marker

MAX_TANGENTS = 8


def _trajectory(history: "History", X: Array) -> tuple[Array, Array, Array]:
    """``m``, ``b`` and ``loss`` of every recorded epoch, checked to be drawable."""
    if X.shape[1] != 1:
        raise DescentlabError(f"the loss surface over (m, b) needs one feature, not {X.shape[1]}: "
                              "use --n-features 1")
    if not history.loss or "W" not in history.params:
        raise DescentlabError("this history has no recorded parameters: train with record_params=True")
    m = history.trace("W")[:, 0]
    b = history.trace("b").reshape(-1)
    return m, b, np.asarray(history.loss)


def _spread(m: Array, count: int, gap: float) -> list[int]:
    """Up to ``count`` epochs, first included, whose ``m`` lie at least ``gap`` apart."""
    chosen = [0]
    for i in range(1, len(m)):
        if len(chosen) < count and abs(m[i] - m[chosen[-1]]) >= gap:
            chosen.append(i)
    return chosen


def _loss_at(form: tuple[Array, Array, float], m: Array | float, b: Array | float) -> tuple[Array, Array]:
    """Loss and gradient at points ``(m, b)`` (arrays of one shape)."""
    return quadratic_loss(form, np.stack(np.broadcast_arrays(m, b), axis=-1))


def cost_vs_m_figure(history: "History", X: Array, y: Array, max_tangents: int = MAX_TANGENTS) -> Figure:
    r"""The cost against the one parameter ``m`` with ``b`` held at its optimum.

    The curve is :math:`L(m, b^*)`; ``a`` marks its minimum, the least-squares
    :math:`m^*` (article: "the optimum value of p is a"). Each recorded epoch's ``m``
    sits on the curve (one point per epoch) and, at up to ``max_tangents`` evenly spaced
    epochs, a tangent shows the slope :math:`\partial L / \partial m` that the update
    :math:`m \leftarrow m - \alpha\, \partial L/\partial m` subtracts (tangents are
    spread along the curve, so late, small steps share one).

    Gradient descent moves ``b`` too; this is the slice through the optimum's ``b``.

    Examples
    --------
    >>> from descentlab.lessons.article import run_tutorial
    >>> r = run_tutorial(log=None)
    >>> ax = cost_vs_m_figure(r.history, r.X_train, r.y_train).axes[0]
    >>> ax.get_xlabel(), ax.get_legend().get_texts()[1].get_text()
    ("m  (the article's p)", 'gradient descent: m of each of 61 epochs')
    """
    m, _, _ = _trajectory(history, X)
    form = quadratic_form(X, y)
    W_ls, b_ls = least_squares(X, y)
    a = float(W_ls[0])
    half = 1.15 * max(np.max(np.abs(m - a)), 1e-6)
    grid = np.linspace(a - half, a + half, 400)
    curve, _ = _loss_at(form, grid, b_ls)
    steps, grads = _loss_at(form, m, b_ls)
    fig = new_figure((9, 6))
    ax = fig.add_subplot()
    ax.plot(grid, curve, color="tab:blue", linewidth=2, label=rf"cost $L(m, b^*)$, $b^*$ = {b_ls:.4g}")
    ax.plot(m, steps, marker=path_marker(len(m)), color="red", markersize=4, linewidth=1, alpha=0.8,
            label=f"gradient descent: m of each of {len(m)} epochs")
    width = 0.08 * half
    for i in _spread(m, max_tangents, 2.2 * width):
        slope = grads[i, 0]
        # long and in a colour of its own: a short tangent hides inside the curve it touches
        ax.plot([m[i] - 2.5 * width, m[i] + 2.5 * width],
                [steps[i] - 2.5 * slope * width, steps[i] + 2.5 * slope * width],
                color="tab:orange", linewidth=2, linestyle="--", zorder=4)
        ax.annotate(f"slope {slope:.3g}", (m[i], steps[i]), textcoords="offset points",
                    xytext=(6, 8), fontsize=9)
    ax.plot([], [], color="tab:orange", linestyle="--", linewidth=2,
            label=r"tangent: slope $\partial L/\partial m$ at a step")
    ax.axvline(a, color="green", linestyle="--", linewidth=1)
    ax.plot([a], [curve.min()], marker="*", markersize=16, color="green", linestyle="none",
            label=f"optimum a: least-squares m = {a:.4g}")
    ax.set_title("Cost against one parameter m (b held at its optimum)", fontsize=LABEL_SIZE)
    ax.set_xlabel("m  (the article's p)", fontsize=LABEL_SIZE)
    ax.set_ylabel("Loss", fontsize=LABEL_SIZE)
    ax.set_ylim(top=curve.max() + 0.35 * (curve.max() - curve.min()))
    ax.legend(loc="upper center", fontsize=9)
    return fig


def loss_surface_figure(history: "History", X: Array, y: Array, grid: int = 60) -> Figure:
    r"""The 3-D bowl :math:`L(m, b)` and its contour map, each with the descent path.

    The path has one point per recorded epoch, ``(m_i, b_i, loss[i])``, which lies on
    the surface when ``X, y`` are the data it was trained on. The star is the
    least-squares minimum. The grid is a square around the minimum that holds the path.

    Examples
    --------
    >>> from descentlab.lessons.article import run_tutorial
    >>> r = run_tutorial(log=None)
    >>> fig = loss_surface_figure(r.history, r.X_train, r.y_train, grid=10)
    >>> [ax.get_title() for ax in fig.axes]
    ['Loss surface over (m, b)', 'Contour map of the loss with the descent path']
    """
    m, b, loss = _trajectory(history, X)
    form = quadratic_form(X, y)
    W_ls, b_ls = least_squares(X, y)
    m_ls = float(W_ls[0])
    (loss_min,), _ = _loss_at(form, np.array([m_ls]), b_ls)
    half = 1.15 * max(np.max(np.abs(m - m_ls)), np.max(np.abs(b - b_ls)), 1e-6)
    M, B = np.meshgrid(np.linspace(m_ls - half, m_ls + half, grid),
                       np.linspace(b_ls - half, b_ls + half, grid))
    L, _ = _loss_at(form, M, B)
    fig = new_figure((16, 7))
    ax3d = fig.add_subplot(1, 2, 1, projection="3d", computed_zorder=False)
    ax3d.plot_surface(M, B, L, cmap="viridis", alpha=0.75, linewidth=0, zorder=1)
    ax3d.plot(m, b, loss, marker=path_marker(len(m)), color="red", markersize=3, linewidth=1.5, zorder=3,
              label=f"descent path, {len(m)} epochs")
    ax3d.scatter([m_ls], [b_ls], [loss_min], marker="*", s=250, color="white",
                 edgecolors="black", zorder=4, label="least-squares minimum")
    ax3d.set_title("Loss surface over (m, b)", fontsize=LABEL_SIZE)
    ax3d.set_xlabel("m", fontsize=LABEL_SIZE)
    ax3d.set_ylabel("b", fontsize=LABEL_SIZE)
    ax3d.set_zlabel("Loss", fontsize=LABEL_SIZE, labelpad=12)
    ax3d.legend(loc="upper left", fontsize=9)
    ax = fig.add_subplot(1, 2, 2)
    excess = max(L.max() - loss_min, 1e-12)
    levels = loss_min + np.geomspace(excess * 1e-4, excess, 14)
    contours = ax.contour(M, B, L, levels=levels, cmap="viridis", linewidths=1)
    ax.clabel(contours, fontsize=8, fmt="%.3g")
    ax.plot(m, b, marker=path_marker(len(m)), color="red", markersize=3, linewidth=1.5, label=f"descent path, {len(m)} epochs")
    ax.plot([m_ls], [b_ls], marker="*", markersize=18, color="gold", markeredgecolor="black",
            linestyle="none", label=f"least-squares minimum ({m_ls:.4g}, {b_ls:.4g})")
    ax.set_aspect("equal")
    ax.set_title("Contour map of the loss with the descent path", fontsize=LABEL_SIZE)
    ax.set_xlabel("m", fontsize=LABEL_SIZE)
    ax.set_ylabel("b", fontsize=LABEL_SIZE)
    ax.legend(loc="upper left", bbox_to_anchor=(0, -0.08), ncol=2, fontsize=9, frameon=False)  # off the labels
    return fig
