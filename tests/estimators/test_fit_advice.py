"""fit's advice tells overfitting from underfitting; statuses are printed as words."""

import pytest

from descentlab.estimators.summary import advice_lines
from descentlab.core.history import History


def _m(train, test=None, key="r2"):
    metrics = {"train": {key: train}}
    if test is not None:
        metrics["test"] = {key: test}
    return metrics


def test_train_far_above_test_is_overfitting_and_more_epochs_are_not_advised():
    (line,) = advice_lines(_m(0.86, -0.12), network=True)
    assert line.startswith("Warning: overfitting: R^2 0.86 on the training rows but -0.12")
    assert "--early-stopping" in line and "penalty" in line and "fewer hidden units" in line
    assert "more --epochs" not in line and "more epochs make it worse" in line


def test_a_poor_fit_of_the_training_rows_is_underfitting():
    (line,) = advice_lines(_m(0.2, 0.15))
    assert line.startswith("Warning: underfitting: R^2 0.20 on the training rows and 0.15")
    assert "more --epochs" in line and "overfitting" not in line


@pytest.mark.parametrize("metrics", [_m(0.55, 0.33), _m(0.9), _m(0.9, 0.85, "accuracy")])
def test_a_sound_fit_gets_no_warning(metrics):
    assert advice_lines(metrics) == []


def test_classifiers_are_judged_on_accuracy():
    (line,) = advice_lines(_m(1.0, 0.6, "accuracy"), network=True)
    assert line.startswith("Warning: overfitting: accuracy 1.00 on the training rows but 0.60")


@pytest.mark.parametrize("status,words", [("early_stopped", "stopped early"), ("completed", "completed"),
                                          ("converged", "converged"), ("diverged", "diverged")])
def test_statuses_are_words(status, words):
    assert History(status=status).status_text == words
    assert "_" not in History(status=status).status_text.capitalize()
