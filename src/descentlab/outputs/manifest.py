"""``manifest.json``: what each command last wrote into an output folder, and nothing stale.

A folder holds the files of one run of each command. The manifest records, per command
(``tutorial``, ``animate``, ``lr-study``, ...), its command line, settings, status and
files (with their sizes and times)::

    {"format": "descentlab-manifest", "version": 1,
     "commands": {"tutorial": {"argv": [...], "settings": {...}, "status": "completed",
                               "files": {"history.json": {"bytes": 5123, "mtime_ns": ...,
                                                          "sha256": "9f86d0..."}, ...},
                               "written_at": "2026-01-01T12:00:00+00:00", "version": "0.1.0"}}},
     "folder": {"dev": 2049, "ino": 131077}}

When a command writes again, the files its previous run wrote and this one did not
(``epoch_070.png`` of a longer run) are removed: only files the manifest lists, that are
still plain files with the size, time and SHA-256 it recorded, and that no other command
claims. A manifest is a record, never a deletion list: an entry without all three (null,
hand-edited), a manifest made in another folder (copied: ``"folder"`` differs), a damaged
or deeply nested one removes nothing and is written anew. One run at a time writes into
a folder (:func:`~descentlab.outputs.folder_lock.folder_lock`).
Each command owns its file names (``tutorial --animate`` writes ``training.gif``,
``animate`` writes ``animate.gif``), so commands sharing a folder do not overwrite each
other's files; should a file still be written by another command (a library call that
names it), it moves to the command that wrote it last, so every file present belongs to
exactly one entry.
"""

import hashlib
import json
import os
import warnings
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from descentlab.errors import DescentlabError
from descentlab.files import deferred_signals, save_figure, write_text
from descentlab.files.interrupts import release_interrupts
from descentlab.memory import read_text_capped
from descentlab.outputs.folder_lock import folder_lock

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from matplotlib.figure import Figure

MANIFEST = "manifest.json"
FORMAT = "descentlab-manifest"

#: A manifest (or one command's entry) as read from JSON: its values are JSON values.
Doc: TypeAlias = dict[str, Any]


def read_manifest(folder: str | os.PathLike[str]) -> Doc:
    """The manifest of ``folder`` as a dict (an empty one when there is none, or it is damaged
    or was made in another folder: such a manifest is replaced, never followed).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     read_manifest(folder)
    {'format': 'descentlab-manifest', 'version': 1, 'commands': {}}
    """
    path = Path(folder) / MANIFEST
    empty = {"format": FORMAT, "version": 1, "commands": {}}
    if path.is_symlink() or not path.is_file():
        return empty
    try:
        doc = json.loads(read_text_capped(path, "manifest", limit=16 * 2**20))
        if not isinstance(doc, dict) or doc.get("format") != FORMAT or not isinstance(doc.get("commands"), dict):
            raise ValueError("not a descentlab manifest")
        for entry in doc["commands"].values():
            if not isinstance(entry, dict) or not isinstance(entry.get("files"), dict):
                raise ValueError("an entry has no files")
        if doc.get("folder") != _identity(folder):
            raise ValueError("it was made in another folder")
        return doc
    except (DescentlabError, ValueError, AttributeError, RecursionError) as exc:
        why = "nested too deeply" if isinstance(exc, RecursionError) else str(exc).splitlines()[0]
        warnings.warn(f"{str(path)!r} is damaged or foreign ({why}); it is written anew and no old "
                      "file is removed", stacklevel=2)
        return empty


def _identity(folder: str | os.PathLike[str]) -> dict[str, int] | None:
    """The folder's device and inode: a manifest copied from elsewhere does not match."""
    try:
        s = os.stat(folder)
    except OSError:
        return None
    return {"dev": s.st_dev, "ino": s.st_ino}


def _stat(path: Path) -> dict[str, int | str] | None:
    """Size, time and SHA-256 of the plain file ``path`` (None when it is not one)."""
    try:
        s = os.stat(path)
        if not path.is_file():
            return None
        with open(path, "rb") as fh:
            digest = hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError:
        return None
    return {"bytes": s.st_size, "mtime_ns": s.st_mtime_ns, "sha256": digest}


def _proven(recorded: object) -> bool:
    """True when ``recorded`` is a whole record (size, time and hash), not null or edited."""
    return (isinstance(recorded, dict) and set(recorded) == {"bytes", "mtime_ns", "sha256"}
            and all(type(recorded[k]) is int for k in ("bytes", "mtime_ns"))
            and isinstance(recorded["sha256"], str) and len(recorded["sha256"]) == 64)


def _plain_name(name: object) -> bool:
    return isinstance(name, str) and name not in ("", ".", "..", MANIFEST) and Path(name).name == name


