"""Training, epoch by epoch: the line moving over the data beside the loss curve growing.

Each frame is one epoch ``N``, with the meaning "epoch N" has everywhere (the printed
``Epoch:`` lines, ``epoch_060.png``, :meth:`History.to_frame`): the line after ``N``
updates and the loss of epochs 0..N, each computed at its epoch's line. The last frame
is epoch ``n_epochs``, the trained line (the ``m`` and ``b`` the run prints) when the
History knows its :attr:`~descentlab.History.final_loss`. The frames, the
blitting and the GIF / MP4 files are :class:`~descentlab.viz.frames.FrameAnimation`'s;
the HTML report embeds the same frames as PNGs.
"""

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from descentlab.errors import DescentlabError
from descentlab.viz.article import LABEL_SIZE, line_of
from descentlab.viz.frames import DPI, FrameAnimation, ffmpeg_available, padded
from descentlab.viz.sampling import MAX_FRAMES, MAX_POINTS, sample_points

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from descentlab.core.history import History

__all__ = ["TrainingAnimation", "ffmpeg_available"]


class TrainingAnimation(FrameAnimation):
    """The article's two panels as an animation drawn from a :class:`~descentlab.History`.

    Parameters
    ----------
    history : History
        With the parameters of every epoch recorded.
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
    max_points : int, default=2000
        Larger data sets are drawn as a random sample of this size (the figure says so).
    max_frames, dpi
        As :class:`~descentlab.viz.frames.FrameAnimation`, which also gives ``epochs_``
        (the epoch on each frame), ``fig``, ``frame``, ``images`` and ``png_frames`` (written as files by
        :func:`descentlab.outputs.media.write_frames`).

    Examples
    --------
    >>> from descentlab.lessons.article import run_tutorial
    >>> r = run_tutorial(log=None)
    >>> anim = TrainingAnimation(r.history, r.X_train, r.y_train, max_frames=3, dpi=20)
    >>> anim, anim.epochs_.tolist(), anim.frame(2).shape  # 12 x 4.5 inches at 20 dpi
    (TrainingAnimation(frames=3, epochs=61), [0, 14, 61], (90, 240, 3))
    >>> anim.draw(1).get_suptitle()  # frame 1 is epoch 14: its loss and its line
    'Epoch 14   Loss = 1011.64   m = 41.1637   b = -0.8898'
    """

    def __init__(self, history: "History", X: NDArray[np.float64], y: NDArray[np.float64], *,
                 max_frames: int = MAX_FRAMES, max_points: int = MAX_POINTS, dpi: int = DPI) -> None:
        super().__init__(history, max_frames=max_frames, dpi=dpi)
        if "W" not in history.params:
            raise DescentlabError("this history has no recorded parameters W and b to animate: "
                                  "train a linear model with record_params=True")
        X_shown, y_shown, self.note = sample_points(X, y, max_points)
        self.x_line = np.linspace(np.min(X_shown[:, 0]), np.max(X_shown[:, 0]), 10)
        self._lines = [line_of(history.params_at(int(e)), X) for e in self.epochs_]
        self._build(X_shown[:, 0], y_shown)

    def _build(self, x: NDArray[np.float64], y: NDArray[np.float64]) -> None:
        ax1, ax2 = self._new_figure()
        ax1.scatter(x, y, s=12, alpha=0.8)
        (self._fit,) = ax1.plot([], [], linewidth=2, color="red", alpha=0.8)
        self._moving(self._fit)
        ax1.set_xlim(padded(x.min(), x.max()))
        ax1.set_ylim(padded(y.min(), y.max()))
        ax1.set_title("Predicted Line on set of Datapoints", fontsize=LABEL_SIZE)
        ax1.set_xlabel("x", fontsize=LABEL_SIZE)
        ax1.set_ylabel("y", fontsize=LABEL_SIZE)
        if self.note:
            ax1.text(0.02, 0.97, self.note, transform=ax1.transAxes, va="top", fontsize=10,
                     bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none"})
        self._loss_panel(ax2)
        self._freeze()

    def draw(self, frame: int) -> "Figure":
        """Set the moving artists to frame ``frame`` (an index into :attr:`epochs_`)."""
        epoch = int(self.epochs_[frame])
        m, b = self._lines[frame]
        self._fit.set_data(self.x_line, m * self.x_line + b)
        self._draw_loss(epoch)
        self._title.set_text(f"{self._epoch_text(epoch)}   Loss = {self._losses[epoch]:.6g}"
                             f"   m = {m:.4f}   b = {b:.4f}")
        return self.fig
