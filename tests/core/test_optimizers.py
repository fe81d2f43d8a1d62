"""Update rules: the special cases agree, each converges, each stable bound is sharp."""

import numpy as np
import pytest

from descentlab.core.quadratic import least_squares
from descentlab.core.stepsize import power_iteration, stability_bound
from descentlab.errors import DescentlabError
from descentlab.core.models import LinearModel
from descentlab.core.optimizers import (Adam, GradientDescent, Momentum, Nesterov, gd_update,
                                   make_optimizer)
from descentlab.core.schedules import exponential_decay
from descentlab.core.trainer import train


def _problem(seed, n_samples=120, n_features=4):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, n_features)) * rng.uniform(0.5, 2.0, size=n_features)
    y = X @ rng.normal(size=n_features) + 0.5 + 0.1 * rng.normal(size=n_samples)
    return X, y


def _params(seed=0):
    rng = np.random.default_rng(seed)
    return {"W": rng.normal(size=3), "b": np.asarray(rng.normal())}


def test_plain_gradient_descent_is_the_articles_update_in_place():
    params, grads = _params(0), _params(1)
    W_array = params["W"]
    expected = {k: gd_update(v, grads[k], 0.1) for k, v in params.items()}
    GradientDescent(0.1).step(params, grads)
    assert params["W"] is W_array  # updated in place
    for k in params:
        np.testing.assert_array_equal(params[k], expected[k])


@pytest.mark.parametrize("opt", [Momentum(0.1, momentum=0.0), Nesterov(0.1, momentum=0.0),
                                 GradientDescent(0.1, momentum=0.0, nesterov=True)])
def test_momentum_zero_is_plain_gradient_descent(opt):
    a, b, plain = _params(0), _params(0), GradientDescent(0.1)
    for step in range(5):
        grads = _params(10 + step)
        plain.step(a, grads)
        opt.step(b, grads)
    for k in a:
        np.testing.assert_array_equal(a[k], b[k])


def test_momentum_velocity_is_kept_by_parameter_name():
    opt, params = Momentum(0.1, momentum=0.5), _params(0)
    g = {k: np.ones_like(v) for k, v in params.items()}
    opt.step(params, g)
    opt.step(params, g)
    assert set(opt.state) == {"W", "b"}
    np.testing.assert_allclose(opt.state["W"]["v"], 1.5)  # v = 0.5 * 1 + 1


def test_adam_first_step_moves_every_coordinate_by_lr():
    params, grads = _params(0), _params(1)
    before = {k: v.copy() for k, v in params.items()}
    Adam(0.01).step(params, grads)
    for k in params:
        np.testing.assert_allclose(before[k] - params[k], 0.01 * np.sign(grads[k]), rtol=1e-6)


@pytest.mark.parametrize("opt", [GradientDescent(0.2), Momentum(0.1), Nesterov(0.1), Adam(0.05),
                                 GradientDescent(0.3, schedule="invscaling")])
def test_every_optimizer_converges_to_least_squares(opt):
    X, y = _problem(1)
    model = LinearModel(4, seed=0, init_scale=1.0)
    train(model, X, y, optimizer=opt, epochs=3000)
    W_ls, b_ls = least_squares(X, y)
    tol = 1e-2 if isinstance(opt, Adam) else 1e-6
    np.testing.assert_allclose(model.params["W"], W_ls, atol=tol)
    assert float(model.params["b"]) == pytest.approx(b_ls, abs=tol)


@pytest.mark.parametrize("opt_class,kw", [(GradientDescent, {}), (Momentum, {"momentum": 0.5}),
                                          (Nesterov, {"momentum": 0.5}), (Nesterov, {"momentum": 0.9})])
def test_stable_bound_is_sharp(opt_class, kw):
    X, y = _problem(2)
    lam = power_iteration(X)
    bound = opt_class(1.0, **kw).stable_lr(lam)
    runs = {f: train(LinearModel(4, seed=0), X, y, optimizer=opt_class(f * bound, **kw),
                     epochs=4000, on_divergence="stop", record_params=False) for f in (0.97, 1.05)}
    assert runs[0.97].status == "completed" and runs[0.97].loss[-1] < 1e-2 * runs[0.97].loss[0]
    assert runs[1.05].status == "diverged"


def test_gd_bound_matches_stability_bound_and_adam_has_none():
    X, _ = _problem(3)
    assert GradientDescent().stable_lr(power_iteration(X)) == pytest.approx(stability_bound(X))
    assert Adam().stable_lr(1.0) is None


def test_schedule_sets_the_rate_of_each_step():
    params = {"w": np.zeros(1)}
    opt = GradientDescent(1.0, schedule=exponential_decay)
    for t in range(4):
        before = params["w"].copy()
        opt.step(params, {"w": np.ones(1)})
        assert before[0] - params["w"][0] == pytest.approx(0.99 ** t)
    assert opt.t == 4


def test_make_optimizer_and_reprs():
    assert repr(make_optimizer("gd", 0.1)) == "GradientDescent(lr=0.1)"
    assert repr(make_optimizer("nesterov", 0.1, momentum=0.8)) == "Nesterov(lr=0.1, momentum=0.8)"
    assert repr(GradientDescent(0.1, momentum=0.5, nesterov=True)) == \
        "GradientDescent(lr=0.1, momentum=0.5, nesterov=True)"
    assert repr(make_optimizer("adam", 0.01, schedule="step")).startswith("Adam(lr=0.01")
    assert isinstance(make_optimizer("momentum", 0.1), Momentum)
    with pytest.raises(DescentlabError, match="unknown optimizer 'sgd'"):
        make_optimizer("sgd", 0.1)
    with pytest.raises(DescentlabError, match="must be a positive number"):
        make_optimizer("gd", float("nan"))


def test_restart_forgets_the_velocity_when_it_points_uphill():
    opt = Momentum(0.1, momentum=0.9, restart=True)
    params = {"w": np.zeros(2)}
    opt.step(params, {"w": np.array([1.0, 0.0])})
    opt.step(params, {"w": np.array([1.0, 0.0])})
    np.testing.assert_allclose(opt.state["w"]["v"], [1.9, 0.0])
    opt.step(params, {"w": np.array([-1.0, 0.0])})  # g . v < 0: the last step overshot
    np.testing.assert_allclose(opt.state["w"]["v"], [-1.0, 0.0])
    assert "restart=True" in repr(opt)


def test_restart_keeps_momentum_fast_and_the_loss_nearly_monotone():
    rng = np.random.default_rng(4)
    X = rng.normal(size=(200, 2)) * [1.0, 10.0]  # condition number 100: momentum oscillates
    X -= X.mean(axis=0)
    y = X @ [2.0, -1.0] + 3.0
    lr = 1 / power_iteration(X)
    runs = {r: train(LinearModel(2, seed=0), X, y, optimizer=Nesterov(lr, restart=r), epochs=300,
                     record_params=False) for r in (False, True)}
    plain = train(LinearModel(2, seed=0), X, y, optimizer=GradientDescent(lr), epochs=300,
                  record_params=False)
    rises = {r: int(np.sum(np.diff(h.loss) > 0)) for r, h in runs.items()}
    assert rises[True] < rises[False]
    assert runs[True].loss[-1] < plain.loss[-1]
