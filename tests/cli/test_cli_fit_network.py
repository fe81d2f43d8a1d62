"""``descentlab fit --hidden`` trains the network regressor (classifier with --classify); ``--solver`` picks the fast path."""

import json

import numpy as np
import pytest

from descentlab.cli import main


def _sine_csv(path):
    rng = np.random.default_rng(0)
    x = rng.uniform(-3, 3, 300)
    y = np.sin(x) + 0.1 * rng.normal(size=300)
    path.write_text("x,y\n" + "\n".join(f"{float(a)!r},{float(b)!r}" for a, b in zip(x, y)) + "\n")
    return path


def test_fit_a_network_and_predict(tmp_path, capsys):
    csv = _sine_csv(tmp_path / "sine.csv")
    assert main(["fit", str(csv), "--target", "y", "--hidden", "16", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    r2 = float(out.split("R^2 = ")[1].split()[0])
    assert r2 > 0.95 and "Network 1 -> 16 -> 1 (tanh hidden units): 49 weights" in out
    doc = json.loads((tmp_path / "model.json").read_text())
    assert doc["estimator"] == "GDNetworkRegressor"
    assert main(["predict", str(tmp_path / "model.json"), str(csv), "--out", str(tmp_path)]) == 0
    preds = np.loadtxt(tmp_path / "predictions.csv", skiprows=1)
    assert preds.shape == (300,)


@pytest.mark.numba
def test_solver_choice_gives_the_same_model(tmp_path, capsys):
    csv = _sine_csv(tmp_path / "sine.csv")
    coefs = []
    for solver in ("gd", "moments", "fused"):
        assert main(["fit", str(csv), "--target", "y", "--solver", solver, "--lr", "0.5",
                     "--out", str(tmp_path / solver)]) == 0
        coefs.append(json.loads((tmp_path / solver / "model.json").read_text())["attributes"]["coef_"]["data"])
    capsys.readouterr()
    np.testing.assert_allclose(coefs[1], coefs[0], rtol=1e-9)
    np.testing.assert_allclose(coefs[2], coefs[0], rtol=1e-9)


def test_hidden_with_classify_trains_the_network_classifier(tmp_path, capsys):
    rng = np.random.default_rng(2)
    x = rng.uniform(-3, 3, 300)
    band = np.where(np.abs(x) < 1, "in", "out")  # no line separates the band: a network bends
    csv = tmp_path / "band.csv"
    csv.write_text("x,y\n" + "\n".join(f"{float(a)!r},{b}" for a, b in zip(x, band)) + "\n")
    assert main(["fit", str(csv), "--target", "y", "--hidden", "8", "--classify",
                 "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "Network 1 -> 8 -> 1 (tanh hidden units): 25 weights" in out
    assert float(out.split("train: accuracy = ")[1].split("%")[0]) > 95
    assert json.loads((tmp_path / "model.json").read_text())["estimator"] == "GDNetworkClassifier"


def test_a_fit_worse_than_the_mean_says_so(tmp_path, capsys):
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(40, 3)), rng.normal(size=40)  # the target is noise: nothing to learn
    csv = tmp_path / "noise.csv"
    csv.write_text("a,b,c,y\n" + "\n".join(",".join(repr(float(v)) for v in (*row, t))
                                           for row, t in zip(x, y)) + "\n")
    code = main(["fit", str(csv), "--target", "y", "--hidden", "32", "--test-size", "0.5",
                 "--epochs", "400", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    test_r2 = float(out.split("test: R^2 = ")[1].split()[0])
    assert code == 0 and test_r2 < 0
    train_r2 = float(out.split("train: R^2 = ")[1].split()[0])
    # a network that learns noise scores well on its training rows only: overfitting
    kind = "overfitting" if train_r2 - test_r2 > 0.3 and train_r2 > 0.5 else "underfitting"
    assert f"Warning: {kind}: R^2 {train_r2:.2f} on the training rows" in out
