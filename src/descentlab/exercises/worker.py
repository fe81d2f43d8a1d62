"""The child process: load the learner's file, call its functions on request, return plain data.

    python -I -S -B worker.py RUNTIME LIB WORK PACKAGE LEARNER MEMORY_MB STRICT NAMES

It runs with no descentlab on its path (``-I -S``: no site-packages, no PYTHONPATH; only
the standard library and a folder LIB holding a link to NumPy), so the reference solutions
and the checks cannot be imported: the checks run in the parent (:mod:`.sandbox`), which
sends inputs and compares what comes back. Requests come on the pipe that was fd 0,
answers go to the pipe that was fd 1 (:mod:`.wire`: numbers and arrays, never pickle);
fds 0, 1 and 2 are then pointed at /dev/null and a log, so a print cannot reach the
channel.

An audit hook (which Python code cannot remove) notes and refuses what a submission must
not do: import descentlab (a stand-in module answers, whose functions fail and mark the
function that called them), read the installed package's files, write outside WORK, open a
socket, signal another process; it notes a fork (refused when STRICT, i.e. without a PID
namespace to end the forks). The notes travel with each answer as flags. These are the
learner-facing half of the defence; the sandbox's namespaces are the half ctypes cannot
get around.
"""

import importlib.abc
import os
import random
import sys
import types
from collections.abc import Callable, Sequence
from importlib.machinery import ModuleSpec
from typing import Any, NoReturn

if __name__ == "__main__":  # the child; imported (docs, tests), this module does nothing
    RUNTIME, LIB, WORK, PACKAGE, LEARNER, MEMORY_MB, STRICT, NAMES = sys.argv[1:9]
    sys.path[:] = [p for p in sys.path if p] + [RUNTIME, LIB]

import resource  # noqa: E402

import numpy as np  # noqa: E402  (loaded before the hook: NumPy reads its own files)

try:
    from wire import Message, decode, encode, fault_of, receive, send  # type: ignore[import-not-found]
except ImportError:  # imported as part of descentlab
    from .wire import Message, decode, encode, fault_of, receive, send

REQUESTS = ANSWERS = -1  # the channel's descriptors, set by main()

FLAGS: set[str] = set()
_state: dict[str, Any] = {"current": None, "used": False, "busy": False}
_WRITE = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_FORKS = {"os.fork", "os.forkpty", "os.posix_spawn", "os.spawn", "os.exec", "subprocess.Popen",
          "os.system"}
_PATH_WRITES = {"os.remove": (0,), "os.rename": (0, 1), "os.replace": (0, 1), "os.mkdir": (0,),
                "os.rmdir": (0,), "os.chmod": (0,), "os.chown": (0,), "os.truncate": (0,),
                "os.symlink": (1,), "os.link": (1,), "os.utime": (0,), "shutil.rmtree": (0,),
                "os.mkfifo": (0,), "os.mknod": (0,)}


class UsedDescentlab(BaseException):
    """Raised by the stand-in of every descentlab function; not an ``Exception``, so a learner's
    ``except Exception`` cannot hide it.

    >>> issubclass(UsedDescentlab, Exception), str(UsedDescentlab("gradient"))
    (False, 'gradient')
    """


def _inside(path: str, folder: str) -> bool:
    real = os.path.realpath(path)
    return real == folder or real.startswith(folder.rstrip(os.sep) + os.sep)


def _note(flag: str) -> None:
    """Record ``flag`` and tell the parent at once (the code may end the process next)."""
    if flag not in FLAGS:
        FLAGS.add(flag)
        send(ANSWERS, {"op": "note", "flags": [flag]})


def _used_descentlab() -> None:
    _note("used_descentlab")
    _state["used"] = True


def _refuse(flag: str, what: str) -> NoReturn:
    _note(flag)
    raise PermissionError(f"not allowed in an exercise: {what}")


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _state["busy"]:
        return
    _state["busy"] = True
    try:
        _judge_event(event, args)
    finally:
        _state["busy"] = False


def _judge_event(event: str, args: tuple[Any, ...]) -> None:
    if event == "open":
        path, mode, flags = args
        if not isinstance(path, (str, bytes, os.PathLike)):
            return
        path = os.fsdecode(path)
        if _inside(path, PACKAGE):
            _used_descentlab()
            raise PermissionError("descentlab's own files are not open to exercises")
        writes = (mode is not None and any(c in str(mode) for c in "wax+")) or (
            mode is None and isinstance(flags, int) and flags & _WRITE)
        if writes and not _inside(path, WORK) and os.path.realpath(path) != os.devnull:
            _refuse("wrote_outside", "writing outside the exercise's own folder")
    elif event in _PATH_WRITES:
        for i in _PATH_WRITES[event]:
            path = args[i] if i < len(args) else None
            if isinstance(path, (str, bytes, os.PathLike)) and not _inside(os.fsdecode(path), WORK):
                _refuse("wrote_outside", "changing files outside the exercise's own folder")
    elif event == "import" and str(args[0]).split(".")[0] == "descentlab":
        _used_descentlab()
    elif event == "socket.__new__":
        _refuse("network", "the network")
    elif event in _FORKS:
        _note("forked")
        if STRICT == "1":
            raise PermissionError("starting processes is not allowed in an exercise")
    elif event in ("os.kill", "os.killpg", "signal.pthread_kill") and args[0] != os.getpid():
        _refuse("signalled", "signalling another process")


