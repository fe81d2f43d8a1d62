"""Keeping large runs drawable: a capped, evenly spaced choice of epochs and of points.

A fit on a million rows or over thousands of epochs still draws in seconds because the
figures show a random sample of the points (and say so) and the animation shows at most
``max_frames`` epochs.
"""

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:  # the playground samples epochs without loading matplotlib
    from matplotlib.figure import Figure

MAX_POINTS = 2000
MAX_FRAMES = 100
MAX_MARKED = 200
MAX_FIGURES = 20


def path_marker(n_points: int) -> str:
    """``"o"`` to mark each point of a path of ``n_points``, or ``""`` past :data:`MAX_MARKED`
    (thousands of markers only thicken the line).

    >>> path_marker(10), path_marker(5000)
    ('o', '')
    """
    return "o" if n_points <= MAX_MARKED else ""


def frame_epochs(n_epochs: int, max_frames: int = MAX_FRAMES) -> NDArray[np.int_]:
    """At most ``max_frames`` evenly spaced epochs of ``0 .. n_epochs - 1``, first and last included.

    Returns
    -------
    ndarray of int, strictly increasing

    >>> frame_epochs(10, max_frames=4)
    array([0, 3, 6, 9])
    """
    if n_epochs < 1:
        return np.array([], dtype=int)
    if max_frames < 2 or n_epochs == 1:
        return np.array(sorted({0, n_epochs - 1}), dtype=int)
    return np.unique(np.round(np.linspace(0, n_epochs - 1, min(max_frames, n_epochs))).astype(int))


def change_epochs(path: NDArray[np.float64], max_frames: int = MAX_FRAMES, time_share: float = 0.2) -> NDArray[np.int_]:
    """At most ``max_frames`` epochs of a parameter path, spaced by how far it moves.

    Frames at even steps of ``(1 - time_share) * distance + time_share * time`` (each
    fraction of the whole), so a run that settles early spends its frames where the
    parameters change, and still a few on the quiet tail. First and last always included.

    Parameters
    ----------
    path : ndarray of shape (n_epochs, n_params)
        The parameters of every epoch (each column scaled by its own range here).

    Examples
    --------
    >>> path = np.r_[np.linspace(0.0, 1.0, 10), np.ones(90)][:, None]  # moves 10 epochs, then rests
    >>> change_epochs(path, max_frames=6)
    array([ 0,  3,  5,  7,  9, 99])
    """
    path = np.asarray(path, dtype=float)
    n = path.shape[0]
    if n <= max_frames or max_frames < 2:
        return frame_epochs(n, max_frames)
    span = np.ptp(path, axis=0)
    steps = np.linalg.norm(np.diff(path, axis=0) / np.where(span > 0, span, 1.0), axis=1)
    steps = np.where(np.isfinite(steps), steps, 0.0)
    moved = np.concatenate([[0.0], np.cumsum(steps)])
    clock = np.linspace(0.0, 1.0, n)
    progress = (1 - time_share) * (moved / moved[-1] if moved[-1] > 0 else clock) + time_share * clock
    wanted = np.searchsorted(progress, np.linspace(0.0, 1.0, max_frames), side="left")
    picks, prev = [], -1
    for k, at in enumerate(wanted):  # distinct and increasing, room left for the rest
        prev = int(min(max(at, prev + 1), n - (max_frames - k)))
        picks.append(prev)
    picks[0], picks[-1] = 0, n - 1
    return np.array(picks, dtype=int)


def drawn_epochs(n_epochs: int, every: int, max_figures: int = MAX_FIGURES) -> list[int]:
    """The epochs drawn as figures: every ``every``-th and the last, at most ``max_figures``
    of them (evenly spaced among those, first and last included).

    Computed without listing every logged epoch, so a billion epochs cost nothing.

    Returns
    -------
    list of int, strictly increasing

    >>> drawn_epochs(61, every=10)
    [0, 10, 20, 30, 40, 50, 60]
    """
    if n_epochs < 1:
        return []
    count = -(-n_epochs // every)  # logged: 0, every, ..., (count - 1) * every
    total = logged_count(n_epochs, every)  # ... and the last epoch
    picks = range(total) if total <= max_figures else np.unique(
        np.round(np.linspace(0, total - 1, max(max_figures, 2))).astype(int)).tolist()
    return [n_epochs - 1 if k == count else int(k) * every for k in picks]


def logged_count(n_epochs: int, every: int) -> int:
    """How many epochs are logged: every ``every``-th from 0, and the last.

    >>> logged_count(61, every=10)  # 0, 10, ..., 60
    7
    """
    if n_epochs < 1:
        return 0
    count = -(-n_epochs // every)
    return count + ((count - 1) * every != n_epochs - 1)


def sample_points(X: NDArray[np.float64], y: NDArray[np.float64], max_points: int = MAX_POINTS,
                  seed: int = 0) -> tuple[NDArray[np.float64], NDArray[np.float64], str]:
    """At most ``max_points`` rows of ``(X, y)``, drawn without replacement (seeded).

    Returns
    -------
    X_shown : ndarray
    y_shown : ndarray
    note : str
        ``""`` when every point is shown, else what the figure should say about it.

    >>> X, y = np.arange(10.0)[:, None], np.arange(10.0)
    >>> X_shown, y_shown, note = sample_points(X, y, max_points=4)
    >>> len(y_shown), note
    (4, 'showing a random 4 of 10 points')
    """
    n = X.shape[0]
    if n <= max_points:
        return X, y, ""
    idx = np.sort(np.random.default_rng(seed).choice(n, size=max_points, replace=False))
    return X[idx], y[idx], f"showing a random {max_points:,} of {n:,} points"


def note_on(fig: "Figure", note: str) -> "Figure":
    """Write ``note`` (what part of the data is shown) at the bottom left of ``fig``, if any.

    >>> from matplotlib.figure import Figure
    >>> [text.get_text() for text in note_on(Figure(), "showing a random 4 of 10 points").texts]
    ['showing a random 4 of 10 points']
    """
    if note:
        fig.text(0.01, 0.005, note, fontsize=10, color="#444")
    return fig
