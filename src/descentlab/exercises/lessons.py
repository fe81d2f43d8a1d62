"""The lessons: what a learner writes in each, where its starter and reference solution are.

Each lesson has a starter (``templates/<name>.py``: the task, the shapes and the article's
names, bodies that raise ``NotImplementedError``; not the answer lines), a reference solution (``solutions/<name>.py``, used by the
tests) and its checks (``checks/<name>.py``).
"""

import importlib
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from descentlab.errors import DescentlabError

from .checks import Check, Signatures

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Lesson:
    """One exercise.

    Attributes
    ----------
    name : str
        Also the starter's file name, ``<name>.py``.
    title : str
        One line for ``descentlab exercise list``.

    Examples
    --------
    >>> lesson = LESSONS["momentum"]
    >>> lesson.filename, lesson.template.parent.name, lesson.max_points, list(lesson.signatures)
    ('momentum.py', 'templates', 4, ['momentum_update'])
    >>> lesson.solution.parent.name, lesson.checks_module.__name__, list(lesson.helpers)
    ('solutions', 'descentlab.exercises.checks.momentum', ['momentum_update'])
    >>> lesson.check_names, [c.points for c in lesson.checks]  # in the order they run
    (['momentum_update', 'training', 'divergence'], [2, 1, 1])
    """

    name: str
    title: str

    @property
    def filename(self) -> str:
        return f"{self.name}.py"

    @property
    def template(self) -> Path:
        return HERE / "templates" / self.filename

    @property
    def solution(self) -> Path:
        return HERE / "solutions" / self.filename

    @property
    def checks_module(self) -> ModuleType:
        return importlib.import_module(f"{__package__}.checks.{self.name}")

    @property
    def signatures(self) -> Signatures:
        signatures: Signatures = self.checks_module.SIGNATURES
        return signatures

    @property
    def checks(self) -> list[Check]:
        """The list of :class:`~.checks.Check`, in the order they run."""
        checks: list[Check] = self.checks_module.CHECKS
        return checks

    @property
    def helpers(self) -> dict[str, Any]:
        """``{function: reference}`` a check may swap in for the learner's own."""
        helpers: dict[str, Any] = getattr(self.checks_module, "HELPERS", {})
        return helpers

    @property
    def max_points(self) -> float:
        return sum(c.points for c in self.checks)

    @property
    def check_names(self) -> list[str]:
        return [c.name for c in self.checks]


LESSONS = {lesson.name: lesson for lesson in [
    Lesson("linear_regression", "the article: y = m x + b, half-MSE, gradient descent, MAPE, test prediction"),
    Lesson("dense_layer", "a Dense layer's forward and backward pass"),
    Lesson("logistic_regression", "the sigmoid and the gradient of binary cross-entropy"),
    Lesson("momentum", "the heavy-ball momentum update"),
]}


def get_lesson(name: str) -> Lesson:
    """The lesson called ``name``, or a one-line error listing the lessons.

    >>> get_lesson("momentum").check_names
    ['momentum_update', 'training', 'divergence']
    """
    if name not in LESSONS:
        raise DescentlabError(f"unknown lesson {name!r}: choose one of {', '.join(LESSONS)} "
                              "(see 'descentlab exercise list')")
    return LESSONS[name]


def guess_lesson(path: str | Path) -> Lesson:
    """The lesson a learner's file belongs to, from its name (``linear_regression.py``).

    >>> guess_lesson("class/ann/dense_layer.py").title
    "a Dense layer's forward and backward pass"
    >>> guess_lesson("hw1.py")
    Traceback (most recent call last):
    descentlab.errors.DescentlabError: cannot tell the lesson of hw1.py: pass --lesson NAME (one of ...)
    """
    stem = Path(path).stem
    if stem in LESSONS:
        return LESSONS[stem]
    raise DescentlabError(f"cannot tell the lesson of {Path(path).name}: pass --lesson NAME "
                          f"(one of {', '.join(LESSONS)})")
