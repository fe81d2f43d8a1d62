"""GDRegressor's solvers walk the same path: same losses, same coefficients."""

import warnings

import numpy as np
import pytest

from descentlab.data.blocks import NpyRows
from descentlab.errors import DescentlabError
from descentlab.estimators.linear import GDRegressor


def _data(seed=0, n=3000, d=5, wide=False, offset=0.0):
    rng = np.random.default_rng(seed)
    scales = np.logspace(-3, 3, d) if wide else np.ones(d)
    X = rng.normal(size=(n, d)) * scales + offset
    y = X @ (rng.normal(size=d) / scales) + 2.0 + rng.normal(size=n)
    return X, y


@pytest.mark.numba
@pytest.mark.parametrize("wide", [False, True])
@pytest.mark.parametrize("optimizer", ["gd", "nesterov"])
def test_every_solver_follows_the_same_path(wide, optimizer):
    X, y = _data(1, wide=wide)
    lr = 0.5  # the same step for all (None estimates it per path)
    fits = {s: GDRegressor(solver=s, optimizer=optimizer, lr=lr, epochs=60, tol=None).fit(X, y)
            for s in ("gd", "moments", "fused")}
    ref = fits["gd"]
    for name in ("moments", "fused"):
        np.testing.assert_allclose(fits[name].history_.loss, ref.history_.loss, rtol=1e-8)
        np.testing.assert_allclose(fits[name].coef_, ref.coef_, rtol=1e-7,
                                   atol=1e-9 * np.abs(ref.coef_).max())
        assert fits[name].intercept_ == pytest.approx(ref.intercept_, rel=1e-7, abs=1e-9)


@pytest.mark.numba
def test_adam_ends_in_the_same_place_on_every_solver():
    # Adam divides each step by the gradient's running size, so on a coordinate whose
    # gradient is 0 up to rounding (the bias, on standardised data) it turns rounding
    # noise into full steps: the paths agree only loosely, the end point closely.
    X, y = _data(9)
    fits = [GDRegressor(solver=s, optimizer="adam", tol=1e-12, epochs=3000).fit(X, y)
            for s in ("gd", "moments", "fused")]
    for fit in fits[1:]:
        np.testing.assert_allclose(fit.coef_, fits[0].coef_, rtol=1e-4)


@pytest.mark.parametrize("solver", ["auto", pytest.param("fused", marks=pytest.mark.numba), "gd"])
def test_default_step_reaches_least_squares(solver):
    X, y = _data(2, wide=True, offset=100.0)
    model = GDRegressor(solver=solver, tol=1e-12, epochs=5000).fit(X, y)
    assert ("MomentsObjective" in model.history_.meta.get("objective", "")) == (solver == "auto")
    W, *_ = np.linalg.lstsq(np.hstack([X, np.ones((len(X), 1))]), y, rcond=None)
    # the stopping rule watches the loss, which is quadratic in the coefficients' error:
    # R^2 agrees to 1e-10, the coefficients to about its square root
    np.testing.assert_allclose(model.coef_, W[:-1], rtol=1e-4)
    assert model.score(X, y) == pytest.approx(
        1 - np.sum((X @ W[:-1] + W[-1] - y) ** 2) / np.sum((y - y.mean()) ** 2), abs=1e-10)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_mini_batches_fall_back_to_the_readable_path():
    X, y = _data(3)
    model = GDRegressor(batch_size=32, epochs=5).fit(X, y)
    assert "objective" not in model.history_.meta
    with pytest.raises(DescentlabError, match="trains full-batch"):
        GDRegressor(solver="moments", batch_size=32).fit(X, y)


def test_memmap_and_streamed_file_fit_like_memory(tmp_path):
    X, y = _data(4, n=5000)
    path = tmp_path / "X.npy"
    np.save(path, X)
    ref = GDRegressor(tol=1e-12, epochs=3000).fit(X, y)
    for source in (np.load(path, mmap_mode="r"), NpyRows(path)):
        model = GDRegressor(tol=1e-12, epochs=3000).fit(source, y)
        np.testing.assert_allclose(model.coef_, ref.coef_, rtol=1e-9)
        np.testing.assert_allclose(model.predict(source), ref.predict(X), rtol=1e-9, atol=1e-9)
        assert model.n_features_in_ == 5
    with pytest.raises(DescentlabError, match="needs X in memory"):
        GDRegressor(solver="fused").fit(NpyRows(path), y)


def test_float32_streamed_file(tmp_path):
    # float32 data is multiplied in float32 (issue 15): the float64 fit of the same numbers
    # to float32's rounding, and R^2 to 1e-6 (tests/fast/test_moments_pass.py checks lstsq)
    X, y = _data(5, n=4000)
    path = tmp_path / "X32.npy"
    np.save(path, X.astype(np.float32))
    model = GDRegressor(tol=1e-12, epochs=3000).fit(NpyRows(path), y)
    X64 = X.astype(np.float32).astype(float)
    ref = GDRegressor(tol=1e-12, epochs=3000).fit(X64, y)
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=1e-5)
    assert model.score(X64, y) == pytest.approx(ref.score(X64, y), abs=1e-6)


def test_nan_in_streamed_data_is_a_one_line_error(tmp_path):
    X, y = _data(6, n=100)
    X[7, 2] = np.nan
    path = tmp_path / "nan.npy"
    np.save(path, X)
    with pytest.raises(DescentlabError, match="NaN or infinite"):
        GDRegressor().fit(NpyRows(path), y)
    with pytest.raises(DescentlabError, match="one value per row"):
        GDRegressor().fit(NpyRows(path), y[:50])


def test_bad_solver_name():
    X, y = _data(7, n=50)
    with pytest.raises(DescentlabError, match="solver='fast'"):
        GDRegressor(solver="fast").fit(X, y)
    from descentlab.estimators.linear import GDClassifier
    with pytest.raises(DescentlabError, match="solver='moments'"):
        GDClassifier(solver="moments").fit(X, y > 0)


def test_a_diverging_rate_is_caught_on_the_fast_path_too():
    from descentlab.errors import DivergenceError

    X, y = _data(8)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(DivergenceError, match="stable bound"):
            GDRegressor(solver="moments", optimizer="gd", lr=50.0).fit(X, y)
