"""Figures of fitted curves and loss curves: the collapse and the nonlinearity studies.

Every function draws what it is given (data, curves computed from trained parameters,
the losses of Histories); none trains anything.
"""

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

if TYPE_CHECKING:
    from descentlab.lessons.collapse import CollapseResult
    from descentlab.lessons.nonlinear import NonlinearResult

#: ``(label, x, y, style)`` of a curve: its legend, where it is drawn, matplotlib's keywords.
Curve = tuple[Any, ...]

from descentlab.viz.article import LABEL_SIZE, TITLE_SIZE, new_figure


def draw_fits(ax: Axes, X: ArrayLike, y: ArrayLike, curves: Sequence[Curve], title: str | None = None) -> None:
    """Scatter the data and draw each fitted curve over it.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    X : ndarray of shape (n_samples,) or (n_samples, 1)
    y : ndarray of shape (n_samples,)
    curves : list of tuple
        ``(label, x, y_curve)`` or ``(label, x, y_curve, style)``, ``style`` a dict of
        keyword arguments for ``ax.plot``.
    title : str, optional

    Examples
    --------
    >>> ax, x = Figure().add_subplot(), np.array([0.0, 2.0])
    >>> draw_fits(ax, [0, 1, 2], [1, 3, 5], [("y = 2x + 1", x, 2 * x + 1)], title="Fits")
    >>> ax.get_title(), [text.get_text() for text in ax.get_legend().get_texts()]
    ('Fits', ['data', 'y = 2x + 1'])
    """
    ax.scatter(np.ravel(X), np.ravel(y), s=14, alpha=0.5, color="tab:gray", label="data")
    for label, x, y_curve, *style in curves:
        ax.plot(x, y_curve, label=label, **(style[0] if style else {"linewidth": 2}))
    ax.set_xlabel("x", fontsize=LABEL_SIZE)
    ax.set_ylabel("y", fontsize=LABEL_SIZE)
    ax.legend(loc="best", fontsize=9)
    if title:
        ax.set_title(title, fontsize=TITLE_SIZE - 4)


def draw_losses(ax: Axes, losses: Mapping[str, Sequence[float]], floor: float | None = None,
                floor_label: str = "least squares") -> None:
    """The loss of every epoch of each run, on a log scale, with an optional floor.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    losses : dict of str to sequence of float
        ``{label: history.epoch_losses}`` (epoch N: after N updates).
    floor : float, optional
        Drawn as a dashed horizontal line (e.g. the least-squares loss).

    Examples
    --------
    >>> ax = Figure().add_subplot()
    >>> draw_losses(ax, {"gradient descent": [4.0, 2.0, 1.0]}, floor=0.5)
    >>> ax.get_yscale(), [line.get_label() for line in ax.lines]
    ('log', ['gradient descent', 'least squares (0.5)'])
    """
    for i, (label, loss) in enumerate(losses.items()):
        ax.plot(np.arange(len(loss)), loss, linewidth=2, label=label,
                linestyle="--" if i % 2 else "-")
    if floor is not None:
        ax.axhline(floor, color="black", linestyle="--", linewidth=1,
                   label=f"{floor_label} ({floor:.4g})")
    ax.set_yscale("log")
    ax.set_xlabel("Epoch", fontsize=LABEL_SIZE)
    ax.set_ylabel("Loss", fontsize=LABEL_SIZE)
    ax.set_title("Loss", fontsize=TITLE_SIZE - 4)
    ax.legend(loc="best", fontsize=9)


def fits_and_losses_figure(X: ArrayLike, y: ArrayLike, curves: Sequence[Curve], losses: Mapping[str, Sequence[float]],
                           floor: float | None = None, title: str | None = None,
                           fits_title: str | None = None) -> Figure:
    """Two panels side by side: the fits over the data, and the loss curves.

    Parameters are those of :func:`draw_fits` and :func:`draw_losses`.

    Returns
    -------
    matplotlib.figure.Figure
        16 by 6 inches.

    Examples
    --------
    >>> x = np.array([0.0, 2.0])
    >>> fig = fits_and_losses_figure([0, 1, 2], [1, 3, 5], [("line", x, 2 * x + 1)], {"gd": [4.0, 1.0]}, title="A fit")
    >>> len(fig.axes), fig.get_suptitle(), fig.axes[1].get_title()
    (2, 'A fit', 'Loss')
    """
    fig = new_figure((16, 6))
    ax1, ax2 = fig.subplots(1, 2)
    draw_fits(ax1, X, y, curves, fits_title)
    draw_losses(ax2, losses, floor)
    if title:
        fig.suptitle(title, fontsize=TITLE_SIZE)
    return fig


def collapse_figure(result: "CollapseResult") -> Figure:
    """The trained linear network, the line it collapses to and least squares, with the loss.

    Parameters
    ----------
    result : descentlab.lessons.collapse.CollapseResult

    Examples
    --------
    >>> from descentlab.lessons.collapse import CollapseConfig, run_collapse
    >>> fig = collapse_figure(run_collapse(CollapseConfig(epochs=20)))
    >>> fig.get_suptitle(), [line.get_label().split(":")[0] for line in fig.axes[0].lines]
    ('A network of linear layers is one linear equation', ['two-layer linear network', 'W1 W2', 'least squares'])
    """
    X, y = result.X_train, result.y_train
    x = np.linspace(X.min(), X.max(), 50)
    curves = [
        ("two-layer linear network", x, result.network_curve(x),
         {"linewidth": 7, "alpha": 0.4, "color": "tab:orange"}),
        (f"W1 W2: y = {result.m:.4f} x + {result.intercept:.4f}", x,
         result.m * x + result.intercept, {"linewidth": 2, "linestyle": "--", "color": "black"}),
        (f"least squares: y = {result.ls_m:.4f} x + {result.ls_intercept:.4f}", x,
         result.ls_m * x + result.ls_intercept, {"linewidth": 1.5, "linestyle": ":", "color": "tab:green"}),
    ]
    return fits_and_losses_figure(
        X, y, curves, {"two-layer linear network": result.history.epoch_losses}, floor=result.ls_loss,
        title="A network of linear layers is one linear equation",
        fits_title="Fits on the training data")


def nonlinear_figure(result: "NonlinearResult") -> Figure:
    """Each model's fit on the curve, and its loss against the least-squares floor.

    Parameters
    ----------
    result : descentlab.lessons.nonlinear.NonlinearResult

    Examples
    --------
    >>> from descentlab.lessons.nonlinear import NonlinearConfig, run_nonlinear
    >>> fig = nonlinear_figure(run_nonlinear(NonlinearConfig(epochs=20, samples=30)))
    >>> [line.get_label() for line in fig.axes[0].lines]  # one fit per model
    ['linear regression', 'linear network 1-2-1', 'tanh network 1-2-1', 'tanh network 1-16-1']
    """
    x, predictions = result.curves()
    styles = [{"linewidth": 6, "alpha": 0.35}, {"linewidth": 2, "linestyle": "--"}]
    curves = [(label, x, y_curve, styles[i] if i < len(styles) else {"linewidth": 2})
              for i, (label, y_curve) in enumerate(predictions.items())]
    losses = {fit.label: fit.history.epoch_losses for fit in result.fits}
    return fits_and_losses_figure(
        result.data.X, result.data.y, curves, losses, floor=result.ls_loss,
        title=f"{result.config.data}: linear models stop at least squares; "
              f"{result.config.activation} units bend",
        fits_title="Fits")
