"""The moments pass (issue 15): one symmetric product of the shifted, augmented block per
row block equals the old separate sums and NumPy's least squares, on every input kind."""

import numpy as np
import pytest

from descentlab.fast.gram import augmented_gram
from descentlab.core.quadratic import least_squares
from descentlab.fast.moments import Moments
from descentlab.data.blocks import NpyRows, block_rows_for, native_blocks, shifted_blocks
from descentlab.estimators.linear import GDRegressor


def _data(seed, n=3000, d=6, offset=1e4, dtype=np.float64):
    """Features far from zero with scales 1e-2 to 1e2, a target far from zero."""
    rng = np.random.default_rng(seed)
    X = (rng.normal(size=(n, d)) * np.logspace(-2, 2, d) + offset).astype(dtype)
    y = X.astype(float) @ (rng.normal(size=d) / np.logspace(-2, 2, d)) + 1e3 + rng.normal(size=n)
    return X, y


def _old_pass(X, y, block_rows):
    """The pass before issue 15: separate products per float64 block (the reference)."""
    d = X.shape[1]
    n, sx, sy, syy, sxx, sxy = 0, np.zeros(d), 0.0, 0.0, np.zeros((d, d)), np.zeros(d)
    for shift, Xb, yb in shifted_blocks(X, y, block_rows):
        n += Xb.shape[0]
        sx, sy, syy = sx + Xb.sum(axis=0), sy + yb.sum(), syy + yb @ yb
        sxx, sxy = sxx + Xb.T @ Xb, sxy + Xb.T @ yb
    return Moments.from_sums(n, shift, sx, sy, sxx, sxy, syy)


def _solve(m):
    """Least squares from the moments: the normal equations about the mean."""
    W = np.linalg.solve(m.cov, m.cross)
    return W, m.mean_y - m.mean_x @ W


def _r2(X, y, W, b):
    return 1.0 - np.sum((y - X @ W - b) ** 2) / np.sum((y - y.mean()) ** 2)


@pytest.mark.parametrize("offset", [0.0, 1e4])
@pytest.mark.parametrize("block_rows", [64, 333, None])
def test_new_pass_equals_old(offset, block_rows):
    X, y = _data(0, offset=offset)
    new, old = Moments.from_arrays(X, y, block_rows), _old_pass(X, y, block_rows or 500)
    np.testing.assert_allclose(new.mean_x, old.mean_x, rtol=1e-13, atol=1e-13)  # sums in another order
    np.testing.assert_allclose(new.cov, old.cov, rtol=1e-9, atol=1e-12 * np.abs(old.cov).max())
    np.testing.assert_allclose(new.cross, old.cross, rtol=1e-9, atol=1e-12 * np.abs(old.cross).max())
    assert new.mean_y == pytest.approx(old.mean_y, rel=1e-14)
    assert new.n == old.n == X.shape[0]
    # the old pass did not shift y, so its var_y lost digits to cancellation: use two passes
    assert new.var_y == pytest.approx(np.var(y), rel=1e-12)


@pytest.mark.parametrize("offset", [0.0, 1e4, 1e7])
def test_new_pass_reaches_lstsq_far_from_zero(offset):
    X, y = _data(1, offset=offset)
    W, b = _solve(Moments.from_arrays(X, y, block_rows=257))
    W_ref, b_ref = least_squares(X, y)
    # at 1e7 lstsq itself loses digits (its column of ones is 1e9 times the smallest
    # column's spread): the pass must reach its R^2 or beat it, never fall short
    assert _r2(X, y, W, b) >= _r2(X, y, W_ref, b_ref) - 1e-9
    if offset < 1e7:
        np.testing.assert_allclose(W * np.logspace(-2, 2, 6), W_ref * np.logspace(-2, 2, 6), atol=1e-6)


def test_the_gram_is_one_augmented_product():
    X, y = _data(2, n=500, offset=0.0)
    G, shift, shift_y = augmented_gram(X, y, block_rows=128)
    A = np.column_stack([X - shift, y - shift_y, np.ones(len(y))])
    np.testing.assert_allclose(G, A.T @ A, rtol=1e-12, atol=1e-9)
    np.testing.assert_array_equal(shift, X[:128].mean(axis=0))


