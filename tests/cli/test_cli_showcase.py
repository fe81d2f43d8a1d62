"""``descentlab animate``, ``lr-study``, ``report`` and ``tutorial --animate --report`` end to end."""

import json
import os

import numpy as np
import pytest
from PIL import Image

from descentlab.cli import main
from descentlab.errors import DescentlabError
from descentlab.core.history import History
from descentlab.lessons.article import result_from_history
from descentlab.viz.animation import ffmpeg_available


@pytest.fixture(scope="module")
def saved_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("tut")
    assert main(["tutorial", "--out", str(out), "--epochs", "21", "--animate",
                 "--report", "--max-frames", "8"]) == 0
    return out


@pytest.mark.ffmpeg
@pytest.mark.slow
def test_tutorial_animate_and_report(saved_run, capsys):
    with Image.open(saved_run / "training.gif") as im:
        assert im.n_frames == 8
    assert (saved_run / "training.mp4").exists() == ffmpeg_available()
    page = (saved_run / "tutorial_report.html").read_text()
    assert page.count('"iVBORw0KGgo') == 8  # the frames JSON holds 8 PNGs
    assert not [p for p in os.listdir(saved_run) if p.startswith(".")]  # no temporary files left


@pytest.mark.slow
def test_result_from_history_matches_the_run(saved_run):
    history = History.from_json((saved_run / "history.json").read_text())
    result = result_from_history(history)
    metrics = json.loads((saved_run / "metrics.json").read_text())
    assert result.config.epochs == 21 and result.X_train.shape == (160, 1)
    assert result.metrics["test"]["r2"] == pytest.approx(metrics["test"]["r2"])
    np.testing.assert_allclose(result.history.params["W"][0], history.params["W"][0])


@pytest.mark.slow
def test_animate_from_a_saved_history(saved_run, tmp_path, capsys):
    out = tmp_path / "anim"
    assert main(["animate", "--history", str(saved_run / "history.json"), "--out", str(out),
                 "--no-mp4", "--fps", "5"]) == 0
    assert "22 frames, epochs 0 to 21 (epoch N: after N updates)" in capsys.readouterr().out
    assert sorted(os.listdir(out)) == ["animate.gif", "manifest.json"]
    with Image.open(out / "animate.gif") as im:
        assert im.n_frames == 22 and im.info["duration"] == 200


def test_animate_trains_on_the_spot(tmp_path, capsys):
    assert main(["animate", "--epochs", "5", "--lr", "0.5", "--out", str(tmp_path), "--no-mp4"]) == 0
    with Image.open(tmp_path / "animate.gif") as im:
        assert im.n_frames == 6  # epochs 0 .. 5


