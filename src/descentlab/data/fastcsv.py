"""The fast path of :func:`descentlab.data.csvfile.read_csv`: pandas' C parser, checked as a whole.

pandas (an optional dependency, the ``csv`` extra) parses the file in one pass with the
numeric columns typed as floats. Its result is taken only when nothing could differ from
the cell-by-cell reader: every feature (and numeric target) came out a finite float,
every label is present, and the file has one line per row, so the line numbers are
known (blank lines are kept, and then fail as numbers; no cell spans lines). Otherwise, or when pandas is missing or refuses
the file, :func:`read_fast` returns None and the cell-by-cell reader runs, which names
the line and column of the first problem.
"""

import csv
import itertools
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np


def first_row(path: str, delimiter: str) -> list[str]:
    """The first non-blank row of the file, read with the csv module (``[]`` when none).

    Examples
    --------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "data.csv")
    >>> with open(path, "w") as fh:
    ...     _ = fh.write("\\n x ;y\\n1;2\\n")
    >>> first_row(path, ";")
    [' x ', 'y']
    """
    with open(path, newline="", encoding="utf-8-sig") as fh:
        for row in csv.reader(fh, delimiter=delimiter, strict=True):
            if any(cell.strip() for cell in row):
                return row
    return []


def read_fast(path: str, header: list[str], raw_header: list[str], features: list[str], target: str | None,
              labels: bool, delimiter: str, missing: Any,
              on_missing: Callable[[int, str, bool], None] | None = None) -> tuple[np.ndarray, Any, list[int]] | None:
    """``(X, y, lines)`` parsed by pandas, or None to fall back to the cell-by-cell reader.

    Parameters
    ----------
    path : str
    header, raw_header : list of str
        The checked header (names stripped) and the same names as the file has them
        (:func:`first_row`).
    features : list of str
    target : str or None
    labels : bool
        Keep the target as text labels.
    delimiter : str
    missing : set of str
        Lower-case cells that mean a missing value or label.
    on_missing : callable or None
        ``on_missing(line, column, is_label)`` raises the reader's error for the first missing
        cell: a file whose only problem is missing cells is then refused from pandas' pass,
        with its line and column, instead of going to the cell-by-cell reader to be named.

    Examples
    --------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "data.csv")
    >>> with open(path, "w") as fh:
    ...     _ = fh.write("x,y\\n1,2\\n3,4\\n")
    >>> X, y, lines = read_fast(path, ["x", "y"], ["x", "y"], ["x"], "y", False, ",", {"", "na"})
    >>> X.tolist(), y.tolist(), lines
    ([[1.0], [3.0]], [2.0, 4.0], [2, 3])
    """
    try:
        import pandas as pd
    except ImportError:
        return None
    label = target if target is not None and labels else None
    # a label column surely read as text is left to pandas' inference (its fast path for text:
    # pinning dtype=str costs about a sixth more); one that may read as numbers is pinned
    pinned = label is not None and not _surely_text(path, delimiter, header.index(label), missing)
    frame = _parse(path, header, raw_header, delimiter, missing, label if pinned else None)
    if frame is not None and label is not None and not pinned \
            and pd.api.types.infer_dtype(frame[label], skipna=True) != "string":
        frame = _parse(path, header, raw_header, delimiter, missing, label)  # a chunk of numbers
    if frame is None:
        return None
    n_rows = len(frame)
    numeric = features + ([target] if target is not None and not labels else [])
    # (a number column's cells are numbers or missing ones, checked below: no line breaks there;
    # the label column is checked on its few distinct labels, after factorize)
    text = [name for name in frame.columns
            if frame[name].dtype.kind not in "biuf" and name not in numeric and name != label]
    if n_rows == 0 or any(frame[name].str.contains("\n", regex=False).any() for name in text):
        return None  # no rows, or a quoted cell over several lines: the line numbers would shift
    last = frame.columns[-1]  # pandas pads a short row with missing cells, the last one too
    if last not in numeric and last != label:  # (a used column's gaps are looked at below)
        padded = frame[last].isna().to_numpy()
        if padded.any() and _any_short(path, delimiter, len(header), np.flatnonzero(padded)):
            return None  # the cell-by-cell reader names the row
    bad = [name for name in numeric if frame[name].dtype.kind not in "iuf"]
    if bad:  # text, or True/False: a number column only when its other cells are missing ones
        for name in bad:
            gap = _missing_cells(frame[name], missing)
            if gap is None:
                return None
            frame[name] = np.where(gap, np.nan, 0.0)  # only where the gaps are matters now
    X = _floats(frame, features)
    y, label_gaps = None, None
    if label is not None:
        codes, uniques = pd.factorize(frame[label])  # a few distinct labels: strip each once
        if any("\n" in str(u) for u in uniques):
            return None  # a label over several lines: the line numbers would shift
        names = np.array([str(u).strip() for u in uniques] + [""], dtype=object)
        y = names[codes]  # a missing cell (NaN, code -1) is the "" at the end
        blank = np.array([name.lower() in missing for name in names])[codes]  # the last is True
        label_gaps = blank if blank.any() else None
    elif target is not None:
        y = frame[target].to_numpy(dtype=float)
    finite = np.all(np.isfinite(X)) and (y is None or label is not None or np.all(np.isfinite(y)))
    if bad or label_gaps is not None or not finite:
        target_gaps = label_gaps if label is not None or y is None else np.isnan(y)
        infinite = bool(np.isinf(X).any() or (y is not None and label is None and np.isinf(y).any()))
        if not infinite:  # an infinite cell too: the cell-by-cell reader says which comes first
            _first_missing(path, delimiter, frame, X, features, target, target_gaps, label is not None, on_missing)
        return None
    return X, y, list(range(2, n_rows + 2))


