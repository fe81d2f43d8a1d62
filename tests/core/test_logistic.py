import numpy as np
import pytest

from descentlab.data.synthetic import make_blobs, split
from descentlab.errors import DescentlabError
from descentlab.lessons.logistic import LogisticConfig, reference_fit, run_logistic
from descentlab.core.losses import BinaryCrossEntropy
from descentlab.core.metrics import accuracy
from descentlab.core.models import LogisticModel, logistic_proba
from descentlab.core.optimizers import GradientDescent
from descentlab.core.trainer import train


@pytest.mark.parametrize("seed,std", [(0, 1.5), (1, 1.2), (2, 2.5)])
def test_probabilities_match_unpenalised_scikit_learn(seed, std):
    from sklearn.linear_model import LogisticRegression

    d = make_blobs(150, std, seed)
    ref = LogisticRegression(C=np.inf, tol=1e-10, max_iter=10_000).fit(d.X, d.y)
    assert ref.score(d.X, d.y) < 1.0  # not separable: the optimum is finite
    model = LogisticModel(2, seed=seed, init_scale=1.0)
    history = train(model, d.X, d.y, loss=BinaryCrossEntropy(), optimizer=GradientDescent(1.0), epochs=1000)
    assert history.status == "completed"
    np.testing.assert_allclose(model.predict_proba(d.X), ref.predict_proba(d.X)[:, 1], atol=1e-6)
    np.testing.assert_allclose(model.params["W"], ref.coef_[0], rtol=1e-4)


def test_study_reports_true_accuracy_and_agrees_with_scikit_learn():
    r = run_logistic(LogisticConfig(epochs=120))
    p = r.model.predict_proba(r.X_test)
    assert r.test_accuracy == pytest.approx(np.mean((p >= 0.5) == (r.y_test == 1)))
    assert 0.7 < r.train_accuracy < 0.9  # overlapping blobs: good, not perfect
    assert r.max_proba_diff < 1e-4
    assert len(r.accuracy_trace) == r.history.n_epochs + 1
    assert r.accuracy_trace[-1] == r.train_accuracy and r.accuracy_trace[0] < 0.7
    assert r.history.loss[-1] < r.history.loss[0]
    W_ref, b_ref = reference_fit(r.X_train, r.y_train)
    np.testing.assert_allclose(r.reference_W, W_ref)


def test_snapshot_epochs_start_at_0_and_end_after_the_last_update():
    r = run_logistic(LogisticConfig(epochs=200, snapshots=6))
    assert r.snapshot_epochs() == [0, 1, 4, 14, 53, 200]
    assert r.snapshot_epochs()[-1] == r.history.n_epochs


def test_accuracy_is_the_share_of_correct_rounded_predictions():
    assert accuracy([0, 1, 1, 0], [0.2, 0.7, 0.4, 0.5]) == 0.5


def test_logistic_proba_is_stable_for_huge_logits():
    with np.errstate(over="raise", invalid="raise"):
        p = logistic_proba({"W": np.array([1000.0, 0.0]), "b": np.array(0.0)},
                           np.array([[-5.0, 0.0], [5.0, 0.0]]))
    np.testing.assert_array_equal(p, [0.0, 1.0])


@pytest.mark.parametrize("kwargs,match", [({"lr": 0}, "learning rate 0"), ({"cluster_std": 0}, "spread 0"),
                                          ({"snapshots": 0}, "snapshots 0"), ({"test_size": 1.5}, "outside"),
                                          ({"epochs": -3}, "epochs -3")])
def test_bad_config_is_a_one_line_error(kwargs, match):
    with pytest.raises(DescentlabError, match=match):
        LogisticConfig(**kwargs)


def test_the_printed_log_ends_with_the_last_epoch():
    r = run_logistic(LogisticConfig(epochs=37))
    epochs = [line for line in r.summary_lines() if line.startswith("Epoch")]
    assert epochs[0].startswith("Epoch     0") and epochs[-1].startswith("Epoch    37")  # trained
