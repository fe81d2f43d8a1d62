"""Watching training while it runs: a live board in a notebook, a line in a terminal.

:class:`LiveBoard` is a training callback, ``board(epoch, history)``, for
:func:`descentlab.core.trainer.train` and every estimator's ``fit(X, y, callbacks=[...])``
(like d2l's ProgressBoard). In a Jupyter kernel it redraws one figure in place (a ``display``
with a ``display_id``): the loss, the validation loss, any series you ask for. Elsewhere it
rewrites one progress line in the terminal. It only reads the History.

:func:`progress` is a plain progress bar for a notebook or a terminal (``tqdm.auto``
when tqdm is installed, the board's terminal line otherwise).
"""

import io
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, TextIO

import numpy as np

from descentlab.viz.history import plot_history

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from descentlab.core.history import History


class Handle(Protocol):
    """What a notebook's ``display(obj, display_id=True)`` returns: ``.update(obj)`` redraws it in place."""

    def update(self, obj: object) -> object: ...


def in_kernel() -> bool:
    """True inside a Jupyter (IPython) kernel, where rich output can be displayed.

    Examples
    --------
    >>> in_kernel()  # doctest and a terminal are no kernel
    False
    """
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return shell is not None and getattr(shell, "kernel", None) is not None


class PNG:
    """PNG bytes that IPython's display shows as an image (``_repr_png_``).

    Examples
    --------
    >>> PNG(b"\\x89PNG..."), PNG(b"\\x89PNG...")._repr_png_()[1:4]
    (PNG(7 bytes), b'PNG')
    """

    def __init__(self, data: bytes) -> None:
        self.data = data

    def _repr_png_(self) -> bytes:
        return self.data

    def __repr__(self) -> str:
        return f"PNG({len(self.data)} bytes)"


def _ipython_display(obj: object, display_id: bool = True) -> Handle:
    from IPython.display import display

    handle: Handle = display(obj, display_id=display_id)  # type: ignore[no-untyped-call]  # IPython ships no types
    return handle


