"""sample_weight and class_weight, a validation score per epoch, callbacks that see the model,
and model files that keep all of it."""

import json

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression, Ridge

from descentlab.core.trainer import train
from descentlab.data.blocks import NpyRows
from descentlab.core.models import LinearModel
from descentlab.errors import DescentlabError
from descentlab.estimators.linear import GDClassifier, GDRegressor
from descentlab.estimators.network import GDNetworkRegressor
from descentlab.estimators.persist import load_model
from descentlab.outputs.models import save_model


def _data(n=120, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3)) * [1, 10, 0.5] + [0, 5, 1]
    y = X @ [1.0, 0.2, -3.0] + rng.normal(size=n)
    return X, y, rng.integers(0, 4, size=n)


@pytest.mark.parametrize("solver", ["moments", pytest.param("gd", marks=pytest.mark.slow)])
def test_integer_weights_equal_repeated_rows(solver):
    X, y, w = _data()
    weighted = GDRegressor(penalty="l2", alpha=0.01, tol=None, epochs=2000, solver=solver)
    repeated = GDRegressor(penalty="l2", alpha=0.01, tol=None, epochs=2000, solver=solver)
    weighted.fit(X, y, sample_weight=w)
    repeated.fit(np.repeat(X, w, axis=0), np.repeat(y, w))
    np.testing.assert_allclose(weighted.coef_, repeated.coef_, rtol=1e-10)
    ridge = Ridge(alpha=0.01 * w.sum()).fit(X, y, sample_weight=w)
    np.testing.assert_allclose(weighted.coef_, ridge.coef_, rtol=1e-6)


def test_network_weights_equal_repeated_rows():
    X, y, w = _data(40)
    kw = dict(hidden_layer_sizes=(4,), epochs=50, tol=None)
    a = GDNetworkRegressor(**kw).fit(X, y, sample_weight=w)
    b = GDNetworkRegressor(**kw).fit(np.repeat(X, w, axis=0), np.repeat(y, w))
    np.testing.assert_allclose(a.predict(X), b.predict(X), rtol=1e-9)


@pytest.mark.slow
@pytest.mark.parametrize("class_weight", ["balanced", {0: 1.0, 1: 3.0}])
def test_class_weight_reaches_logistic_regression(class_weight):
    X, y, _ = _data(200)
    labels = (y > np.quantile(y, 0.7)).astype(int)
    a = 0.01
    est = GDClassifier(penalty="l2", alpha=a, class_weight=class_weight, tol=None, epochs=4000)
    est.fit(X, labels)
    cw = est._class_weights(labels)
    ref = LogisticRegression(C=1 / (a * cw.sum()), class_weight=class_weight, tol=1e-12,
                             max_iter=10_000).fit(X, labels)
    np.testing.assert_allclose(est.coef_, ref.coef_, rtol=1e-6)  # (1, n) as scikit-learn (issue 26)


def test_class_weight_naming_a_missing_label_fails_in_one_line():
    X, y, _ = _data(20)
    with pytest.raises(DescentlabError, match="class_weight names 'yes'"):
        GDClassifier(class_weight={"yes": 2.0}).fit(X, y > 0)


def test_all_zero_weights_fail_in_one_line():
    X, y, _ = _data(20)
    with pytest.raises(ValueError, match="non-zero"):
        GDRegressor().fit(X, y, sample_weight=np.zeros(20))


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_validation_loss_rises_while_the_training_loss_falls_on_an_overfitting_network():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(12, 1))
    y = X[:, 0] + rng.normal(scale=0.5, size=12)
    X_val = rng.uniform(-1, 1, size=(200, 1))
    y_val = X_val[:, 0] + rng.normal(scale=0.5, size=200)
    seen = []
    net = GDNetworkRegressor(hidden_layer_sizes=(64, 64), epochs=1500, tol=None, lr=0.01)
    net.fit(X, y, validation_data=(X_val, y_val),
            callbacks=[lambda epoch, history, model: seen.append(model)])
    loss, val = np.array(net.history_.loss), np.array(net.history_.val_loss)
    assert len(val) == len(loss) == 1500 and net.history_.status == "completed"
    best = int(np.argmin(val))
    assert loss[-1] < loss[best] / 2           # training keeps falling ...
    assert val[-1] > 1.2 * val[best]           # ... while the validation loss has risen
    assert seen[0] is seen[-1] and hasattr(seen[0], "forward")  # the callbacks saw the model


