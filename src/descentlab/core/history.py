"""The record of a training run, epoch by epoch, and its JSON form.

Every plot, animation and report is drawn from a :class:`History`, never by training
again on the side.
"""

import json
import math
from dataclasses import dataclass, field

import numpy as np

from descentlab.errors import DescentlabError
from descentlab.memory import read_text_capped


@dataclass
class History:
    """Per-epoch loss and parameters of one training run.

    Attributes
    ----------
    loss : list of float
        ``loss[i]`` is the training loss at the start of epoch ``i``, before that
        epoch's update (what the article prints as ``Loss =``).
    params : dict of str to list of ndarray
        ``params[name][i]`` is parameter ``name`` at the start of epoch ``i``, the
        point at which ``loss[i]`` was computed. Empty when parameters were not recorded.
    final_params : dict of str to ndarray
        The parameters the run ended with: after the last update, or the best ones on
        the validation set when training stopped early.
    status : str
        Why training stopped: ``"completed"`` (every epoch ran), ``"converged"`` (the
        loss stopped improving by ``tol``), ``"early_stopped"`` (the validation loss
        stopped improving), ``"diverged"`` or ``"interrupted"`` (Ctrl-C).
    meta : dict
        Free-form facts about the run (learning rate, seed, ...), JSON-serialisable.
    val_loss : list of float
        ``val_loss[i]`` is the loss on the held-out validation set at the start of
        epoch ``i``; empty when no validation set was held out.
    """

    loss: list = field(default_factory=list)
    params: dict = field(default_factory=dict)
    final_params: dict = field(default_factory=dict)
    status: str = "running"
    meta: dict = field(default_factory=dict)
    val_loss: list = field(default_factory=list)

    @property
    def n_epochs(self):
        """The number of epochs recorded."""
        return len(self.loss)

    def record(self, loss, params):
        """Append one epoch: its loss and the parameters it was computed at.

        ``params`` is a dict of arrays that the history keeps as they are (pass copies).
        """
        self.loss.append(float(loss))
        for name, value in params.items():
            self.params.setdefault(name, []).append(value)

    def trace(self, name):
        """Parameter ``name`` over the epochs, as an ndarray of shape (n_epochs, ...)."""
        return np.stack(self.params[name])

    def params_at(self, epoch):
        """The parameters at the start of ``epoch``; ``epoch == n_epochs`` gives the final ones."""
        if epoch == self.n_epochs:
            return dict(self.final_params)
        return {name: values[epoch] for name, values in self.params.items()}

    def params_after(self, epoch):
        """The parameters after the update of ``epoch`` (what the article draws)."""
        return self.params_at(epoch + 1)

    def interrupted_note(self):
        """``"interrupted after 12 of 61 epochs"`` for an interrupted run, else ``""``."""
        if self.status != "interrupted":
            return ""
        planned = self.meta.get("epochs")
        of = f" of {planned}" if isinstance(planned, int) and planned > self.n_epochs else ""
        return f"interrupted after {self.n_epochs}{of} epochs"

    def to_dict(self):
        """A JSON-serialisable dict (arrays become nested lists)."""
        return {
            "loss": self.loss,
            "params": {k: [np.asarray(v).tolist() for v in vs] for k, vs in self.params.items()},
            "final_params": {k: np.asarray(v).tolist() for k, v in self.final_params.items()},
            "status": self.status,
            "meta": self.meta,
            "val_loss": self.val_loss,
        }

    @classmethod
    def from_dict(cls, data):
        """Rebuild a History from :meth:`to_dict` output, checking every key.

        Raises
        ------
        DescentlabError
            Naming the key and what is wrong there: ``"loss"[3] is NaN``, ``"params"["W"]
            holds 5 epochs but "loss" 6``, ``"status" is 'done', not one of ...``.
        """
        if not isinstance(data, dict):
            raise _bad("the file", f"holds {_what(data)}, not an object with \"loss\"")
        if "loss" not in data:
            raise _bad('"loss"', "is missing")
        loss = _numbers('"loss"', data["loss"])
        val_loss = _numbers('"val_loss"', data.get("val_loss", []))
        if val_loss and len(val_loss) != len(loss):
            raise _bad('"val_loss"', f"holds {len(val_loss)} epochs but \"loss\" {len(loss)}")
        status = data.get("status", "completed")
        if status not in STATUSES:
            raise _bad('"status"', f"is {_what(status)}, not one of {', '.join(STATUSES)}")
        params = {}
        for name, values in _object('"params"', data.get("params", {})).items():
            where = f'"params"[{json.dumps(name)}]'
            if not isinstance(values, list) or len(values) != len(loss):
                n = len(values) if isinstance(values, list) else _what(values)
                raise _bad(where, f"holds {n} epochs but \"loss\" {len(loss)}")
            params[name] = [_array(f"{where}[{i}]", v) for i, v in enumerate(values)]
            if len({p.shape for p in params[name]}) > 1:
                raise _bad(where, "changes shape from one epoch to the next")
        final = {name: _array(f'"final_params"[{json.dumps(name)}]', v, finite=status != "diverged")
                 for name, v in _object('"final_params"', data.get("final_params", {})).items()}
        for name, value in final.items():
            if name in params and params[name] and value.shape != params[name][0].shape:
                raise _bad(f'"final_params"[{json.dumps(name)}]', f"has shape {value.shape}, "
                           f"the epochs {params[name][0].shape}")
        meta = _object('"meta"', data.get("meta", {}))
        return cls(loss=loss, params=params, final_params=final, status=status, meta=dict(meta),
                   val_loss=val_loss)

    def to_json(self):
        return json.dumps(self.to_dict(), indent=1)

    @classmethod
    def from_json(cls, text):
        return cls.from_dict(json.loads(text))

    def __repr__(self):
        last = f", last loss={self.loss[-1]:.6g}" if self.loss else ""
        return f"History(n_epochs={self.n_epochs}, status={self.status!r}{last})"


