r"""Checks of the momentum lesson: :math:`v \leftarrow \beta v + g,\; p \leftarrow p - \alpha v`.

The oracle is the library's :class:`descentlab.Momentum` (one ``step`` from a given
velocity); the training checks run the learner's update on the article's half-MSE, with
the library's gradient, at rates placed by :func:`descentlab.stability_bound` and
:meth:`descentlab.Momentum.stable_lr`.
"""

from collections.abc import Iterable
from typing import cast

import numpy as np

from descentlab.core.losses import MeanSquaredError
from descentlab.core.models import linear_backward, linear_forward
from descentlab.core.optimizers import Momentum
from descentlab.core.quadratic import least_squares
from descentlab.core.stepsize import lam_max, stability_bound

from ..judge import Array, Failed, Learner, NotAssessed, compare
from . import Check

SIGNATURES = {"momentum_update": (("p", "v", "g", "lr", "beta"), "p, v")}
CASES = 3
BETA = 0.9


def library_update(p: Array, v: Array, g: Array, lr: float, beta: float) -> tuple[Array, Array]:
    """One step of the library's :class:`descentlab.Momentum` from velocity ``v``: new ``p``, ``v``."""
    opt = Momentum(lr, momentum=beta)
    opt.state = {"p": {"v": v.copy()}}
    params = {"p": p.copy()}
    opt.step(params, {"p": g.copy()})
    return params["p"], opt.state["p"]["v"]


def check_update(learner: Learner, rng: np.random.Generator) -> str:
    for _ in range(CASES):
        size = int(rng.integers(3, 8))
        p, v, g = (rng.normal(0, 1, size=size) for _ in range(3))
        lr, beta = float(rng.uniform(0.05, 0.5)), float(rng.uniform(0.5, 0.95))
        p_new, v_new = library_update(p, v, g, lr, beta)
        got = learner.call("momentum_update", p, v, g, lr, beta)
        compare(learner, "momentum_update", got, (p_new, v_new), variants=[
            ("sign", "a sign error: p = p - lr * v", (p + lr * v_new, v_new)),
            ("old_velocity", "p moves with the old velocity: first v = beta * v + g, then "
             "p = p - lr * v with the new v", (p - lr * v, v_new)),
            ("convention", "that is the other convention (v = beta v - lr g, p = p + v): this "
             "lesson uses v = beta * v + g, p = p - lr * v",
             (p + beta * v - lr * g, beta * v - lr * g)),
            ("convention", "no (1 - beta) here: v = beta * v + g",
             (p - lr * (beta * v + (1 - beta) * g), beta * v + (1 - beta) * g)),
            ("no_momentum", "the velocity is forgotten: v = beta * v + g", (p - lr * g, g)),
            ("lr", "the learning rate is missing: p = p - lr * v", (p - v_new, v_new)),
            ("swapped", "p and v are swapped: return p, v in that order", (v_new, p_new)),
        ], formula="v = beta * v + g; p = p - lr * v")
    return "v = beta v + g, p = p - lr v, as the library's Momentum"


def _problem(rng: np.random.Generator) -> tuple[Array, Array]:
    n = int(rng.integers(40, 100))
    X = rng.normal(rng.uniform(-0.5, 0.5), rng.uniform(0.7, 1.5), size=(n, 1))
    y = (rng.uniform(1, 5) * X[:, 0] + rng.uniform(-5, 5) + rng.normal(0, 0.3, size=n))
    return X, y


def _run(learner: Learner, X: Array, y: Array, lr: float, epochs: int) -> tuple[Array, Array]:
    """Train ``theta = [m, b]`` with the learner's update and the library's gradient."""
    mse, theta, v = MeanSquaredError(), np.zeros(2), np.zeros(2)
    losses: list[float] = []
    with np.errstate(all="ignore"):
        for _ in range(epochs):
            y_pred = linear_forward(X, theta[:1], theta[1])
            losses.append(mse.loss(y, y_pred))
            if not np.isfinite(losses[-1]) or losses[-1] > 1e12 * (losses[0] + 1):
                break
            dW, db = linear_backward(X, mse.grad(y, y_pred))
            try:
                got = learner.call("momentum_update", theta, v, np.append(dW, db), lr, BETA)
                theta, v = (np.asarray(a, dtype=float).reshape(2) for a in cast("Iterable[object]", got))
            except (TypeError, ValueError) as exc:
                raise Failed("wrong", "training: momentum_update's result is unusable "
                             f"({type(exc).__name__})") from None
    return np.array(losses), theta


def _assessed(learner: Learner) -> None:
    if learner.broken("momentum_update"):
        raise NotAssessed("not assessed: momentum_update fails its own check (fix it first)")


def check_training(learner: Learner, rng: np.random.Generator) -> str:
    _assessed(learner)
    X, y = _problem(rng)
    lr = 1.5 * stability_bound(X)  # plain gradient descent diverges here
    losses, theta = _run(learner, X, y, lr, epochs=400)
    W, b = least_squares(X, y)
    target = np.append(W, b)
    if not np.allclose(theta, target, rtol=1e-3, atol=1e-3 * (1 + np.abs(target).sum())):
        raise Failed("train", f"at lr = 1.5 x the plain stability bound and beta = {BETA}, "
                     f"momentum should reach least squares {np.round(target, 3)}, but your update "
                     f"ended at {np.round(theta, 3)}")
    return "converges at a rate where plain gradient descent diverges"


def check_divergence(learner: Learner, rng: np.random.Generator) -> str:
    _assessed(learner)
    X, y = _problem(rng)
    limit = Momentum(momentum=BETA).stable_lr(lam_max(X))
    losses, _ = _run(learner, X, y, 1.3 * limit, epochs=300)
    if np.isfinite(losses[-1]) and losses[-1] < 1e3 * max(losses[0], 1e-12):
        raise Failed("no_divergence", f"above momentum's bound 2 (1 + beta) / lambda_max = "
                     f"{limit:.3g} the loss should explode, but it did not")
    return f"diverges above 2 (1 + beta) / lambda_max = {limit:.3g}"


HELPERS = {"momentum_update": library_update}
CHECKS = [Check("momentum_update", check_update, 2, "momentum_update"),
          Check("training", check_training, 1), Check("divergence", check_divergence, 1)]
