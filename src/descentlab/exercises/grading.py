"""One file's report (``exercise check``) and a class's grades (``exercise grade``)."""

import csv
import io
import os
import secrets
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from descentlab.errors import DescentlabError

from .judge import MISTAKES
from .lessons import get_lesson, guess_lesson
from .sandbox import Limits, check_file

SUFFIXES = (".py", ".ipynb")
DEFAULT_LIMITS = Limits()  # the sandbox's caps when none are given (one shared, frozen value)


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
    """

    learner: str
    lesson: str
    seed: int
    checks: list = field(default_factory=list)

    @property
    def passed(self):
        return sum(c.passed for c in self.checks)

    @property
    def score(self):
        """The share of checks passed, in percent."""
        return round(100.0 * self.passed / len(self.checks), 1) if self.checks else 0.0

    def to_dict(self):
        return {"score": self.score, "seed": self.seed, "lesson": self.lesson,
                "checks": [{"name": c.name, "passed": c.passed, "message": c.message}
                           for c in self.checks]}

    def lines(self):
        """The report as the command line prints it."""
        width = max(len(c.name) for c in self.checks)
        out = [f"Checking {self.learner} (lesson {self.lesson}, seed {self.seed})"]
        for c in self.checks:
            out.append(f"  {'PASS' if c.passed else 'FAIL'}  {c.name:<{width}}  {c.message}")
            if not c.passed and c.output:
                out.append(f"  {'':4}  {'':<{width}}  (it printed: {_one_line(c.output)})")
        out.append(f"Score: {self.passed}/{len(self.checks)} ({self.score:g}%)."
                   + ("" if self.passed == len(self.checks)
                      else f" Repeat these cases with --seed {self.seed}."))
        return out


def _one_line(text, limit=120):
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + " ..."


def check(path, lesson=None, seed=None, limits=DEFAULT_LIMITS):
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
    path = Path(path)
    if not path.is_file():
        raise DescentlabError(f"{path} is not a file: give the path of your .py or .ipynb file")
    chosen = get_lesson(lesson) if lesson else guess_lesson(path)
    seed = new_seed() if seed is None else seed
    return Report(path.name, chosen.name, seed, check_file(path, chosen, seed, limits))


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


def grade(folder, lesson, out, seed=None, limits=DEFAULT_LIMITS, force=False, log=None):
    """Grade every learner of ``folder``, write one CSV row each to ``out``; the reports.

    The same seed (so the same random cases) serves the whole class. The CSV is written
    to a temporary file and moved into place, so an interrupted run leaves no half file.
    """
    lesson = get_lesson(lesson)
    folder, out = Path(folder), Path(out)
    submissions = find_submissions(folder, lesson)
    _check_out(folder, out, force)
    seed = new_seed() if seed is None else seed
    reports = []
    for learner, path in submissions.items():
        if path is None:
            report = Report(learner, lesson.name, seed, [_missing(name, lesson) for name in
                                                          lesson.check_names])
        else:
            report = Report(learner, lesson.name, seed, check_file(path, lesson, seed, limits))
        reports.append(report)
        if log is not None:
            log(f"{learner}: {report.passed}/{len(report.checks)} ({report.score:g}%)")
    write_csv(out, reports, lesson)
    return reports


def _missing(name, lesson):
    from .sandbox import CheckResult

    return CheckResult(name, False, f"no {lesson.filename} (nor a single .py or .ipynb file) "
                       "in this learner's folder", "missing")


def _check_out(folder, out, force):
    inside = out.resolve().is_relative_to(folder.resolve())
    if inside:
        raise DescentlabError(f"{out} is inside the submissions folder {folder}: write the "
                              "grades elsewhere (it would be graded, or overwrite a submission)")
    if out.exists() and not force:
        raise DescentlabError(f"{out} already exists: pass --force to overwrite it")
    if not out.parent.is_dir():
        raise DescentlabError(f"the folder of {out} does not exist: create it first")


def csv_text(reports, lesson):
    """The grades as CSV: learner, score, one column per check (``pass`` or the mistake), hints."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["learner", "score", *lesson.check_names, "hints"])
    for r in reports:
        writer.writerow([r.learner, f"{r.score:g}",
                         *("pass" if c.passed else c.mistake or "fail" for c in r.checks),
                         " | ".join(dict.fromkeys(c.message for c in r.checks if not c.passed))])
    return buffer.getvalue()


def write_csv(out, reports, lesson):
    out = Path(out)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(csv_text(reports, lesson))
        os.replace(tmp, out)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def mistakes_of(report):
    """The learner's own mistakes as ``{(check, mistake)}``: a fault of the whole file (all checks
    failed with one message) counts once, as ``("file", mistake)``; checks failed only because
    a function they use fails ("depends") do not count."""
    failed = [c for c in report.checks if not c.passed]
    if failed and len(failed) == len(report.checks) and len({c.message for c in failed}) == 1:
        return {("file", failed[0].mistake)}
    return {(c.name, c.mistake) for c in failed if c.mistake != "depends"}


def common_mistakes(reports, top=5):
    """``[(check, mistake label, learners), ...]``, the most common first."""
    counts = Counter(pair for r in reports for pair in mistakes_of(r))
    return [(name, MISTAKES.get(m, m or "failed"), n) for (name, m), n in counts.most_common(top)]


def summary_lines(reports, top=5):
    n = len(reports)
    full = sum(r.passed == len(r.checks) for r in reports)
    mean = sum(r.score for r in reports) / n if n else 0.0
    lines = [f"{n} learners graded: {full} passed every check; mean score {mean:.1f}%."]
    mistakes = common_mistakes(reports, top)
    if mistakes:
        lines.append("Most common mistakes:")
        lines += [f"  {name}: {label} ({k} learner{'s' if k > 1 else ''})"
                  for name, label, k in mistakes]
    return lines
