"""partial_fit on chunks that arrive over time, warm_start, n_iter_, t_ and loss_curve_."""

import warnings

import numpy as np
import pytest
from sklearn.linear_model import LinearRegression

from descentlab.errors import DescentlabError
from descentlab.estimators import GDClassifier, GDNetworkClassifier, GDNetworkRegressor, GDRegressor


def _data(n=1000, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3)) * [1, 10, 100] + 5
    return X, X @ [1.0, 2.0, 3.0] + rng.normal(size=n)


def _chunks(n, k):
    return np.array_split(np.arange(n), k)


def test_partial_fit_on_chunks_reaches_the_full_fit():
    X, y = _data()
    ref = LinearRegression().fit(X, y)
    # a cosine schedule spans `epochs` updates: 100 passes over 4 chunks of one batch each
    inc = GDRegressor(optimizer="gd", schedule="cosine", epochs=400)
    for _ in range(100):
        for rows in _chunks(1000, 4):
            inc.partial_fit(X[rows], y[rows])
    np.testing.assert_allclose(inc.coef_, ref.coef_, rtol=1e-4)
    assert inc.intercept_ == pytest.approx(ref.intercept_, abs=1e-3)
    assert inc.n_iter_ == 400 and inc.t_ == 400 and len(inc.loss_curve_) == 400
    assert inc.loss_curve_[-1] < inc.loss_curve_[0]


def test_partial_fit_keeps_the_first_batch_scaling_and_counts_mini_batches():
    X, y = _data()
    inc = GDRegressor(batch_size=50).partial_fit(X[:200], y[:200])
    mean, scale = inc.x_mean_.copy(), inc.x_scale_.copy()
    np.testing.assert_allclose(mean, X[:200].mean(axis=0))
    inc.partial_fit(X[200:], y[200:])
    assert np.array_equal(inc.x_mean_, mean) and np.array_equal(inc.x_scale_, scale)
    assert inc.t_ == 200 // 50 + 800 // 50 and inc.n_iter_ == 2


def test_partial_fit_refuses_other_feature_counts():
    X, y = _data(100)
    inc = GDRegressor().partial_fit(X, y)
    with pytest.raises(ValueError, match="features"):
        inc.partial_fit(X[:, :2], y)


def test_classifier_partial_fit_needs_classes_first_and_takes_labels_a_batch_lacks():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(600, 2))
    labels = np.array(["left", "mid", "right"])[np.digitize(X[:, 0] + 0.2 * rng.normal(size=600), [-0.5, 0.5])]
    with pytest.raises(DescentlabError, match="classes= on its first call"):
        GDClassifier().partial_fit(X, labels)
    clf = GDClassifier()
    first = labels != "right"  # the first batch has no "right"
    clf.partial_fit(X[first][:100], labels[first][:100], classes=["right", "left", "mid"])
    for _ in range(30):
        for rows in _chunks(600, 6):
            clf.partial_fit(X[rows], labels[rows])
    assert list(clf.classes_) == ["left", "mid", "right"] and clf.coef_.shape == (3, 2)
    assert clf.score(X, labels) > 0.85
    with pytest.raises(DescentlabError, match="'up' is not among the classes"):
        clf.partial_fit(X[:3], ["up", "left", "mid"])


def test_binary_classifier_partial_fit_and_a_later_plain_fit_starts_again():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(300, 2))
    y = (X[:, 0] - X[:, 1] > 0).astype(int)
    clf = GDClassifier().partial_fit(X[:100], y[:100], classes=[0, 1])
    clf.partial_fit(X[100:], y[100:])
    assert clf.coef_.shape == (1, 2) and clf.n_iter_ == 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        again = clf.fit(X, np.where(y == 1, "b", "a"))
    assert list(again.classes_) == ["a", "b"] and again.t_ == again._optimizer.t


def test_warm_start_continues_from_the_fitted_model():
    X, y = _data()
    warm = GDRegressor(optimizer="gd", epochs=5, tol=None, warm_start=True)
    cold = GDRegressor(optimizer="gd", epochs=5, tol=None)
    warm.fit(X, y)
    cold.fit(X, y)
    first_end = warm.history_.loss[-1]
    warm.fit(X, y)
    cold.fit(X, y)
    assert warm.history_.loss[0] < first_end  # went on from where it stopped
    assert cold.history_.loss[0] > 10 * warm.history_.loss[0]  # started again from 0
    assert warm.n_iter_ == 5 and warm.t_ == 10 and len(warm.loss_curve_) == 10
    assert cold.t_ == 5 and len(cold.loss_curve_) == 5


