r"""Checks of the article's lesson: :math:`\hat y = m x + b`, half-MSE, gradient descent, MAPE.

Every oracle is the library's own function in :mod:`descentlab.tutorial` (the article's
functions, one to one), its gradient confirmed by finite differences of its loss; the MAPE
is :func:`descentlab.core.metrics.mape_percent`; the training checks
(:mod:`.linear_training`) use least squares and the stability bound. ``dm`` and ``db`` are
graded and diagnosed separately.
"""

from collections.abc import Iterable
from typing import cast

import numpy as np

import descentlab.tutorial as lib
from descentlab.core.metrics import mape_percent

from ..judge import Array, Failed, Learner, Variant, compare, confirm, finite_difference
from . import Check
from .linear_training import check_divergence, check_training

SIGNATURES = {
    "init_params": ((), "m, b"),
    "forward_prop": (("X", "m", "b"), "y_pred"),
    "compute_loss": (("y", "y_pred"), "loss"),
    "gradient": (("m", "b", "X_train", "y_train", "y_pred"), "dm, db"),
    "update_params": (("m", "b", "dm", "db", "l_r"), "m, b"),
    "grad_desc": (("X_train", "y_train", "y_pred", "m", "b", "l_r"), "m, b"),
    "accuracy": (("y", "y_pred"), "accuracy"),
    "predict": (("X_test", "y_test", "m", "b"), "y_pred, loss, accuracy"),
}
CASES = 3
FORMULAS: dict[str, str | dict[str, str]] = {
    "forward_prop": "y_pred = m * X + b",
    "compute_loss": "loss = 1/2 * mean((y_pred - y)**2)",
    "gradient": {"dm": "dm = mean((y_pred - y) * X)", "db": "db = mean(y_pred - y)"},
    "update_params": "m = m - l_r * dm; b = b - l_r * db",
    "grad_desc": "dm, db = gradient(...); m, b = update_params(m, b, dm, db, l_r)",
    "accuracy": "accuracy = mean(abs((y_pred - y) / y)) * 100",
    "predict": "y_pred = forward_prop(X_test, m, b); loss = compute_loss(y_test, y_pred); "
               "accuracy(y_test, y_pred)",
}


def mape(y: Array, y_pred: Array) -> float:
    """The article's "accuracy": the mean absolute percentage error, in percent."""
    percent = mape_percent(y, y_pred)[0]
    return float("nan") if percent is None else percent  # every target 0: undefined, as the article's division makes it


HELPERS = {"gradient": lib.gradient, "update_params": lib.update_params,
           "forward_prop": lib.forward_prop, "compute_loss": lib.compute_loss, "accuracy": mape,
           "grad_desc": lib.grad_desc}


def _signed(rng: np.random.Generator, low: float, high: float) -> float:
    return float(rng.choice([-1, 1]) * rng.uniform(low, high))


def draw_case(rng: np.random.Generator) -> tuple[Array, Array, float, float]:
    """A random data set ``X``, ``y`` of shape (N, 1) and a line ``m``, ``b`` far from its fit."""
    n = int(rng.integers(6, 40))
    X = rng.normal(rng.uniform(-1.0, 2.0), rng.uniform(0.5, 2.0), size=(n, 1))
    y = _signed(rng, 1, 5) * X + _signed(rng, 1, 5) + rng.normal(0, 0.5, size=(n, 1))
    m, b = _signed(rng, 1.5, 6), _signed(rng, 1.5, 6)
    return X, y, m, b


