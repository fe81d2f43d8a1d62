"""Run a lesson's checks on a learner's functions and score them.

The checks always run in this process; the learner's functions run in a child process
(:class:`RemoteLearner`, what ``exercise check`` and ``grade`` use) or, for the tests of
the checks themselves on trusted code, in this process (:class:`LocalLearner`). Both send
the same plain data both ways (:mod:`.wire`), so a check sees the same values either way.
The learner's file is read and compiled by :mod:`.source`.
"""

import contextlib
import io
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from descentlab.errors import DescentlabError

from .checks import Signatures
from .faults import load_failure, raise_fault
from .judge import Failed, Learner, NotAssessed, OracleError
from .lessons import Lesson
from .sandbox import Limits, Session
from .source import compile_source, read_source
from .wire import decode, encode, fault_of


@dataclass
class CheckResult:
    """The outcome of one check.

    Attributes
    ----------
    status : {"pass", "fail", "not_assessed"}
    mistake : str or None
        A tag of ``judge.MISTAKES``.
    points, max_points : float
    formula : str or None
        What ``--hint 2`` adds: the formula to compare with.
    output : str
        What the learner's code printed during the check (the first 1,000 characters).

    Examples
    --------
    >>> result = CheckResult("gradient_dm", False, "a sign error in dm", "sign", formula="dm = mean(X * (y_pred - y))")
    >>> result.hint(2)
    'a sign error in dm. Formula: dm = mean(X * (y_pred - y))'
    >>> result.to_dict(), result.to_dict(2)["message"] == result.hint(2)  # as the JSON report writes it
    ({'name': 'gradient_dm', 'status': 'fail', 'passed': False, 'points': 0.0, 'max_points': 1.0,
      'message': 'a sign error in dm', 'mistake': 'sign'}, True)
    """

    name: str
    passed: bool
    message: str
    mistake: str | None = None
    output: str = ""
    points: float = 0.0
    max_points: float = 1.0
    status: str = "fail"
    formula: str | None = None

    def hint(self, level: int = 1) -> str:
        """The message at hint ``level``: 1 the kind of mistake, 2 also the formula."""
        if level >= 2 and self.formula and not self.passed:
            return f"{self.message}. Formula: {self.formula}"
        return self.message

    def to_dict(self, level: int = 1) -> dict[str, object]:
        return {"name": self.name, "status": self.status, "passed": self.passed,
                "points": self.points, "max_points": self.max_points,
                "message": self.hint(level), "mistake": self.mistake}


class RemoteLearner(Learner):
    """The learner's functions in a child process (:class:`.sandbox.Session`).

    >>> with Session("def f(x): return x", Limits(), ["f"]) as session:  # the child starts on the first call
    ...     RemoteLearner(session, {"f": (("x",), "y")}), session
    (RemoteLearner(['f']), Session(..., alive=False))
    """

    def __init__(self, session: Session, signatures: Signatures) -> None:
        super().__init__(signatures)
        self.session = session

    def _invoke(self, name: str, args: tuple[object, ...], swap: tuple[str, ...]) -> tuple[object, object]:
        try:
            return self.session.call(name, args, swap, seed=self.seed)
        finally:
            self.printed += self.session.printed
            self.session.printed = ""
            self.flags |= self.session.flags


class LocalLearner(Learner):
    """The learner's module in this process (tests of the checks only: trusted code).

    >>> from descentlab.exercises.lessons import get_lesson; lesson = get_lesson("momentum")
    >>> learner = LocalLearner(read_source(lesson.solution), lesson.solution, lesson.signatures, lesson.helpers)
    >>> learner.call("momentum_update", np.ones(2), np.zeros(2), np.ones(2), 0.1, 0.9)  # p - lr (beta v + g)
    (array([0.9, 0.9]), array([1., 1.]))
    """

    def __init__(self, source: str, path: str | Path, signatures: Signatures,
                 helpers: dict[str, Callable[..., object]]) -> None:
        super().__init__(signatures)
        self.path, self.helpers = str(path), helpers
        self._seeded: int | None = None
        self.namespace: dict[str, object] = {"__name__": "learner", "__file__": self.path}
        folder = str(Path(path).resolve().parent)
        if folder not in sys.path:
            sys.path.append(folder)  # a folder submission's own helper modules
        try:
            exec(compile_source(source, self.path), self.namespace)
        except Failed:
            raise
        except BaseException as exc:  # noqa: B036  (the learner's fault, reported in one line)
            raise load_failure(fault_of(exc, self.path), set()) from None

    def _invoke(self, name: str, args: tuple[object, ...], swap: tuple[str, ...]) -> tuple[object, object]:
        func = self.namespace.get(name)
        if not callable(func):
            raise Failed("missing", f"{name} is missing: define it in your file")
        if self.seed is not None and self.seed != self._seeded:
            self._seeded = self.seed
            np.random.seed(self.seed % 2**32)
            random.seed(self.seed)
        given = decode(encode(list(args)))
        assert isinstance(given, list)
        saved = {n: self.namespace.get(n) for n in swap}
        self.namespace.update({n: self._helper(n) for n in swap})
        printed = io.StringIO()
        try:
            with np.errstate(all="ignore"), contextlib.redirect_stdout(printed):
                out = func(*given)
        except BaseException as exc:  # noqa: B036
            raise_fault(name, fault_of(exc, self.path), None)
        finally:
            self.namespace.update(saved)
            self.printed += printed.getvalue()[:1000]
        return decode(encode(out)), decode(encode(given))

    def _helper(self, name: str) -> Callable[..., object]:
        def helper(*args: object) -> object:
            given = decode(encode(list(args)))
            assert isinstance(given, list)
            return decode(encode(self.helpers[name](*given)))
        return helper


