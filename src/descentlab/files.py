"""Writing results safely: a file is either whole or absent, never half-written."""

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

from descentlab.errors import DescentlabError


def ensure_writable_dir(path):
    """Create ``path`` if needed and check that files can be written in it."""
    path = Path(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as exc:
        raise DescentlabError(
            f"cannot write to output folder {str(path)!r} ({exc.strerror or exc}): "
            "choose another folder with --out") from None
    return path


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic_path(path):
    """A temporary path beside ``path`` for writers that want a file name (GIF, MP4).

    Yields the temporary path (same suffix, so writers pick the right format); on
    success it is renamed to ``path``, on any error it is removed and ``path`` is left
    as it was.
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=path.suffix)
    os.close(fd)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _atomic(path, write):
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        write(fh)
    return Path(path)


def write_text(path, text):
    """Write ``text`` to ``path`` atomically (temporary file, then rename)."""
    return _atomic(path, lambda fh: fh.write(text.encode("utf-8")))


def save_figure(fig, path, dpi=100):
    """Save a matplotlib figure as PNG atomically."""
    return _atomic(path, lambda fh: fig.savefig(fh, format="png", dpi=dpi))
