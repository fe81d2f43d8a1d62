r"""The judge's tools: call a learner's function safely, compare with the library, name the mistake.

A check calls the learner's function through :class:`Learner` (copies of the inputs, so
that a change made in place is seen; every exception turned into a :class:`Failed` with
a one-line reason), then :func:`compare` holds the result against the library's answer.
When they differ, the library's answer transformed by each known mistake (``-correct``,
``2 * correct``, ``N * correct``, the bias left out, two values swapped, ...) is tried in
turn: the first one the learner's answer equals names the mistake.
"""

import copy
import traceback

import numpy as np

#: mistake tag -> what the class summary calls it
MISTAKES = {
    "not_written": "not written yet (NotImplementedError)", "missing": "function missing",
    "none": "returns None", "sign": "sign error", "half": "missing 1/2 (or a factor 2 too many)",
    "sum": "sum instead of mean", "mean": "mean instead of sum", "bias": "bias forgotten",
    "swapped": "values or arguments swapped", "in_place": "changes arrays in place",
    "shape": "wrong shape", "lr": "learning rate forgotten", "x_missing": "factor X forgotten",
    "sigmoid": "sigmoid forgotten", "convention": "another momentum convention",
    "no_momentum": "momentum forgotten", "old_velocity": "old velocity used",
    "depends": "uses a function that fails", "wrong": "wrong values", "random": "not random as asked",
    "train": "training does not converge", "no_divergence": "no divergence above the bound",
    "exception": "raises an exception", "exit": "calls sys.exit", "output": "prints too much",
    "memory": "out of memory", "timeout": "too slow or endless loop", "crash": "process crashed",
    "syntax": "syntax error", "load": "file fails to load",
}


class Failed(Exception):
    """A check failed: ``mistake`` is a tag of :data:`MISTAKES`, ``message`` the hint."""

    def __init__(self, mistake, message):
        super().__init__(message)
        self.mistake = mistake
        self.message = message


class OutputLimit(BaseException):
    """Raised inside the learner's ``print`` once a check has printed too much."""


class Learner:
    """The learner's module, with the signature and return names of each function to write.

    Parameters
    ----------
    module : module
    signatures : dict of str to (tuple of str, str)
        ``name -> (parameter names, return names)``, e.g.
        ``"gradient": (("m", "b", "X_train", "y_train", "y_pred"), "dm, db")``.
    """

    def __init__(self, module, signatures):
        self.module = module
        self.signatures = signatures

    def call(self, name, *args):
        """Call ``name(*args)`` on copies of ``args``; raise :class:`Failed` on any fault."""
        params, _ = self.signatures[name]
        func = getattr(self.module, name, None)
        if not callable(func):
            raise Failed("missing", f"{name} is missing: define def {name}({', '.join(params)}) "
                         "in your file")
        given = [copy.deepcopy(a) for a in args]
        try:
            out = func(*given)
        except NotImplementedError:
            raise Failed("not_written", f"{name} is not written yet: replace "
                         "'raise NotImplementedError' with your code") from None
        except SystemExit as exc:
            raise Failed("exit", f"{name} called sys.exit({exc.code!r}): return a value "
                         "instead") from None
        except MemoryError:
            raise Failed("memory", f"{name} ran out of memory: build smaller arrays "
                         "(no N x N matrices)") from None
        except OutputLimit:
            raise Failed("output", f"{name} printed too much: remove the print "
                         "(or print only a few lines)") from None
        except RecursionError:
            raise Failed("exception", f"{name} calls itself without end (RecursionError)") from None
        except Exception as exc:  # the learner's own bug, reported in one line
            raise Failed("exception", f"{name} raised {type(exc).__name__}: {exc}"
                         f"{_where(exc, self.module)}") from None
        for pname, before, after in zip(params, args, given, strict=False):
            if isinstance(before, np.ndarray) and not (
                    isinstance(after, np.ndarray) and after.shape == before.shape
                    and np.array_equal(before, after, equal_nan=True)):
                raise Failed("in_place", f"{name} changed its argument {pname} in place: "
                             f"build a new array ({pname} = {pname} - ...) instead of "
                             f"{pname} -= ... or {pname}[...] = ...")
        return out

    def returns(self, name):
        """The names of what ``name`` returns, e.g. ``"dm, db"``."""
        return self.signatures[name][1]

    def __repr__(self):
        return f"Learner({getattr(self.module, '__file__', '?')!r}, {list(self.signatures)})"


def _where(exc, module):
    """' (line N of your file)' for the deepest frame of the traceback in the learner's file."""
    path = getattr(module, "__file__", None)
    lines = [f.lineno for f in traceback.extract_tb(exc.__traceback__) if f.filename == path]
    return f" (line {lines[-1]} of your file)" if lines else ""


