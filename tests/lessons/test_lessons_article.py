"""The default tutorial run lands in the article's ballpark, for any seed."""

import numpy as np
import pytest

from descentlab.errors import DescentlabError, DivergenceError
from descentlab.lessons.article import TutorialConfig, run_tutorial, summary_lines


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 7])
def test_article_ballpark(seed):
    # The article (one unseeded run): loss 2934 -> 64.6 over 61 epochs, m = 82.3, b = 0.46.
    # Across seeds the start depends on the random m, b; the end lands close to it.
    r = run_tutorial(TutorialConfig(seed=seed), log=None)
    loss = r.history.loss
    assert len(loss) == 61
    assert 1500 < loss[0] < 8000
    assert 55 < loss[60] < 90
    assert np.all(np.diff(loss) < 0)
    m = r.metrics
    assert 77 < m["m"] < 86
    assert -3 < m["b"] < 4
    # not converged yet: short of the least-squares m, which is close to the true 87.74
    assert m["m"] < m["least_squares"]["m"]
    assert abs(m["least_squares"]["m"] - 87.7373) < 2
    assert m["true_coef"] == [pytest.approx(87.7373, abs=1e-4)]
    assert 70 < m["progress_to_least_squares_percent"][0] < 100
    assert m["test"]["r2"] > 0.9
    assert m["train"]["loss"] >= m["least_squares"]["train_loss"]


def test_the_default_run_prints_the_articles_lines():
    lines = []
    r = run_tutorial(log=lines.append)
    assert lines[0] == "Epoch:  0"
    assert lines[1] == f"Loss =  {r.history.loss[0]}"
    # epochs 0, 10, ..., 60 as the article prints them, then epoch 61: the trained line
    assert [l for l in lines if l.startswith("Epoch")] == [f"Epoch:  {i}" for i in range(0, 61, 10)] + [
        "Epoch:  61   (the trained line, after all 61 updates)"]
    assert lines[-1] == f"Loss =  {r.history.final_loss}"
    text = "\n".join(summary_lines(r))
    assert "Mean absolute percentage error" in text and "'Accuracy'" in text
    assert f"m =  {r.metrics['m']}" in text
    # the trained line's loss has one name: the loss of epoch 61
    last = [l for l in summary_lines(r) if l.startswith("Loss of the trained line")][0]
    assert last.startswith(f"Loss of the trained line (epoch 61) = {r.metrics['train']['loss']:.4f}")
    assert r.history.final_loss == r.metrics["train"]["loss"] < r.history.loss[60]


def test_same_seed_same_run_other_seed_other_run():
    a = run_tutorial(TutorialConfig(seed=3), log=None)
    b = run_tutorial(TutorialConfig(seed=3), log=None)
    c = run_tutorial(TutorialConfig(seed=4), log=None)
    assert a.history.loss == b.history.loss
    assert a.history.loss != c.history.loss


def test_several_features():
    r = run_tutorial(TutorialConfig(features=3, epochs=300), log=None)
    assert len(r.metrics["W"]) == 3 and "m" not in r.metrics
    np.testing.assert_allclose(r.metrics["W"], r.metrics["least_squares"]["W"], rtol=1e-3)


@pytest.mark.parametrize("kwargs,match", [
    ({"lr": 0}, "learning rate"), ({"lr": -1}, "learning rate"), ({"lr": float("nan")}, "learning rate"),
    ({"epochs": 0}, "epochs"), ({"test_size": 0.0}, "outside"), ({"test_size": 1.0}, "outside"),
    ({"samples": 3}, "more samples"), ({"log_every": 0}, "log interval"),
])
def test_bad_config_is_refused(kwargs, match):
    with pytest.raises(DescentlabError, match=match):
        TutorialConfig(**kwargs)


def test_diverging_rate_names_the_epoch_and_the_bound():
    with pytest.raises(DivergenceError, match=r"epoch \d+.*stable bound.*smaller --lr"):
        run_tutorial(TutorialConfig(lr=5), log=None)
