"""``descentlab collapse``, ``nonlinear`` and ``logistic`` end to end, and their bad inputs."""

import json
import os
import re

import numpy as np
import pytest
from matplotlib.image import imread
from PIL import Image

from descentlab.cli import main


def _numbers(pattern, text):
    return [float(v) for v in re.search(pattern, text).groups()]


def _colour(img, rgb, tol=0.12):
    return (np.abs(img[..., :3] - np.array(rgb)) < tol).all(axis=-1)


def test_collapse_prints_matrices_line_and_comparison(capsys, tmp_path):
    assert main(["collapse", "--out", str(tmp_path), "--epochs", "120"]) == 0
    text = capsys.readouterr().out
    saved = json.loads((tmp_path / "collapse.json").read_text())
    assert "W1 (2x2) =" in text and "W2 (2x1) =" in text and "W = W1 W2 (2x1) =" in text and "row 2 multiplies x0 = 1: it is b" in text
    m, b = _numbers(r"one line: y = ([-\d.]+) x \+ ([-\d.]+)", text)
    ls_m, ls_b = _numbers(r"Least squares \(NumPy lstsq\): y = ([-\d.]+) x \+ ([-\d.]+)", text)
    assert m == pytest.approx(saved["m"], abs=1e-6) and (m, b) == pytest.approx((ls_m, ls_b), abs=1e-5)
    W1, W2 = np.array(saved["W1"]), np.array(saved["W2"])
    np.testing.assert_allclose(W1 @ W2, saved["W"])
    assert saved["W"][0][0] == pytest.approx(m, abs=1e-6) and saved["W"][1][0] == pytest.approx(b, abs=1e-6)
    (diff,) = _numbers(r"largest \|difference\| over the training points = ([-\d.e+]+)", text)
    assert diff < 1e-9
    net, line, ls = _numbers(r"Loss: network ([\d.]+), its line ([\d.]+), least squares ([\d.]+)", text)
    assert net == line == ls
    (gap,) = _numbers(r": ([-+\d.e]+) from least squares", text)
    assert gap >= -1e-9
    history = json.loads((tmp_path / "collapse_history.json").read_text())
    assert len(history["loss"]) == 120 and set(history["params"]) == {"0.W", "1.W"}
    img = imread(tmp_path / "collapse.png")
    assert img.shape[:2] == (600, 1600)
    orange = _colour(img[:, :800], (1.0, 0.8, 0.62), tol=0.08)  # tab:orange at alpha 0.4
    orange[:160, :400] = False  # leave out the legend's swatch
    rows, cols = np.nonzero(orange)
    assert orange.sum() > 500 and np.corrcoef(cols, rows)[0, 1] < -0.9  # a rising line
    assert _colour(img[:, 800:], (0.12, 0.47, 0.71)).sum() > 200  # the blue loss curve


def test_collapse_layers_form_prints_the_biases(capsys, tmp_path):
    assert main(["collapse", "--out", str(tmp_path), "--epochs", "60", "--bias", "layers"]) == 0
    text = capsys.readouterr().out
    assert "b1 (1x2) =" in text and "b = b1 W2 + b2 (1x1) =" in text


def test_nonlinear_prints_losses_against_least_squares(capsys, tmp_path):
    args = ["nonlinear", "--out", str(tmp_path), "--epochs", "400", "--widths", "2", "12", "--lr", "0.2"]
    assert main(args) == 0
    text = capsys.readouterr().out
    saved = json.loads((tmp_path / "nonlinear_sine.json").read_text())
    (ls,) = _numbers(r"can do\): ([\d.]+)", text)
    assert ls == pytest.approx(saved["ls_loss"], abs=1e-6)
    rows = {label: _numbers(rf"{label} +([\d.]+) +([\d.]+) +([\d.]+)", text)
            for label in saved["loss"]}
    assert list(rows) == ["linear regression", "linear network 1-2-1", "tanh network 1-2-1",
                          "tanh network 1-12-1"]
    for label, (first, final, ratio) in rows.items():
        assert final == pytest.approx(saved["loss"][label], abs=1e-6)
        assert first == pytest.approx(saved["histories"][label]["loss"][0], abs=1e-6)
        assert ratio == pytest.approx(final / ls, abs=1e-3)
    assert rows["linear regression"][2] == pytest.approx(1.0, abs=1e-3)
    assert rows["tanh network 1-12-1"][2] < 0.2
    img = imread(tmp_path / "nonlinear_sine.png")
    assert img.shape[:2] == (600, 1600)
    red = _colour(img[:, :800], (0.84, 0.15, 0.16))  # tab:red, the widest network's fit
    assert red.sum() > 300


