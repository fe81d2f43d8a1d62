"""``descentlab fit --loss``: the estimators' losses from the command line (issue 26 item 7)."""

import json
import warnings

import numpy as np

from descentlab.cli import main


def test_fit_with_hinge_and_quantile_losses_saves_models_that_predict(tmp_path, capsys):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 2))
    y = X @ [1.0, 2.0] + rng.standard_t(3, size=120)
    rows = "".join(f"{a:.17g},{b:.17g},{t:.17g},{int(t > 0)}\n" for (a, b), t in zip(X, y, strict=True))
    csv = tmp_path / "d.csv"
    csv.write_text("a,b,y,label\n" + rows)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a short run on a kinked loss warns (tested in estimators/)
        assert main(["fit", str(csv), "--target", "label", "--drop", "y", "--classify", "--loss", "hinge",
                     "--epochs", "50", "--out", str(tmp_path / "h")]) == 0
        out = capsys.readouterr().out
        assert "accuracy" in out and "log loss" not in out  # a hinge gives no probabilities
        assert json.loads((tmp_path / "h" / "model.json").read_text())  # saved
        assert main(["predict", str(tmp_path / "h" / "model.json"), str(csv),
                     "--out", str(tmp_path / "p")]) == 0
        assert main(["fit", str(csv), "--target", "y", "--drop", "label", "--loss", "quantile",
                     "--quantile", "0.3", "--epochs", "100", "--out", str(tmp_path / "q")]) == 0
    assert "R^2" in capsys.readouterr().out
