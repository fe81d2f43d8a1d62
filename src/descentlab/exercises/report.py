"""The class's grades as a file: grades.csv (one row per learner) or grades.json.

Every cell passes through :func:`descentlab.files.escape_csv_cell`; the file is written to
a temporary file and moved into place (:func:`descentlab.outputs.exercise_files.write_grades`).
"""

import csv
import io
import json
import os
from pathlib import Path
from typing import Any

from descentlab.files import escape_csv_cell
from descentlab.outputs.exercise_files import write_grades

from .sandbox import isolation

BASE = ["learner", "file", "lesson", "seed", "graded_at", "seconds", "points", "max_points",
        "score"]


def columns(lesson):
    """The CSV's header: the learner's facts, then four columns per check, then the flags."""
    per_check = [f"{c.name}_{what}" for c in lesson.checks
                 for what in ("points", "max", "result", "message")]
    return [*BASE, *per_check, "flags", "isolation"]


def csv_text(reports, lesson, hint=1):
    """The grades as CSV text, every cell escaped."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns(lesson))
    for r in reports:
        row = [r.learner, r.file, r.lesson, r.seed, r.graded_at, f"{r.seconds:.2f}",
               f"{r.points:g}", f"{r.max_points:g}", f"{r.score:g}"]
        for c in r.checks:
            result = "pass" if c.passed else c.mistake or "fail"
            row += [f"{c.points:g}", f"{c.max_points:g}", result, c.hint(hint)]
        row += [" ".join(sorted(r.flags)), isolation()]
        writer.writerow([escape_csv_cell(cell) for cell in row])
    return buffer.getvalue()


def json_text(reports, lesson, hint=1):
    return json.dumps({"lesson": lesson.name, "isolation": isolation(),
                       "learners": [r.to_dict(hint) for r in reports]}, indent=1) + "\n"


def write_report(out: str | os.PathLike[str], reports: list[Any], lesson: Any, fmt: str = "csv",
                 hint: int = 1) -> Path:
    """Write ``reports`` to ``out`` as ``fmt`` ("csv" or "json")."""
    return write_grades(out, (json_text if fmt == "json" else csv_text)(reports, lesson, hint))
