"""Figures of logistic regression: the decision boundary as training moves it.

:func:`draw_boundary` draws one moment (one params dict) on an axes, for the figure of
snapshots; :class:`BoundaryAnimation` moves the same picture frame by frame through the
animation machinery of :mod:`.frames`. Both shade :func:`proba_grid` and draw
:func:`boundary_line`. Nothing here trains.
"""

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from descentlab.core.models import logistic_proba
from descentlab.errors import DescentlabError
from descentlab.viz.article import LABEL_SIZE, TITLE_SIZE, new_figure
from descentlab.viz.frames import DPI, FrameAnimation
from descentlab.viz.sampling import MAX_FRAMES, MAX_POINTS, sample_points

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.collections import PathCollection
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    from descentlab.core.history import History

Array = NDArray[np.float64]
Params = Mapping[str, ArrayLike]
Box = tuple[float, float]

CLASS_COLORS = ("tab:blue", "tab:red")
LEVELS = np.linspace(0, 1, 11)  # the bands of p(class 1) in the shading
GRID = 120


def _limits(X: Array, pad: float = 0.5) -> tuple[Box, Box]:
    lo, hi = X.min(axis=0) - pad, X.max(axis=0) + pad
    return (float(lo[0]), float(hi[0])), (float(lo[1]), float(hi[1]))


def boundary_line(params: Params, xlim: Box, ylim: Box) -> tuple[Array, Array] | None:
    r"""Two points of the line :math:`w_1 x_1 + w_2 x_2 + b = 0` across the box, or None.

    The line is solved for :math:`x_2` when :math:`|w_2| \ge |w_1|` (a flat line) and for
    :math:`x_1` otherwise (a steep one); with :math:`W = 0` there is no boundary.

    Examples
    --------
    >>> boundary_line({"W": np.array([1.0, 1.0]), "b": np.array([-1.0])}, (0, 2), (0, 2))  # x2 = 1 - x1
    (array([0., 2.]), array([ 1., -1.]))
    """
    (w1, w2), b = np.ravel(params["W"]), float(np.ravel(params["b"])[0])
    if w1 == 0 and w2 == 0:
        return None
    if abs(w2) >= abs(w1):
        x1 = np.array(xlim, dtype=float)
        return x1, -(b + w1 * x1) / w2
    x2 = np.array(ylim, dtype=float)
    return -(b + w2 * x2) / w1, x2


def proba_grid(params: Params, xlim: Box, ylim: Box, n: int = GRID) -> tuple[Array, Array, Array]:
    r""":math:`p = \sigma(w_1 x_1 + w_2 x_2 + b)` on an ``n`` by ``n`` grid over the box.

    Returns
    -------
    g1, g2 : ndarray of shape (n, n)
        The grid's coordinates (``np.meshgrid``).
    p : ndarray of shape (n, n)

    Examples
    --------
    >>> g1, g2, p = proba_grid({"W": np.array([1.0, 0.0]), "b": np.array([0.0])}, (-1, 1), (-1, 1), n=3)
    >>> p[0].round(3)  # sigma(x1) at x1 = -1, 0, 1
    array([0.269, 0.5  , 0.731])
    """
    g1, g2 = np.meshgrid(np.linspace(*xlim, n), np.linspace(*ylim, n))
    p = logistic_proba(params, np.column_stack([g1.ravel(), g2.ravel()])).reshape(g1.shape)
    return g1, g2, p


def scatter_classes(ax: "Axes", X: Array, y: Array) -> list["PathCollection"]:
    """The points of each class in its colour; returns the two scatter collections.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> points = scatter_classes(Figure().add_subplot(), np.zeros((3, 2)), np.array([0, 1, 1]))
    >>> [(p.get_label(), len(p.get_offsets())) for p in points]
    [('class 0', 1), ('class 1', 2)]
    """
    collections = []
    for label, color in enumerate(CLASS_COLORS):
        mask = np.ravel(y) == label
        collections.append(ax.scatter(X[mask, 0], X[mask, 1], s=16, color=color,
                                      edgecolors="white", linewidths=0.5, label=f"class {label}"))
    return collections


def _label_axes(ax: "Axes", xlim: Box, ylim: Box) -> None:
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    ax.set_xlabel("$x_1$", fontsize=LABEL_SIZE - 3)
    ax.set_ylabel("$x_2$", fontsize=LABEL_SIZE - 3)


