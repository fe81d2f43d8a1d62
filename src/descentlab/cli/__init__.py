"""The command line: parse arguments -> a config -> one library call -> print.

Each subcommand lives in its own module with ``add_parser(subparsers)`` and
``run(args) -> int``. Every error a user can cause ends in one line on stderr and a
non-zero exit: 2 for bad input, 1 when training or saving fails (divergence, a disk that
fails mid-save), 130 when Ctrl-C or SIGTERM stopped it (what ran is kept and said).
"""

import argparse
import os
import signal
import sys
import threading
import warnings
from collections.abc import Sequence
from types import FrameType
from typing import Any, NoReturn, TextIO, cast

import numpy as np

from descentlab.cli import (
    animate,
    collapse,
    exercise,
    fit,
    logistic,
    lr_study,
    nonlinear,
    playground,
    predict,
    report,
    tutorial,
)
from descentlab.errors import DescentlabError, DivergenceError, SaveError
from descentlab.files.interrupts import defer_interrupt, holding, interrupt_scope

COMMANDS = [tutorial, animate, lr_study, report, collapse, nonlinear, logistic, fit, predict,
            playground, exercise]


class OneLineParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line, not a usage block.

    >>> import contextlib, io
    >>> parser = OneLineParser(prog="demo")
    >>> _ = parser.add_argument("--epochs", type=int)
    >>> with contextlib.redirect_stderr(io.StringIO()) as err:
    ...     parser.parse_args(["--epochs", "many"])
    Traceback (most recent call last):
    SystemExit: 2
    >>> print(err.getvalue(), end="")
    demo: error: argument --epochs: invalid int value: 'many' (see 'demo --help')
    """

    def error(self, message: str) -> NoReturn:
        """Exit with status 2 after one line on stderr: what is wrong and where the help is.

        >>> import contextlib, io
        >>> with contextlib.redirect_stderr(io.StringIO()) as err:
        ...     OneLineParser(prog="demo").error("no data")
        Traceback (most recent call last):
        SystemExit: 2
        >>> err.getvalue()
        "demo: error: no data (see 'demo --help')\\n"
        """
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    """The ``descentlab`` parser with every subcommand of :data:`COMMANDS`.

    >>> args = build_parser().parse_args(["tutorial", "--epochs", "5"])
    >>> args.command, args.epochs, args.lr
    ('tutorial', 5, 0.05)
    """
    parser = OneLineParser(prog="descentlab", description="descentlab: gradient-descent "
                           "learning, taught and performed. Start with: descentlab tutorial")
    from descentlab._version import __version__

    parser.add_argument("--version", action="version", version=f"descentlab {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)
    for command in COMMANDS:
        command.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``descentlab`` with ``argv`` (default: ``sys.argv[1:]``); return its exit code.

    Bad input is one line on stderr: exit status 2 (argparse exits, ``run`` returns it).

    >>> import contextlib, sys
    >>> main(["exercise", "list"])
    linear_regression    the article: y = m x + b, half-MSE, gradient descent, ...
    ...
    0
    >>> with contextlib.redirect_stderr(sys.stdout):
    ...     main(["tutorial", "--lr", "-1"])
    descentlab: error: learning rate -1.0 must be a positive number: try 0.05
    2
    >>> with contextlib.redirect_stderr(sys.stdout):
    ...     try:
    ...         main(["tutorial", "--epochs", "many"])
    ...     except SystemExit as exit:
    ...         print("exit status", exit.code)
    descentlab tutorial: error: argument --epochs: invalid int value: 'many' (see 'descentlab tutorial --help')
    exit status 2
    """
    closed = _closed_standard_streams()
    if closed:
        return closed
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    args.argv = ["descentlab", *(sys.argv[1:] if argv is None else argv)]
    with warnings.catch_warnings(), _sigterm_interrupts(), interrupt_scope(), _held_interrupts(), \
            np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        warnings.showwarning = _one_line_warning  # NumPy's overflow is caught as divergence instead
        # _Stdout passes every other attribute to the stream it wraps: a TextIO by duck typing
        stdout, sys.stdout = sys.stdout, cast(TextIO, _Stdout(sys.stdout))
        try:
            code = _run(args)
            sys.stdout.flush()
        except _StdoutFailed as exc:  # stdout full or closed: the rest cannot be printed
            return _stdout_failed(exc.__cause__)
        finally:
            sys.stdout = stdout
    return code


