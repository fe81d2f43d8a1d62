"""Run a learner's file in its own process, with a time limit, a memory limit and capped output.

Design: one child process runs the checks one after another and appends each result to a
file as soon as it has it. The parent watches that file: each check has its own deadline
(``Limits.check_timeout``, counted from the previous result). When the child overruns a
deadline (an endless loop), the parent kills its whole process group; when the child dies
(``os._exit``, a segfault through ctypes), the parent sees that too. Either way the check
being run is marked failed with the reason, and a fresh child resumes at the next check.
So a fault costs one check and one Python start-up, while a file without faults costs a
single start-up (one child per check would cost a start-up, about half a second, for
every check). A watchdog thread inside a single child could not stop a loop stuck in C
code, nor survive ``os._exit``.

The limits protect a teacher's machine against mistakes and accidents, not against a
determined cheater: the learner's code runs in the same process as its checks.
"""

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from descentlab.errors import DescentlabError

PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])  # the folder holding descentlab/


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
    output_chars : int, default=100_000
        Characters a check may print before it fails.
    """

    check_timeout: float = 10.0
    load_timeout: float = 30.0
    memory_mb: int = 1024
    output_chars: int = 100_000


@dataclass
class CheckResult:
    """The outcome of one check: ``mistake`` is a tag of ``judge.MISTAKES`` or None."""

    name: str
    passed: bool
    message: str
    mistake: str | None = None
    output: str = ""

    def to_dict(self):
        return {"name": self.name, "passed": self.passed, "message": self.message,
                "mistake": self.mistake}


def check_file(path, lesson, seed, limits=Limits()):
    """Run every check of ``lesson`` on the learner's file; a list of :class:`CheckResult`.

    The learner's file is only read. Faults are results, never exceptions; only a missing
    file raises :class:`~descentlab.errors.DescentlabError`.
    """
    path = Path(path)
    if not path.is_file():
        raise DescentlabError(f"{path} is not a file: give the path of your .py or .ipynb file")
    names = lesson.check_names
    results = {}
    start = 0
    with tempfile.TemporaryDirectory(prefix="descentlab-check-") as tmp:
        while start < len(names):
            failed = {r.name: r.mistake for r in results.values() if not r.passed}
            records, status, tail = _run_child(path.resolve(), lesson, seed, start, limits,
                                               Path(tmp), failed)
            checks = [r for r in records if r.get("event") == "check"]
            for r in checks:
                results[r["index"]] = CheckResult(r["name"], r["passed"], r["message"],
                                                  r["mistake"], r.get("output", ""))
            failed_load = next((r for r in records if r.get("event") == "load_failed"), None)
            loaded = any(r.get("event") == "loaded" for r in records)
            if any(r.get("event") == "done" for r in records):
                break
            if failed_load is None and loaded:
                at = start + len(checks)
                mistake, reason = _fault(status, tail, limits, loaded=True)
                results[at] = CheckResult(names[at], False, f"{names[at]}: {reason}", mistake)
                start = at + 1
                continue
            if failed_load is not None:
                mistake, reason = failed_load["mistake"], failed_load["message"]
            else:
                mistake, reason = _fault(status, tail, limits, loaded=False)
            for i in range(start, len(names)):
                results[i] = CheckResult(names[i], False, reason, mistake)
            break
    return [results[i] for i in range(len(names))]


def _run_child(path, lesson, seed, start, limits, tmp, failed):
    """Run the child from check ``start``; return its records, its status and its last line."""
    results, log_path = tmp / f"results-{start}.jsonl", tmp / f"log-{start}.txt"
    results.touch()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        p for p in (PACKAGE_ROOT, os.environ.get("PYTHONPATH")) if p),
        OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1",
        PYTHONDONTWRITEBYTECODE="1", MPLBACKEND="Agg")
    command = [sys.executable, "-B", "-m", "descentlab.exercises.child", lesson.name, str(path),
               str(seed), str(start), str(results), str(limits.memory_mb), str(limits.output_chars),
               json.dumps(failed)]
    work = tmp / f"work-{start}"
    work.mkdir()
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                cwd=work, env=env, start_new_session=True)
        seen, deadline, timed_out = 0, time.monotonic() + limits.load_timeout, False
        try:
            while not _exited(proc):
                time.sleep(0.01)
                n = _count_lines(results)
                if n > seen:
                    seen, deadline = n, time.monotonic() + limits.check_timeout
                elif time.monotonic() > deadline:
                    timed_out = True
                    break
        finally:
            status = _kill_group(proc)
    return _read(results), "timeout" if timed_out else status, _last_line(log_path)


def _exited(proc):
    """Whether the child has ended, without reaping it (so its id, which is also its process
    group's, cannot be reused before :func:`_kill_group`)."""
    return os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None


def _kill_group(proc):
    """Kill the child and anything it started, then reap it; its exit status."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    return proc.wait()


def _count_lines(path):
    with open(path, "rb") as f:
        return f.read().count(b"\n")


def _read(path):
    records = []
    for line in Path(path).read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            records.append(json.loads(line))
        except ValueError:
            pass  # a line cut short by a kill
    return records


def _last_line(path, limit=200):
    with open(path, "rb") as f:
        f.seek(max(0, os.path.getsize(path) - 4096))
        lines = [ln for ln in f.read().decode("utf-8", "replace").splitlines() if ln.strip()]
    return lines[-1][:limit] if lines else ""


def _fault(status, tail, limits, loaded):
    """``(mistake, reason)`` for a child that overran its deadline or died."""
    where = "" if loaded else " while loading your file"
    if status == "timeout":
        seconds = limits.check_timeout if loaded else limits.load_timeout
        return "timeout", (f"stopped after {seconds:g} s{where}: an endless loop? "
                           "(check the loop's condition)")
    if isinstance(status, int) and status < 0:
        sig = -status
        if sig == signal.SIGKILL:
            return "memory", f"was killed{where} (SIGKILL), probably for using too much memory"
        if sig == signal.SIGXFSZ:
            return "output", f"wrote too much output{where}: remove the prints"
        name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else sig
        what = "a segmentation fault, " if sig == signal.SIGSEGV else ""
        return "crash", f"crashed{where} with {what}signal {name} (ctypes or a C extension?)"
    detail = f" [{tail}]" if tail else ""
    return "crash", (f"ended the process{where} (exit code {status}): does your code call "
                     f"os._exit? Return values instead{detail}")
