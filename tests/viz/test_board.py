"""The live board: its line outside Jupyter, its figure updated in place inside one."""

import io

import numpy as np
import pytest

from descentlab.core.history import History
from descentlab.core.models import LinearModel
from descentlab.core.optimizers import GradientDescent
from descentlab.core.trainer import train
from descentlab.data.synthetic import make_article_data
from descentlab.viz.board import PNG, LiveBoard, in_kernel, progress


@pytest.fixture(scope="module")
def data():
    d = make_article_data()
    return d.X, d.y


class FakeDisplay:
    """Records what the board displays and how often it updates the same output."""

    def __init__(self):
        self.shown, self.updates = [], []

    def __call__(self, obj, display_id=True):
        assert display_id is True
        self.shown.append(obj)
        return self

    def update(self, obj):
        self.updates.append(obj)


def _train(board, X, y, epochs=25):
    history = train(LinearModel(1, seed=0), X, y, optimizer=GradientDescent(0.05), epochs=epochs,
                    callbacks=[board])
    board.close()
    return history


def test_outside_a_kernel_it_writes_one_line_rewritten_in_place(data):
    assert not in_kernel()
    stream = io.StringIO()
    board = LiveBoard(every=10, total=25, stream=stream)
    assert board.mode == "terminal"
    history = _train(board, *data)
    text = stream.getvalue()
    assert text.count("\n") == 1 and text.endswith("\n")
    updates = [u.strip() for u in text.split("\r") if u.strip()]
    assert [u.split()[1] for u in updates] == ["1/25", "11/25", "21/25", "25/25"]
    assert updates[-1].startswith(f"update 25/25  loss at epoch 24 {history.loss[-1]:.6g}")


def test_training_ends_the_line_without_close(data):
    # a script that never calls close(): the trainer's on_train_end ends the line
    stream = io.StringIO()
    board = LiveBoard(every=10, stream=stream)
    train(LinearModel(1, seed=0), *data, epochs=12, callbacks=[board])
    assert stream.getvalue().endswith("\n") and stream.getvalue().count("\n") == 1


def test_in_a_notebook_it_displays_once_and_updates_that_output(data):
    shown = FakeDisplay()
    board = LiveBoard(every=5, total=25, mode="notebook", display=shown,
                      series={"m": lambda h: float(np.ravel(h.params["W"][-1])[0])})
    history = _train(board, *data)
    assert len(shown.shown) == 1 and len(shown.updates) == 5      # epochs 0, 5, ..., 20, then 24
    assert board.draws == 6
    png = shown.updates[-1]._repr_png_()
    assert isinstance(shown.shown[0], PNG) and png.startswith(b"\x89PNG")
    assert len(board.values["m"]) == history.n_epochs == 25


def test_the_board_figure_draws_the_recorded_series(data):
    h = History(loss=[4.0, 2.0, 1.0], val_loss=[5.0, 3.0, 2.0], status="completed")
    board = LiveBoard(mode="notebook", display=FakeDisplay(), series={"acc": lambda h: 0.5})
    for epoch in range(3):
        board(epoch, h)
    fig = board.figure(h)
    loss_ax, series_ax = fig.axes[:2]
    assert [l.get_label() for l in loss_ax.lines] == ["training loss", "validation loss"]
    np.testing.assert_allclose(loss_ax.lines[1].get_ydata(), h.val_loss)
    np.testing.assert_allclose(series_ax.lines[0].get_ydata(), [0.5, 0.5, 0.5])


def test_without_every_it_redraws_at_most_max_rate_times_a_second(data):
    board = LiveBoard(max_rate=1e-6, mode="terminal", stream=io.StringIO())
    _train(board, *data, epochs=40)
    assert board.draws == 2                                       # the first epoch, then close()


def test_an_estimator_accepts_the_board_and_the_progress_bar(data):
    from descentlab.estimators import GDRegressor

    X, y = data
    stream = io.StringIO()
    board = LiveBoard(every=1, mode="terminal", stream=stream)
    bar = progress(50, stream=io.StringIO())
    reg = GDRegressor(solver="gd", epochs=50, tol=None).fit(X, y, callbacks=[board, bar])
    bar.close()
    assert board.draws == reg.n_iter_ == 50
    assert "progress" in repr(bar) or "LiveBoard" in repr(bar)


def test_in_a_kernel_it_finishes_the_board_when_the_cell_ends(data, monkeypatch):
    """A stand-in IPython kernel: the board registers for post_run_cell and draws the end."""
    import sys
    import types

    class Events:
        def __init__(self):
            self.hooks = []

        def register(self, name, f):
            self.hooks.append((name, f))

        def unregister(self, name, f):
            self.hooks.remove((name, f))

    shell = types.SimpleNamespace(kernel=object(), events=Events())
    monkeypatch.setitem(sys.modules, "IPython", types.SimpleNamespace(get_ipython=lambda: shell))
    assert in_kernel()
    shown = FakeDisplay()
    board = LiveBoard(max_rate=1e-6, display=shown)                 # draws the first epoch only
    assert board.mode == "notebook"
    history = train(LinearModel(1, seed=0), *data, optimizer=GradientDescent(0.05), epochs=30,
                    callbacks=[board])
    # training's end draws the last epoch (on_train_end); the cell's end changes nothing more
    assert board.draws == 2 and [n for n, _ in shell.events.hooks] == ["post_run_cell"]
    for _, hook in list(shell.events.hooks):                        # the cell ends
        hook(None)
    assert board.draws == 2 and len(shown.updates) == 1 and not shell.events.hooks
    assert history.n_epochs == 30 and board._closed
    # the board reused in another cell draws there: a new output, not an update of this one
    train(LinearModel(1, seed=0), *data, optimizer=GradientDescent(0.05), epochs=5, callbacks=[board])
    assert len(shown.shown) == 2 and len(shown.updates) == 2