def test_validation_data_on_the_fast_path_and_the_two_callback_forms():
    X, y, _ = _data()
    calls = []

    class Recorder:
        def on_epoch_end(self, epoch, history, model):
            calls.append(("object", epoch, model.params["W"].copy()))

    est = GDRegressor(solver="moments", epochs=20, tol=None)
    est.fit(X[:100], y[:100], validation_data=(X[100:], y[100:]),
            callbacks=[Recorder(), lambda epoch, history: calls.append(("old", epoch))])
    assert len(est.history_.val_loss) == 20
    z = (y[100:] - est.y_mean_) / est.y_scale_
    last = 0.5 * np.mean((est.predict(X[100:]) - y[100:]) ** 2) / est.y_scale_ ** 2
    assert est.history_.val_loss[0] == pytest.approx(0.5 * np.mean(z ** 2))
    assert est.history_.val_loss[-1] == pytest.approx(last, rel=0.2)
    assert [c[0] for c in calls[:2]] == ["object", "old"] and len(calls) == 40


def test_validation_data_drives_early_stopping_when_asked():
    X, y, _ = _data()
    est = GDClassifier(early_stopping=True, epochs=500)
    est.fit(X[:80], y[:80] > 0, validation_data=(X[80:], y[80:] > 0))
    assert est.history_.val_loss and est.history_.status in ("early_stopped", "completed")
    with pytest.raises(DescentlabError, match="labels not seen"):
        GDClassifier(epochs=5).fit(X[:80], y[:80] > 0, validation_data=(X[80:], np.full(40, 7)))


def test_trainer_records_validation_without_stopping_on_it():
    X, y, _ = _data()
    h = train(LinearModel(1, init_scale=0.0), X[:, :1], y, epochs=30, tol=None,
              validation_data=(X[:10, :1], y[:10]), stop_on_validation=False,
              callbacks=[lambda e, hist, model: None])
    assert len(h.val_loss) == 30 and h.status == "completed"


@pytest.mark.parametrize("est", [
    GDRegressor(penalty="elasticnet", alpha=0.05, l1_ratio=0.3, epochs=300),
    GDClassifier(penalty="l1", alpha=0.01, class_weight={False: 1.0, True: 2.5}, epochs=300),
    GDNetworkRegressor(hidden_layer_sizes=(4,), epochs=100, penalty="l2", alpha=0.01)])
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_model_files_keep_penalty_class_weight_and_validation_history(est, tmp_path):
    X, y, w = _data()
    target = y > 0 if isinstance(est, GDClassifier) else y
    est.fit(X[:100], target[:100], sample_weight=w[:100] + 1,
            validation_data=(X[100:], target[100:]))
    loaded = load_model(save_model(est, tmp_path / "m.json"))
    params = est.get_params()
    assert {k: tuple(v) if isinstance(v, list) else v for k, v in loaded.get_params().items()} == params
    assert loaded.history_.val_loss == est.history_.val_loss and loaded.history_.val_loss
    assert loaded.history_.meta["penalty"]["alpha"] == est.alpha
    np.testing.assert_array_equal(loaded.predict(X), est.predict(X))


def test_weights_on_streamed_data_and_bad_weights_in_a_model_file_fail_in_one_line(tmp_path):
    X, y, w = _data()
    with pytest.raises(DescentlabError, match="sample_weight needs X in memory"):
        GDRegressor().fit(NpyRows(_npy(tmp_path, X)), y, sample_weight=w)
    est = GDClassifier(class_weight={False: 1.0, True: 2.0}, epochs=20, tol=None).fit(X, y > 0)
    path = save_model(est, tmp_path / "m.json")
    doc = json.loads(path.read_text())
    assert doc["params"]["class_weight"] == [[False, 1.0], [True, 2.0]]
    doc["params"]["class_weight"].append(3)
    path.write_text(json.dumps(doc))
    with pytest.raises(DescentlabError, match="class_weight must be a list of"):
        load_model(path)


def _npy(tmp_path, X):
    path = tmp_path / "X.npy"
    np.save(path, X)
    return path


def test_a_penalised_divergence_names_the_bound_with_the_penalty():
    from descentlab.errors import DivergenceError

    X, y, _ = _data()
    with pytest.raises(DivergenceError, match="stable bound of 'gd'"):
        GDRegressor(optimizer="gd", penalty="l2", alpha=1.0, lr=5.0, solver="gd").fit(X, y)


def test_a_held_out_fraction_is_scored_without_early_stopping():
    X, y, w = _data()
    est = GDRegressor(epochs=30, tol=None).fit(X, y, sample_weight=w + 1, validation_data=0.25)
    assert len(est.history_.val_loss) == 30 and est.history_.status == "completed"
    assert est.history_.val_loss[-1] < est.history_.val_loss[0]
    with pytest.raises(DescentlabError, match=r"validation_data=1.5 is outside \(0, 1\)"):
        GDRegressor().fit(X, y, validation_data=1.5)
