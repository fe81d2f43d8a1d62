"""The record of a training run, epoch by epoch, and its JSON form.

Every plot, animation and report is drawn from a :class:`History`, never by training
again on the side.
"""

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from descentlab.core.history_schema import STATUSES, _array, _bad, _numbers, _object, _what, kept_epochs
from descentlab.errors import DescentlabError
from descentlab.files import write_text
from descentlab.memory import read_text_capped

if TYPE_CHECKING:                      # only for the annotations: never imported at run time
    import pandas


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
    def n_epochs(self) -> int:
        """The number of epochs recorded."""
        return len(self.loss)

    def record(self, loss: float, params: dict) -> None:
        """Append one epoch: its loss and the parameters it was computed at.

        ``params`` is a dict of arrays that the history keeps as they are (pass copies).
        """
        self.loss.append(float(loss))
        for name, value in params.items():
            self.params.setdefault(name, []).append(value)

    def trace(self, name: str) -> np.ndarray:
        """Parameter ``name`` over the epochs, as an ndarray of shape (n_epochs, ...)."""
        return np.array(self.params[name])  # np.stack's result, without its checks per epoch (3x faster)

    def params_at(self, epoch: int) -> dict:
        """The parameters at the start of ``epoch``; ``epoch == n_epochs`` gives the final ones."""
        if epoch == self.n_epochs:
            return dict(self.final_params)
        return {name: values[epoch] for name, values in self.params.items()}

    def params_after(self, epoch: int) -> dict:
        """The parameters after the update of ``epoch`` (what the article draws)."""
        return self.params_at(epoch + 1)

    def interrupted_note(self):
        """``"interrupted after 12 of 61 epochs"`` for an interrupted run, else ``""``."""
        if self.status != "interrupted":
            return ""
        planned = self.meta.get("epochs")
        of = f" of {planned}" if isinstance(planned, int) and planned > self.n_epochs else ""
        return f"interrupted after {self.n_epochs}{of} epochs"

    def to_dict(self, max_numbers: int | None = None) -> dict:
        """A JSON-serialisable dict (arrays become nested lists); past ``max_numbers``
        numbers (default ``MAX_SAVED_NUMBERS``), evenly spaced epochs, said in ``meta``."""
        per_epoch = 2 + bool(self.val_loss) + sum(np.size(vs[0]) for vs in self.params.values() if vs)
        keep, meta = kept_epochs(self.n_epochs, per_epoch, max_numbers), self.meta
        if keep is not None:
            meta = {**meta, "sampled_epochs": {"kept": len(keep), "of": self.n_epochs}, "epoch_numbers": keep}

        def pick(values):
            return values if keep is None or not values else [values[i] for i in keep]
        return {
            "loss": pick(self.loss),
            "params": {k: [np.asarray(v).tolist() for v in pick(vs)] for k, vs in self.params.items()},
            "final_params": {k: np.asarray(v).tolist() for k, v in self.final_params.items()},
            "status": self.status,
            "meta": meta,
            "val_loss": pick(self.val_loss),
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

    def to_json(self, path=None):
        """The JSON text; with ``path``, written there atomically (a regular file only)."""
        text = json.dumps(self.to_dict(), indent=1)
        return text if path is None else write_text(path, text + "\n")

    @classmethod
    def from_json(cls, text):
        return cls.from_dict(json.loads(text))

    def __repr__(self):
        last = f", last loss={self.loss[-1]:.6g}" if self.loss else ""
        return f"History(n_epochs={self.n_epochs}, status={self.status!r}{last})"

    # -- in a notebook: a table, an HTML summary (the figure: descentlab.viz.history) --------
    def to_records(self) -> list[dict]:
        """One dict per epoch: ``epoch``, ``loss``, ``val_loss`` (when recorded) and each
        recorded parameter entry (``W[0]``, ``b``, ...: arrays flattened in C order).

        Needs nothing beyond NumPy; :meth:`to_frame` makes a pandas DataFrame of it.
        """
        rows = []
        for i, loss in enumerate(self.loss):
            row = {"epoch": i, "loss": loss}
            if self.val_loss:
                row["val_loss"] = self.val_loss[i] if i < len(self.val_loss) else float("nan")
            for name, values in self.params.items():
                if i < len(values):
                    flat = np.ravel(values[i])
                    if flat.size == 1:
                        row[name] = float(flat[0])
                    else:
                        row.update({f"{name}[{j}]": float(v) for j, v in enumerate(flat)})
            rows.append(row)
        return rows

    def to_frame(self) -> "pandas.DataFrame":
        """The epochs as a pandas DataFrame indexed by ``epoch`` (see :meth:`to_records`).

        Raises
        ------
        DescentlabError
            When pandas is not installed.
        """
        try:
            import pandas as pd
        except ImportError:
            raise DescentlabError("History.to_frame needs pandas, which is not installed: "
                                  "pip install pandas, or use History.to_records()") from None
        records = self.to_records()
        if not records:
            return pd.DataFrame({"loss": []}, index=pd.Index([], name="epoch"))
        return pd.DataFrame.from_records(records, index="epoch")

    def _repr_html_(self) -> str:
        """A small table (status, epochs, first, last and lowest loss) and a sparkline."""
        from html import escape

        rows = [("status", self.status), ("epochs", self.n_epochs)]
        if self.loss:
            rows += [("first loss", f"{self.loss[0]:.6g}"), ("last loss", f"{self.loss[-1]:.6g}"),
                     ("lowest loss", f"{np.nanmin(self.loss):.6g}")]
        if self.val_loss:
            rows.append(("last validation loss", f"{self.val_loss[-1]:.6g}"))
        cells = "".join(f"<tr><th style='text-align:left'>{escape(str(k))}</th>"
                        f"<td style='text-align:right'>{escape(str(v))}</td></tr>" for k, v in rows)
        return (f"<div class='descentlab-history'><strong>History</strong>"
                f"<table>{cells}</table>{_sparkline(self.loss)}</div>")


def _sparkline(values, width=240, height=48):
    """The values as an inline SVG polyline (log scale when they span two decades)."""
    y = np.asarray(values, dtype=float)
    y = y[np.isfinite(y)]
    if y.size < 2:
        return ""
    if y.min() > 0 and y.max() / y.min() > 100:
        y = np.log10(y)
    span = (y.max() - y.min()) or 1.0
    xs = np.linspace(2, width - 2, y.size)
    ys = height - 2 - (y - y.min()) / span * (height - 4)
    points = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(xs, ys, strict=False))
    return (f"<svg class='sparkline' width='{width}' height='{height}' role='img' "
            f"aria-label='loss per epoch'><polyline fill='none' stroke='#1f77b4' "
            f"stroke-width='1.5' points='{points}'/></svg>")


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
