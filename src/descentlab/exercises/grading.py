"""One file's report (``exercise check``) and a class's grades (``exercise grade``)."""

import secrets
import time
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from descentlab.errors import DescentlabError

from .checks import Check
from .judge import MISTAKES
from .lessons import Lesson, get_lesson, guess_lesson
from .preflight import check_setup
from .report import Report, write_report
from .runner import CheckResult, check_file
from .sandbox import Limits
from .source import helper_modules

SUFFIXES = (".py", ".ipynb")
def new_seed() -> int:
    """A fresh seed for a run without ``--seed`` (printed, so the run can be repeated).

    >>> 0 <= new_seed() < 2**31
    True
    """
    return secrets.randbelow(2**31)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _graded(learner: str, path: Path | None, lesson: Lesson, seed: int, limits: Limits,
            own_folder: bool = True) -> Report:
    """``own_folder``: the files beside ``path`` are the learner's own (its helper modules
    are copied with it); False in a class folder of one file per learner."""
    started, t0 = _now(), time.perf_counter()
    if path is None:
        checks: list[CheckResult] = [_missing(c, lesson) for c in lesson.checks]
        flags: set[str] = set()
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


def check(path: str | Path, lesson: str | None = None, seed: int | None = None,
          limits: Limits | None = None) -> Report:
    """Check one learner's file; a :class:`Report`.

    Parameters
    ----------
    path : str or Path
        A .py file or a notebook.
    lesson : str or None
        None: the lesson named by the file (``linear_regression.py``).
    seed : int or None
        None draws a fresh seed (reported, so the run can be repeated).

    Examples
    --------
    >>> report = check(get_lesson("dense_layer").solution, seed=0)  # the reference, in the sandbox
    >>> report.learner, report.score, [c.status for c in report.checks]
    ('dense_layer.py', 100.0, ['pass', 'pass', 'pass', 'pass'])
    """
    path, limits = Path(path), limits or Limits()
    if not path.is_file():
        raise DescentlabError(f"{path} is not a file: give the path of your .py or .ipynb file")
    chosen = get_lesson(lesson) if lesson else guess_lesson(path)
    seed = new_seed() if seed is None else seed
    check_setup(chosen, seed, limits, run_reference=False)
    report = _graded(path.name, path, chosen, seed, limits)
    return report


