"""Animations written as files: GIF (Pillow) and MP4 (ffmpeg, when found).

:func:`write_frames` writes the frames of any :class:`~descentlab.viz.frames.FrameAnimation`
(viz draws them, this writes them, atomically); the others draw from a result (a
:class:`~descentlab.TutorialResult`, fresh or rebuilt from ``history.json``, or a lesson's
result). matplotlib is imported only when they run.
"""

from __future__ import annotations

import os
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING

from descentlab.errors import DescentlabError
from descentlab.files import atomic_path, ensure_writable_dir
from descentlab.outputs.manifest import MANIFEST, OutputFolder

if TYPE_CHECKING:
    import numpy as np
    from PIL import Image

    from descentlab.lessons.article import TutorialResult
    from descentlab.lessons.logistic import LogisticResult
    from descentlab.viz.frames import FrameAnimation


def write_frames(anim: FrameAnimation, path: str | os.PathLike[str], fps: int = 10) -> Path:
    """Write the frames of ``anim`` to ``path``, atomically; returns the path.

    ``.gif`` is written by Pillow (no ffmpeg needed), every frame on one palette;
    ``.mp4`` (H.264) needs ffmpeg. On any error nothing is left at ``path``.

    Examples
    --------
    >>> import tempfile
    >>> from descentlab.lessons.article import TutorialConfig, run_tutorial
    >>> from descentlab.viz.animation import TrainingAnimation
    >>> run = run_tutorial(TutorialConfig(epochs=2), log=None)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = write_frames(TrainingAnimation(run.history, run.X_train, run.y_train, max_frames=2),
    ...                         f"{folder}/training.gif")
    ...     path.name, path.read_bytes()[:6]
    ('training.gif', b'GIF89a')
    """
    from descentlab.viz.frames import ffmpeg_available

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".gif", ".mp4"):
        raise DescentlabError(f"cannot write an animation as {str(path)!r}: use a .gif or .mp4 name")
    if suffix == ".mp4" and not ffmpeg_available():
        raise DescentlabError("MP4 needs ffmpeg, which is not on this machine: "
                              "install ffmpeg or write a .gif")
    with atomic_path(path) as tmp:
        if suffix == ".gif":
            _write_gif(tmp, anim.images(), fps)
        else:
            _write_mp4(tmp, [anim.frame(i) for i in range(len(anim))], fps)
    return path


def _write_gif(path: str, images: list[Image.Image], fps: int) -> None:
    """Save with Pillow, every frame on one palette."""
    from descentlab.viz.frames import on_one_palette

    frames = on_one_palette(images)
    frames[0].save(path, format="gif", save_all=True, append_images=frames[1:],
                   duration=round(1000 / fps), loop=0)


def _write_mp4(path: str, frames: list[np.ndarray], fps: int) -> None:
    """Pipe RGB frames to ffmpeg as raw video; H.264 with yuv420p plays everywhere."""
    import subprocess

    from matplotlib.animation import FFMpegWriter

    height, width, _ = frames[0].shape
    command = [FFMpegWriter.bin_path(), "-y", "-loglevel", "error", "-f", "rawvideo",
               "-pix_fmt", "rgb24", "-s", f"{width}x{height}", "-r", str(fps), "-i", "-",
               "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2", "-c:v", "libx264",
               "-pix_fmt", "yuv420p", "-f", "mp4", str(path)]
    result = subprocess.run(command, input=b"".join(f.tobytes() for f in frames),
                            capture_output=True)
    if result.returncode != 0:
        message = result.stderr.decode(errors="replace").strip().splitlines()
        raise DescentlabError(f"ffmpeg could not write the MP4 ({message[-1] if message else 'no message'}): "
                              "write a .gif instead")


def check_mp4(mp4: bool | None) -> None:
    """Fail early, before anything is trained or written, when the MP4 is required and
    ffmpeg is missing.

    >>> check_mp4(None), check_mp4(False)  # GIF only, or the MP4 when ffmpeg is there: never fails
    (None, None)
    """
    from descentlab.viz.frames import ffmpeg_available

    if mp4 is True and not ffmpeg_available():
        raise DescentlabError("MP4 needs ffmpeg, which is not on this machine: install ffmpeg "
                              "or leave out --mp4")


def animation_files(stem: str, mp4: bool | None = None) -> list[str]:
    """The names :func:`save_animation` writes for ``stem`` (``manifest.json`` too).

    >>> animation_files("training", mp4=False)
    ['training.gif', 'manifest.json']
    """
    from descentlab.viz.frames import ffmpeg_available

    with_mp4 = mp4 is True or (mp4 is None and ffmpeg_available())
    return [f"{stem}.gif", *([f"{stem}.mp4"] if with_mp4 else []), MANIFEST]


