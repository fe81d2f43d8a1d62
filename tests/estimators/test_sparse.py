"""Sparse (SciPy CSR) input for the linear estimators: the dense fit, never densified."""

import tracemalloc
import warnings

import numpy as np
import pytest
import scipy.sparse as sp

from descentlab.errors import DescentlabError
from descentlab.estimators import GDClassifier, GDRegressor
from descentlab.fast.moments import Moments
from descentlab.fast.sparse import ScaledSparse, sparse_moments


def _data(n=240, d=10, seed=0):
    rng = np.random.default_rng(seed)
    X = sp.random(n, d, density=0.3, format="csr", random_state=seed) * 3.0
    X.data += 1.0  # nonzero means: the implicit centring matters
    y = X @ rng.standard_normal(d) + 0.1 * rng.standard_normal(n) + 2.0
    return X, y, rng


def _fit_both(est_type, kwargs, X, y, **fit):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # short runs: equal paths matter here, not the end
        a = est_type(**kwargs).fit(X, y, **fit)
        b = est_type(**kwargs).fit(X.toarray(), y, **fit)
    return a, b


@pytest.mark.parametrize("kwargs", [{}, {"solver": "gd"}, {"solver": "gd", "penalty": "l2", "alpha": 0.01},
                                    {"penalty": "l1", "alpha": 0.01}, {"fit_intercept": False},
                                    {"standardize": False, "solver": "gd"},
                                    {"batch_size": 32, "epochs": 20}, {"early_stopping": True, "epochs": 50}])
def test_regressor_csr_equals_dense(kwargs):
    X, y, rng = _data()
    w = rng.integers(0, 3, X.shape[0]).astype(float)
    a, b = _fit_both(GDRegressor, kwargs, X, y, sample_weight=w)
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=0, atol=1e-10)
    assert abs(a.intercept_ - b.intercept_) < 1e-10
    np.testing.assert_allclose(a.predict(X), b.predict(X.toarray()), rtol=0, atol=1e-10)
    assert a.n_iter_ == b.n_iter_


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("kwargs", [{"epochs": 200}, {"epochs": 200, "class_weight": "balanced", "penalty": "l2"},
                                    {"batch_size": 40, "epochs": 15}])
def test_classifier_csr_equals_dense(n_classes, kwargs):
    X, y, _ = _data()
    labels = np.digitize(y, np.quantile(y, np.linspace(0, 1, n_classes + 1)[1:-1]))
    a, b = _fit_both(GDClassifier, kwargs, sp.csr_array(X), labels)
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=0, atol=1e-10)
    np.testing.assert_allclose(a.intercept_, b.intercept_, rtol=0, atol=1e-10)
    np.testing.assert_allclose(a.predict_proba(X), b.predict_proba(X.toarray()), rtol=0, atol=1e-10)


def test_regressor_csr_converges_to_least_squares():
    """The moments from sparse products, centred on the Gram matrix: the exact optimum."""
    X, y, _ = _data()
    est = GDRegressor(epochs=3000, tol=None).fit(X, y)
    A = np.column_stack([X.toarray(), np.ones(X.shape[0])])
    theta = np.linalg.lstsq(A, y, rcond=None)[0]
    np.testing.assert_allclose(est.coef_, theta[:-1], rtol=0, atol=1e-8)


def test_sparse_moments_equal_dense_moments():
    X, y, rng = _data()
    w = rng.random(X.shape[0])
    w *= w.size / w.sum()
    m, dense = sparse_moments(X, y, w), Moments.from_arrays(X.toarray(), y, sample_weight=w)
    for name in ("mean_x", "cov", "cross"):
        np.testing.assert_allclose(getattr(m, name), getattr(dense, name), rtol=1e-10, atol=1e-12)
    assert m.n == dense.n and abs(m.var_y - dense.var_y) < 1e-10


