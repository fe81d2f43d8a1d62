"""The learning-rate lesson: one loss curve per rate on a log axis, and where each rate
falls against the stability bound.

Drawn from an :class:`~descentlab.lessons.lr_study.LRStudy` (its Histories); trains nothing. The
y axis is set by the runs that did not diverge, so a diverging run cannot wreck it: its
curve leaves the top of the plot and a marker says where and when it diverged.
"""

import math
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.axis import Axis

    from descentlab.lessons.lr_study import LRStudy

from descentlab.core.regimes import REGIMES
from descentlab.viz.article import LABEL_SIZE, new_figure

#: The largest value an axis shows (rates or losses past it are drawn at the edge).
_BIGGEST = 1e300


def _times(value: float, factor: float) -> float:
    """``value * factor``, but never past the largest float (a rate of 1e308 keeps a finite axis)."""
    return value * factor if value < _BIGGEST / (2 * factor) else _BIGGEST


def _decades(axis: "Axis", lo: float, hi: float, at_most: int = 8) -> None:
    """Major ticks at powers of ten inside [lo, hi], at most ``at_most`` of them, no minor ones.

    matplotlib's own log locator places ticks a stride past the limits, which is inf for
    an axis that reaches 1e300.
    """
    from matplotlib.ticker import FixedLocator, NullLocator

    first, last = math.ceil(math.log10(lo)), math.floor(math.log10(hi))
    step = max(1, math.ceil((last - first + 1) / at_most))
    axis.set_major_locator(FixedLocator([10.0 ** e for e in range(first, last + 1, step)]))
    axis.set_minor_locator(NullLocator())


def _color(i: int) -> str:
    """Run ``i``'s colour, the same in both panels."""
    return f"C{i % 10}"


def _y_limits(study: "LRStudy") -> tuple[float, float]:
    """Log-axis limits from the runs that did not diverge (all runs if every one did)."""
    kept = ([r.history.epoch_losses for r in study.runs if not r.diverged]
            or [r.history.loss[:1] for r in study.runs])
    values = np.concatenate([np.asarray(v, dtype=float) for v in kept])
    values = values[np.isfinite(values) & (values > 0)]
    if values.size == 0:
        return 1e-3, 1.0
    return float(values.min()) / 2, _times(float(values.max()), 5)


def lr_study_figure(study: "LRStudy") -> Figure:
    r"""Loss against epoch for every rate of ``study``, log y axis, and a rate axis below.

    The lower panel puts each rate on a log axis against both marks: from
    :math:`1/\lambda_{\max}` the steps overshoot and oscillate but converge (orange), from
    :math:`2/\lambda_{\max}` they diverge (red). A diverged run's cross sits where its
    curve leaves the top of the plot.

    Examples
    --------
    >>> from descentlab.lessons.lr_study import lr_study
    >>> study = lr_study(np.array([[1.0], [-1.0]]), np.array([1.0, -1.0]), [0.5, 2.5], epochs=20)
    >>> ax = lr_study_figure(study).axes[0]  # the bound is 2: 2.5 diverges
    >>> ax.get_yscale(), [line.get_label().split(":")[0] for line in ax.lines[:2]]
    ('log', ['lr = 0.5  (0.25 of the bound', 'lr = 2.5  (1.25 of the bound'])
    """
    fig = new_figure((11, 8))
    ax, ax_rates = fig.subplots(2, 1, height_ratios=[4, 1.3])
    bottom, top = _y_limits(study)
    for i, run in enumerate(study.runs):
        loss = np.asarray(run.history.epoch_losses, dtype=float)
        color = _color(i)
        ratio = f"{run.ratio:.2f}" if run.ratio < 1e4 else f"{run.ratio:.2g}"
        label = f"lr = {run.lr:.4g}  ({ratio} of the bound: {REGIMES[run.steps][0]})"
        if not run.diverged:
            ax.plot(np.arange(loss.size), loss, color=color, linewidth=2,
                    label=f"{label}, loss {loss[-1]:.4g} at epoch {loss.size - 1}")
            continue
        epoch = run.history.meta.get("diverged_at_epoch", loss.size)
        past = f", loss past {loss.max():.2g} (off the scale)" if loss.size else ""
        ax.plot(np.arange(loss.size), loss, color=color, linewidth=2, linestyle="--",
                label=f"{label}:\n    DIVERGED at epoch {epoch}{past}")
        # the mark sits where the curve leaves the plot, just inside the top edge
        mark = top * (bottom / top) ** 0.04
        above = np.nonzero(~(loss <= mark))[0]
        leaves = int(above[0]) if above.size else max(loss.size - 1, 0)
        ax.plot([leaves], [mark], marker="X", markersize=14, color=color, clip_on=False,
                linestyle="none", zorder=5)
        ax.annotate(f"lr {run.lr:.3g} diverges (stopped at epoch {epoch})", (leaves, mark),
                    textcoords="offset points", xytext=(10, -14 - 12 * (i % 2)), color=color,
                    fontsize=9, fontweight="bold")
    ax.set_yscale("log")
    ax.set_ylim(bottom, top)
    if math.log10(top / bottom) > 20:
        _decades(ax.yaxis, bottom, top)
    ax.set_xlim(0, max(study.epochs, 1))
    ax.set_title("Loss per epoch for each learning rate (same data, same start)", fontsize=LABEL_SIZE)
    ax.set_xlabel("Epoch (after N updates)", fontsize=LABEL_SIZE)
    ax.set_ylabel("Loss (log scale)", fontsize=LABEL_SIZE)
    ax.legend(loc="upper right", bbox_to_anchor=(1, 0.92), fontsize=9)
    _rate_axis(ax_rates, study)
    return fig


