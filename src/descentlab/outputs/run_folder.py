"""A command's output folder: its files checked before the run, recorded in the folder's
manifest while written, and what was kept when Ctrl-C (or SIGTERM) came.

Every run of :mod:`descentlab.outputs.runs` goes through here: :func:`check_folder` before
anything trains, :func:`recording` around the writes, and the :class:`RunFiles` it hands
back says how the run ended (:meth:`RunFiles.interrupted_line`). :func:`say_if_large` and
:func:`say_if_large_run` warn, before a run starts, when it will record enormous output.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from descentlab.errors import DescentlabError, Interrupted
from descentlab.files import check_outputs, ensure_writable_dir
from descentlab.outputs.manifest import OutputFolder

if TYPE_CHECKING:
    from descentlab.core.history import History
    from descentlab.lessons.article import TutorialConfig

PathLike = str | os.PathLike[str]


@dataclass
class Command:
    """Who writes into a folder: the command's name, its ``--out``, its settings and
    command line (both recorded in the manifest).

    >>> Command("tutorial", "descentlab-out", {"epochs": 61})
    Command(name='tutorial', out='descentlab-out', settings={'epochs': 61}, argv=None)
    """

    name: str
    out: PathLike
    settings: dict[str, Any] = field(default_factory=dict)
    argv: list[str] | None = None


@dataclass
class RunFiles:
    """What a command's run wrote and trained: its folder's record (or the one file it
    wrote), the histories it trained now and the epochs it was given.

    >>> from descentlab.core.history import History
    >>> cut = History(loss=[1.0, 0.5, 0.4], status="interrupted")
    >>> RunFiles(Path("out/history.json"), [cut], budget=61).interrupted_line()
    'interrupted after 3 of 61 epochs; kept out/history.json'
    """

    record: OutputFolder | Path | None
    histories: list[History | None] = field(default_factory=list)
    budget: int | None = None

    def interrupted_line(self) -> str | None:
        """The line to say when Ctrl-C cut training short (files are kept), else None."""
        cut = interrupted(self.histories)
        if not cut:
            return None
        started = [h for h in cut if h.n_epochs] or cut[:1]
        ran = ", ".join(str(h.n_epochs) for h in started)
        of = f" of {self.budget}" if self.budget is not None else ""
        later = len(cut) - len(started)
        note = f" ({later} later part{'s' * (later > 1)} not started: Ctrl-C came first)" if later else ""
        what = kept(self.record) if isinstance(self.record, OutputFolder) else f"kept {self.record}"
        return f"interrupted after {ran}{of} epochs{note}; {what}"


def check_folder(out: PathLike, names: Iterable[str], inputs: Sequence[PathLike] = (),
                 create: bool = False) -> Path | None:
    """Check the files ``names`` of the output folder ``out`` before anything runs; create
    nothing (:func:`recording` makes the folder when there is something to write, so a
    command refused later, by its settings or its data, leaves no empty folder behind).

    >>> import tempfile
    >>> tmp = tempfile.TemporaryDirectory(); folder = Path(tmp.name)
    >>> check_folder(folder / "new", ["a.png"]) == folder / "new", (folder / "new").exists()
    (True, False)
    >>> (folder / "a.png").mkdir(); check_folder(folder, ["a.png"])
    Traceback (most recent call last):
    descentlab.errors.DescentlabError: ...a.png... is a folder...
    >>> tmp.cleanup()
    """
    from descentlab.files import check_folder as creatable
    from descentlab.files.interrupts import expect_record

    expect_record()  # a Ctrl-C after training waits until its record is written
    try:
        creatable(out)  # a folder still to make holds no file, so no input either
        if Path(out).is_dir():
            return check_outputs([(name, Path(out) / name) for name in names], inputs=inputs,
                                 folder=out if create else None)
        return Path(out)
    except OSError as exc:  # a name longer than the file system allows (255 bytes), ...
        shown = str(out) if len(str(out)) <= 60 else str(out)[:57] + "..."
        raise DescentlabError(f"cannot use output folder {shown!r} ({exc.strerror or exc}): "
                              "choose a shorter --out") from None


def kept(record: OutputFolder) -> str:
    """The files of ``record`` that are on disk, as ``a, b and 3 more in out/``.

    >>> import tempfile
    >>> tmp = tempfile.TemporaryDirectory(); folder = Path(tmp.name)
    >>> record = OutputFolder(folder, "demo")
    >>> kept(record)
    'nothing was written to /.../'
    >>> _ = record.write_text("a.txt", "a"); kept(record)
    'kept a.txt in /.../'
    >>> tmp.cleanup()
    """
    names = [n for n in record.files if (record.folder / n).is_file()]
    if not names:
        return f"nothing was written to {record.folder}/"
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    return f"kept {shown} in {record.folder}/"


@contextmanager
def recording(command: Command, planned: Iterable[str], histories: Iterable[History | None] = (),
              name: str | None = None) -> Iterator[OutputFolder]:
    """The command's :class:`~descentlab.outputs.manifest.OutputFolder` (its status
    ``"interrupted"`` when a history was cut short); Ctrl-C while it writes ends the
    command with a line saying which files were kept.

    >>> import tempfile
    >>> from descentlab.core.history import History
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     with recording(Command("demo", f"{folder}/out"), ["a.txt"], [History(status="interrupted")]) as record:
    ...         _ = record.write_text("a.txt", "kept")
    ...     record.status, sorted(p.name for p in Path(folder, "out").iterdir())
    ('interrupted', ['a.txt', 'manifest.json'])
    """
    try:  # made only now that there is something to write
        ensure_writable_dir(command.out)
    except DescentlabError:  # the folder broke while training: the writes say where work went
        pass
    record = OutputFolder(command.out, name or command.name, planned, settings=command.settings,
                          argv=command.argv)
    if interrupted(histories):
        record.status = "interrupted"
    try:
        with record:
            yield record
    except KeyboardInterrupt:
        raise Interrupted(f"stopped while writing; {kept(record)}") from None


def interrupted(histories: Iterable[History | None]) -> list[History]:
    """The histories that Ctrl-C (or SIGTERM) cut short.

    >>> from descentlab.core.history import History
    >>> [h.status for h in interrupted([History(status="completed"), None, History(status="interrupted")])]
    ['interrupted']
    """
    return [h for h in histories if h is not None and h.status == "interrupted"]


def histories_of(result: object) -> list[History | None]:
    """Every History a lesson's result holds (None for a result without one).

    >>> from descentlab.lessons.collapse import CollapseConfig, run_collapse
    >>> [h.n_epochs for h in histories_of(run_collapse(CollapseConfig(epochs=5)))]
    [5]
    """
    if hasattr(result, "fits"):
        return [fit.history for fit in result.fits]
    return [getattr(result, "history", None)]


#: A run past this many bytes of history (memory, JSON) or this many epochs is said to be large.
_LARGE_BYTES, _LARGE_EPOCHS = 100_000_000, 10_000_000


def say_if_large(config: TutorialConfig) -> None:
    """One warning line before a tutorial that records enormous output.

    >>> from descentlab.lessons.article import TutorialConfig
    >>> say_if_large(TutorialConfig())  # the article's run: nothing said
    """
    from descentlab.outputs.lessons import size_note

    note = size_note(config)
    if note is not None:
        warnings.warn(note, stacklevel=2)


def say_if_large_run(epochs: int, numbers_per_epoch: int = 2) -> None:
    """One warning line before any run whose per-epoch record will be enormous (the same
    promise :func:`say_if_large` gives the tutorial): ``numbers_per_epoch`` recorded per
    epoch, about 29 bytes each in memory and JSON, plus a list entry's overhead.

    >>> import warnings
    >>> say_if_large_run(61)  # small: nothing said
    >>> with warnings.catch_warnings(record=True) as said:
    ...     warnings.simplefilter("always")
    ...     say_if_large_run(10**8)
    >>> str(said[0].message)
    '--epochs 100000000 records every epoch: about 12.2 GB of memory and of history, ...'
    """
    size = epochs * (29 * numbers_per_epoch + 64)
    if size < _LARGE_BYTES and epochs < _LARGE_EPOCHS:
        return
    warnings.warn(f"--epochs {epochs} records every epoch: about {size / 1e9:.3g} GB of memory "
                  "and of history, more than this run can hold if it runs to the end; lower "
                  "--epochs (Ctrl-C stops it and keeps what ran)", stacklevel=2)