def check_init_params(learner: Learner, rng: np.random.Generator) -> str:
    draws = [learner.call("init_params") for _ in range(200)]
    first = draws[0]
    pair = isinstance(first, (tuple, list, np.ndarray)) and len(first) == 2 and all(
        np.size(v) == 1 for v in first)
    if not pair:
        compare(learner, "init_params", first, (0.0, 0.0))  # names None or a wrong shape
        raise Failed("shape", "init_params should return two numbers", "return m, b")
    # every draw taken as a pair like the first; one that is not raises, "could not be used"
    values = np.array([[float(np.ravel(np.asarray(v, dtype=float))[0]) for v in cast("Iterable[object]", d)]
                       for d in draws])
    if not np.all(np.isfinite(values)):
        raise Failed("wrong", "init_params returned a value that is not finite")
    if np.all(values == values[0]):
        raise Failed("random", "init_params returns the same m and b on every call: draw them "
                     "at random, and set no seed inside", "m = np.random.normal(0, 10)")
    std = values.std(axis=0)
    if not np.all((std > 5) & (std < 20)) or np.any(np.abs(values.mean(axis=0)) > 4):
        raise Failed("random", f"init_params draws with mean {values.mean():.3g} and spread "
                     f"{std.mean():.3g}: draw from N(0, 10^2)", "m = np.random.normal(0, 10)")
    return "returns random m and b from N(0, 10^2)"


def check_forward_prop(learner: Learner, rng: np.random.Generator) -> str:
    for _ in range(CASES):
        X, _, m, b = draw_case(rng)
        got = learner.call("forward_prop", X, m, b)
        compare(learner, "forward_prop", got, lib.forward_prop(X, m, b), variants=[
            ("bias", "the bias is forgotten", m * X),
            ("swapped", "m and b are swapped", b * X + m),
            ("sign", "a sign error in front of b", m * X - b),
            ("sign", "a sign error: the whole line is negated", -(m * X + b)),
        ], formula=FORMULAS["forward_prop"])
    return "y_pred = m X + b on random data"


def check_compute_loss(learner: Learner, rng: np.random.Generator) -> str:
    for _ in range(CASES):
        X, y, m, b = draw_case(rng)
        y_pred = lib.forward_prop(X, m, b)
        loss, n = lib.compute_loss(y, y_pred), y.size
        got = learner.call("compute_loss", y, y_pred)
        compare(learner, "compute_loss", got, loss, variants=[
            ("half", "the 1/2 of the loss is missing", 2 * loss),
            ("sum", "a sum instead of a mean", n * loss),
            ("sum", "a sum instead of a mean, and the 1/2 missing", 2 * n * loss),
            ("wrong", "the errors are not squared", 0.5 * np.mean(np.abs(y_pred - y))),
        ], formula=FORMULAS["compute_loss"])
    return "half the mean squared error on random data"


def _gradient_case(rng: np.random.Generator) -> tuple[Array, Array, float, float, Array, float, float]:
    X, y, m, b = draw_case(rng)
    y_pred = lib.forward_prop(X, m, b)
    dm, db = lib.gradient(m, b, X, y, y_pred)
    confirm((dm, db), finite_difference(
        lambda p: lib.compute_loss(y, lib.forward_prop(X, p[0], p[1])), [m, b]), "gradient")
    return X, y, m, b, y_pred, dm, db


def _gradient_mistakes(X: Array, y: Array, y_pred: Array, dm: float, db: float) -> list[list[Variant]]:
    """The mistakes of ``dm`` alone and of ``db`` alone, as compare's ``parts``."""
    n, err = y.size, y_pred - y
    flat_pred, flat_y, x = y_pred.ravel(), y.ravel(), X.ravel()
    broadcast = [float(np.mean((flat_pred[None, :] - flat_y[:, None]) * x[:, None])),
                 float(np.mean((flat_pred[None, :] - flat_y[:, None]) * x[None, :]))]

    def common(value: float, name: str) -> list[Variant]:
        return [("sign", f"a sign error in {name}: the error is y_pred - y", -value),
                ("half", f"a factor 2 too many in {name}: the 1/2 of the loss cancels the 2 "
                 "of the derivative", 2 * value),
                ("half_kept", f"the 1/2 kept in {name}: the derivative of 1/2 e^2 is e, the "
                 "2 cancels the 1/2", 0.5 * value),
                ("sum", f"a sum instead of a mean in {name}", n * value),
                ("int_div", f"integer division in {name}: // rounds down; divide with /",
                 float(np.floor(value)))]
    dm_parts = common(dm, "dm") + [
        ("x_missing", "dm needs the factor X (each error times its x)", float(np.mean(err))),
        *[("broadcast", "dm mixes shapes (N,) and (N, 1), which broadcast to an N x N matrix: "
           "keep both of shape (N, 1) (no .ravel() or .flatten() on one side)", v)
          for v in broadcast]]
    db_parts = common(db, "db") + [
        ("x_in_db", "db is computed with X: the bias's input is 1, not x", float(np.mean(err * X))),
        ("bias", "db is missing (0)", 0.0)]
    return [dm_parts, db_parts]


