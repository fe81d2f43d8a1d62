"""The teacher's setup, checked once before any learner is graded.

A limit that cannot work (a ``--seed`` out of range, a ``--memory`` beyond the machine, a
shell's ``ulimit -v`` below what Python and NumPy need) would make every learner fail with
hints that blame them. So the options are checked, then the reference solution is graded
with the same limits: if it does not score every point, the setup is at fault, and the
error says so before a single learner is graded.
"""

import os
import resource

from descentlab.errors import DescentlabError

from .lessons import Lesson
from .sandbox import Limits

SEEDS = 2**32
MIN_MEMORY_MB = 64
NEEDED_MB = 400  # about what Python, NumPy and the checks' arrays take before the learner's code


def _physical_mb() -> int | None:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
    except (ValueError, OSError, AttributeError):
        return None


def check_limits(seed: object, limits: Limits) -> None:
    """One-line errors for a seed or limits that cannot work on this machine.

    >>> check_limits(-1, Limits())
    Traceback (most recent call last):
    descentlab.errors.DescentlabError: --seed -1 must be a whole number from 0 to 4294967295: try --seed 7
    """
    if not isinstance(seed, int) or not 0 <= seed < SEEDS:
        raise DescentlabError(f"--seed {seed} must be a whole number from 0 to {SEEDS - 1}: "
                              "try --seed 7")
    memory = limits.memory_mb
    physical = _physical_mb()
    if memory != 0 and memory < MIN_MEMORY_MB:
        raise DescentlabError(f"--memory {memory} MiB is too little for Python and NumPy: give "
                              f"at least {MIN_MEMORY_MB} (1024 is the default), or 0 for no limit")
    if physical and memory > physical:
        raise DescentlabError(f"--memory {memory} MiB is more than this machine has "
                              f"({physical} MiB): try 1024")
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    need = (memory or 1024) + NEEDED_MB
    if soft != resource.RLIM_INFINITY and soft < need * 2**20:
        raise DescentlabError(f"this shell limits memory to {soft // 2**20} MiB (ulimit -v), "
                              f"below the {need} MiB that grading with --memory {memory} needs: "
                              "run 'ulimit -v unlimited' first, or lower --memory")


def check_setup(lesson: Lesson, seed: int, limits: Limits, run_reference: bool = True) -> None:
    """Check the options; with ``run_reference``, grade the reference solution with them too.

    >>> from descentlab.exercises.lessons import get_lesson
    >>> check_setup(get_lesson("momentum"), 7, Limits(memory_mb=10), run_reference=False)
    Traceback (most recent call last):
    descentlab.errors.DescentlabError: --memory 10 MiB is too little for Python and NumPy: give at least 64 ...
    """
    check_limits(seed, limits)
    if not run_reference:
        return
    from .runner import run_remote

    results, _ = run_remote(lesson, lesson.solution, seed, limits)
    failed = [r for r in results if not r.passed]
    if failed:
        first = failed[0]
        raise DescentlabError(
            f"the grading setup fails before any learner is graded: the reference solution "
            f"scores {sum(r.points for r in results):g}/{lesson.max_points:g} with these "
            f"limits ({first.name}: {first.message}): check --memory, --timeout and the "
            "shell's limits (ulimit -a)")
