"""The record of a training run, epoch by epoch, and its JSON form.

Every plot, animation and report is drawn from a :class:`History`, never by training
again on the side.
"""

import json
import os
from dataclasses import dataclass, field
from typing import Any, Self

import numpy as np

from descentlab.core.history_schema import (
    STATUSES,
    _array,
    _bad,
    _number,
    _numbers,
    _object,
    _what,
    kept_epochs,
)
from descentlab.core.history_views import HistoryViews
from descentlab.core.xp import Array
from descentlab.errors import DescentlabError
from descentlab.memory import read_text_capped


@dataclass
class History(HistoryViews):
    """Per-epoch loss and parameters of one training run.

    **Epoch N is the state after N updates**, in every view of a run (printed lines,
    figures, animations, reports, :meth:`to_frame`, ``history.json``): epoch 0 is the
    start, and a run of ``n`` epochs ends at epoch ``n``, its trained parameters.

    Attributes
    ----------
    loss : list of float
        ``loss[N]`` is the training loss at epoch ``N``, after ``N`` updates and before
        the next (what the article prints as ``Epoch: N`` / ``Loss =``). For mini-batches
        it is the mean of the batch losses of the pass that starts there.
    params : dict of str to list of ndarray
        ``params[name][N]`` is parameter ``name`` at epoch ``N``, where ``loss[N]`` was
        computed. Empty when parameters were not recorded.
    final_params : dict of str to ndarray
        The parameters the run ended with: epoch ``n_epochs`` (after the last update), or
        the best ones on the validation set when training stopped early.
    final_loss : float or None
        The training loss of ``final_params`` (the loss of the trained model, epoch
        ``n_epochs``); None when it was not measured.
    status : str
        Why training stopped: ``"completed"``, ``"converged"``, ``"early_stopped"``,
        ``"diverged"`` or ``"interrupted"`` (the rules: :mod:`descentlab.core.stopping`);
        in words, :attr:`status_text`.
    meta : dict
        Free-form facts about the run (learning rate, seed, ...), JSON-serialisable.
    val_loss : list of float
        ``val_loss[N]`` is the loss on the held-out validation set at epoch ``N``;
        empty when no validation set was held out.

    Examples
    --------
    >>> history = History()
    >>> history.record(1.0, {"W": np.array([0.0])}); history.record(0.5, {"W": np.array([1.0])})
    >>> history.final_params, history.status = {"W": np.array([1.5])}, "completed"
    >>> history, history.trace("W").ravel(), history.params_at(2)
    (History(n_epochs=2, status='completed', loss at epoch 1=0.5), array([0., 1.]), {'W': array([1.5])})
    >>> history.n_epochs, history.last_epoch, history.epoch_losses, history.params_after(0), history.status_text
    (2, 1, [1.0, 0.5], {'W': array([1.])}, 'completed')
    """

    loss: list[float] = field(default_factory=list)
    params: dict[str, list[Array]] = field(default_factory=dict)
    final_params: dict[str, Array] = field(default_factory=dict)
    status: str = "running"
    meta: dict[str, Any] = field(default_factory=dict)  # JSON values, read by every room that draws a run
    val_loss: list[float] = field(default_factory=list)
    final_loss: float | None = None

    @property
    def n_epochs(self) -> int:
        """The number of updates recorded (``len(loss)``): epochs ``0 .. n_epochs - 1`` have
        a recorded loss, and epoch ``n_epochs`` is the trained state."""
        return len(self.loss)

    @property
    def epoch_losses(self) -> list[float]:
        """The loss of every epoch there is a loss for: ``loss``, then :attr:`final_loss`
        (epoch ``n_epochs``) when it was measured."""
        return self.loss + ([self.final_loss] if self.final_loss is not None else [])

    @property
    def last_epoch(self) -> int:
        """The last epoch with a loss: ``n_epochs`` when :attr:`final_loss` is known, else
        ``n_epochs - 1``."""
        return len(self.epoch_losses) - 1

    @property
    def status_text(self) -> str:
        """The status in words: ``"stopped early"`` for ``"early_stopped"``, else the status."""
        return STATUS_WORDS.get(self.status, self.status)

    def record(self, loss: float, params: dict[str, Array]) -> None:
        """Append one epoch: its loss and the parameters it was computed at.

        ``params`` is a dict of arrays that the history keeps as they are (pass copies).
        """
        self.loss.append(float(loss))
        for name, value in params.items():
            self.params.setdefault(name, []).append(value)

    def trace(self, name: str) -> np.ndarray:
        """Parameter ``name`` over the epochs, as an ndarray of shape (n_epochs, ...)."""
        return np.array(self.params[name])  # np.stack's result, without its checks per epoch (3x faster)

    def params_at(self, epoch: int) -> dict[str, Array]:
        """The parameters at ``epoch`` (after ``epoch`` updates); ``epoch == n_epochs`` gives
        the final ones."""
        if epoch == self.n_epochs:
            return dict(self.final_params)
        return {name: values[epoch] for name, values in self.params.items()}

    def params_after(self, epoch: int) -> dict[str, Array]:
        """The parameters one update after ``epoch``: ``params_at(epoch + 1)``."""
        return self.params_at(epoch + 1)

    def interrupted_note(self) -> str:
        """``"interrupted after 12 of 61 epochs"`` for an interrupted run, else ``""``.

        >>> History(loss=[1.0, 0.9], status="interrupted", meta={"epochs": 5}).interrupted_note()
        'interrupted after 2 of 5 epochs'
        """
        if self.status != "interrupted":
            return ""
        planned = self.meta.get("epochs")
        of = f" of {planned}" if isinstance(planned, int) and planned > self.n_epochs else ""
        return f"interrupted after {self.n_epochs}{of} epochs"

    def to_dict(self, max_numbers: int | None = None) -> dict[str, Any]:
        """A JSON-serialisable dict (arrays become nested lists); past ``max_numbers``
        numbers (default ``MAX_SAVED_NUMBERS``), evenly spaced epochs, said in ``meta``.

        >>> History(loss=[1.0], params={"b": [np.array(2.0)]}, status="completed").to_dict()
        {'loss': [1.0], 'params': {'b': [2.0]}, 'final_params': {}, 'status': 'completed', 'meta': {}, 'val_loss': []}
        """
        per_epoch = 2 + bool(self.val_loss) + sum(np.size(vs[0]) for vs in self.params.values() if vs)
        keep, meta = kept_epochs(self.n_epochs, per_epoch, max_numbers), self.meta
        if keep is not None:
            meta = {**meta, "sampled_epochs": {"kept": len(keep), "of": self.n_epochs}, "epoch_numbers": keep}

        def pick(values: list[Any]) -> list[Any]:
            return values if keep is None or not values else [values[i] for i in keep]
        return {
            "loss": pick(self.loss),
            "params": {k: [np.asarray(v).tolist() for v in pick(vs)] for k, vs in self.params.items()},
            "final_params": {k: np.asarray(v).tolist() for k, v in self.final_params.items()},
            "status": self.status,
            "meta": meta,
            "val_loss": pick(self.val_loss),
            **({"final_loss": self.final_loss} if self.final_loss is not None else {}),
        }

    @classmethod
    def from_dict(cls, data: object) -> Self:
        """Rebuild a History from :meth:`to_dict` output, checking every key.

        Raises
        ------
        DescentlabError
            Naming the key and what is wrong there: ``"loss"[3] is NaN``, ``"params"["W"]
            holds 5 epochs but "loss" 6``, ``"status" is 'done', not one of ...``.

        Examples
        --------
        >>> History.from_dict({"loss": [1.0, 0.5], "status": "completed"})
        History(n_epochs=2, status='completed', loss at epoch 1=0.5)
        >>> History.from_dict({"loss": [1.0, float("nan")]})
        Traceback (most recent call last):
        descentlab.errors.DescentlabError: "loss"[1] is NaN
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
        params: dict[str, list[Array]] = {}
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
        final_loss = data.get("final_loss")
        if final_loss is not None:
            final_loss = _number('"final_loss"', final_loss)
        return cls(loss=loss, params=params, final_params=final, status=status, meta=dict(meta),
                   val_loss=val_loss, final_loss=final_loss)

    def to_json(self) -> str:
        """The JSON text (:func:`descentlab.outputs.lessons.save_history` writes it to a file).

        >>> History.from_json(History(loss=[1.0], status="completed").to_json())
        History(n_epochs=1, status='completed', loss at epoch 0=1)
        """
        return json.dumps(self.to_dict(), indent=1)

    @classmethod
    def from_json(cls, text: str) -> Self:
        """A History from the text of :meth:`to_json` (the checks of :meth:`from_dict`).

        >>> History.from_json('{"loss": [2.0, 1.0], "status": "early_stopped"}').status_text
        'stopped early'
        """
        return cls.from_dict(json.loads(text))

    def __repr__(self) -> str:
        last = (f", loss at epoch {self.last_epoch}={self.epoch_losses[-1]:.6g}"
                if self.epoch_losses else "")
        return f"History(n_epochs={self.n_epochs}, status={self.status!r}{last})"


def load_history(path: str | os.PathLike[str]) -> History:
    """Read a ``history.json``; a missing, damaged or hand-edited file gives a one-line error
    naming the key that is wrong (files over :data:`descentlab.memory.MAX_JSON_BYTES` are
    refused unread).

    >>> load_history("no-such-folder/history.json")
    Traceback (most recent call last):
    descentlab.errors.DescentlabError: cannot read history 'no-such-folder/history.json' (No such file or directory): check the path
    """
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


#: The statuses in words, where the word differs from the key.
STATUS_WORDS = {"early_stopped": "stopped early"}

#: Why a run stopped (:attr:`History.status`).
