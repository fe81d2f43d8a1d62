"""GDNetworkClassifier: binary and multiclass, probabilities, model files."""

import numpy as np
import pytest
from sklearn.datasets import make_classification, make_moons

from descentlab.estimators.network import GDNetworkClassifier
from descentlab.estimators.persist import load_model
from descentlab.outputs.models import save_model

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def test_binary_network_bends_around_the_moons():
    X, y = make_moons(300, noise=0.15, random_state=0)
    clf = GDNetworkClassifier((16,), epochs=300, batch_size=50).fit(X, np.where(y, "up", "down"))
    assert clf.weights_.size == 2 * 16 + 16 + 16 + 1  # one logit out
    assert clf.score(X, np.where(y, "up", "down")) > 0.95
    assert clf.predict_proba(X).shape == (300, 2) and clf.decision_function(X).shape == (300,)


def test_multiclass_network_outputs_one_logit_per_class():
    X, y = make_classification(300, n_features=4, n_informative=3, n_redundant=0, n_classes=3,
                               random_state=1)
    clf = GDNetworkClassifier((12,), epochs=200, batch_size=50).fit(X, y)
    assert clf.decision_function(X).shape == (300, 3)
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_allclose(np.exp(clf.predict_log_proba(X)), proba, rtol=1e-10)
    assert clf.score(X, y) > 0.85


@pytest.mark.parametrize("n_classes", [2, 3])
def test_network_classifier_model_file_round_trip(tmp_path, n_classes):
    X, y = make_classification(120, n_features=4, n_informative=3, n_redundant=0,
                               n_classes=n_classes, random_state=2)
    labels = np.array(["a", "b", "c"])[y]
    clf = GDNetworkClassifier((5,), epochs=20).fit(X, labels)
    loaded = load_model(save_model(clf, tmp_path / "n.json"))
    assert type(loaded) is GDNetworkClassifier
    np.testing.assert_array_equal(loaded.classes_, clf.classes_)
    assert loaded.predict_proba(X).tobytes() == clf.predict_proba(X).tobytes()
