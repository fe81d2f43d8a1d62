import numpy as np
import pytest

from descentlab.core.activations import ACTIVATIONS
from descentlab.errors import DescentlabError
from descentlab.core.layers import INITS, Dense, init_weights
from descentlab.core.models import LinearModel
from helpers import numerical_grad


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_dense_gradients_match_finite_differences(activation, bias):
    rng = np.random.default_rng(11)
    X = rng.normal(size=(6, 3))
    R = rng.normal(size=(6, 4))  # L = sum(A * R), so dL/dA = R
    layer = Dense(3, 4, activation, bias=bias, rng=5)

    def value():
        return float(np.sum(layer.predict(X) * R))

    layer.forward(X)
    dLdX = layer.backward(R)
    assert set(layer.grads) == set(layer.params) == ({"W", "b"} if bias else {"W"})
    for name, param in layer.params.items():
        np.testing.assert_allclose(layer.grads[name], numerical_grad(value, param), rtol=1e-5, atol=1e-7)
        assert layer.grads[name].shape == param.shape
    np.testing.assert_allclose(dLdX, numerical_grad(value, X), rtol=1e-5, atol=1e-7)


def test_normal_init_is_the_articles_scalar_draw():
    # one input, one output: the same m and b as the article's single neuron
    layer = Dense(1, 1, init="normal", rng=3)
    model = LinearModel(1, seed=3)
    assert layer.params["W"][0, 0] == model.params["W"][0]
    assert layer.params["b"][0] == model.params["b"]


@pytest.mark.parametrize("init,std", [("xavier", np.sqrt(2 / (400 + 600))), ("he", np.sqrt(2 / 400)),
                                      ("normal", 10.0)])
def test_init_schemes_have_their_documented_spread_and_are_seeded(init, std):
    a = init_weights(400, 600, init, np.random.default_rng(0))
    b = init_weights(400, 600, init, np.random.default_rng(0))
    np.testing.assert_array_equal(a["W"], b["W"])
    assert a["W"].shape == (400, 600) and a["b"].shape == (600,)
    assert a["W"].std() == pytest.approx(std, rel=0.01)
    if init != "normal":
        np.testing.assert_array_equal(a["b"], 0.0)


def test_bad_layers_are_one_line_errors():
    with pytest.raises(DescentlabError, match="unknown initialisation 'glorot'"):
        Dense(2, 2, init="glorot")
    with pytest.raises(DescentlabError, match="unknown activation 'swish'"):
        Dense(2, 2, activation="swish")
    with pytest.raises(DescentlabError, match="layer size 0"):
        Dense(2, 0)
    assert sorted(INITS) == ["he", "normal", "xavier"]


def test_repr():
    assert repr(Dense(2, 3, "tanh", bias=False)) == "Dense(2, 3, activation='tanh', init='xavier', bias=False)"
