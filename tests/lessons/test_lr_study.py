"""The learning-rate study: the rates against the bound, same start, divergence kept as data."""

import numpy as np
import pytest

from descentlab.core.stepsize import classify_rate, stability_bound
from descentlab.errors import DescentlabError
from descentlab.lessons.lr_study import DEFAULT_FRACTIONS, check_rates, default_rates, lr_study, study_lines


@pytest.mark.parametrize("ratio,regime", [(0.001, "too small"), (0.049, "too small"), (0.05, "good"),
                                          (0.79, "good"), (0.8, "near the bound"),
                                          (0.999, "near the bound"), (1.0, "beyond the bound"),
                                          (3.0, "beyond the bound")])
def test_classify_rate(ratio, regime):
    assert classify_rate(ratio * 2.0, 2.0) == regime


def test_default_rates_cover_every_regime():
    rates = default_rates(1.894)
    assert rates == pytest.approx([f * 1.894 for f in DEFAULT_FRACTIONS], rel=5e-3)
    assert [classify_rate(r, 1.894) for r in rates] == ["too small", "good", "near the bound",
                                                       "beyond the bound"]


@pytest.mark.parametrize("rates", [[], [0.1, 0], [-1], [float("nan")], [float("inf")], ["a"]])
def test_bad_rates_are_refused(rates):
    with pytest.raises(DescentlabError, match="learning rate|no learning rates"):
        check_rates(rates)


def test_study_trains_each_rate_from_the_same_start(article_run):
    r = article_run
    study = lr_study(r.X_train, r.y_train, epochs=61, seed=r.config.seed, article_lr=None)
    assert study.bound == pytest.approx(stability_bound(r.X_train))
    assert study.lam_max == pytest.approx(2 / study.bound)
    assert [run.regime for run in study.runs] == ["too small", "good", "near the bound", "beyond the bound"]
    # one rate in each regime of the steps: below 1/lambda_max, between the marks, beyond
    assert [run.steps for run in study.runs] == ["monotone", "monotone", "oscillates", "diverges"]
    starts = {float(run.history.params["W"][0][0]) for run in study.runs}
    assert len(starts) == 1 and starts == {float(r.history.params["W"][0][0])}
    assert [run.diverged for run in study.runs] == [False, False, False, True]
    diverged = study.runs[-1].history
    assert diverged.status == "diverged" and 0 < diverged.meta["diverged_at_epoch"] < 61
    assert all(np.isfinite(diverged.loss))
    for run in study.runs[:3]:
        assert run.history.n_epochs == 61 and run.history.loss[-1] < run.history.loss[0]
    # the good rate ends lower than the too small one
    assert study.runs[1].history.loss[-1] < study.runs[0].history.loss[-1]


def test_the_oscillating_rate_overshoots_and_converges_the_monotone_one_does_not(article_run):
    r = article_run
    study = lr_study(r.X_train, r.y_train, [0.9, 1.2], epochs=40)
    w_ls = np.linalg.lstsq(np.c_[r.X_train, np.ones(len(r.y_train))], r.y_train, rcond=None)[0][0]
    below, between = (np.ravel(run.history.trace("W")) - w_ls for run in study.runs)
    assert [run.steps for run in study.runs] == ["monotone", "oscillates"]
    assert np.all(below[:10] < 0)                          # approaches from one side
    assert np.any(between[:10] > 0) and np.any(between[1:10] < 0)   # passes the minimum, back
    assert abs(between[-1]) < abs(between[1])              # and still converges


def test_the_python_study_is_the_commands_study(article_run):
    # dl.lr_study's defaults are the CLI's: the article's rate among them, the tutorial's start
    from descentlab.lessons.lr_study import LRStudyConfig, run_lr_study

    r = article_run
    study, cli = lr_study(r.X_train, r.y_train), run_lr_study(LRStudyConfig())
    assert [run.lr for run in study.runs] == [run.lr for run in cli.runs]
    assert study.summary_lines() == cli.summary_lines()
    same = next(run for run in study.runs if run.lr == r.config.lr)
    assert same.history.loss == r.history.loss
    assert same.history.final_loss == pytest.approx(r.metrics["train"]["loss"])
    assert f"-> {r.metrics['train']['loss']:.4g} at epoch 61" in same.result_text()


def test_study_lines_print_the_bound_and_each_rate(article_run):
    r = article_run
    study = lr_study(r.X_train, r.y_train, [0.05, 5.0], epochs=20, seed=1)
    lines = study_lines(study)
    assert lines[0].startswith("Stability bound of full-batch gradient descent: 2 / lambda_max = ")
    assert f"{study.bound:.4g}" in lines[0]
    assert "1 / lambda_max = " in lines[0] and "oscillate" in lines[1]
    assert "too small" in lines[3] and "loss" in lines[3] and "approach monotonically" in lines[3]
    assert "beyond the bound" in lines[4] and "diverged at epoch" in lines[4]
    assert "LRStudy(bound=" in repr(study) and "RateRun(lr=0.05" in repr(study.runs[0])


def test_the_lesson_includes_the_articles_rate_by_default():
    from descentlab.lessons.lr_study import ARTICLE_LR, LRStudyConfig, run_lr_study

    study = run_lr_study(LRStudyConfig(epochs=5))
    rates = [run.lr for run in study.runs]
    assert ARTICLE_LR in rates and len(rates) == len(DEFAULT_FRACTIONS) + 1
    assert rates == sorted(rates)
    assert "steps start to overshoot at half of it" in study.summary_lines()[0]
