"""``descentlab tutorial`` end to end, and every bad input through the command line."""

import json
import subprocess
import sys

import numpy as np
import pytest
from matplotlib.image import imread

from descentlab.cli import main


def _red_mask(img):
    r, g, b = img[..., 0], img[..., 1], img[..., 2]
    return (r > 0.8) & (g < 0.45) & (b < 0.45)


def _blue_mask(img):
    r, g, b = img[..., 0], img[..., 1], img[..., 2]
    return (b > 0.5) & (r < 0.4)


@pytest.fixture(scope="module")
def tutorial_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("tutorial")
    code = main(["tutorial", "--out", str(out)])
    return code, out


def test_tutorial_exit_code_and_files(tutorial_run):
    code, out = tutorial_run
    assert code == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(["data.png", "test_fit.png", "history.json", "metrics.json", "manifest.json"]
                           + [f"epoch_{e:03d}.png" for e in [*range(0, 61, 10), 61]])


def test_history_json_content(tutorial_run):
    _, out = tutorial_run
    h = json.loads((out / "history.json").read_text())
    assert len(h["loss"]) == 61 and h["status"] == "completed"
    assert all(a > b for a, b in zip(h["loss"], h["loss"][1:]))
    assert len(h["params"]["W"]) == 61 and len(h["params"]["b"]) == 61
    # the recorded loss is the loss at the recorded parameters, so the json replays training
    assert h["meta"]["lr"] == 0.05 and h["meta"]["epochs"] == 61


def test_metrics_json_content(tutorial_run):
    _, out = tutorial_run
    m = json.loads((out / "metrics.json").read_text())
    h = json.loads((out / "history.json").read_text())
    for split in ("train", "test"):
        assert set(m[split]) >= {"loss", "r2", "mae", "rmse", "mape_percent", "mape_excluded"}
        assert m[split]["rmse"] == pytest.approx(np.sqrt(2 * m[split]["loss"]))
    assert m["m"] == pytest.approx(h["final_params"]["W"][0])
    assert m["b"] == pytest.approx(h["final_params"]["b"])
    assert m["true_coef"][0] == pytest.approx(87.7373, abs=1e-4)
    assert set(m["least_squares"]) >= {"m", "b", "W", "train_loss"}
    assert m["train"]["loss"] < h["loss"][-1]  # one more update after the last recorded loss
    assert "Accuracy" in m["mape_note"]


@pytest.mark.parametrize("epoch", [0, 30, 60, 61])
def test_epoch_png_holds_the_red_line_and_the_blue_loss_curve(tutorial_run, epoch):
    _, out = tutorial_run
    img = imread(out / f"epoch_{epoch:03d}.png")
    assert img.shape[:2] == (600, 1600)
    left, right = img[:, :800], img[:, 800:]
    red = _red_mask(left)
    assert red.sum() > 500 and _red_mask(right).sum() == 0
    assert _blue_mask(left).sum() > 500 and _blue_mask(right).sum() > 40  # one marker at epoch 0
    rows, cols = np.nonzero(red)
    if epoch == 0:  # epoch 0 is the start, before any update: m is about 0, a flat line
        assert np.ptp(rows) < 15
        return
    # the fitted line rises: its red pixels on the right sit higher (smaller row) than on the left
    assert np.corrcoef(cols, rows)[0, 1] < -0.9


def test_data_and_test_fit_pngs(tutorial_run):
    _, out = tutorial_run
    data = imread(out / "data.png")
    fit = imread(out / "test_fit.png")
    assert data.shape[:2] == fit.shape[:2] == (600, 800)
    assert _red_mask(data).sum() == 0 and _blue_mask(data).sum() > 500
    assert _red_mask(fit).sum() > 500


