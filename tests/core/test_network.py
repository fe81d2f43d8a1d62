import numpy as np
import pytest

from descentlab.errors import DescentlabError
from descentlab.core.layers import Dense
from descentlab.core.losses import BinaryCrossEntropy, MeanSquaredError
from descentlab.core.network import Network, make_network
from descentlab.core.optimizers import GradientDescent
from descentlab.core.trainer import train
from helpers import numerical_grad


def _check_network_gradients(net, X, y, loss):
    def value():
        return loss.loss(y, net.predict(X))

    grads = net.backward(loss.grad(y, net.forward(X)))
    assert set(grads) == set(net.params)
    for key, param in net.params.items():
        np.testing.assert_allclose(grads[key], numerical_grad(value, param), rtol=1e-5, atol=1e-8)


def test_whole_network_gradients_match_finite_differences_several_outputs():
    rng = np.random.default_rng(0)
    net = Network([Dense(2, 4, "tanh", rng=1), Dense(4, 3, "relu", init="he", rng=2),
                   Dense(3, 2, "sigmoid", rng=3)])
    X, y = rng.normal(size=(9, 2)), rng.normal(size=(9, 2))
    _check_network_gradients(net, X, y, MeanSquaredError())


def test_whole_network_gradients_with_one_output_and_cross_entropy():
    rng = np.random.default_rng(1)
    net = make_network([3, 5, 1], "tanh", seed=4)
    X, y = rng.normal(size=(12, 3)), rng.integers(0, 2, size=12).astype(float)
    assert net.forward(X).shape == (12,)
    _check_network_gradients(net, X, y, BinaryCrossEntropy())


def test_params_are_the_layers_arrays_and_train_updates_them():
    net = make_network([1, 3, 1], "tanh", seed=0)
    assert list(net.params) == ["0.W", "0.b", "1.W", "1.b"]
    assert net.params["1.W"] is net.layers[1].params["W"]
    X = np.linspace(-2, 2, 40)[:, None]
    y = np.sin(X[:, 0])
    history = train(net, X, y, optimizer=GradientDescent(0.2), epochs=50)
    assert history.loss[-1] < history.loss[0] / 2
    np.testing.assert_array_equal(net.layers[0].params["W"], history.final_params["0.W"])
    # replay: the first epoch's parameters give the first epoch's loss
    net.set_params(history.params_at(0))
    assert MeanSquaredError().loss(y, net.predict(X)) == pytest.approx(history.loss[0])


def test_make_network_picks_he_for_relu_and_draws_from_one_seed():
    a, b = make_network([2, 4, 1], "relu", seed=9), make_network([2, 4, 1], "relu", seed=9)
    assert a.layers[0].init == "he" and a.layers[1].activation.name == "identity"
    for key in a.params:
        np.testing.assert_array_equal(a.params[key], b.params[key])
    assert not np.array_equal(a.layers[0].params["W"], make_network([2, 4, 1], "relu", seed=1).layers[0].params["W"])


@pytest.mark.parametrize("sizes,match", [([3], "at least an input"), ([1, 0, 1], "layer size 0"),
                                         ([1, -2, 1], "layer size -2"), ([1, 2.5, 1], "layer size 2.5")])
def test_bad_sizes_are_one_line_errors(sizes, match):
    with pytest.raises(DescentlabError, match=match):
        make_network(sizes)


def test_layers_must_fit_together_and_repr_names_them():
    with pytest.raises(DescentlabError, match="layer 1 takes 3 inputs but layer 0 gives 2"):
        Network([Dense(1, 2), Dense(3, 1)])
    with pytest.raises(DescentlabError, match="at least one layer"):
        Network([])
    assert repr(make_network([2, 2, 1], "identity", bias=False)) == (
        "Network([Dense(2, 2, activation='identity', init='xavier', bias=False), "
        "Dense(2, 1, activation='identity', init='xavier', bias=False)])")
