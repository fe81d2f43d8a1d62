"""Run a learner's code in a child process that can only answer with numbers.

Design. The checks run here, in the grader's process; the child (:mod:`.worker`) only loads a private copy of the
learner's file and calls its functions on the inputs sent to it, answering with plain data (:mod:`.wire`). Expected
values never enter the child, and nothing it prints, writes or patches reaches a verdict: the worst a cheat can do is
answer wrongly. Each call has the deadline of its check; a child that overruns it, crashes or breaks the channel is
ended, the check fails with the reason, and the next call starts a fresh child (a Python start-up per fault).

Isolation, where Linux allows it without privileges (``isolation() == "namespaces"``): the child's own user, mount,
network and PID namespaces (:mod:`.namespaces`): every mount read-only but its work folder, descentlab's folder
hidden, no network; the child is PID 1 (``getppid()`` is 0: it cannot name the grader), and when it ends the kernel
ends all it started. Elsewhere (``"process"``): a supervisor (:mod:`.shim`) between the grader and the child, which
adopts and ends every process the child leaves behind and, when the grader is root, runs the child as ``nobody``; the
audit hook of the worker (writes outside its folder, sockets, signals and forks refused); the private copy. Without
root, code going around Python (ctypes) is not contained there; the report's ``isolation`` column says which ran.
"""

import os
import secrets
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from .faults import death, load_failure, raise_fault, timeout
from .judge import Failed
from .namespaces import (
    NAMESPACES,
    PACKAGE,
    SETUP,
    children,
    isolation,
    kill_marked,
    namespace_size,
    numpy_lib,
)
from .shim import can_drop
from .wire import Message, decode, encode, frame, receive

HERE = Path(__file__).resolve().parent
PYTHON = sys.executable  # the child's interpreter (the grader's own: NumPy is built for it)


@dataclass(frozen=True)
class Limits:
    """What one learner's file may use.

    Attributes
    ----------
    check_timeout : float, default=10.0
        Seconds per check.
    load_timeout : float, default=30.0
        Seconds to start Python and load the learner's file.
    memory_mb : int, default=1024
        Memory (MiB) the learner's code may allocate on top of Python and NumPy; 0: no limit.

    Examples
    --------
    >>> Limits(check_timeout=2.0)
    Limits(check_timeout=2.0, load_timeout=30.0, memory_mb=1024)
    """

    check_timeout: float = 10.0
    load_timeout: float = 30.0
    memory_mb: int = 1024


