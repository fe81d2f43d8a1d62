"""What is drawn from a finished tutorial run: the animation files and the HTML report.

The command line calls these; they are plain functions for Python too. Each draws from a
:class:`~descentlab.TutorialResult` (a fresh run or one rebuilt from ``history.json``)
and writes its files atomically; matplotlib is imported only when they run.
"""

from pathlib import Path

from .errors import DescentlabError
from .fileio import ensure_writable_dir, write_text
from .studies import lr_study


def check_output_file(path, suffixes):
    """Check that ``path`` ends in one of ``suffixes`` and that its folder can be written."""
    path = Path(path)
    if path.suffix.lower() not in suffixes:
        raise DescentlabError(f"output file {str(path)!r} must end in {' or '.join(suffixes)}")
    if path.is_dir():
        raise DescentlabError(f"output file {str(path)!r} is a folder: name a file")
    ensure_writable_dir(path.parent)
    return path


def write_animation(result, out, *, mp4=None, max_frames=None, max_points=None, fps=10):
    """Write ``training.gif`` (and ``training.mp4`` when ffmpeg is there) into ``out``.

    Parameters
    ----------
    result : TutorialResult
    out : path-like
        The output folder.
    mp4 : bool or None, default=None
        None writes the MP4 only when ffmpeg is found; True requires it; False skips it.
    max_frames, max_points : int, optional
        Caps (defaults in :mod:`descentlab.viz.sampling`).

    Returns
    -------
    written : list of Path
    notes : list of str
        What was skipped and why.
    """
    from .viz.animation import TrainingAnimation, ffmpeg_available
    from .viz.sampling import MAX_FRAMES, MAX_POINTS

    if mp4 is True and not ffmpeg_available():
        raise DescentlabError("MP4 needs ffmpeg, which is not on this machine: install ffmpeg "
                              "or leave out --mp4")
    out = ensure_writable_dir(out)
    anim = TrainingAnimation(result.history, result.X_train, result.y_train,
                             max_frames=max_frames or MAX_FRAMES, max_points=max_points or MAX_POINTS)
    written = [anim.save(out / "training.gif", fps=fps)]
    notes = []
    if mp4 is None and not ffmpeg_available():
        notes.append("no MP4: ffmpeg is not on this machine (the GIF has every frame)")
    elif mp4 is not False:
        written.append(anim.save(out / "training.mp4", fps=fps))
    notes.insert(0, f"{len(anim)} frames of {result.history.n_epochs} epochs")
    return written, notes


def write_report(result, path, *, rates=None, max_frames=None, max_points=None):
    """Write the self-contained HTML report of ``result`` to ``path``.

    Runs the learning-rate study (:func:`descentlab.studies.lr_study`) on the same
    training data, from the same start, for as many epochs.

    Returns
    -------
    path : Path
    study : LRStudy
    """
    from .viz.report import tutorial_report
    from .viz.sampling import MAX_FRAMES, MAX_POINTS

    path = check_output_file(path, (".html", ".htm"))
    study = lr_study(result.X_train, result.y_train, rates, epochs=result.config.epochs,
                     seed=result.config.seed)
    page = tutorial_report(result, study, max_frames=max_frames or MAX_FRAMES,
                           max_points=max_points or MAX_POINTS)
    return write_text(path, page), study
