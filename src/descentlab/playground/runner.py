r"""One request: validated settings -> the library's ``train`` -> the History as JSON.

An answer is a pure function of the settings: the server may cache it
(:mod:`descentlab.playground.service`), any process may compute it. Full-batch linear
regression trains through ``train(objective=...)`` with the moments of the data
(:class:`descentlab.fast.objectives.MomentsObjective`): every epoch's loss and gradients
are the readable path's, from the :math:`2 \times 2` moments instead of the rows.
"""

import json
import re
import time
from collections.abc import Callable
from decimal import ROUND_FLOOR, Decimal
from typing import Any, cast

import numpy as np
from numpy.typing import NDArray

try:
    import orjson
except ImportError:  # the standard library's json, slower
    orjson = None  # type: ignore[assignment]

from descentlab.core.history import History
from descentlab.core.losses import BinaryCrossEntropy, MeanSquaredError
from descentlab.core.models import Model
from descentlab.core.network import Network
from descentlab.core.optimizers import Optimizer
from descentlab.core.penalties import Penalty
from descentlab.core.regimes import REGIMES, regime_sentence, step_regime
from descentlab.core.stepsize import classify_rate
from descentlab.core.trainer import train
from descentlab.errors import divergence_message
from descentlab.fast.moments import Moments
from descentlab.fast.objectives import MomentsObjective
from descentlab.playground.build import (
    bound_of,
    carries_velocity,
    inputs,
    make_loss,
    make_model,
    make_penalty_of,
    make_rule,
    start_velocity,
)
from descentlab.playground.problems import Problem, load_problem
from descentlab.playground.settings import FIELDS, Settings, validate
from descentlab.playground.views import network_frames, surface
from descentlab.playground.why import curvature_view, hessian, rate_map

_NON_FINITE = re.compile(r"\bNaN\b|-?\bInfinity\b")


class Cancelled(Exception):
    """A training stopped because nobody waits for it any more; ``args[0]``: its CPU seconds.

    >>> train_settings(validate({}), cancelled=lambda epochs_done: epochs_done >= 3)
    Traceback (most recent call last):
    ...
    descentlab.playground.runner.Cancelled: 0.0
    """


#: A ``train`` callback: called with the epoch just done and the History so far.
Callback = Callable[[int, History], None]
#: An answer before it is JSON: names -> numbers, lists, text and nested answers.
Answer = dict[str, Any]


def _stop_when(cancelled: Callable[[int], bool]) -> Callback:
    """A ``train`` callback that raises :class:`Cancelled` once ``cancelled(epochs_done)`` is true."""
    def check(epoch: int, history: History) -> None:
        if cancelled(epoch + 1):
            raise Cancelled(0.0)
    return check


def train_settings(s: Settings, cancelled: Callable[[int], bool] | None = None) -> Answer:
    """Train as the validated settings ``s`` say; return the answer as a dict.

    ``cancelled``, a function of the epochs done, is asked after every epoch; once it
    answers true, training stops with :class:`Cancelled`.

    >>> run = train_settings(validate({"epochs": 3}))  # the article's data, lr 0.05
    >>> run["status"], len(run["loss"]), run["bound_display"], run["regime"], run["steps"]["regime"]
    ('completed', 3, '1.89', 'too small', 'monotone')
    """
    problem = load_problem(s)
    model = make_model(s, problem.X_train.shape[1])
    optimizer, loss = make_rule(s), make_loss(s)
    velocity = [start_velocity(s, model, optimizer)]
    callbacks = [_velocity_recorder(optimizer, velocity)] if carries_velocity(s) else []
    if cancelled is not None:
        callbacks.append(_stop_when(cancelled))
    penalty = make_penalty_of(s)
    bound, lam_max, note = bound_of(s, problem, optimizer, penalty)
    objective = None
    if s["model"] == "linear" and s["batch_size"] is None:
        objective = MomentsObjective(Moments.from_arrays(problem.X_train, problem.y_train))
    X_in, X_test_in = inputs(s, problem.X_train), inputs(s, problem.X_test)
    history = train(model, X_in, problem.y_train, loss=loss, optimizer=optimizer,
                    epochs=s["epochs"], batch_size=s["batch_size"], seed=s["seed"],
                    on_divergence="stop", objective=objective, callbacks=callbacks,
                    penalty=penalty, validation_data=(X_test_in, problem.y_test),
                    stop_on_validation=False)
    with np.errstate(all="ignore"):
        test_loss = float(loss.loss(problem.y_test, model.predict(X_test_in)))
        final_loss = _final_loss(model, loss, penalty, X_in, problem.y_train)
    answer: Answer = {
        "model": s["model"], "penalty": s["penalty"], "status": history.status, "loss": history.loss,
        "final_loss": final_loss, "steps": _steps(s, bound),
        "test_losses": history.val_loss[:len(history.loss)],
        "test_loss": test_loss, "bound": bound, "lam_max": lam_max, "bound_note": note,
        "bound_display": None if bound is None else round_down(bound),
        "lr_range": lr_range(bound),
        "regime": None if bound is None else classify_rate(s["lr"], bound),
        "diverged": _divergence(s, history, bound),
        "data": {"x_name": problem.x_name, "y_name": problem.y_name, "scaling": problem.scaling,
                 "test_size": s["test_size"],
                 "train": {"X": problem.X_train.tolist(), "y": problem.y_train.tolist()},
                 "test": {"X": problem.X_test.tolist(), "y": problem.y_test.tolist()}},
        "curvature": None, "rate_map": None,
    }
    if s["model"] == "linear":
        H = hessian(problem.X_train, penalty)
        answer["curvature"] = curvature_view(s, H, bound)
        if s["optimizer"] in ("momentum", "nesterov"):
            answer["rate_map"] = rate_map(s, H)
    answer.update(_parameters(s, model, history, problem, penalty))
    if carries_velocity(s):
        answer["velocity"] = _velocity(s, velocity)
    return answer