def _check_gradient_part(learner: Learner, rng: np.random.Generator, part: int) -> None:
    for _ in range(CASES):
        X, y, m, b, y_pred, dm, db = _gradient_case(rng)
        got = learner.call("gradient", m, b, X, y, y_pred)
        compare(learner, "gradient", got, (dm, db), variants=[
            ("swapped", "dm and db are swapped: return them in the order dm, db", (db, dm)),
            ("int_div", "both are 0: integer division (1 // N is 0)? divide with /", (0.0, 0.0)),
        ], parts=_gradient_mistakes(X, y, y_pred, dm, db), only=part,
            formula=FORMULAS["gradient"])


def check_gradient_dm(learner: Learner, rng: np.random.Generator) -> str:
    _check_gradient_part(learner, rng, 0)
    return "dm matches the library and finite differences"


def check_gradient_db(learner: Learner, rng: np.random.Generator) -> str:
    _check_gradient_part(learner, rng, 1)
    return "db matches the library and finite differences"


def _update_case(rng: np.random.Generator, big: bool = False) -> tuple[float, float, float, float, float]:
    m, b, dm, db = (_signed(rng, 0.5, 5) for _ in range(4))
    if big:
        dm, db = dm * 200, db * 200
    return m, b, dm, db, float(rng.uniform(0.01, 0.3))


def check_update_params(learner: Learner, rng: np.random.Generator) -> str:
    for case in range(CASES + 1):
        m, b, dm, db, l_r = _update_case(rng, big=case == CASES)
        got = learner.call("update_params", m, b, dm, db, l_r)
        expected = lib.update_params(m, b, dm, db, l_r)
        try:
            compare(learner, "update_params", got, expected, variants=[
                ("swapped", "dm and db are swapped: m moves with dm, b with db",
                 (m - l_r * db, b - l_r * dm)),
                ("swapped", "m and b are swapped: return them in the order m, b",
                 (b - l_r * db, m - l_r * dm)),
                ("wrong", "it returns the step, not the new values", (l_r * dm, l_r * db)),
            ], parts=[[("sign", "a sign error in the step of m: step downhill", m + l_r * dm),
                       ("lr", "the learning rate is missing in m's step", m - dm),
                       ("lr_twice", "the learning rate is applied twice to m", m - l_r**2 * dm)],
                      [("sign", "a sign error in the step of b: step downhill", b + l_r * db),
                       ("lr", "the learning rate is missing in b's step", b - db),
                       ("lr_twice", "the learning rate is applied twice to b", b - l_r**2 * db)]],
                formula=FORMULAS["update_params"])
        except Failed as exc:
            if exc.mistake == "wrong" and _clipped(got, (m, b), (dm, db), l_r):
                raise Failed("clip", "update_params: the step is smaller than l_r times the "
                             "gradient on a steep case (clipped or capped?): take the full "
                             "step", str(FORMULAS["update_params"])) from None
            raise
    return "m - l_r dm, b - l_r db"


def _clipped(got: object, params: tuple[float, float], grads: tuple[float, float], l_r: float) -> bool:
    try:
        steps = np.asarray(got, dtype=float).ravel() - np.asarray(params)
    except (TypeError, ValueError):
        return False
    full = -l_r * np.asarray(grads)
    return steps.shape == full.shape and bool(
        np.all(np.sign(steps) == np.sign(full)) and np.any(np.abs(steps) < 0.99 * np.abs(full)))


