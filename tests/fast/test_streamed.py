"""Every estimator on data read in blocks (memmaps, .npy streams, Dask arrays on the default
scheduler) gives its in-memory fit; the per-block sum is the full-batch loss and gradient."""

import numpy as np
import pytest

from descentlab.core.losses import BinaryCrossEntropy, MeanSquaredError
from descentlab.core.network import make_network
from descentlab.core.scaling import standardize
from descentlab.data.blocks import NpyRows
from descentlab.errors import DescentlabError
from descentlab.fast.blockwise import (ArrayBlocks, LabelCodes, Scaling, Standardized,
                                                  SummedObjective)
from descentlab.estimators.linear import GDClassifier
from descentlab.estimators.network import GDNetworkRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _data(n=1200, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4)) * [1, 10, 100, 0.1] + [3, -2, 50, 0]
    z = (X - X.mean(0)) / X.std(0)
    labels = np.where(z @ [1.0, -2.0, 0.5, 1.5] + rng.normal(size=n) > 0, "yes", "no")
    return X, labels, np.sin(z[:, 0]) + 0.5 * z[:, 1] + 0.1 * rng.normal(size=n)


@pytest.fixture
def files(tmp_path):
    X, labels, y = _data()
    np.save(tmp_path / "X.npy", X)
    return X, labels, y, tmp_path / "X.npy"


def _streams(path):
    return {"memmap": np.load(path, mmap_mode="r"), "npy": NpyRows(path)}


@pytest.mark.parametrize("source", ["memmap", "npy"])
def test_classifier_on_a_stream_equals_its_in_memory_fit(files, source):
    X, labels, _, path = files
    ref = GDClassifier(epochs=150).fit(X, labels)
    got = GDClassifier(epochs=150).fit(_streams(path)[source], labels)
    assert got.history_.meta["objective"].startswith("SummedObjective(LogisticModel")
    np.testing.assert_allclose(got.coef_, ref.coef_, rtol=1e-9, atol=1e-12)
    assert got.intercept_ == pytest.approx(ref.intercept_, rel=1e-9)
    assert list(got.classes_) == ["no", "yes"] and got.n_iter_ == ref.n_iter_


@pytest.mark.parametrize("source", ["memmap", "npy"])
def test_network_on_a_stream_equals_its_in_memory_fit(files, source):
    X, _, y, path = files
    # streams train full batch, a block at a time, on every row: so does the reference (a network
    # defaults to mini-batches, and to early stopping on held-out rows from 1000 rows in memory)
    ref = GDNetworkRegressor((8,), epochs=60, batch_size=None, early_stopping=False).fit(X, y)
    got = GDNetworkRegressor((8,), epochs=60, batch_size=None, early_stopping=False).fit(_streams(path)[source], y)
    np.testing.assert_allclose(got.predict(X), ref.predict(X), rtol=1e-8, atol=1e-8)
    assert got.y_mean_ == pytest.approx(ref.y_mean_) and got.y_scale_ == pytest.approx(ref.y_scale_)


@pytest.mark.parametrize("block_rows", [7, 100, 5000])
def test_the_sum_over_blocks_is_the_full_batch_loss_and_gradient(files, block_rows):
    X, labels, y, path = files
    Z, mu, s = standardize(X)
    for loss, target, t in [(MeanSquaredError(), Standardized(0.0, 1.0), y),
                            (BinaryCrossEntropy(), LabelCodes(np.array(["no", "yes"]), [0.0, 1.0]),
                             (labels == "yes").astype(float))]:
        model = make_network([4, 5, 1], "tanh", seed=3)
        objective = SummedObjective(ArrayBlocks(NpyRows(path), labels if t is not y else y, block_rows),
                                    make_network([4, 5, 1], "tanh", seed=9), loss,
                                    Scaling(mu, s, target))
        value, grads = objective(model.get_params())
        y_pred = model.forward(Z)
        ref = model.backward(loss.grad(t, y_pred))
        assert value == pytest.approx(loss.loss(t, y_pred), rel=1e-12)
        for key in ref:
            np.testing.assert_allclose(grads[key], ref[key], rtol=1e-10, atol=1e-14)


def test_dask_arrays_without_a_cluster_give_the_in_memory_fits():
    da = pytest.importorskip("dask.array")
    X, labels, y = _data(600)
    dX = da.from_array(X, chunks=(110, 2))  # column chunks are joined, y rechunked to match
    clf = GDClassifier(epochs=80).fit(dX, da.from_array(labels, chunks=200))
    ref = GDClassifier(epochs=80).fit(X, labels)
    np.testing.assert_allclose(clf.coef_, ref.coef_, rtol=1e-9, atol=1e-12)
    net = GDNetworkRegressor((6,), epochs=40, batch_size=None).fit(dX, da.from_array(y, chunks=110))
    ref = GDNetworkRegressor((6,), epochs=40, batch_size=None).fit(X, y)
    np.testing.assert_allclose(net.predict(X), ref.predict(X), rtol=1e-8, atol=1e-8)