def test_warm_starts_reach_the_full_fit():
    X, y = _data()
    ref = LinearRegression().fit(X, y)
    warm = GDRegressor(epochs=10, warm_start=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(40):
            warm.fit(X, y)
    np.testing.assert_allclose(warm.coef_, ref.coef_, rtol=1e-5)


@pytest.mark.parametrize("cls", [GDNetworkRegressor, GDNetworkClassifier])
def test_network_partial_fit_learns(cls):
    rng = np.random.default_rng(3)
    X = rng.uniform(-2, 2, (400, 2))
    y = np.sin(X).sum(axis=1)
    kwargs = {}
    if cls is GDNetworkClassifier:
        y, kwargs = (y > 0).astype(int), {"classes": [0, 1]}
    net = cls(hidden_layer_sizes=(8,), batch_size=50, lr=0.01)
    for _ in range(40):
        for rows in _chunks(400, 4):
            net.partial_fit(X[rows], y[rows], **kwargs)
    assert net.score(X, y) > 0.9 and net.n_iter_ == 160


def test_dask_ml_incremental_drives_partial_fit():
    dask_ml = pytest.importorskip("dask_ml.wrappers")
    da = pytest.importorskip("dask.array")
    X, y = _data(400)
    model = dask_ml.Incremental(GDRegressor(optimizer="gd"))
    model.fit(da.from_array(X, chunks=100), da.from_array(y, chunks=100))
    assert model.estimator_.n_iter_ == 4


@pytest.mark.parametrize("cls", [GDNetworkRegressor, GDNetworkClassifier])
def test_network_warm_start_is_a_parameter_and_continues(cls):
    from sklearn.base import clone

    assert clone(cls(warm_start=True)).get_params()["warm_start"] is True
    rng = np.random.default_rng(5)
    X = rng.normal(size=(150, 2))
    y = (X[:, 0] > 0).astype(int) if cls is GDNetworkClassifier else X[:, 0] ** 2
    net = cls(hidden_layer_sizes=(4,), epochs=3, tol=None, warm_start=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        net.fit(X, y)
        end = net.history_.loss[-1]
        net.fit(X, y)
    assert net.history_.loss[0] < end and len(net.loss_curve_) == 6 and net.t_ == 6


def test_t_counts_every_update_over_a_warm_fit_then_partial_fits():
    X, y = _data(200)
    reg = GDRegressor(optimizer="gd", epochs=3, tol=None, warm_start=True, batch_size=50)
    reg.fit(X, y)
    reg.fit(X, y)
    reg.partial_fit(X[:100], y[:100])
    assert reg.t_ == 2 * 3 * 4 + 2 and len(reg.loss_curve_) == 7


def _sorted_chunks_data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(2000, 3)) * [1, 10, 100] + 5
    y = X @ [1.0, 2.0, 3.0] + rng.normal(size=2000)
    order = np.argsort(X[:, 0])
    return X[order], y[order]


def test_partial_fit_on_chunks_sorted_by_a_feature_shrinks_its_step_and_does_not_diverge():
    """Issue 26: the first chunk's scaling makes later chunks steeper; the step follows the
    largest curvature seen (before: DivergenceError on pass 11)."""
    X, y = _sorted_chunks_data()
    inc = GDRegressor()
    for _ in range(30):
        for rows in _chunks(2000, 10):
            inc.partial_fit(X[rows], y[rows])
    first_lr = inc.history_.meta["lr"]
    assert inc._optimizer.lr < first_lr  # shrunk when a steeper chunk came
    assert np.all(np.isfinite(inc.coef_))
    ref = LinearRegression().fit(X, y)
    assert np.max(np.abs(inc.coef_ - ref.coef_)) / np.max(np.abs(ref.coef_)) < 1e-2


def test_partial_fit_that_still_diverges_names_the_stable_bound():
    X, y = _sorted_chunks_data()
    inc = GDRegressor(lr=1.5, optimizer="gd")
    with pytest.raises(DescentlabError, match="stable bound"):
        for _ in range(20):
            for rows in _chunks(2000, 10):
                inc.partial_fit(X[rows], y[rows])


def test_partial_fit_refuses_other_classes_on_a_later_call():
    rng = np.random.default_rng(2)
    X, y = rng.normal(size=(60, 2)), np.repeat([0, 1, 2], 20)
    clf = GDClassifier().partial_fit(X, y, classes=[0, 1, 2])
    clf.partial_fit(X, y, classes=[2, 1, 0])  # the same classes in another order are fine
    with pytest.raises(DescentlabError, match="differs from the first call"):
        clf.partial_fit(X, y, classes=[0, 1, 2, 3])


def test_every_estimator_takes_warm_start():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(80, 2))
    y = (X[:, 0] > 0).astype(int)
    for est in (GDClassifier(warm_start=True, epochs=5, gtol=None),
                GDRegressor(warm_start=True, epochs=5, gtol=None),
                GDNetworkClassifier(warm_start=True, epochs=5), GDNetworkRegressor(warm_start=True, epochs=5)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            est.fit(X, y)
            first = est.t_
            est.fit(X, y)
        assert est.get_params()["warm_start"] is True and est.t_ > first
