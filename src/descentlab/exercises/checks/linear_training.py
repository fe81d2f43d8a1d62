r"""The article's training loop run with the learner's functions: it must reach least squares
below the stability bound and explode above it.

A function whose own check failed is replaced by the reference (here, or swapped into the
learner's ``grad_desc`` for ``gradient`` and ``update_params``), so a mistake already
counted is not counted again; when every function of the loop fails there is nothing of the
learner's left to train, and the check is not assessed.
"""

from typing import Any

import numpy as np

import descentlab.tutorial as lib
from descentlab.core.quadratic import least_squares
from descentlab.core.stepsize import stability_bound

from ..judge import Array, Failed, Learner, NotAssessed, tolerance

EPOCHS = 150  # at l_r = 1 / lambda_max the error shrinks at least 4-fold per 5 epochs
LOOP = ("init_params", "forward_prop", "compute_loss", "grad_desc")


def _number(value: object) -> float:
    return float(np.ravel(np.asarray(value, dtype=float))[0])


class _Loop:
    """The loop's functions: the learner's, or the reference's for those that failed."""

    def __init__(self, learner: Learner) -> None:
        broken = learner.broken(*LOOP)
        if len(broken) == len(LOOP):
            raise NotAssessed("not assessed: every function of the training loop fails its "
                              "own check")
        self.learner, self.broken = learner, broken
        self.swap = learner.broken("gradient", "update_params")
        self.rtol = 1e-6

    def __call__(self, name: str, *args: object) -> Any:
        if name in self.broken:
            return getattr(lib, name)(*args) if name != "init_params" else None
        out = self.learner.call(name, *args, swap=self.swap if name == "grad_desc" else ())
        arrays = [np.asarray(v) for v in (out if isinstance(out, (tuple, list)) else [out])]
        self.rtol = max(self.rtol, tolerance(*[a for a in arrays if a.dtype.kind == "f"]))
        return out

    def note(self) -> str:
        replaced = (*self.broken, *self.swap)
        return f" (with the reference's {', '.join(replaced)})" if replaced else ""


def _train(loop: _Loop, X: Array, y: Array, l_r: float, epochs: int,
           stop: float | None = None) -> tuple[Array, float, float]:
    """The article's loop (:func:`descentlab.tutorial.article_loop`) with the learner's
    functions; the loss of every epoch, m and b."""
    start = loop("init_params") if "init_params" not in loop.broken else \
        lib.init_params(np.random.default_rng(0))
    m, b = (_number(v) for v in start)
    with np.errstate(all="ignore"):
        losses, m_end, b_end = lib.article_loop(X, y, m, b, l_r, epochs, steps=_Steps(loop), stop=stop)
    return losses, m_end, b_end


class _Steps:
    """The loop's three functions for :func:`descentlab.tutorial.article_loop`, numbers as floats."""

    def __init__(self, loop: _Loop) -> None:
        self.loop = loop

    def forward_prop(self, X: Array, m: float, b: float) -> Any:
        return self.loop("forward_prop", X, m, b)

    def compute_loss(self, y: Array, y_pred: Array) -> float:
        return _number(self.loop("compute_loss", y, y_pred))

    def grad_desc(self, X: Array, y: Array, y_pred: Array, m: float, b: float, l_r: float) -> tuple[float, ...]:
        return tuple(_number(v) for v in self.loop("grad_desc", X, y, y_pred, m, b, l_r))


def _run(learner: Learner, X: Array, y: Array, l_r: float, epochs: int,
         stop: float | None = None) -> tuple[Array, float, float, _Loop]:
    loop = _Loop(learner)
    try:
        return (*_train(loop, X, y, l_r, epochs, stop), loop)
    except (TypeError, ValueError, IndexError) as exc:
        raise Failed("wrong", f"training: a result could not be used in the loop "
                     f"({type(exc).__name__}): return numbers as the docstrings say") from None


def _train_data(rng: np.random.Generator) -> tuple[Array, Array]:
    n = int(rng.integers(40, 100))
    X = rng.normal(rng.uniform(-0.5, 0.5), rng.uniform(0.7, 1.5), size=(n, 1))  # H's condition < 4
    y = (rng.choice([-1, 1]) * rng.uniform(1, 5) * X + rng.choice([-1, 1]) * rng.uniform(1, 5)
         + rng.normal(0, 0.3, size=(n, 1)))
    return X, y


def check_training(learner: Learner, rng: np.random.Generator) -> str:
    X, y = _train_data(rng)
    l_r = 0.5 * stability_bound(X)
    losses, m, b, loop = _run(learner, X, y, l_r, EPOCHS)
    W_ls, b_ls = least_squares(X, y.ravel())
    m_ls = float(W_ls[0])
    rise = 10 * loop.rtol
    if not np.all(np.isfinite(losses)) or np.any(np.diff(losses) > rise * (1 + losses[:-1])):
        raise Failed("train", f"the loss rose during training at l_r = {l_r:.3g} (half the "
                     f"stability bound){loop.note()}: the functions disagree with each other",
                     "the article's loop: forward_prop, compute_loss, grad_desc")
    if not np.allclose([m, b], [m_ls, b_ls], rtol=1e-3, atol=1e-3 * (1 + abs(m_ls) + abs(b_ls))):
        raise Failed("train", f"after {EPOCHS} epochs m, b = {m:.4g}, {b:.4g} but least "
                     f"squares gives {m_ls:.4g}, {b_ls:.4g}{loop.note()}")
    return f"the loss falls and m, b reach least squares ({m_ls:.3g}, {b_ls:.3g}){loop.note()}"


def check_divergence(learner: Learner, rng: np.random.Generator) -> str:
    X, y = _train_data(rng)
    bound = stability_bound(X)
    losses, _, _, loop = _run(learner, X, y, 1.5 * bound, epochs=150, stop=1e12)
    if np.isfinite(losses[-1]) and losses[-1] < 1e3 * max(losses[0], 1e-12):
        raise Failed("no_divergence", f"at l_r = 1.5 x the stability bound ({bound:.3g}) the "
                     f"loss should explode, but it did not{loop.note()}: the step must be "
                     "the full l_r times the gradient (no cap, no clipping)",
                     "m = m - l_r * dm; b = b - l_r * db")
    return f"the loss explodes above the stability bound 2 / lambda_max = {bound:.3g}{loop.note()}"
