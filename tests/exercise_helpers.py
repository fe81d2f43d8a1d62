"""Helpers of the exercise tests: run a lesson's checks on a source text, in this process
(fast: the checks' logic) or in the sandbox (slow: the isolation)."""

from descentlab.exercises.lessons import get_lesson
from descentlab.exercises.runner import run_local


def reference(lesson):
    return get_lesson(lesson).solution.read_text()


def plant(source, replacements):
    """The source with each ``(old, new)`` replaced; each ``old`` must occur exactly once."""
    for old, new in replacements:
        assert source.count(old) == 1, old
        source = source.replace(old, new)
    return source


def run_source(lesson, source, tmp_path, seed=0):
    """``{check name: record}`` of the lesson's checks run in this process on ``source``."""
    path = tmp_path / f"{lesson}.py"
    path.write_text(source)
    return {r.name: {**r.to_dict(), "formula": r.formula, "output": r.output}
            for r in run_local(get_lesson(lesson), path, seed)}


def failing(results):
    """``{check: mistake}`` of the checks that did not pass (failed or not assessed)."""
    return {name: r["mistake"] for name, r in results.items() if not r["passed"]}
