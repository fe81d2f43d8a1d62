"""Every estimator on a dask.distributed LocalCluster (2 worker processes) gives its in-memory
fit; only parameters and sums travel to the client; the CLI trains on a cluster's address."""

import numpy as np
import pytest

da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")
pytest.importorskip("dask.dataframe")

from dask.sizeof import sizeof  # noqa: E402

from descentlab.errors import DescentlabError  # noqa: E402
from descentlab.estimators.linear import GDClassifier, GDRegressor  # noqa: E402
from descentlab.estimators.network import GDNetworkClassifier, GDNetworkRegressor  # noqa: E402
from descentlab.estimators.persist import load_model  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")]


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None, silence_logs=40) as c:
        yield c


@pytest.fixture
def client(cluster):
    with distributed.Client(cluster, timeout=30) as c:
        yield c


def _data(n=4000, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 5)) * [1, 10, 100, 0.1, 3] + [3, -2, 50, 0, 1]
    z = (X - X.mean(0)) / X.std(0)
    labels = np.where(z @ [1.0, -2.0, 0.5, 1.5, 0.0] + rng.normal(size=n) > 0.3, 7, 3)
    return X, labels, np.tanh(z[:, 0]) + 0.5 * z[:, 1] * z[:, 4] + 0.1 * rng.normal(size=n)


def _three_classes(X, seed=1):
    """Labels of three classes (text, as a CSV would give them) that depend on every feature."""
    rng = np.random.default_rng(seed)
    z = (X - X.mean(0)) / X.std(0)
    return np.array(["low", "mid", "top"])[np.argmax(z @ rng.normal(size=(5, 3))
                                                     + rng.normal(size=(len(X), 3)), axis=1)]


def _dask(X, y, rows=500):
    return da.from_array(X, chunks=(rows, -1)), da.from_array(y, chunks=rows)


@pytest.fixture
def received(client, monkeypatch):
    """The bytes of every result that a ``dask.compute`` brings back to the client."""
    sizes, get = [], distributed.Client.get

    def recording_get(self, *args, **kwargs):  # a method still, so dask.persist stays on the workers
        result = get(self, *args, **kwargs)
        sizes.append(sizeof(result))
        return result

    monkeypatch.setattr(distributed.Client, "get", recording_get)
    return sizes


def test_classifier_on_the_cluster_equals_its_in_memory_fit_and_never_gathers_X(client, received):
    X, labels, _ = _data()
    ref = GDClassifier(epochs=60).fit(X, labels)
    got = GDClassifier(epochs=60).fit(*_dask(X, labels))
    np.testing.assert_allclose(got.coef_, ref.coef_, rtol=1e-9, atol=1e-12)
    assert got.intercept_ == pytest.approx(ref.intercept_, rel=1e-9)
    assert list(got.classes_) == [3, 7] and got.n_iter_ == ref.n_iter_
    # statistics, curvature and one compute per epoch, each a few hundred bytes; X is 160 kB
    assert len(received) >= got.n_iter_ and max(received) < X.nbytes / 20


def test_network_on_the_cluster_equals_its_in_memory_fit(client, received):
    X, _, y = _data()
    # early_stopping off: in memory, "auto" would hold out 10% of these 4,000 rows; on Dask it is off
    ref = GDNetworkRegressor((8,), epochs=40, batch_size=None, early_stopping=False).fit(X, y)
    got = GDNetworkRegressor((8,), epochs=40, batch_size=None, early_stopping=False).fit(*_dask(X, y))
    np.testing.assert_allclose(got.predict(X), ref.predict(X), rtol=1e-7, atol=1e-7)
    assert max(received) < X.nbytes / 20


def test_softmax_classifier_on_the_cluster_equals_its_in_memory_fit_and_never_gathers_X(client, received):
    X, _, _ = _data()
    labels = _three_classes(X)
    ref = GDClassifier(epochs=60, tol=None).fit(X, labels)
    got = GDClassifier(epochs=60, tol=None).fit(*_dask(X, labels))
    assert got.coef_.shape == (3, 5) and list(got.classes_) == ["low", "mid", "top"]
    np.testing.assert_allclose(got.coef_, ref.coef_, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(got.intercept_, ref.intercept_, rtol=1e-9, atol=1e-12)
    assert got.n_iter_ == ref.n_iter_ == 60
    # the classes come back as a union per chunk, the gradient as one (3, 5) sum per epoch
    assert len(received) >= got.n_iter_ and max(received) < X.nbytes / 20


def test_network_classifier_with_three_classes_on_the_cluster_equals_its_in_memory_fit(client, received):
    X, _, _ = _data()
    labels = _three_classes(X)
    ref = GDNetworkClassifier((8,), epochs=40, batch_size=None, early_stopping=False).fit(X, labels)
    got = GDNetworkClassifier((8,), epochs=40, batch_size=None, early_stopping=False).fit(*_dask(X, labels))
    np.testing.assert_allclose(got.predict_proba(X), ref.predict_proba(X), rtol=1e-7, atol=1e-7)
    assert got.n_iter_ == ref.n_iter_ and max(received) < X.nbytes / 20


@pytest.mark.parametrize("make", [lambda: GDClassifier(epochs=30),
                                  lambda: GDNetworkClassifier((6,), epochs=20, batch_size=None)],
                         ids=["softmax", "network"])
def test_predictions_on_the_cluster_are_lazy_chunkwise_and_the_in_memory_ones(client, received, make):
    X, _, _ = _data()
    labels = _three_classes(X)
    est = make().fit(X, labels)
    dX = da.from_array(X, chunks=(500, -1))
    received.clear()
    lazy = {name: getattr(est, name)(dX) for name in ("predict", "predict_proba", "decision_function")}
    assert not received and all(hasattr(v, "dask") for v in lazy.values())  # nothing computed yet
    for name, values in lazy.items():
        got, ref = values.compute(), getattr(est, name)(X)
        assert got.shape == ref.shape and got.dtype == ref.dtype
        if ref.dtype.kind == "f":
            np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-12)
        else:
            np.testing.assert_array_equal(got, ref)
    # each compute brought back its predictions (3 columns at most), never the 5 of X
    assert max(received) <= 3 / 5 * X.nbytes + 1000
    received.clear()
    assert est.score(dX, da.from_array(labels, chunks=700)) == pytest.approx(est.score(X, labels), abs=1e-12)
    assert max(received) < 1000  # a sum and a count


