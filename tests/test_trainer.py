import numpy as np
import pytest

from descentlab.analysis import least_squares, stability_bound
from descentlab.errors import DivergenceError
from descentlab.models import LinearModel
from descentlab.optimizers import GradientDescent
from descentlab.trainer import train


def _problem(seed, n_samples=80, n_features=3):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, n_features)) * rng.uniform(0.5, 2.0, size=n_features)
    y = X @ rng.normal(size=n_features) * 3 + rng.normal() + rng.normal(size=n_samples)
    return X, y


@pytest.mark.parametrize("seed,n_features", [(0, 1), (1, 3), (2, 5), (3, 8)])
def test_gradient_descent_converges_to_least_squares(seed, n_features):
    X, y = _problem(seed, n_features=n_features)
    lr = 0.9 * stability_bound(X) / 2  # a safe step: half the bound, a little less
    model = LinearModel(n_features, seed=seed)
    history = train(model, X, y, optimizer=GradientDescent(lr), epochs=5000)
    W_ls, b_ls = least_squares(X, y)
    theta = np.append(model.params["W"], model.params["b"])
    theta_ls = np.append(W_ls, b_ls)
    assert np.linalg.norm(theta - theta_ls) / np.linalg.norm(theta_ls) < 1e-6
    assert history.status == "completed"
    assert np.all(np.diff(history.loss) <= 1e-9)  # a stable step never raises the loss


def test_history_records_loss_and_parameters_of_every_epoch():
    X, y = _problem(4)
    model = LinearModel(3, seed=0)
    start = {k: v.copy() for k, v in model.params.items()}
    history = train(model, X, y, optimizer=GradientDescent(0.1), epochs=12)
    assert history.n_epochs == 12 and history.trace("W").shape == (12, 3)
    np.testing.assert_array_equal(history.params["W"][0], start["W"])
    # loss[i] is the loss at params[i]
    for i in (0, 5, 11):
        p = history.params_at(i)
        assert history.loss[i] == pytest.approx(0.5 * np.mean((X @ p["W"] + p["b"] - y) ** 2))
    np.testing.assert_array_equal(history.params_after(11)["W"], model.params["W"])


def test_callbacks_see_every_epoch():
    X, y = _problem(5)
    seen = []
    train(LinearModel(3), X, y, epochs=7, callbacks=[lambda e, h: seen.append((e, h.n_epochs))])
    assert seen == [(e, e + 1) for e in range(7)]


def test_divergence_raises_with_epoch_and_history():
    X, y = _problem(6)
    lr = 3 * stability_bound(X)
    with pytest.raises(DivergenceError, match="diverged at epoch") as info:
        train(LinearModel(3), X, y, optimizer=GradientDescent(lr), epochs=500)
    err = info.value
    assert 0 < err.epoch < 500
    assert err.history.n_epochs == err.epoch
    assert all(np.isfinite(err.history.loss))


def test_divergence_can_stop_and_return_the_history():
    X, y = _problem(7)
    history = train(LinearModel(3), X, y, optimizer=GradientDescent(1e6), epochs=50,
                    on_divergence="stop")
    assert history.status == "diverged"
    assert history.meta["diverged_at_epoch"] == history.n_epochs
    assert all(np.isfinite(history.loss))


def test_just_below_the_bound_converges_and_just_above_diverges():
    X, y = _problem(8)
    bound = stability_bound(X)
    ok = train(LinearModel(3), X, y, optimizer=GradientDescent(0.98 * bound), epochs=3000,
               on_divergence="stop")
    bad = train(LinearModel(3), X, y, optimizer=GradientDescent(1.05 * bound), epochs=3000,
                on_divergence="stop")
    assert ok.status == "completed" and ok.loss[-1] < ok.loss[0]
    assert bad.status == "diverged"


def test_mini_batches_are_seeded_and_reach_the_neighbourhood_of_the_optimum():
    X, y = _problem(9, n_samples=200)
    runs = [train(LinearModel(3, seed=1), X, y, optimizer=GradientDescent(0.02), epochs=200,
                  batch_size=16, seed=3) for _ in range(2)]
    assert runs[0].loss == runs[1].loss
    W_ls, _ = least_squares(X, y)
    np.testing.assert_allclose(runs[0].final_params["W"], W_ls, atol=0.2)
