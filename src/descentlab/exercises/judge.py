r"""The judge's tools: call a learner's function safely, compare with the library, name the mistake.

A check calls the learner's function through :class:`Learner` (any fault a :class:`Failed`); :func:`compare`
holds the result against the library's; if they differ, the first known mistake (``-correct``, ``2 * correct``,
two values swapped, ...) whose answer it equals, value by value, is named (a sign error in ``dm`` alone is).
"""

from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeAlias

import numpy as np
from numpy.typing import NDArray

Array: TypeAlias = NDArray[Any]
#: ``(mistake tag, hint, the answer transformed by that mistake)``
Variant: TypeAlias = tuple[str, str, object]

#: mistake tag -> what the class summary calls it
MISTAKES = {
    "not_written": "not written yet (NotImplementedError)", "missing": "function missing", "none": "returns None",
    "sign": "sign error", "half": "missing 1/2 (or a factor 2 too many)", "sum": "sum instead of mean",
    "mean": "mean instead of sum", "bias": "bias forgotten", "swapped": "values or arguments swapped",
    "in_place": "changes arrays in place", "shape": "wrong shape", "lr": "learning rate forgotten",
    "x_missing": "factor X forgotten", "sigmoid": "sigmoid forgotten", "convention": "another momentum convention",
    "no_momentum": "momentum forgotten", "old_velocity": "old velocity used",
    "depends": "uses a function that fails", "wrong": "wrong values", "random": "not random as asked",
    "train": "training does not converge", "no_divergence": "no divergence above the bound",
    "exception": "raises an exception", "exit": "calls sys.exit", "output": "prints too much",
    "memory": "out of memory", "timeout": "too slow or endless loop", "crash": "process crashed",
    "syntax": "syntax error", "load": "file fails to load", "descentlab": "used descentlab's own code",
    "x_in_db": "db computed with X", "half_kept": "the 1/2 kept in the gradient",
    "lr_twice": "learning rate applied twice", "order": "m updated before db is computed",
    "int_div": "integer division", "broadcast": "(N,) against (N, 1): an N x N matrix",
    "clip": "step clipped or capped", "mape": "MAPE not as the article's accuracy", "not_assessed": "not assessed",
}


class Failed(Exception):
    """A check failed: ``mistake`` (a :data:`MISTAKES` tag), ``message`` (hint 1), ``formula`` to compare with (hint 2).

    >>> exc = Failed("sign", "gradient: a sign error in dm", "dm = mean((y_pred - y) * X)"); str(exc), MISTAKES[exc.mistake]
    ('gradient: a sign error in dm', 'sign error')
    """

    def __init__(self, mistake: str, message: str, formula: str | None = None) -> None:
        super().__init__(message)
        self.mistake, self.message, self.formula = mistake, message, formula


class OracleError(RuntimeError):
    """The library's own answer failed its check: a bug of descentlab, never the learner's.

    >>> confirm(np.array([1.0]), np.array([2.0]), "gradient")
    Traceback (most recent call last):
    descentlab.exercises.judge.OracleError: the library's gradient disagrees with finite differences
    """


class NotAssessed(Exception):
    """A check that cannot be scored, because every function it would use fails.

    >>> str(NotAssessed("training uses predict, which fails: not assessed"))
    'training uses predict, which fails: not assessed'
    """


class Learner:
    """The learner's functions, called through :meth:`_invoke` (a child process, or the module itself in the
    tests; ``signatures``: ``name -> (parameters, returns)``; ``failed``: whose check failed, later swapped out).

    >>> class Here(Learner):  # as if its gradient did m -= 1: m after the call is m - 1
    ...     def _invoke(self, name, args, swap): return None, [args[0] - 1]
    >>> learner = Here({"gradient": (("m", "b", "X", "y", "y_pred"), "dm, db")}); learner.failed.add("gradient")
    >>> learner, learner.returns("gradient"), learner.broken("predict", "gradient")
    (Here(['gradient']), 'dm, db', ('gradient',))
    >>> learner.call("gradient", np.zeros(2))  # the checks every call shares: here, a change in place
    Traceback (most recent call last):
    descentlab.exercises.judge.Failed: gradient changed its argument m in place: build a new array ...
    """

    def __init__(self, signatures: dict[str, tuple[tuple[str, ...], str]]) -> None:
        self.signatures = signatures
        self.failed: set[str] = set()
        self.flags: set[str] = set()
        self.printed = ""
        self.seed: int | None = None  # the seed of the learner's own draws in this check

    def broken(self, *names: str) -> tuple[str, ...]:
        """Those of ``names`` whose check failed."""
        return tuple(n for n in names if n in self.failed)

    def call(self, name: str, *args: object, swap: Iterable[str] = ()) -> object:
        """``name(*args)`` of the learner; :class:`Failed` on any fault or a change in place."""
        params, _ = self.signatures[name]
        value, after = self._invoke(name, args, tuple(swap))
        for pname, before, now in zip(params, args, after if isinstance(after, list) else [], strict=False):
            if isinstance(before, np.ndarray) and not (
                    isinstance(now, np.ndarray) and now.shape == before.shape
                    and np.array_equal(before, now, equal_nan=True)):
                raise Failed("in_place", f"{name} changed its argument {pname} in place: "
                             "build a new array instead of changing the one it was given",
                             f"{pname} = {pname} - ... instead of {pname} -= ... or "
                             f"{pname}[...] = ...")
        return value

    def _invoke(self, name: str, args: tuple[object, ...], swap: tuple[str, ...]) -> tuple[object, object]:
        raise NotImplementedError

    def returns(self, name: str) -> str:
        """The names of what ``name`` returns, e.g. ``"dm, db"``."""
        return self.signatures[name][1]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({list(self.signatures)})"


