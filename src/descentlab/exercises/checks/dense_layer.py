r"""Checks of the Dense layer lesson: :math:`Z = XW + b` and its backward pass.

The oracle is the library's :class:`descentlab.Dense` (identity activation), its
gradients confirmed by finite differences of :math:`L = \sum_{ij} Z_{ij} G_{ij}`, whose
gradient with respect to :math:`Z` is the given :math:`G = \partial L/\partial Z`.
"""

import numpy as np

from descentlab.core.layers import Dense

from ..judge import Array, Learner, compare, confirm, finite_difference
from . import Check

SIGNATURES = {
    "dense_forward": (("X", "W", "b"), "Z"),
    "dense_backward": (("X", "W", "dLdZ"), "dLdX, dW, db"),
}
CASES = 3


def draw_case(rng: np.random.Generator) -> tuple[Array, ...]:
    """``X`` (N, n_in), ``W`` (n_in, n_out), ``b`` (n_out,), ``dLdZ`` (N, n_out); N, n_in, n_out differ."""
    n_in, n_out = (int(k) for k in rng.choice(np.arange(2, 7), size=2, replace=False))
    n = int(rng.integers(8, 20))
    X = rng.normal(0.5, 1.0, size=(n, n_in))
    W = rng.normal(0, 1.0, size=(n_in, n_out))
    b = rng.uniform(0.5, 2.0, size=n_out) * rng.choice([-1, 1], size=n_out)
    dLdZ = rng.normal(0.3, 1.0, size=(n, n_out)) / n
    return X, W, b, dLdZ


def library_layer(W: Array, b: Array) -> Dense:
    """A :class:`descentlab.Dense` holding copies of ``W`` and ``b``."""
    layer = Dense(W.shape[0], W.shape[1])
    layer.params["W"], layer.params["b"] = W.copy(), b.copy()
    return layer


def check_forward(learner: Learner, rng: np.random.Generator) -> str:
    for _ in range(CASES):
        X, W, b, _ = draw_case(rng)
        got = learner.call("dense_forward", X, W, b)
        compare(learner, "dense_forward", got, library_layer(W, b).forward(X), variants=[
            ("bias", "the bias is forgotten", X @ W),
            ("sign", "a sign error in front of b", X @ W - b),
        ], formula=FORMULAS["dense_forward"])
    return "Z = X W + b for random sizes"


def _library_backward(X: Array, W: Array, b: Array, dLdZ: Array) -> tuple[Array, Array, Array]:
    layer = library_layer(W, b)
    layer.forward(X)
    dLdX = layer.backward(dLdZ)
    dW, db = layer.grads["W"], layer.grads["b"]

    def loss(W_: Array, b_: Array = b, X_: Array = X) -> float:
        return float(np.sum(library_layer(W_, b_).forward(X_) * dLdZ))

    confirm(dW, finite_difference(loss, W), "dW")
    confirm(db, finite_difference(lambda b_: loss(W, b_), b), "db")
    confirm(dLdX, finite_difference(lambda X_: loss(W, b, X_), X), "dLdX")
    return dLdX, dW, db


FORMULAS: dict[str, str | dict[str, str]] = {"dense_forward": "Z = X @ W + b",
            "dense_backward": {"dLdX": "dLdX = dLdZ @ W.T", "dW": "dW = X.T @ dLdZ",
                               "db": "db = dLdZ.sum(axis=0)"}}


def _check_backward(learner: Learner, rng: np.random.Generator, part: int) -> None:
    for _ in range(CASES):
        X, W, b, dLdZ = draw_case(rng)
        dLdX, dW, db = _library_backward(X, W, b, dLdZ)
        n = X.shape[0]
        got = learner.call("dense_backward", X, W, dLdZ)
        compare(learner, "dense_backward", got, (dLdX, dW, db), variants=[
            ("sign", "a sign error in all three gradients", (-dLdX, -dW, -db)),
            ("swapped", "the values are in the wrong order: return dLdX, dW, db",
             (dW, dLdX, db)),
        ], parts=[
            [("sign", "a sign error in dLdX", -dLdX),
             ("mean", "dLdX divided by N: dLdZ already holds the 1/N", dLdX / n)],
            [("sign", "a sign error in dW", -dW),
             ("mean", "dW is a sum over the samples, not a mean: dLdZ already holds the 1/N",
              dW / n)],
            [("sign", "a sign error in db", -db),
             ("mean", "db is a sum over the samples, not a mean: dLdZ already holds the 1/N",
              db / n),
             ("bias", "db is missing (0)", np.zeros_like(db))],
        ], only=part, formula=FORMULAS["dense_backward"])


def check_dLdX(learner: Learner, rng: np.random.Generator) -> str:
    _check_backward(learner, rng, 0)
    return "dLdX matches the library's Dense and finite differences"


def check_dW(learner: Learner, rng: np.random.Generator) -> str:
    _check_backward(learner, rng, 1)
    return "dW matches the library's Dense and finite differences"


def check_db(learner: Learner, rng: np.random.Generator) -> str:
    _check_backward(learner, rng, 2)
    return "db matches the library's Dense and finite differences"


def _reference_backward(X: Array, W: Array, dLdZ: Array) -> tuple[Array, Array, Array]:
    return _library_backward(X, W, np.zeros(W.shape[1]), dLdZ)


HELPERS = {"dense_forward": lambda X, W, b: library_layer(W, b).forward(X),
           "dense_backward": _reference_backward}
CHECKS = [Check("dense_forward", check_forward, 1, "dense_forward"),
          Check("backward_dLdX", check_dLdX, 1, "dense_backward"),
          Check("backward_dW", check_dW, 1, "dense_backward"),
          Check("backward_db", check_db, 1, "dense_backward")]
