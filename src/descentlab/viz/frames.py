"""What every animation of a training run shares: the frames, the blitting and the files.

A :class:`FrameAnimation` shows every epoch of a History, or past ``max_frames`` a choice
of them spaced by how far the parameters move (:func:`~descentlab.viz.sampling.change_epochs`:
the frames follow where the change happens; the first and the last always among them). Frame ``k`` is epoch ``e = epochs_[k]``, the state after ``e`` updates: the
parameters ``history.params_at(e)`` and the loss computed at exactly those parameters
(epoch ``n_epochs``, the trained state, is the last frame when the History knows its
``final_loss``). The axes, labels
and anything that does not move are drawn once; each frame redraws only the moving
artists over that saved background (blitting), so a frame costs milliseconds. Frames
are handed out as RGB arrays, PIL images or PNG bytes; :mod:`descentlab.outputs.media`
writes them as GIF (Pillow) or MP4 (ffmpeg), atomically, and the HTML report embeds the PNGs.

Subclasses build their figure in ``_build`` (calling :meth:`_new_figure`, registering
what moves with :meth:`_moving` and finishing with :meth:`_freeze`) and set the moving
artists to a frame in :meth:`draw`.
"""

import io
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.figure import Figure

from descentlab.errors import DescentlabError
from descentlab.viz.article import LABEL_SIZE
from descentlab.viz.sampling import MAX_FRAMES, change_epochs, path_marker

if TYPE_CHECKING:
    from PIL import Image

    from descentlab.core.history import History

FIGSIZE = (12, 4.5)
DPI = 80


def ffmpeg_available() -> bool:
    """True when matplotlib finds an ffmpeg binary (needed for MP4 only).

    Examples
    --------
    >>> ffmpeg_available() in (True, False)  # True where ffmpeg is on the PATH
    True
    """
    from matplotlib.animation import FFMpegWriter

    return bool(FFMpegWriter.isAvailable())


def padded(lo: float, hi: float, pad: float = 0.08) -> tuple[float, float]:
    """``(lo, hi)`` widened by ``pad`` of its span on each side (1 when the span is 0).

    Examples
    --------
    >>> padded(0.0, 10.0), padded(3.0, 3.0)
    ((-0.8, 10.8), (2.92, 3.08))
    """
    span = (hi - lo) or 1.0
    return lo - pad * span, hi + pad * span


