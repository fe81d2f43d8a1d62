"""One file's report (``exercise check``) and a class's grades (``exercise grade``)."""

import os
import secrets
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from descentlab.errors import DescentlabError

from .judge import MISTAKES
from .lessons import get_lesson, guess_lesson
from .preflight import check_setup
from .runner import CheckResult, check_file, helper_modules
from .sandbox import Limits, isolation

SUFFIXES = (".py", ".ipynb")
#: flag -> what the report says
FLAGS = {"used_descentlab": "used descentlab", "wrote_outside": "wrote outside its folder",
         "forked": "forked", "timed_out": "timed out", "signalled": "killed the grader (tried)",
         "network": "opened a socket"}


def new_seed():
    """A fresh seed for a run without ``--seed`` (printed, so the run can be repeated)."""
    return secrets.randbelow(2**31)


@dataclass
class Report:
    """The checks of one learner's file.

    Attributes
    ----------
    learner : str
    lesson : str
    seed : int
    checks : list of CheckResult
    file : str
        The submission's path.
    flags : set of str
        Keys of :data:`FLAGS`.
    graded_at : str
        UTC time stamp (ISO 8601) of the start of its grading.
    seconds : float
        How long its grading took.
    """

    learner: str
    lesson: str
    seed: int
    checks: list = field(default_factory=list)
    file: str = ""
    flags: set = field(default_factory=set)
    graded_at: str = ""
    seconds: float = 0.0

    @property
    def passed(self):
        return sum(c.passed for c in self.checks)

    @property
    def points(self):
        return sum(c.points for c in self.checks)

    @property
    def max_points(self):
        return sum(c.max_points for c in self.checks)

    @property
    def score(self):
        """The share of the points, in percent."""
        return round(100.0 * self.points / self.max_points, 1) if self.max_points else 0.0

    def to_dict(self, hint=1):
        return {"learner": self.learner, "file": self.file, "lesson": self.lesson,
                "seed": self.seed, "graded_at": self.graded_at,
                "seconds": round(self.seconds, 3), "points": self.points,
                "max_points": self.max_points, "score": self.score,
                "flags": sorted(self.flags), "isolation": isolation(),
                "checks": [c.to_dict(hint) for c in self.checks]}

    def gradescope(self, hint=1):
        """Gradescope's autograder ``results.json``: score, max_score and one test per check."""
        return {"score": self.points, "max_score": self.max_points,
                "output": f"lesson {self.lesson}, seed {self.seed}"
                          + (f"; flags: {', '.join(FLAGS[f] for f in sorted(self.flags))}"
                             if self.flags else ""),
                "tests": [{"name": c.name, "score": c.points, "max_score": c.max_points,
                           "status": "passed" if c.passed else "failed",
                           "output": c.hint(hint)} for c in self.checks]}

    def lines(self, hint=1):
        """The report as the command line prints it."""
        width = max(len(c.name) for c in self.checks)
        label = {"pass": "PASS", "fail": "FAIL", "not_assessed": "N/A "}
        out = [f"Checking {self.learner} (lesson {self.lesson}, seed {self.seed})"]
        for c in self.checks:
            out.append(f"  {label[c.status]}  {c.name:<{width}}  {c.hint(hint)}")
            if not c.passed and c.output:
                out.append(f"  {'':4}  {'':<{width}}  (it printed: {_one_line(c.output)})")
        if self.flags:
            out.append(f"Flags: {', '.join(FLAGS.get(f, f) for f in sorted(self.flags))}.")
        out.append(f"Score: {self.points:g}/{self.max_points:g} points ({self.score:g}%)."
                   + ("" if self.passed == len(self.checks)
                      else f" Repeat these cases with --seed {self.seed}"
                      + ("; --hint 2 shows the formulas." if hint < 2 else ".")))
        return out


def _one_line(text, limit=120):
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + " ..."


def _now():
    return datetime.now(UTC).isoformat(timespec="seconds")