class LiveBoard:
    """A training callback that draws the loss while training runs.

    Parameters
    ----------
    every : int or None, default=None
        Redraw every this many epochs; None redraws as often as ``max_rate`` allows.
    max_rate : float, default=4
        At most this many redraws a second (the first and the last epoch always draw).
    total : int, optional
        The epoch budget: the line says ``epoch i/total`` and the last epoch always draws.
    series : dict of str to callable, optional
        More curves to record and draw, each ``f(history) -> float`` called at every
        epoch (for example a training accuracy); drawn on a second axis.
    log : bool or None, default=None
        Log scale for the loss (None: when it spans more than two decades).
    mode : {"auto", "notebook", "terminal"}, default="auto"
        ``"auto"`` draws in a notebook inside a Jupyter kernel, a line otherwise.
    display : callable, optional
        ``display(obj, display_id=True) -> handle`` with ``handle.update(obj)``;
        IPython's by default.
    stream : file, default=sys.stderr
        Where the terminal line goes.

    Attributes
    ----------
    draws : int
        How many times the board has drawn (figure or line).
    values : dict of str to list of float
        Every epoch's value of each extra series.

    Examples
    --------
    >>> import io; from descentlab.core.history import History
    >>> board = LiveBoard(total=2, mode="terminal", stream=io.StringIO())
    >>> board(0, History(loss=[4.0])); board(1, History(loss=[4.0, 2.5]))
    >>> board.draws, board.stream.getvalue().split("\\r")[-1]  # one line, rewritten in place
    (2, 'update 2/2  loss at epoch 1 2.5  ')
    >>> h = History(loss=[4.0, 2.5], val_loss=[5.0, 3.5])
    >>> board.line(1, h), board.figure(h).axes[0].get_title(), board.png(h)[:4]
    ('update 2/2  loss at epoch 1 2.5  val_loss 3.5', 'Loss at epoch 1: 2.5 (2 of 2 updates)', b'\\x89PNG')
    >>> board.on_train_end(h); board.close(); board.stream.getvalue().count("\\n")  # the line ends, once
    1
    """

    def __init__(self, every: int | None = None, max_rate: float = 4.0, total: int | None = None,
                 series: dict[str, Callable[["History"], float]] | None = None, log: bool | None = None,
                 mode: str = "auto", display: Callable[..., Handle] | None = None, stream: TextIO | None = None,
                 figsize: tuple[float, float] = (7, 3.5), dpi: int = 80) -> None:
        if mode not in ("auto", "notebook", "terminal"):
            raise ValueError(f"mode {mode!r} is not one of 'auto', 'notebook', 'terminal'")
        self.every, self.max_rate, self.total = every, max_rate, total
        self.series = dict(series or {})
        self.values: dict[str, list[float]] = {name: [] for name in self.series}
        self.log, self.figsize, self.dpi = log, figsize, dpi
        self.mode = ("notebook" if in_kernel() else "terminal") if mode == "auto" else mode
        self._display = display or _ipython_display
        self.stream = sys.stderr if stream is None else stream
        self.draws = 0
        self._handle: Handle | None = None
        self._last_time = 0.0
        self._last_epoch: int | None = None
        self._history: History | None = None
        self._closed = False
        self._hooked = False

    def __repr__(self) -> str:
        return f"LiveBoard(mode={self.mode!r}, every={self.every}, draws={self.draws})"

    def __call__(self, epoch: int, history: "History") -> None:
        for name, f in self.series.items():
            self.values[name].append(float(f(history)))
        self._history = history
        self._closed = False
        if self._due(epoch):
            self.draw(epoch, history)

    def _due(self, epoch: int) -> bool:
        last = self.total is not None and epoch + 1 >= self.total
        if self._last_epoch is None or last:
            return True
        if self.every is not None:
            return epoch % self.every == 0
        return time.monotonic() - self._last_time >= 1.0 / self.max_rate

    def draw(self, epoch: int, history: "History") -> None:
        """Draw the board now, for ``history`` up to ``epoch``."""
        self._last_time, self._last_epoch = time.monotonic(), epoch
        self.draws += 1
        if self.mode == "notebook":
            image = PNG(self.png(history))
            if self._handle is None:
                self._handle = self._display(image, display_id=True)
                self._close_after_cell()
            else:
                self._handle.update(image)
        else:
            self.stream.write("\r" + self.line(epoch, history) + "  ")
            self.stream.flush()

    def on_train_end(self, history: "History") -> None:
        """Called by :func:`~descentlab.core.trainer.train` once training stops: :meth:`close`."""
        self._history = history
        self.close()

    def close(self) -> None:
        """Draw the last epoch if it has not been drawn, and end the terminal line. Training
        (:func:`~descentlab.core.trainer.train`, ``fit``) calls it when it stops; so does a notebook's cell end."""
        if self._closed:
            return
        self._closed = True
        history = self._history
        if history is not None and self._last_epoch != history.n_epochs - 1:
            self.draw(history.n_epochs - 1, history)
        if self.mode == "terminal" and self.draws:
            self.stream.write("\n")
            self.stream.flush()
        self._handle = self._last_epoch = None  # reused later: a new output where it runs

    def _close_after_cell(self) -> None:
        """In a kernel, close (draw the last epoch) when the running cell ends."""
        ipython = sys.modules.get("IPython")
        shell = ipython.get_ipython() if ipython is not None else None
        if shell is None or self._hooked:
            return

        def after_cell(*_: object) -> None:
            shell.events.unregister("post_run_cell", after_cell)
            self._hooked = False
            self.close()

        shell.events.register("post_run_cell", after_cell)
        self._hooked = True

    # -- what it shows --------------------------------------------------------------------
    def line(self, epoch: int, history: "History") -> str:
        """``update 12/100  loss at epoch 11 3.21  val_loss 3.5  accuracy 0.81``: the terminal
        line (epoch N is the state after N updates, where ``loss[N]`` was measured)."""
        total = f"/{self.total}" if self.total else ""
        parts = [f"update {epoch + 1}{total}", f"loss at epoch {epoch} {history.loss[-1]:.6g}"]
        if history.val_loss:
            parts.append(f"val_loss {history.val_loss[-1]:.6g}")
        parts += [f"{name} {values[-1]:.4g}" for name, values in self.values.items() if values]
        return "  ".join(parts)

    def figure(self, history: "History") -> "Figure":
        """The board as a matplotlib Figure: the losses, and the extra series beside them."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        ncols = 2 if self.values else 1
        width, height = self.figsize
        fig = Figure(figsize=(width * (1 + 0.6 * (ncols - 1)), height), dpi=self.dpi,
                     layout="constrained")
        FigureCanvasAgg(fig)
        axes = fig.subplots(1, ncols, squeeze=False)[0]
        total = f" of {self.total}" if self.total else ""
        plot_history(history, ax=axes[0], log=self.log,
                     title=f"Loss at epoch {history.n_epochs - 1}: {history.loss[-1]:.4g} "
                           f"({history.n_epochs}{total} updates)")
        if self.total:
            axes[0].set_xlim(-0.5, self.total - 0.5)
        if self.values:
            for name, values in self.values.items():
                axes[1].plot(np.arange(len(values)), values, label=name)
            axes[1].set_xlabel("Epoch")
            axes[1].set_title("Recorded series")
            axes[1].legend()
        return fig

    def png(self, history: "History") -> bytes:
        """The board as PNG bytes."""
        buf = io.BytesIO()
        self.figure(history).savefig(buf, format="png")
        return buf.getvalue()


def _has(module: str) -> bool:
    from importlib.util import find_spec

    return find_spec(module) is not None


def progress(total: int, desc: str = "training", *, stream: TextIO | None = None) -> "LiveBoard | _TqdmCallback":
    """A progress-bar callback ``f(epoch, history)`` over ``total`` epochs, with the loss.

    tqdm when it is installed (its notebook widget inside Jupyter when ipywidgets is
    installed, its text bar otherwise); without tqdm a :class:`LiveBoard` line. Call ``.close()`` on it when training ends.

    Examples
    --------
    >>> import io; from descentlab.core.history import History
    >>> stream = io.StringIO(); bar = progress(2, stream=stream)
    >>> bar(0, History(loss=[4.0])); bar(1, History(loss=[4.0, 2.5])); bar.close()
    >>> "2/2" in stream.getvalue(), "2.5" in stream.getvalue()  # the epochs done and the loss
    (True, True)
    """
    try:
        if in_kernel() and _has("ipywidgets"):
            from tqdm.notebook import tqdm
        else:                            # a terminal, or a notebook without widgets: text
            from tqdm.std import tqdm
    except ImportError:
        return LiveBoard(total=total, mode="terminal", stream=stream)
    return _TqdmCallback(tqdm(total=total, desc=desc, file=stream, leave=True))


class _TqdmCallback:
    """Advance a tqdm bar to each epoch and show the loss beside it."""

    def __init__(self, bar: Any) -> None:  # a tqdm bar (tqdm has no type information)
        self.bar = bar

    def __call__(self, epoch: int, history: "History") -> None:
        self.bar.update(epoch + 1 - self.bar.n)
        self.bar.set_postfix(loss=f"{history.loss[-1]:.4g}", refresh=False)

    def close(self) -> None:
        self.bar.close()

    def on_train_end(self, history: "History") -> None:
        """Training stopped: close the bar (its line ends, the widget shows it is done)."""
        self.close()

    def __repr__(self) -> str:
        return f"progress({self.bar!r})"
