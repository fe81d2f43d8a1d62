"""``descentlab fit`` and ``descentlab predict`` end to end, and every bad input through them."""

import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
from sklearn.datasets import load_diabetes
from sklearn.linear_model import LinearRegression

from descentlab.cli import main


def _csv(path, header, rows):
    path.write_text(",".join(header) + "\n" + "".join(",".join(map(str, r)) + "\n" for r in rows))
    return path


@pytest.fixture(scope="module")
def diabetes_csv(tmp_path_factory):
    d = load_diabetes(scaled=False)
    rows = [[repr(float(v)) for v in x] + [repr(float(t))] for x, t in zip(d.data, d.target)]
    return _csv(tmp_path_factory.mktemp("data") / "diabetes.csv", d.feature_names + ["progression"], rows)


def _run(argv, capsys):
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exc:  # argparse errors
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def test_fit_prints_metrics_and_saves_a_model_that_predicts(diabetes_csv, tmp_path, capsys):
    model = tmp_path / "fit" / "model.json"
    code, out, err = _run(["fit", diabetes_csv, "--target", "progression", "--out", model.parent],
                          capsys)
    assert code == 0 and err == ""
    assert "Converged after" in out and "train: R^2 = 0.5177" in out and "bmi" in out
    info = json.loads(model.read_text())["info"]
    assert info["target"] == "progression" and len(info["features"]) == 10
    d = load_diabetes(scaled=False)
    r2_ols = LinearRegression().fit(d.data, d.target).score(d.data, d.target)
    assert abs(info["metrics"]["train"]["r2"] - r2_ols) < 1e-4

    preds = tmp_path / "fit" / "predictions.csv"  # beside the model: names of its own
    code, out, err = _run(["predict", model, diabetes_csv, "--out", preds.parent], capsys)
    assert code == 0 and "Wrote 442 predictions" in out
    lines = preds.read_text().splitlines()
    assert lines[0] == "predicted_progression" and len(lines) == 443
    from descentlab.estimators.persist import load_model

    expected = load_model(model).predict(d.data)
    assert np.array([float(v) for v in lines[1:]]).tobytes() == expected.tobytes()
    code, out, _ = _run(["predict", model, diabetes_csv], capsys)
    assert code == 0 and out.splitlines() == lines


def test_classify_with_text_labels_and_a_test_split(tmp_path, capsys):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 2)) * [1, 100]
    labels = np.where(X[:, 0] + X[:, 1] / 100 + 0.3 * rng.normal(size=120) > 0, "spam", "ham")
    data = _csv(tmp_path / "mail.csv", ["x1", "x2", "kind"], [[*x, lab] for x, lab in zip(X, labels)])
    model = tmp_path / "model.json"
    code, out, err = _run(["fit", data, "--target", "kind", "--classify", "--test-size", "0.25",
                           "--optimizer", "adam", "--out", tmp_path], capsys)
    assert code == 0, err
    assert "train: accuracy" in out and "test: accuracy" in out
    code, out, _ = _run(["predict", model, data], capsys)
    rows = out.splitlines()
    assert rows[0] == "predicted_kind,probability_spam"
    assert {r.split(",")[0] for r in rows[1:]} <= {"spam", "ham"}


def _bad_inputs(tmp_path):
    ok = [[1, 2, 3], [2, 1, 5], [3, 5, 4], [4, 3, 9], [5, 4, 7]]
    files = {
        "empty": tmp_path / "empty.csv",
        "noheader": _csv(tmp_path / "noheader.csv", ["1", "2", "3"], ok),
        "ok": _csv(tmp_path / "ok.csv", ["a", "b", "y"], ok),
        "text": _csv(tmp_path / "text.csv", ["a", "b", "y"], ok[:2] + [[3, "abc", 4]]),
        "missing": _csv(tmp_path / "missing.csv", ["a", "b", "y"], ok[:2] + [[3, "", 4]]),
        "single": _csv(tmp_path / "single.csv", ["a", "b", "y"], ok[:1]),
        "constant": _csv(tmp_path / "constant.csv", ["a", "b", "y"], [[1, 7, 3], [2, 7, 4], [3, 7, 1]]),
        "wide": _csv(tmp_path / "wide.csv", ["a", "b", "c", "y"], [[1, 2, 3, 4], [5, 1, 7, 8]]),
        "three": _csv(tmp_path / "three.csv", ["a", "b", "y"], [[1, 2, "x"], [2, 1, "y"], [3, 3, "z"], [4, 1, "x"]]),
    }
    files["empty"].write_text("")
    return files


