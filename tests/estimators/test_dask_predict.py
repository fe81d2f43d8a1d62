"""Predicting on a Dask array is lazy and chunk-wise, and gives the in-memory predictions
(the default scheduler here; tests/estimators/test_distributed.py repeats it on a LocalCluster)."""

import numpy as np
import pytest

da = pytest.importorskip("dask.array")

from sklearn.exceptions import NotFittedError  # noqa: E402

from descentlab.errors import DescentlabError  # noqa: E402
from descentlab.estimators.linear import GDClassifier, GDRegressor  # noqa: E402
from descentlab.estimators.network import GDNetworkClassifier, GDNetworkRegressor  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

METHODS = ("predict", "predict_proba", "predict_log_proba", "decision_function")


def _data(n=300, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4)) * [1, 10, 100, 0.1] + [3, -2, 50, 0]
    z = (X - X.mean(0)) / X.std(0)
    three = np.array(["a", "b", "c"])[np.argmax(z @ rng.normal(size=(4, 3)) + rng.normal(size=(n, 3)), 1)]
    two = np.where(z[:, 0] + z[:, 1] + 0.5 * rng.normal(size=n) > 0, 5, 2)
    return X, {"regression": z @ [1.0, 2.0, 3.0, 4.0] + rng.normal(size=n), 2: two, 3: three}


CASES = [(lambda: GDRegressor(), "regression"), (lambda: GDNetworkRegressor((5,), epochs=20), "regression"),
         (lambda: GDClassifier(epochs=40), 2), (lambda: GDClassifier(epochs=40), 3),
         (lambda: GDNetworkClassifier((5,), epochs=20), 2), (lambda: GDNetworkClassifier((5,), epochs=20), 3)]
IDS = ["linear", "network", "logistic", "softmax", "net-binary", "net-softmax"]


@pytest.fixture(scope="module")
def fitted():
    X, targets = _data()
    return X, targets, [make().fit(X, targets[task]) for make, task in CASES]


@pytest.mark.parametrize("case", range(len(CASES)), ids=IDS)
def test_every_prediction_method_on_a_dask_array_is_the_in_memory_one(fitted, case):
    X, targets, models = fitted
    est, y = models[case], targets[CASES[case][1]]
    dX = da.from_array(X, chunks=(70, 3))  # uneven row chunks; column chunks are joined
    names = [m for m in METHODS if hasattr(est, m)]
    assert len(names) == (1 if CASES[case][1] == "regression" else 4)
    for name in names:
        got, ref = getattr(est, name)(dX), getattr(est, name)(X)
        assert hasattr(got, "dask") and got.shape == ref.shape and got.dtype == ref.dtype, name
        if ref.dtype.kind == "f":
            np.testing.assert_allclose(got.compute(), ref, rtol=1e-12, atol=1e-12)
        else:
            np.testing.assert_array_equal(got.compute(), ref)
    w = np.random.default_rng(1).uniform(size=len(X))
    assert est.score(dX, y) == pytest.approx(est.score(X, y), abs=1e-12)
    assert est.score(dX, da.from_array(y, chunks=100), sample_weight=da.from_array(w, chunks=90)) \
        == pytest.approx(est.score(X, y, sample_weight=w), abs=1e-12)


def test_nothing_is_computed_until_asked(fitted):
    from dask import delayed

    X, _, models = fitted
    calls = []

    def load(rows):
        calls.append(rows)
        return X[rows]

    parts = [da.from_delayed(delayed(load)(slice(i, i + 100)), shape=(100, 4), dtype=float)
             for i in range(0, 300, 100)]
    dX = da.concatenate(parts)
    proba = models[3].predict_proba(dX)
    labels = models[3].predict(dX)
    assert calls == [] and proba.chunks == ((100, 100, 100), (3,))
    np.testing.assert_array_equal(labels.compute(), models[3].predict(X))
    assert len(calls) == 3  # each chunk loaded once, where it is predicted


def test_chunks_of_unknown_size_predict_and_score(fitted):
    X, targets, models = fitted
    keep = X[:, 0] > 2.5
    dX = da.from_array(X, chunks=(100, -1))
    dX = dX[da.from_array(keep, chunks=100)]  # NaN row chunks, as a DataFrame's .values gives
    assert np.isnan(dX.shape[0])
    reg, clf = models[0], models[3]
    np.testing.assert_allclose(reg.predict(dX).compute(), reg.predict(X[keep]), rtol=1e-12)
    assert clf.score(dX, targets[3][keep]) == pytest.approx(clf.score(X[keep], targets[3][keep]))


def test_a_constant_target_scores_as_scikit_learn(fitted):
    X, _, models = fitted
    y = np.full(len(X), 4.0)
    assert models[0].score(da.from_array(X, chunks=(50, -1)), y) == models[0].score(X, y) == 0.0


def test_bad_dask_inputs_are_one_line_errors(fitted):
    X, targets, models = fitted
    clf = models[2]
    for bad, match in [(da.from_array(X[:, :3], chunks=50), "X has 3 features per row; this model was fitted on 4"),
                       (da.from_array(X[:, 0], chunks=50), "2-D Dask array")]:
        with pytest.raises(DescentlabError, match=match) as info:
            clf.predict_proba(bad)
        assert "\n" not in str(info.value)
    with pytest.raises(DescentlabError, match=r"y must hold one value per row of X \(300\)"):
        clf.score(da.from_array(X, chunks=(50, -1)), targets[2][:10])
    with pytest.raises(NotFittedError):
        GDClassifier().predict(da.from_array(X, chunks=50))


def test_the_wrapped_methods_keep_their_names_and_docstrings():
    import inspect

    for cls in (GDRegressor, GDClassifier, GDNetworkClassifier, GDNetworkRegressor):
        for name in (*METHODS, "score"):
            method = getattr(cls, name, None)
            if method is not None:
                assert method.__name__ == name and method.__doc__
                assert list(inspect.signature(method).parameters)[:2] == ["self", "X"]


def test_a_dask_dataframe_predicts_lazily_with_its_columns_checked():
    import warnings

    dd = pytest.importorskip("dask.dataframe")
    pd = pytest.importorskip("pandas")
    X, targets = _data()
    frame = pd.DataFrame(X, columns=["w", "x", "y", "z"])
    clf = GDClassifier(epochs=40).fit(frame, targets[3])
    dframe = dd.from_pandas(frame, npartitions=3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "X does not have valid feature names" per chunk
        proba = clf.predict_proba(dframe)
        assert hasattr(proba, "dask")
        np.testing.assert_allclose(proba.compute(), clf.predict_proba(frame), rtol=1e-12, atol=1e-12)
        labels = dd.from_pandas(pd.Series(targets[3]), npartitions=2)
        assert clf.score(dframe, labels) == pytest.approx(clf.score(frame, targets[3]), abs=1e-12)
    with pytest.raises(DescentlabError, match=r"fitted on w, x, y, z \(the same columns in another order\)"):
        clf.predict(dframe[["x", "w", "y", "z"]])
