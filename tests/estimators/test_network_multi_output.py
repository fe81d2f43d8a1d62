"""Multi-output network regression and multilabel network classification (y of shape (n, k))."""

import numpy as np
import pytest
from sklearn.datasets import make_multilabel_classification
from sklearn.exceptions import DataConversionWarning
from sklearn.metrics import hamming_loss, log_loss
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.utils import get_tags

from descentlab.errors import DescentlabError
from descentlab.estimators.network import GDNetworkClassifier, GDNetworkRegressor
from descentlab.estimators.persist import load_model
from descentlab.outputs.models import save_model

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _two_targets(n=300):
    X = np.random.default_rng(0).normal(size=(n, 3))
    return X, np.column_stack([100 * np.sin(X[:, 0]) + 5, 0.01 * X[:, 1] ** 2])


def test_multi_output_regressor_fits_each_column_on_its_own_scale(tmp_path):
    X, Y = _two_targets()
    reg = GDNetworkRegressor((16,), epochs=400, batch_size=None).fit(X, Y)
    assert reg.predict(X).shape == (300, 2) and reg.y_mean_.shape == (2,)
    np.testing.assert_allclose(reg.y_scale_, Y.std(axis=0))
    from sklearn.metrics import r2_score

    assert np.all(r2_score(Y, reg.predict(X), multioutput="raw_values") > 0.9)
    loaded = load_model(save_model(reg, tmp_path / "r.json"))
    assert loaded.predict(X).tobytes() == reg.predict(X).tobytes()


def test_one_column_target_is_the_flat_one_with_a_warning_as_mlp_regressor():
    X, Y = _two_targets(120)
    flat = GDNetworkRegressor((4,), epochs=30).fit(X, Y[:, 0])
    with pytest.warns(DataConversionWarning, match="column-vector y"):
        column = GDNetworkRegressor((4,), epochs=30).fit(X, Y[:, :1])
    assert column.predict(X).shape == (120,) and np.ndim(column.y_mean_) == 0
    assert column.predict(X).tobytes() == flat.predict(X).tobytes()


def _labels(n=400, seed=0):
    return make_multilabel_classification(n, n_features=10, n_classes=4, n_labels=2,
                                          random_state=seed)


def test_multilabel_network_predicts_a_zero_one_matrix(tmp_path):
    X, Y = _labels()
    clf = GDNetworkClassifier((12,), epochs=100).fit(X, Y)
    assert clf.multilabel_ and list(clf.classes_) == [0, 1, 2, 3]
    proba = clf.predict_proba(X)
    assert proba.shape == (400, 4) and clf.predict(X).shape == (400, 4)
    assert set(np.unique(clf.predict(X))) <= {0, 1} and clf.predict(X).dtype == Y.dtype
    np.testing.assert_array_equal(clf.predict(X), (proba > 0.5).astype(int))
    np.testing.assert_allclose(np.exp(clf.predict_log_proba(X)), proba, rtol=1e-10)
    assert not np.allclose(proba.sum(axis=1), 1.0)  # labels, not classes: sigmoids, not a softmax
    majority = np.minimum(Y.mean(axis=0), 1 - Y.mean(axis=0)).mean()  # each label's majority: 0.45
    assert hamming_loss(Y, clf.predict(X)) < 0.5 * majority
    loaded = load_model(save_model(clf, tmp_path / "m.json"))
    assert loaded.predict_proba(X).tobytes() == proba.tobytes()


def test_two_labels_are_not_two_classes():
    X, Y = _labels()
    both = GDNetworkClassifier((6,), epochs=5).fit(X, Y[:, :2])
    one = GDNetworkClassifier((6,), epochs=5).fit(X, Y[:, 0])
    assert both.decision_function(X).shape == (400, 2) and both.predict(X).shape == (400, 2)
    assert one.decision_function(X).shape == (400,) and not one.multilabel_


def test_network_tags_say_multi_output_and_multilabel():
    assert get_tags(GDNetworkRegressor()).target_tags.multi_output
    tags = get_tags(GDNetworkClassifier())
    assert tags.target_tags.multi_output and tags.classifier_tags.multi_label


@pytest.mark.slow
def test_multilabel_network_scores_like_mlp_classifier():
    X, Y = make_multilabel_classification(3000, n_features=20, n_classes=5, n_labels=2,
                                          random_state=0)
    X_train, X_test, Y_train, Y_test = train_test_split(X, Y, random_state=0)
    ours = GDNetworkClassifier((100,)).fit(X_train, Y_train)
    mlp = MLPClassifier((100,), random_state=0).fit(X_train, Y_train)

    def scores(model):
        proba = model.predict_proba(X_test)
        label_loss = np.mean([log_loss(Y_test[:, j], proba[:, j]) for j in range(Y.shape[1])])
        return hamming_loss(Y_test, model.predict(X_test)), label_loss

    (ours_hamming, ours_loss), (mlp_hamming, mlp_loss) = scores(ours), scores(mlp)
    # 3750 label decisions: one standard error of the Hamming loss is about 0.006
    assert ours_hamming <= mlp_hamming + 0.006 and ours_loss <= mlp_loss + 0.005


def test_partial_fit_and_warm_start_take_several_outputs_and_labels():
    X, Y = _two_targets(200)
    chunks = GDNetworkRegressor((4,), epochs=5)
    for rows in (slice(0, 100), slice(100, 200)):
        chunks.partial_fit(X[rows], Y[rows])
    assert chunks.predict(X).shape == (200, 2) and chunks.n_iter_ == 2
    warm = GDNetworkRegressor((4,), epochs=5, warm_start=True).fit(X, Y)
    assert warm.fit(X, Y).n_iter_ == 5 and len(warm.loss_curve_) == 10
    X, Y = _labels(200)
    clf = GDNetworkClassifier((4,), epochs=5).partial_fit(X, Y, classes=range(4))
    assert clf.partial_fit(X, Y).predict(X).shape == (200, 4)
    with pytest.raises(DescentlabError, match=r"pass classes=range\(4\)"):
        GDNetworkClassifier((4,)).partial_fit(X, Y, classes=["a", "b"])


def test_several_outputs_and_labels_predict_lazily_on_dask():
    da = pytest.importorskip("dask.array")
    X, Y = _labels(200)
    Xd = da.from_array(X, chunks=50)
    for labels in (Y, Y[:, :2]):  # two labels are two columns, not one logit
        clf = GDNetworkClassifier((4,), epochs=5).fit(X, labels)
        for method in ("predict", "predict_proba", "decision_function"):
            lazy = getattr(clf, method)(Xd)
            assert isinstance(lazy, da.Array)
            assert lazy.compute().tobytes() == getattr(clf, method)(X).tobytes()
    reg = GDNetworkRegressor((4,), epochs=5).fit(X, Y.astype(float))
    assert reg.predict(Xd).compute().tobytes() == reg.predict(X).tobytes()


def test_several_columns_on_a_device_are_a_one_line_error():
    xp = pytest.importorskip("array_api_strict")  # tests/conftest.py sets SCIPY_ARRAY_API
    import sklearn

    X, Y = _labels(100)
    with sklearn.config_context(array_api_dispatch=True):
        for est, y in ((GDNetworkRegressor((4,), epochs=2), Y.astype(float)), (GDNetworkClassifier((4,), epochs=2), Y)):
            with pytest.raises(DescentlabError, match="several columns trains on NumPy arrays only"):
                est.fit(xp.asarray(X), xp.asarray(y))
