"""The loss curve of a :class:`~descentlab.core.history.History`: the History holds the data, this draws it."""

from typing import TYPE_CHECKING

import numpy as np

from descentlab.core.history import History

if TYPE_CHECKING:
    from matplotlib.axes import Axes


def plot_history(history: History, ax: "Axes | None" = None, log: bool | None = None, *, val: bool = True,
                 label: str = "training loss", title: str | None = None) -> "Axes":
    """Draw the loss of every epoch of ``history`` (and the validation loss when recorded).

    Parameters
    ----------
    ax : matplotlib.axes.Axes, optional
        Draw on it; by default on a new figure (6 x 4 inches).
    log : bool or None, default=None
        A logarithmic loss axis; None chooses it when the loss spans more than two
        decades (and every value is positive).
    val : bool, default=True
        Also draw ``val_loss`` when it was recorded.
    label : str, default="training loss"
    title : str, optional
        Defaults to ``"Loss per epoch (<status>)"``.

    Returns
    -------
    matplotlib.axes.Axes
        Its first line holds :attr:`~descentlab.History.epoch_losses` against the epochs
        ``0 .. last_epoch`` (epoch N: after N updates; the trained state last when its loss
        is known).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from descentlab.lessons.article import run_tutorial
    >>> ax = plot_history(run_tutorial(log=None).history)
    >>> len(ax.lines), ax.get_title(), ax.get_ylabel(), len(ax.lines[0].get_xdata())  # epochs 0 .. 61
    (1, 'Loss per epoch (completed)', 'Loss', 62)
    >>> plt.close(ax.figure)
    """
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(6, 4), layout="constrained")
    losses = history.epoch_losses
    ax.plot(np.arange(len(losses)), losses, marker="o" if len(losses) <= 80 else None, markersize=3,
            label=label)
    if val and history.val_loss:
        ax.plot(np.arange(len(history.val_loss)), history.val_loss, linestyle="--",
                label="validation loss")
    values = np.asarray(history.loss + (history.val_loss if val else []), dtype=float)
    finite = values[np.isfinite(values)]
    if log is None:
        log = bool(finite.size and finite.min() > 0 and finite.max() / finite.min() > 100)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("Epoch")
    ax.set_ylabel("Loss (log scale)" if log else "Loss")
    ax.set_title(title if title is not None else f"Loss per epoch ({history.status_text})")
    ax.legend()
    return ax

