import numpy as np
import pytest

from descentlab.core.quadratic import least_squares
from descentlab.core.stepsize import stability_bound
from descentlab.errors import DivergenceError
from descentlab.core.models import LinearModel, Model
from descentlab.core.optimizers import GradientDescent
from descentlab.core.trainer import train


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


def test_mini_batches_are_seeded_and_reach_the_neighbourhood_of_the_optimum():
    X, y = _problem(9, n_samples=200)
    runs = [train(LinearModel(3, seed=1), X, y, optimizer=GradientDescent(0.02), epochs=200,
                  batch_size=16, seed=3) for _ in range(2)]
    assert runs[0].loss == runs[1].loss
    W_ls, _ = least_squares(X, y)
    np.testing.assert_allclose(runs[0].final_params["W"], W_ls, atol=0.2)


def test_tolerance_stops_when_the_loss_stops_improving():
    import warnings

    X, y = _problem(10)
    lr = 0.9 * stability_bound(X) / 2
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        history = train(LinearModel(3), X, y, optimizer=GradientDescent(lr), epochs=5000,
                        tol=1e-9, n_iter_no_change=5, record_params=False)
    assert history.status == "converged" and 5 < history.n_epochs < 5000
    tail = np.array(history.loss[-6:])
    assert np.all(tail[0] - tail[1:] < 1e-9 * np.arange(1, 6) + 1e-12)
    assert history.params == {}


def test_a_spent_budget_warns_convergence():
    from sklearn.exceptions import ConvergenceWarning

    X, y = _problem(11)
    with pytest.warns(ConvergenceWarning, match="all 5 epochs"):
        history = train(LinearModel(3), X, y, optimizer=GradientDescent(0.01), epochs=5, tol=1e-12)
    assert history.status == "completed"


def test_early_stopping_keeps_the_best_validation_parameters():
    rng = np.random.default_rng(12)
    X = rng.normal(size=(40, 30))  # more features than the 36 training rows: overfits
    y = X[:, 0] + rng.normal(size=40)
    model = LinearModel(30, seed=0, init_scale=0.0)
    history = train(model, X, y, optimizer=GradientDescent(0.05), epochs=3000,
                    validation_fraction=0.1, n_iter_no_change=20)
    assert history.status == "early_stopped"
    assert len(history.val_loss) == history.n_epochs
    best = history.meta["best_epoch"]
    assert history.val_loss[best] == min(history.val_loss)
    for key in ("W", "b"):
        np.testing.assert_array_equal(model.params[key], history.params[key][best])
        np.testing.assert_array_equal(history.final_params[key], history.params[key][best])


def test_validation_split_is_seeded_and_checked():
    from descentlab.errors import DescentlabError
    from descentlab.core.batches import hold_out

    X, y = _problem(13, n_samples=10)
    a, b = hold_out(X, y, 0.3, 1), hold_out(X, y, 0.3, 1)
    assert a[2].shape == (3, 3) and a[0].shape == (7, 3)
    np.testing.assert_array_equal(a[2], b[2])
    for bad in (0.0, 1.0, 1.5):
        with pytest.raises(DescentlabError, match="validation fraction"):
            hold_out(X, y, bad, 0)


class _InterruptAt(Model):
    """A model that raises KeyboardInterrupt in its ``n``-th backward pass."""

    def __init__(self, model, n):
        self.model, self.n, self.calls = model, n, 0
        self.params = model.params

    def forward(self, X):
        return self.model.forward(X)

    def backward(self, dLdY):
        self.calls += 1
        if self.calls == self.n:
            raise KeyboardInterrupt
        return self.model.backward(dLdY)


@pytest.mark.parametrize("batch_size", [None, 16])
def test_ctrl_c_mid_epoch_undoes_that_epoch_and_keeps_the_history(batch_size):
    X, y = _problem(14)
    per_epoch = 1 if batch_size is None else 5
    model = _InterruptAt(LinearModel(3, seed=2), 7 * per_epoch + 3 if batch_size else 8)
    history = train(model, X, y, optimizer=GradientDescent(0.05), epochs=100, batch_size=batch_size)
    assert history.status == "interrupted"
    assert history.n_epochs == 7 and history.meta["interrupted_at_epoch"] == 7
    reference = train(LinearModel(3, seed=2), X, y, optimizer=GradientDescent(0.05), epochs=7,
                      batch_size=batch_size)
    assert history.loss == reference.loss
    for key in ("W", "b"):
        np.testing.assert_array_equal(model.params[key], reference.final_params[key])
        np.testing.assert_array_equal(history.final_params[key], reference.final_params[key])


def test_ctrl_c_in_a_callback_keeps_the_finished_epoch():
    X, y = _problem(15)

    def stop_at_4(epoch, history):
        if epoch == 4:
            raise KeyboardInterrupt

    model = LinearModel(3)
    history = train(model, X, y, epochs=50, callbacks=[stop_at_4])
    assert history.status == "interrupted" and history.n_epochs == 5
    np.testing.assert_array_equal(history.final_params["W"], model.params["W"])
    reference = train(LinearModel(3), X, y, epochs=5)
    np.testing.assert_array_equal(history.final_params["W"], reference.final_params["W"])


@pytest.mark.parametrize("asks_again", [False, True])
def test_a_rule_that_costs_little_is_asked_every_stalled_epoch(asks_again):
    class Rule:  # says no twice, then yes
        def __init__(self):
            self.asked, self.asks_again = [], asks_again

        def __call__(self, params, grads, stalled):
            self.asked += [len(self.asked)] if stalled else []
            return stalled and len(self.asked) >= 3

        def unconverged_message(self, n_epochs, params):
            return "not yet"

    X, y = _problem(12)
    rule = Rule()
    history = train(LinearModel(3), X, y, optimizer=GradientDescent(1e-6), epochs=5000, tol=1.0,
                    n_iter_no_change=4, converged=rule, record_params=False)
    # the loss never improves by 1: stalled from epoch 4 on, asked again at once or 4 epochs later
    assert history.status == "converged" and len(rule.asked) == 3
    assert history.n_epochs == 1 + (4 + 2 if asks_again else 4 + 2 * 4)


class _Rule:
    """A ``converged`` rule that never stops training early and holds (or not) at the end."""

    def __init__(self, ok):
        self.ok, self.asked = ok, []

    def __call__(self, params, grads, stalled):
        return False

    def holds(self, params):
        self.asked.append({k: np.copy(v) for k, v in params.items()})
        return self.ok

    def unconverged_message(self, n_epochs, params):
        return f"not there after {n_epochs} epochs"


@pytest.mark.parametrize("ok", [True, False])
def test_a_rule_that_holds_when_the_epochs_run_out_makes_the_run_converged(ok):
    import warnings

    from sklearn.exceptions import ConvergenceWarning

    X, y = _problem(0)
    model, rule = LinearModel(3, seed=0), _Rule(ok)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = train(model, X, y, optimizer=GradientDescent(0.01), epochs=7, tol=1e-12, converged=rule)
    said = [str(w.message) for w in caught if issubclass(w.category, ConvergenceWarning)]
    assert len(rule.asked) == 1 and np.array_equal(rule.asked[0]["W"], model.params["W"])  # the last params
    assert history.n_epochs == 7
    assert history.status == ("converged" if ok else "completed")
    assert said == ([] if ok else ["not there after 7 epochs"])
