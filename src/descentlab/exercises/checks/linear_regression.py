r"""Checks of the article's lesson: :math:`\hat y = m x + b`, half-MSE, gradient descent.

Every oracle is the library's own function in :mod:`descentlab.tutorial` (the article's
functions, one to one), its gradient confirmed by finite differences of its loss; the
training checks use :func:`descentlab.least_squares` and :func:`descentlab.stability_bound`.
"""

import numpy as np

import descentlab.tutorial as lib
from descentlab.core.quadratic import least_squares
from descentlab.core.stepsize import stability_bound
from descentlab.tutorial import article_loop

from ..judge import Failed, compare, confirm, finite_difference, scaled

SIGNATURES = {
    "init_params": ((), "m, b"),
    "forward_prop": (("X", "m", "b"), "y_pred"),
    "compute_loss": (("y", "y_pred"), "loss"),
    "gradient": (("m", "b", "X_train", "y_train", "y_pred"), "dm, db"),
    "update_params": (("m", "b", "dm", "db", "l_r"), "m, b"),
    "grad_desc": (("X_train", "y_train", "y_pred", "m", "b", "l_r"), "m, b"),
}
CASES = 3
EPOCHS = 150  # at l_r = 1 / lambda_max the error shrinks at least 4-fold per 5 epochs


def _signed(rng, low, high):
    return float(rng.choice([-1, 1]) * rng.uniform(low, high))


def draw_case(rng):
    """A random data set ``X``, ``y`` of shape (N, 1) and a line ``m``, ``b`` far from its fit."""
    n = int(rng.integers(6, 40))
    X = rng.normal(rng.uniform(-1.0, 2.0), rng.uniform(0.5, 2.0), size=(n, 1))
    y = _signed(rng, 1, 5) * X + _signed(rng, 1, 5) + rng.normal(0, 0.5, size=(n, 1))
    m, b = _signed(rng, 1.5, 6), _signed(rng, 1.5, 6)
    return X, y, m, b


def check_init_params(learner, rng):
    draws = [learner.call("init_params") for _ in range(200)]
    if not _pair_of_numbers(draws[0]):
        compare(learner, "init_params", draws[0], (0.0, 0.0))  # names None or a wrong shape
        raise Failed("shape", "init_params should return two numbers: return m, b")
    values = np.array([[float(np.ravel(v)[0]) for v in d] for d in draws])
    if not np.all(np.isfinite(values)):
        raise Failed("wrong", "init_params returned a value that is not finite")
    if np.all(values == values[0]):
        raise Failed("random", "init_params returns the same m and b on every call: draw them "
                     "with np.random.normal(0, 10) and set no seed inside")
    std = values.std(axis=0)
    if not np.all((std > 5) & (std < 20)) or np.any(np.abs(values.mean(axis=0)) > 4):
        raise Failed("random", f"init_params draws with mean {values.mean():.3g} and spread "
                     f"{std.mean():.3g}: draw from N(0, 10^2), np.random.normal(0, 10)")
    return "returns random m and b from N(0, 10^2)"


def _pair_of_numbers(value):
    return (isinstance(value, (tuple, list)) and len(value) == 2
            and all(v is not None and np.size(v) == 1 for v in value))


def check_forward_prop(learner, rng):
    for _ in range(CASES):
        X, _, m, b = draw_case(rng)
        got = learner.call("forward_prop", X, m, b)
        compare(learner, "forward_prop", got, lib.forward_prop(X, m, b), variants=[
            ("bias", "the bias is forgotten: y_pred = m * X + b", m * X),
            ("swapped", "m and b are swapped: y_pred = m * X + b", b * X + m),
            ("sign", "a sign error: y_pred = m * X + b, with a plus", m * X - b),
            ("sign", "a sign error: y_pred = m * X + b, not -(m * X + b)", -(m * X + b)),
        ])
    return "y_pred = m X + b on random data"


