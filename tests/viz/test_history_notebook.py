"""History in a notebook: its plot (viz.history), the records and the DataFrame, the HTML summary."""

import builtins

import numpy as np
import pytest

from descentlab.core.history import History
from descentlab.viz.history import plot_history
from descentlab.errors import DescentlabError


def _history(n=30, val=False, params=True, ratio=0.8):
    h = History(status="completed")
    for i in range(n):
        h.record(1000.0 * ratio ** i, {"W": np.array([[i, -i]], float), "b": np.array([0.5 * i])} if params else {})
        if val:
            h.val_loss.append(1100.0 * ratio ** i)
    return h


def test_plot_draws_the_loss_of_every_epoch():
    import matplotlib.pyplot as plt

    h = _history(12, ratio=0.9)
    ax = plot_history(h)
    (line,) = ax.lines
    np.testing.assert_array_equal(line.get_xdata(), np.arange(12))
    np.testing.assert_allclose(line.get_ydata(), h.loss)
    assert ax.get_yscale() == "linear" and ax.get_xlabel() == "Epoch"
    assert "completed" in ax.get_title()
    plt.close(ax.figure)


def test_plot_chooses_log_scale_for_a_wide_span_and_obeys_log():
    import matplotlib.pyplot as plt

    wide = _history(40, ratio=0.7)           # spans ~6 decades
    assert plot_history(wide).get_yscale() == "log"
    assert plot_history(wide, log=False).get_yscale() == "linear"
    assert plot_history(_history(5, ratio=0.9), log=True).get_yscale() == "log"
    plt.close("all")


def test_plot_adds_validation_and_draws_on_a_given_axes():
    from matplotlib.figure import Figure

    h = _history(10, val=True)
    ax = Figure().subplots()
    assert plot_history(h, ax=ax) is ax
    assert [l.get_label() for l in ax.lines] == ["training loss", "validation loss"]
    np.testing.assert_allclose(ax.lines[1].get_ydata(), h.val_loss)
    ax2 = Figure().subplots()
    assert len(plot_history(h, ax=ax2, val=False).lines) == 1


def test_records_and_frame_hold_loss_val_loss_and_flattened_params():
    h = _history(4, val=True)
    records = h.to_records()
    assert [r["epoch"] for r in records] == [0, 1, 2, 3]
    assert records[2] == {"epoch": 2, "loss": h.loss[2], "val_loss": h.val_loss[2],
                          "W[0]": 2.0, "W[1]": -2.0, "b": 1.0}
    pd = pytest.importorskip("pandas")
    frame = h.to_frame()
    assert isinstance(frame, pd.DataFrame) and frame.index.name == "epoch"
    assert list(frame.columns) == ["loss", "val_loss", "W[0]", "W[1]", "b"]
    np.testing.assert_allclose(frame["loss"], h.loss)
    assert len(History().to_frame()) == 0


def test_to_frame_without_pandas_says_what_to_do(monkeypatch):
    real_import = builtins.__import__

    def no_pandas(name, *args, **kwargs):
        if name == "pandas":
            raise ImportError("no pandas")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pandas)
    with pytest.raises(DescentlabError, match="needs pandas.*to_records"):
        _history(3).to_frame()


def test_html_summary_has_status_epochs_losses_and_a_sparkline():
    h = _history(25, val=True)
    html = h._repr_html_()
    for text in ("completed", "25", f"{h.loss[0]:.6g}", f"{h.loss[-1]:.6g}", f"{h.val_loss[-1]:.6g}"):
        assert text in html
    points = html.split("points='")[1].split("'")[0].split()
    assert len(points) == 25
    ys = [float(p.split(",")[1]) for p in points]
    assert ys[0] < ys[-1]                     # SVG y grows downwards: the loss falls
    assert "<svg" not in History()._repr_html_()