def test_mini_batches_on_dask_are_refused_in_one_line():
    da = pytest.importorskip("dask.array")
    X, labels, _ = _data(200)
    for est in (GDClassifier(batch_size=32), GDNetworkRegressor(early_stopping=True)):
        with pytest.raises(DescentlabError, match="full-batch.*Incremental") as info:
            est.fit(da.from_array(X, chunks=50), da.from_array(labels, chunks=50))
        assert "\n" not in str(info.value)


def test_class_weight_on_a_stream_is_refused_not_ignored(files):
    """A .npy stream takes no weights (Dask arrays do: tests/estimators/test_dask_weights.py)."""
    X, labels, _, path = files
    X = _streams(path)["npy"]
    with pytest.raises(DescentlabError, match="class_weight needs X in memory") as info:
        GDClassifier(class_weight="balanced", epochs=5).fit(X, labels)
    assert "\n" not in str(info.value)


def test_a_memmap_with_weights_is_read_whole_and_fits_as_in_memory(files):
    X, labels, _, path = files
    weights = np.linspace(0.5, 2.0, len(labels))
    unweighted = GDClassifier(epochs=20, tol=None).fit(X, labels)
    for options, fit_args in (({"class_weight": "balanced"}, {}), ({}, {"sample_weight": weights})):
        got = GDClassifier(epochs=20, tol=None, **options).fit(np.load(path, mmap_mode="r"), labels, **fit_args)
        ref = GDClassifier(epochs=20, tol=None, **options).fit(X, labels, **fit_args)
        np.testing.assert_allclose(got.coef_, ref.coef_, rtol=1e-12)
        assert not np.allclose(got.coef_, unweighted.coef_, rtol=1e-6)  # the weights counted


def test_a_npy_stream_refuses_mini_batches_and_a_memmap_takes_them_in_memory(files):
    X, labels, _, path = files
    with pytest.raises(DescentlabError, match="full-batch"):
        GDClassifier(batch_size=64).fit(NpyRows(path), labels)
    got = GDClassifier(batch_size=64, epochs=5, tol=None).fit(np.load(path, mmap_mode="r"), labels)
    ref = GDClassifier(batch_size=64, epochs=5, tol=None).fit(X, labels)
    np.testing.assert_allclose(got.coef_, ref.coef_, rtol=1e-12)


def test_streamed_data_with_nan_is_refused_and_three_classes_stream_as_in_memory(tmp_path):
    X, labels, _ = _data(300)
    X[5, 2] = np.nan
    np.save(tmp_path / "nan.npy", X)
    with pytest.raises(DescentlabError, match="NaN"):
        GDClassifier().fit(NpyRows(tmp_path / "nan.npy"), labels)
    X[5, 2] = 0.0
    np.save(tmp_path / "ok.npy", X)
    three = np.array(["a", "b", "c"])[np.arange(300) % 3]  # softmax, a block at a time
    streamed = GDClassifier(epochs=60, tol=None).fit(NpyRows(tmp_path / "ok.npy"), three)
    in_memory = GDClassifier(epochs=60, tol=None).fit(X, three)
    assert streamed.coef_.shape == (3, X.shape[1])
    np.testing.assert_allclose(streamed.coef_, in_memory.coef_, rtol=1e-9, atol=1e-12)
    with pytest.raises(DescentlabError, match="y must be 1-D"):
        GDNetworkRegressor(batch_size=None).fit(NpyRows(tmp_path / "ok.npy"), np.zeros(10))


def test_distributed_objective_is_the_full_batch_loss_and_gradient_of_the_rows():
    da = pytest.importorskip("dask.array")
    from descentlab.fast.distributed import DistributedObjective

    X, labels, _ = _data(500)
    t = (labels == "yes").astype(float)
    model = make_network([4, 3, 1], "relu", seed=1)
    objective = DistributedObjective(make_network([4, 3, 1], "relu", seed=2), BinaryCrossEntropy(),
                                     da.from_array(X, chunks=(64, 4)), da.from_array(t, chunks=64))
    value, grads = objective(model.get_params())
    y_pred = model.forward(X)
    ref = model.backward(BinaryCrossEntropy().grad(t, y_pred))
    assert objective.n_samples == 500 and value == pytest.approx(BinaryCrossEntropy().loss(t, y_pred))
    for key in ref:
        np.testing.assert_allclose(grads[key], ref[key], rtol=1e-10, atol=1e-14)


def test_a_dask_X_needs_a_dask_y():
    da = pytest.importorskip("dask.array")
    X, labels, _ = _data(100)
    with pytest.raises(DescentlabError, match="y is not"):
        GDClassifier().fit(da.from_array(X, chunks=50), labels)
