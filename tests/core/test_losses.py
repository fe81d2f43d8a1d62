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


@pytest.mark.parametrize("name", ["mse", "bce", "softmax"])
def test_hessian_rows_match_finite_differences_of_the_gradient(name):
    from descentlab.core.losses import BinaryCrossEntropy, SoftmaxCrossEntropy

    rng = np.random.default_rng(4)
    if name == "softmax":
        loss, z = SoftmaxCrossEntropy(), rng.normal(size=(5, 3))
        y = np.eye(3)[rng.integers(0, 3, size=5)]
    else:
        loss = MeanSquaredError() if name == "mse" else BinaryCrossEntropy()
        z, y = rng.normal(size=5) * 2, rng.integers(0, 2, size=5).astype(float)
    n = z.shape[0]
    h = loss.hessian_rows(y, z)
    for i in range(n):  # row i's second derivative: d(N dL/dz_i)/dz_i by central differences
        def row_grad(zi, i=i):
            z2 = z.copy()
            z2[i] = zi
            return n * loss.grad(y, z2)[i]
        eps = 1e-6
        numeric = np.array([(row_grad(z[i] + eps * e) - row_grad(z[i] - eps * e)) / (2 * eps)
                            for e in np.eye(z.shape[1])]).T if z.ndim == 2 else \
            (row_grad(z[i] + eps) - row_grad(z[i] - eps)) / (2 * eps)
        np.testing.assert_allclose(h[i], numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", ["huber", "epsilon_insensitive", "quantile", "hinge", "modified_huber"])
def test_issue_26_losses_match_scikit_learn_and_their_gradients_match_finite_differences(name):
    """scikit-learn's SGD loss objects give each row's loss and its derivative (dloss)."""
    from sklearn._loss._loss import CyHuberLoss, CyPinballLoss
    from sklearn.linear_model._sgd_fast import EpsilonInsensitive as SkEps
    from sklearn.linear_model._sgd_fast import Hinge as SkHinge
    from sklearn.linear_model._sgd_fast import ModifiedHuber as SkModifiedHuber

    from descentlab.core import losses

    rng = np.random.default_rng(5)
    z = rng.normal(size=12) * 2
    if name in ("hinge", "modified_huber"):
        y = rng.integers(0, 2, size=12).astype(float)
        ours = losses.Hinge() if name == "hinge" else losses.ModifiedHuber()
        theirs = SkHinge(1.0) if name == "hinge" else SkModifiedHuber()
        target = 2 * y - 1
    else:
        y = rng.normal(size=12) * 2
        ours = {"huber": losses.HuberLoss(0.7), "epsilon_insensitive": losses.EpsilonInsensitive(0.7),
                "quantile": losses.QuantileLoss(0.3)}[name]
        theirs = SkEps(0.7) if name == "epsilon_insensitive" else None
        target = y
    if theirs is not None:  # the SGD estimators' loss objects: each row's loss and derivative
        expected = np.mean([theirs.py_loss(float(p), float(t)) for p, t in zip(z, target, strict=True)])
        assert ours.loss(y, z) == pytest.approx(expected, rel=1e-12)
        np.testing.assert_allclose(ours.grad(y, z) * z.size,
                                   [theirs.py_dloss(float(p), float(t)) for p, t in zip(z, target, strict=True)])
    else:  # HuberRegressor's and QuantileRegressor's losses (sklearn._loss)
        cy = CyHuberLoss(0.7) if name == "huber" else CyPinballLoss(0.3)
        out, grad = np.empty(12), np.empty(12)
        cy.loss(y, z, None, out, 1)
        cy.gradient(y, z, None, grad, 1)
        assert ours.loss(y, z) == pytest.approx(out.mean(), rel=1e-12)
        np.testing.assert_allclose(ours.grad(y, z) * z.size, grad)
    np.testing.assert_allclose(ours.grad(y, z), numerical_grad(lambda: ours.loss(y, z), z),
                               rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("name", ["epsilon_insensitive", "quantile", "hinge"])
@pytest.mark.parametrize("mu", [0.3, 1e-3])
def test_smoothed_kinks_are_below_the_loss_by_at_most_mu_over_2_and_their_gradients_match(name, mu):
    """The Moreau envelope of each kink: 0 <= loss - smoothed <= mu/2, a C1 gradient, and its
    curvature (hessian_rows) the derivative of the gradient, 1/mu inside the band."""
    from descentlab.core import losses as kinks

    rng = np.random.default_rng(2)
    z = rng.normal(size=41) * 2
    y = rng.integers(0, 2, size=z.size).astype(float) if name == "hinge" else rng.normal(size=z.size)
    y[-1] = 1.0 if name == "hinge" else 0.0  # and one row inside the smoothed band
    z[-1] = {"hinge": 1 - mu / 3, "epsilon_insensitive": 0.5 + mu / 3, "quantile": -0.15 * mu}[name]
    make = {"epsilon_insensitive": lambda m: kinks.EpsilonInsensitive(0.5, mu=m),
            "quantile": lambda m: kinks.QuantileLoss(0.3, mu=m), "hinge": lambda m: kinks.Hinge(mu=m)}[name]
    exact, smooth = make(0.0), make(mu)
    gap = exact._parts(y, z)[0] - smooth._parts(y, z)[0]
    assert np.all(gap >= -1e-15) and np.all(gap <= mu / 2 + 1e-15) and gap.max() > 0
    np.testing.assert_allclose(smooth.grad(y, z), numerical_grad(lambda: smooth.loss(y, z), z),
                               rtol=1e-5, atol=1e-8)
    eps = 1e-7 * mu
    d2 = (smooth._parts(y, z + eps)[1] - smooth._parts(y, z - eps)[1]) / (2 * eps)
    inside = smooth.hessian_rows(y, z) > 0
    assert inside.any() and smooth.hessian_bound == pytest.approx(1 / mu)
    np.testing.assert_allclose(smooth.hessian_rows(y, z)[inside], d2[inside], rtol=1e-5)