def save_animation(anim: FrameAnimation, out: str | os.PathLike[str], stem: str, *, mp4: bool | None = None,
                   fps: int = 10, record: OutputFolder | None = None,
                   command: str = "animate") -> tuple[list[Path], list[str]]:
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

    Examples
    --------
    >>> import tempfile
    >>> from descentlab.lessons.article import TutorialConfig, run_tutorial
    >>> from descentlab.viz.animation import TrainingAnimation
    >>> run = run_tutorial(TutorialConfig(epochs=2), log=None)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     written, notes = save_animation(TrainingAnimation(run.history, run.X_train, run.y_train,
    ...                                                       max_frames=2), folder, "demo", mp4=False)
    ...     sorted(p.name for p in Path(folder).iterdir())
    ['demo.gif', 'manifest.json']
    >>> notes
    ['2 frames, epochs 0 to 2 (epoch N: after N updates)']
    """
    from descentlab.viz.frames import ffmpeg_available

    check_mp4(mp4)
    out = ensure_writable_dir(out)
    folder: AbstractContextManager[OutputFolder] = (
        OutputFolder(out, command, animation_files(stem, mp4), settings={"fps": fps})
        if record is None else nullcontext(record))
    with folder as f:
        written = [write_frames(anim, f.path(f"{stem}.gif"), fps=fps)]
        notes = [f"{len(anim)} frames, epochs {anim.epochs_[0]} to {anim.epochs_[-1]} "
                 "(epoch N: after N updates)"]
        if mp4 is None and not ffmpeg_available():
            notes.append("no MP4: ffmpeg is not on this machine (the GIF has the same frames)")
        elif mp4 is not False:
            written.append(write_frames(anim, f.path(f"{stem}.mp4"), fps=fps))
    return written, notes


def write_animation(result: TutorialResult, out: str | os.PathLike[str], *, mp4: bool | None = None,
                    max_frames: int | None = None, max_points: int | None = None, fps: int = 10,
                    record: OutputFolder | None = None, stem: str = "training") -> tuple[list[Path], list[str]]:
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

    Examples
    --------
    >>> import tempfile
    >>> from descentlab.lessons.article import TutorialConfig, run_tutorial
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     written, notes = write_animation(run_tutorial(TutorialConfig(epochs=2), log=None), folder,
    ...                                      mp4=False, max_frames=2)
    >>> [path.name for path in written], notes
    (['training.gif'], ['2 frames, epochs 0 to 2 (epoch N: after N updates)'])
    """
    from descentlab.viz.animation import TrainingAnimation
    from descentlab.viz.sampling import MAX_FRAMES, MAX_POINTS

    check_mp4(mp4)
    anim = TrainingAnimation(result.history, result.X_train, result.y_train,
                             max_frames=max_frames or MAX_FRAMES, max_points=max_points or MAX_POINTS)
    return save_animation(anim, out, stem, mp4=mp4, fps=fps, record=record)


def write_boundary_animation(result: LogisticResult, out: str | os.PathLike[str], *, mp4: bool | None = None,
                             max_frames: int | None = None, max_points: int | None = None, fps: int = 10,
                             record: OutputFolder | None = None) -> tuple[list[Path], list[str]]:
    """Write ``logistic.gif`` (and ``logistic.mp4``): the decision boundary over training.

    Parameters
    ----------
    result : LogisticResult
    out, mp4, max_frames, max_points, fps, record
        As :func:`write_animation`.

    Examples
    --------
    >>> import tempfile
    >>> from descentlab.lessons.logistic import LogisticConfig, run_logistic
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     written, notes = write_boundary_animation(run_logistic(LogisticConfig(epochs=2, samples=20)),
    ...                                               folder, mp4=False, max_frames=2)
    >>> [path.name for path in written], notes
    (['logistic.gif'], ['2 frames, epochs 0 to 2 (epoch N: after N updates)'])
    """
    from descentlab.viz.logistic import BoundaryAnimation
    from descentlab.viz.sampling import MAX_FRAMES, MAX_POINTS

    check_mp4(mp4)
    anim = BoundaryAnimation(result.history, result.X_train, result.y_train, result.accuracy_trace,
                             max_frames=max_frames or MAX_FRAMES, max_points=max_points or MAX_POINTS)
    return save_animation(anim, out, "logistic", mp4=mp4, fps=fps, record=record,
                          command="animate-logistic")