def load_history(path):
    """Read a ``history.json``; a missing, damaged or hand-edited file gives a one-line error
    naming the key that is wrong (files over :data:`descentlab.memory.MAX_JSON_BYTES` are
    refused unread)."""
    text = read_text_capped(path, "history")
    try:
        return History.from_json(text)
    except json.JSONDecodeError as exc:
        problem = f"is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
    except RecursionError:
        problem = "is nested too deeply to be a history"
    except DescentlabError as exc:
        problem = str(exc)
    except ValueError as exc:  # e.g. an integer of more than 4300 digits
        problem = f"holds a value that cannot be read ({str(exc).splitlines()[0][:80]})"
    raise DescentlabError(f"cannot read history {str(path)!r}: {problem}: pass a history.json "
                          "written by 'descentlab tutorial'") from None


#: Why a run stopped (:attr:`History.status`).
STATUSES = ("completed", "converged", "early_stopped", "diverged", "interrupted", "running")


def _bad(where, problem):
    return DescentlabError(f"{where} {problem}")


def _what(value):
    """A JSON value as a message shows it: ``'abc'``, ``a list``, ``an object``, ``null``."""
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    if value is None:
        return "null"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _object(where, value):
    if not isinstance(value, dict):
        raise _bad(where, f"is {_what(value)}, not an object")
    return value


def _number(where, value, finite=True):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _bad(where, f"is {_what(value)}, not a number")
    try:
        value = float(value)
    except OverflowError:
        raise _bad(where, "is too large for a float") from None
    if finite and not math.isfinite(value):
        raise _bad(where, "is NaN" if value != value else f"is {value}, not a finite number")
    return value


def _numbers(where, values, finite=True):
    if not isinstance(values, list):
        raise _bad(where, f"is {_what(values)}, not a list of numbers")
    return [_number(f"{where}[{i}]", v, finite) for i, v in enumerate(values)]


def _array(where, value, finite=True):
    """A parameter: a number, a list of numbers or a list of equal-length lists of numbers."""
    if isinstance(value, list) and value and isinstance(value[0], list):
        rows = [_numbers(f"{where}[{i}]", row, finite) for i, row in enumerate(value)]
        if any(len(row) != len(rows[0]) for row in rows):
            raise _bad(where, "is not a matrix: its rows differ in length")
        return np.array(rows, dtype=float).reshape(len(rows), len(rows[0]))
    if isinstance(value, list):
        return np.array(_numbers(where, value, finite), dtype=float)
    return np.array(_number(where, value, finite))
