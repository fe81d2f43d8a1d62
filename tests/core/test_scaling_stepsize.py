"""Standardisation, coefficients back in the data's units, the step size from the data."""

import numpy as np
import pytest

from descentlab.core.quadratic import with_bias_column
from descentlab.core.stepsize import power_iteration
from descentlab.core.losses import BinaryCrossEntropy, MeanSquaredError
from descentlab.core.scaling import standardize, to_data_units
from descentlab.core.stepsize import ADAM_LR, curvature, default_lr


def test_standardize_centres_and_scales_and_leaves_constant_columns_finite():
    rng = np.random.default_rng(0)
    X = np.column_stack([rng.normal(5, 3, 50), np.full(50, 7.0), rng.normal(-1e4, 1e3, 50)])
    Z, mean, scale = standardize(X)
    np.testing.assert_allclose(Z.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(Z.std(axis=0), [1, 0, 1], atol=1e-12)
    assert scale[1] == 1.0 and np.all(np.isfinite(Z))


def test_coefficients_in_data_units_give_the_same_predictions():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(30, 4)) * [1e-3, 1, 1e3, 50] + [0, 10, -5e3, 2]
    y = rng.normal(300, 40, size=30)
    Z, x_mean, x_scale = standardize(X)
    t, y_mean, y_scale = standardize(y)
    W, b = rng.normal(size=4), 0.3
    coef, intercept = to_data_units(W, b, x_mean, x_scale, y_mean, y_scale)
    np.testing.assert_allclose(X @ coef + intercept, (Z @ W + b) * y_scale + y_mean, rtol=1e-10)


@pytest.mark.parametrize("seed,n_features", [(0, 1), (1, 4), (2, 12)])
def test_power_iteration_finds_the_top_eigenvalue(seed, n_features):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(60, n_features)) * rng.uniform(0.1, 5, size=n_features)
    Xb = with_bias_column(X)
    exact = np.linalg.eigvalsh(Xb.T @ Xb / 60)[-1]
    assert power_iteration(X) == pytest.approx(exact, rel=1e-6)
    assert power_iteration(np.zeros((5, 2)), bias=False) == 0.0


def test_curvature_scales_with_the_loss_and_grows_for_small_batches():
    X = np.random.default_rng(3).normal(size=(100, 3))
    full = curvature(X, MeanSquaredError())
    assert curvature(X, BinaryCrossEntropy()) == pytest.approx(full / 4)
    assert curvature(X, MeanSquaredError(), batch_size=1) > curvature(X, MeanSquaredError(), 50) > full


def test_default_lr():
    assert default_lr(4.0) == 0.25
    assert default_lr(4.0, "nesterov", 0.9) == 0.25
    assert default_lr(4.0, "nesterov", 0.9, minibatch=True) == pytest.approx(0.025)
    assert default_lr(4.0, "adam") == ADAM_LR
