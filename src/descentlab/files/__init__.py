"""Writing results safely: a file is either whole or absent, never half-written.

- :func:`check_outputs` checks every output of a run before the run starts: none is a
  folder, an input or a device, every folder can be written.
- :func:`write_text`, :func:`save_figure` and :func:`atomic_path` write to a temporary
  file beside the target and rename it; on any error (Ctrl-C included) the temporary
  file is removed and the target is left as it was.
- :func:`save_or_recover` keeps a long run's work when its file cannot be written after
  all: it saves it under a fallback name and says where.
- :func:`deferred_signals` holds Ctrl-C and SIGTERM back while small files are written.
- :func:`check_target` and :func:`check_source` are the one home of the rule that only
  regular files are written or read (never a device, a FIFO or a socket);
  :func:`escape_csv_cell` keeps spreadsheet formulas out of every CSV descentlab writes.
"""

import os
import re
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, TypeVar

from descentlab.errors import DescentlabError, SaveError
from descentlab.files.interrupts import deferred_signals as deferred_signals  # re-exported
from descentlab.files.recover import fallback_paths as fallback_paths  # re-exported: one home, recover.py
from descentlab.files.recover import save_or_recover as save_or_recover

if TYPE_CHECKING:
    from matplotlib.figure import Figure

Cell = TypeVar("Cell")

#: Temporary files are ``.descentlab-tmp.<pid>.<name>.<random><suffix>``: a name no user
#: file has, with the writer's process id, so a later run can tell a killed writer's
#: leftovers (:mod:`descentlab.outputs.folder_lock`) from a live one's.
TEMP_PREFIX = ".descentlab-tmp."
TEMP_NAME = re.compile(r"\.descentlab-tmp\.(\d+)\.[^/]*$")
_KINDS = ((stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"),
          (stat.S_ISDIR, "a folder"))


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def check_target(path: "str | os.PathLike[str]") -> Path:
    """One-line :class:`SaveError` unless ``path`` is absent or a regular file.

    Every writer calls this (through :func:`atomic_path`): renaming a file over
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
    missing files included, is left to the reader to report."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return
    if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
        raise DescentlabError(f"cannot read {what} {str(path)!r}: it is {_kind(mode)}, not a "
                              "file: save the data to a regular file and pass that")


#: what a spreadsheet reads as the start of a formula (OWASP's list: = + - @, tab, CR)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_csv_cell(value: Cell) -> "Cell | str":
    """A CSV cell a spreadsheet shows as text: a string starting with ``= + - @`` (or a tab
    or CR) gets a leading ``'``, so ``=HYPERLINK(...)`` in a learner's file name never becomes
    a live formula. Numbers are left as they are (a negative number is data, not a formula).
    Every CSV descentlab writes passes its cells through here.

    >>> escape_csv_cell("=HYPERLINK(1)"), escape_csv_cell("plain"), escape_csv_cell(-1.5)
    ("'=HYPERLINK(1)", 'plain', -1.5)
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


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
    """One-line error unless ``folder`` is, or can be created as, a writable folder."""
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
    """Create ``path`` if needed and check that files can be written in it."""
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


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic_path(path: "str | os.PathLike[str]") -> Iterator[str]:
    """A temporary path beside ``path`` for writers that want a file name (GIF, MP4).

    Yields the temporary path (same suffix, so writers pick the right format); on
    success it is renamed to ``path``, on any error (KeyboardInterrupt included) it is
    removed and ``path`` is left as it was.

    Raises
    ------
    SaveError
        One line naming ``path`` (never the temporary file) when the folder is missing,
        ``path`` is a folder or not a regular file, or the disk refuses the write.
    """
    target = check_target(path)
    tmp: str | None = None
    try:
        with deferred_signals():  # no Ctrl-C between creating the file and knowing its name
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f"{TEMP_PREFIX}{os.getpid()}.{target.stem}.",
                                       suffix=target.suffix)
            os.close(fd)
        yield tmp
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except OSError as exc:
        raise SaveError(f"cannot write {str(target)!r} ({_why(target, exc)}): choose another "
                        "path", path=target) from None
    finally:
        if tmp is not None:
            with deferred_signals():
                if os.path.exists(tmp):
                    os.unlink(tmp)


def _why(path: Path, exc: OSError) -> str:
    if path.is_dir():
        return "it is a folder"
    if not path.parent.is_dir():
        return f"folder {str(path.parent)!r} does not exist"
    return _reason(exc)


def _atomic(path: "str | os.PathLike[str]", write: Callable[[IO[bytes]], object]) -> Path:
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        write(fh)
    return Path(path)


def write_text(path: "str | os.PathLike[str]", text: str) -> Path:
    """Write ``text`` to ``path`` atomically (temporary file, then rename).

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> write_text(folder / "note.txt", "epoch 60").read_text()
    'epoch 60'
    >>> sorted(p.name for p in folder.iterdir())  # no temporary file left beside it
    ['note.txt']
    """
    return _atomic(path, lambda fh: fh.write(text.encode("utf-8")))


def save_figure(fig: "Figure", path: "str | os.PathLike[str]", dpi: int = 100) -> Path:
    """Save a matplotlib figure as PNG atomically."""
    return _atomic(path, lambda fh: fig.savefig(fh, format="png", dpi=dpi))
