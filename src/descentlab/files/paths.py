"""Which paths may be written or read: only regular files, never an input, in writable folders.

:func:`check_target` and :func:`check_source` are the one home of the rule that only regular
files are written or read (never a device, a FIFO or a socket); :func:`check_outputs` checks
every output of a run before the run starts. :mod:`descentlab.files` re-exports them all.
"""

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from descentlab.errors import DescentlabError, SaveError

_KINDS = ((stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"),
          (stat.S_ISDIR, "a folder"))


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def check_target(path: "str | os.PathLike[str]") -> Path:
    """One-line :class:`SaveError` unless ``path`` is absent or a regular file.

    Every writer calls this (through :func:`descentlab.files.atomic_path`): renaming a file over
    ``/dev/null`` or a FIFO would replace the device node, not write into it.

    >>> check_target("/dev/null")
    Traceback (most recent call last):
    ...
    descentlab.errors.SaveError: cannot write '/dev/null' (it is a character device): ...
    """
    path = Path(path)
    try:
        mode = os.stat(path).st_mode
    except OSError:  # absent (or unreachable: the write itself says why)
        return path
    if not stat.S_ISREG(mode):
        raise SaveError(f"cannot write {str(path)!r} (it is {_kind(mode)}): descentlab writes only "
                        "regular files; choose another path", path=path)
    return path


def check_source(path: "str | os.PathLike[str]", what: str) -> None:
    """One-line error when the input ``path`` is a FIFO or a socket, which would block the
    read forever (checked before opening, which itself blocks on a FIFO); anything else,
    missing files included, is left to the reader to report.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     os.mkfifo(Path(tmp, "data.csv"))
    ...     check_source(Path(tmp, "data.csv"), "the data")
    Traceback (most recent call last):
    descentlab.errors.DescentlabError: cannot read the data '.../data.csv': it is a FIFO (named pipe), not a file: ...
    """
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return
    if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
        raise DescentlabError(f"cannot read {what} {str(path)!r}: it is {_kind(mode)}, not a "
                              "file: save the data to a regular file and pass that")


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _can_write_in(folder: Path) -> bool:
    """True when a file can be created in the existing folder ``folder`` (tried, not guessed:
    ``os.access`` is wrong for root and read-only mounts)."""
    try:
        with tempfile.TemporaryFile(dir=folder):
            return True
    except OSError:
        return False


def _is_input(path: Path, inputs: "Iterable[str | os.PathLike[str]]") -> Path | None:
    for source in inputs:
        source = Path(source)
        try:
            if path.exists() and source.exists():
                if os.path.samefile(path, source):
                    return source
            elif os.path.realpath(path) == os.path.realpath(source):
                return source
        except OSError:
            continue
    return None


def check_folder(folder: "str | os.PathLike[str]") -> Path:
    """One-line error unless ``folder`` is, or can be created as, a writable folder.

    >>> check_folder("/dev/null/runs")
    Traceback (most recent call last):
    descentlab.errors.DescentlabError: cannot write to output folder '/dev/null/runs' ('/dev/null' is a file): choose another --out
    """
    folder = Path(folder)
    long = next((part for part in folder.parts if len(os.fsencode(part)) > 255), None)
    if long is not None:
        raise DescentlabError(f"cannot write to output folder {long[:40]!r}... (a name of "
                              f"{len(os.fsencode(long))} bytes; file systems allow 255): choose a shorter --out")
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if existing.exists() and not existing.is_dir():
        why = f"{str(existing)!r} is a file" if existing != folder else "it is a file"
    elif not _can_write_in(existing):
        why = "permission denied" if existing == folder else f"cannot create folders in {str(existing)!r}"
    else:
        return folder
    raise DescentlabError(f"cannot write to output folder {str(folder)!r} ({why}): choose another --out")


def check_outputs(outputs: "Iterable[tuple[str, str | os.PathLike[str]]]", *,
                  inputs: "Iterable[str | os.PathLike[str]]" = (),
                  folder: "str | os.PathLike[str] | None" = None) -> Path | None:
    """Check every output of a run before the run starts; create ``folder`` when all pass.

    Parameters
    ----------
    outputs : iterable of (str, path-like)
        What each file is (``"the model"``, ``"predictions"``) and where it will be written.
    inputs : iterable of path-like
        The files the run reads: no output may be one of them (compared as real paths,
        or with :func:`os.path.samefile` where both exist, so links and ``./`` count).
    folder : path-like, optional
        An output folder that may not exist yet (created here, last); the folders of the
        other outputs must exist.

    Raises
    ------
    DescentlabError
        One line naming the first output that cannot be written and what to do.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     data = Path(tmp, "data.csv"); _ = data.write_text("x,y")
    ...     check_outputs([("predictions", data)], inputs=[data])
    Traceback (most recent call last):
    descentlab.errors.DescentlabError: cannot write predictions to '.../data.csv' (it is the input ...): choose another --out
    """
    checked = [(what, Path(path)) for what, path in outputs]
    if folder is not None:
        check_folder(folder)
    seen: dict[str, str] = {}
    for what, path in checked:
        where = f"cannot write {what} to {str(path)!r}"
        source = _is_input(path, inputs)
        if source is not None:
            raise DescentlabError(f"{where} (it is the input {str(source)!r}; descentlab never "
                                  "overwrites its inputs): choose another --out")
        if path.is_dir():
            raise DescentlabError(f"{where} (it is a folder): remove it or choose another --out")
        if path.exists() and not stat.S_ISREG(path.stat().st_mode):
            raise DescentlabError(f"{where} (it is not a regular file): choose another --out")
        real = os.path.realpath(path)
        if real in seen:
            raise DescentlabError(f"{where} ({seen[real]} goes there too): give them different names")
        seen[real] = what
        parent = path.parent
        if folder is not None and os.path.realpath(parent) == os.path.realpath(folder):
            continue
        if not parent.is_dir():
            raise DescentlabError(f"{where} (folder {str(parent)!r} does not exist): create it "
                                  "or choose another --out")
        if not _can_write_in(parent):
            raise DescentlabError(f"{where} (cannot write in folder {str(parent)!r}): choose "
                                  "another --out")
    if folder is not None:
        return ensure_writable_dir(folder)
    return None


def ensure_writable_dir(path: "str | os.PathLike[str]") -> Path:
    """Create ``path`` if needed and check that files can be written in it.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     ensure_writable_dir(Path(tmp, "runs", "today")).is_dir()
    True
    """
    path = Path(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as exc:
        raise DescentlabError(
            f"cannot write to output folder {str(path)!r} ({_reason(exc)}): "
            "choose another folder with --out") from None
    return path


@contextlib.contextmanager
def output_dir(path: "str | os.PathLike[str]") -> Iterator[Path]:
    """:func:`ensure_writable_dir` for a block that may still refuse its inputs: the folders it
    made are removed again, if still empty, when the block raises (a refused command leaves
    nothing behind).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     try:
    ...         with output_dir(Path(tmp, "grades", "today")):
    ...             raise DescentlabError("no submissions")
    ...     except DescentlabError:
    ...         pass
    ...     sorted(os.listdir(tmp))
    []
    """
    path = Path(path).absolute()
    made = [p for p in (path, *path.parents) if not p.exists()]  # the deepest first
    try:
        yield ensure_writable_dir(path)
    except BaseException:
        for folder in made:
            with contextlib.suppress(OSError):
                folder.rmdir()  # only an empty folder goes
        raise