BAD_FIT = [
    (["nope.csv", "--target", "y"], "no such file"),
    (["{empty}", "--target", "y"], "is empty"),
    (["{noheader}", "--target", "y"], "no header row"),
    (["{ok}", "--target", "z"], "unknown target column 'z'"),
    (["{ok}", "--target", "y", "--features", "a", "q"], "unknown feature column 'q'"),
    (["{text}", "--target", "y"], "non-numeric value 'abc' at line 4, column 'b'"),
    (["{missing}", "--target", "y"], "missing value at line 4, column 'b'"),
    (["{single}", "--target", "y"], "only 1 data row"),
    (["{constant}", "--target", "y"], "feature column 'b' .* is constant"),
    (["{wide}", "--target", "y"], "2 data rows for 3 features"),
    (["{ok}", "--target", "y", "--lr", "-1"], "lr=-1.0 must be a positive number"),
    (["{ok}", "--target", "y", "--epochs", "0"], "epochs=0"),
    (["{ok}", "--target", "y", "--test-size", "1.5"], "test fraction 1.5"),
    (["{ok}", "--target", "y", "--test-size", "0.2"], "each side needs at least 2"),
    (["{ok}", "--target", "y", "--epochs", "ten"], "invalid int value"),
    (["{ok}", "--target", "y", "--out", "{dir}/ok.csv/sub"], "output folder .* is a file"),
    (["{ok}", "--target", "y", "--out", "{dir}/m.json"], "looks like a file, but --out is a folder"),
    (["{ok}", "--target", "y", "--class-weight", "balanced"], "add --classify"),
    (["{three}", "--target", "y", "--classify", "--hidden", "4", "--class-weight", "balanced"],
     "not a setting of GDNetworkClassifier.*leave out --hidden"),
    (["{three}", "--target", "y", "--classify", "--class-weight", "equal"], "not none or balanced"),
    (["{dir}", "--target", "y", "--classify", "--class-weight", "balanced"], "needs the data in memory"),
    (["{ok}"], "required: --target"),
]