def _parse(path: str, header: list[str], raw_header: list[str], delimiter: str, missing: Any,
           text: str | None) -> Any:
    """The file as pandas reads it, with the checked ``header`` as its column names (and the
    column ``text``, if any, read as text), or None when pandas refuses it."""
    import pandas as pd

    try:
        raw_names = dict(zip(header, raw_header, strict=False))  # pandas keeps the names unstripped
        # numbers are inferred (as fast as dtype=float, the same values): a column with a
        # missing cell then comes out as text instead of failing the whole pass
        dtype: dict[str, type] = {} if text is None else {raw_names[text]: str}
        # every column and index_col=False, warnings as errors: a row with more cells than
        # the header is then refused, never read as an index or cut short
        read = dict(sep=delimiter, header=0, index_col=False, dtype=dtype, skip_blank_lines=False,
                    encoding="utf-8-sig", engine="c")
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            warnings.simplefilter("ignore", pd.errors.DtypeWarning)  # a gap in one chunk: text there
            # the missing spellings (in any case) read as NaN, as pandas' own defaults do:
            # a column with a gap stays a float column, and the gap is found from the floats
            frame = pd.read_csv(path, keep_default_na=False, na_values=_spellings(missing), **read)
        if len(frame.columns) != len(header):
            return None
        frame.columns = header
    except Exception:  # anything pandas refuses, the cell-by-cell reader explains
        return None
    return frame


