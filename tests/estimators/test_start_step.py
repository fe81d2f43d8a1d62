"""The softmax fit's step from its Hessian at the start, halved back when the loss rises."""

import warnings

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from descentlab.estimators.linear import GDClassifier


def _overlapping(n=4000, k=10, seed=0):
    """Ten classes that overlap (curvature near the start's all along)."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 5))
    y = np.argmax(X @ rng.normal(size=(5, k)) * 0.7 + rng.gumbel(size=(n, k)), axis=1)
    return X, y


def _paired(n=3000, seed=0):
    """Ten classes in five pairs that share their rows: even odds between two, the curvature
    bound's worst case, where the larger step is unstable."""
    rng = np.random.default_rng(seed)
    pair = rng.integers(0, 5, n)
    X = rng.normal(size=(5, 4))[pair] * 3 + rng.normal(size=(n, 4)) * 0.3
    return X, 2 * pair + rng.integers(0, 2, n)


def _fit(est, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # converged, honestly
        return est.fit(X, y)


@pytest.mark.slow
def test_ten_classes_start_at_two_and_a_half_times_the_default_step_and_take_fewer_epochs():
    from sklearn.datasets import make_classification

    X, y = make_classification(5000, 20, n_classes=10, n_informative=10, random_state=0)  # the benchmark's, smaller
    fast, rows = _fit(GDClassifier(), X, y), _fit(GDClassifier(solver="gd"), X, y)
    assert fast.history_.meta["lr"] == pytest.approx(2.5 * rows.history_.meta["lr"], rel=1e-9)
    assert fast.history_.status == rows.history_.status == "converged"
    assert fast.history_.meta["lr_halved_at"] == [] and fast.n_iter_ < 0.8 * rows.n_iter_
    ref = LogisticRegression(C=np.inf, max_iter=10_000, tol=1e-12).fit(X, y)
    for est in (fast, rows):
        np.testing.assert_allclose(est.predict_proba(X), ref.predict_proba(X), atol=1e-3)


def test_momentum_killed_twice_in_a_row_halves_the_step_and_costs_no_epochs():
    X, y = _overlapping()  # without the restart signal: 314 epochs, every update a restart
    fast, rows = _fit(GDClassifier(), X, y), _fit(GDClassifier(solver="gd"), X, y)
    assert len(fast.history_.meta["lr_halved_at"]) >= 1 and fast.n_iter_ <= rows.n_iter_
    np.testing.assert_allclose(fast.predict_proba(X), rows.predict_proba(X), atol=2e-4)


@pytest.mark.slow
def test_where_the_curvature_outgrows_the_margin_the_step_halves_back_and_converges():
    X, y = _paired()
    alpha = 1e-2
    fast = _fit(GDClassifier(penalty="l2", alpha=alpha), X, y)
    halved = fast.history_.meta["lr_halved_at"]
    assert len(halved) == 2 and halved[0] < 20 and fast.history_.status == "converged"
    ref = LogisticRegression(C=1 / (len(y) * alpha), max_iter=10_000, tol=1e-12).fit(X, y)
    np.testing.assert_allclose(fast.predict_proba(X), ref.predict_proba(X), atol=1e-4)


@pytest.mark.parametrize("options", [{"lr": 0.5}, {"optimizer": "adam"}, {"solver": "gd"}])
def test_a_given_step_adam_and_the_rows_path_keep_their_step(options):
    X, y = _overlapping(n=500)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est = GDClassifier(epochs=3, **options).fit(X, y)
    assert "lr_halved_at" not in est.history_.meta
    if "lr" in options:
        assert est.history_.meta["lr"] == 0.5
