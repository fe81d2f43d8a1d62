"""The playground's penalties through the API: the penalised optimum is scikit-learn's on the
same rows, the bound and the surface take the penalty, and bad penalty settings get a 4xx."""

import json

import numpy as np
import pytest

pytest.importorskip("starlette")
pytest.importorskip("httpx")

from sklearn.linear_model import ElasticNet, Lasso, Ridge  # noqa: E402

from descentlab import stability_bound  # noqa: E402
from descentlab.playground.problems import load_problem  # noqa: E402
from descentlab.playground.settings import validate  # noqa: E402
from helpers import post_train as train  # noqa: E402


def rows(**settings):
    p = load_problem(validate(settings))
    return p.X_train, p.y_train


def sklearn_of(penalty, alpha, l1_ratio, n):
    """scikit-learn's estimator with the library's objective (estimators/base.py Notes)."""
    if penalty == "l2":
        return Ridge(alpha=n * alpha)
    if penalty == "l1":
        return Lasso(alpha=alpha, tol=1e-14, max_iter=100_000)
    return ElasticNet(alpha=alpha, l1_ratio=l1_ratio, tol=1e-14, max_iter=100_000)


@pytest.mark.parametrize("penalty, alpha, l1_ratio, lr", [
    ("l2", 10.0, 0.5, 0.15), ("l2", 0.5, 0.5, 1.0), ("l1", 20.0, 0.5, 1.0),
    ("elasticnet", 20.0, 0.3, 0.1), ("elasticnet", 5.0, 0.8, 1.0)])
def test_penalised_training_reaches_sklearns_optimum(client, penalty, alpha, l1_ratio, lr):
    a = train(client, penalty=penalty, alpha=alpha, l1_ratio=l1_ratio, lr=lr, epochs=3000)
    X, y = rows()
    est = sklearn_of(penalty, alpha, l1_ratio, len(y)).fit(X, y)
    assert a["status"] == "completed" and a["penalty"] == penalty
    assert a["params"]["m"][-1] == pytest.approx(est.coef_[0], rel=1e-6)
    assert a["params"]["b"][-1] == pytest.approx(est.intercept_, rel=1e-6, abs=1e-6)
    star = a["surface"]["least_squares"]
    assert star["penalized"] is True
    assert star["m"] == pytest.approx(est.coef_[0], rel=1e-7) and star["b"] == pytest.approx(est.intercept_, rel=1e-7, abs=1e-7)
    assert a["loss"][-1] == pytest.approx(star["loss"], rel=1e-8)  # the loss plot's floor is the objective's


def test_a_strong_l1_penalty_puts_the_slope_at_exactly_zero(client):
    X, y = rows()
    alpha = 1.1 * abs(np.mean((X[:, 0] - X[:, 0].mean()) * (y - y.mean())))  # past Lasso's alpha_max
    a = train(client, penalty="l1", alpha=alpha, lr=1.0, epochs=500)
    assert a["params"]["m"][-1] == 0.0 and a["surface"]["least_squares"]["m"] == 0.0
    assert a["params"]["b"][-1] == pytest.approx(y.mean(), rel=1e-9)


def test_the_l2_penalty_raises_the_curvature_of_the_bound(client):
    lam = 2.0 / stability_bound(rows()[0])
    plain = train(client, epochs=5)
    ridge = train(client, penalty="l2", alpha=10.0, epochs=5, lr=0.01)
    net = train(client, penalty="elasticnet", alpha=10.0, l1_ratio=0.25, epochs=5, lr=0.01)
    lasso = train(client, penalty="l1", alpha=10.0, epochs=5, lr=0.01)
    assert plain["bound"] == pytest.approx(2.0 / lam, rel=1e-12)
    assert ridge["bound"] == pytest.approx(2.0 / (lam + 10.0), rel=1e-12)
    assert net["bound"] == pytest.approx(2.0 / (lam + 7.5), rel=1e-12)
    assert lasso["bound"] == plain["bound"]  # the prox adds no curvature
    assert "penalty" in ridge["bound_note"] and "penalty" not in lasso["bound_note"]


def test_a_rate_between_the_two_bounds_diverges_only_with_the_penalty(client):
    plain, ridge = train(client, lr=0.5, epochs=200), train(client, penalty="l2", alpha=10.0, lr=0.5, epochs=200)
    assert plain["status"] == "completed" and ridge["status"] == "diverged"
    assert "above the stable bound" in ridge["diverged"]["message"]


def test_the_surface_is_the_penalised_objective(client):
    a = train(client, penalty="elasticnet", alpha=4.0, l1_ratio=0.5, lr=0.5, epochs=50)
    X, y = rows()
    S = a["surface"]
    grid = np.array(S["loss"])
    m = np.linspace(*S["m"], grid.shape[1])[9]
    b = np.linspace(*S["b"], grid.shape[0])[40]
    expected = 0.5 * np.mean((X[:, 0] * m + b - y) ** 2) + 4.0 * (0.25 * m ** 2 + 0.5 * abs(m))
    assert grid[40, 9] == pytest.approx(expected, rel=1e-9)
    assert grid.min() >= S["least_squares"]["loss"] * (1 - 1e-9)


def test_no_penalty_is_the_same_answer_whatever_alpha_says(client):
    plain = client.post("/api/train", json={"epochs": 100}).content
    assert client.post("/api/train", json={"epochs": 100, "penalty": "none", "alpha": 7.0}).content == plain
    assert client.post("/api/train", json={"epochs": 100, "penalty": "l2", "alpha": 0.0}).json()["loss"] == \
        json.loads(plain)["loss"]


@pytest.mark.parametrize("body, fragment", [
    ({"penalty": "ridge"}, "There is no penalty 'ridge': choose one of none, l2, l1, elasticnet."),
    ({"penalty": "l2", "alpha": -1}, "(alpha) must be from 0 to 1000, not -1."),
    ({"penalty": "l2", "alpha": 1e9}, "(alpha) must be from 0 to 1000, not 1000000000.0."),
    ({"penalty": "l2", "alpha": "big"}, "(alpha) must be a number, not text"),
    ({"penalty": "elasticnet", "l1_ratio": 1.5}, "The l1 ratio (l1_ratio) must be from 0 to 1, not 1.5."),
    ({"penalty": None}, "The penalty (penalty) needs a value, for example 'none'."),
    ({"penalty": "l1", "optimizer": "adam"}, "Adam takes no proximal step, so no l1 penalty"),
    ({"penalty": "elasticnet", "optimizer": "adam"}, "Adam takes no proximal step, so no elasticnet penalty"),
    ({"penalty": "l2", "model": "network"}, "The penalty pulls the line's slope only"),
    ({"penalty": "l2", "model": "logistic", "data": "blobs", "noise": 1.5}, "choose the model 'linear'"),
])
def test_bad_penalty_settings_get_a_422_and_one_line(client, body, fragment):
    r = client.post("/api/train", json=body)
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert fragment in error and "\n" not in error


def test_adam_takes_the_l2_penalty(client):
    a = train(client, penalty="l2", alpha=1.0, optimizer="adam", lr=0.5, epochs=50)
    assert a["bound"] is None and a["status"] == "completed"


def test_the_penalty_settings_are_in_the_limits(client):
    settings = client.get("/api/limits").json()["settings"]
    assert settings["penalty"]["choices"] == ["none", "l2", "l1", "elasticnet"]
    assert settings["alpha"]["min"] == 0 and settings["l1_ratio"]["max"] == 1
