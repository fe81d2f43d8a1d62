r"""Checks of the logistic regression lesson: :math:`p = \sigma(XW + b)` and the gradient of
the mean binary cross-entropy.

The oracles are the library's :class:`descentlab.LogisticModel` and
:class:`descentlab.BinaryCrossEntropy` (its gradient confirmed by finite differences of its
loss) and the library's sigmoid.
"""

from collections.abc import Iterable
from typing import cast

import numpy as np

from descentlab.core.activations import sigmoid as library_sigmoid
from descentlab.core.losses import BinaryCrossEntropy, MeanSquaredError
from descentlab.core.models import LogisticModel, linear_forward

from ..judge import Array, Failed, Learner, NotAssessed, compare, confirm, finite_difference, scaled
from . import Check

SIGNATURES = {
    "sigmoid": (("z",), "p"),
    "gradient": (("X", "y", "W", "b"), "dW, db"),
}
CASES = 3
_BCE = BinaryCrossEntropy()


def check_sigmoid(learner: Learner, rng: np.random.Generator) -> str:
    for _ in range(CASES):
        z = rng.normal(0, 4, size=int(rng.integers(5, 20)))
        got = learner.call("sigmoid", z)
        compare(learner, "sigmoid", got, library_sigmoid(z), variants=[
            ("sign", "a sign error in the exponent", library_sigmoid(-z)),
            ("wrong", "that is 1 - sigmoid(z)", 1 - library_sigmoid(z)),
        ], formula="p = 1 / (1 + exp(-z))")
    return "1 / (1 + exp(-z)) on random z"


def draw_case(rng: np.random.Generator) -> tuple[Array, Array, Array, float]:
    n, d = int(rng.integers(8, 30)), int(rng.integers(2, 5))
    X = rng.normal(0.3, 1.0, size=(n, d))
    y = (rng.uniform(size=n) < 0.5).astype(float)
    y[:2] = [0.0, 1.0]
    W = rng.normal(0, 1.0, size=d)
    b = float(rng.choice([-1, 1]) * rng.uniform(0.5, 1.5))
    return X, y, W, b


def library_gradient(X: Array, y: Array, W: Array, b: float) -> tuple[Array, float]:
    """``dW, db`` of the mean binary cross-entropy, from the library's model and loss."""
    model = LogisticModel(X.shape[1])
    model.params = {"W": W.copy(), "b": np.asarray(b)}
    grads = model.backward(_BCE.grad(y, model.forward(X)))
    return grads["W"], float(grads["b"])


def _check_gradient(learner: Learner, rng: np.random.Generator, part: int) -> None:
    for _ in range(CASES):
        X, y, W, b = draw_case(rng)
        dW, db = library_gradient(X, y, W, b)
        theta = np.append(W, b)
        def bce(t: Array, X: Array = X, y: Array = y) -> float:
            return float(_BCE.loss(y, linear_forward(X, t[:-1], t[-1])))

        confirm(np.append(dW, db), finite_difference(bce, theta), "BCE gradient")
        n = y.size
        no_bias = library_gradient(X, y, W, 0.0)
        z_minus_y = MeanSquaredError().grad(y, linear_forward(X, W, b))  # (z - y) / N
        got = learner.call("gradient", X, y, W, b, swap=learner.broken("sigmoid"))
        compare(learner, "gradient", got, (dW, db), variants=[
            ("sign", "a sign error: the error is p - y", (-dW, -db)),
            ("sum", "a sum instead of a mean: divide by N", scaled((dW, db), n)),
            ("bias", "the bias is forgotten in z", no_bias),
            ("sigmoid", "the sigmoid is forgotten: p is sigmoid(z), not z",
             (X.T @ z_minus_y, float(np.sum(z_minus_y)))),
            ("swapped", "dW and db are swapped: return them in the order dW, db", (db, dW)),
        ], parts=[[("sign", "a sign error in dW", -dW), ("sum", "a sum instead of a mean in dW", n * dW)],
                  [("sign", "a sign error in db", -db), ("sum", "a sum instead of a mean in db", n * db),
                   ("bias", "db is missing (0)", 0.0)]],
            only=part, formula={"dW": "dW = X.T @ (p - y) / N", "db": "db = mean(p - y)"})


def check_gradient_dW(learner: Learner, rng: np.random.Generator) -> str:
    _check_gradient(learner, rng, 0)
    return "dW matches the library's cross-entropy and finite differences"


def check_gradient_db(learner: Learner, rng: np.random.Generator) -> str:
    _check_gradient(learner, rng, 1)
    return "db matches the library's cross-entropy and finite differences"


def check_extremes(learner: Learner, rng: np.random.Generator) -> str:
    big = np.concatenate([rng.uniform(30, 100, size=2), rng.uniform(720, 900, size=2)])
    z = np.concatenate([big, -big, [0.0]])
    got = learner.call("sigmoid", z)
    p = np.asarray(got, dtype=float) if isinstance(got, np.ndarray) else None
    if p is not None and p.shape == z.shape and not np.all(np.isfinite(p)):
        raise Failed("wrong", "sigmoid gives nan or inf for large |z| (800): exp(z) / (1 + "
                     "exp(z)) overflows; use the form with exp(-z)", "p = 1 / (1 + exp(-z))")
    compare(learner, "sigmoid", got, library_sigmoid(z), variants=[
        ("sign", "a sign error in the exponent", library_sigmoid(-z))],
        formula="p = 1 / (1 + exp(-z))")
    return "finite, in [0, 1], right at |z| up to 900"


def check_training(learner: Learner, rng: np.random.Generator) -> str:
    if learner.broken("gradient"):
        raise NotAssessed("not assessed: gradient fails its own check (fix it first)")
    X, y, _, _ = draw_case(rng)
    W, b, W_ref, b_ref = np.zeros(X.shape[1]), 0.0, np.zeros(X.shape[1]), 0.0
    with np.errstate(all="ignore"):
        for _ in range(60):
            got = learner.call("gradient", X, y, W, b, swap=learner.broken("sigmoid"))
            try:
                dW, db = (np.asarray(v, dtype=float) for v in cast("Iterable[object]", got))
                W, b = W - 0.5 * dW.reshape(W.shape), b - 0.5 * float(np.ravel(db)[0])
            except (TypeError, ValueError, IndexError):
                raise Failed("wrong", "training: gradient's result could not be used") from None
            ref_dW, ref_db = library_gradient(X, y, W_ref, b_ref)
            W_ref, b_ref = W_ref - 0.5 * ref_dW, b_ref - 0.5 * ref_db
    if not np.allclose(np.append(W, b), np.append(W_ref, b_ref), rtol=1e-4, atol=1e-6):
        raise Failed("train", "60 steps of gradient descent with your gradient end away from "
                     "the library's: it is right on some inputs only (W or b of other shapes?)")
    return "60 steps of gradient descent follow the library's"


HELPERS = {"sigmoid": library_sigmoid}
CHECKS = [Check("sigmoid", check_sigmoid, 1, "sigmoid"),
          Check("sigmoid_extremes", check_extremes, 1, "sigmoid"),
          Check("gradient_dW", check_gradient_dW, 1, "gradient"),
          Check("gradient_db", check_gradient_db, 1, "gradient"),
          Check("training", check_training, 1)]
