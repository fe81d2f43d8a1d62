"""The one-line messages of a learner's faults, composed here from plain facts.

The child reports a fault as its kind, the exception's type name and a line number in the
learner's file (:func:`.wire.fault_of`); the sandbox adds how the child ended. Never the
exception's text: a learner could put a file it read there.
"""

import signal
from collections.abc import Collection
from typing import NoReturn, Protocol

from .judge import Failed


class TimeLimits(Protocol):
    """The seconds a check (``.check_timeout``) and a load (``.load_timeout``) may take (:class:`.sandbox.Limits`)."""

    @property
    def check_timeout(self) -> float: ...
    @property
    def load_timeout(self) -> float: ...


def timeout(limits: TimeLimits, loading: bool) -> Failed:
    """The :class:`Failed` of a child stopped at its deadline (``loading``: its file's load).

    >>> from descentlab.exercises.sandbox import Limits
    >>> timeout(Limits(check_timeout=2), loading=False).message
    "stopped after 2 s: an endless loop? (check the loop's condition)"
    """
    if loading:
        return Failed("timeout", f"stopped after {limits.load_timeout:g} s while loading your "
                      "file: an endless loop at the top level?")
    return Failed("timeout", f"stopped after {limits.check_timeout:g} s: an endless loop? "
                  "(check the loop's condition)")


def death(status: int | None, limits: TimeLimits, loading: bool) -> tuple[str, str]:
    """``(mistake, reason)`` of a child that died, from its exit status (``-N``: signal N).

    >>> from descentlab.exercises.sandbox import Limits
    >>> death(-signal.SIGXFSZ, Limits(), loading=False)
    ('output', 'wrote too much output: remove the prints')
    >>> death(3, Limits(), loading=True)[1]
    'ended the process while loading your file (exit code 3): does your code call os._exit? Return values instead'
    """
    where = " while loading your file" if loading else ""
    if isinstance(status, int) and status < 0 or isinstance(status, int) and status > 128:
        sig = -status if status < 0 else status - 128
        if sig == signal.SIGKILL:
            return "crash", (f"was killed{where} (SIGKILL): did the code signal its own "
                             "process, or use too much memory?")
        if sig == signal.SIGXFSZ:
            return "output", f"wrote too much output{where}: remove the prints"
        name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else str(sig)
        what = "a segmentation fault, " if sig == signal.SIGSEGV else ""
        return "crash", f"crashed{where} with {what}signal {name} (ctypes or a C extension?)"
    return "crash", (f"ended the process{where} (exit code {status}): does your code call "
                     "os._exit? Return values instead")


_KIND_HINTS = {"ValueError": " (arrays of shapes that do not fit together?)",
               "TypeError": " (a value of the wrong type, or the wrong number of arguments?)",
               "IndexError": " (an index past the end of an array?)",
               "NameError": " (a name used before it is defined?)"}


def _type(error: dict[str, object]) -> str | None:
    """The exception's type name as the child reported it, if it is a plain name."""
    name = error.get("type")
    return name if isinstance(name, str) and name.isidentifier() and len(name) <= 40 else None


def _where(error: dict[str, object]) -> str:
    line = error.get("line")
    return f" at line {line} of your file" if type(line) is int else ""


def raise_fault(name: str, error: object, limits: TimeLimits | None) -> NoReturn:
    """Raise the :class:`Failed` of a fault the child reported (``error``: plain data).

    >>> try:
    ...     raise_fault("gradient", {"kind": "exception", "type": "ValueError", "line": 12}, None)
    ... except Failed as exc:
    ...     print(exc.mistake, "|", exc.message)
    exception | gradient raised ValueError at line 12 of your file (arrays of shapes that do not fit together?)
    """
    error = error if isinstance(error, dict) else {}
    assert isinstance(error, dict)
    kind, exc_type = error.get("kind"), _type(error) or "an exception"
    if kind == "missing":
        raise Failed("missing", f"{name} is missing: define it in your file")
    if kind == "not_written":
        raise Failed("not_written", f"{name} is not written yet: replace "
                     "'raise NotImplementedError' with your code")
    if kind == "exit":
        raise Failed("exit", f"{name} called sys.exit: return a value instead")
    if kind == "memory":
        raise Failed("memory", f"{name} ran out of memory{_where(error)}: build smaller arrays "
                     "(no N x N matrices)")
    if kind == "recursion":
        raise Failed("exception", f"{name} calls itself without end (RecursionError)")
    if kind == "descentlab":
        raise Failed("descentlab", f"{name} uses descentlab's own code: write it yourself")
    raise Failed("exception", f"{name} raised {exc_type}{_where(error)}"
                 f"{_KIND_HINTS.get(exc_type, '')}")


def load_failure(error: object, flags: Collection[str]) -> Failed:
    """The :class:`Failed` of a file that could not load.

    >>> load_failure({"kind": "exception", "type": "NameError", "line": 3}, set()).message
    'your file raised NameError when loaded at line 3 of your file: code outside the functions must run'
    """
    error = error if isinstance(error, dict) else {}
    kind = error.get("kind")
    if kind == "descentlab" or "used_descentlab" in flags:
        return Failed("descentlab", "your file uses descentlab's own code: write it yourself")
    if kind == "exit":
        return Failed("exit", "your file calls sys.exit when loaded: remove it (the checks "
                      "call your functions)")
    if kind == "memory":
        return Failed("memory", "your file runs out of memory when loaded")
    exc_type = _type(error) or "an exception"
    return Failed("load", f"your file raised {exc_type} when loaded{_where(error)}: code "
                  "outside the functions must run")