@pytest.mark.parametrize("offset", [0.0, 1e3])
def test_float32_stays_within_1e6_of_lstsq_r2(offset):
    X32, y = _data(3, n=20000, offset=offset, dtype=np.float32)
    X = X32.astype(np.float64)  # the same numbers: lstsq in float64 is the reference
    m = Moments.from_arrays(X32, y)
    W_ref, b_ref = least_squares(X, y)
    assert _r2(X, y, *_solve(m)) == pytest.approx(_r2(X, y, W_ref, b_ref), abs=1e-6)
    model = GDRegressor(tol=1e-12, epochs=5000).fit(X32, y)
    assert model.score(X, y) == pytest.approx(_r2(X, y, W_ref, b_ref), abs=1e-6)


def test_float32_blocks_are_float32_views():
    X32, y = _data(4, n=1000, dtype=np.float32)
    blocks = list(native_blocks(X32, y, 300))
    assert all(Xb.dtype == np.float32 and np.shares_memory(Xb, X32) for _, Xb, _ in blocks)
    assert block_rows_for(128, 2**20, itemsize=4) == 2 * block_rows_for(128, 2**20)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_memmap_and_npy_stream_equal_in_memory(tmp_path, dtype):
    X, y = _data(5, n=2500, dtype=dtype)
    path = tmp_path / "X.npy"
    np.save(path, X)
    ref = Moments.from_arrays(X, y, block_rows=300)
    for source in (np.load(path, mmap_mode="r"), NpyRows(path)):
        got = Moments.from_arrays(source, y, block_rows=300)
        np.testing.assert_array_equal(got.cov, ref.cov)
        np.testing.assert_array_equal(got.cross, ref.cross)
    W_ref, b_ref = least_squares(X.astype(float), y)
    assert _r2(X.astype(float), y, *_solve(got)) == pytest.approx(
        _r2(X.astype(float), y, W_ref, b_ref), abs=1e-9 if dtype == np.float64 else 1e-6)


def test_npy_stream_reads_into_two_buffers(tmp_path):
    X, y = _data(6, n=1000)
    np.save(tmp_path / "X.npy", X)
    blocks = native_blocks(NpyRows(tmp_path / "X.npy"), y, 128)
    seen = {Xb.__array_interface__["data"][0] for _, Xb, _ in blocks}
    assert len(seen) == 2  # two buffers in turn: one being used while the next is read


def test_dask_reduction_equals_in_memory():
    da = pytest.importorskip("dask.array")
    import dask

    X, y = _data(7, n=3000)
    with dask.config.set(scheduler="synchronous"):
        got = Moments.from_dask(da.from_array(X, chunks=(400, 3)), da.from_array(y, chunks=700))
    ref = Moments.from_arrays(X, y)
    np.testing.assert_allclose(got.cov, ref.cov, rtol=1e-9, atol=1e-12 * np.abs(ref.cov).max())
    np.testing.assert_allclose(got.cross, ref.cross, rtol=1e-9, atol=1e-12 * np.abs(ref.cross).max())
    W_ref, b_ref = least_squares(X, y)
    assert _r2(X, y, *_solve(got)) == pytest.approx(_r2(X, y, W_ref, b_ref), abs=1e-9)