def check_grad_desc(learner: Learner, rng: np.random.Generator) -> str:
    swap = learner.broken("gradient", "update_params")
    for _ in range(CASES):
        X, y, m, b = draw_case(rng)
        y_pred = lib.forward_prop(X, m, b)
        l_r = float(rng.uniform(0.01, 0.2))
        dm, db = lib.gradient(m, b, X, y, y_pred)
        m1 = m - l_r * dm
        b_late = b - l_r * float(np.mean(m1 * X + b - y))  # db from a y_pred with the new m
        got = learner.call("grad_desc", X, y, y_pred, m, b, l_r, swap=swap)
        compare(learner, "grad_desc", got, lib.grad_desc(X, y, y_pred, m, b, l_r), variants=[
            ("sign", "a sign error: the step goes uphill", (m + l_r * dm, b + l_r * db)),
            ("wrong", "it returns the gradients, not the new m and b", (dm, db)),
            ("lr_twice", "the learning rate is applied twice (once to the gradient, once "
             "in update_params)", (m - l_r**2 * dm, b - l_r**2 * db)),
            ("order", "m is updated before db is computed: compute dm and db from the same "
             "y_pred, then update both", (m1, b_late)),
        ], formula=FORMULAS["grad_desc"])
    with_ref = f" (checked with the reference's {' and '.join(swap)} in place of yours)" if swap else ""
    return f"gradient then update_params{with_ref}"


def _accuracy_case(rng: np.random.Generator) -> tuple[Array, Array]:
    n = int(rng.integers(6, 40))
    y = rng.choice([-1, 1], size=(n, 1)) * rng.uniform(1.0, 6.0, size=(n, 1))
    y_pred = y + rng.normal(0, 1.0, size=(n, 1))
    return y, y_pred


def check_accuracy(learner: Learner, rng: np.random.Generator) -> str:
    for _ in range(CASES):
        y, y_pred = _accuracy_case(rng)
        value = mape(y, y_pred)
        got = learner.call("accuracy", y, y_pred)
        compare(learner, "accuracy", got, value, variants=[
            ("mape", "a fraction, not a percentage: times 100", value / 100),
            ("mape", "the absolute value is missing: errors of both signs cancel",
             100 * float(np.mean((y_pred - y) / y))),
            ("mape", "divided by y_pred: the article divides by the target y",
             100 * float(np.mean(np.abs((y_pred - y) / y_pred)))),
            ("sum", "a sum instead of a mean", value * y.size),
            ("mape", "100 minus the error: the article's accuracy is the error itself "
             "(lower is better)", 100 - value),
        ], formula=FORMULAS["accuracy"])
    return "the mean absolute percentage error (the article's 'accuracy')"


def check_predict(learner: Learner, rng: np.random.Generator) -> str:
    swap = learner.broken("forward_prop", "compute_loss", "accuracy")
    for _ in range(CASES):
        X, y, m, b = draw_case(rng)
        y = np.where(np.abs(y) < 0.5, 0.5, y)  # no target near 0: the MAPE stays finite
        y_pred = lib.forward_prop(X, m, b)
        expected = (y_pred, lib.compute_loss(y, y_pred), mape(y, y_pred))
        got = learner.call("predict", X, y, m, b, swap=swap)
        compare(learner, "predict", got, expected, variants=[
            ("wrong", "the loss and the accuracy are swapped",
             (y_pred, expected[2], expected[1])),
        ], formula=FORMULAS["predict"])
    with_ref = f" (checked with the reference's {' and '.join(swap)})" if swap else ""
    return f"predicts the test set, its loss and accuracy{with_ref}"


FUNCTIONS = tuple(SIGNATURES)
CHECKS = [
    Check("init_params", check_init_params, 1, "init_params"),
    Check("forward_prop", check_forward_prop, 1, "forward_prop"),
    Check("compute_loss", check_compute_loss, 1, "compute_loss"),
    Check("gradient_dm", check_gradient_dm, 1, "gradient"),
    Check("gradient_db", check_gradient_db, 1, "gradient"),
    Check("update_params", check_update_params, 1, "update_params"),
    Check("grad_desc", check_grad_desc, 1, "grad_desc"),
    Check("accuracy", check_accuracy, 1, "accuracy"),
    Check("predict", check_predict, 1, "predict"),
    Check("training", check_training, 2),
    Check("divergence", check_divergence, 1),
]
