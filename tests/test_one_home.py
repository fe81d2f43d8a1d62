"""Each rule has one home, and every caller says it the same way (issue 25, items 4 and 5)."""

import numpy as np
import pytest

from descentlab.core.losses import BinaryCrossEntropy
from descentlab.core.models import LinearModel
from descentlab.core.optimizers import Adam, Momentum, check_prox, make_optimizer
from descentlab.core.penalties import make_penalty
from descentlab.core.stepsize import (REGIME_EDGES, classify_rate, curvature, lam_max, stability_bound,
                                      stable_rate)
from descentlab.core.trainer import train
from descentlab.errors import DescentlabError
from descentlab.settings import check_rate

PROX = "Adam takes no proximal step, so no l1 penalty: use optimizer 'gd', 'momentum' or 'nesterov', or penalty 'l2'"


def _data(n=40):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, 1))
    return X, 2 * X[:, 0] + 1


def test_the_optimizer_penalty_rule_is_one_sentence_everywhere():
    from descentlab.estimators import GDRegressor
    from descentlab.playground.settings import validate

    X, y = _data()
    said = []
    for attempt in (lambda: check_prox("adam", "l1"),
                    lambda: GDRegressor(optimizer="adam", penalty="l1").fit(X, y),
                    lambda: validate({"optimizer": "adam", "penalty": "l1"}),
                    lambda: train(LinearModel(1), X, y, optimizer=Adam(0.01), epochs=1,
                                  penalty=make_penalty("l1", 0.1, 0.15, {"W": 1.0}))):
        with pytest.raises(DescentlabError) as info:
            attempt()
        said.append(str(info.value))
    assert said == [PROX] * 4


@pytest.mark.parametrize("bad", [0, -1.0, float("nan"), float("inf"), "fast"])
def test_a_learning_rate_is_checked_by_one_rule(bad):
    from descentlab.lessons.article import TutorialConfig
    from descentlab.lessons.lr_study import check_rates

    said = set()
    for attempt in (lambda: check_rate(bad), lambda: make_optimizer("gd", bad),
                    lambda: TutorialConfig(lr=bad), lambda: check_rates([0.1, bad])):
        with pytest.raises(DescentlabError) as info:
            attempt()
        said.add(str(info.value).split(":")[0])
    assert said == {f"learning rate {bad!r} must be a positive number"}


def test_the_bound_and_the_regimes_come_from_stepsize():
    X, _ = _data()
    assert lam_max(X) == pytest.approx(2.0 / stability_bound(X), rel=1e-15)
    lam = curvature(X, BinaryCrossEntropy())
    assert lam == pytest.approx(lam_max(X) / 4, rel=1e-15)  # the cross-entropy's 1/4, from the loss
    assert stable_rate(lam, Momentum(momentum=0.5)) == pytest.approx(2 * 1.5 / lam)
    assert stable_rate(lam, Adam()) is None
    names = [*REGIME_EDGES, "beyond the bound"]  # each edge is where its regime ends
    for (name, edge), following in zip(REGIME_EDGES.items(), names[1:]):
        assert classify_rate(np.nextafter(edge, 0), 1.0) == name
        assert classify_rate(edge, 1.0) == following


def test_the_playground_says_divergence_in_the_library_sentence():
    from descentlab.playground.runner import train_settings
    from descentlab.playground.settings import validate

    answer = train_settings(validate({"lr": 5.0, "epochs": 50}))
    message = answer["diverged"]["message"]
    assert message.startswith(f"training diverged at epoch {answer['diverged']['epoch']}: the loss ")
    assert ("is not finite" in message or "times the first epoch's" in message) and "10^4" not in message
    assert "above the stable bound" in message