def _as_array(value: object, name: str) -> Array | None:
    if value is None:
        return None
    try:
        arr = np.asarray(value)
        if arr.dtype.kind not in "biuf":
            raise TypeError
        return arr
    except (TypeError, ValueError):
        raise Failed("wrong", f"{name} returned {_type_name(value)} where numbers were "
                     "expected") from None


def _type_name(value: object) -> str:
    return str(getattr(value, "type_name", None) or type(value).__name__)


def tolerance(*arrays: object) -> float:
    """Relative tolerance in these arrays' precision: 1e-6 in float64, wider in float32 or float16 (64 ulp).

    >>> tolerance(np.zeros(2)), tolerance(np.zeros(2, dtype=np.float32)) > 1e-6
    (1e-06, True)
    """
    eps = max((np.finfo(a.dtype).eps for a in arrays
               if isinstance(a, np.ndarray) and a.dtype.kind == "f"), default=0.0)
    return max(1e-6, 64 * float(eps))


def _close(first: object, second: object, rtol: float = 1e-6) -> bool:
    a, b = np.asarray(first, dtype=float), np.asarray(second, dtype=float)
    if a.shape != b.shape and not (a.size == b.size == 1):
        return False
    scale = 1.0 + float(np.max(np.abs(b))) if b.size else 1.0
    with np.errstate(all="ignore"):
        return bool(np.allclose(a.ravel(), b.ravel(), rtol=rtol, atol=rtol * 1e-3 * scale))


def _parts(value: object) -> list[object]:
    return list(value) if isinstance(value, (tuple, list)) else [value]


def as_parts(learner: Learner, name: str, got: object, k: int) -> list[Array]:
    """``got`` as ``k`` arrays: any sequence of length ``k`` (tuple, list, array) is accepted.

    >>> learner = Learner({"gradient": (("m", "b"), "dm, db")})
    >>> as_parts(learner, "gradient", np.array([0.5, 2.0]), 2)
    [array(0.5), array(2.)]
    """
    returns = learner.returns(name)
    if got is None:
        raise Failed("none", f"{name} returns None: end it with a return statement",
                     f"return {returns}")
    if k == 1:
        one = _as_array(got, name)
        assert one is not None  # got is not None
        return [one]
    if isinstance(got, np.ndarray) and got.ndim >= 1 and len(got) == k:
        got = list(got)
    if not isinstance(got, (tuple, list)) or len(got) != k:
        raise Failed("shape", f"{name} should return {k} values ({returns}); it returned "
                     f"{_describe(got)}", f"return {returns}")
    parts = [_as_array(g, name) for g in got]
    labels = [s.strip() for s in returns.split(",")]
    if any(p is None for p in parts):
        missing = labels[[p is None for p in parts].index(True)]
        raise Failed("none", f"{name} returns None for {missing}", f"return {returns}")
    return [p for p in parts if p is not None]


