"""Ctrl-C while a run's record is written: held back, and after a first one, the rest of
the command stops while what was trained is kept.

- :func:`deferred_signals` holds Ctrl-C and SIGTERM back while small files are written.
- :func:`interrupt_scope` (the command line's) makes a first Ctrl-C caught by a training
  loop stop every later part of the command and hold further Ctrl-C until what was
  trained is written (the "protected block").
"""

import signal
import threading
from contextlib import contextmanager


@contextmanager
def deferred_signals(signals=(signal.SIGINT, signal.SIGTERM)):
    """Hold Ctrl-C (and SIGTERM) back until the block ends, then deliver them.

    For writing the few small files that record a run (history, metrics, manifest): a
    second Ctrl-C must not lose them. A signal that came meanwhile is raised again once
    the block is done, so its usual handler runs (KeyboardInterrupt for Ctrl-C). Off the
    main thread, where handlers cannot be set, the block runs unprotected.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught = []
    previous = {s: signal.getsignal(s) for s in signals}
    for s in signals:
        signal.signal(s, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, signal.SIG_DFL if handler is None else handler)
        for signum in dict.fromkeys(caught):
            signal.raise_signal(signum)



#: The command line's Ctrl-C state (:func:`interrupt_scope`): off in Python sessions,
#: where a later call must train as usual.
_ctrl_c = {"scope": False, "stopping": False, "holding": False}


@contextmanager
def interrupt_scope():
    """While a command runs: once a training loop has caught Ctrl-C (:func:`note_interrupt`),
    every later part of the command stops at once (:func:`stopping`), and further Ctrl-C
    are held (:func:`holding`) until what was trained is written (:func:`release_interrupts`)."""
    _ctrl_c.update(scope=True, stopping=False, holding=False)
    try:
        yield
    finally:
        _ctrl_c.update(scope=False, stopping=False, holding=False)


def note_interrupt() -> None:
    """A training loop caught Ctrl-C: stop the command's other parts, keep what ran."""
    if _ctrl_c["scope"]:
        _ctrl_c.update(stopping=True, holding=True)


def stopping() -> bool:
    """True when Ctrl-C already stopped a part of this command: start no new training."""
    return _ctrl_c["stopping"]


def holding() -> bool:
    """True while what an interrupted run trained is still being written."""
    return _ctrl_c["holding"]


def release_interrupts() -> None:
    """What was trained is written: Ctrl-C stops the rest (figures) again."""
    _ctrl_c["holding"] = False
