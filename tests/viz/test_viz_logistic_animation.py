"""The logistic boundary animation: capped frames, each frame's boundary that epoch's line."""

import os

import numpy as np
import pytest
from PIL import Image

from descentlab.core.models import logistic_proba
from descentlab.errors import DescentlabError
from descentlab.lessons.logistic import LogisticConfig, run_logistic
from descentlab.outputs.media import write_frames
from descentlab.viz.logistic import BoundaryAnimation, boundary_line

EPOCHS = 40


@pytest.fixture(scope="module")
def run():
    return run_logistic(LogisticConfig(epochs=EPOCHS, lr=2.0))


@pytest.fixture(scope="module")
def anim(run):
    return BoundaryAnimation(run.history, run.X_train, run.y_train, run.accuracy_trace, max_frames=9)


def test_frames_are_capped_first_and_last_epoch_included(run, anim):
    # epochs 0 .. EPOCHS: the last frame is the trained model (after every update)
    assert len(anim) == 9 and anim.epochs_[0] == 0 and anim.epochs_[-1] == EPOCHS
    assert np.all(np.diff(anim.epochs_) > 0)
    every = BoundaryAnimation(run.history, run.X_train, run.y_train, max_frames=1000)
    assert list(every.epochs_) == list(range(EPOCHS + 1))
    # the frames follow where the boundary moves: more of them in the first half
    assert np.sum(anim.epochs_ < EPOCHS / 2) > np.sum(anim.epochs_ >= EPOCHS / 2)
    assert repr(anim) == f"BoundaryAnimation(frames=9, epochs={EPOCHS})"


@pytest.mark.parametrize("frame", [0, 4, 8])
def test_each_frame_draws_that_epochs_boundary_shading_and_loss(run, anim, frame):
    epoch = int(anim.epochs_[frame])
    params = run.history.params_at(epoch)
    anim.draw(frame)
    x1, x2 = (np.asarray(v) for v in anim._line.get_data())
    np.testing.assert_allclose(params["W"][0] * x1 + params["W"][1] * x2 + params["b"], 0, atol=1e-9)
    np.testing.assert_allclose((x1, x2), boundary_line(params, anim.xlim, anim.ylim))
    corner = logistic_proba(params, np.array([[anim.xlim[0], anim.ylim[0]]]))[0]
    assert anim._shade.get_array()[0, 0] == pytest.approx(corner)
    np.testing.assert_allclose(anim._curve.get_ydata(), run.history.epoch_losses[:epoch + 1])
    title = anim._title.get_text()
    assert f"Epoch {epoch:>2d}" in title and f"Loss = {run.history.epoch_losses[epoch]:.4f}" in title
    assert f"Training accuracy = {100 * run.accuracy_trace[epoch]:.1f}%" in title


def test_the_black_line_in_the_picture_is_that_epochs_boundary(anim):
    """The dark pixels of the left panel lie on w1 x1 + w2 x2 + b = 0 in pixel space."""
    ax = anim.fig.axes[0]
    for frame in (0, len(anim) - 1):
        img = anim.frame(frame).astype(int)
        height = img.shape[0]
        (x1, x2) = anim._line.get_data()
        (px, py), (qx, qy) = ax.transData.transform(np.column_stack([x1, x2]))
        py, qy = height - py, height - qy          # image rows grow downwards
        box = ax.get_window_extent()
        dark = img.sum(axis=-1) < 120
        rows, cols = np.nonzero(dark)
        inside = (cols > box.x0 + 3) & (cols < box.x1 - 3) & (rows > height - box.y1 + 3) \
            & (rows < height - box.y0 - 3)
        rows, cols = rows[inside], cols[inside]
        assert rows.size > 150
        distance = np.abs((qx - px) * (py - rows) - (px - cols) * (qy - py)) / np.hypot(qx - px, qy - py)
        assert np.median(distance) < 1.5 and np.mean(distance < 3) > 0.9


def test_gif_has_every_frame_and_nothing_else_is_left(anim, tmp_path):
    path = write_frames(anim, tmp_path / "logistic.gif", fps=5)
    with Image.open(path) as im:
        assert im.n_frames == 9 and im.size == (960, 360) and im.info["duration"] == 200
    assert os.listdir(tmp_path) == ["logistic.gif"]


def test_a_history_that_is_not_logistic_on_two_features_is_refused(article_run):
    with pytest.raises(DescentlabError, match="two features"):
        BoundaryAnimation(article_run.history, article_run.X_train, article_run.y_train)