def compare(learner: Learner, name: str, got: object, expected: object, variants: Iterable[Variant] = (),
            parts: Sequence[Sequence[Variant]] | None = None, only: int | None = None,
            formula: str | dict[str, str] | None = None) -> None:
    r"""Pass when ``got`` equals ``expected``; else raise :class:`Failed` naming the mistake.

    ``got``: what the learner's ``name`` returned; ``expected``: the library's answer (a float asks for
    one number). ``variants``: ``(mistake tag, hint, the whole answer transformed)``, tried first;
    ``parts[i]``: those of the i-th value alone; ``only``: grade only that value; ``formula``: ``--hint 2``.

    >>> learner = Learner({"gradient": (("m", "b"), "dm, db")})
    >>> compare(learner, "gradient", (0.5, 2.0), (0.5, 2.0))  # equal: passes, says nothing
    >>> try:
    ...     compare(learner, "gradient", (-0.5, 2.0), (0.5, 2.0), parts=[[("sign", "a sign error in dm", -0.5)], []])
    ... except Failed as exc:
    ...     print(exc.mistake, "|", exc.message)
    sign | gradient: a sign error in dm
    """
    exp_parts = _parts(expected)
    labels = [s.strip() for s in learner.returns(name).split(",")]
    got_parts = as_parts(learner, name, got, len(exp_parts))
    rtol = tolerance(*got_parts)
    graded = range(len(exp_parts)) if only is None else [only]
    wrong = [i for i in graded if not _close(got_parts[i], exp_parts[i], rtol)]
    if not wrong:
        return
    which = labels[wrong[0]] if only is not None else None
    hint2 = formula.get(which) if isinstance(formula, dict) and which else formula
    assert hint2 is None or isinstance(hint2, str)
    if isinstance(formula, dict) and which is None:
        hint2 = "; ".join(formula.get(labels[i], "") for i in wrong) or None
    for mistake, hint, value in variants:  # before the shapes: a swap may change them
        if value is not None and all(_close(g, e, rtol) for g, e in zip(got_parts, _parts(value), strict=False)):
            raise Failed(mistake, f"{name}: {hint}", hint2)
    for i in wrong:
        e, g = np.asarray(exp_parts[i]), got_parts[i]
        if e.ndim == 0 and g.size != 1:
            raise Failed("shape", f"{name} should give one number for {labels[i]}, not an "
                         f"array of shape {g.shape} (did you forget np.mean or np.sum?)", hint2)
        if e.ndim > 0 and g.shape != e.shape:
            turned = " (transposed?)" if g.shape == e.shape[::-1] else ""
            raise Failed("shape", f"{name} gives {labels[i]} the shape {g.shape}; expected "
                         f"{e.shape}{turned}", hint2)
    found: list[tuple[str, tuple[str, str] | None]] = []
    for i in wrong:
        match = next(((m, h) for m, h, v in (parts[i] if parts else ())
                      if v is not None and _close(got_parts[i], v, rtol)), None)
        found.append((labels[i], match))
    if all(match for _, match in found):
        hints = {match[1] for _, match in found if match}
        if len(found) > 1 and len(hints) == 1:
            text = f"{' and '.join(label for label, _ in found)}: {hints.pop()}"
        else:  # each hint names its value ("a sign error in dm")
            text = "; ".join(match[1] for _, match in found if match)
        first = found[0][1]
        assert first is not None
        raise Failed(first[0], f"{name}: {text}", hint2)
    raise Failed("wrong", f"{name} gives {_brief([got_parts[i] for i in wrong])} where "
                 f"{_brief([exp_parts[i] for i in wrong])} was expected on a random case"
                 + (f" (for {', '.join(labels[i] for i in wrong)})" if len(labels) > 1 else ""),
                 hint2)


def _describe(value: object) -> str:
    if isinstance(value, (tuple, list)):
        return f"{len(value)} values"
    shape = getattr(value, "shape", None)
    return f"one value of shape {shape}" if shape is not None else f"one {_type_name(value)}"


def _brief(parts: Sequence[object]) -> str:
    def one(value: object) -> str:
        a = np.asarray(value, dtype=float)
        if a.size == 1:
            return f"{float(a.ravel()[0]):.6g}"
        head = ", ".join(f"{v:.4g}" for v in a.ravel()[:3])
        return f"[{head}{', ...' if a.size > 3 else ''}]"
    return ", ".join(one(p) for p in parts)


def scaled(value: object, factor: float) -> Array | tuple[Array, ...]:
    """``value`` (a number, array or tuple of them) times ``factor``: a mistake's variant.

    >>> scaled((np.array([2.0, 4.0]), np.array([[1.0]])), 0.5)
    (array([1., 2.]), array([[0.5]]))
    """
    if isinstance(value, tuple):
        return tuple(np.asarray(v) * factor for v in value)
    return np.asarray(value) * factor


def finite_difference(f: Callable[[NDArray[np.float64]], float], x: object, eps: float = 1e-6) -> NDArray[np.float64]:
    r"""Central differences :math:`(f(x + \epsilon e_i) - f(x - \epsilon e_i)) / 2\epsilon` of a scalar
    ``f`` of an ndarray like ``x`` (not modified).

    >>> finite_difference(lambda v: float(v @ v), np.array([1.0, -2.0]))  # the gradient 2 v
    array([ 2., -4.])
    """
    at = np.array(x, dtype=float)
    grad = np.zeros_like(at)
    for i in np.ndindex(at.shape):
        up, down = at.copy(), at.copy()
        up[i] += eps
        down[i] -= eps
        grad[i] = (f(up) - f(down)) / (2 * eps)
    return grad


def confirm(exact_of: object, approx_of: object, what: str) -> None:
    """Make sure the library's gradient agrees with finite differences before grading with it.

    >>> x = np.array([1.0, -2.0]); confirm(2 * x, finite_difference(lambda v: float(v @ v), x), "gradient")
    """
    exact, approx = np.asarray(exact_of, dtype=float), np.asarray(approx_of, dtype=float)
    if not np.allclose(exact, approx, rtol=1e-4, atol=1e-6 * (1 + np.max(np.abs(exact)))):
        raise OracleError(f"the library's {what} disagrees with finite differences")
