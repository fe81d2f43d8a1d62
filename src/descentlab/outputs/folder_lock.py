"""One writer at a time in an output folder, and the leftovers of a killed one removed.

Two runs writing into one folder would mix their figures and lose each other's manifest
updates. :func:`folder_lock` takes an exclusive ``fcntl.flock`` on the folder itself (its
directory handle: no lock file is left behind); a second run waits for the first to finish
writing, saying so once, then writes its own files, so the folder always holds one run's
files. Once the lock is held, the hidden temporary files of a writer killed with
``kill -9`` (:data:`descentlab.files.TEMP_NAME`, with a process id no longer running, older
than the lock) are removed.
"""

import os
import stat
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from descentlab.files import TEMP_NAME

#: How often a waiting run tries the lock again (seconds).
POLL = 0.05
#: The folders each thread holds (a nested record of the same folder must not wait on
#: itself; another thread of this process waits as another process would).
_HELD: dict[tuple[int, str], int] = {}


@contextmanager
def folder_lock(folder: str | os.PathLike[str],
                say: Callable[[str], object] | None = None) -> Iterator[None]:
    """Hold ``folder``'s lock for the block (waiting for another writer first).

    ``say(message)`` is told once when the run has to wait (default: a line on stderr).
    Where locks are not supported (some network file systems) the block runs unlocked.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder, folder_lock(folder):
    ...     with folder_lock(folder):  # the same thread again: it holds the lock already
    ...         print("writing")
    writing
    """
    key = (threading.get_ident(), os.path.realpath(folder))
    try:
        fd = None if key in _HELD else os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        fd = None
    if fd is None:  # held already by this process, or no handle: nothing to take
        yield
        return
    try:
        if _lock(fd, folder, say) is not False:
            remove_stale_temps(folder, time.time_ns())
        _HELD[key] = fd
        yield
    finally:
        _HELD.pop(key, None)
        os.close(fd)  # closing the handle releases the lock


def _lock(fd: int, folder: str | os.PathLike[str], say: Callable[[str], object] | None) -> bool:
    import fcntl

    told = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if not told:
                message = (f"another descentlab run is writing into {str(folder)!r}: waiting for it "
                           "to finish (Ctrl-C to stop; or choose another --out)")
                (say or (lambda m: print(f"descentlab: {m}", file=sys.stderr, flush=True)))(message)
                told = True
            time.sleep(POLL)
        except OSError:
            return False


def remove_stale_temps(folder: str | os.PathLike[str], before_ns: int) -> list[str]:
    """Remove the temporary files a killed descentlab left in ``folder``: only names of its
    own pattern, older than ``before_ns``, whose writing process is gone. Returns their names.

    >>> import tempfile
    >>> tmp = tempfile.TemporaryDirectory(); folder = tmp.name
    >>> gone = 2**22 + 1  # above Linux's largest process id: no such process runs
    >>> for name in (f".descentlab-tmp.{gone}.a.png.x1.png", f".descentlab-tmp.{os.getpid()}.b.png.x2.png", "c.png"):
    ...     open(os.path.join(folder, name), "w").close()
    >>> remove_stale_temps(folder, time.time_ns() + 10**9), sorted(os.listdir(folder))
    (['.descentlab-tmp.4194305.a.png.x1.png'], ['.descentlab-tmp...b.png.x2.png', 'c.png'])
    >>> tmp.cleanup()
    """
    removed: list[str] = []
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    for name in names:
        match = TEMP_NAME.match(name)
        if match is None or _alive(int(match.group(1))):
            continue
        path = os.path.join(folder, name)
        try:
            info = os.lstat(path)
            if stat.S_ISREG(info.st_mode) and info.st_mtime_ns < before_ns:
                os.unlink(path)
                removed.append(name)
        except OSError:
            continue
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process
        return True
    return True
