"""Ctrl-C while a run's record is written: held back, and after a first one, the rest of
the command stops while what was trained is kept.

- :func:`deferred_signals` holds Ctrl-C and SIGTERM back while small files are written.
- :func:`interrupt_scope` (the command line's) makes a first Ctrl-C caught by a training
  loop stop every later part of the command and hold further Ctrl-C until what was
  trained is written (the "protected block").
- In a command that records its run (:func:`expect_record`), a Ctrl-C that comes after
  training ended but before its record is written is held too, and stops the command
  once the record is written (:func:`release_interrupts`).
"""

import signal
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from types import FrameType


@contextmanager
def deferred_signals(signals: Iterable[signal.Signals] = (signal.SIGINT, signal.SIGTERM)) -> Iterator[None]:
    """Hold Ctrl-C (and SIGTERM) back until the block ends, then deliver them.

    For writing the few small files that record a run (history, metrics, manifest): a
    second Ctrl-C must not lose them. A signal that came meanwhile is raised again once
    the block is done, so its usual handler runs (KeyboardInterrupt for Ctrl-C). Off the
    main thread, where handlers cannot be set, the block runs unprotected.

    >>> import os
    >>> got = []; before = signal.signal(signal.SIGUSR1, lambda signum, frame: got.append(signum))
    >>> with deferred_signals([signal.SIGUSR1]):
    ...     os.kill(os.getpid(), signal.SIGUSR1); print("held:", got)
    held: []
    >>> got == [signal.SIGUSR1]; _ = signal.signal(signal.SIGUSR1, before)  # delivered after the block
    True
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []

    def hold(signum: int, frame: FrameType | None) -> None:
        caught.append(signum)

    previous = {s: signal.getsignal(s) for s in signals}
    for s in signals:
        signal.signal(s, hold)
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, signal.SIG_DFL if handler is None else handler)
        for signum in dict.fromkeys(caught):
            signal.raise_signal(signum)



#: The command line's Ctrl-C state (:func:`interrupt_scope`): off in Python sessions,
#: where a later call must train as usual.
_ctrl_c = {"scope": False, "stopping": False, "holding": False, "record": False, "pending": False}
_FRESH = dict(_ctrl_c)


@contextmanager
def interrupt_scope() -> Iterator[None]:
    """While a command runs: once a training loop has caught Ctrl-C (:func:`note_interrupt`),
    every later part of the command stops at once (:func:`stopping`), and further Ctrl-C
    are held (:func:`holding`) until what was trained is written (:func:`release_interrupts`).

    >>> with interrupt_scope():
    ...     note_interrupt(); print(stopping(), holding())
    True True
    >>> stopping(), holding()  # the scope's end resets the state
    (False, False)
    """
    _ctrl_c.update(_FRESH, scope=True)
    try:
        yield
    finally:
        _ctrl_c.update(_FRESH)


def note_interrupt() -> None:
    """A training loop caught Ctrl-C: stop the command's other parts, keep what ran.

    >>> note_interrupt(); stopping()  # outside a command (a Python session): nothing changes
    False
    """
    if _ctrl_c["scope"]:
        _ctrl_c.update(stopping=True, holding=True)


def stopping() -> bool:
    """True when Ctrl-C already stopped a part of this command: start no new training.

    >>> with interrupt_scope():
    ...     print(stopping()); note_interrupt(); print(stopping())
    False
    True
    """
    return _ctrl_c["stopping"]


def expect_record() -> None:
    """This command writes a record of its runs (history, metrics): from the end of each
    training until that record is written, Ctrl-C waits (:func:`training_ended`).

    >>> with interrupt_scope():
    ...     expect_record(); training_ended(); print(holding())
    True
    """
    if _ctrl_c["scope"]:
        _ctrl_c["record"] = True


def training_starts() -> bool:
    """A training loop starts: it is interruptible again; True when it must not run (a
    Ctrl-C stopped a part of this command, or came while the last run was being kept).

    >>> with interrupt_scope():
    ...     print(training_starts()); note_interrupt(); print(training_starts())
    False
    True
    """
    if _ctrl_c["pending"]:
        _ctrl_c.update(pending=False, stopping=True)
    if not _ctrl_c["stopping"]:
        _ctrl_c["holding"] = False
    return _ctrl_c["stopping"]


def training_ended() -> None:
    """A training loop ended without Ctrl-C: in a command that records it, hold Ctrl-C
    until the record is written, so that what was trained is never lost.

    >>> with interrupt_scope():  # a command that writes no record holds nothing
    ...     training_ended(); print(holding())
    False
    """
    if _ctrl_c["scope"] and _ctrl_c["record"] and threading.current_thread() is threading.main_thread():
        _ctrl_c["holding"] = True


def defer_interrupt() -> None:
    """A Ctrl-C came while holding: if no training was stopped by one, it stops the
    command once the record is written (:func:`release_interrupts`).

    >>> with interrupt_scope():
    ...     expect_record(); training_ended(); defer_interrupt()
    ...     try:
    ...         release_interrupts()
    ...     except KeyboardInterrupt:
    ...         print("stopped once the record is written:", stopping())
    stopped once the record is written: True
    """
    if not _ctrl_c["stopping"]:
        _ctrl_c["pending"] = True


def holding() -> bool:
    """True while what an interrupted run trained is still being written.

    >>> with interrupt_scope():
    ...     note_interrupt(); print(holding()); release_interrupts(); print(holding())
    True
    False
    """
    return _ctrl_c["holding"]


def release_interrupts() -> None:
    """What was trained is written: Ctrl-C stops the rest (figures) again, and one that
    came meanwhile stops it now (KeyboardInterrupt).

    >>> with interrupt_scope():
    ...     expect_record(); training_ended(); release_interrupts()  # no Ctrl-C came: nothing raised
    ...     print(holding(), stopping())
    False False
    """
    _ctrl_c["holding"] = False
    if _ctrl_c["pending"]:
        _ctrl_c.update(pending=False, stopping=True)
        raise KeyboardInterrupt
