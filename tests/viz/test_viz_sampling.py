import numpy as np
import pytest

from descentlab.viz.sampling import frame_epochs, sample_points


@pytest.mark.parametrize("n,cap", [(1, 100), (2, 100), (61, 100), (61, 61), (61, 10), (5000, 100),
                                   (1001, 7), (10, 2), (10, 1)])
def test_frame_epochs_are_capped_evenly_spaced_with_first_and_last(n, cap):
    epochs = frame_epochs(n, cap)
    assert epochs[0] == 0 and epochs[-1] == n - 1
    assert len(epochs) <= max(cap, 2) and len(epochs) == min(max(cap, 2), n)
    assert np.all(np.diff(epochs) > 0)
    if len(epochs) > 2:
        gaps = np.diff(epochs)
        assert gaps.max() - gaps.min() <= 1


def test_every_epoch_when_under_the_cap():
    np.testing.assert_array_equal(frame_epochs(61, 100), np.arange(61))


def test_sample_points_keeps_small_sets_and_labels_a_sample():
    X, y = np.arange(20.0).reshape(10, 2), np.arange(10.0)
    assert sample_points(X, y, 10)[2] == ""
    Xs, ys, note = sample_points(X, y, 4, seed=0)
    assert Xs.shape == (4, 2) and note == "showing a random 4 of 10 points"
    np.testing.assert_array_equal(Xs[:, 0] / 2, ys)  # rows stay paired


def test_long_paths_are_drawn_without_a_marker_per_point():
    from descentlab.viz.sampling import MAX_MARKED, path_marker

    assert path_marker(61) == "o" and path_marker(MAX_MARKED) == "o"
    assert path_marker(MAX_MARKED + 1) == ""