def _as_array(value, name):
    if value is None:
        return None
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise Failed("wrong", f"{name} returned {type(value).__name__} where numbers were "
                     "expected") from None


def _close(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape and not (a.size == b.size == 1):
        return False
    scale = 1.0 + float(np.max(np.abs(b))) if b.size else 1.0
    return bool(np.allclose(a.ravel(), b.ravel(), rtol=1e-6, atol=1e-9 * scale))


def _parts(value):
    return list(value) if isinstance(value, (tuple, list)) else [value]


def compare(learner, name, got, expected, variants=()):
    r"""Pass when ``got`` equals ``expected``; else raise :class:`Failed` naming the mistake.

    Parameters
    ----------
    learner : Learner
    name : str
        The learner's function.
    got : object
        What it returned.
    expected : float or ndarray or tuple of them
        The library's answer. A float asks for one number (any array of size 1 is fine).
    variants : iterable of (str, str, object)
        ``(mistake tag, hint, the expected answer transformed by that mistake)``, tried in order.
    """
    returns = learner.returns(name)
    if got is None:
        raise Failed("none", f"{name} returns None: end it with 'return {returns}'")
    exp_parts = _parts(expected)
    if isinstance(expected, tuple) and (not isinstance(got, (tuple, list))
                                        or len(got) != len(expected)):
        raise Failed("shape", f"{name} should return {len(expected)} values ({returns}); "
                     f"it returned {_describe(got)}")
    got_parts = [_as_array(g, name) for g in _parts(got)]
    labels = [s.strip() for s in returns.split(",")]
    if any(g is None for g in got_parts):
        missing = labels[[g is None for g in got_parts].index(True)]
        raise Failed("none", f"{name} returns None for {missing}: return {returns}")
    if all(_close(g, e) for g, e in zip(got_parts, exp_parts, strict=False)):
        return
    for mistake, hint, value in variants:  # before the shapes: a swap may change them
        if value is not None and all(_close(g, e) for g, e in zip(got_parts, _parts(value), strict=False)):
            raise Failed(mistake, f"{name}: {hint}")
    for label, g, e in zip(labels, got_parts, exp_parts, strict=False):
        e = np.asarray(e)
        if e.ndim == 0 and g.size != 1:
            raise Failed("shape", f"{name} should give one number for {label}, not an array of "
                         f"shape {g.shape} (did you forget np.mean or np.sum?)")
        if e.ndim > 0 and g.shape != e.shape:
            turned = " (transposed?)" if g.shape == e.shape[::-1] else ""
            raise Failed("shape", f"{name} gives {label} the shape {g.shape}; expected "
                         f"{e.shape}{turned}")
    raise Failed("wrong", f"{name} gives {_brief(got_parts)} where {_brief(exp_parts)} was "
                 "expected on a random case: compare your code with the formula in the docstring")


def _describe(value):
    if isinstance(value, (tuple, list)):
        return f"{len(value)} values"
    shape = getattr(value, "shape", None)
    return f"one value of shape {shape}" if shape is not None else f"one {type(value).__name__}"


def _brief(parts):
    def one(a):
        a = np.asarray(a, dtype=float)
        if a.size == 1:
            return f"{float(a.ravel()[0]):.6g}"
        head = ", ".join(f"{v:.4g}" for v in a.ravel()[:3])
        return f"[{head}{', ...' if a.size > 3 else ''}]"
    return ", ".join(one(p) for p in parts)


def scaled(value, factor):
    """``value`` (a number, array or tuple of them) times ``factor``."""
    if isinstance(value, tuple):
        return tuple(np.asarray(v) * factor for v in value)
    return np.asarray(value) * factor


def finite_difference(f, x, eps=1e-6):
    r"""Central differences :math:`(f(x + \epsilon e_i) - f(x - \epsilon e_i)) / 2\epsilon` of a scalar ``f``.

    Parameters
    ----------
    f : callable taking an ndarray like ``x`` and returning a float
    x : ndarray (not modified)
    """
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[i] += eps
        down[i] -= eps
        grad[i] = (f(up) - f(down)) / (2 * eps)
    return grad


def confirm(exact, approx, what):
    """Make sure the library's gradient agrees with finite differences before grading with it."""
    exact, approx = np.asarray(exact, dtype=float), np.asarray(approx, dtype=float)
    if not np.allclose(exact, approx, rtol=1e-4, atol=1e-6 * (1 + np.max(np.abs(exact)))):
        raise RuntimeError(f"the library's {what} disagrees with finite differences")
