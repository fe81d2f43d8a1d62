import numpy as np
import pytest

from descentlab.core.activations import ACTIVATIONS, get_activation, sigmoid
from descentlab.errors import DescentlabError
from helpers import numerical_grad


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_derivative_matches_finite_differences(name):
    g = get_activation(name)
    z = np.array([-2.5, -0.7, 0.3, 1.9])  # away from ReLU's kink
    for i in range(z.size):
        zi = z[i:i + 1].copy()
        expected = numerical_grad(lambda: float(g.forward(zi)[0]), zi)
        assert g.derivative(z[i:i + 1])[0] == pytest.approx(expected[0], rel=1e-6, abs=1e-9)


def test_sigmoid_is_stable_at_extremes():
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        s = sigmoid(np.array([-1000.0, 0.0, 1000.0]))
    np.testing.assert_array_equal(s, [0.0, 0.5, 1.0])


def test_unknown_activation_is_a_one_line_error():
    with pytest.raises(DescentlabError, match="unknown activation 'swish'"):
        get_activation("swish")