def _closed_standard_streams() -> int:
    """1 with one line on stderr when standard output is closed (``>&-``): the run could
    print nothing it promises, so it does not start. Descriptors 0-2 are filled with
    /dev/null first, so no file this run opens takes their number."""
    closed = []
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            closed.append(fd)
    for fd in closed:
        if os.open(os.devnull, os.O_RDWR) != fd:  # the lowest free number: fd itself
            break
    if 1 not in closed:
        return 0
    if sys.stderr is not None and 2 not in closed:
        print("descentlab: error: standard output is closed, so nothing could be printed: "
              "redirect it to a file or to /dev/null instead (> out.txt)", file=sys.stderr)
    return 1


class _StdoutFailed(Exception):
    """Writing to standard output failed (the OSError is the cause)."""


class _Stdout:
    """sys.stdout, with its write errors told apart from every other OSError."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except OSError as exc:
            raise _StdoutFailed from exc

    def flush(self) -> None:
        try:
            return self._stream.flush()
        except OSError as exc:
            raise _StdoutFailed from exc

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    if holding():  # what a stopped run trained is being written: that comes first
        defer_interrupt()  # (after a finished run, this Ctrl-C stops the command then)
        if not _told:
            _told.append(signum)
            print("descentlab: still writing what was trained; it stops once that is saved",
                  file=sys.stderr, flush=True)
        return
    raise KeyboardInterrupt


_told: list[int] = []


class _held_interrupts:
    """Ctrl-C raises KeyboardInterrupt as usual, except after a first one stopped training
    and until what it trained is written (:func:`descentlab.files.interrupts.holding`):
    any number of Ctrl-C then keeps the history and metrics. Restored afterwards."""

    def __enter__(self) -> None:
        _told.clear()
        self.installed = threading.current_thread() is threading.main_thread()
        if self.installed:
            self.previous = signal.signal(signal.SIGINT, _raise_interrupt)

    def __exit__(self, *exc: object) -> None:
        if self.installed:
            signal.signal(signal.SIGINT, signal.default_int_handler if self.previous is None
                          else self.previous)


class _sigterm_interrupts:
    """SIGTERM (``kill``, a scheduler's stop) stops a run as Ctrl-C does: training ends
    cleanly and what ran is kept. Restored afterwards, so ``main`` can run in-process."""

    def __enter__(self) -> None:
        self.installed = threading.current_thread() is threading.main_thread()
        if self.installed:
            self.previous = signal.signal(signal.SIGTERM, _raise_interrupt)

    def __exit__(self, *exc: object) -> None:
        if self.installed:  # None: a handler set outside Python, which means the default
            signal.signal(signal.SIGTERM, signal.SIG_DFL if self.previous is None else self.previous)


def _stdout_failed(exc: BaseException | None) -> int:
    """One line on stderr, and stdout pointed at /dev/null so that Python's own flush at
    exit does not fail again with a traceback. A closed pipe (``| head -1``) stays quiet
    and exits 141, as a Unix tool killed by SIGPIPE does."""
    try:
        if sys.__stdout__ is not None:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.__stdout__.fileno())
    except (OSError, ValueError, AttributeError):
        pass
    if isinstance(exc, BrokenPipeError):
        return 141
    reason = exc.strerror if isinstance(exc, OSError) else None
    print(f"descentlab: error: cannot write to standard output ({reason or exc}): "
          "redirect it to a file with room", file=sys.stderr)
    return 1


def _one_line_warning(message: Warning | str, category: type[Warning], filename: str, lineno: int,
                      file: TextIO | None = None, line: str | None = None) -> None:
    """Show a warning (e.g. a ConvergenceWarning) as one line, without source code."""
    print(f"descentlab: warning: {message}", file=sys.stderr if file is None else file)


def _run(args: argparse.Namespace) -> int:
    try:
        code: int = args.run(args)  # the subcommand's run(args) -> int (set_defaults)
        return code
    except (DivergenceError, SaveError) as exc:
        print(f"descentlab: error: {exc}", file=sys.stderr)
        return 1
    except DescentlabError as exc:
        print(f"descentlab: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:
        print(f"descentlab: interrupted{': ' + str(exc) if str(exc) else ''}", file=sys.stderr)
        return 130
