"""contraction(): the factor per step along an eigen-direction is what the library's
optimizers do on a quadratic, and it reaches 1 exactly at their stable_lr."""

import numpy as np
import pytest

from descentlab.core.convergence import contraction
from descentlab.core.optimizers import make_optimizer


@pytest.mark.parametrize("name, beta", [("gd", 0.0), ("momentum", 0.5), ("momentum", 0.95), ("nesterov", 0.7)])
@pytest.mark.parametrize("fraction", [0.2, 0.7, 0.97])
def test_the_factor_is_the_optimizers_rate_on_a_quadratic(name, beta, fraction):
    lam = 3.0
    opt = make_optimizer(name, 1.0, momentum=beta)
    lr = fraction * opt.stable_lr(lam)
    opt = make_optimizer(name, lr, momentum=beta)
    theta = {"W": np.array([1.0])}
    errors = []
    for _ in range(190):
        errors.append(abs(theta["W"][0]))
        opt.step(theta, {"W": lam * theta["W"]})  # the gradient of lam/2 theta^2
    k, n = 60, 120  # the asymptotic rate, over many steps (complex roots oscillate, a double root adds a factor k)
    rate = (max(errors[k + n:k + n + 4]) / max(errors[k:k + 4])) ** (1 / n)
    assert rate == pytest.approx(float(contraction(lr, lam, beta, name == "nesterov")), rel=2e-2)


@pytest.mark.parametrize("name, beta", [("gd", 0.0), ("momentum", 0.9), ("nesterov", 0.5)])
def test_the_factor_is_one_at_the_stable_rate(name, beta):
    bound = make_optimizer(name, 0.1, momentum=beta).stable_lr(2.0)
    nesterov = name == "nesterov"
    assert float(contraction(bound, 2.0, beta, nesterov)) == pytest.approx(1.0, abs=1e-12)
    assert contraction(0.99 * bound, 2.0, beta, nesterov) < 1 < contraction(1.01 * bound, 2.0, beta, nesterov)