class _StandIn(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds every ``descentlab`` module and answers with a stand-in whose functions fail."""

    def find_spec(self, fullname: str, path: Sequence[str] | None = None,
                  target: types.ModuleType | None = None) -> ModuleSpec | None:
        if fullname.split(".")[0] != "descentlab":
            return None
        return ModuleSpec(fullname, self, is_package=True)

    def create_module(self, spec: ModuleSpec) -> types.ModuleType:
        _used_descentlab()
        module = types.ModuleType(spec.name)
        module.__path__ = []
        names = NAMES.split(",")
        module.__all__ = names  # type: ignore[attr-defined]  # a module's star-import list
        for name in names:
            setattr(module, name, _poisoned(name))
        module.__getattr__ = _poisoned  # type: ignore[method-assign]  # a module's PEP 562 hook
        return module

    def exec_module(self, module: types.ModuleType) -> None:
        pass


def _poisoned(name: str) -> Callable[..., NoReturn]:
    def stand_in(*args: object, **kwargs: object) -> NoReturn:
        _used_descentlab()
        raise UsedDescentlab(name)
    stand_in.__name__ = str(name)
    return stand_in


class Printed:
    """``sys.stdout`` of the learner: counts everything, keeps the first 1,000 characters.

    >>> printed = Printed()
    >>> printed.write("x" * 1500), printed.take()[-30:], printed.take()
    (1500, 'xx... (1500 characters in all)', '')
    >>> print("ok", file=printed, flush=True); printed.take()  # print's flush=True calls .flush()
    'ok\\n'
    """

    def __init__(self) -> None:
        self.count, self.kept = 0, list[str]()

    def write(self, text: object) -> int:
        out = str(text)
        if self.count < 1000:
            self.kept.append(out[: 1000 - self.count])
        self.count += len(out)
        return len(out)

    def flush(self) -> None:
        pass

    def take(self) -> str:
        text = "".join(self.kept)
        if self.count > 1000:
            text += f"... ({self.count} characters in all)"
        self.count, self.kept = 0, []
        return text


def _vm_bytes() -> int:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _limit(memory_mb: int) -> None:
    if memory_mb > 0:
        limit = _vm_bytes() + memory_mb * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (4 * 2**20, 4 * 2**20))


def _answer(message: Message, printed: Printed) -> None:
    message.update(printed=printed.take(), flags=sorted(FLAGS), used=_state["used"])
    _state["used"] = False
    send(ANSWERS, message)


def _helper(name: str) -> Callable[..., object]:
    """A reference function, computed by the parent: the child never holds its code."""
    def helper(*args: object) -> object:
        send(ANSWERS, {"op": "callback", "name": name, "args": encode(list(args))})
        reply = receive(REQUESTS)
        if "value" not in reply:
            raise ValueError("the reference helper cannot use these arguments")
        return decode(reply["value"])
    helper.__name__ = name
    return helper


def _call(module: types.ModuleType, request: Message) -> Message:
    name, args = request["name"], decode(request["args"])
    if request.get("seed") is not None and request["seed"] != _state.get("seed"):
        _state["seed"] = request["seed"]  # the learner's own np.random draws repeat too
        np.random.seed(request["seed"] % 2**32)
        random.seed(request["seed"])
    func = module.__dict__.get(name)
    if not callable(func):
        return {"error": {"kind": "missing", "type": None, "line": None}}
    saved = {n: module.__dict__.get(n) for n in request.get("swap", ())}
    module.__dict__.update({n: _helper(n) for n in saved})
    _state["current"] = name
    try:
        out = func(*args)
        return {"value": encode(out), "after": encode(list(args))}
    except BaseException as exc:  # the learner's fault, reported by kind, type and line
        return {"error": fault_of(exc, module.__file__)}
    finally:
        _state["current"] = None
        for n, f in saved.items():
            if f is None:
                module.__dict__.pop(n, None)
            else:
                module.__dict__[n] = f


def main() -> None:
    """The child's life: load the learner's file, answer ``loaded``, then one answer per request.

    >>> import subprocess, tempfile
    >>> from pathlib import Path
    >>> from descentlab.exercises.namespaces import PACKAGE, numpy_lib
    >>> from descentlab.exercises.wire import frame
    >>> with tempfile.TemporaryDirectory() as work:
    ...     learner = Path(work, "learner.py"); _ = learner.write_text("def f(x): return 2 * x")
    ...     argv = [os.path.dirname(__file__), numpy_lib(Path(work, "lib")), work, PACKAGE, learner, "0", "1", "f"]
    ...     out = subprocess.run([sys.executable, "-I", "-S", "-B", __file__, *map(str, argv)], capture_output=True,
    ...                          input=frame({"op": "call", "name": "f", "args": encode([21])}), timeout=60).stdout
    >>> r, w = os.pipe(); _ = os.write(w, out); os.close(w)
    >>> receive(r)["op"], decode(receive(r)["value"]); os.close(r)
    ('loaded', 42)
    """
    global REQUESTS, ANSWERS
    REQUESTS, ANSWERS = os.dup(0), os.dup(1)
    os.dup2(os.open(os.devnull, os.O_RDWR), 0)
    os.dup2(2, 1)  # fd 2 is the grader's log of this child, capped by RLIMIT_FSIZE
    _limit(int(MEMORY_MB))
    sys.meta_path.insert(0, _StandIn())
    sys.addaudithook(_audit)
    os.chdir(WORK)
    printed = Printed()
    sys.stdout = sys.stderr = printed
    module = types.ModuleType("learner")
    module.__file__ = LEARNER
    sys.modules["learner"] = module
    try:
        with open(LEARNER, encoding="utf-8") as f:
            code = compile(f.read(), LEARNER, "exec")
        exec(code, module.__dict__)
    except BaseException as exc:
        _answer({"op": "load_failed", "error": fault_of(exc, LEARNER)}, printed)
        return
    _answer({"op": "loaded"}, printed)
    while True:
        try:
            request = receive(REQUESTS)
        except EOFError:
            return
        _answer(_call(module, request), printed)


if __name__ == "__main__":
    main()