class Session:
    """One learner's child process, started on the first call and after each fault.

    Parameters
    ----------
    source : str
        The learner's code (already compiled once by the caller: it has no syntax error).
    limits : Limits
    names : iterable of str
        The functions of the lesson (the stand-in descentlab module offers them too).
    helpers : dict of str to callable
        The reference functions a check may swap in (``call(swap=...)``): run here, only results sent.
    modules : dict of str to str, optional
        The learner's own helper modules, ``{file name: text}``, copied beside its file.

    Examples
    --------
    >>> session = Session("def double(x): return 2 * x", Limits(), ["double"])
    >>> session.start(); session.call("double", [21]), session  # the value, and the arguments after the call
    ((42, [21]), Session(..., alive=True))
    >>> session.stop() is not None, session.stop(), session  # its exit status; none running: None
    (True, None, Session(..., alive=False))
    >>> session.close(); session.work.exists()  # its folder removed (``with Session(...)`` closes too)
    False
    """

    def __init__(self, source: str, limits: Limits, names: Iterable[str],
                 helpers: dict[str, Callable[..., object]] | None = None,
                 modules: dict[str, str] | None = None) -> None:
        self.limits, self.names, self.helpers = limits, ",".join(names), dict(helpers or {})
        self.mode = isolation()
        self.flags: set[str] = set()
        self.printed = ""
        self.budget: float | None = None
        self.proc: subprocess.Popen[bytes] | None = None
        self.token = secrets.token_hex(8)
        self.log: IO[bytes] | None = None
        self._tmp = Path(tempfile.mkdtemp(prefix="descentlab-check-"))
        self.work, self.runtime = self._tmp / "work", self._tmp / "runtime"
        self.work.mkdir()
        self.runtime.mkdir()
        for name in ("worker.py", "wire.py", "shim.py"):
            shutil.copyfile(HERE / name, self.runtime / name)
            (self.runtime / name).chmod(0o644)
        self.lib = numpy_lib(self._tmp / "lib")
        for folder in (self._tmp, self.runtime, self.lib):  # readable by the shim's "nobody"
            folder.chmod(0o755)
        self.learner = self.work / "learner.py"
        self.source, self.modules = source, dict(modules or {})

    def __repr__(self) -> str:
        return f"Session({self.mode!r}, alive={self.proc is not None})"

    def _command(self) -> list[str]:
        worker = [PYTHON, "-I", "-S", "-B", str(self.runtime / "worker.py"),
                  str(self.runtime), str(self.lib), str(self.work), str(PACKAGE),
                  str(self.learner), str(self.limits.memory_mb),
                  "0" if self.mode == "namespaces" else "1", self.names]
        if self.mode == "namespaces":
            return [*NAMESPACES, "sh", "-c", SETUP, "sh", str(self.work), str(PACKAGE), *worker]
        drop = can_drop([PYTHON, *self.lib.iterdir()])
        return [PYTHON, "-I", "-S", "-B", str(self.runtime / "shim.py"), str(self.work),
                "1" if drop else "0", *worker]  # the supervisor: see shim.py

    def start(self) -> None:
        """Start a fresh child on a fresh copy; raise :class:`Failed` when the file cannot load."""
        for name, text in [(self.learner.name, self.source), *self.modules.items()]:
            (self.work / Path(name).name).write_text(text, encoding="utf-8")
            (self.work / Path(name).name).chmod(0o644)
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(self.work),
               "TMPDIR": str(self.work), "LANG": "C.UTF-8", "OPENBLAS_NUM_THREADS": "1",
               "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "DESCENTLAB_SANDBOX": "1",
               "DESCENTLAB_SESSION": self.token}
        self.log = open(self._tmp / "log.txt", "wb")
        self.proc = subprocess.Popen(self._command(), stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self.log, cwd=self.work,
                                     env=env, start_new_session=True)
        assert self.proc.stdin is not None  # a pipe, asked for above
        os.set_blocking(self.proc.stdin.fileno(), False)
        deadline = time.monotonic() + self.limits.load_timeout
        message = self._receive(deadline, loading=True)
        if message.get("op") == "load_failed":
            error = message.get("error", {})
            self.stop()
            raise load_failure(error, self.flags)
        if message.get("op") != "loaded":
            self.stop()
            raise Failed("crash", "the file's process sent something else than its answer")

    def call(self, name: str, args: Sequence[object], swap: Iterable[str] = (),
             seed: int | None = None) -> tuple[object, object]:
        """The learner's ``name(*args)`` (plain data back); :class:`Failed` on any fault.

        Returns ``(value, args after the call)``.
        """
        if self.proc is None:
            self.start()
        began = time.monotonic()
        budget = self.limits.check_timeout if self.budget is None else self.budget
        deadline = began + max(budget, 0.0)
        try:
            return self._call(name, args, swap, seed, deadline)
        finally:
            if self.budget is not None:
                self.budget -= time.monotonic() - began

    def _call(self, name: str, args: Sequence[object], swap: Iterable[str], seed: int | None,
              deadline: float) -> tuple[object, object]:
        self._send({"op": "call", "name": name, "args": encode(list(args)), "swap": list(swap),
                    "seed": seed}, deadline)
        while True:
            message = self._receive(deadline, loading=False)
            if message.get("op") != "callback":
                break
            self._send(self._helper(message), deadline)
        if message.get("used"):
            raise Failed("descentlab", f"{name} uses descentlab's own code: write it yourself")
        if "error" in message:
            raise_fault(name, message["error"], self.limits)
        try:
            return decode(message["value"]), decode(message["after"])
        except (KeyError, ValueError, TypeError, RecursionError):
            self.stop()
            raise Failed("crash", f"{name}: its answer could not be read") from None

    def _helper(self, message: Message) -> Message:
        """A reference helper's answer to the child (its time is not the learner's)."""
        try:
            func = self.helpers[str(message.get("name"))]
            args = decode(message["args"])
            assert isinstance(args, list)  # the child sends its arguments as a list
            return {"value": encode(func(*args))}
        except Exception:  # an unknown helper, or arguments it cannot use
            return {"error": "unusable arguments"}

    def _send(self, message: Message, deadline: float) -> None:
        try:
            assert self.proc is not None and self.proc.stdin is not None  # started
            fd = self.proc.stdin.fileno()
            view = memoryview(frame(message))
            while view:
                if not select.select([], [fd], [], max(0.0, deadline - time.monotonic()))[1]:
                    self._end("timed_out")
                    raise timeout(self.limits, loading=False)
                view = view[os.write(fd, view):]
        except (BrokenPipeError, OSError):
            raise self._died(loading=False) from None

    def _receive(self, deadline: float, loading: bool) -> Message:
        """The child's next answer; its notes (flags sent as they happen) on the way."""
        while True:
            message = self._receive_one(deadline, loading)
            if message.get("op") != "note":
                return message

    def _receive_one(self, deadline: float, loading: bool) -> Message:
        assert self.proc is not None and self.proc.stdout is not None  # started
        fd = self.proc.stdout.fileno()

        def wait() -> None:  # before every read, even inside a message: a half message cannot hang us
            if not select.select([fd], [], [], max(0.0, deadline - time.monotonic()))[0]:
                self._end("timed_out")
                raise timeout(self.limits, loading)

        try:
            message = receive(fd, wait)
        except (EOFError, OSError):
            raise self._died(loading) from None
        except (ValueError, TypeError, RecursionError):  # not a message of ours
            self.stop()
            raise Failed("crash", "the channel to the file's process was broken (did the code "
                         "write to file descriptors directly?)") from None
        self.flags.update(str(f) for f in message.get("flags", ()) if isinstance(f, str))
        printed = message.get("printed")
        if isinstance(printed, str):
            self.printed = printed[:1200]
        return message

    def _died(self, loading: bool) -> Failed:
        status = self.stop()
        if status in (-signal.SIGKILL, 128 + signal.SIGKILL, -signal.SIGTERM):
            self.flags.add("signalled")
        return Failed(*death(status, self.limits, loading))

    def _end(self, flag: str) -> None:
        self.flags.add(flag)
        self.stop()

    def stop(self) -> int | None:
        """End the child and everything it started; its exit status (None when none ran)."""
        if self.proc is None:
            return None
        if self.mode == "namespaces" and namespace_size(children(self.proc.pid)) > 1:
            self.flags.add("forked")  # the namespace's first process started others
        if self.mode != "namespaces":  # the shim ends every descendant, detached ones too
            if self.proc.poll() == -signal.SIGKILL:
                self.flags.add("signalled")  # the child killed its supervisor
            try:
                self.proc.send_signal(signal.SIGTERM)
                self.proc.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                pass
            kill_marked(self.token)  # any the shim could not reach (it was killed)
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        status = self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout, self.log):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass
        self.proc = None
        return status

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self._tmp, ignore_errors=True)

    def __enter__(self) -> "Session":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
