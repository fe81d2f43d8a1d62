import numpy as np
import pytest

from descentlab.core.losses import MeanSquaredError
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


def test_bce_from_logits_matches_the_textbook_formula():
    from descentlab.core.activations import sigmoid
    from descentlab.core.losses import BinaryCrossEntropy

    rng = np.random.default_rng(2)
    z, y = rng.normal(size=20) * 3, rng.integers(0, 2, size=20).astype(float)
    p = sigmoid(z)
    expected = np.mean(-y * np.log(p) - (1 - y) * np.log(1 - p))
    assert BinaryCrossEntropy().loss(y, z) == pytest.approx(expected)


def test_bce_grad_matches_finite_differences_and_is_finite_at_extremes():
    from descentlab.core.losses import BinaryCrossEntropy

    loss = BinaryCrossEntropy()
    rng = np.random.default_rng(3)
    z, y = rng.normal(size=(6, 1)), rng.integers(0, 2, size=(6, 1)).astype(float)
    np.testing.assert_allclose(loss.grad(y, z), numerical_grad(lambda: loss.loss(y, z), z),
                               rtol=1e-6, atol=1e-9)
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        big = loss.loss(np.array([0.0, 1.0]), np.array([800.0, -800.0]))
    assert big == pytest.approx(800.0)
