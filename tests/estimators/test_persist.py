"""Saved models: JSON round trips that predict bit-identically; damaged files fail in one line."""

import json
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from descentlab.errors import DescentlabError
from descentlab.estimators.linear import GDClassifier, GDRegressor
from descentlab.estimators.persist import load_model
from descentlab.outputs.models import check_writable, save_model


def _regression(seed=0, n=80, d=3):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) * rng.uniform(1e-3, 1e3, size=d)
    return X, X @ rng.normal(size=d) + rng.normal(size=n)


@pytest.fixture
def fitted(tmp_path):
    X, y = _regression()
    est = GDRegressor(schedule="invscaling", batch_size=16, epochs=50).fit(X, y)
    path = save_model(est, tmp_path / "model.json", info={"features": ["a", "b", "c"]})
    return est, path, X


def test_round_trip_predicts_bit_identically(fitted):
    est, path, X = fitted
    loaded, info = load_model(path, return_info=True)
    assert type(loaded) is GDRegressor and loaded.get_params() == est.get_params()
    assert info == {"features": ["a", "b", "c"]}
    np.testing.assert_array_equal(loaded.predict(X), est.predict(X))
    assert loaded.coef_.tobytes() == est.coef_.tobytes() and loaded.intercept_ == est.intercept_
    assert loaded.history_.loss == est.history_.loss and loaded.n_iter_ == est.n_iter_
    doc = json.loads(path.read_text())
    assert doc["format"] == "descentlab-model" and doc["version"] == 1


@pytest.mark.parametrize("labels", [np.array(["no", "yes"]), np.array([-1, 1]), np.array([0.0, 2.0]),
                                    np.array([False, True]), np.array(["a", "b"], dtype=object)])
def test_classifier_round_trip_keeps_labels_and_probabilities(tmp_path, labels):
    X, y = _regression(1)
    y = labels[(y > np.median(y)).astype(int)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est = GDClassifier(epochs=100).fit(X, y)
    loaded = load_model(save_model(est, tmp_path / "c.json"))
    np.testing.assert_array_equal(loaded.classes_, est.classes_)
    np.testing.assert_array_equal(loaded.predict(X), est.predict(X))
    np.testing.assert_array_equal(loaded.predict_proba(X), est.predict_proba(X))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(0, 2**31 - 1), st.integers(1, 6))
def test_round_trip_on_random_models(tmp_path, seed, d):
    X, y = _regression(seed, n=20, d=d)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est = GDRegressor(optimizer="gd", epochs=30).fit(X, y)
    loaded = load_model(save_model(est, tmp_path / "r.json"))
    assert loaded.predict(X).tobytes() == est.predict(X).tobytes()


def _edit(path, change):
    doc = json.loads(path.read_text())
    change(doc)
    path.write_text(json.dumps(doc))


@pytest.mark.parametrize("change,match", [
    (lambda d: d.update(format="other"), "'format' is not"),
    (lambda d: d.update(version=2), "version 2"),
    (lambda d: d.update(estimator="Pickle"), "unknown estimator 'Pickle'"),
    (lambda d: d.pop("attributes"), "missing field 'attributes'"),
    (lambda d: d["attributes"].pop("coef_"), "missing field 'coef_'"),
    (lambda d: d["attributes"]["coef_"].update(shape=[2], data=[1.0, 2.0]), "coef_ must hold 3"),
    (lambda d: d["attributes"]["coef_"].update(data="abc"), "coef_ data must be a list of numbers"),
    (lambda d: d["attributes"]["coef_"].update(data=[1.0]), "coef_ holds 1 numbers for shape \\[3\\]"),
    (lambda d: d["attributes"].update(intercept_="1"), "intercept_ must be a number"),
    (lambda d: d["attributes"].update(n_features_in_=0), "n_features_in_"),
    (lambda d: d["attributes"]["x_scale_"]["data"].__setitem__(0, -1.0), "x_scale_ must be positive"),
    (lambda d: d["attributes"].update(y_scale_=0.0), "y_scale_"),
    (lambda d: d["params"].update(epochs=-3), "epochs=-3"),
    (lambda d: d["params"].update(colour="red"), "exactly the parameters"),
    (lambda d: d.update(history={"loss": [1.0, "x"]}), "could not convert|history"),
    (lambda d: d.update(info=[1]), "'info' must be an object"),
])
def test_hand_edited_files_fail_in_one_line(fitted, change, match):
    _, path, _ = fitted
    _edit(path, change)
    with pytest.raises(DescentlabError, match=match) as info:
        load_model(path)
    assert "\n" not in str(info.value) and "save it again" in str(info.value)


@pytest.mark.parametrize("text,match", [("", "not valid JSON"), ("{", "not valid JSON"),
                                        ("[1, 2]", "'format' is not"),
                                        ('{"format": NaN}', "NaN is not a number")])
def test_corrupted_files_fail_in_one_line(tmp_path, text, match):
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(DescentlabError, match=match):
        load_model(path)


def test_truncated_file_fails_in_one_line(fitted):
    _, path, _ = fitted
    path.write_text(path.read_text()[:200])
    with pytest.raises(DescentlabError, match="not valid JSON .line"):
        load_model(path)


def test_missing_and_binary_files(tmp_path):
    with pytest.raises(DescentlabError, match="cannot read model"):
        load_model(tmp_path / "none.json")
    (tmp_path / "bin.json").write_bytes(b"\x80\x81\xff")
    with pytest.raises(DescentlabError, match="cannot read model"):
        load_model(tmp_path / "bin.json")


def test_saving_is_atomic_and_refuses_what_it_cannot_store(fitted, tmp_path, monkeypatch):
    est, path, _ = fitted
    before = path.read_bytes()
    with pytest.raises(DescentlabError, match="JSON-serialisable"):
        save_model(est, path, info={"x": object()})
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["model.json"]  # no temporary file left
    with pytest.raises(DescentlabError, match="unfitted"):
        save_model(GDRegressor(), tmp_path / "u.json")
    with pytest.raises(DescentlabError, match="schedule is a function"):
        save_model(est.set_params(schedule=lambda t, lr: lr), tmp_path / "f.json")


def test_check_writable(tmp_path):
    assert check_writable(tmp_path / "m.json") == tmp_path / "m.json"
    with pytest.raises(DescentlabError, match="is a folder"):
        check_writable(tmp_path)
    with pytest.raises(DescentlabError, match="does not exist"):
        check_writable(tmp_path / "no" / "m.json")
    assert list(tmp_path.iterdir()) == []


def test_a_crash_while_saving_leaves_the_old_file_whole(fitted, tmp_path, monkeypatch):
    import os

    est, path, _ = fitted
    before = path.read_bytes()

    def crash(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        save_model(est, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["model.json"]
