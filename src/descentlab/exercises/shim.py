"""The supervisor of a child that runs without namespaces (``isolation() == "process"``).

    python -I -S -B shim.py WORK DROP COMMAND...

It stands between the grader and the child: it is the child's parent (the child's
``getppid()`` is not the grader), it adopts every process the child leaves behind
(``PR_SET_CHILD_SUBREAPER``), and when the child ends, when the grader sends SIGTERM or when
the grader goes away (``PR_SET_PDEATHSIG``), it kills them all before it exits. With DROP
("1": the grader runs as root and ``nobody`` can run this Python, :func:`can_drop`) it runs
the child as ``nobody``, owner of WORK only, so the child can neither write the teacher's
files nor signal the grader. Standard library only.
"""

import ctypes
import os
import signal
import sys
import time
from collections.abc import Iterable
from typing import NoReturn

PR_SET_PDEATHSIG, PR_SET_CHILD_SUBREAPER = 1, 36
NOBODY = 65534


def can_drop(paths: Iterable[str | os.PathLike[str]]) -> bool:
    """Whether this process is root and ``nobody`` could read (and enter) each of ``paths``.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:  # mode 0700: nobody cannot enter it
    ...     can_drop([tmp])
    False
    >>> can_drop(["/"]) == (os.geteuid() == 0)
    True
    """
    import stat

    if os.geteuid() != 0:
        return False
    for given in paths:
        path = os.path.realpath(given)
        parts = [path] + [os.path.dirname(path)]
        while parts[-1] != os.path.dirname(parts[-1]):
            parts.append(os.path.dirname(parts[-1]))
        for i, part in enumerate(parts):
            mode = os.stat(part).st_mode
            need = stat.S_IROTH if i == 0 and not stat.S_ISDIR(mode) else stat.S_IXOTH
            if not mode & need:
                return False
    return True


def descendants() -> list[int]:
    """Every process below this one, read from /proc (children of children, ...).

    >>> import subprocess
    >>> child = subprocess.Popen(["sleep", "9"])
    >>> child.pid in descendants()
    True
    >>> child.kill(); child.wait()
    -9
    """
    found: list[int] = []
    todo = [os.getpid()]
    while todo:
        pid = todo.pop()
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as f:
                    kids = [int(k) for k in f.read().split()]
                found += kids
                todo += kids
        except OSError:
            pass
    return found


def end_all(status: int) -> NoReturn:
    """Kill and reap every descendant (until none is left), then exit with ``status``.

    >>> import subprocess
    >>> code = "import subprocess, shim; print(subprocess.Popen(['sleep', '9']).pid, flush=True); shim.end_all(3)"
    >>> done = subprocess.run([sys.executable, "-S", "-c", code], cwd=os.path.dirname(__file__),
    ...                       capture_output=True, text=True, timeout=60)
    >>> done.returncode, os.path.exists(f"/proc/{done.stdout.strip()}")  # its sleep was ended too
    (3, False)
    """
    for _ in range(200):
        pids = descendants()
        if not pids:
            break
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        try:
            while os.waitpid(-1, os.WNOHANG)[0]:
                pass
        except ChildProcessError:
            pass
        time.sleep(0.005)
    os._exit(status)


def main() -> None:
    """Run ``COMMAND`` (the child) under this supervisor; exit with its status once all it left is ended.

    >>> import subprocess, tempfile
    >>> with tempfile.TemporaryDirectory() as work:
    ...     done = subprocess.run([sys.executable, "-I", "-S", "-B", __file__, work, "0", "/bin/sh", "-c",
    ...                            "sleep 9 & echo $!; exit 3"], capture_output=True, text=True, timeout=60)
    >>> done.returncode, os.path.exists(f"/proc/{done.stdout.strip()}")  # the child's status; its orphan ended
    (3, False)
    """
    work, drop, command = sys.argv[1], sys.argv[2] == "1", sys.argv[3:]
    libc = ctypes.CDLL(None, use_errno=True)
    prctl = getattr(libc, "prctl", lambda *args: -1)  # Linux only; elsewhere: the group kill
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    signal.signal(signal.SIGTERM, lambda *_: end_all(128 + signal.SIGTERM))
    if os.getppid() == 1:  # the grader is already gone
        end_all(1)
    child = os.fork()
    if child == 0:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if drop:
            os.chown(work, NOBODY, NOBODY)
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
        os.execv(command[0], command)
    while True:  # reap orphans as they come; stop when the child itself ends
        pid, status = os.waitpid(-1, 0)
        if pid == child:
            break
    code = 128 + os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
    end_all(code)


if __name__ == "__main__":
    main()
