"""Penalties: the Penalty object against finite differences, and every estimator's penalised
optimum against scikit-learn's (Ridge, Lasso, ElasticNet, LogisticRegression)."""

import numpy as np
import pytest
from sklearn.linear_model import ElasticNet, Lasso, LogisticRegression, Ridge
from sklearn.model_selection import GridSearchCV

from descentlab.core.penalties import Penalty, make_penalty, soft_threshold
from descentlab.core.stepsize import curvature, with_penalty
from descentlab.core.losses import MeanSquaredError
from descentlab.errors import DescentlabError
from descentlab.estimators.linear import GDClassifier, GDRegressor
from descentlab.estimators.network import GDNetworkRegressor

RTOL = 1e-6


def _data(n=200, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 5)) * [1, 10, 0.1, 3, 1] + [0, 5, 1, 0, 2]
    y = X @ [1, 0.2, 5, -0.5, 0.0] + rng.normal(size=n)
    return X, y


def _labels(X, seed=1):
    z = X @ [1, 0.2, 5, -0.5, 0.0]
    noise = np.random.default_rng(seed).normal(size=X.shape[0])
    return (z + noise > np.median(z)).astype(int)


def test_penalty_gradient_matches_finite_differences_and_prox_is_soft_thresholding():
    rng = np.random.default_rng(0)
    W = rng.normal(size=4)
    pen = Penalty(0.3, 0.0, {"W": np.array([1.0, 2.0, 0.5, 3.0])}, loss_scale=0.7)
    eps = 1e-6
    numeric = [(pen.loss({"W": W + eps * e}) - pen.loss({"W": W - eps * e})) / (2 * eps)
               for e in np.eye(4)]
    np.testing.assert_allclose(pen.grad({"W": W})["W"], numeric, rtol=1e-7)
    assert pen.curvature() == pytest.approx(0.3 * 0.7 * 9.0)
    l1 = Penalty(0.5, 1.0, {"W": 2.0})
    np.testing.assert_array_equal(l1.prox("W", np.array([-2.0, 0.5, 1.5]), 1.0), [-1.0, 0.0, 0.5])
    np.testing.assert_array_equal(l1.prox("b", np.array([0.1]), 1.0), [0.1])  # biases are free
    np.testing.assert_allclose(soft_threshold(np.array([0.2, -0.3]), 0.25), [0.0, -0.05])
    assert make_penalty(None, 0.1, 0.15, {"W": 1.0}) is None


def test_the_stable_step_counts_the_penalty():
    X, _ = _data()
    Z = (X - X.mean(0)) / X.std(0)
    pen = Penalty(2.0, 0.0, {"W": np.ones(5)})
    assert with_penalty(curvature(Z, MeanSquaredError()), pen) == pytest.approx(
        curvature(Z, MeanSquaredError()) + 2.0)


@pytest.mark.parametrize("solver", ["moments", "gd",
                                    pytest.param("fused", marks=[pytest.mark.slow, pytest.mark.numba])])
@pytest.mark.parametrize("optimizer", ["gd", "nesterov"])
def test_l2_regressor_reaches_ridge(solver, optimizer):
    X, y = _data()
    a = 0.05
    est = GDRegressor(penalty="l2", alpha=a, tol=None, epochs=3000, solver=solver,
                      optimizer=optimizer).fit(X, y)
    ref = Ridge(alpha=X.shape[0] * a).fit(X, y)
    np.testing.assert_allclose(est.coef_, ref.coef_, rtol=RTOL)
    assert est.intercept_ == pytest.approx(ref.intercept_, rel=RTOL)


@pytest.mark.parametrize("solver", ["moments", "gd"])
@pytest.mark.parametrize("optimizer", ["gd", "momentum", "nesterov"])
def test_l1_regressor_reaches_lasso_with_exact_zeros(solver, optimizer):
    X, y = _data()
    est = GDRegressor(penalty="l1", alpha=0.05, tol=None, epochs=3000, solver=solver,
                      optimizer=optimizer).fit(X, y)
    ref = Lasso(alpha=0.05, tol=1e-14, max_iter=100_000).fit(X, y)
    assert np.sum(ref.coef_ == 0) >= 1
    np.testing.assert_array_equal(est.coef_ == 0, ref.coef_ == 0)  # exact zeros, the same ones
    nonzero = ref.coef_ != 0
    np.testing.assert_allclose(est.coef_[nonzero], ref.coef_[nonzero], rtol=RTOL)
    assert est.intercept_ == pytest.approx(ref.intercept_, rel=RTOL)