@pytest.mark.slow
def test_logistic_prints_accuracy_and_the_scikit_learn_check(capsys, tmp_path):
    assert main(["logistic", "--out", str(tmp_path), "--epochs", "80", "--snapshots", "4"]) == 0
    text = capsys.readouterr().out
    saved = json.loads((tmp_path / "logistic.json").read_text())
    train, test = _numbers(r"train ([\d.]+)%, test ([\d.]+)%", text)
    assert train == pytest.approx(100 * saved["train_accuracy"], abs=0.05)
    assert test == pytest.approx(100 * saved["test_accuracy"], abs=0.05)
    (diff,) = _numbers(r"largest difference in probability ([\d.e+-]+)", text)
    assert diff < 1e-3 and diff == pytest.approx(saved["max_proba_diff"], rel=0.01)
    # every 8th epoch, 0 to 80 (epoch 80: the trained model): the log ends where training ended
    assert text.count("Epoch ") == 11 and "Epoch    80:" in text and "nan" not in text.lower()
    assert saved["snapshot_epochs"][0] == 0 and saved["snapshot_epochs"][-1] == 80
    img = imread(tmp_path / "logistic.png")
    assert img.shape[:2] == (int(100 * (4.2 * 2 + 3.6)), 1500)
    assert _colour(img, (0.84, 0.15, 0.16)).sum() > 300 and _colour(img, (0.12, 0.47, 0.71)).sum() > 300
    assert _colour(img, (0.0, 0.0, 0.0), tol=0.05).sum() > 500  # boundary lines and text


BAD = [
    (["collapse", "--lr", "0"], "learning rate 0.0 must be a positive number: try 0.01"),
    (["collapse", "--hidden", "0"], "hidden size 0"),
    (["collapse", "--epochs", "0"], "epochs 0"),
    (["collapse", "--bias", "first"], "unknown bias form 'first': choose one of x0, layers"),
    (["nonlinear", "--activation", "swish"], "unknown hidden activation 'swish'"),
    (["nonlinear", "--activation", "identity"], "unknown hidden activation"),
    (["nonlinear", "--widths", "4", "-2"], "hidden size -2"),
    (["nonlinear", "--widths", "two"], "invalid int"),
    (["nonlinear", "--lr", "-0.1"], "learning rate -0.1"),
    (["nonlinear", "--noise", "-1"], "noise"),
    (["logistic", "--lr", "0"], "try 0.5"),
    (["logistic", "--cluster-std", "0"], "spread 0"),
    (["logistic", "--test-size", "1.5"], "outside"),
    (["logistic", "--snapshots", "0"], "snapshots 0"),
]


@pytest.mark.parametrize("args,match", BAD)
def test_bad_input_is_one_line_and_exit_2(capsys, tmp_path, args, match):
    out = tmp_path / "out"
    try:
        code = main([*args, "--out", str(out)])
    except SystemExit as exc:  # argparse's own errors
        code = exc.code
    assert code == 2
    err = capsys.readouterr().err
    assert match in err and err.count("\n") == 1 and "Traceback" not in err
    assert not out.exists() or not any(out.iterdir())


def test_divergence_is_exit_1(capsys, tmp_path):
    assert main(["collapse", "--lr", "1", "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "diverged at epoch" in err and err.count("\n") == 1
    assert "learning rate 1 is above 0.0128" in err and "use a smaller --lr (e.g. 0.01)" in err


def test_collapse_above_the_stable_rate_warns_that_it_never_settles(capsys, tmp_path):
    assert main(["collapse", "--lr", "0.02", "--epochs", "100", "--out", str(tmp_path)]) == 0
    last = capsys.readouterr().out.splitlines()[-2]
    assert last.startswith("Gradient descent settles only for learning rates below 0.01276")
    assert "lr 0.02 is above it, so the loss keeps bouncing" in last
    assert json.loads((tmp_path / "collapse.json").read_text())["stable_lr"] == pytest.approx(0.01276, abs=1e-5)


@pytest.mark.ffmpeg
@pytest.mark.slow
def test_logistic_animate_writes_the_moving_boundary(capsys, tmp_path):
    from descentlab.viz.frames import ffmpeg_available

    assert main(["logistic", "--out", str(tmp_path), "--epochs", "30", "--animate",
                 "--max-frames", "6"]) == 0
    out = capsys.readouterr().out
    gif, mp4 = tmp_path / "logistic.gif", tmp_path / "logistic.mp4"
    if ffmpeg_available():
        assert f"Animation (6 frames, epochs 0 to 30 (epoch N: after N updates)): {gif}, {mp4}\n" in out
    else:  # a fresh machine: the GIF alone, and why
        assert (f"Animation (6 frames, epochs 0 to 30 (epoch N: after N updates); no MP4: ffmpeg is not on this machine "
                f"(the GIF has the same frames)): {gif}\n") in out
    with Image.open(gif) as im:
        assert im.n_frames == 6 and im.size == (960, 360)
    assert mp4.exists() == ffmpeg_available()
    assert not [p for p in os.listdir(tmp_path) if p.startswith(".")]  # no temporary files left
