"""The exercises' files: a learner's starter and a class's grades, written atomically.

:mod:`descentlab.exercises` makes their text (the starter from the lesson's template, the
grades as CSV or JSON with every cell escaped); these functions put it on disk, each file
to a temporary file renamed into place (:func:`descentlab.files.write_text`).
"""

import os
from pathlib import Path

from descentlab.errors import DescentlabError
from descentlab.files import write_text


def write_starter(folder: str | os.PathLike[str], files: dict[str, str], force: bool = False) -> list[Path]:
    """Write ``files`` (``{name: text}``) into ``folder`` (created if missing); the paths.

    Refuses to overwrite a file unless ``force`` is True, checked for every file before
    the first is written.

    >>> import tempfile
    >>> tmp = tempfile.TemporaryDirectory(); folder = Path(tmp.name) / "ex"
    >>> [p.name for p in write_starter(folder, {"a.py": "x = 1", "b.txt": "hi"})]
    ['a.py', 'b.txt']
    >>> write_starter(folder, {"a.py": "x = 2"})
    Traceback (most recent call last):
    descentlab.errors.DescentlabError: .../ex/a.py already exists: pass --force to overwrite it, or choose another folder
    >>> tmp.cleanup()
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise DescentlabError(f"{folder} is a file: give a folder for the exercise")
    if not force:
        for name in files:
            if (folder / name).exists():
                raise DescentlabError(f"{folder / name} already exists: pass --force to "
                                      "overwrite it, or choose another folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DescentlabError(f"cannot write the exercise into {folder}: {exc.strerror}") from None
    return [write_text(folder / name, text) for name, text in files.items()]


def write_grades(out: str | os.PathLike[str], text: str) -> Path:
    """Write the class's grades (``grades.csv`` or ``grades.json`` text) to ``out``.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     write_grades(Path(folder) / "grades.csv", "student,score").read_text()
    'student,score'
    """
    return write_text(out, text)