def test_lr_study_prints_the_bound_and_draws(tmp_path, capsys):
    assert main(["lr-study", "--rates", "0.01,1,5", "--epochs", "30", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("Stability bound of full-batch gradient descent: 2 / lambda_max = 1.894")
    assert "1 / lambda_max = 0.947" in out[0] and "oscillate" in out[1]
    assert "too small" in out[3] and "approach monotonically" in out[3]
    assert "good" in out[4] and "overshoot, oscillate, converge" in out[4]  # 1 > 1 / lambda_max
    assert "beyond the bound" in out[5] and "diverged at epoch" in out[5]
    assert sorted(os.listdir(tmp_path)) == ["lr_study.png", "manifest.json"]


@pytest.mark.slow
def test_report_command_from_a_history(saved_run, tmp_path, capsys):
    assert main(["report", "--history", str(saved_run / "history.json"), "--out", str(tmp_path),
                 "--rates", "0.1,3", "--max-frames", "3"]) == 0
    assert sorted(os.listdir(tmp_path)) == ["manifest.json", "report.html"]
    page = (tmp_path / "report.html").read_text()
    assert page.count('"iVBORw0KGgo') == 3 and "lr = 3" not in page  # figures are images
    assert "beyond the bound" in page and "Report:" in capsys.readouterr().out


BAD = [
    (["animate", "--history", "{d}/missing.json"], 2, "cannot read history"),
    (["animate", "--history", "{d}/bad.json"], 2, "cannot read history"),
    (["animate", "--history", "{d}/nometa.json"], 2, "no tutorial settings"),
    (["animate", "--history", "{d}/badmeta.json"], 2, "settings are not valid"),
    (["animate", "--out", "{d}/blocker/sub"], 2, "cannot write to output folder"),
    (["animate", "--max-frames", "0"], 2, "must be at least 1"),
    (["animate", "--fps", "0"], 2, "--fps"),
    (["animate", "--lr", "5"], 1, "diverged at epoch"),
    (["lr-study", "--rates", "0.1,abc"], 2, "is not a number"),
    (["lr-study", "--rates", "0.1,-2"], 2, "must be a positive number"),
    (["lr-study", "--rates", ""], 2, "is not a number"),
    (["lr-study", "--epochs", "0"], 2, "epochs"),
    (["lr-study", "--out", "{d}/blocker/sub"], 2, "cannot write to output folder"),
    (["report", "--out", "{d}/blocker/sub"], 2, "cannot write to output folder"),
    (["report", "--out", "{d}/r.html"], 2, "looks like a file, but --out is a folder"),
    (["report", "--history", "{d}/bad.json"], 2, "cannot read history"),
    (["tutorial", "--report", "{d}/r.html"], 2, "unrecognized arguments"),
    (["report", "--with", "collapse,foo"], 2, "unknown 'foo' in 'collapse,foo'"),
]


@pytest.mark.parametrize("args,code,match", BAD)
def test_bad_input_is_one_line_and_writes_nothing(tmp_path, capsys, args, code, match):
    (tmp_path / "blocker").write_text("x")
    (tmp_path / "bad.json").write_text("{not json")
    (tmp_path / "nometa.json").write_text(json.dumps({"loss": [1.0], "params": {}}))
    meta = History(loss=[1.0], params={"W": [[1.0]], "b": [0.0]}, final_params={"W": [1.0], "b": 0.0},
                   status="completed", meta={"lr": "x", "epochs": 1, "samples": 200, "features": 1,
                                             "noise": 10, "test_size": 0.2, "seed": 1,
                                             "data_seed": 42, "log_every": 10})
    (tmp_path / "badmeta.json").write_text(meta.to_json())
    before = set(os.listdir(tmp_path))
    argv = [a.format(d=tmp_path) for a in args]
    if "--out" not in argv:
        argv += ["--out", str(tmp_path / "out")]
    try:
        assert main(argv) == code
    except SystemExit as exc:  # argparse's own errors
        assert exc.code == code
    err = capsys.readouterr().err
    assert match in err and err.count("\n") == 1 and "Traceback" not in err
    made = set(os.listdir(tmp_path)) - before
    assert all(not any((tmp_path / m).iterdir()) for m in made if (tmp_path / m).is_dir())
    assert not [m for m in made if (tmp_path / m).is_file()]


def test_a_diverged_history_is_refused():
    h = History(loss=[1.0], status="diverged", final_params={"W": np.ones(1)},
                meta={"lr": 5.0, "epochs": 3, "samples": 200, "features": 1, "noise": 10.0,
                      "test_size": 0.2, "seed": 7, "data_seed": 42, "log_every": 10})
    with pytest.raises(DescentlabError, match="did not complete"):
        result_from_history(h)


def test_without_ffmpeg_the_gif_is_written_and_the_mp4_explained(tmp_path, capsys, monkeypatch):
    import descentlab.viz.frames as frames

    monkeypatch.setattr(frames, "ffmpeg_available", lambda: False)
    assert main(["animate", "--epochs", "3", "--out", str(tmp_path)]) == 0
    assert "no MP4: ffmpeg is not on this machine" in capsys.readouterr().out
    assert sorted(os.listdir(tmp_path)) == ["animate.gif", "manifest.json"]
    assert main(["animate", "--epochs", "3", "--out", str(tmp_path / "b"), "--mp4"]) == 2
    err = capsys.readouterr().err
    assert "MP4 needs ffmpeg" in err and err.count("\n") == 1
    assert not (tmp_path / "b").exists() or os.listdir(tmp_path / "b") == []
