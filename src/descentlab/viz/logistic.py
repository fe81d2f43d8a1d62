"""Figures of logistic regression: the decision boundary as training moves it.

:func:`draw_boundary` draws one moment (one params dict) on an axes, so a figure of
snapshots and an animation (one call per frame) share it. Nothing here trains.
"""

import math

import numpy as np

from ..models import logistic_proba
from .article import LABEL_SIZE, TITLE_SIZE, new_figure

CLASS_COLORS = ("tab:blue", "tab:red")


def _limits(X, pad=0.5):
    lo, hi = X.min(axis=0) - pad, X.max(axis=0) + pad
    return (lo[0], hi[0]), (lo[1], hi[1])


def boundary_line(params, xlim, ylim):
    r"""Two points of the line :math:`w_1 x_1 + w_2 x_2 + b = 0` across the box, or None.

    The line is solved for :math:`x_2` when :math:`|w_2| \ge |w_1|` (a flat line) and for
    :math:`x_1` otherwise (a steep one); with :math:`W = 0` there is no boundary.
    """
    (w1, w2), b = np.ravel(params["W"]), float(params["b"])
    if w1 == 0 and w2 == 0:
        return None
    if abs(w2) >= abs(w1):
        x1 = np.array(xlim, dtype=float)
        return x1, -(b + w1 * x1) / w2
    x2 = np.array(ylim, dtype=float)
    return -(b + w2 * x2) / w1, x2


def draw_boundary(ax, params, X, y, title=None):
    """One moment of logistic regression: the data, p(class 1) shaded, the boundary p = 1/2.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    params : dict with ``"W"`` of shape (2,) and ``"b"``
        E.g. ``history.params_at(epoch)``.
    X : ndarray of shape (n_samples, 2)
    y : ndarray of shape (n_samples,), values 0 and 1
    title : str, optional

    Returns
    -------
    line : matplotlib.lines.Line2D or None
        The decision boundary, None when ``W`` is 0.
    """
    xlim, ylim = _limits(X)
    g1, g2 = np.meshgrid(np.linspace(*xlim, 120), np.linspace(*ylim, 120))
    p = logistic_proba(params, np.column_stack([g1.ravel(), g2.ravel()])).reshape(g1.shape)
    ax.contourf(g1, g2, p, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.3)
    for label, color in enumerate(CLASS_COLORS):
        mask = np.ravel(y) == label
        ax.scatter(X[mask, 0], X[mask, 1], s=16, color=color, edgecolors="white",
                   linewidths=0.5, label=f"class {label}")
    line = None
    points = boundary_line(params, xlim, ylim)
    if points is not None:
        (line,) = ax.plot(*points, color="black", linewidth=2, label="p = 0.5")
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    ax.set_xlabel("$x_1$", fontsize=LABEL_SIZE - 3)
    ax.set_ylabel("$x_2$", fontsize=LABEL_SIZE - 3)
    if title:
        ax.set_title(title, fontsize=TITLE_SIZE - 6)
    return line


def boundary_figure(history, X, y, epochs, accuracy=None, ncols=3):
    """The boundary at several epochs, then the loss and the accuracy over training.

    Parameters
    ----------
    history : History
        Of a :class:`descentlab.models.LogisticModel`.
    X, y : the training data
    epochs : list of int
        Epochs to show; ``history.n_epochs`` means after the last update.
    accuracy : sequence of float, optional
        Accuracy at the start of every epoch (and at the end), drawn beside the loss.
    ncols : int, default=3

    Returns
    -------
    matplotlib.figure.Figure
    """
    nrows = math.ceil(len(epochs) / ncols)
    fig = new_figure((5 * ncols, 4.2 * nrows + 3.6))
    grid = fig.add_gridspec(nrows + 1, 2 * ncols, height_ratios=[4.2] * nrows + [3.6])
    for i, epoch in enumerate(epochs):
        r, c = divmod(i, ncols)
        ax = fig.add_subplot(grid[r, 2 * c:2 * c + 2])
        params = history.params_at(epoch)
        label = "end" if epoch == history.n_epochs else f"epoch {epoch}"
        draw_boundary(ax, params, X, y, title=f"{label}: W = {np.round(np.ravel(params['W']), 2)}, "
                                                f"b = {float(params['b']):.2f}")
        if i == 0:
            ax.legend(loc="lower right", fontsize=8)
    ax_loss = fig.add_subplot(grid[nrows, :ncols])
    ax_loss.plot(np.arange(history.n_epochs), history.loss, linewidth=2)
    ax_loss.set(xlabel="Epoch", ylabel="Binary cross-entropy", title="Loss")
    if accuracy is not None:
        ax_acc = fig.add_subplot(grid[nrows, ncols:])
        ax_acc.plot(np.arange(len(accuracy)), 100 * np.asarray(accuracy), linewidth=2, color="tab:green")
        ax_acc.set(xlabel="Epoch", ylabel="Accuracy (%)", title="Share of correct predictions")
    for epoch in epochs:
        ax_loss.axvline(min(epoch, history.n_epochs - 1), color="gray", linewidth=0.5, linestyle=":")
    fig.suptitle("Logistic regression: the decision boundary over training", fontsize=TITLE_SIZE)
    return fig