@pytest.mark.slow
@pytest.mark.numba
def test_compiled_kernel_is_cached_across_processes(tmp_path):
    """A first fused fit writes the compiled kernel to disk; a fresh process loads it."""
    pytest.importorskip("numba")
    import os
    import subprocess
    import sys

    script = ("import numpy as np\n"
              "from descentlab.estimators.linear import GDRegressor\n"
              "from descentlab.fast.numba_kernel import _rows_loss_grad as k\n"
              "X = np.random.default_rng(0).normal(size=(300, 4)); y = X.sum(axis=1)\n"
              "GDRegressor(solver='fused', epochs=5).fit(X, y)\n"
              "print(sum(k.stats.cache_hits.values()), sum(k.stats.cache_misses.values()))\n")
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path))
    runs = [subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True,
                           check=True).stdout.split() for _ in range(2)]
    assert list(tmp_path.rglob("*.nbi")) and list(tmp_path.rglob("*.nbc"))
    assert runs[1] == ["1", "0"]  # the second process compiled nothing


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_weighted_pass_equals_repeated_rows(dtype):
    """Integer weights in the Gram pass (rows times sqrt(w)) give the repeated rows' moments."""
    X, y = _data(8, n=900, offset=1e3, dtype=dtype)
    counts = np.random.default_rng(8).integers(0, 4, size=len(y))
    w = counts * (len(y) / counts.sum())  # mean 1, as the estimators pass them
    got = Moments.from_arrays(X, y, block_rows=128, sample_weight=w)
    ref = Moments.from_arrays(np.repeat(X, counts, axis=0), np.repeat(y, counts), block_rows=128)
    tol, mean_tol = (1e-9, 1e-12) if dtype == np.float64 else (1e-5, 1e-8)  # float32: sqrt(w) rounded
    np.testing.assert_allclose(got.mean_x, ref.mean_x, rtol=mean_tol)
    np.testing.assert_allclose(got.cov, ref.cov, rtol=tol, atol=tol * np.abs(ref.cov).max())
    np.testing.assert_allclose(got.cross, ref.cross, rtol=tol, atol=tol * np.abs(ref.cross).max())
    assert got.mean_y == pytest.approx(ref.mean_y, rel=mean_tol)
    assert got.var_y == pytest.approx(ref.var_y, rel=tol)
    assert got.n == len(y)  # the rows, not the weights' sum


def test_weighted_fit_on_a_memmap_equals_in_memory(tmp_path):
    """Unnormalised weights with a memmap are checked and scaled to mean 1 like an array's."""
    X, y = _data(9, n=1500, offset=10.0)
    np.save(tmp_path / "X.npy", X)
    w = np.random.default_rng(9).uniform(0, 5, size=len(y))
    ref = GDRegressor(tol=None, epochs=300).fit(X, y, sample_weight=w)
    got = GDRegressor(tol=None, epochs=300).fit(np.load(tmp_path / "X.npy", mmap_mode="r"), y,
                                               sample_weight=w)
    np.testing.assert_allclose(got.coef_, ref.coef_, rtol=1e-9, atol=1e-12)
    assert got.intercept_ == pytest.approx(ref.intercept_, rel=1e-9)


def test_overflow_handling_reaches_the_worker_threads():
    """The pass's threads follow the caller's np.errstate: an ignored overflow stays silent."""
    import warnings

    X, y = _data(10, n=5000)
    X[3000, 2] = 1e200  # its square overflows
    with warnings.catch_warnings(), np.errstate(over="ignore", invalid="ignore"):
        warnings.simplefilter("error")
        G, _, _ = augmented_gram(X, y, block_rows=256)
    assert not np.isfinite(G).all()


@pytest.mark.parametrize("blas_threads", [1, 3])
def test_pass_on_any_number_of_threads_equals_one_product(tmp_path, blas_threads):
    """As many blocks in flight as BLAS threads (1: serial), a streamed file's read buffers
    never overwritten under a block still being multiplied."""
    threadpoolctl = pytest.importorskip("threadpoolctl")
    X, y = _data(11, n=4000, offset=50.0)
    np.save(tmp_path / "X.npy", X)
    with threadpoolctl.threadpool_limits(blas_threads, user_api="blas"):
        for source in (X, NpyRows(tmp_path / "X.npy")):
            G, shift, shift_y = augmented_gram(source, y, block_rows=97)
            A = np.column_stack([X - shift, y - shift_y, np.ones(len(y))])
            np.testing.assert_allclose(G, A.T @ A, rtol=1e-11, atol=1e-9 * np.abs(G).max())
