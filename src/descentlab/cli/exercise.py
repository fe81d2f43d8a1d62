"""``descentlab exercise new|list|check|grade``: write the article's functions yourself, get them graded."""

import argparse
import json
from typing import TYPE_CHECKING

from descentlab.cli._options import add_out
from descentlab.errors import DescentlabError

if TYPE_CHECKING:
    from descentlab.exercises import Limits


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> argparse.ArgumentParser:
    """Add ``descentlab exercise`` and its actions ``new``, ``list``, ``check`` and ``grade`` to ``sub``.

    >>> import argparse
    >>> p = add_parser(argparse.ArgumentParser(prog="descentlab").add_subparsers())
    >>> args = p.parse_args(["check", "linear_regression.py", "--hint", "2", "--seed", "3"])
    >>> args.action, args.file, args.hint, args.seed, args.run is run_check
    ('check', 'linear_regression.py', 2, 3, True)
    """
    p = sub.add_parser("exercise", help="exercises: write the functions yourself, get hints",
                       description="Exercises for learners and a grader for teachers: 'new' "
                       "writes a starter, 'check' grades one file with hints that name the "
                       "mistake, 'grade' grades a class folder into grades.csv.")
    p.set_defaults(run=_no_action, exercise_parser=p)
    actions = p.add_subparsers(dest="action", metavar="ACTION", parser_class=type(p))

    new = actions.add_parser("new", help="write a lesson's starter (.py, .ipynb, README)")
    new.add_argument("dir", help="folder to write the starter into (created if missing)")
    new.add_argument("--lesson", default="linear_regression",
                     help="the lesson (default linear_regression; see 'exercise list')")
    new.add_argument("--force", action="store_true", help="overwrite existing files")
    new.set_defaults(run=run_new)

    lst = actions.add_parser("list", help="name the lessons")
    lst.set_defaults(run=run_list)

    chk = actions.add_parser("check", help="check your file: each function, then training")
    chk.add_argument("file", help="your .py or .ipynb file")
    chk.add_argument("--lesson", default=None,
                     help="the lesson (default: the file's name, e.g. linear_regression.py)")
    _add_run_options(chk)
    chk.add_argument("--format", choices=["text", "json", "gradescope"], default="text",
                     help="text (default); json: the report as JSON; gradescope: Gradescope's "
                     "autograder results.json (score, max_score, tests)")
    chk.add_argument("--json", action="store_true", help="the same as --format json")
    chk.set_defaults(run=run_check)

    grd = actions.add_parser("grade", help="grade a class folder into grades.csv")
    grd.add_argument("dir", help="folder of submissions: one file or one folder per learner")
    grd.add_argument("--lesson", required=True, help="the lesson (see 'exercise list')")
    add_out(grd, "grades.csv")  # outside DIR: grade() refuses a folder inside the submissions
    grd.add_argument("--force", action="store_true", help="overwrite the grades file in --out")
    grd.add_argument("--format", choices=["csv", "json"], default="csv",
                     help="grades.csv (default: one row per learner) or grades.json")
    grd.add_argument("-j", "--jobs", type=int, default=1,
                     help="learners graded at once (default 1; one per CPU core is sensible)")
    _add_run_options(grd)
    grd.set_defaults(run=run_grade)
    return p


def _add_run_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--seed", type=int, default=None,
                   help="seed of the random cases (default: a fresh one, printed)")
    p.add_argument("--timeout", type=float, default=10.0,
                   help="seconds the learner's code may take in each check (default 10)")
    p.add_argument("--load-timeout", type=float, default=30.0,
                   help="seconds to start Python and load the file (default 30)")
    p.add_argument("--memory", type=int, default=1024,
                   help="MiB the learner's code may allocate (default 1024; 0: no limit)")
    p.add_argument("--hint", type=int, choices=[1, 2], default=1,
                   help="1 (default): name the kind of mistake; 2: also give the formula")


