"""Learning-rate schedules are pure functions of the step."""

import math

import numpy as np

import pytest

from descentlab.errors import DescentlabError
from descentlab.core.schedules import (SCHEDULES, constant, cosine, exponential_decay, get_schedule,
                                  inverse_scaling, step_decay)


def test_values_at_known_steps():
    assert constant(100, 0.1) == 0.1
    assert inverse_scaling(15, 1.0, power_t=0.5) == pytest.approx(0.25)
    assert step_decay(250, 1.0, drop=0.5, every=100, total=1000) == 0.25
    assert exponential_decay(2, 1.0, gamma=0.5) == 0.25
    assert cosine(0, 1.0, total=10) == 1.0
    assert cosine(5, 1.0, total=10) == pytest.approx(0.5)
    assert cosine(99, 1.0, total=10, lr_min=0.1) == pytest.approx(0.1)


@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_every_schedule_starts_at_lr_and_never_grows(name):
    f = get_schedule(name, total=400)
    rates = [f(t, 0.3) for t in range(400)]
    assert rates[0] == pytest.approx(0.3)
    assert all(b <= a for a, b in zip(rates, rates[1:]))
    assert rates == [f(t, 0.3) for t in range(400)]  # pure: same step, same rate
    assert all(math.isfinite(r) and r >= 0 for r in rates)


def test_get_schedule_accepts_names_with_settings_callables_and_none():
    assert get_schedule(None) is constant
    assert get_schedule("invscaling", power_t=1.0)(3, 1.0) == 0.25
    assert get_schedule(lambda t, lr: lr / 2)(0, 1.0) == 0.5
    with pytest.raises(DescentlabError, match="unknown learning-rate schedule 'fast'"):
        get_schedule("fast")


def test_a_named_schedule_spans_the_run_it_is_given():
    from descentlab.core.optimizers import make_optimizer

    opt = make_optimizer("gd", 1.0, schedule="cosine", total_steps=3000)
    rates = []
    for _ in range(3001):
        rates.append(opt.rate())
        opt.t += 1
    assert rates[1000] == pytest.approx(0.75)  # cos(pi / 3): a third of the way down
    assert rates[1500] == pytest.approx(0.5)
    assert rates[2999] > 0 and rates[3000] == pytest.approx(0.0)


@pytest.mark.parametrize("name", ["cosine", "step"])
def test_a_decaying_schedule_has_no_default_length(name):
    """No ``total`` default: the run sets it, and a rate asked for before then is an error."""
    from descentlab.core.optimizers import make_optimizer

    with pytest.raises(TypeError):
        SCHEDULES[name](0, 1.0)
    opt = make_optimizer("gd", 1.0, schedule=name)
    with pytest.raises(DescentlabError, match=f"the '{name}' schedule decays over the run's length"):
        opt.rate()


@pytest.mark.parametrize("batch_size,steps", [(None, 3000), (25, 12000)])
def test_train_sets_the_length_from_its_epochs_and_batches(batch_size, steps):
    from descentlab.core.models import LinearModel
    from descentlab.core.optimizers import GradientDescent
    from descentlab.core.trainer import train

    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(100, 1)), rng.normal(size=100)
    rates = []
    opt = GradientDescent(1e-3, schedule="step")
    train(LinearModel(1), X, y, optimizer=opt, epochs=3000, batch_size=batch_size, record_params=False,
          callbacks=[lambda epoch, history: rates.append(opt.rate())])
    assert opt.t == steps
    per_epoch = steps // 3000  # "step" halves every quarter of the run's updates
    assert rates[749 - 1] == pytest.approx(1e-3 * 0.5 ** ((749 * per_epoch) // (steps // 4)))
    assert rates[-1] == pytest.approx(1e-3 * 0.5 ** 4)  # four quarters done, not 3000 / 250 = 12


def test_a_continued_run_decays_over_its_steps_so_far_and_to_come():
    from descentlab.core.models import LinearModel
    from descentlab.core.optimizers import GradientDescent
    from descentlab.core.trainer import train

    X, y = np.ones((4, 1)), np.ones(4)
    opt = GradientDescent(1.0, schedule="cosine")
    opt.t = 500
    train(LinearModel(1), X, y, optimizer=opt, epochs=500, record_params=False)
    assert opt.rate() == pytest.approx(0.0) and opt.t == 1000
    opt.t = 500  # half way through the 1000 updates
    assert opt.rate() == pytest.approx(0.5)


def test_cosine_learns_over_all_its_epochs_in_an_estimator():
    """With epochs=3000 the cosine decays over 3000 epochs, not the first 1000."""
    import numpy as np

    from descentlab.estimators import GDRegressor

    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2)) * [1.0, 30.0]  # a long valley: plain GD is slow along it
    y = X @ [2.0, 0.1] + rng.normal(size=200)
    est = GDRegressor(optimizer="gd", schedule="cosine", epochs=3000, tol=None,
                      standardize=False, lr=1e-4).fit(X, y)
    loss = est.history_.loss
    assert loss[2000] < loss[1000] * (1 - 1e-3)  # still learning after epoch 1000
    assert loss[2999] <= loss[2000]


def test_schedule_settings_are_reachable_and_checked():
    from descentlab.errors import DescentlabError
    from descentlab.estimators import GDRegressor

    f = get_schedule("cosine", total=100, lr_min=0.1)
    assert f(100, 1.0) == pytest.approx(0.1)
    X = np.random.default_rng(1).normal(size=(50, 2))
    y = X @ [1.0, -1.0]
    est = GDRegressor(schedule="cosine", schedule_options={"lr_min": 0.0}, epochs=50).fit(X, y)
    assert est.n_iter_ >= 1
    with pytest.raises(DescentlabError, match="has no setting 'gamma'"):
        GDRegressor(schedule="cosine", schedule_options={"gamma": 0.5}).fit(X, y)
    with pytest.raises(DescentlabError, match="schedule_options="):
        GDRegressor(schedule="cosine", schedule_options={"lr_min": "low"}).fit(X, y)