def _surely_text(path: str, delimiter: str, column: int, missing: Any) -> bool:
    """Whether pandas infers column ``column`` as text: its first cell (of the first non-blank
    row after the header) is neither a number, True/False nor a missing cell, as pandas sees
    them. Otherwise, or when unsure, False (the column is then read as text on purpose)."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            rows = (row for row in csv.reader(fh, delimiter=delimiter) if any(c.strip() for c in row))
            row = next(itertools.islice(rows, 1, None), None)
    except (OSError, UnicodeDecodeError, csv.Error):
        return False  # pandas' pass, or the cell-by-cell reader, says what is wrong
    if row is None or column >= len(row):
        return False
    cell = row[column].strip()
    try:
        float(cell)
        return False
    except ValueError:
        return bool(cell) and cell.lower() not in missing and cell.lower() not in ("true", "false")


def _floats(frame: Any, names: list[str]) -> np.ndarray:
    """The columns ``names`` of ``frame`` as one C-ordered float array, filled column by column
    (one copy; ``frame[names].to_numpy()`` gives Fortran order, which then needs a second)."""
    X = np.empty((len(frame), len(names)))
    for j, name in enumerate(names):
        X[:, j] = frame[name].to_numpy(dtype=float)
    return X


def _first_missing(path: str, delimiter: str, frame: Any, X: np.ndarray, features: list[str],
                   target: str | None, target_gaps: np.ndarray | None, is_label: bool,
                   on_missing: Callable[[int, str, bool], None] | None) -> None:
    """Call ``on_missing`` for the first missing cell, by line then by column in the file's
    order; None, for the fallback, when it does not raise.

    ``X`` holds the ``features`` as floats (a gap is NaN), ``target_gaps`` (or None: none)
    marks the missing cells of the ``target`` column. The file's line is read only when the
    row could be short (pandas pads a short row with missing cells, so its last cell is then
    missing too): a row whose last cell is present has every cell."""
    import pandas as pd

    if on_missing is None:
        return
    gaps = np.isnan(X)
    rows = gaps.any(axis=1)
    if target_gaps is not None:
        rows |= target_gaps
    if not rows.any():
        return
    row = int(np.argmax(rows))
    names, at_row = list(features), list(gaps[row])
    if target is not None:
        names.append(target)
        at_row.append(target_gaps is not None and bool(target_gaps[row]))
    order = np.argsort([list(frame.columns).index(n) for n in names], kind="stable")
    column = names[next(j for j in order if at_row[j])]
    n_columns = len(frame.columns)
    if pd.isna(frame.iat[row, n_columns - 1]):  # a short row, or a blank line?
        line = _line(path, row + 1)
        if len(next(csv.reader([line], delimiter=delimiter), [])) != n_columns:
            return  # yes: the reader says so, in its own words
    on_missing(row + 2, column, is_label and column == target)  # it raises the reader's error


def _any_short(path: str, delimiter: str, n_columns: int, rows: np.ndarray) -> bool:
    """Whether one of the data ``rows`` (0: the line after the header) has another number of
    cells than the header, read in one pass up to the last of them (the rows hold no line
    breaks: :func:`read_fast` checked)."""
    wanted = set((rows + 1).tolist())
    end = max(wanted)
    with open(path, newline="", encoding="utf-8-sig") as fh:
        for index, line in enumerate(fh):
            if index in wanted and len(next(csv.reader([line], delimiter=delimiter), [])) != n_columns:
                return True
            if index >= end:
                break
    return False


def _spellings(missing: Any) -> list[str]:
    """Every upper/lower-case spelling of the lower-case ``missing`` cells (pandas matches
    them exactly; a padded one, e.g. `` NA``, leaves its column as text, checked below)."""
    return sorted({"".join(chars) for cell in missing
                   for chars in itertools.product(*({c.lower(), c.upper()} for c in cell))})


def _line(path: str, index: int) -> str:
    """Line ``index`` (0 is the header) of the file, found by counting newlines a block at a
    time (the rows hold no line breaks: :func:`read_fast` checked)."""
    block = 1 << 20
    with open(path, "rb") as fh:
        seen, start, tail = 0, 0, b""
        while chunk := fh.read(block):
            chunk = tail + chunk
            count = chunk.count(b"\n")
            if seen + count <= index:
                seen, tail = seen + count, chunk[chunk.rfind(b"\n") + 1:] if count else chunk
                continue
            for _ in range(index - seen):
                start = chunk.index(b"\n", start) + 1
            end = chunk.find(b"\n", start)
            if end < 0:  # the line runs on into the next block
                end = len(chunk)
                chunk += fh.readline()
                end = chunk.find(b"\n", start)
            line = chunk[start:] if end < 0 else chunk[start:end]
            return line.decode("utf-8-sig" if index == 0 else "utf-8").rstrip("\r")
    return ""


def _missing_cells(column: Any, missing: Any) -> np.ndarray | None:
    """Which cells of a text column are missing, when every other one is a number; else None."""
    import pandas as pd

    if column.dtype.kind not in "OUT":
        return None
    gap = pd.to_numeric(column, errors="coerce").isna().to_numpy()  # one pass; then the few gaps
    cells = column.to_numpy(dtype=object)[gap]
    if not all(isinstance(c, str) and c.strip().lower() in missing for c in cells):
        return None  # a cell that is neither a number nor missing (or a NaN of pandas')
    return np.asarray(gap, dtype=bool)
