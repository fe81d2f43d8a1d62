"""Exercises: a learner writes the article's functions; descentlab checks them and names the mistake.

This room sits above the library: it imports the library's math as its oracles (one
implementation of each piece of math), and nothing in the library imports it.

- :mod:`.lessons` the lessons, their starters (``templates/``) and reference solutions
  (``solutions/``); :mod:`.checks` the checks of each lesson
- :mod:`.judge` calling a learner's function safely; diagnosing the mistake
- :mod:`.runner` loading the learner's file and running the checks (inside the child)
- :mod:`.sandbox`, :mod:`.child` one process per file: time, memory and output limits
- :mod:`.starter` ``exercise new``; :mod:`.grading` ``exercise check`` and ``grade``
"""

from .grading import Report, check, common_mistakes, grade, summary_lines
from .lessons import LESSONS, get_lesson
from .sandbox import CheckResult, Limits, check_file
from .starter import new_exercise

__all__ = ["LESSONS", "CheckResult", "Limits", "Report", "check", "check_file",
           "common_mistakes", "get_lesson", "grade", "new_exercise", "summary_lines"]
