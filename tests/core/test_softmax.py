"""The softmax and its cross-entropy: the textbook formulas, stability, finite differences."""

import numpy as np
import pytest

from descentlab.core.activations import log_softmax, softmax
from descentlab.core.losses import BinaryCrossEntropy, SoftmaxCrossEntropy
from descentlab.core.models import SoftmaxModel
from helpers import numerical_grad


def _one_hot(labels, k):
    return np.eye(k)[labels]


def test_softmax_rows_sum_to_one_and_match_the_formula():
    Z = np.random.default_rng(0).normal(size=(5, 3))
    E = np.exp(Z)
    np.testing.assert_allclose(softmax(Z), E / E.sum(axis=1, keepdims=True), rtol=1e-12)
    np.testing.assert_allclose(np.exp(log_softmax(Z)), softmax(Z), rtol=1e-12)


def test_softmax_is_stable_for_huge_logits():
    Z = np.array([[1000.0, 0.0, -1000.0], [-1e308, 0.0, 1e3]])
    P = softmax(Z)
    assert np.all(np.isfinite(P)) and np.allclose(P.sum(axis=1), 1.0)
    loss = SoftmaxCrossEntropy().loss(_one_hot([2, 0], 3), Z)
    assert np.isfinite(loss) and loss > 1000


def test_softmax_cross_entropy_matches_the_textbook_formula():
    rng = np.random.default_rng(1)
    Z, Y = rng.normal(size=(6, 4)), _one_hot(rng.integers(0, 4, 6), 4)
    expected = -np.mean(np.sum(Y * np.log(softmax(Z)), axis=1))
    assert SoftmaxCrossEntropy().loss(Y, Z) == pytest.approx(expected, rel=1e-12)


def test_two_class_softmax_is_binary_cross_entropy_on_the_logit_difference():
    rng = np.random.default_rng(2)
    Z, y = rng.normal(size=(7, 2)), rng.integers(0, 2, 7)
    assert SoftmaxCrossEntropy().loss(_one_hot(y, 2), Z) == pytest.approx(
        BinaryCrossEntropy().loss(y.astype(float), Z[:, 1] - Z[:, 0]), rel=1e-12)


@pytest.mark.parametrize("n, k", [(1, 2), (5, 3), (8, 5)])
def test_softmax_cross_entropy_grad_matches_finite_differences(n, k):
    rng = np.random.default_rng(n + k)
    Z, Y = rng.normal(size=(n, k)) * 3, _one_hot(rng.integers(0, k, n), k)
    loss = SoftmaxCrossEntropy()
    np.testing.assert_allclose(loss.grad(Y, Z), numerical_grad(lambda: loss.loss(Y, Z), Z),
                               atol=1e-8)


def test_softmax_model_grads_match_finite_differences():
    rng = np.random.default_rng(3)
    X, Y = rng.normal(size=(9, 4)), _one_hot(rng.integers(0, 3, 9), 3)
    model, loss = SoftmaxModel(4, 3, seed=1, init_scale=0.5), SoftmaxCrossEntropy()
    grads = model.backward(loss.grad(Y, model.forward(X)))
    for key, value in model.params.items():
        assert grads[key].shape == value.shape
        numeric = numerical_grad(lambda: loss.loss(Y, model.forward(X)), value)
        np.testing.assert_allclose(grads[key], numeric, atol=1e-8)
    np.testing.assert_allclose(model.predict_proba(X).sum(axis=1), 1.0)