def _graded(learner, path, lesson, seed, limits, own_folder=True):
    """``own_folder``: the files beside ``path`` are the learner's own (its helper modules
    are copied with it); False in a class folder of one file per learner."""
    started, t0 = _now(), time.perf_counter()
    if path is None:
        checks, flags = [_missing(c, lesson) for c in lesson.checks], set()
    else:
        try:
            modules = helper_modules(path) if own_folder else None
            checks, flags = check_file(path, lesson, seed, limits, modules)
        except OSError as exc:  # this file only (unreadable, the disk full): the class goes on
            why = f"could not be graded: {exc.strerror or type(exc).__name__}"
            checks = [CheckResult(c.name, False, why, "load", max_points=c.points)
                      for c in lesson.checks]
            flags = set()
    return Report(learner, lesson.name, seed, checks, str(path or ""), flags, started,
                  time.perf_counter() - t0)


def check(path, lesson=None, seed=None, limits=None):
    """Check one learner's file; a :class:`Report`.

    Parameters
    ----------
    path : str or Path
        A .py file or a notebook.
    lesson : str or None
        None: the lesson named by the file (``linear_regression.py``).
    seed : int or None
        None draws a fresh seed (reported, so the run can be repeated).
    """
    path, limits = Path(path), limits or Limits()
    if not path.is_file():
        raise DescentlabError(f"{path} is not a file: give the path of your .py or .ipynb file")
    chosen = get_lesson(lesson) if lesson else guess_lesson(path)
    seed = new_seed() if seed is None else seed
    check_setup(chosen, seed, limits, run_reference=False)
    report = _graded(path.name, path, chosen, seed, limits)
    return report


