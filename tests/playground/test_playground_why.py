"""The why, live, and a learner's own data: the curvature the answer carries (checked
against NumPy and a run), momentum's rate map, the at-the-bound case, train and test loss
per epoch, uploads standardised by default, a bound shown rounded down, a tiny bound's
rate accepted, and CSV errors naming the learner's file."""

import json

import numpy as np
import pytest

pytest.importorskip("starlette")
pytest.importorskip("httpx")

from descentlab.core.convergence import contraction
from descentlab.core.optimizers import make_optimizer  # noqa: E402
from descentlab.core.scaling import standardize  # noqa: E402
from descentlab.playground.runner import round_down  # noqa: E402
from helpers import post_train as train  # noqa: E402


def test_the_curvature_is_the_hessians(client):
    a = train(client, epochs=5)
    X = np.array(a["data"]["train"]["X"])
    Xt = np.column_stack([X, np.ones(len(X))])
    lams, vecs = np.linalg.eigh(Xt.T @ Xt / len(X))
    c = a["curvature"]
    assert c["eigenvalues"] == pytest.approx(lams, rel=1e-12) and c["lam_max"] == pytest.approx(a["lam_max"])
    assert c["condition"] == pytest.approx(lams[1] / lams[0]) and c["diverge_lr"] == pytest.approx(a["bound"])
    assert c["overshoot_lr"] == pytest.approx(a["bound"] / 2)
    for got, want in zip(c["directions"], vecs.T, strict=True):
        assert abs(np.dot(got, want)) == pytest.approx(1.0)
    assert c["factors"] == pytest.approx(np.abs(1 - 0.05 * lams)) and c["rate"] == max(c["factors"])
    assert c["at_bound"] is None and a["rate_map"] is None


def test_the_factor_is_what_a_run_shows(client):
    """Along the steepest direction the error shrinks by |1 - lr lam_max| per epoch, exactly."""
    a = train(client, lr=1.5, epochs=40, m=3.0, b=-2.0)
    c, star = a["curvature"], a["surface"]["least_squares"]
    err = np.column_stack([np.array(a["params"]["m"]) - star["m"], np.array(a["params"]["b"]) - star["b"]])
    along = err @ np.array(c["directions"][1])
    ratios = np.abs(along[1:31] / along[:30])
    np.testing.assert_allclose(ratios, c["factors"][1], rtol=1e-6)


def test_at_the_bound_the_factor_is_one_and_it_is_explained(client):
    bound = train(client, epochs=1)["bound"]
    a = train(client, lr=bound, epochs=300)
    assert a["curvature"]["factors"][1] == pytest.approx(1.0, abs=1e-12)
    assert "neither shrinks nor grows" in a["curvature"]["at_bound"]
    assert a["regime"] == "beyond the bound" and a["status"] != "diverged"


@pytest.mark.parametrize("optimizer", ["momentum", "nesterov"])
def test_momentum_carries_its_rate_map(client, optimizer):
    a = train(client, optimizer=optimizer, momentum=0.5, lr=0.3, epochs=5)
    R = a["rate_map"]
    grid = np.array(R["rate"])
    assert grid.shape == (len(R["beta"]), len(R["lr"])) and R["beta"][0] == 0.0
    lams = a["curvature"]["eigenvalues"]
    i, j = 20, 33
    want = max(contraction(R["lr"][j], lam, R["beta"][i], optimizer == "nesterov") for lam in lams)
    assert grid[i, j] == pytest.approx(want, rel=1e-12)
    assert R["current"] == pytest.approx({"lr": 0.3, "beta": 0.5, "rate": a["curvature"]["rate"]})
    bound_lr = make_optimizer(optimizer, 0.3, momentum=0.5).stable_lr(lams[1])
    assert max(contraction(bound_lr, lam, 0.5, optimizer == "nesterov") for lam in lams) == pytest.approx(1.0)
    if optimizer == "momentum":
        best = R["best"]
        got = max(contraction(best["lr"], lam, best["beta"]) for lam in lams)
        assert got == pytest.approx(best["rate"], rel=1e-6) and grid.min() >= best["rate"] - 1e-9


def test_train_and_test_loss_per_epoch_and_the_split(client):
    a = train(client, epochs=30)
    assert len(a["test_losses"]) == 30 and a["test_losses"][-1] != a["loss"][-1]
    X, y = np.array(a["data"]["test"]["X"])[:, 0], np.array(a["data"]["test"]["y"])
    m, b = a["params"]["m"][7], a["params"]["b"][7]
    assert a["test_losses"][7] == pytest.approx(0.5 * np.mean((m * X + b - y) ** 2), rel=1e-9)
    held = train(client, epochs=3, test_size=0.7, samples=100)
    assert len(held["data"]["test"]["y"]) == 70 and held["data"]["test_size"] == 0.7
    r = client.post("/api/train", json={"samples": 10, "test_size": 0.9})
    assert r.status_code == 422 and "fewer than 5 to train on" in r.json()["error"]


