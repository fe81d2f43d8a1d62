"""The playground's HTTP API through Starlette's test client: every setting, the bound,
divergence, continuing a run, uploads, and a table of bad requests (each a 4xx with a
one-line JSON error)."""

import json

import numpy as np
import pytest

pytest.importorskip("starlette")
pytest.importorskip("httpx")

from descentlab import stability_bound  # noqa: E402
from descentlab.core.quadratic import least_squares
from descentlab.core.regimes import REGIMES, regime_sentence, step_regime
from descentlab.core.stepsize import classify_rate  # noqa: E402
from descentlab.data.synthetic import make_article_data, split
from descentlab.playground.settings import FIELDS, LIMITS, REGIME_EDGES  # noqa: E402
from helpers import post_train as train  # noqa: E402


def article_train():
    d = make_article_data()
    X_train, X_test, y_train, y_test = split(d.X, d.y, 0.2, 7)
    return X_train, y_train


def test_the_default_request_is_the_articles_run(client, article_run):
    a = train(client)
    h = article_run.history
    assert a["status"] == "completed" and len(a["loss"]) == 61
    np.testing.assert_allclose(a["loss"], h.loss, rtol=1e-9)
    np.testing.assert_allclose(a["params"]["m"][:-1], h.trace("W")[:, 0], rtol=1e-9)
    np.testing.assert_allclose(a["params"]["b"][-1], float(h.final_params["b"]), rtol=1e-9)
    assert a["test_loss"] == pytest.approx(article_run.metrics["test"]["loss"], rel=1e-9)
    assert a["bound"] == pytest.approx(stability_bound(article_run.X_train), rel=1e-12)
    assert a["regime"] == classify_rate(0.05, a["bound"]) and a["diverged"] is None
    assert len(a["data"]["train"]["y"]) == 160 and len(a["data"]["test"]["y"]) == 40


def test_the_final_loss_is_epoch_61_the_trained_parameters(client, article_run):
    """Issue 24: epoch N is the state after N updates; ``loss`` holds epochs 0 .. 60 and
    ``final_loss`` epoch 61, the library's History.final_loss of the same run."""
    a = train(client)
    h = article_run.history
    assert len(a["loss"]) == h.n_epochs == 61 and h.final_loss is not None
    assert a["final_loss"] == pytest.approx(h.final_loss, rel=0, abs=1e-12)
    assert a["final_loss"] < a["loss"][-1]  # one update more than epoch 60


@pytest.mark.parametrize("lr, regime", [(1.2, "oscillates"), (0.05, "monotone")])
def test_the_steps_are_the_regimes_words(client, lr, regime):
    """The rate's step behaviour comes from core/regimes.py, its one home."""
    a = train(client, lr=lr)
    steps = a["steps"]
    assert a["status"] == "completed" and step_regime(lr, a["bound"]) == regime == steps["regime"]
    assert (steps["phrase"], steps["sentence"]) == REGIMES[regime]
    assert steps["regimes"] == regime_sentence(a["bound"])
    assert ("overshoots" in steps["sentence"]) == (regime == "oscillates")


def test_no_steps_where_the_regimes_do_not_apply(client):
    assert train(client, optimizer="momentum")["steps"] is None
    assert train(client, batch_size=16)["steps"] is None


def test_the_surface_is_the_half_mse_around_least_squares(client):
    a = train(client)
    X, y = article_train()
    W, b = least_squares(X, y)
    S = a["surface"]
    assert S["least_squares"]["m"] == pytest.approx(W[0]) and S["least_squares"]["b"] == pytest.approx(b)
    grid = np.array(S["loss"])
    m = np.linspace(*S["m"], grid.shape[1])[7]
    b_ = np.linspace(*S["b"], grid.shape[0])[30]
    assert grid[30, 7] == pytest.approx(0.5 * np.mean((X[:, 0] * m + b_ - y) ** 2), rel=1e-9)
    assert S["m"][0] < a["params"]["m"][0] < S["m"][1]  # the start is in the window


