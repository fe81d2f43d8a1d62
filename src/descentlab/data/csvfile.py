"""Real data from a CSV file with a header row, checked cell by cell.

Every problem a user can cause ends in one :class:`DescentlabError` line that names the
file, the line and the column, and says what to do: a missing or empty file, no header,
an unknown column, a cell that is not a number, a missing value. :func:`check_fit_data`
adds what fitting needs: at least 2 rows, no constant column, more rows than features.
Lines are counted as an editor shows them (the header is line 1).
"""

import csv
import io
import math
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

import numpy as np

from descentlab.errors import DescentlabError
from descentlab.files import check_source
from descentlab.memory import available_bytes, gib

#: The longest line read (a row of a CSV file); past it the input is not a CSV file.
MAX_LINE = 16 * 2**20
#: Memory one cell takes while a file is read: its text as a Python string in a row's
#: list (about 60 bytes for a short number), then a float and its place in an array.
BYTES_PER_CELL = 120

MISSING = {"", "na", "n/a", "nan", "null", "none", "?", "-"}
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


@dataclass
class CsvData:
    """The columns read from a CSV file.

    Attributes
    ----------
    X : ndarray of shape (n_rows, n_features)
    y : ndarray of shape (n_rows,) or None
        Floats, or the label strings when read with ``labels=True``; None without a target.
    features : list of str
    target : str or None
    path : str
    lines : list of int
        The file line of each row, for messages.

    Examples
    --------
    >>> csv_from_text("x,y\\n1,2\\n3,4\\n", "upload.csv", target="y")
    CsvData('upload.csv', n_rows=2, features=['x'], target='y')
    """

    X: np.ndarray
    y: np.ndarray | None
    features: list[str]
    target: str | None
    path: str
    lines: list[int]

    def __repr__(self) -> str:
        return (f"CsvData({self.path!r}, n_rows={self.X.shape[0]}, features={self.features!r}, "
                f"target={self.target!r})")


def _rows(path: str, delimiter: str = ",") -> list[tuple[int, list[str]]]:
    """The file's non-blank rows with their line numbers; one-line errors for unreadable files,
    and for inputs that are endless (/dev/zero, a pipe that never ends) or larger than memory,
    found before they are read to the end."""
    try:
        budget = _memory_budget(path)
        with open(path, newline="", encoding="utf-8-sig") as fh:
            return _parse(fh, path, delimiter, budget)
    except FileNotFoundError:
        raise DescentlabError(f"no such file {path!r}: check the path") from None
    except IsADirectoryError:
        raise DescentlabError(f"{path!r} is a folder, not a CSV file: pass the file's path") from None
    except UnicodeDecodeError:
        raise DescentlabError(f"{path!r} is not UTF-8 text: save it as a UTF-8 CSV file") from None
    except csv.Error as exc:
        raise DescentlabError(f"{path!r} is not a well-formed CSV file ({exc}): check its quotes") from None
    except OSError as exc:
        raise DescentlabError(f"cannot read {path!r} ({exc.strerror or exc}): check the path") from None


def _parse(fh: IO[str], path: str, delimiter: str, budget: float) -> list[tuple[int, list[str]]]:
    reader = csv.reader(_lines(fh, path), delimiter=delimiter, strict=True)
    rows, cells = [], 0
    for row in reader:
        cells += len(row) + 1
        if cells * BYTES_PER_CELL > budget:
            raise DescentlabError(f"{path!r} holds more rows than this machine's memory can "
                                  f"hold ({gib(budget)} to spare): use a smaller file")
        if any(c.strip() for c in row):
            rows.append((reader.line_num, row))
    return rows


def _memory_budget(path: str) -> float:
    """Bytes the rows may take: half the available memory; a device is refused, and a
    regular file whose text alone would not fit is refused unread."""
    info = os.stat(path)
    if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode):
        raise DescentlabError(f"{path!r} is a device, not a CSV file: pass the path of a file")
    available = available_bytes()
    budget = math.inf if available is None else available // 2
    if stat.S_ISREG(info.st_mode) and info.st_size * 2 > budget:
        raise DescentlabError(f"{path!r} is {gib(info.st_size)}; read as rows it would need more "
                              f"memory than the {gib(budget)} to spare: use a smaller file")
    return budget


