"""The checks of each lesson: ``SIGNATURES`` (the functions to write), ``HELPERS`` (the
reference functions a check may swap in for the learner's) and ``CHECKS``.

A check's ``run(learner, rng)`` returns a one-line message when the learner's code passes
and raises :class:`descentlab.exercises.judge.Failed` otherwise (or
:class:`~descentlab.exercises.judge.NotAssessed`). Each lesson declares the points of each
check.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

import numpy as np

if TYPE_CHECKING:
    from descentlab.exercises.judge import Learner

#: ``name -> (parameter names, return names)`` of the functions a lesson asks for.
Signatures: TypeAlias = dict[str, tuple[tuple[str, ...], str]]


@dataclass(frozen=True)
class Check:
    """One check: its column name, what it runs, its points, and the learner's function it
    grades (marked failed when the check fails, so later checks swap in the reference).

    >>> from descentlab.exercises.lessons import get_lesson
    >>> check = get_lesson("momentum").checks[0]
    >>> check.name, check.points, check.function
    ('momentum_update', 2, 'momentum_update')
    """

    name: str
    run: "Callable[[Learner, np.random.Generator], str]"
    points: float = 1.0
    function: str | None = None
