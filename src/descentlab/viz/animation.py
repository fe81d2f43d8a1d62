"""Training, epoch by epoch: the line moving over the data beside the loss curve growing.

Each frame is one recorded epoch ``i``: the line of the parameters at the start of epoch
``i`` and the loss ``loss[i]`` computed at exactly those parameters (so the pair on a
frame always matches), with the epoch, loss, m and b in its title. Saved as GIF with
Pillow (no ffmpeg needed) or as MP4 when ffmpeg is on the machine; the HTML report
embeds the same frames as PNGs.
"""

import io
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from ..errors import DescentlabError
from ..fileio import atomic_path
from .article import LABEL_SIZE, line_of
from .sampling import MAX_FRAMES, MAX_POINTS, frame_epochs, path_marker, sample_points

FIGSIZE = (12, 4.5)
DPI = 80


def ffmpeg_available():
    """True when matplotlib finds an ffmpeg binary (needed for MP4 only)."""
    from matplotlib.animation import FFMpegWriter

    return FFMpegWriter.isAvailable()


def _padded(lo, hi, pad=0.08):
    span = (hi - lo) or 1.0
    return lo - pad * span, hi + pad * span


class TrainingAnimation:
    """The article's two panels as an animation drawn from a :class:`~descentlab.History`.

    Parameters
    ----------
    history : History
        With the parameters of every epoch recorded.
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
    max_frames : int, default=100
        Frames are at most this many evenly spaced epochs, the first and last included.
    max_points : int, default=2000
        Larger data sets are drawn as a random sample of this size (the figure says so).
    dpi : int, default=80
        Frames are 12 x 4.5 inches at this resolution (960 x 360 pixels by default).

    Attributes
    ----------
    epochs_ : ndarray of int
        The epoch shown on each frame.
    fig : matplotlib.figure.Figure
    """

    def __init__(self, history, X, y, *, max_frames=MAX_FRAMES, max_points=MAX_POINTS, dpi=DPI):
        if not history.loss or "W" not in history.params:
            raise DescentlabError("this history has no recorded parameters to animate: "
                                  "train with record_params=True")
        self.history = history
        self.dpi = dpi
        self.epochs_ = frame_epochs(history.n_epochs, max_frames)
        X_shown, y_shown, self.note = sample_points(X, y, max_points)
        self.x_line = np.linspace(np.min(X_shown[:, 0]), np.max(X_shown[:, 0]), 10)
        self._lines = [line_of(history.params_at(int(e)), X) for e in self.epochs_]
        self._build(X_shown[:, 0], y_shown)

    def _build(self, x, y):
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        self.fig = fig = Figure(figsize=FIGSIZE, dpi=self.dpi, layout="constrained")
        FigureCanvasAgg(fig)
        ax1, ax2 = fig.subplots(1, 2)
        ax1.scatter(x, y, s=12, alpha=0.8)
        (self._fit,) = ax1.plot([], [], linewidth=2, color="red", alpha=0.8, animated=True)
        ax1.set_xlim(_padded(x.min(), x.max()))
        ax1.set_ylim(_padded(y.min(), y.max()))
        ax1.set_title("Predicted Line on set of Datapoints", fontsize=LABEL_SIZE)
        ax1.set_xlabel("x", fontsize=LABEL_SIZE)
        ax1.set_ylabel("y", fontsize=LABEL_SIZE)
        if self.note:
            ax1.text(0.02, 0.97, self.note, transform=ax1.transAxes, va="top", fontsize=10,
                     bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none"})
        loss = np.asarray(self.history.loss)
        (self._curve,) = ax2.plot([], [], marker=path_marker(len(loss)), markersize=3,
                                  animated=True)
        (self._now,) = ax2.plot([], [], "o", color="red", markersize=7, animated=True)
        ax2.set_xlim(_padded(0, max(len(loss) - 1, 1), 0.03))
        ax2.set_ylim(_padded(min(0.0, loss.min()), loss.max(), 0.05))
        ax2.set_title("Loss", fontsize=LABEL_SIZE)
        ax2.set_xlabel("Epoch", fontsize=LABEL_SIZE)
        ax2.set_ylabel("Loss", fontsize=LABEL_SIZE)
        self._title = fig.suptitle("", fontsize=LABEL_SIZE, family="monospace", animated=True)
        self.draw(len(self.epochs_) - 1)  # the longest title, so the layout leaves room
        fig.canvas.draw()
        fig.set_layout_engine("none")  # freeze the layout; the background never changes
        self._background = fig.canvas.copy_from_bbox(fig.bbox)

    def __len__(self):
        return len(self.epochs_)

    def draw(self, frame):
        """Set the moving artists to frame ``frame`` (an index into :attr:`epochs_`)."""
        epoch = int(self.epochs_[frame])
        m, b = self._lines[frame]
        self._fit.set_data(self.x_line, m * self.x_line + b)
        self._curve.set_data(np.arange(epoch + 1), self.history.loss[:epoch + 1])
        self._now.set_data([epoch], [self.history.loss[epoch]])
        width = len(str(self.history.n_epochs - 1))
        self._title.set_text(f"Epoch {epoch:>{width}d}   Loss = {self.history.loss[epoch]:.6g}"
                             f"   m = {m:.4f}   b = {b:.4f}")
        return self.fig

    def frame(self, frame):
        """Frame ``frame`` as an RGB array of shape (height, width, 3).

        Only the moving artists are drawn over a saved background (blitting), so a frame
        costs a few milliseconds.
        """
        self.draw(frame)
        canvas = self.fig.canvas
        canvas.restore_region(self._background)
        for artist in (self._fit, self._curve, self._now, self._title):
            self.fig.draw_artist(artist)
        return np.asarray(canvas.buffer_rgba())[..., :3].copy()

    def images(self):
        """Every frame as a PIL image."""
        from PIL import Image

        return [Image.fromarray(self.frame(i)) for i in range(len(self))]

    def png_frames(self):
        """Every frame as PNG bytes (for the HTML report)."""
        frames = []
        for image in self.images():
            buf = io.BytesIO()
            image.save(buf, format="png")
            frames.append(buf.getvalue())
        return frames

    def save(self, path, fps=10):
        """Write the animation to ``path``, atomically.

        ``.gif`` is written by Pillow (no ffmpeg needed); ``.mp4`` (H.264) needs ffmpeg.
        """
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix not in (".gif", ".mp4"):
            raise DescentlabError(f"cannot write an animation as {str(path)!r}: use a .gif or .mp4 name")
        if suffix == ".mp4" and not ffmpeg_available():
            raise DescentlabError("MP4 needs ffmpeg, which is not on this machine: "
                                  "install ffmpeg or write a .gif")
        with atomic_path(path) as tmp:
            if suffix == ".gif":
                _write_gif(tmp, self.images(), fps)
            else:
                _write_mp4(tmp, [self.frame(i) for i in range(len(self))], fps)
        return path

    def __repr__(self):
        return f"TrainingAnimation(frames={len(self)}, epochs={self.history.n_epochs})"


def _write_gif(path, images, fps):
    """Save with Pillow, every frame mapped to one palette (taken from the last frame,
    which holds every colour): fast, small, and no flicker between frames."""
    from PIL import Image

    palette = images[-1].quantize(colors=128, method=Image.Quantize.MEDIANCUT)
    frames = [im.quantize(palette=palette, dither=Image.Dither.NONE) for im in images]
    frames[0].save(path, format="gif", save_all=True, append_images=frames[1:],
                   duration=round(1000 / fps), loop=0)


def _write_mp4(path, frames, fps):
    """Pipe RGB frames to ffmpeg as raw video; H.264 with yuv420p plays everywhere."""
    import subprocess

    from matplotlib.animation import FFMpegWriter

    height, width, _ = frames[0].shape
    command = [FFMpegWriter.bin_path(), "-y", "-loglevel", "error", "-f", "rawvideo",
               "-pix_fmt", "rgb24", "-s", f"{width}x{height}", "-r", str(fps), "-i", "-",
               "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2", "-c:v", "libx264",
               "-pix_fmt", "yuv420p", "-f", "mp4", str(path)]
    result = subprocess.run(command, input=b"".join(f.tobytes() for f in frames),
                            capture_output=True)
    if result.returncode != 0:
        message = result.stderr.decode(errors="replace").strip().splitlines()
        raise DescentlabError(f"ffmpeg could not write the MP4 ({message[-1] if message else 'no message'}): "
                              "write a .gif instead")