def _lines(fh: IO[str], path: str) -> Iterator[str]:
    """The file's lines; a line past :data:`MAX_LINE` (no newline in sight) is not a row."""
    while line := fh.readline(MAX_LINE + 1):
        if len(line) > MAX_LINE:
            raise DescentlabError(f"{path!r} has a line longer than {MAX_LINE // 2**20} MiB "
                                  "(a CSV file's lines are rows): pass a CSV file")
        yield line


def _header(path: str, rows: list[tuple[int, list[str]]]) -> list[str]:
    if not rows:
        raise DescentlabError(f"{path!r} is empty: it needs a header row naming the columns, "
                              "then one row per sample")
    line, header = rows[0]
    header = [name.strip() for name in header]
    if all(_NUMBER.fullmatch(name) for name in header):
        raise DescentlabError(f"{path!r} has no header row (line {line} is all numbers): add a "
                              "first line naming the columns, e.g. x1,x2,y")
    for i, name in enumerate(header):
        if not name:
            raise DescentlabError(f"column {i + 1} of {path!r} has no name in the header "
                                  f"(line {line}): name every column")
        if header.index(name) != i:
            raise DescentlabError(f"column name {name!r} appears twice in the header of {path!r}: "
                                  "rename one")
    return header


def _unknown(path: str, header: list[str], name: str, role: str, delimiter: str = ",") -> DescentlabError:
    hint = ""
    if len(header) == 1 and delimiter == "," and any(sep in header[0] for sep in ";\t|"):
        hint = " (the file does not seem comma-separated: save it with commas or pass --delimiter)"
    return DescentlabError(f"unknown {role} column {name!r} in {path!r}{hint}: the columns are "
                           f"{', '.join(map(repr, header))}")


def _number(path: str, line: int, column: str, cell: str) -> float:
    text = cell.strip()
    if text.lower() in MISSING:
        raise DescentlabError(f"missing value at line {line}, column {column!r} of {path!r}: "
                              "fill it in or remove the row")
    if not _NUMBER.fullmatch(text):
        raise DescentlabError(f"non-numeric value {text[:40]!r} at line {line}, column {column!r} "
                              f"of {path!r}: every cell of a feature or target must be a number (leave text "
                              "columns out with --features)")
    value = float(text)
    if not math.isfinite(value):
        raise DescentlabError(f"value {text[:40]!r} at line {line}, column {column!r} of {path!r} "
                              "is too large for a float: rescale the column")
    return value


def read_csv(path: str, *, features: list[str] | None = None, target: str | None = None, labels: bool = False,
             delimiter: str = ",", drop: list[str] | None = None) -> "CsvData":
    """Read numeric feature columns (and a target column) from a CSV file with a header.

    With pandas installed the file is parsed by its C reader; the cell-by-cell reader
    runs only when that cannot give the very same result (:mod:`descentlab.data.fastcsv`),
    and it names the line and column of every problem.

    Parameters
    ----------
    path : str or Path
    features : list of str or None, default=None
        The feature columns; None takes every column except ``target`` and ``drop``.
    target : str or None, default=None
        The target column, or None (for prediction).
    labels : bool, default=False
        Keep the target's cells as text labels (for a classifier) instead of numbers.
    delimiter : str, default=","
        The one character between cells, e.g. ``";"`` or ``"\\t"`` (a tab).
    drop : list of str or None, default=None
        Columns to leave out of the features (ids, text); with ``features`` None.

    Returns
    -------
    CsvData

    Raises
    ------
    DescentlabError
        With the line and the column, for every problem in the file.

    Examples
    --------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "data.csv")
    >>> with open(path, "w") as fh:
    ...     _ = fh.write("id,x1,x2,y\\nA,1,2,0.5\\nB,3,4,1.5\\n")
    >>> data = read_csv(path, target="y", drop=["id"])
    >>> data.features, data.X.tolist(), data.y.tolist(), data.lines
    (['x1', 'x2'], [[1.0, 2.0], [3.0, 4.0]], [0.5, 1.5], [2, 3])
    """
    path = str(path)
    delimiter = _delimiter(delimiter)
    check_source(path, "CSV file")
    # pandas reads to the end: only a regular file, refused first when it cannot fit
    # (a device such as /dev/zero, or a pipe, goes to the reader that stops on its budget)
    if os.path.isfile(path):
        _memory_budget(path)
        fast = _read_fast(path, features, target, labels, delimiter, drop)
        if fast is not None:
            return fast
    return _from_rows(path, _rows(path, delimiter), features, target, labels, delimiter, drop)


