import numpy as np
import pytest

from descentlab.losses import MeanSquaredError
from helpers import numerical_grad


def test_mse_is_half_the_mean_squared_error():
    y = np.array([1.0, 2.0, 3.0])
    y_pred = np.array([2.0, 2.0, 5.0])
    assert MeanSquaredError().loss(y, y_pred) == pytest.approx(0.5 * (1 + 0 + 4) / 3)


@pytest.mark.parametrize("shape", [(7,), (5, 1), (4, 3)])
def test_mse_grad_matches_finite_differences(shape):
    rng = np.random.default_rng(1)
    y, y_pred = rng.normal(size=shape), rng.normal(size=shape)
    loss = MeanSquaredError()
    expected = numerical_grad(lambda: loss.loss(y, y_pred), y_pred)
    np.testing.assert_allclose(loss.grad(y, y_pred), expected, rtol=1e-6, atol=1e-9)
