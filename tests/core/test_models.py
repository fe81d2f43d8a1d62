import numpy as np
import pytest

from descentlab.core.losses import MeanSquaredError
from descentlab.core.models import LinearModel, LogisticModel, Model, init_normal, linear_backward, linear_forward
from descentlab.core.network import make_network
from helpers import numerical_grad


@pytest.mark.parametrize("n_features", [1, 4])
def test_linear_gradient_matches_finite_differences(n_features):
    rng = np.random.default_rng(n_features)
    X = rng.normal(size=(30, n_features))
    y = rng.normal(size=30)
    model = LinearModel(n_features, seed=3)
    loss = MeanSquaredError()

    def value():
        return loss.loss(y, model.predict(X))

    y_pred = model.forward(X)
    grads = model.backward(loss.grad(y, y_pred))
    for name in ("W", "b"):
        expected = numerical_grad(value, model.params[name])
        np.testing.assert_allclose(grads[name], expected, rtol=1e-5, atol=1e-7)
        assert grads[name].shape == model.params[name].shape


def test_one_feature_gradients_are_the_articles_means():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 1))
    y = rng.normal(size=20)
    m, b = 2.0, -1.0
    y_pred = linear_forward(X, np.array([m]), b)
    dW, db = linear_backward(X, MeanSquaredError().grad(y, y_pred))
    assert dW[0] == pytest.approx(np.mean((y_pred - y) * X[:, 0]))
    assert db == pytest.approx(np.mean(y_pred - y))


def test_linear_forward_matrix_weights_keep_columns():
    X = np.arange(6.0).reshape(3, 2)
    W = np.array([[1.0, 0.0], [0.0, 2.0]])
    np.testing.assert_allclose(linear_forward(X, W, np.array([1.0, -1.0])),
                               X * [1, 2] + [1, -1])


def test_init_is_seeded_and_has_the_articles_scale():
    a = init_normal(10_000, np.random.default_rng(5))
    b = init_normal(10_000, np.random.default_rng(5))
    np.testing.assert_array_equal(a["W"], b["W"])
    assert a["W"].std() == pytest.approx(10.0, rel=0.05)
    assert a["b"].shape == ()
    assert "n_features=3" in repr(LinearModel(3))


@pytest.mark.parametrize("make", [lambda: LinearModel(3, seed=1), lambda: LogisticModel(3, seed=1),
                                  lambda: make_network([3, 4, 1], seed=1)],
                         ids=["linear", "logistic", "network"])
def test_every_model_shares_one_interface(make):
    model = make()
    assert isinstance(model, Model)
    arrays = dict(model.params)
    rng = np.random.default_rng(0)
    values = {key: rng.normal(size=value.shape) for key, value in model.params.items()}
    assert model.set_params(values) is model
    got = model.get_params()
    for key, value in values.items():
        np.testing.assert_array_equal(got[key], value)
        assert model.params[key] is arrays[key]  # written in place, not rebound
        got[key][...] = 0.0  # get_params gives copies
        np.testing.assert_array_equal(model.params[key], value)
    X = rng.normal(size=(5, 3))
    np.testing.assert_array_equal(model.forward(X), model.predict(X))
    grads = model.backward(np.ones(5))
    assert {key: g.shape for key, g in grads.items()} == {key: v.shape for key, v in model.params.items()}


@pytest.mark.parametrize("n_rows", [7, 40_000])  # one chunk, and several
def test_linear_hessian_of_several_outputs_is_the_sum_of_kronecker_products(n_rows):
    from descentlab.core.models import linear_hessian

    rng = np.random.default_rng(0)
    X, K = rng.normal(size=(n_rows, 3)), 4
    A = rng.normal(size=(n_rows, K, K))
    h = A + A.transpose(0, 2, 1)  # each row's symmetric curvature
    Xt = np.column_stack([X, np.ones(n_rows)])
    expected = np.einsum("ia,ib,ikj->akbj", Xt, Xt, h).reshape(4 * K, 4 * K)
    np.testing.assert_allclose(linear_hessian(X, h), expected, rtol=1e-10, atol=1e-8)
