"""The fast paths give the readable path's loss and gradient."""

import numpy as np
import pytest

from descentlab.data.blocks import NpyRows, row_blocks
from descentlab.errors import DescentlabError
from descentlab.fast.moments import Moments
from descentlab.fast.kernels import FusedLinear, fused_loss_grad
from descentlab.core.losses import MeanSquaredError
from descentlab.core.models import LinearModel


def _readable(X, y, W, b):
    model = LinearModel(X.shape[1])
    model.params["W"][...] = W
    model.params["b"][...] = b
    loss = MeanSquaredError()
    y_pred = model.forward(X)
    grads = model.backward(loss.grad(y, y_pred))
    return loss.loss(y, y_pred), grads["W"], grads["b"]


def _problem(seed, n=1500, d=6, offset=0.0, scales=None):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) * (scales if scales is not None else 1.0) + offset
    y = X @ rng.normal(size=d) + rng.normal(size=n)
    return X, y, rng.normal(size=d), float(rng.normal())


BACKENDS = ["numpy", pytest.param("numba", marks=[pytest.mark.numba, pytest.mark.skipif(
    __import__("importlib").util.find_spec("numba") is None, reason="Numba is not installed")])]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("threads", [1, 2, 3])
def test_fused_equals_readable(threads, backend):
    X, y, W, b = _problem(0)
    expected = _readable(X, y, W, b)
    fused = FusedLinear(X, y, n_threads=threads, block_rows=97, backend=backend)
    assert fused.backend == backend
    got = fused.loss_grad(W, b)
    fused.close()
    assert got[0] == pytest.approx(expected[0], rel=1e-12)
    np.testing.assert_allclose(got[1], expected[1], rtol=1e-10)
    assert float(got[2]) == pytest.approx(float(expected[2]), rel=1e-10)


@pytest.mark.parametrize("backend", BACKENDS)
def test_fused_float32_is_close(backend):
    X, y, W, b = _problem(1)
    expected = _readable(X, y, W, b)
    got = fused_loss_grad(X.astype(np.float32), y, W, b, backend=backend)
    assert got[0] == pytest.approx(expected[0], rel=1e-5)
    np.testing.assert_allclose(got[1], expected[1], rtol=1e-4)


@pytest.mark.parametrize("offset,scales", [(0.0, None), (1e4, None), (0.0, np.logspace(-3, 3, 6))])
def test_moments_equal_readable(offset, scales):
    X, y, W, b = _problem(2, offset=offset, scales=scales)
    expected = _readable(X, y, W, b)
    moments = Moments.from_arrays(X, y, block_rows=211)
    got = moments.loss_grad(W, b)
    assert got[0] == pytest.approx(expected[0], rel=1e-7)
    np.testing.assert_allclose(got[1], expected[1], rtol=1e-6, atol=1e-9 * np.abs(expected[1]).max())
    assert float(got[2]) == pytest.approx(float(expected[2]), rel=1e-6)
    np.testing.assert_allclose(moments.cov, np.cov(X.T, bias=True), rtol=1e-8, atol=1e-12)


def test_moments_do_not_touch_the_input():
    X, y, _, _ = _problem(3)
    before = X.copy()
    Moments.from_arrays(X, y, block_rows=100)
    np.testing.assert_array_equal(X, before)


def test_npy_rows_streams_a_file_like_a_memmap(tmp_path):
    X, y, W, b = _problem(4, n=1000)
    path = tmp_path / "X.npy"
    np.save(path, X.astype(np.float32))
    rows = NpyRows(path)
    assert rows.shape == (1000, 6) and rows.dtype == np.float32
    np.testing.assert_array_equal(rows[10:20], X[10:20].astype(np.float32))
    mm = np.load(path, mmap_mode="r")
    a = Moments.from_arrays(rows, y, block_rows=128)
    c = Moments.from_arrays(mm, y, block_rows=128)
    np.testing.assert_allclose(a.cov, c.cov, rtol=1e-12)
    blocks = list(row_blocks(rows, y, 300))
    assert [s for s, _, _ in blocks] == [0, 300, 600, 900]
    assert all(Xb.dtype == np.float64 for _, Xb, _ in blocks)


def test_npy_rows_refuses_what_it_cannot_stream(tmp_path):
    bad = tmp_path / "bad.npy"
    bad.write_bytes(b"not numpy")
    with pytest.raises(DescentlabError, match="cannot read"):
        NpyRows(bad)
    fortran = tmp_path / "f.npy"
    np.save(fortran, np.asfortranarray(np.ones((3, 2))))
    with pytest.raises(DescentlabError, match="C-ordered"):
        NpyRows(fortran)


def test_column_mean_std_in_one_pass_leaves_the_input_alone():
    from descentlab.core.scaling import column_mean_std

    X, _, _, _ = _problem(5, offset=1e4, scales=np.logspace(-2, 2, 6))
    before = X.copy()
    mean, std = column_mean_std(X, block_rows=333)
    np.testing.assert_array_equal(X, before)
    np.testing.assert_allclose(mean, X.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(std, X.std(axis=0), rtol=1e-8)


def test_a_whole_memmap_is_read_through_its_file(tmp_path):
    X, _, _, _ = _problem(6, n=400)
    path = tmp_path / "X.npy"
    np.save(path, X)
    mm = np.load(path, mmap_mode="r")
    rows = NpyRows.of_memmap(mm)
    assert rows is not None and rows.shape == X.shape
    np.testing.assert_array_equal(rows[100:250], X[100:250])
    assert NpyRows.of_memmap(mm[10:]) is None  # a view: used as it is
    blocks = np.vstack([Xb for _, Xb, _ in row_blocks(mm[10:], None, 64)])
    np.testing.assert_array_equal(blocks, X[10:])


@pytest.mark.numba
def test_one_compiled_kernel_serves_every_layout(tmp_path):
    """Fortran order, read-only memmaps and strided views reuse the float64 compile."""
    numba_kernel = pytest.importorskip("descentlab.fast.numba_kernel")
    X, y, W, b = _problem(7, n=500)
    np.save(tmp_path / "X.npy", X)
    readonly = X.copy()
    readonly.flags.writeable = False
    layouts = [X, np.asfortranarray(X), np.load(tmp_path / "X.npy", mmap_mode="r"), readonly,
               np.repeat(X, 2, axis=0)[::2]]
    got = [fused_loss_grad(A, y, W, b, n_threads=2, backend="numba") for A in layouts]
    for loss, dW, db in got[1:]:
        assert loss == got[0][0] and float(db) == float(got[0][2])
        np.testing.assert_array_equal(dW, got[0][1])
    float64 = [s for s in numba_kernel._rows_loss_grad.signatures if s[0].dtype.name == "float64"]
    assert len(float64) == 1
