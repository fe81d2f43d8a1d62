"""The presets are the lessons: each preset's run through the playground's API equals its
library lesson's run (both trained here) to 1e-9."""

import numpy as np
import pytest

pytest.importorskip("starlette")
pytest.importorskip("httpx")




@pytest.fixture(scope="module")
def presets(client):
    return client.get("/api/presets").json()


def run(client, presets, name, **extra):
    r = client.post("/api/train", json=dict(presets[name]["settings"], **extra))
    assert r.status_code == 200, r.text
    return r.json()


def test_the_article_preset_is_the_tutorial(client, presets):
    from descentlab.lessons.article import run_tutorial

    lesson = run_tutorial()
    a = run(client, presets, "article")
    np.testing.assert_allclose(a["loss"], lesson.history.loss, rtol=1e-9)


def test_the_collapse_preset_is_run_collapse(client, presets):
    from descentlab.lessons.collapse import run_collapse

    lesson = run_collapse()
    a = run(client, presets, "collapse")
    np.testing.assert_allclose(a["loss"], lesson.history.loss, rtol=1e-9)
    assert a["bound"] == pytest.approx(lesson.stable_lr, rel=1e-9)
    assert a["frames"]["m"][-1] == pytest.approx(lesson.m, rel=1e-9)
    assert a["frames"]["b"][-1] == pytest.approx(lesson.intercept, rel=1e-9)


def test_the_logistic_preset_is_run_logistic(client, presets):
    from descentlab.lessons.logistic import run_logistic

    lesson = run_logistic()
    a = run(client, presets, "logistic")
    np.testing.assert_allclose(a["loss"], lesson.history.loss, rtol=1e-9)
    W, b = lesson.model.params["W"], float(lesson.model.params["b"])
    assert [a["params"]["w1"][-1], a["params"]["w2"][-1], a["params"]["b"][-1]] == pytest.approx([*W, b], rel=1e-9)


def test_the_ridge_preset_ends_at_the_estimators_fit(client, presets):
    from descentlab.estimators import GDRegressor

    s = presets["ridge"]["settings"]
    a = run(client, presets, "ridge")
    X, y = np.array(a["data"]["train"]["X"]), np.array(a["data"]["train"]["y"])
    est = GDRegressor(optimizer="gd", lr=s["lr"], epochs=s["epochs"], tol=None, standardize=False,
                             penalty="l2", alpha=s["alpha"]).fit(X, y)
    assert a["params"]["m"][-1] == pytest.approx(float(est.coef_[0]), rel=1e-9)
    assert a["params"]["b"][-1] == pytest.approx(float(est.intercept_), rel=1e-9)


def test_the_momentum_preset_is_the_librarys_momentum_on_the_scaled_line(client, presets):
    """No lesson module trains momentum: the preset is the library's Momentum (the beta of the
    momentum exercise) on the article's line in other units, from the same start."""
    from descentlab.core.models import LinearModel
    from descentlab.core.optimizers import Momentum
    from descentlab.core.trainer import train
    from descentlab.exercises.checks.momentum import BETA
    from descentlab.playground.problems import SCALE, SHIFT

    s = presets["momentum"]["settings"]
    assert s["momentum"] == BETA and presets["momentum"]["view"]["compare"] is True
    a = run(client, presets, "momentum")
    article = run(client, presets, "article", epochs=1)
    X = np.array(article["data"]["train"]["X"]) * SCALE + SHIFT
    np.testing.assert_allclose(a["data"]["train"]["X"], X, rtol=1e-12)
    model = LinearModel(1, seed=s["seed"])
    h = train(model, X, np.array(a["data"]["train"]["y"]), optimizer=Momentum(s["lr"], momentum=BETA),
              epochs=s["epochs"])
    np.testing.assert_allclose(a["loss"], h.loss, rtol=1e-9)