def _final_loss(model: Model, loss: BinaryCrossEntropy | MeanSquaredError, penalty: Penalty | None,
                X_in: NDArray[np.float64], y_train: NDArray[np.float64]) -> float:
    """The training loss (plus the penalty) after the last update (``History.final_loss``),
    computed from the rows as :func:`descentlab.lessons.article.run_tutorial` does."""
    value = float(loss.loss(y_train, model.forward(X_in)))
    return value + float(penalty.loss(model.params)) if penalty is not None else value


def _steps(s: Settings, bound: float | None) -> dict[str, str] | None:
    """What full-batch gradient descent's steps do at this rate: ``{"regime", "phrase", "sentence",
    "regimes"}``, :func:`~descentlab.core.regimes.step_regime`'s key, phrase and sentence, and
    :func:`~descentlab.core.regimes.regime_sentence` (with this data's marks); None where those
    regimes do not apply (another model or optimizer, mini-batches, a schedule)."""
    if (bound is None or s["model"] != "linear" or s["optimizer"] != "gd"
            or s["batch_size"] is not None or s["schedule"] != "constant"):
        return None
    key = step_regime(s["lr"], bound)
    phrase, sentence = REGIMES[key]
    return {"regime": key, "phrase": phrase, "sentence": sentence, "regimes": regime_sentence(bound)}


def _velocity_recorder(optimizer: Optimizer, velocity: list[dict[str, NDArray[np.float64]]]) -> Callback:
    """A ``train`` callback that appends the optimizer's velocity after every epoch."""
    def record(epoch: int, history: History) -> None:
        velocity.append({k: state["v"].copy() for k, state in optimizer.state.items()})
    return record


def _velocity(s: Settings, velocity: list[dict[str, NDArray[np.float64]]]) -> dict[str, list[float]]:
    """Momentum's velocity at the start of every epoch (and at the end), named like the params."""
    W = np.stack([v["W"] for v in velocity])
    b = [float(v["b"]) for v in velocity]
    if s["model"] == "logistic":
        return {"w1": W[:, 0].tolist(), "w2": W[:, 1].tolist(), "b": b}
    return {"m": W[:, 0].tolist(), "b": b}


def _parameters(s: Settings, model: Model, history: History, problem: Problem,
                penalty: Penalty | None = None) -> Answer:
    """Every epoch's parameters (and the final ones, last), and the surface they move on."""
    if s["model"] == "network":
        network = cast(Network, model)  # s["model"] == "network": make_model built a Network
        frames = network_frames(network, history, np.vstack([problem.X_train, problem.X_test]),
                                s["activation"] == "identity", s["bias_form"] == "x0")
        out: Answer = {"frames": frames}
        if "m" in frames:
            out["surface"] = surface(problem.X_train, problem.y_train, frames["m"], frames["b"])
        return out
    W = np.vstack([history.trace("W"), history.final_params["W"]]) if history.params else \
        history.final_params["W"][None, :]
    b = [float(v) for v in history.params.get("b", [])] + [float(history.final_params["b"])]
    if s["model"] == "logistic":
        return {"params": {"w1": W[:, 0].tolist(), "w2": W[:, 1].tolist(), "b": b}}
    m = W[:, 0].tolist()
    return {"params": {"m": m, "b": b},
            "surface": surface(problem.X_train, problem.y_train, m, b, penalty)}


