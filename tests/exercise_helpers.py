"""Helpers of the exercise tests: run a lesson's checks in this process on a source text."""

from descentlab.exercises.lessons import get_lesson
from descentlab.exercises.runner import run_checks


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
    records = []
    run_checks(get_lesson(lesson), path, seed, records.append)
    return {r["name"]: r for r in records if r["event"] == "check"} or records


def failing(results):
    """``{check: mistake}`` of the checks that failed."""
    return {name: r["mistake"] for name, r in results.items() if not r["passed"]}
