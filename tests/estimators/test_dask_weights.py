"""``sample_weight`` and ``class_weight`` on Dask arrays: the full-batch fits equal the
in-memory weighted fits (default scheduler; nothing gathered but sums and the labels)."""

import numpy as np
import pytest

from descentlab.errors import DescentlabError
from descentlab.estimators import GDClassifier, GDRegressor

da = pytest.importorskip("dask.array")
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _data(n=600, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 4)) * [1.0, 3.0, 0.5, 2.0] + 1.0
    y = X @ [1.0, -2.0, 0.5, 3.0] + rng.standard_normal(n)
    return X, y, rng.random(n) * 2, np.array(["a", "b", "c"])[np.digitize(y, [-2.0, 2.0])]


def _dask(*arrays):
    return [da.from_array(a, chunks=150) for a in arrays]


@pytest.mark.parametrize("dask_weights", [True, False])
def test_weighted_regressor_on_dask_equals_in_memory(dask_weights):
    X, y, w, _ = _data()
    dX, dy, dw = _dask(X, y, w)
    got = GDRegressor().fit(dX, dy, sample_weight=dw if dask_weights else w)
    ref = GDRegressor().fit(X, y, sample_weight=w)
    np.testing.assert_allclose(got.coef_, ref.coef_, rtol=0, atol=1e-10)
    assert abs(got.intercept_ - ref.intercept_) < 1e-10 and got.n_iter_ == ref.n_iter_


@pytest.mark.parametrize("class_weight, weighted", [(None, True), ("balanced", True), ("balanced", False),
                                                    ({"a": 2.0, "b": 1.0, "c": 0.5}, True),
                                                    ({"a": 2.0, "b": 1.0, "c": 0.5}, False)])
def test_weighted_classifier_on_dask_equals_in_memory(class_weight, weighted):
    X, _, w, labels = _data()
    dX, dl, dw = _dask(X, labels, w)
    est = GDClassifier(epochs=150, penalty="l2", alpha=1e-3, class_weight=class_weight)
    got = est.fit(dX, dl, sample_weight=dw if weighted else None)
    ref = GDClassifier(**est.get_params()).fit(X, labels, sample_weight=w if weighted else None)
    np.testing.assert_allclose(got.coef_, ref.coef_, rtol=0, atol=1e-10)
    np.testing.assert_allclose(got.intercept_, ref.intercept_, rtol=0, atol=1e-10)


def test_binary_classifier_with_dask_weights():
    X, y, w, _ = _data()
    dX, dy, dw = _dask(X, y > 0, w)
    got = GDClassifier(epochs=150).fit(dX, dy, sample_weight=dw)
    ref = GDClassifier(epochs=150).fit(X, y > 0, sample_weight=w)
    np.testing.assert_allclose(got.coef_, ref.coef_, rtol=0, atol=1e-10)


def test_bad_dask_weights_fail_in_one_line():
    X, y, w, labels = _data()
    dX, dy, dl = _dask(X, y, labels)
    cases = [(GDRegressor(), dy, da.from_array(-w, chunks=100), "negative"),
             (GDRegressor(), dy, da.from_array(w[:10], chunks=5), "one weight per row"),
             (GDClassifier(class_weight={"z": 2.0}), dl, None, "'z' which is not a label"),
             (GDClassifier(class_weight="balanced"), dl, da.from_array(np.where(labels == "a", 0.0, w), chunks=100),
              "class 'a' have sample_weight 0")]
    for est, target, sw, message in cases:
        with pytest.raises(DescentlabError, match=message) as info:
            est.fit(dX, target, sample_weight=sw)
        assert "\n" not in str(info.value)
