"""Exercises: a learner writes the article's functions; descentlab checks them and names the mistake.

This room sits above the library: it imports the library's math as its oracles (one
implementation of each piece of math), and nothing in the library imports it.

- :mod:`.lessons` the lessons, their starters (``templates/``) and reference solutions
  (``solutions/``); :mod:`.checks` the checks of each lesson
- :mod:`.judge` comparing a learner's answer with the library's; diagnosing the mistake
- :mod:`.runner` running the checks here, on the learner's functions in a child process;
  :mod:`.source` the learner's file read and compiled
- :mod:`.sandbox` that child process (namespaces, limits); :mod:`.worker` its code, which
  runs without descentlab; :mod:`.wire` the plain data between them
- :mod:`.starter` ``exercise new``; :mod:`.grading` ``exercise check`` and ``grade``
"""

from .grading import GRADES, check, common_mistakes, grade, grade_into, summary_lines
from .lessons import LESSONS, get_lesson
from .namespaces import isolation
from .report import Report
from .runner import CheckResult, check_file
from .sandbox import Limits
from .starter import new_exercise

__all__ = ["GRADES", "LESSONS", "CheckResult", "Limits", "Report", "check", "check_file", "isolation",
           "common_mistakes", "get_lesson", "grade", "grade_into", "new_exercise", "summary_lines"]
