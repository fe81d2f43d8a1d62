"""A one-line progress bar on a terminal's stderr, as a training callback."""

import sys
import time
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from descentlab.core.history import History


class ProgressBar:
    """Redraw ``epoch i/N [#####-----] loss L`` in place, at most every ``interval`` seconds.

    Parameters
    ----------
    total : int
        The epoch budget.
    stream : file, default=sys.stderr
    interval : float, default=0.1

    It draws only when ``stream`` is a terminal, so logs and pipes stay clean.

    Examples
    --------
    >>> import io
    >>> from descentlab.core.history import History
    >>> class Terminal(io.StringIO):
    ...     def isatty(self) -> bool: return True
    >>> bar = ProgressBar(4, stream=Terminal(), width=8)
    >>> bar(1, History(loss=[3.0, 2.5])); bar(3, History(loss=[3.0, 2.5, 2.2, 2.0]))
    >>> bar.stream.getvalue().split("\\r")[1:]
    ['  epoch 2/4 [####----] loss 2.5  ', '  epoch 4/4 [########] loss 2  ']
    >>> bar.close(); bar.stream.getvalue().endswith("loss 2  \\n")  # close ends the bar's line
    True
    >>> ProgressBar(4, stream=io.StringIO())  # not a terminal: draws nothing
    ProgressBar(total=4, enabled=False)
    """

    def __init__(self, total: int, stream: TextIO | None = None, interval: float = 0.1, width: int = 30) -> None:
        self.total = total
        self.stream = sys.stderr if stream is None else stream
        self.interval = interval
        self.width = width
        self.enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self._last = 0.0
        self._drawn = False

    def __call__(self, epoch: int, history: "History") -> None:
        now = time.monotonic()
        if not self.enabled or (now - self._last < self.interval and epoch + 1 < self.total):
            return
        self._last = now
        done = (epoch + 1) / self.total
        filled = int(self.width * done)
        bar = "#" * filled + "-" * (self.width - filled)
        self.stream.write(f"\r  epoch {epoch + 1}/{self.total} [{bar}] loss {history.loss[-1]:.6g}  ")
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        """End the bar's line (if one was drawn)."""
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = False

    def __repr__(self) -> str:
        return f"ProgressBar(total={self.total}, enabled={self.enabled})"
