"""How a :class:`~descentlab.core.history.History` shows itself in a notebook (its figure
is :func:`descentlab.viz.history.plot_history`): a table of its epochs (epoch N: the
state after N updates; the last row the trained state when its loss is known) and an HTML summary with a sparkline."""

from typing import TYPE_CHECKING, Any

import numpy as np

from descentlab.core.xp import Array
from descentlab.errors import DescentlabError

if TYPE_CHECKING:                      # only for the annotations: never imported at run time
    import pandas


class HistoryViews:
    """Mixin of :class:`~descentlab.core.history.History`: ``to_records``,
    ``to_frame`` and ``_repr_html_``, all read from the History's fields.

    >>> from descentlab.core.history import History
    >>> "<svg class='sparkline'" in History(loss=[1.0, 0.5, 0.2])._repr_html_()
    True
    """

    if TYPE_CHECKING:  # the History's fields and properties these read
        loss: list[float]
        val_loss: list[float]
        params: dict[str, list[Array]]
        final_params: dict[str, Array]
        final_loss: float | None

        @property
        def n_epochs(self) -> int: ...
        @property
        def epoch_losses(self) -> list[float]: ...
        @property
        def last_epoch(self) -> int: ...
        @property
        def status_text(self) -> str: ...

    def to_records(self) -> list[dict[str, Any]]:
        """One dict per epoch: ``epoch``, ``loss``, ``val_loss`` (when recorded) and each
        recorded parameter entry (``W[0]``, ``b``, ...: arrays flattened in C order).

        Epoch ``N`` is the state after ``N`` updates; when :attr:`final_loss` is known the
        last row is epoch ``n_epochs``, the trained parameters and their loss.

        Needs nothing beyond NumPy; :meth:`to_frame` makes a pandas DataFrame of it.

        >>> from descentlab.core.history import History
        >>> History(loss=[1.0, 0.5], params={"W": [np.array([0.0, 1.0]), np.array([2.0, 3.0])]}).to_records()
        [{'epoch': 0, 'loss': 1.0, 'W[0]': 0.0, 'W[1]': 1.0}, {'epoch': 1, 'loss': 0.5, 'W[0]': 2.0, 'W[1]': 3.0}]
        """
        rows: list[dict[str, Any]] = []
        for i, loss in enumerate(self.loss):
            row: dict[str, Any] = {"epoch": i, "loss": loss}
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
        if self.final_loss is not None and self.params and self.final_params:
            row = {"epoch": self.n_epochs, "loss": self.final_loss}
            if self.val_loss:
                row["val_loss"] = float("nan")
            for name in self.params:
                flat = np.ravel(self.final_params.get(name, np.nan))
                row.update({name: float(flat[0])} if flat.size == 1 else
                           {f"{name}[{j}]": float(v) for j, v in enumerate(flat)})
            rows.append(row)
        return rows

    def to_frame(self) -> "pandas.DataFrame":
        """The epochs as a pandas DataFrame indexed by ``epoch`` (see :meth:`to_records`).

        Raises
        ------
        DescentlabError
            When pandas is not installed.

        Examples
        --------
        >>> from descentlab.core.history import History
        >>> History(loss=[1.0, 0.5]).to_frame()["loss"].tolist()
        [1.0, 0.5]
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

        rows: list[tuple[str, object]] = [("status", self.status_text), ("epochs (updates)", self.n_epochs)]
        losses = self.epoch_losses
        if losses:
            rows += [("loss at epoch 0", f"{losses[0]:.6g}"),
                     (f"loss at epoch {self.last_epoch}", f"{losses[-1]:.6g}"),
                     ("lowest loss", f"{np.nanmin(losses):.6g}")]
        if self.val_loss:
            rows.append(("last validation loss", f"{self.val_loss[-1]:.6g}"))
        cells = "".join(f"<tr><th style='text-align:left'>{escape(str(k))}</th>"
                        f"<td style='text-align:right'>{escape(str(v))}</td></tr>" for k, v in rows)
        return (f"<div class='descentlab-history'><strong>History</strong>"
                f"<table>{cells}</table>{_sparkline(losses)}</div>")


def _sparkline(values: list[float], width: int = 240, height: int = 48) -> str:
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
    points = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(xs, ys, strict=True))
    return (f"<svg class='sparkline' width='{width}' height='{height}' role='img' "
            f"aria-label='loss per epoch'><polyline fill='none' stroke='#1f77b4' "
            f"stroke-width='1.5' points='{points}'/></svg>")