class OutputFolder:
    """One command writing into a folder, recorded in its ``manifest.json``.

    Use as a context manager: on entry the manifest lists the old and the planned files
    (so a run killed mid-way still names everything for the next one to clean); on exit
    the previous run's stale files are removed and the manifest lists exactly what this
    run wrote, with its status (``"interrupted"`` on Ctrl-C, ``"failed"`` on an error).

    Parameters
    ----------
    folder : path-like
    command : str
        The entry's key: ``"tutorial"``, ``"animate"``, ...
    planned : iterable of str
        The names this run means to write.
    settings : dict, optional
    argv : list of str, optional
    only_if_present : bool, default=False
        Record only in a folder that already has a manifest (for single files such as
        ``report.html`` that land in a folder of outputs).

    Examples
    --------
    >>> import tempfile
    >>> tmp = tempfile.TemporaryDirectory(); folder = tmp.name
    >>> with OutputFolder(folder, "demo", ["a.txt", "b.txt"]) as f:
    ...     _ = f.write_text("a.txt", "first run"); _ = f.write_text("b.txt", "first run")
    >>> with OutputFolder(folder, "demo", ["a.txt"]) as f:  # b.txt is stale now: removed
    ...     _ = f.write_text("a.txt", "second run")
    >>> sorted(os.listdir(folder)), list(read_manifest(folder)["commands"]["demo"]["files"])
    (['a.txt', 'manifest.json'], ['a.txt'])
    >>> tmp.cleanup()
    """

    def __init__(self, folder: str | os.PathLike[str], command: str, planned: Iterable[str] = (),
                 settings: Mapping[str, object] | None = None, argv: Sequence[str] | None = None,
                 only_if_present: bool = False) -> None:
        self.folder = Path(folder)
        self.command = command
        self.planned = list(planned)
        self.settings: Mapping[str, object] = settings or {}
        self.argv = argv
        self.status = "completed"
        self.files: list[str] = []
        self.active = not only_if_present or (self.folder / MANIFEST).is_file()

    def __repr__(self) -> str:
        return f"OutputFolder({str(self.folder)!r}, {self.command!r}, files={len(self.files)})"

    def path(self, name: str) -> Path:
        """The path of ``name`` in the folder, recorded as written by this run.

        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     f = OutputFolder(tmp, "demo", ["a.txt"])
        ...     f.path("a.txt") == Path(tmp, "a.txt"), f.files
        (True, ['a.txt'])
        """
        if name not in self.files:
            self.files.append(name)
        return self.folder / name

    def write_text(self, name: str, text: str) -> Path:
        """Write ``text`` to ``name`` in the folder (whole or not at all), recorded as written."""
        return write_text(self.path(name), text)

    def save_figure(self, fig: "Figure", name: str) -> Path:
        """Save ``fig`` as ``name`` in the folder (whole or not at all), recorded as written.

        >>> import tempfile
        >>> from matplotlib.figure import Figure
        >>> with tempfile.TemporaryDirectory() as tmp, OutputFolder(tmp, "demo", ["a.png"]) as f:
        ...     f.save_figure(Figure(figsize=(1, 1)), "a.png").read_bytes()[:4]
        b'\\x89PNG'
        """
        return save_figure(fig, self.path(name))

    def __enter__(self) -> "OutputFolder":
        self._lock: AbstractContextManager[None] | None = None
        if self.active:
            self._lock = folder_lock(self.folder)
            self._lock.__enter__()  # one writer at a time: waits for another run to finish
            with deferred_signals():
                self._old = read_manifest(self.folder)
                entry = self._entry("writing")
                old = self._old["commands"].get(self.command, {}).get("files", {})
                entry["files"] = {**old, **{n: None for n in self.planned if n not in old}}
                try:
                    self._write({**self._old["commands"], self.command: entry})
                except DescentlabError:  # the folder broke: the run's own files say more
                    self.active = False
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> Literal[False]:
        if kind is not None:
            self.status = "interrupted" if issubclass(kind, KeyboardInterrupt) else "failed"
        try:
            if self.active:
                with deferred_signals():
                    self._finish()
        except DescentlabError:
            if kind is None:  # else the error in flight says more than the manifest's
                raise
        finally:
            if self._lock is not None:
                self._lock.__exit__(None, None, None)
            release_interrupts()  # the run's record is written
        return False

    def _entry(self, status: str) -> Doc:
        from descentlab._version import __version__

        return {"argv": self.argv, "settings": self.settings, "status": status,
                "written_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "version": __version__}

    def _finish(self) -> None:
        commands = {k: dict(v) for k, v in self._old["commands"].items() if k != self.command}
        written = {n: _stat(self.folder / n) for n in self.files if (self.folder / n).is_file()}
        for entry in commands.values():
            entry["files"] = {n: s for n, s in entry["files"].items() if n not in written}
        claimed = {n for entry in commands.values() for n in entry["files"]}
        old = self._old["commands"].get(self.command, {}).get("files", {})
        for name, recorded in old.items():
            if name not in written and name not in claimed and _plain_name(name):
                self._remove_stale(name, recorded)
        commands = {k: v for k, v in commands.items() if v["files"]}
        entry = self._entry(self.status)
        entry["files"] = written
        self._write({**commands, self.command: entry})

    def _remove_stale(self, name: str, recorded: object) -> None:
        """Remove ``name`` if it is still the plain file this command wrote."""
        path = self.folder / name
        if path.is_symlink() or not path.is_file() or not _proven(recorded):
            return  # never a file the manifest cannot prove descentlab wrote
        if _stat(path) != recorded:
            warnings.warn(f"{str(path)!r} changed since descentlab wrote it: left in place", stacklevel=2)
            return
        try:
            path.unlink()
        except OSError:
            pass

    def _write(self, commands: Doc) -> None:
        doc = {"format": FORMAT, "version": 1, "commands": commands, "folder": _identity(self.folder)}
        write_text(self.folder / MANIFEST, json.dumps(doc, indent=1, default=str) + "\n")
