"""The learning-rate lesson: one loss curve per rate on a log axis, and where each rate
falls against the stability bound.

Drawn from an :class:`~descentlab.lessons.lr_study.LRStudy` (its Histories); trains nothing. The
y axis is set by the runs that did not diverge, so a diverging run cannot wreck it: its
curve leaves the top of the plot and a marker says where and when it diverged.
"""

import numpy as np

from descentlab.viz.article import LABEL_SIZE, new_figure



def _color(i):
    """Run ``i``'s colour, the same in both panels."""
    return f"C{i % 10}"


def _y_limits(study):
    """Log-axis limits from the runs that did not diverge (all runs if every one did)."""
    kept = [r.history.loss for r in study.runs if not r.diverged] or [r.history.loss[:1] for r in study.runs]
    values = np.concatenate([np.asarray(v, dtype=float) for v in kept])
    values = values[np.isfinite(values) & (values > 0)]
    if values.size == 0:
        return 1e-3, 1.0
    return values.min() / 2, values.max() * 5


def lr_study_figure(study):
    r"""Loss against epoch for every rate of ``study``, log y axis, and a rate axis below.

    The lower panel puts each rate on a log axis against the bound
    :math:`2/\lambda_{\max}`; the shaded band beyond it is where full-batch gradient
    descent on this loss diverges.
    """
    fig = new_figure((11, 8))
    ax, ax_rates = fig.subplots(2, 1, height_ratios=[4, 1.3])
    bottom, top = _y_limits(study)
    for i, run in enumerate(study.runs):
        loss = np.asarray(run.history.loss, dtype=float)
        color = _color(i)
        label = f"lr = {run.lr:.4g}  ({run.ratio:.2f} of the bound, {run.regime})"
        if not run.diverged:
            ax.plot(np.arange(loss.size), loss, color=color, linewidth=2, label=label)
            continue
        epoch = run.history.meta.get("diverged_at_epoch", loss.size)
        ax.plot(np.arange(loss.size), loss, color=color, linewidth=2, linestyle="--",
                label=f"{label}:\n    DIVERGED at epoch {epoch}, loss past {loss.max():.2g} (off the scale)")
        ax.plot([epoch], [top], marker="X", markersize=14, color=color, clip_on=False,
                linestyle="none", zorder=5)
        ax.annotate(f"lr {run.lr:.3g} diverged", (epoch, top), textcoords="offset points",
                    xytext=(10, -12 - 12 * (i % 2)), color=color, fontsize=9, fontweight="bold")
    ax.set_yscale("log")
    ax.set_ylim(bottom, top)
    ax.set_xlim(0, max(study.epochs - 1, 1))
    ax.set_title("Loss per epoch for each learning rate (same data, same start)", fontsize=LABEL_SIZE)
    ax.set_xlabel("Epoch", fontsize=LABEL_SIZE)
    ax.set_ylabel("Loss (log scale)", fontsize=LABEL_SIZE)
    ax.legend(loc="upper right", bbox_to_anchor=(1, 0.92), fontsize=9)
    _rate_axis(ax_rates, study)
    return fig


def _rate_axis(ax, study):
    """The rates on a log axis, with the bound and its regions."""
    rates = np.array([r.lr for r in study.runs])
    lo = min(rates.min(), study.bound) / 3
    hi = max(rates.max(), study.bound) * 3
    ax.set_xscale("log")
    ax.set_xlim(lo, hi)
    ax.set_ylim(0, 1)
    ax.axvspan(0.8 * study.bound, study.bound, color="tab:orange", alpha=0.15)
    ax.axvspan(study.bound, hi, color="tab:red", alpha=0.15)
    ax.axvline(study.bound, color="black", linewidth=1.5)
    ax.text(study.bound, 0.95, f"bound 2/$\\lambda_{{max}}$ = {study.bound:.4g} ", va="top",
            ha="right", fontsize=9)
    ax.text(study.bound, 0.95, " diverges", va="top", ha="left", fontsize=9, color="tab:red")
    for i, run in enumerate(study.runs):
        ax.plot([run.lr], [0.35], marker="v" if run.diverged else "o", markersize=10,
                color=_color(i), linestyle="none")
        ax.annotate(f"{run.lr:.3g}", (run.lr, 0.35), textcoords="offset points",
                    xytext=(0, -16 if i % 2 else 9), ha="center", fontsize=9)
    ax.set_yticks([])
    ax.set_xlabel("learning rate (log scale)", fontsize=LABEL_SIZE - 2)
    ax.set_title("Where each rate falls against the stability bound", fontsize=LABEL_SIZE - 2)
