"""Writing results safely: a file is either whole or absent, never half-written."""

import os
import tempfile
from pathlib import Path

from .errors import DescentlabError


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


def _atomic(path, write):
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
    return path


def write_text(path, text):
    """Write ``text`` to ``path`` atomically (temporary file, then rename)."""
    return _atomic(path, lambda fh: fh.write(text.encode("utf-8")))


def save_figure(fig, path, dpi=100):
    """Save a matplotlib figure as PNG atomically."""
    return _atomic(path, lambda fh: fig.savefig(fh, format="png", dpi=dpi))