@pytest.mark.parametrize("optimizer, factor", [
    ("gd", lambda beta: 2.0), ("momentum", lambda beta: 2 * (1 + beta)),
    ("nesterov", lambda beta: 2 * (1 + beta) / (1 + 2 * beta)), ("adam", None)])
def test_the_bound_of_each_optimizer(client, optimizer, factor):
    a = train(client, optimizer=optimizer, momentum=0.5, lr=0.01, epochs=5)
    lam = 2.0 / stability_bound(article_train()[0])
    if factor is None:
        assert a["bound"] is None and a["regime"] is None and "Adam" in a["bound_note"]
    else:
        assert a["bound"] == pytest.approx(factor(0.5) / lam, rel=1e-12)


@pytest.mark.parametrize("fraction, diverges", [(0.95, False), (1.05, True)])
def test_a_rate_above_the_bound_diverges_and_says_so(client, fraction, diverges):
    bound = train(client, epochs=1)["bound"]
    a = train(client, lr=fraction * bound, epochs=200)
    assert (a["status"] == "diverged") == diverges
    if diverges:
        d = a["diverged"]
        assert d["epoch"] == len(a["loss"]) < 200 and f"{bound:.3g}" in d["message"]
        assert a["regime"] == "beyond the bound" and "\n" not in d["message"]
    else:
        assert a["loss"][-1] < 1.01 * a["surface"]["least_squares"]["loss"]


def test_the_regime_edges_are_the_studys(client):
    doc = client.get("/api/limits").json()
    assert doc["regime_edges"] == REGIME_EDGES and doc["limits"] == LIMITS
    edges = list(REGIME_EDGES.values())
    for lo, name in zip([0.0] + edges, ["too small", "good", "near the bound"]):
        assert classify_rate(lo + 0.01, 1.0) == name
    assert classify_rate(1.0, 1.0) == "beyond the bound"
    assert set(doc["settings"]) == set(FIELDS) and doc["settings"]["epochs"]["max"] == LIMITS["epochs"]


# Each setting, changed from its default, changes the answer in the way it should.
SETTING_CHECKS = [
    ({"epochs": 30}, lambda a, d: len(a["loss"]) == 30),
    ({"lr": 0.5}, lambda a, d: a["loss"][-1] < d["loss"][-1]),
    ({"optimizer": "momentum"}, lambda a, d: a["loss"][1:] != d["loss"][1:]),
    ({"optimizer": "nesterov", "momentum": 0.5}, lambda a, d: a["loss"][5] != d["loss"][5]),
    ({"optimizer": "adam", "lr": 1.0}, lambda a, d: a["loss"][5] != d["loss"][5]),
    ({"schedule": "exponential"}, lambda a, d: a["loss"][-1] > d["loss"][-1]),
    ({"batch_size": 16}, lambda a, d: a["loss"][-1] < d["loss"][-1]),
    ({"samples": 100}, lambda a, d: len(a["data"]["train"]["y"]) == 80),
    ({"noise": 0.0}, lambda a, d: a["surface"]["least_squares"]["loss"] < 1e-20),
    ({"seed": 8}, lambda a, d: a["data"]["train"]["y"] != d["data"]["train"]["y"]),
    ({"data_seed": 1}, lambda a, d: a["data"]["train"]["y"] != d["data"]["train"]["y"]),
    ({"m": 3.5, "b": -2.0}, lambda a, d: a["params"]["m"][0] == 3.5 and a["params"]["b"][0] == -2.0),
    ({"data": "scaled"}, lambda a, d: a["bound"] < 0.1 * d["bound"]),
    ({"data": "sine", "noise": 0.1, "lr": 0.5}, lambda a, d: a["data"]["y_name"] == "sin x + noise"),
    ({"model": "network", "hidden": 3, "activation": "relu", "lr": 0.001},
     lambda a, d: a["bound"] is None and set(a["frames"]["params"][0]) == {"0.W", "0.b", "1.W", "1.b"}
     and np.shape(a["frames"]["params"][0]["0.W"]) == (1, 3)),
    ({"model": "network", "activation": "identity", "hidden": 2, "lr": 0.01, "epochs": 300},
     lambda a, d: abs(a["frames"]["m"][-1] - d["surface"]["least_squares"]["m"]) < 1e-3),
    ({"data": "blobs", "model": "logistic", "noise": 1.5, "lr": 0.5},
     lambda a, d: set(a["params"]) == {"w1", "w2", "b"} and a["loss"][-1] < a["loss"][0]),
]