@pytest.mark.slow
def test_tutorial_prints_the_articles_log(capsys, tmp_path):
    assert main(["tutorial", "--out", str(tmp_path), "--epochs", "21", "--log-every", "5"]) == 0
    text = capsys.readouterr().out
    assert [l for l in text.splitlines() if l.startswith("Epoch:")] == [
        *(f"Epoch:  {i}" for i in (0, 5, 10, 15, 20)), "Epoch:  21   (the trained line, after all 21 updates)"]
    assert "Mean absolute percentage error" in text and "R^2 =" in text
    assert "nan" not in text.lower()


BAD = [
    (["--lr", "0"], "learning rate"),
    (["--lr", "-0.1"], "learning rate"),
    (["--lr", "abc"], "invalid float"),
    (["--epochs", "0"], "epochs"),
    (["--test-size", "0"], "outside"),
    (["--test-size", "1"], "outside"),
    (["--test-size", "1.5"], "outside"),
    (["--samples", "4"], "more samples"),
    (["--samples", "1"], "more samples"),
    (["--bogus"], "unrecognized"),
]


@pytest.mark.parametrize("args,match", BAD)
def test_bad_input_is_one_line_and_exit_2(capsys, tmp_path, args, match):
    out = tmp_path / "out"
    with pytest.raises(SystemExit) if "abc" in args or "--bogus" in args else _no_raise():
        code = main(["tutorial", "--out", str(out), *args])
        assert code == 2
    err = capsys.readouterr().err
    assert match in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not out.exists() or not any(out.iterdir())


class _no_raise:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_unwritable_output_folder(capsys, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    assert main(["tutorial", "--out", str(blocker / "sub")]) == 2
    err = capsys.readouterr().err
    assert "cannot write to output folder" in err and err.count("\n") == 1


def test_diverging_learning_rate_stops_and_says_so(capsys, tmp_path):
    assert main(["tutorial", "--lr", "5", "--out", str(tmp_path / "o")]) == 1
    captured = capsys.readouterr()
    assert "diverged at epoch" in captured.err and "smaller --lr" in captured.err
    assert captured.err.count("\n") == 1
    assert "nan" not in captured.out.lower() and "inf" not in captured.out.lower()
    # the diverged run is the lesson: its history, metrics and figures are kept, marked so
    metrics = json.loads((tmp_path / "o" / "metrics.json").read_text())
    history = json.loads((tmp_path / "o" / "history.json").read_text())
    assert metrics["status"] == history["status"] == "diverged"
    assert metrics["message"] in captured.err and metrics["regime"] == "diverges"
    assert (tmp_path / "o" / "epoch_000.png").exists() and not (tmp_path / "o" / "test_fit.png").exists()
    assert "Kept the diverged run" in captured.out


@pytest.mark.slow
def test_console_entry_points_in_a_subprocess(tmp_path):
    """``python -m descentlab`` works and a bad input ends without a traceback."""
    ok = subprocess.run([sys.executable, "-m", "descentlab", "tutorial", "--help"],
                        capture_output=True, text=True)
    assert ok.returncode == 0 and "--lr" in ok.stdout
    bad = subprocess.run([sys.executable, "-m", "descentlab", "tutorial", "--lr", "5", "--out",
                          str(tmp_path)], capture_output=True, text=True)
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
    assert bad.stderr.startswith("descentlab: error: training diverged at epoch")


def test_import_is_light():
    code = ("import sys, descentlab; "
            "print(sorted(m for m in ('matplotlib', 'sklearn', 'scipy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "[]"


def test_a_count_of_features_is_n_features_and_names_of_features_are_features():
    """--features names columns (fit); the synthetic lessons take a count as --n-features."""
    from descentlab.cli import build_parser

    parser = build_parser()
    assert parser.parse_args(["tutorial", "--n-features", "3"]).features == 3
    assert parser.parse_args(["lr-study", "--n-features", "2"]).features == 2
    fit = parser.parse_args(["fit", "d.csv", "--target", "y", "--features", "a", "b"])
    assert fit.features == ["a", "b"]
    with pytest.raises(SystemExit):
        parser.parse_args(["tutorial", "--features", "3"])
