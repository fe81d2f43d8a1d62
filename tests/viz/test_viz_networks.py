import numpy as np
import pytest
from matplotlib.figure import Figure

from descentlab.lessons.collapse import CollapseConfig, run_collapse
from descentlab.lessons.logistic import LogisticConfig, run_logistic
from descentlab.lessons.nonlinear import NonlinearConfig, run_nonlinear
from descentlab.viz.logistic import boundary_figure, boundary_line, draw_boundary
from descentlab.viz.networks import collapse_figure, nonlinear_figure


def test_collapse_figure_draws_the_network_its_line_and_least_squares():
    r = run_collapse(CollapseConfig(epochs=60))
    ax1, ax2 = collapse_figure(r).axes
    net, line, ls = ax1.lines
    x, y_line = line.get_data()
    np.testing.assert_allclose(y_line, r.m * x + r.intercept)
    np.testing.assert_allclose(net.get_ydata(), y_line, atol=1e-9)  # the same line
    np.testing.assert_allclose(ls.get_ydata(), r.ls_m * x + r.ls_intercept)
    loss_line, floor = ax2.lines
    np.testing.assert_allclose(loss_line.get_ydata(), r.history.epoch_losses)  # epochs 0 .. n: the trained network last
    assert floor.get_ydata()[0] == pytest.approx(r.ls_loss) and ax2.get_yscale() == "log"


def test_nonlinear_figure_has_one_curve_and_one_loss_per_model():
    r = run_nonlinear(NonlinearConfig(epochs=30, widths=(3,)))
    ax1, ax2 = nonlinear_figure(r).axes
    assert [l.get_label() for l in ax1.lines] == [f.label for f in r.fits]
    assert len(ax2.lines) == len(r.fits) + 1
    np.testing.assert_allclose(ax2.lines[-2].get_ydata(), r.fits[-1].history.epoch_losses)


@pytest.mark.parametrize("W,b", [([1.0, 2.0], -0.5), ([3.0, 0.1], 0.2), ([0.0, -1.0], 0.3)])
def test_boundary_line_is_where_the_probability_is_one_half(W, b):
    params = {"W": np.array(W), "b": np.array(b)}
    x1, x2 = boundary_line(params, (-3, 3), (-2, 2))
    np.testing.assert_allclose(W[0] * x1 + W[1] * x2 + b, 0.0, atol=1e-12)


def test_draw_boundary_draws_one_frame_on_any_axes():
    X = np.array([[-1.0, -1.0], [1.0, 1.0], [0.5, -0.3]])
    y = np.array([0.0, 1.0, 1.0])
    ax = Figure().subplots()
    line = draw_boundary(ax, {"W": np.array([1.0, 1.0]), "b": np.array(0.0)}, X, y, title="t")
    assert line is ax.lines[0] and ax.get_title() == "t"
    assert len(ax.collections) >= 2  # the two classes (and the shading)
    assert draw_boundary(Figure().subplots(), {"W": np.zeros(2), "b": np.array(1.0)}, X, y) is None


def test_boundary_figure_has_a_panel_per_snapshot_then_loss_and_accuracy():
    r = run_logistic(LogisticConfig(epochs=40, snapshots=4))
    epochs = r.snapshot_epochs()
    fig = boundary_figure(r.history, r.X_train, r.y_train, epochs, r.accuracy_trace)
    bars = [ax for ax in fig.axes if ax.get_label() == "<colorbar>"]
    axes = [ax for ax in fig.axes if ax.get_label() != "<colorbar>"]
    assert len(axes) == len(epochs) + 2
    assert len(bars) == len(epochs) and all(b.get_ylabel() == "p(class 1)" for b in bars)
    assert axes[0].get_title().startswith("epoch 0:") and axes[len(epochs) - 1].get_title().startswith(
        f"epoch {epochs[-1]} (trained):")
    W_end = r.history.params_at(r.history.n_epochs)["W"]
    (x1, x2) = axes[len(epochs) - 1].lines[0].get_data()
    b_end = float(r.history.final_params["b"])
    np.testing.assert_allclose(W_end[0] * x1 + W_end[1] * x2 + b_end, 0.0, atol=1e-9)
    assert axes[-1].get_title().startswith("Training accuracy")
    np.testing.assert_allclose(fig.axes[-1].lines[0].get_ydata(), 100 * r.accuracy_trace)