@pytest.mark.parametrize("change, check", SETTING_CHECKS, ids=[json.dumps(c) for c, _ in SETTING_CHECKS])
def test_every_setting_acts(client, change, check):
    default = train(client)
    assert check(train(client, **change), default)


@pytest.mark.parametrize("schedule", ["constant", "exponential", "cosine"])
def test_continuing_from_epoch_k_is_the_same_run(client, schedule):
    whole = train(client, epochs=60, schedule=schedule, lr=0.1)
    k = 25
    rest = train(client, epochs=60 - k, schedule=schedule, lr=0.1, start_epoch=k,
                 m=whole["params"]["m"][k], b=whole["params"]["b"][k])
    np.testing.assert_allclose(whole["loss"][:k] + rest["loss"], whole["loss"], rtol=1e-9)
    np.testing.assert_allclose(rest["params"]["m"], whole["params"]["m"][k:], rtol=1e-9)


def test_a_network_continues_from_a_frames_params(client):
    settings = dict(data="sine", noise=0.1, model="network", hidden=4, lr=0.3, epochs=40)
    whole = train(client, **settings)
    frames = whole["frames"]
    i = frames["epochs"].index(20)
    rest = train(client, **dict(settings, epochs=20, start_epoch=20, params=frames["params"][i]))
    np.testing.assert_allclose(rest["loss"], whole["loss"][20:], rtol=1e-9)


def test_a_diverging_network_still_answers_valid_json(client):
    a = train(client, data="sine", noise=0.1, model="network", activation="relu", lr=50.0, epochs=50)
    assert a["status"] == "diverged" and "too large" in a["diverged"]["message"]


def test_equal_settings_get_the_same_answer_whatever_their_order(client):
    one = client.post("/api/train", content=json.dumps({"lr": 0.2, "epochs": 20}))
    two = client.post("/api/train", content=json.dumps({"epochs": 20, "lr": 0.2, "model": "linear"}))
    assert one.content == two.content


CSV = "hours,noise_col,score\n" + "".join(f"{x},{(7 * x) % 5},{3 * x + 1 + (-1) ** x * 0.5}\n" for x in range(40))


def test_an_uploaded_csv_trains_on_the_chosen_columns(client):
    r = client.post("/api/csv", content=CSV)
    assert r.status_code == 200
    assert r.json() == {"columns": ["hours", "noise_col", "score"], "feature": "hours", "target": "score", "rows": 40}
    a = train(client, data="csv", csv=CSV, feature="hours", target="score", lr=0.002, epochs=500,
              standardize=False)  # the raw feature (standardised by default: see test_playground_why)
    x = np.array(a["data"]["train"]["X"])[:, 0]
    slope, intercept = np.polyfit(x, a["data"]["train"]["y"], 1)
    assert len(x) == 32 and a["data"]["x_name"] == "hours"
    assert a["surface"]["least_squares"]["m"] == pytest.approx(slope, rel=1e-9)
    assert a["bound"] == pytest.approx(stability_bound(x[:, None]), rel=1e-12)
    other = train(client, data="csv", csv=CSV, feature="noise_col", target="score", epochs=5, standardize=False)
    assert other["data"]["x_name"] == "noise_col"