def _limits(args: argparse.Namespace) -> "Limits":
    from ..exercises import Limits

    for option, value, default in (("--timeout", args.timeout, 10),
                                   ("--load-timeout", args.load_timeout, 30)):
        if not value > 0:
            raise DescentlabError(f"{option} {value:g} must be positive: try {default}")
    if args.memory < 0:
        raise DescentlabError(f"--memory {args.memory} must be 0 (no limit) or more: try 1024")
    return Limits(check_timeout=args.timeout, load_timeout=args.load_timeout,
                  memory_mb=args.memory)


def _no_action(args: argparse.Namespace) -> int:
    args.exercise_parser.print_help()
    return 2


def run_new(args: argparse.Namespace) -> int:
    """``exercise new``: write a lesson's starter files and say where.

    >>> import tempfile
    >>> from descentlab.cli import build_parser
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     run_new(build_parser().parse_args(["exercise", "new", folder]))
    Wrote .../linear_regression.py, .../linear_regression.ipynb, .../README_linear_regression.md
    Write the functions in .../linear_regression.py, then: descentlab exercise check .../linear_regression.py
    0
    """
    from ..exercises import new_exercise

    written = new_exercise(args.dir, args.lesson, force=args.force)
    print(f"Wrote {', '.join(str(p) for p in written)}")
    print(f"Write the functions in {written[0]}, then: descentlab exercise check {written[0]}")
    return 0


def run_list(args: argparse.Namespace) -> int:
    """``exercise list``: each lesson's name and what it asks for.

    >>> from descentlab.cli import build_parser
    >>> run_list(build_parser().parse_args(["exercise", "list"]))
    linear_regression    the article: y = m x + b, half-MSE, gradient descent, MAPE, test prediction
    dense_layer          a Dense layer's forward and backward pass
    ...
    0
    """
    from ..exercises import LESSONS

    width = max(map(len, LESSONS))
    for lesson in LESSONS.values():
        print(f"{lesson.name:<{width}}  {lesson.title}")
    return 0


def run_check(args: argparse.Namespace) -> int:
    """``exercise check``: grade one file; 0 when every check passes, else 1.

    Checking runs the learner's code in a fresh Python process (a second or more), so
    here is its cheapest real behaviour: a file that is not there is one line.

    >>> from descentlab.cli import build_parser
    >>> run_check(build_parser().parse_args(["exercise", "check", "no_such_file.py"]))
    Traceback (most recent call last):
    descentlab.errors.DescentlabError: no_such_file.py is not a file: give the path of your .py or .ipynb file
    """
    from ..exercises import check

    report = check(args.file, args.lesson, args.seed, _limits(args))
    fmt = "json" if args.json else args.format
    if fmt == "json":
        print(json.dumps(report.to_dict(args.hint), indent=2))
    elif fmt == "gradescope":
        print(json.dumps(report.gradescope(args.hint), indent=2))
    else:
        print("\n".join(report.lines(args.hint)))
    return 0 if report.passed == len(report.checks) else 1


def run_grade(args: argparse.Namespace) -> int:
    """``exercise grade``: grade every learner of a class folder into ``grades.csv`` in ``--out``.

    Grading runs each learner's code in a fresh Python process (seconds), so here is its
    cheapest real behaviour: a folder with no submissions is one line, nothing written.

    >>> import tempfile
    >>> from pathlib import Path
    >>> from descentlab.cli import build_parser
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     (Path(folder) / "class").mkdir()
    ...     run_grade(build_parser().parse_args(["exercise", "grade", f"{folder}/class", "--lesson",
    ...                                          "momentum", "--out", f"{folder}/grades"]))
    Traceback (most recent call last):
    descentlab.errors.DescentlabError: .../class holds no .py or .ipynb files nor folders of them
    """
    from ..exercises import grade_into

    grade_into(args.dir, args.lesson, args.out, fmt=args.format, seed=args.seed, limits=_limits(args),
               force=args.force, jobs=args.jobs, hint=args.hint, say=print)
    return 0