def csv_from_text(text: str, name: str, *, features: list[str] | None = None, target: str | None = None,
                  labels: bool = False, delimiter: str = ",", drop: list[str] | None = None) -> "CsvData":
    """Read a CSV held as text (an upload) as :func:`read_csv` reads a file, with the same
    checks and one-line errors, which name ``name``; nothing touches the disk.

    >>> csv_from_text("x,y\\n1,2\\n3,4\\n", "upload.csv", target="y").X.tolist()
    [[1.0], [3.0]]
    """
    delimiter = _delimiter(delimiter)
    try:
        rows = _parse(io.StringIO(text.removeprefix("\ufeff"), newline=""), name, delimiter, math.inf)
    except csv.Error as exc:
        raise DescentlabError(f"{name!r} is not a well-formed CSV file ({exc}): check its quotes") from None
    return _from_rows(name, rows, features, target, labels, delimiter, drop)


def _from_rows(path: str, rows: list[tuple[int, list[str]]], features: list[str] | None, target: str | None,
               labels: bool, delimiter: str, drop: list[str] | None) -> "CsvData":
    """The checked columns of the rows read from ``path`` (the cell-by-cell reader)."""
    header = _header(path, rows)
    features = columns(path, header, features, target, drop, delimiter)
    index = {name: i for i, name in enumerate(header)}
    X: list[list[float]] = []
    labels_read: list[str | float] = []
    lines: list[int] = []
    for line, row in rows[1:]:
        if len(row) != len(header):
            raise DescentlabError(f"line {line} of {path!r} has {len(row)} cells but the header "
                                  f"has {len(header)}: give every row one cell per column")
        X.append([_number(path, line, name, row[index[name]]) for name in features])
        if target is not None:
            cell = row[index[target]].strip()
            labels_read.append(_label(path, line, target, cell) if labels else _number(path, line, target, cell))
        lines.append(line)
    if not X:
        raise DescentlabError(f"{path!r} has a header but no data rows: add one row per sample")
    y = None if target is None else np.array(labels_read, dtype=object if labels else float)
    return CsvData(np.array(X, dtype=float), y, features, target, path, lines)


def _delimiter(delimiter: str) -> str:
    delimiter = "\t" if delimiter in ("\\t", "tab") else delimiter
    if not (isinstance(delimiter, str) and len(delimiter) == 1 and delimiter not in "\"\r\n"):
        raise DescentlabError(f"delimiter {delimiter!r} must be one character, e.g. ';' or '\\t'")
    return delimiter


def _read_fast(path: str, features: list[str] | None, target: str | None, labels: bool, delimiter: str,
               drop: list[str] | None) -> "CsvData | None":
    """:func:`descentlab.data.fastcsv.read_fast` on the checked columns, or None."""
    from descentlab.data.fastcsv import first_row, read_fast

    try:
        raw_header = first_row(path, delimiter)
        header = _header(path, [(1, raw_header)])
        features = columns(path, header, features, target, drop, delimiter)
    except (DescentlabError, OSError, UnicodeDecodeError, csv.Error):
        return None  # the cell-by-cell reader gives its own error, in its own order

    def on_missing(line: int, column: str, is_label: bool) -> None:
        (_label if is_label else _number)(path, line, column, "")

    result = read_fast(path, header, raw_header, features, target, labels, delimiter, MISSING, on_missing)
    if result is None:
        return None
    X, y, lines = result
    return CsvData(X, y, features, target, path, lines)