@pytest.mark.parametrize("argv,match", BAD_FIT)
def test_every_bad_fit_input_is_one_line_and_writes_nothing(tmp_path, capsys, argv, match):
    import re

    files = _bad_inputs(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    argv = [a.format(dir=tmp_path, **files) for a in argv]
    if "--out" not in argv:
        argv += ["--out", str(tmp_path / "out")]
    code, out, err = _run(["fit", *argv], capsys)
    assert code == 2
    assert err.count("\n") == 1 and re.match(r"descentlab( fit)?: error:", err) and re.search(match, err), err
    assert "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no model, folder or temporary file


def test_divergence_through_the_cli_is_one_line_exit_1_and_writes_nothing(diabetes_csv, tmp_path, capsys):
    code, out, err = _run(["fit", diabetes_csv, "--target", "progression", "--lr", "50",
                           "--out", tmp_path / "out"], capsys)
    assert code == 1 and err.count("\n") == 1
    assert "diverged at epoch" in err and "stable bound" in err and "lower the learning rate below" in err
    assert list(tmp_path.iterdir()) == []


def test_bad_predict_inputs_are_one_line_and_write_nothing(diabetes_csv, tmp_path, capsys):
    model = tmp_path / "model.json"
    assert _run(["fit", diabetes_csv, "--target", "progression", "--epochs", "5", "--out", tmp_path],
                capsys)[0] == 0
    files = _bad_inputs(tmp_path)
    damaged = tmp_path / "damaged.json"
    damaged.write_text(model.read_text()[:-30])
    edited = tmp_path / "edited.json"
    doc = json.loads(model.read_text())
    doc["attributes"]["coef_"]["data"] = doc["attributes"]["coef_"]["data"][:3]
    edited.write_text(json.dumps(doc))
    out_csv = tmp_path / "preds" / "predictions.csv"
    cases = [([tmp_path / "none.json", diabetes_csv], "cannot read model"),
             ([damaged, diabetes_csv], "not valid JSON"),
             ([edited, diabetes_csv], "coef_ holds 3 numbers for shape [10]"),
             ([model, files["ok"]], "unknown feature column 'age'"),
             ([model, tmp_path / "nope.csv"], "no such file"),
             ([model, diabetes_csv, "--out", tmp_path / "ok.csv" / "p"], "cannot write to output folder")]
    for argv, match in cases:
        code, out, err = _run(["predict", *argv, "--out", out_csv.parent] if "--out" not in argv
                              else ["predict", *argv], capsys)
        assert code == 2 and err.count("\n") == 1 and match in err, (argv, err)
        assert not out_csv.parent.exists()


@pytest.mark.slow
def test_ctrl_c_stops_fit_cleanly_and_keeps_the_model(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(2000, 5))
    data = _csv(tmp_path / "big.csv", ["a", "b", "c", "d", "e", "y"],
                [[*x, x.sum()] for x in X])
    model = tmp_path / "model.json"
    proc = subprocess.Popen([sys.executable, "-m", "descentlab", "fit", str(data), "--target", "y",
                             "--optimizer", "gd", "--lr", "1e-6", "--tol", "none",
                             "--epochs", "100000000", "--out", str(tmp_path)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            # a run started in the background inherits SIGINT ignored, and
                            # Python then never turns it into KeyboardInterrupt: restore the
                            # default, as a terminal's Ctrl-C would find it
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert proc.stdout.readline().startswith("Training GDRegressor on 2000 rows")
    time.sleep(2.0)  # let the epochs begin (the line is printed just before training)
    proc.send_signal(signal.SIGINT)
    try:
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()  # never leave a 100-million-epoch run behind if it did not stop
    assert proc.returncode == 130 and "Traceback" not in err
    assert "interrupted after" in err and "Saved the model" in out
    doc = json.loads(model.read_text())
    assert doc["history"]["status"] == "interrupted" and doc["attributes"]["n_iter_"] >= 0
    manifest = json.loads((tmp_path / "manifest.json").read_text())["commands"]["fit"]
    assert manifest["status"] == "interrupted" and list(manifest["files"]) == ["model.json"]


def test_progress_bar_draws_only_on_a_terminal():
    import io

    from descentlab.cli.progress import ProgressBar
    from descentlab.core.history import History

    class Tty(io.StringIO):
        def isatty(self):
            return True

    h = History(loss=[0.5])
    tty, pipe = Tty(), io.StringIO()
    for stream in (tty, pipe):
        bar = ProgressBar(10, stream=stream, interval=0.0)
        for epoch in range(10):
            bar(epoch, h)
        bar.close()
    assert "epoch 10/10 [" in tty.getvalue() and tty.getvalue().endswith("\n")
    assert pipe.getvalue() == ""
    assert repr(ProgressBar(3, stream=pipe)) == "ProgressBar(total=3, enabled=False)"


@pytest.mark.slow
def test_help_lists_the_new_commands():
    out = subprocess.run([sys.executable, "-m", "descentlab", "--help"], capture_output=True, text=True)
    assert "fit" in out.stdout and "predict" in out.stdout
    env = dict(os.environ)
    out = subprocess.run([sys.executable, "-m", "descentlab", "fit", "--help"], capture_output=True,
                         text=True, env=env)
    assert "--target" in out.stdout and "--classify" in out.stdout


def test_a_spent_budget_is_a_one_line_warning(diabetes_csv, tmp_path, capsys):
    code, out, err = _run(["fit", diabetes_csv, "--target", "progression", "--epochs", "3",
                           "--out", tmp_path], capsys)
    assert code == 0 and "Completed after 3 epochs" in out
    assert err.startswith("descentlab: warning: training used all 3 epochs") and err.count("\n") == 1


def test_classify_three_labels_is_multinomial_and_predicts_every_probability(tmp_path, capsys):
    rng = np.random.default_rng(1)
    y = rng.integers(0, 3, 150)
    X = np.array([[0, 0], [3, 0], [0, 3]])[y] + rng.normal(size=(150, 2))
    names = np.array(["red", "green", "blue"])[y]
    data = _csv(tmp_path / "colours.csv", ["x1", "x2", "colour"], [[*x, c] for x, c in zip(X, names)])
    model = tmp_path / "model.json"
    code, out, err = _run(["fit", data, "--target", "colour", "--classify", "--out", tmp_path], capsys)
    assert code == 0, err
    accuracy = float(out.split("train: accuracy = ")[1].split("%")[0])
    assert accuracy > 85
    code, out, _ = _run(["predict", model, data], capsys)
    rows = out.splitlines()
    assert rows[0] == "predicted_colour,probability_blue,probability_green,probability_red"
    proba = np.array([[float(v) for v in r.split(",")[1:]] for r in rows[1:]])
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


def test_fit_reads_other_delimiters_and_drops_columns(tmp_path, capsys):
    rng = np.random.default_rng(4)
    X = rng.normal(size=(60, 2))
    y = X @ [2.0, -1.0] + 0.5
    path = tmp_path / "semi.csv"
    path.write_text("id;name;a;b;y\n" + "".join(f"{i};row{i};{float(a)!r};{float(b)!r};{float(t)!r}\n"
                                                  for i, (a, b, t) in enumerate(zip(X[:, 0], X[:, 1], y))))
    code, out, err = _run(["fit", str(path), "--target", "y", "--delimiter", ";", "--drop", "id", "name",
                           "--out", str(tmp_path)], capsys)
    assert code == 0, err
    assert "on 60 rows x 2 features" in out and "R^2 = 1.0000" in out
    assert "Coefficients (in the data's units): a " in out and ", b -" in out
    code, out, _ = _run(["predict", str(tmp_path / "model.json"), str(path), "--delimiter", ";"], capsys)
    assert code == 0 and len(out.splitlines()) == 61
    code, _, err = _run(["fit", str(path), "--target", "y", "--out", str(tmp_path)], capsys)
    assert code == 2 and "pass --delimiter" in err and err.count("\n") == 1


def test_class_weight_balanced_reweighs_the_rare_class(tmp_path, capsys):
    """--class-weight balanced is GDClassifier(class_weight="balanced"): on data with one
    row in nine of the rare class, it finds more of that class than equal weights do."""
    from descentlab import GDClassifier
    from descentlab.estimators.persist import load_model

    rng = np.random.default_rng(7)
    X = rng.normal(size=(450, 2))
    y = np.where(X[:, 0] + 0.8 * rng.normal(size=450) > 1.4, "rare", "common")
    assert 0.05 < np.mean(y == "rare") < 0.15
    data = _csv(tmp_path / "imbalanced.csv", ["a", "b", "kind"], [[*x, t] for x, t in zip(X, y)])
    models = {}
    for weights in ("none", "balanced"):
        code, _, err = _run(["fit", data, "--target", "kind", "--classify", "--class-weight", weights,
                             "--out", tmp_path / weights], capsys)
        assert code == 0, err
        models[weights] = load_model(tmp_path / weights / "model.json")
    assert models["none"].class_weight is None and models["balanced"].class_weight == "balanced"
    python = GDClassifier(random_state=0, class_weight="balanced").fit(X, y)
    np.testing.assert_allclose(models["balanced"].coef_, python.coef_, rtol=1e-9)
    rare = y == "rare"
    recall = {w: np.mean(m.predict(X[rare]) == "rare") for w, m in models.items()}
    assert recall["balanced"] > recall["none"] + 0.2, recall
    assert models["balanced"].intercept_ > models["none"].intercept_ + 0.5  # log-odds of "rare"
