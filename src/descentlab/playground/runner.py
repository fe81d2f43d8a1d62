r"""One request: validated settings -> the library's ``train`` -> the History as JSON.

An answer is a pure function of the settings, so the server may cache it
(:mod:`descentlab.playground.service`) and any process may compute it.

Full-batch linear regression trains through ``train(objective=...)`` with the moments of
the data (:class:`descentlab.fast.objectives.MomentsObjective`): the loss and gradients of every
epoch are the readable path's, from the :math:`2 \times 2` moments instead of the rows.
"""

import json
import re

import numpy as np

try:
    import orjson
except ImportError:  # the standard library's json, slower
    orjson = None  # type: ignore[assignment]

from descentlab.core.stepsize import classify_rate
from descentlab.core.trainer import train
from descentlab.errors import divergence_message
from descentlab.fast.moments import Moments
from descentlab.fast.objectives import MomentsObjective
from descentlab.playground.build import (
    bound_of,
    carries_velocity,
    make_loss,
    make_model,
    make_penalty_of,
    make_rule,
    start_velocity,
)
from descentlab.playground.problems import load_problem
from descentlab.playground.settings import validate
from descentlab.playground.views import network_frames, surface

_NON_FINITE = re.compile(r"\bNaN\b|-?\bInfinity\b")


def train_settings(s):
    """Train as the validated settings ``s`` say; return the answer as a dict."""
    problem = load_problem(s)
    model = make_model(s, problem.X_train.shape[1])
    optimizer, loss = make_rule(s), make_loss(s)
    velocity = [start_velocity(s, model, optimizer)]
    callbacks = [_velocity_recorder(optimizer, velocity)] if carries_velocity(s) else []
    penalty = make_penalty_of(s)
    bound, lam_max, note = bound_of(s, problem, optimizer, penalty)
    objective = None
    if s["model"] == "linear" and s["batch_size"] is None:
        objective = MomentsObjective(Moments.from_arrays(problem.X_train, problem.y_train))
    history = train(model, problem.X_train, problem.y_train, loss=loss, optimizer=optimizer,
                    epochs=s["epochs"], batch_size=s["batch_size"], seed=s["seed"],
                    on_divergence="stop", objective=objective, callbacks=callbacks,
                    penalty=penalty)
    with np.errstate(all="ignore"):
        test_loss = float(loss.loss(problem.y_test, model.predict(problem.X_test)))
    answer = {
        "model": s["model"], "penalty": s["penalty"], "status": history.status, "loss": history.loss,
        "test_loss": test_loss, "bound": bound, "lam_max": lam_max, "bound_note": note,
        "regime": None if bound is None else classify_rate(s["lr"], bound),
        "diverged": _divergence(s, history, bound),
        "data": {"x_name": problem.x_name, "y_name": problem.y_name,
                 "train": {"X": problem.X_train.tolist(), "y": problem.y_train.tolist()},
                 "test": {"X": problem.X_test.tolist(), "y": problem.y_test.tolist()}},
    }
    answer.update(_parameters(s, model, history, problem, penalty))
    if callbacks:
        answer["velocity"] = _velocity(s, velocity)
    return answer


def _velocity_recorder(optimizer, velocity):
    """A ``train`` callback that appends the optimizer's velocity after every epoch."""
    def record(epoch, history):
        velocity.append({k: state["v"].copy() for k, state in optimizer.state.items()})
    return record


def _velocity(s, velocity):
    """Momentum's velocity at the start of every epoch (and at the end), named like the params."""
    W = np.stack([v["W"] for v in velocity])
    b = [float(v["b"]) for v in velocity]
    if s["model"] == "logistic":
        return {"w1": W[:, 0].tolist(), "w2": W[:, 1].tolist(), "b": b}
    return {"m": W[:, 0].tolist(), "b": b}


def _parameters(s, model, history, problem, penalty=None):
    """Every epoch's parameters (and the final ones, last), and the surface they move on."""
    if s["model"] == "network":
        frames = network_frames(model, history, np.vstack([problem.X_train, problem.X_test]),
                                s["activation"] == "identity")
        out = {"frames": frames}
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


def _divergence(s, history, bound):
    """None, or the epoch where the loss blew up and a one-line message with the fix."""
    if history.status != "diverged":
        return None
    epoch = history.meta["diverged_at_epoch"]
    if bound is not None and s["lr"] >= bound:
        why = f"learning rate {s['lr']:g} is above the stable bound {bound:.3g}: use a smaller rate (below {bound:.3g})"
    elif bound is not None:
        why = (f"learning rate {s['lr']:g} is below the bound {bound:.3g}, but mini-batches, a "
               "schedule or the start made the loss blow up: try a smaller rate")
    else:
        why = f"learning rate {s['lr']:g} is too large for this model: try a smaller rate"
    because = history.meta["diverged_because"].removeprefix("the loss ")
    return {"epoch": epoch, "message": divergence_message(epoch, because, fix=why)}


def to_json(answer):
    """Compact JSON bytes; NaN and infinities (a diverging network's curve) become null.

    orjson, when installed, writes the same numbers (the shortest exact form) about 20
    times faster than the standard library.
    """
    if orjson is not None:
        return orjson.dumps(answer)
    return _NON_FINITE.sub("null", json.dumps(answer, separators=(",", ":"))).encode()


def cache_key(settings):
    """The cache key of validated ``settings`` (equal requests, whatever their key order or
    left-out defaults, share it), or None for an upload: a learner's file stays out of the cache."""
    if settings["csv"] is not None:
        return None
    return json.dumps(settings, sort_keys=True)


def compute(settings):
    """The JSON bytes answering validated ``settings`` (what a worker process runs)."""
    return to_json(train_settings(settings))


def answer(body):
    """The JSON bytes answering a request ``body`` (a dict), uncached; raises DescentlabError
    on bad settings. The server answers through :class:`descentlab.playground.service.Answers`,
    which caches."""
    return compute(validate(body))