def check_compute_loss(learner, rng):
    for _ in range(CASES):
        X, y, m, b = draw_case(rng)
        y_pred = lib.forward_prop(X, m, b)
        loss, n = lib.compute_loss(y, y_pred), y.size
        got = learner.call("compute_loss", y, y_pred)
        compare(learner, "compute_loss", got, loss, variants=[
            ("half", "the 1/2 is missing: loss = 1/2 * mean((y_pred - y)**2)", 2 * loss),
            ("sum", "a sum instead of a mean: use np.mean, not np.sum", n * loss),
            ("sum", "a sum instead of a mean, and the 1/2 missing: "
             "loss = 1/2 * np.mean((y_pred - y)**2)", 2 * n * loss),
            ("wrong", "the errors are not squared: (y_pred - y)**2",
             0.5 * np.mean(np.abs(y_pred - y))),
        ])
    return "half the mean squared error on random data"


def check_gradient(learner, rng):
    for _ in range(CASES):
        X, y, m, b = draw_case(rng)
        y_pred = lib.forward_prop(X, m, b)
        dm, db = lib.gradient(m, b, X, y, y_pred)
        confirm((dm, db), finite_difference(
            lambda p, X=X, y=y: lib.compute_loss(y, lib.forward_prop(X, p[0], p[1])), [m, b]), "gradient")
        got = learner.call("gradient", m, b, X, y, y_pred)
        compare(learner, "gradient", got, (dm, db), variants=[
            ("sign", "a sign error: the error is y_pred - y, not y - y_pred", (-dm, -db)),
            ("half", "a factor 2 too many: the 1/2 of the loss cancels the 2 of the "
             "derivative", (2 * dm, 2 * db)),
            ("sum", "a sum instead of a mean: use np.mean, not np.sum", scaled((dm, db), y.size)),
            ("swapped", "dm and db are swapped: return dm, db in that order", (db, dm)),
            ("x_missing", "dm needs the factor X: dm = mean((y_pred - y) * X)", (db, db)),
            ("bias", "db is missing: db = mean(y_pred - y)", (dm, 0.0)),
        ])
    return "dm, db match the library and finite differences"


def check_update_params(learner, rng):
    for _ in range(CASES):
        m, b, dm, db = (_signed(rng, 0.5, 5) for _ in range(4))
        l_r = float(rng.uniform(0.01, 0.3))
        got = learner.call("update_params", m, b, dm, db, l_r)
        compare(learner, "update_params", got, lib.update_params(m, b, dm, db, l_r), variants=[
            ("sign", "a sign error: step downhill, m = m - l_r * dm",
             (m + l_r * dm, b + l_r * db)),
            ("lr", "the learning rate is missing: m = m - l_r * dm", (m - dm, b - db)),
            ("swapped", "dm and db are swapped: m uses dm, b uses db",
             (m - l_r * db, b - l_r * dm)),
            ("swapped", "m and b are swapped: return m, b in that order",
             (b - l_r * db, m - l_r * dm)),
            ("wrong", "it returns the step, not the new values: return m - l_r * dm, ...",
             (l_r * dm, l_r * db)),
        ])
    return "m - l_r dm, b - l_r db"


def check_grad_desc(learner, rng):
    broken = [name for name, check in (("gradient", check_gradient),
                                       ("update_params", check_update_params))
              if not _passes(check, learner)]
    first = f"fix {' and '.join(broken)} first, grad_desc calls {'them' if broken[1:] else 'it'}"
    for _ in range(CASES):
        X, y, m, b = draw_case(rng)
        y_pred = lib.forward_prop(X, m, b)
        l_r = float(rng.uniform(0.01, 0.2))
        dm, db = lib.gradient(m, b, X, y, y_pred)
        try:
            got = learner.call("grad_desc", X, y, y_pred, m, b, l_r)
        except Failed as exc:
            if exc.mistake == "exception" and broken:
                exc.message += f": {first}"
            raise
        compare(learner, "grad_desc", got, lib.grad_desc(X, y, y_pred, m, b, l_r), variants=[
            ("depends", f"it chains gradient and update_params rightly: {first}",
             _composed(learner, X, y, y_pred, m, b, l_r) if broken else None),
            ("sign", "a sign error: m = m - l_r * dm", (m + l_r * dm, b + l_r * db)),
            ("wrong", "it returns the gradients: return the new m, b from update_params",
             (dm, db)),
        ])
    return "gradient then update_params"


def _composed(learner, X, y, y_pred, m, b, l_r):
    """The learner's own gradient then update_params; None when they cannot be chained."""
    try:
        grads = learner.call("gradient", m, b, X, y, y_pred)
        return tuple(learner.call("update_params", m, b, *grads, l_r))
    except (Failed, TypeError, ValueError):
        return None


