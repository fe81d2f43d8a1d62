"""Moments of Dask arrays, computed on a dask.distributed LocalCluster, equal the in-memory ones."""

import numpy as np
import pytest

da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")

from descentlab.fast.moments import Moments  # noqa: E402


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None, silence_logs=40)
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


@pytest.mark.slow
def test_moments_from_dask_on_a_local_cluster(client):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(5000, 4)) * [1, 10, 100, 0.1] + 3
    y = X @ [1.0, 2.0, -0.5, 4.0] + rng.normal(size=5000)
    dX, dy = da.from_array(X, chunks=(700, 4)), da.from_array(y, chunks=700)
    got = Moments.from_dask(dX, dy)
    ref = Moments.from_arrays(X, y)
    np.testing.assert_allclose(got.cov, ref.cov, rtol=1e-10)
    np.testing.assert_allclose(got.cross, ref.cross, rtol=1e-10)
    assert got.mean_y == pytest.approx(ref.mean_y) and got.n == 5000


@pytest.mark.slow
def test_regressor_fits_dask_arrays_on_a_local_cluster(client):
    from descentlab.estimators.linear import GDRegressor

    rng = np.random.default_rng(1)
    X = rng.normal(size=(6000, 3)) * [1, 50, 0.02]
    y = X @ [2.0, 0.1, 30.0] - 1.0 + rng.normal(size=6000)
    ref = GDRegressor(tol=1e-12, epochs=3000).fit(X, y)
    model = GDRegressor(tol=1e-12, epochs=3000).fit(da.from_array(X, chunks=(1000, 3)),
                                                    da.from_array(y, chunks=1000))
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=1e-9)
    assert model.intercept_ == pytest.approx(ref.intercept_, rel=1e-9)
    pred = model.predict(da.from_array(X, chunks=(1000, 3)))
    assert hasattr(pred, "dask")
    np.testing.assert_allclose(pred.compute(), ref.predict(X), rtol=1e-9, atol=1e-9)


def test_regressor_fits_dask_arrays_without_a_cluster():
    """The inner loop's check of the Dask path: the default scheduler, small chunks."""
    from descentlab.estimators.linear import GDRegressor

    rng = np.random.default_rng(2)
    X = rng.normal(size=(600, 3)) * [1, 50, 0.02]
    y = X @ [2.0, 0.1, 30.0] - 1.0 + rng.normal(size=600)
    ref = GDRegressor(tol=1e-12, epochs=3000).fit(X, y)
    model = GDRegressor(tol=1e-12, epochs=3000).fit(da.from_array(X, chunks=(100, 3)),
                                                    da.from_array(y, chunks=100))
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=1e-9)
    np.testing.assert_allclose(model.predict(da.from_array(X, chunks=(100, 3))).compute(),
                               ref.predict(X), rtol=1e-9, atol=1e-9)
