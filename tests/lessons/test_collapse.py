import numpy as np
import pytest

from descentlab.core.quadratic import least_squares
from descentlab.lessons.collapse import (CollapseConfig, article_network, collapse, network_inputs,
                                 run_collapse, summary_lines)
from descentlab.errors import DescentlabError, DivergenceError
from descentlab.core.layers import Dense
from descentlab.core.losses import MeanSquaredError
from descentlab.core.models import linear_forward
from descentlab.core.network import Network, make_network
from descentlab.core.optimizers import GradientDescent
from descentlab.core.trainer import train


@pytest.mark.parametrize("sizes,bias,seed", [([2, 2, 1], False, 0), ([1, 2, 1], True, 1),
                                             ([3, 5, 4, 2], True, 2), ([4, 1, 3], True, 3),
                                             ([2, 7, 6, 5, 1], False, 4)])
def test_linear_layers_collapse_to_one_affine_map_for_random_weights(sizes, bias, seed):
    net = make_network(sizes, "identity", init="normal", bias=bias, seed=seed)
    X = np.random.default_rng(seed).normal(size=(25, sizes[0]))
    W, b = collapse(net)
    assert W.shape == (sizes[0], sizes[-1]) and b.shape == (sizes[-1],)
    expected = net.predict(X).reshape(25, -1)
    np.testing.assert_allclose(linear_forward(X, W, b), expected, rtol=1e-12, atol=1e-9 * np.abs(expected).max())


def test_two_layers_collapse_to_W1_W2_and_b1_W2_plus_b2():
    net = make_network([3, 4, 2], "identity", init="normal", seed=5)
    (W1, b1), (W2, b2) = [(layer.params["W"], layer.params["b"]) for layer in net.layers]
    W, b = collapse(net)
    np.testing.assert_allclose(W, W1 @ W2)
    np.testing.assert_allclose(b, b1 @ W2 + b2)


def test_a_nonlinear_network_does_not_collapse():
    with pytest.raises(DescentlabError, match="layer 0 has a tanh activation"):
        collapse(Network([Dense(1, 2, "tanh"), Dense(2, 1)]))


@pytest.mark.parametrize("bias", ["x0", "layers"])
def test_trained_article_network_is_the_least_squares_line(bias):
    r = run_collapse(CollapseConfig(bias=bias, epochs=150))
    assert r.max_abs_diff < 1e-9
    assert r.m == pytest.approx(r.ls_m, rel=1e-6) and r.intercept == pytest.approx(r.ls_intercept, abs=1e-4)
    assert r.loss == pytest.approx(r.ls_loss, rel=1e-9) and r.line_loss == pytest.approx(r.loss, rel=1e-12)
    assert r.gap >= -1e-10 * r.ls_loss  # never below least squares, beyond rounding
    assert r.history.status == "completed" and r.history.loss[0] > 10 * r.ls_loss
    assert [name for name, _ in r.layer_matrices()] == (["W1", "W2"] if bias == "x0" else ["W1", "b1", "W2", "b2"])


@pytest.mark.parametrize("seed", range(4))
def test_linear_networks_never_beat_least_squares(seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(60, 2))
    y = X @ rng.normal(size=2) * 3 + np.sin(3 * X[:, 0]) + rng.normal(size=60)  # not linear
    W, b = least_squares(X, y)
    ls_loss = MeanSquaredError().loss(y, linear_forward(X, W, b))
    net = make_network([2, 3 + seed, 1], "identity", seed=seed)
    history = train(net, X, y, optimizer=GradientDescent(0.05), epochs=400)
    assert min(history.loss) >= ls_loss * (1 - 1e-10)
    assert history.loss[-1] == pytest.approx(ls_loss, rel=1e-4)


@pytest.mark.parametrize("kwargs,match", [({"lr": 0}, "learning rate 0"), ({"lr": float("nan")}, "learning rate"),
                                          ({"epochs": 0}, "epochs 0"), ({"hidden": 0}, "hidden size 0"),
                                          ({"bias": "b"}, "unknown bias form"), ({"init": "zeros"}, "unknown initialisation"),
                                          ({"samples": 3}, "more samples")])
def test_bad_config_is_a_one_line_error(kwargs, match):
    with pytest.raises(DescentlabError, match=match):
        CollapseConfig(**kwargs)


def test_article_network_shapes():
    net = article_network()
    assert [layer.params["W"].shape for layer in net.layers] == [(2, 2), (2, 1)]
    assert all(not layer.bias for layer in net.layers)


def _sharpness(result):
    """The largest eigenvalue of the loss's Hessian over the trained network's parameters,
    by central finite differences (the oracle for linear_network_bound)."""
    net, y = result.network, result.y_train
    X_in = network_inputs(result.X_train, result.config.bias)
    keys = list(net.params)
    theta = np.concatenate([net.params[k].ravel() for k in keys])

    def loss(v):
        net.set_params({k: part.reshape(net.params[k].shape) for k, part in
                        zip(keys, np.split(v, np.cumsum([net.params[k].size for k in keys])[:-1]))})
        return MeanSquaredError().loss(y, net.predict(X_in))

    n, eps = theta.size, 1e-4
    H = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            def at(di, dj):
                v = theta.copy()
                v[i] += di
                v[j] += dj
                return loss(v)
            H[i, j] = (at(eps, eps) - at(eps, -eps) - at(-eps, eps) + at(-eps, -eps)) / (4 * eps ** 2)
    loss(theta)
    return np.linalg.eigvalsh((H + H.T) / 2)[-1]


@pytest.mark.parametrize("bias", ["x0", "layers"])
def test_the_stable_rate_is_two_over_the_sharpness_of_the_flattest_minimum(bias):
    settled = run_collapse(CollapseConfig(bias=bias, lr=0.01))
    bound = settled.stable_lr
    assert 0.0125 < bound < 0.0135 and settled.loss == pytest.approx(settled.ls_loss, rel=1e-9)
    sharpness = _sharpness(settled)  # this minimum is at least as sharp as the flattest
    assert 2 / bound <= sharpness * (1 + 1e-4) and sharpness < 1.05 * 2 / bound
    below = run_collapse(CollapseConfig(bias=bias, lr=0.95 * bound))
    assert below.loss == pytest.approx(below.ls_loss, rel=1e-6)
    above = run_collapse(CollapseConfig(bias=bias, lr=1.1 * bound))  # bounces, never settles
    assert above.history.status == "completed" and above.loss > 1.5 * above.ls_loss
    assert "is above it, so the loss keeps bouncing" in summary_lines(above)[-1]


def test_divergence_names_the_stable_rate_and_the_fix():
    with pytest.raises(DivergenceError, match=r"learning rate 0.03 is above 0.0128, the largest at "
                       r"which gradient descent can settle .*: use a smaller --lr \(e.g. 0.01\)"):
        run_collapse(CollapseConfig(lr=0.03))
