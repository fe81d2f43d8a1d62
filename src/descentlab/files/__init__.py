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
  regular files are written or read (never a device, a FIFO or a socket); they and the
  other checks of paths live in :mod:`.paths` and are re-exported here.
- :func:`escape_csv_cell` keeps spreadsheet formulas out of every CSV descentlab writes.
"""

import os
import re
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, TypeVar

from descentlab.errors import SaveError
from descentlab.files.interrupts import deferred_signals as deferred_signals  # re-exported
from descentlab.files.paths import _reason
from descentlab.files.paths import check_folder as check_folder  # re-exported: one home, paths.py
from descentlab.files.paths import check_outputs as check_outputs
from descentlab.files.paths import check_source as check_source
from descentlab.files.paths import check_target as check_target
from descentlab.files.paths import ensure_writable_dir as ensure_writable_dir
from descentlab.files.paths import output_dir as output_dir
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

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     with atomic_path(Path(tmp, "anim.gif")) as part:  # a temporary name beside it
    ...         _ = Path(part).write_bytes(b"GIF89a")
    ...     os.listdir(tmp), Path(tmp, "anim.gif").read_bytes()
    (['anim.gif'], b'GIF89a')
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

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     write_text(Path(tmp, "note.txt"), "epoch 60").read_text(), os.listdir(tmp)  # no temporary file left
    ('epoch 60', ['note.txt'])
    """
    return _atomic(path, lambda fh: fh.write(text.encode("utf-8")))


def save_figure(fig: "Figure", path: "str | os.PathLike[str]", dpi: int = 100) -> Path:
    """Save a matplotlib figure as PNG atomically.

    >>> import tempfile
    >>> from matplotlib.figure import Figure
    >>> fig = Figure(figsize=(1, 1)); _ = fig.add_subplot().plot([3, 1])
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     save_figure(fig, Path(tmp, "loss.png")).read_bytes()[1:4]
    b'PNG'
    """
    return _atomic(path, lambda fh: fig.savefig(fh, format="png", dpi=dpi))