def columns(path: str, header: list[str], features: list[str] | None, target: str | None,
            drop: list[str] | None = None, delimiter: str = ",") -> list[str]:
    """The checked feature columns: one-line errors for unknown, repeated or missing ones.

    Shared by the CSV reader and :func:`descentlab.data.folders.read_folder`.

    Examples
    --------
    >>> columns("data.csv", ["id", "x1", "x2", "y"], None, "y", drop=["id"])
    ['x1', 'x2']
    >>> columns("data.csv", ["x", "y"], ["z"], "y")
    Traceback (most recent call last):
    ...
    descentlab.errors.DescentlabError: ...
    """
    if target is not None and target not in header:
        raise _unknown(path, header, target, "target", delimiter)
    drop = list(drop or [])
    for name in drop:
        if name not in header:
            raise _unknown(path, header, name, "dropped", delimiter)
    if features is not None and drop:
        raise DescentlabError("give either the feature columns or the columns to drop, not both")
    features = [c for c in header if c != target and c not in drop] if features is None else list(features)
    for name in features:
        if name not in header:
            raise _unknown(path, header, name, "feature", delimiter)
    if target is not None and target in features:
        raise DescentlabError(f"column {target!r} is both the target and a feature: leave it "
                              "out of the features")
    if not features:
        raise DescentlabError(f"{path!r} has no feature columns besides the target {target!r}: "
                              "add at least one")
    if len(set(features)) != len(features):
        raise DescentlabError("a feature column is listed twice: list each once")
    return features


def _label(path: str, line: int, column: str, cell: str) -> str:
    if cell.lower() in MISSING:
        raise DescentlabError(f"missing label at line {line}, column {column!r} of {path!r}: "
                              "fill it in or remove the row")
    return cell


def check_fit_data(data: Any) -> None:
    """Raise a one-line error unless ``data`` can be fitted.

    It needs at least 2 rows, more rows than features (with the intercept there are
    ``n_features + 1`` parameters), and no constant column: a constant feature carries
    no information and a constant target leaves nothing to learn.

    Examples
    --------
    >>> check_fit_data(csv_from_text("x,y\\n1,2\\n2,3\\n3,5\\n", "ok.csv", target="y"))  # fits: nothing happens
    >>> check_fit_data(csv_from_text("x,y\\n1,2\\n1,3\\n1,5\\n", "flat.csv", target="y"))
    Traceback (most recent call last):
    ...
    descentlab.errors.DescentlabError: feature column 'x' of 'flat.csv' is constant (every row is 1): ...
    """
    n_rows, n_features = data.X.shape
    if n_rows < 2:
        raise DescentlabError(f"{data.path!r} has only 1 data row (line {data.lines[0]}): "
                              "fitting needs at least 2, and more rows than features")
    if n_features >= n_rows:
        raise DescentlabError(f"{data.path!r} has {n_rows} data rows for {n_features} features: "
                              "fitting needs more rows than features (with the intercept); "
                              "add rows or choose fewer --features")
    # a column that varies mostly does so in its first rows: only those constant there are scanned
    first = np.all(data.X[:64] == data.X[0], axis=0)
    for j, name in enumerate(data.features):
        if first[j] and np.all(data.X[:, j] == data.X[0, j]):
            raise DescentlabError(f"feature column {name!r} of {data.path!r} is constant (every "
                                  f"row is {data.X[0, j]:g}): it carries no information, leave it "
                                  "out with --features")
    if data.y is not None and _constant(data.y):
        raise DescentlabError(f"target column {data.target!r} of {data.path!r} is constant (every "
                              f"row is {_shown(data.y[0])}): there is nothing to learn")


def _constant(y: np.ndarray) -> bool:
    """Whether every value of ``y`` equals the first; text labels are compared one by one in
    Python, up to the first that differs (a whole-array ``==`` on objects costs a call each)."""
    if y.dtype != object:
        return bool(np.all(y == y[0]))
    first = y[0]
    return not any(value != first for value in y)


def _shown(value: Any) -> str:
    """A cell as a message shows it: ``5`` or ``2.5e+300`` for numbers, ``'yes'`` for labels."""
    if isinstance(value, (float, np.floating)):
        return f"{float(value):g}"
    return repr(str(value))
