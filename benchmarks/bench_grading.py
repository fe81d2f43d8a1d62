"""Grading a class: 30 submissions graded with ``-j 2``, against one learner graded alone.

Makes a class folder of ``--learners`` files (correct solutions, one planted mistake each,
a few faults: an endless loop, an exception, a crash) in a temporary folder, then times:
one correct file graded alone (the reference, best of ``--repeats``: what a learner's
``exercise check`` costs, most of it Python and NumPy starting in the sandbox) and the
whole class graded by :func:`descentlab.exercises.grade` with ``--jobs`` workers (once,
cold, and the reference solution graded first by the setup check, as a teacher runs it).

    python benchmarks/bench_grading.py                      # 30 learners, -j 2
    python benchmarks/bench_grading.py --learners 10 --jobs 1

The target of issue 23: 30 submissions in at most 60 s on 2 cores with ``-j 2``.
"""

import argparse
import os
import platform
import tempfile
import time
from pathlib import Path

from descentlab.exercises import Limits, get_lesson, grade, isolation
from descentlab.exercises.runner import check_file

MISTAKES = [
    ("1 / 2 * np.mean", "np.mean"),
    ("dm = np.mean((y_pred - y_train) * X_train)", "dm = np.mean((y_train - y_pred) * X_train)"),
    ("db = np.mean(y_pred - y_train)", "db = np.sum(y_pred - y_train)"),
    ("m = m - l_r * dm", "m = m + l_r * dm"),
    ("y_pred = m * X + b", "y_pred = m * X"),
    ("np.mean(np.fabs((y_pred - y) / y)) * 100", "np.mean(np.fabs((y_pred - y) / y))"),
]
FAULTS = [
    ("    dm = np.mean", "    while True:\n        pass\n    dm = np.mean"),
    ("    dm = np.mean", "    1 / 0\n    dm = np.mean"),
    ("    dm = np.mean", "    import os; os._exit(1)\n    dm = np.mean"),
]


def make_class(folder, learners, solution):
    """``learners`` files: every third correct, the others a planted mistake, three faults."""
    kinds = []
    for i in range(learners):
        if i < len(FAULTS):
            old, new = FAULTS[i]
            kinds.append("fault")
        elif i % 3 == 0:
            old, new = "", ""
            kinds.append("correct")
        else:
            old, new = MISTAKES[i % len(MISTAKES)]
            kinds.append("mistake")
        (folder / f"learner{i:02d}.py").write_text(solution.replace(old, new, 1) if old else solution)
    return kinds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=30)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=3.0,
                        help="seconds per check (the endless loop costs this, twice)")
    args = parser.parse_args()
    lesson = get_lesson("linear_regression")
    limits = Limits(check_timeout=args.timeout, load_timeout=30.0, memory_mb=1024)
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        tmp = Path(tmp)
        (tmp / "class").mkdir()
        kinds = make_class(tmp / "class", args.learners, lesson.solution.read_text())
        alone = []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            check_file(tmp / "class" / "learner03.py", lesson, 7, limits)
            alone.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        reports = grade(tmp / "class", lesson.name, tmp / "grades.csv", seed=7, limits=limits,
                        jobs=args.jobs)
        total = time.perf_counter() - t0
    one = min(alone)
    full = sum(r.points == r.max_points for r in reports)
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs; "
          f"isolation: {isolation()}")
    print(f"class: {args.learners} learners ({kinds.count('correct')} correct, "
          f"{kinds.count('mistake')} with a mistake, {kinds.count('fault')} faults); "
          f"{full} got every point")
    print()
    print("| what | seconds | ratio to one learner alone |")
    print("| --- | --- | --- |")
    print(f"| one correct learner alone (best of {args.repeats}; cold {alone[0]:.2f} s) | "
          f"{one:.2f} | 1.0 |")
    print(f"| the class, -j {args.jobs}, setup check included (cold) | {total:.1f} | "
          f"{total / one:.1f} |")
    print(f"| per learner | {total / args.learners:.2f} | {total / args.learners / one:.2f} |")
    print()
    verdict = "meets" if total <= 60 else "misses"
    print(f"target: {args.learners} learners in <= 60 s with -j {args.jobs}: {verdict} "
          f"({total:.1f} s)")


if __name__ == "__main__":
    main()
