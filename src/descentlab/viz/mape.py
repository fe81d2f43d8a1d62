"""Which test targets drive the MAPE (the article's "Accuracy"): each target's share of it."""

import numpy as np
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from descentlab.lessons.vs_article import mape_contributions
from descentlab.viz.article import LABEL_SIZE, new_figure


def mape_figure(y_true: ArrayLike, y_pred: ArrayLike, k: int = 3) -> Figure:
    r"""Each test target's share of the MAPE against its value, the ``k`` largest named.

    A row adds :math:`100\,|\hat y - y| / |y| / n` points: targets near 0 add the most
    however small their error, which is why the MAPE says little about this fit.

    Returns
    -------
    matplotlib.figure.Figure
        One panel: a stem per target (x: the target, y: its share in points).

    Examples
    --------
    >>> ax = mape_figure([1.0, 2.0, 0.1], [1.1, 2.0, 0.5], k=1).axes[0]  # 0.1 is off by 400%
    >>> ax.get_xlabel(), [text.get_text() for text in ax.get_legend().get_texts()]
    ('test target y', ['the 1 largest: 133.3 of 136.7 points'])
    """
    truth, pred = np.ravel(y_true), np.ravel(y_pred)
    parts = mape_contributions(truth, pred)
    total = parts.sum()
    top = np.argsort(parts)[::-1][:k]
    fig = new_figure((9, 5))
    ax = fig.add_subplot()
    ax.vlines(truth, 0, parts, color="tab:blue", linewidth=1.5)
    ax.plot(truth, parts, "o", color="tab:blue", markersize=4)
    ax.plot(truth[top], parts[top], "o", color="tab:red", markersize=7,
            label=f"the {k} largest: {parts[top].sum():.1f} of {total:.1f} points")
    for i in top:
        ax.annotate(f"y = {truth[i]:.2f}, predicted {pred[i]:.1f}", (truth[i], parts[i]),
                    textcoords="offset points", xytext=(8, -4), fontsize=9, color="tab:red")
    ax.axvline(0, color="gray", linewidth=0.8, linestyle=":")
    ax.set_xlabel("test target y", fontsize=LABEL_SIZE)
    ax.set_ylabel("share of the MAPE (points)", fontsize=LABEL_SIZE)
    ax.set_title(f"What drives the MAPE ({total:.1f}%, the article's 'Accuracy'): "
                 "targets near 0", fontsize=LABEL_SIZE - 2)
    ax.legend(loc="upper left")
    return fig