def seed_of(seed: int, index: int) -> int:
    """The seed of check ``index``: its cases, and the learner's own ``np.random`` draws.

    >>> seed_of(7, 0), seed_of(7, 1)
    (7063, 7064)
    """
    return (seed * 1009 + index) % 2**32


def run_checks(lesson: Lesson, learner: Learner, seed: int, limits: Limits | None = None,
               on_check: Callable[[CheckResult], object] | None = None) -> list[CheckResult]:
    """Run the lesson's checks in order on ``learner``; a list of :class:`CheckResult`.

    A check whose function fails marks it in ``learner.failed``; later checks that use it swap in
    the reference (or are not assessed), so one mistake costs one check's points. The starter:

    >>> from descentlab.exercises.lessons import get_lesson; lesson = get_lesson("momentum")
    >>> starter = LocalLearner(read_source(lesson.template), lesson.template, lesson.signatures, lesson.helpers)
    >>> [(r.name, r.mistake) for r in run_checks(lesson, starter, seed=0)]
    [('momentum_update', 'not_written'), ('training', 'not_assessed'), ('divergence', 'not_assessed')]
    """
    results = []
    for index, check in enumerate(lesson.checks):
        learner.printed, learner.seed = "", seed_of(seed, index)
        if limits is not None and isinstance(learner, RemoteLearner):  # the time the learner's code may take
            learner.session.budget = limits.check_timeout
        result = CheckResult(check.name, False, "", max_points=check.points)
        try:
            result.message = check.run(learner, np.random.default_rng([seed, index]))
            result.passed, result.status, result.points = True, "pass", check.points
        except NotAssessed as exc:
            result.status, result.mistake, result.message = "not_assessed", "not_assessed", str(exc)
        except Failed as exc:
            result.message, result.mistake, result.formula = exc.message, exc.mistake, exc.formula
        except OracleError:
            raise
        except Exception as exc:  # a result the check could not use: never the grading's end
            result.mistake = "wrong"
            result.message = f"{check.name}: your result could not be used ({type(exc).__name__})"
        if not result.passed and check.function:
            learner.failed.add(check.function)
        result.output = learner.printed[:1200]
        results.append(result)
        if on_check is not None:
            on_check(result)
    return results


def whole_file_failure(lesson: Lesson, exc: Failed) -> list[CheckResult]:
    """Every check failed by one fault of the whole file (it does not compile or load).

    >>> from descentlab.exercises.lessons import get_lesson; lesson = get_lesson("momentum")
    >>> [(r.name, r.mistake) for r in whole_file_failure(lesson, Failed("load", "..."))]
    [('momentum_update', 'load'), ('training', 'load'), ('divergence', 'load')]
    """
    return [CheckResult(c.name, False, exc.message, exc.mistake, max_points=c.points,
                        formula=exc.formula) for c in lesson.checks]


def run_remote(lesson: Lesson, path: str | Path, seed: int, limits: Limits | None = None,
               modules: dict[str, str] | None = None) -> tuple[list[CheckResult], set[str]]:
    """Check the learner's file in a child process; ``(results, flags)``.

    ``modules``: ``{file name: text}`` copied beside the learner's copy (its own helper
    modules); never another learner's files.

    >>> import tempfile
    >>> from descentlab.exercises.lessons import get_lesson
    >>> with tempfile.TemporaryDirectory() as tmp:  # a syntax error is found before any process starts
    ...     _ = Path(tmp, "momentum.py").write_text("def momentum_update(p, v, g, lr, beta)")
    ...     results, flags = run_remote(get_lesson("momentum"), Path(tmp, "momentum.py"), seed=0)
    >>> results[0].mistake, len(results), flags
    ('syntax', 3, set())
    """
    limits = limits or Limits()
    try:
        source = read_source(path)
        compile_source(source, Path(path).name)
    except Failed as exc:
        return whole_file_failure(lesson, exc), set()
    with Session(source, limits, lesson.signatures, lesson.helpers, modules) as session:
        learner = RemoteLearner(session, lesson.signatures)
        try:
            session.start()
            results = run_checks(lesson, learner, seed, limits)
        except Failed as exc:
            results = whole_file_failure(lesson, exc)
    return results, session.flags | learner.flags  # after close(): it notes any fork


def run_local(lesson: Lesson, path: str | Path, seed: int) -> list[CheckResult]:
    """Check the learner's file in this process (trusted code: the tests of the checks).

    >>> from descentlab.exercises.lessons import get_lesson; lesson = get_lesson("logistic_regression")
    >>> [r.status for r in run_local(lesson, lesson.solution, seed=0)]
    ['pass', 'pass', 'pass', 'pass', 'pass']
    """
    try:
        source = read_source(path)
        learner = LocalLearner(source, path, lesson.signatures, lesson.helpers)
    except Failed as exc:
        return whole_file_failure(lesson, exc)
    return run_checks(lesson, learner, seed)


def check_file(path: str | Path, lesson: Lesson, seed: int, limits: Limits | None = None,
               modules: dict[str, str] | None = None) -> tuple[list[CheckResult], set[str]]:
    """Run every check of ``lesson`` on the learner's file in the sandbox; ``(results, flags)``.

    The learner's file is only read (a private copy runs). Faults are results, never
    exceptions; only a missing file raises :class:`~descentlab.errors.DescentlabError`.

    >>> from descentlab.exercises.lessons import get_lesson; check_file("no_such_file.py", get_lesson("momentum"), seed=0)
    Traceback (most recent call last):
    descentlab.errors.DescentlabError: no_such_file.py is not a file: give the path of your .py or .ipynb file
    """
    path = Path(path)
    if not path.is_file():
        raise DescentlabError(f"{path} is not a file: give the path of your .py or .ipynb file")
    return run_remote(lesson, path, seed, limits, modules)