def test_regressor_on_the_cluster_keeps_its_moments_path(client):
    X, _, y = _data(2000)
    got = GDRegressor().fit(*_dask(X, y))
    np.testing.assert_allclose(got.coef_, GDRegressor().fit(X, y).coef_, rtol=1e-7)
    assert got.history_.meta["objective"].startswith("MomentsObjective")


def test_mini_batches_on_the_cluster_are_refused_in_one_line(client):
    X, labels, _ = _data(1000)
    with pytest.raises(DescentlabError, match="partial_fit.*Incremental"):
        GDClassifier(batch_size=100).fit(*_dask(X, labels))


def _write_folder(folder, X, y, kind):
    import pandas as pd

    folder.mkdir()
    df = pd.DataFrame(X, columns=[f"x{j}" for j in range(X.shape[1])]).assign(target=y)
    for k, part in enumerate(np.array_split(np.arange(len(df)), 3)):
        if kind == "csv":
            df.iloc[part].to_csv(folder / f"part{k}.csv", index=False)
        else:
            df.iloc[part].to_parquet(folder / f"part{k}.parquet", index=False)


@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_cli_fits_a_folder_on_a_cluster_address(cluster, tmp_path, capsys, kind):
    if kind == "parquet":
        pytest.importorskip("pyarrow")
    from descentlab.cli import main

    X, labels, _ = _data(1500)
    _write_folder(tmp_path / "data", X, np.where(labels == 7, "yes", "no"), kind)
    out = tmp_path / "model.json"
    code = main(["fit", str(tmp_path / "data"), "--target", "target", "--classify", "--epochs", "50",
                 "--scheduler", cluster.scheduler_address, "--out", str(tmp_path)])
    assert code == 0
    text = capsys.readouterr().out
    assert "accuracy" in text and f"1500 rows x 5 features of {tmp_path / 'data'}" in text
    saved, info = load_model(out, return_info=True)
    ref = GDClassifier(epochs=50).fit(X, np.where(labels == 7, "yes", "no"))
    np.testing.assert_allclose(saved.coef_, ref.coef_, rtol=1e-8)
    assert list(saved.classes_) == ["no", "yes"] and info["features"] == [f"x{j}" for j in range(5)]


def test_cli_fits_three_classes_on_a_cluster_and_measures_them(cluster, tmp_path):
    from descentlab.estimators.workflow import FitConfig, fit_csv

    X, _, _ = _data(1500)
    labels = _three_classes(X)
    _write_folder(tmp_path / "data", X, labels, "csv")
    result = fit_csv(FitConfig(csv=str(tmp_path / "data"), target="target", task="classification",
                               test_size=0.2, params={"epochs": 50}, scheduler=cluster.scheduler_address))
    ref = GDClassifier(epochs=50).fit(X, labels)
    assert list(result.estimator.classes_) == ["low", "mid", "top"]
    # the metrics of three classes: a log loss over three probability columns, on the held-out rows
    assert set(result.metrics) == {"train", "test"}
    assert result.metrics["test"]["accuracy"] > 0.5 and 0 < result.metrics["test"]["log_loss"] < np.log(3)
    assert result.metrics["train"]["accuracy"] == pytest.approx(ref.score(X, labels), abs=0.03)


def test_cli_says_in_one_line_when_no_scheduler_answers(tmp_path, capsys):
    from descentlab.cli import main

    X, _, y = _data(100)
    _write_folder(tmp_path / "data", X, y, "csv")
    code = main(["fit", str(tmp_path / "data"), "--target", "target", "--scheduler",
                 "tcp://127.0.0.1:9", "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code != 0 and "cannot reach a Dask scheduler at 'tcp://127.0.0.1:9'" in err
    assert "Traceback" not in err
