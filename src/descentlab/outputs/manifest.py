"""``manifest.json``: what each command last wrote into an output folder, and nothing stale.

A folder holds the files of one run of each command. The manifest records, per command
(``tutorial``, ``animate``, ``lr-study``, ...), its command line, settings, status and
files (with their sizes and times)::

    {"format": "descentlab-manifest", "version": 1,
     "commands": {"tutorial": {"argv": [...], "settings": {...}, "status": "completed",
                               "files": {"history.json": {"bytes": 5123, "mtime_ns": ...}, ...},
                               "written_at": "2026-01-01T12:00:00+00:00", "version": "0.1.0"}}}

When a command writes again, the files its previous run wrote and this one did not
(``epoch_070.png`` of a longer run) are removed: only files the manifest lists, that are
still plain files with the size and time it recorded, and that no other command claims.
Each command owns its file names (``tutorial --animate`` writes ``training.gif``,
``animate`` writes ``animate.gif``), so commands sharing a folder do not overwrite each
other's files; should a file still be written by another command (a library call that
names it), it moves to the command that wrote it last, so every file present belongs to
exactly one entry.
"""

import json
import warnings
from datetime import UTC, datetime
from pathlib import Path

from descentlab.errors import DescentlabError
from descentlab.files import deferred_signals, save_figure, write_text

MANIFEST = "manifest.json"
FORMAT = "descentlab-manifest"


def read_manifest(folder):
    """The manifest of ``folder`` as a dict (an empty one when there is none or it is damaged)."""
    path = Path(folder) / MANIFEST
    empty = {"format": FORMAT, "version": 1, "commands": {}}
    if not path.is_file():
        return empty
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        if doc.get("format") != FORMAT or not isinstance(doc.get("commands"), dict):
            raise ValueError("not a descentlab manifest")
        for entry in doc["commands"].values():
            if not isinstance(entry, dict) or not isinstance(entry.get("files"), dict):
                raise ValueError("an entry has no files")
        return doc
    except (OSError, ValueError, AttributeError) as exc:
        warnings.warn(f"{str(path)!r} is damaged ({exc}); it is written anew and no old file "
                      "is removed", stacklevel=2)
        return empty


def _stat(path):
    try:
        s = path.stat()
    except OSError:
        return None
    return {"bytes": s.st_size, "mtime_ns": s.st_mtime_ns}


def _plain_name(name):
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
    """

    def __init__(self, folder, command, planned=(), settings=None, argv=None, only_if_present=False):
        self.folder = Path(folder)
        self.command = command
        self.planned = list(planned)
        self.settings = settings or {}
        self.argv = argv
        self.status = "completed"
        self.files = []
        self.active = not only_if_present or (self.folder / MANIFEST).is_file()

    def __repr__(self):
        return f"OutputFolder({str(self.folder)!r}, {self.command!r}, files={len(self.files)})"

    def path(self, name):
        """The path of ``name`` in the folder, recorded as written by this run."""
        if name not in self.files:
            self.files.append(name)
        return self.folder / name

    def write_text(self, name, text):
        return write_text(self.path(name), text)

    def save_figure(self, fig, name):
        return save_figure(fig, self.path(name))

    def __enter__(self):
        if self.active:
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

    def __exit__(self, kind, exc, tb):
        if kind is not None:
            self.status = "interrupted" if issubclass(kind, KeyboardInterrupt) else "failed"
        if self.active:
            try:
                with deferred_signals():
                    self._finish()
            except DescentlabError:
                if kind is None:  # else the error in flight says more than the manifest's
                    raise
        return False

    def _entry(self, status):
        from descentlab._version import __version__

        return {"argv": self.argv, "settings": self.settings, "status": status,
                "written_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "version": __version__}

    def _finish(self):
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

    def _remove_stale(self, name, recorded):
        """Remove ``name`` if it is still the plain file this command wrote."""
        path = self.folder / name
        if path.is_symlink() or not path.is_file():
            return
        if isinstance(recorded, dict) and _stat(path) != recorded:
            warnings.warn(f"{str(path)!r} changed since descentlab wrote it: left in place", stacklevel=2)
            return
        try:
            path.unlink()
        except OSError:
            pass

    def _write(self, commands):
        doc = {"format": FORMAT, "version": 1, "commands": commands}
        write_text(self.folder / MANIFEST, json.dumps(doc, indent=1, default=str) + "\n")
