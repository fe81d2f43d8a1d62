"""Issue 26 items 1 and 7: default fits of the piecewise-linear losses end "converged" at the exact
solver's optimum (the certified finish, estimators/vertex.py), and the finish certifies nothing else."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import QuantileRegressor

from descentlab.core.losses import EpsilonInsensitive, Hinge, QuantileLoss
from descentlab.estimators import GDClassifier, GDRegressor
from descentlab.estimators.convergence import optimum_check
from descentlab.estimators.problem import rows_problem
from descentlab.estimators.vertex import exact_optimum, kinks


def lp(X, t, kind, eps=1.0):
    """(coef, intercept) minimising mean(max(0, 1 - s z)) (hinge) or mean(max(0, |z - y| - eps)),
    z = X coef + intercept, as a linear program (SciPy's HiGHS): exact."""
    from scipy import sparse
    from scipy.optimize import linprog

    n, d = X.shape
    A = np.c_[X, np.ones(n)]
    if kind == "hinge":
        A_ub, b_ub = sparse.hstack([-A * (2 * t - 1)[:, None], -sparse.eye(n)]), -np.ones(n)
    else:
        A_ub = sparse.vstack([sparse.hstack([A, -sparse.eye(n)]), sparse.hstack([-A, -sparse.eye(n)])])
        b_ub = np.r_[t + eps, eps - t]
    res = linprog(np.r_[np.zeros(d + 1), np.ones(n) / n], A_ub=A_ub, b_ub=b_ub,
                  bounds=[(None, None)] * (d + 1) + [(0, None)] * n, method="highs")
    return res.x[:d], res.x[d]


def default_fit(loss, n, d, seed):
    """(fitted estimator, its ConvergenceWarnings, exact coef, exact intercept, loss, X, target)."""
    if loss == "hinge":
        X, y = make_classification(n, d, random_state=seed)
        y = y.astype(float)
        (coef, intercept), obj, est = lp(X, y, "hinge"), Hinge(), GDClassifier(loss="hinge")
    else:
        X, y = make_regression(n, d, noise=10, random_state=seed)
        if loss.startswith("quantile"):
            q = float(loss.split()[1])
            ref = QuantileRegressor(quantile=q, alpha=0, solver="highs").fit(X, y)
            coef, intercept, obj = ref.coef_, ref.intercept_, QuantileLoss(q)
            est = GDRegressor(loss="quantile", quantile=q)
        else:
            (coef, intercept), obj = lp(X, y, "epsilon"), EpsilonInsensitive(1.0)
            est = GDRegressor(loss="epsilon_insensitive", epsilon=1.0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        est.fit(X, y)
    return est, [w for w in caught if issubclass(w.category, ConvergenceWarning)], coef, intercept, obj, X, y


def check_default_fit(loss, n, d, seed):
    est, caught, coef, intercept, obj, X, y = default_fit(loss, n, d, seed)
    assert est.history_.status == "converged" and caught == []
    z = est.decision_function(X) if loss == "hinge" else est.predict(X)
    z_ref = X @ coef + intercept
    best = obj.loss(y, z_ref)
    assert (obj.loss(y, z) - best) / best <= 1e-9  # measured <= 5e-16 (the exact finish)
    if loss == "hinge":  # make_classification's redundant features: coef is not unique, the scores are
        assert np.linalg.norm(z - z_ref) / np.linalg.norm(z_ref) <= 1e-4
    else:
        ours, theirs = np.r_[est.coef_, est.intercept_], np.r_[coef, intercept]
        assert np.linalg.norm(ours - theirs) / np.linalg.norm(theirs) <= 1e-4  # measured <= 2.6e-15


@pytest.mark.parametrize("loss", ["quantile 0.5", "quantile 0.9", "epsilon_insensitive", "hinge"])
@pytest.mark.parametrize("seed", [0, 1])
def test_default_fits_converge_at_the_exact_solvers_optimum(loss, seed):
    check_default_fit(loss, 300, 5, seed)


@pytest.mark.slow
@pytest.mark.parametrize("loss", ["quantile 0.5", "epsilon_insensitive", "hinge"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_reported_default_fits_converge_at_the_exact_optimum(loss, seed):
    """The cases that warned before the finish (quantile 1/3, epsilon_insensitive 2/3, hinge 3/3)."""
    check_default_fit(loss, 2000, 10, seed)


def test_the_finish_certifies_only_the_optimum():
    """From any point and any band, what ``exact_optimum`` returns has the LP's optimal objective."""
    X, y = make_regression(200, 3, noise=10, random_state=0)
    reg = GDRegressor(loss="quantile", quantile=0.3, solver="gd")
    problem = rows_problem(reg, X, y)
    model = reg._build_model(3, np.random.default_rng(0))
    loss = QuantileLoss(0.3)
    check = optimum_check(reg, problem, loss, None, model, always=True)
    Z, t = problem.Z, problem.t
    ref = QuantileRegressor(quantile=0.3, alpha=0, solver="highs").fit(Z, t)
    best = loss.loss(t, Z @ ref.coef_ + ref.intercept_)
    rng = np.random.default_rng(1)
    found = 0
    for scale in (1.0, 1e-1, 1e-2, 1e-3, 1e-5):
        for mu in (1.0, 1e-1, 1e-2, 1e-3):
            theta = np.r_[ref.coef_, ref.intercept_] + scale * rng.normal(size=4)
            out = exact_optimum(check, {"W": theta[:3], "b": np.array(theta[3])}, mu)
            if out is not None:
                found += 1
                assert abs(loss.loss(t, Z @ out["W"] + out["b"]) - best) <= 1e-12 * best
    assert found > 0  # near enough with a fitting band, it finds it
    far = {"W": np.zeros(3), "b": np.array(0.0)}
    assert exact_optimum(check, far, 1e-6) is None  # no rows in a tiny band: nothing certified


def test_kinks_gives_each_losss_kink_and_slopes():
    t, y_pred = np.array([0.0, 1.0]), np.array([0.5, 0.5])
    k, lo, hi, slope = kinks(Hinge(), t, y_pred)  # labels 0, 1: kinks at scores -1, +1
    np.testing.assert_array_equal(k, [-1.0, 1.0])
    np.testing.assert_array_equal(slope, [1.0, -1.0])
    np.testing.assert_array_equal(lo, [0.0, -1.0]) and np.testing.assert_array_equal(hi, [1.0, 0.0])
    k, lo, hi, slope = kinks(EpsilonInsensitive(0.25), np.zeros(2), np.array([0.1, -0.5]))
    np.testing.assert_array_equal(k, [0.25, -0.25])  # the tube's nearer edge
    np.testing.assert_array_equal(slope, [0.0, -1.0])
    assert kinks(EpsilonInsensitive(0.0), np.zeros(1), np.zeros(1))[1:3] == (-1.0, 1.0)


@pytest.mark.parametrize("seed", [0, 1])
def test_an_l1_penalised_quantile_fit_ends_at_quantile_regressors_optimum_with_its_zeros(seed):
    """QuantileRegressor(alpha=a) is mean pinball + a |coef|_1: the same objective, a linear
    program still; the finish keeps the zeros HiGHS finds (measured: 50 epochs, 5e-16 off)."""
    X, y = make_regression(300, 8, n_informative=4, noise=10, random_state=seed)
    ref = QuantileRegressor(quantile=0.3, alpha=0.1, solver="highs").fit(X, y)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gd = GDRegressor(loss="quantile", quantile=0.3, penalty="l1", alpha=0.1).fit(X, y)
    assert gd.history_.status == "converged" and not [w for w in caught if w.category is ConvergenceWarning]
    assert np.linalg.norm(gd.coef_ - ref.coef_) / np.linalg.norm(ref.coef_) <= 1e-4
    np.testing.assert_array_equal(gd.coef_ == 0, np.abs(ref.coef_) < 1e-10)  # 4 exact zeros


def test_sparse_rows_finish_at_the_exact_optimum_too():
    """CSR rows: the band's rows are taken from the sparse standardised rows (never all densified)."""
    import scipy.sparse as sp

    rng = np.random.default_rng(0)
    X = sp.random(400, 6, density=0.3, random_state=0, format="csr")
    y = X @ rng.normal(size=6) * 5 + rng.standard_t(3, size=400)
    ref = QuantileRegressor(quantile=0.3, alpha=0, solver="highs").fit(X, y)
    gd = GDRegressor(loss="quantile", quantile=0.3).fit(X, y)
    assert gd.history_.status == "converged"
    assert np.linalg.norm(gd.coef_ - ref.coef_) / np.linalg.norm(ref.coef_) <= 1e-4  # measured 1.6e-15


@pytest.mark.parametrize("seed", [pytest.param(0, marks=pytest.mark.slow), 1])
def test_an_l2_penalised_hinge_fit_ends_at_the_quadratic_programs_optimum(seed):
    """A linear SVM (mean hinge + a/2 |coef|^2): Newton on the smoothed loss, then the certified
    KKT system. Nothing beats it: not L-BFGS on a 1e-8 smoothing (measured 9e-12 above ours),
    nor any nearby point."""
    from scipy.optimize import minimize

    X, y = make_classification(300, 5, random_state=seed)
    y, a, A = y.astype(float), 1e-2, np.c_[X, np.ones(300)]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gd = GDClassifier(loss="hinge", penalty="l2", alpha=a).fit(X, y)
    assert gd.history_.status == "converged" and not [w for w in caught if w.category is ConvergenceWarning]

    def objective(th, mu=0.0):
        z = A @ th
        return (Hinge(mu=mu).loss(y, z) + 0.5 * a * th[:-1] @ th[:-1],
                A.T @ Hinge(mu=mu).grad(y, z) + np.r_[a * th[:-1], 0.0])

    ours = np.r_[gd.coef_.ravel(), gd.intercept_]
    smooth = minimize(lambda th: objective(th, 1e-8), np.zeros(6), jac=True, method="L-BFGS-B",
                      options={"gtol": 1e-14, "ftol": 1e-16, "maxiter": 50000}).x
    assert objective(ours)[0] <= objective(smooth)[0] + 1e-12
    rng = np.random.default_rng(0)
    assert all(objective(ours + 1e-5 * rng.normal(size=6))[0] >= objective(ours)[0] for _ in range(100))
    assert np.linalg.norm(ours - smooth) / np.linalg.norm(smooth) <= 1e-4
