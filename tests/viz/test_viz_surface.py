"""The cost against m and the loss surface: the path, one point per epoch; the minimum at least squares."""

import numpy as np
import pytest

from descentlab.core.quadratic import least_squares
from descentlab.errors import DescentlabError
from descentlab.core.history import History
from descentlab.core.losses import MeanSquaredError
from descentlab.viz.surface import cost_vs_m_figure, loss_surface_figure


def _labelled(ax, start):
    return [line for line in ax.lines if line.get_label().startswith(start)]


def test_cost_against_m(article_run):
    r = article_run
    fig = cost_vs_m_figure(r.history, r.X_train, r.y_train)
    (ax,) = fig.axes
    assert ax.get_title() == "Cost against one parameter m (b held at its optimum)"
    assert ax.get_xlabel().startswith("m") and ax.get_ylabel() == "Loss"
    W_ls, b_ls = least_squares(r.X_train, r.y_train)
    (steps,) = _labelled(ax, "gradient descent")
    m_steps, cost_steps = steps.get_data()
    np.testing.assert_allclose(m_steps, r.history.trace("W")[:, 0])  # one point per epoch
    mse = MeanSquaredError()
    np.testing.assert_allclose(cost_steps[5], mse.loss(r.y_train, r.X_train[:, 0] * m_steps[5] + b_ls))
    (optimum,) = _labelled(ax, "optimum a")
    assert optimum.get_xdata()[0] == pytest.approx(W_ls[0])
    (curve,) = _labelled(ax, "cost")
    grid, cost = curve.get_data()
    assert grid[np.argmin(cost)] == pytest.approx(W_ls[0], abs=np.ptp(grid) / 300)
    slopes = [t.get_text() for t in ax.texts if t.get_text().startswith("slope")]
    assert 3 <= len(slopes) <= 8
    # the first tangent's slope is dL/dm at (m_0, b*), negative since m_0 < a
    m0 = m_steps[0]
    dm = np.mean((m0 * r.X_train[:, 0] + b_ls - r.y_train) * r.X_train[:, 0])
    assert slopes[0] == f"slope {dm:.3g}" and dm < 0


def test_loss_surface_and_contour(article_run):
    r = article_run
    fig = loss_surface_figure(r.history, r.X_train, r.y_train)
    ax3d, ax = fig.axes[:2]
    assert ax3d.get_title() == "Loss surface over (m, b)"
    assert ax.get_title() == "Contour map of the loss with the descent path"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("m", "b")
    W_ls, b_ls = least_squares(r.X_train, r.y_train)
    m, b = r.history.trace("W")[:, 0], r.history.trace("b")
    (path3d,) = _labelled(ax3d, "descent path")
    xs, ys, zs = path3d.get_data_3d()
    assert len(xs) == r.history.n_epochs == 61
    np.testing.assert_allclose(xs, m)
    np.testing.assert_allclose(ys, b)
    np.testing.assert_allclose(zs, r.history.loss)
    (star3d,) = [c for c in ax3d.collections if c.get_label() == "least-squares minimum"]
    np.testing.assert_allclose(np.ravel(star3d._offsets3d)[:2], [W_ls[0], b_ls])
    (path,) = _labelled(ax, "descent path")
    np.testing.assert_allclose(path.get_xdata(), m)
    np.testing.assert_allclose(path.get_ydata(), b)
    (star,) = _labelled(ax, "least-squares minimum")
    assert (star.get_xdata()[0], star.get_ydata()[0]) == pytest.approx((W_ls[0], b_ls))
    assert len(ax.collections) >= 1  # the contour set


def test_the_path_lies_on_the_drawn_surface(article_run):
    """The surface comes from the quadratic form; the path's heights are the History's losses."""
    from descentlab.core.quadratic import quadratic_loss
    from descentlab.fast.moments import quadratic_form

    r = article_run
    thetas = np.column_stack([r.history.trace("W")[:, 0], r.history.trace("b")])
    surface, _ = quadratic_loss(quadratic_form(r.X_train, r.y_train), thetas)
    np.testing.assert_allclose(surface, r.history.loss, rtol=1e-10)


def test_surface_needs_one_feature():
    X = np.zeros((4, 2))
    h = History(loss=[1.0], params={"W": [np.zeros(2)], "b": [np.array(0.0)]})
    for draw in (cost_vs_m_figure, loss_surface_figure):
        with pytest.raises(DescentlabError, match="needs one feature"):
            draw(h, X, np.zeros(4))
