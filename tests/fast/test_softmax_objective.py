"""The softmax fast path: the same loss, gradients and fit as the readable rows path."""

import warnings

import numpy as np
import pytest

from descentlab.core.losses import SoftmaxCrossEntropy
from descentlab.core.models import linear_backward, linear_forward
from descentlab.estimators.linear import GDClassifier
from descentlab.fast.softmax import SoftmaxObjective


def _rows(seed, n=200, d=4, k=5):
    rng = np.random.default_rng(seed)
    Z, T = rng.normal(size=(n, d)), np.eye(k)[rng.integers(0, k, n)]
    params = {"W": rng.normal(size=(d, k)) * 3, "b": rng.normal(size=k) * 3}  # large logits: the max matters
    return Z, T, params, rng.uniform(0.1, 3.0, n)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("seed", [0, 1])
def test_loss_and_gradients_equal_the_rows_path(seed, weighted):
    Z, T, params, w = _rows(seed)
    w = w / w.mean() if weighted else None
    ce, S = SoftmaxCrossEntropy(), linear_forward(Z, params["W"], params["b"])
    kw = {} if w is None else {"sample_weight": w}
    dW, db = linear_backward(Z, ce.grad(T, S, **kw))
    loss, grads = SoftmaxObjective(Z, T, w)(params)
    assert loss == pytest.approx(ce.loss(T, S, **kw), rel=1e-12)
    np.testing.assert_allclose(grads["W"], dW, rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(grads["b"], db, rtol=1e-10, atol=1e-13)


def test_gradient_matches_finite_differences():
    Z, T, params, _ = _rows(2, n=30, d=2, k=3)
    objective = SoftmaxObjective(Z, T)
    grads, eps = objective(params)[1], 1e-6
    for name in ("W", "b"):
        for idx in np.ndindex(params[name].shape):
            up = {k: v.copy() for k, v in params.items()}
            down = {k: v.copy() for k, v in params.items()}
            up[name][idx] += eps
            down[name][idx] -= eps
            numeric = (objective(up)[0] - objective(down)[0]) / (2 * eps)
            assert numeric == pytest.approx(grads[name][idx], abs=1e-8)


def _labels(seed=0, n=400):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3)) * [1.0, 5.0, 0.2] + [0.0, 10.0, -3.0]
    y = np.argmax((X - X.mean(axis=0)) / X.std(axis=0) @ rng.normal(size=(3, 4)) + rng.normal(size=(n, 4)) * 2, axis=1)
    return X, y, rng.uniform(0.5, 2.0, n)


@pytest.mark.parametrize("options", [{}, {"penalty": "l2", "alpha": 1e-3}, {"class_weight": "balanced"}])
def test_auto_trains_through_it_to_the_rows_paths_fit(options):
    X, y, w = _labels()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # both converge, honestly
        fast = GDClassifier(**options).fit(X, y, sample_weight=w)
        rows = GDClassifier(solver="gd", **options).fit(X, y, sample_weight=w)
    assert "SoftmaxObjective" in fast.history_.meta["objective"] and "objective" not in rows.history_.meta
    assert fast.history_.status == rows.history_.status == "converged"
    np.testing.assert_allclose(fast.history_.loss[:20], rows.history_.loss[:20], rtol=1e-9)
    np.testing.assert_allclose(fast.predict_proba(X), rows.predict_proba(X), atol=1e-5)


def test_two_classes_mini_batches_and_no_intercept_keep_the_rows_path():
    X, y, _ = _labels()
    for est, target in [(GDClassifier(), y % 2), (GDClassifier(batch_size=50, epochs=5), y),
                        (GDClassifier(fit_intercept=False, epochs=5), y)]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            est.fit(X, target)
        assert "objective" not in est.history_.meta
