"""A long run's work kept when its file cannot be written after all: saved under a
fallback name, and the error says where."""

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from descentlab.errors import SaveError

T = TypeVar("T")


def fallback_paths(path: "str | os.PathLike[str]") -> list[Path]:
    """Where :func:`save_or_recover` tries next: beside ``path``, then the temp folder.

    >>> first, second = fallback_paths("runs/model.json")
    >>> first.parent.name, first.name.startswith("model.json.recovered-"), first.suffix
    ('runs', True, '.json')
    """
    path = Path(path)
    name = f"{path.name}.recovered-{os.getpid()}{path.suffix}"
    return [path.parent / name, Path(tempfile.gettempdir()) / f"descentlab-{name}"]


def save_or_recover(save: "Callable[[str | os.PathLike[str]], T]", path: "str | os.PathLike[str]",
                    what: str = "the model") -> T:
    """``save(path)``; if the file cannot be written, ``save`` it under a fallback name.

    A run of hours must not be lost to a folder removed or a disk filled while it ran.

    Raises
    ------
    SaveError
        Saying where the work was saved instead (``.recovered`` holds the path), or that
        no fallback worked either.

    Examples
    --------
    >>> from descentlab.files import write_text
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     Path(tmp, "model.json").mkdir()  # a folder where the file should go
    ...     try:
    ...         save_or_recover(lambda path: write_text(path, "{}"), Path(tmp, "model.json"))
    ...     except SaveError as exc:
    ...         print(exc.recovered.name.startswith("model.json.recovered-"), exc.recovered.read_text())
    True {}
    """
    try:
        return save(path)
    except SaveError as exc:
        first = exc
    for fallback in fallback_paths(path):
        try:
            save(fallback)
        except SaveError:
            continue
        raise SaveError(f"{first}; {what} is saved in {str(fallback)!r} instead: move it where "
                        "you want it", path=path, recovered=fallback) from None
    raise first