@pytest.mark.parametrize("text, query, fragment", [
    ("x,y\n1,2\n2,abc\n", "", "non-numeric value 'abc' at line 3, column 'y' of 'upload.csv'"),
    ("1,2\n3,4\n", "", "has no header row"),
    ("x,y\n1,2\n2,\n", "", "missing value at line 3"),
    ("x,y\n1,2\n2,3\n", "?target=z", "unknown target column 'z'"),
    ("x,y\n1,5\n1,3\n", "", "feature column 'x' of 'upload.csv' is constant"),
    ("x\n1\n2\n", "", "at least two columns"),
])
def test_csv_errors_are_the_readers_one_line(client, text, query, fragment):
    r = client.post("/api/csv" + query, content=text)
    assert r.status_code == 422 and fragment in r.json()["error"], r.json()
    assert "/tmp" not in r.json()["error"] and "\n" not in r.json()["error"]
    header = text.splitlines()[0].split(",")
    assert r.json()["columns"] == header  # offered to pick another pair


BAD = [
    ({"lr": "fast"}, 422, "The learning rate (lr) must be a number, not text"),
    ({"lr": 0}, 422, "The learning rate (lr) must be from 1e-12 to 100, not 0."),
    ({"lr": -1}, 422, "must be from 1e-12 to 100, not -1."),
    ({"lr": True}, 422, "(lr) must be a number, not true or false"),
    ({"epochs": 2.5}, 422, "whole number"),
    ({"epochs": LIMITS["epochs"] + 1}, 422, f"from 1 to {LIMITS['epochs']}"),
    ({"samples": LIMITS["samples"] + 1}, 422, f"must be from 10 to {LIMITS['samples']}"),
    ({"hidden": LIMITS["hidden"] + 1, "model": "network"}, 422, f"from 1 to {LIMITS['hidden']}"),
    ({"optimizer": "sgd"}, 422, "choose one of gd, momentum, nesterov, adam"),
    ({"schedule": "warmup"}, 422, "choose one of constant"),
    ({"momentum": 1.5}, 422, "must be from 0 to 0.999, not 1.5."),
    ({"m": None, "b": "x"}, 422, "(b) must be a number, not text: for example 0."),
    ({"epochs": None}, 422, "(epochs) needs a value, for example 61."),
    ({"learning_rate": 0.1}, 422, "There is no setting called 'learning_rate'"),
    ({"model": "logistic"}, 422, "choose the data 'blobs' with the model 'logistic'"),
    ({"data": "csv"}, 422, "upload a file first"),
    ({"batch_size": 1, "epochs": 3000}, 422, "more than the 60,000 one run may take"),
    ({"model": "network", "params": {"0.W": [[1.0]]}}, 422, "params must have exactly the keys"),
    ({"model": "network", "hidden": 2, "params": {"0.W": [[1, 2, 3]], "0.b": [0, 0], "1.W": [[1], [1]], "1.b": [0]}},
     422, "has shape [1, 3]"),
    ({"params": {"W": ["a"]}}, 422, "finite numbers only"),
    ([1, 2], 400, "must be a JSON object"),
    ("lr=0.1", 400, "must be a JSON object"),
]


@pytest.mark.parametrize("body, status, fragment", BAD, ids=[json.dumps(b)[:40] for b, _, _ in BAD])
def test_bad_requests_get_a_4xx_and_one_line(client, body, status, fragment):
    r = client.post("/api/train", json=body)
    assert r.status_code == status and fragment in r.json()["error"], r.text
    assert "\n" not in r.json()["error"] and "Traceback" not in r.text