def find_submissions(folder: str | Path, lesson: Lesson) -> dict[str, Path | None]:
    """``{learner: file}`` of a class folder: each ``.py``/``.ipynb`` file is a learner, and
    so is each sub-folder (its ``<lesson>.py``, else its only .py or .ipynb file).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     Path(tmp, "bob").mkdir(); Path(tmp, "cy").mkdir()
    ...     _ = [Path(tmp, f).write_text("") for f in ("ann.py", "bob/momentum.py", "bob/utils.py")]
    ...     {who: path and path.name for who, path in find_submissions(tmp, get_lesson("momentum")).items()}
    {'ann': 'ann.py', 'bob': 'momentum.py', 'cy': None}
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise DescentlabError(f"{folder} is not a folder: give the folder of the submissions")
    found: dict[str, Path | None] = {}
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


def _pick(folder: Path, lesson: Lesson) -> Path | None:
    for name in (lesson.filename, f"{lesson.name}.ipynb"):
        if (folder / name).is_file():
            return folder / name
    files = [f for f in sorted(folder.iterdir()) if f.is_file() and f.suffix in SUFFIXES]
    return files[0] if len(files) == 1 else None


#: The class's grades, one row per learner, written into ``grade --out`` (by ``--format``).
GRADES = {"csv": "grades.csv", "json": "grades.json"}


def grade(folder: str | Path, lesson: str, out: str | Path, seed: int | None = None,
          limits: Limits | None = None, force: bool = False, log: Callable[[str], object] | None = None,
          jobs: int = 1, fmt: str = "csv", hint: int = 1) -> list[Report]:
    """Grade every learner of ``folder`` (``jobs`` at a time); write ``out``; the reports.

    The same seed (so the same random cases) serves the whole class. Before any learner,
    the reference solution is graded with the same limits: a setup that fails it (a low
    ``ulimit -v``, a bad ``--memory``) is the teacher's problem, reported once. The file is
    written to a temporary file and moved into place, so an interrupted run leaves no half
    file. The grades are never written among the submissions:

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = Path(tmp, "ann.py").write_text("")
    ...     grade(tmp, "momentum", Path(tmp, "grades.csv"))
    Traceback (most recent call last):
    descentlab.errors.DescentlabError: .../grades.csv is inside the submissions folder ...: write the grades elsewhere ...
    """
    chosen, limits = get_lesson(lesson), limits or Limits()
    folder, out = Path(folder), Path(out)
    submissions = find_submissions(folder, chosen)
    _check_out(folder, out, force)
    class_seed = new_seed() if seed is None else seed
    if jobs < 1:
        raise DescentlabError(f"-j {jobs} must be 1 or more: try -j 2")
    check_setup(chosen, class_seed, limits, run_reference=True)

    def one(item: tuple[str, Path | None]) -> Report:
        learner, path = item
        in_own_folder = path is not None and path.parent.resolve() != folder.resolve()
        report = _graded(learner, path, chosen, class_seed, limits, in_own_folder)
        if log is not None:
            log(f"{report.learner}: {report.points:g}/{report.max_points:g} ({report.score:g}%)"
                + (f" [{', '.join(sorted(report.flags))}]" if report.flags else ""))
        return report

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        reports = list(pool.map(one, submissions.items()))
    write_report(out, reports, chosen, fmt, hint)
    return reports


def grade_into(folder: str | Path, lesson: str, out_folder: str | Path, *,
               fmt: str = "csv", say: Callable[[str], None] = print, **options: Any) -> list[Report]:
    """``exercise grade``: :func:`grade` (with ``options``) into ``grades.csv`` (or ``.json``) in
    ``out_folder``, made unless inside the submissions; say each learner and the summary.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     Path(tmp, "class").mkdir()
    ...     try:
    ...         grade_into(Path(tmp, "class"), "momentum", Path(tmp, "out"))
    ...     except DescentlabError as error:
    ...         print(error, [p.name for p in Path(tmp).iterdir()])  # the refusal leaves no "out"
    /.../class holds no .py or .ipynb files nor folders of them ['class']
    """
    from descentlab.files import output_dir

    out = Path(out_folder) / GRADES[fmt]
    if out.resolve().is_relative_to(Path(folder).resolve()):  # grade() says why not
        reports = grade(folder, lesson, out, log=say, fmt=fmt, **options)
    else:
        with output_dir(out_folder):  # made, and gone again if grade() refuses
            reports = grade(folder, lesson, out, log=say, fmt=fmt, **options)
    say("\n".join(summary_lines(reports)))
    say(f"Wrote {out} (seed {reports[0].seed})")
    return reports


def _missing(check: Check, lesson: Lesson) -> CheckResult:
    return CheckResult(check.name, False, f"no {lesson.filename} (nor a single .py or .ipynb "
                       "file) in this learner's folder", "missing", max_points=check.points)


def _check_out(folder: Path, out: Path, force: bool) -> None:
    inside = out.resolve().is_relative_to(folder.resolve())
    if inside:
        raise DescentlabError(f"{out} is inside the submissions folder {folder}: write the "
                              "grades elsewhere (it would be graded, or overwrite a submission)")
    if out.exists() and not force:
        raise DescentlabError(f"{out} already exists: pass --force to overwrite it")
    if not out.parent.is_dir():
        raise DescentlabError(f"the folder of {out} does not exist: create it first")


def mistakes_of(report: Report) -> set[tuple[str, str | None]]:
    """The learner's own mistakes as ``{(check, mistake)}``: a fault of the whole file (all checks
    failed with one message, or one mistake) counts once, as ``("file", mistake)``; checks not assessed
    do not count.

    >>> ann = Report("ann", "momentum", 7, [CheckResult("momentum_update", False, "", "sign"),
    ...                                     CheckResult("training", True, "ok")])
    >>> bob = Report("bob", "momentum", 7, [CheckResult(c, False, "line 3: syntax", "syntax") for c in ("momentum_update", "training")])
    >>> mistakes_of(ann), mistakes_of(bob)
    ({('momentum_update', 'sign')}, {('file', 'syntax')})
    """
    failed = [c for c in report.checks if not c.passed]
    if failed and len(failed) == len(report.checks) and (
            len({c.message for c in failed}) == 1
            or len({c.mistake for c in failed if c.status == "fail"}) == 1):
        return {("file", next((c.mistake for c in failed if c.status == "fail"), failed[0].mistake))}
    return {(c.name, c.mistake) for c in failed if c.status == "fail" and c.mistake != "depends"}


def common_mistakes(reports: Iterable[Report], top: int = 5) -> list[tuple[str, str, int]]:
    """``[(check, mistake label, learners), ...]``: the most common first, ties in a fixed
    order (the lesson's order of the checks, then the mistake's name).

    >>> def failed(who, mistake):
    ...     return Report(who, "momentum", 7, [CheckResult("momentum_update", False, "", mistake),
    ...                                        CheckResult("training", True, "ok", points=1)])
    >>> common_mistakes([failed("ann", "sign"), failed("bob", "lr"), failed("cy", "sign")])
    [('momentum_update', 'sign error', 2), ('momentum_update', 'learning rate forgotten', 1)]
    """
    reports = list(reports)
    counts = Counter(pair for r in reports for pair in mistakes_of(r))
    order = {c.name: i for r in reports for i, c in enumerate(r.checks)}
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], order.get(kv[0][0], -1),
                                                     str(kv[0][1])))
    return [(name, MISTAKES.get(m or "", m or "failed"), n) for (name, m), n in ranked[:top]]


def summary_lines(reports: list[Report], top: int = 5) -> list[str]:
    """The class's summary as the command prints it: scores, flags, the common mistakes.

    >>> ann = Report("ann", "momentum", 7, [CheckResult(c, True, "ok", points=1) for c in ("momentum_update", "training")])
    >>> bob = Report("bob", "momentum", 7, [CheckResult("momentum_update", False, "a sign error in p", "sign"),
    ...                                     CheckResult("training", True, "ok", points=1)])
    >>> print("\\n".join(summary_lines([ann, bob])))
    2 learners graded: 1 passed every check; mean score 75.0%.
    Most common mistakes:
      momentum_update: sign error (1 learner)
    """
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
