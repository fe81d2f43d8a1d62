"""Multinomial logistic regression: against scikit-learn's, labels, shapes, model files."""

import warnings

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from descentlab.estimators.linear import GDClassifier
from descentlab.estimators.persist import load_model
from descentlab.outputs.models import save_model


def _blobs(seed=0, n=300):
    """Three overlapping classes on features of very different scales (not separable)."""
    rng = np.random.default_rng(seed)
    centers = np.array([[0, 0, 0], [2, 0, 1], [0, 2, -1]])
    y = rng.integers(0, 3, n)
    X = centers[y] + rng.normal(size=(n, 3)) * [1, 2, 3] + [5, -3, 100]
    return X, np.array(["cat", "dog", "emu"])[y]


def test_multiclass_matches_unpenalised_multinomial_logistic_regression():
    X, labels = _blobs()
    clf = GDClassifier(tol=1e-9).fit(X, labels)
    ref = LogisticRegression(C=np.inf, max_iter=100000, tol=1e-12).fit(X, labels)
    np.testing.assert_array_equal(clf.classes_, ref.classes_)
    np.testing.assert_allclose(clf.predict_proba(X), ref.predict_proba(X), atol=1e-4)
    # the softmax is unchanged by adding one vector to every class's coefficients: compare centred
    centred = clf.coef_ - clf.coef_.mean(axis=0)
    np.testing.assert_allclose(centred, ref.coef_ - ref.coef_.mean(axis=0), atol=1e-3)
    assert (clf.predict(X) == ref.predict(X)).mean() > 0.99


def test_multiclass_shapes_and_log_proba():
    X, labels = _blobs(1, 120)
    clf = GDClassifier(epochs=200).fit(X, labels)
    assert clf.coef_.shape == (3, 3) and clf.intercept_.shape == (3,)
    assert clf.decision_function(X).shape == (120, 3)
    proba = clf.predict_proba(X)
    assert proba.shape == (120, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_allclose(clf.predict_log_proba(X), np.log(proba), atol=1e-12)
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[proba.argmax(axis=1)])


def test_two_classes_stay_logistic():
    X, labels = _blobs(2, 120)
    keep = labels != "emu"
    clf = GDClassifier(epochs=200).fit(X[keep], labels[keep])
    assert clf.coef_.shape == (1, 3) and clf.intercept_.shape == (1,)  # scikit-learn's shapes
    assert clf.predict_proba(X).shape == (120, 2)


@pytest.mark.parametrize("labels", [np.array(["a", "b", "c", "d"]), np.array([3, 1, 2, 0])])
def test_multiclass_model_file_keeps_classes_and_probabilities(tmp_path, labels):
    X, _ = _blobs(3, 160)
    y = labels[np.arange(160) % 4]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf = GDClassifier(epochs=50).fit(X, y)
    loaded = load_model(save_model(clf, tmp_path / "m.json"))
    np.testing.assert_array_equal(loaded.classes_, clf.classes_)
    assert loaded.predict_proba(X).tobytes() == clf.predict_proba(X).tobytes()
    np.testing.assert_array_equal(loaded.predict(X), clf.predict(X))


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_a_damaged_multiclass_file_is_one_line(tmp_path):
    import json

    from descentlab.errors import DescentlabError

    X, labels = _blobs(4, 90)
    path = save_model(GDClassifier(epochs=20).fit(X, labels), tmp_path / "m.json")
    doc = json.loads(path.read_text())
    doc["attributes"]["intercept_"] = {"shape": [2], "data": [0.0, 1.0]}
    path.write_text(json.dumps(doc))
    with pytest.raises(DescentlabError, match=r"coef_ must have shape \(3, 3\) and intercept_ \(3,\)"):
        load_model(path)
