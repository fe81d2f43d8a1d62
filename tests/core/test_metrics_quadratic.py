import numpy as np
import pytest
from sklearn.linear_model import LinearRegression
from sklearn.metrics import mean_absolute_percentage_error, r2_score

from descentlab.core.quadratic import least_squares
from descentlab.core.stepsize import stability_bound
from descentlab.core.metrics import mape_percent, regression_metrics


def test_mape_is_the_articles_accuracy_formula():
    rng = np.random.default_rng(0)
    y, y_pred = rng.normal(size=50) + 5, rng.normal(size=50) + 5
    mape, excluded = mape_percent(y, y_pred)
    assert mape == pytest.approx(np.mean(np.fabs((y_pred - y) / y)) * 100)
    assert excluded == 0


def test_zero_targets_are_left_out_not_infinite():
    y = np.array([0.0, 2.0, 4.0, 0.0])
    y_pred = np.array([1.0, 1.0, 5.0, -1.0])
    mape, excluded = mape_percent(y, y_pred)
    assert excluded == 2
    assert mape == pytest.approx(100 * mean_absolute_percentage_error([2.0, 4.0], [1.0, 5.0]))
    assert mape_percent(np.zeros(3), np.ones(3)) == (None, 3)
    m = regression_metrics(np.zeros(3), np.ones(3))
    assert m["mape_percent"] is None and np.isfinite(m["rmse"])


def test_regression_metrics_use_their_real_definitions():
    rng = np.random.default_rng(1)
    y, y_pred = rng.normal(size=40), rng.normal(size=40)
    m = regression_metrics(y, y_pred)
    assert m["r2"] == pytest.approx(r2_score(y, y_pred))
    assert m["rmse"] == pytest.approx(np.sqrt(np.mean((y - y_pred) ** 2)))
    assert m["mae"] == pytest.approx(np.mean(np.abs(y - y_pred)))
    assert m["loss"] == pytest.approx(0.5 * m["rmse"] ** 2)


def test_least_squares_matches_scikit_learn():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(60, 4))
    y = X @ [1.0, -2.0, 3.0, 0.5] + 4 + rng.normal(size=60)
    W, b = least_squares(X, y)
    ref = LinearRegression().fit(X, y)
    np.testing.assert_allclose(W, ref.coef_, rtol=1e-10)
    assert b == pytest.approx(ref.intercept_)


def test_stability_bound_is_two_over_the_largest_eigenvalue():
    X = np.array([[1.0], [-1.0], [3.0], [-3.0]])  # mean 0, second moment 5; bias column 1
    assert stability_bound(X) == pytest.approx(2 / 5)


def test_quadratic_form_gives_the_half_mse_and_its_gradient():
    from descentlab.core.quadratic import quadratic_loss
    from descentlab.fast.moments import quadratic_form
    from descentlab.core.losses import MeanSquaredError
    from descentlab.core.models import linear_backward, linear_forward

    rng = np.random.default_rng(3)
    X, y = rng.normal(size=(70, 2)), rng.normal(size=70)
    form = quadratic_form(X, y)
    thetas = rng.normal(size=(4, 5, 3))
    loss, grad = quadratic_loss(form, thetas)
    assert loss.shape == (4, 5) and grad.shape == (4, 5, 3)
    mse = MeanSquaredError()
    for idx in np.ndindex(4, 5):
        W, b = thetas[idx][:2], thetas[idx][2]
        y_pred = linear_forward(X, W, b)
        assert loss[idx] == pytest.approx(mse.loss(y, y_pred), rel=1e-12)
        dW, db = linear_backward(X, mse.grad(y, y_pred))
        np.testing.assert_allclose(grad[idx], [*dW, db], rtol=1e-10, atol=1e-12)


def test_the_moments_hold_the_quadratic_form_of_the_rows():
    from descentlab.core.quadratic import second_moment, with_bias_column
    from descentlab.fast.moments import Moments

    rng = np.random.default_rng(5)
    X = rng.normal(size=(90, 3)) * [1, 10, 0.1] + 50
    y = rng.normal(size=90) + 20
    H, c, s = Moments.from_arrays(X, y, block_rows=17).quadratic_form()
    Xt = with_bias_column(X)
    np.testing.assert_allclose(H, Xt.T @ Xt / 90, rtol=1e-12)
    np.testing.assert_allclose(H, second_moment(X), rtol=1e-12)
    np.testing.assert_allclose(c, Xt.T @ y / 90, rtol=1e-12)
    assert s == pytest.approx(0.5 * y @ y / 90, rel=1e-12)


def test_quadratic_loss_is_smallest_at_least_squares():
    from descentlab.core.quadratic import quadratic_loss
    from descentlab.fast.moments import quadratic_form

    rng = np.random.default_rng(4)
    X = rng.normal(size=(50, 1))
    y = 3 * X[:, 0] + 1 + rng.normal(size=50)
    W, b = least_squares(X, y)
    form = quadratic_form(X, y)
    best, grad = quadratic_loss(form, np.array([W[0], b]))
    np.testing.assert_allclose(grad, 0, atol=1e-12)
    around, _ = quadratic_loss(form, np.array([W[0], b]) + rng.normal(size=(20, 2)) * 0.1)
    assert np.all(around > best)
