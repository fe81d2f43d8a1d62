"""Load a learner's file and run a lesson's checks on it, in this process.

The child process of :mod:`descentlab.exercises.sandbox` calls :func:`run_checks`; the
tests call it directly too (fast, no process). Nothing here limits time or memory: the
sandbox does.
"""

import io
import json
import random
import sys
import types
from pathlib import Path

import numpy as np

from .judge import Failed, Learner, OutputLimit


class CappedWriter(io.TextIOBase):
    """A stand-in for ``sys.stdout``: keeps the first ``keep`` characters, raises
    :class:`OutputLimit` once more than ``limit`` have been written."""

    def __init__(self, limit=100_000, keep=1000):
        self.limit, self.keep = limit, keep
        self.reset()

    def reset(self):
        self.count, self.kept = 0, []

    def write(self, text):
        text = str(text)
        if self.count < self.keep:
            self.kept.append(text[: self.keep - self.count])
        self.count += len(text)
        if self.count > self.limit:
            raise OutputLimit(self.count)
        return len(text)

    def __repr__(self):
        return f"CappedWriter(limit={self.limit}, keep={self.keep})"

    def text(self):
        out = "".join(self.kept)
        return out + (f"... ({self.count} characters in all)" if self.count > self.keep else "")


def read_source(path):
    """The learner's code: a .py file as it is, a notebook's code cells joined (magics dropped)."""
    path = Path(path)
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix != ".ipynb":
        return text
    try:
        cells = json.loads(text)["cells"]
    except (ValueError, KeyError, TypeError):
        raise Failed("load", f"{path.name} is not a readable notebook: save it again "
                     "from Jupyter") from None
    code = []
    for cell in cells:
        if cell.get("cell_type") == "code":
            src = cell.get("source", "")
            src = "".join(src) if isinstance(src, list) else str(src)
            code.append("\n".join(line for line in src.splitlines()
                                  if not line.lstrip().startswith(("%", "!"))))
    return "\n\n".join(code) + "\n"


def load_learner(path):
    """Run the learner's file as a module named ``learner``; :class:`Failed` when it cannot load.

    The file is read, compiled and executed: nothing is written beside it (no
    ``__pycache__``), and a notebook loads the same way as a .py file.
    """
    path = Path(path).resolve()
    module = types.ModuleType("learner")
    module.__file__ = str(path)
    sys.modules["learner"] = module
    if str(path.parent) not in sys.path:
        sys.path.append(str(path.parent))  # a folder submission's own helper modules; last,
        # so that a learner's random.py cannot stand in for the standard library's
    try:
        code = compile(read_source(path), str(path), "exec")
    except SyntaxError as exc:
        raise Failed("syntax", f"syntax error at line {exc.lineno} of {path.name}: {exc.msg}: "
                     "fix it, then check again") from None
    except (OSError, ValueError) as exc:
        raise Failed("load", f"cannot read {path.name}: {exc}") from None
    try:
        exec(code, module.__dict__)
    except SystemExit as exc:
        raise Failed("exit", f"{path.name} calls sys.exit({exc.code!r}) when loaded: remove it "
                     "(the checks call your functions)") from None
    except MemoryError:
        raise Failed("memory", f"{path.name} runs out of memory when loaded") from None
    except OutputLimit:
        raise Failed("output", f"{path.name} prints too much when loaded: remove the prints "
                     "at the top level") from None
    except Exception as exc:
        line = exc.__traceback__.tb_next.tb_lineno if exc.__traceback__.tb_next else "?"
        raise Failed("load", f"{path.name} raised {type(exc).__name__}: {exc} when loaded "
                     f"(line {line}): code outside the functions must run") from None
    return module


def seed_everything(seed, index):
    """The check's generator; NumPy's and Python's global generators seeded too (a learner's
    ``np.random.normal`` then draws the same numbers on every run with this seed)."""
    np.random.seed((seed * 1009 + index) % 2**32)
    random.seed(seed * 1009 + index)
    return np.random.default_rng([seed, index])


def run_checks(lesson, path, seed, emit, start=0, writer=None, failed=None):
    """Load the learner's file, then run the lesson's checks from ``start``, emitting each result.

    Parameters
    ----------
    lesson : Lesson
    path : str or Path
    seed : int
    emit : callable taking a dict
        Receives ``{"event": "loaded"}``, then one ``{"event": "check", "index", "name",
        "passed", "message", "mistake", "output"}`` per check, then ``{"event": "done"}``;
        or ``{"event": "load_failed", "mistake", "message"}``.
    start : int, default=0
        The first check to run (the sandbox resumes after a check that crashed).
    writer : CappedWriter or None
        Where the learner's prints went; its text is reported per check.
    failed : dict of str to str or None
        Checks that failed before ``start`` (name -> mistake): a check that needs one of
        them (the lesson's ``NEEDS``) fails at once, saying which to fix first.
    """
    failed = dict(failed or {})
    needs = getattr(lesson.checks_module, "NEEDS", {})
    try:
        module = load_learner(path)
    except Failed as exc:
        emit({"event": "load_failed", "mistake": exc.mistake, "message": exc.message})
        return
    emit({"event": "loaded"})
    learner = Learner(module, lesson.signatures)
    for index, (name, check) in enumerate(lesson.checks):
        if index < start:
            continue
        if writer is not None:
            writer.reset()
        record = {"event": "check", "index": index, "name": name, "mistake": None}
        blocking = [n for n in needs.get(name, ()) if n in failed]
        try:
            if blocking:
                raise _blocked(name, blocking, failed)
            record.update(passed=True, message=check(learner, seed_everything(seed, index)))
        except Failed as exc:
            record.update(passed=False, message=exc.message, mistake=exc.mistake)
        except OutputLimit:
            record.update(passed=False, mistake="output",
                          message=f"{name}: your code printed too much (remove the print)")
        except SystemExit:
            record.update(passed=False, mistake="exit",
                          message=f"{name}: your code called sys.exit: return values instead")
        except Exception as exc:  # a returned value the check could not use
            record.update(passed=False, mistake="wrong", message=f"{name}: your result could "
                          f"not be used ({type(exc).__name__}: {exc})")
        record["output"] = writer.text() if writer is not None else ""
        if not record["passed"]:
            failed[name] = record["mistake"]
        emit(record)
    emit({"event": "done"})


def _blocked(name, blocking, failed):
    """The failure of a check skipped because the functions it uses fail."""
    unwritten = all(failed[n] in ("not_written", "missing") for n in blocking)
    return Failed("not_written" if unwritten else "depends",
                  f"{name}: skipped until {', '.join(blocking)} "
                  f"{'pass' if len(blocking) > 1 else 'passes'}")