def find_submissions(folder, lesson):
    """``{learner: file}`` of a class folder: each ``.py``/``.ipynb`` file is a learner, and
    so is each sub-folder (its ``<lesson>.py``, else its only .py or .ipynb file)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise DescentlabError(f"{folder} is not a folder: give the folder of the submissions")
    found = {}
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_file() and entry.suffix in SUFFIXES:
            found[entry.stem if entry.stem not in found else entry.name] = entry
        elif entry.is_dir():
            found[entry.name if entry.name not in found else f"{entry.name}/"] = _pick(entry, lesson)
    if not found:
        raise DescentlabError(f"{folder} holds no .py or .ipynb files nor folders of them")
    return found


def _pick(folder, lesson):
    for name in (lesson.filename, f"{lesson.name}.ipynb"):
        if (folder / name).is_file():
            return folder / name
    files = [f for f in sorted(folder.iterdir()) if f.is_file() and f.suffix in SUFFIXES]
    return files[0] if len(files) == 1 else None


#: The class's grades, one row per learner, written into ``grade --out`` (by ``--format``).
GRADES = {"csv": "grades.csv", "json": "grades.json"}


def grade(folder, lesson, out, seed=None, limits=None, force=False, log=None, jobs=1,
          fmt="csv", hint=1):
    """Grade every learner of ``folder`` (``jobs`` at a time); write ``out``; the reports.

    The same seed (so the same random cases) serves the whole class. Before any learner,
    the reference solution is graded with the same limits: a setup that fails it (a low
    ``ulimit -v``, a bad ``--memory``) is the teacher's problem, reported once. The file is
    written to a temporary file and moved into place, so an interrupted run leaves no half
    file.
    """
    from .report import write_report

    lesson, limits = get_lesson(lesson), limits or Limits()
    folder, out = Path(folder), Path(out)
    submissions = find_submissions(folder, lesson)
    _check_out(folder, out, force)
    seed = new_seed() if seed is None else seed
    if jobs < 1:
        raise DescentlabError(f"-j {jobs} must be 1 or more: try -j 2")
    check_setup(lesson, seed, limits, run_reference=True)

    def one(item):
        learner, path = item
        in_own_folder = path is not None and path.parent.resolve() != folder.resolve()
        report = _graded(learner, path, lesson, seed, limits, in_own_folder)
        if log is not None:
            log(f"{report.learner}: {report.points:g}/{report.max_points:g} ({report.score:g}%)"
                + (f" [{', '.join(sorted(report.flags))}]" if report.flags else ""))
        return report

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        reports = list(pool.map(one, submissions.items()))
    write_report(out, reports, lesson, fmt, hint)
    return reports


def grade_into(folder: str | os.PathLike[str], lesson: str, out_folder: str | os.PathLike[str], *,
               fmt: str = "csv", say: Callable[[str], None] = print, **options: Any) -> list[Report]:
    """``exercise grade``: :func:`grade` (with ``options``) into ``grades.csv`` (or ``.json``) in
    ``out_folder``, made unless inside the submissions; say each learner and the summary."""
    from descentlab.files import ensure_writable_dir

    out = Path(out_folder) / GRADES[fmt]
    if not out.resolve().is_relative_to(Path(folder).resolve()):  # else grade() says why
        ensure_writable_dir(out_folder)
    reports = grade(folder, lesson, out, log=say, fmt=fmt, **options)
    say("\n".join(summary_lines(reports)))
    say(f"Wrote {out} (seed {reports[0].seed})")
    return reports


def _missing(check, lesson):
    return CheckResult(check.name, False, f"no {lesson.filename} (nor a single .py or .ipynb "
                       "file) in this learner's folder", "missing", max_points=check.points)


def _check_out(folder, out, force):
    inside = out.resolve().is_relative_to(folder.resolve())
    if inside:
        raise DescentlabError(f"{out} is inside the submissions folder {folder}: write the "
                              "grades elsewhere (it would be graded, or overwrite a submission)")
    if out.exists() and not force:
        raise DescentlabError(f"{out} already exists: pass --force to overwrite it")
    if not out.parent.is_dir():
        raise DescentlabError(f"the folder of {out} does not exist: create it first")


def mistakes_of(report):
    """The learner's own mistakes as ``{(check, mistake)}``: a fault of the whole file (all checks
    failed with one message, or one mistake) counts once, as ``("file", mistake)``; checks not assessed
    do not count."""
    failed = [c for c in report.checks if not c.passed]
    if failed and len(failed) == len(report.checks) and (
            len({c.message for c in failed}) == 1
            or len({c.mistake for c in failed if c.status == "fail"}) == 1):
        return {("file", next((c.mistake for c in failed if c.status == "fail"), failed[0].mistake))}
    return {(c.name, c.mistake) for c in failed if c.status == "fail" and c.mistake != "depends"}


def common_mistakes(reports, top=5):
    """``[(check, mistake label, learners), ...]``: the most common first, ties in a fixed
    order (the lesson's order of the checks, then the mistake's name)."""
    counts = Counter(pair for r in reports for pair in mistakes_of(r))
    order = {c.name: i for r in reports for i, c in enumerate(r.checks)}
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], order.get(kv[0][0], -1),
                                                     str(kv[0][1])))
    return [(name, MISTAKES.get(m, m or "failed"), n) for (name, m), n in ranked[:top]]


def summary_lines(reports, top=5):
    n = len(reports)
    full = sum(r.passed == len(r.checks) for r in reports)
    mean = sum(r.score for r in reports) / n if n else 0.0
    lines = [f"{n} learners graded: {full} passed every check; mean score {mean:.1f}%."]
    flagged = sorted(r.learner for r in reports if r.flags)
    if flagged:
        lines.append(f"Flagged ({len(flagged)}): {', '.join(flagged)} (see the flags column).")
    mistakes = common_mistakes(reports, top)
    if mistakes:
        lines.append("Most common mistakes:")
        lines += [f"  {name}: {label} ({k} learner{'s' if k > 1 else ''})"
                  for name, label, k in mistakes]
    return lines
