"""A learner's :class:`Report` (its checks, flags and score), and the class's grades as a
file: grades.csv (one row per learner) or grades.json.

Every cell passes through :func:`descentlab.files.escape_csv_cell`; the file is written to
a temporary file and moved into place (:func:`descentlab.outputs.exercise_files.write_grades`).
"""

import csv
import io
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from descentlab.files import escape_csv_cell
from descentlab.outputs.exercise_files import write_grades

from .lessons import Lesson
from .namespaces import isolation
from .runner import CheckResult

BASE = ["learner", "file", "lesson", "seed", "graded_at", "seconds", "points", "max_points",
        "score"]


#: flag -> what the report says
FLAGS = {"used_descentlab": "used descentlab", "wrote_outside": "wrote outside its folder",
         "forked": "forked", "timed_out": "timed out", "signalled": "killed the grader (tried)",
         "network": "opened a socket"}



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

    Examples
    --------
    >>> report = Report("ann", "momentum", 7, [CheckResult("momentum_update", True, "ok", points=2, max_points=2),
    ...                                        CheckResult("training", False, "training: the loss grows", "train")])
    >>> report.points, report.max_points, report.score
    (2.0, 3.0, 66.7)
    >>> report.lines()[-1]
    'Score: 2/3 points (66.7%). Repeat these cases with --seed 7; --hint 2 shows the formulas.'
    >>> report.passed, report.to_dict()["checks"][1]["status"], report.gradescope()["tests"][1]["status"]
    (1, 'fail', 'failed')
    """

    learner: str
    lesson: str
    seed: int
    checks: list[CheckResult] = field(default_factory=list)
    file: str = ""
    flags: set[str] = field(default_factory=set)
    graded_at: str = ""
    seconds: float = 0.0

    @property
    def passed(self) -> int:
        return sum(c.passed for c in self.checks)

    @property
    def points(self) -> float:
        return sum(c.points for c in self.checks)

    @property
    def max_points(self) -> float:
        return sum(c.max_points for c in self.checks)

    @property
    def score(self) -> float:
        """The share of the points, in percent."""
        return round(100.0 * self.points / self.max_points, 1) if self.max_points else 0.0

    def to_dict(self, hint: int = 1) -> dict[str, object]:
        return {"learner": self.learner, "file": self.file, "lesson": self.lesson,
                "seed": self.seed, "graded_at": self.graded_at,
                "seconds": round(self.seconds, 3), "points": self.points,
                "max_points": self.max_points, "score": self.score,
                "flags": sorted(self.flags), "isolation": isolation(),
                "checks": [c.to_dict(hint) for c in self.checks]}

    def gradescope(self, hint: int = 1) -> dict[str, object]:
        """Gradescope's autograder ``results.json``: score, max_score and one test per check."""
        return {"score": self.points, "max_score": self.max_points,
                "output": f"lesson {self.lesson}, seed {self.seed}"
                          + (f"; flags: {', '.join(FLAGS[f] for f in sorted(self.flags))}"
                             if self.flags else ""),
                "tests": [{"name": c.name, "score": c.points, "max_score": c.max_points,
                           "status": "passed" if c.passed else "failed",
                           "output": c.hint(hint)} for c in self.checks]}

    def lines(self, hint: int = 1) -> list[str]:
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


def _one_line(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + " ..."


def columns(lesson: Lesson) -> list[str]:
    """The CSV's header: the learner's facts, then four columns per check, then the flags.

    >>> from descentlab.exercises.lessons import get_lesson
    >>> columns(get_lesson("momentum"))[7:11]
    ['max_points', 'score', 'momentum_update_points', 'momentum_update_max']
    """
    per_check = [f"{c.name}_{what}" for c in lesson.checks
                 for what in ("points", "max", "result", "message")]
    return [*BASE, *per_check, "flags", "isolation"]


def csv_text(reports: Sequence[Report], lesson: Lesson, hint: int = 1) -> str:
    """The grades as CSV text, every cell escaped (a learner named ``=cmd()`` stays text).

    >>> from descentlab.exercises.lessons import get_lesson
    >>> csv_text([Report("=cmd()", "momentum", 7)], get_lesson("momentum")).splitlines()[1]
    "'=cmd(),,momentum,7,,0.00,0,0,0,,..."
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns(lesson))
    for r in reports:
        row: list[object] = [r.learner, r.file, r.lesson, r.seed, r.graded_at, f"{r.seconds:.2f}",
               f"{r.points:g}", f"{r.max_points:g}", f"{r.score:g}"]
        for c in r.checks:
            result = "pass" if c.passed else c.mistake or "fail"
            row += [f"{c.points:g}", f"{c.max_points:g}", result, c.hint(hint)]
        row += [" ".join(sorted(r.flags)), isolation()]
        writer.writerow([escape_csv_cell(cell) for cell in row])
    return buffer.getvalue()


def json_text(reports: Sequence[Report], lesson: Lesson, hint: int = 1) -> str:
    """The grades as JSON text: the lesson, the isolation, each learner's report.

    >>> from descentlab.exercises.lessons import get_lesson
    >>> data = json.loads(json_text([Report("ann", "momentum", 7)], get_lesson("momentum")))
    >>> data["lesson"], [(r["learner"], r["score"]) for r in data["learners"]]
    ('momentum', [('ann', 0.0)])
    """
    return json.dumps({"lesson": lesson.name, "isolation": isolation(),
                       "learners": [r.to_dict(hint) for r in reports]}, indent=1) + "\n"


def write_report(out: str | os.PathLike[str], reports: Sequence[Report], lesson: Lesson, fmt: str = "csv",
                 hint: int = 1) -> Path:
    """Write ``reports`` to ``out`` as ``fmt`` ("csv" or "json").

    >>> import tempfile
    >>> from descentlab.exercises.lessons import get_lesson
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = write_report(Path(tmp, "grades.csv"), [Report("ann", "momentum", 7)], get_lesson("momentum"))
    ...     path.read_text().splitlines()[1][:22]
    'ann,,momentum,7,,0.00,'
    """
    return write_grades(out, (json_text if fmt == "json" else csv_text)(reports, lesson, hint))
