import numpy as np
import pytest

from descentlab import tutorial as t
from descentlab.lessons.article import run_tutorial
from descentlab.viz.article import epoch_figure, line_of


def test_plot_graph_without_losses_has_one_panel_of_data():
    X = np.linspace(-1, 1, 30)
    fig = t.plot_graph({"X": X, "y": 2 * X})
    (ax,) = fig.axes
    assert ax.get_title() == "Plot of Datapoints generated"
    assert len(ax.collections) == 1 and len(ax.lines) == 0
    np.testing.assert_allclose(ax.collections[0].get_offsets()[:, 0], X)
    assert tuple(fig.get_size_inches()) == (8, 6)


def test_plot_pred_line_draws_the_red_line_and_the_loss_panel():
    X = np.linspace(-2, 3, 30)
    fig = t.plot_pred_line(X, 3 * X, 3.0, 1.0, losses=[5.0, 3.0, 2.0])
    ax1, ax2 = fig.axes
    assert ax1.get_title() == "Predicted Line on set of Datapoints"
    (line,) = ax1.lines
    x_line, y_line = line.get_data()
    np.testing.assert_allclose(x_line, np.linspace(-2, 3, 10))
    np.testing.assert_allclose(y_line, 3 * x_line + 1)
    assert line.get_color() == "red"
    assert (ax2.get_title(), ax2.get_xlabel(), ax2.get_ylabel()) == ("Loss", "Epoch", "Loss")
    np.testing.assert_allclose(ax2.lines[0].get_ydata(), [5, 3, 2])
    assert tuple(fig.get_size_inches()) == (16, 6)


def test_epoch_figure_draws_the_state_after_that_many_updates():
    # epoch N is the state after N updates: the line where loss[N] was computed
    r = run_tutorial(log=None)
    fig = epoch_figure(r.history, r.X_train, r.y_train, 30)
    ax1, ax2 = fig.axes
    assert len(ax2.lines[0].get_ydata()) == 31
    m, b = line_of(r.history.params_at(30), r.X_train)
    x_line, y_line = ax1.lines[0].get_data()
    np.testing.assert_allclose(y_line, m * x_line + b)
    assert m == pytest.approx(r.history.params["W"][30][0])
    assert ax2.lines[0].get_ydata()[-1] == r.history.loss[30]
    # the last epoch is the trained line and its loss
    fig = epoch_figure(r.history, r.X_train, r.y_train, r.history.n_epochs)
    m, b = line_of(r.model.params, r.X_train)
    np.testing.assert_allclose(fig.axes[0].lines[0].get_data()[1], m * x_line + b)
    assert fig.axes[1].lines[0].get_ydata()[-1] == pytest.approx(r.metrics["train"]["loss"])
    # every epoch's figure shares one loss axis, from 0 (epoch 0's is not a sliver)
    assert epoch_figure(r.history, r.X_train, r.y_train, 0).axes[1].get_ylim() == ax2.get_ylim()
    assert ax2.get_ylim()[0] == 0 and ax2.get_ylim()[1] > max(r.history.loss)


def test_line_of_several_features_holds_the_others_at_their_mean():
    X = np.array([[0.0, 1.0], [1.0, 3.0]])
    m, b = line_of({"W": np.array([2.0, 5.0]), "b": np.array(1.0)}, X)
    assert (m, b) == (2.0, 1.0 + 5.0 * 2.0)