def test_elasticnet_regressor_reaches_elasticnet():
    X, y = _data()
    est = GDRegressor(penalty="elasticnet", alpha=0.05, l1_ratio=0.4, tol=None, epochs=3000).fit(X, y)
    ref = ElasticNet(alpha=0.05, l1_ratio=0.4, tol=1e-14, max_iter=100_000).fit(X, y)
    nonzero = ref.coef_ != 0
    np.testing.assert_array_equal(est.coef_ == 0, ~nonzero)
    np.testing.assert_allclose(est.coef_[nonzero], ref.coef_[nonzero], rtol=RTOL)


def test_l2_classifier_reaches_logistic_regression_with_the_matching_c():
    X, _ = _data()
    y = _labels(X)
    a = 0.01
    est = GDClassifier(penalty="l2", alpha=a, tol=None, epochs=4000).fit(X, y)
    ref = LogisticRegression(C=1 / (X.shape[0] * a), tol=1e-12, max_iter=10_000).fit(X, y)
    np.testing.assert_allclose(est.coef_, ref.coef_, rtol=RTOL)  # (1, n) as scikit-learn (issue 26)
    np.testing.assert_allclose(est.intercept_, ref.intercept_, rtol=RTOL)


def test_a_penalty_keeps_separable_logistic_coefficients_finite():
    X = np.array([[0.0], [1.0], [2.0], [3.0]])
    y = np.array([0, 0, 1, 1])
    free = GDClassifier(tol=None, epochs=3000).fit(X, y)
    held = GDClassifier(penalty="l2", alpha=0.01, tol=1e-12, epochs=3000).fit(X, y)
    assert held.history_.status == "converged"
    assert abs(held.coef_[0]) < abs(free.coef_[0]) / 2


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_network_l2_shrinks_the_weights():
    rng = np.random.default_rng(0)
    X = rng.uniform(-2, 2, size=(80, 2))
    y = np.sin(X).sum(axis=1)
    plain = GDNetworkRegressor(hidden_layer_sizes=(8,), epochs=300).fit(X, y)
    shrunk = GDNetworkRegressor(hidden_layer_sizes=(8,), epochs=300, penalty="l2", alpha=0.1).fit(X, y)
    norm = lambda est: sum(np.sum(v ** 2) for k, v in est.model_.params.items() if k.endswith("W"))
    assert norm(shrunk) < 0.7 * norm(plain)


def test_l1_with_adam_is_refused_in_one_line():
    X, y = _data(20)
    with pytest.raises(DescentlabError, match="Adam takes no proximal step, so no l1 penalty"):
        GDRegressor(penalty="l1", optimizer="adam").fit(X, y)
    with pytest.raises(DescentlabError, match="penalty='l3' is not one of l2, l1, elasticnet"):
        GDRegressor(penalty="l3").fit(X, y)


def test_grid_search_over_alpha():
    X, y = _data(120)
    search = GridSearchCV(GDRegressor(penalty="l1", tol=1e-10, epochs=2000),
                          {"alpha": [0.001, 0.1, 10.0]}, cv=3).fit(X, y)
    assert search.best_params_["alpha"] in (0.001, 0.1)
    assert np.all(search.best_estimator_.coef_ != 0) or search.best_params_["alpha"] == 0.1
    assert search.cv_results_["mean_test_score"][2] < search.best_score_


def test_cli_fit_with_an_l1_penalty_end_to_end(tmp_path, capsys):
    from descentlab.cli import main
    from descentlab.estimators.persist import load_model

    X, y = _data(150)
    csv = tmp_path / "d.csv"
    csv.write_text("a,b,c,d,e,y\n" + "".join(",".join(repr(float(v)) for v in [*r, t]) + "\n"
                                              for r, t in zip(X, y)))
    model = tmp_path / "model.json"
    code = main(["fit", str(csv), "--target", "y", "--penalty", "l1", "--alpha", "0.1",
                 "--tol", "1e-14", "--epochs", "4000", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0 and "Converged" in out
    est = load_model(model)
    assert (est.penalty, est.alpha) == ("l1", 0.1)
    ref = Lasso(alpha=0.1, tol=1e-14, max_iter=100_000).fit(X, y)
    assert np.sum(ref.coef_ == 0) >= 1
    np.testing.assert_array_equal(est.coef_ == 0, ref.coef_ == 0)
    np.testing.assert_allclose(est.coef_, ref.coef_, rtol=1e-6)