def test_scaled_sparse_products_equal_the_standardised_rows():
    X, _, rng = _data()
    mean, scale = rng.standard_normal(X.shape[1]), rng.random(X.shape[1]) + 0.5
    Z, Zd = ScaledSparse(X, mean, scale), (X.toarray() - mean) / scale
    W, G = rng.standard_normal((X.shape[1], 3)), rng.standard_normal((X.shape[0], 3))
    np.testing.assert_allclose(Z @ W, Zd @ W, atol=1e-12)
    np.testing.assert_allclose(Z.T @ G, Zd.T @ G, atol=1e-12)
    np.testing.assert_allclose(Z[5:9] @ W[:, 0], Zd[5:9] @ W[:, 0], atol=1e-12)
    np.testing.assert_allclose(Z.row_norms(), np.sum(Zd**2, axis=1), atol=1e-10)
    h = rng.random(X.shape[0])
    Zt = np.column_stack([Zd, np.ones(X.shape[0])])
    np.testing.assert_allclose(Z.weighted_gram(h), (Zt * h[:, None]).T @ Zt, atol=1e-9)


@pytest.mark.slow
def test_large_sparse_fits_without_densifying():
    """50,000 x 20,000 at density 1e-4: dense it would take 8 GB; the fit's peak stays
    under 1 % of that (CSR of 100,000 entries, a few vectors of n and N)."""
    n, d, nnz = 50_000, 20_000, 100_000
    rng = np.random.default_rng(0)
    X = sp.csr_matrix((rng.standard_normal(nnz), (rng.integers(0, n, nnz), rng.integers(0, d, nnz))), shape=(n, d))
    y = X @ rng.standard_normal(d) + 1.0
    tracemalloc.start()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reg = GDRegressor(epochs=5).fit(X, y)
            clf = GDClassifier(epochs=5, batch_size=5000).fit(X, y > 1.0)
        reg.predict(X), clf.predict_proba(X)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 0.01 * n * d * 8
    assert reg.coef_.shape == (d,) and clf.coef_.shape == (1, d)


def test_sparse_validation_data_and_tags():
    X, y, _ = _data()
    est = GDRegressor(epochs=300, solver="gd").fit(X[:200], y[:200], validation_data=(X[200:], y[200:]))
    dense = GDRegressor(epochs=300, solver="gd").fit(X[:200].toarray(), y[:200],
                                                    validation_data=(X[200:].toarray(), y[200:]))
    np.testing.assert_allclose(est.history_.val_loss, dense.history_.val_loss, rtol=1e-10)
    assert GDRegressor().__sklearn_tags__().input_tags.sparse
    assert GDClassifier().__sklearn_tags__().input_tags.sparse
    assert not GDRegressor(solver="fused").__sklearn_tags__().input_tags.sparse


def test_fused_solver_refuses_sparse_in_one_line():
    X, y, _ = _data()
    with pytest.raises(DescentlabError, match="solver='fused' needs dense rows") as info:
        GDRegressor(solver="fused").fit(X, y)
    assert "\n" not in str(info.value)


def test_warm_start_continues_on_sparse_rows():
    X, y, _ = _data()
    a, b = GDRegressor(solver="gd", warm_start=True, epochs=20, tol=None), \
        GDRegressor(solver="gd", warm_start=True, epochs=20, tol=None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a.fit(X, y).fit(X, y)
        b.fit(X.toarray(), y).fit(X.toarray(), y)
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=0, atol=1e-10)
    assert a.n_iter_ == b.n_iter_ == 20


def test_partial_fit_on_sparse_chunks_equals_dense():
    X, y, _ = _data()
    labels = (y > np.median(y)).astype(int)
    a, b = GDClassifier(batch_size=40), GDClassifier(batch_size=40)
    for start in range(0, 240, 80):
        rows = slice(start, start + 80)
        a.partial_fit(X[rows], labels[rows], classes=[0, 1])
        b.partial_fit(X[rows].toarray(), labels[rows], classes=[0, 1])
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=0, atol=1e-10)
    np.testing.assert_allclose(a.predict_proba(X), b.predict_proba(X.toarray()), rtol=0, atol=1e-10)