def round_down(value: float, digits: int = 3) -> str:
    """``value`` to ``digits`` significant digits, rounded down (a bound shown is never above
    the true one), as text.

    >>> round_down(0.0057199), round_down(1.8939086)
    ('0.00571', '1.89')
    """
    exact = Decimal(repr(float(value)))
    quantum = Decimal(1).scaleb(exact.adjusted() - digits + 1)
    return f"{float(exact.quantize(quantum, rounding=ROUND_FLOOR)):.{digits}g}"


def lr_range(bound: float | None) -> list[float]:
    """``[low, high]`` for the rate slider: three decades below the bound to twice it, within
    the API's range, so the slider follows a tiny bound down; the API's range without one.

    >>> lr_range(1.9)  # the article's bound
    [0.0019, 3.8]
    >>> lr_range(None)
    [1e-05, 100.0]
    """
    low, high = FIELDS["lr"].low, FIELDS["lr"].high
    assert low is not None and high is not None  # the rate is a bounded setting
    if bound is None:
        return [1e-5, high]
    return [max(low, bound * 1e-3), min(high, bound * 2)]


def _divergence(s: Settings, history: History, bound: float | None) -> dict[str, object] | None:
    """None, or the epoch where the loss blew up and a one-line message with the fix."""
    if history.status != "diverged":
        return None
    epoch = history.meta["diverged_at_epoch"]
    if bound is not None and s["lr"] >= bound:
        why = (f"the learning rate {s['lr']:g} is above the stable bound {round_down(bound)}: use a smaller "
               f"rate (below {round_down(bound)})")
    elif bound is not None:
        why = (f"the learning rate {s['lr']:g} is below the bound {round_down(bound)}, but mini-batches, "
               "a schedule or the start made the loss blow up: try a smaller rate")
    else:
        why = f"the learning rate {s['lr']:g} is too large for this model: try a smaller rate"
    because = history.meta["diverged_because"].removeprefix("the loss ")
    return {"epoch": epoch, "message": divergence_message(epoch, because, fix=why)}


def to_json(answer: Answer) -> bytes:
    """Compact JSON bytes; NaN and infinities (a diverging network's curve) become null.

    orjson, when installed, writes the same numbers (the shortest exact form) about 20
    times faster than the standard library.

    >>> to_json({"loss": [1.0, float("nan")], "bound": float("inf")})
    b'{"loss":[1.0,null],"bound":null}'
    """
    if orjson is not None:
        return orjson.dumps(answer)
    return _NON_FINITE.sub("null", json.dumps(answer, separators=(",", ":"))).encode()


def cache_key(settings: Settings) -> str | None:
    """The cache key of validated ``settings`` (equal requests, whatever their key order or
    left-out defaults, share it), or None for an upload: a learner's file stays out of the cache.

    >>> cache_key(validate({"lr": 0.1})) == cache_key(validate({"lr": 0.1, "epochs": 61}))
    True
    """
    if settings["csv"] is not None:
        return None
    return json.dumps(settings, sort_keys=True)


def compute(settings: Settings) -> bytes:
    """The JSON bytes answering validated ``settings``.

    >>> json.loads(compute(validate({"epochs": 2})))["status"]
    'completed'
    """
    return to_json(train_settings(settings))


def compute_stoppable(settings: Settings, cancelled: Callable[[int], bool]) -> tuple[bytes, float]:
    """(the JSON bytes answering validated ``settings``, the CPU seconds they took), what a
    server's slot runs; raises :class:`Cancelled` with the CPU seconds once
    ``cancelled(epochs_done)`` answers true.

    >>> compute_stoppable(validate({"epochs": 2}), lambda epochs_done: False)  # never told to stop
    (b'{"model":"linear",...}', ...)
    """
    start = time.thread_time()
    try:
        content = to_json(train_settings(settings, cancelled))
    except Cancelled:
        raise Cancelled(time.thread_time() - start) from None
    return content, time.thread_time() - start


def answer(body: object) -> bytes:
    """The JSON bytes answering a request ``body`` (a dict), uncached; raises DescentlabError
    on bad settings. The server answers through :class:`descentlab.playground.service.Answers`,
    which caches.

    >>> answer({"lr": "fast"})
    Traceback (most recent call last):
    ...
    descentlab.errors.DescentlabError: The learning rate (lr) must be a number, not text: for example 0.05.
    """
    return compute(validate(body))