@pytest.mark.parametrize("method, path, content, status, fragment", [
    ("post", "/api/train", b"{not json", 400, "not a set of settings"),
    ("post", "/api/train", b"\xff\xfe", 400, "not a set of settings"),
    ("post", "/api/train", b"[" * (LIMITS["body_bytes"] + 1), 413, "too large"),
    ("post", "/api/csv", b"x,y\n" + b"1,2\n" * (LIMITS["upload_bytes"] // 4), 413, "larger than"),
    ("post", "/api/csv", b"\xff\xfex,y", 400, "UTF-8 CSV"),
    ("get", "/api/train", None, 405, "not allowed"),
    ("get", "/api/nothing", None, 404, "there is no page"),
])
def test_broken_bodies_and_paths_get_json_errors(client, method, path, content, status, fragment):
    r = getattr(client, method)(path, content=content) if content is not None else getattr(client, method)(path)
    assert r.status_code == status and fragment in r.json()["error"], r.text


def test_the_page_and_its_assets_are_served_from_the_package(client):
    page = client.get("/")
    assert page.status_code == 200 and "<canvas id=\"surface\"" in page.text
    assert "http://" not in page.text and "https://" not in page.text
    for name in ("plot.js", "views.js", "controls.js", "widgets.js", "app.js", "style.css"):
        asset = client.get(f"/static/{name}")
        assert asset.status_code == 200 and "https://" not in asset.text, name


def test_the_json_without_orjson_is_the_same(client, monkeypatch):
    from descentlab.playground import runner

    answer = {"loss": [1.5, float("nan"), 0.1 + 0.2], "bound": float("inf"), "note": "x"}
    fast = runner.to_json(answer)
    monkeypatch.setattr(runner, "orjson", None)
    assert json.loads(runner.to_json(answer)) == json.loads(fast) == {"loss": [1.5, None, 0.30000000000000004],
                                                                       "bound": None, "note": "x"}


def test_logistic_regression_continues_from_its_parameters(client):
    settings = dict(data="blobs", model="logistic", noise=1.5, lr=0.5, epochs=30)
    whole = train(client, **settings)
    P, k = whole["params"], 12
    rest = train(client, **dict(settings, epochs=30 - k, start_epoch=k,
                                params={"W": [P["w1"][k], P["w2"][k]], "b": P["b"][k]}))
    np.testing.assert_allclose(rest["loss"], whole["loss"][k:], rtol=1e-9)


@pytest.mark.parametrize("optimizer", ["momentum", "nesterov"])
def test_momentum_continues_with_its_velocity(client, optimizer):
    settings = dict(optimizer=optimizer, lr=0.1, epochs=60)
    whole = train(client, **settings)
    k, v = 20, whole["velocity"]
    assert len(v["m"]) == 61 and v["m"][0] == 0.0
    start = dict(settings, epochs=60 - k, start_epoch=k, m=whole["params"]["m"][k], b=whole["params"]["b"][k])
    rest = train(client, **dict(start, velocity={"W": [v["m"][k]], "b": v["b"][k]}))
    np.testing.assert_allclose(rest["loss"], whole["loss"][k:], rtol=1e-9)
    cold = train(client, **start)  # without it the velocity starts again from 0
    assert not np.allclose(cold["loss"][1:5], whole["loss"][k + 1:k + 5], rtol=1e-6)


def test_a_velocity_of_the_wrong_shape_is_refused(client):
    r = client.post("/api/train", json={"optimizer": "momentum", "velocity": {"W": [1.0, 2.0], "b": 0.0}})
    assert r.status_code == 422 and "velocity 'W' has shape [2]" in r.json()["error"]


def test_any_json_body_is_validated_or_refused_in_one_line():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from descentlab.errors import DescentlabError
    from descentlab.playground.settings import validate

    scalars = st.none() | st.booleans() | st.integers(-10**12, 10**12) | st.floats() | st.text(max_size=8)
    values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.text(max_size=4), inner, max_size=3), max_leaves=6)
    keys = st.sampled_from(sorted(FIELDS)) | st.text(max_size=6)

    @settings(max_examples=300, deadline=None)
    @given(st.dictionaries(keys, values, max_size=5) | values)
    def check(body):
        try:
            validate(body)
        except DescentlabError as exc:
            assert "\n" not in str(exc) and str(exc)

    check()
