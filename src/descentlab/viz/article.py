"""The article's figures: the data, the fitted line and the loss panel.

Built on matplotlib's object API (``matplotlib.figure.Figure``), so nothing depends on
a display or on pyplot's global state; ``show=True`` hands the figure to pyplot.
"""

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure
from numpy.typing import ArrayLike, NDArray

if TYPE_CHECKING:
    from descentlab.core.history import History

TITLE_SIZE = 18
LABEL_SIZE = 15
PANEL_SIZE = (8, 6)


def new_figure(figsize: tuple[float, float], show: bool = False) -> Figure:
    """A figure outside pyplot (headless, no global state), or a pyplot one to show.

    Examples
    --------
    >>> fig = new_figure((4, 3))
    >>> type(fig).__name__, fig.get_size_inches().tolist(), fig.get_layout_engine() is not None
    ('Figure', [4.0, 3.0], True)
    """
    if show:
        import matplotlib.pyplot as plt

        shown: Figure = plt.figure(figsize=figsize, layout="constrained")
        return shown
    return Figure(figsize=figsize, layout="constrained")


def plot_graph(dataset: Mapping[str, ArrayLike], pred_line: Mapping[str, ArrayLike] | None = None,
               losses: Sequence[float] | NDArray[np.float64] | None = None, show: bool = False) -> Figure:
    """The article's ``plot_graph``: data scatter, optional red line, optional loss panel.

    Parameters
    ----------
    dataset : dict with ``"X"`` and ``"y"``
    pred_line : dict with ``"x_line"`` and ``"y_line"``, optional
    losses : sequence of float, optional
        When given, a second panel plots the loss per epoch with markers.

    Returns
    -------
    matplotlib.figure.Figure
        8 wide per panel, 6 high.

    Examples
    --------
    >>> fig = plot_graph({"X": [0, 1, 2], "y": [1, 3, 5]}, losses=[3.0, 1.0])
    >>> [ax.get_title() for ax in fig.axes], fig.get_size_inches().tolist()
    (['Plot of Datapoints generated', 'Loss'], [16.0, 6.0])
    """
    plots = 2 if losses is not None else 1
    fig = new_figure((PANEL_SIZE[0] * plots, PANEL_SIZE[1]), show)
    X, y = np.ravel(dataset["X"]), np.ravel(dataset["y"])
    ax1 = fig.add_subplot(1, plots, 1)
    ax1.scatter(X, y, alpha=0.8)
    if pred_line is not None:
        ax1.plot(pred_line["x_line"], pred_line["y_line"], linewidth=2, color="red", alpha=0.8)
        ax1.set_title("Predicted Line on set of Datapoints", fontsize=TITLE_SIZE)
    else:
        ax1.set_title("Plot of Datapoints generated", fontsize=TITLE_SIZE)
    ax1.set_xlabel("x", fontsize=LABEL_SIZE)
    ax1.set_ylabel("y", fontsize=LABEL_SIZE)
    if losses is not None:
        ax2 = fig.add_subplot(1, plots, 2)
        ax2.plot(np.arange(len(losses)), losses, marker="o")
        ax2.set_xlabel("Epoch", fontsize=LABEL_SIZE)
        ax2.set_ylabel("Loss", fontsize=LABEL_SIZE)
        ax2.set_title("Loss", fontsize=TITLE_SIZE)
    if show:
        import matplotlib.pyplot as plt

        plt.show()
    return fig


def plot_pred_line(X: ArrayLike, y: ArrayLike, m: float, b: float,
                   losses: Sequence[float] | NDArray[np.float64] | None = None, show: bool = False) -> Figure:
    """The article's ``plot_pred_line``: the line over ``linspace(min(X), max(X), 10)``.

    Examples
    --------
    >>> ax = plot_pred_line([0, 1, 2], [1, 3, 5], m=2.0, b=1.0).axes[0]
    >>> ax.get_title(), ax.lines[0].get_ydata()[[0, -1]]  # y = 2x + 1 at x = 0 and 2
    ('Predicted Line on set of Datapoints', array([1., 5.]))
    """
    x_line = np.linspace(np.min(X), np.max(X), 10)
    y_line = m * x_line + b
    return plot_graph({"X": X, "y": y}, pred_line={"x_line": x_line, "y_line": y_line},
                      losses=losses, show=show)


def test_fit_figure(X: ArrayLike, y: ArrayLike, m: float, b: float) -> Figure:
    """The trained line over the test set, titled so (the article's ``plot_pred_line``).

    Examples
    --------
    >>> test_fit_figure([0, 1, 2], [1, 3, 5], m=2.0, b=1.0).axes[0].get_title()
    'Trained line on the test set (points never trained on)'
    """
    fig = plot_pred_line(X, y, m, b)
    fig.axes[0].set_title("Trained line on the test set (points never trained on)",
                          fontsize=TITLE_SIZE - 3)
    return fig


def line_of(params: Mapping[str, ArrayLike], X: NDArray[np.float64]) -> tuple[float, float]:
    """The line ``m x + b`` of fitted parameters against the first feature of ``X``.

    With several features the others are held at their mean, so the line is the
    model's prediction along the first feature.

    Examples
    --------
    >>> import numpy as np
    >>> line_of({"W": np.array([2.0, 3.0]), "b": np.array([1.0])}, np.array([[0.0, 1.0], [0.0, 3.0]]))
    (2.0, 7.0)
    """
    W, b = np.ravel(params["W"]), float(np.ravel(params["b"])[0])
    m = float(W[0])
    if W.size > 1:
        b += float(np.mean(X[:, 1:], axis=0) @ W[1:])
    return m, b


def epoch_figure(history: "History", X: NDArray[np.float64], y: ArrayLike, epoch: int) -> Figure:
    """The notebook's figure at ``epoch``: the line after ``epoch`` updates and the loss of
    epochs ``0 .. epoch`` (``epoch + 1`` points; ``epoch == n_epochs`` is the trained line).

    Every epoch's figure has the same loss axis (0 to the run's largest loss) and epoch
    axis, so a series of them reads like the animation.

    Examples
    --------
    >>> from descentlab.lessons.article import run_tutorial
    >>> r = run_tutorial(log=None)
    >>> fig = epoch_figure(r.history, r.X_train, r.y_train, epoch=10)
    >>> fig.get_suptitle(), fig.axes[1].get_title(), len(fig.axes[1].lines[0].get_xdata())  # epochs 0 .. 10
    ('Epoch 10: after 10 updates   m = 31.9458   b = -0.3179', 'Loss = 1429.7 at epoch 10', 11)
    """
    m, b = line_of(history.params_at(epoch), X)
    losses = history.epoch_losses
    fig = plot_pred_line(X[:, 0], y, m, b, losses=losses[:epoch + 1])
    ax = fig.axes[1]
    finite = [v for v in losses if np.isfinite(v)]
    if finite:
        ax.set_ylim(0, max(finite) * 1.05 or 1.0)
    ax.set_xlim(-0.5, max(len(losses) - 1, 1) + 0.5)
    ax.set_title(f"Loss = {losses[epoch]:.6g} at epoch {epoch}", fontsize=TITLE_SIZE)
    end = " (the trained line)" if epoch == history.n_epochs else ""
    if history.status == "diverged":
        end = f"   (diverged at epoch {history.meta.get('diverged_at_epoch', history.n_epochs)})"
    fig.suptitle(f"Epoch {epoch}: after {epoch} update{'s' * (epoch != 1)}{end}   "
                 f"m = {m:.4f}   b = {b:.4f}", fontsize=TITLE_SIZE)
    return fig
