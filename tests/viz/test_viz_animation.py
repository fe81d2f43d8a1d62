"""The training animation: one frame per (capped) epoch, each frame's line and loss paired."""

import os

import numpy as np
import pytest
from PIL import Image

from descentlab.core.history import History
from descentlab.errors import DescentlabError
from descentlab.outputs.media import write_frames
from descentlab.viz.animation import TrainingAnimation, ffmpeg_available
from descentlab.viz.article import line_of


@pytest.fixture(scope="module")
def anim(article_run):
    return TrainingAnimation(article_run.history, article_run.X_train, article_run.y_train)


def _red(img):
    return (img[..., 0] > 200) & (img[..., 1] < 110) & (img[..., 2] < 110)


def test_one_frame_per_epoch_with_titles(anim):
    # epochs 0 .. 61: the start, then the state after each of the 61 updates
    assert len(anim) == 62 and list(anim.epochs_) == list(range(62))
    ax1, ax2 = anim.fig.axes
    assert ax1.get_title() == "Predicted Line on set of Datapoints"
    assert (ax2.get_title(), ax2.get_xlabel(), ax2.get_ylabel()) == ("Loss", "Epoch", "Loss")
    assert len(ax1.collections[0].get_offsets()) == 160 and anim.note == ""
    assert repr(anim) == "TrainingAnimation(frames=62, epochs=61)"


@pytest.mark.parametrize("frame", [0, 17, 60, 61])
def test_each_frame_pairs_the_line_with_its_loss(anim, article_run, frame):
    # frame N is epoch N: the line after N updates and the loss computed at that line
    h = article_run.history
    anim.draw(frame)
    m, b = line_of(h.params_at(frame), article_run.X_train)  # as epoch_NNN.png draws it
    x, y_line = anim._fit.get_data()
    np.testing.assert_allclose(y_line, m * np.asarray(x) + b)
    assert len(anim._curve.get_xdata()) == frame + 1
    np.testing.assert_allclose(anim._curve.get_ydata(), h.epoch_losses[:frame + 1])
    loss = h.loss[frame] if frame < 61 else article_run.metrics["train"]["loss"]
    title = anim._title.get_text()
    assert f"Epoch {frame:>2d}" in title and f"Loss = {loss:.6g}" in title
    assert f"m = {m:.4f}" in title and f"b = {b:.4f}" in title


def test_the_last_frame_is_the_trained_line_the_run_prints(anim, article_run):
    anim.draw(61)
    m, b = line_of(article_run.history.final_params, article_run.X_train)
    assert m == pytest.approx(article_run.metrics["m"]) and b == pytest.approx(article_run.metrics["b"])
    assert f"m = {m:.4f}" in anim._title.get_text()


def test_frames_are_pictures_whose_red_line_moves(anim):
    first, last = anim.frame(0), anim.frame(61)
    assert first.shape == (360, 960, 3) and first.dtype == np.uint8
    left = slice(0, 480)
    rows0, _ = np.nonzero(_red(first[:, left]))
    rows1, cols1 = np.nonzero(_red(last[:, left]))
    assert rows0.size > 300 and rows1.size > 300
    assert np.ptp(rows0) < 15              # epoch 0: m is about 0, a flat line
    assert np.corrcoef(cols1, rows1)[0, 1] < -0.9   # epoch 60: a rising line


@pytest.mark.slow
def test_gif_has_every_frame(anim, tmp_path):
    path = write_frames(anim, tmp_path / "t.gif", fps=20)
    with Image.open(path) as im:
        assert im.n_frames == 62 and im.size == (960, 360) and im.info["duration"] == 50
    assert sorted(os.listdir(tmp_path)) == ["t.gif"]


@pytest.mark.ffmpeg
@pytest.mark.slow
@pytest.mark.skipif(not ffmpeg_available(), reason="ffmpeg is not installed")
def test_mp4_has_every_frame(anim, tmp_path):
    import subprocess

    from matplotlib.animation import FFMpegWriter

    path = write_frames(anim, tmp_path / "t.mp4")
    probe = FFMpegWriter.bin_path().replace("ffmpeg", "ffprobe")
    out = subprocess.run([probe, "-v", "error", "-count_frames", "-show_entries",
                          "stream=nb_read_frames,width,height", "-of", "csv=p=0", str(path)],
                         capture_output=True, text=True, check=True).stdout.strip()
    assert out == "960,360,62"


def test_bad_suffix_writes_nothing(anim, tmp_path):
    with pytest.raises(DescentlabError, match=r"\.gif or \.mp4"):
        write_frames(anim, tmp_path / "t.avi")
    assert os.listdir(tmp_path) == []


def test_failed_write_leaves_no_file(anim, tmp_path, monkeypatch):
    monkeypatch.setattr(anim, "images", lambda: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        write_frames(anim, tmp_path / "t.gif")
    assert os.listdir(tmp_path) == []


def test_large_runs_are_capped_and_sampled():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50_000, 1))
    y = 3 * X[:, 0] + rng.normal(size=50_000)
    n = 3000
    h = History(loss=list(np.linspace(10, 1, n)),
                params={"W": [np.array([3 * i / n]) for i in range(n)], "b": [np.array(0.0)] * n},
                final_params={"W": np.array([3.0]), "b": np.array(0.0)}, status="completed")
    anim = TrainingAnimation(h, X, y, max_frames=40, max_points=500)
    assert len(anim) == 40 and anim.epochs_[0] == 0 and anim.epochs_[-1] == n - 1
    assert len(anim.fig.axes[0].collections[0].get_offsets()) == 500
    texts = [t.get_text() for t in anim.fig.axes[0].texts]
    assert texts == ["showing a random 500 of 50,000 points"]


def test_history_without_parameters_is_refused():
    with pytest.raises(DescentlabError, match="no recorded parameters"):
        TrainingAnimation(History(loss=[1.0]), np.zeros((2, 1)), np.zeros(2))