class FrameAnimation:
    """The base of the training animations: one frame per chosen epoch of a History.

    Parameters
    ----------
    history : History
        With the parameters of every epoch recorded.
    max_frames : int, default=100
        Frames are at most this many epochs, spaced by how far the parameters move
        (:func:`~descentlab.viz.sampling.change_epochs`), the first and last included.
    dpi : int, default=80
        Frames are 12 x 4.5 inches at this resolution (960 x 360 pixels by default).

    Attributes
    ----------
    epochs_ : ndarray of int
        The epoch shown on each frame.
    fig : matplotlib.figure.Figure

    Examples
    --------
    >>> from descentlab.lessons.article import run_tutorial
    >>> r = run_tutorial(log=None); frames = FrameAnimation(r.history, max_frames=5)
    >>> frames, frames.epochs_.tolist()  # closer together early, where the line moves most
    (FrameAnimation(frames=5, epochs=61), [0, 5, 14, 35, 61])
    >>> frames.show()  # outside Jupyter it says how to see the frames
    FrameAnimation(frames=5, epochs=61): the player shows in Jupyter; outside it write ...

    A subclass draws them (:class:`~descentlab.viz.animation.TrainingAnimation`, here):

    >>> from descentlab.viz.animation import TrainingAnimation
    >>> anim = TrainingAnimation(r.history, r.X_train, r.y_train, max_frames=3, dpi=20)
    >>> anim.draw(1) is anim.fig, anim.frame(1).shape, len(anim.images()), anim.png_frames()[0][:4]
    (True, (90, 240, 3), 3, b'\x89PNG')
    """

    def __init__(self, history: "History", *, max_frames: int = MAX_FRAMES, dpi: int = DPI) -> None:
        if not history.loss or not history.params:
            raise DescentlabError("this history has no recorded parameters to animate: "
                                  "train with record_params=True")
        self.history = history
        self.dpi = dpi
        self._losses = history.epoch_losses  # epochs 0 .. last_epoch
        self.epochs_ = change_epochs(self._path(), max_frames)
        self._artists: list[Any] = []

    def _path(self) -> np.ndarray:
        """Every epoch's parameters, flattened: shape (last_epoch + 1, n_params)."""
        h, names = self.history, sorted(self.history.params)
        path = np.column_stack([h.trace(k).reshape(h.n_epochs, -1) for k in names])
        if len(self._losses) > h.n_epochs:  # epoch n_epochs: the final parameters
            final = np.concatenate([np.ravel(h.final_params[k]) for k in names])
            path = np.vstack([path, final])
        return path

    def __len__(self) -> int:
        return len(self.epochs_)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(frames={len(self)}, epochs={self.history.n_epochs})"

    def _repr_html_(self) -> str:
        """The frame player (image, epoch slider, Play button) as one self-contained HTML
        block: every frame an embedded PNG and the player's JavaScript inline, nothing
        fetched, so it shows inline (and offline) as the last expression of a cell."""
        from descentlab.viz.page import player_block

        return str(player_block(self, name=type(self).__name__))

    def show(self) -> None:
        """Show the player: in Jupyter it displays where this runs (from any line of a
        cell, not only its last); elsewhere it says how to see the frames."""
        from descentlab.viz.board import in_kernel

        if in_kernel():
            from IPython.display import display

            display(self)  # type: ignore[no-untyped-call]  # IPython ships no types
        else:
            print(f"{self!r}: the player shows in Jupyter; outside it write the frames with "
                  "descentlab.outputs.media.write_frames(anim, 'training.gif')")

    # -- building (subclasses) ------------------------------------------------------------
    def _new_figure(self, ncols: int = 2, **grid: Any) -> Any:
        """A headless figure of ``ncols`` panels side by side and an empty moving title."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        self.fig = fig = Figure(figsize=FIGSIZE, dpi=self.dpi, layout="constrained")
        self._canvas = FigureCanvasAgg(fig)  # blitting: Agg's copy_from_bbox, restore_region
        self._title = self._moving(fig.suptitle("", fontsize=LABEL_SIZE, family="monospace"))
        return fig.subplots(1, ncols, **grid)

    def _moving(self, artist: Any) -> Any:
        """Register ``artist`` as redrawn on every frame (in registration order)."""
        artist.set_animated(True)
        self._artists.append(artist)
        return artist

    def _loss_panel(self, ax: Any, ylabel: str = "Loss") -> None:
        """The loss of every epoch, growing frame by frame, with the current epoch marked."""
        loss = np.asarray(self._losses)
        (self._curve,) = ax.plot([], [], marker=path_marker(len(loss)), markersize=3)
        (self._now,) = ax.plot([], [], "o", color="red", markersize=7)
        self._moving(self._curve)
        self._moving(self._now)
        ax.set_xlim(padded(0, max(len(loss) - 1, 1), 0.03))
        ax.set_ylim(padded(min(0.0, loss.min()), loss.max(), 0.05))
        note = self.history.interrupted_note()
        ax.set_title(f"Loss ({note})" if note else "Loss", fontsize=LABEL_SIZE)
        ax.set_xlabel("Epoch", fontsize=LABEL_SIZE)
        ax.set_ylabel(ylabel, fontsize=LABEL_SIZE)

    def _draw_loss(self, epoch: int) -> None:
        """Show ``loss[0 .. epoch]`` and mark ``loss[epoch]``."""
        self._curve.set_data(np.arange(epoch + 1), self._losses[:epoch + 1])
        self._now.set_data([epoch], [self._losses[epoch]])

    def _epoch_text(self, epoch: int) -> str:
        """``"Epoch  12"``, padded to the width of the last epoch so titles do not jump."""
        return f"Epoch {epoch:>{len(str(len(self._losses) - 1))}d}"

    def _freeze(self) -> None:
        """Lay the figure out around its last (longest) title and save the background."""
        self.draw(len(self.epochs_) - 1)
        self._canvas.draw()  # type: ignore[no-untyped-call]  # matplotlib's Agg canvas methods are untyped
        self.fig.set_layout_engine("none")  # freeze the layout; the background never changes
        self._background = self._canvas.copy_from_bbox(self.fig.bbox)  # type: ignore[no-untyped-call]  # matplotlib's Agg canvas methods are untyped

    def draw(self, frame: int) -> Figure:
        """Set the moving artists to frame ``frame`` (an index into :attr:`epochs_`); the figure."""
        raise NotImplementedError

    # -- frames -----------------------------------------------------------------------
    def frame(self, frame: int) -> np.ndarray:
        """Frame ``frame`` as an RGB array of shape (height, width, 3), blitted."""
        self.draw(frame)
        canvas = self._canvas
        canvas.restore_region(self._background)  # type: ignore[no-untyped-call]  # matplotlib's Agg canvas methods are untyped
        for artist in self._artists:
            self.fig.draw_artist(artist)
        return np.asarray(canvas.buffer_rgba())[..., :3].copy()  # type: ignore[no-untyped-call]  # matplotlib's Agg canvas methods are untyped

    def images(self) -> "list[Image.Image]":
        """Every frame as a PIL image."""
        from PIL import Image

        return [Image.fromarray(self.frame(i)) for i in range(len(self))]

    def png_frames(self) -> list[bytes]:
        """Every frame as PNG bytes (for the HTML report), on the GIF's shared palette:
        a third of the size of full-colour PNGs, and no flicker between frames."""
        frames: list[bytes] = []
        for image in on_one_palette(self.images()):
            buf = io.BytesIO()
            image.save(buf, format="png", optimize=False)
            frames.append(buf.getvalue())
        return frames


def on_one_palette(images: "list[Image.Image]", colors: int = 128) -> "list[Image.Image]":
    """Every image mapped to one palette, taken from the last frame (which holds every
    colour): fast, small, and no flicker between frames (the GIF's frames and the
    report's PNGs).

    Examples
    --------
    >>> from PIL import Image
    >>> last = Image.new("RGB", (2, 1)); last.putpixel((1, 0), (255, 0, 0))  # black, red
    >>> frames = on_one_palette([Image.new("RGB", (2, 1), (255, 0, 0)), last])
    >>> [im.mode for im in frames], frames[0].convert("RGB").getpixel((0, 0))
    (['P', 'P'], (255, 0, 0))
    """
    from PIL import Image

    palette = images[-1].quantize(colors=colors, method=Image.Quantize.MAXCOVERAGE)
    return [im.quantize(palette=palette, dither=Image.Dither.NONE) for im in images]
