"""The record of a training run, epoch by epoch, and its JSON form.

Every plot, animation and report is drawn from a :class:`History`, never by training
again on the side.
"""

import json
from pathlib import Path
from dataclasses import dataclass, field

import numpy as np

from descentlab.errors import DescentlabError


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
        """Rebuild a History from :meth:`to_dict` output."""
        return cls(
            loss=[float(v) for v in data["loss"]],
            params={k: [np.asarray(v, dtype=float) for v in vs] for k, vs in data.get("params", {}).items()},
            final_params={k: np.asarray(v, dtype=float) for k, v in data.get("final_params", {}).items()},
            status=data.get("status", "completed"),
            meta=dict(data.get("meta", {})),
            val_loss=[float(v) for v in data.get("val_loss", [])],
        )

    def to_json(self):
        return json.dumps(self.to_dict(), indent=1)

    @classmethod
    def from_json(cls, text):
        return cls.from_dict(json.loads(text))

    def __repr__(self):
        last = f", last loss={self.loss[-1]:.6g}" if self.loss else ""
        return f"History(n_epochs={self.n_epochs}, status={self.status!r}{last})"


def load_history(path):
    """Read a ``history.json``; a missing or malformed file gives a one-line error."""
    try:
        return History.from_json(Path(path).read_text())
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise DescentlabError(f"cannot read history {str(path)!r} ({exc}): "
                              "pass a history.json written by descentlab") from None