def draw_boundary(ax: "Axes", params: Params, X: Array, y: Array, title: str | None = None) -> "Line2D | None":
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

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax, X = Figure().add_subplot(), np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    >>> line = draw_boundary(ax, {"W": np.array([2.0, 0.0]), "b": np.array([-1.0])}, X, np.array([0, 0, 1, 1]))
    >>> line.get_label(), line.get_xdata(), len(ax.figure.axes)  # x1 = 1/2; the colour bar's axes too
    ('p = 0.5', array([0.5, 0.5]), 2)
    """
    xlim, ylim = _limits(X)
    shading = ax.contourf(*proba_grid(params, xlim, ylim), levels=LEVELS, cmap="RdBu_r", alpha=0.3)
    ax.figure.colorbar(shading, ax=ax, label="p(class 1)", fraction=0.046, pad=0.02, ticks=[0, 0.5, 1])
    scatter_classes(ax, X, y)
    line = None
    points = boundary_line(params, xlim, ylim)
    if points is not None:
        (line,) = ax.plot(*points, color="black", linewidth=2, label="p = 0.5")
    _label_axes(ax, xlim, ylim)
    if title:
        ax.set_title(title, fontsize=TITLE_SIZE - 6)
    return line


def boundary_figure(history: "History", X: Array, y: Array, epochs: Sequence[int],
                    accuracy: "Sequence[float] | NDArray[np.float64] | None" = None, ncols: int = 3) -> "Figure":
    """The boundary at several epochs, then the loss and the accuracy over training.

    Parameters
    ----------
    history : History
        Of a :class:`descentlab.core.models.LogisticModel`.
    X, y : the training data
    epochs : list of int
        Epochs to show (epoch N: after N updates; ``history.n_epochs`` is the trained model).
    accuracy : sequence of float, optional
        Training accuracy at every epoch ``0 .. n_epochs``, drawn beside the loss.
    ncols : int, default=3

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from descentlab.lessons.logistic import LogisticConfig, run_logistic
    >>> r = run_logistic(LogisticConfig(epochs=10))
    >>> fig = boundary_figure(r.history, r.X_train, r.y_train, [0, 10], r.accuracy_trace)
    >>> [ax.get_title() for ax in fig.axes if ax.get_title()][1:]  # each panel has a colour bar
    ['epoch 10 (trained): W = [0.71 0.6 ], b = 0.24', 'Loss on the training data', 'Training accuracy: share of correct predictions']
    """
    nrows = math.ceil(len(epochs) / ncols)
    fig = new_figure((5 * ncols, 4.2 * nrows + 3.6))
    grid = fig.add_gridspec(nrows + 1, 2 * ncols, height_ratios=[4.2] * nrows + [3.6])
    for i, epoch in enumerate(epochs):
        r, c = divmod(i, ncols)
        ax = fig.add_subplot(grid[r, 2 * c:2 * c + 2])
        params = history.params_at(epoch)
        label = f"epoch {epoch}" + (" (trained)" if epoch == history.n_epochs else "")
        draw_boundary(ax, params, X, y, title=f"{label}: W = {np.round(np.ravel(params['W']), 2)}, "
                                                f"b = {float(params['b']):.2f}")
        if i == 0:
            ax.legend(loc="lower right", fontsize=8)
    ax_loss = fig.add_subplot(grid[nrows, :ncols])
    losses = history.epoch_losses
    ax_loss.plot(np.arange(len(losses)), losses, linewidth=2)
    ax_loss.set(xlabel="Epoch (after N updates)", ylabel="Binary cross-entropy",
                title="Loss on the training data")
    if accuracy is not None:
        ax_acc = fig.add_subplot(grid[nrows, ncols:])
        ax_acc.plot(np.arange(len(accuracy)), 100 * np.asarray(accuracy), linewidth=2, color="tab:green")
        ax_acc.set(xlabel="Epoch (after N updates)", ylabel="Accuracy (%)",
                   title="Training accuracy: share of correct predictions")
    for epoch in epochs:
        ax_loss.axvline(min(epoch, len(losses) - 1), color="gray", linewidth=0.5, linestyle=":")
    fig.suptitle("Logistic regression: the decision boundary over training", fontsize=TITLE_SIZE)
    return fig


class BoundaryAnimation(FrameAnimation):
    r"""The decision boundary moving over training, beside the loss curve growing.

    Frame ``k`` shows epoch ``e = epochs_[k]``: :math:`p(\text{class } 1)` shaded and the
    line :math:`w_1 x_1 + w_2 x_2 + b = 0` of epoch ``e``, the parameters after ``e``
    updates (``history.params_at(e)``), and the loss computed at exactly those parameters,
    all on the training data. A colour bar reads the shading as :math:`p(\text{class } 1)`.

    Parameters
    ----------
    history : History
        Of a :class:`descentlab.core.models.LogisticModel` (``W`` of shape (2,)), parameters
        recorded.
    X : ndarray of shape (n_samples, 2)
    y : ndarray of shape (n_samples,), values 0 and 1
    accuracy : sequence of float, optional
        The training accuracy at every epoch, shown in each frame's title.
    max_frames : int, default=100
    max_points : int, default=2000
    dpi : int, default=80

    Attributes
    ----------
    epochs_ : ndarray of int
    xlim, ylim : tuple of float
        The box of the left panel.

    Examples
    --------
    >>> from descentlab.lessons.logistic import LogisticConfig, run_logistic
    >>> r = run_logistic(LogisticConfig(epochs=10))
    >>> anim = BoundaryAnimation(r.history, r.X_train, r.y_train, max_frames=2, dpi=20)
    >>> anim, anim.frame(1).shape, anim.params_of(1)["W"].round(2)  # frame 1: the trained model
    (BoundaryAnimation(frames=2, epochs=10), (90, 240, 3), array([0.71, 0.6 ]))
    >>> anim.draw(0).get_suptitle()  # frame 0, epoch 0: the untrained model
    'Epoch  0   Loss = 0.7504   W = [0.126, -0.132]   b = 0.640'
    """

    def __init__(self, history: "History", X: Array, y: Array, accuracy: "Sequence[float] | NDArray[np.float64] | None" = None, *,
                 max_frames: int = MAX_FRAMES, max_points: int = MAX_POINTS, dpi: int = DPI) -> None:
        super().__init__(history, max_frames=max_frames, dpi=dpi)
        if np.shape(history.params.get("W", [[]])[0]) != (2,) or X.shape[1:] != (2,):
            raise DescentlabError("a boundary animation needs a logistic model on two features "
                                  "(W of shape (2,)): train one with descentlab.run_logistic")
        self.accuracy = accuracy
        self.xlim, self.ylim = _limits(X)
        X_shown, y_shown, self.note = sample_points(X, y, max_points)
        self._build(X_shown, y_shown)

    def _build(self, X: Array, y: Array) -> None:
        from matplotlib.colors import BoundaryNorm

        ax1, ax2 = self._new_figure(width_ratios=[1, 1.3])
        self._shade = self._moving(ax1.imshow(
            np.zeros((GRID, GRID)), extent=(*self.xlim, *self.ylim), origin="lower", aspect="auto",
            cmap="RdBu_r", norm=BoundaryNorm(LEVELS, 256), alpha=0.3, interpolation="bilinear"))
        for points in scatter_classes(ax1, X, y):  # redrawn over the moving shading
            self._moving(points)
        (self._line,) = ax1.plot([], [], color="black", linewidth=2, label="p = 0.5")
        self._moving(self._line)
        # the legend stands where a title would, off the moving shading: drawn once
        ax1.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, fontsize=11, frameon=False,
                   title="training data", title_fontsize=11)
        bar = self.fig.colorbar(self._shade, ax=ax1, fraction=0.05, pad=0.02, ticks=[0, 0.5, 1])
        bar.set_label("p(class 1)", fontsize=11)
        if bar.solids is not None:  # the bar's colour patches (drawn opaque, unlike the shading)
            bar.solids.set_alpha(1)
        _label_axes(ax1, self.xlim, self.ylim)
        if self.note:
            ax1.text(0.02, 0.97, self.note, transform=ax1.transAxes, va="top", fontsize=10,
                     bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none"})
        self._loss_panel(ax2, ylabel="Binary cross-entropy")
        self._freeze()

    def params_of(self, frame: int) -> dict[str, Any]:
        """The parameters drawn on frame ``frame``: those of its epoch (after that many updates)."""
        params: dict[str, Any] = self.history.params_at(int(self.epochs_[frame]))
        return params

    def draw(self, frame: int) -> "Figure":
        """Set the shading, the boundary, the loss and the title to frame ``frame``."""
        epoch = int(self.epochs_[frame])
        params = self.params_of(frame)
        self._shade.set_data(proba_grid(params, self.xlim, self.ylim)[2])
        self._line.set_data(*(boundary_line(params, self.xlim, self.ylim) or ([], [])))
        self._draw_loss(epoch)
        (w1, w2), b = np.ravel(params["W"]), float(np.ravel(params["b"])[0])
        acc = "" if self.accuracy is None else f"   Training accuracy = {100 * self.accuracy[epoch]:.1f}%"
        self._title.set_text(f"{self._epoch_text(epoch)}   Loss = {self._losses[epoch]:.4f}{acc}"
                             f"   W = [{w1:.3f}, {w2:.3f}]   b = {b:.3f}")
        return self.fig
