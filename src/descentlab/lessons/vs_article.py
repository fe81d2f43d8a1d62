"""This run beside the article's published numbers, each gap with its reason.

``descentlab tutorial --vs-article`` prints :func:`vs_article_lines` and draws
:func:`descentlab.viz.mape.mape_figure`. The article's numbers are those its Part 2
prints after 61 epochs with ``l_r = 0.05`` (one unseeded run).
"""

from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from descentlab.core.xp import FloatArray

if TYPE_CHECKING:
    from descentlab.lessons.article import TutorialResult

#: What the article prints: the loss of epochs 0, 10, ..., 60, the test loss, its
#: "Accuracy" (a mean absolute percentage error) and the trained m and b.
ARTICLE: dict[str, Any] = {
    "loss": {0: 2934.082243250548, 10: 1246.3617292447889, 20: 546.310951004311,
             30: 255.88020867147344, 40: 135.36914932067438, 50: 85.35744394597806,
             60: 64.60029693013243},
    "test_loss": 56.53060443946197,
    "accuracy_percent": 80.1676,
    "m": 82.34083095217943,
    "b": 0.46491578390750576,
}


def mape_contributions(y_true: ArrayLike, y_pred: ArrayLike) -> FloatArray:
    """Each row's share of the MAPE, in percentage points: ``100 |y_pred - y| / |y| / n``
    (rows whose target is 0 are left out, as the MAPE leaves them out).

    Returns
    -------
    ndarray of shape (n_samples,)
        They add up to the MAPE; 0 for a target of 0.

    Examples
    --------
    >>> mape_contributions([2.0, 0.0, 4.0], [3.0, 1.0, 4.0])  # 50 % and 0 % over two targets
    array([25.,  0.,  0.])
    """
    y_true, y_pred = np.ravel(y_true).astype(float), np.ravel(y_pred).astype(float)
    keep = y_true != 0
    out = np.zeros_like(y_true)
    out[keep] = 100.0 * np.abs(y_pred[keep] - y_true[keep]) / np.abs(y_true[keep]) / keep.sum()
    return out


def mape_drivers(y_true: ArrayLike, y_pred: ArrayLike, k: int = 3) -> tuple[NDArray[np.intp], float]:
    """The ``k`` rows that add most to the MAPE: ``(indices, their share in points)``.

    >>> mape_drivers([2.0, 10.0, 4.0], [3.0, 11.0, 4.0], k=1)
    (array([0]), 16.666666666666668)
    """
    parts = mape_contributions(y_true, y_pred)
    top = np.argsort(parts)[::-1][:k]
    return top, float(parts[top].sum())


def vs_article_lines(result: "TutorialResult") -> list[str]:
    """The article's numbers beside this run's, each gap with its reason, as printable lines.

    >>> from descentlab.lessons.article import TutorialConfig, run_tutorial
    >>> lines = vs_article_lines(run_tutorial(TutorialConfig(), log=None))
    >>> print(lines[2])
    loss at epoch 0                  2934.08     3480.40  the article's start (m, b) and split were not seeded; here --seed 7 makes them
    """
    h, m, c = result.history, result.metrics, result.config
    test = m["test"]
    y_pred = result.model.predict(result.X_test)
    top, share = mape_drivers(result.y_test, y_pred)
    lines = [f"This run beside the article's (lr {c.lr:g}, {h.n_epochs} updates; the article: "
             "lr 0.05, 61 updates)", f"{'':<28}{'article':>12}{'this run':>12}  why they differ"]
    for epoch, theirs in ARTICLE["loss"].items():
        ours = h.epoch_losses[epoch] if epoch <= h.last_epoch else float("nan")
        why = ("the article's start (m, b) and split were not seeded; here --seed "
               f"{c.seed} makes them" if epoch == 0 else "the same descent from another start")
        lines.append(f"{f'loss at epoch {epoch}':<28}{theirs:>12.2f}{ours:>12.2f}  {why}")
    if h.final_loss is not None:
        lines.append(f"{f'loss at epoch {h.n_epochs} (trained)':<28}{'not printed':>12}"
                     f"{h.final_loss:>12.2f}  the article prints the loss before each update, "
                     "so its last line (epoch 60) is one update short of its trained line")
    lines += [
        f"{'test loss':<28}{ARTICLE['test_loss']:>12.2f}{test['loss']:>12.2f}  another split: "
        "a different 40 test points",
        f"{'m':<28}{ARTICLE['m']:>12.4f}{m.get('m', float('nan')):>12.4f}  close: this run is "
        f"{m['progress_to_least_squares_percent'][0]:.0f}% of the way from its start to least "
        "squares; the article's went the same way from another start",
        f"{'b':<28}{ARTICLE['b']:>12.4f}{m['b']:>12.4f}  b starts where the seed puts it and "
        "moves slowly",
        f"{'Accuracy = MAPE (%)':<28}{ARTICLE['accuracy_percent']:>12.2f}"
        f"{test['mape_percent'] or float('nan'):>12.2f}  a percentage error, lower is better; "
        "targets near 0 blow it up",
        f"MAPE is driven by small targets: the {len(top)} test targets that add most to it "
        f"({', '.join(f'{v:.2f}' for v in np.ravel(result.y_test)[top])}) give {share:.1f} of "
        f"its {test['mape_percent']:.1f} points; R^2 = {test['r2']:.4f} is the honest measure "
        "(mape.png shows every target's share)",
    ]
    return lines
