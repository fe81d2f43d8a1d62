"""Learning-rate schedules are pure functions of the step."""

import math

import pytest

from descentlab.errors import DescentlabError
from descentlab.core.schedules import (SCHEDULES, constant, cosine, exponential_decay, get_schedule,
                                  inverse_scaling, step_decay)


def test_values_at_known_steps():
    assert constant(100, 0.1) == 0.1
    assert inverse_scaling(15, 1.0, power_t=0.5) == pytest.approx(0.25)
    assert step_decay(250, 1.0, drop=0.5, every=100) == 0.25
    assert exponential_decay(2, 1.0, gamma=0.5) == 0.25
    assert cosine(0, 1.0, total=10) == 1.0
    assert cosine(5, 1.0, total=10) == pytest.approx(0.5)
    assert cosine(99, 1.0, total=10, lr_min=0.1) == pytest.approx(0.1)


@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_every_schedule_starts_at_lr_and_never_grows(name):
    f = get_schedule(name)
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
