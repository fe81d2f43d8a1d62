r"""Checks of the logistic regression lesson: :math:`p = \sigma(XW + b)` and the gradient of
the mean binary cross-entropy.

The oracles are the library's :class:`descentlab.LogisticModel` and
:class:`descentlab.BinaryCrossEntropy` (its gradient confirmed by finite differences of its
loss) and the library's sigmoid.
"""

import numpy as np

from descentlab.core.activations import sigmoid as library_sigmoid
from descentlab.core.losses import BinaryCrossEntropy, MeanSquaredError
from descentlab.core.models import LogisticModel, linear_forward

from ..judge import compare, confirm, finite_difference, scaled

SIGNATURES = {
    "sigmoid": (("z",), "p"),
    "gradient": (("X", "y", "W", "b"), "dW, db"),
}
CASES = 3
_BCE = BinaryCrossEntropy()


def check_sigmoid(learner, rng):
    for _ in range(CASES):
        z = rng.normal(0, 4, size=int(rng.integers(5, 20)))
        got = learner.call("sigmoid", z)
        compare(learner, "sigmoid", got, library_sigmoid(z), variants=[
            ("sign", "a sign error: sigma(z) = 1 / (1 + exp(-z))", library_sigmoid(-z)),
            ("wrong", "1 - sigma(z) is not sigma(z): sigma(z) = 1 / (1 + exp(-z))",
             1 - library_sigmoid(z)),
        ])
    return "1 / (1 + exp(-z)) on random z"


def draw_case(rng):
    n, d = int(rng.integers(8, 30)), int(rng.integers(2, 5))
    X = rng.normal(0.3, 1.0, size=(n, d))
    y = (rng.uniform(size=n) < 0.5).astype(float)
    y[:2] = [0.0, 1.0]
    W = rng.normal(0, 1.0, size=d)
    b = float(rng.choice([-1, 1]) * rng.uniform(0.5, 1.5))
    return X, y, W, b


def library_gradient(X, y, W, b):
    """``dW, db`` of the mean binary cross-entropy, from the library's model and loss."""
    model = LogisticModel(X.shape[1])
    model.params = {"W": W.copy(), "b": np.asarray(b)}
    grads = model.backward(_BCE.grad(y, model.forward(X)))
    return grads["W"], float(grads["b"])


def check_gradient(learner, rng):
    for _ in range(CASES):
        X, y, W, b = draw_case(rng)
        dW, db = library_gradient(X, y, W, b)
        theta = np.append(W, b)
        confirm(np.append(dW, db), finite_difference(
            lambda t, X=X, y=y: _BCE.loss(y, linear_forward(X, t[:-1], t[-1])), theta), "BCE gradient")
        n = y.size
        no_bias = library_gradient(X, y, W, 0.0)
        z_minus_y = MeanSquaredError().grad(y, linear_forward(X, W, b))  # (z - y) / N
        got = learner.call("gradient", X, y, W, b)
        compare(learner, "gradient", got, (dW, db), variants=[
            ("sign", "a sign error: the error is p - y, not y - p", (-dW, -db)),
            ("sum", "a sum instead of a mean: divide by N (np.mean, or X.T @ (p - y) / N)",
             scaled((dW, db), n)),
            ("bias", "the bias is forgotten: z = X @ W + b", no_bias),
            ("bias", "db is missing: db = mean(p - y)", (dW, 0.0)),
            ("sigmoid", "the sigmoid is forgotten: p = sigmoid(X @ W + b), then p - y",
             (X.T @ z_minus_y, float(np.sum(z_minus_y)))),
            ("swapped", "dW and db are swapped: return dW, db in that order", (db, dW)),
        ])
    return "dW, db match the library's cross-entropy and finite differences"


CHECKS = [("sigmoid", check_sigmoid), ("gradient", check_gradient)]