def _rate_axis(ax: "Axes", study: "LRStudy") -> None:
    """The rates on a log axis, with the bound and its regions."""
    rates = np.array([r.lr for r in study.runs])
    lo = max(min(rates.min(), study.bound) / 3, np.finfo(float).tiny)
    hi = _times(max(rates.max(), study.bound), 3)
    ax.set_xscale("log")
    ax.set_xlim(lo, hi)
    if math.log10(hi / lo) > 20:
        _decades(ax.xaxis, lo, hi)
    ax.set_ylim(0, 1)
    half = study.bound / 2
    ax.axvspan(lo, half, color="tab:green", alpha=0.08)
    ax.axvspan(half, study.bound, color="tab:orange", alpha=0.18)
    ax.axvspan(study.bound, hi, color="tab:red", alpha=0.15)
    for at, name, ha in ((half, f"1/$\\lambda_{{max}}$ = {half:.4g} ", "right"),
                         (study.bound, f" 2/$\\lambda_{{max}}$ = {study.bound:.4g}", "left")):
        ax.axvline(at, color="black", linewidth=1.5)
        ax.text(at, 0.97, name, va="top", ha=ha, fontsize=9)
    for left, right, name, color in ((lo, half, "monotone", "tab:green"),
                                     (half, study.bound, "overshoot,\nconverge", "tab:orange"),
                                     (study.bound, hi, "diverge", "tab:red")):
        ax.text(math.sqrt(left * right), 0.04, name, va="bottom", ha="center", fontsize=8,
                color=color, fontweight="bold")
    for i, run in enumerate(study.runs):
        at = min(run.lr, hi)
        ax.plot([at], [0.35], marker="v" if run.diverged else "o", markersize=10,
                color=_color(i), linestyle="none", clip_on=False)
        # a label near a mark goes to the side of the line, not through it
        mark = min((half, study.bound), key=lambda m: abs(np.log10(at / m)))
        near = abs(np.log10(at / mark)) < 0.08
        side = (-7 if at < mark else 7) if near else 0
        ax.annotate(f"{run.lr:.3g}", (at, 0.35), textcoords="offset points",
                    xytext=(side, -16 if i % 2 else 9), fontsize=9,
                    ha="center" if not near else ("right" if at < mark else "left"))
    ax.set_yticks([])
    ax.set_xlabel("learning rate (log scale)", fontsize=LABEL_SIZE - 2)
    ax.set_title("Where each rate falls: monotone below 1/$\\lambda_{max}$, overshooting but "
                 "converging up to 2/$\\lambda_{max}$, diverging beyond", fontsize=LABEL_SIZE - 2)
