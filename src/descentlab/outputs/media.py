"""Animations written as files: GIF (Pillow) and MP4 (ffmpeg, when found).

Each draws from a result (a :class:`~descentlab.TutorialResult`, fresh or rebuilt from
``history.json``, or a lesson's result) and writes atomically; matplotlib is imported
only when they run.
"""

from contextlib import nullcontext

from descentlab.errors import DescentlabError
from descentlab.files import ensure_writable_dir
from descentlab.outputs.manifest import MANIFEST, OutputFolder


def check_mp4(mp4):
    """Fail early, before anything is trained or written, when the MP4 is required and
    ffmpeg is missing."""
    from descentlab.viz.frames import ffmpeg_available

    if mp4 is True and not ffmpeg_available():
        raise DescentlabError("MP4 needs ffmpeg, which is not on this machine: install ffmpeg "
                              "or leave out --mp4")


def animation_files(stem, mp4=None):
    """The names :func:`save_animation` writes for ``stem`` (``manifest.json`` too)."""
    from descentlab.viz.frames import ffmpeg_available

    with_mp4 = mp4 is True or (mp4 is None and ffmpeg_available())
    return [f"{stem}.gif", *([f"{stem}.mp4"] if with_mp4 else []), MANIFEST]


def save_animation(anim, out, stem, *, mp4=None, fps=10, record=None, command="animate"):
    """Write ``anim`` as ``<stem>.gif`` (and ``<stem>.mp4``) into the folder ``out``.

    Parameters
    ----------
    anim : FrameAnimation
    out : path-like
    stem : str
    mp4 : bool or None, default=None
        None writes the MP4 only when ffmpeg is found; True requires it; False skips it.
    record : OutputFolder, optional
        Where the files are recorded (default: the folder's manifest entry ``command``).

    Returns
    -------
    written : list of Path
    notes : list of str
        How many frames, and what was skipped and why.
    """
    from descentlab.viz.frames import ffmpeg_available

    check_mp4(mp4)
    out = ensure_writable_dir(out)
    if record is None:
        record = OutputFolder(out, command, animation_files(stem, mp4), settings={"fps": fps})
    else:
        record = nullcontext(record)
    with record as f:
        written = [anim.save(f.path(f"{stem}.gif"), fps=fps)]
        notes = [f"{len(anim)} frames, epochs {anim.epochs_[0]} to {anim.epochs_[-1]} "
                 "(epoch N: after N updates)"]
        if mp4 is None and not ffmpeg_available():
            notes.append("no MP4: ffmpeg is not on this machine (the GIF has the same frames)")
        elif mp4 is not False:
            written.append(anim.save(f.path(f"{stem}.mp4"), fps=fps))
    return written, notes


def write_animation(result, out, *, mp4=None, max_frames=None, max_points=None, fps=10,
                    record=None, stem="training"):
    """Write ``<stem>.gif`` (and ``<stem>.mp4`` when ffmpeg is there) into ``out``.

    ``descentlab tutorial --animate`` writes ``training.gif`` beside the run's
    ``history.json``; ``descentlab animate`` writes ``animate.gif``, its own name, so it
    never replaces the tutorial's.

    Parameters
    ----------
    result : TutorialResult
    out, mp4, fps, record, stem
        As :func:`save_animation`, which this returns.
    max_frames, max_points : int, optional
        Caps (defaults in :mod:`descentlab.viz.sampling`).
    """
    from descentlab.viz.animation import TrainingAnimation
    from descentlab.viz.sampling import MAX_FRAMES, MAX_POINTS

    check_mp4(mp4)
    anim = TrainingAnimation(result.history, result.X_train, result.y_train,
                             max_frames=max_frames or MAX_FRAMES, max_points=max_points or MAX_POINTS)
    return save_animation(anim, out, stem, mp4=mp4, fps=fps, record=record)


def write_boundary_animation(result, out, *, mp4=None, max_frames=None, max_points=None, fps=10,
                             record=None):
    """Write ``logistic.gif`` (and ``logistic.mp4``): the decision boundary over training.

    Parameters
    ----------
    result : LogisticResult
    out, mp4, max_frames, max_points, fps, record
        As :func:`write_animation`.
    """
    from descentlab.viz.logistic import BoundaryAnimation
    from descentlab.viz.sampling import MAX_FRAMES, MAX_POINTS

    check_mp4(mp4)
    anim = BoundaryAnimation(result.history, result.X_train, result.y_train, result.accuracy_trace,
                             max_frames=max_frames or MAX_FRAMES, max_points=max_points or MAX_POINTS)
    return save_animation(anim, out, "logistic", mp4=mp4, fps=fps, record=record,
                          command="animate-logistic")