WIDE = "size,price\n" + "".join(f"{x},{0.3 * x + 7 + (x % 7 - 3)}\n" for x in range(0, 1001, 25))


def test_an_upload_is_standardised_by_default_and_says_so(client):
    limits = client.get("/api/limits").json()["settings"]["standardize"]
    assert limits["default"] is True and "narrow valley" in limits["help"]
    a = train(client, data="csv", csv=WIDE, feature="size", target="price", epochs=200, lr=0.5)
    raw = train(client, data="csv", csv=WIDE, feature="size", target="price", epochs=5, lr=1e-6,
                standardize=False)
    x_all = np.array([float(r.split(",")[0]) for r in WIDE.splitlines()[1:]])
    _, mean, scale = standardize(np.array(raw["data"]["train"]["X"]))
    assert a["data"]["x_name"] == "size (standardised)"
    assert a["data"]["scaling"]["mean"] == pytest.approx(float(mean[0]))
    assert a["data"]["scaling"]["scale"] == pytest.approx(float(scale[0]))
    assert a["bound"] > 0.5 and raw["bound"] < 1e-5 and a["status"] == "completed"
    assert set(np.round(x_all, 9)) >= set(np.round(raw["data"]["train"]["X"][0], 9))


def test_a_tiny_bound_is_followed_down_and_shown_rounded_down(client):
    raw = train(client, data="csv", csv=WIDE, feature="size", target="price", epochs=5, lr=1e-6,
                standardize=False)
    bound = raw["bound"]
    low, high = raw["lr_range"]
    assert low <= bound / 100 and bound < high and low >= 1e-12
    shown = float(raw["bound_display"])
    assert shown <= bound and shown > 0.99 * bound and len(raw["bound_display"].replace(".", "").lstrip("0")) <= 8
    below = train(client, data="csv", csv=WIDE, feature="size", target="price", epochs=50,
                  lr=0.9 * bound, standardize=False)  # the API takes a rate below a tiny bound
    assert below["status"] == "completed"
    above = train(client, data="csv", csv=WIDE, feature="size", target="price", epochs=300,
                  lr=1.5 * bound, standardize=False)
    message = above["diverged"]["message"]
    suggested = float(message.split("below ")[-1].rstrip(")."))
    assert suggested <= bound and suggested == shown
    assert train(client, data="csv", csv=WIDE, feature="size", target="price", epochs=5, lr=suggested,
                 standardize=False)["status"] in ("completed", "diverged")


@pytest.mark.parametrize("value, rounded", [(0.0057199, "0.00571"), (5.7e-6, "5.7e-06"),
                                            (1.8939086352674173, "1.89"), (0.01279999, "0.0127"),
                                            (0.0128, "0.0128"), (123456.0, "1.23e+05")])
def test_round_down(value, rounded):
    assert round_down(value) == rounded and float(rounded) <= value


def test_csv_errors_name_the_learners_file(client):
    r = client.post("/api/csv?name=my%20marks.csv", content="x,y\n1,2\n2,abc\n")
    assert r.status_code == 422 and "'my marks.csv'" in r.json()["error"] and "upload.csv" not in r.json()["error"]
    r = client.post("/api/train", json={"data": "csv", "csv": "x,y\n1,2\n2,abc\n", "feature": "x", "target": "y",
                                        "csv_name": "my marks.csv"})
    assert r.status_code == 422 and "'my marks.csv'" in r.json()["error"]
    r = client.post("/api/csv?name=tiny.csv", content="x\n1\n")
    assert "'tiny.csv'" in r.json()["error"]


def test_the_answer_is_json_without_nan(client):
    a = client.post("/api/train", json={"optimizer": "momentum", "epochs": 3})
    json.loads(a.text, parse_constant=lambda c: pytest.fail(c))


def test_a_narrow_valley_gets_a_finer_contour_grid(client):
    round_bowl = train(client, epochs=2)  # the article's: condition 1.3
    valley = train(client, data="scaled", epochs=2)  # x' = 5x + 10: a long narrow valley
    assert valley["curvature"]["condition"] > 100 > round_bowl["curvature"]["condition"]
    assert np.shape(round_bowl["surface"]["loss"]) == (51, 51)
    assert np.shape(valley["surface"]["loss"]) == (121, 121)
