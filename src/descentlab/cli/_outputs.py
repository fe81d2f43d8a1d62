"""What the folder commands share about their files: checked before the run, recorded in
the folder's manifest while written, and what was kept when Ctrl-C (or SIGTERM) came."""

import sys
from contextlib import contextmanager
from pathlib import Path

from descentlab.errors import DescentlabError, Interrupted
from descentlab.files import check_outputs, ensure_writable_dir


def check_folder(out, names, inputs=(), create=False):
    """Check the files ``names`` of the output folder ``out`` before anything runs; create
    nothing (:func:`recording` makes the folder when there is something to write, so a
    command refused later, by its settings or its data, leaves no empty folder behind)."""
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


def settings_of(args):
    """The parsed options as JSON-friendly settings (for the manifest)."""
    return {k: v for k, v in vars(args).items()
            if k not in ("run", "argv") and isinstance(v, (str, int, float, bool, list, tuple, type(None)))}


def kept(record):
    """The files of ``record`` that are on disk, as ``a, b and 3 more in out/``."""
    names = [n for n in record.files if (record.folder / n).is_file()]
    if not names:
        return f"nothing was written to {record.folder}/"
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    return f"kept {shown} in {record.folder}/"


@contextmanager
def recording(args, planned, histories=(), command=None):
    """The command's :class:`~descentlab.outputs.manifest.OutputFolder` (its status
    ``"interrupted"`` when a history was cut short); Ctrl-C while it writes ends the
    command with a line saying which files were kept."""
    from descentlab.outputs.manifest import OutputFolder

    try:  # made only now that there is something to write
        ensure_writable_dir(args.out)
    except DescentlabError:  # the folder broke while training: the writes say where work went
        pass
    record = OutputFolder(args.out, command or args.command, planned, settings=settings_of(args),
                          argv=getattr(args, "argv", None))
    if interrupted(histories):
        record.status = "interrupted"
    try:
        with record:
            yield record
    except KeyboardInterrupt:
        raise Interrupted(f"stopped while writing; {kept(record)}") from None


def interrupted(histories):
    """The histories that Ctrl-C (or SIGTERM) cut short."""
    return [h for h in histories if h is not None and h.status == "interrupted"]


def finish(record, histories, budget=None):
    """0, or 130 with one line on stderr when training was interrupted (files are kept).

    ``record`` is the run's OutputFolder, or the path of the one file it wrote.
    """
    cut = interrupted(histories)
    if not cut:
        return 0
    started = [h for h in cut if h.n_epochs] or cut[:1]
    ran = ", ".join(str(h.n_epochs) for h in started)
    of = f" of {budget}" if budget is not None else ""
    later = len(cut) - len(started)
    note = f" ({later} later part{'s' * (later > 1)} not started: Ctrl-C came first)" if later else ""
    what = f"kept {record}" if isinstance(record, (str, Path)) else kept(record)
    print(f"descentlab: interrupted after {ran}{of} epochs{note}; {what}", file=sys.stderr)
    return 130


def histories_of(result):
    """Every History a lesson's result holds."""
    if hasattr(result, "fits"):
        return [fit.history for fit in result.fits]
    return [getattr(result, "history", None)]