def _passes(check, learner):
    try:
        check(learner, np.random.default_rng(0))
        return True
    except Failed:
        return False


class _Steps:
    """The learner's functions for :func:`descentlab.tutorial.article_loop`, their numbers as floats."""

    def __init__(self, learner):
        self.learner = learner

    def forward_prop(self, X, m, b):
        return self.learner.call("forward_prop", X, m, b)

    def compute_loss(self, y, y_pred):
        return float(np.ravel(self.learner.call("compute_loss", y, y_pred))[0])

    def grad_desc(self, X, y, y_pred, m, b, l_r):
        return tuple(float(np.ravel(v)[0]) for v in self.learner.call("grad_desc", X, y, y_pred, m, b, l_r))


def _train(learner, X, y, l_r, epochs, stop=None):
    """The article's loop (:func:`descentlab.tutorial.article_loop`) with the learner's
    functions; the loss of every epoch, m and b."""
    m, b = learner.call("init_params")
    m, b = float(np.ravel(m)[0]), float(np.ravel(b)[0])
    with np.errstate(all="ignore"):
        return article_loop(X, y, m, b, l_r, epochs, steps=_Steps(learner), stop=stop)


def train_failure(exc):
    """A Failed for training stopped by ``exc`` (keeps "not written yet" as the mistake)."""
    mistake = getattr(exc, "mistake", "depends")
    return Failed(mistake if mistake in ("not_written", "missing") else "depends",
                  f"training with your functions failed: {exc}")


def _train_data(rng):
    n = int(rng.integers(40, 100))
    X = rng.normal(rng.uniform(-0.5, 0.5), rng.uniform(0.7, 1.5), size=(n, 1))  # H's condition < 4
    y = _signed(rng, 1, 5) * X + _signed(rng, 1, 5) + rng.normal(0, 0.3, size=(n, 1))
    return X, y


def check_training(learner, rng):
    X, y = _train_data(rng)
    l_r = 0.5 * stability_bound(X)
    try:
        losses, m, b = _train(learner, X, y, l_r, epochs=EPOCHS)
    except (Failed, TypeError, ValueError) as exc:
        raise train_failure(exc) from None
    W_ls, b_ls = least_squares(X, y.ravel())
    m_ls = float(W_ls[0])
    if not np.all(np.isfinite(losses)) or np.any(np.diff(losses) > 1e-9 * (1 + losses[:-1])):
        raise Failed("train", f"the loss rose during training at l_r = {l_r:.3g} (half the "
                     "stability bound): look for a sign or a factor in gradient and update_params")
    if not np.allclose([m, b], [m_ls, b_ls], rtol=1e-3, atol=1e-3 * (1 + abs(m_ls) + abs(b_ls))):
        raise Failed("train", f"after {EPOCHS} epochs m, b = {m:.4g}, {b:.4g} but least "
                     f"squares gives {m_ls:.4g}, {b_ls:.4g}: check gradient and grad_desc")
    return f"the loss falls and m, b reach least squares ({m_ls:.3g}, {b_ls:.3g})"


def check_divergence(learner, rng):
    X, y = _train_data(rng)
    bound = stability_bound(X)
    try:
        losses, _, _ = _train(learner, X, y, 1.5 * bound, epochs=150, stop=1e12)
    except (Failed, TypeError, ValueError) as exc:
        raise train_failure(exc) from None
    if np.isfinite(losses[-1]) and losses[-1] < 1e3 * max(losses[0], 1e-12):
        raise Failed("no_divergence", f"at l_r = 1.5 x the stability bound ({bound:.3g}) the "
                     "loss should explode, but it did not: does update_params use l_r?")
    return f"the loss explodes above the stability bound 2 / lambda_max = {bound:.3g}"


FUNCTIONS = tuple(SIGNATURES)
NEEDS = {"training": FUNCTIONS, "divergence": FUNCTIONS}
CHECKS = [
    ("init_params", check_init_params), ("forward_prop", check_forward_prop),
    ("compute_loss", check_compute_loss), ("gradient", check_gradient),
    ("update_params", check_update_params), ("grad_desc", check_grad_desc),
    ("training", check_training), ("divergence", check_divergence),
]
